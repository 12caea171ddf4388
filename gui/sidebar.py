"""The filter sidebar: countries, a timeline of hits per month, people, organisations.

Counts follow the current query (they come from ``SearchResult.facets``); the
widgets only show them and report what the user toggled. The window turns
those reports into a new ``SearchState``, so the sidebar holds no filter state
of its own beyond what it displays.
"""

from __future__ import annotations

import calendar
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
    QRectF,
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
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from search.api import country_name
from search.model import UNDATED

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

    def set_counts(self, counts: dict[str, int], selected: tuple[str, ...] | list[str],
                   limit: int | None = None) -> None:
        """Show ``counts`` (largest first, at most ``limit``) plus every selected key."""
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], self._label(kv[0]).casefold()))
        if limit is not None:
            ranked = ranked[:limit]
        keys = {k for k, _ in ranked}
        chosen = set(selected)
        items = [FacetItem(k, self._label(k), counts.get(k, 0), True) for k in selected
                 if k not in keys]
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
            return f"{item.label} ({item.key}): {item.count:,} articles" if (
                item.label != item.key) else f"{item.label}: {item.count:,} articles"
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
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
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
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                         count_text)
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


def _heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("sidebarHeading")
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


class FacetList(QWidget):
    """A titled facet list with an optional search-within box."""

    toggled = Signal(str, bool)
    """(key, selected)."""

    SEARCH_FROM = 10
    """Show the search-within box when the list is longer than this."""

    def __init__(self, title: str, label: Callable[[str], str] = str, rows: int = 7,
                 limit: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.limit = limit
        self.model = FacetModel(label, self)
        self.proxy = _KeepSelectedProxy(self)
        self.proxy.setSourceModel(self.model)
        self.heading = _heading(title, self)
        self.search = QLineEdit(self)
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


# -- timeline --------------------------------------------------------------------------------


def _month_start(key: str) -> date:
    return date(int(key[:4]), int(key[5:7]), 1)


def _month_end(key: str) -> date:
    year, month = int(key[:4]), int(key[5:7])
    return date(year, month, calendar.monthrange(year, month)[1])


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return out


class Timeline(QWidget):
    """Hits per month as bars; click a bar or drag across bars to pick a date range."""

    range_selected = Signal(object, object)
    """(first day, last day) of the months picked."""

    MAX_BAR = 26
    UNDATED_GAP = 10

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(84)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.months: list[str] = []
        self.counts: dict[str, int] = {}
        self.undated = 0
        self._range: tuple[date | None, date | None] = (None, None)
        self._drag: tuple[int, int] | None = None
        self.setToolTip("Hits per month: click a bar or drag across bars to filter by date")

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(220, 84)

    def set_counts(self, counts: dict[str, int]) -> None:
        dated = {k: v for k, v in counts.items() if k != UNDATED and len(k) == 7}
        self.undated = counts.get(UNDATED, 0)
        keys = sorted(dated)
        self.months = _months_between(keys[0], keys[-1]) if keys else []
        self.counts = dated
        self.update()

    def set_range(self, date_from: date | None, date_to: date | None) -> None:
        self._range = (date_from, date_to)
        self.update()

    # -- geometry -----------------------------------------------------------------------
    def _plot(self) -> QRect:
        fm = QFontMetrics(self.font())
        return self.rect().adjusted(2, 4, -2, -(fm.height() + 4))

    def _bar_width(self) -> float:
        plot = self._plot()
        n = len(self.months)
        room = plot.width() - (self.UNDATED_GAP + self.MAX_BAR if self.undated else 0)
        return max(1.0, min(float(self.MAX_BAR), room / n)) if n else 0.0

    def _month_at(self, x: int) -> int:
        width = self._bar_width()
        if not width:
            return -1
        i = int((x - self._plot().left()) // width)
        return max(0, min(i, len(self.months) - 1))

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        plot = self._plot()
        fm = QFontMetrics(self.font())
        if not self.months and not self.undated:
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), "No dated hits")
            return
        peak = max([*self.counts.values(), self.undated, 1])
        width = self._bar_width()
        bar = pal.color(QPalette.ColorRole.Highlight)
        muted = QColor(pal.color(QPalette.ColorRole.Text))
        muted.setAlphaF(0.35)
        lo, hi = self._selected_indices()
        for i, key in enumerate(self.months):
            count = self.counts.get(key, 0)
            h = 0 if not count else max(2.0, plot.height() * count / peak)
            x = plot.left() + i * width
            chosen = lo is None or lo <= i <= (hi if hi is not None else i)
            painter.fillRect(QRectF(x + (1 if width > 3 else 0), plot.bottom() - h,
                                    max(1.0, width - (2 if width > 3 else 0)), h),
                             bar if chosen else muted)
        # Axis labels: first and last month, and the year where there is room.
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        y = plot.bottom() + 2
        if self.months:
            first, last = self.months[0], self.months[-1]
            left_label = _short(first)
            painter.drawText(QRect(plot.left(), y, 120, fm.height()),
                             int(Qt.AlignmentFlag.AlignLeft), left_label)
            if last != first:
                right = int(plot.left() + len(self.months) * width)
                label = _short(last)
                lw = fm.horizontalAdvance(label)
                if right - lw > plot.left() + fm.horizontalAdvance(left_label) + 6:
                    painter.drawText(QRect(right - lw, y, lw, fm.height()),
                                     int(Qt.AlignmentFlag.AlignLeft), label)
        else:
            painter.drawText(plot.adjusted(0, 0, -(self.MAX_BAR + self.UNDATED_GAP), 0),
                             int(Qt.AlignmentFlag.AlignCenter), "No dated hits")
        if self.undated:
            x = plot.right() - self.MAX_BAR
            h = max(2.0, plot.height() * self.undated / peak)
            shade = QColor(muted)
            shade.setAlphaF(0.5)
            painter.fillRect(QRectF(x + 1, plot.bottom() - h, self.MAX_BAR - 2, h), shade)
            painter.drawText(QRect(x - 8, y, self.MAX_BAR + 10, fm.height()),
                             int(Qt.AlignmentFlag.AlignHCenter), "n.d.")
        line = QColor(pal.color(QPalette.ColorRole.Mid))
        painter.setPen(line)
        painter.drawLine(plot.left(), plot.bottom() + 1, plot.right(), plot.bottom() + 1)

    def _selected_indices(self) -> tuple[int | None, int | None]:
        if self._drag is not None:
            a, b = sorted(self._drag)
            return a, b
        date_from, date_to = self._range
        if not (date_from or date_to) or not self.months:
            return None, None
        lo = 0
        hi = len(self.months) - 1
        for i, key in enumerate(self.months):
            if date_from and _month_end(key) < date_from:
                lo = i + 1
            if date_to and _month_start(key) > date_to and hi >= i:
                hi = i - 1
                break
        return lo, hi

    # -- mouse ---------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.months:
            x = int(event.position().x())
            if x <= self._plot().left() + len(self.months) * self._bar_width():
                i = self._month_at(x)
                self._drag = (i, i)
                self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = int(event.position().x())
        if self._drag is not None:
            self._drag = (self._drag[0], self._month_at(x))
            self.update()
        elif self.months and x <= self._plot().left() + len(self.months) * self._bar_width():
            key = self.months[self._month_at(x)]
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"{_long(key)}: {self.counts.get(key, 0):,} hits", self)
        elif self.undated:
            QToolTip.showText(event.globalPosition().toPoint(),
                              f"Undated: {self.undated:,} hits", self)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if self._drag is None:
            return
        a, b = sorted(self._drag)
        self._drag = None
        self.select_months(a, b)

    def select_months(self, first: int, last: int) -> None:
        """Pick months ``first``..``last`` (indices into ``months``) as the date range."""
        date_from, date_to = _month_start(self.months[first]), _month_end(self.months[last])
        self._range = (date_from, date_to)
        self.update()
        self.range_selected.emit(date_from, date_to)

    def bar_center(self, i: int) -> QPoint:
        """Where bar ``i`` is on screen, for tests that click it."""
        width = self._bar_width()
        plot = self._plot()
        return QPoint(int(plot.left() + i * width + width / 2), plot.bottom() - 1)


