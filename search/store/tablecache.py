"""The per-document table of one index generation, kept on disk and memory-mapped.

Building `DocTable` reads every document's columns out of Whoosh and costs
about a second at 10^5 articles; it depends only on the committed index, so
it is saved once per generation beside the index (``doctable-<gen>.cache`` in
the index folder) and mapped at the next open instead of rebuilt.

A file is used only if its format version and its key (the Whoosh generation
plus every segment's id, size and deletion count, so any commit or rebuild
changes it) match the reader, and its arrays pass cheap bounds checks;
anything else (stale, truncated, garbage) is ignored, rebuilt from Whoosh and
overwritten. Saving is best effort: a read-only folder or a full disk only
logs. Files are written to a temporary name and renamed into place, so a
reader never sees half a file.

Layout: a fixed prefix (magic, format, header length, header CRC), a JSON
header naming each array's dtype, shape and offset, then the arrays, each
64-byte aligned. Lists of strings are stored as NUL-joined UTF-8.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mmap
import os
import re
import struct
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from search.store.doctable import DocTable, MultiValued, rows_reader
from search.store.folder import open_regular

log = logging.getLogger("archive_browser.engine.tablecache")

FORMAT = 1
"""Bump whenever DocTable's contents or this layout change: old files are then rebuilt."""
MAGIC = b"ABTABLE\x00"
PREFIX = struct.Struct("<8sIII")
"""magic, format, header length, CRC-32 of the header."""
ALIGN = 64
FACETS = ("countries", "people", "orgs", "places")
NAME = re.compile(r"doctable-(\d+)\.cache$")
TEMP_PREFIX = "doctable-"
TEMP_SUFFIX = ".tmp"
STALE_TEMP_S = 600.0
"""A temporary file older than this was left by a writer that died: removed."""


def cache_key(reader: Any) -> tuple[int, str] | None:
    """(generation, key) of an index reader; None if it cannot be keyed (nothing to cache)."""
    generation = reader.generation()
    if generation is None or reader.doc_count_all() == 0:
        return None
    parts = [str(generation)]
    for leaf, base in reader.leaf_readers():
        segment = leaf.segment()
        if segment is None:
            return None
        parts.append(
            f"{segment.segment_id()}@{base}:{segment.doc_count_all()}-{segment.deleted_count()}"
        )
    return int(generation), ";".join(parts)


def cache_path(folder: Path, generation: int) -> Path:
    return folder / f"doctable-{generation}.cache"


# --- loading -----------------------------------------------------------------


def load(folder: Path, reader: Any) -> DocTable | None:
    """The table of this reader from its cache file, or None (missing, stale, damaged)."""
    keyed = cache_key(reader)
    if keyed is None:
        return None
    generation, key = keyed
    path = cache_path(folder, generation)
    try:
        with open_regular(path) as f:  # a FIFO put here must not hang every open
            if os.fstat(f.fileno()).st_size < PREFIX.size:
                raise ValueError("shorter than its header")
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.info("table cache %s unreadable (%s): rebuilding", path, exc)
        return None
    try:
        return _decode(mapped, key, reader)
    except _Stale as exc:
        log.info("table cache %s is stale (%s): rebuilding", path, exc)
    except Exception as exc:  # garbage of any kind: never worse than a rebuild
        log.warning("table cache %s is damaged (%s): rebuilding", path, exc)
    with contextlib.suppress(BufferError):  # arrays made before the failure may still view it
        mapped.close()
    return None


class _Stale(Exception):
    pass


