"""W3's posting blocks, pickled at the highest protocol and compressed only where it pays.

Whoosh's W3 postings writer pickles each block of 128 postings at protocol 2, where
``bytes`` have no opcode of their own: every posting's value (its positions) is pickled
as ``_codecs.encode(str, "latin1")``, a call at loading and its bytes above 0x7f doubled
in the pickle. On a block of 128 postings with positions that is about six times the
pickling time of protocol 5, a pickle 45% larger, a third more zlib work (zlib was most
of the writer's CPU at commit) and five times the unpickling when a search reads the block.

The block layout is W3's: the same header, length, info tuple and data tuple, read by
W3's own reader (``pickle.loads`` reads any protocol, and each block's info says whether
its data is compressed, so a block whose compressed form is no smaller is stored as it is).
Blocks under ``TINY_BLOCK`` bytes are stored as they are without trying: deflate's own
header and checksum are most of what it would save there, and the attempt cost more
than the rest of writing such a block. The others are compressed by `search.store.deflate`
(ISA-L where it is installed).
"""

from __future__ import annotations

import pickle

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3PostingsWriter
from whoosh.util.numeric import length_to_byte

from search.store.deflate import deflate

TINY_BLOCK = 48
"""Bytes: 53% of a 10,000-article build's 92,916 blocks were under 50, and only one in
six of those shrank by compressing (by a few bytes)."""
_INFO_PROTOCOL = 2
"""The block info stays as W3 writes it: a few numbers, read with ``pickle.load``."""


class PostingBlocksWriter(W3PostingsWriter):  # type: ignore[misc]
    """`W3PostingsWriter` writing its blocks as the module says."""

    def _write_block(self, last: bool = False) -> None:
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        data = (self._mini_ids(), self._mini_weights(), self._mini_values())
        raw = pickle.dumps(data, pickle.HIGHEST_PROTOCOL)
        level = self._compression
        if level and len(raw) < TINY_BLOCK:
            level = 0
        elif level:
            packed = deflate(raw, level)
            if len(packed) < len(raw):
                raw = packed
            else:
                level = 0
        ids = self._ids
        info = pickle.dumps(
            (
                len(ids),
                ids[-1],
                self._maxweight,
                level,
                length_to_byte(self._minlength),
                length_to_byte(self._maxlength),
            ),
            _INFO_PROTOCOL,
        )
        size = len(info) + len(raw)
        postfile.write_int(-size if last else size)
        postfile.write(info)
        postfile.write(raw)
        self._blockcount += 1
        self._new_block()
