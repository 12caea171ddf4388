"""The articles most related to one: the names it shares with them, weighted by rarity,
and its most distinctive words ("more like this").

Two scores per document, each divided by what the article would score against itself,
so both run from 0 to 1 whatever the article's length or number of names (the words'
also times the share of ``TOP_WORDS`` it has: one word is not much to go by):

- names: the sum of the IDF (log N / df, over the live documents) of the people,
  organisations, places and countries it shares with the article, from the same columns
  the facets count (entity store and corrections laid over), countries at half weight
  (a country is named by many articles of a national archive);
- words: BM25 of the article's ``TOP_WORDS`` words of highest TF-IDF (body words as
  indexed, with a letter in them, in at most ``MAX_WORD_SHARE`` of the articles) over the
  body field, with the executor's postings. A word must be in some article outside its
  story (its document frequency less the story's other versions, taken to have it too):
  the rarest words of a story with copies are the copies' and would crowd out those it
  shares with other stories.

The sum of the two, halved, ranks; the article itself and its story's versions are left
out and each other story counts once (its best-scoring version). All numpy over cached
arrays: no Whoosh, and no body read but the article's own.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

import numpy as np

from search.analysis import DROPPED, TOKEN_PATTERN, fold
from search.entities import country_name
from search.model import RelatedArticle
from search.query.executor import Executor, FloatArray, IdArray, top_documents
from search.query.readers import executor_of
from search.store.doctable import BoolArray, DocTable, MultiValued
from search.store.snapshot import Snapshot
from search.store.story_state import StoryColumn
from search.store.term_stats import DocFrequencies

TOP_WORDS = 15
"""Distinctive words of the article searched for (Lucene's MoreLikeThis takes 25 from
longer fields; 15 keep a 100,000-article search to a few thousand postings)."""
NAME_WEIGHTS = {"PERSON": 1.0, "ORG": 1.0, "PLACE": 1.0, "COUNTRY": 0.5}
MAX_WORD_SHARE = 0.25
"""A word in more than this share of the articles (and in more than ``MIN_WORD_CAP``) is
not distinctive, however often the article uses it: "said", "the" (Lucene's
maxDocFreqPct). Without it, an article whose rare words are all its own would be "like"
every other by its commonest words, since each score is measured against its own."""
MIN_WORD_CAP = 5
"""A word in this many articles or fewer may always be distinctive: in a small archive a
quarter is a handful of articles, and each copy of a story counts."""
MIN_SCORE = 0.05
"""Below this an article shares too little to be called related (a common word or two)."""
REASON_ITEMS = 3
"""Names, and words, given in a reason."""

_LETTER = re.compile(r"[^\W\d_]")
"""A word with no letter (a number, a date) says nothing of what an article is about."""


@dataclass(slots=True)
class _Inverse:
    """One name column the other way round: each value's documents."""

    column: MultiValued
    docs: IdArray
    """Documents sorted by value; value v's are ``docs[starts[v]:starts[v + 1]]``."""
    starts: IdArray
    idf: FloatArray
    """Per value, log(live documents / live documents having it); 0 when none has it."""


class NameIndex:
    """The name columns of one table inverted, built on first use per table (a sort of
    each column's pairs: tens of milliseconds at 10^5 articles)."""

    def __init__(self, table: DocTable) -> None:
        self.table = table
        live = max(1, int(np.count_nonzero(table.live)))
        self.live_count = live
        """Live documents: the N of the IDFs."""
        self.columns: dict[str, _Inverse] = {}
        for kind in NAME_WEIGHTS:
            column = table.column_of(kind)
            assert column is not None
            order = np.argsort(column.values, kind="stable")
            counts = column.all_live_counts().astype(np.float64)
            with np.errstate(divide="ignore"):
                idf = np.where(counts > 0, np.log(live / np.maximum(counts, 1)), 0.0)
            self.columns[kind] = _Inverse(
                column=column,
                docs=column.docs[order],
                starts=np.searchsorted(column.values[order], np.arange(len(column.vocab) + 1)),
                idf=idf.astype(np.float32),
            )

    def values_of(self, kind: str, docnum: int) -> list[int]:
        """The values a document has in one column, each once."""
        return sorted(set(_values(self.columns[kind].column, docnum)))


