"""The article list: a lazy list model over search hits and the delegate that draws a row.

The model holds only the pages fetched so far. ``canFetchMore`` says whether
the search has more hits; ``fetchMore`` emits ``more_wanted(offset)`` once, the
window asks a worker for that page, and ``append_page`` adds it. The view
never has one widget per row: the delegate paints every row from the ``Hit``,
with uniform heights, so 100,000 hits scroll like 10.
"""

from __future__ import annotations

from enum import IntEnum
from typing import cast

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from gui.markup import hit_colours
from search.api import country_name
from search.model import Hit, SearchResult

Index = QModelIndex | QPersistentModelIndex
HIT_BACKGROUND, HIT_FOREGROUND = hit_colours(dark=False)


class Role(IntEnum):
    """Named roles; the delegate and tests read hits through these."""

    HIT = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2
    DATE = Qt.ItemDataRole.UserRole + 3
    COUNTRIES = Qt.ItemDataRole.UserRole + 4
    SOURCE = Qt.ItemDataRole.UserRole + 5
    SNIPPET = Qt.ItemDataRole.UserRole + 6


def meta_line(hit: Hit) -> str:
    """``2025-03-04 · KZ VN · Vietnam News``: the grey line under a title."""
    parts = [hit.date.isoformat() if hit.date else "Undated"]
    if hit.countries:
        parts.append(" ".join(hit.countries))
    if hit.source:
        parts.append(hit.source)
    return "  ·  ".join(parts)


