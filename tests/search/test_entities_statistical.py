"""The statistical recogniser: fallback without spaCy or a model, exact offsets, batching.

The model tests run spaCy's small English pipeline (a dependency in pyproject.toml); they
are skipped only where spaCy itself is not installed.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from collections.abc import Iterator

import pytest

from search.entities import statistical
from search.entities.statistical import Span

needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None, reason="spaCy is not installed"
)


@pytest.fixture(autouse=True)
def _fresh_pipeline() -> Iterator[None]:
    """Each test sees the loader's real first call; the pipeline is loaded again after."""
    statistical.reset()
    yield
    statistical.reset()


def _mentions(text: str) -> list[tuple[str, str]]:
    found = statistical.recognise(text)
    assert found is not None, statistical.status().reason
    return [(text[s.start : s.end], s.label) for s in found]


# --- fallback --------------------------------------------------------------------------


def test_without_spacy_it_is_unavailable_with_one_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # makes `import spacy` raise
    state = statistical.status()
    assert not state.available
    assert "spaCy" in state.reason and "\n" not in state.reason
    assert statistical.recognise_many(["Ada Lovelace met Charles Babbage."]) is None
    assert statistical.recognise("Ada Lovelace met Charles Babbage.") is None


def _fake_spacy(monkeypatch: pytest.MonkeyPatch, error: Exception) -> list[str]:
    asked: list[str] = []

    def load(name: str, **_: object) -> object:
        asked.append(name)
        raise error

    fake = types.ModuleType("spacy")
    fake.load = load  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "spacy", fake)
    return asked


