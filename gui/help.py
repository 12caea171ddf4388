"""Help texts and sheets: query syntax, keyboard shortcuts, about."""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from search import syntax

NAVIGATION_KEYS: list[tuple[str, str]] = [
    (
        "Up / Down, Page Up / Page Down",
        "Move through the article list (also from the search field)",
    ),
    ("Home / End", "First / last article (Ctrl+Home / Ctrl+End from the search field)"),
    ("Enter (in the list)", "Read the article: move focus to the reader"),
    ("Escape (in the search field)", "Clear the search"),
    ("Ctrl+C (in the reader)", "Copy the selected text"),
    ("Click an entity", "Filter by it (Alt+click a country to exclude it)"),
    ("F3 / Shift+F3 (in Compare Versions)", "Next / previous change between the two versions"),
]


def two_columns(
    rows: Iterable[tuple[str, str]],
    key_tag: str = "",
    header: tuple[str, str] | None = None,
    spacing: int = 3,
) -> str:
    """An HTML table of (key, what) rows, escaped; ``key_tag`` (``b``, ``code``) wraps keys."""

    def cell(key: str) -> str:
        return f"<{key_tag}>{html.escape(key)}</{key_tag}>" if key_tag else html.escape(key)

    head = (
        f"<tr><th align='left'>{html.escape(header[0])}</th>"
        f"<th align='left'>&nbsp;&nbsp;{html.escape(header[1])}</th></tr>"
        if header
        else ""
    )
    body = "".join(
        f"<tr><td>{cell(key)}</td><td>&nbsp;&nbsp;{html.escape(what)}</td></tr>"
        for key, what in rows
    )
    return f"<table cellspacing='{spacing}'>{head}{body}</table>"


def query_syntax_html() -> str:
    """The query syntax from `search.syntax.ROWS`, the table README.md shows too."""
    head = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in syntax.HEADER)
    body = "".join(
        f"<tr><td>{typed}</td><td>&nbsp;&nbsp;{finds}</td></tr>"
        for typed, finds in syntax.html_rows()
    )
    return (
        "<b>Search syntax</b> — an empty search lists every article.<br/>"
        f"<table cellspacing='2'><tr>{head}</tr>{body}</table>"
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
    return two_columns(shortcut_rows(actions) + NAVIGATION_KEYS, "b")


class TextSheet(QDialog):
    """A small non-modal window showing a fixed HTML text (ours, never article text).

    It deletes itself when closed, so nothing may keep a Python reference to it
    (see ``show_sheet``): the wrapper of a deleted sheet raises on every use.
    """

    def __init__(self, title: str, text: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._view = QTextBrowser(self)
        self._view.setOpenLinks(False)
        self._view.setHtml(text)
        self._view.setMinimumSize(520, 380)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self._view)
        layout.addWidget(buttons)

    def set_text(self, text: str) -> None:
        self._view.setHtml(text)


def open_dialogs(parent: QWidget) -> list[QDialog]:
    """The dialogs of ``parent`` on screen, found through Qt (never kept in Python).

    Closed dialogs delete themselves; asking Qt each time is what keeps us from
    ever touching one that is gone.
    """
    return [d for d in parent.findChildren(QDialog) if d.isVisible()]


def show_sheet(parent: QWidget, name: str, title: str, text: str) -> TextSheet:
    """Show the sheet ``name`` of ``parent``: the one already open (brought to the
    front, its text renewed), else a new one. One sheet per kind; Qt owns it."""
    sheet = next(
        (d for d in open_dialogs(parent) if isinstance(d, TextSheet) and d.objectName() == name),
        None,
    )
    if sheet is None:
        sheet = TextSheet(title, text, parent)
        sheet.setObjectName(name)
        sheet.show()
    else:
        sheet.set_text(text)
        sheet.raise_()
        sheet.activateWindow()
    return sheet


def about_text(version: str, log_file: str, archive: str = "", index: str = "") -> str:
    """Version and the three places a user may need: archive, index and log file."""
    rows = [
        ("Archive folder", archive or "(none open)"),
        ("Index folder", index or "(none)"),
        ("Log file", log_file),
    ]
    places = "".join(
        f"<p>{html.escape(label)}:<br/><code>{html.escape(path)}</code></p>" for label, path in rows
    )
    return (
        f"<h3>Archive Browser {html.escape(version)}</h3>"
        "<p>Search and read a folder of plain-text news articles, offline.</p>" + places
    )
