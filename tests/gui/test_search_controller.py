"""The search controller: search as you type, newest request wins, pages of the list shown."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from gui.search_controller import SearchController
from gui.settings import S, Settings
from gui.state import SearchState
from gui.workers import TaskManager
from search.model import Facets, SearchRequest, SearchResult, Snippet


class SlowArchive:
    """Blocks each search until released, to make request order deterministic."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.requests: list[SearchRequest] = []
        self.facets_ignoring: list[tuple[str, ...]] = []

    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[str, ...] = ()
    ) -> SearchResult:
        self.requests.append(request)
        self.facets_ignoring.append(facets_ignoring)
        self.release.wait(5)
        return SearchResult(request, 100, [], Facets(country={"KZ": 1}), archive_total=100)

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]:
        return {i: Snippet(query_text) for i in article_ids}


@pytest.fixture
def tasks() -> Iterator[TaskManager]:
    tasks = TaskManager()
    yield tasks
    assert tasks.wait(5000)


@pytest.fixture
def archive() -> Iterator[SlowArchive]:
    archive = SlowArchive()
    yield archive
    archive.release.set()  # nothing left blocked when a test fails


def controller(tasks: TaskManager, settings: Settings, archive: SlowArchive) -> SearchController:
    return SearchController(tasks, settings, lambda: archive)


def test_only_the_newest_search_result_is_delivered(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    search = controller(tasks, settings, archive)
    got: list[SearchResult] = []
    search.results_ready.connect(got.append)
    for text in ("a", "ab", "abc"):
        search.state = SearchState(text=text)
        search.search_now()
    archive.release.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert [r.request.text for r in got] == ["abc"]
    assert search.dropped == 2


def test_the_controller_says_while_a_first_page_search_runs(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    search = controller(tasks, settings, archive)
    settled: list[bool] = []
    search.settled.connect(lambda: settled.append(search.searching))
    assert not search.searching
    search.search_now()
    search.search_now()  # the first becomes stale
    assert search.searching
    archive.release.set()
    qtbot.waitUntil(lambda: len(settled) == 2, timeout=5000)
    assert settled == [True, False]  # still searching after the stale one ended


def test_a_search_is_one_engine_call_with_disjunctive_sidebar_facets(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    archive.release.set()
    search = controller(tasks, settings, archive)
    search.state = SearchState(text="trade", countries=("KZ",), date_from=date(2025, 1, 1))
    with qtbot.waitSignal(search.results_ready, timeout=5000):
        search.search_now()
    assert archive.facets_ignoring == [("country", "month")]
    (request,) = archive.requests
    assert (request.countries, request.offset, request.snippets) == (("KZ",), 0, False)
    assert request.limit == settings.get(S.page_size)


def test_keys_typed_during_a_search_are_merged_into_one_search_after_it(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    search = controller(tasks, settings, archive)
    got: list[SearchResult] = []
    search.results_ready.connect(got.append)
    with qtbot.waitSignal(tasks.busy_changed, timeout=5000):
        search.typed("H")  # the debounce is 0 ms: it starts on the next turn
    for text in ("Ha", "Han", "Hanoi"):
        search.typed(text)
    assert search.pending
    archive.release.set()
    qtbot.waitUntil(lambda: len(got) == 2, timeout=5000)
    assert [r.request.text for r in got] == ["H", "(Hanoi* OR Hanoi)"]
    assert len(archive.requests) == 2 and not search.pending


def test_a_search_due_is_forgotten_when_stopped(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    settings.set(S.debounce_ms, 50)
    search = controller(tasks, settings, archive)
    search.typed("kaz")
    assert search.pending
    search.stop()
    assert not search.pending
    with qtbot.assertNotEmitted(tasks.busy_changed, wait=120):
        pass
    assert archive.requests == []


def test_a_page_continues_the_list_shown_not_the_text_typed_since(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    archive.release.set()
    search = controller(tasks, settings, archive)
    search.state = SearchState(text="trade")
    with qtbot.waitSignal(search.results_ready, timeout=5000) as first:
        search.search_now()
    search.state = search.state.typed("trade ka")  # not searched yet
    with qtbot.waitSignal(search.page_ready, timeout=5000) as page:
        search.fetch_page(100)
    shown = first.args[0].request
    request = page.args[0].request
    assert (request.text, request.request_id) == ("trade", shown.request_id)
    assert (request.offset, request.facets) == (100, False)


def test_a_page_of_an_older_search_is_dropped(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    archive.release.set()
    search = controller(tasks, settings, archive)
    with qtbot.waitSignal(search.results_ready, timeout=5000):
        search.search_now()
    archive.release.clear()
    search.fetch_page(100)  # of the list shown...
    search.state = SearchState(text="newer")
    search.search_now()  # ...which a newer search supersedes before the page lands
    pages: list[SearchResult] = []
    search.page_ready.connect(pages.append)
    with qtbot.waitSignal(search.results_ready, timeout=5000):
        archive.release.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert pages == [] and search.dropped == 1


def test_results_in_flight_are_dropped_when_the_archive_goes(
    qtbot: QtBot, tasks: TaskManager, settings: Settings, archive: SlowArchive
) -> None:
    search = controller(tasks, settings, archive)
    got: list[SearchResult] = []
    search.results_ready.connect(got.append)
    search.search_now()
    search.invalidate()
    archive.release.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert got == [] and search.dropped == 1
    search.fetch_page(100)  # nothing shown any more: nothing asked
    assert not tasks.busy


def test_nothing_is_searched_without_an_archive(
    qtbot: QtBot, tasks: TaskManager, settings: Settings
) -> None:
    search = SearchController(tasks, settings, lambda: None)
    search.search_now()
    search.fetch_page(50)
    search.fetch_snippets(1, "kaz", ["a.txt"])
    assert not tasks.busy and not search.searching
