"""Correcting entities from the reader: the right-click menu's actions change the facets
and the article at once; rename and merge ask in a dialog; undo and redo."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence

import pytest
from PySide6.QtCore import QPoint, QUrl
from PySide6.QtWidgets import QInputDialog, QMenu
from pytestqt.qtbot import QtBot

from gui.corrections import Target
from gui.main_window import MainWindow
from search.model import Entity

from .conftest import wait_idle

NAMES = {"Motors": "PERSON", "Pham Minh Chinh": "PERSON", "Pham Min Chinh": "PERSON"}
ARTICLES = {
    "a.txt": "Motors and Pham Minh Chinh\nMotors rose as Pham Minh Chinh spoke in Hanoi.\n",
    "b.txt": "Second report\nPham Min Chinh spoke again in Hanoi.\n",
}


def recognise(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    return [
        sorted(
            (
                Entity(kind, name, m.start(), m.end(), name)  # type: ignore[arg-type]
                for name, kind in NAMES.items()
                for m in re.finditer(rf"\b{name}\b", body)
            ),
            key=lambda e: e.start,
        )
        for body in bodies
    ]


@pytest.fixture
def window(recognised_window: Callable[..., MainWindow], qtbot: QtBot) -> MainWindow:
    shown = recognised_window(ARTICLES, recognise)
    shown.select_article("a.txt")
    qtbot.waitUntil(lambda: shown.reader.article is not None and shown.reader.article.id == "a.txt")
    wait_idle(qtbot, shown)
    return shown


def people(window: MainWindow) -> set[str]:
    return {item.key for item in window.sidebar.people.model.items()}


def act(window: MainWindow, target: Target, *path: str) -> None:
    menu = QMenu(window)
    window.corrections.add_actions(menu, target)
    for text in path[:-1]:
        menu = next(a.menu() for a in menu.actions() if a.text().startswith(text))
    action = next(a for a in menu.actions() if a.text().startswith(path[-1]))
    action.trigger()


def mention(window: MainWindow, name: str) -> Target:
    article = window.reader.article
    assert article is not None
    entity = next(e for e in article.entities if e.norm == name)
    return Target(article, entity, here=True)


def test_rejecting_a_false_person_removes_it_from_the_facet_and_the_text(
    qtbot: QtBot, window: MainWindow
) -> None:
    assert "Motors" in people(window)
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        act(window, mention(window, "Motors"), "Not an Entity Anywhere")
    wait_idle(qtbot, window)
    assert "Motors" not in people(window)
    assert window.reader.article is not None
    assert "Motors" not in {e.norm for e in window.reader.article.entities}
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        window.corrections.undo()
    wait_idle(qtbot, window)
    assert "Motors" in people(window)
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        window.corrections.redo()
    wait_idle(qtbot, window)
    assert "Motors" not in people(window)


def test_merging_asks_for_the_other_entity(qtbot: QtBot, window: MainWindow) -> None:
    act(window, mention(window, "Pham Minh Chinh"), "Merge")
    dialog = next(d for d in window.dialogs() if d.objectName() == "mergeEntityDialog")
    assert isinstance(dialog, QInputDialog)
    assert "Pham Min Chinh" in dialog.comboBoxItems()
    dialog.setTextValue("Pham Min Chinh")
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        dialog.accept()
    wait_idle(qtbot, window)
    assert "Pham Minh Chinh" not in people(window) and "Pham Min Chinh" in people(window)


def test_selected_text_can_be_marked_as_an_organisation(qtbot: QtBot, window: MainWindow) -> None:
    article = window.reader.article
    assert article is not None
    start = article.body.index("Hanoi")
    window.reader.select_body_text(start, start + 5)
    target = window.reader.target_at(QPoint(1, 1))
    assert target is not None and target.selection == (start, start + 5)
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        act(window, target, "Mark", "Organisation")
    wait_idle(qtbot, window)
    assert {i.key for i in window.sidebar.orgs.model.items()} == {"Hanoi"}


def test_an_entity_page_opens_from_the_menu_and_back_returns(
    qtbot: QtBot, window: MainWindow
) -> None:
    act(window, mention(window, "Pham Minh Chinh"), "Open Entity Page")
    qtbot.waitUntil(lambda: window.reader.page is not None, timeout=10_000)
    page = window.reader.page
    assert page is not None and (page.name, page.articles) == ("Pham Minh Chinh", 1)
    assert "Person: Pham Minh Chinh" in window.reader.browser.toPlainText()
    assert "Motors rose as Pham Minh Chinh spoke in Hanoi." in window.reader.browser.toPlainText()
    # A co-mentioned person's link opens their page; back comes to this one, then the article.
    window.reader._on_anchor(QUrl("goto:0"))
    qtbot.waitUntil(
        lambda: window.reader.page is not None and window.reader.page.name == "Motors",
        timeout=10_000,
    )
    window.go_back()
    qtbot.waitUntil(
        lambda: window.reader.page is not None and window.reader.page.name == "Pham Minh Chinh",
        timeout=10_000,
    )
    window.go_back()
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    assert window.reader.article is not None and window.reader.article.id == "a.txt"
    wait_idle(qtbot, window)


def test_an_article_link_on_a_page_opens_it(qtbot: QtBot, window: MainWindow) -> None:
    window.open_entity_page("PERSON", "Pham Min Chinh")
    qtbot.waitUntil(lambda: window.reader.page is not None, timeout=10_000)
    window.reader._on_anchor(QUrl("open:0"))
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == "b.txt",
        timeout=10_000,
    )
    wait_idle(qtbot, window)


def test_the_menu_key_corrects_the_mention_f4_went_to(qtbot: QtBot, window: MainWindow) -> None:
    article = window.reader.article
    assert article is not None
    window.reader.select_entity(next(e for e in article.entities if e.norm == "Motors"))
    window.reader.next_mention()
    target = window.reader.target_at(QPoint(1, 1))  # nowhere near a name
    assert target is not None and target.entity is not None and target.here
    assert target.entity.norm == "Motors"


def test_the_sidebar_opens_an_entity_page(qtbot: QtBot, window: MainWindow) -> None:
    window.sidebar.page_requested.emit("PERSON", "Motors")
    qtbot.waitUntil(
        lambda: window.reader.page is not None and window.reader.page.name == "Motors",
        timeout=10_000,
    )
    wait_idle(qtbot, window)


def test_a_short_name_counted_as_a_full_name_can_be_kept_apart(
    recognised_window: Callable[..., MainWindow], qtbot: QtBot
) -> None:
    def blair(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
        out = []
        for body in bodies:
            full = "Tony Blair" in body
            found = [
                Entity("PERSON", m.group(), m.start(), m.end(), "Tony Blair" if full else "Blair")
                for m in re.finditer(r"\b(?:Tony )?Blair\b", body)
            ]
            out.append(found)
        return out

    articles = {
        "full.txt": "Full report\nTony Blair spoke. Later Blair left.\n",
        "short.txt": "Short report\nBlair returned on Monday.\n",
    }
    shown = recognised_window(articles, blair)
    shown.select_article("short.txt")
    qtbot.waitUntil(
        lambda: shown.reader.article is not None and shown.reader.article.id == "short.txt"
    )
    wait_idle(qtbot, shown)
    assert "Blair" not in people(shown) and "Tony Blair" in people(shown)
    with qtbot.waitSignal(shown.corrections.applied, timeout=10_000):
        act(shown, mention(shown, "Tony Blair"), "Keep “Blair” Apart From “Tony Blair”")
    wait_idle(qtbot, shown)
    assert {"Blair", "Tony Blair"} <= people(shown)
    menu = QMenu(shown)
    shown.corrections.add_actions(menu, mention(shown, "Blair"))
    assert not any(a.text().startswith("Keep") for a in menu.actions())


def test_the_sidebar_menu_of_a_person_corrects_it(qtbot: QtBot, window: MainWindow) -> None:
    menu = QMenu(window)
    window.sidebar.entity_menu.emit(menu, "PERSON", "Motors")
    texts = [a.text() for a in menu.actions()]
    assert any(t.startswith("Rename") for t in texts) and any(t.startswith("Merge") for t in texts)
    action = next(a for a in menu.actions() if a.text().startswith("Not an Entity Anywhere"))
    with qtbot.waitSignal(window.corrections.applied, timeout=10_000):
        action.trigger()
    wait_idle(qtbot, window)
    assert "Motors" not in people(window)
