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
from itertools import accumulate, count

_WORD = re.compile(r"[^\W_]++(?:['’][^\W_]++)*+")
"""Letters and digits, joined by apostrophes; possessive repeats, as nothing after them
could make a shorter run match."""
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


_WORDS: dict[str, tuple[str, str, bool, bool, bool, int]] = {}
"""Matched word -> (text, key, cap, upper, possessive, length of the ``'s``): a word's
flags depend on its letters alone, so each distinct word is worked out once."""
_GAPS: dict[str, tuple[bool, bool]] = {}
"""Text between two words -> (the word before has a ``dot``, the word after is
``initial`` if capitalised): the few gaps news has (" ", ", ", ". ") are worked out once."""
_CACHE_MAX = 200_000
_GAP_MAX = 100
"""Longer gaps are worked out every time, so odd texts cannot fill `_GAPS`."""
_BLANKS = " \t\r\u00a0"
"""What `initial` looks back over to the end of the sentence before."""


def _word(matched: str) -> tuple[str, str, bool, bool, bool, int]:
    """The `_WORDS` entry of one match of `_WORD`."""
    possessive = matched.endswith(_POSSESSIVE) and len(matched) > 2
    text = matched[:-2] if possessive else matched
    lookup = fold(text).lower() if not text.isascii() else text.lower()
    capital = text[0].isupper() or (
        text[0] in _ELISIONS and len(text) > 2 and text[1] in "'’" and text[2].isupper()
    )
    upper = capital and len(text) > 1 and text.isupper()
    found = (text, lookup, capital, upper, possessive, len(matched) - len(text))
    if len(_WORDS) < _CACHE_MAX:
        _WORDS[matched] = found
    return found


def _gap(between: str) -> tuple[bool, bool]:
    """The `_GAPS` entry of the text between two words (a word's own characters are
    never a sentence's end, so only the gap decides)."""
    rest = between.rstrip(_BLANKS)
    found = (between[:1] == ".", bool(rest) and rest[-1] in _SENTENCE_END)
    if len(between) <= _GAP_MAX and len(_GAPS) < _CACHE_MAX:
        _GAPS[between] = found
    return found


_SPLIT = re.compile(f"({_WORD.pattern})")
"""`_WORD` kept by ``split``: gaps and words alternate, their offsets summed in C."""


def tokenize(body: str) -> list[Token]:
    """Words of ``body`` with offsets and the flags the recognisers ask for."""
    parts = _SPLIT.split(body)  # gap, word, gap, ..., word, gap
    if len(parts) < 2:
        return []
    lead = parts[0].rstrip(_BLANKS)
    initial = not lead or lead[-1] in _SENTENCE_END
    ends = accumulate(map(len, parts))
    rest = iter(parts)
    next(rest)
    words, gaps = _WORDS.get, _GAPS.get
    tokens: list[Token] = []
    append = tokens.append
    make = Token
    for matched, after, start, full_end, index in zip(rest, rest, ends, ends, count()):
        text, k, capital, upper, possessive, trim = words(matched) or _word(matched)
        dot, next_initial = gaps(after) or _gap(after)
        append(
            make(
                text,
                start,
                full_end - trim,
                full_end,
                index,
                k,
                capital,
                upper,
                capital and initial,
                possessive,
                dot,
            )
        )
        initial = next_initial
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
