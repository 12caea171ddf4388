"""A batch's postings of the word fields as arrays, written a term at a time.

Whoosh's segment writer sends every posting through its pool as a tuple (about
180 bytes each, ~1.7 M a batch of 5,000 articles), sorts the tuples, and hands
them one at a time to the codec: at 10,000 articles that was most of the
writer process's CPU (a Python call or three per posting, each way) and most of
its memory. Here the word fields (`ArrayPositions` over `exact_analyzer`: title,
body, names) go into a few flat arrays per field instead (term number, document,
weight, positions); at commit they are sorted with numpy and written a whole
block of 128 postings at a time through W3's own block writer, so the segment
files are the ones Whoosh writes (byte for byte: tests build both ways and
compare), read by the same code.

Everything else (ids, dates, countries, sources, and postings a merge copies from
older segments) still goes through Whoosh's pool; a merge's postings of the word
fields join the arrays one posting at a time, as they joined the pool before.
"""

from __future__ import annotations

import itertools
import struct
from array import array
from collections.abc import Iterator
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import W3PostingsWriter, _lenfield
from whoosh.util.numeric import _length_byte_cache

from search.analysis import AnalysedText, word_positions
from search.store.lengths import length_bytes
from search.store.schema import EXACT_ANALYZER, ArrayPositions

_COUNT = struct.Struct("<I")
_BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.int64)

Posting = tuple[str, bytes, int, float, bytes]


def batch_fields(schema: Any) -> frozenset[str]:
    """The fields whose postings the arrays take: `ArrayPositions` over the exact analyzer,
    scored, with no spelling words or vectors (title, body, person, org, place)."""
    names = set()
    for name, field in schema.items():
        if (
            field.indexed
            and field.scorable
            and isinstance(field.format, ArrayPositions)
            and field.analyzer == EXACT_ANALYZER
            and not field.separate_spelling()
            and not field.vector
        ):
            names.add(name)
    return frozenset(names)


