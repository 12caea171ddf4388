"""Copies of one story are one row by default: its row says how many versions, the count
says how many copies are hidden, and View > Show Every Copy lists each."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.results_model import meta_line

from .conftest import wait_idle

STORY = (
    "The finance ministers of the region met in the capital on Tuesday to agree a common "
    "plan for roads, ports and power lines, and to share the cost of a new rail link "
    "between the two largest cities. Officials said the first contracts would be signed "
    "before the end of the year, and that private banks had offered loans for half of it."
)
ARTICLES = {
    "wire.txt": f"Ministers agree regional transport plan\n{STORY}\n",
    "copy.txt": f"Regional ministers back transport plan\n{STORY} A second meeting is due in May.\n",
    "other.txt": "Football club wins cup\nThe home side won the cup final 2-1 after extra time.\n",
}


def rows(window: MainWindow) -> list[str]:
    return [window.model.hit(r).id for r in range(window.model.rowCount())]  # type: ignore[union-attr]


def test_copies_of_a_story_are_one_row_until_every_copy_is_asked_for(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    window = make_window(write_archive(ARTICLES))
    qtbot.waitUntil(lambda: window.session.index_label.text().startswith("Index up to date"))
    wait_idle(qtbot, window)
    window.searcher.search_now()
    wait_idle(qtbot, window)
    listed = rows(window)
    assert len(listed) == 2 and "other.txt" in listed
    story = next(window.model.hit(r) for r in range(2) if window.model.hit(r).id != "other.txt")  # type: ignore[union-attr]
    assert story is not None and story.versions == 2 and "2 versions" in meta_line(story)
    assert window.count_label.text() == "2 of 3 articles · 1 copy hidden"
    window.set_show_copies(True)
    wait_idle(qtbot, window)
    assert sorted(rows(window)) == sorted(ARTICLES)
    assert window.count_label.text() == "3 articles"
    window.set_show_copies(False)
    wait_idle(qtbot, window)
    assert len(rows(window)) == 2


def test_show_every_copy_is_an_on_off_item_of_the_view_menu(window: MainWindow) -> None:
    view = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    item = next(a for a in view.actions() if a.text() == "Show Every &Copy")
    assert item.isCheckable() and not item.isChecked() and item.actionGroup() is None
    item.trigger()
    assert not window.searcher.collapse
    view.aboutToShow.emit()
    assert item.isChecked()
    item.trigger()
    assert window.searcher.collapse


def test_the_reader_lists_a_storys_versions_and_opens_another(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    from PySide6.QtCore import QUrl

    window = make_window(write_archive(ARTICLES))
    qtbot.waitUntil(lambda: window.session.index_label.text().startswith("Index up to date"))
    wait_idle(qtbot, window)
    window.select_article("wire.txt")
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == "wire.txt"
    )
    page = window.reader.browser.toPlainText()
    assert "Versions of this story (2)" in page and "(this one)" in page
    assert "copy.txt" in page
    other = [v.id for v in window.reader._versions].index("copy.txt")
    window.reader.browser.anchorClicked.emit(QUrl(f"version:{other}"))
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == "copy.txt"
    )
    window.select_article("other.txt")
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == "other.txt"
    )
    assert "Versions of this story" not in window.reader.browser.toPlainText()
    wait_idle(qtbot, window)
