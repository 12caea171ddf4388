"""Field lengths per document, read from Whoosh's length column whole.

Whoosh's W3 codec keeps each document's length of a field as one byte (a log
scale) in a column, and reads it back one document per Python call. Both
scoring (the executor's BM25 needs every document's length once per reader)
and writing (each posting of a new segment asks for its document's length)
did that ~10^5-10^6 times; here the column is one slice mapped through
Whoosh's byte-to-length table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import _length_byte_cache

BYTE_TO_LENGTH = np.asarray(_length_byte_cache, dtype=np.float32)
"""Length of each byte value (0 for byte 0: no length)."""


def length_bytes(perdoc: Any, fieldname: str, count: int) -> npt.NDArray[np.uint8] | None:
    """Each of ``count`` documents' length byte of ``fieldname`` (0: none).

    None when ``perdoc`` is not a W3 per-document reader with a one-byte
    length column (another codec): then ask it document by document.
    """
    if not hasattr(perdoc, "_cached_reader"):
        return None
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    out = np.zeros(count, dtype=np.uint8)
    if column is None:  # no document has the field
        return out
    if getattr(column, "_fixedlen", None) != 1 or not hasattr(column, "_dbfile"):
        return None
    stored = min(column._count, count)
    out[:stored] = np.frombuffer(column._dbfile.get(column._basepos, stored), dtype=np.uint8)
    return out


class ColumnLengths:
    """``doc_field_length`` of a segment's per-document reader, from whole columns.

    Gives exactly what Whoosh's W3 reader gives (None for a document whose
    length byte is 0, ``default`` without a column), so the segment writer's
    per-posting look-ups cost a list index instead of a column read.
    """

    def __init__(self, lengths: Any) -> None:
        self._lengths = lengths
        self._perdoc = getattr(lengths, "_perdoc", lengths)  # a SegmentReader or its perdoc
        self._count = int(lengths.doc_count_all())
        self._fields: dict[str, list[int | None] | None] = {}
        self._absent: set[str] = set()
        """Fields with no length column (not scored: ids, dates, countries, sources): W3
        answers ``default`` for each of their documents, after a file look-up (a
        ``stat``) per call, and the writer asks once per posting."""

    def _read(self, fieldname: str) -> list[int | None] | None:
        has_column = getattr(self._perdoc, "has_column", None)
        if has_column is None:
            return None  # not W3: ask it
        if not has_column(_lenfield(fieldname)):
            if hasattr(self._perdoc, "_cached_reader"):  # W3: the default, every time
                self._absent.add(fieldname)
            return None
        raw = length_bytes(self._perdoc, fieldname, self._count)
        if raw is None:
            return None
        return [int(n) if n else None for n in BYTE_TO_LENGTH[raw].tolist()]

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int | None:
        if fieldname not in self._fields:
            self._fields[fieldname] = self._read(fieldname)
        known = self._fields[fieldname]
        if known is None and fieldname in self._absent and 0 <= docnum < self._count:
            return default
        if known is None or not 0 <= docnum < self._count:
            found: int | None = self._lengths.doc_field_length(docnum, fieldname, default)
            return found
        return known[docnum]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lengths, name)
