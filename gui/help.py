"""Help texts and sheets: query syntax, keyboard shortcuts, about."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

QUERY_EXAMPLES: list[tuple[str, str]] = [
    ("kazakhstan trade", "both words (AND is the default)"),
    ("trade OR investment", "either word"),
    ("vietnam NOT russia", "leave out articles with a word"),
    ('"political consultation"', "the exact phrase"),
    ("coop*", "words starting with coop (cooperation, cooperate…)"),
    ("minster~", "fuzzy: words spelled about like this"),
    ("title:Kazakhstan", "the word in the title"),
    ("country:KZ", "articles about a country (ISO code)"),
    ('person:"Le Thi Thu Hang"', "articles mentioning a person"),
    ("org:KazISS", "articles mentioning an organisation"),
    ("date:[20250101 to 20250331]", "published in a date range"),
]

NAVIGATION_KEYS: list[tuple[str, str]] = [
    ("Up / Down, Page Up / Page Down",
     "Move through the article list (also from the search field)"),
    ("Home / End", "First / last article (Ctrl+Home / Ctrl+End from the search field)"),
    ("Enter (in the list)", "Read the article: move focus to the reader"),
    ("Escape (in the search field)", "Clear the search"),
    ("Ctrl+C (in the reader)", "Copy the selected text"),
    ("Click an entity", "Filter by it (Alt+click a country to exclude it)"),
]


def query_syntax_html() -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(q)}</code></td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
        for q, what in QUERY_EXAMPLES
    )
    return (
        "<b>Search syntax</b> — accents and case do not matter; "
        "words match their other forms (talk, talks).<br/>"
        f"<table cellspacing='2'>{rows}</table>"
    )


def shortcut_rows(actions: list[QAction]) -> list[tuple[str, str]]:
    """(keys, what) for every action that has a shortcut, in menu order."""
    out = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            out.append((" or ".join(keys), action.text().replace("&", "").rstrip(".…")))
    return out


def shortcuts_html(actions: list[QAction]) -> str:
    rows = shortcut_rows(actions) + NAVIGATION_KEYS
    body = "".join(
        f"<tr><td><b>{html.escape(keys)}</b></td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
        for keys, what in rows
    )
    return f"<table cellspacing='3'>{body}</table>"


class TextSheet(QDialog):
    """A small non-modal window showing a fixed HTML text (ours, never article text)."""

    def __init__(self, title: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view = QTextBrowser(self)
        view.setOpenLinks(False)
        view.setHtml(text)
        view.setMinimumSize(520, 380)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)


def about_text(version: str, log_file: str) -> str:
    return (
        f"<h3>Archive Browser {html.escape(version)}</h3>"
        "<p>Search and read a folder of plain-text news articles, offline.</p>"
        f"<p>Log file:<br/><code>{html.escape(log_file)}</code></p>"
    )
