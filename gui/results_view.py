"""The view of the article list: a one-column table that looks and moves like a list.

Why not ``QListView``: on every appended page it lays out all rows loaded so
far and, for each, asks the model for an index (a Python ``rowCount`` call),
so the pause per page grows with the list: ~200 ms per page once 100,000 hits
are loaded. A ``QTableView`` whose rows all have one fixed height keeps rows
as header sections of that height and lays out only what it paints, so a page
costs the same at row 100 as at row 100,000 (bench/gui_bench.py measures it).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)


class ResultsView(QTableView):
    """One column, no headers or grid, whole-row selection, rows as tall as the delegate says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(1)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.setTabKeyNavigation(False)  # Tab leaves the list, as it does from a list
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setCornerButtonEnabled(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def row_height(self) -> int:
        """The height of every row: the delegate's size hint for the current font."""
        delegate = self.itemDelegate()
        if delegate is None:
            return self.verticalHeader().defaultSectionSize()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        return max(delegate.sizeHint(option, QModelIndex()).height(), 1)

    def update_row_height(self) -> None:
        self.verticalHeader().setDefaultSectionSize(self.row_height())

    def rows_on_screen(self) -> int:
        """How many rows the viewport shows (a partly visible one counts)."""
        return self.viewport().height() // max(self.verticalHeader().defaultSectionSize(), 1) + 1

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.update_row_height()

    def moveCursor(  # noqa: N802
        self, action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # In a table Home/End move along the row; in a list they go to its ends.
        model = self.model()
        if model is not None and model.rowCount():
            if action == QAbstractItemView.CursorAction.MoveHome:
                return model.index(0, 0)
            if action == QAbstractItemView.CursorAction.MoveEnd:
                return model.index(model.rowCount() - 1, 0)
        return super().moveCursor(action, modifiers)
