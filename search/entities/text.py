"""Tokens with offsets, accent folding and lookup keys shared by every recogniser.

Recognisers never run regexes over each other's output: they all read one token list,
so offsets stay exact and a 600-word article is tokenised once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_SENTENCE_END = frozenset('.!?:;"“”«»—–(\n•')
_DASHES = frozenset("-–—")
_ELISIONS = frozenset("dlDL")
"""``d'Ivoire``, ``l'Afrique``: an elided French article before a capital counts as capitalised."""
_FOLD_EXTRA = str.maketrans(
    {
        "đ": "d",
        "Đ": "D",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "‘": "'",
        "’": "'",
        "ʻ": "'",
        "ʼ": "'",
    }
)


def alternation(words: Iterable[str]) -> str:
    """A regular expression's alternation of the words, each escaped, the longest first
    (so a longer word wins where it starts with a shorter one)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Strip accents (``Hà Nội`` -> ``Ha Noi``) so spellings with and without them meet."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_SPACING = re.compile(r"\s*[-–—]\s*")


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Lookup key: folded, lower case, dashes and runs of spaces as one space."""
    out = fold(text).lower()
    out = _SPACING.sub(" ", out)
    return " ".join(out.replace(".", " ").split())


_WORD_KEYS: dict[str, str] = {}
"""``key`` of single words (no spaces, dashes or dots, so just folded lower case)."""
_WORD_KEYS_MAX = 200_000


def word_key(text: str) -> str:
    """``key`` of one token's text, from a plain dict cache (the tokenizer's hot path)."""
    found = _WORD_KEYS.get(text)
    if found is None:
        found = fold(text).lower() if not text.isascii() else text.lower()
        if len(_WORD_KEYS) < _WORD_KEYS_MAX:
            _WORD_KEYS[text] = found
    return found


def squash(text: str) -> str:
    """Key without spaces, so ``Ha Noi``, ``HÀ NỘI`` and ``Hanoi`` meet."""
    return key(text).replace(" ", "").replace("'", "")


@dataclass(slots=True)
class Token:
    """A word of the body; ``end`` excludes a possessive ``'s`` (kept in ``full_end``)."""

    text: str
    start: int
    end: int
    full_end: int
    index: int
    key: str
    """``key(text)``: folded lower case."""
    cap: bool
    """Starts with an upper-case letter (or an elided ``d'``/``l'`` before one)."""
    upper: bool
    """All letters upper case and at least two of them (``ASEAN``, ``HÀ``)."""
    initial: bool
    """Sentence-initial (after a full stop, a line break, a quote or a dash); only set
    for capitalised words."""
    possessive: bool
    dot: bool
    """Directly followed by a full stop (``Mr.``, ``A.``)."""


def _is_initial(body: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and body[i] in " \t\r\u00a0":
        i -= 1
    return i < 0 or body[i] in _SENTENCE_END


def tokenize(body: str) -> list[Token]:
    """Words of ``body`` with offsets and the flags the recognisers ask for."""
    tokens: list[Token] = []
    append = tokens.append
    size = len(body)
    keys = _WORD_KEYS
    make = Token
    for m in _WORD.finditer(body):
        text = m.group()
        start, full_end = m.span()
        possessive = text.endswith(_POSSESSIVE) and len(text) > 2
        if possessive:
            text = text[:-2]
        k = keys.get(text)
        if k is None:
            k = word_key(text)
        dot = full_end < size and body[full_end] == "."
        capital = text[0].isupper() or (
            text[0] in _ELISIONS and len(text) > 2 and text[1] in "'’" and text[2].isupper()
        )
        append(
            make(
                text,
                start,
                start + len(text),
                full_end,
                len(tokens),
                k,
                capital,
                capital and len(text) > 1 and text.isupper(),
                capital and _is_initial(body, start),
                possessive,
                dot,
            )
        )
    return tokens


def gap(body: str, left: Token, right: Token) -> str:
    """The characters between two tokens."""
    return body[left.full_end : right.start]


def joinable(body: str, left: Token, right: Token) -> bool:
    """Whether two tokens can sit inside one name: one space or a dash between them.

    ``Asia – Pacific`` and ``Bà Rịa - Vũng Tàu`` join; a comma or a line break never does.
    A possessive does not stop a name here (``People's Army``); recognisers decide.
    """
    between = gap(body, left, right)
    if between in (" ", "-", "\u00a0"):
        return True
    stripped = between.strip(" \u00a0")
    return len(between) <= 3 and len(stripped) == 1 and stripped in _DASHES


def hyphenated(body: str, left: Token, right: Token) -> bool:
    """``Vietnam-China``: two names joined by a bare hyphen or dash."""
    return gap(body, left, right) in ("-", "–", "—")
