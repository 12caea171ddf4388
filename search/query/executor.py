"""Evaluate a parsed Whoosh query with numpy over cached per-term arrays.

Whoosh parses the query and stores the postings; matching and BM25 scoring are
done here on dense per-document arrays, because Whoosh's pure-Python matchers
cost tens to hundreds of milliseconds per common word at archive sizes of
10^4–10^5 articles (field-notes.md). A term's postings are read once per index
reader, from the segments' memory-mapped term arrays (search.store.termarrays) or,
for a segment without them, decoded from Whoosh's blocks, and kept in a
size-bounded cache; later queries with the same word cost microseconds.

Node types without an array form here (phrases, date ranges, anything unusual)
fall back to Whoosh's own matcher for *which* documents match; their scores
are the sum of their words' scores, so ranking stays sensible.

Name fields (``person:``, ``org:``, ``place:``) are answered from the table's
name columns when the caller gives them (`Executor.names`, `search.query.name_match`),
so a field query finds exactly the documents the facets count.
"""

from __future__ import annotations

import bisect
import logging
import math
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import islice
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from search.query import edits, name_match
from search.store import termarrays
from search.store.doctable import BoolArray, MultiValued
from search.store.lengths import BYTE_TO_LENGTH, length_bytes
from search.store.schema import ArrayPositions
from search.store.whoosh_api import TermNotFound, distance, query

log = logging.getLogger("archive_browser.engine.executor")

FloatArray = npt.NDArray[np.float32]
IdArray = npt.NDArray[np.int64]

K1 = 1.2
B = 0.75
FIELD_BOOST = {"title": 2.0, "body": 1.0}
SCORED_FIELDS = frozenset(FIELD_BOOST)
CACHE_POSTINGS = 40_000_000
"""Upper bound of cached postings (12 bytes each): ~480 MB at the very most."""
MAX_EXPANSION = 300
"""Words one wildcard or fuzzy term may stand for; more is cut (and said)."""
WORDS_AT_ONCE = 32
"""A pattern's words read together (`decode_postings_many`); the deadline is looked at
between such groups (once it has passed, the pattern's first word is read alone)."""
MAX_QUERY_WORDS = 1000
"""Words all the patterns of one query may stand for together: a hundred patterns must
not cost a hundred times one (each still gets at least one word)."""
EXPANSION_SECONDS = 0.7
"""Time all of a query's patterns may spend finding their words and reading their
postings, so ``*a*`` or a hundred patterns still answer within a second (said as cut)."""
LAST_WORD_GRACE = 0.1
"""Past the deadline each pattern still reads its first word (a cut pattern should not
match nothing), but only this much longer: a hundred patterns' first words took 0.3 s."""
CHECK_EVERY = 512
"""Words a walk over the vocabulary looks at between two looks at the clock."""
FUZZY_SLICE = 8192
"""Words a fuzzy term's walk compares at once (a few milliseconds of numpy)."""
LEXICON_CHUNK = 4096
"""Words of a field read from the index between two looks at the clock."""
MAX_CACHED_EXPANSIONS = 20_000
"""Patterns whose words are remembered per reader (random queries must not grow it forever)."""


V = TypeVar("V")


@dataclass(slots=True)
class Matches:
    mask: BoolArray
    scores: FloatArray


_UNLIMITED = 1 << 62


def _clock() -> float:
    return time.perf_counter()


def _text(raw: Any) -> str:
    return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)


