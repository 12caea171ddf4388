"""zlib compression sized to its input: the same streams, read by ``zlib.decompress``.

``zlib.compress`` sets up a deflate state for a 32 KB window and a 64 K-entry hash
table on every call, about 55 µs on the build machine whether the input is 20 bytes
or 2,000. The writer compresses every posting block (half of them under 50 bytes:
most terms occur in one or two articles of a batch) and every stored document, so
at 10,000 articles that set-up was some 4.7 s of the single writer process's ~46 s
(issue #17). Deflate takes matches up to the window less ``_LOOKAHEAD`` bytes back, so
a window that holds the input and that margin finds the very same matches: the
compressed data is byte for byte zlib.compress's, only the stream's two-byte header
differs, naming the window, and ``zlib.decompress`` with its defaults reads any window.
"""

from __future__ import annotations

import zlib

_MIN_BITS = 9
"""zlib's smallest window for a zlib stream (2⁹ bytes; it turns 8 into 9)."""
_MAX_BITS = zlib.MAX_WBITS
_LOOKAHEAD = 262
"""zlib's ``MIN_LOOKAHEAD`` (longest match + shortest match + 1): the part of the window a
match may not reach into."""
_MEM_LEVEL = 8
"""zlib's default: a smaller hash table saves little more time and compresses worse."""


def deflate(raw: bytes, level: int) -> bytes:
    """``zlib.compress(raw, level)`` with a window just large enough for ``raw``."""
    bits = min(_MAX_BITS, max(_MIN_BITS, (len(raw) + _LOOKAHEAD - 1).bit_length()))
    if bits == _MAX_BITS:
        return zlib.compress(raw, level)
    packer = zlib.compressobj(level, zlib.DEFLATED, bits, _MEM_LEVEL)
    return packer.compress(raw) + packer.flush()
