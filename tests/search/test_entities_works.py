"""Titles of works (``works.py``): found from a cue beside one mention, every mention of the
title is no name, as ``combine`` applies it over hand-made spaCy spans."""

from __future__ import annotations

from search.entities import combine, extract, works
from search.entities.statistical import Span


def _spans(text: str, *mentions: tuple[str, str]) -> list[Span]:
    out: list[Span] = []
    for mention, label in mentions:
        start = text.find(mention)
        while start != -1:
            out.append(Span(start, start + len(mention), label, label))
            start = text.find(mention, start + 1)
    return out


def _found(text: str, *mentions: tuple[str, str]) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in combine.combine(text, extract(text), _spans(text, *mentions))}


def test_every_mention_of_a_title_after_a_noun_for_a_work_is_no_name() -> None:
    text = (
        "Viewers tuned in to the soap Harbour Lane on Monday. Later Harbour Lane lost its lead"
        " to a quiz show, said producer Jim Calder."
    )
    found = _found(text, ("Harbour Lane", "PLACE"), ("Jim Calder", "PERSON"))
    assert found == {("PERSON", "Jim Calder")}


def test_a_title_before_a_credit_is_no_name() -> None:
    text = "Next came Quiet Harvest - starring Mona Bell - in fourth place."
    found = _found(text, ("Quiet Harvest", "ORG"), ("Mona Bell", "PERSON"))
    assert found == {("PERSON", "Mona Bell")}


def test_a_possessive_before_a_credited_title_stays_its_owner() -> None:
    text = "Lena Ortiz's Paper Moon, directed by her brother, opened in May."
    assert works.title_spans(text) == ((text.index("Paper Moon"), text.index(",")),)


def test_titles_listed_after_a_plural_for_works_are_no_names() -> None:
    text = "The festival launched films such as Open Fields, The Long Way and Red Harbour."
    found = _found(text, ("Open Fields", "PERSON"), ("Long Way", "ORG"), ("Red Harbour", "PLACE"))
    assert found == set()


def test_takings_make_a_title_only_in_a_box_office_report() -> None:
    report = "At the US box office, Night Train has taken $40m (£21m) so far."
    assert ("ORG", "Night Train") not in _found(report, ("Night Train", "ORG"))
    results = "Ferro Steel has taken $40m (£21m) in orders this year."
    assert ("ORG", "Ferro Steel") in _found(results, ("Ferro Steel", "ORG"))


def test_a_name_running_past_a_title_stays() -> None:
    text = "The film Ray won praise. Ray Charles died in 2004."
    found = _found(text, ("Ray Charles", "PERSON"))
    assert ("PERSON", "Ray Charles") in found


def test_a_full_name_after_a_noun_for_a_work_is_no_title() -> None:
    text = "In the comedy Tom Hanks plays a pilot; Tom Hanks is 48."
    assert works.title_spans(text) == ()


def test_a_title_ends_with_its_sentence() -> None:
    text = "He was shooting the film Retirement. Mr Hernandez said he had left."
    assert [text[s:e] for s, e in works.title_spans(text)] == ["Retirement"]


def test_a_virus_and_its_variants_are_no_names() -> None:
    text = "The Zafi virus spread fast. Zafi.D and Zafi.B followed."
    assert _found(text, ("Zafi", "ORG"), ("D", "ORG"), ("B", "ORG")) == set()


def test_a_title_an_actor_has_a_part_in_is_no_name_but_a_country_stays() -> None:
    text = (
        "Nora Vale won for her role in Quiet Harvest. Quiet Harvest also took the music"
        " prize. Britain's role in Iraq was debated, and Leo Marsh starred in Redmoor."
    )
    found = _found(
        text,
        ("Nora Vale", "PERSON"),
        ("Quiet Harvest", "ORG"),
        ("Britain", "GPE"),
        ("Iraq", "GPE"),
        ("Leo Marsh", "PERSON"),
        ("Redmoor", "GPE"),
    )
    assert ("ORG", "Quiet Harvest") not in found and ("PLACE", "Redmoor") not in found
    assert {("PERSON", "Nora Vale"), ("PERSON", "Leo Marsh")} <= found
    assert {("COUNTRY", "Britain"), ("COUNTRY", "Iraq")} <= found


def test_a_title_before_trilogy_is_no_name() -> None:
    text = "The last of the Silver Crown trilogy opened, and Silver Crown fans queued."
    assert ("ORG", "Silver Crown") not in _found(text, ("Silver Crown", "ORG"))
