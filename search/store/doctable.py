"""Per-document columns as numpy arrays, built once per index reader.

Filters (countries, people, organisations, dates), facet counts and date
sorting run over these arrays instead of Whoosh's per-query facet machinery,
which rebuilds its categorisers on every search (see field-notes.md).
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from search.analysis import fold
from search.store.schema import SEP

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(slots=True)
class MultiValued:
    """A multi-valued column as (document, value) pairs plus the value vocabulary.

    Values are merged by their folded form, so ``Le Thi Thu Hang`` in one article
    and ``Lê Thị Thu Hằng`` in another count as one person; the accented spelling
    is the one shown.
    """

    vocab: list[str]
    index: dict[str, int]
    """Folded value -> position in ``vocab``."""
    docs: IntArray
    values: IntArray
    name_rank: IntArray
    """Alphabetical rank of each value: the tie-break of facet order, without Python sorts."""
    indptr: IntArray
    """Document d's pairs are ``docs/values[indptr[d]:indptr[d + 1]]`` (pairs are in doc order)."""
    live: BoolArray
    _live_counts: IntArray | None = None

    @classmethod
    def build(cls, raw_values: list[bytes], live: BoolArray) -> MultiValued:
        index: dict[str, int] = {}
        spellings: list[Counter[str]] = []
        docs: list[int] = []
        values: list[int] = []
        for docnum, raw in enumerate(raw_values):
            if not raw:
                continue
            for value in raw.decode().split(SEP):
                if not value:
                    continue
                position = index.setdefault(fold(value), len(index))
                if position == len(spellings):
                    spellings.append(Counter())
                spellings[position][value] += 1
                docs.append(docnum)
                values.append(position)
        vocab = [preferred_spelling(forms) for forms in spellings]
        name_rank = np.empty(len(vocab), dtype=np.int64)
        name_rank[np.argsort(np.asarray(vocab, dtype=object))] = np.arange(len(vocab))
        doc_array = np.asarray(docs, dtype=np.int64)
        return cls(
            vocab=vocab,
            index=index,
            docs=doc_array,
            values=np.asarray(values, dtype=np.int64),
            name_rank=name_rank,
            indptr=np.searchsorted(doc_array, np.arange(len(live) + 1)),
            live=live,
        )

    def rebuilt(
        self, vocab: list[str], index: dict[str, int], docs: IntArray, values: IntArray
    ) -> MultiValued:
        """A column of the same documents from new (doc, value) pairs; ``vocab`` is this
        one's plus names appended. Pairs are made distinct and put in doc order.

        Sorting int keys and keeping the first of each run is ten times faster than
        numpy's (hash-based) unique here, and the names' ranks come from the old ones."""
        size = max(1, len(vocab))
        keys = np.sort(docs * size + values)
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
        pair_docs, pair_values = keys // size, keys % size
        return MultiValued(
            vocab=vocab,
            index=index,
            docs=pair_docs,
            values=pair_values,
            name_rank=self._ranks_with(vocab[len(self.vocab) :]),
            indptr=np.searchsorted(pair_docs, np.arange(len(self.live) + 1)),
            live=self.live,
        )

    def _ranks_with(self, added: list[str]) -> IntArray:
        """Alphabetical ranks of the values and of ``added`` names after them (sorting
        10^5 names again costs a tenth of a second; inserting a few, nothing)."""
        if not added:
            return self.name_rank
        order = np.empty(len(self.vocab), dtype=np.int64)
        order[self.name_rank] = np.arange(len(self.vocab))
        in_order = [self.vocab[i] for i in order.tolist()]
        at = [bisect.bisect_left(in_order, name) for name in added]
        by_place = sorted(range(len(added)), key=lambda i: (at[i], added[i]))
        places = np.asarray([at[i] for i in by_place], dtype=np.int64)
        ranks = np.empty(len(self.vocab) + len(added), dtype=np.int64)
        ranks[: len(self.vocab)] = self.name_rank + np.searchsorted(
            places, self.name_rank, side="right"
        )
        for j, i in enumerate(by_place):
            ranks[len(self.vocab) + i] = places[j] + j
        return ranks

    def any_of(self, keys: tuple[str, ...], size: int) -> BoolArray:
        """Mask of documents having at least one of ``keys``."""
        mask = np.zeros(size, dtype=bool)
        wanted = [self.index[fold(k)] for k in keys if fold(k) in self.index]
        if wanted:
            mask[self.docs[np.isin(self.values, wanted)]] = True
        return mask

    def all_of(self, keys: tuple[str, ...], size: int) -> BoolArray:
        mask = np.ones(size, dtype=bool)
        for key in keys:
            mask &= self.any_of((key,), size)
        return mask

    def counts(self, selected: BoolArray, top: int | None = None) -> dict[str, int]:
        """Value -> number of selected (live) documents having it, most frequent first.

        Counts only the pairs of the selected documents, or, when more than half
        are selected, subtracts the unselected ones from the cached counts of all
        documents: the work is bounded by the smaller side of the selection.
        """
        if not len(self.docs):
            return {}
        chosen = int(np.count_nonzero(selected))
        if chosen * 2 <= len(selected):
            found = self._pairs(np.flatnonzero(selected))
            if len(found) * 8 < len(self.vocab):  # few values: count them sparsely
                nonzero, sparse = np.unique(found, return_counts=True)
                counts = np.zeros(len(self.vocab), dtype=np.int64)
                counts[nonzero] = sparse
            else:
                counts = np.bincount(found, minlength=len(self.vocab))
                nonzero = np.flatnonzero(counts)
        else:
            unselected = self._pairs(np.flatnonzero(self.live & ~selected))
            counts = self._all_live() - np.bincount(unselected, minlength=len(self.vocab))
            nonzero = np.flatnonzero(counts)
        if top is not None and len(nonzero) > top:
            # Keep every value tied with the last one, then sort only those few.
            threshold = np.partition(counts[nonzero], len(nonzero) - top)[len(nonzero) - top]
            nonzero = nonzero[counts[nonzero] >= threshold]
        order = nonzero[np.lexsort((self.name_rank[nonzero], -counts[nonzero]))]
        if top is not None:
            order = order[:top]
        return {self.vocab[v]: int(counts[v]) for v in order.tolist()}

    def _pairs(self, docnums: IntArray) -> IntArray:
        """The values of these documents, all pairs, without a Python loop."""
        starts = self.indptr[docnums]
        lengths = self.indptr[docnums + 1] - starts
        total = int(lengths.sum())
        if not total:
            return np.empty(0, dtype=np.int64)
        pair_index = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
        found: IntArray = self.values[pair_index]
        return found

    def all_live_counts(self) -> IntArray:
        """Per value, the number of live documents having it (cached)."""
        return self._all_live()

    def _all_live(self) -> IntArray:
        if self._live_counts is None:
            values = self._pairs(np.flatnonzero(self.live))
            self._live_counts = np.bincount(values, minlength=len(self.vocab))
        return self._live_counts


