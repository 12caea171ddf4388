"""Small widgets the panes share: section headings and the bar of active-filter chips."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget


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
            button.clicked.connect(lambda _=False, k=kind, v=key: self.removed.emit(k, v))
            self._layout.addWidget(button)
        self._layout.addStretch(1)
        self.setVisible(bool(chips))
