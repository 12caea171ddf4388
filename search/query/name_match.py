"""Name-field queries (``person:``, ``org:``, ``place:``) answered from the table's columns.

The people/orgs/places columns of `search.store.doctable` are what the facets and the
name filters count; their names come from the entity store
(`search.store.entity_columns`), while the Whoosh fields of the same names stay empty
(the text phase recognises countries alone). So a field query is matched here against
the column's vocabulary: each value is cut into words by the field's own analyzer
(`name_analyzer`), a query node picks the values it matches, and the documents are
those having any of those values, exactly the documents a facet counts for them.

A value's words are only ever matched within that value: ``person:"blair hang"``
does not match an article naming Tony Blair and Lê Thị Thu Hằng.
"""

from __future__ import annotations

import bisect
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from search.analysis import fold, word_keys
from search.query import edits
from search.store.analyzers import exact_analyzer, name_analyzer
from search.store.doctable import BoolArray, IntArray, MultiValued
from search.store.whoosh_api import query

CHECK_EVERY = 512
"""Words a pattern looks at between two looks at the clock."""
FUZZY_SLICE = 8192
"""Words a fuzzy pattern compares at once (`edits.distances_within`)."""
CACHED_COLUMNS = 6
"""Columns whose word maps are kept: three per reader, the one in use and the one before."""
CACHED_PATTERNS = 2000
"""Patterns whose values are remembered per column (random queries must not grow it forever)."""


class HasNameColumns(Protocol):
    """What `name_columns` reads: a `DocTable`, or anything holding the same columns."""

    people: MultiValued
    orgs: MultiValued
    places: MultiValued


def name_columns(table: HasNameColumns) -> dict[str, MultiValued]:
    """Query field -> the table column it is answered from."""
    return {"person": table.people, "org": table.orgs, "place": table.places}


@dataclass(slots=True)
class NameMatch:
    """The documents a name-field query node matches.

    ``complete`` is False when the deadline cut a pattern's walk over the words:
    the mask then holds what was found by then (said to the user as a cut query)."""

    mask: BoolArray
    complete: bool


@dataclass(slots=True)
class NameWords:
    """The words of one column's values, and which values hold each word.

    ``words`` are the distinct words, sorted (prefix look-ups bisect them); the
    values of word ``w`` are ``value_ids[starts[w]:starts[w + 1]]``, ascending.
    ``tokens[v]`` are value ``v``'s words in order, for phrases."""

    words: list[str]
    word_index: dict[str, int]
    starts: IntArray
    value_ids: IntArray
    tokens: list[tuple[str, ...]]
    _patterns: OrderedDict[tuple[Any, ...], IntArray] = field(default_factory=OrderedDict)

    @classmethod
    def build(cls, vocab: list[str]) -> NameWords:
        tokens = [_tokens(value) for value in vocab]
        words = sorted({word for value_tokens in tokens for word in value_tokens})
        word_index = {word: i for i, word in enumerate(words)}
        lengths = np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens))
        word_of = np.fromiter(
            (word_index[word] for value_tokens in tokens for word in value_tokens),
            dtype=np.int64,
            count=int(lengths.sum()),
        )
        value_of = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
        # One pair per (word, value), even for a word a value holds twice; sorted by
        # word, then value, so each word's values are an ascending slice.
        pairs = np.unique(word_of * max(1, len(tokens)) + value_of)
        word_of, value_ids = np.divmod(pairs, max(1, len(tokens)))
        starts = np.searchsorted(word_of, np.arange(len(words) + 1))
        return cls(words, word_index, starts.astype(np.int64), value_ids, tokens)

    def values_of(self, word: str) -> IntArray:
        """The values holding ``word`` (none for a word no value has)."""
        at = self.word_index.get(word)
        if at is None:
            return np.empty(0, dtype=np.int64)
        found: IntArray = self.value_ids[self.starts[at] : self.starts[at + 1]]
        return found

    def values_of_words(self, word_ids: Iterable[int]) -> IntArray:
        """The values holding any of these words, one numpy pass (not one slice each)."""
        chosen = np.zeros(len(self.words), dtype=bool)
        chosen[np.fromiter(word_ids, dtype=np.int64)] = True
        per_pair = np.repeat(chosen, np.diff(self.starts))
        found: IntArray = np.unique(self.value_ids[per_pair])
        return found

    def with_prefix(self, prefix: str) -> range:
        """Positions in ``words`` of the words starting with ``prefix``."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        return range(lo, hi)

    def remembered(self, key: tuple[Any, ...]) -> IntArray | None:
        return self._patterns.get(key)

    def remember(self, key: tuple[Any, ...], values: IntArray) -> None:
        if len(self._patterns) >= CACHED_PATTERNS:
            self._patterns.popitem(last=False)
        self._patterns[key] = values


_ANALYZER = name_analyzer()
_SAME_AS_WORD_KEYS = exact_analyzer() == _ANALYZER
"""`word_keys` gives that chain's words, in order, at about half its cost (tests compare them)."""


