"""archive-search output that cannot be written, hostile text, bad arguments, odd errors.

Every failure a user can cause or meet is one line on stderr, never a traceback.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from search.api import Archive
from search.cli import main
from search.model import Article, Entity, SearchRequest, SearchResult
from search.terminal import escape_line, escape_text, json_safe, unescape

from .conftest import write_articles

REPO = Path(__file__).resolve().parents[2]
HOSTILE_TITLE = "Hostile \x1b]0;pwned\x07 news \x1b[31mred"
HOSTILE_BODY = "Kazakhstan \x1b[31m trade \x9b31m talks \u202eevil\u202c and \x7f more."
RAW_BYTES = ("\x1b", "\x07", "\x9b", "\u202e", "\x7f")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # today's argparse errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def run_module(
    args: list[str | bytes], tmp_path: Path, *, unbuffered: bool = False, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    env = {"ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    env |= {k: v for k, v in os.environ.items() if k.startswith(("ARCHIVE_SEARCH_", "XDG_RUNTIME"))}
    if unbuffered:  # writes fail at once instead of at the flush
        env["PYTHONUNBUFFERED"] = "1"
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "search", *args],
        check=False,
        timeout=120,
        env=env,
        cwd=REPO,
        **kwargs,
    )


def one_line(err: str) -> bool:
    return err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_articles(
        tmp_path / "arch", {"evil.txt": f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\nPlain text.\n"}
    )


# 19: output that cannot be written


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("unbuffered", [False, True])
@pytest.mark.parametrize(
    "args", [["query", "", "--json"], ["query", ""], ["--help"], ["--version"]]
)
def test_stdout_on_a_full_disk_is_one_line_and_exit_1(
    tmp_path: Path, hostile: Path, args: list[str], unbuffered: bool
) -> None:
    if args[0] == "query":
        args = [*args, "--archive", str(hostile)]
    with open("/dev/full", "wb") as full:
        proc = run_module(
            args, tmp_path, unbuffered=unbuffered, stdout=full, stderr=subprocess.PIPE
        )
    err = proc.stderr.decode()
    assert proc.returncode == 1, err
    assert one_line(err), err
    assert "No space left on device" in err
    assert "Exception ignored" not in err


def test_a_closed_pipe_is_a_quiet_exit(tmp_path: Path, hostile: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = run_module(
            ["query", "", "--archive", str(hostile), "--json"],
            tmp_path,
            stdout=write_end,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 0
    assert proc.stderr == b""


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stderr_still_exits_with_the_error_code(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        proc = run_module(
            ["query", "x", "--archive", str(tmp_path / "none")], tmp_path, stderr=full
        )
    assert proc.returncode == 2


class FailingStream(io.StringIO):
    def __init__(self, error: OSError) -> None:
        super().__init__()
        self.error = error

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error


def test_an_io_error_on_stdout_is_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, hostile: Path
) -> None:
    monkeypatch.setattr(sys, "stdout", FailingStream(OSError(5, "Input/output error")))
    code = main(["stats", "--archive", str(hostile)])
    err = capsys.readouterr().err
    assert code == 1
    assert one_line(err) and "Input/output error" in err


def test_a_broken_pipe_in_process_is_quiet(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, hostile: Path
) -> None:
    monkeypatch.setattr(sys, "stdout", FailingStream(BrokenPipeError(32, "Broken pipe")))
    assert main(["stats", "--archive", str(hostile)]) == 0
    assert capsys.readouterr().err == ""


# 20: control characters from articles never reach the terminal raw


@pytest.fixture
def hostile_engine(monkeypatch: pytest.MonkeyPatch, hostile: Path) -> Path:
    """The engine hands the CLI hostile text, whatever ingest would clean out of a file."""
    real_search, real_article = Archive.search, Archive.article
    hostile_id = "evil\x1b[2J\u202e.txt"

    def search(self: Archive, request: SearchRequest) -> SearchResult:
        result = real_search(self, request)
        result.hits = [
            replace(
                h,
                id=hostile_id,
                title=HOSTILE_TITLE,
                snippet=HOSTILE_BODY,
                snippet_marks=((0, 10),),
            )
            for h in result.hits
        ]
        return result

    def article(self: Archive, article_id: str, *, final: bool = False) -> Article:
        found = real_article(self, "evil.txt")
        entity = Entity("PERSON", "Mr \x1b[5mX", 0, 4, "mr \x9bx", role="\u202erole")
        return replace(
            found,
            id=hostile_id,
            title=HOSTILE_TITLE,
            body=HOSTILE_BODY,
            trailing="\x1b]0;t\x07",
            source="\x1b[1mwire",
            entities=[entity],
        )

    monkeypatch.setattr(Archive, "search", search)
    monkeypatch.setattr(Archive, "article", article)
    return hostile


def test_query_and_show_escape_control_characters_from_files(
    capsys: pytest.CaptureFixture[str], hostile: Path
) -> None:
    for args in (["query", "kazakhstan"], ["show", "evil.txt"], ["show", "evil.txt", "--json"]):
        code, out, _ = run(capsys, *args, "--archive", str(hostile))
        assert code == 0
        assert not any(c in out for c in RAW_BYTES), repr(out)


def test_query_and_show_escape_control_characters(
    capsys: pytest.CaptureFixture[str], hostile_engine: Path
) -> None:
    code, out, _ = run(capsys, "query", "kazakhstan", "--archive", str(hostile_engine))
    assert code == 0
    assert not any(c in out for c in RAW_BYTES), repr(out)
    assert "Hostile \\x1b]0;pwned\\x07 news \\x1b[31mred" in out
    assert "[Kazakhstan] \\x1b[31m trade" in out and "(evil\\x1b[2J\\u202e.txt)" in out
    code, out, _ = run(capsys, "show", "evil.txt", "--archive", str(hostile_engine))
    assert code == 0
    assert not any(c in out for c in RAW_BYTES), repr(out)
    for shown in (
        "\\x1b]0;pwned\\x07",
        "\\u202eevil\\u202c",
        "\\u009b31m",
        "\\x7f more",
        "source: \\x1b[1mwire",
        "\\x1b]0;t\\x07",
        "'Mr \\x1b[5mX' -> mr \\u009bx (\\u202erole)",
    ):
        assert shown in out


def test_json_keeps_the_exact_text_but_no_raw_controls(
    capsys: pytest.CaptureFixture[str], hostile_engine: Path
) -> None:
    code, out, _ = run(capsys, "show", "x", "--archive", str(hostile_engine), "--json")
    assert code == 0
    assert not any(c in out for c in RAW_BYTES), repr(out)
    data = json.loads(out)
    assert (data["title"], data["body"]) == (HOSTILE_TITLE, HOSTILE_BODY)
    assert data["entities"][0]["text"] == "Mr \x1b[5mX"
    code, out, _ = run(capsys, "query", "", "--archive", str(hostile_engine), "--json")
    assert not any(c in out for c in RAW_BYTES), repr(out)
    assert json.loads(out)["hits"][0]["title"] == HOSTILE_TITLE


def test_error_messages_are_escaped_and_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", "a\x1b[2J\nb.txt")
    assert code == 2
    assert one_line(err) and "\x1b" not in err and "a\\x1b[2J\\nb.txt" in err


def test_escapes() -> None:
    assert escape_text("a\x1b[31m\tb\nc\x9b\u202e\x7f") == "a\\x1b[31m\tb\nc\\u009b\\u202e\\x7f"
    assert escape_line("bad\udcff.txt\n") == "bad\\xff.txt\\n"
    assert escape_line("\ud800") == "\\ud800"
    assert escape_line("bad\U0010ffff.txt") == "bad\\xff.txt"  # the id form (search/ids.py)
    assert escape_line("Hằng — ok") == "Hằng — ok"
    for text in ("bad\udcff.txt", "a\x1b]0;x\x07\n\t\u202e\x9b", "plain/é.txt"):
        assert unescape(escape_line(text)) == text
    dumped = json.dumps({"id": "bad\udcff\x85\u2066\x1b"}, ensure_ascii=False)
    safe = json_safe(dumped)
    safe.encode("utf-8")  # strict: no lone surrogates left
    assert json.loads(safe) == {"id": "bad\udcff\x85\u2066\x1b"}
    assert "\x85" not in safe and "\u2066" not in safe


def test_surrogate_ids_print_in_human_and_json_output(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, hostile: Path
) -> None:
    """The printing path alone, whatever the indexer does with such names."""
    real = Archive.article

    def article(self: Archive, doc_id: str, *, final: bool = False) -> object:
        found = real(self, "evil.txt")
        found.id = doc_id  # type: ignore[attr-defined]
        return found

    monkeypatch.setattr(Archive, "article", article)
    code, out, err = run(capsys, "show", "bad\udcff.txt", "--archive", str(hostile), "--json")
    assert code == 0, err
    assert json.loads(out)["id"] == "bad\udcff.txt"
    out.encode("utf-8")


def test_a_file_name_that_is_not_utf8_end_to_end(tmp_path: Path) -> None:
    root = tmp_path / "arch"
    root.mkdir()
    with open(os.path.join(os.fsencode(str(root)), b"bad\xff.txt"), "wb") as f:
        f.write(b"Bad name\n\nKazakhstan \x1b[31m text.\n")
    archive = ["--archive", str(root)]
    proc = run_module(["query", "", *archive], tmp_path, capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert b"(bad\\xff.txt)" in proc.stdout and b"\x1b" not in proc.stdout
    proc = run_module(["query", "", *archive, "--json"], tmp_path, capture_output=True)
    json_id = json.loads(proc.stdout.decode("utf-8"))["hits"][0]["id"]  # strict UTF-8
    assert json_id.startswith("bad") and json_id.endswith(".txt") and len(json_id) == 8
    # raw bytes as a shell passes them, the id as shown, and the id from the JSON
    for typed in (b"bad\xff.txt", b"bad\\xff.txt", json_id):
        proc = run_module(["show", typed, *archive], tmp_path, capture_output=True)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.startswith(b"Bad name\n")


# 22: arguments out of range


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["query", "x", "--offset", "-5"], "--offset"),
        (["query", "x", "--limit", "-1"], "--limit"),
        (["query", "x", "--limit", "many"], "--limit"),
        (["query", "x", "--archive", ""], "--archive"),
        (["query", "x", "--index-dir", ""], "--index-dir"),
        (["stats", "--archive", ""], "--archive"),
        (["index", ""], "path"),
        (["show", "x.txt", "--archive", ""], "--archive"),
        (["query"], "text"),
    ],
)
def test_bad_arguments_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], option: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert one_line(err), err
    assert option in err


def test_limit_0_counts_only(capsys: pytest.CaptureFixture[str], hostile: Path) -> None:
    code, out, _ = run(capsys, "query", "", "--archive", str(hostile), "--limit", "0")
    assert code == 0
    assert out.startswith("1 of 1 articles\n") and "evil.txt" not in out
    code, out, err = run(capsys, "query", "", "--archive", str(hostile), "--offset", "1")
    assert code == 0 and "evil.txt" not in out
    assert err == "note: --offset 1 skips the hit\n"


# 16: errors from the engine


def test_an_os_error_from_the_engine_is_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> Archive:
        raise PermissionError(13, "Permission denied", "/srv/index/meta.json")

    monkeypatch.setattr(Archive, "open", refuse)
    code, _, err = run(capsys, "stats")
    assert code == 2
    assert one_line(err)
    assert "Permission denied" in err and "/srv/index/meta.json" in err


def test_an_internal_error_names_the_log_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object, **kwargs: object) -> Archive:
        raise RuntimeError("boom")

    monkeypatch.setattr(Archive, "open", crash)
    code, _, err = run(capsys, "stats")
    assert code == 1
    assert one_line(err)
    assert err.startswith("archive-search: internal error: RuntimeError: boom")
    log_file = Path(os.environ["ARCHIVE_BROWSER_DATA_DIR"]) / "logs" / "archive-search.log"
    assert str(log_file) in err
    text = log_file.read_text(encoding="utf-8")
    assert "Traceback" in text and "RuntimeError: boom" in text


ENGINE_LOGS_AN_EXCEPTION = """
import logging, sys
from search import cli
from search.api import Archive
from search.errors import IndexDamaged

