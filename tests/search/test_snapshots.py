"""One snapshot per index generation: a search sees one generation from start to end, a
refresh builds the next one while searches go on, and a generation closes after its last
reader (search/store/snapshot.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import search.api
from search.api import Archive
from search.errors import ArchiveClosed
from search.model import SearchRequest, SearchResult
from search.query import run_search
from search.store.snapshot import Snapshot

from .conftest import snapshot_of, write_articles

WAIT_S = 20.0
"""Longer than any step here should take: a step still waiting then has hung."""


def _text(i: int) -> str:
    return f"Report {i:03d} on the alpha project\n\nThe alpha project grew in week {i}.\n"


def _add(root: Path, start: int, count: int) -> None:
    write_articles(root, {f"a{i:03d}.txt": _text(i) for i in range(start, start + count)})


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    root = tmp_path / "arch"
    _add(root, 0, 5)
    opened = Archive.open(root, tmp_path / "index")
    opened.update(entities=False)
    yield opened
    opened.close()


def _alpha(archive: Archive) -> SearchResult:
    return archive.search(SearchRequest(text="alpha", limit=1000, collapse=False))


def _one_generation(result: SearchResult) -> None:
    """Every article has the word: a search of one generation finds exactly that
    generation's articles, a0..a(n-1), with the page, the count and the facets agreeing."""
    n = result.archive_total
    assert result.total == n
    assert sorted(h.id for h in result.hits) == [f"a{i:03d}.txt" for i in range(n)]
    assert sum(result.facets.month.values()) == n


