"""F4 / Shift+F4 follow the selected entity across the result list: past its last mention
in the article, the next listed article that names it opens at its first mention; back
from the first, the previous one at its last; with none left, the article's own mentions
wrap and the status bar says so."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence

import pytest
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from search.model import Entity

from .conftest import wait_idle

ARTICLES = {
    "a.txt": "First report\nPham Minh Chinh spoke. Later Pham Minh Chinh left.\n",
    "b.txt": "Second report\nNobody of note was there.\n",
    "c.txt": "Third report\nThe talks ended and Pham Minh Chinh smiled.\n",
}


def recognise(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    return [
        [
            Entity("PERSON", m.group(), m.start(), m.end(), m.group())
            for m in re.finditer(r"Pham Minh Chinh", body)
        ]
        for body in bodies
    ]


@pytest.fixture
def window(recognised_window: Callable[..., MainWindow]) -> MainWindow:
    return recognised_window(ARTICLES, recognise)


def showing(window: MainWindow, article_id: str) -> bool:
    return window.reader.article is not None and window.reader.article.id == article_id


def test_f4_past_the_last_mention_opens_the_next_article_that_names_it(
    qtbot: QtBot, window: MainWindow
) -> None:
    ids = [window.model.hit(r).id for r in range(window.model.rowCount())]  # type: ignore[union-attr]
    first, last = min(("a.txt", "c.txt"), key=ids.index), max(("a.txt", "c.txt"), key=ids.index)
    window.select_article(first)
    qtbot.waitUntil(lambda: showing(window, first))
    reader = window.reader
    assert reader.article is not None
    reader.select_entity(next(e for e in reader.article.entities if e.type == "PERSON"))
    for _ in range(reader.article.body.count("Pham Minh Chinh") - 1):
        reader.next_mention()
    reader.next_mention()  # past the last one here: the other article that names him
    qtbot.waitUntil(lambda: showing(window, last), timeout=10_000)
    qtbot.waitUntil(lambda: reader.selected_entity == ("PERSON", "Pham Minh Chinh"))
    assert reader.current_mention == 0
    reader.previous_mention()  # before its first: back to the first article, at its last
    qtbot.waitUntil(lambda: showing(window, first), timeout=10_000)
    qtbot.waitUntil(lambda: reader.selected_entity == ("PERSON", "Pham Minh Chinh"))
    assert reader.current_mention == len(reader.mentions) - 1
    reader.previous_mention()
    for _ in range(len(reader.mentions)):
        reader.previous_mention()
    wait_idle(qtbot, window)
    assert showing(window, first)  # nothing earlier names him: the mentions wrapped
    assert "No earlier article in the list names" in window.statusBar().currentMessage()
