"""The per-generation cache of the document table: equal to a fresh build, never trusted blindly."""

from __future__ import annotations

import io
import os
import pickle
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index

import search.store.text_index
from search.api import Archive
from search.model import SearchRequest, SearchResult, Sort
from search.store import tablecache
from search.store.doctable import DocTable
from search.store.mapped_files import MappedView

from .conftest import snapshot_of, write_articles

ARTICLES = {
    "hang.txt": " date 2024-01-15 Deputy Minister Lê Thị Thu Hằng met Japanese officials in Tokyo to cooperate on trade with ASEAN.",
    "hang2.txt": " date 2024-01-20 Deputy Minister Le Thi Thu Hang visited Hanoi and Jakarta for the ASEAN summit.",
    "cuong.txt": " date 2024-03-02 President Lương Cường welcomed the French delegation. Việt Nam and France signed documents.",
    "coop.txt": " date 2023-12-31 The cooperation between Indonesia and Japan deepened, officials of the United Nations said.",
    "sub/kenya.txt": "Kenya news\nKenyan President William Ruto met Egyptian envoys in Nairobi about trade.",
    "sub/undated.txt": "Chile and Peru\nA consultation took place between Chilean and Peruvian envoys in Lima.",
}

REQUESTS = [
    SearchRequest(text="", limit=100),
    SearchRequest(text="", limit=100, sort=Sort.OLDEST),
    SearchRequest(text="", limit=2, offset=1, sort=Sort.NEWEST),
    SearchRequest(text="trade", limit=100),
    SearchRequest(text="cooperate", limit=100),
    SearchRequest(text="", countries=("JP",), limit=100),
    SearchRequest(text="", exclude_countries=("JP",), limit=100),
    SearchRequest(text="", people=("Le Thi Thu Hang",), limit=100),
    SearchRequest(text="", orgs=("ASEAN",), limit=100),
    SearchRequest(text="", date_from=date(2024, 1, 1), include_undated=False, limit=100),
    SearchRequest(text="envoys", date_to=date(2024, 1, 31), limit=100),
]


def open_archive(root: Path, index: Path) -> Archive:
    archive = Archive.open(root, index)
    archive.update()
    return archive


def cache_files(index: Path) -> list[str]:
    return sorted(p.name for p in index.glob("doctable-*"))


def current_cache(archive: Archive) -> Path:
    keyed = tablecache.cache_key(snapshot_of(archive).searcher.reader())
    assert keyed is not None
    return tablecache.cache_path(archive.index_dir, keyed[0])


def fresh_table(archive: Archive) -> DocTable:
    """The table as Whoosh has it (`Snapshot.base_table`: the cache holds it; the entity
    store's names are laid over it afterwards)."""
    return DocTable.build(snapshot_of(archive).searcher.reader())


