"""Whoosh reading segment files in place from their memory map, without copying.

Whoosh opens each file inside a segment's compound file as a ``BufferFile``
over a slice of the segment's memory map, and that class's ``BytesIO`` copies
the slice: every reader open copied the whole index into memory (about 1 GB
and 0.5 s at 10^5 articles, again for each column read the first time).
``read_segments_in_place`` swaps in a ``BufferFile`` over a view of the map.
It patches whoosh-reloaded 2.7.5's ``whoosh.filedb.compound``; recheck it when
upgrading (tests/search/test_tablecache.py reads segment files through it).
"""

from __future__ import annotations

from typing import Any

from whoosh.filedb import compound as whoosh_compound
from whoosh.filedb.structfile import BufferFile

PEEK = 512
"""Bytes ``MappedView.peek`` offers: enough for a postings block's pickled header."""


class MappedView:
    """A read-only file over a memoryview; ``peek`` lets pickle prefetch."""

    __slots__ = ("_length", "_pos", "_view")

    def __init__(self, view: memoryview) -> None:
        self._view: memoryview | None = view
        self._length = len(view)
        self._pos = 0

    def _buffer(self) -> memoryview:
        if self._view is None:
            raise ValueError("I/O operation on closed file.")
        return self._view

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._length if size is None or size < 0 else min(self._length, start + size)
        if end <= start:
            return b""
        self._pos = end
        return bytes(self._buffer()[start:end])

    def peek(self, size: int = 1) -> bytes:
        start = self._pos
        return bytes(self._buffer()[start : start + min(max(1, size), PEEK)])

    def readinto(self, target: Any) -> int:
        data = self.read(len(memoryview(target).cast("B")))
        memoryview(target).cast("B")[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view = self._buffer()
        end = self._length if size is None or size < 0 else min(self._length, self._pos + size)
        stop = self._pos
        while stop < end:
            chunk = bytes(view[stop : min(end, stop + 256)])
            newline = chunk.find(b"\n")
            if newline >= 0:
                stop += newline + 1
                break
            stop += len(chunk)
        return self.read(stop - self._pos)

    def seek(self, pos: int, whence: int = 0) -> int:
        base = (0, self._pos, self._length)[whence]
        self._pos = max(0, base + pos)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def getvalue(self) -> bytes:
        return bytes(self._buffer())

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self._view = None

    @property
    def closed(self) -> bool:
        return self._view is None


class MappedBufferFile(BufferFile):  # type: ignore[misc]
    """Whoosh's ``BufferFile`` reading its memory map in place (see ``MappedView``)."""

    def __init__(self, buf: Any, name: str | None = None, onclose: Any = None) -> None:
        self._buf = buf
        self._name = name
        self.file = MappedView(buf) if isinstance(buf, memoryview) else BufferFile(buf).file
        self.onclose = onclose
        self.is_real = False
        self.is_closed = False


def read_segments_in_place() -> None:
    """Make Whoosh open files inside compound segments without copying them."""
    if whoosh_compound.BufferFile is BufferFile:
        whoosh_compound.BufferFile = MappedBufferFile
