"""Our query syntax written as Sphinx's match syntax (`search.backends.cluster.match`):
plain words by stem, phrases and prefixes as written, names and countries as entity
words under any AND/OR/NOT, top-level dates as day conditions, and a notice (never an
error) for what the engine cannot do."""

from __future__ import annotations

import pytest

from search.backends.cluster.match import NOTHING, Translation, translate
from search.entities import lookup_country
from search.query.parsing import QueryParser
from search.store.schema import build_schema

PARSER = QueryParser(build_schema(), lookup_country)


def _translated(text: str, names: dict[str, list[int]] | None = None) -> Translation:
    found = names or {}

    def name_keys(fieldname: str, node: object) -> list[int]:
        return found.get(fieldname, [])

    return translate(PARSER.parse(text).query, name_keys, lambda code: {"KZ": 10, "FI": 11}[code])


def test_a_plain_word_asks_for_its_stem_and_a_phrase_for_its_words() -> None:
    assert _translated("cooperation").match == ("((@title_stems cooper) | (@body_stems cooper))")
    assert _translated('"foreign ministry"').match == (
        '((@title "foreign ministry") | (@body "foreign ministry"))'
    )
    assert _translated("us").match == "((@title us) | (@body us))"  # too short to stem


def test_names_and_countries_combine_with_words_under_or_and_not() -> None:
    t = _translated("trade OR person:blair -country:KZ", {"person": [5, 7]})
    assert t.match == (
        "(((@title_stems trade) | (@body_stems trade) | (@entity_keys e5 | e7)) -(@entity_keys ea))"
    )
    assert _translated("person:nobody").match == NOTHING and _translated("person:x").nothing


def test_a_top_level_date_range_is_a_day_condition() -> None:
    t = _translated("trade date:[2024-01-01 to 2024-02-29]")
    assert t.days == [(20240101, 20240229, False)]
    assert t.match == "(((@title_stems trade) | (@body_stems trade)))"
    assert _translated("date:2024-03-02").days == [(20240302, 20240302, False)]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("cooperaton~", "no fuzzy search"),
        ("co*p", "only at the end of a word"),
        ("source:vna", "source: cannot be searched"),
        ("trade OR date:2024-01-01", "date range inside OR"),
    ],
)
def test_what_the_engine_cannot_do_is_said(text: str, said: str) -> None:
    assert any(said in notice for notice in _translated(text).notices)


def test_excluded_words_alone_find_nothing_and_say_why() -> None:
    t = _translated("NOT russia")
    assert t.nothing and "excluded words alone" in t.notices[0]
