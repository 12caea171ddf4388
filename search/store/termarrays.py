"""Per-segment term arrays: a word's postings as slices of memory-mapped numpy arrays.

Whoosh keeps postings as zlib-compressed pickles, 128 per block; decoding them in
Python made the first search for a word cost tens to hundreds of milliseconds at
10^5 articles (most of it unpickling positions for phrases). `TermArraysCodec`
writes, next to each new segment, one more file (``<segment>.tarr``) with the
postings of the scored fields as plain little-endian arrays, so the executor
reads a word with a binary search and a few ``np.frombuffer`` slices.

The file is named after its segment, so it goes where the segment's other files
go: into the segment's compound ``.seg`` file when Whoosh assembles one, and away
with the segment when a merge replaces it (``whoosh.index.clean_files``). It is
derived data: a segment without it, or with a damaged one, is read the old way.

Layout (every array little-endian and 8-byte aligned from the start of the file;
inside a compound ``.seg`` file the start itself may be unaligned, which numpy allows)::

    MAGIC
    per field: terms     u8       the field's words (UTF-8), sorted, concatenated
               term_offs u64      n+1 offsets into ``terms``
               post_offs u64      n+1 offsets into docs/weights/counts
               pos_offs  u64      n+1 offsets into positions
               docs      u16/u32  segment-local document numbers, per word ascending
               weights   f32      Whoosh's posting weights; left out when every one
                                  is its count times the field boost
               counts    u16/u32  positions per posting
               positions u16/u32  each posting's positions, ascending
    directory (JSON: per field its sizes, boost and [offset, bytes, dtype] per array)
    u64 directory offset, u64 directory length, MAGIC

Integer arrays whose values all fit are stored in 16 bits. Opening a file reads
only the directory; a word costs a binary search over its field's words.
"""

from __future__ import annotations

import itertools
import json
import logging
import mmap
import os
import tempfile
import threading
import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocReader

from search.store.batch_postings import BatchPostings, segment_lengths
from search.store.deflate import deflate, inflate
from search.store.lengths import ColumnLengths
from search.store.posting_blocks import PostingBlocksWriter
from search.store.schema import ArrayPositions

log = logging.getLogger("archive_browser.engine.termarrays")

EXT = ".tarr"
"""File extension of a segment's term arrays (after the segment's id)."""
FIELDS = frozenset({"body", "title"})
"""Fields whose postings get arrays: the scored ones (executor.FIELD_BOOST)."""
MAGIC = b"TARRAYS1"
VERSION = 1
FLUSH_POSTINGS = 1 << 18
"""Postings buffered in Python arrays before they are converted to numpy at once."""
SPILL_BYTES = 16 << 20
"""Bytes of one array kept in memory while a segment is written; more go to a temp file."""
NARROW_BELOW = 1 << 16
"""Unsigned arrays whose values are all below this are stored in 16 bits."""
_TRAILER = 24

U32 = npt.NDArray[np.uint32]
F32 = npt.NDArray[np.float32]

_DTYPES: dict[str, str] = {
    "terms": "u1",
    "term_offs": "<u8",
    "post_offs": "<u8",
    "pos_offs": "<u8",
    "docs": "<u4",
    "weights": "<f4",
    "counts": "<u4",
    "positions": "<u4",
}


class Damaged(ValueError):
    """A term arrays file that is not what its directory says."""


def split_values(values: Sequence[bytes]) -> tuple[U32, U32]:
    """(positions per posting, all positions) of `ArrayPositions` values, in numpy.

    Each value is a little-endian uint32 count followed by that many positions;
    raises `Damaged` when the values are not of that form.
    """
    if not values:
        return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.uint32)
    words = np.frombuffer(b"".join(values), dtype="<u4")
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    if np.any(lengths & 3) or np.any(lengths < 4):
        raise Damaged("position values are not whole uint32 arrays")
    sizes = lengths >> 2
    starts = np.cumsum(sizes) - sizes
    counts = words[starts]
    if not np.array_equal(counts.astype(np.int64), sizes - 1):
        raise Damaged("position counts do not match the values' lengths")
    keep = np.ones(len(words), dtype=bool)
    keep[starts] = False
    return counts.astype(np.uint32), words[keep].astype(np.uint32)


# --- writing -----------------------------------------------------------------


