"""Writing the hits of a search to CSV or JSON, with every page fetched.

Runs in a worker (``TaskManager``): it pages through the whole result with the
same request the list shows, so the file holds exactly what the user filtered.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Protocol

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