@dataclass(slots=True)
class _Words:
    """The article's distinctive words: their index form, how it is written, and each
    one's postings with BM25 scores."""

    words: list[str]
    shown: list[str]
    postings: list[tuple[IdArray, FloatArray]]


def name_index(snapshot: Snapshot) -> NameIndex:
    """The snapshot's name columns inverted (per snapshot: a correction lays a new table)."""
    return NameIndex(snapshot.table)


def related_in(snapshot: Snapshot, docnum: int, limit: int) -> list[RelatedArticle]:
    """`related` over one snapshot. Its name index and the words' frequencies are built
    first (a second or more at 10^5 articles, once per snapshot and per generation),
    outside the snapshot's lock: they read only numpy columns and mapped term arrays, so
    searches go on meanwhile."""
    names = snapshot.per_snapshot(name_index)
    snapshot.frequencies.prepare()
    with snapshot.reading():
        executor = executor_of(snapshot)
        body = snapshot.body_of(docnum)
        return related(docnum, body, names, snapshot.stories, executor, snapshot.frequencies, limit)


def related(
    docnum: int,
    body: str,
    names: NameIndex,
    stories: StoryColumn,
    executor: Executor,
    frequencies: DocFrequencies,
    limit: int,
) -> list[RelatedArticle]:
    """The ``limit`` articles most related to document ``docnum`` (whose body is
    ``body``), best first, ties by docnum."""
    table = names.table
    if limit <= 0 or not table.live[docnum]:
        return []
    number = int(stories.group[docnum])
    story = stories.members[number] if number >= 0 else [docnum]
    name_scores, shared = _name_scores(docnum, names)
    words = _distinctive(body, executor, frequencies, names.live_count, len(story) - 1)
    word_scores = np.zeros(table.size, dtype=np.float32)
    for ids, scores in words.postings:
        word_scores[ids] += scores
    # Fewer distinctive words than TOP_WORDS are less to go by: an article with one
    # would be "like" every article that has that one word.
    filled = np.float32(len(words.words) / TOP_WORDS)
    total = _normalised(name_scores, docnum) + _normalised(word_scores, docnum) * filled
    total *= np.float32(0.5)
    candidates = table.live & (total >= MIN_SCORE)
    candidates[story] = False
    candidates = stories.collapse(candidates, -total)
    best = top_documents(total, candidates, limit)
    reasons = _reasons([other for other, _score in best], names, shared, words)
    out: list[RelatedArticle] = []
    for (other, score), why in zip(best, reasons, strict=True):
        row = table.row(other)
        out.append(
            RelatedArticle(
                id=table.ids[other],
                title=row["t"],
                date=date.fromisoformat(row["d"]) if row["d"] else None,
                source=row["s"],
                score=round(score, 6),
                reasons=why,
            )
        )
    return out


Shared = list[tuple[float, str, int, str]]
"""The article's names: (weighted IDF, type, value, as shown), rarest first."""


def _name_scores(docnum: int, names: NameIndex) -> tuple[FloatArray, Shared]:
    """Per document the weighted IDF of the names it shares with ``docnum``; and the
    article's names."""
    table = names.table
    parts: list[IdArray] = []
    weights: list[FloatArray] = []
    shared: Shared = []
    for kind, weight in NAME_WEIGHTS.items():
        inverse = names.columns[kind]
        for value in names.values_of(kind, docnum):
            idf = float(inverse.idf[value]) * weight
            if idf <= 0:
                continue
            docs = inverse.docs[inverse.starts[value] : inverse.starts[value + 1]]
            parts.append(docs)
            weights.append(np.full(len(docs), idf, dtype=np.float32))
            label = inverse.column.vocab[value]
            shared.append((idf, kind, value, country_name(label) if kind == "COUNTRY" else label))
    if not parts:
        return np.zeros(table.size, dtype=np.float32), []
    scores = np.bincount(
        np.concatenate(parts), weights=np.concatenate(weights), minlength=table.size
    ).astype(np.float32)
    shared.sort(key=lambda item: (-item[0], item[3]))
    return scores, shared


