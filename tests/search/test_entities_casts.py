"""Cast lists in reviews (``casts.py``): every name on one is a person's."""

from __future__ import annotations

from search.entities import casts, combine, extract
from search.entities.statistical import Span

CAST = (
    "The film opens on Friday.\n"
    "With: Dara Quill (Dollar Jim), Ansel Varga (Ebony), Orla Penn (Brooklyn), "
    "Tobiah Fenn (Mr. Keats) and Jessamy Holt (XL)."
)


def _at(text: str, mention: str) -> tuple[int, int]:
    start = text.index(mention)
    return start, start + len(mention)


def test_every_actor_and_part_on_a_cast_list_is_found() -> None:
    people = [_at(CAST, "Dara Quill"), _at(CAST, "Ansel Varga")]
    found = {CAST[s:e] for s, e in casts.cast_names(CAST, people, [_at(CAST, "Brooklyn")])}
    assert found == {
        "Dara Quill", "Dollar Jim", "Ansel Varga", "Ebony", "Orla Penn", "Brooklyn",
        "Tobiah Fenn", "Keats", "Jessamy Holt", "XL",
    }  # fmt: skip


def test_a_results_line_with_countries_in_brackets_is_no_cast_list() -> None:
    text = "Heat 2: Osmond Ezinwa (Nigeria), Rolf Amsel (Norway), Piet Brand (Belgium)."
    people = [_at(text, n) for n in ("Osmond Ezinwa", "Rolf Amsel", "Piet Brand")]
    places = [_at(text, n) for n in ("Nigeria", "Norway", "Belgium")]
    assert casts.cast_names(text, people, places) == []


def test_two_pairs_or_unknown_outer_names_make_no_cast_list() -> None:
    two = "Dara Quill (Dollar Jim) and Ansel Varga (Ebony) star."
    assert casts.cast_names(two, [_at(two, "Dara Quill"), _at(two, "Ansel Varga")], []) == []
    assert casts.cast_names(CAST, [_at(CAST, "Dara Quill")], []) == []


def test_combine_types_a_part_taken_for_a_place_as_a_person() -> None:
    spans = [
        Span(*_at(CAST, name), "PERSON", "PERSON")
        for name in ("Dara Quill", "Ansel Varga", "Orla Penn")
    ] + [Span(*_at(CAST, "Brooklyn"), "PLACE", "GPE")]
    found = {(e.type, e.text) for e in combine.combine(CAST, extract(CAST), spans)}
    assert {("PERSON", "Brooklyn"), ("PERSON", "Ebony"), ("PERSON", "Jessamy Holt")} <= found
    assert not any(t != "PERSON" for t, n in found if n in ("Brooklyn", "XL"))
