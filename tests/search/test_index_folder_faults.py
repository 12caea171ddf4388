"""One bad name, folder or index file never costs the archive (hardening, second round)."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from search.api import Archive
from search.errors import (
    IndexDamaged,
    IndexFolderUnusable,
    IndexInUse,
    IndexWriteFailed,
)
from search.ids import id_from_os, os_from_id, printable
from search.model import SearchRequest
from search.update.prepare import prepare_file

from .conftest import write_articles

ROOT = Path(__file__).resolve().parents[2]


def indexed(tmp_path: Path, articles: dict[str, str]) -> tuple[Path, Path]:
    """An archive of ``articles`` and its built index, under ``tmp_path``."""
    root = write_articles(tmp_path / "arch", articles)
    index = tmp_path / "index"
    with Archive.open(root, index) as archive:
        archive.update()
    return root, index


def _write_bytes_name(folder: Path, name: bytes, text: str) -> None:
    path = os.path.join(os.fsencode(folder), name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode())


# --- 1. names that are not UTF-8 ------------------------------------------------


def test_file_and_folder_names_that_are_not_utf8_are_indexed_and_found(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"good.txt": "Good\nChilean trade news."})
    _write_bytes_name(root, b"bad\xff.txt", "Latin\nPeruvian trade news.")
    _write_bytes_name(root, b"sub\xe9/inner.txt", "Inner\nLao trade news.")
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update()
        assert report.added == 3 and not report.skipped
        assert archive.search(SearchRequest(text="trade")).total == 3
        bad = next(i for i in archive.ids() if i.startswith("bad"))
        assert printable(bad) == "bad\ufffd.txt"
        assert archive.path_of(bad).is_file()
        assert archive.article(bad).title == "Latin"
        # the name as the OS gives it (a shell argument) finds the same article
        assert archive.article(os.fsdecode(b"bad\xff.txt")).title == "Latin"
        assert archive.stats().articles == 3
        assert archive.update().changed == 0  # and it stays indexed, unchanged


def test_an_archive_folder_whose_own_name_is_not_utf8_is_indexed(tmp_path: Path) -> None:
    root = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"caf\xe9")))
    write_articles(root, {"a.txt": "A\nChilean trade news."})
    with Archive.open(root) as archive:  # the default per-user index folder
        assert archive.update().added == 1
        assert archive.search(SearchRequest(text="chilean")).total == 1


def test_ids_keep_the_bytes_of_a_name_reversibly() -> None:
    name = os.fsdecode(b"a\x80/b\xff.txt")
    article_id = id_from_os(name)
    article_id.encode("utf-8")  # valid text for Whoosh, JSON and Qt
    assert os_from_id(article_id) == name
    assert id_from_os("plain/ascii.txt") == "plain/ascii.txt"


# --- 2. deep folders ------------------------------------------------------------


def test_a_thousand_level_folder_nesting_is_one_skip_and_the_rest_is_indexed(
    tmp_path: Path,
) -> None:
    root = write_articles(tmp_path / "arch", {"top.txt": "Top\nChilean trade news."})
    fd = os.open(root, os.O_RDONLY)
    try:
        for _ in range(1000):  # relative to a descriptor: deeper than PATH_MAX allows
            os.mkdir("d", dir_fd=fd)
            inner = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
    finally:
        os.close(fd)
    try:
        with Archive.open(root, tmp_path / "index") as archive:
            report = archive.update()
            assert archive.ids() == ["top.txt"]
            assert len(report.skipped) == 1
            assert "nested more than" in report.skipped[0].reason
    finally:
        _remove_chain(root)


def _remove_chain(root: Path) -> None:
    """Remove the nested ``d/d/d...`` chain bottom-up (pytest's cleanup recurses)."""
    fds = [os.open(root, os.O_RDONLY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    os.close(fds.pop())
    while fds:
        os.rmdir("d", dir_fd=fds[-1])
        os.close(fds.pop())


# --- 6. changed in place, same size and mtime -------------------------------------


def test_a_file_rewritten_with_its_size_and_mtime_restored_is_reindexed(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "Title\nChilean trade news."})
    path = root / "a.txt"
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        st = path.stat()
        replacement = path.with_name("a.new")
        replacement.write_text("Title\nPeruvia trade news.", encoding="utf-8")  # same size
        os.utime(replacement, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(replacement, path)  # a new inode, like a restore from a backup
        assert path.stat().st_size == st.st_size
        assert path.stat().st_mtime_ns == st.st_mtime_ns
        assert archive.update().updated == 1
        assert archive.search(SearchRequest(text="peruvia")).total == 1
        assert archive.update().changed == 0  # and then it is unchanged again


def test_verify_rehashes_every_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.update.index

    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChile.", "b.txt": "B\nPeru."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        hashed: list[str] = []
        real = search.update.index.file_hash
        monkeypatch.setattr(
            search.update.index, "file_hash", lambda p: hashed.append(p.name) or real(p)
        )
        assert archive.update().unchanged == 2 and hashed == []
        assert archive.update(verify=True).unchanged == 2
        assert sorted(hashed) == ["a.txt", "b.txt"]


# --- 7. a rebuild is seen at once -----------------------------------------------


def test_after_a_rebuild_the_open_archive_shows_the_new_index(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news.", "b.txt": "B\nLaos."})
    index = tmp_path / "index"
    with Archive.open(root, index) as archive, Archive.open(root, index) as other:
        archive.update()
        other.refresh()
        (root / "b.txt").unlink()
        (root / "c.txt").write_text("C\nZanzibar cloves.", encoding="utf-8")
        archive.update(rebuild=True)
        for seen in (archive, other):  # ours, and one that another process would hold
            seen.refresh()
            assert seen.ids() == ["a.txt", "c.txt"]
            assert seen.search(SearchRequest(text="zanzibar")).total == 1


# --- 8. workers die with their parent -------------------------------------------


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc")
def test_indexing_workers_exit_when_the_indexing_process_is_killed(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "arch",
        {f"f{i}.txt": f"Report {i}\nChile and Peru met. " + "trade " * 400 for i in range(3000)},
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "search", "index", str(root), "--index-dir", str(tmp_path / "i")],
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and child.poll() is None:
        workers = _children(child.pid)
        if len(workers) >= 2:  # the pool's processes (and the resource tracker)
            break
        time.sleep(0.1)
    assert len(workers) >= 2, "the indexer never started its workers"
    time.sleep(1.0)  # let the workers set their guard
    child.kill()
    child.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(p) for p in workers):
        time.sleep(0.2)
    assert not [p for p in workers if _alive(p)]


# --- 9. a huge file -------------------------------------------------------------


def test_a_huge_sparse_file_is_skipped_without_reading_it_all(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    root.mkdir()
    with open(root / "huge.txt", "wb") as f:
        f.truncate(64 * 1024**3)  # 64 GB of holes: hashing it all would take minutes
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(prepare_file(str(root), "huge.txt")))
    worker.start()
    worker.join(60)
    assert not worker.is_alive(), "a huge file was read in full"
    assert "binary" in getattr(results[0], "reason", "")


# --- 10. two archives, one index folder ---------------------------------------------


def test_two_archives_given_one_index_folder_are_refused_not_wiped(tmp_path: Path) -> None:
    first = write_articles(tmp_path / "one", {"a.txt": "A\nChilean news."})
    second = write_articles(tmp_path / "two", {"b.txt": "B\nLao news."})
    index = tmp_path / "index"
    with Archive.open(first, index) as archive:
        archive.update()
    with pytest.raises(IndexInUse, match=str(first)):
        Archive.open(second, index)
    with Archive.open(first, index) as archive:
        assert archive.ids() == ["a.txt"]  # untouched
    with Archive.open(second, index, take_over=True) as archive:
        archive.update()
        assert archive.ids() == ["b.txt"]


# --- 11. special files in the index folder --------------------------------------


def test_a_fifo_in_place_of_the_table_cache_does_not_hang_an_open(tmp_path: Path) -> None:
    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    caches = list(index.glob("doctable-*.cache"))
    assert caches
    for cache in caches:
        cache.unlink()
        os.mkfifo(cache)
    opened: list[Archive] = []
    worker = threading.Thread(target=lambda: opened.append(Archive.open(root, index)))
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "opening hung on a FIFO"
    assert opened[0].search(SearchRequest(text="chilean")).total == 1
    opened[0].close()


@pytest.mark.parametrize("damage", ["whoosh is a file", "a fifo among the segments"])
def test_unexpected_files_in_the_index_are_damage_and_a_rebuild_fixes_them(
    tmp_path: Path, damage: str
) -> None:
    from search.cli import main

    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    live = index / "whoosh"
    if damage == "whoosh is a file":
        for child in live.iterdir():
            child.unlink()
        live.rmdir()
        live.write_text("not an index")
    else:
        seg = next(live.glob("*.seg"))
        seg.unlink()
        os.mkfifo(seg)
    with pytest.raises(IndexDamaged, match="Rebuild"):
        Archive.open(root, index)
    assert main(["index", str(root), "--index-dir", str(index), "--rebuild"]) == 0
    with Archive.open(root, index) as fixed:
        assert fixed.ids() == ["a.txt"]


# --- 12. a crash inside the rebuild's swap --------------------------------------------


def test_a_crash_between_the_swap_renames_is_finished_on_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.store import folder

    root, index = indexed(tmp_path, {f"f{i}.txt": f"F{i}\nChile {i}." for i in range(5)})
    real_replace = os.replace
    calls: list[object] = []

    def crash_on_second(src: object, dst: object) -> None:
        if Path(str(src)).name.startswith("whoosh"):  # the swap's, not a saved file's
            calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies between the two renames
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(folder.os, "replace", crash_on_second)
    archive = Archive.open(root, index)
    with pytest.raises((KeyboardInterrupt, IndexDamaged)):  # its refresh finds no live index
        archive.update(rebuild=True)
    monkeypatch.undo()
    assert not (index / "whoosh").exists() and (index / "whoosh.new").is_dir()
    with Archive.open(root, index) as reopened:
        assert len(reopened) == 5  # the finished rebuild, not an empty index
        assert reopened.update().changed == 0  # nothing read again
    assert sorted(p.name for p in index.iterdir() if p.name.startswith("whoosh")) == ["whoosh"]


# --- 16, 17. folders and metadata that cannot be used ------------------------------


def test_an_index_dir_that_is_a_file_is_one_message(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news."})
    (tmp_path / "file").write_text("x")
    with pytest.raises(IndexFolderUnusable, match="is a file"):
        Archive.open(root, tmp_path / "file")


def test_a_data_dir_that_is_a_file_is_one_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news."})
    (tmp_path / "data").write_text("x")
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(IndexFolderUnusable, match="cannot be created"):
        Archive.open(root)


@pytest.mark.parametrize("replacement", ["directory", "dangling symlink"])
def test_a_lock_file_that_is_not_a_file_is_replaced(tmp_path: Path, replacement: str) -> None:
    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    lock = index / "update.lock"
    lock.unlink()
    if replacement == "directory":
        lock.mkdir()
    else:
        lock.symlink_to(tmp_path / "nowhere" / "lock")
    (root / "b.txt").write_text("B\nLao news.", encoding="utf-8")
    with Archive.open(root, index) as archive:
        assert archive.update().added == 1


@pytest.mark.parametrize(
    "content",
    ['{"schema_version": "abc"}', "[1, 2]", '{"skipped": 5}', "{not json", "DIRECTORY"],
)
def test_metadata_that_does_not_validate_means_a_rebuild(tmp_path: Path, content: str) -> None:
    from search.cli import main

    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    meta = index / "archive.json"
    meta.unlink()
    if content == "DIRECTORY":
        meta.mkdir()
    else:
        meta.write_text(content)
    with Archive.open(root, index) as archive:
        assert archive.update().added == 1
        assert archive.ids() == ["a.txt"]
    assert json.loads(meta.read_text())["schema_version"] > 0
    meta.write_text(content if content != "DIRECTORY" else "[]")
    assert main(["index", str(root), "--index-dir", str(index), "--rebuild"]) == 0


def test_metadata_damaged_into_other_valid_json_means_a_rebuild_not_another_archive(
    tmp_path: Path,
) -> None:
    # A flipped byte in archive_root used to name another archive: the index was refused
    # as someone else's (IndexInUse) instead of being rebuilt.
    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    meta = index / "archive.json"
    data = json.loads(meta.read_text())
    data["archive_root"] = data["archive_root"][:-1] + "X"
    meta.write_text(json.dumps(data))
    with Archive.open(root, index) as archive:
        assert archive.update().added == 1
    assert json.loads(meta.read_text())["archive_root"] == str(root.resolve())


def test_metadata_written_before_its_checksum_is_still_read(tmp_path: Path) -> None:
    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    meta = index / "archive.json"
    data = json.loads(meta.read_text())
    del data["check"]
    meta.write_text(json.dumps(data))
    with Archive.open(root, index) as archive:
        assert len(archive) == 1 and archive.update().added == 0
    data["archive_rooX"] = data.pop("archive_root")  # a damaged key is no older file
    meta.write_text(json.dumps(data))
    with Archive.open(root, index) as archive:
        assert archive.update().added == 1


def test_another_archives_index_is_still_refused(tmp_path: Path) -> None:
    _root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    other = write_articles(tmp_path / "other", {"b.txt": "B\nKenyan news."})
    with pytest.raises(IndexInUse):
        Archive.open(other, index)


def test_an_index_folder_that_cannot_be_written_is_an_update_error_and_reads_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.util.filelock import FileLock

    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()

        def read_only(*_a: object, **_k: object) -> bool:
            raise OSError(errno.EROFS, "Read-only file system")

        monkeypatch.setattr(FileLock, "acquire", read_only)
        with pytest.raises(IndexWriteFailed, match="Read-only file system"):
            archive.update()
        assert archive.search(SearchRequest(text="chilean")).total == 1


# --- 18. a full disk --------------------------------------------------------------


def test_a_failed_rebuild_and_a_failed_update_leave_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.writing import SegmentWriter

    root, index = indexed(tmp_path, {f"f{i}.txt": f"F{i}\nChile {i}." for i in range(5)})
    with Archive.open(root, index) as archive:
        before = sorted(p.name for p in (index / "whoosh").iterdir())
        real_commit = SegmentWriter.commit

        def full(self: SegmentWriter, *a: object, **k: object) -> None:
            self._flush_segment()  # segment files are written, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(SegmentWriter, "commit", full)
        with pytest.raises(IndexWriteFailed):
            archive.update(rebuild=True)
        assert not (index / "whoosh.new").exists()
        (root / "new.txt").write_text("New\nLao news.", encoding="utf-8")
        with pytest.raises(IndexWriteFailed):
            archive.update()
        assert sorted(p.name for p in (index / "whoosh").iterdir()) == before
        monkeypatch.setattr(SegmentWriter, "commit", real_commit)
        assert archive.update().added == 1


def test_what_a_killed_writer_left_is_removed_by_the_next_update(tmp_path: Path) -> None:
    root, index = indexed(tmp_path, {"a.txt": "A\nChilean news."})
    with Archive.open(root, index) as archive:
        (index / "whoosh" / "MAIN.tmp").mkdir()  # Whoosh's posting pool of a dead writer
        (index / "whoosh" / "MAIN.tmp" / "run0").write_bytes(b"x" * 1000)
        (index / "whoosh" / "abc.ctmp").write_bytes(b"x" * 1000)
        archive.update()
        assert not list((index / "whoosh").glob("*tmp"))
        assert archive.ids() == ["a.txt"]


# --- 21. damage read at query time --------------------------------------------------


def test_flipped_bits_in_a_segment_are_damage_not_a_raw_exception(tmp_path: Path) -> None:
    words = ["economy", "market", "trade", "summit", "budget", "energy", "police", "health"]
    root = write_articles(
        tmp_path / "arch",
        {
            f"f{i}.txt": f"T{i}\n" + " ".join(words[(i + j) % 8] for j in range(60))
            for i in range(40)
        },
    )
    index = tmp_path / "index"
    with Archive.open(root, index) as archive:
        archive.update()
    seg = max((index / "whoosh").glob("*.seg"), key=lambda p: p.stat().st_size)
    data = bytearray(seg.read_bytes())
    for offset in range(len(data) // 5, len(data) * 4 // 5, 97):
        data[offset] ^= 0xFF
    seg.write_bytes(bytes(data))
    for query in ["economy market", "trade", '"summit budget"', "energy OR police", "heal*"]:
        try:
            with Archive.open(root, index) as damaged:
                damaged.search(SearchRequest(text=query))
        except IndexDamaged:
            pass


# --- the command line over these faults ----------------------------------------------


def test_cli_rebuild_takes_over_an_index_folder_and_refuses_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from search.cli import main

    first = write_articles(tmp_path / "one", {"a.txt": "A\nChilean news."})
    second = write_articles(tmp_path / "two", {"b.txt": "B\nLao news."})
    index = str(tmp_path / "index")
    assert main(["index", str(first), "--index-dir", index]) == 0
    capsys.readouterr()
    assert main(["index", str(second), "--index-dir", index]) == 2
    err = capsys.readouterr().err
    assert "another archive" in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert main(["index", str(second), "--index-dir", index, "--rebuild"]) == 0
    capsys.readouterr()
    assert main(["query", "lao", "--archive", str(second), "--index-dir", index, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


def test_cli_verify_finds_a_change_that_kept_size_and_times(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import search.update.index
    from search.cli import main

    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news."})
    index = str(tmp_path / "index")
    assert main(["index", str(root), "--index-dir", index]) == 0
    (root / "a.txt").write_text("A\nLaotian news.", encoding="utf-8")
    # a change no signature shows (a file system that keeps no ctime or inode)
    monkeypatch.setattr(search.update.index, "signature_unchanged", lambda _old, _new: True)
    assert main(["index", str(root), "--index-dir", index]) == 0
    assert main(["index", str(root), "--index-dir", index, "--verify", "--json"]) == 0
    capsys.readouterr()
    assert main(["query", "laotian", "--archive", str(root), "--index-dir", index, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 1


@pytest.mark.parametrize("fault", ["read-only index folder", "disk full"])
def test_cli_reads_answer_from_the_index_as_it_is_when_it_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    from whoosh.util.filelock import FileLock
    from whoosh.writing import SegmentWriter

    from search.cli import main

    root = write_articles(tmp_path / "arch", {"a.txt": "A\nChilean news."})
    index = str(tmp_path / "index")
    assert main(["index", str(root), "--index-dir", index]) == 0
    (root / "b.txt").write_text("B\nChilean trade.", encoding="utf-8")
    code = errno.EROFS if fault == "read-only index folder" else errno.ENOSPC

    def fail(*_a: object, **_k: object) -> None:
        raise OSError(code, os.strerror(code))

    if fault == "disk full":
        monkeypatch.setattr(SegmentWriter, "commit", fail)
    else:
        monkeypatch.setattr(FileLock, "acquire", fail)
    capsys.readouterr()
    assert main(["query", "chilean", "--archive", str(root), "--index-dir", index, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["total"] == 1  # the index as it is
    assert os.strerror(code) in captured.err and "as it is" in captured.err
    assert "Traceback" not in captured.err
    assert main(["stats", "--archive", str(root), "--index-dir", index]) == 0
