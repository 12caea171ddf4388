"""Organisations in the rules layered over spaCy (``combine.py``): one error kind a test.

Most spans are written by hand (no spaCy needed); those marked ``needs_spacy`` run the
real pipeline and are skipped where spaCy is absent.
"""

from __future__ import annotations

import importlib.util

import pytest

from search.entities import combine, extract
from search.entities.statistical import Span

needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None, reason="spaCy is not installed"
)


def _span(text: str, mention: str, label: str, nth: int = 0) -> Span:
    """A hand-made spaCy span over the ``nth`` occurrence of ``mention`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return Span(start, start + len(mention), label, label)


def _typed(text: str, spans: list[Span]) -> list[tuple[str, str, int]]:
    return [(e.type, e.text, e.start) for e in combine.combine(text, extract(text), spans)]


# --- one company, one reading ---------------------------------------------------------


def test_a_company_with_a_dotted_legal_form_is_an_org_in_its_short_name() -> None:
    text = (
        "Dravomir S.A. posted a loss on Monday. Dravomir said sales fell, and "
        "analysts said Dravomir had cut prices."
    )
    spans = [_span(text, "Dravomir S.A.", "ORG"), _span(text, "Dravomir", "PERSON", 1)]
    found = _typed(text, spans)
    assert [t for t, name, _ in found if name == "Dravomir"] == ["ORG", "ORG"]


def test_a_name_before_shares_or_chief_executive_is_a_company_everywhere() -> None:
    text = (
        "Kelbrun said on Tuesday it would cut 300 jobs. Kelbrun chief executive "
        "Ann Morrow said the plan was needed. Kelbrun shares fell 4 percent, and "
        "Kelbrun Cables will be sold."
    )
    spans = [
        _span(text, "Kelbrun", "PERSON"),
        _span(text, "Ann Morrow", "PERSON"),
        _span(text, "Kelbrun Cables", "PERSON"),
    ]
    found = _typed(text, spans)
    kinds = {(t, name) for t, name, _ in found}
    assert ("ORG", "Kelbrun") in kinds and ("PERSON", "Kelbrun") not in kinds
    assert ("ORG", "Kelbrun Cables") in kinds
    assert ("PERSON", "Ann Morrow") in kinds


def test_a_news_agency_named_beside_the_word_is_an_org_where_the_rules_saw_a_speaker() -> None:
    text = (
        "The talks resumed on Friday, the state news agency Pravek reported. "
        "Delegates were optimistic, Pravek said."
    )
    found = _typed(text, [])
    assert [t for t, name, _ in found if name == "Pravek"] == ["ORG", "ORG"]


def test_the_surname_of_a_person_named_in_full_is_no_company_though_shares_follow() -> None:
    text = "Maria Kelbrun sold her stake. Kelbrun shares were bought by a fund."
    spans = [_span(text, "Maria Kelbrun", "PERSON"), _span(text, "Kelbrun", "ORG", 1)]
    found = _typed(text, spans)
    assert ("PERSON", "Maria Kelbrun", 0) in found
    assert not any(t == "ORG" and name == "Maria Kelbrun" for t, name, _ in found)
