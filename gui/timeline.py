"""The date filter: a timeline of hits per month, from/to fields, "include undated".

Months are ``YYYY-MM`` keys, as in ``Facets.month``; the widgets turn a click,
a drag or typed dates into a (first day, last day) range for the window.
"""

from __future__ import annotations

import calendar
from datetime import date

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from gui.widgets import CommandKeysLineEdit, heading
from search.model import UNDATED


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
        self._archive_dated = True
        """False when the archive has no dated article at all: nothing to pick."""
        self.setToolTip(TIP)

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

    def set_archive_dated(self, dated: bool) -> None:
        """Whether the archive has any dated article; without one the timeline says so
        and takes no clicks."""
        self._archive_dated = dated
        if not dated:
            self._drag = None
        self.setToolTip(TIP if dated else NO_DATED_TIP)
        self.update()

    def placeholder(self) -> str:
        """What the timeline says instead of bars ("" when it shows months)."""
        if not self._archive_dated:
            return NO_DATED
        return "" if self.months else "No dated hits"

    def band(self) -> tuple[int, int] | None:
        """First and last month (indices into ``months``) under the selection band: the
        months being dragged across, else those of the chosen range; None: no band."""
        if not self._archive_dated or not self.months:
            return None
        if self._drag is None and not any(self._range):
            return None
        lo, hi = self._selected_indices()
        if lo is None or hi is None or lo > hi:
            return None
        return lo, hi

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

    def bar_height(self, count: int, room: float) -> float:
        """Height of a bar of ``count`` hits in a plot ``room`` high.

        Months are scaled to the busiest month, not to the undated column: on an archive
        with many undated articles (a generated one: a tenth) every month was a line at
        the bottom under one tall "n.d." bar. The undated bar stops at the top."""
        if not count:
            return 0.0
        peak = max([*self.counts.values(), 1]) if self.counts else max(self.undated, 1)
        return max(2.0, min(room, room * count / peak))

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pal = self.palette()
        plot = self._plot()
        fm = QFontMetrics(self.font())
        if not self._archive_dated or (not self.months and not self.undated):
            painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.placeholder())
            return
        width = self._bar_width()
        bar = pal.color(QPalette.ColorRole.Highlight)
        muted = QColor(pal.color(QPalette.ColorRole.Text))
        muted.setAlphaF(0.35)
        lo, hi = self._selected_indices()
        for i, key in enumerate(self.months):
            count = self.counts.get(key, 0)
            h = self.bar_height(count, plot.height())
            x = plot.left() + i * width
            chosen = lo is None or lo <= i <= (hi if hi is not None else i)
            painter.fillRect(
                QRectF(
                    x + (1 if width > 3 else 0),
                    plot.bottom() - h,
                    max(1.0, width - (2 if width > 3 else 0)),
                    h,
                ),
                bar if chosen else muted,
            )
        band = self.band()
        if band is not None:  # the months dragged across or chosen, as a translucent sheet
            shade = QColor(bar)
            shade.setAlphaF(0.22)
            left = plot.left() + band[0] * width
            painter.fillRect(
                QRectF(left, plot.top(), (band[1] - band[0] + 1) * width, plot.height() + 1),
                shade,
            )
            edge = QColor(bar)
            edge.setAlphaF(0.6)
            painter.setPen(edge)
            painter.drawRect(
                QRectF(left, plot.top(), (band[1] - band[0] + 1) * width - 1, plot.height())
            )
        # Axis labels: first and last month, and the year where there is room.
        painter.setPen(pal.color(QPalette.ColorRole.PlaceholderText))
        y = plot.bottom() + 2
        if self.months:
            first, last = self.months[0], self.months[-1]
            left_label = _short(first)
            painter.drawText(
                QRect(plot.left(), y, 120, fm.height()), int(Qt.AlignmentFlag.AlignLeft), left_label
            )
            if last != first:
                right = int(plot.left() + len(self.months) * width)
                label = _short(last)
                lw = fm.horizontalAdvance(label)
                if right - lw > plot.left() + fm.horizontalAdvance(left_label) + 6:
                    painter.drawText(
                        QRect(right - lw, y, lw, fm.height()),
                        int(Qt.AlignmentFlag.AlignLeft),
                        label,
                    )
        else:
            painter.drawText(
                plot.adjusted(0, 0, -(self.MAX_BAR + self.UNDATED_GAP), 0),
                int(Qt.AlignmentFlag.AlignCenter),
                "No dated hits",
            )
        if self.undated:
            x = plot.right() - self.MAX_BAR
            h = self.bar_height(self.undated, plot.height())
            shade = QColor(muted)
            shade.setAlphaF(0.5)
            painter.fillRect(QRectF(x + 1, plot.bottom() - h, self.MAX_BAR - 2, h), shade)
            painter.drawText(
                QRect(x - 8, y, self.MAX_BAR + 10, fm.height()),
                int(Qt.AlignmentFlag.AlignHCenter),
                "n.d.",
            )
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
        if event.button() == Qt.MouseButton.LeftButton and self.months and self._archive_dated:
            x = int(event.position().x())
            if x <= self._plot().left() + len(self.months) * self._bar_width():
                i = self._month_at(x)
                self._drag = (i, i)
                self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        x = int(event.position().x())
        if not self._archive_dated:
            return
        if self._drag is not None:
            self._drag = (self._drag[0], self._month_at(x))
            self.update()
        elif self.months and x <= self._plot().left() + len(self.months) * self._bar_width():
            key = self.months[self._month_at(x)]
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"{_long(key)}: {self.counts.get(key, 0):,} hits",
                self,
            )
        elif self.undated:
            QToolTip.showText(
                event.globalPosition().toPoint(), f"Undated: {self.undated:,} hits", self
            )

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