class _Lexicon:
    """A field's words, sorted, read from the index once per reader and a slice at a time,
    so patterns without a literal prefix scan a list instead of Whoosh's merged term
    cursors (~15 times slower), and a first, huge read never blows a query's deadline."""

    def __init__(self, reader: Any, fieldname: str) -> None:
        self._reader = reader
        self._fieldname = fieldname
        self.words: list[str] = []
        self.complete = False

    def fill(self, deadline: float) -> None:
        """Read on until the whole field is in or the deadline has passed (one slice even
        past it while none is in: a hundred late patterns reading a slice each took 2.3 s)."""
        field = self._reader.schema[self._fieldname]
        while not self.complete and (not self.words or _clock() <= deadline):
            last = self.words[-1] if self.words else None
            start = field.to_bytes(last) if last is not None else b""
            chunk: list[str] = []
            for fieldname, raw in self._reader.terms_from(self._fieldname, start):
                if fieldname != self._fieldname:
                    break
                word = field.from_bytes(raw)
                if word != last:
                    chunk.append(word)
                if len(chunk) >= LEXICON_CHUNK:
                    break
            self.words.extend(chunk)
            self.complete = len(chunk) < LEXICON_CHUNK

    def with_prefix(self, prefix: str) -> list[str]:
        """The words starting with ``prefix`` (only when the whole field is in)."""
        lo = bisect.bisect_left(self.words, prefix)
        hi = bisect.bisect_left(self.words, prefix + "\U0010ffff", lo)
        return self.words[lo:hi]


class _BoundedCache(Generic[V]):
    """Least recently used entries per (field, word), bounded by their total length."""

    def __init__(
        self,
        reader: Any,
        decode: Callable[[list[tuple[Any, int]], str, str], V],
        decode_many: Callable[[list[tuple[Any, int]], str, list[str]], list[V]] | None = None,
    ) -> None:
        self._leaves = list(reader.leaf_readers())
        self._decode = decode
        self._decode_many = decode_many
        self._entries: OrderedDict[tuple[str, str], V] = OrderedDict()
        self._size = 0

    def get(self, fieldname: str, text: str) -> V:
        key = (fieldname, text)
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
            return entry
        entry = self._decode(self._leaves, fieldname, text)
        self._add(key, entry)
        return entry

    def get_many(self, fieldname: str, texts: list[str]) -> list[V]:
        """`get` of each word, those not cached decoded together (``decode_many``)."""
        found: dict[str, V] = {}
        missing: list[str] = []
        for text in texts:
            entry = self._entries.get((fieldname, text))
            if entry is not None:
                self._entries.move_to_end((fieldname, text))
                found[text] = entry
            elif text not in found and text not in missing:
                missing.append(text)
        if missing and self._decode_many is not None and len(missing) > 1:
            decoded = self._decode_many(self._leaves, fieldname, missing)
            for text, entry in zip(missing, decoded, strict=True):
                found[text] = entry
        else:
            for text in missing:
                found[text] = self._decode(self._leaves, fieldname, text)
        for text in missing:
            self._add((fieldname, text), found[text])
        return [found[text] for text in texts]

    def _add(self, key: tuple[str, str], entry: V) -> None:
        self._entries[key] = entry
        self._size += _length(entry)
        while self._size > CACHE_POSTINGS and len(self._entries) > 1:
            _, old = self._entries.popitem(last=False)
            self._size -= _length(old)


def _length(entry: Any) -> int:
    return len(entry[0]) if isinstance(entry, tuple) else len(entry)


USE_TERM_ARRAYS = True
"""Read words from the segments' term arrays where they have them (tests turn it off)."""


def _leaf_matcher(leaf: Any, fieldname: str, text: str) -> Any:
    """A segment's postings of a word, deleted documents included (``live`` masks them).

    Not ``leaf.postings``: its deletion filter moves the matcher past leading deleted
    documents, so a word's postings would depend on which of its documents were deleted.
    """
    try:
        terms = getattr(leaf, "_terms", None)
        if terms is not None and fieldname in leaf.schema:
            field = leaf.schema[fieldname]
            return terms.matcher(fieldname, field.to_bytes(text), field.format)
        return leaf.postings(fieldname, text)
    except TermNotFound:
        return None


def _term_arrays(leaf: Any, fieldname: str, use: bool | None) -> termarrays.TermArrays | None:
    if not (USE_TERM_ARRAYS if use is None else use) or fieldname not in termarrays.FIELDS:
        return None
    arrays = termarrays.for_leaf(leaf)
    return arrays if arrays is not None and arrays.has_field(fieldname) else None