class ResultsModel(QAbstractListModel):
    """Hits of the current search, fetched page by page as the view scrolls."""

    more_wanted = Signal(int)
    """Offset of the next page the view wants; the window fetches it."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._total = 0
        self._request_id = 0
        self._fetching = False

    # -- data from searches ----------------------------------------------------------
    @property
    def total(self) -> int:
        return self._total

    @property
    def request_id(self) -> int:
        return self._request_id

    @property
    def hits(self) -> list[Hit]:
        return list(self._hits)

    def set_result(self, result: SearchResult) -> None:
        """Replace the list by the first page of a new search."""
        self.beginResetModel()
        # Never show more rows than the search says match (guards against an
        # engine page that disagrees with its own total).
        self._hits = list(result.hits[: max(result.total, 0)])
        self._total = result.total
        self._request_id = result.request.request_id
        self._fetching = False
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._hits = []
        self._total = 0
        self._fetching = False
        self.endResetModel()

    def append_page(self, result: SearchResult) -> None:
        """Add a further page; ignored unless it continues the current list exactly."""
        if result.request.request_id != self._request_id:
            return
        self._fetching = False
        if result.request.offset != len(self._hits) or not result.hits:
            if not result.hits:
                self._total = len(self._hits)  # the index shrank under us: stop asking
            return
        first = len(self._hits)
        hits = result.hits[: max(self._total - first, 0)]
        if not hits:
            return
        self.beginInsertRows(QModelIndex(), first, first + len(hits) - 1)
        self._hits.extend(hits)
        self.endInsertRows()

    def page_failed(self) -> None:
        """A page fetch failed: stop asking for more so the view does not loop."""
        self._fetching = False
        self._total = len(self._hits)

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_of(self, article_id: str) -> int:
        for row, hit in enumerate(self._hits):
            if hit.id == article_id:
                return row
        return -1

    # -- Qt model interface ------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._hits)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._hits):
            return None
        hit = self._hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return hit.title
        if role == Qt.ItemDataRole.ToolTipRole:
            names = ", ".join(country_name(c) for c in hit.countries)
            return f"{hit.title}\n{meta_line(hit)}" + (f"\n{names}" if names else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}. {meta_line(hit)}"
        if role == Role.HIT:
            return hit
        if role == Role.ID:
            return hit.id
        if role == Role.DATE:
            return hit.date.isoformat() if hit.date else ""
        if role == Role.COUNTRIES:
            return list(hit.countries)
        if role == Role.SOURCE:
            return hit.source or ""
        if role == Role.SNIPPET:
            return hit.snippet
        return None

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802
        names = dict(super().roleNames())
        names.update({int(r): QByteArray(r.name.lower().encode()) for r in Role})
        return names

    def canFetchMore(self, parent: Index) -> bool:  # noqa: N802
        return not parent.isValid() and not self._fetching and len(self._hits) < self._total

    def fetchMore(self, parent: Index) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self._fetching = True
            self.more_wanted.emit(len(self._hits))


class HitDelegate(QStyledItemDelegate):
    """Paints one row: title, grey meta line and a two-line snippet with marked words."""

    PAD = 8
    SNIPPET_LINES = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setBold(True)
        meta = QFont(base)
        meta.setPointSizeF(max(base.pointSizeF() * 0.9, 7.0))
        return title, meta, base

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:  # noqa: N802
        title, meta, base = self._fonts(option)
        height = (
            QFontMetrics(title).height()
            + QFontMetrics(meta).height()
            + self.SNIPPET_LINES * QFontMetrics(base).lineSpacing()
            + 2 * self.PAD
            + 4
        )
        return QSize(200, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit = index.data(Role.HIT)
        if not isinstance(hit, Hit):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        rect: QRect = opt.rect
        palette: QPalette = opt.palette
        state = opt.state
        widget = cast(QWidget | None, opt.widget)
        selected = bool(state & QStyle.StateFlag.State_Selected)
        painter.save()
        # Background and focus come from the style, so rows look native.
        opt.text = ""
        style = widget.style() if widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        group = (
            QPalette.ColorGroup.Active
            if state & QStyle.StateFlag.State_Active
            else QPalette.ColorGroup.Inactive
        )
        text_colour = palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        dim = QColor(text_colour)
        dim.setAlphaF(0.68)
        title_font, meta_font, base_font = self._fonts(opt)
        x = rect.left() + self.PAD
        width = max(rect.width() - 2 * self.PAD, 10)
        y = rect.top() + self.PAD

        title_font.setItalic(hit.title_derived)
        painter.setFont(title_font)
        painter.setPen(text_colour)
        tm = QFontMetrics(title_font)
        painter.drawText(
            QRect(x, y, width, tm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            tm.elidedText(hit.title or "(untitled)", Qt.TextElideMode.ElideRight, width),
        )
        y += tm.height()

        painter.setFont(meta_font)
        painter.setPen(dim)
        mm = QFontMetrics(meta_font)
        painter.drawText(
            QRect(x, y, width, mm.height()),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            mm.elidedText(meta_line(hit), Qt.TextElideMode.ElideRight, width),
        )
        y += mm.height() + 2

        if hit.snippet:
            painter.setPen(text_colour)
            self._draw_snippet(painter, hit, base_font, x, y, width, selected)

        # A hairline between rows keeps dense lists readable.
        line = QColor(palette.color(QPalette.ColorRole.Mid))
        line.setAlphaF(0.35)
        painter.setPen(line)
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        painter.restore()

    def _draw_snippet(self, painter: QPainter, hit: Hit, font: QFont, x: int, y: int,
                      width: int, selected: bool) -> None:
        text = hit.snippet.replace("\n", " ")  # same length: mark offsets stay valid
        fm = QFontMetrics(font)
        ellipsis = "…"
        layout = QTextLayout(text, font)
        marks: list[QTextLayout.FormatRange] = []
        for start, end in hit.snippet_marks:
            if 0 <= start < end <= len(text):
                fmt = QTextCharFormat()
                fmt.setFontWeight(QFont.Weight.Bold)
                if not selected:  # the reader's hit colours, readable on any palette
                    fmt.setBackground(QColor(HIT_BACKGROUND))
                    fmt.setForeground(QColor(HIT_FOREGROUND))
                fmt_range = QTextLayout.FormatRange()
                fmt_range.start = start
                fmt_range.length = end - start
                fmt_range.format = fmt
                marks.append(fmt_range)
        layout.setFormats(marks)
        layout.beginLayout()
        lines = []
        line_y = 0.0
        for n in range(self.SNIPPET_LINES):
            line = layout.createLine()
            if not line.isValid():
                break
            last = n == self.SNIPPET_LINES - 1
            line.setLineWidth(width - (fm.horizontalAdvance(ellipsis) if last else 0))
            line.setPosition(QPointF(0, line_y))
            line_y += fm.lineSpacing()
            lines.append(line)
        layout.endLayout()
        for line in lines:
            line.draw(painter, QPointF(x, y))
        if lines:
            last_line = lines[-1]
            if last_line.textStart() + last_line.textLength() < len(text.rstrip()):
                painter.drawText(
                    QPointF(x + last_line.naturalTextWidth(), y + last_line.y() + fm.ascent()),
                    ellipsis,
                )

