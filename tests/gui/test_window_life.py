"""The window over time: dialogs that come and go, the reader after each search, and
what follows (or must not follow) from one archive into the next (issue #14)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.state import SearchState
from search.model import Sort

from .conftest import wait_idle


def apply(qtbot: QtBot, window: MainWindow, state: SearchState) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(state)
    wait_idle(qtbot, window)


def show(qtbot: QtBot, window: MainWindow, article_id: str) -> None:
    row = window.model.row_of(article_id)
    assert row >= 0, article_id
    window.list_view.setCurrentIndex(window.model.index(row, 0))
    qtbot.waitUntil(lambda: reading(window) == article_id, timeout=10_000)
    wait_idle(qtbot, window)


def reading(window: MainWindow) -> str | None:
    return window.reader.article.id if window.reader.article else None


def selected(window: MainWindow) -> str | None:
    hit = window.model.hit(window.list_view.currentIndex().row())
    return hit.id if hit else None


def visible_sheets(window: MainWindow, name: str) -> list[QWidget]:
    """The window's open dialogs named (object name) or titled ``name``."""
    return [d for d in window.dialogs() if name in (d.objectName(), d.windowTitle())]


def close_with_escape(qtbot: QtBot, dialog: QWidget) -> None:
    """Escape in the sheet, as a user closes it; then let its deferred deletion run."""
    dialog.activateWindow()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    QApplication.sendPostedEvents(None, 0)  # DeferredDelete and the rest
    QApplication.processEvents()


# -- dialogs ---------------------------------------------------------------------------------
def test_the_search_syntax_sheet_opens_again_after_it_was_closed(
    qtbot: QtBot, window: MainWindow
) -> None:
    for _ in range(3):
        window.show_query_help()
        [sheet] = visible_sheets(window, "Search Syntax")
        close_with_escape(qtbot, sheet)
        assert visible_sheets(window, "Search Syntax") == []


def test_a_help_sheet_asked_for_twice_is_shown_once(window: MainWindow) -> None:
    window.show_query_help()
    window.show_query_help()
    window.show_shortcuts()
    window.show_shortcuts()
    assert len(visible_sheets(window, "Search Syntax")) == 1
    assert len(visible_sheets(window, "shortcutsDialog")) == 1