def _per_segment(
    leaves: list[tuple[Any, int]],
    fieldname: str,
    text: str,
    term_arrays: bool | None,
    from_arrays: Callable[[termarrays.TermArrays, str, bytes], V],
    from_matcher: Callable[[Any], V],
) -> Iterator[tuple[V, int]]:
    """(a word's data, docnum base) per segment that has the word.

    From the segment's term arrays when it has them (a damaged file is
    dropped with a warning), else decoded from Whoosh's postings
    (``term_arrays=False`` forces that).
    """
    for leaf, base in leaves:
        found: V | None = None
        arrays = _term_arrays(leaf, fieldname, term_arrays)
        if arrays is not None:
            try:
                found = from_arrays(arrays, fieldname, leaf.schema[fieldname].to_bytes(text))
            except (ValueError, IndexError, OverflowError) as exc:  # a damaged file
                termarrays.discard(leaf, str(exc))
        if found is None:
            matcher = _leaf_matcher(leaf, fieldname, text)
            if matcher is None:
                continue
            found = from_matcher(matcher)
        yield found, base


def _array_postings(
    arrays: termarrays.TermArrays, fieldname: str, key: bytes
) -> tuple[IdArray, FloatArray]:
    docs, weights = arrays.postings(fieldname, key)
    return docs.astype(np.int64), weights.astype(np.float32)


def decode_postings(
    leaves: list[tuple[Any, int]], fieldname: str, text: str, term_arrays: bool | None = None
) -> tuple[IdArray, FloatArray]:
    """(docnums, term frequencies) of a word over all segments."""
    id_parts: list[IdArray] = []
    weight_parts: list[FloatArray] = []
    for (ids, weights), base in _per_segment(
        leaves, fieldname, text, term_arrays, _array_postings, _read_matcher
    ):
        if len(ids):
            id_parts.append(ids + base)
            weight_parts.append(weights)
    if not id_parts:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    return np.concatenate(id_parts), np.concatenate(weight_parts)


def decode_postings_many(
    leaves: list[tuple[Any, int]], fieldname: str, texts: list[str], term_arrays: bool | None = None
) -> list[tuple[IdArray, FloatArray]]:
    """`decode_postings` of each word (the same arrays), each segment's term arrays asked
    for all of them at once (`TermArrays.postings_many`): a pattern's words cost a
    lookup per word and segment, some 25 us each in Python, which was most of a first
    search for a prefix."""
    ids: list[list[IdArray]] = [[] for _ in texts]
    weights: list[list[FloatArray]] = [[] for _ in texts]
    for leaf, base in leaves:
        found: list[tuple[Any, Any]] | None = None
        arrays = _term_arrays(leaf, fieldname, term_arrays)
        if arrays is not None:
            to_bytes = leaf.schema[fieldname].to_bytes
            try:
                found = arrays.postings_many(fieldname, [to_bytes(text) for text in texts])
            except (ValueError, IndexError, OverflowError) as exc:  # a damaged file
                termarrays.discard(leaf, str(exc))
        if found is None:
            found = []
            for text in texts:
                matcher = _leaf_matcher(leaf, fieldname, text)
                found.append(_read_matcher(matcher) if matcher is not None else ((), ()))
        for k, (docs, tf) in enumerate(found):
            if len(docs):
                ids[k].append(np.asarray(docs).astype(np.int64) + base)
                weights[k].append(np.asarray(tf).astype(np.float32))
    return [
        (np.concatenate(i), np.concatenate(w))
        if i
        else (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32))
        for i, w in zip(ids, weights, strict=True)
    ]


POSITION_BITS = 24
"""Positions and document numbers share one int64 key: doc << 24 | position."""