def _short(key: str) -> str:
    return f"{calendar.month_abbr[int(key[5:7])]} {key[:4]}"


def _long(key: str) -> str:
    return f"{calendar.month_name[int(key[5:7])]} {key[:4]}"


def parse_date_field(text: str, end: bool) -> date | None:
    """``2025``, ``2025-03`` or ``2025-03-14``; a partial date means its first or last day.

    Raises ValueError for anything else, so the field can say what is wrong.
    """
    text = text.strip()
    if not text:
        return None
    parts = text.replace("/", "-").replace(".", "-").split("-")
    if not all(p.isdigit() for p in parts) or len(parts) > 3 or len(parts[0]) != 4:
        raise ValueError(f"“{text}” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(parts[0])
    if len(parts) == 1:
        return date(year, 12, 31) if end else date(year, 1, 1)
    month = int(parts[1])
    if len(parts) == 2:
        if not 1 <= month <= 12:
            raise ValueError(f"“{text}”: the month must be 01 to 12")
        key = f"{year:04d}-{month:02d}"
        return _month_end(key) if end else _month_start(key)
    try:
        return date(year, month, int(parts[2]))
    except ValueError as exc:
        raise ValueError(f"“{text}” is not a valid date ({exc})") from exc


class DateFilter(QWidget):
    """Timeline plus from/to fields and the "include undated" switch."""

    changed = Signal(object, object, bool)
    """(date_from, date_to, include_undated)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = Timeline(self)
        self.timeline.range_selected.connect(self._on_timeline)
        self.from_edit = QLineEdit(self)
        self.from_edit.setPlaceholderText("From (YYYY-MM-DD)")
        self.to_edit = QLineEdit(self)
        self.to_edit.setPlaceholderText("To")
        for edit in (self.from_edit, self.to_edit):
            edit.setClearButtonEnabled(True)
            edit.setToolTip("A year (2025), a month (2025-03) or a day (2025-03-14)")
            edit.editingFinished.connect(self._on_fields)
        self.undated = QCheckBox("Include undated articles", self)
        self.undated.setChecked(True)
        self.undated.setToolTip("Whether articles without a date pass the date range")
        self.undated.toggled.connect(self._on_fields)
        self.error = QLabel("", self)
        self.error.setWordWrap(True)
        self.error.setObjectName("fieldError")
        self.error.hide()
        fields = QHBoxLayout()
        fields.setContentsMargins(0, 0, 0, 0)
        fields.addWidget(self.from_edit)
        dash = QLabel("–", self)
        fields.addWidget(dash)
        fields.addWidget(self.to_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(_heading("Date", self))
        layout.addWidget(self.timeline)
        layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addWidget(self.undated)
        self._shown: tuple[date | None, date | None, bool] = (None, None, True)

    def show_range(self, date_from: date | None, date_to: date | None,
                   include_undated: bool) -> None:
        self._shown = (date_from, date_to, include_undated)
        self.from_edit.setText(date_from.isoformat() if date_from else "")
        self.to_edit.setText(date_to.isoformat() if date_to else "")
        self.undated.blockSignals(True)
        self.undated.setChecked(include_undated)
        self.undated.blockSignals(False)
        self.timeline.set_range(date_from, date_to)
        self.error.hide()

    def _on_timeline(self, date_from: date, date_to: date) -> None:
        self.changed.emit(date_from, date_to, self.undated.isChecked())

    def _on_fields(self) -> None:
        try:
            date_from = parse_date_field(self.from_edit.text(), end=False)
            date_to = parse_date_field(self.to_edit.text(), end=True)
        except ValueError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        wanted = (date_from, date_to, self.undated.isChecked())
        if wanted != self._shown:
            self.changed.emit(*wanted)


class Sidebar(QScrollArea):
    """All filters in one scrollable column."""

    filter_toggled = Signal(str, str, bool)
    """(SearchState list name, key, on)."""
    dates_changed = Signal(object, object, bool)
    clear_requested = Signal()
    saved_chosen = Signal(str)
    saved_removed = Signal(str)

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
        self.people = FacetList("People", rows=6, limit=40, parent=inner)
        self.people.toggled.connect(lambda k, on: self.filter_toggled.emit("people", k, on))
        self.orgs = FacetList("Organisations", rows=6, limit=40, parent=inner)
        self.orgs.toggled.connect(lambda k, on: self.filter_toggled.emit("orgs", k, on))
        self.saved = QListWidget(inner)
        self.saved.setObjectName("savedSearches")
        self.saved.itemActivated.connect(lambda it: self.saved_chosen.emit(it.text()))
        self.saved.itemClicked.connect(lambda it: self.saved_chosen.emit(it.text()))
        self.saved.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.saved.customContextMenuRequested.connect(self._saved_menu)
        self.saved_heading = _heading("Saved searches", inner)
        self.saved_hint = QLabel("None yet: Search → Save Search (Ctrl+S) keeps the current "
                                 "query with its filters.", inner)
        self.saved_hint.setWordWrap(True)
        self.saved_hint.setEnabled(False)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(12)
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

    def show_counts(self, countries: dict[str, int], months: dict[str, int],
                    people: dict[str, int], orgs: dict[str, int],
                    selected: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]) -> None:
        """Show the facet counts of a search; ``selected`` = (countries, people, orgs)."""
        self.countries.set_counts(countries, selected[0])
        self.dates.timeline.set_counts(months)
        self.people.set_counts(people, selected[1])
        self.orgs.set_counts(orgs, selected[2])

    def show_filters(self, has_filters: bool, date_from: date | None, date_to: date | None,
                     include_undated: bool) -> None:
        self.clear_button.setEnabled(has_filters)
        self.dates.show_range(date_from, date_to, include_undated)

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
        chosen = menu.exec(self.countries.view.viewport().mapToGlobal(pos))
        if chosen is include:
            self.filter_toggled.emit("countries", key, True)
        elif chosen is exclude:
            self.filter_toggled.emit("exclude_countries", key, True)

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
