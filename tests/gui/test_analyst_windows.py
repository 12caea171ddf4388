"""Who appears with whom and country pairs by month, from the Search menu: they count the
current search, and a click filters the list to the articles behind it."""

from __future__ import annotations

import datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.analyst_views import CooccurrenceDialog, CountryPairsDialog, export_pairs, layout
from gui.main_window import MainWindow

from .conftest import wait_idle


def dialog_named(window: MainWindow, name: str) -> object:
    return next((d for d in window.dialogs() if d.objectName() == name), None)


def test_who_appears_with_whom_draws_the_search_and_filters_on_click(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.show_cooccurrence()
    dialog = dialog_named(window, "cooccurrenceDialog")
    assert isinstance(dialog, CooccurrenceDialog)
    qtbot.waitUntil(lambda: dialog.graph is not None, timeout=10_000)
    graph = dialog.graph
    assert graph is not None
    names = {n.name for n in graph.nodes}
    assert {"VN", "KZ"} <= names
    assert dialog.table.rowCount() == len(graph.edges) > 0
    vn = next(i for i, n in enumerate(graph.nodes) if n.name == "VN")
    kz = next(i for i, n in enumerate(graph.nodes) if n.name == "KZ")
    dialog.view.edge_clicked.emit(vn, kz)
    wait_idle(qtbot, window)
    assert set(window.state.countries) == {"VN", "KZ"}
    window.show_cooccurrence()  # asked again: the same window, counted again
    assert [d.objectName() for d in window.dialogs()].count("cooccurrenceDialog") == 1
    out = tmp_path / "pairs.csv"
    export_pairs(graph, out)
    assert out.read_text("utf-8").splitlines()[0] == "type,name,with_type,with_name,articles"
    dialog.close()
    wait_idle(qtbot, window)


def test_the_layout_is_the_same_for_the_same_search(qtbot: QtBot, window: MainWindow) -> None:
    archive = window.archive
    assert archive is not None
    graph = archive.cooccurrence(window.state.to_request())
    assert layout(graph) == layout(graph)
    assert all(0 <= x <= 600 and 0 <= y <= 600 for x, y in layout(graph))


def test_a_heat_map_cell_lists_that_month_s_articles_of_both_countries(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.show_country_pairs()
    dialog = dialog_named(window, "countryPairsDialog")
    assert isinstance(dialog, CountryPairsDialog)
    qtbot.waitUntil(lambda: dialog.pairs is not None, timeout=10_000)
    pairs = dialog.pairs
    assert pairs is not None and pairs.months == ["2025-01", "2025-02", "2025-03"]
    row = list(pairs.pairs).index(("KZ", "VN") if ("KZ", "VN") in pairs.pairs else ("VN", "KZ"))
    col = pairs.months.index("2025-03")
    assert dialog.table.item(row, col).text() == "1"
    dialog._cell(row, col)
    wait_idle(qtbot, window)
    assert window.state.date_from == datetime.date(2025, 3, 1)
    assert window.model.rowCount() == 1
    dialog.close()
    wait_idle(qtbot, window)


def test_the_graph_has_a_time_range_of_its_own(qtbot: QtBot, window: MainWindow) -> None:
    window.show_cooccurrence()
    dialog = dialog_named(window, "cooccurrenceDialog")
    assert isinstance(dialog, CooccurrenceDialog)
    qtbot.waitUntil(lambda: dialog.graph is not None, timeout=10_000)
    every = {n.name for n in dialog.graph.nodes}  # type: ignore[union-attr]
    assert "KE" in every
    dialog.date_from.setText("2025-02")  # Kenya's article is of January: out of the range
    dialog.date_from.editingFinished.emit()
    qtbot.waitUntil(lambda: "dated from 2025-02-01" in dialog.caption.text(), timeout=10_000)
    assert "KE" not in {n.name for n in dialog.graph.nodes}  # type: ignore[union-attr]
    assert window.state.date_from is None  # the window's own search is left as it was
    dialog.date_to.setText("2025-13")
    dialog.date_to.editingFinished.emit()
    assert "the month must be 01 to 12" in dialog.caption.text()
    dialog.date_from.clear()
    dialog.date_to.clear()
    dialog.date_to.editingFinished.emit()
    qtbot.waitUntil(lambda: "dated from" not in dialog.caption.text(), timeout=10_000)
    qtbot.waitUntil(lambda: dialog.caption.text() != "Counting…", timeout=10_000)
    assert {n.name for n in dialog.graph.nodes} == every  # type: ignore[union-attr]
    dialog.close()
    wait_idle(qtbot, window)


def test_a_chosen_pair_shows_its_months_as_bars(qtbot: QtBot, window: MainWindow) -> None:
    window.show_country_pairs()
    dialog = dialog_named(window, "countryPairsDialog")
    assert isinstance(dialog, CountryPairsDialog)
    qtbot.waitUntil(lambda: dialog.pairs is not None, timeout=10_000)
    pairs = dialog.pairs
    assert pairs is not None
    keys = list(pairs.pairs)
    assert dialog.bars.counts == list(pairs.pairs[keys[0]])  # the first pair until chosen
    row = keys.index(("KZ", "VN") if ("KZ", "VN") in pairs.pairs else ("VN", "KZ"))
    dialog.table.setCurrentCell(row, 0)
    assert dialog.bars.months == pairs.months
    assert dialog.bars.counts == list(pairs.pairs[keys[row]])
    assert dialog.bars.title.startswith(("Kazakhstan – Vietnam", "Vietnam – Kazakhstan"))
    assert "2025-03: 1 article" in dialog.bars.toolTip()
    dialog.bars.grab()  # paints without error
    qtbot.waitUntil(lambda: "counting" not in dialog.peak.text(), timeout=10_000)
    assert dialog.peak.text().startswith("Behind the peak (2025-03, 1 article): ")
    assert "Kassym-Jomart Tokayev" in dialog.peak.text()  # named in that month's article
    dialog.close()
    wait_idle(qtbot, window)
