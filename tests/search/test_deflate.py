"""Compression with a window sized to its input: plain zlib streams, read by
``zlib.decompress``, and the stored documents of our codec written with it."""

from __future__ import annotations

import random
import zlib
from pathlib import Path

import pytest
from whoosh import fields, index

from search.store.deflate import deflate
from search.store.termarrays import TermArraysCodec


@pytest.mark.parametrize(
    "size", [0, 1, 20, 250, 251, 511, 512, 513, 700, 4_000, 32_767, 32_768, 200_000]
)
@pytest.mark.parametrize("level", [1, 3, 9])
def test_any_size_reads_back_with_zlibs_defaults(size: int, level: int) -> None:
    rng = random.Random(size)
    words = [bytes(rng.choices(b"abcdefgh", k=rng.randint(1, 6))) for _ in range(200)]
    raw = b" ".join(rng.choice(words) for _ in range(size))[:size]
    packed = deflate(raw, level)
    assert zlib.decompress(packed) == raw
    # The same matches as zlib's own 32 KB window: only the header naming the window differs.
    assert packed[2:] == zlib.compress(raw, level)[2:]


def test_a_large_input_is_zlibs_own_stream() -> None:
    raw = b"the same story, many copies " * 4_000
    assert deflate(raw, 3) == zlib.compress(raw, 3)


def test_a_small_window_is_named_in_the_streams_header() -> None:
    packed = deflate(b"a short posting block" * 10, 3)
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
    ix.close()