def _decode(mapped: mmap.mmap, key: str, reader: Any) -> DocTable:
    magic, version, header_len, header_crc = PREFIX.unpack_from(mapped, 0)
    if magic != MAGIC:
        raise ValueError("not a table cache")
    if version != FORMAT:
        raise _Stale(f"format {version}, not {FORMAT}")
    raw_header = mapped[PREFIX.size : PREFIX.size + header_len]
    if len(raw_header) != header_len or zlib.crc32(raw_header) != header_crc:
        raise ValueError("header checksum mismatch")
    header = json.loads(raw_header)
    if header["key"] != key:
        raise _Stale("another generation")
    size = int(header["size"])
    if size != reader.doc_count_all():
        raise ValueError("document count differs from the index")
    blobs = _Blobs(mapped, header["arrays"], _data_start(header_len))

    live = np.array(blobs.array("live", np.bool_, size))  # a private, writable copy
    if size and live.view(np.uint8).max() > 1:
        raise ValueError("live is not a mask")
    ids = blobs.strings("ids", size)
    month_labels = [str(label) for label in header["month_labels"]]
    month_id = blobs.array("month_id", np.int64, size)
    _check_range(month_id, len(month_labels) + 1, "month_id")
    facets = {name: _decode_facet(blobs, name, size, live) for name in FACETS}
    orders = {
        oldest: _check_range(blobs.array(name, np.int64, size), size, name)
        for oldest, name in ((False, "order_newest"), (True, "order_oldest"))
        if name in header["arrays"]
    }
    return DocTable(
        size=size,
        live=live,
        ids=ids,
        datekey=blobs.array("datekey", np.int64, size),
        countries=facets["countries"],
        people=facets["people"],
        orgs=facets["orgs"],
        places=facets["places"],
        id_rank=_check_range(blobs.array("id_rank", np.int64, size), size, "id_rank"),
        month_id=month_id,
        month_labels=month_labels,
        _rows=rows_reader(reader, size),
        _orders=orders,
        _decoded={},
    )


def _decode_facet(blobs: _Blobs, name: str, size: int, live: Any) -> MultiValued:
    keys = blobs.strings(f"{name}.keys", None)
    vocab = blobs.strings(f"{name}.vocab", len(keys))
    docs = _check_range(blobs.array(f"{name}.docs", np.int64, None), size, f"{name}.docs")
    values = blobs.array(f"{name}.values", np.int64, len(docs))
    _check_range(values, len(vocab), f"{name}.values")
    indptr = blobs.array(f"{name}.indptr", np.int64, size + 1)
    if size and (indptr[0] != 0 or indptr[-1] != len(docs) or np.any(np.diff(indptr) < 0)):
        raise ValueError(f"{name}.indptr is not an index of the pairs")
    live_counts = None
    if f"{name}.live_counts" in blobs.entries:
        live_counts = blobs.array(f"{name}.live_counts", np.int64, len(vocab))
    return MultiValued(
        vocab=vocab,
        index=dict(zip(keys, range(len(keys)), strict=True)),
        docs=docs,
        values=values,
        name_rank=blobs.array(f"{name}.name_rank", np.int64, len(vocab)),
        indptr=indptr,
        live=live,
        _live_counts=live_counts,
    )


def _check_range(array: Any, bound: int, name: str) -> Any:
    """The array itself, if all its values are in [0, bound) (so indexing cannot fail)."""
    if len(array) and (int(array.min()) < 0 or int(array.max()) >= bound):
        raise ValueError(f"{name} out of range")
    return array


class _Blobs:
    """Typed views of the arrays in a mapped cache file (no copies)."""

    def __init__(self, mapped: mmap.mmap, entries: dict[str, list[Any]], start: int) -> None:
        self._mapped = mapped
        self.entries = entries
        self._start = start

    def _span(self, name: str) -> tuple[str, int, int]:
        dtype, count, offset = self.entries[name][:3]
        if offset < 0 or count < 0 or offset % ALIGN:
            raise ValueError(f"{name}: bad offset")
        return str(dtype), int(count), self._start + int(offset)

    def array(self, name: str, expected: type[Any], count: int | None) -> Any:
        dtype, found, offset = self._span(name)
        if np.dtype(dtype) != np.dtype(expected):
            raise ValueError(f"{name}: dtype {dtype}")
        if count is not None and found != count:
            raise ValueError(f"{name}: {found} items, expected {count}")
        if offset + found * np.dtype(dtype).itemsize > len(self._mapped):
            raise ValueError(f"{name}: truncated")
        return np.frombuffer(self._mapped, dtype=dtype, count=found, offset=offset)

    def strings(self, name: str, count: int | None) -> list[str]:
        kind, length, offset = self._span(name)
        stored = int(self.entries[name][3])
        if kind != "str" or (count is not None and stored != count):
            raise ValueError(f"{name}: not {count} strings")
        if offset + length > len(self._mapped):
            raise ValueError(f"{name}: truncated")
        text = self._mapped[offset : offset + length].decode("utf-8")
        items = text.split("\x00") if stored else []
        if len(items) != stored:
            raise ValueError(f"{name}: {len(items)} strings, expected {stored}")
        return items


# --- saving ------------------------------------------------------------------


