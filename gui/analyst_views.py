"""The analyst's two windows over the current search: who appears with whom (a graph and
the same pairs as a table) and country pairs by month (a heat map).

Both count the articles the current search selects, query and filters included (the
date filter is the time range), computed off the UI thread (`search.api.Archive`
``cooccurrence`` / ``country_pairs``); the graph's layout is networkx's spring layout,
seeded so the same search draws the same picture. Clicking a node filters by it; an edge
or a table row, by both ends; a heat-map cell, by both countries and that month.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gui.markup import TYPE_LABELS, entity_colour
from gui.search_controller import SearchController
from gui.session import ArchiveSession
from gui.state import SearchState
from gui.timeline import DATE_TIP, parse_date_field
from gui.widgets import ResultDialog
from gui.workers import TaskManager
from search.api import country_name
from search.model import FILTER_OF_TYPE, Cooccurrence, CountryPairs, SearchRequest

T = TypeVar("T")

SCENE = 600.0
"""Side of the square the layout is drawn in, in scene units."""


def label_of(kind: str, name: str) -> str:
    return country_name(name) if kind == "COUNTRY" else name


def layout(graph: Cooccurrence, seed: int = 7) -> list[tuple[float, float]]:
    """Node positions in [0, SCENE]^2: spring layout, heavier edges pull closer.

    A hidden hub tied weakly to every node keeps groups that share no article near the
    rest (the spring layout alone flings them to the corners and crams the others)."""
    count = len(graph.nodes)
    if not count:
        return []
    # Imported here: networkx takes 0.4 s to import, which a first start cannot spare.
    import networkx  # noqa: PLC0415

    g = networkx.Graph()
    g.add_nodes_from(range(count + 1))
    most = max((n for _, _, n in graph.edges), default=1)
    for a, b, n in graph.edges:
        g.add_edge(a, b, weight=float(n) / most)
    for node in range(count):
        g.add_edge(node, count, weight=0.05)
    spread = 2.5 / math.sqrt(count + 1)
    positions = networkx.spring_layout(g, seed=seed, weight="weight", k=spread, iterations=200)
    xs = [float(positions[i][0]) for i in range(count)]
    ys = [float(positions[i][1]) for i in range(count)]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return [
        (40 + (x - min(xs)) / span_x * (SCENE - 80), 40 + (y - min(ys)) / span_y * (SCENE - 80))
        for x, y in zip(xs, ys, strict=True)
    ]


class _Node(QGraphicsEllipseItem):
    def __init__(self, view: GraphView, index: int, x: float, y: float, r: float) -> None:
        super().__init__(x - r, y - r, 2 * r, 2 * r)
        self.index = index
        self._view = view
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: object) -> None:  # noqa: N802
        self._view.node_clicked.emit(self.index)


class _Edge(QGraphicsLineItem):
    def __init__(self, view: GraphView, a: int, b: int, line: tuple[QPointF, QPointF]) -> None:
        super().__init__(line[0].x(), line[0].y(), line[1].x(), line[1].y())
        self.ends = (a, b)
        self._view = view
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mousePressEvent(self, event: object) -> None:  # noqa: N802
        self._view.edge_clicked.emit(*self.ends)


class GraphView(QGraphicsView):
    """Nodes sized by articles, coloured by type; edges as thick as the articles shared."""

    node_clicked = Signal(int)
    edge_clicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.graph: Cooccurrence | None = None

    def show_graph(self, graph: Cooccurrence, positions: list[tuple[float, float]]) -> None:
        scene = self.scene()
        scene.clear()
        self.graph = graph
        if not graph.nodes:
            scene.addText("No people, organisations or countries in these articles.")
            return
        dark = self.palette().color(self.backgroundRole()).lightness() < 128
        most_shared = max((n for _, _, n in graph.edges), default=1)
        most_named = max(n.articles for n in graph.nodes)
        pen_colour = QColor("#9a9a9a")
        for a, b, n in graph.edges:
            edge = _Edge(self, a, b, (QPointF(*positions[a]), QPointF(*positions[b])))
            edge.setPen(QPen(pen_colour, 0.5 + 5.0 * n / most_shared))
            edge.setToolTip(
                f"{label_of(graph.nodes[a].type, graph.nodes[a].name)} and "
                f"{label_of(graph.nodes[b].type, graph.nodes[b].name)}: {n:,} articles"
            )
            edge.setZValue(0)
            scene.addItem(edge)
        text_colour = self.palette().color(self.foregroundRole())
        for i, node in enumerate(graph.nodes):
            x, y = positions[i]
            r = 6 + 18 * math.sqrt(node.articles / most_named)
            item = _Node(self, i, x, y, r)
            item.setBrush(QBrush(QColor(entity_colour(node.type, dark))))
            item.setPen(QPen(text_colour, 0.8))
            item.setToolTip(
                f"{TYPE_LABELS[node.type]}: {label_of(node.type, node.name)}, "
                f"{node.articles:,} articles — click to filter by it"
            )
            item.setZValue(1)
            scene.addItem(item)
            text = QGraphicsSimpleTextItem(label_of(node.type, node.name))
            text.setBrush(QBrush(text_colour))
            font = QFont(self.font())
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
            text.setFont(font)
            text.setPos(x + r + 2, y - text.boundingRect().height() / 2)
            text.setZValue(2)
            scene.addItem(text)
        self.fitInView(
            scene.itemsBoundingRect().adjusted(-20, -20, 20, 20), Qt.AspectRatioMode.KeepAspectRatio
        )

    def resizeEvent(self, event: object) -> None:  # noqa: N802
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.graph is not None and self.scene().items():
            self.fitInView(
                self.scene().itemsBoundingRect().adjusted(-20, -20, 20, 20),
                Qt.AspectRatioMode.KeepAspectRatio,
            )


class _AnalystDialog(ResultDialog):
    """A window over the current search whose counts arrive from a worker: results that
    land after it closed (and Qt deleted it) are dropped."""

    chosen = Signal(object)
    """A ``SearchState`` to show in the main window (a node, edge or cell was clicked)."""

    def __init__(
        self,
        window: QWidget,
        search: SearchController,
        session: ArchiveSession,
        tasks: TaskManager,
        name: str,
        title: str,
        size: tuple[int, int],
    ) -> None:
        """``search`` holds the search counted; ``session`` the archive (folders only)."""
        super().__init__(window, name, title, size)
        self._search = search
        self._session = session
        self._tasks = tasks
        self.caption = QLabel("Counting…", self)
        self.caption.setWordWrap(True)

    def count(self, name: str, work: Callable[[], T], show: Callable[[T], None]) -> None:
        """``work`` in the background, then ``show`` its result, or the error in the
        caption; both only while the window is still there."""

        def done(result: T) -> None:
            if self.showing:
                show(result)

        def failed(exc: BaseException) -> None:
            if self.showing:
                self.caption.setText(str(exc))

        self._tasks.run(work, name=name, on_done=done, on_error=failed)


class CooccurrenceDialog(_AnalystDialog):
    """Who appears with whom in the current search's articles: graph and table."""

    def __init__(
        self, window: QWidget, search: SearchController, session: ArchiveSession, tasks: TaskManager
    ) -> None:
        super().__init__(
            window,
            search,
            session,
            tasks,
            "cooccurrenceDialog",
            "Who Appears With Whom",
            (900, 680),
        )
        self.graph: Cooccurrence | None = None
        self.view = GraphView(self)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("pairsTable")
        self.table.setHorizontalHeaderLabels(["Entity", "With", "Articles"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.cellActivated.connect(lambda row, _col: self._edge_row(row))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.view, "&Graph")
        self.tabs.addTab(self.table, "&Table")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.export_button = buttons.addButton("&Export…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(self.choose_export)
        buttons.rejected.connect(self.close)
        # A time range of the graph's own (the search's at first): relations over time.
        state = search.state
        self.date_from = QLineEdit(state.date_from.isoformat() if state.date_from else "", self)
        self.date_to = QLineEdit(state.date_to.isoformat() if state.date_to else "", self)
        for field, name, hint in (
            (self.date_from, "graphFrom", "From"),
            (self.date_to, "graphTo", "To"),
        ):
            field.setObjectName(name)
            field.setPlaceholderText(f"{hint} (YYYY-MM-DD)")
            field.setToolTip(DATE_TIP)
            field.setClearButtonEnabled(True)
            field.editingFinished.connect(self.refresh)
        span = QHBoxLayout()
        span.addWidget(QLabel("Dates:", self))
        span.addWidget(self.date_from)
        span.addWidget(QLabel("–", self))
        span.addWidget(self.date_to)
        span.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addLayout(span)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.view.node_clicked.connect(self._node)
        self.view.edge_clicked.connect(self._edge)
        self.refresh()

    def refresh(self) -> None:
        """Count for the window's search as it is now (off the UI thread)."""
        archive = self._session.archive
        if archive is None:
            return
        try:
            request = self.request()
        except ValueError as exc:
            self.caption.setText(str(exc))
            return
        self.caption.setText("Counting…")

        def work() -> tuple[Cooccurrence, list[tuple[float, float]]]:
            graph = archive.cooccurrence(request)
            return graph, layout(graph)

        self.count("co-occurrence", work, lambda result: self.show_graph(*result))

    def _own_dates(self) -> str:
        """The graph's own range where it is not the search's, for the caption."""
        try:
            request = self.request()
        except ValueError:
            return ""
        state = self._search.state
        if (request.date_from, request.date_to) == (state.date_from, state.date_to):
            return ""
        first = request.date_from.isoformat() if request.date_from else "the start"
        last = request.date_to.isoformat() if request.date_to else "now"
        return f", dated from {first} to {last}"

    def request(self) -> SearchRequest:
        """The window's search over the graph's own dates (a range leaves undated articles
        out, as relations over time need dates); ValueError for a date not understood."""
        first = parse_date_field(self.date_from.text(), end=False)
        last = parse_date_field(self.date_to.text(), end=True)
        request = self._search.state.to_request()
        if (first, last) == (request.date_from, request.date_to):
            return request
        undated = request.include_undated and first is None and last is None
        return replace(request, date_from=first, date_to=last, include_undated=undated)

    def show_graph(self, graph: Cooccurrence, positions: list[tuple[float, float]]) -> None:
        self.graph = graph
        self.caption.setText(
            f"In the articles of {self._search.state.summary()}{self._own_dates()}: the most "
            "named people, "
            "organisations and countries, and how many articles name each pair. "
            "Click a circle to filter by it, a line (or a row, Enter) for both."
        )
        self.view.show_graph(graph, positions)
        self.table.setRowCount(len(graph.edges))
        for row, (a, b, n) in enumerate(graph.edges):
            first, second = graph.nodes[a], graph.nodes[b]
            for col, text in enumerate(
                (label_of(first.type, first.name), label_of(second.type, second.name))
            ):
                self.table.setItem(row, col, QTableWidgetItem(text))
            count = QTableWidgetItem()
            count.setData(Qt.ItemDataRole.DisplayRole, n)
            self.table.setItem(row, 2, count)

    def _node(self, index: int) -> None:
        if self.graph is not None:
            node = self.graph.nodes[index]
            self._filter([(node.type, node.name)])

    def _edge(self, a: int, b: int) -> None:
        if self.graph is not None:
            nodes = self.graph.nodes
            self._filter([(nodes[a].type, nodes[a].name), (nodes[b].type, nodes[b].name)])

    def _edge_row(self, row: int) -> None:
        if self.graph is not None and 0 <= row < len(self.graph.edges):
            a, b, _ = self.graph.edges[row]
            self._edge(a, b)

    def _filter(self, entities: list[tuple[str, str]]) -> None:
        """Filter the window's search by these (all of them); the list shows the articles."""
        state = self._search.state
        for kind, name in entities:
            if name not in getattr(state, FILTER_OF_TYPE[kind]):
                state = state.toggled(FILTER_OF_TYPE[kind], name, True)
        self.chosen.emit(state)
        self.refresh()

    def choose_export(self) -> None:
        if self.graph is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export pairs", "pairs.csv", "CSV (*.csv)")
        if path:
            export_pairs(self.graph, Path(path))


def export_pairs(graph: Cooccurrence, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["type", "name", "with_type", "with_name", "articles"])
        for a, b, n in graph.edges:
            first, second = graph.nodes[a], graph.nodes[b]
            writer.writerow([first.type, first.name, second.type, second.name, n])


class PairBars(QWidget):
    """One country pair's articles by month as bars: the heat map's row, drawn to compare
    months at a glance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairBars")
        self.setMinimumHeight(110)
        self.title = ""
        self.months: list[str] = []
        self.counts: list[int] = []

    def set_bars(self, title: str, months: list[str], counts: list[int]) -> None:
        self.title, self.months, self.counts = title, months, counts
        self.setToolTip(
            "\n".join(
                f"{m}: {n} article{'s' if n != 1 else ''}"
                for m, n in zip(months, counts, strict=True)
                if n
            )
        )
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802
        painter = QPainter(self)
        pal = self.palette()
        painter.setPen(pal.color(pal.ColorRole.WindowText))
        if not self.counts:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter,
                "Choose a pair (a row) to see its months as bars",
            )
            return
        painter.drawText(4, 14, self.title)
        most = max(self.counts) or 1
        top, bottom = 22, self.height() - 18
        width = max(1.0, (self.width() - 8) / len(self.counts))
        dark = pal.color(pal.ColorRole.Window).lightness() < 128
        painter.setBrush(QBrush(QColor(entity_colour("COUNTRY", dark))))
        for i, n in enumerate(self.counts):
            h = (bottom - top) * n / most
            x = 4 + i * width
            if n:
                painter.drawRect(int(x + 1), int(bottom - h), max(1, int(width - 2)), int(h))
        first, last = self.months[0], self.months[-1]
        painter.drawText(4, self.height() - 4, first)
        if last == first:
            return
        painter.drawText(
            self.width() - 4 - painter.fontMetrics().horizontalAdvance(last),
            self.height() - 4,
            last,
        )


class CountryPairsDialog(_AnalystDialog):
    """Country pairs of the current search by month: rows are pairs, columns months."""

    def __init__(
        self, window: QWidget, search: SearchController, session: ArchiveSession, tasks: TaskManager
    ) -> None:
        super().__init__(
            window,
            search,
            session,
            tasks,
            "countryPairsDialog",
            "Country Pairs by Month",
            (980, 560),
        )
        self.pairs: CountryPairs | None = None
        self.pin = QComboBox(self)
        self.pin.setObjectName("pinCountry")
        self.pin.addItem("All pairs", None)
        facets = search.shown.facets.country if search.shown else {}
        for code in facets:
            self.pin.addItem(f"{country_name(code)} and its partners", code)
        self.pin.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table = QTableWidget(0, 0, self)
        self.table.setObjectName("heatMap")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.cellActivated.connect(self._cell)
        self.table.cellClicked.connect(self._cell)
        self.table.currentCellChanged.connect(lambda row, _c, _r, _pc: self._bars(row))
        self.bars = PairBars(self)
        self.peak = QLabel("", self)
        self.peak.setObjectName("pairPeak")
        self.peak.setWordWrap(True)
        self._peak_of: tuple[str, str, str] | None = None
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show:", self))
        top.addWidget(self.pin, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.bars)
        layout.addWidget(self.peak)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        archive = self._session.archive
        if archive is None:
            return
        request = self._search.state.to_request()
        pinned = self.pin.currentData()
        self.count(
            "country pairs", lambda: archive.country_pairs(request, pinned=pinned), self.show_pairs
        )

    def show_pairs(self, pairs: CountryPairs) -> None:
        self.pairs = pairs
        self.caption.setText(
            f"Dated articles of {self._search.state.summary()} naming both countries, by "
            "month. Click a cell (or Enter) to list those articles."
        )
        if not pairs.pairs:
            self.caption.setText(
                f"No two countries share a dated article in {self._search.state.summary()}: "
                "pairs are counted by month, so undated articles are left out."
            )
        rows = list(pairs.pairs.items())
        self.table.setColumnCount(len(pairs.months))
        self.table.setRowCount(len(rows))
        self.table.setHorizontalHeaderLabels(pairs.months)
        self.table.setVerticalHeaderLabels(
            [f"{country_name(a)} – {country_name(b)}" for (a, b), _ in rows]
        )
        most = max((max(c) for _, c in rows if c), default=1) or 1
        dark = self.palette().color(self.backgroundRole()).lightness() < 128
        base = QColor(entity_colour("COUNTRY", dark))
        for row, (_pair, counts) in enumerate(rows):
            for col, n in enumerate(counts):
                item = QTableWidgetItem(str(n) if n else "")
                if n:
                    shade = QColor(base)
                    shade.setAlphaF(0.15 + 0.85 * n / most)
                    item.setBackground(shade)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self._bars(0 if rows else -1)

    def _bars(self, row: int) -> None:
        """The chosen pair's months as bars (the first pair until one is chosen)."""
        rows = list(self.pairs.pairs.items()) if self.pairs else []
        if not 0 <= row < len(rows):
            self.bars.set_bars("", [], [])
            self.peak.setText("")
            return
        (a, b), counts = rows[row]
        assert self.pairs is not None
        total = sum(counts)
        title = f"{country_name(a)} – {country_name(b)}: {total} article{'s' if total != 1 else ''}"
        self.bars.set_bars(title, list(self.pairs.months), list(counts))
        self._behind_peak(a, b, self.pairs.months[counts.index(max(counts))], max(counts))

    def _behind_peak(self, a: str, b: str, month: str, n: int) -> None:
        """The people and organisations most named in the pair's busiest month."""
        archive = self._session.archive
        if archive is None or not n:
            return
        request = self._pair_month(a, b, month).to_request()
        self.peak.setText(f"Behind the peak ({month}): counting…")
        self._peak_of = wanted = (a, b, month)

        def show(graph: Cooccurrence) -> None:
            if self._peak_of != wanted:
                return  # another pair was chosen meanwhile
            named = [x.name for x in graph.nodes if x.type in ("PERSON", "ORG")][:8]
            articles = f"{n} article{'s' if n != 1 else ''}"
            who = ", ".join(named) if named else "no people or organisations named"
            self.peak.setText(f"Behind the peak ({month}, {articles}): {who}")

        self.count("pair peak", lambda: archive.cooccurrence(request), show)

    def _cell(self, row: int, col: int) -> None:
        if self.pairs is None:
            return
        rows = list(self.pairs.pairs)
        if not (0 <= row < len(rows) and 0 <= col < len(self.pairs.months)):
            return
        a, b = rows[row]
        self.chosen.emit(self._pair_month(a, b, self.pairs.months[col]))

    def _pair_month(self, a: str, b: str, month: str) -> SearchState:
        """The window's search narrowed to the articles of ``month`` (``YYYY-MM``) that
        name both countries: what a cell lists and what its peak is counted over."""
        state = self._search.state
        state = state.with_text(
            " ".join(part for part in (state.text.strip(), f"country:{a}", f"country:{b}") if part)
        )
        first = parse_date_field(month, end=False)
        last = parse_date_field(month, end=True)
        return state.with_dates(first, last, include_undated=False)