@lru_cache(maxsize=200_000)
def _tokens(value: str) -> tuple[str, ...]:
    """A value's words as the Whoosh name fields index them.

    Cached across readers: after a refresh most values are the same, and cutting
    them was most of a word map's build (56,000 people: 0.5 s cold, 0.13 s warm)."""
    if _SAME_AS_WORD_KEYS:
        return tuple(key for _, _, key in word_keys(value))
    return tuple(token.text for token in _ANALYZER(value))


_columns: OrderedDict[int, tuple[MultiValued, NameWords]] = OrderedDict()
_columns_lock = threading.Lock()


def name_words(column: MultiValued) -> NameWords:
    """The column's word map, built on first use and kept while the column is recent.

    Keyed by the column's identity with the column itself kept, so a new column
    that happens to reuse a freed one's id is not served the old words; bounded,
    so columns of readers long replaced are let go."""
    key = id(column)
    with _columns_lock:
        entry = _columns.get(key)
        if entry is not None and entry[0] is column:
            _columns.move_to_end(key)
            return entry[1]
    built = NameWords.build(column.vocab)
    with _columns_lock:
        _columns[key] = (column, built)
        _columns.move_to_end(key)
        while len(_columns) > CACHED_COLUMNS:
            _columns.popitem(last=False)
    return built


def match(
    q: Any, column: MultiValued, size: int, deadline: float | None = None
) -> NameMatch | None:
    """The documents (of ``size``) having a value of ``column`` that ``q`` matches;
    None for a node of another kind (the caller asks Whoosh instead).

    ``deadline`` (a ``time.perf_counter`` time) bounds the walks of patterns over
    the words; the first slice of words is always looked at."""
    kind = _kind(q)
    if kind is None:
        return None
    words = name_words(column)
    key = (kind, repr(q))
    values = words.remembered(key)
    complete = True
    if values is None:
        values, complete = _VALUE_FINDERS[kind](q, words, deadline)
        if complete:
            words.remember(key, values)
    return NameMatch(documents_with(column, values, size), complete)


def documents_with(column: MultiValued, values: IntArray, size: int) -> BoolArray:
    """Mask of documents having any of these values (a look-up table over the pairs)."""
    mask = np.zeros(size, dtype=bool)
    if len(values) and len(column.docs):
        wanted = np.zeros(len(column.vocab), dtype=bool)
        wanted[values] = True
        mask[column.docs[wanted[column.values]]] = True
    return mask


_KINDS: Mapping[type, str] = {
    query.Term: "term",
    query.Phrase: "phrase",
    query.Prefix: "prefix",
    query.Wildcard: "wildcard",
    query.FuzzyTerm: "fuzzy",
    query.Regex: "regex",
    query.TermRange: "range",
}
"""Supported nodes, by exact type: a subclass may mean something else."""


def _kind(q: Any) -> str | None:
    return _KINDS.get(type(q))


_Finder = Callable[[Any, NameWords, float | None], tuple[IntArray, bool]]


