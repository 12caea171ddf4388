"""``archive-search``'s entry point: a ``query`` answered by a warm server of its archive.

Why: a query as a whole process spent some 0.6 s importing the engine and opening the
index before it searched for a few milliseconds (and, at 10^5 articles, a second more on
the up-to-date check). Like mypy's ``dmypy``, the first ``query`` of an archive starts a
server process for it (search/cli_server.py) that keeps the archive open and watches its
folder; later queries send their arguments over a Unix socket and print what it answers.

This module is the client, and imports only the standard library, and of it only what
starts in microseconds: ``_socket`` rather than ``socket`` (which imports enum and
selectors), ``marshal`` rather than ``json`` (which imports re) for the requests and answers
on the private socket, between two processes of this same interpreter (its path is in the
socket's name). The server's answer is replayed through search/cli_output.py, standard
library too. The server runs the same
``search.cli`` code on the same arguments and records every write to stdout and stderr,
so the output is byte for byte what the command prints when it runs here. Anything else
runs here: other commands, ``--no-server``, ``ARCHIVE_SEARCH_SERVER=0``, a frozen build,
and a query whose server cannot start, dies mid-answer or does not serve those arguments.

The socket lives in the per-user runtime folder (platformdirs' ``user_runtime_dir``:
``$XDG_RUNTIME_DIR/ArchiveBrowser``), private to the user, never beside the articles.
"""

from __future__ import annotations

import _socket
import marshal
import os
import sys
import zlib

import search

TYPE_CHECKING = False  # typing itself is a few ms of start-up this client does without
if TYPE_CHECKING:
    from typing import Any

PROG = "archive-search"
SERVER_ENV = "ARCHIVE_SEARCH_SERVER"
"""``0`` (or off/no/false): every query runs in its own process, as before the server."""
IDLE_ENV = "ARCHIVE_SEARCH_SERVER_IDLE"
"""Seconds a server waits for the next query before it exits (search/cli_server.py)."""
RUNTIME_APP = "ArchiveBrowser"
START_TIMEOUT_S = 120.0
"""How long a starting server may take to open its archive before the query runs here."""
MAX_SOCKET_PATH = 100
"""sun_path holds 108 bytes; a longer runtime folder means no server."""
_OFF = ("0", "off", "no", "false")
PROTOCOL = 2
"""Of the requests and answers (2: marshal); part of the socket's name, so a server left
running by an older copy of the program is never asked in a form it cannot read."""


def main(argv: list[str] | None = None) -> int:
    """Run ``archive-search``: a query through its archive's server when it can be."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = served(args)
    if target is not None:
        try:
            code = through_server(args, target)
        except KeyboardInterrupt:
            from search.cli_output import write_err  # noqa: PLC0415 - light, on ^C only

            write_err(f"{PROG}: interrupted\n")
            return 130
        if code is not None:
            return code
    from search.cli import main as run_here  # noqa: PLC0415 - the engine, only when needed

    return run_here(args)


# --- which server -------------------------------------------------------------


def served(argv: list[str]) -> dict[str, Any] | None:
    """The server a command goes to (its socket, the archive and index it serves), or None
    to run it here. A guess from the arguments: the server parses them itself and declines
    any whose archive or index is not its own."""
    if os.environ.get(SERVER_ENV, "").strip().lower() in _OFF or getattr(sys, "frozen", False):
        return None
    if not argv or argv[0] != "query" or "--no-server" in argv:
        return None
    if any(a == "--server" or a.startswith("--server=") for a in argv):
        return None  # a shared archive on a search cluster: nothing to keep open here
    return target_of(argv)


def target_of(argv: list[str]) -> dict[str, Any] | None:
    """The server of the archive and index that query arguments name (``served`` without
    its switches: ``query-server stop`` finds a server this way whatever they say)."""
    archive = index_dir = None
    i = 1
    while i < len(argv):
        token = argv[i]
        if token == "--":
            break
        for name in ("--archive", "--index-dir"):
            if token == name and i + 1 < len(argv):
                value: str | None = argv[i + 1]
                i += 1
            elif token.startswith(name + "="):
                value = token[len(name) + 1 :]
            else:
                continue
            if name == "--archive":
                archive = value
            else:
                index_dir = value
        i += 1
    if archive == "" or index_dir == "":
        return None  # refused by the parser: let it say so
    root = _resolved(archive) if archive is not None else sample_archive()
    if not os.path.isdir(root):
        return None  # the error message comes from the command itself
    index = _resolved(index_dir) if index_dir is not None else None
    folder = runtime_dir()
    if folder is None:
        return None
    key = _key(
        [str(PROTOCOL), search.__version__, sys.executable, root, index]
        + [os.environ.get(name) for name in _ENV]
    )
    sock = os.path.join(folder, f"q-{key}.sock")
    if len(os.fsencode(sock)) > MAX_SOCKET_PATH:
        return None
    return {
        "root": root,
        "index_dir": index,
        "folder": folder,
        "socket": sock,
        "lock": os.path.join(folder, f"q-{key}.lock"),
        "package": os.path.dirname(os.path.abspath(search.__file__)),
    }


_ENV = ("ARCHIVE_BROWSER_DATA_DIR", "HOME", "TZ")
"""What else the answer depends on: where the default index is, ``~``, today's date."""


