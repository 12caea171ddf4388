"""Article ids from file names that are not valid UTF-8, kept reversibly.

Archives copied from old Windows or Latin-1 systems hold names such as
``bad\\xff.txt``. Python gives them to us with lone surrogates
(``surrogateescape``), which no UTF-8 writer (Whoosh, JSON, Qt) accepts. An id
keeps each such byte as a character of Unicode's last private-use block
instead, so the id is valid text everywhere, maps back to the exact bytes of
the name, and shows a replacement mark where a person reads it.
"""

from __future__ import annotations

import re
from pathlib import Path

_SURROGATE_FIRST = 0xDC80
"""``surrogateescape`` turns an undecodable byte b (0x80-0xFF) into U+DC00 + b."""
_ESCAPE_FIRST = 0x10FF80
"""... which an id keeps as U+10FF80 + (b - 0x80): plane 16, private use."""

_LONE_SURROGATE = re.compile("[\udc80-\udcff]")
_ESCAPED = re.compile("[\U0010ff80-\U0010ffff]")
_ANY_SURROGATE = re.compile("[\ud800-\udfff]")


def id_from_os(name: str) -> str:
    """A file name as the OS gave it (maybe with lone surrogates) -> a valid-text id."""
    if not _LONE_SURROGATE.search(name):
        return name
    shift = _ESCAPE_FIRST - _SURROGATE_FIRST
    return _LONE_SURROGATE.sub(lambda m: chr(ord(m.group()) + shift), name)


def os_from_id(article_id: str) -> str:
    """The file name of an id again (lone surrogates where the name's bytes were not UTF-8)."""
    if not _ESCAPED.search(article_id):
        return article_id
    shift = _ESCAPE_FIRST - _SURROGATE_FIRST
    return _ESCAPED.sub(lambda m: chr(ord(m.group()) - shift), article_id)


def printable(text: str) -> str:
    """For people: escaped bytes and stray surrogates shown as U+FFFD."""
    return _ANY_SURROGATE.sub("\ufffd", _ESCAPED.sub("\ufffd", text))


def valid_text(text: str) -> str:
    """Text any UTF-8 writer accepts: lone surrogates (from argv or a path) become U+FFFD."""
    return _ANY_SURROGATE.sub("\ufffd", text) if _ANY_SURROGATE.search(text) else text


def file_of(root: str | Path, article_id: str) -> Path:
    """The file of an article: ids are ``/``-separated paths under the archive folder."""
    return Path(root, *os_from_id(article_id).split("/"))
