"""Text analysis shared by indexing, query parsing, snippets and hit marking.

The index holds each word once, case and accents folded (``Hằng`` = ``hang``),
with ``Việt Nam``/``Viet Nam`` joined into ``vietnam``. Stemming happens at
query time instead (`search.stems`): a plain word is expanded to the indexed
words sharing its Porter2 stem, so ``cooperate`` finds ``cooperation`` while a
quoted phrase, ``coop*`` and ``term~`` see the words as written. Indexing every
body once instead of twice (stemmed and exact) halves the indexing work.

Snippets and the reader's hit marks use the same `fold` (`word_keys`), so what
is marked is exactly what matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import Analyzer
from whoosh.lang.porter2 import stem as porter2_stem

TOKEN_PATTERN = re.compile(
    r"vi[eêệ]t[ \t\u00a0\-]*nam(?![\w])"  # Việt Nam / Viet Nam / Viet-Nam -> one word
    r"|\w+(?:\.\w+)*",  # words; U.S. and 7.09 stay whole; apostrophes split
    re.IGNORECASE | re.UNICODE,
)
_JOINED_VIETNAM = re.compile(r"^vi[eêệ]t[\s\-]*nam$")
_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"}
)
_DROP = frozenset({"s", "t"})
"""What is left of possessives and contractions after splitting at apostrophes."""


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case, strip accents and join ``viet nam``: the exact-match key of a word."""
    text = word.lower()
    if not text.isascii():
        text = text.translate(_FOLD_EXTRA)
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
    if _JOINED_VIETNAM.match(text):
        return "vietnam"
    if "." in text and not any(ch.isdigit() for ch in text):
        text = text.replace(".", "")  # U.S. -> us, like US
    return text


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """Porter2 stem of a folded word (cached: the vocabulary is small)."""
    if len(folded) < 3 or not folded.isalpha():
        return folded
    return str(porter2_stem(folded))


def word_keys(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded key) of every indexed word, for snippets and marks."""
    for match in TOKEN_PATTERN.finditer(text):
        key = fold(match.group(0))
        if key not in _DROP:
            yield match.start(), match.end(), key


def word_positions(text: str) -> dict[str, list[int]]:
    """``exact_analyzer``'s words of ``text`` with their positions, without its token objects.

    The same words and positions as Whoosh's tokenizer -> `FoldFilter` -> stop
    filter chain (tests compare them), at about half its cost: indexing
    analyses every body in the one writer process, so this is build time.
    """
    positions: dict[str, list[int]] = {}
    position = -1
    for index, token in enumerate(TOKEN_PATTERN.findall(text)):
        key = fold(token)
        if key in _DROP:
            continue
        # Whoosh's stop filter renumbers from the first kept word's own position.
        position = index if position < 0 else position + 1
        found = positions.get(key)
        if found is None:
            positions[key] = [position]
        else:
            found.append(position)
    return positions


def _same_length_fold_table() -> dict[int, str]:
    """Latin letters -> their folded single letter (``Ằ`` -> ``a``), ASCII upper -> lower."""
    table: dict[int, str] = {}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    return table


_FOLD_TABLE = _same_length_fold_table()


def fold_text(text: str) -> str:
    """`fold` for a whole text, keeping every offset (one character for one)."""
    return text.translate(_FOLD_TABLE)


class FoldFilter(Filter):  # type: ignore[misc]
    """Whoosh filter applying `fold` (replaces LowercaseFilter + accent folding)."""

    def __call__(self, tokens: Iterator[object]) -> Iterator[object]:
        for token in tokens:
            token.text = fold(token.text)  # type: ignore[attr-defined]
            yield token


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(expression=TOKEN_PATTERN)


def exact_analyzer() -> Analyzer:
    return _tokenizer() | FoldFilter() | StopFilter(stoplist=_DROP, minsize=1, renumber=True)


def name_analyzer() -> Analyzer:
    """For person/org/place fields: folded words, no stems (names are not English)."""
    return exact_analyzer()