def decode_positions(
    leaves: list[tuple[Any, int]], fieldname: str, text: str, term_arrays: bool | None = None
) -> IdArray:
    """Sorted ``doc << 24 | position`` keys of a word over all segments, for phrases."""
    parts = [
        keys + (base << POSITION_BITS)
        for keys, base in _per_segment(
            leaves, fieldname, text, term_arrays, _array_keys, _read_positions
        )
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _array_keys(arrays: termarrays.TermArrays, fieldname: str, key: bytes) -> IdArray:
    return _keys(*arrays.positions(fieldname, key))


def _keys(docs: Any, counts: Any, positions: Any) -> IdArray:
    """``doc << 24 | position`` keys of one segment's postings (segment-local docnums)."""
    starts: IdArray = np.asarray(docs, dtype=np.int64) << POSITION_BITS
    keys: IdArray = np.repeat(starts, counts) | np.asarray(positions, dtype=np.int64)
    return keys


def _read_positions(matcher: Any) -> IdArray:
    """All (doc, position) keys of a leaf matcher, sorted."""
    leaf = getattr(matcher, "child", matcher)
    docs: list[Any] = []
    counts: list[Any] = []
    w3_blocks = hasattr(leaf, "_read_values") and hasattr(leaf, "_atend")
    if w3_blocks and isinstance(getattr(leaf, "format", None), ArrayPositions):
        found: list[Any] = []
        while leaf.is_active():
            leaf._read_ids()
            leaf._read_values()
            block_counts, block_positions = termarrays.split_values(leaf._values)
            docs.append(np.asarray(leaf._ids, dtype=np.int64))
            counts.append(block_counts)
            found.append(block_positions)
            leaf._next_block()
        if not docs:
            return np.empty(0, dtype=np.int64)
        return _keys(np.concatenate(docs), np.concatenate(counts), np.concatenate(found))
    # Another format or codec: the public, slower way (deleted documents included,
    # like the other ways; ``live`` masks them).
    absolute: list[int] = []
    while leaf.is_active():
        value = leaf.value_as("positions")
        docs.append(leaf.id())
        counts.append(len(value))
        absolute.extend(value)
        leaf.next()
    positions = np.asarray(absolute, dtype=np.int64)
    return _keys(docs, np.asarray(counts, dtype=np.int64), positions)


def _read_matcher(matcher: Any) -> tuple[IdArray, FloatArray]:
    """All postings of a leaf matcher, a whole block at a time.

    Whoosh's codec keeps a block as a pickled (id deltas, weights, values)
    tuple; the deltas are summed here with numpy instead of the codec's
    per-posting generator, which was most of a first query's time.
    """
    leaf = getattr(matcher, "child", matcher)  # deleted docs are masked later
    if not (hasattr(leaf, "_read_data") and hasattr(leaf, "_atend")):
        ids: list[Any] = []
        weights: list[Any] = []
        while leaf.is_active():  # another codec: the slow, public way
            ids.append(leaf.id())
            weights.append(leaf.weight())
            leaf.next()
        return np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float32)
    id_blocks: list[IdArray] = []
    weight_blocks: list[FloatArray] = []
    while leaf.is_active():
        if leaf._data is None:
            leaf._read_data()
        raw_ids, raw_weights = leaf._data[0], leaf._data[1]
        count = leaf._blocklength
        block_ids = np.asarray(raw_ids, dtype=np.int64)
        id_blocks.append(block_ids if leaf._byteids else np.cumsum(block_ids))
        if raw_weights is None:
            weight_blocks.append(np.ones(count, dtype=np.float32))
        elif isinstance(raw_weights, float):
            weight_blocks.append(np.full(count, raw_weights, dtype=np.float32))
        else:
            weight_blocks.append(np.asarray(raw_weights, dtype=np.float32))
        leaf._next_block()
    if not id_blocks:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
    return np.concatenate(id_blocks), np.concatenate(weight_blocks)


