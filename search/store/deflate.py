"""Deflate for the index's posting blocks and stored documents: zlib streams, made and read
by ISA-L where it is installed, else by zlib with a window sized to the input.

The writer compresses every posting block over `posting_blocks.TINY_BLOCK` bytes and
every stored document, and a search's snippets decompress a stored document for each
hit. Intel's ISA-L (``isal``) makes and reads the same zlib streams (header, deflate data,
Adler-32: ``zlib.decompress`` reads what it writes and the other way round) in a
fraction of zlib's time; its levels go to 3 (`ISAL_LEVELS`), where its output is about
zlib level 3's size. Measured on the build machine, per call: a ~5 KB stored document
82 µs to compress with zlib 3 against 23, and 29 µs to decompress against 14; a posting
block of ~1 KB 18 µs against 11 (issue #17).

Without ``isal``: ``zlib.compress`` sets up a deflate state for a 32 KB window and a
64 K-entry hash table on every call, about 55 µs whether the input is 20 bytes or 2,000.
Deflate takes matches up to the window less ``_LOOKAHEAD`` bytes back, so a window that
holds the input and that margin finds the very same matches: the compressed data is
byte for byte zlib.compress's, only the stream's two-byte header differs, naming the
window, and ``zlib.decompress`` with its defaults reads any window.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from types import ModuleType

_isal: ModuleType | None
try:
    from isal import isal_zlib as _isal
except ImportError:  # not installed for this platform: zlib does it, slower
    _isal = None

ISAL_LEVELS = 3
"""ISA-L's levels are 0 to 3; a higher zlib level asks for its best."""
_MIN_BITS = 9
"""zlib's smallest window for a zlib stream (2⁹ bytes; it turns 8 into 9)."""
_MAX_BITS = zlib.MAX_WBITS
_LOOKAHEAD = 262
"""zlib's ``MIN_LOOKAHEAD`` (longest match + shortest match + 1): the part of the window a
match may not reach into."""
_MEM_LEVEL = 8
"""zlib's default: a smaller hash table saves little more time and compresses worse."""


def deflate(raw: bytes, level: int) -> bytes:
    """``raw`` as a zlib stream at ``level`` (ISA-L's nearest level where it is installed)."""
    if _isal is not None and level:
        packed: bytes = _isal.compress(raw, min(level, ISAL_LEVELS))
        return packed
    return zlib_deflate(raw, level)


def zlib_deflate(raw: bytes, level: int) -> bytes:
    """``zlib.compress(raw, level)`` with a window just large enough for ``raw``."""
    bits = min(_MAX_BITS, max(_MIN_BITS, (len(raw) + _LOOKAHEAD - 1).bit_length()))
    if bits == _MAX_BITS:
        return zlib.compress(raw, level)
    packer = zlib.compressobj(level, zlib.DEFLATED, bits, _MEM_LEVEL)
    return packer.compress(raw) + packer.flush()


inflate: Callable[[bytes], bytes] = _isal.decompress if _isal is not None else zlib.decompress
"""``zlib.decompress`` of any zlib stream, by ISA-L where it is installed."""


def backend() -> str:
    """Which library compresses (ISA-L or zlib): the bench records it with the machine."""
    return "isal" if _isal is not None else "zlib"
