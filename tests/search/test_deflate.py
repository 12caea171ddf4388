"""The index's deflate: zlib streams either way (ISA-L's read by zlib, zlib's by ISA-L, so
indexes written with or without it open alike), zlib's with a window sized to its input,
and the stored documents of our codec written and read with it."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from whoosh import fields, index

from search.store import deflate as deflate_module
from search.store.deflate import deflate, inflate, zlib_deflate
from search.store.termarrays import TermArraysCodec


@pytest.mark.parametrize(
    "size", [0, 1, 20, 250, 251, 511, 512, 513, 700, 4_000, 32_767, 32_768, 200_000]
)
@pytest.mark.parametrize("level", [1, 3, 9])
def test_any_size_reads_back_with_zlibs_defaults(size: int, level: int) -> None:
    rng = random.Random(size)
    words = [bytes(rng.choices(b"abcdefgh", k=rng.randint(1, 6))) for _ in range(200)]
    raw = b" ".join(rng.choice(words) for _ in range(size))[:size]
    packed = zlib_deflate(raw, level)
    assert zlib.decompress(packed) == raw
    assert inflate(packed) == raw
    # The same matches as zlib's own 32 KB window: only the header naming the window differs.
    assert packed[2:] == zlib.compress(raw, level)[2:]
    fast = deflate(raw, level)
    assert zlib.decompress(fast) == raw
    assert inflate(fast) == raw


def test_a_large_input_is_zlibs_own_stream() -> None:
    raw = b"the same story, many copies " * 4_000
    assert zlib_deflate(raw, 3) == zlib.compress(raw, 3)


def test_without_isal_deflate_is_zlibs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deflate_module, "_isal", None)
    raw = b"a posting block without ISA-L " * 30
    assert deflate(raw, 3) == zlib_deflate(raw, 3)
    assert deflate_module.backend() == "zlib"


def test_isal_is_used_where_installed() -> None:
    pytest.importorskip("isal")
    assert deflate_module.backend() == "isal"
    raw = b"stored document body " * 200
    assert deflate(raw, 3) != zlib_deflate(raw, 3)  # ISA-L's own stream, read by zlib above


def test_a_small_window_is_named_in_the_streams_header() -> None:
    packed = zlib_deflate(b"a short posting block" * 10, 3)
    window_bits = (packed[0] >> 4) + 8
    assert window_bits == 9  # the smallest zlib stream window; zlib's own says 15


def test_our_codec_compresses_stored_documents_with_it(tmp_path: Path) -> None:
    schema = fields.Schema(id=fields.ID(stored=True), doc=fields.STORED)
    ix = index.create_in(str(tmp_path), schema)
    writer = ix.writer(codec=TermArraysCodec())
    assert writer.perdocwriter._colwriters["_stored"]._child._compress is deflate
    docs = [("a", "x" * 10), ("b", "body " * 2_000), ("c", "")]
    for article_id, doc in docs:
        writer.add_document(id=article_id, doc=doc)
    writer.commit()
    with ix.searcher() as searcher:
        assert [(f["id"], f["doc"]) for f in searcher.all_stored_fields()] == docs
        assert searcher.stored_fields(1) == {"id": "b", "doc": "body " * 2_000}
        stored = searcher.reader()._perdoc._readers["_stored"]
        assert stored._child._decompress is inflate
    ix.close()


def test_documents_stored_by_plain_whoosh_read_back_with_our_codec(tmp_path: Path) -> None:
    """An index written with zlib's streams (before ISA-L, or without it) reads the same."""
    schema = fields.Schema(id=fields.ID(stored=True), doc=fields.STORED)
    ix = index.create_in(str(tmp_path), schema)
    writer = ix.writer(codec=TermArraysCodec())
    writer.perdocwriter._colwriters["_stored"]._child._compress = zlib.compress
    writer.add_document(id="a", doc="zlib's own stream " * 300)
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.stored_fields(0) == {"id": "a", "doc": "zlib's own stream " * 300}
    ix.close()