class Executor:
    """Evaluates queries for one index reader (one per generation: `search.query.readers`)."""

    def __init__(
        self, searcher: Any, live: BoolArray, names: Mapping[str, MultiValued] | None = None
    ) -> None:
        self._searcher = searcher
        self._default_names: Mapping[str, MultiValued] = names or {}
        self.names = self._default_names
        """Field -> column this query's name fields are answered from (empty: Whoosh's
        postings); set per query by `begin`, as the snapshot's table has them."""
        self._reader = searcher.reader()
        self._live = live
        self._size = len(live)
        self._docs = max(1, int(np.count_nonzero(live)))
        self.postings = _BoundedCache(self._reader, decode_postings, decode_postings_many)
        self.positions = _BoundedCache(self._reader, decode_positions)
        self._lengths: dict[str, FloatArray] = {}
        self._avg: dict[str, float] = {}
        self._expansions: dict[tuple[str, str, str], tuple[list[str], bool]] = {}
        self._lexicons: dict[str, _Lexicon] = {}
        self.truncated = False
        self.begin()

    def evaluate(
        self, q: Any, until: float | None = None, names: Mapping[str, MultiValued] | None = None
    ) -> Matches:
        """The documents ``q`` matches and their scores (``names``: see `begin`)."""
        self.begin(until=until, names=names)
        result = self._eval(q)
        result.mask &= self._live
        return result

    # --- nodes -------------------------------------------------------------

    def _eval(self, q: Any) -> Matches:
        if isinstance(q, query.Every):
            return Matches(self._live.copy(), self._zeros())
        if q is query.NullQuery or isinstance(q, query.qcore._NullQuery):
            return self._none()
        if self.names and getattr(q, "fieldname", None) in self.names:
            named = self._named(q)
            if named is not None:
                return named
        if type(q) is query.Term:
            return self._term(q.fieldname, q.text, q.boost)
        if isinstance(q, query.And):
            return self._combine([self._eval(child) for child in q.subqueries], all_of=True)
        if isinstance(q, query.Or):
            return self._combine([self._eval(child) for child in q.subqueries], all_of=False)
        if isinstance(q, query.Not):
            inner = self._eval(q.query)
            return Matches(~inner.mask, self._zeros())
        if isinstance(q, query.AndNot):
            positive = self._eval(q.a)
            positive.mask &= ~self._eval(q.b).mask
            return positive
        if isinstance(q, query.MultiTerm):
            return self._multi_term(q)
        if isinstance(q, query.Phrase) and q.slop <= 1 and q.fieldname in SCORED_FIELDS:
            return self._phrase(q)
        return self._fallback(q)

    def _named(self, q: Any) -> Matches | None:
        """A name-field node from its column (None: a kind the columns do not answer).

        Scored as the other unscored fields' words are, 0.1 * boost where matched;
        a pattern cut by the query's deadline says so through ``truncated``."""
        found = name_match.match(q, self.names[q.fieldname], self._size, self._deadline)
        if found is None:
            return None
        if not found.complete:
            self.truncated = True
        scores = self._zeros()
        scores[found.mask] = np.float32(0.1 * q.boost)
        return Matches(found.mask, scores)

    def _term(self, fieldname: str, text: Any, boost: float = 1.0) -> Matches:
        word = text.decode("utf-8") if isinstance(text, bytes) else str(text)
        ids, tf = self.postings.get(fieldname, word)
        mask = np.zeros(self._size, dtype=bool)
        scores = self._zeros()
        if not len(ids):
            return Matches(mask, scores)
        mask[ids] = True
        if fieldname in SCORED_FIELDS:
            scores[ids] = self._bm25(fieldname, ids, tf) * np.float32(boost)
        else:
            scores[ids] = np.float32(0.1 * boost)
        return Matches(mask, scores)

    def term_scores(self, fieldname: str, word: str) -> tuple[IdArray, FloatArray]:
        """(docnums, BM25 scores) of one word of a scored field, deleted documents too
        (``live`` masks them): what "more like this" adds up over an article's words."""
        ids, tf = self.postings.get(fieldname, word)
        if not len(ids) or fieldname not in SCORED_FIELDS:
            return ids, np.zeros(len(ids), dtype=np.float32)
        return ids, self._bm25(fieldname, ids, tf)

    def _bm25(self, fieldname: str, ids: IdArray, tf: FloatArray) -> FloatArray:
        lengths = self._field_lengths(fieldname)
        df = len(ids)
        idf = math.log(1.0 + (self._docs - df + 0.5) / (df + 0.5))
        norm = K1 * ((1 - B) + B * lengths[ids] / self._avg[fieldname])
        weight = idf * FIELD_BOOST[fieldname]
        return (weight * (tf * (K1 + 1)) / (tf + norm)).astype(np.float32)

    def _field_lengths(self, fieldname: str) -> FloatArray:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            lengths = np.zeros(self._size, dtype=np.float32)
            for leaf, base in self._reader.leaf_readers():
                count = leaf.doc_count_all()
                lengths[base : base + count] = leaf_field_lengths(leaf, fieldname)
            live_lengths = lengths[self._live]
            self._avg[fieldname] = (
                max(1.0, float(live_lengths.mean())) if len(live_lengths) else 1.0
            )
            self._lengths[fieldname] = lengths
        return lengths

    def _combine(self, parts: list[Matches], all_of: bool) -> Matches:
        """AND (``all_of``) or OR of the parts' masks; scores add up either way."""
        if not parts:
            return self._none()
        join = np.logical_and if all_of else np.logical_or
        mask = parts[0].mask.copy()
        scores = parts[0].scores.copy()
        for part in parts[1:]:
            join(mask, part.mask, out=mask)
            scores += part.scores
        return Matches(mask, scores)

    def begin(
        self,
        seconds: float | None = None,
        until: float | None = None,
        names: Mapping[str, MultiValued] | None = None,
    ) -> None:
        """Start one query: its patterns share one deadline and one budget of words.

        ``until``: the query's own deadline (set where it entered the engine, so
        parsing and stem lookups count too); the earlier of the two holds. ``names``:
        the columns ``person:``/``org:``/``place:`` are answered from for this query
        (`name_match.name_columns` of the snapshot's table, as the facets and filters
        count them); None: those given when the executor was made.

        An executor is one object per generation with one query's state at a time:
        its callers take turns (`search.store.snapshot.Snapshot.reading`)."""
        self.names = self._default_names if names is None else names
        self.truncated = False
        self._deadline = _clock() + (EXPANSION_SECONDS if seconds is None else seconds)
        if until is not None:
            self._deadline = min(self._deadline, until)
        self._budget = MAX_QUERY_WORDS
        self._late_reads = 0
        self._this_query: dict[tuple[str, str, str], list[str]] = {}

    def expand(self, q: Any) -> list[str]:
        """The indexed words a wildcard, prefix or fuzzy term stands for in this query.

        Complete lookups (and those cut at MAX_EXPANSION) are cached per reader; one
        cut by the deadline is kept for this query only, so marks match the search."""
        key = (type(q).__name__, q.field() or "", repr(q))
        words = self._this_query.get(key)
        if words is not None:
            return words
        cached = self._expansions.get(key)
        if cached is None:
            found, cut_at_limit, complete = self._lookup(q)
            if complete:
                if len(self._expansions) >= MAX_CACHED_EXPANSIONS:
                    self._expansions.clear()
                self._expansions[key] = (found, cut_at_limit)
            else:
                self.truncated = True
            cached = (found, cut_at_limit)
        words, cut_at_limit = cached
        if cut_at_limit:
            self.truncated = True
        if len(words) > self._budget:
            words = words[: max(1, self._budget)]
            self.truncated = True
        self._budget -= len(words)
        self._this_query[key] = words
        return words

    def _lookup(self, q: Any) -> tuple[list[str], bool, bool]:
        """(words, cut at MAX_EXPANSION, every candidate looked at) of a pattern."""
        fieldname = q.field()
        if not fieldname or fieldname not in self._reader.schema:
            return [], False, True
        select: Callable[[list[str]], Iterable[str]] | None = None
        if isinstance(q, query.FuzzyTerm):
            return self._fuzzy(q)
        if isinstance(q, query.Prefix):
            candidates, whole = self._candidates(fieldname, str(q.text))
        elif isinstance(q, query.PatternQuery):
            try:
                match = re.compile(q._get_pattern()).match
            except (re.error, TypeError, ValueError):  # a bad regular expression: no words
                return [], False, True
            select = partial(filter, match)
            candidates, whole = self._candidates(fieldname, str(q._find_prefix(q.text)))
        else:  # another kind of pattern: Whoosh's own words, still under the deadline
            candidates = (_text(raw) for raw in q._btexts(self._reader))
            whole = True
        found, complete = self._walk(candidates, select, MAX_EXPANSION)
        return found[:MAX_EXPANSION], len(found) > MAX_EXPANSION, complete and whole

    def _candidates(self, fieldname: str, prefix: str) -> tuple[Iterable[str], bool]:
        """The field's words starting with ``prefix`` and whether they are all of them
        (the cached word list may not be read to its end yet)."""
        lexicon = self._lexicons.get(fieldname)
        if lexicon is None:
            lexicon = self._lexicons[fieldname] = _Lexicon(self._reader, fieldname)
        if not prefix:
            lexicon.fill(self._deadline)
            return lexicon.words, lexicon.complete
        if lexicon.complete:
            return lexicon.with_prefix(prefix), True
        return map(_text, termarrays.expand_prefix(self._reader, fieldname, prefix)), True

    def _walk(
        self,
        candidates: Iterable[str],
        select: Callable[[list[str]], Iterable[str]] | None,
        limit: int,
        slice_size: int = CHECK_EVERY,
    ) -> tuple[list[str], bool]:
        """(the candidates ``select`` keeps of each slice, stopping past ``limit`` of
        them; whether every candidate was looked at). The clock is looked at between
        slices; the first slice is always looked at, so a late pattern still finds some
        words."""
        found: list[str] = []
        source = iter(candidates)
        while True:
            chunk = list(islice(source, slice_size))
            found.extend(chunk if select is None else select(chunk))
            if len(found) > limit or len(chunk) < slice_size:
                return found, True
            if _clock() > self._deadline:
                return found, False

    def _fuzzy(self, q: Any) -> tuple[list[str], bool, bool]:
        """Words within ``maxdist`` Damerau-Levenshtein edits that share the first
        ``prefixlength`` letters (as Whoosh's ``terms_within``), nearest first.

        Not Whoosh's automaton: for large distances it took minutes to build,
        before any deadline could be looked at. The candidates are compared a few
        thousand at a time (`edits.within`), not one by one in Python."""
        text = str(q.text)
        bound = max(0, int(q.maxdist))
        candidates, whole = self._candidates(q.field(), text[: max(0, int(q.prefixlength))])
        found, complete = self._walk(
            candidates, partial(edits.within, text=text, bound=bound), _UNLIMITED, FUZZY_SLICE
        )
        found.sort(key=lambda word: (distance(word, text), word))
        return found[:MAX_EXPANSION], len(found) > MAX_EXPANSION, complete and whole

    def _multi_term(self, q: Any) -> Matches:
        """All the words a pattern stands for, summed in one pass (not one array per word)."""
        fieldname = q.field()
        id_parts: list[IdArray] = []
        score_parts: list[FloatArray] = []
        words = self.expand(q)
        i = 0
        while i < len(words):
            step = WORDS_AT_ONCE
            now = _clock()
            if now > self._deadline:
                # A pattern as wide as *a*: answer now and say so, but with at least
                # one of its words, so a cut pattern does not match nothing (for as
                # long as the grace lasts, and always for the query's first one).
                late = now > self._deadline + LAST_WORD_GRACE and self._late_reads > 0
                if i or late:
                    self.truncated = True
                    break
                self._late_reads += 1
                step = 1
            chunk = words[i : i + step]
            i += step
            for ids, tf in self.postings.get_many(fieldname, chunk):
                if not len(ids):
                    continue
                id_parts.append(ids)
                if fieldname in SCORED_FIELDS:
                    score_parts.append(self._bm25(fieldname, ids, tf) * np.float32(q.boost))
                else:
                    score_parts.append(np.full(len(ids), 0.1 * q.boost, dtype=np.float32))
        if not id_parts:
            return self._none()
        ids = np.concatenate(id_parts)
        mask = np.zeros(self._size, dtype=bool)
        mask[ids] = True
        scores = np.bincount(ids, weights=np.concatenate(score_parts), minlength=self._size)
        return Matches(mask, scores.astype(np.float32))

    def _phrase(self, q: Any) -> Matches:
        """Adjacent words: keys of word i shifted by i must all exist."""
        words = [w.decode("utf-8") if isinstance(w, bytes) else str(w) for w in q.words]
        if not words:
            return self._none()
        # Start from the rarest word's keys (fewest probes), shifted back to where the
        # phrase would start; each other word must sit at its offset from there. A key
        # shifted below its document's first position borrows from the docnum bits and
        # then matches nothing, so it drops out.
        found = [self.positions.get(q.fieldname, word) for word in words]
        order = sorted(range(len(words)), key=lambda i: len(found[i]))
        keys = found[order[0]] - order[0]
        for offset in order[1:]:
            if not len(keys):
                break
            keys = keys[_contains(found[offset], keys + offset)]
        mask = np.zeros(self._size, dtype=bool)
        mask[keys >> POSITION_BITS] = True
        scores = self._zeros()
        for word in set(words):
            scores += self._term(q.fieldname, word, q.boost).scores
        scores[~mask] = 0
        return Matches(mask, scores)

    def _fallback(self, q: Any) -> Matches:
        """Whoosh decides which documents match; their words decide the score."""
        mask = np.zeros(self._size, dtype=bool)
        try:
            found = np.fromiter(q.docs(self._searcher), dtype=np.int64)
        except Exception:  # a query Whoosh cannot run matches nothing
            log.info("query part %r could not run", q, exc_info=True)
            return Matches(mask, self._zeros())
        if len(found):
            mask[found] = True
        scores = self._zeros()
        for fieldname, text in _scored_terms(q):
            scores += self._term(fieldname, text).scores
        scores[~mask] = 0
        return Matches(mask, scores)

    def _zeros(self) -> FloatArray:
        return np.zeros(self._size, dtype=np.float32)

    def _none(self) -> Matches:
        return Matches(np.zeros(self._size, dtype=bool), self._zeros())


