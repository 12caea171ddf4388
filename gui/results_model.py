"""The article list: a lazy list model over search hits and the delegate that draws a row.

The model holds only the pages fetched so far. ``canFetchMore`` says whether
the search has more hits; ``fetchMore`` emits ``more_wanted(offset)`` once, the
window asks a worker for that page, and ``append_page`` adds it. Pages fetched
without snippets get them row by row: the first time a row is drawn the model
asks for its snippet (``snippets_wanted``, batched per event-loop turn), so a
search reads the bodies of the ten rows on screen, not of the whole page. The
view never has one widget per row: the delegate paints every row from the
``Hit``, with uniform heights, so 100,000 hits scroll like 10.
"""

from __future__ import annotations

import re
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
    QTimer,
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
from search.api import country_name, printable
from search.model import Hit, SearchResult, Snippet

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
    """``2025-03-04 · KZ VN · Vietnam News``: the grey line under a title.

    An undated hit spends no word on it: the line starts with its countries; only a
    hit with neither countries nor source shows a short "n.d.".
    """
    parts = [hit.date.isoformat()] if hit.date else []
    if hit.countries:
        parts.append(" ".join(hit.countries))
    if hit.source:
        parts.append(hit.source)
    if hit.versions > 1:  # one row for the copies of one story (View > Show Every Copy)
        parts.append(f"{hit.versions} versions")
    return "  ·  ".join(parts) if parts else "n.d."


TITLE_LEAD = 60
"""How far into a snippet a derived title may start (after a dateline such as ``ASTANA —``)."""
_AFTER_TITLE = " .!?,;:–—-"


