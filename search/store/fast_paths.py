"""A self-check that the Whoosh internals our fast paths lean on are still there.

Every fast path (`WHOOSH_INTERNALS.md` lists them, with why) falls back to
Whoosh's public, slower way when what it reads is missing, so an upgrade that
renames one would not fail: searches and indexing would only get slower,
silently. `check` looks for each name with the shape we use (class, function,
attribute of a real reader and matcher of a tiny index in memory) and says
what is missing; `open_or_create` runs it once per process when an index
opens and logs a warning naming the missing ones.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from functools import cache
from typing import Any

from whoosh import fields, writing
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.codec import whoosh3
from whoosh.filedb import compound, filestore, structfile
from whoosh.util import numeric

from search.store import mapped_files

log = logging.getLogger("archive_browser.engine.store")

_BODY = "body"


def _probe_index(missing: list[str], scratch: str) -> Any:
    """A one-document index in memory, written by W3 (our codec's base); what its field
    writer lacks of what `TermArraysFieldWriter` reads is added to ``missing``."""
    storage = filestore.RamStorage()
    # Its writer's pool files would go to a temporary folder named after the index
    # ("MAIN.tmp" in /tmp), shared by every process: two commands opening an index at once
    # broke each other's probe (FileNotFoundError). ``scratch`` is this probe's own.
    storage.temp_storage = lambda name=None: filestore.FileStorage(scratch).create()
    schema = fields.Schema(**{_BODY: fields.TEXT(phrase=True)})
    ix = storage.create_index(schema)
    writer = ix.writer(codec=whoosh3.W3Codec())
    field_writer = getattr(writer, "fieldwriter", None)
    missing.extend(
        f"W3FieldWriter.{name}"
        for name in _has(field_writer, "_segment", "_fieldname", "_postwriter")
    )
    missing.extend(
        f"SegmentWriter.{name}" for name in _has(writer, "pool", "perdocwriter", "docnum")
    )
    stored = getattr(getattr(writer, "perdocwriter", None), "_colwriters", {}).get("_stored")
    if not hasattr(getattr(stored, "_child", None), "_compress"):
        missing.append("W3PerDocWriter._colwriters['_stored']._child._compress")
    writer.add_document(**{_BODY: "fast paths fast"})
    writer.commit()
    return ix


def _has(obj: Any, *names: str) -> list[str]:
    return [name for name in names if not hasattr(obj, name)]


def _module_names(missing: list[str]) -> None:
    for module, name, expected in (
        (whoosh3, "_lenfield", callable),
        (whoosh3, "LENGTHS_COLUMN", None),
        (numeric, "_length_byte_cache", None),
        (whoosh_index, "clean_files", callable),
        (compound, "BufferFile", None),
        (structfile, "BufferFile", None),
    ):
        value = getattr(module, name, None)
        if value is None or (expected is not None and not expected(value)):
            missing.append(f"{module.__name__}.{name}")
    table = getattr(numeric, "_length_byte_cache", None)
    if table is not None and len(table) != 256:
        missing.append("whoosh.util.numeric._length_byte_cache (256 lengths)")
    if getattr(compound, "BufferFile", None) is not mapped_files.MappedBufferFile:
        missing.append("whoosh.filedb.compound.BufferFile (patched to read in place)")


def _class_names(missing: list[str]) -> None:
    """Methods: defined by the class itself (``own``: an abstract base's would do nothing)
    or anywhere in its bases (``inherited``)."""
    checks: list[tuple[Any, tuple[str, ...], tuple[str, ...]]] = [
        (
            whoosh3.W3FieldWriter,
            ("start_field", "start_term", "finish_term", "finish_field", "close"),
            ("add_postings",),
        ),
        (
            whoosh3.W3PostingsWriter,
            (
                "add_posting",
                "_write_block",
                "_new_block",
                "finish_postings",
                "_mini_ids",
                "_mini_weights",
                "_mini_values",
            ),
            (),
        ),
        (writing.SegmentWriter, ("add_document", "_check_state", "_check_fields"), ()),
        (whoosh3.W3LeafMatcher, ("_read_data", "_read_ids", "_read_values", "_next_block"), ()),
        (whoosh3.W3PerDocReader, ("_cached_reader", "has_column"), ()),
        (whoosh_query.PatternQuery, ("_get_pattern", "_find_prefix"), ()),
        (whoosh_query.Wildcard, ("_get_pattern",), ("_find_prefix",)),
        (whoosh_query.MultiTerm, ("_btexts",), ()),
        (whoosh_index.FileIndex, ("_read_toc",), ()),
    ]
    for cls, own, inherited in checks:
        gone = [name for name in own if name not in vars(cls)] + _has(cls, *inherited)
        missing.extend(f"{cls.__module__}.{cls.__name__}.{name}" for name in gone)


def _instance_names(missing: list[str]) -> None:
    """Attributes set on instances: looked for on a real reader, matcher and column."""
    with tempfile.TemporaryDirectory(prefix="archive-browser-probe-") as scratch:
        _read_probe(_probe_index(missing, scratch), missing)


def _read_probe(ix: Any, missing: list[str]) -> None:
    with ix.reader() as reader:
        named = "SegmentReader"
        missing.extend(
            f"{named}.{name}" for name in _has(reader, "_terms", "_perdoc", "_segment", "_storage")
        )
        terms = getattr(reader, "_terms", None)
        if terms is not None:
            field = reader.schema[_BODY]
            matcher = terms.matcher(_BODY, field.to_bytes("fast"), field.format)
            missing.extend(
                f"W3LeafMatcher.{name}"
                for name in _has(matcher, "_atend", "_data", "_blocklength", "_byteids")
            )
            if hasattr(matcher, "_read_ids") and hasattr(matcher, "_read_values"):
                matcher._read_ids()
                matcher._read_values()
                missing.extend(f"W3LeafMatcher.{name}" for name in _has(matcher, "_ids", "_values"))
        perdoc = getattr(reader, "_perdoc", None)
        cached: Callable[..., Any] | None = getattr(perdoc, "_cached_reader", None)
        lenfield = getattr(whoosh3, "_lenfield", None)
        if cached is not None and lenfield is not None:
            column = cached(lenfield(_BODY), whoosh3.LENGTHS_COLUMN)
            shape = ("_fixedlen", "_dbfile", "_basepos", "_count")
            missing.extend(f"the length column's {name}" for name in _has(column, *shape))
    ix.close()


def check() -> list[str]:
    """The Whoosh names our fast paths use that are missing (empty: all in place)."""
    missing: list[str] = []
    _module_names(missing)
    _class_names(missing)
    try:
        _instance_names(missing)
    except Exception as exc:  # a Whoosh that cannot even write the probe: say so, go on
        missing.append(f"a probe index in memory ({type(exc).__name__}: {exc})")
    return missing


@cache
def check_once() -> tuple[str, ...]:
    """`check`, run once per process; a warning names what is missing."""
    missing = tuple(check())
    if missing:
        log.warning(
            "Whoosh lacks what the fast paths use (search and indexing fall back to slower "
            "ways; see search/store/WHOOSH_INTERNALS.md): %s",
            ", ".join(missing),
        )
    return missing
