"""One display path for problems, and the log file they are written to.

``ArchiveError``s are things a user can act on: their message is shown as is.
Anything else is a bug: it is logged with its traceback and shown as a short
apology naming the log file, never as a raw traceback, and the app keeps
running. Dialogs are opened window-modal with ``open()`` (not ``exec()``), so
they never block a worker's result from arriving, nor a test; they delete
themselves when closed (see ``gui.help.open_dialogs``).

A crash below Python (a segfault in Qt) never reaches ``logging``: Python's
fault handler writes the stacks of every thread into the same log file.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TextIO

from platformdirs import user_log_dir
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QWidget

from search.errors import ArchiveError

log = logging.getLogger("archive_browser")

_log_file: Path | None = None
_crash_file: TextIO | None = None
"""The log file opened for the fault handler (it must stay open for it)."""


def log_dir() -> Path:
    """Per-user log folder; under ARCHIVE_BROWSER_DATA_DIR when that is set (tests)."""
    override = os.environ.get("ARCHIVE_BROWSER_DATA_DIR")
    if override:
        return Path(override) / "logs"
    return Path(user_log_dir("ArchiveBrowser", appauthor=False))


def log_file() -> Path | None:
    return _log_file


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Log to a rotating file in the per-user log folder; returns its path."""
    global _log_file  # noqa: PLW0603 - one log per process
    root = logging.getLogger("archive_browser")
    root.setLevel(level)
    if _log_file is not None:
        return _log_file
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "archive-browser.log"
        handler = _LogFile(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        logging.getLogger("archive_browser").warning("no log file: %s", exc)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)  # the engine's "archive_browser.engine.*" warnings too
    _log_file = path
    return path


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; after a rotation the fault handler writes to the new file."""

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        super().doRollover()
        if _crash_file is not None:
            enable_crash_dumps()


def enable_crash_dumps() -> Path | None:
    """Let Python's fault handler write a crash's stacks into the log file.

    Its own file object: the handler's stream is closed on rotation, and a closed
    descriptor may be reused for anything (an index file) by the time of a crash.
    """
    global _crash_file  # noqa: PLW0603 - one fault handler per process
    if _log_file is None:
        return None
    try:
        crash_file = _log_file.open("a", encoding="utf-8")
    except OSError as exc:
        log.warning("crash dumps stay on stderr: %s", exc)
        return None
    faulthandler.enable(crash_file, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = crash_file
    return _log_file


def message_for(exc: BaseException) -> str:
    """The words a user sees for ``exc``."""
    if isinstance(exc, ArchiveError):
        return str(exc) or type(exc).__name__
    if isinstance(exc, PermissionError):
        name = f" {exc.filename}" if exc.filename else ""
        return f"Permission denied:{name}. Check that you may read (and write) it."
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc} ({exc.filename})" if exc.filename else str(exc)
    where = f" Details are in the log file:\n{_log_file}" if _log_file else ""
    return f"Something went wrong inside Archive Browser ({type(exc).__name__}: {exc}).{where}"


def show_error(parent: QWidget, title: str, exc: BaseException | str) -> QMessageBox:
    """Show ``exc`` (or a message) in a non-blocking dialog and log it.

    The box belongs to ``parent`` and deletes itself when closed: keep no reference."""
    if isinstance(exc, BaseException):
        if isinstance(exc, ArchiveError | OSError):
            log.warning("%s: %s", title, exc)
        else:
            log.error("%s", title, exc_info=exc)
        text = message_for(exc)
    else:
        log.warning("%s: %s", title, exc)
        text = exc
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("errorDialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _error_parent() -> QWidget | None:
    """The main window to show an unexpected error over (a sheet may close before it)."""
    windows = QApplication.topLevelWidgets()
    main = [w for w in windows if isinstance(w, QMainWindow) and w.isVisible()]
    return main[0] if main else QApplication.activeWindow()


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Last resort for exceptions escaping Qt slots: log, tell the user, keep running."""
    if issubclass(kind, KeyboardInterrupt):
        QApplication.quit()
        return
    text = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unhandled exception:\n%s", text)
    sys.stderr.write(text)
    app = QApplication.instance()
    parent = _error_parent() if isinstance(app, QApplication) else None
    if parent is not None:  # without a window there is no one to tell but the log
        show_error(parent, "Unexpected error", exc.with_traceback(tb))


def install_excepthook() -> None:
    sys.excepthook = excepthook
