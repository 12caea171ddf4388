"""Capitalised words that are no entity of ours (``not_names.py``), as ``combine`` applies
them over hand-made spaCy spans."""

from __future__ import annotations

from search.entities import combine, extract
from search.entities.statistical import Span


def _span(text: str, mention: str, label: str, source: str | None = None) -> Span:
    start = text.index(mention)
    return Span(start, start + len(mention), label, source or label)


def _found(text: str, spans: list[Span]) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in combine.combine(text, extract(text), spans)}


def test_a_town_or_sponsor_that_starts_an_events_name_is_no_mention() -> None:
    text = "She won on the eve of the Athens Olympics and before the Uefa Cup tie in Kyiv."
    found = _found(text, [_span(text, "Athens", "PLACE", "GPE"), _span(text, "Uefa", "ORG")])
    assert not {n for _, n in found} & {"Athens", "Uefa"}
    assert ("PLACE", "Kyiv") in found


def test_a_nation_before_a_numbered_championship_is_no_mention() -> None:
    text = "He could be fit for the RBS 6 Nations opener against Italy."
    found = _found(text, [_span(text, "RBS", "ORG")])
    assert ("ORG", "RBS") not in found and ("COUNTRY", "Italy") in found


def test_a_title_after_a_noun_for_a_work_is_no_mention() -> None:
    text = "Their album Stakonia sold well, and the single Hey Ya topped the chart."
    found = _found(text, [_span(text, "Stakonia", "PLACE", "GPE"), _span(text, "Hey Ya", "PERSON")])
    assert found == set()


def test_a_full_name_after_a_noun_for_a_work_stays_a_person() -> None:
    text = "The film Michael Ardent directed opened in Leeds."
    assert ("PERSON", "Michael Ardent") in _found(text, [_span(text, "Michael Ardent", "PERSON")])


def test_a_home_nations_people_word_alone_is_no_organisation() -> None:
    text = "Most Welsh quangos would be abolished, the minister said."
    assert _found(text, [_span(text, "Welsh", "ORG", "NORP")]) == set()


def test_a_faith_is_no_organisation() -> None:
    text = "The film criticised the treatment of women under Islam."
    assert _found(text, [_span(text, "Islam", "ORG")]) == set()


def test_a_sheriffs_title_is_not_part_of_his_name() -> None:
    text = '"I am not pleased," Sheriff Harry Lee said.'
    found = _found(text, [_span(text, "Sheriff Harry Lee", "PERSON")])
    assert ("PERSON", "Harry Lee") in found


def test_a_person_shaped_name_ending_in_a_business_word_is_an_organisation() -> None:
    text = "Prices rose by 0.8%, the Land Registry said, and Stanley Leisure shares fell."
    spans = [_span(text, "Land Registry", "PERSON"), _span(text, "Stanley Leisure", "PERSON")]
    assert {("ORG", "Land Registry"), ("ORG", "Stanley Leisure")} <= _found(text, spans)


def test_a_town_before_the_word_for_a_treaty_names_the_treaty() -> None:
    text = "They left the Lenvik protocol unsigned, though envoys still met in Lenvik."
    spans = [Span(text.index("Lenvik"), text.index(" protocol"), "PLACE", "GPE")]
    spans.append(Span(text.rindex("Lenvik"), text.rindex("."), "PLACE", "GPE"))
    found = {(e.type, e.text, e.start) for e in combine.combine(text, extract(text), spans)}
    assert found == {("PLACE", "Lenvik", text.rindex("Lenvik"))}
