"""ORG extraction: known bodies, keyword-headed names, acronyms paired with names."""

from __future__ import annotations

from search.entities import extract


def orgs(text: str) -> list[tuple[str, str]]:
    return [(e.text, e.norm) for e in extract(text) if e.type == "ORG"]


def test_acronym_defined_in_parentheses_shares_the_norm() -> None:
    text = "The African Development Bank (AfDB) approved a loan. The AfDB said so."
    assert orgs(text) == [
        ("African Development Bank", "African Development Bank"),
        ("AfDB", "African Development Bank"),
        ("AfDB", "African Development Bank"),
    ]


def test_acronym_with_inner_lower_case_letters() -> None:
    text = (
        "The Kazakhstan Institute for Strategic Studies under the President of the "
        "Republic of Kazakhstan (KazISS) met. KazISS hosted talks."
    )
    found = orgs(text)
    assert found[0] == ("Kazakhstan Institute for Strategic Studies",) * 2
    assert found[1:] == [("KazISS", "Kazakhstan Institute for Strategic Studies")] * 2


def test_initials_of_a_named_organisation() -> None:
    text = "According to the Kenya Defence Forces, ties grew, KDF said."
    assert orgs(text) == [
        ("Kenya Defence Forces", "Kenya Defence Forces"),
        ("KDF", "Kenya Defence Forces"),
    ]


def test_un_and_united_nations_are_one() -> None:
    assert {n for _, n in orgs("the United Nations (UN) and the UN")} == {"United Nations"}


def test_demonym_before_a_ministry_stays_a_country() -> None:
    found = extract("at the invitation of the Kazakh Ministry of Foreign Affairs.")
    assert [(e.type, e.text) for e in found] == [
        ("COUNTRY", "Kazakh"),
        ("ORG", "Ministry of Foreign Affairs"),
    ]
    assert found[1].country == "KZ"


def test_country_inside_an_org_name_is_part_of_it() -> None:
    found = extract("the Kazakhstan Institute for Strategic Studies and Vietnam People’s Army")
    assert [(e.type, e.text) for e in found] == [
        ("ORG", "Kazakhstan Institute for Strategic Studies"),
        ("ORG", "Vietnam People’s Army"),
    ]


def test_ministry_with_enumerated_portfolio() -> None:
    assert orgs("The Ministry of Culture, Sports and Tourism hosted it.") == [
        ("Ministry of Culture, Sports and Tourism", "Ministry of Culture, Sports and Tourism"),
    ]


def test_bare_keywords_are_not_organisations() -> None:
    assert orgs("The Party, State and Government agreed. Union members left.") == []


def test_treaty_names_hide_organisations_inside() -> None:
    text = "the 1982 United Nations Convention on the Law of the Sea (UNCLOS) applies"
    assert orgs(text) == []


def test_former_state_is_nothing() -> None:
    assert extract("the people of the Soviet Union") == []


def test_known_international_bodies() -> None:
    text = "ASEAN, the EU, the WTO and the World Bank met the African Union."
    assert [n for _, n in orgs(text)] == [
        "Association of Southeast Asian Nations",
        "European Union",
        "World Trade Organization",
        "World Bank",
        "African Union",
    ]