class _FieldBatch:
    """One field's postings of a batch, in the order they were added."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms = array("I")
        self.docs = array("I")
        self.weights = array("d")
        self.counts = array("I")
        self.positions = array("I")

    def add_words(self, docnum: int, words: dict[str, list[int]], boost: float) -> int:
        """One document's words -> positions; returns the field's length (all positions)."""
        vocab = self.vocab
        setdefault = vocab.setdefault
        self.terms.extend([setdefault(word, len(vocab)) for word in words])
        counts = list(map(len, words.values()))
        self.counts.extend(counts)
        self.docs.extend(itertools.repeat(docnum, len(counts)))
        self.weights.extend([count * boost for count in counts])
        self.positions.extend(itertools.chain.from_iterable(words.values()))
        return sum(counts)

    def add_analysed(self, docnum: int, text: AnalysedText, boost: float) -> int:
        """`add_words` of a text analysed ahead (the same arrays, from its packed form)."""
        vocab = self.vocab
        setdefault = vocab.setdefault
        self.terms.extend([setdefault(word, len(vocab)) for word in text.words()])
        counts = text.counts()
        self.counts.extend(counts)
        self.docs.extend(itertools.repeat(docnum, len(counts)))
        self.weights.extend([count * boost for count in counts])
        self.positions.frombytes(text[2])
        return sum(counts)

    def add_posting(self, btext: bytes, docnum: int, weight: float, vbytes: bytes) -> None:
        """A posting from elsewhere (a merged segment's), its value `ArrayPositions`'."""
        vocab = self.vocab
        self.terms.append(vocab.setdefault(btext.decode("utf-8"), len(vocab)))
        self.docs.append(docnum)
        self.weights.append(weight)
        count = _COUNT.unpack_from(vbytes)[0]
        self.counts.append(count)
        self.positions.frombytes(vbytes[_COUNT.size : _COUNT.size + 4 * count])

    def sorted_terms(self) -> Iterator[tuple[bytes, list[int], list[float], list[bytes]]]:
        """(term bytes, documents, weights, encoded values) per term, terms in byte order
        and each term's documents ascending: the order of Whoosh's sorted pool."""
        size = len(self.vocab)
        if not size:
            return
        btexts = [word.encode("utf-8") for word in self.vocab]
        by_bytes = sorted(range(size), key=btexts.__getitem__)
        rank = np.empty(size, dtype=np.int64)
        rank[np.asarray(by_bytes, dtype=np.int64)] = np.arange(size, dtype=np.int64)
        term_ranks = rank[np.frombuffer(self.terms, dtype=np.uint32)]
        docs = np.frombuffer(self.docs, dtype=np.uint32)
        order = np.lexsort((docs, term_ranks))
        counts = np.frombuffer(self.counts, dtype=np.uint32).astype(np.int64)
        positions = np.frombuffer(self.positions, dtype=np.uint32)
        # Each posting's value, its count then its positions, laid out in sorted order;
        # 32-bit indexes when they fit (a batch's temporaries are its largest memory).
        total = len(positions)
        index = np.int32 if total + len(counts) < 1 << 31 else np.int64
        sorted_counts = counts[order]
        shift = (np.cumsum(counts) - counts)[order] - (np.cumsum(sorted_counts) - sorted_counts)
        gather = np.repeat(shift.astype(index), sorted_counts)
        del shift
        gather += np.arange(total, dtype=index)
        sorted_positions = positions[gather]
        del gather
        sizes = sorted_counts + 1
        dst_starts = np.cumsum(sizes) - sizes
        values = np.empty(total + len(counts), dtype="<u4")
        values[dst_starts] = sorted_counts
        slots = np.ones(len(values), dtype=bool)
        slots[dst_starts] = False
        values[slots] = sorted_positions
        del slots, sorted_positions
        raw = values.tobytes()
        byte_starts = dst_starts * 4
        byte_ends = byte_starts + sizes * 4
        sorted_docs = docs[order]
        sorted_weights = np.frombuffer(self.weights, dtype=np.float64)[order]
        del values, sizes, counts, docs
        bounds = np.searchsorted(term_ranks[order], np.arange(size + 1, dtype=np.int64)).tolist()
        # Python lists a term at a time: for a whole batch they took more memory than the
        # arrays (a Python int or bytes object per posting).
        for at, term in enumerate(by_bytes):
            start, end = bounds[at], bounds[at + 1]
            encoded = [
                raw[a:b]
                for a, b in zip(
                    byte_starts[start:end].tolist(), byte_ends[start:end].tolist(), strict=True
                )
            ]
            yield (
                btexts[term],
                sorted_docs[start:end].tolist(),
                sorted_weights[start:end].tolist(),
                encoded,
            )


class BatchPostings:
    """What `ArrayPool.iter_postings` returns: the pool's sorted postings of the other
    fields (``regular``) and the arrays of the batch fields. Iterating it gives every
    posting in Whoosh's order, for a field writer that knows nothing of the arrays."""

    def __init__(self, regular: Iterator[Posting], fields: dict[str, _FieldBatch]) -> None:
        self.regular = regular
        self.fields = fields

    def __iter__(self) -> Iterator[Posting]:
        groups = itertools.groupby(self.regular, key=lambda item: item[0])
        pending = sorted(self.fields)
        for fieldname, items in groups:
            while pending and pending[0] < fieldname:
                yield from self._field_postings(pending.pop(0))
            yield from items
        for name in pending:
            yield from self._field_postings(name)

    def _field_postings(self, fieldname: str) -> Iterator[Posting]:
        for btext, docs, weights, values in self.fields[fieldname].sorted_terms():
            for docnum, weight, value in zip(docs, weights, values, strict=True):
                yield fieldname, btext, docnum, weight, value


class ArrayPool:
    """Stands in for a Whoosh segment writer's posting pool (``writer.pool``): the batch
    fields' postings go to arrays, the rest to Whoosh's pool as before."""

    def __init__(self, pool: Any, fields: frozenset[str]) -> None:
        self._pool = pool
        self.batch_fields = fields
        self._fields: dict[str, _FieldBatch] = {}

    def field(self, fieldname: str) -> _FieldBatch:
        batch = self._fields.get(fieldname)
        if batch is None:
            batch = self._fields[fieldname] = _FieldBatch()
        return batch

    def add(self, item: Posting) -> None:
        fieldname = item[0]
        if fieldname in self.batch_fields:
            self.field(fieldname).add_posting(item[1], item[2], item[3], item[4])
        else:
            self._pool.add(item)

    def iter_postings(self) -> BatchPostings:
        fields = {name: batch for name, batch in self._fields.items() if batch.vocab}
        return BatchPostings(self._pool.iter_postings(), fields)

    def cleanup(self) -> None:
        self._fields = {}
        self._pool.cleanup()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


def supported(writer: Any) -> bool:
    """Whether the writer has what `add_document` and the field writer's batch path use
    (`WHOOSH_INTERNALS.md`); without it Whoosh's own pool and methods are used."""
    postings_writer = W3PostingsWriter
    return (
        all(hasattr(writer, name) for name in ("pool", "perdocwriter", "docnum", "schema"))
        and all(hasattr(writer, name) for name in ("_check_state", "_check_fields"))
        and all(
            name in vars(postings_writer)
            for name in ("_write_block", "_new_block", "finish_postings", "add_posting")
        )
    )


def install(writer: Any) -> None:
    """Give a Whoosh segment writer our pool (before anything is added to it)."""
    if supported(writer):
        writer.pool = ArrayPool(writer.pool, batch_fields(writer.schema))


def add_document(writer: Any, fields: dict[str, Any]) -> None:
    """Whoosh's ``SegmentWriter.add_document`` for our documents (no boosts, no
    ``_stored_`` values), with the batch fields' words going to the pool's arrays.

    Falls back to Whoosh's own method when the writer has no `ArrayPool`."""
    pool = writer.pool
    if not isinstance(pool, ArrayPool) or any(name.startswith("_") for name in fields):
        writer.add_document(**fields)
        return
    writer._check_state()
    perdocwriter = writer.perdocwriter
    schema = writer.schema
    docnum = writer.docnum
    add_post = pool.add
    fieldnames = sorted(fields)
    writer._check_fields(schema, fieldnames)
    perdocwriter.start_doc(docnum)
    try:
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            field = schema[fieldname]
            length = 0
            if field.indexed:
                if fieldname in pool.batch_fields and isinstance(value, AnalysedText):
                    length = pool.field(fieldname).add_analysed(
                        docnum, value, field.format.field_boost
                    )
                elif fieldname in pool.batch_fields and isinstance(value, str):
                    length = pool.field(fieldname).add_words(
                        docnum, word_positions(value), field.format.field_boost
                    )
                else:
                    scorable = field.scorable
                    for tbytes, freq, weight, vbytes in field.index(value):
                        if scorable:
                            length += freq
                        add_post((fieldname, tbytes, docnum, weight, vbytes))
            perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
    except Exception:
        perdocwriter.cancel_doc()
        raise
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


def segment_lengths(lengths: Any, fieldname: str) -> np.ndarray[Any, Any] | None:
    """Each document's length of a field as Whoosh's ``doc_field_length`` reads it back
    (0 for none), from the new segment's length column; None when it cannot be read whole."""
    if not lengths:
        return None
    perdoc = getattr(lengths, "_perdoc", lengths)
    has_column = getattr(perdoc, "has_column", None)
    if has_column is None or not has_column(_lenfield(fieldname)):
        return None
    count = int(lengths.doc_count_all())
    raw = length_bytes(perdoc, fieldname, count)
    if raw is None:
        return None
    return _BYTE_TO_LENGTH[raw]