def _distinctive(
    body: str, executor: Executor, frequencies: DocFrequencies, live: int, copies: int
) -> _Words:
    """The body's ``TOP_WORDS`` words of highest (1 + log tf) * log(N / df) that are in
    other stories too (``copies``: the story's other versions), as the index has them
    (`search.analysis`: the body field's words)."""
    raw = TOKEN_PATTERN.findall(body)
    keys = [fold(token) for token in raw]
    counts = Counter(keys)
    words = [w for w in counts if w not in DROPPED and _LETTER.search(w)]
    ranked: list[tuple[float, str]] = []
    most = max(MIN_WORD_CAP, int(MAX_WORD_SHARE * live))
    for word, frequency in zip(words, frequencies.of(words), strict=True):
        df = frequency - copies
        if not 2 <= df <= most:
            continue  # in this story alone (it relates to nothing else), or in too many
        weight = (1.0 + math.log(counts[word])) * math.log(max(live, df) / df)
        if weight > 0:
            ranked.append((weight, word))
    ranked.sort(key=lambda item: (-item[0], item[1]))
    chosen = [word for _weight, word in ranked[:TOP_WORDS]]
    forms: dict[str, Counter[str]] = {word: Counter() for word in chosen}
    for token, key in zip(raw, keys, strict=True):
        found = forms.get(key)
        if found is not None:
            found[token] += 1
    return _Words(
        words=chosen,
        shown=[_shown(forms[word]) for word in chosen],
        postings=[executor.term_scores("body", word) for word in chosen],
    )


def _shown(forms: Counter[str]) -> str:
    """How a word is written most often in the article, lower case unless it is always
    capitalised there (``pipeline``, ``Tokayev``)."""
    form = max(forms, key=lambda f: (forms[f], f))
    return form if all(f[:1].isupper() for f in forms) else form.lower()


def _normalised(scores: FloatArray, docnum: int) -> FloatArray:
    """Scores over the article's own (its best possible), capped at 1."""
    own = float(scores[docnum])
    if own <= 0:
        return np.zeros_like(scores)
    out: FloatArray = np.minimum(scores / np.float32(own), np.float32(1.0))
    return out


def _reasons(
    others: list[int],
    names: NameIndex,
    shared: Shared,
    words: _Words,
) -> list[tuple[str, ...]]:
    """Per other document, ``shares Kazakhstan, Tokayev, EAEU`` and ``shares the words
    pipeline, tariff``: its rarest names in common, its best-scoring words in common."""
    theirs = {
        kind: [set(_values(inverse.column, other)) for other in others]
        for kind, inverse in names.columns.items()
    }
    probes = np.asarray(others, dtype=np.int64)
    word_hits: list[tuple[str, BoolArray, FloatArray]] = []
    for shown, (ids, scores) in zip(words.shown, words.postings, strict=True):
        if not len(ids):
            continue
        at = np.minimum(np.searchsorted(ids, probes), len(ids) - 1)
        has: BoolArray = ids[at] == probes
        word_hits.append((shown, has, scores[at]))
    out: list[tuple[str, ...]] = []
    for i in range(len(others)):
        reasons: list[str] = []
        common = [label for _idf, kind, value, label in shared if value in theirs[kind][i]]
        if common:
            reasons.append("shares " + ", ".join(dict.fromkeys(common[:REASON_ITEMS])))
        # A word that is part of a shared name says nothing more ("China" twice).
        named = {fold(w) for label in common for w in TOKEN_PATTERN.findall(label)}
        found = sorted(
            (-float(scores[i]), shown)
            for shown, has, scores in word_hits
            if has[i] and fold(shown) not in named
        )[:REASON_ITEMS]
        if found:
            noun = "word" if len(found) == 1 else "words"
            reasons.append(f"shares the {noun} " + ", ".join(shown for _s, shown in found))
        out.append(tuple(reasons))
    return out


def _values(column: MultiValued, docnum: int) -> list[int]:
    found: list[int] = column.values[column.indptr[docnum] : column.indptr[docnum + 1]].tolist()
    return found