def rows_reader(reader: Any, size: int) -> Any:
    """The c_row column reader of an index reader (None for an empty index)."""
    return reader.column_reader("c_row") if size else None


def _accents(text: str) -> int:
    return sum(1 for ch in text if not ch.isascii())


def preferred_spelling(forms: Counter[str]) -> str:
    """The spelling a value of several shows (``forms``: spelling -> times named): the
    most accented (``Lê Thị Thu Hằng`` over ``Le Thi Thu Hang``), then the most named."""
    return max(forms, key=lambda f: (_accents(f), forms[f], f))


@dataclass(slots=True)
class DocTable:
    """Per-document columns of one index reader.

    `search.store.tablecache` saves and maps these arrays per index generation: when
    what ``build`` computes changes, bump ``tablecache.FORMAT`` so old files are
    rebuilt rather than trusted.
    """

    size: int
    live: BoolArray
    ids: list[str]
    datekey: IntArray
    countries: MultiValued
    people: MultiValued
    orgs: MultiValued
    places: MultiValued
    id_rank: IntArray
    """Position of each document's id in sorted order: the tie-break of date sorts."""
    month_id: IntArray
    """0 for undated, else 1 + the position of the document's month in ``month_labels``."""
    month_labels: list[str]
    _rows: Any
    """The c_row column reader (decoded on demand for the page of hits)."""
    _orders: dict[bool, IntArray]
    """Cached full date orders, by ``oldest``."""
    _decoded: dict[int, dict[str, Any]]
    _by_id: dict[str, int] | None = None

    @property
    def docnum_by_id(self) -> dict[str, int]:
        """Article id -> docnum of the live documents (built on first use)."""
        if self._by_id is None:
            live_ids = itertools.compress(self.ids, self.live.tolist())
            self._by_id = dict(zip(live_ids, np.flatnonzero(self.live).tolist(), strict=False))
        return self._by_id

    @classmethod
    def build(cls, reader: Any) -> DocTable:
        size = reader.doc_count_all()
        live = np.zeros(size, dtype=bool)
        if size:
            live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True

        def column(name: str) -> list[Any]:
            return list(reader.column_reader(name)) if size else []

        ids = [raw.decode() for raw in column("c_id")]
        datekey = np.asarray(column("c_date"), dtype=np.int64).reshape(-1)
        months, month_index = np.unique(datekey // 100, return_inverse=True)
        dated_months = months[months > 0]
        month_id = month_index.reshape(-1) + (1 if len(months) and months[0] > 0 else 0)
        id_rank = np.empty(len(ids), dtype=np.int64)
        id_rank[np.argsort(np.asarray(ids, dtype=object))] = np.arange(len(ids))
        return cls(
            size=size,
            live=live,
            ids=ids,
            datekey=datekey,
            month_id=month_id.astype(np.int64),
            month_labels=[f"{m // 100:04d}-{m % 100:02d}" for m in dated_months.tolist()],
            countries=MultiValued.build(column("c_countries"), live),
            people=MultiValued.build(column("c_people"), live),
            orgs=MultiValued.build(column("c_orgs"), live),
            places=MultiValued.build(column("c_places"), live),
            id_rank=id_rank,
            _rows=rows_reader(reader, size),
            _orders={},
            _decoded={},
        )

    def names(self) -> dict[str, MultiValued]:
        """The person, organisation and place columns by entity type (what the entity
        store and the user's corrections fill)."""
        return {"PERSON": self.people, "ORG": self.orgs, "PLACE": self.places}

    def column_of(self, entity_type: str) -> MultiValued | None:
        """The column that counts an entity type (countries too), or None."""
        if entity_type == "COUNTRY":
            return self.countries
        return self.names().get(entity_type)

    def date_order(self, oldest: bool, selected: BoolArray, offset: int, limit: int) -> list[int]:
        """A page of the selected documents, newest (or oldest) first, undated last.

        The whole archive is sorted once per reader and direction; a page then
        costs one pass over a boolean mask instead of a sort.
        """
        order = self.full_order(oldest)
        ranked = order[selected[order]]
        return [int(d) for d in ranked[offset : offset + limit]]

    def full_order(self, oldest: bool) -> IntArray:
        """Every document, newest (or oldest) first, undated last, ties by id (cached)."""
        order = self._orders.get(oldest)
        if order is None:
            keys = self.datekey
            primary = keys if oldest else -keys
            order = np.lexsort((self.id_rank, primary, keys == 0))
            self._orders[oldest] = order
        return order

    def row(self, docnum: int) -> dict[str, Any]:
        """A result row's summary (decoded once, then kept: rows are small)."""
        data = self._decoded.get(docnum)
        if data is None:
            data = json.loads(self._rows[docnum])
            self._decoded[docnum] = data
        return data

    def month_counts(self, selected: BoolArray) -> dict[str, int]:
        """``YYYY-MM`` -> count in date order, then ``undated``; a bincount, no sort."""
        counts = np.bincount(self.month_id[selected], minlength=len(self.month_labels) + 1)
        out = {
            label: int(counts[i]) for i, label in enumerate(self.month_labels, start=1) if counts[i]
        }
        if counts[0]:
            out["undated"] = int(counts[0])
        return out

    def date_mask(self, start: date | None, end: date | None, include_undated: bool) -> BoolArray:
        keys = self.datekey
        mask = keys > 0
        if start:
            mask &= keys >= start.year * 10000 + start.month * 100 + start.day
        if end:
            mask &= keys <= end.year * 10000 + end.month * 100 + end.day
        if include_undated:
            mask |= keys == 0
        return mask
