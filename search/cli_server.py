"""The warm query server of one archive, started by the first ``archive-search query``.

``python -P -m search.cli_server SPEC`` (search/cli_client.py starts it): holds the lock
file of its socket (one server per archive, index and user), opens the archive once,
watches its folder (search/cli_watch.py), then answers each request on its Unix socket by
running ``search.cli``'s own query command on the request's arguments with stdout and
stderr recorded, one request at a time, in arrival order.

Never a stale answer:
- the index: each query first takes in what another writer committed (``Archive.refresh``:
  new generations, a rebuild's new folder, the entity phase's batches);
- the folder: with the default up-to-date check, the check runs (``Archive.update``, as
  the command does) whenever the watch saw any change since the last check that ran, and
  at the first such query; if it cannot run (another writer holds the index) the query
  says so, as the command does, and the next query tries again;
- the archive and index folders replaced or taken over by another archive, or this
  package's code changed on disk: the server declines the request and exits (the client
  starts a fresh one).
It exits after ``ARCHIVE_SEARCH_SERVER_IDLE`` seconds without a request (600 by default),
on SIGTERM, and on ``archive-search query-server stop``.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import marshal
import os
import select
import signal
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from search import cli_client
from search.store import folder

if TYPE_CHECKING:
    from search.api import Archive
    from search.cli_watch import FolderWatch

log = logging.getLogger("archive_browser.engine.cli_server")

DEFAULT_IDLE_S = 600.0
APP_LOGGER = "archive_browser"
"""search.cli's logging tree (cli.APP_LOGGER), named here to import the engine late."""
READ_TIMEOUT_S = 10.0
"""A client that connects and sends nothing is dropped after this long."""
CODE_CHECK_S = 1.0
"""How often the package's files are compared with those the server loaded."""


class _Recorder:
    """Stands in for stdout or stderr: what the command writes, in order, for the client
    (whose encoding and terminal it takes on)."""

    def __init__(self, number: int, chunks: list[tuple[int, str]], info: dict[str, Any]) -> None:
        self.number, self.chunks = number, chunks
        self.encoding = info.get("encoding") or "utf-8"
        self.errors = "backslashreplace"
        self._tty = bool(info.get("tty"))

    def write(self, text: str) -> int:
        self.chunks.append((self.number, text))
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return self._tty

    def fileno(self) -> int:
        raise OSError("recorded output has no file descriptor")