def _in_thread(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as exc:  # handed to the test
            out.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, out


def test_searches_during_refreshes_each_see_one_generation(archive: Archive) -> None:
    stop = threading.Event()
    seen: list[SearchResult] = []
    errors: list[BaseException] = []

    def search_on() -> None:
        while not stop.is_set():
            try:
                seen.append(_alpha(archive))
            except BaseException as exc:
                errors.append(exc)
                return

    threads = [threading.Thread(target=search_on, daemon=True) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for step in range(4):
            _add(archive.root, 5 + 3 * step, 3)
            archive.update(entities=False)  # commits, then swaps the next snapshot in
            seen_before = len(seen)
            deadline = time.monotonic() + WAIT_S
            while len(seen) < seen_before + 3 and time.monotonic() < deadline and not errors:
                time.sleep(0.01)
    finally:
        stop.set()
        for thread in threads:
            thread.join(WAIT_S)
    assert not errors, errors
    for result in seen:
        _one_generation(result)
    totals = {r.archive_total for r in seen}
    assert {5, 17} <= totals  # the first generation and the last were both searched
    assert len(totals) >= 3  # and some in between, while they were swapped in
    assert _alpha(archive).total == 17


def test_a_search_in_flight_finishes_on_its_generation_after_a_swap(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search is stopped at its first snippet while a refresh swaps the next
    generation in; it then finishes on the old one, whose searcher is still open."""
    reading = threading.Event()
    go_on = threading.Event()
    real = Snapshot.body_of

    def paused_body_of(self: Snapshot, docnum: int) -> str:
        if threading.current_thread().name == "searcher" and not reading.is_set():
            reading.set()
            assert go_on.wait(WAIT_S)
        return real(self, docnum)

    monkeypatch.setattr(Snapshot, "body_of", paused_body_of)
    searching = threading.Thread(target=lambda: out.append(_alpha(archive)), name="searcher")
    out: list[SearchResult] = []
    searching.start()
    try:
        assert reading.wait(WAIT_S)
        in_flight = snapshot_of(archive)
        _add(archive.root, 5, 2)
        with Archive.open(archive.root, archive.index_dir) as writer:
            writer.update(entities=False)
        archive.refresh()  # does not wait for the search either
        assert snapshot_of(archive).generation is not in_flight.generation
        assert not in_flight.generation.closed
    finally:
        go_on.set()
        searching.join(WAIT_S)
    assert len(out) == 1
    _one_generation(out[0])
    assert out[0].total == 5 and all(h.snippet for h in out[0].hits)
    assert in_flight.generation.closed  # after its last reader
    assert _alpha(archive).total == 7


def test_the_threads_reading_one_generation_take_turns_on_its_files(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whoosh reads a stored article with a seek and a read on file objects the searcher
    shares: two threads must never be inside it at once."""
    searcher = snapshot_of(archive).searcher
    real = searcher.stored_fields
    inside = threading.Semaphore(1)
    overlaps: list[int] = []

    def stored_fields(docnum: int) -> Any:
        if not inside.acquire(blocking=False):
            overlaps.append(docnum)
            return real(docnum)
        try:
            time.sleep(0.001)  # a slow disk: long enough for another thread to come in
            return real(docnum)
        finally:
            inside.release()

    monkeypatch.setattr(searcher, "stored_fields", stored_fields)
    errors: list[BaseException] = []

    def read() -> None:
        try:
            for i in range(5):
                _one_generation(_alpha(archive))  # a snippet per hit
                archive.article(f"a{i:03d}.txt")
                archive.snippets(["a001.txt", "a002.txt"], "project")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT_S)
    assert not errors, errors
    assert not overlaps


def test_the_old_snapshot_closes_after_its_last_reader(archive: Archive) -> None:
    with archive._snapshot() as old:
        _add(archive.root, 5, 2)
        archive.update(entities=False)
        new = snapshot_of(archive)
        assert new.generation is not old.generation and new.base_table.size == 7
        assert not old.generation.closed  # still read here
        parsed = archive._parser.parse("alpha")
        request = SearchRequest(text="alpha", limit=100, collapse=False)
        in_old = run_search(request, old, parsed)
        assert in_old.total == in_old.archive_total == 5  # the old generation, whole
        assert old.body_of(0).startswith("The alpha project")
    assert old.generation.closed
    assert old.searcher.is_closed
    assert not new.generation.closed
    assert _alpha(archive).total == 7


def test_laying_entities_keeps_the_generation_open(archive: Archive) -> None:
    """A snapshot of the same generation (other name columns) shares its searcher: the
    swap must not close it."""
    old = snapshot_of(archive)
    relaid = old.with_entities(old.table, old.overlay)
    assert archive._current.swap(relaid)
    assert snapshot_of(archive) is relaid and not old.generation.closed
    assert _alpha(archive).total == 5


def test_closing_the_archive_lets_reads_in_flight_finish(archive: Archive) -> None:
    with archive._snapshot() as snap:
        archive.close()
        assert not snap.generation.closed
        assert snap.body_of(0).startswith("The alpha project")
    assert snap.generation.closed
    with pytest.raises(ArchiveClosed):
        _alpha(archive)
    archive.refresh()  # nothing to do once closed


def test_a_search_does_not_wait_for_a_refresh_building_the_next_snapshot(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    building = threading.Event()
    finish = threading.Event()
    real = search.api.open_snapshot

    def slow_open(ix: Any, paths: Any) -> Snapshot:
        if threading.current_thread().name == "refresher":
            building.set()
            assert finish.wait(WAIT_S)
        return real(ix, paths)

    monkeypatch.setattr(search.api, "open_snapshot", slow_open)
    _add(archive.root, 5, 2)
    with Archive.open(archive.root, archive.index_dir) as writer:  # another window's update
        writer.update(entities=False)
    refresher = threading.Thread(target=archive.refresh, name="refresher", daemon=True)
    refresher.start()
    try:
        assert building.wait(WAIT_S)
        searcher, out = _in_thread(lambda: _alpha(archive))
        searcher.join(WAIT_S)
        assert not searcher.is_alive(), "the search waited for the refresh"
        assert isinstance(out[0], SearchResult) and out[0].total == 5  # the current one
        assert archive.article("a000.txt").title.startswith("Report 000")
        assert archive.stats().articles == 5
    finally:
        finish.set()
        refresher.join(WAIT_S)
    assert not refresher.is_alive()
    assert _alpha(archive).total == 7


def test_content_hashes_are_read_only_when_asked_and_match_the_signatures(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.store import entity_columns
    from search.store.schema import decode_signature

    reads: list[int] = []
    original = entity_columns.ContentHashes._read
    monkeypatch.setattr(
        entity_columns.ContentHashes,
        "_read",
        lambda self: reads.append(1) or original(self),
    )
    archive.update(entities=False)  # nothing changed: the same snapshot, no store
    snap = snapshot_of(archive)
    with snap.generation.lock:
        reader = snap.generation.reader
        expected = [decode_signature(raw)[1] for raw in reader.column_reader("c_sig")]
    hashes = entity_columns.ContentHashes(reader, len(expected), snap.generation.lock)
    assert reads == []  # without an entity store, opening read none
    assert [hashes[i] for i in range(len(expected))] == expected
    assert reads == [1]  # read once, then kept
