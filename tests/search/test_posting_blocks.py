"""Posting blocks pickled at the highest protocol read back through W3's own reader as the
postings W3's writer gives, and a block that zlib cannot shrink is stored as it is."""

from __future__ import annotations

import io
import os
import random
from pathlib import Path
from typing import Any

from whoosh import fields, formats, index
from whoosh.codec.whoosh3 import W3Codec, W3TermInfo
from whoosh.filedb.structfile import StructFile

from search.store.posting_blocks import PostingBlocksWriter
from search.store.termarrays import TermArraysCodec


def _docs(rng: random.Random) -> list[str]:
    words = [f"w{i}" for i in range(400)]
    weights = [1.0 / (rank + 1) for rank in range(len(words))]  # a few words in most docs
    return [" ".join(rng.choices(words, weights, k=rng.randint(5, 300))) for _ in range(700)]


def _postings(folder: Path, codec: Any, docs: list[str]) -> dict[str, list[Any]]:
    schema = fields.Schema(body=fields.TEXT(phrase=True))
    ix = index.create_in(str(folder), schema)
    writer = ix.writer(codec=codec)
    for text in docs:
        writer.add_document(body=text)
    writer.commit()
    out: dict[str, list[Any]] = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for _, btext in reader.all_terms():
            matcher = reader.postings("body", btext)
            out[btext.decode()] = list(matcher.items_as("positions"))
    ix.close()
    return out


def _segment_bytes(folder: Path) -> int:
    return sum(
        os.path.getsize(folder / name) for name in os.listdir(folder) if name.endswith(".seg")
    )


def test_blocks_read_back_through_w3s_reader_as_w3s_own_postings(tmp_path: Path) -> None:
    docs = _docs(random.Random(3))
    (tmp_path / "w3").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = _postings(tmp_path / "w3", W3Codec(), docs)
    ours = _postings(tmp_path / "ours", TermArraysCodec(), docs)
    assert ours == theirs
    assert max(len(postings) for postings in ours.values()) > 3 * 128  # several blocks a word
    assert 0 < _segment_bytes(tmp_path / "ours") < 0.8 * _segment_bytes(tmp_path / "w3")


def test_a_block_zlib_cannot_shrink_is_stored_uncompressed_and_reads_back() -> None:
    rng = random.Random(9)
    values = [rng.randbytes(40) for _ in range(20)]  # random bytes: no compression pays
    buffer = io.BytesIO()
    postfile = StructFile(buffer)
    writer = PostingBlocksWriter(postfile, blocklimit=8, compression=3)
    fmt = formats.Format()
    writer.start_postings(fmt, W3TermInfo())
    for docnum, value in enumerate(values):
        writer.add_posting(docnum * 3, 1.0, value, 10)
    terminfo = writer.finish_postings()
    offset, length = terminfo.extent()
    data = buffer.getvalue()
    matcher = W3Codec().postings_reader(StructFile(io.BytesIO(data)), terminfo, fmt)
    got = []
    while matcher.is_active():
        assert matcher._compression == 0  # the block's own info says so
        got.append((matcher.id(), matcher.value()))
        matcher.next()
    assert got == [(docnum * 3, value) for docnum, value in enumerate(values)]
    assert offset + length == len(data)


def _block_levels(values: list[bytes], blocklimit: int) -> list[int]:
    """Each block's compression level as its own info gives it, after reading all back."""
    buffer = io.BytesIO()
    writer = PostingBlocksWriter(StructFile(buffer), blocklimit=blocklimit, compression=3)
    fmt = formats.Format()
    writer.start_postings(fmt, W3TermInfo())
    for docnum, value in enumerate(values):
        writer.add_posting(docnum, 1.0, value, 10)
    terminfo = writer.finish_postings()
    matcher = W3Codec().postings_reader(StructFile(io.BytesIO(buffer.getvalue())), terminfo, fmt)
    levels, got = [], []
    while matcher.is_active():
        if not got or matcher.id() % blocklimit == 0:
            levels.append(matcher._compression)
        got.append(matcher.value())
        matcher.next()
    assert got == values
    return levels


def test_a_tiny_block_is_stored_as_it_is_a_larger_one_compressed() -> None:
    # 44 bytes of pickle that zlib would shrink to 31: not worth its set-up
    assert _block_levels([b"\x00" * 20], blocklimit=8) == [0]
    assert _block_levels([b"\x00\x00\x00\x00" * 20] * 8, blocklimit=8) == [3]
