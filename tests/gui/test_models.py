"""List models under qtmodeltester, lazy paging with 100,000 hits, facet lists."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QListView
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from gui.results_model import HitDelegate, ResultsModel, Role
from gui.sidebar import FacetList, FacetModel
from gui.timeline import parse_date_field
from search.model import Facets, Hit, SearchRequest, SearchResult, Snippet


def page(offset: int, limit: int, total: int, request_id: int = 1) -> SearchResult:
    hits = [
        Hit(
            id=f"{n:06d}.txt",
            title=f"Article {n}",
            title_derived=n % 2 == 0,
            date=date(2025, 1, 1) if n % 3 else None,
            countries=("KZ", "VN"),
            source="VNA",
            score=1.0,
            snippet=f"snippet of article {n} about Kazakhstan",
            snippet_marks=((22 + len(str(n)), 32 + len(str(n))),),
        )
        for n in range(offset, min(offset + limit, total))
    ]
    return SearchResult(
        SearchRequest(offset=offset, limit=limit, request_id=request_id),
        total,
        hits,
        Facets(),
        archive_total=total,
    )


def test_results_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = ResultsModel()
    model.set_result(page(0, 50, 120))
    qtmodeltester.check(model)
    model.append_page(page(50, 50, 120))
    qtmodeltester.check(model)


def test_results_model_fetches_pages_lazily(qtbot: QtBot) -> None:
    model = ResultsModel()
    model.set_result(page(0, 100, 100_000))
    assert model.rowCount() == 100 and model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.more_wanted) as blocker:
        model.fetchMore(QModelIndex())
    assert blocker.args == [100]
    assert not model.canFetchMore(QModelIndex())  # one request at a time
    model.append_page(page(100, 100, 100_000, request_id=99))  # a stale page: ignored
    assert model.rowCount() == 100
    model.append_page(page(100, 100, 100_000))
    assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())
    assert model.index(150, 0).data(Role.ID) == "000150.txt"


def test_a_list_of_100000_hits_draws_only_what_is_visible(qtbot: QtBot) -> None:
    model = ResultsModel()
    view = QListView()
    qtbot.addWidget(view)
    view.setUniformItemSizes(True)
    view.setItemDelegate(HitDelegate(view))
    view.setModel(model)
    wanted: list[int] = []
    model.more_wanted.connect(wanted.append)
    model.set_result(page(0, 100, 100_000))
    view.resize(500, 700)
    view.show()
    qtbot.waitExposed(view)
    view.grab()  # paints through the delegate
    assert not view.findChildren(QListView)  # no per-row widgets
    view.scrollToBottom()
    qtbot.waitUntil(lambda: bool(wanted))
    assert wanted[0] == 100


def test_facet_model_keeps_selected_values_at_zero(qtmodeltester: ModelTester) -> None:
    model = FacetModel(label=lambda code: {"KZ": "Kazakhstan", "VN": "Vietnam"}.get(code, code))
    model.set_counts({"VN": 5, "RU": 2}, selected=("KZ",))
    qtmodeltester.check(model)
    items = [(i.key, i.count, i.selected) for i in model.items()]
    assert items == [("KZ", 0, True), ("VN", 5, False), ("RU", 2, False)]


def test_facet_search_within_never_hides_selected(qtbot: QtBot) -> None:
    facets = FacetList("Countries")
    qtbot.addWidget(facets)
    counts = {f"C{n}": n for n in range(1, 30)}
    facets.set_counts(counts, selected=("C3",))
    assert facets.search.isVisibleTo(facets)  # long list: search-within box shown
    facets.search.setText("C2")
    shown = {facets.proxy.index(r, 0).data() for r in range(facets.proxy.rowCount())}
    assert "C3" in shown and "C25" in shown and "C11" not in shown


def test_date_fields_accept_years_months_and_days() -> None:
    assert parse_date_field("2025", end=False) == date(2025, 1, 1)
    assert parse_date_field("2025-02", end=True) == date(2025, 2, 28)
    assert parse_date_field(" 2025-03-14 ", end=True) == date(2025, 3, 14)
    assert parse_date_field("", end=True) is None


def test_rows_drawn_ask_once_for_their_snippets(qtbot: QtBot) -> None:
    model = ResultsModel()
    lazy = page(0, 50, 50)
    for hit in lazy.hits:
        hit.snippet, hit.snippet_marks = "", ()
    model.set_result(
        SearchResult(
            SearchRequest(text="kazakhstan", limit=50, request_id=1, snippets=False),
            50,
            lazy.hits,
            Facets(),
        )
    )
    with qtbot.waitSignal(model.snippets_wanted) as blocker:
        model.index(0, 0).data(Role.HIT)
        model.index(1, 0).data(Role.HIT)
        model.index(0, 0).data(Role.HIT)  # asked already
    assert blocker.args == [1, "kazakhstan", ["000000.txt", "000001.txt"]]
    assert model.asking is False
    model.set_snippets(99, {"000000.txt": Snippet("stale", ())})  # an older search: dropped
    assert model.hit(0).snippet == ""  # type: ignore[union-attr]
    with qtbot.waitSignal(model.dataChanged):
        model.set_snippets(1, {"000000.txt": Snippet("Kazakhstan and Vietnam", ((0, 10),))})
    assert model.index(0, 0).data(Role.SNIPPET) == "Kazakhstan and Vietnam"
    assert model.hit(0).snippet_marks == ((0, 10),)  # type: ignore[union-attr]