def _resolved(path: str) -> str:
    """As ``Path(path).expanduser().resolve()``, which the command does."""
    return os.path.realpath(os.path.join(os.getcwd(), os.path.expanduser(path)))


def sample_archive() -> str:
    """Where ``resources.resource_path("sample-archive")`` is beside this package (the
    server checks it against the real one)."""
    package = os.path.dirname(os.path.abspath(search.__file__))
    return os.path.realpath(os.path.join(package, os.pardir, "resources", "sample-archive"))


def _key(parts: list[str | None]) -> str:
    data = "\0".join("\1" if p is None else p for p in parts).encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


def runtime_dir() -> str | None:
    """platformdirs' ``user_runtime_dir("ArchiveBrowser")``, without importing it when
    ``$XDG_RUNTIME_DIR`` is the user's private folder (the usual case); None when the
    folder is not private to this user."""
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(base) and _private(base):
        folder = os.path.join(base, RUNTIME_APP)
    else:
        import warnings  # noqa: PLC0415 - only without a usable XDG_RUNTIME_DIR

        import platformdirs  # noqa: PLC0415

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # its fallback warning: we know, and go on
            try:
                folder = platformdirs.user_runtime_dir(RUNTIME_APP, appauthor=False)
            except (OSError, RuntimeError):
                return None
    return folder if not os.path.lexists(folder) or _private(folder) else None


def _private(folder: str) -> bool:
    """A real folder of this user that nobody else may enter."""
    try:
        st = os.lstat(folder)
    except OSError:
        return False
    return (
        (st.st_mode & 0o170000) == 0o040000
        and st.st_uid == os.geteuid()
        and not (st.st_mode & 0o077)
    )


# --- asking it ------------------------------------------------------------------


def through_server(argv: list[str], target: dict[str, Any]) -> int | None:
    """The exit code of the command answered by the server, its output written; None when
    no server answered (nothing has been written then)."""
    request = marshal.dumps(
        {
            "argv": argv,
            "cwd": os.getcwd(),
            "streams": [_stream(sys.stdout), _stream(sys.stderr)],
            "columns": _terminal_size(),
        }
    )
    for _attempt in range(2):  # a server that died or retired: one more, then here
        reply = ask(target["socket"], request)
        if reply is None:
            if not start(target):
                return None
            reply = ask(target["socket"], request)
        if reply is None or reply.get("status") == "restart":
            continue
        if reply.get("status") != "ok":
            return None  # not its archive, or not a query it answers
        return replay(reply)
    return None


def _stream(stream: Any) -> dict[str, Any]:
    try:
        tty = bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        tty = False
    return {"encoding": getattr(stream, "encoding", None), "tty": tty}


def _terminal_size() -> list[int]:
    """As ``shutil.get_terminal_size()``, which argparse wraps ``--help`` to."""
    sizes = []
    for name in ("COLUMNS", "LINES"):
        try:
            sizes.append(int(os.environ[name]))
        except (KeyError, ValueError):
            sizes.append(0)
    if not all(sizes):
        try:
            size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            size = os.terminal_size((80, 24))
        sizes = [sizes[0] or size.columns or 80, sizes[1] or size.lines or 24]
    return sizes


