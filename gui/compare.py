"""Two versions of a story side by side, what changed marked (issue #15).

The older version (or the one being read) on the left with the words the other removed
struck through on vermillion, the other on the right with the words it added underlined
on blue; a summary line, next/previous change (both panes step together) and Close. The
comparison (`Archive.compare`) runs on the read lane; a result landing after the window
closed is dropped. Not modal: the reader stays usable beside it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from gui import errors
from gui.markup import current_colour, diff_html, diff_style
from gui.reader import ArticleBrowser
from gui.theme import is_dark
from gui.widgets import ResultDialog
from gui.workers import TaskManager
from search.api import Archive, printable
from search.model import Version, VersionDiff


def version_header(version: Version) -> str:
    """The title, date, source and file over a pane, as escaped rich text."""
    facts = " · ".join(
        x
        for x in (
            version.date.isoformat() if version.date else "Undated",
            version.source or "",
            printable(version.id),
        )
        if x
    )
    return (
        f"<b>{html.escape(version.title or '(untitled)')}</b><br/>"
        f"<small>{html.escape(facts)}</small>"
    )


def summary_html(diff: VersionDiff, dark: bool) -> str:
    """``12 words removed, 30 added`` and a key to the marks, as rich text."""
    if diff.identical:
        return html.escape(diff.summary())
    keys = []
    for kind, where in (("removed", "left"), ("added", "right")):
        keys.append(f'<span style="{diff_style(kind, dark)}">&nbsp;{kind}&nbsp;</span> ({where})')
    return f"<b>{html.escape(diff.summary())}</b> &nbsp;&nbsp; " + " &nbsp; ".join(keys)


class _Pane(QWidget):
    """One version: its header over its text."""

    def __init__(self, version: Version, name: str, parent: QWidget) -> None:
        super().__init__(parent)
        self.version = version
        self.header = QLabel(version_header(version), self)
        self.header.setObjectName(f"{name}Header")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.header.setToolTip(version.path)
        self.browser = ArticleBrowser(self)
        self.browser.setObjectName(f"{name}Text")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.browser, 1)

    def show_marked(self, body: str, spans: list[tuple[int, int]], kind: str, dark: bool) -> None:
        self.browser.setHtml(diff_html(body, spans, kind, dark))

    def mark(self, start: int, end: int, dark: bool) -> None:
        """The change stepped to: outlined in the hit colour and scrolled a third down
        (an empty span, where the other pane's words would be, only scrolls)."""
        document = self.browser.document()
        base = self.browser.body_start()
        cursor = QTextCursor(document)
        cursor.setPosition(base + start)
        cursor.setPosition(base + end, QTextCursor.MoveMode.KeepAnchor)
        selections = []
        if end > start:
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            fmt = selection.format
            fmt.setBackground(QColor(current_colour(dark)))
            fmt.setForeground(QColor("#000000"))
            selection.format = fmt
            selections.append(selection)
        self.browser.setExtraSelections(selections)
        plain = QTextCursor(document)
        plain.setPosition(base + start)
        rect = self.browser.cursorRect(plain)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.browser.viewport().height() // 3)


class CompareDialog(ResultDialog):
    """What changed between two versions of a story."""

    def __init__(
        self, window: QWidget, tasks: TaskManager, archive: Archive, left: Version, right: Version
    ) -> None:
        super().__init__(window, "compareDialog", "Compare Versions", (1100, 700))
        self.diff: VersionDiff | None = None
        self.current = -1
        """The change stepped to (-1: none yet)."""
        self._changes: list[tuple[int, int, int, int]] = []
        self.summary = QLabel("Comparing…", self)
        self.summary.setObjectName("compareSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.left = _Pane(left, "left", self)
        self.right = _Pane(right, "right", self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.left)
        split.addWidget(self.right)
        split.setChildrenCollapsible(False)
        self.previous_button = QPushButton("◀ &Previous Change", self)
        self.next_button = QPushButton("&Next Change ▶", self)
        self.previous_button.setToolTip("Previous change (Shift+F3)")
        self.next_button.setToolTip("Next change (F3)")
        self.previous_button.setShortcut("Shift+F3")
        self.next_button.setShortcut("F3")
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.position = QLabel("", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setText("&Close")  # Alt+C, as the change buttons have theirs
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.position)
        row.addStretch(1)
        row.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(split, 1)
        layout.addLayout(row)
        self._update_buttons()

        def done(diff: VersionDiff) -> None:
            if self.showing:
                self.show_diff(diff)

        def failed(exc: BaseException) -> None:
            if self.showing:
                self.summary.setText(errors.message_for(exc))

        tasks.run(
            lambda: archive.compare(left.id, right.id),
            name="compare versions",
            on_done=done,
            on_error=failed,
        )

    @property
    def dark(self) -> bool:
        return is_dark(self.palette())

    def show_diff(self, diff: VersionDiff) -> None:
        self.diff = diff
        self._changes = diff.changes()
        self.current = -1
        self._render()
        self._update_buttons()

    def _render(self) -> None:
        if self.diff is None:
            return
        dark = self.dark
        self.summary.setText(summary_html(self.diff, dark))
        self.left.show_marked(self.diff.a_body, self.diff.spans("removed"), "removed", dark)
        self.right.show_marked(self.diff.b_body, self.diff.spans("added"), "added", dark)
        if 0 <= self.current < len(self._changes):
            self._go_to(self.current)

    def step(self, by: int) -> None:
        """To the next (``by`` = 1) or previous change, round at either end."""
        if not self._changes:
            return
        start = self.current if self.current >= 0 else (-1 if by > 0 else 0)
        self._go_to((start + by) % len(self._changes))

    def _go_to(self, n: int) -> None:
        self.current = n
        a_start, a_end, b_start, b_end = self._changes[n]
        dark = self.dark
        self.left.mark(a_start, a_end, dark)
        self.right.mark(b_start, b_end, dark)
        self._update_buttons()

    def _update_buttons(self) -> None:
        count = len(self._changes)
        for button in (self.previous_button, self.next_button):
            button.setEnabled(count > 0)
        if not count:
            self.position.setText("")
        elif self.current < 0:
            self.position.setText(f"{count} change" + ("" if count == 1 else "s"))
        else:
            self.position.setText(f"Change {self.current + 1} of {count}")

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._render()