class TermArraysCodec(W3Codec):  # type: ignore[misc]
    """Whoosh's W3 codec whose field writer also writes the segment's term arrays.

    Pickled into the index's table of contents with each segment; reading is
    W3's own, so an index written with it opens with plain Whoosh as well. Its posting
    blocks are W3's, pickled faster (`search.store.posting_blocks`), and its stored
    documents are compressed and decompressed by ISA-L where it is installed
    (`search.store.deflate`: the same zlib streams).
    """

    def per_document_writer(self, storage: Any, segment: Any) -> Any:
        writer = super().per_document_writer(storage, segment)
        stored = getattr(writer, "_colwriters", {}).get("_stored")
        compressing: Any = getattr(stored, "_child", None)
        if hasattr(compressing, "_compress"):  # else Whoosh's own zlib.compress, slower
            compressing._compress = deflate
        return writer

    def per_document_reader(self, storage: Any, segment: Any) -> Any:
        return _PerDocReader(storage, segment)

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return TermArraysFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> PostingBlocksWriter:
        return PostingBlocksWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class _PerDocReader(W3PerDocReader):  # type: ignore[misc]
    """W3's per-document reader, its stored documents decompressed by `inflate` (any zlib
    stream; ISA-L's where it is installed, half zlib's time: snippets read one a hit)."""

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        opened = getattr(self, "_readers", None)
        if opened is not None and fieldname in opened:  # W3's own first step, kept cheap
            return opened[fieldname]
        found = super()._cached_reader(fieldname, column)
        child: Any = getattr(found, "_child", None)
        if fieldname == "_stored" and hasattr(child, "_decompress"):
            child._decompress = inflate  # else zlib.decompress, the same bytes
        return found


class _Stream:
    """An append-only array: in memory while small, then in an unnamed temporary file."""

    def __init__(self, dtype: str, folder: str | None) -> None:
        self.dtype = np.dtype(dtype)
        self.folder = folder
        self.parts: list[npt.NDArray[Any]] = []
        self.file: IO[bytes] | None = None
        self.count = 0
        self.max = 0

    def append(self, values: npt.NDArray[Any]) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        if not len(values):
            return
        self.count += len(values)
        if self.dtype.kind == "u":
            self.max = max(self.max, int(values.max()))
        if self.file is None and self.count * self.dtype.itemsize > SPILL_BYTES:
            self.file = tempfile.TemporaryFile(dir=self.folder)  # noqa: SIM115 (closed in close)
            for part in self.parts:
                self.file.write(part.tobytes())
            self.parts = []
        if self.file is None:
            self.parts.append(values)
        else:
            self.file.write(values.tobytes())

    def stored_dtype(self) -> str:
        """Unsigned integers that all fit in 16 bits are stored in 16 bits."""
        if self.dtype.kind == "u" and self.max < NARROW_BELOW:
            return "<u2"
        return self.dtype.str

    def _chunks(self) -> Iterator[npt.NDArray[Any]]:
        if self.file is None:
            yield from self.parts
            return
        self.file.seek(0)
        size = (1 << 22) // self.dtype.itemsize * self.dtype.itemsize
        while chunk := self.file.read(size):
            yield np.frombuffer(chunk, dtype=self.dtype)

    def copy_to(self, out: Any, dtype: str) -> int:
        """Writes everything to ``out`` as ``dtype``; returns the number of bytes."""
        for chunk in self._chunks():
            out.write(chunk.astype(dtype, copy=False).tobytes())
        return self.count * np.dtype(dtype).itemsize

    def close(self) -> None:
        self.parts = []
        if self.file is not None:
            self.file.close()
            self.file = None


