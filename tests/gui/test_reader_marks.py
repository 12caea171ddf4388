"""The reader marks what the engine matched (phrases once), and search as you type
treats the word being typed as a prefix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui.help import query_syntax_html
from gui.main_window import MainWindow
from gui.reader import Reader
from gui.state import SearchState, as_you_type
from search import syntax
from tests.gui.conftest import ARTICLES, wait_idle

SEC = (
    "Regulator sues broker and his firm\n"
    "date 2025-03-04 The Securities and Exchange Commission sued a broker and his firm. "
    "The commission said securities and bonds were sold on an exchange and abroad, "
    "and the broker and the firm deny it.\n"
)


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_query(text)
    wait_idle(qtbot, window)


def type_text(qtbot: QtBot, window: MainWindow, text: str) -> None:
    window.search_field.setFocus()
    window.search_field.clear()
    qtbot.keyClicks(window.search_field, text)
    qtbot.waitUntil(lambda: window.model.request_id > 0, timeout=10_000)
    wait_idle(qtbot, window)


def only_hit_shown(qtbot: QtBot, window: MainWindow, text: str) -> Reader:
    """The reader once it shows the one article ``text`` finds."""
    search(qtbot, window, text)
    assert window.model.total == 1
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    wait_idle(qtbot, window)
    return window.reader


def test_a_phrase_is_one_hit_in_the_reader(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    window = make_window(write_archive({**ARTICLES, "sec.txt": SEC}))
    reader = only_hit_shown(qtbot, window, '"Securities and Exchange Commission"')
    assert reader.article is not None and reader.article.id == "sec.txt"
    assert reader.hit_count == 1
    assert reader.hit_label.text() == "Hit 1 of 1"
    # The list's snippet marks the phrase, not each "and".
    qtbot.waitUntil(lambda: bool(window.model.hits[0].snippet), timeout=10_000)
    hit = window.model.hits[0]
    assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == [
        "Securities and Exchange Commission"
    ]


def test_a_hit_in_the_title_alone_is_marked_there_and_said(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    titled = "Regulator sues broker\n\nThe commission said the broker sold securities abroad.\n"
    window = make_window(write_archive({**ARTICLES, "sec.txt": titled}))
    reader = only_hit_shown(qtbot, window, "regulator")
    assert reader.hit_count == 0
    assert reader.hit_label.text() == "Hits in the title only"
    heading = reader.html().split("</h2>", 1)[0]
    assert "background-color" in heading and "Regulator" in heading
    search(qtbot, window, "broker")  # in both: the body's hits are counted, as before
    assert reader.hit_label.text().startswith("Hit 1 of")


def test_the_reader_counts_each_phrase_occurrence(qtbot: QtBot, window: MainWindow) -> None:
    search(qtbot, window, '"political consultation"')
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    wait_idle(qtbot, window)
    body = window.reader.article.body  # type: ignore[union-attr]
    assert window.reader.hit_count == body.lower().count("political consultation") >= 1
    # A word only in a NOT clause is not marked.
    search(qtbot, window, "consultation NOT russia")
    search(qtbot, window, "hanoi NOT kenya")
    body = window.reader.article.body  # type: ignore[union-attr]
    assert window.reader.hit_count == body.count("Hanoi")


def test_the_word_being_typed_is_a_prefix(qtbot: QtBot, window: MainWindow) -> None:
    type_text(qtbot, window, "kazak")
    assert window.model.total == 2
    ids = {h.id for h in window.model.hits}
    assert ids == {"kz-trade.txt", "undated.txt"}
    # The reader marks what matched: every Kazakhstan.
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    wait_idle(qtbot, window)
    body = window.reader.article.body  # type: ignore[union-attr]
    assert window.reader.hit_count == body.count("Kazakhstan") >= 1
    # Enter searches exactly what is written.
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    assert window.model.total == 0


def test_a_finished_word_is_searched_as_today(qtbot: QtBot, window: MainWindow) -> None:
    type_text(qtbot, window, "kazak ")
    assert window.model.total == 0
    type_text(qtbot, window, "cooperate")  # stems still work for the word typed
    assert window.model.total == 4


def test_as_you_type_widens_only_a_plain_last_word() -> None:
    assert as_you_type("parliam") == "(parliam* OR parliam)"
    assert as_you_type("kazakh tra") == "kazakh (tra* OR tra)"
    assert as_you_type("title:summ") == "(title:summ* OR title:summ)"
    assert as_you_type("kaz") == "(kaz* OR kaz)"  # from MIN_PREFIX letters on
    for text in (
        "parliam ",
        "country:KZ",
        '"foreign min',
        '"foreign ministry"',
        "coop*",
        "minster~",
        "minster~2",
        "kenya OR",
        "trade NOT russ",
        "trade -russ",
        "date:[2025-01 to 2025-03",
        "k",
        "kazakh tr",
        "title:su",
    ):
        assert as_you_type(text) == text.strip(), text
    state = SearchState().typed("kazak")
    assert state.to_request().text == "(kazak* OR kazak)"
    assert state.with_text("kazak").to_request().text == "kazak"
    assert state == SearchState(text="kazak")  # history and saved searches ignore the flag


def test_the_f1_help_shows_the_syntax_table() -> None:
    page = query_syntax_html()
    for typed, finds in syntax.html_rows():
        assert typed in page and finds in page
    assert "<code>place:hanoi</code>" in page and "<code>source:vna</code>" in page
    assert "<code>date:[2025-01-01 to 2025-03-31]</code>" in page
