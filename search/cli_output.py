"""Writing ``archive-search``'s output, and what a write that fails means.

Standard library only: the query client (search/cli_client.py) replays a warm
server's output through these same functions, so a full disk, a closed pipe or
an encoding without é end the command exactly as they do when it runs here.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # the client's start-up goes without typing (search/cli_client.py)
if TYPE_CHECKING:
    from typing import IO

EXIT_FAILED = 1
"""The output could not be written, or a bug."""


class OutputFailed(Exception):
    """Writing stdout failed (disk full, I/O error, closed pipe): not the engine's OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


_devnull: IO[str] | None = None


def silence(name: str) -> None:
    """Point a stdout/stderr that failed at devnull, so the flush at exit cannot complain."""
    global _devnull  # noqa: PLW0603 - one devnull for the process
    stream = getattr(sys, name)
    try:
        target = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(target, stream.fileno())
        finally:
            os.close(target)
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. captured in a test)
        if _devnull is None:
            _devnull = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
        setattr(sys, name, _devnull)


def write_out(text: str) -> None:
    """Write to stdout; a failure becomes :class:`OutputFailed`."""
    try:
        sys.stdout.write(text)
    except OSError as exc:
        raise OutputFailed(exc) from exc


def write_err(text: str) -> None:
    """Write to stderr; if stderr itself fails there is nobody left to tell."""
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except OSError:
        silence("stderr")


def flush_out() -> None:
    """Flush stdout here, not at exit, where a failure could not be reported."""
    try:
        sys.stdout.flush()
    except OSError as exc:
        raise OutputFailed(exc) from exc


def tolerant_streams() -> None:
    """An encoding without é must not end the command: unencodable text is escaped."""
    for stream in (sys.stdout, sys.stderr):
        try:  # noqa: SIM105 - contextlib is more start-up than this client can spare
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
        except (AttributeError, ValueError):
            pass


def os_error(exc: OSError) -> str:
    """``Permission denied: /path``: what the system refused, and on which file."""
    names = [
        os.fsdecode(name) if isinstance(name, str | bytes) else str(name)
        for name in (exc.filename, exc.filename2)
        if name is not None
    ]
    what = exc.strerror or str(exc) or type(exc).__name__
    return f"{what}: {' -> '.join(names)}" if names else what


def output_failed(exc: OutputFailed, prog: str) -> int:
    """The exit code (and the one line) of a command whose output could not be written."""
    silence("stdout")
    if isinstance(exc.error, BrokenPipeError):  # the reader has all it wanted (| head)
        return 0
    from search.terminal import escape_line  # noqa: PLC0415 - only when the output failed

    write_err(escape_line(f"{prog}: cannot write the output: {os_error(exc.error)}") + "\n")
    return EXIT_FAILED