class _FieldArrays:
    """One field's arrays while its terms are being written."""

    def __init__(self, folder: str | None, boost: float) -> None:
        self.terms = bytearray()
        self.term_offs = array("Q", [0])
        self.post_offs = array("Q", [0])
        self.pos_offs = array("Q", [0])
        self.docs = array("I")
        self.weights = array("d")
        self.values: list[bytes] = []
        """The postings not converted yet (cleared in place: the writer holds their appends)."""
        self.pending_ends: list[int] = []
        """Number of pending postings at the end of each pending term."""
        self.postings = 0
        self.positions = 0
        self.boost = np.float32(boost)
        self.derived_weights = True
        """Whether every weight is its count times the field boost (then none are stored)."""
        self.streams = {
            name: _Stream(_DTYPES[name], folder)
            for name in ("docs", "weights", "counts", "positions")
        }

    def finish_term(self, btext: bytes) -> None:
        self.terms += btext
        self.term_offs.append(len(self.terms))
        pending = len(self.docs)
        self.pending_ends.append(pending)
        self.post_offs.append(self.postings + pending)
        if pending >= FLUSH_POSTINGS:
            self.flush()

    def flush(self) -> None:
        if not self.docs:
            return
        counts, positions = split_values(self.values)
        weight_array = np.frombuffer(self.weights, dtype=np.float64).astype(np.float32)
        if self.derived_weights and not np.array_equal(
            weight_array, counts.astype(np.float32) * self.boost
        ):
            self.derived_weights = False
        self.streams["docs"].append(np.frombuffer(self.docs, dtype=np.uint32).copy())
        self.streams["weights"].append(weight_array)
        self.streams["counts"].append(counts)
        self.streams["positions"].append(positions)
        running = np.concatenate(([0], np.cumsum(counts, dtype=np.int64)))
        ends = running[np.asarray(self.pending_ends, dtype=np.int64)] + self.positions
        self.pos_offs.extend(ends.tolist())
        self.postings += len(self.docs)
        self.positions += len(positions)
        del self.docs[:], self.weights[:], self.values[:]
        self.pending_ends = []

    def close(self) -> None:
        for stream in self.streams.values():
            stream.close()


class _Builder:
    """The ``.tarr`` file of one segment, written field by field."""

    def __init__(self, storage: Any, segment: Any) -> None:
        self.storage = storage
        self.segment = segment
        folder = getattr(storage, "folder", None)
        self.folder = folder if isinstance(folder, str) and os.path.isdir(folder) else None
        self.out: Any = None
        self.pos = 0
        self.fields: dict[str, dict[str, Any]] = {}

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.pos += len(data)

    def _align(self) -> None:
        if self.pos % 8:
            self._write(b"\0" * (8 - self.pos % 8))

    def open(self) -> None:
        self.out = self.segment.create_file(self.storage, EXT)
        self._write(MAGIC)

    def write_field(self, fieldname: str, arrays: _FieldArrays) -> None:
        arrays.flush()
        sections: dict[str, list[Any]] = {}
        in_memory = {
            "terms": bytes(arrays.terms),
            "term_offs": np.frombuffer(arrays.term_offs, dtype=np.uint64).astype("<u8").tobytes(),
            "post_offs": np.frombuffer(arrays.post_offs, dtype=np.uint64).astype("<u8").tobytes(),
            "pos_offs": np.frombuffer(arrays.pos_offs, dtype=np.uint64).astype("<u8").tobytes(),
        }
        for name, data in in_memory.items():
            self._align()
            sections[name] = [self.pos, len(data), _DTYPES[name]]
            self._write(data)
        for name, stream in arrays.streams.items():
            if name == "weights" and arrays.derived_weights:
                continue
            self._align()
            start, dtype = self.pos, stream.stored_dtype()
            self.pos += stream.copy_to(self.out, dtype)
            sections[name] = [start, self.pos - start, dtype]
        self.fields[fieldname] = {
            "terms": len(arrays.term_offs) - 1,
            "postings": arrays.postings,
            "positions": arrays.positions,
            "boost": float(arrays.boost),
            "sections": sections,
        }

    def close(self) -> None:
        self._align()
        directory = json.dumps(
            {"version": VERSION, "fields": self.fields}, separators=(",", ":")
        ).encode()
        start = self.pos
        self._write(directory)
        self._write(int(start).to_bytes(8, "little") + len(directory).to_bytes(8, "little") + MAGIC)
        self.out.close()
        self.out = None

    def abort(self) -> None:
        if self.out is not None:
            try:
                self.out.close()
            finally:
                self.out = None
                try:
                    self.storage.delete_file(self.segment.make_filename(EXT))
                except OSError:
                    log.warning("could not delete %s", self.segment.make_filename(EXT))