def ask(path: str, request: bytes) -> dict[str, Any] | None:
    """Send one request and read the whole answer; None when no server answered it."""
    conn = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        conn.connect(path)
        conn.sendall(request)
        conn.shutdown(_socket.SHUT_WR)
        parts = []
        while data := conn.recv(1 << 16):
            parts.append(data)
    except OSError:
        return None
    finally:
        conn.close()
    try:
        reply = marshal.loads(b"".join(parts))
    except (EOFError, ValueError, TypeError):  # cut short: the server died while answering
        return None
    return reply if isinstance(reply, dict) else None


def replay(reply: dict[str, Any]) -> int:
    """Write the server's recorded output as the command itself would have."""
    from search.cli_output import (  # noqa: PLC0415 - standard library only
        OutputFailed,
        flush_out,
        output_failed,
        tolerant_streams,
        write_err,
        write_out,
    )

    tolerant_streams()
    try:
        for stream, text in reply["chunks"]:
            if stream == 1:
                write_out(text)
            else:
                write_err(text)
        flush_out()
    except OutputFailed as exc:
        return output_failed(exc, PROG)
    return int(reply["code"])


def start(target: dict[str, Any]) -> bool:
    """Start the server of ``target`` and wait until it listens; False when it cannot."""
    import time  # noqa: PLC0415 - only when starting a server

    try:
        os.makedirs(target["folder"], mode=0o700, exist_ok=True)
    except OSError:
        return False
    if not _private(target["folder"]):
        return False
    env = dict(os.environ)
    parent = os.path.dirname(target["package"])
    if os.path.basename(parent) not in ("site-packages", "dist-packages"):
        # A source tree or an editable install: the server must find this same package.
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [parent, env.get("PYTHONPATH")]))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        said = _spawn(target, env, deadline)
        if said == "ready":
            return True
        if said != "busy":
            return False  # it could not open the archive: the command says why
        # Another client's server is starting, or one is retiring: wait for its socket,
        # or for its lock to free (then start one again).
        while time.monotonic() < deadline and _locked(target["lock"]):
            if os.path.exists(target["socket"]):
                return True
            time.sleep(0.02)
    return False


def _spawn(target: dict[str, Any], env: dict[str, str], deadline: float) -> str:
    """Start one server; what it said: ``ready``, ``busy`` (another holds the lock), or
    else why it could not start."""
    import json  # noqa: PLC0415 - only when starting a server
    import select  # noqa: PLC0415
    import subprocess  # noqa: PLC0415
    import time  # noqa: PLC0415

    try:
        server = subprocess.Popen(
            [sys.executable, "-P", "-m", "search.cli_server", json.dumps(target)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # not ended by the terminal's ^C or hang-up
        )
    except OSError as exc:
        return str(exc)
    assert server.stdout is not None
    said = b""
    with server.stdout:
        while not said.endswith(b"\n") and time.monotonic() < deadline:
            ready, _, _ = select.select([server.stdout], [], [], deadline - time.monotonic())
            if not ready:
                break
            data = os.read(server.stdout.fileno(), 256)
            if not data:
                break
            said += data
    return said.decode(errors="replace").strip()


def _locked(path: str) -> bool:
    """Whether a server (running or starting) holds the lock file ``path``."""
    import fcntl  # noqa: PLC0415 - only when starting a server

    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


# --- stop and status ------------------------------------------------------------


def servers() -> list[str]:
    """The sockets of this user's query servers."""
    folder = runtime_dir()
    if folder is None or not os.path.isdir(folder):
        return []
    names = sorted(n for n in os.listdir(folder) if n.startswith("q-") and n.endswith(".sock"))
    return [os.path.join(folder, n) for n in names]


def control(path: str, what: str) -> dict[str, Any] | None:
    """``status`` or ``stop`` one server; None when none answers at ``path``."""
    return ask(path, marshal.dumps({"control": what}))
