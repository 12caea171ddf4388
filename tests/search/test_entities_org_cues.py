"""Names an organisation's noun or a list of organisations marks (``org_cues.py``), and
what ``combine`` makes of them where spaCy alone called the name a person."""

from __future__ import annotations

from search.entities import combine, extract, org_cues
from search.entities.statistical import Span


def _person_spans(text: str, *names: str) -> list[Span]:
    spans = []
    for name in names:
        start = -1
        while (start := text.find(name, start + 1)) >= 0:
            spans.append(Span(start, start + len(name), "PERSON", "PERSON"))
    return spans


def test_a_noun_for_an_organisation_right_before_a_name_marks_it() -> None:
    text = "Internet portal Kelvaro has made a screensaver. The rap group Zentu split."
    assert org_cues.cued_names(text) == {"Kelvaro", "Zentu"}


def test_a_list_after_organisations_such_as_marks_every_name() -> None:
    text = "Reports come from organisations such as Spamvar, Norlex and Quibly."
    assert org_cues.cued_names(text) == {"Spamvar", "Norlex", "Quibly"}


def test_a_name_that_goes_on_past_a_small_word_is_left_out() -> None:
    text = "The pressure group Human Rights in Tarvia said the arrest was political."
    assert org_cues.cued_names(text) == set()


def test_every_mention_of_a_cued_name_spacy_called_a_person_is_the_organisation() -> None:
    text = "Internet portal Kelvaro has made a screensaver.\nKelvaro hopes it will help."
    found = {
        (e.type, e.start)
        for e in combine.combine(text, extract(text), _person_spans(text, "Kelvaro"))
    }
    assert found == {("ORG", 16), ("ORG", 48)}


def test_a_person_after_a_company_noun_with_a_given_name_stays_a_person() -> None:
    text = "He sold the company Michael Ardent had founded in 1990."
    spans = _person_spans(text, "Michael Ardent")
    found = {(e.type, e.text) for e in combine.combine(text, extract(text), spans)}
    assert ("PERSON", "Michael Ardent") in found


def test_a_listed_name_ends_with_its_sentence() -> None:
    text = "Lists come from organisations such as Spamvar. To limit mistakes, people check."
    assert org_cues.cued_names(text) == {"Spamvar"}