def save(folder: Path, reader: Any, table: DocTable) -> Path | None:
    """Write the table of this reader (best effort: errors are logged, not raised).

    Also computes the date orders and facet totals, so they are mapped too.
    Older generations' files are removed. Returns the file written, if any.
    """
    keyed = cache_key(reader)
    if keyed is None or table.size != reader.doc_count_all():
        return None
    generation, key = keyed
    path = cache_path(folder, generation)
    try:
        parts = _encode(table, key)
    except _Unstorable as exc:
        log.info("table not cached: %s", exc)
        return None
    try:
        _write_atomically(folder, path, parts)
    except OSError as exc:
        log.warning("could not save the table cache %s: %s", path, exc)
        return None
    remove_stale(folder, generation)
    return path


class _Unstorable(Exception):
    pass


def _encode(table: DocTable, key: str) -> list[bytes | memoryview]:
    arrays: dict[str, Any] = {
        "live": table.live,
        "ids": _Strings(table.ids, "ids"),
        "datekey": table.datekey,
        "month_id": table.month_id,
        "id_rank": table.id_rank,
        "order_newest": table.full_order(False),
        "order_oldest": table.full_order(True),
    }
    for name in FACETS:
        facet: MultiValued = getattr(table, name)
        keys = [""] * len(facet.index)
        for folded, position in facet.index.items():
            keys[position] = folded
        arrays[f"{name}.keys"] = _Strings(keys, f"{name}.keys")
        arrays[f"{name}.vocab"] = _Strings(facet.vocab, f"{name}.vocab")
        arrays[f"{name}.docs"] = facet.docs
        arrays[f"{name}.values"] = facet.values
        arrays[f"{name}.name_rank"] = facet.name_rank
        arrays[f"{name}.indptr"] = facet.indptr
        arrays[f"{name}.live_counts"] = facet.all_live_counts()

    entries: dict[str, list[Any]] = {}
    payload: list[bytes | memoryview] = []
    offset = 0
    for name, value in arrays.items():
        if isinstance(value, _Strings):
            data: bytes | memoryview = value.data
            entries[name] = ["str", len(value.data), offset, value.count]
        else:
            contiguous = np.ascontiguousarray(value)
            data = contiguous.data.cast("B")
            entries[name] = [contiguous.dtype.str, len(contiguous), offset]
        payload.append(data)
        offset += len(data)
        pad = -offset % ALIGN
        payload.append(b"\x00" * pad)
        offset += pad
    header = {
        "key": key,
        "size": table.size,
        "month_labels": table.month_labels,
        "arrays": entries,
    }
    raw = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode()
    prefix = PREFIX.pack(MAGIC, FORMAT, len(raw), zlib.crc32(raw))
    padding = b"\x00" * (_data_start(len(raw)) - PREFIX.size - len(raw))
    return [prefix, raw, padding, *payload]


def _data_start(header_len: int) -> int:
    """Where the arrays begin: after the header, aligned (offsets count from here)."""
    end = PREFIX.size + header_len
    return end + -end % ALIGN


class _Strings:
    """A list of strings as NUL-joined UTF-8 (with the count: [""] and [] join alike)."""

    def __init__(self, items: list[str], name: str) -> None:
        if any("\x00" in item for item in items):
            raise _Unstorable(f"{name} holds a NUL character")
        self.data = "\x00".join(items).encode("utf-8")
        self.count = len(items)


def _write_atomically(folder: Path, path: Path, parts: list[bytes | memoryview]) -> None:
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            for part in parts:
                f.write(part)
        with contextlib.suppress(OSError):  # mkstemp makes it private; the index is not
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def remove_stale(folder: Path, generation: int) -> None:
    """Remove the cache files of older generations (and temporary files of dead writers).

    A newer generation's file is kept (another process may have committed and
    saved it meanwhile), unless it is older than this generation's file, which
    happens after a rebuild restarted the numbering.
    """
    current = cache_path(folder, generation)
    try:
        current_mtime = current.stat().st_mtime
        names = os.listdir(folder)
    except OSError:
        return
    now = time.time()
    for name in names:
        path = folder / name
        match = NAME.match(name)
        try:
            if match:
                found = int(match.group(1))
                if found == generation:
                    continue
                if found < generation or path.stat().st_mtime < current_mtime:
                    path.unlink()
            elif (
                name.startswith(TEMP_PREFIX)
                and name.endswith(TEMP_SUFFIX)
                and now - path.stat().st_mtime > STALE_TEMP_S
            ):
                path.unlink()
        except OSError:
            continue