def assert_tables_equal(cached: DocTable, built: DocTable) -> None:
    assert cached.size == built.size
    for name in ("live", "datekey", "month_id", "id_rank"):
        a, b = getattr(cached, name), getattr(built, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    assert cached.ids == built.ids
    assert cached.docnum_by_id == built.docnum_by_id
    assert cached.month_labels == built.month_labels
    for name in tablecache.FACETS:
        a, b = getattr(cached, name), getattr(built, name)
        assert a.vocab == b.vocab, name
        assert a.index == b.index, name
        for part in ("docs", "values", "name_rank", "indptr", "live"):
            x, y = getattr(a, part), getattr(b, part)
            assert x.dtype == y.dtype, (name, part)
            np.testing.assert_array_equal(x, y, err_msg=f"{name}.{part}")
        np.testing.assert_array_equal(a.all_live_counts(), b.all_live_counts())
        everything = np.ones(built.size, dtype=bool)
        assert a.counts(everything) == b.counts(everything)
        assert a.counts(built.live) == b.counts(built.live)
    for oldest in (False, True):
        np.testing.assert_array_equal(cached.full_order(oldest), built.full_order(oldest))
    for docnum in np.flatnonzero(built.live).tolist():
        assert cached.row(docnum) == built.row(docnum)


def comparable(result: SearchResult) -> SearchResult:
    return replace(result, elapsed_ms=0.0)


def no_build(_reader: Any) -> DocTable:
    raise AssertionError("the table was built although a cache file matched")


# --- equal to a fresh build ----------------------------------------------------


def test_cached_table_equals_freshly_built_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    with open_archive(root, tmp_path / "index") as first:
        assert current_cache(first).is_file()
        built = fresh_table(first)
    monkeypatch.setattr(DocTable, "build", no_build)
    with Archive.open(root, tmp_path / "index") as reopened:
        assert_tables_equal(snapshot_of(reopened).base_table, built)
        assert len(reopened) == len(ARTICLES)


def test_update_replaces_the_cache_and_it_equals_a_fresh_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.store.text_index, "SMALL_SEGMENT", 0)  # keep segments and deletions
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        before = current_cache(archive)
        (root / "new.txt").write_text(
            "Brazil and Chile\nBrazilian trade grew, President Lula said.", encoding="utf-8"
        )
        (root / "hang.txt").write_text(
            " date 2025-02-01 Deputy Minister Lê Thị Thu Hằng met Italian officials in Rome.",
            encoding="utf-8",
        )
        (root / "sub" / "kenya.txt").unlink()
        report = archive.update()
        assert (report.added, report.updated, report.removed) == (1, 1, 1)
        after = current_cache(archive)
        assert after != before
        assert cache_files(index) == [after.name]  # the old generation's file is gone
        assert_tables_equal(snapshot_of(archive).base_table, fresh_table(archive))
        built = fresh_table(archive)
    monkeypatch.setattr(DocTable, "build", no_build)
    with Archive.open(root, index) as reopened:
        assert_tables_equal(snapshot_of(reopened).base_table, built)
        assert not snapshot_of(
            reopened
        ).table.live.all()  # deleted and replaced documents stay, masked
        assert reopened.ids() == sorted([*set(ARTICLES) - {"sub/kenya.txt"}, "new.txt"])


