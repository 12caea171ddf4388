"""``archive-search query`` through the warm query server (search/cli_client.py, cli_server.py).

Each test runs the real command as a process (``python -m search``) against tiny archives in
tmp_path, with a private runtime folder, and checks two things: the answer (byte for byte
what the command prints in its own process, ``ARCHIVE_SEARCH_SERVER=0``) and that the server
gave it (its count of answered queries), so a client that always fell back to answering
itself could not pass.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import platformdirs
import pytest

from search import cli_client
from search.api import Archive
from search.cli_watch import FolderWatch
from search.store.folder import IndexPaths
from search.store.text_index import update_lock

from .conftest import SAMPLE, write_articles

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="Unix sockets and inotify")


class Runner:
    """Runs ``archive-search`` with the server on (``run``) or off (``here``)."""

    def __init__(self, runtime: Path, data: Path, cwd: Path) -> None:
        self.runtime, self.data, self.cwd = runtime, data, cwd
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ARCHIVE_BROWSER_DATA_DIR": str(data),
            "XDG_RUNTIME_DIR": str(runtime),
            "ARCHIVE_SEARCH_SERVER": "1",
            "ARCHIVE_SEARCH_SERVER_IDLE": "60",
            "HOME": os.environ.get("HOME", "/root"),
            "PYTHONPATH": str(REPO),
        }

    def run(self, *args: str, server: bool = True, **env: str) -> tuple[int, bytes, bytes]:
        full = self.env | env | ({} if server else {"ARCHIVE_SEARCH_SERVER": "0"})
        proc = subprocess.run(
            [sys.executable, "-m", "search", *args],
            capture_output=True,
            check=False,
            timeout=180,
            env=full,
            cwd=self.cwd,
        )
        return proc.returncode, proc.stdout, proc.stderr

    def here(self, *args: str, **env: str) -> tuple[int, bytes, bytes]:
        return self.run(*args, server=False, **env)

    def status(self) -> list[dict[str, object]]:
        """What each server in this runtime folder says of itself (asked from here: the
        ``query-server status`` command is tested once, in test_server_stop_ends_it)."""
        found = []
        for sock in sorted((self.runtime / "ArchiveBrowser").glob("q-*.sock")):
            info = cli_client.control(str(sock), "status")
            if info is not None:
                found.append(info)
        return found

    def answered(self, archive: Path) -> int:
        """Queries the server of ``archive`` has answered (0 when none runs)."""
        for info in self.status():
            if info["archive"] == str(archive.resolve()):
                return int(str(info["queries"]))
        return 0

    def pid(self, archive: Path) -> int | None:
        for info in self.status():
            if info["archive"] == str(archive.resolve()):
                return int(str(info["pid"]))
        return None


def _gone(pid: int) -> bool:
    """Exited (a zombie whose parent has not reaped it counts: it answers nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state in ("Z", "X")


def _wait_gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return _gone(pid)


def server_pids(runtime: Path) -> list[int]:
    """The live query servers whose socket is in ``runtime``, from /proc (not asking them)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        ours = b"search.cli_server" in cmdline and str(runtime).encode() in cmdline
        if ours and not _gone(int(entry.name)):
            found.append(int(entry.name))
    return found


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[Runner]:
    runtime = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # short: sun_path is 108 bytes
    os.chmod(runtime, 0o700)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    runner = Runner(runtime, tmp_path / "data", cwd)
    yield runner
    pids = server_pids(runtime)
    runner.here("query-server", "stop")
    pids = [p for p in pids if not _wait_gone(p, 10)]
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(runtime, ignore_errors=True)
    assert not pids, f"servers did not stop: {pids}"


def _news(root: Path) -> Path:
    return write_articles(
        root,
        {
            "a/kz.txt": "Kazakhstan trade talks\n\n date 2025-03-04 Astana hosted trade "
            "talks with Vietnam on Tuesday. Kazakhstan and Việt Nam signed a deal.\n",
            "a/vn.txt": "Vietnam summit\n\nHanoi hosted a summit of ASEAN leaders. Vietnam "
            "and Laos discussed trade, energy and a new railway.\n",
            "b/ke.txt": "Kenya harvest\n\nNairobi farmers expect a record harvest of tea "
            "this year, Kenya's ministry said, after good rains.\n",
        },
    )


@pytest.fixture
def news(tmp_path: Path) -> Path:
    return _news(tmp_path / "news")


def _same(runner: Runner, *args: str, **env: str) -> tuple[int, bytes, bytes]:
    """The answer through the server, asserted equal to the command's own in its process."""
    through = runner.run(*args, **env)
    assert through == runner.here(*args, **env), args
    return through


# --- the paths of a query ------------------------------------------------------


def test_a_first_query_starts_a_server_and_answers_as_the_command_does(
    runner: Runner, news: Path
) -> None:
    assert runner.status() == []
    code, out, err = _same(runner, "query", "trade", "--archive", str(news))
    assert code == 0 and b"2 of 3 articles" in out, err
    assert runner.answered(news) == 1
    socket_path = Path(str(runner.status()[0]["socket"]))
    assert socket_path.parent == runner.runtime / "ArchiveBrowser"  # never beside the articles
    assert not any(p.suffix == ".sock" for p in news.rglob("*"))


FLAGS = [
    ["trade"],
    ["trade", "--json"],
    ["", "--json", "--sort", "newest"],
    ["", "--sort", "oldest", "--limit", "1", "--offset", "1"],
    ["trade", "--limit", "0"],
    ["trade", "--offset", "9"],
    ["trade", "--country", "KZ", "--json"],
    ["trade", "--exclude-country", "vietnam"],
    ["", "--from", "2025-03", "--to", "2025", "--no-undated"],
    ["kazakh* AND", "--no-collapse"],  # not valid syntax: searched as words, with a note
    ['"trade talks"', "--person", "nobody", "--json"],
    ["trade", "--from", "not a date"],  # exit 2, one line
    ["trade", "--country", "Atlantis"],
    ["trade", "--limit", "-1"],  # the parser's error
    ["--help"],
]


def test_every_flag_answers_byte_for_byte_as_the_command_does(runner: Runner, news: Path) -> None:
    for flags in FLAGS:
        _same(runner, "query", *flags, "--archive", str(news), "--no-update")
    # Every one was answered by the server; the parser's (--help, --limit -1) are not
    # counted as queries.
    assert runner.answered(news) == len(FLAGS) - 2


def test_the_client_s_encoding_and_terminal_width_are_the_command_s(
    runner: Runner, news: Path
) -> None:
    for env in ({"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1", "COLUMNS": "50"}):
        for flags in (["Việt", "--json"], ["Việt"], ["--help"]):
            args = ("query", *flags, "--archive", str(news), "--no-update")
            through = runner.run(*args, **env)
            assert through == runner.here(*args, **env), (env, flags)
    assert runner.answered(news) == 4


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_output_that_cannot_be_written_ends_as_the_command_does(runner: Runner, news: Path) -> None:
    args = [sys.executable, "-m", "search", "query", "", "--archive", str(news), "--json"]
    results = []
    for server in ("1", "0"):
        env = runner.env | {"ARCHIVE_SEARCH_SERVER": server}
        with open("/dev/full", "wb") as full:
            proc = subprocess.run(args, stdout=full, stderr=subprocess.PIPE, env=env, check=False)
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            closed = subprocess.run(
                args, stdout=write_end, stderr=subprocess.PIPE, env=env, check=False
            )
        finally:
            os.close(write_end)
        results.append((proc.returncode, proc.stderr, closed.returncode, closed.stderr))
    assert results[0] == results[1]
    assert results[0][0] == 1 and b"No space left on device" in results[0][1]
    assert results[0][2:] == (0, b"")
    assert runner.answered(news) == 2


def test_a_killed_server_is_replaced_and_the_answer_is_the_same(runner: Runner, news: Path) -> None:
    first = _same(runner, "query", "trade", "--archive", str(news))
    [pid] = server_pids(runner.runtime)
    os.kill(pid, signal.SIGKILL)
    assert _wait_gone(pid)
    assert runner.run("query", "trade", "--archive", str(news)) == first
    new_pid = runner.pid(news)
    assert new_pid is not None and new_pid != pid
    assert runner.answered(news) == 1


def test_an_index_updated_by_another_process_is_seen_without_the_check(
    runner: Runner, news: Path
) -> None:
    _same(runner, "query", "harvest", "--archive", str(news))
    (news / "b" / "ug.txt").write_text(
        "Uganda harvest\n\nKampala expects a record harvest of coffee.\n", encoding="utf-8"
    )
    # --no-update: the server must not look at the folder, as the command would not ...
    code, out, _ = _same(runner, "query", "harvest", "--archive", str(news), "--no-update")
    assert b"1 of 3 articles" in out
    # ... but it must take in what another process then writes into the index.
    code, out, err = runner.here("index", str(news), "--text-only")
    assert code == 0, err
    code, out, _ = _same(runner, "query", "harvest", "--archive", str(news), "--no-update")
    assert b"2 of 4 articles" in out and b"b/ug.txt" in out
    assert runner.answered(news) == 3


def test_a_rebuild_by_another_process_is_seen(runner: Runner, news: Path) -> None:
    _same(runner, "query", "trade", "--archive", str(news))
    (news / "a" / "vn.txt").unlink()
    assert runner.here("index", str(news), "--rebuild", "--text-only")[0] == 0
    _code, out, _ = _same(runner, "query", "trade", "--archive", str(news), "--no-update")
    assert b"1 of 2 articles" in out
    assert runner.answered(news) == 2


def test_every_kind_of_folder_change_is_seen_by_the_default_check(
    runner: Runner, news: Path
) -> None:
    def hits(text: str) -> bytes:
        code, out, err = _same(runner, "query", text, "--archive", str(news), "--json")
        assert code == 0, err
        return out

    hits("trade")
    changes = [
        ("added", lambda: (news / "a" / "new.txt").write_text("Wombat news\n\nA wombat.\n")),
        ("same size", lambda: (news / "a" / "new.txt").write_text("Numbat news\n\nA numbat.\n")),
        ("renamed", lambda: (news / "a" / "new.txt").rename(news / "b" / "moved.txt")),
        ("new folder", lambda: write_articles(news, {"c/d/deep.txt": "Quokka\n\nA quokka.\n"})),
        ("removed", (news / "b" / "moved.txt").unlink),
        ("folder renamed", lambda: (news / "c").rename(news / "e")),
        ("in the renamed folder", lambda: (news / "e" / "d" / "deep.txt").write_text("Bilby\n")),
    ]
    expect = {
        "added": ("wombat", "a/new.txt"),
        "same size": ("numbat", "a/new.txt"),
        "renamed": ("numbat", "b/moved.txt"),
        "new folder": ("quokka", "c/d/deep.txt"),
        "removed": ("numbat", None),
        "folder renamed": ("quokka", "e/d/deep.txt"),
        "in the renamed folder": ("bilby", "e/d/deep.txt"),
    }
    for name, change in changes:
        change()
        word, article = expect[name]
        data = json.loads(hits(word))
        assert [h["id"] for h in data["hits"]] == ([article] if article else []), name
    assert runner.answered(news) == 1 + len(changes)


def test_a_change_while_another_writer_holds_the_index_is_taken_in_later(
    runner: Runner, news: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _same(runner, "query", "wombat", "--archive", str(news))
    (news / "a" / "new.txt").write_text("Wombat news\n\nA wombat.\n", encoding="utf-8")
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(runner.data))  # the runner's index
    with Archive.open(news) as archive:
        paths = IndexPaths(archive.index_dir)
    with update_lock(paths):  # another program is updating this index
        _code, out, err = _same(runner, "query", "wombat", "--archive", str(news))
    assert b"another program is updating this index" in err
    assert b"0 of 3 articles" in out
    _code, out, err = _same(runner, "query", "wombat", "--archive", str(news))
    assert b"1 of 4 articles" in out and err == b""
    assert runner.answered(news) == 3


def test_what_opening_the_archive_warns_comes_with_the_first_answer(
    runner: Runner, news: Path
) -> None:
    args = ("query", "trade", "--archive", str(news))
    assert runner.here(*args)[0] == 0  # the index exists
    [lock] = runner.data.glob("indexes/*/update.lock")

    def break_the_lock() -> None:  # opening repairs it, with a warning
        lock.unlink(missing_ok=True)
        lock.mkdir()

    break_the_lock()
    here = runner.here(*args)
    assert b"is not a regular file: replacing it" in here[2]
    break_the_lock()
    assert runner.run(*args) == here  # the server opened it: its first answer says so
    assert runner.run(*args) == runner.here(*args)  # and only the first
    assert runner.answered(news) == 2


def test_an_idle_server_exits_and_the_next_query_starts_another(runner: Runner, news: Path) -> None:
    first = runner.run("query", "trade", "--archive", str(news), ARCHIVE_SEARCH_SERVER_IDLE="3")
    [pid] = server_pids(runner.runtime)  # from /proc at once: asking it would keep it awake
    assert first == runner.here("query", "trade", "--archive", str(news))
    assert _wait_gone(pid)
    assert not list((runner.runtime / "ArchiveBrowser").glob("*.sock"))
    _same(runner, "query", "trade", "--archive", str(news))
    assert runner.answered(news) == 1


def test_concurrent_first_queries_share_one_server(runner: Runner, news: Path) -> None:
    expected = runner.here("query", "trade", "--archive", str(news), "--json")
    with ThreadPoolExecutor(6) as pool:
        answers = list(
            pool.map(
                lambda _i: runner.run("query", "trade", "--archive", str(news), "--json"),
                range(6),
            )
        )
    assert all(a == expected for a in answers)
    servers = runner.status()
    assert len(servers) == 1
    assert servers[0]["queries"] == 6


def test_two_archives_have_a_server_each_and_odd_arguments_are_still_answered(
    runner: Runner, news: Path, tmp_path: Path
) -> None:
    other = write_articles(tmp_path / "other", {"x.txt": "Trade\n\nTrade in tea.\n"})
    _same(runner, "query", "trade", "--archive", str(news))
    _same(runner, "query", "trade", f"--archive={other}")
    assert runner.answered(news) == 1 and runner.answered(other) == 1
    # An abbreviated option the client does not read: the server declines, the command
    # answers itself, and the answer is still right.
    _same(runner, "query", "trade", "--arch", str(other))
    # Relative paths are the client's: from its working folder.
    rel = os.path.relpath(news, runner.cwd)
    _same(runner, "query", "trade", "--archive", rel)
    assert runner.answered(news) == 2


def test_a_replaced_archive_folder_is_never_answered_from_the_old_one(
    runner: Runner, news: Path, tmp_path: Path
) -> None:
    _same(runner, "query", "harvest", "--archive", str(news), "--json")
    news.rename(tmp_path / "old-news")
    write_articles(news, {"z.txt": "Harvest\n\nA harvest of rice.\n"})
    _code, out, _ = _same(runner, "query", "harvest", "--archive", str(news), "--json")
    assert [h["id"] for h in json.loads(out)["hits"]] == ["z.txt"]


def test_the_sample_archive_is_served_by_default(runner: Runner, tmp_path: Path) -> None:
    code, out, err = _same(runner, "query", "Kazakhstan")
    assert code == 0 and b"2 of 5 articles" in out, err
    assert runner.answered(SAMPLE) == 1


def test_server_stop_ends_it(runner: Runner, news: Path) -> None:
    _same(runner, "query", "trade", "--archive", str(news))
    pid = runner.pid(news)
    assert pid is not None
    code, out, _ = runner.here("query-server", "status")
    assert code == 0 and f"running: pid {pid}  {news.resolve()}".encode() in out
    code, out, _ = runner.here("query-server", "stop", "--archive", str(news))
    assert code == 0 and f"stopped: pid {pid}".encode() in out
    assert _wait_gone(pid) and runner.status() == [] and server_pids(runner.runtime) == []


def test_no_server_when_turned_off(runner: Runner, news: Path) -> None:
    runner.run("query", "trade", "--archive", str(news), "--no-server")
    runner.run("query", "trade", "--archive", str(news), ARCHIVE_SEARCH_SERVER="0")
    shared = ("query", "trade", "--server", str(news / "no-cluster"))  # a shared archive
    assert runner.run(*shared) == runner.here(*shared)
    assert runner.status() == []


# --- the parts ------------------------------------------------------------------


def test_the_runtime_folder_is_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    def theirs() -> str:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return platformdirs.user_runtime_dir("ArchiveBrowser", appauthor=False)

    private = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))
    try:
        os.chmod(private, 0o700)
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(private))
        assert cli_client.runtime_dir() == theirs() == str(private / "ArchiveBrowser")
        monkeypatch.delenv("XDG_RUNTIME_DIR")
        assert cli_client.runtime_dir() == theirs()
        os.chmod(private, 0o755)  # not private: platformdirs falls back, and so do we
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(private))
        assert cli_client.runtime_dir() == theirs() != str(private / "ArchiveBrowser")
    finally:
        shutil.rmtree(private)


def test_the_watch_sees_changes_and_only_since_it_settled(tmp_path: Path) -> None:
    root = _news(tmp_path / "w")
    watch = FolderWatch(str(root))
    assert watch.usable and watch.changed()  # nothing known before the first check
    watch.settle()
    assert not watch.changed()
    (root / ".hidden.txt").write_text("x")  # the scan never reads hidden files
    (root / "a" / ".swap").write_text("x")
    assert not watch.changed()
    steps = [
        lambda: (root / "a" / "kz.txt").write_text("Kazakhstan\n"),
        lambda: os.utime(root / "b" / "ke.txt", (1, 1)),
        lambda: (root / "n" / "m").mkdir(parents=True),
        lambda: (root / "n" / "m" / "x.txt").write_text("x"),  # in a folder made since
        lambda: (root / "n").rename(root / "o"),
        (root / "o" / "m" / "x.txt").unlink,
        (root / "o" / "m" / "k").mkdir,  # in the renamed folder: watched anew
        lambda: (root / "o" / "m" / "k" / "y.txt").write_text("y"),
    ]
    for step in steps:
        step()
        assert watch.changed()
        watch.settle()
        assert not watch.changed()
    watch.close()
    assert watch.changed()  # a closed watch knows nothing: always check
