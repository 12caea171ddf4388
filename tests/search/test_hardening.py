"""Bad files, hostile queries, damaged indexes and failed writes: clear outcomes, nothing lost."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.api import Archive
from search.errors import IndexDamaged, IndexWriteFailed
from search.ingest import SkipFile
from search.ingest.article import MAX_READ_BYTES, parse_article, read_article
from search.ingest.decoding import decode
from search.model import SearchRequest
from search.query.readers import executor_of
from search.update.prepare import prepare_file

from .conftest import assert_answered, snapshot_of, write_articles


def test_a_huge_file_is_read_in_part_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    paragraph = "The Brazilian and Argentine ministers met again to discuss trade. " * 20 + "\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Huge dump\n")
        while handle.tell() < MAX_READ_BYTES * 2:
            handle.write(paragraph)
    article = read_article(path, "huge.txt")
    assert article.title == "Huge dump"
    assert len(article.body.encode()) <= MAX_READ_BYTES
    assert any("only its first" in w for w in article.warnings)


def test_a_single_five_megabyte_line_is_read(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_text("Peru signs deal. " * 300_000, encoding="utf-8")
    article = read_article(path, "line.txt")
    assert article.title_derived and article.title == "Peru signs deal"
    assert article.warnings


def test_utf16_and_old_mac_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "u16.txt"
    path.write_bytes("Hà Nội talks\rThe ministers of Việt Nam and Laos met.\r".encode("utf-16"))
    article = read_article(path, "u16.txt")
    assert article.title == "Hà Nội talks"
    assert article.body == "The ministers of Việt Nam and Laos met."


def test_a_file_that_vanishes_while_indexing_is_a_skip(tmp_path: Path) -> None:
    result = prepare_file(str(tmp_path), "gone.txt")
    assert result.id == "gone.txt"
    assert "disappeared" in getattr(result, "reason", "")


def test_odd_file_names_are_indexed_with_their_names(tmp_path: Path) -> None:
    names = ["with space.txt", "Việt Nam/Hà Nội.txt", "новости.txt", "line\nbreak.txt"]
    root = write_articles(
        tmp_path / "arch", {n: f"Talks {i}\nChile and Peru met." for i, n in enumerate(names)}
    )
    with Archive.open(root, tmp_path / "index") as archive:
        assert archive.update().added == 4
        assert archive.ids() == sorted(names)
        assert archive.article("line\nbreak.txt").title == "Talks 3"
        assert archive.path_of("Việt Nam/Hà Nội.txt").is_file()


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    root = write_articles(
        tmp_path_factory.mktemp("arch"),
        {
            f"f{i}.txt": f"Report {i}\nThe Chilean and Peruvian envoys met about item{i} and trade."
            for i in range(30)
        },
    )
    opened = Archive.open(root, tmp_path_factory.mktemp("index"))
    opened.update()
    return opened


@pytest.mark.parametrize(
    "text",
    [
        "trade " * 2000,
        "(" * 5000 + "trade" + ")" * 5000,
        "(" * 3000 + "trade",
        "*a*",
        "*",
        "nosuchfield:trade",
        "title:(((",
        '"' * 101,
        "AND OR NOT",
        "date:[2025-99-99 to x]",
        "\x00\x01 trade \ufffd",
        "trade~9",
    ],
)
def test_hostile_queries_answer_without_raising(archive: Archive, text: str) -> None:
    assert_answered(archive.search(SearchRequest(text=text, collapse=False)))


def test_a_very_long_query_is_cut_with_a_notice(archive: Archive) -> None:
    result = archive.search(SearchRequest(text="trade " * 2000, collapse=False))
    assert result.total == 30
    assert result.notice and "cut" in result.notice


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=200))
def test_any_query_string_gives_a_result(archive: Archive, text: str) -> None:
    assert_answered(archive.search(SearchRequest(text=text, limit=5, collapse=False)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3000))
def test_any_bytes_give_an_article_or_a_reason(raw: bytes) -> None:
    try:
        article = parse_article(decode(raw).text, "x.txt")
    except SkipFile as exc:
        assert str(exc)
        return
    assert article.body
    assert article.title


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=2000))
def test_any_text_gives_an_article_or_a_reason(text: str) -> None:
    try:
        article = parse_article(text, "x.txt")
    except SkipFile:
        return
    assert article.body.strip() == article.body
    assert "./." not in article.body


def test_a_damaged_segment_is_reported_not_raised(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "Chile\nChilean trade news."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
    for seg in (tmp_path / "index" / "whoosh").glob("*.seg"):
        seg.write_bytes(b"\x00garbage" * 3)
    with pytest.raises(IndexDamaged, match="Rebuild"):
        archive = Archive.open(root, tmp_path / "index")
        archive.search(SearchRequest(text="trade", collapse=False))
        archive.article("a.txt")


def test_disk_full_while_writing_keeps_the_previous_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from whoosh.writing import SegmentWriter

    root = write_articles(tmp_path / "arch", {"a.txt": "Chile\nChilean trade news."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        (root / "b.txt").write_text("Peru\nPeruvian trade news.", encoding="utf-8")

        def full(*_a: object, **_k: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(SegmentWriter, "commit", full)
        with pytest.raises(IndexWriteFailed, match="No space left"):
            archive.update()
        monkeypatch.undo()
        assert archive.ids() == ["a.txt"]
        assert archive.search(SearchRequest(text="trade", collapse=False)).total == 1
        assert archive.update().added == 1
        assert archive.ids() == ["a.txt", "b.txt"]


def test_unreadable_file_and_folder_are_reported_and_the_rest_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    root = write_articles(
        tmp_path / "arch",
        {
            "ok.txt": "Chile\nChilean news.",
            "locked.txt": "Peru\nPeruvian news.",
            "closed/inner.txt": "Laos\nLao news.",
        },
    )
    real_open = Path.open
    real_os_open = os.open
    real_scandir = os.scandir

    def guarded_open(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    def guarded_os_open(path: object, *args: object, **kwargs: object) -> int:
        # `read_head` opens with os.open (non-blocking, for FIFOs).
        if Path(str(path)).name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_os_open(path, *args, **kwargs)  # type: ignore[arg-type]

    def guarded_scandir(path: object = ".") -> object:
        if str(path).endswith("closed"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", guarded_open)
    monkeypatch.setattr(os, "open", guarded_os_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update()
        reasons = {s.id: s.reason for s in report.skipped}
        assert reasons == {
            "closed/": "folder cannot be read: Permission denied",
            "locked.txt": "permission denied: the file cannot be read",
        }
        assert archive.ids() == ["ok.txt"]


def test_readers_keep_working_while_another_process_writes(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import time

    from search.errors import IndexLocked
    from search.store.folder import IndexPaths
    from search.store.text_index import update_lock

    root = write_articles(
        tmp_path / "arch",
        {
            f"d{i % 5}/f{i}.txt": f"Report {i}\nChile and Peru met about trade, item {i}. "
            + "news " * 200
            for i in range(400)
        },
    )
    index = tmp_path / "index"
    with Archive.open(root, index) as reader:
        reader.update()
        for i in range(400, 800):
            (root / f"new{i}.txt").write_text(
                f"New {i}\nBrazil and Chile, item {i}.", encoding="utf-8"
            )
        child = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import sys; from search.api import Archive; "
                "Archive.open(sys.argv[1], sys.argv[2]).update(wait_s=60)",
                str(root),
                str(index),
            ],
            env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2])),
        )
        saw_lock = False
        while child.poll() is None and not saw_lock:  # until the child holds the lock
            try:
                with update_lock(IndexPaths(index)):
                    pass  # free: the child is still starting
            except IndexLocked:
                saw_lock = True
            time.sleep(0.02)
        with pytest.raises(IndexLocked):
            reader.update()  # a second writer is told clearly
        searches = 0
        while child.poll() is None:
            assert reader.search(SearchRequest(text="trade", collapse=False)).total >= 400
            searches += 1
            time.sleep(0.05)
        assert child.wait() == 0
        assert saw_lock and searches > 0
        reader.refresh()
        assert len(reader) == 800


@pytest.mark.parametrize("damage", ["missing segment", "truncated segment"])
def test_damaged_index_files_are_detected_and_a_rebuild_fixes_them(
    tmp_path: Path, damage: str
) -> None:
    from search.cli import main

    root = write_articles(
        tmp_path / "arch", {f"f{i}.txt": f"Chile {i}\nChilean trade news {i}." for i in range(5)}
    )
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
    whoosh_dir = tmp_path / "index" / "whoosh"
    for path in whoosh_dir.glob("*.seg"):  # Whoosh keeps a segment in one compound file
        if damage == "missing segment":
            path.unlink()
        else:
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(IndexDamaged):
        broken = Archive.open(root, tmp_path / "index")
        broken.search(SearchRequest(text="trade", collapse=False))
    assert main(["index", str(root), "--index-dir", str(tmp_path / "index"), "--rebuild"]) == 0
    with Archive.open(root, tmp_path / "index") as fixed:
        assert fixed.search(SearchRequest(text="trade", collapse=False)).total == 5


def test_a_pattern_matching_too_many_words_is_cut_with_a_notice(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.query.executor

    monkeypatch.setattr(search.query.executor, "MAX_EXPANSION", 3)
    executor_of(snapshot_of(archive))._expansions.clear()
    result = archive.search(SearchRequest(text="item*", collapse=False))
    executor_of(
        snapshot_of(archive)
    )._expansions.clear()  # the cut expansion must not outlive this test
    assert result.notice and "too many different words" in result.notice
    assert 0 < result.total < 30
