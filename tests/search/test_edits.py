"""`search.query.edits`: many words tested against one fuzzy word at once, with the very
distance Whoosh's ``distance`` gives (optimal string alignment)."""

from __future__ import annotations

import random

import pytest
from whoosh.support.levenshtein import distance

from search.query.edits import distances_within, within


def test_random_words_agree_with_whooshs_distance() -> None:
    rng = random.Random(7)
    for _ in range(1500):
        text = "".join(rng.choice("abcd") for _ in range(rng.randint(0, 7)))
        words = ["".join(rng.choice("abcd") for _ in range(rng.randint(0, 9))) for _ in range(30)]
        bound = rng.randint(0, 3)
        want = [distance(word, text, bound) <= bound for word in words]
        assert distances_within(words, text, bound).tolist() == want, (text, bound)


@pytest.mark.parametrize(
    ("word", "near"),
    [
        ("cooperation", True),  # one letter missing
        ("cooperatoin", True),  # two letters swapped: one edit
        ("coperatoin", False),  # two edits
        ("cooperaton", True),  # the word itself
    ],
)
def test_one_edit_of_a_misspelt_word(word: str, near: bool) -> None:
    assert within([word], "cooperaton", 1) == ([word] if near else [])


def test_accented_letters_count_as_one_letter_each() -> None:
    assert within(["hà nội", "ha noi", "hanoi"], "ha noi", 1) == ["ha noi", "hanoi"]


def test_the_words_keep_their_order_and_the_empty_cases_hold() -> None:
    assert within(["trade", "grade", "trader", "tirade"], "trade", 1) == [
        "trade",
        "grade",
        "trader",
        "tirade",
    ]
    assert within([], "trade", 2) == []
    assert within(["", "a", "ab"], "", 1) == ["", "a"]
