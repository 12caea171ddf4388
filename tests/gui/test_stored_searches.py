"""Searches stored by earlier versions (last search, history, saved) still load as they were."""

from __future__ import annotations

from datetime import date

from gui.history import SavedSearches, SearchHistory
from gui.settings import S, Settings
from gui.state import SearchState
from search.model import Query, SearchRequest, Sort

STORED = (
    '{"countries": ["KZ"], "date_from": "2025-01-01", "date_to": "2025-03-31", '
    '"exclude_countries": ["RU"], "exclude_orgs": ["Reuters"], "exclude_people": [], '
    '"include_undated": false, "orgs": [], "people": ["Lê Thị Thu Hằng"], "sort": "newest", '
    '"text": "trade “talks”"}'
)
"""A search as the version before ``Query`` stored it (``SearchState.dumps``)."""
BEFORE_EXCLUSIONS = '{"text": "trade", "countries": ["KZ"], "sort": "oldest"}'
"""An entry from before there were negative filters."""
STATE = SearchState(
    text="trade “talks”",
    countries=("KZ",),
    exclude_countries=("RU",),
    people=("Lê Thị Thu Hằng",),
    exclude_orgs=("Reuters",),
    date_from=date(2025, 1, 1),
    date_to=date(2025, 3, 31),
    include_undated=False,
    sort=Sort.NEWEST,
)


def test_a_stored_search_loads_and_is_written_back_the_same() -> None:
    assert SearchState.loads(STORED) == STATE
    assert STATE.dumps() == STORED  # so the history still knows it (it compares stored text)
    assert SearchState.loads(BEFORE_EXCLUSIONS) == SearchState(
        text="trade", countries=("KZ",), sort=Sort.OLDEST
    )


def test_history_and_saved_searches_of_earlier_versions_load(settings: Settings) -> None:
    settings.set(S.history, [STORED, BEFORE_EXCLUSIONS])
    settings.set(S.saved, {"talks": STORED})
    history = SearchHistory(settings)
    assert history.entries()[0] == STATE
    assert SavedSearches(settings).get("talks") == STATE
    history.add(STATE)  # the same search again: not a second entry
    assert settings.get(S.history) == [STORED, BEFORE_EXCLUSIONS]


def test_the_state_is_the_requests_query() -> None:
    """One value: the request asks exactly the state's query, with paging apart."""
    request = STATE.to_request()
    assert isinstance(STATE, Query) and isinstance(request, Query)
    assert SearchState.loads(STATE.typed("trade ta").dumps()).typing is False
    assert request == SearchRequest.of(STATE)
