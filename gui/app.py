"""Entry point: command line, QApplication, palette, settings, screenshot mode.

``archive-browser [--archive PATH] [--index-dir DIR] [--query TEXT] [--country CC]...
[--select ID] [--dark] [--screenshot OUT.png [--size 1400x900]]``

Screenshot mode renders the window offscreen in the given state, waits (on
signals, not sleeps) until indexing, searching and loading are done, saves
the PNG and exits 0; it neither reads nor writes the user's settings.

Quitting, by Ctrl+Q, by closing the window or by SIGTERM/SIGINT, goes through the
window's close (settings saved, work stopped, dialogs closed); then the window is
deleted while the QApplication still exists, so no Qt object of ours is left for
the interpreter's exit to destroy in whatever order.
"""

from __future__ import annotations

import argparse
import logging
import multiprocessing
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from gui import errors
from gui.compat import guard_refcount_leaks
from gui.main_window import MainWindow
from gui.menus import build_menus
from gui.settings import S, Settings
from gui.signals import SignalWakeup
from gui.state import SearchState
from gui.theme import start_theme
from search.api import __version__, default_archive_path

log = logging.getLogger("archive_browser.app")

ORGANISATION = "ArchiveBrowser"
APPLICATION = "ArchiveBrowser"
SCREENSHOT_TIMEOUT_MS = 120_000


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 1400x900") from None
    if not (200 <= width <= 10_000 and 200 <= height <= 10_000):
        raise argparse.ArgumentTypeError("width and height must be 200 to 10000")
    return width, height


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="archive-browser",
        description="Search and read a folder of plain-text news articles.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--archive", type=Path, help="archive folder to open (default: last one)")
    parser.add_argument("--index-dir", type=Path, help="where to keep the index")
    parser.add_argument(
        "--server",
        metavar="URL",
        help="open a shared archive instead of a folder: sphinxql://HOST:PORT/INDEX, or "
        "the folder of a cluster started with 'archive-search cluster start'",
    )
    parser.add_argument("--query", help="search for this text")
    parser.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="CC",
        help="filter by country (ISO code); repeatable",
    )
    parser.add_argument("--select", metavar="ID", help="article id to show in the reader")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="OUT.png",
        help="render the window offscreen to a PNG and exit",
    )
    parser.add_argument(
        "--size",
        type=_size,
        default=(1400, 900),
        metavar="WxH",
        help="window size (default 1400x900)",
    )
    return parser.parse_args(list(argv))


def main(argv: Sequence[str] | None = None) -> int:
    multiprocessing.freeze_support()  # indexing workers in a frozen (PyInstaller) build
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.screenshot:
        # Must be set before the QApplication exists to take effect.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    guard_refcount_leaks()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    QGuiApplication.setApplicationDisplayName("Archive Browser")
    # Lets desktops (Wayland, GNOME) match the window to its menu entry and icon.
    QGuiApplication.setDesktopFileName("archive-browser")
    log_path = errors.setup_logging()
    errors.enable_crash_dumps()
    errors.install_excepthook()
    log.info("starting; log file %s", log_path)

    screenshot_dir: tempfile.TemporaryDirectory[str] | None = None
    if args.screenshot:
        # A throwaway settings file: screenshots are reproducible and leave no trace.
        screenshot_dir = tempfile.TemporaryDirectory(prefix="archive-browser-shot-")
        store = QSettings(
            str(Path(screenshot_dir.name) / "settings.ini"), QSettings.Format.IniFormat, app
        )
    else:
        store = QSettings(app)  # the application owns it: gone before the interpreter exits
    settings = Settings(store)
    start_theme(settings, dark=args.dark, screenshot=bool(args.screenshot))
    window = MainWindow(settings, persist=not args.screenshot)
    build_menus(window)

    root: Path
    index_dir: Path | None = args.index_dir
    if args.archive:
        root = args.archive
    else:
        last = settings.get(S.last_archive)
        root = Path(last) if last and Path(last).is_dir() else default_archive_path()
        if index_dir is None and last and settings.get(S.last_index_dir):
            index_dir = Path(settings.get(S.last_index_dir))
    if args.query is not None or args.country:
        # A search given on the command line is for the archive it names.
        state = SearchState(text=args.query or "", countries=tuple(c.upper() for c in args.country))
        window.set_state(state, remember=False, archive=root)

    if args.screenshot:
        window.resize(*args.size)
        return _screenshot(
            app, window, root, index_dir, args.select, args.screenshot, screenshot_dir
        )

    # Ctrl+C / SIGTERM (a desktop logout) close the window as Ctrl+Q does, idle or not.
    wakeup = SignalWakeup(lambda _signum: window.close(), window)
    window.show()
    if args.server:
        QTimer.singleShot(0, lambda: window.session.open_shared(args.server))
    else:
        QTimer.singleShot(0, lambda: window.session.open(root, index_dir))
    if args.select:
        window.session.opened.connect(lambda _a: window.load_article(args.select))
    code = app.exec()
    wakeup.uninstall()
    _tear_down(window)
    return int(code)


def _tear_down(window: MainWindow) -> None:
    """After the event loop: close the window if something else ended the loop (its
    close saves and stops everything), then delete it while the QApplication lives."""
    if window.isVisible():
        window.close()
    window.shutdown()
    shiboken6.delete(window)  # with it every dialog, worker pool and timer it owns
    log.info("quit")


def _screenshot(
    app: QApplication,
    window: MainWindow,
    root: Path,
    index_dir: Path | None,
    select: str | None,
    out: Path,
    tmp: tempfile.TemporaryDirectory[str] | None,
) -> int:
    """Open, wait for idle (signals), optionally select an article, grab, exit."""
    outcome = {"code": 1}
    flags = {"selected": select is None, "grabbed": False}

    def on_idle() -> None:
        if window.archive is None:
            return
        if not flags["selected"]:
            flags["selected"] = True
            assert select is not None
            window.select_article(select)
            window.check_idle()  # fires again now if that started nothing
            return
        QTimer.singleShot(50, grab)  # let the last layout and paint events through

    def grab() -> None:
        if flags["grabbed"] or not window.is_idle():
            return
        picture = window.grab()
        if not window.is_idle():  # drawing the rows asked for their snippets: wait for them
            return
        flags["grabbed"] = True
        out.parent.mkdir(parents=True, exist_ok=True)
        ok = picture.save(str(out))
        outcome["code"] = 0 if ok else 1
        if not ok:
            sys.stderr.write(f"could not write {out}\n")
        window.close()
        app.quit()

    def failed(exc: object, _root: object) -> None:
        sys.stderr.write(f"archive-browser: {exc}\n")
        outcome["code"] = 2
        window.close()
        app.quit()

    def timeout() -> None:
        sys.stderr.write("archive-browser: timed out waiting for the window to settle\n")
        window.close()
        app.quit()

    window.idle.connect(on_idle)
    window.session.open_failed.connect(failed)
    window.show()
    QTimer.singleShot(0, lambda: window.session.open(root, index_dir))
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, timeout)
    app.exec()
    _tear_down(window)
    if tmp is not None:
        tmp.cleanup()
    return outcome["code"]
