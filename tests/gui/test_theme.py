"""View > Theme: Follow the System, Light, Dark; applied at once, kept, and --dark wins."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui import app as app_module
from gui import theme as theme_module
from gui.main_window import MainWindow
from gui.markup import entity_colour
from gui.settings import S, Settings
from tests.gui.conftest import wait_idle

# The tints are the same for every type's light/dark pair, so one type tells the theme.
KIND = "COUNTRY"


@pytest.fixture(autouse=True)
def _restore_the_look(qapp: QApplication) -> Iterator[None]:
    """Leave the application's style, palette and stylesheet as the test found them."""
    style, sheet = qapp.style().name(), qapp.styleSheet()
    yield
    theme_module.themes().apply("system")
    qapp.setStyle(style)
    qapp.setPalette(QPalette())
    qapp.setStyleSheet(sheet)


def theme_action(window: MainWindow, text: str) -> QAction:
    for top in window.menuBar().actions():
        if top.text() != "&View":
            continue
        view = top.menu()
        for item in view.actions():
            if item.text() == "&Theme":
                for action in item.menu().actions():
                    if action.text().replace("&", "") == text:
                        return action
    raise AssertionError(f"no View > Theme > {text}")


def window_dark(window: MainWindow) -> bool:
    return window.palette().color(QPalette.ColorRole.Window).lightness() < 128


def reader_dark(window: MainWindow) -> bool:
    page = window.reader.html()
    dark, light = entity_colour(KIND, True), entity_colour(KIND, False)
    assert (dark in page) != (light in page), "the page has one palette's tints"
    return dark in page


def open_article(qtbot: QtBot, window: MainWindow) -> None:
    window.select_article("kz-trade.txt")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)


def test_each_theme_applies_at_once_and_is_saved(
    qtbot: QtBot, window: MainWindow, settings: Settings, qapp: QApplication
) -> None:
    open_article(qtbot, window)
    assert not window_dark(window) and not reader_dark(window)

    theme_action(window, "Dark").trigger()
    assert window_dark(window) and reader_dark(window)
    assert "Dark palette adjustments" in qapp.styleSheet()
    assert settings.get(S.theme) == "dark"
    assert theme_action(window, "Dark").isChecked()

    theme_action(window, "Light").trigger()
    assert not window_dark(window) and not reader_dark(window)
    assert "Light palette adjustments" in qapp.styleSheet()
    assert settings.get(S.theme) == "light"

    theme_action(window, "Dark").trigger()
    theme_action(window, "Follow the System").trigger()
    assert settings.get(S.theme) == "system"
    system_dark = QGuiApplication.styleHints().colorScheme().name == "Dark"
    assert window_dark(window) == system_dark == reader_dark(window)
    assert theme_action(window, "Follow the System").isChecked()
    assert not theme_action(window, "Dark").isChecked()


def test_a_new_window_starts_in_the_saved_theme(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    archive_dir: Path,
    settings: Settings,
) -> None:
    first = make_window(archive_dir)
    theme_action(first, "Dark").trigger()
    first.close()
    theme_module.themes().apply("system")  # as a new process starts
    assert not window_dark(first)

    assert theme_module.start_theme(settings) == "dark"
    second = make_window(archive_dir)
    open_article(qtbot, second)
    assert window_dark(second) and reader_dark(second)
    assert theme_action(second, "Dark").isChecked()


def test_dark_flag_overrides_the_saved_theme_for_one_run(
    qtbot: QtBot, make_window: Callable[..., MainWindow], archive_dir: Path, settings: Settings
) -> None:
    settings.set(S.theme, "light")
    assert app_module.parse_args(["--dark"]).dark
    assert theme_module.start_theme(settings, dark=True) == "dark"
    window = make_window(archive_dir)
    open_article(qtbot, window)
    assert window_dark(window) and reader_dark(window)
    assert settings.get(S.theme) == "light"  # the run's override is not saved

    theme_module.themes().apply("system")
    assert theme_module.start_theme(settings) == "light"
    assert not window_dark(window) and not reader_dark(window)
