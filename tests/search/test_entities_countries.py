"""COUNTRY extraction and the country look-up helpers."""

from __future__ import annotations

import pytest

from search.entities import country_name, extract, extract_countries, lookup_country


def countries(text: str) -> list[tuple[str, str]]:
    """The COUNTRY mentions of all the rules, which the text phase's countries-only path
    (`extract_countries`) must give too."""
    found = [(e.text, e.norm) for e in extract(text) if e.type == "COUNTRY"]
    assert [(e.text, e.norm) for e in extract_countries(text)] == found
    return found


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kazakhstan", "KZ"),
        ("kazakh", "KZ"),
        ("Viet Nam", "VN"),
        ("Việt Nam", "VN"),
        ("Vietnamese", "VN"),
        ("kz", "KZ"),
        ("KGZ", "KG"),
        ("Kyrgyz Republic", "KG"),
        ("Russian Federation", "RU"),
        ("the United States", "US"),
        ("U.S.", "US"),
        ("Lao", "LA"),
        ("Kenyans", "KE"),
        ("South Korea", "KR"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Côte d'Ivoire", "CI"),
    ],
)
def test_lookup_country_accepts_names_aliases_demonyms_and_codes(text: str, code: str) -> None:
    assert lookup_country(text) == code


@pytest.mark.parametrize("text", ["Hanoi", "Astana", "ASEAN", "Soviet Union", "", "Eurasian"])
def test_lookup_country_returns_none_for_non_countries(text: str) -> None:
    assert lookup_country(text) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("KZ", "Kazakhstan"),
        ("VN", "Vietnam"),
        ("RU", "Russia"),
        ("LA", "Laos"),
        ("KR", "South Korea"),
        ("US", "United States"),
        ("BO", "Bolivia"),
        ("kg", "Kyrgyzstan"),
    ],
)
def test_country_name_is_the_common_short_name(code: str, name: str) -> None:
    assert country_name(code) == name


def test_country_name_of_unknown_code_is_the_code() -> None:
    assert country_name("XX") == "XX"


def test_names_aliases_and_demonyms_become_codes() -> None:
    text = (
        "Việt Nam and the Kyrgyz Republic, Vietnam and Kyrgyzstan: Vietnamese and Kyrgyz "
        "officials met Kazakh and Kenyan delegates, while Russian and Lao envoys listened."
    )
    assert [code for _, code in countries(text)] == [
        "VN",
        "KG",
        "VN",
        "KG",
        "VN",
        "KG",
        "KZ",
        "KE",
        "RU",
        "LA",
    ]


def test_us_variants_share_one_code() -> None:
    text = "The US, the U.S. and the United States of America signed; so did America."
    assert countries(text) == [
        ("US", "US"),
        ("U.S.", "US"),
        ("United States of America", "US"),
        ("America", "US"),
    ]


def test_lowercase_us_is_a_pronoun() -> None:
    assert countries("Let us go; they told us so.") == []


def test_us_dollars_and_shouted_headlines_are_not_the_country() -> None:
    assert countries("It cost US$5 million.") == []
    assert countries("PLEASE HELP US NOW\nThe text follows.") == []


def test_lowercase_turkey_is_food() -> None:
    assert countries("They ate turkey and chad at dinner.") == []


def test_offsets_point_into_the_body() -> None:
    body = "Talks in Hà Nội: Việt Nam–Lao ties and the Lao People's Democratic Republic."
    found = [e for e in extract(body) if e.type == "COUNTRY"]
    assert [(e.text, e.norm) for e in found] == [
        ("Việt Nam", "VN"),
        ("Lao", "LA"),
        ("Lao People's Democratic Republic", "LA"),
    ]
    assert all(body[e.start : e.end] == e.text for e in found)


def test_hyphenated_pairs_are_two_countries() -> None:
    assert countries("the Russia-Ukraine conflict and Vietnam–China ties") == [
        ("Russia", "RU"),
        ("Ukraine", "UA"),
        ("Vietnam", "VN"),
        ("China", "CN"),
    ]


def test_former_states_name_no_country() -> None:
    assert countries("the people of the Soviet Union and the USSR") == []


def test_longer_country_names_win_over_parts() -> None:
    text = "Papua New Guinea, Guinea-Bissau, Equatorial Guinea, Guinea, Niger and Nigeria."
    assert countries(text) == [
        ("Papua New Guinea", "PG"),
        ("Guinea-Bissau", "GW"),
        ("Equatorial Guinea", "GQ"),
        ("Guinea", "GN"),
        ("Niger", "NE"),
        ("Nigeria", "NG"),
    ]


def test_countries_not_in_the_sample_are_found() -> None:
    text = "Indonesian President Prabowo met Japanese officials; France and Germany watched."
    assert [c for _, c in countries(text)] == ["ID", "JP", "FR", "DE"]


def test_possessive_country_excludes_the_apostrophe() -> None:
    assert countries("Kenya’s embassy in Bangkok") == [("Kenya", "KE")]


def test_nationality_nouns_without_a_derived_plural_name_their_country() -> None:
    from search.entities import extract

    text = "Bosnian Serbs and Croats met Poles, Britons and a Frenchman; the Serb side agreed."
    found = {(e.text, e.norm) for e in extract(text) if e.type == "COUNTRY"}
    assert {("Serbs", "RS"), ("Croats", "HR"), ("Poles", "PL"), ("Britons", "GB")} <= found
    assert {("Frenchman", "FR"), ("Serb", "RS")} <= found
