"""Clearing all filters empties the sidebar's search boxes; a hover hint in the status
bar does not outlive its hover."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
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


def _entity_link_point(window: MainWindow) -> QPoint:
    """Where the first entity link of the article being read is, in the reader's viewport."""
    browser = window.reader.browser
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().anchorHref().startswith("entity:"):
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position() + 1)
                return browser.cursorRect(cursor).center()
            it += 1
        block = block.next()
    raise AssertionError("no entity link in the article")


def test_a_hover_hint_goes_when_the_mouse_leaves_the_reader(
    qtbot: QtBot, window: MainWindow
) -> None:
    viewport = window.reader.browser.viewport()
    qtbot.mouseMove(viewport, QPoint(2, 2))
    qtbot.mouseMove(viewport, _entity_link_point(window))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Country: "))
    # Straight from the link out of the reader: Qt sends no "unhovered" for the link.
    qtbot.mouseMove(window.search_field, QPoint(5, 5))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "", timeout=2000)
    # A message shown since the hover is not the hint's to clear.
    qtbot.mouseMove(viewport, QPoint(2, 2))
    qtbot.mouseMove(viewport, _entity_link_point(window))
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Country: "))
    window.statusBar().showMessage("Copied a path")
    qtbot.mouseMove(window.search_field, QPoint(5, 5))
    qtbot.wait(50)
    assert window.statusBar().currentMessage() == "Copied a path"