def leaf_field_lengths(leaf: Any, fieldname: str) -> FloatArray:
    """Every document's length of ``fieldname`` in one segment (0 where it has none)."""
    count = leaf.doc_count_all()
    raw = length_bytes(getattr(leaf, "_perdoc", None), fieldname, count)
    if raw is None:  # another codec: the public, per-document way
        lengths = [leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(count)]
        return np.asarray(lengths, dtype=np.float32)
    found: FloatArray = BYTE_TO_LENGTH[raw]
    return found


def _contains(sorted_keys: IdArray, probes: IdArray) -> BoolArray:
    """Which probes occur in ``sorted_keys`` (binary search; both are position keys)."""
    if not len(sorted_keys):
        return np.zeros(len(probes), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, probes), len(sorted_keys) - 1)
    found: BoolArray = sorted_keys[at] == probes
    return found


def _scored_terms(q: Any) -> list[tuple[str, Any]]:
    try:
        terms = list(q.iter_all_terms())
    except Exception:
        return []
    return [(f, t) for f, t in terms if f in SCORED_FIELDS]


def top_documents(scores: FloatArray, selected: BoolArray, count: int) -> list[tuple[int, float]]:
    """The ``count`` best (docnum, score) among ``selected``, best first, ties by docnum."""
    candidates = np.flatnonzero(selected)
    if not len(candidates) or count <= 0:
        return []
    values = scores[candidates]
    if len(candidates) > count:
        # Every score above the count-th best, then the lowest docnums of those equal to
        # it: argpartition alone keeps an arbitrary few of the tied ones, so page 2 of a
        # result did not follow page 1 (an export paging through 9,792 hits wrote 71
        # twice and left 71 out).
        threshold = -np.partition(-values, count - 1)[count - 1]
        above = np.flatnonzero(values > threshold)
        tied = np.flatnonzero(values == threshold)[: count - len(above)]
        keep = np.concatenate((above, tied))
        candidates, values = candidates[keep], values[keep]
    order = np.lexsort((candidates, -values))
    return [(int(candidates[i]), float(values[i])) for i in order]
