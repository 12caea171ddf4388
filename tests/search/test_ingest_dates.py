"""The publication date found in the text is never a date the story recalls from the past."""

from __future__ import annotations

from datetime import date

import pytest

from search.ingest.dates import find_text_date


@pytest.mark.parametrize(
    "lede",
    [
        "The climber vanished 10 years ago, on 1 February 1995, on the north face.",
        "On 3 May 1998, when the talks began, the envoys met in Geneva.",
        "Prices have risen since January 5, 2024, the ministry said.",
        "The singer, born on 12 March 1960, toured again this spring.",
    ],
)
def test_a_date_the_sentence_puts_in_the_past_is_not_the_publication_date(lede: str) -> None:
    assert find_text_date([lede]) is None


@pytest.mark.parametrize(
    ("lede", "expected"),
    [
        ("LONDON, March 3, 2025 — The minister said the talks would resume.", date(2025, 3, 3)),
        ("The minister said on March 3, 2025 that the talks would resume.", date(2025, 3, 3)),
        (
            "The company, founded on 4 July 1990, said on 2 May 2025 that it would grow.",
            date(2025, 5, 2),
        ),
    ],
)
def test_a_date_told_as_the_news_is_the_publication_date(lede: str, expected: date) -> None:
    assert find_text_date([lede]) == expected