def test_without_a_model_package_it_names_the_packages_it_looked_for(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = _fake_spacy(monkeypatch, OSError("[E050] Can't find model"))
    state = statistical.status()
    assert not state.available
    assert asked == list(statistical.PACKAGES)
    assert all(name in state.reason for name in statistical.PACKAGES)
    assert statistical.recognise_many(["text"]) is None


def test_a_model_that_fails_to_load_gives_the_error_as_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fake_spacy(monkeypatch, ValueError("incompatible spaCy version"))
    state = statistical.status()
    assert not state.available
    assert "incompatible spaCy version" in state.reason


def test_the_outcome_of_loading_is_kept_for_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _fake_spacy(monkeypatch, OSError("missing"))
    statistical.status()
    statistical.recognise_many(["one"])
    statistical.recognise("two")
    assert len(asked) == len(statistical.PACKAGES)  # tried once, not per call


# --- the model -------------------------------------------------------------------------


@needs_spacy
def test_it_loads_from_the_installed_package_with_only_ner() -> None:
    state = statistical.status()
    assert state.available, state.reason
    assert state.package in statistical.PACKAGES
    _, nlp = statistical._pipeline()
    assert nlp.pipe_names == ["ner"]


@needs_spacy
def test_a_person_span_indexes_the_original_text() -> None:
    text = "Yesterday the committee heard from Margaret Thatcher about the budget."
    assert ("Margaret Thatcher", "PERSON") in _mentions(text)


@needs_spacy
def test_offsets_count_characters_after_accents_and_curly_quotes() -> None:
    text = "“Ça va,” the café owner said. Later, Barack Obama flew to Chicago."
    found = _mentions(text)
    assert ("Barack Obama", "PERSON") in found
    assert ("Chicago", "PLACE") in found


@needs_spacy
def test_a_leading_the_is_left_out_of_the_span() -> None:
    text = "Kenya joined the United Nations in 1963, a year after independence."
    assert ("United Nations", "ORG") in _mentions(text)


@needs_spacy
def test_a_possessive_is_left_out_of_the_span() -> None:
    text = "Shares of several companies fell on Monday after Microsoft's report."
    assert ("Microsoft", "ORG") in _mentions(text)


@needs_spacy
def test_nationality_words_are_not_places() -> None:
    text = "Kenyan farmers and Brazilian traders met in Nairobi on Tuesday."
    found = _mentions(text)
    assert ("Nairobi", "PLACE") in found
    assert all(mention not in {"Kenyan", "Brazilian"} for mention, _ in found)


@needs_spacy
def test_long_texts_are_cut_at_line_breaks_without_moving_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = [
        "Nelson Mandela spoke in Johannesburg on Monday.",
        "The World Bank lent money to Ghana.",
        "Angela Merkel later visited Paris.",
    ]
    text = "\n".join(lines)
    whole = statistical.recognise(text)
    monkeypatch.setattr(statistical, "MAX_CHARS", 60)
    pieces = statistical.recognise(text)
    assert pieces is not None and whole is not None
    assert [(text[s.start : s.end], s.label) for s in pieces] == [
        (text[s.start : s.end], s.label) for s in whole
    ]
    assert ("Angela Merkel", "PERSON") in [(text[s.start : s.end], s.label) for s in pieces]


@needs_spacy
def test_a_batch_gives_what_one_at_a_time_gives() -> None:
    texts = [
        "Nelson Mandela spoke in Johannesburg on Monday.",
        "",
        "The International Monetary Fund's mission left Lagos.",
        "No names here at all, only words.",
        "Toyota and Honda said exports to Canada rose.\nSales in Ohio fell.",
    ]
    batched = statistical.recognise_many(texts)
    small_batches = statistical.recognise_many(texts, batch_size=2)
    one_by_one = [statistical.recognise(t) for t in texts]
    assert batched == small_batches == one_by_one
    assert batched is not None and batched[1] == [] and batched[0]
    for text, spans in zip(texts, batched, strict=True):
        for span in spans:
            assert isinstance(span, Span)
            assert 0 <= span.start < span.end <= len(text)
            assert text[span.start : span.end].strip() == text[span.start : span.end]


@pytest.mark.parametrize(
    ("span", "name"),
    [
        ("``Douglas Cardinal", "Douglas Cardinal"),
        ("the Southern Common Market (", "Southern Common Market"),
        ("Shanghai Cooperation Organisation (SCO", "Shanghai Cooperation Organisation"),
        ("Oddar Meanchey and", "Oddar Meanchey"),
        ("Microsoft's", "Microsoft"),
        ("U.S.", "U.S."),
        ("Organisation of American States (OAS)", "Organisation of American States (OAS)"),
    ],
)
def test_span_edges_are_trimmed_to_the_name(span: str, name: str) -> None:
    text = f"Before {span} after."
    start, end = statistical._trim(text, 7, 7 + len(span))
    assert text[start:end] == name


# --- rules layered over the spans (combine.py); spans written by hand, no model -----------


def _combined(text: str, spans: list[Span]) -> list[tuple[str, str, str]]:
    from search.entities import combine, extract

    return [(e.type, e.text, e.norm) for e in combine.combine(text, extract(text), spans)]


def test_a_span_both_propose_takes_the_rules_type_and_country_code() -> None:
    text = "Kenya's president spoke on Monday."
    assert ("COUNTRY", "Kenya", "KE") in _combined(text, [Span(0, 5, "PLACE", "GPE")])


def test_a_surname_spacy_calls_an_org_is_the_person_named_in_full() -> None:
    text = "Bakili Muluzi won the vote. Later Muluzi left the hall."
    found = _combined(text, [Span(0, 13, "PERSON", "PERSON"), Span(34, 40, "ORG", "ORG")])
    assert ("PERSON", "Muluzi", "Bakili Muluzi") in found
    assert all(typ != "ORG" for typ, _, _ in found)


def test_the_place_of_a_wire_dateline_is_a_place() -> None:
    text = "BLANTYRE, Malawi (AP) _ A judge said the case was closed."
    found = _combined(text, [Span(0, 8, "ORG", "ORG"), Span(10, 16, "PLACE", "GPE")])
    assert found[:2] == [("PLACE", "BLANTYRE", "Blantyre"), ("COUNTRY", "Malawi", "MW")]


def test_a_nationality_word_is_cut_off_the_front_of_a_person() -> None:
    text = "Two pilots, Kenyan Steve Riungu and another man, were freed."
    found = _combined(text, [Span(12, 31, "PERSON", "PERSON")])
    assert ("PERSON", "Steve Riungu", "Steve Riungu") in found
    assert ("COUNTRY", "Kenyan", "KE") in found


def test_a_spacy_facility_span_leaves_the_rules_mention_as_it_is() -> None:
    from search.entities import extract

    text = "They met at Heathrow Airport on Sunday."
    rules = [(e.type, e.text, e.norm) for e in extract(text)]
    assert _combined(text, [Span(12, 28, "PLACE", "FAC")]) == rules


def test_without_spacy_the_combination_is_the_rules_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from search.entities import combine, extract

    monkeypatch.setitem(sys.modules, "spacy", None)
    texts = ["President William Ruto met Vietnam's leaders in Hanoi.", "Nothing here."]
    assert combine.extract_many(texts) == [extract(t) for t in texts]


def test_a_place_the_rules_know_stays_a_place_whatever_spacy_calls_it() -> None:
    text = "The brigade would be based near Vilnius in 2027."
    assert ("PLACE", "Vilnius", "Vilnius") in _combined(text, [Span(32, 39, "ORG", "ORG")])


def test_titles_in_front_of_a_rules_person_are_left_out() -> None:
    text = "Ms Marsudi said Japan would help."
    found = _combined(text, [Span(0, 10, "ORG", "ORG")])
    assert ("PERSON", "Marsudi", "Marsudi") in found
    assert all(typ != "ORG" for typ, _, _ in found)


def test_a_nationality_word_is_cut_off_the_front_of_an_organisation() -> None:
    text = "She thanked the Kazakh Ministry of Foreign Affairs for the visit."
    found = _combined(text, [Span(16, 50, "ORG", "ORG")])
    assert found[:2] == [
        ("COUNTRY", "Kazakh", "KZ"),
        ("ORG", "Ministry of Foreign Affairs", "Ministry of Foreign Affairs"),
    ]