@contextlib.contextmanager
def _recording(request: dict[str, Any]) -> Iterator[list[tuple[int, str]]]:
    """stdout, stderr and the terminal width the client has, for one request."""
    chunks: list[tuple[int, str]] = []
    streams = request.get("streams") or [{}, {}]
    saved = sys.stdout, sys.stderr, {k: os.environ.get(k) for k in ("COLUMNS", "LINES")}
    sys.stdout = _Recorder(1, chunks, streams[0])
    sys.stderr = _Recorder(2, chunks, streams[1])
    columns, lines = (request.get("columns") or [80, 24])[:2]
    os.environ["COLUMNS"], os.environ["LINES"] = str(columns), str(lines)
    try:
        yield chunks
    finally:
        sys.stdout, sys.stderr = saved[0], saved[1]
        for name, value in saved[2].items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Server:
    """One archive kept open, its folder watched, its socket answered."""

    def __init__(self, spec: dict[str, Any], archive: Archive, watch: FolderWatch) -> None:
        self.spec = spec
        self.root = Path(spec["root"])
        self.index_arg: str | None = spec["index_dir"]
        self.archive = archive
        self.watch = watch
        self.started = time.time()
        self.answered = 0
        self.stopping = False
        self.bound = 0
        self._built: argparse.ArgumentParser | None = None
        self.held: list[logging.LogRecord] = []
        """Warnings from opening the archive, told with the first query's answer (the
        command opening it would have printed them before its own output)."""
        """The inode of the socket this server bound (another may replace it)."""
        self._ids = self._folders()
        self._owner_stamp = folder.stamp(self.archive.index_dir / "archive.json")
        self._code: dict[str, int] = {}
        _code_stamps(self._code)
        self._code_checked = time.monotonic()

    # --- is it still the same archive? -----------------------------------------

    def _folders(self) -> tuple[tuple[int, int], tuple[int, int]]:
        return folder.identity(self.root), folder.identity(self.archive.index_dir)

    def still_valid(self) -> str | None:
        """Why this server must not answer any more, or None."""
        if self._folders() != self._ids:
            return "the archive or index folder was replaced"
        meta = self.archive.index_dir / "archive.json"
        stamp = folder.stamp(meta)
        if stamp != self._owner_stamp:
            try:
                owner = json.loads(meta.read_text(encoding="utf-8")).get("archive_root")
            except (OSError, ValueError, AttributeError):
                owner = None
            if owner != str(self.root):
                return "the index folder now belongs to another archive"
            self._owner_stamp = stamp
        now = time.monotonic()
        if now - self._code_checked >= CODE_CHECK_S:
            self._code_checked = now
            if _code_stamps(self._code):
                return "the program's files changed"
        return None

    def retire(self) -> None:
        """Answer no more: the socket goes at once, so the next client starts a new server."""
        self.stopping = True
        with contextlib.suppress(OSError):
            if os.stat(self.spec["socket"]).st_ino == self.bound:
                os.unlink(self.spec["socket"])

    def serves(self, args: argparse.Namespace, cwd: str) -> bool:
        """Whether parsed query arguments name this server's archive and index."""
        from search.api import default_archive_path  # noqa: PLC0415 - see answer

        if args.command != "query" or getattr(args, "server", None):
            return False  # (a shared archive, e.g. through an abbreviated --serv)
        arg = args.archive
        base = Path(cwd)
        root = default_archive_path() if arg is None else base / Path(arg).expanduser()
        index = None if args.index_dir is None else base / Path(args.index_dir).expanduser()
        index_arg = None if index is None else str(index.resolve())
        return root.resolve() == self.root and index_arg == self.index_arg

    # --- answering ---------------------------------------------------------------

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        from search import cli  # noqa: PLC0415 - imported after the lock (see serve)

        control = request.get("control")
        if control is not None:
            return self._control(str(control))
        why = self.still_valid()
        if why is not None:
            log.info("server of %s retires: %s", self.root, why)
            self.retire()
            return {"status": "restart", "why": why}
        with _recording(request) as chunks:
            try:
                args = self._parser().parse_args(request["argv"])
            except SystemExit as exc:  # --help, argument errors: the parser's own output
                code = exc.code if isinstance(exc.code, int) else cli.EXIT_USER_ERROR
                return {"status": "ok", "code": code, "chunks": chunks}
            if not self.serves(args, str(request.get("cwd") or "/")):
                return {"status": "decline"}
            with cli._logging(args.verbose) as log_file:
                for record in self.held:  # what opening the archive said, as the command
                    logging.getLogger(record.name).handle(record)  # would have said it
                self.held = []
                args.run = partial(cli.cmd_query, opener=self.lend)
                code = cli._run(args, log_file)
        self.answered += 1
        return {"status": "ok", "code": code, "chunks": chunks}

    def _parser(self) -> argparse.ArgumentParser:
        """The command's parser, built once (a tenth of its answer otherwise); --help is
        formatted when asked, to the client's terminal width."""
        from search import cli  # noqa: PLC0415 - see answer

        if self._built is None:
            self._built = cli.build_parser()
        return self._built

    def lend(self, args: argparse.Namespace) -> AbstractContextManager[Archive]:
        """The open archive, brought up to date as the command would (kept open after)."""
        from search import cli  # noqa: PLC0415 - see answer

        if not args.no_update and self.watch.changed():
            if cli.bring_up_to_date(self.archive):
                self.watch.settle()
        else:
            self.archive.refresh()
        return contextlib.nullcontext(self.archive)

    def _control(self, what: str) -> dict[str, Any]:
        info = {
            "status": "ok",
            "pid": os.getpid(),
            "archive": str(self.root),
            "index_dir": str(self.archive.index_dir),
            "socket": self.spec["socket"],
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started)),
            "queries": self.answered,
            "watching": self.watch.usable,
        }
        if what == "stop":
            self.retire()
        return info


