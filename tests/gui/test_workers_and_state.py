"""Background work, stale results, settings and search state."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from gui.settings import S, Settings, all_settings
from gui.state import SearchState
from gui.workers import TaskManager, Throttle
from search.model import IndexProgress, Sort


def test_worker_errors_reach_the_ui_thread(qtbot: QtBot) -> None:
    tasks = TaskManager()
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("bad")

    tasks.run(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert str(errors[0]) == "bad"


def test_progress_is_throttled_but_keeps_phase_changes() -> None:
    seen: list[object] = []
    throttle = Throttle(seen.append, interval=60)
    for n in range(1000):
        throttle(IndexProgress("reading", n, 1000))
    throttle(IndexProgress("writing", 0, 0))
    assert len(seen) == 2


def test_settings_are_typed_and_fall_back_to_defaults(tmp_path: object) -> None:
    store = QSettings(str(tmp_path) + "/s.ini", QSettings.Format.IniFormat)
    settings = Settings(store)
    assert settings.get(S.debounce_ms) == 0
    settings.set(S.recent_archives, ["/a", "/b"])
    assert settings.get(S.recent_archives) == ["/a", "/b"]
    store.setValue(S.page_size.key, '"not a number"')
    assert settings.get(S.page_size) == 100
    store.setValue(S.page_size.key, "{broken")
    assert settings.get(S.page_size) == 100
    assert len({s.key for s in all_settings()}) == len(all_settings())


def test_search_state_round_trips_and_edits() -> None:
    state = SearchState(
        text="trade",
        countries=("KZ",),
        people=("Lê Thị Thu Hằng",),
        date_from=date(2025, 1, 1),
        include_undated=False,
        sort=Sort.NEWEST,
    )
    assert SearchState.loads(state.dumps()) == state
    assert SearchState.loads("not json") == SearchState()
    excluded = state.toggled("exclude_countries", "KZ", True)
    assert excluded.countries == () and excluded.exclude_countries == ("KZ",)
    assert excluded.toggled("countries", "KZ", True).exclude_countries == ()
    swapped = state.with_dates(date(2025, 3, 1), date(2025, 1, 1))
    assert (swapped.date_from, swapped.date_to) == (date(2025, 1, 1), date(2025, 3, 1))
    assert "Kazakhstan" in state.summary() and "newest" in state.summary()
    request = state.to_request()
    assert (request.text, request.countries, request.sort) == ("trade", ("KZ",), Sort.NEWEST)
    assert request.has_filters


def test_progress_lines_name_each_phase() -> None:
    from gui.workers import progress_text
    from search.model import IndexProgress

    assert progress_text(IndexProgress("reading", 3, 10)) == "Reading 3 of 10"
    assert progress_text(IndexProgress("entities", 2, 5)) == "Recognising entities: 2 of 5"


def test_a_name_is_never_both_required_and_excluded() -> None:
    state = SearchState().toggled("people", "Jon Dahl", True)
    excluded = state.toggled("exclude_people", "Jon Dahl", True)
    assert (excluded.people, excluded.exclude_people) == ((), ("Jon Dahl",))
    assert excluded.to_request().exclude_people == ("Jon Dahl",)
    assert ("exclude_people", "Jon Dahl", "not Jon Dahl") in excluded.filter_labels()
    assert SearchState.from_json(excluded.to_json()) == excluded
    again = excluded.toggled("people", "Jon Dahl", True)
    assert (again.people, again.exclude_people) == (("Jon Dahl",), ())
    orgs = SearchState().toggled("exclude_orgs", "Reuters", True)
    assert orgs.to_request().exclude_orgs == ("Reuters",) and orgs.has_filters


def test_an_exclusion_chip_is_struck_out(qtbot: QtBot) -> None:
    from gui.widgets import ChipBar

    bar = ChipBar()
    qtbot.addWidget(bar)
    bar.set_chips([("people", "A", "A"), ("exclude_people", "B", "not B")])
    buttons = [w for w in bar.findChildren(QToolButton) if w.objectName() == "chip"]
    struck = {b.text(): b.font().strikeOut() for b in buttons}
    assert struck == {"A  ✕": False, "not B  ✕": True}