def _term(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    return words.values_of(fold(_text(q.text))), True


def _phrase(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    """Values holding the words in order, each within ``slop`` positions of the one
    before (as Whoosh's phrase: slop 1 is adjacent), all inside the one value."""
    wanted = [fold(_text(word)) for word in q.words]
    if not wanted:
        return np.empty(0, dtype=np.int64), True
    candidates = words.values_of(wanted[0])
    for word in set(wanted[1:]):
        if not len(candidates):
            break
        candidates = np.intersect1d(candidates, words.values_of(word), assume_unique=True)
    slop = max(1, int(q.slop))
    kept = [v for v in candidates.tolist() if _in_order(words.tokens[v], wanted, slop)]
    return np.asarray(kept, dtype=np.int64), True


def _in_order(tokens: tuple[str, ...], wanted: list[str], slop: int) -> bool:
    """Whether positions p0 < p1 < ... of the wanted words exist with each gap at most ``slop``."""
    reachable = [p for p, token in enumerate(tokens) if token == wanted[0]]
    for word in wanted[1:]:
        reachable = [
            p
            for p, token in enumerate(tokens)
            if token == word and any(0 < p - before <= slop for before in reachable)
        ]
        if not reachable:
            return False
    return True


def _prefix(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    return words.values_of_words(words.with_prefix(fold(_text(q.text)))), True


def _wildcard(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    text = fold(_text(q.text))
    return _pattern(query.Wildcard(q.fieldname, text), words, deadline)


def _regex(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    """A regular expression is matched as written (folding could change what it means)."""
    return _pattern(q, words, deadline)


def _pattern(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    """Words matching the pattern from its start, as Whoosh's pattern queries match terms."""
    try:
        keep = re.compile(q._get_pattern()).match
    except (re.error, TypeError, ValueError):  # a bad regular expression: no words
        return np.empty(0, dtype=np.int64), True
    candidates = words.with_prefix(str(q._find_prefix(q.text)))
    found, complete = _walk(words, candidates, lambda word: keep(word) is not None, deadline)
    return words.values_of_words(found), complete


def _fuzzy(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    """Words within ``maxdist`` edits sharing the first ``prefixlength`` letters
    (the executor's rule for the text fields, so both fields read ``~`` alike)."""
    text = fold(_text(q.text))
    bound = max(0, int(q.maxdist))
    candidates = words.with_prefix(text[: max(0, int(q.prefixlength))])
    found: list[int] = []
    for part in _slices(candidates, FUZZY_SLICE):
        near = edits.distances_within(words.words[part.start : part.stop], text, bound)
        found.extend((np.flatnonzero(near) + part.start).tolist())
        if deadline is not None and part.stop < candidates.stop and time.perf_counter() > deadline:
            return words.values_of_words(found), False
    return words.values_of_words(found), True


def _walk(
    words: NameWords, candidates: range, keep: Callable[[str], bool], deadline: float | None
) -> tuple[list[int], bool]:
    """(positions of the candidate words ``keep`` accepts, whether all were looked at).

    No cap on the number of words: a name pattern's words cost one pass over the
    pairs together, not a postings read each, so only the clock limits it."""
    found: list[int] = []
    for chunk in _slices(candidates):
        found.extend(i for i in chunk if keep(words.words[i]))
        if deadline is not None and chunk.stop < candidates.stop and time.perf_counter() > deadline:
            return found, False
    return found, True


def _slices(candidates: range, size: int = CHECK_EVERY) -> Iterator[range]:
    for start in range(candidates.start, candidates.stop, size):
        yield range(start, min(start + size, candidates.stop))


def _range(q: Any, words: NameWords, deadline: float | None) -> tuple[IntArray, bool]:
    """Words from ``start`` to ``end`` in the words' order (an end left out: open), as
    Whoosh's term range (``person:[a TO c]``) compares terms."""
    lo = 0
    if q.start is not None:
        start = fold(_text(q.start))
        lo = (bisect.bisect_right if q.startexcl else bisect.bisect_left)(words.words, start)
    hi = len(words.words)
    if q.end is not None:
        end = fold(_text(q.end))
        hi = (bisect.bisect_left if q.endexcl else bisect.bisect_right)(words.words, end)
    return words.values_of_words(range(lo, max(lo, hi))), True


def _text(raw: Any) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


_VALUE_FINDERS: Mapping[str, _Finder] = {
    "term": _term,
    "phrase": _phrase,
    "prefix": _prefix,
    "wildcard": _wildcard,
    "fuzzy": _fuzzy,
    "regex": _regex,
    "range": _range,
}