class TermArraysFieldWriter(W3FieldWriter):  # type: ignore[misc]
    """W3's field writer, also collecting the scored fields' postings as arrays.

    Any failure here only costs the segment its term arrays (searches then read
    it the old way); the Whoosh segment itself is written as usual.
    """

    def __init__(self, codec: Any, storage: Any, segment: Any) -> None:
        super().__init__(codec, storage, segment)
        self._builder: _Builder | None = _Builder(storage, segment)
        self._arrays: _FieldArrays | None = None
        self._collect: tuple[Any, Any, Any] | None = None
        self._term: bytes = b""
        try:
            self._builder.open()
        except Exception:
            self._fail("could not create")

    def _fail(self, what: str) -> None:
        log.warning(
            "%s the term arrays of segment %s; searches read it the slow way",
            what,
            self._segment.segment_id(),
            exc_info=True,
        )
        self._collect = None
        if self._arrays is not None:
            self._arrays.close()
            self._arrays = None
        if self._builder is not None:
            self._builder.abort()
            self._builder = None

    def start_field(self, fieldname: str, fieldobj: Any) -> None:
        super().start_field(fieldname, fieldobj)
        self._arrays = self._collect = None
        if (
            self._builder is not None
            and fieldname in FIELDS
            and fieldname not in self._builder.fields
            and isinstance(fieldobj.format, ArrayPositions)
        ):
            self._arrays = _FieldArrays(self._builder.folder, fieldobj.format.field_boost)
            arrays = self._arrays
            self._collect = (arrays.docs.append, arrays.weights.append, arrays.values.append)

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        # Each posting asks for its document's length: read the columns whole first.
        column_lengths = ColumnLengths(lengths) if lengths else lengths
        if not isinstance(items, BatchPostings):
            super().add_postings(schema, column_lengths, items)
            return
        # The pool's postings field by field, the arrays' fields in their place among them.
        pending = sorted(items.fields)
        for fieldname, group in itertools.groupby(items.regular, key=lambda item: item[0]):
            while pending and pending[0] < fieldname:
                self._add_batch_field(schema, lengths, column_lengths, items, pending.pop(0))
            super().add_postings(schema, column_lengths, group)
        for name in pending:
            self._add_batch_field(schema, lengths, column_lengths, items, name)

    def _add_batch_field(
        self, schema: Any, lengths: Any, column_lengths: Any, items: BatchPostings, name: str
    ) -> None:
        """A batch field's postings, a term at a time: each block of W3's postings writer
        filled at once (what ``add_posting`` would have put there, one call a posting),
        then written by the codec's ``_write_block`` (`search.store.posting_blocks`) and W3's
        ``finish_postings``."""
        self.start_field(name, schema[name])
        doc_lengths = segment_lengths(lengths, name)
        dfl = column_lengths.doc_field_length if column_lengths else None
        limit = self._postwriter._blocklimit
        for btext, docs, weights, values in items.fields[name].sorted_terms():
            self.start_term(btext)
            postwriter = self._postwriter
            if doc_lengths is not None:
                term_lengths = doc_lengths[docs].tolist()
            elif dfl is not None:
                term_lengths = [dfl(docnum, name) or 0 for docnum in docs]
            else:
                term_lengths = [0] * len(docs)
            count = len(docs)
            for start in range(0, count, limit):
                end = min(start + limit, count)
                postwriter._ids = array("I", docs[start:end])
                postwriter._weights = array("f", weights[start:end])
                postwriter._values = values[start:end]
                postwriter._maxweight = max(0, *weights[start:end])
                known = [n for n in term_lengths[start:end] if n]
                postwriter._minlength = min(known) if known else None
                postwriter._maxlength = max(known) if known else 0
                if end < count:
                    postwriter._write_block()
            arrays = self._arrays
            if arrays is not None:
                try:
                    arrays.docs.extend(docs)
                    arrays.weights.extend(weights)
                    arrays.values.extend(values)
                except Exception:
                    self._fail("could not collect")
            self.finish_term()
        self.finish_field()

    def start_term(self, btext: bytes) -> None:
        super().start_term(btext)
        self._term = btext

    def add(self, docnum: int, weight: float, vbytes: bytes, length: int) -> None:
        self._postwriter.add_posting(docnum, weight, vbytes, length)  # W3FieldWriter.add
        collect = self._collect
        if collect is not None:
            try:
                collect[0](docnum)
                collect[1](weight)
                collect[2](vbytes)
            except Exception:  # e.g. a document number beyond 32 bits
                self._fail("could not collect")

    def finish_term(self) -> None:
        super().finish_term()
        if self._arrays is not None:
            try:
                self._arrays.finish_term(self._term)
            except Exception:
                self._fail("could not collect")

    def finish_field(self) -> None:
        super().finish_field()
        arrays, self._arrays, self._collect = self._arrays, None, None
        if arrays is not None and self._builder is not None:
            try:
                self._builder.write_field(self._fieldname, arrays)
            except Exception:
                self._fail("could not write")
            finally:
                arrays.close()

    def close(self) -> None:
        super().close()
        if self._arrays is not None:  # closed within a field: a cancelled writer
            self._arrays.close()
            self._arrays = self._collect = None
        if self._builder is not None:
            try:
                self._builder.close()
            except Exception:
                self._fail("could not finish")
            self._builder = None


