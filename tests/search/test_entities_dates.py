"""DATE extraction and ISO norms, with and without a reference date."""

from __future__ import annotations

import datetime

from search.entities import extract

REF = datetime.date(2025, 2, 21)


def dates(text: str, ref: datetime.date | None = None) -> list[tuple[str, str]]:
    return [(e.text, e.norm) for e in extract(text, ref) if e.type == "DATE"]


def test_month_year_and_full_dates() -> None:
    assert dates("signed in August 2023, in force May 2024, on 12 June 2024") == [
        ("August 2023", "2023-08"),
        ("May 2024", "2024-05"),
        ("12 June 2024", "2024-06-12"),
    ]


def test_day_month_without_year_is_partial_without_reference() -> None:
    assert dates("in Hanoi on February 21.") == [("February 21", "--02-21")]


def test_day_month_takes_the_reference_year() -> None:
    assert dates("in Hanoi on February 21.", REF) == [("February 21", "2025-02-21")]


def test_range_within_a_month() -> None:
    assert dates("visited from March 2 to 3 for talks") == [
        ("March 2 to 3", "--03-02/--03-03"),
    ]
    assert dates("visited from March 2 to 3", datetime.date(2025, 3, 4)) == [
        ("March 2 to 3", "2025-03-02/2025-03-03"),
    ]


def test_relative_month_resolves_against_reference() -> None:
    assert dates("a visit in June last year", REF) == [("June last year", "2024-06")]
    assert dates("a visit in June last year") == [("June last year", "june last year")]
    assert dates("signed in February this year", REF) == [("February this year", "2025-02")]


def test_a_month_alone_without_a_year_has_no_fake_iso_form() -> None:
    """ "in October" with nothing to tie it to a year had the fake ISO form "--10"."""
    assert dates("Sales rose in October.") == [("October", "october")]
    assert dates("Sales rose in October.", REF) == [("October", "2024-10")]
    assert dates("Sales rose in October 2023.") == [("October 2023", "2023-10")]


def test_bare_month_needs_a_preposition() -> None:
    assert dates("talks in August and in September", REF) == [
        ("August", "2024-08"),
        ("September", "2024-09"),
    ]
    assert dates("May we go? The August Revolution.") == []


def test_years_but_not_amounts_or_names() -> None:
    text = "ties since 1992; 150,000 tourists; 7.09 per cent; $610 million; 2000 tonnes"
    assert dates(text) == [("1992", "1992")]
    assert dates("the Global Goals 2030 Summit and Vision 2045") == []


def test_relative_years() -> None:
    assert dates("growth last year and visits this year", REF) == [
        ("last year", "2024"),
        ("this year", "2025"),
    ]


def test_iso_dates() -> None:
    assert dates("published 2025-03-06.") == [("2025-03-06", "2025-03-06")]
