"""Search as you type and the staleness rule, in one place.

The controller holds the one ``SearchState`` and turns it into requests: a key
typed searches after the debounce (0 ms by default), keys typed while a search
runs are merged into one search that starts when it ends, and every first-page
search gets a new id. A result, a further page or a batch of snippets whose id
is not the newest is dropped, never shown (after qutebrowser's completer and
napari's slicer). The window only shows what comes out of the signals.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from gui.settings import S, Settings
from gui.state import SearchState
from gui.workers import TaskManager
from search.model import FacetName, SearchRequest, SearchResult, Snippet

log = logging.getLogger("archive_browser.search")

SIDEBAR_FACETS: tuple[FacetName, ...] = ("country", "month")
"""Multi-select facets are disjunctive: the country list counts hits as if no country
were chosen (so it shows what adding another would give) and the timeline as if no
date range were set (so the rest of the histogram stays visible)."""


class Searchable(Protocol):
    """What the controller needs from an archive (the real one or a test fake)."""

    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[FacetName, ...] = ()
    ) -> SearchResult: ...

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]: ...


class SearchController(QObject):
    """Runs the searches of ``state`` on the read lane; only the newest request's come out.

    ``source`` says what to search now (None: nothing open, nothing searched).
    """

    results_ready = Signal(object)
    """``SearchResult`` of the newest first-page search (sidebar facets disjunctive)."""
    page_ready = Signal(object)
    """``SearchResult`` of a further page of the list shown."""
    snippets_ready = Signal(int, object)
    """(request id, {article id: Snippet}) for rows drawn without their snippet; the list
    drops those of a list it no longer shows."""
    failed = Signal(object)
    """Exception of the newest search or of a page of it."""
    settled = Signal()
    """A first-page search ended (delivered, failed or dropped as stale)."""

    def __init__(
        self,
        tasks: TaskManager,
        settings: Settings,
        source: Callable[[], Searchable | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = SearchState()
        """The one search the user is looking at; the window shows it, widgets propose."""
        self._tasks = tasks
        self._settings = settings
        self._source = source
        self._ids = itertools.count(1)
        self._latest = 0
        self.shown: SearchResult | None = None
        """The newest search's first page as delivered: further pages continue its
        request; the analyst's windows offer its countries."""
        self._running = 0
        self._when_settled = False
        """Keys were typed while a search ran: search the newest text when it ends."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(settings.get(S.debounce_ms))
        self._debounce.timeout.connect(self.search_now)
        self.settled.connect(self._after_search)
        self.dropped = 0
        """How many stale results were dropped (tests read this)."""

    # -- what the window asks ------------------------------------------------------------
    @property
    def searching(self) -> bool:
        """A first-page search is queued or running."""
        return self._running > 0

    @property
    def pending(self) -> bool:
        """A search is due: the debounce runs, or typed keys wait for the running one."""
        return self._debounce.isActive() or self._when_settled

    @property
    def collapse(self) -> bool:
        """One row per story (the copies of one story counted once), unless View > Show
        Every Copy is on."""
        return not self._settings.get(S.show_copies)

    def request(self) -> SearchRequest:
        """Every hit of ``state`` as the list counts them (export, analyst's views)."""
        return replace(self.state.to_request(), collapse=self.collapse)

    def typed(self, text: str) -> None:
        """The search field's text changed: search it as it is being typed.

        One search at a time: the first key searches after the debounce, keys typed
        during a search are merged into the one that starts when it ends.
        """
        self.state = self.state.typed(text)  # the last word also as a prefix
        if self.searching:
            self._debounce.stop()
            self._when_settled = True
        else:
            self._debounce.start()

    def search_now(self) -> None:
        """Search ``state`` now (its first page and the sidebar's facets)."""
        self.stop()
        archive = self._source()
        if archive is None:
            return
        request_id = next(self._ids)
        self._latest = request_id
        # Pages come without snippets: the list asks for those of the rows it draws.
        request = replace(
            self.state.to_request(),
            limit=self._settings.get(S.page_size),
            snippets=False,
            collapse=self.collapse,
            request_id=request_id,
        )

        def delivered(result: SearchResult) -> None:
            self.shown = result
            self.results_ready.emit(result)

        self._running += 1
        self._start(
            request_id,
            lambda: archive.search(request, facets_ignoring=SIDEBAR_FACETS),
            delivered,
            first_page=True,
        )

    def fetch_page(self, offset: int) -> None:
        """The list wants the hits from ``offset`` on of the search it shows."""
        archive, shown = self._source(), self.shown
        if archive is None or shown is None:
            return  # nothing open: the list is cleared when an archive goes
        request = replace(shown.request, offset=offset, facets=False)
        self._start(request.request_id, lambda: archive.search(request), self.page_ready.emit)

    def fetch_snippets(self, request_id: int, query: str, ids: list[str]) -> None:
        """Snippets of rows the list draws (``ResultsModel.snippets_wanted``)."""
        archive = self._source()
        if archive is None:
            return

        self._tasks.run(
            lambda: archive.snippets(ids, query),
            name="snippets",
            on_done=lambda snippets: self.snippets_ready.emit(request_id, snippets),
            on_error=lambda exc: log.warning("snippets: %s", exc),
        )

    def stop(self) -> None:
        """Forget a search that is due (another archive, closing): none starts by itself."""
        self._debounce.stop()
        self._when_settled = False

    def invalidate(self) -> None:
        """Make every request in flight stale (the archive they search is going away)."""
        self._latest = next(self._ids)
        self.shown = None

    # -- the staleness rule --------------------------------------------------------------
    def _after_search(self) -> None:
        if self._when_settled:
            self.search_now()

    def _start(
        self,
        request_id: int,
        search: Callable[[], SearchResult],
        deliver: Callable[[SearchResult], None],
        *,
        first_page: bool = False,
    ) -> None:
        def work() -> SearchResult | None:
            if request_id != self._latest:  # superseded while queued: skip the work
                return None
            return search()

        def settle(value: SearchResult | BaseException | None) -> None:
            try:
                if value is None or request_id != self._latest:
                    self.dropped += 1
                    log.debug("dropped stale result of request %d", request_id)
                elif isinstance(value, BaseException):
                    self.failed.emit(value)
                else:
                    deliver(value)
            finally:
                if first_page:
                    self._running -= 1
                    self.settled.emit()

        self._tasks.run(work, on_done=settle, on_error=settle, name=f"search #{request_id}")
