"""The index's Whoosh analyzers and the Porter2 stemmer, over `search.analysis`.

Whoosh pickles the analyzers into the index's schema (``FoldFilter`` by its
class path), so moving or renaming anything here bumps ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Filter, RegexTokenizer, StopFilter
from whoosh.analysis.analyzers import Analyzer
from whoosh.lang.porter2 import stem as porter2_stem

from search.analysis import DROPPED, TOKEN_PATTERN, fold


@lru_cache(maxsize=200_000)
def stem(folded: str) -> str:
    """Porter2 stem of a folded word (cached: the vocabulary is small)."""
    if len(folded) < 3 or not folded.isalpha():
        return folded
    return str(porter2_stem(folded))


class FoldFilter(Filter):  # type: ignore[misc]
    """Whoosh filter applying `fold` (replaces LowercaseFilter + accent folding)."""

    def __call__(self, tokens: Iterator[object]) -> Iterator[object]:
        for token in tokens:
            token.text = fold(token.text)  # type: ignore[attr-defined]
            yield token


def _tokenizer() -> RegexTokenizer:
    return RegexTokenizer(expression=TOKEN_PATTERN)


def exact_analyzer() -> Analyzer:
    return _tokenizer() | FoldFilter() | StopFilter(stoplist=DROPPED, minsize=1, renumber=True)


def name_analyzer() -> Analyzer:
    """For person/org/place fields: folded words, no stems (names are not English)."""
    return exact_analyzer()