def search(self, request):
    try:
        raise OSError("bad segment")
    except OSError:
        logging.getLogger("archive_browser.engine.api").exception("index read failed")
        raise IndexDamaged("The search index cannot be read. Rebuild it.")

Archive.search = search
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_engine_tracebacks_go_to_the_log_file_not_the_terminal(
    tmp_path: Path, hostile: Path, verbose: bool
) -> None:
    script = tmp_path / "script.py"
    script.write_text(ENGINE_LOGS_AN_EXCEPTION, encoding="utf-8")
    args = [*(["-v"] if verbose else []), "query", "x", "--archive", str(hostile)]
    proc = subprocess.run(
        [sys.executable, str(script), *args],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path / "data"),
            "PYTHONPATH": str(REPO),
            "ARCHIVE_SEARCH_SERVER": "0",
        },
        cwd=REPO,
    )
    assert proc.returncode == 2
    if not verbose:
        assert proc.stderr == "archive-search: The search index cannot be read. Rebuild it.\n"
    else:
        assert "index read failed" in proc.stderr
    log_text = (tmp_path / "data" / "logs" / "archive-search.log").read_text(encoding="utf-8")
    assert "index read failed" in log_text and "OSError: bad segment" in log_text


def test_warnings_without_a_traceback_still_reach_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, hostile: Path
) -> None:
    real = Archive.stats

    def stats(self: Archive) -> object:
        logging.getLogger("archive_browser.engine.tablecache").warning("could not save the cache")
        return real(self)

    monkeypatch.setattr(Archive, "stats", stats)
    code, _, err = run(capsys, "stats", "--archive", str(hostile))
    assert code == 0
    assert "could not save the cache" in err and one_line(err)
