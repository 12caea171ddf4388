"""Clearing all filters empties the sidebar's search boxes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow

from .conftest import wait_idle


def test_clear_all_filters_empties_the_sidebar_search_boxes(
    qtbot: QtBot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.toggle_filter("countries", "VN", True)
    wait_idle(qtbot, window)
    sidebar = window.sidebar
    for facets in (sidebar.countries, sidebar.people, sidebar.orgs):
        facets.search.setText("kaz")
    assert sidebar.clear_button.isEnabled()
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.mouseClick(sidebar.clear_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    assert window.state.countries == ()
    assert [f.search.text() for f in (sidebar.countries, sidebar.people, sidebar.orgs)] == [
        "",
        "",
        "",
    ]
    assert sidebar.countries.proxy.rowCount() == sidebar.countries.model.rowCount()