class _Held(logging.Handler):
    """Keeps the engine's warnings while the server opens its archive."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _code_stamps(known: dict[str, int] | None = None) -> bool:
    """Record the modification times of this package's loaded modules into ``known``;
    True when one that was recorded before has changed (a module loaded since, e.g. the
    entity rules on the first ``--country``, is recorded as it is now)."""
    package = os.path.dirname(os.path.abspath(__file__))
    stamps = {} if known is None else known
    changed = False
    for module in list(sys.modules.values()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(package + os.sep):
            try:
                stamp = os.stat(path).st_mtime_ns
            except OSError:
                stamp = 0
            changed |= stamps.setdefault(path, stamp) != stamp
    return changed


def _say(text: str) -> None:
    """Tell the starting client (our stdout is its pipe) how the start went."""
    with contextlib.suppress(OSError):
        os.write(1, text.encode() + b"\n")


def _detach() -> None:
    """Nothing of the starting client's is kept: stdio to devnull, out of its folder."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    os.chdir("/")


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def serve(spec: dict[str, Any]) -> int:
    """Start (or find another server starting: ``busy``), then answer until idle.

    The lock comes first, before the engine is imported, so the clients that raced to
    start a server learn within milliseconds that one is starting."""
    os.umask(0o077)
    lock = os.open(spec["lock"], os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _say("busy")
        return 0
    if spec.get("package") != os.path.dirname(os.path.abspath(__file__)):
        _say("failed: another copy of the program")
        return 1
    from search.api import Archive  # noqa: PLC0415 - after the lock
    from search.cli_watch import FolderWatch  # noqa: PLC0415
    from search.errors import ArchiveError  # noqa: PLC0415

    _log_to_file()
    root = Path(spec["root"])
    watch = FolderWatch(str(root))  # before the first check, so no change falls between
    held = _Held()
    app = logging.getLogger(APP_LOGGER)
    app.addHandler(held)
    try:
        archive = Archive.open(root, spec["index_dir"])
    except (ArchiveError, OSError) as exc:
        _say(f"failed: {exc}")
        return 1
    finally:
        app.removeHandler(held)
    import search.cli  # noqa: F401, PLC0415 - the command, before the first request

    server = Server(spec, archive, watch)
    server.held = held.records
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(spec["socket"])  # a dead server's: we hold the lock
    listener.bind(spec["socket"])
    listener.listen(128)
    server.bound = os.stat(spec["socket"]).st_ino
    signal.signal(signal.SIGTERM, _stop)
    idle_s = _idle_seconds()
    _say("ready")
    _detach()
    try:
        last = time.monotonic()
        while not server.stopping:
            left = idle_s - (time.monotonic() - last)
            if left <= 0:
                break
            ready, _, _ = select.select([listener], [], [], left)
            if ready:
                _serve_one(server, listener)
                last = time.monotonic()
    finally:
        # The socket goes first: a client that finds none starts a new server; one
        # already queued is still answered below. Then the lock, for that new server.
        server.retire()
        listener.setblocking(False)
        with contextlib.suppress(OSError):
            while True:
                _serve_one(server, listener)
        listener.close()
        os.close(lock)
        archive.close()
        watch.close()
    return 0


def _idle_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get(cli_client.IDLE_ENV, DEFAULT_IDLE_S)))
    except ValueError:
        return DEFAULT_IDLE_S


def _serve_one(server: Server, listener: socket.socket) -> None:
    """Accept one connection and answer it (raises BlockingIOError when none waits)."""
    conn, _ = listener.accept()
    with conn:
        conn.setblocking(True)
        conn.settimeout(READ_TIMEOUT_S)
        try:
            parts = []
            while data := conn.recv(1 << 16):
                parts.append(data)
            request = marshal.loads(b"".join(parts))
        except (OSError, EOFError, ValueError, TypeError):
            if server.still_valid() is not None:  # a client of newer code, say: make way
                server.retire()
            return
        if not isinstance(request, dict):
            return
        try:
            reply = server.answer(request)
        except Exception:  # a bug: the client runs the command itself and reports it
            log.exception("query server failed on %r", request.get("argv"))
            reply = {"status": "decline"}
        conn.settimeout(None)
        with contextlib.suppress(OSError):  # the client gave up (^C): nobody to tell
            conn.sendall(marshal.dumps(reply))


def _log_to_file() -> None:
    """The server's own warnings (not a request's) to the command's log file."""
    from search import cli  # noqa: PLC0415 - light enough: only with a failure to log

    handler = cli.LogFile(cli.log_dir() / cli.LOG_NAME)
    handler.setLevel(logging.WARNING)
    for name in (log.name, "archive_browser.engine.cli_watch"):  # not the command's output
        own = logging.getLogger(name)
        own.addHandler(handler)
        own.propagate = False


def main(argv: list[str] | None = None) -> int:
    spec = json.loads((sys.argv[1:] if argv is None else argv)[0])
    try:
        return serve(spec)
    except Exception:
        log.exception("query server of %s failed", spec.get("root"))
        _say("failed")
        return 1


if __name__ == "__main__":
    sys.exit(main())