# --- reading -----------------------------------------------------------------


_ALLOWED: dict[str, tuple[str, ...]] = {
    "terms": ("|u1",),
    "term_offs": ("<u8",),
    "post_offs": ("<u8",),
    "pos_offs": ("<u8",),
    "docs": ("<u2", "<u4"),
    "weights": ("<f4",),
    "counts": ("<u2", "<u4"),
    "positions": ("<u2", "<u4"),
}


def _first8(btext: bytes, pad: bytes = b"\0") -> int:
    """A word's first 8 bytes, padded with ``pad``, as the big-endian integer `_Field.prefixes`
    holds for each word (so integer order is byte order)."""
    return int.from_bytes(btext[:8].ljust(8, pad), "big")


class _Field:
    __slots__ = (
        "_prefixes",
        "boost",
        "counts",
        "docs",
        "pos_offs",
        "positions",
        "post_offs",
        "size",
        "term_offs",
        "terms",
        "weights",
    )

    def __init__(self, buf: Any, info: dict[str, Any], limit: int) -> None:
        sections = info["sections"]
        arrays: dict[str, npt.NDArray[Any]] = {}
        for name, allowed in _ALLOWED.items():
            if name == "weights" and name not in sections:
                continue  # each weight is the count times the boost
            offset, nbytes, dtype = sections[name]
            offset, nbytes = int(offset), int(nbytes)
            if np.dtype(dtype).str not in allowed:
                raise Damaged(f"section {name} has type {dtype}")
            itemsize = np.dtype(dtype).itemsize
            if offset < len(MAGIC) or nbytes < 0 or offset + nbytes > limit or nbytes % itemsize:
                raise Damaged(f"section {name} out of bounds")
            arrays[name] = np.frombuffer(buf, dtype=dtype, count=nbytes // itemsize, offset=offset)
        self.size = int(info["terms"])
        self.boost = np.float32(info["boost"])
        self.terms: npt.NDArray[np.uint8] = arrays["terms"]
        self.term_offs: npt.NDArray[Any] = arrays["term_offs"]
        self.post_offs: npt.NDArray[Any] = arrays["post_offs"]
        self.pos_offs: npt.NDArray[Any] = arrays["pos_offs"]
        self.docs: npt.NDArray[Any] = arrays["docs"]
        self.weights: npt.NDArray[Any] | None = arrays.get("weights")
        self.counts: npt.NDArray[Any] = arrays["counts"]
        self.positions: npt.NDArray[Any] = arrays["positions"]
        postings = int(info["postings"])
        expected = [
            (len(self.term_offs), self.size + 1),
            (len(self.post_offs), self.size + 1),
            (len(self.pos_offs), self.size + 1),
            (len(self.docs), postings),
            (len(self.counts), postings),
            (len(self.positions), int(info["positions"])),
            (int(self.term_offs[-1]), len(self.terms)),
            (int(self.post_offs[-1]), postings),
            (int(self.pos_offs[-1]), len(self.positions)),
        ]
        if self.weights is not None:
            expected.append((len(self.weights), postings))
        if any(got != want for got, want in expected):
            raise Damaged("section sizes disagree with the directory")
        self._prefixes: npt.NDArray[np.uint64] | None = None

    def prefixes(self) -> npt.NDArray[np.uint64]:
        """Each word's first 8 bytes (zero-padded) as a big-endian integer, in word order
        (so ascending): a numpy search narrows a lookup to the words sharing them. Made
        on first use (tens of milliseconds for a segment of 10^5 articles' words)."""
        if self._prefixes is None:
            offsets = self.term_offs.astype(np.int64)
            starts, lengths = offsets[:-1], np.diff(offsets)
            grid = np.zeros((self.size, 8), dtype=np.uint8)
            for k in range(8):
                longer = lengths > k
                grid[longer, k] = self.terms[starts[longer] + k]
            self._prefixes = grid.view(">u8").reshape(-1).astype(np.uint64)
        return self._prefixes

    def weights_of(self, start: int, end: int) -> F32:
        """The weights of postings ``start`` to ``end``: stored, or each count times the
        field's boost where the file leaves them out."""
        if self.weights is not None:
            return self.weights[start:end]
        weights: F32 = self.counts[start:end].astype(np.float32) * self.boost
        return weights

    def find(self, btext: bytes) -> int:
        """Index of the word, or -1: a numpy search over the words' first 8 bytes, then a
        binary search over the few sharing them (a Python binary search over all the
        words took ~70 us a segment at 10^5 articles, and a word is looked up in each)."""
        prefixes = self.prefixes()
        key = np.uint64(_first8(btext))
        lo = int(np.searchsorted(prefixes, key, "left"))
        hi = int(np.searchsorted(prefixes, key, "right"))
        return self._bisect(btext, lo, hi)

    def _bisect(self, btext: bytes, lo: int, hi: int) -> int:
        """Index of the word among words ``lo`` to ``hi`` (those sharing its first 8
        bytes), or -1."""
        offs = self.term_offs
        terms = self.terms
        while lo < hi:
            mid = (lo + hi) // 2
            word = terms[int(offs[mid]) : int(offs[mid + 1])].tobytes()
            if word < btext:
                lo = mid + 1
            elif word > btext:
                hi = mid
            else:
                return mid
        return -1

    def find_many(self, btexts: Sequence[bytes]) -> list[int]:
        """`find` of each word: the numpy searches for all of them at once (a pattern's
        words are looked up in every segment, and per word the calls cost more than
        the search)."""
        if not btexts:
            return []
        prefixes = self.prefixes()
        keys = np.fromiter(
            map(_first8, btexts),
            dtype=np.uint64,
            count=len(btexts),
        )
        lows = np.searchsorted(prefixes, keys, "left").tolist()
        highs = np.searchsorted(prefixes, keys, "right").tolist()
        return [
            self._bisect(btext, lo, hi) for btext, lo, hi in zip(btexts, lows, highs, strict=True)
        ]

    def with_prefix(self, bprefix: bytes) -> list[bytes]:
        """The words starting with ``bprefix``, in order: the words' first 8 bytes bound
        them (a numpy search), and longer prefixes are checked on the few left."""
        prefixes = self.prefixes()
        head = bprefix[:8]
        low = np.uint64(_first8(head))
        high = np.uint64(_first8(head, b"\xff"))
        lo = int(np.searchsorted(prefixes, low, "left"))
        hi = int(np.searchsorted(prefixes, high, "right"))
        if lo >= hi:
            return []
        offsets = self.term_offs[lo : hi + 1].astype(np.int64).tolist()
        raw = self.terms[offsets[0] : offsets[-1]].tobytes()
        first = offsets[0]
        words = [raw[a - first : b - first] for a, b in itertools.pairwise(offsets)]
        if len(bprefix) > 8:
            words = [w for w in words if w.startswith(bprefix)]
        return words


class TermArrays:
    """The term arrays of one segment, over a read-only buffer (normally an mmap)."""

    def __init__(self, buf: Any, doccount: int) -> None:
        view = memoryview(buf)
        size = len(view)
        if size < len(MAGIC) + _TRAILER or view[: len(MAGIC)] != MAGIC:
            raise Damaged("not a term arrays file")
        trailer = view[size - _TRAILER :].tobytes()
        if trailer[16:] != MAGIC:
            raise Damaged("truncated")
        start = int.from_bytes(trailer[:8], "little")
        length = int.from_bytes(trailer[8:16], "little")
        if start < len(MAGIC) or start + length != size - _TRAILER:
            raise Damaged("bad directory position")
        try:
            directory = json.loads(view[start : start + length].tobytes())
            if directory["version"] != VERSION:
                raise Damaged(f"version {directory['version']}")
            self._fields = {
                name: _Field(view, info, start) for name, info in directory["fields"].items()
            }
        except (ValueError, KeyError, TypeError) as exc:
            raise Damaged(str(exc) or type(exc).__name__) from exc
        self._doccount = doccount

    def has_field(self, fieldname: str) -> bool:
        return fieldname in self._fields

    def with_prefix(self, fieldname: str, bprefix: bytes) -> list[bytes]:
        """The segment's words of a field that start with ``bprefix``, in order."""
        return self._fields[fieldname].with_prefix(bprefix)

    def frequencies(self, fieldname: str) -> dict[bytes, int]:
        """Each word of a field -> the segment's documents having it (deleted ones too),
        in one pass over the arrays: a binary search per word cost ~30 us in Python."""
        field = self._fields[fieldname]
        raw = field.terms.tobytes()
        offsets = field.term_offs.tolist()
        counts = np.diff(field.post_offs.astype(np.int64)).tolist()
        return {raw[offsets[i] : offsets[i + 1]]: counts[i] for i in range(field.size)}

    def _term(self, fieldname: str, btext: bytes) -> tuple[_Field, int, int, int] | None:
        """(field, term index, first posting, end posting); None if the word is absent."""
        field = self._fields[fieldname]
        at = field.find(btext)
        if at < 0:
            return None
        start, end = int(field.post_offs[at]), int(field.post_offs[at + 1])
        if not 0 <= start < end <= len(field.docs):
            raise Damaged(f"postings of {btext!r} out of bounds")
        docs = field.docs
        # Ascending: each number above the one before, compared in place (no copy).
        if int(docs[end - 1]) >= self._doccount or (
            end - start > 1 and bool((docs[start + 1 : end] <= docs[start : end - 1]).any())
        ):
            raise Damaged(f"document numbers of {btext!r} out of order or range")
        return field, at, start, end

    def postings(self, fieldname: str, btext: bytes) -> tuple[npt.NDArray[Any], F32]:
        """Segment-local docnums and weights of a word (docnums: a view into the file)."""
        found = self._term(fieldname, btext)
        if found is None:
            return np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.float32)
        field, _, start, end = found
        return field.docs[start:end], field.weights_of(start, end)

    def postings_many(
        self, fieldname: str, btexts: Sequence[bytes]
    ) -> list[tuple[npt.NDArray[Any], F32]]:
        """`postings` of each word (in order; empty arrays for an absent one), looked up and
        bounds-checked for all of them at once: a prefix's words in one segment. Raises
        `Damaged` as `postings` would for any of them."""
        field = self._fields[fieldname]
        at = np.asarray(field.find_many(btexts), dtype=np.int64)
        present = np.flatnonzero(at >= 0)
        empty = (np.empty(0, dtype=np.uint32), np.empty(0, dtype=np.float32))
        out: list[tuple[npt.NDArray[Any], F32]] = [empty] * len(btexts)
        if not len(present):
            return out
        index = at[present]
        starts = field.post_offs[index].astype(np.int64)
        ends = field.post_offs[index + 1].astype(np.int64)
        if bool((starts < 0).any() or (starts >= ends).any() or (ends > len(field.docs)).any()):
            raise Damaged("postings out of bounds")
        docs = field.docs
        if int(docs[ends - 1].max()) >= self._doccount:
            raise Damaged("document numbers out of range")
        for k, start, end in zip(present.tolist(), starts.tolist(), ends.tolist(), strict=True):
            found = docs[start:end]
            # Ascending: each number above the one before, compared in place (no copy).
            if end - start > 1 and bool((found[1:] <= found[:-1]).any()):
                raise Damaged("document numbers out of order")
            out[k] = (found, field.weights_of(start, end))
        return out

    def positions(
        self, fieldname: str, btext: bytes
    ) -> tuple[npt.NDArray[Any], npt.NDArray[Any], npt.NDArray[Any]]:
        """Segment-local docnums, positions per doc and all positions of a word (views)."""
        found = self._term(fieldname, btext)
        if found is None:
            empty = np.empty(0, dtype=np.uint32)
            return empty, empty, empty
        field, at, start, end = found
        first, last = int(field.pos_offs[at]), int(field.pos_offs[at + 1])
        counts = field.counts[start:end]
        if not 0 <= first <= last <= len(field.positions) or int(counts.sum()) != last - first:
            raise Damaged(f"positions of {btext!r} out of bounds")
        positions = field.positions[first:last]
        if len(positions) and int(positions.max()) >= 1 << 24:
            raise Damaged(f"positions of {btext!r} out of range")
        return field.docs[start:end], counts, positions


