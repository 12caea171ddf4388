"""The tokenizer every recogniser reads (`search.entities.text.tokenize`): its offsets and
flags on edge cases, pinned so that a faster tokenizer cannot drift from them."""

from __future__ import annotations

import pytest

from search.entities import countries
from search.entities.text import Token, tokenize


def flags(text: str, *names: str) -> list[tuple[object, ...]]:
    """(text, *fields) of every token of ``text``."""
    return [(t.text, *(getattr(t, n) for n in names)) for t in tokenize(text)]


def test_offsets_index_and_key() -> None:
    body = "  Hà Nội’s 2005 x_y"
    tokens = tokenize(body)
    assert [(t.text, t.start, t.end, t.full_end, t.index, t.key) for t in tokens] == [
        ("Hà", 2, 4, 4, 0, "ha"),
        ("Nội", 5, 8, 10, 1, "noi"),
        ("2005", 11, 15, 15, 2, "2005"),
        ("x", 16, 17, 17, 3, "x"),
        ("y", 18, 19, 19, 4, "y"),
    ]
    assert all(body[t.start : t.end] == t.text for t in tokens)


@pytest.mark.parametrize("body", ["", " ", "\n\n", "...", "—“”«»_-_", "___"])
def test_no_words_no_tokens(body: str) -> None:
    assert tokenize(body) == []


def test_possessive_is_cut_only_after_a_longer_word() -> None:
    assert flags("Japan's JAPAN’S Japan’S US's s's 's it’s", "possessive") == [
        ("Japan", True),
        ("JAPAN", True),
        ("Japan", True),
        ("US", True),
        ("s", True),
        ("s", False),  # "'s" alone: the apostrophe is no word character
        ("it", True),
    ]


def test_capitals_and_elided_articles() -> None:
    assert flags("d'Ivoire l’Afrique D'Arcy d'e d' Ivoire 5G éclair É", "cap") == [
        ("d'Ivoire", True),
        ("l’Afrique", True),
        ("D'Arcy", True),
        ("d'e", False),
        ("d", False),
        ("Ivoire", True),
        ("5G", False),
        ("éclair", False),
        ("É", True),
    ]


def test_upper_needs_two_letters_and_a_capital_first() -> None:
    assert flags("ASEAN HÀ A I 5G G5 ÉU d'IVOIRE USA's", "upper") == [
        ("ASEAN", True),
        ("HÀ", True),
        ("A", False),
        ("I", False),
        ("5G", False),  # no capital first: not even cap
        ("G5", True),
        ("ÉU", True),
        ("d'IVOIRE", False),
        ("USA", True),
    ]


def test_initial_after_stops_lines_quotes_and_dashes() -> None:
    body = (
        "Japan met China. Korea\nGeorgia\u00a0\t Chad said “Mali” — Niger: Peru (Iraq) "
        "• Oman Fiji, Laos Cuba. india"
    )
    assert flags(body, "initial") == [
        ("Japan", True),  # the body's start
        ("met", False),
        ("China", False),
        ("Korea", True),
        ("Georgia", True),
        ("Chad", False),  # spaces and tabs are looked over, to "Georgia"
        ("said", False),
        ("Mali", True),
        ("Niger", True),
        ("Peru", True),
        ("Iraq", True),
        ("Oman", True),
        ("Fiji", False),
        ("Laos", False),
        ("Cuba", False),
        ("india", False),  # only capitalised words are initial
    ]


def test_initial_at_the_start_behind_blanks_or_a_comma() -> None:
    assert flags("  \u00a0Japan", "initial") == [("Japan", True)]
    assert flags(", Japan", "initial") == [("Japan", False)]
    assert flags("\r\nJapan", "initial") == [("Japan", True)]


@pytest.mark.parametrize("blank", ["\t", "\r", "\u00a0", " \t\r\u00a0 "])
def test_initial_looks_over_tabs_returns_and_no_break_spaces(blank: str) -> None:
    assert flags(f"Peru.{blank}Chile{blank}Cuba", "initial") == [
        ("Peru", True),
        ("Chile", True),
        ("Cuba", False),
    ]


def test_dot_directly_after_the_word() -> None:
    assert flags("Mr. A.B. Smith . Jr.'s U.S.", "dot") == [
        ("Mr", True),
        ("A", True),
        ("B", True),
        ("Smith", False),
        ("Jr", True),
        ("s", False),
        ("U", True),
        ("S", True),
    ]


def test_same_tokens_the_second_time() -> None:
    """The per-word and per-gap caches give what the first pass worked out."""
    body = "Ha Noi. HA NOI’s d'Ivoire, Japan. Japan"
    first = [
        (t.text, t.key, t.cap, t.upper, t.initial, t.possessive, t.dot) for t in tokenize(body)
    ]
    again = tokenize(body)
    assert [(t.text, t.key, t.cap, t.upper, t.initial, t.possessive, t.dot) for t in again] == first
    assert all(isinstance(t, Token) for t in again)
    assert [t.initial for t in again if t.text == "Japan"] == [False, True]


@pytest.mark.parametrize(
    ("body", "found"),
    [
        ("The U.S. and the U.K.", ["U.S.", "U.K."]),
        ("U.S.A. troops", ["U.S.A."]),
        ("AU.S. .U.S. _U.S. 5U.S. éU.S. x.U.K.", []),
        ("U.S.Army U.S.é U.S.5 U.S._", []),
        ("U.S.U.K. (U.S.) U.S.-led", ["U.S.", "U.S."]),
    ],
)
def test_dotted_aliases_need_no_word_or_dot_before(body: str, found: list[str]) -> None:
    """`countries.find`'s dotted aliases as the lookbehind ``(?<![\\w.])`` had them."""
    tokens = tokenize(body)
    dotted = [c for c in countries.find(body, tokens) if "." in body[c.start : c.end]]
    assert [body[c.start : c.end] for c in dotted] == found
