"""Writing the hits of a search to CSV or JSON, with every page fetched.

Runs in a worker (``TaskManager``): it pages through the whole result with the
same request the list shows, so the file holds exactly what the user filtered.
``Exporter`` is File > Export Results: where to, then the work in the background.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from gui import errors
from gui.workers import TaskManager
from search.api import printable
from search.model import FacetName, Hit, SearchRequest, SearchResult

FIELDS = ("id", "title", "date", "countries", "source", "path")
PAGE = 1000


class _Searchable(Protocol):
    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[FacetName, ...] = ()
    ) -> SearchResult: ...

    def path_of(self, article_id: str) -> Path: ...


def all_hits(
    archive: _Searchable, request: SearchRequest, cancel: Callable[[], bool] = lambda: False
) -> Iterator[Hit]:
    """Every hit of ``request``, fetched page by page without snippets."""
    offset = 0
    while not cancel():
        page = archive.search(
            replace(request, offset=offset, limit=PAGE, snippets=False, facets=False)
        )
        yield from page.hits
        offset += len(page.hits)
        if not page.hits or offset >= page.total:
            return


def row(hit: Hit, path: Path) -> dict[str, str]:
    return {
        "id": hit.id,
        "title": hit.title,
        "date": hit.date.isoformat() if hit.date else "",
        "countries": " ".join(hit.countries),
        "source": hit.source or "",
        "path": printable(str(path)),  # a CSV or JSON file holds text, not raw name bytes
    }


def export_hits(
    archive: _Searchable,
    request: SearchRequest,
    target: Path,
    cancel: Callable[[], bool] = lambda: False,
) -> int:
    """Write the hits to ``target`` (CSV unless it ends in .json); returns how many."""
    rows = [row(hit, archive.path_of(hit.id)) for hit in all_hits(archive, request, cancel)]
    if target.suffix.lower() == ".json":
        data = [
            {
                **r,
                "countries": r["countries"].split() if r["countries"] else [],
                "date": r["date"] or None,
                "source": r["source"] or None,
            }
            for r in rows
        ]
        target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        # utf-8-sig so spreadsheet programs read accented names correctly.
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
    return len(rows)


class Exporter(QObject):
    """Exports the search shown (``request``) from ``source``; ``exported`` says how many."""

    exported = Signal(int)

    def __init__(
        self,
        tasks: TaskManager,
        status: QStatusBar,
        source: Callable[[], _Searchable | None],
        request: Callable[[], SearchRequest],
        acted: Callable[[], None],
        parent: QWidget,
    ) -> None:
        """``acted``: the user acted on the search shown (it goes into the history)."""
        super().__init__(parent)
        self._tasks = tasks
        self._status = status
        self._source = source
        self._request = request
        self._acted = acted
        self._parent = parent

    def choose(self) -> None:
        """Ask for the file (CSV or JSON) and export to it."""
        if self._source() is None:
            return
        target, chosen = QFileDialog.getSaveFileName(
            self._parent,
            "Export Results",
            str(Path.home() / "archive-results.csv"),
            "CSV (*.csv);;JSON (*.json)",
        )
        if target:
            path = Path(target)
            if not path.suffix:
                path = path.with_suffix(".json" if "json" in chosen.lower() else ".csv")
            self.export_to(path)

    def export_to(self, target: Path) -> None:
        """Write every hit of the current search to ``target`` in the background."""
        archive = self._source()
        if archive is None:
            return
        request = self._request()  # as the list counts
        self._acted()
        self._status.showMessage(f"Exporting to {target}…")

        def done(count: int) -> None:
            self._status.showMessage(f"Exported {count:,} articles to {target}", 8000)
            self.exported.emit(count)

        self._tasks.run(
            lambda: export_hits(archive, request, target),
            name="export",
            on_done=done,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        errors.show_error(self._parent, "Export failed", exc)  # the box is the window's