def test_a_rebuild_restarting_the_generations_gets_its_own_cache(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        for _ in range(3):  # a few commits, so the old generation number is higher
            (root / "hang.txt").write_text(
                (root / "hang.txt").read_text(encoding="utf-8") + " Trade.", encoding="utf-8"
            )
            archive.update()
        old = current_cache(archive)
        (root / "coop.txt").unlink()
        archive.update(rebuild=True)
        new = current_cache(archive)
        assert new != old
        assert_tables_equal(snapshot_of(archive).base_table, fresh_table(archive))
        assert cache_files(index) == [new.name]
        assert "coop.txt" not in archive.ids()


def test_search_results_and_facets_are_the_same_with_and_without_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    open_archive(root, index).close()
    with Archive.open(root, index) as cached:
        with_cache = [comparable(cached.search(r, facets_ignoring=("country",))) for r in REQUESTS]
        cached_stats = cached.stats()
        cached_article = cached.article("hang.txt")
    monkeypatch.setattr(tablecache, "load", lambda *_a: None)
    monkeypatch.setattr(tablecache, "save", lambda *_a: None)
    with Archive.open(root, index) as uncached:
        without = [comparable(uncached.search(r, facets_ignoring=("country",))) for r in REQUESTS]
        assert uncached.stats() == cached_stats
        assert uncached.article("hang.txt") == cached_article
    assert with_cache == without
    assert with_cache[0].facets.country and with_cache[0].facets.person  # facets were counted


# --- never trusted blindly -----------------------------------------------------


@pytest.mark.parametrize(
    "damage",
    ["garbage", "truncated", "empty", "header only", "bad array bounds", "other format"],
)
def test_a_damaged_cache_file_is_ignored_and_rewritten(
    tmp_path: Path, damage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        path = current_cache(archive)
        expected = [comparable(archive.search(r)) for r in REQUESTS]
        built = fresh_table(archive)
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif damage == "truncated":
        path.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "header only":
        path.write_bytes(data[:40])
    elif damage == "bad array bounds":
        # A well-formed file whose facet values point past the vocabulary.
        reader = whoosh_reader(index)
        table = DocTable.build(reader)
        table.countries.values = table.countries.values + 1000
        keyed = tablecache.cache_key(reader)
        assert keyed is not None
        tablecache._write_atomically(index, path, tablecache._encode(table, keyed[1]))
    else:
        monkeypatch.setattr(tablecache, "FORMAT", tablecache.FORMAT + 1)
    assert tablecache.load(index, whoosh_reader(index)) is None
    with Archive.open(root, index) as reopened:
        assert [comparable(reopened.search(r)) for r in REQUESTS] == expected
        assert_tables_equal(snapshot_of(reopened).base_table, built)
    if damage != "other format":
        assert path.read_bytes() == data  # the same file as before the damage
    loaded = tablecache.load(index, whoosh_reader(index))  # rewritten, valid
    assert loaded is not None
    assert_tables_equal(loaded, built)


def whoosh_reader(index: Path) -> Any:
    """A reader of the index straight from Whoosh (opening an Archive would rewrite the cache)."""
    return whoosh_index.open_dir(str(index / "whoosh")).reader()


def test_a_cache_file_of_another_index_state_is_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        old = current_cache(archive).read_bytes()
        (root / "sub" / "undated.txt").unlink()
        archive.update()
        path = current_cache(archive)
        built = fresh_table(archive)
    path.write_bytes(old)  # right name, wrong generation inside
    with Archive.open(root, index) as reopened:
        assert_tables_equal(snapshot_of(reopened).base_table, built)
        assert "sub/undated.txt" not in reopened.ids()
    monkeypatch.setattr(DocTable, "build", no_build)
    with Archive.open(root, index) as again:  # the stale file was overwritten
        assert_tables_equal(snapshot_of(again).base_table, built)


def test_an_unwritable_cache_location_does_not_break_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        path = current_cache(archive)
        expected = [comparable(archive.search(r)) for r in REQUESTS]
    path.unlink()
    path.mkdir()  # os.replace cannot put a file there, even for root
    with Archive.open(root, index) as reopened:
        assert [comparable(reopened.search(r)) for r in REQUESTS] == expected
    assert path.is_dir()

    path.rmdir()

    def refuse(*_a: object, **_k: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tablecache.tempfile, "mkstemp", refuse)  # a read-only folder
    with Archive.open(root, index) as reopened:
        assert [comparable(reopened.search(r)) for r in REQUESTS] == expected
    assert not path.exists()


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_a_read_only_index_folder_opens_and_searches(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    open_archive(root, index).close()
    for path in index.glob("doctable-*"):
        path.unlink()
    index.chmod(0o555)
    try:
        with Archive.open(root, index) as archive:
            assert archive.search(SearchRequest(text="trade")).total == 2
    finally:
        index.chmod(0o755)
    assert cache_files(index) == []


def test_an_empty_archive_writes_no_cache(tmp_path: Path) -> None:
    (tmp_path / "arch").mkdir()
    with open_archive(tmp_path / "arch", tmp_path / "index") as archive:
        assert archive.search(SearchRequest(text="")).total == 0
    assert cache_files(tmp_path / "index") == []


def test_old_generations_and_dead_temp_files_are_removed(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    index = tmp_path / "index"
    with open_archive(root, index) as archive:
        current = current_cache(archive)
        generation = int(tablecache.NAME.match(current.name).group(1))  # type: ignore[union-attr]
        older = tablecache.cache_path(index, generation - 1)
        newer = tablecache.cache_path(index, generation + 1)
        dead = index / "doctable-dead.tmp"
        fresh = index / "doctable-busy.tmp"
        for path in (older, newer, dead, fresh):
            path.write_bytes(b"x")
        os.utime(dead, (1, 1))
        os.utime(newer, (1, 1))  # left by an index that was since rebuilt
        tablecache.remove_stale(index, generation)
    assert cache_files(index) == sorted([current.name, fresh.name])


# --- Whoosh's segment files read in place ------------------------------------


def test_segment_files_are_read_in_place_like_bytesio() -> None:
    payload = pickle.dumps({"a": [1, 2, 3], "b": "x" * 2000}) + b"line one\nline two\nrest"
    view, copy = MappedView(memoryview(payload)), io.BytesIO(payload)
    assert pickle.load(view) == pickle.load(copy)  # type: ignore[arg-type]
    assert view.tell() == copy.tell()
    assert view.readline() == copy.readline()
    assert view.read(4) == copy.read(4)
    assert view.peek(3)[:3] == b" tw"
    assert view.read() == copy.read()
    assert view.read(5) == copy.read(5) == b""
    assert view.seek(-4, 2) == copy.seek(-4, 2)
    assert view.read(10) == copy.read(10)
    assert view.seek(3) == copy.seek(3)
    target, expected = bytearray(6), bytearray(6)
    assert view.readinto(target) == copy.readinto(expected)
    assert target == expected
    assert view.getvalue() == copy.getvalue()
    view.close()
    with pytest.raises(ValueError):
        view.read(1)
