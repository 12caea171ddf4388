"""Well-known organisations beyond diplomacy (``data/orgs_world.tsv``): parties, companies,
broadcasters, clubs and bands are organisations, in the forms British and American papers
write them, without taking common words or the names around them. Invented texts."""

from __future__ import annotations

from search.entities import combine, extract
from search.entities.statistical import Span


def _orgs(text: str) -> set[tuple[str, str]]:
    return {(e.text, e.norm) for e in extract(text) if e.type == "ORG"}


def test_a_party_named_by_one_word_is_the_party_and_the_word_is_not() -> None:
    text = "Labour said the rise in labour costs would hurt the Tories."
    assert _orgs(text) == {("Labour", "Labour Party"), ("Tories", "Conservative Party")}


def test_parties_named_by_their_members_are_the_parties() -> None:
    text = (
        "The Christian Democrats and the Social Democrats agreed; Moro, a Christian "
        "Democrat, left. Republicans and Democrats in Congress voted."
    )
    found = _orgs(text)
    assert {
        ("Christian Democrats", "Christian Democrats"),
        ("Social Democrats", "Social Democrats"),
        ("Christian Democrat", "Christian Democrats"),
        ("Republicans", "Republican Party"),
        ("Democrats", "Democratic Party"),
    } <= found


def test_a_ministry_of_the_party_word_stays_the_ministry() -> None:
    found = _orgs("The Ministry of Labour said on Friday that jobs grew.")
    assert ("Ministry of Labour", "Ministry of Labour") in {(t, t) for t, _ in found}
    assert not any(text == "Labour" for text, _ in found)


def test_mixed_case_acronyms_of_british_papers_are_organisations() -> None:
    found = _orgs("Opec ministers met as Uefa and Nato officials looked on.")
    assert {("Opec", "OPEC"), ("Uefa", "UEFA"), ("Nato", "NATO")} <= found


def test_a_company_a_broadcaster_and_a_band_are_organisations() -> None:
    found = _orgs("Vodafone sponsors a Channel 4 show where Coldplay played.")
    assert {("Vodafone", "Vodafone"), ("Channel 4", "Channel 4"), ("Coldplay", "Coldplay")} <= found


def test_a_club_spacy_calls_a_person_or_cuts_to_its_town_is_the_club() -> None:
    text = "Arsenal beat Manchester United before Real Madrid arrived."
    spans = [
        Span(text.index("Manchester United"), text.index(" before"), "PERSON", "PERSON"),
        Span(text.index("Madrid"), text.index(" arrived"), "PLACE", "GPE"),
    ]
    found = {(e.type, e.text) for e in combine.combine(text, extract(text), spans)}
    assert {("ORG", "Arsenal"), ("ORG", "Manchester United"), ("ORG", "Real Madrid")} <= found
    assert ("PLACE", "Madrid") not in found


def test_the_two_lists_agree_on_every_name_they_share() -> None:
    from search.entities.data import table
    from search.entities.lexicon import key

    first = {key(row[0]): row[1] for row in table("orgs.tsv")}
    clashes = [
        (row[0], row[1], first[key(row[0])])
        for row in table("orgs_world.tsv")
        if key(row[0]) in first and first[key(row[0])] != row[1]
    ]
    assert clashes == []


def test_a_known_band_ending_in_an_event_word_is_no_event() -> None:
    """``Day`` heads events (``Independence Day``): ``Coldplay and Green Day`` was one
    event hiding both bands."""
    found = _orgs("Coldplay and Green Day will headline, before Independence Day.")
    assert {("Coldplay", "Coldplay"), ("Green Day", "Green Day")} <= found


def test_a_known_organisation_wins_over_the_person_spacy_cut_from_it() -> None:
    text = "Destiny's Child slipped one place to four."
    spans = [Span(0, text.index("'s"), "PERSON", "PERSON")]
    found = {(e.type, e.text) for e in combine.combine(text, extract(text), spans)}
    assert found == {("ORG", "Destiny's Child")}
