"""The filter sidebar: countries, a timeline of hits per month, people, organisations.

Counts follow the current query (they come from ``SearchResult.facets``); the
widgets only show them and report what the user toggled. The window turns
those reports into a new ``SearchState``, so the sidebar holds no filter state
of its own beyond what it displays.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from gui.timeline import DateFilter
from gui.widgets import CommandKeysLineEdit, heading
from search.api import country_name
from search.model import Facets

Index = QModelIndex | QPersistentModelIndex


class FacetRole(IntEnum):
    KEY = Qt.ItemDataRole.UserRole + 1
    COUNT = Qt.ItemDataRole.UserRole + 2
    SELECTED = Qt.ItemDataRole.UserRole + 3


@dataclass(slots=True)
class FacetItem:
    key: str
    label: str
    count: int
    selected: bool


class FacetModel(QAbstractListModel):
    """Facet values with counts; the selected ones stay listed even at zero."""

    def __init__(self, label: Callable[[str], str] = str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._label = label
        self._items: list[FacetItem] = []

    def set_counts(
        self,
        counts: dict[str, int],
        selected: tuple[str, ...] | list[str],
        limit: int | None = None,
    ) -> None:
        """Show ``counts`` (largest first, at most ``limit``) plus every selected key."""
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], self._label(kv[0]).casefold()))
        if limit is not None:
            ranked = ranked[:limit]
        keys = {k for k, _ in ranked}
        chosen = set(selected)
        items = [
            FacetItem(k, self._label(k), counts.get(k, 0), True) for k in selected if k not in keys
        ]
        items += [FacetItem(k, self._label(k), c, k in chosen) for k, c in ranked]
        items.sort(key=lambda it: (not it.selected, -it.count, it.label.casefold()))
        self.beginResetModel()
        self._items = items
        self.endResetModel()

    def items(self) -> list[FacetItem]:
        return list(self._items)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"{item.label} ({item.key}): {item.count:,} articles"
                if (item.label != item.key)
                else f"{item.label}: {item.count:,} articles"
            )
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if item.selected else Qt.CheckState.Unchecked
        if role == FacetRole.KEY:
            return item.key
        if role == FacetRole.COUNT:
            return item.count
        if role == FacetRole.SELECTED:
            return item.selected
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Not ItemIsUserCheckable: a click anywhere on the row toggles (the list
        # handles it), so the box is a display of the state, never toggled twice.
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class _KeepSelectedProxy(QSortFilterProxyModel):
    """Search-within filter that never hides a selected value."""

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        index = model.index(source_row, 0, source_parent)
        if index.data(FacetRole.SELECTED):
            return True
        needle = self.filterRegularExpression().pattern()
        if not needle:
            return True
        text = f"{index.data(Qt.ItemDataRole.DisplayRole)} {index.data(FacetRole.KEY)}"
        return needle.casefold() in text.casefold()


class FacetDelegate(QStyledItemDelegate):
    """Label on the left, count right-aligned and dimmed, check box from the style."""

    @staticmethod
    def row_height(font: QFont) -> int:
        return QFontMetrics(font).height() + 8

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height(), self.row_height(option.font)))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        label = opt.text
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget else None
        if style is None:
            return
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        # Some styles outline the check box in a colour close to a dark base:
        # trace it in the text colour so it shows on every palette.
        box = style.subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, opt, widget)
        outline = QColor(opt.palette.color(QPalette.ColorRole.Text))
        outline.setAlphaF(0.45)
        painter.save()
        painter.setPen(outline)
        painter.drawRect(box.adjusted(1, 1, -2, -2))
        painter.restore()
        rect: QRect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect = rect.adjusted(2, 0, -4, 0)
        count = index.data(FacetRole.COUNT)
        count_text = f"{count:,}" if isinstance(count, int) else ""
        fm = QFontMetrics(opt.font)
        count_width = fm.horizontalAdvance(count_text) + 8
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        colour = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        painter.save()
        painter.setPen(colour)
        painter.drawText(
            rect.adjusted(0, 0, -count_width, 0),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            fm.elidedText(str(label), Qt.TextElideMode.ElideRight, rect.width() - count_width),
        )
        dim = QColor(colour)
        dim.setAlphaF(0.6)
        painter.setPen(dim)
        painter.drawText(
            rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), count_text
        )
        painter.restore()


class _FacetView(QListView):
    """A list where a click, Space or Enter on a row toggles it."""

    toggled = Signal(str, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setUniformItemSizes(True)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clicked.connect(self._toggle)

    def _toggle(self, index: QModelIndex) -> None:
        if index.isValid():
            self.toggled.emit(str(index.data(FacetRole.KEY)), not index.data(FacetRole.SELECTED))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._toggle(self.currentIndex())
            return
        super().keyPressEvent(event)


class FacetList(QWidget):
    """A titled facet list with an optional search-within box."""

    toggled = Signal(str, bool)
    """(key, selected)."""

    SEARCH_FROM = 10
    """Show the search-within box when the list is longer than this."""

    def __init__(
        self,
        title: str,
        label: Callable[[str], str] = str,
        rows: int = 7,
        limit: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.limit = limit
        self.model = FacetModel(label, self)
        self.proxy = _KeepSelectedProxy(self)
        self.proxy.setSourceModel(self.model)
        self.heading = heading(title, self)
        self.search = CommandKeysLineEdit(self)
        self.search.setPlaceholderText(f"Filter {title.lower()}…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.search.hide()
        self.view = _FacetView(self)
        self.view.setModel(self.proxy)
        self.view.setItemDelegate(FacetDelegate(self.view))
        self.view.toggled.connect(self.toggled)
        self.empty = QLabel("None in these results", self)
        self.empty.setEnabled(False)
        self.view.setFixedHeight(FacetDelegate.row_height(self.font()) * rows + 4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.heading)
        layout.addWidget(self.search)
        layout.addWidget(self.view)
        layout.addWidget(self.empty)
        self._rows = rows

    def set_counts(self, counts: dict[str, int], selected: tuple[str, ...]) -> None:
        self.model.set_counts(counts, selected, self.limit)
        n = self.model.rowCount()
        self.search.setVisible(n > self.SEARCH_FROM or bool(self.search.text()))
        self.empty.setVisible(n == 0)
        self.view.setVisible(n > 0)
        row_height = max(self.view.sizeHintForRow(0), FacetDelegate.row_height(self.font()))
        rows = max(1, min(n, self._rows))
        self.view.setFixedHeight(row_height * rows + 2 * self.view.frameWidth())


SAVED_HINT = "None yet: Ctrl+S saves this search."
FACET_ROWS = 5
"""Rows the people and organisations lists show (they scroll): with full lists the whole
sidebar fits a 1400 x 900 window, down to the saved searches."""


class Sidebar(QScrollArea):
    """All filters in one scrollable column."""

    filter_toggled = Signal(str, str, bool)
    """(SearchState list name, key, on)."""
    dates_changed = Signal(object, object, bool)
    clear_requested = Signal()
    saved_chosen = Signal(str)
    saved_removed = Signal(str)
    page_requested = Signal(str, str)
    entity_menu = Signal(QMenu, str, str)
    """(menu, type, name): a person's or organisation's menu is open; the window adds the
    corrections to it."""
    """(type, name): the entity page of a country, person or organisation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        inner.setObjectName("sidebar")
        self.clear_button = QPushButton("Clear all filters", inner)
        self.clear_button.setToolTip("Remove every filter; keep the query (Ctrl+Shift+Del)")
        self.clear_button.clicked.connect(self.clear_requested)
        self.countries = FacetList("Countries", _country_label, rows=8, parent=inner)
        self.countries.toggled.connect(lambda k, on: self.filter_toggled.emit("countries", k, on))
        self.countries.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.countries.view.customContextMenuRequested.connect(self._country_menu)
        self.dates = DateFilter(inner)
        self.dates.changed.connect(self.dates_changed)
        self.people = FacetList("People", rows=FACET_ROWS, limit=40, parent=inner)
        self.people.toggled.connect(lambda k, on: self.filter_toggled.emit("people", k, on))
        self.orgs = FacetList("Organisations", rows=FACET_ROWS, limit=40, parent=inner)
        self.orgs.toggled.connect(lambda k, on: self.filter_toggled.emit("orgs", k, on))
        for facet, kind in ((self.people, "people"), (self.orgs, "orgs")):
            facet.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            facet.view.customContextMenuRequested.connect(
                lambda pos, f=facet, k=kind: self._name_menu(f, k, pos)
            )
        self.saved = QListWidget(inner)
        self.saved.setObjectName("savedSearches")
        self.saved.itemActivated.connect(lambda it: self.saved_chosen.emit(it.text()))
        self.saved.itemClicked.connect(lambda it: self.saved_chosen.emit(it.text()))
        self.saved.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.saved.customContextMenuRequested.connect(self._saved_menu)
        self.saved_heading = heading("Saved searches", inner)
        # Short: a long hint was the line cut at the sidebar's foot at 1400 x 900.
        self.saved_hint = QLabel(SAVED_HINT, inner)
        self.saved_hint.setToolTip(
            "Search → Save Search (Ctrl+S) keeps the current query with its filters and sort"
            " under a name"
        )
        self.saved_hint.setWordWrap(True)
        self.saved_hint.setEnabled(False)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(self.clear_button)
        layout.addWidget(self.countries)
        layout.addWidget(self.dates)
        layout.addWidget(self.people)
        layout.addWidget(self.orgs)
        saved_box = QVBoxLayout()
        saved_box.setSpacing(3)
        saved_box.addWidget(self.saved_heading)
        saved_box.addWidget(self.saved)
        saved_box.addWidget(self.saved_hint)
        layout.addLayout(saved_box)
        layout.addStretch(1)
        self.setWidget(inner)
        self.set_saved([])

    def show_counts(
        self, facets: Facets, selected: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
    ) -> None:
        """Show the facet counts of a search; ``selected`` = (countries, people, orgs).

        The country and month counts leave out their own filter (the search
        asks for that), so choosing one country still shows the others.
        """
        self.countries.set_counts(facets.country, selected[0])
        self.dates.timeline.set_counts(facets.month)
        self.people.set_counts(facets.person, selected[1])
        self.orgs.set_counts(facets.org, selected[2])

    def show_filters(
        self, has_filters: bool, date_from: date | None, date_to: date | None, include_undated: bool
    ) -> None:
        self.clear_button.setEnabled(has_filters)
        self.dates.show_range(date_from, date_to, include_undated)

    def clear_searches(self) -> None:
        """Empty the search-within box of every facet list (with "Clear all filters")."""
        for facets in (self.countries, self.people, self.orgs):
            facets.search.clear()

    def set_saved(self, names: list[str]) -> None:
        self.saved.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setToolTip("Click to restore this search; right-click to delete it")
            self.saved.addItem(item)
        row = FacetDelegate.row_height(self.font())
        self.saved.setFixedHeight(row * max(1, min(len(names), 6)) + 4)
        self.saved.setVisible(bool(names))
        self.saved_hint.setVisible(not names)

    def _country_menu(self, pos: QPoint) -> None:
        index = self.countries.view.indexAt(pos)
        if not index.isValid():
            return
        key = str(index.data(FacetRole.KEY))
        name = country_name(key)
        menu = QMenu(self)
        include = menu.addAction(f"Only articles about {name}")
        exclude = menu.addAction(f"Exclude articles about {name}")
        page = menu.addAction(f"Entity page of {name}")
        chosen = menu.exec(self.countries.view.viewport().mapToGlobal(pos))
        if chosen is include:
            self.filter_toggled.emit("countries", key, True)
        elif chosen is exclude:
            self.filter_toggled.emit("exclude_countries", key, True)
        elif chosen is page:
            self.page_requested.emit("COUNTRY", key)

    def _name_menu(self, facet: FacetList, kind: str, pos: QPoint) -> None:
        """Only articles naming a person or organisation, or none naming it."""
        index = facet.view.indexAt(pos)
        if not index.isValid():
            return
        key = str(index.data(FacetRole.KEY))
        menu = QMenu(self)
        include = menu.addAction(f"Only articles naming “{key}”")
        exclude = menu.addAction(f"Exclude articles naming “{key}”")
        page = menu.addAction(f"Entity page of “{key}”")
        menu.addSeparator()
        self.entity_menu.emit(menu, "PERSON" if kind == "people" else "ORG", key)
        chosen = menu.exec(facet.view.viewport().mapToGlobal(pos))
        if chosen is include:
            self.filter_toggled.emit(kind, key, True)
        elif chosen is exclude:
            self.filter_toggled.emit(f"exclude_{kind}", key, True)
        elif chosen is page:
            self.page_requested.emit("PERSON" if kind == "people" else "ORG", key)

    def _saved_menu(self, pos: QPoint) -> None:
        item = self.saved.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        remove = menu.addAction(f"Delete “{item.text()}”")
        if menu.exec(self.saved.viewport().mapToGlobal(pos)) is remove:
            self.saved_removed.emit(item.text())


def _country_label(code: str) -> str:
    return country_name(code)
