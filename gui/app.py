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
from PySide6.QtCore import QCoreApplication, QSettings, Qt, QTimer
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from gui import errors
from gui.compat import guard_refcount_leaks
from gui.main_window import MainWindow
from gui.menus import THEME_CHOICES
from gui.settings import S, Settings
from gui.signals import SignalWakeup
from gui.state import SearchState
from resources import resource_path
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


def dark_palette() -> QPalette:
    """A Fusion dark palette, for --dark and for platforms without a dark theme."""
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: "#2b2b2e",
        role.WindowText: "#e6e6e6",
        role.Base: "#1f1f22",
        role.AlternateBase: "#2a2a2e",
        role.ToolTipBase: "#3a3a3f",
        role.ToolTipText: "#f0f0f0",
        role.Text: "#e6e6e6",
        role.Button: "#35353a",
        role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b",
        role.Link: "#8ab4f8",
        role.Highlight: "#3d6fb6",
        role.HighlightedText: "#ffffff",
        role.PlaceholderText: "#9a9aa2",
        role.Mid: "#4a4a50",
        role.Dark: "#18181b",
        role.Light: "#505056",
        role.Midlight: "#3f3f45",
        role.Shadow: "#000000",
    }
    for r, colour in colours.items():
        p.setColor(r, QColor(colour))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7a7a80"))
    return p


def light_palette() -> QPalette:
    """Fusion's own light palette, for the Light theme and screenshots."""
    return QStyleFactory.create("Fusion").standardPalette()


def load_stylesheet(dark: bool) -> str:
    parts = []
    for name in ("style.qss", "style-dark.qss" if dark else "style-light.qss"):
        path = resource_path(name)
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


# -- themes ------------------------------------------------------------------------------


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


class Themes:
    """Puts a theme on the application: style, palette and our stylesheets.

    Light and Dark are Fusion with our palettes, the same on every platform.
    Following the system is the platform's own style and palette, except where
    that style ignores a dark system (Windows): then Fusion with the dark palette.
    The reader redraws its page and legend on the palette change.
    """

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.native_style = app.style().name()
        self.theme = "system"
        QGuiApplication.styleHints().colorSchemeChanged.connect(self._system_changed)

    def apply(self, theme: str) -> None:
        self.theme = theme if theme in dict(THEME_CHOICES) else "system"
        if self.theme == "dark":
            self._use("Fusion", dark_palette())
        elif self.theme == "light":
            self._use("Fusion", light_palette())
        else:
            self._use(self.native_style, QPalette())
            system_dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
            if system_dark and not is_dark(self.app.palette()):
                self._use("Fusion", dark_palette())
        self.app.setStyleSheet(load_stylesheet(is_dark(self.app.palette())))
        log.info("theme %s", self.theme)

    def _use(self, style: str, palette: QPalette) -> None:
        if self.app.style().name().casefold() != style.casefold():
            self.app.setStyle(style)
        self.app.setPalette(palette)

    def _system_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self.theme == "system":
            self.apply("system")


_themes: Themes | None = None


def themes() -> Themes:
    """The application's Themes (made on first use)."""
    global _themes  # noqa: PLW0603  one per QApplication, and there is one
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    if _themes is None or _themes.app is not app:
        _themes = Themes(app)
    return _themes


def choose_theme(settings: Settings, theme: str) -> None:
    """View > Theme: apply ``theme`` now and keep it for the next start."""
    settings.set(S.theme, theme)
    themes().apply(theme)


def start_theme(settings: Settings, *, dark: bool = False, screenshot: bool = False) -> str:
    """The theme a start uses: --dark for this run, light for screenshots, else the saved one."""
    if dark:
        theme = "dark"
    elif screenshot:
        theme = "light"
    else:
        theme = settings.get(S.theme)
    themes().apply(theme)
    return themes().theme


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
