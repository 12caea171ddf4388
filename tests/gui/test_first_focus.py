"""The window's first keyboard focus is the search field, whatever else is on show.

Seen in a real window: with the entity phase running, the status bar's Cancel was the
first widget that takes focus, so the first words typed at start went to it and a space
cancelled the recognition."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.menus import build_menus
from gui.settings import S, Settings
from gui.state import SearchState


def _shown(qtbot: QtBot, window: MainWindow) -> None:
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=3000)


def test_typing_in_a_new_window_goes_to_the_search_field(qtbot: QtBot, settings: Settings) -> None:
    window = MainWindow(settings)
    build_menus(window)
    qtbot.addWidget(window)
    cancel = window.session.cancel_button
    cancel.show()  # as while an update or the entity phase runs
    pressed: list[bool] = []
    cancel.clicked.connect(lambda: pressed.append(True))
    _shown(qtbot, window)
    assert QApplication.focusWidget() is window.search_field
    QTest.keyClicks(QApplication.focusWidget(), "economic growth")
    assert window.search_field.text() == "economic growth"
    assert not pressed
    window.close()


def test_the_last_search_is_selected_so_typing_starts_a_new_one(
    qtbot: QtBot, settings: Settings
) -> None:
    settings.set(S.last_search, SearchState(text="kazakhstan").dumps())
    window = MainWindow(settings)
    qtbot.addWidget(window)
    assert window.search_field.text() == "kazakhstan"
    _shown(qtbot, window)
    QTest.keyClicks(QApplication.focusWidget(), "vietnam")
    assert window.search_field.text() == "vietnam"
    window.close()