TIP = "Hits per month: click a bar or drag across bars to filter by date"
NO_DATED = "No dated articles"
NO_DATED_TIP = f"{NO_DATED}: no article of this archive has a date, so there is no range to pick"


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


DATE_TIP = "A year (2025), a month (2025-03) or a day (2025-03-14)"


class DateFilter(QWidget):
    """Timeline plus from/to fields and the "include undated" switch."""

    changed = Signal(object, object, bool)
    """(date_from, date_to, include_undated)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.timeline = Timeline(self)
        self.timeline.range_selected.connect(self._on_timeline)
        self.from_edit = CommandKeysLineEdit(self)
        self.from_edit.setPlaceholderText("From (YYYY-MM-DD)")
        self.to_edit = CommandKeysLineEdit(self)
        self.to_edit.setPlaceholderText("To")
        for edit in (self.from_edit, self.to_edit):
            edit.setClearButtonEnabled(True)
            edit.setToolTip(DATE_TIP)
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
        layout.addWidget(heading("Date", self))
        layout.addWidget(self.timeline)
        layout.addLayout(fields)
        layout.addWidget(self.error)
        layout.addWidget(self.undated)
        self._shown: tuple[date | None, date | None, bool] = (None, None, True)

    def show_range(
        self, date_from: date | None, date_to: date | None, include_undated: bool
    ) -> None:
        self._shown = (date_from, date_to, include_undated)
        self.from_edit.setText(date_from.isoformat() if date_from else "")
        self.to_edit.setText(date_to.isoformat() if date_to else "")
        self.undated.blockSignals(True)
        self.undated.setChecked(include_undated)
        self.undated.blockSignals(False)
        self.timeline.set_range(date_from, date_to)
        self.error.hide()

    def set_archive_dated(self, dated: bool) -> None:
        """Without any dated article in the archive the timeline says so and the date
        fields are off (a range would pick nothing)."""
        self.timeline.set_archive_dated(dated)
        for edit in (self.from_edit, self.to_edit):
            edit.setEnabled(dated)
            edit.setToolTip(DATE_TIP if dated else NO_DATED_TIP)

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
