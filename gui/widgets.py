"""Small widgets the panes share: section headings, the bar of active-filter chips, a
non-modal notice bar, menus of changing choices (recent archives, searches), and a line
edit that leaves the window's command keys to the commands."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStyle,
    QToolButton,
    QWidget,
)

_EDITING_KEYS = (
    QKeySequence.StandardKey.Copy,
    QKeySequence.StandardKey.Cut,
    QKeySequence.StandardKey.Paste,
    QKeySequence.StandardKey.Undo,
    QKeySequence.StandardKey.Redo,
    QKeySequence.StandardKey.SelectAll,
    QKeySequence.StandardKey.Delete,
)
"""Keys a line edit keeps even where a window command holds them too."""


class CommandKeysLineEdit(QLineEdit):
    """A line edit that leaves the window's command keys to the commands.

    On X11, Qt binds Ctrl+E in a line edit to "end of line" (emacs style), so with the
    focus in the search box, where it mostly is, File > Export Results (Ctrl+E) did
    nothing. A key that an enabled action of the window holds goes to the action; the
    standard editing keys stay with the text.
    """

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self._is_command(event)
        ):
            event.ignore()  # not overridden: the shortcut runs
            return True
        return super().event(event)

    def _is_command(self, event: QKeyEvent) -> bool:
        if any(event.matches(key) for key in _EDITING_KEYS):
            return False
        pressed = QKeySequence(event.keyCombination())
        return any(
            pressed in action.shortcuts()
            for action in self.window().findChildren(QAction)
            if action.isEnabled()
        )


def heading(text: str, parent: QWidget) -> QLabel:
    """A bold section title (styled as ``#sidebarHeading``)."""
    label = QLabel(text, parent)
    label.setObjectName("sidebarHeading")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class ChipBar(QWidget):
    """The active filters as removable chips above the list."""

    removed = Signal(str, str)
    """(kind, key) of the chip clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 0, 6, 0)
        self._layout.setSpacing(4)
        self.hide()

    def set_chips(self, chips: list[tuple[str, str, str]]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        for kind, key, label in chips:
            button = QToolButton(self)
            button.setObjectName("chip")
            button.setText(f"{label}  ✕")
            button.setToolTip(f"Remove the filter “{label}”")
            button.setAutoRaise(False)
            if kind.startswith("exclude_"):  # a negative filter: struck out
                font = button.font()
                font.setStrikeOut(True)
                button.setFont(font)
                button.setToolTip(f"Articles {label} only; click to remove this filter")
            button.clicked.connect(lambda _=False, k=kind, v=key: self.removed.emit(k, v))
            self._layout.addWidget(button)
        self._layout.addStretch(1)
        self.setVisible(bool(chips))


class NoticeBar(QFrame):
    """A framed line with a warning icon that tells about a state, without a dialog."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.setSpacing(8)
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel("", self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(icon)
        layout.addWidget(self.label, 1)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def show_text(self, text: str) -> None:
        self.label.setText(text)
        self.show()


class ResultDialog(QDialog):
    """A window, deleted when closed, whose content arrives from a worker: ``showing``
    tells a result landing after it closed (or went with the main window) to drop itself."""

    def __init__(self, parent: QWidget, name: str, title: str, size: tuple[int, int]) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(*size)
        self.open_now = True

    @property
    def showing(self) -> bool:
        """Still there to show a result (not closed, nor deleted with the main window)."""
        return self.open_now and shiboken6.isValid(self)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.open_now = False
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.open_now = False
        super().done(result)


def fill_choices(
    menu: QMenu, choices: Sequence[tuple[str, Callable[[], object]]], empty: str
) -> None:
    """Replace ``menu``'s items by ``choices`` (label, what it does), or a greyed ``empty``."""
    menu.clear()
    for label, run in choices:
        menu.addAction(label).triggered.connect(lambda _checked=False, run=run: run())
    if not choices:
        menu.addAction(empty).setEnabled(False)
