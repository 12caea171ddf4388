"""Tokens with offsets, accent folding and lookup keys shared by every recogniser.

Recognisers never run regexes over each other's output: they all read one token list,
so offsets stay exact and a 600-word article is tokenised once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_POSSESSIVE = ("'s", "’s", "'S", "’S")
_SENTENCE_END = frozenset(".!?:;\"“”«»—–(\n•")
_DASHES = frozenset("-–—")
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L",
                             "ı": "i", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "‘": "'",
                             "’": "'", "ʻ": "'", "ʼ": "'"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Strip accents (``Hà Nội`` -> ``Ha Noi``) so spellings with and without them meet."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65536)
def key(text: str) -> str:
    """Lookup key: folded, lower case, dashes and runs of spaces as one space."""
    out = fold(text).lower()
    out = re.sub(r"\s*[-–—]\s*", " ", out)
    return " ".join(out.replace(".", " ").split())


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
    """Starts with an upper-case letter."""
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
    for m in _WORD.finditer(body):
        text = m.group()
        start, full_end = m.start(), m.end()
        possessive = len(text) > 2 and text.endswith(_POSSESSIVE)
        if possessive:
            text = text[:-2]
        cap = text[0].isupper()
        append(
            Token(
                text,
                start,
                start + len(text),
                full_end,
                len(tokens),
                key(text),
                cap,
                cap and len(text) > 1 and text.isupper(),
                cap and _is_initial(body, start),
                possessive,
                full_end < size and body[full_end] == ".",
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
