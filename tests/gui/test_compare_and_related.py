"""The reader's Compare links (a window with two versions side by side, what changed
marked, stepping through the changes) and its Related articles section (filled off the UI
thread, stale lists dropped, a click opens one). Issue #15."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from gui.compare import CompareDialog, _Pane
from gui.main_window import MainWindow
from gui.markup import diff_colours
from gui.theme import dark_palette, light_palette
from search.model import RelatedArticle

from .conftest import wait_idle
from .test_tints import MIN_CONTRAST, contrast

STORY = (
    "The finance ministers of the region met in the capital on Tuesday to agree a common "
    "plan for roads, ports and power lines, and to share the cost of a new rail link "
    "between the two largest cities. Officials said the first contracts would be signed "
    "before the end of the year, and that private banks had offered loans for half of it."
)
EDITED = STORY.replace("on Tuesday", "on Wednesday").replace("half of it", "half of it.")
FILLERS = [
    "Orchestra plays new symphony",
    "Farmers expect rice harvest",
    "Museum opens new wing",
    "Rain floods coastal town",
    "School term starts early",
    "Bakery wins bread prize",
    "Library extends opening hours",
    "Zoo welcomes panda cubs",
]
"""Local news: the common words are in most of the archive, as in a real one."""
ARTICLES = {
    "wire.txt": f"date 2025-03-04 Ministers agree regional transport plan\n{STORY}\n",
    "copy.txt": (
        f"date 2025-03-05 Regional ministers back transport plan\n{EDITED} "
        "A second meeting is due in May.\n"
    ),
    "rail.txt": (
        "Rail link contracts signed\nThe finance ministers signed the contracts for the rail "
        "link between the two largest cities, with loans from private banks.\n"
    ),
    **{
        f"local-{i}.txt": (
            f"{title}\nOfficials said they would report on the {title.lower()} to the town "
            "and the region.\n"
        )
        for i, title in enumerate(FILLERS)
    },
}


def shown(qtbot: QtBot, window: MainWindow, article_id: str) -> None:
    window.select_article(article_id)
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == article_id
    )
    wait_idle(qtbot, window)


@pytest.fixture
def stories(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> MainWindow:
    window = make_window(write_archive(ARTICLES))
    qtbot.waitUntil(lambda: window.session.index_label.text().startswith("Index up to date"))
    wait_idle(qtbot, window)
    return window


def open_compare(qtbot: QtBot, window: MainWindow, other: str) -> CompareDialog:
    reader = window.reader
    n = [v.id for v in reader.versions].index(other)
    reader.browser.anchorClicked.emit(QUrl(f"compare:{n}"))
    dialog = window.findChild(CompareDialog)
    assert isinstance(dialog, CompareDialog) and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.diff is not None)
    return dialog


def marked(pane: _Pane) -> str:
    """The text of the change a pane has stepped to."""
    selections = pane.browser.extraSelections()  # kept: its cursors live as long as it
    return selections[0].cursor.selectedText() if selections else ""


def test_compare_shows_both_versions_with_what_changed_and_steps_through_it(
    qtbot: QtBot, stories: MainWindow
) -> None:
    shown(qtbot, stories, "copy.txt")
    assert "Compare" in stories.reader.browser.toPlainText()
    dialog = open_compare(qtbot, stories, "wire.txt")
    # The older version on the left, whichever one was being read.
    assert dialog.left.version.id == "wire.txt" and dialog.right.version.id == "copy.txt"
    assert "Ministers agree regional transport plan" in dialog.left.header.text()
    assert "2025-03-04" in dialog.left.header.text() and "wire.txt" in dialog.left.header.text()
    assert "2025-03-05" in dialog.right.header.text()
    assert dialog.summary.text().startswith("<b>2 words removed, 9 added</b>")
    assert dialog.summary.text().count("line-through") == 1
    assert dialog.left.browser.toPlainText() == STORY
    removed = [STORY[a:b] for a, b in dialog.diff.spans("removed")]  # type: ignore[union-attr]
    assert removed == ["Tuesday", "it."]
    left_html = dialog.left.browser.toHtml()
    assert "line-through" in left_html and diff_colours("removed", False)[0] in left_html
    assert "underline" in dialog.right.browser.toHtml()
    assert dialog.position.text() == "2 changes"
    dialog.next_button.click()
    assert dialog.position.text() == "Change 1 of 2"
    assert marked(dialog.right) == "Wednesday" and marked(dialog.left) == "Tuesday"
    dialog.next_button.click()
    assert dialog.position.text() == "Change 2 of 2"
    assert marked(dialog.left) == "it."
    assert marked(dialog.right) == "it.. A second meeting is due in May."
    dialog.next_button.click()  # round to the first
    assert dialog.position.text() == "Change 1 of 2"
    dialog.previous_button.click()
    assert dialog.position.text() == "Change 2 of 2"
    dialog.close_button.click()
    qtbot.waitUntil(lambda: stories.findChild(CompareDialog) is None)
    wait_idle(qtbot, stories)


def test_a_comparison_landing_after_its_window_closed_is_dropped(
    qtbot: QtBot, stories: MainWindow
) -> None:
    shown(qtbot, stories, "wire.txt")
    reader = stories.reader
    n = [v.id for v in reader.versions].index("copy.txt")
    reader.browser.anchorClicked.emit(QUrl(f"compare:{n}"))
    dialog = stories.findChild(CompareDialog)
    assert isinstance(dialog, CompareDialog)
    dialog.close_button.click()  # before the worker answers
    assert not dialog.showing
    wait_idle(qtbot, stories)
    qtbot.waitUntil(lambda: stories.findChild(CompareDialog) is None)


@pytest.mark.parametrize("dark", [False, True])
def test_the_marks_are_readable_in_both_palettes(dark: bool) -> None:
    palette = dark_palette() if dark else light_palette()
    from PySide6.QtGui import QPalette

    base = palette.color(QPalette.ColorRole.Base).name()
    for kind in ("removed", "added"):
        bg, fg = diff_colours(kind, dark)
        assert contrast(bg, fg) >= MIN_CONTRAST, (kind, bg, fg)
        assert contrast(bg, base) > 1.2, (kind, bg, base)  # the mark shows on the page
    assert diff_colours("removed", dark) != diff_colours("added", dark)


def test_related_articles_fill_in_under_the_reader_and_open_with_a_click(
    qtbot: QtBot, stories: MainWindow
) -> None:
    shown(qtbot, stories, "wire.txt")
    reader = stories.reader
    related = reader.related
    assert related is not None
    assert [r.id for r in related] == ["rail.txt"]  # its own copy left out
    page = reader.browser.toPlainText()
    assert "Related articles" in page and "Rail link contracts signed" in page
    assert "shares the words" in page and "Looking for related" not in page
    reader.browser.anchorClicked.emit(QUrl("related:0"))
    qtbot.waitUntil(lambda: reader.article is not None and reader.article.id == "rail.txt")
    wait_idle(qtbot, stories)
    # The story once, by its representative (the earlier version), not its copy.
    assert [r.id for r in reader.related or []] == ["wire.txt"]


def test_a_related_list_for_an_article_no_longer_shown_is_dropped(
    qtbot: QtBot, stories: MainWindow
) -> None:
    shown(qtbot, stories, "local-0.txt")
    reader = stories.reader
    stale = [RelatedArticle("rail.txt", "Rail link contracts signed", None, None, 0.5, ())]
    reader.set_related("wire.txt", stale)  # a late answer for an article left behind
    assert reader.article is not None and reader.article.id == "local-0.txt"
    assert "Rail link contracts signed" not in reader.browser.toPlainText()
    assert reader.related == []
    assert "No related articles found." in reader.browser.toPlainText()


def test_a_reader_not_offering_comparisons_lists_versions_without_compare_links(
    qtbot: QtBot, stories: MainWindow
) -> None:
    """A shared archive's article (the window passes ``comparable=False``): its versions are
    listed, but there is nothing to compare them with."""
    shown(qtbot, stories, "copy.txt")
    reader = stories.reader
    assert reader.article is not None
    reader.show_article(reader.article, versions=reader.versions, comparable=False)
    page = reader.browser.toPlainText()
    assert "Versions of this story (2)" in page and "Compare" not in page
    reader.browser.anchorClicked.emit(QUrl("compare:0"))
    reader.browser.anchorClicked.emit(QUrl("compare:1"))
    assert stories.findChild(CompareDialog) is None
