"""Building and incrementally updating the index."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

import search.store.text_index
import search.update.index
from search.api import Archive
from search.errors import ArchiveNotFound, IndexDamaged, IndexLocked
from search.model import IndexProgress, SearchRequest
from search.store.folder import IndexPaths, default_index_dir
from search.store.text_index import update_lock

from .conftest import write_articles

ARTICLES = {
    "a.txt": "Japan and France sign a deal\n\nThe foreign ministers of Japan and France met in Tokyo.",
    "sub/b.txt": " date 2024-05-02 Indonesian and Japanese officials discussed fisheries in Jakarta.",
    "sub/deeper/c.txt": "Kenya hosts talks\nKenyan President William Ruto met the envoy in Nairobi.",
}


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    root = write_articles(tmp_path / "arch", ARTICLES)
    opened = Archive.open(root, tmp_path / "index")
    opened.update()
    return opened


def ids(archive: Archive, text: str = "") -> list[str]:
    return sorted(h.id for h in archive.search(SearchRequest(text=text, limit=100)).hits)


def test_build_indexes_every_txt_file_recursively_with_slash_ids(archive: Archive) -> None:
    assert ids(archive) == ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]


def test_second_update_of_unchanged_archive_changes_nothing(archive: Archive) -> None:
    report = archive.update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 3)


def test_added_changed_and_deleted_files_are_picked_up(archive: Archive) -> None:
    root = archive.root
    (root / "new.txt").write_text("Brazil and Chile\nBrazilian trade grew.", encoding="utf-8")
    (root / "a.txt").write_text(
        "Japan and Italy\nItalian and Japanese leaders met.", encoding="utf-8"
    )
    (root / "sub" / "b.txt").unlink()
    report = archive.update()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert ids(archive) == ["a.txt", "new.txt", "sub/deeper/c.txt"]
    assert ids(archive, "Italian") == ["a.txt"]
    assert ids(archive, "France") == []
    assert archive.article("a.txt").countries == ["IT", "JP"] or set(
        archive.article("a.txt").countries
    ) == {"IT", "JP"}


def test_touched_file_with_same_content_is_not_reindexed(archive: Archive) -> None:
    path = archive.root / "a.txt"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    report = archive.update()
    assert (report.updated, report.unchanged) == (0, 3)
    assert archive.update().unchanged == 3


def test_same_size_different_content_is_reindexed(archive: Archive) -> None:
    path = archive.root / "a.txt"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Tokyo", "Osaka"), encoding="utf-8")
    assert archive.update().updated == 1
    assert ids(archive, "Osaka") == ["a.txt"]


def test_bad_files_are_skipped_with_reasons_and_others_indexed(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"good.txt": "Peru and Chile\nPeruvian exports rose."})
    (root / "empty.txt").write_bytes(b"")
    (root / "blob.txt").write_bytes(b"\x00\x01\x02" * 100)
    (root / "notes.md").write_text("not an article", encoding="utf-8")
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update()
        reasons = {s.id: s.reason for s in report.skipped}
        assert set(reasons) == {"empty.txt", "blob.txt"}
        assert "empty" in reasons["empty.txt"]
        assert "binary" in reasons["blob.txt"]
        assert report.ignored == 1
        assert report.added == 1
        again = archive.update()
        assert {s.id for s in again.skipped} == {"empty.txt", "blob.txt"}
        assert again.added == 0
        assert [s.id for s in archive.stats().skipped] == ["blob.txt", "empty.txt"]


def test_progress_is_reported_and_cancel_keeps_the_previous_index(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "arch", {f"f{i}.txt": f"Mexico report {i}\nMexican news {i}." for i in range(5)}
    )
    with Archive.open(root, tmp_path / "index") as archive:
        seen: list[IndexProgress] = []
        archive.update(progress=seen.append)
        assert seen[-1].phase == "done"
        assert any(p.phase == "reading" and p.done == 5 and p.total == 5 for p in seen)
        for i in range(5, 10):
            (root / f"f{i}.txt").write_text(f"Canada report {i}\nCanadian news.", encoding="utf-8")
        report = archive.update(cancel=lambda: True)
        assert report.cancelled
        assert len(archive) == 5
        assert archive.update().added == 5
        assert len(archive) == 10


def test_cancelled_rebuild_keeps_the_old_index(archive: Archive) -> None:
    report = archive.update(rebuild=True, cancel=lambda: True)
    assert report.cancelled
    assert len(archive) == 3
    rebuilt = archive.update(rebuild=True)
    assert rebuilt.added == 3 and rebuilt.rebuilt
    assert len(archive) == 3


def test_index_lives_in_the_per_user_data_folder_not_the_archive(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", ARTICLES)
    with Archive.open(root) as archive:
        archive.update()
        assert archive.index_dir == default_index_dir(root)
        assert str(archive.index_dir).startswith(os.environ["ARCHIVE_BROWSER_DATA_DIR"])
    assert sorted(p.name for p in root.iterdir()) == ["a.txt", "sub"]


def test_schema_version_change_triggers_a_clean_rebuild(archive: Archive, tmp_path: Path) -> None:
    archive.close()
    meta_path = tmp_path / "index" / "archive.json"
    meta = json.loads(meta_path.read_text())
    meta["schema_version"] = 0
    meta_path.write_text(json.dumps(meta))
    with Archive.open(archive.root, tmp_path / "index") as reopened:
        assert len(reopened) == 0
        assert reopened.update().added == 3


def test_damaged_index_is_reported_and_can_be_discarded(archive: Archive, tmp_path: Path) -> None:
    archive.close()
    for toc in (tmp_path / "index" / "whoosh").glob("_MAIN_*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(IndexDamaged, match="--rebuild"):
        Archive.open(archive.root, tmp_path / "index")
    with Archive.open(archive.root, tmp_path / "index", discard_damaged=True) as fresh:
        assert fresh.update().added == 3


def test_second_writer_gets_a_clear_lock_error(archive: Archive, tmp_path: Path) -> None:
    with update_lock(IndexPaths(tmp_path / "index")):
        errors: list[Exception] = []

        def other() -> None:
            try:
                archive.update()
            except IndexLocked as exc:
                errors.append(exc)

        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        assert errors and "updating this archive" in str(errors[0])
        assert ids(archive, "Japan")  # readers keep working


def test_missing_archive_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound, match="does not exist"):
        Archive.open(tmp_path / "nope")


def test_links_out_of_the_archive_and_link_loops_are_not_followed(tmp_path: Path) -> None:
    outside = write_articles(tmp_path / "outside", {"secret.txt": "Norway\nNorwegian secret."})
    root = write_articles(tmp_path / "arch", {"in.txt": "Spain\nSpanish news."})
    (root / "leak.txt").symlink_to(outside / "secret.txt")
    (root / "loop").symlink_to(root, target_is_directory=True)
    (root / "alias.txt").symlink_to(root / "in.txt")
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update()
        assert {s.id: s.reason for s in report.skipped} == {
            "leak.txt": "link to a file outside the archive"
        }
        assert archive.ids() == ["alias.txt", "in.txt"]


def test_update_without_worker_processes_matches_parallel_update(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.update.index

    texts = {
        f"d{i // 10}/f{i}.txt": f"Report {i}\nThe Italian and Greek ministers met, item {i}."
        for i in range(40)
    }
    root = write_articles(tmp_path / "arch", texts)
    monkeypatch.setattr(search.update.index, "PARALLEL_MIN", 10)
    with Archive.open(root, tmp_path / "parallel") as parallel:
        assert parallel.update().added == 40
        monkeypatch.setattr(search.update.index, "PARALLEL_MIN", 10**9)
        with Archive.open(root, tmp_path / "serial") as serial:
            assert serial.update().added == 40
            request = SearchRequest(text="item", limit=100)
            assert [h.id for h in parallel.search(request).hits] == [
                h.id for h in serial.search(request).hits
            ]
            assert parallel.article("d1/f12.txt") == serial.article("d1/f12.txt")


def _segment_sizes(index_dir: Path) -> list[int]:
    ix = whoosh_index.open_dir(str(index_dir / "whoosh"))
    try:
        return sorted(s.doc_count_all() for s in ix._segments())
    finally:
        ix.close()


def test_updates_merge_only_small_segments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search.update.index, "COMMIT_EVERY", 10)
    monkeypatch.setattr(search.store.text_index, "SMALL_SEGMENT", 5)
    root = write_articles(
        tmp_path / "arch",
        {f"a{i:02d}.txt": f"Article {i}\n\nVietnam and Kazakhstan, number {i}." for i in range(40)},
    )
    index_dir = tmp_path / "index"
    with Archive.open(root, index_dir) as archive:
        archive.update()
        assert _segment_sizes(index_dir) == [10, 10, 10, 10]  # batches stay as they are
        write_articles(root, {"new1.txt": "One more\n\nLaos."})
        archive.update()
        assert _segment_sizes(index_dir) == [1, 10, 10, 10, 10]
        write_articles(root, {"new2.txt": "Another\n\nCambodia."})
        archive.update()
        assert _segment_sizes(index_dir) == [2, 10, 10, 10, 10]  # the two small ones merged
        assert archive.search(SearchRequest(text="Laos OR Cambodia")).total == 2


def test_a_new_folder_is_searchable_after_its_first_small_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.update.index, "FIRST_COMMIT", 3)
    texts = {f"n{i:02d}.txt": f"Report {i}\n\nTalks in Chile, note {i}." for i in range(12)}
    root = write_articles(tmp_path / "arch", texts)
    with Archive.open(root, tmp_path / "index") as archive:
        seen_while_reading: list[int] = []
        last = [""]

        def progress(report: IndexProgress) -> None:
            if report.phase == "reading" and last[0] == "writing":
                every_copy = SearchRequest("chile", collapse=False)  # the notes are alike
                seen_while_reading.append(archive.search(every_copy).total)
            last[0] = report.phase

        archive.update(progress=progress, entities=False)
        assert seen_while_reading and seen_while_reading[0] == 3  # the first batch, at once
        assert archive.search(SearchRequest("chile", collapse=False)).total == 12
