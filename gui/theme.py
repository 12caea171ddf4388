"""Themes: Follow the System, Light and Dark, put on the whole application.

Kept apart from gui/app.py so the menus can switch themes without importing the
entry point (which imports the window, which imports the menus).
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

from gui.settings import S, Settings
from resources import resource_path

log = logging.getLogger("archive_browser.theme")

THEME_CHOICES: tuple[tuple[str, str], ...] = (
    ("system", "Follow the &System"),
    ("light", "&Light"),
    ("dark", "&Dark"),
)


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
