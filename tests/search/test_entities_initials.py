"""Short forms spelling an organisation's initials (``initials.py``) and what ``combine``
makes of them."""

from __future__ import annotations

from search.entities import combine, extract, initials
from search.entities.statistical import Span


def test_initials_skip_small_words() -> None:
    assert initials.initials("Association of Chief Police Officers") == "ACPO"
    assert initials.initials("British American Tobacco") == "BAT"
    assert initials.initials("Lycos") is None


def test_a_mixed_case_short_form_is_found_in_the_body() -> None:
    body = "The Association of Chief Police Officers spoke. Acpo wants pubs shut."
    assert initials.short_forms(body, ["Association of Chief Police Officers"]) == {
        "Acpo": "Association of Chief Police Officers"
    }


def test_a_short_form_spacy_called_a_person_is_the_organisation_everywhere() -> None:
    text = (
        "British American Tobacco plans a factory. A spokeswoman for Bat declined to comment."
        "\nBat told the paper it would wait."
    )
    spans = [
        Span(0, 24, "ORG", "ORG"),
        Span(text.index("Bat "), text.index("Bat ") + 3, "PERSON", "PERSON"),
    ]
    entities = [e for e in combine.combine(text, extract(text), spans) if e.text == "Bat"]
    assert [(e.type, e.norm) for e in entities] == [("ORG", "British American Tobacco")] * 2


def test_a_capitalised_word_nobody_proposed_is_not_made_a_short_form() -> None:
    text = "The Bank of England raised rates. Be sure to check, it said."
    spans = [Span(4, 21, "ORG", "ORG")]
    assert not any(e.text == "Be" for e in combine.combine(text, extract(text), spans))
