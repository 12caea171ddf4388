"""History keeps the searches the user acted on (opened an article, exported, saved),
never each prefix typed on the way to one."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow

from .conftest import wait_idle


def type_text(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type ``text`` at the end of the search field and wait for its search."""
    window.search_field.setFocus()
    window.search_field.end(False)
    qtbot.keyClicks(window.search_field, text)
    wait_idle(qtbot, window)


def texts(window: MainWindow) -> list[str]:
    return [state.text for state in window.history.entries()]


def open_other_row(qtbot: QtBot, window: MainWindow) -> None:
    """Select a row other than the current one, as a click would, and wait until the
    reader shows it."""
    row = 1 if window.list_view.currentIndex().row() == 0 else 0
    hit = window.model.hit(row)
    assert hit is not None
    window.list_view.setCurrentIndex(window.model.index(row, 0))
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == hit.id,
        timeout=10_000,
    )
    wait_idle(qtbot, window)


def test_typing_on_then_opening_an_article_keeps_only_the_finished_search(
    qtbot: QtBot, window: MainWindow
) -> None:
    type_text(qtbot, window, "kaz")
    assert window.model.total == 2  # the prefix searched, and its first hit is shown
    type_text(qtbot, window, "akhstan")
    assert texts(window) == []  # shown, not acted on: nothing yet
    open_other_row(qtbot, window)
    assert texts(window) == ["kazakhstan"]
    open_other_row(qtbot, window)  # another article of the same search: still one entry
    assert texts(window) == ["kazakhstan"]


def test_exporting_records_the_search(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    type_text(qtbot, window, "vietnam")
    with qtbot.waitSignal(window.exporter.exported, timeout=10_000):
        window.exporter.export_to(tmp_path / "out.csv")
    wait_idle(qtbot, window)
    assert texts(window) == ["vietnam"]


def test_saving_records_the_search(qtbot: QtBot, window: MainWindow) -> None:
    type_text(qtbot, window, "hanoi")
    window.save_search("Hanoi")
    assert texts(window) == ["hanoi"]


def test_a_search_typed_and_abandoned_is_not_recorded(qtbot: QtBot, window: MainWindow) -> None:
    type_text(qtbot, window, "kenya")
    # Narrowed with a filter, then dropped: nothing was opened from it.
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.toggle_filter("countries", "KE", True)
    wait_idle(qtbot, window)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    wait_idle(qtbot, window)
    window.clear_filters()
    wait_idle(qtbot, window)
    assert texts(window) == []