def test_every_kind_of_dialog_can_be_closed_and_shown_again(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    root = write_archive()
    (root / "broken.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary junk \x00" * 50)
    window = make_window(root)
    missing = root.parent / "no-such-folder" / "hits.csv"

    def fail_a_task() -> None:
        window.tasks.run(lambda: 1 / 0, name="a task without its own error callback")

    shows: list[tuple[str, Callable[[], None]]] = [
        ("Search Syntax", window.show_query_help),
        ("shortcutsDialog", window.show_shortcuts),
        ("aboutDialog", window.show_about),
        ("skippedDialog", window.session.show_skipped),
        ("Search failed", lambda: window._on_search_failed(OSError(5, "Input/output error"))),
        ("Export failed", lambda: window.exporter.export_to(missing)),
        ("a task without its own error callback", fail_a_task),
    ]
    for attempt in range(2):
        for name, show_it in shows:
            show_it()
            qtbot.waitUntil(lambda name=name: bool(visible_sheets(window, name)), timeout=10_000)
            [dialog] = visible_sheets(window, name)
            if isinstance(dialog, QMessageBox):
                dialog.button(QMessageBox.StandardButton.Ok).click()
            elif attempt == 0:
                close_with_escape(qtbot, dialog)
            else:  # its Close button
                buttons = dialog.findChild(QDialogButtonBox)
                assert buttons is not None
                buttons.button(QDialogButtonBox.StandardButton.Close).click()
            QApplication.sendPostedEvents(None, 0)
            assert visible_sheets(window, name) == [], name
    # Closed dialogs are gone, not hidden and kept: nothing piles up under the window.
    assert [d for d in window.findChildren(QDialog) if not d.isVisible()] == []


def test_quitting_after_a_sheet_was_closed_closes_cleanly(qtbot: QtBot, window: MainWindow) -> None:
    window.show_query_help()
    [sheet] = visible_sheets(window, "Search Syntax")
    close_with_escape(qtbot, sheet)
    window.show_shortcuts()  # one still open when the window closes
    with qtbot.captureExceptions() as raised:
        assert window.close()
    assert raised == []
    assert window.dialogs() == []
    assert not window.tasks.busy


# -- the reader follows each applied search -----------------------------------------------
def test_a_new_query_shows_its_first_hit_in_the_reader(qtbot: QtBot, window: MainWindow) -> None:
    show(qtbot, window, "ru-talks.txt")
    apply(qtbot, window, window.state.with_text("Kenya"))
    assert window.model.total == 1
    assert reading(window) == selected(window) == "ke-envoy.txt"
    assert not window.reader.hit_label.text().startswith("No hits")


def test_a_filter_that_drops_the_article_being_read_shows_the_first_hit(
    qtbot: QtBot, window: MainWindow
) -> None:
    show(qtbot, window, "kz-trade.txt")
    apply(qtbot, window, window.state.toggled("countries", "RU", True))
    first = window.model.hit(0)
    assert first is not None and first.id != "kz-trade.txt"
    assert reading(window) == selected(window) == first.id


def test_the_article_being_read_stays_when_it_is_still_a_hit(
    qtbot: QtBot, window: MainWindow
) -> None:
    show(qtbot, window, "ru-talks.txt")
    apply(qtbot, window, window.state.with_text("Vietnam"))
    assert window.model.hit(0) is not None and window.model.hit(0).id != "ru-talks.txt"  # type: ignore[union-attr]
    assert reading(window) == selected(window) == "ru-talks.txt"


def test_a_search_without_hits_empties_the_reader(qtbot: QtBot, window: MainWindow) -> None:
    show(qtbot, window, "ru-talks.txt")
    apply(qtbot, window, window.state.with_text("zanzibar"))
    assert window.model.total == 0
    assert reading(window) is None
    assert "No articles match" in window.reader.browser.toPlainText()
    assert selected(window) is None
    # ...and the next search with hits shows its first one again.
    apply(qtbot, window, window.state.with_text("Kenya"))
    assert reading(window) == selected(window) == "ke-envoy.txt"


# -- another archive starts afresh -------------------------------------------------------
KAZAKHSTAN = SearchState(
    text="Kazakhstan",
    countries=("KZ",),
    date_from=date(2025, 1, 1),
    date_to=date(2025, 6, 30),
    sort=Sort.NEWEST,
)


def open_archive(qtbot: QtBot, window: MainWindow, root: Path) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=15_000):
        window.session.open(root, show_report=True)
    wait_idle(qtbot, window)


@pytest.fixture
def other_archive(write_archive: Callable[..., Path]) -> Path:
    return write_archive(
        {
            "a.txt": "Kazakhstan grain\ndate 2025-02-01 Kazakhstan sold grain.\n",
            "b.txt": "Harbour news\ndate 2024-05-01 A new harbour opened.\n",
            "c.txt": "Tea prices\nTea prices rose.\n",
        },
        name="other",
    )


def test_opening_another_archive_starts_with_an_empty_query_and_no_filters(
    qtbot: QtBot, window: MainWindow, other_archive: Path
) -> None:
    apply(qtbot, window, KAZAKHSTAN)
    open_archive(qtbot, window, other_archive)
    assert window.state == SearchState(sort=Sort.NEWEST)  # the order of the list is a preference
    assert window.search_field.text() == ""
    assert window.state.filter_labels() == []
    assert window.model.total == 3
    assert window.count_label.text() == "3 articles"
    # Its first article is read, not one of the other archive.
    assert reading(window) == selected(window) == window.model.hit(0).id  # type: ignore[union-attr]


def test_a_saved_search_comes_back_only_with_its_own_archive(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    archive_dir: Path,
    other_archive: Path,
) -> None:
    first = make_window(archive_dir)
    apply(qtbot, first, KAZAKHSTAN)
    first.close()
    # A restart on the same archive restores its search...
    again = make_window(archive_dir)
    assert again.state == KAZAKHSTAN
    assert again.model.total == 2  # kz-trade and the undated one
    again.close()
    # ...a start on another archive does not.
    other = make_window(other_archive)
    assert other.state == SearchState(sort=Sort.NEWEST)
    assert other.model.total == 3


def test_reopening_the_same_archive_keeps_the_search(qtbot: QtBot, window: MainWindow) -> None:
    apply(qtbot, window, KAZAKHSTAN)
    assert window.archive is not None
    open_archive(qtbot, window, window.archive.root)
    assert window.state == KAZAKHSTAN
