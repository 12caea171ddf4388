"""What a list row shows: the date only where there is one, never the title twice."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QListView
from pytestqt.qtbot import QtBot

from gui.results_model import HitDelegate, ResultsModel, meta_line, snippet_after_title
from search.model import Facets, Hit, SearchRequest, SearchResult


def hit(
    when: date | None = None,
    *,
    title: str = "Talks in Hanoi",
    derived: bool = False,
    snippet: str = "",
    marks: tuple[tuple[int, int], ...] = (),
    countries: tuple[str, ...] = ("VN",),
    source: str | None = "VNA",
) -> Hit:
    return Hit(
        id="a.txt",
        title=title,
        title_derived=derived,
        date=when,
        countries=countries,
        source=source,
        score=1.0,
        snippet=snippet,
        snippet_marks=marks,
    )


def model_of(*hits: Hit) -> ResultsModel:
    model = ResultsModel()
    model.set_result(SearchResult(SearchRequest(), len(hits), list(hits), Facets()))
    return model


def test_undated_row_has_no_undated_word(qtbot: QtBot) -> None:
    model = model_of(hit())
    index = model.index(0, 0)
    assert meta_line(hit()) == "VN  ·  VNA"
    for role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        assert "Undated" not in str(model.data(index, role))


def test_dated_row_shows_its_date_first() -> None:
    assert meta_line(hit(date(2025, 3, 4))) == "2025-03-04  ·  VN  ·  VNA"


def test_row_with_nothing_to_say_shows_a_short_no_date() -> None:
    assert meta_line(hit(countries=(), source=None)) == "n.d."


def test_rows_keep_one_height_dated_or_not(qtbot: QtBot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    model = model_of(hit(), hit(date(2025, 3, 4)))
    model.setParent(view)
    view.setModel(model)
    delegate = HitDelegate(view)
    view.setItemDelegate(delegate)
    heights = {view.sizeHintForIndex(model.index(r, 0)).height() for r in range(2)}
    assert len(heights) == 1


def test_snippet_of_a_derived_title_starts_after_it() -> None:
    text = "Kazakhstan and Vietnam agreed to expand trade. The two sides met in Astana."
    row = hit(
        title="Kazakhstan and Vietnam agreed to expand trade",
        derived=True,
        snippet=text,
        marks=((0, 10), (text.index("Astana"), text.index("Astana") + 6)),
    )
    shown, marks = snippet_after_title(row)
    assert shown == "The two sides met in Astana."
    assert [shown[s:e] for s, e in marks] == ["Astana"]


def test_snippet_after_a_cut_title_goes_on_after_an_ellipsis() -> None:
    text = "The ministers of Indonesia and Japan agreed to deepen cooperation in trade."
    at = text.index("cooperation")
    row = hit(
        title="The ministers of Indonesia…", derived=True, snippet=text, marks=((at, at + 11),)
    )
    shown, marks = snippet_after_title(row)
    assert shown == "…and Japan agreed to deepen cooperation in trade."
    assert [shown[s:e] for s, e in marks] == ["cooperation"]


def test_snippet_after_a_dateline_and_title() -> None:
    text = "ASTANA — Kazakhstan and Vietnam agreed. Trade grew."
    row = hit(title="Kazakhstan and Vietnam agreed", derived=True, snippet=text)
    assert snippet_after_title(row)[0] == "Trade grew."


def test_snippet_of_a_real_headline_is_kept() -> None:
    text = "Talks in Hanoi went well."
    row = hit(title="Talks in Hanoi", snippet=text, marks=((0, 5),))
    assert snippet_after_title(row) == (text, ((0, 5),))


def test_snippet_from_mid_body_is_kept() -> None:
    text = "…Talks in Hanoi went well."
    row = hit(title="Talks in Hanoi", derived=True, snippet=text)
    assert snippet_after_title(row)[0] == text


def test_trimmed_row_paints(qtbot: QtBot) -> None:
    view = QListView()
    qtbot.addWidget(view)
    text = "Kazakhstan and Vietnam agreed. Trade grew."
    model = model_of(
        hit(title="Kazakhstan and Vietnam agreed", derived=True, snippet=text, marks=((0, 10),))
    )
    model.setParent(view)
    view.setModel(model)
    view.setItemDelegate(HitDelegate(view))
    view.resize(400, 200)
    image = QImage(400, 200, QImage.Format.Format_ARGB32)
    view.render(image)
    assert not image.isNull()