def snippet_after_title(hit: Hit) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The snippet to show under ``hit``'s title, with its marks: never the title again.

    A derived title is the start of the body, so a snippet taken from the body's
    start would begin by repeating it; that copy (and a dateline before it) is
    cut off and the marks are moved to match. A title cut short ("…") leaves the
    rest of its sentence, shown after an ellipsis.
    """
    text, marks = hit.snippet, hit.snippet_marks
    core = hit.title.removesuffix("…").rstrip()
    if not hit.title_derived or not core or text.startswith("…"):
        return text, marks
    at = text.casefold().find(core.casefold(), 0, TITLE_LEAD + len(core))
    if at < 0 or at > TITLE_LEAD:
        return text, marks
    cut = at + len(core)
    while cut < len(text) and text[cut] in _AFTER_TITLE:
        cut += 1
    lead = "…" if hit.title.endswith("…") and cut < len(text) else ""
    shift = cut - len(lead)
    moved = tuple((max(start, cut) - shift, end - shift) for start, end in marks if end > cut)
    return lead + text[cut:], moved


class ResultsModel(QAbstractListModel):
    """Hits of the current search, fetched page by page as the view scrolls."""

    more_wanted = Signal(int)
    """Offset of the next page the view wants; the window fetches it."""
    snippets_wanted = Signal(int, str, list)
    """(request id, query, article ids): rows drawn before their snippet is known."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._hits: list[Hit] = []
        self._rows: dict[str, int] = {}
        self._total = 0
        self._request_id = 0
        self._query = ""
        self._fetching = False
        self._lazy = False
        """Whether the hits came without snippets, to be asked for as rows are drawn."""
        self._asked: set[str] = set()
        self._wanted: list[str] = []
        self._ask = QTimer(self)
        self._ask.setSingleShot(True)
        self._ask.setInterval(0)
        self._ask.timeout.connect(self._ask_snippets)

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
        # Never show more rows than the search says match (guards against an
        # engine page that disagrees with its own total).
        self._reset(result.hits[: max(result.total, 0)], result.total)
        self._request_id = result.request.request_id
        self._query = result.request.text
        self._lazy = not result.request.snippets

    def clear(self) -> None:
        self._reset([], 0)

    def _reset(self, hits: list[Hit], total: int) -> None:
        self.beginResetModel()
        self._hits = list(hits)
        self._rows = {hit.id: row for row, hit in enumerate(self._hits)}
        self._total = total
        self._fetching = False
        self._asked.clear()
        self._wanted.clear()
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
        self._rows.update((hit.id, row) for row, hit in enumerate(hits, first))
        self.endInsertRows()

    def set_snippets(self, request_id: int, snippets: dict[str, Snippet]) -> None:
        """Fill in snippets asked for with ``snippets_wanted``; stale ones are dropped."""
        if request_id != self._request_id:
            return
        for article_id, snippet in snippets.items():
            row = self._rows.get(article_id, -1)
            if row < 0:
                continue
            hit = self._hits[row]
            hit.snippet, hit.snippet_marks = snippet.text, snippet.marks
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Role.HIT, Role.SNIPPET])

    @property
    def asking(self) -> bool:
        """Rows were drawn whose snippets are about to be asked for."""
        return self._ask.isActive()

    def want_snippets(self, rows: range) -> None:
        """Ask now for the snippets of ``rows`` (those about to be drawn), not a paint later."""
        for row in rows:
            if 0 <= row < len(self._hits):
                self._want_snippet(self._hits[row])
        self._ask.stop()
        self._ask_snippets()

    def _want_snippet(self, hit: Hit) -> None:
        if self._lazy and hit.id not in self._asked:
            self._asked.add(hit.id)
            self._wanted.append(hit.id)
            self._ask.start()

    def _ask_snippets(self) -> None:
        wanted, self._wanted = self._wanted, []
        if wanted:
            self.snippets_wanted.emit(self._request_id, self._query, wanted)

    def page_failed(self) -> None:
        """A page fetch failed: stop asking for more so the view does not loop."""
        self._fetching = False
        self._total = len(self._hits)

    def hit(self, row: int) -> Hit | None:
        return self._hits[row] if 0 <= row < len(self._hits) else None

    def row_of(self, article_id: str) -> int:
        return self._rows.get(article_id, -1)

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
            when = hit.date.isoformat() if hit.date else "no date"
            return (
                f"{hit.title}\n{printable(hit.id)}\n{when}"
                + (f"\n{names}" if names else "")
                + (f"\n{hit.source}" if hit.source else "")
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.title}. {meta_line(hit) if hit.date else 'No date. ' + meta_line(hit)}"
        if role == Role.HIT:
            self._want_snippet(hit)
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
            self._want_snippet(hit)
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
        title = hit.title or "(untitled)"
        y += _draw_line(painter, title, title_font, text_colour, x, y, width, isolate=True)
        y += _draw_line(painter, meta_line(hit), meta_font, dim, x, y, width) + 2

        if hit.snippet:
            painter.setPen(text_colour)
            self._draw_snippet(painter, hit, base_font, x, y, width, selected)

        # A hairline between rows keeps dense lists readable.
        line = QColor(palette.color(QPalette.ColorRole.Mid))
        line.setAlphaF(0.35)
        painter.setPen(line)
        painter.drawLine(rect.left(), rect.bottom(), rect.right(), rect.bottom())
        painter.restore()

    def _draw_snippet(
        self, painter: QPainter, hit: Hit, font: QFont, x: int, y: int, width: int, selected: bool
    ) -> None:
        shown, shown_marks = snippet_after_title(hit)
        text = shown.replace("\n", " ")  # same length: mark offsets stay valid
        fm = QFontMetrics(font)
        ellipsis = "…"
        layout = QTextLayout(text, font)
        marks: list[QTextLayout.FormatRange] = []
        for start, end in shown_marks:
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


_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
"""Embedding, override and isolate controls (LRE RLE PDF LRO RLO, LRI RLI FSI PDI)."""


def bidi_isolated(text: str) -> str:
    """``text`` as one isolated run (FSI ... PDI), without bidi controls of its own.

    A title is data from a file: an RLO (U+202E) in it would draw it reversed and
    an RTL title could reorder what follows. The engine strips the controls at
    ingest; this guards rows from indexes built before, and any other source.
    """
    return "\u2068" + _BIDI_CONTROLS.sub("", text) + "\u2069"


def _draw_line(
    painter: QPainter,
    text: str,
    font: QFont,
    colour: QColor,
    x: int,
    y: int,
    width: int,
    *,
    isolate: bool = False,
) -> int:
    """Draw one line of ``text`` elided to ``width``; returns the height it took.

    ``isolate`` draws it as a bidi isolate (`bidi_isolated`), elided first so the
    closing PDI is never cut off."""
    painter.setFont(font)
    painter.setPen(colour)
    metrics = QFontMetrics(font)
    if isolate:
        text = _BIDI_CONTROLS.sub("", text)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)
    painter.drawText(
        QRect(x, y, width, metrics.height()),
        int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
        bidi_isolated(shown) if isolate else shown,
    )
    return metrics.height()
