"""A title with bidi controls draws as an isolated run, never reversed or reordering its row."""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gui.results_model import HitDelegate, ResultsModel, bidi_isolated
from gui.results_view import ResultsView
from search.model import Facets, Hit, SearchRequest, SearchResult


def _hit(title: str) -> Hit:
    return Hit(
        id="a.txt",
        title=title,
        title_derived=False,
        date=date(2025, 3, 4),
        countries=("VN",),
        source="VNA",
        score=1.0,
        snippet="The mayors met in Hanoi.",
        snippet_marks=(),
    )


def _render(qtbot: QtBot, title: str) -> QImage:
    model = ResultsModel()
    model.set_result(SearchResult(SearchRequest(limit=10), 1, [_hit(title)], Facets()))
    view = ResultsView()
    qtbot.addWidget(view)
    view.setItemDelegate(HitDelegate(view))
    view.setModel(model)
    view.update_row_height()
    view.resize(420, 200)
    view.show()
    qtbot.waitExposed(view)
    return view.viewport().grab().toImage()


def test_a_title_is_drawn_as_an_isolate_without_its_own_bidi_controls() -> None:
    assert bidi_isolated("\u202eHanoi talks") == "\u2068Hanoi talks\u2069"
    assert bidi_isolated("Talks \u2067\u0647\u0627\u0646\u0648\u064a\u2069 end") == (
        "\u2068Talks \u0647\u0627\u0646\u0648\u064a end\u2069"
    )


def test_a_title_with_a_right_to_left_override_renders_like_the_plain_title(
    qtbot: QtBot,
) -> None:
    plain = _render(qtbot, "Hanoi talks end")
    overridden = _render(qtbot, "\u202eHanoi talks end")
    assert overridden == plain
    reversed_title = _render(qtbot, "dne sklat ionaH")
    assert reversed_title != plain  # the comparison can tell a reversed title apart