def _open_buffer(storage: Any, name: str) -> Any:
    """The file's bytes without copying: a slice of the compound file's map, or a new map.

    None when the segment has no such file.
    """
    overlay = getattr(storage, "a", None)  # whoosh OverlayStorage(compound file, folder)
    if overlay is not None:
        storage = overlay if overlay.file_exists(name) else storage.b
    if not storage.file_exists(name):
        return None
    source = getattr(storage, "_source", None)  # a CompoundStorage mapped into memory
    if source is not None and hasattr(storage, "range"):
        offset, length = storage.range(name)
        return memoryview(source)[offset : offset + length]
    folder = getattr(storage, "folder", None)
    if isinstance(folder, str) and not hasattr(storage, "range"):
        with open(os.path.join(folder, name), "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return b""
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    handle = storage.open_file(name)
    try:
        return handle.read()
    finally:
        handle.close()


_opened: weakref.WeakKeyDictionary[Any, TermArrays | None] = weakref.WeakKeyDictionary()
_warned: set[str] = set()
_lock = threading.Lock()


def for_leaf(leaf: Any) -> TermArrays | None:
    """The term arrays of a segment reader (opened once per reader), or None."""
    try:
        return _opened[leaf]
    except KeyError:
        pass
    except TypeError:  # not a reader that can be remembered
        return None
    arrays: TermArrays | None = None
    segment = getattr(leaf, "_segment", None)
    storage = getattr(leaf, "_storage", None)
    if segment is not None and storage is not None:
        name = segment.make_filename(EXT)
        try:
            buf = _open_buffer(storage, name)
            if buf is None:
                warn(leaf, "has no term arrays")
            else:
                arrays = TermArrays(buf, leaf.doc_count_all())
        except (Damaged, OSError, ValueError) as exc:
            warn(leaf, f"has damaged term arrays ({exc})")
    with _lock:
        _opened[leaf] = arrays
    return arrays


def discard(leaf: Any, reason: str) -> None:
    """Stop using a reader's term arrays (found damaged while reading a word)."""
    warn(leaf, f"has damaged term arrays ({reason})")
    with _lock:
        _opened[leaf] = None


def warn(leaf: Any, what: str) -> None:
    """Log once per segment that it is read the slow way, and why."""
    segment = getattr(leaf, "_segment", None)
    segid = segment.segment_id() if segment is not None else repr(leaf)
    with _lock:
        if segid in _warned:
            return
        _warned.add(segid)
    log.warning("index segment %s %s: reading its postings the slow way", segid, what)


def expand_prefix(reader: Any, fieldname: str, prefix: str) -> list[bytes]:
    """The index's words of a field starting with ``prefix``, sorted: what Whoosh's
    ``reader.expand_prefix`` gives, from each segment's term arrays where it has them.
    Whoosh binary-searches each segment's on-disk term table with a read per probe and
    merges the segments in Python (some 10 ms for a word's stem variants over 21
    segments at 10^5 articles, a third of a first search); a numpy search per segment
    costs microseconds. A reader without segments (the cluster's word list) answers
    itself."""
    leaf_readers = getattr(reader, "leaf_readers", None)
    if leaf_readers is None:
        return [_as_bytes(w) for w in reader.expand_prefix(fieldname, prefix)]
    bprefix = prefix.encode("utf-8")
    words: set[bytes] = set()
    for leaf, _base in leaf_readers():
        arrays = for_leaf(leaf)
        if arrays is not None and arrays.has_field(fieldname):
            words.update(arrays.with_prefix(fieldname, bprefix))
        else:
            words.update(_as_bytes(w) for w in leaf.expand_prefix(fieldname, prefix))
    return sorted(words)


def _as_bytes(word: bytes | str) -> bytes:
    return word if isinstance(word, bytes) else word.encode("utf-8")
