"""File -> Article: the file read safely, decoded, cleaned, split into title, date,
source, body and trailing text (`search.ingest`'s modules, one job each)."""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from pathlib import Path
from typing import BinaryIO

from search.ingest import SkipFile
from search.ingest.cleaning import split_paragraphs, split_trailing
from search.ingest.dates import find_text_date, split_meta_prefix, split_source
from search.ingest.decoding import decode
from search.ingest.title import (
    TITLE_MAX_CHARS,
    derive_title,
    looks_like_headline,
    same_line,
    set_apart,
    split_dateline,
)
from search.model import Article, DateSource

MAX_READ_BYTES = 2 * 1024 * 1024
"""Only this much of a file is read: real articles are a few KB, and a stray
50 MB dump would stall indexing and the reader. The rest is left out, with a note."""


def parse_article(text: str, article_id: str) -> Article:
    """Decoded text -> Article (without entities: those come from ``search.entities``)."""
    warnings: list[str] = []
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text, meta_date, meta_warning = split_meta_prefix(text)
    if meta_warning:
        warnings.append(meta_warning)
    paragraphs = split_paragraphs(text)
    paragraphs, trailing = split_trailing(paragraphs)
    if not paragraphs:
        raise SkipFile("no article text (only metadata or teaser text)")

    title_derived = True
    title = ""
    then = paragraphs[1] if len(paragraphs) > 1 and set_apart(text) else None
    if looks_like_headline(paragraphs[0], then) and len(paragraphs) > 1:
        title, title_derived = paragraphs[0], False
        paragraphs = paragraphs[1:]
        while paragraphs and same_line(paragraphs[0], title):
            paragraphs = paragraphs[1:]
        if not paragraphs:
            raise SkipFile("only a headline, no article text")

    paragraphs, source = split_source(paragraphs)
    agency = None
    lede = paragraphs[0]
    for paragraph in paragraphs[:3]:
        stripped, found = split_dateline(paragraph)
        if found or stripped != paragraph:
            agency = agency or found
            if paragraph is paragraphs[0]:
                lede = stripped
            break
    if title_derived:
        title = derive_title(lede) or derive_title(paragraphs[0]) or lede[:TITLE_MAX_CHARS]

    date_value: date | None = meta_date
    date_source: DateSource = "metadata" if meta_date else "none"
    if date_value is None:
        date_value = find_text_date(paragraphs)
        if date_value is not None:
            date_source = "text"

    body = "\n\n".join(paragraphs)
    words = count_words(body)
    if not words:
        raise SkipFile("no words in the file, not an article")
    return Article(
        id=article_id,
        title=title,
        title_derived=title_derived,
        date=date_value,
        date_source=date_source,
        source=source or agency,
        body=body,
        trailing=trailing,
        words=words,
        warnings=warnings,
    )


_WORD = re.compile(r"\w+(?:['’-]\w+)*+")
"""Words joined by apostrophes and hyphens; the possessive repeat finds the same words
(nothing follows it that a shorter run could let match) in four fifths of the time."""


def count_words(text: str) -> int:
    return len(_WORD.findall(text))  # a list of strings costs less than a match object each


def read_article(path: Path, article_id: str) -> Article:
    """Read and parse one file; raises ``SkipFile`` with a reason for the report."""
    return article_from_bytes(read_head(path), article_id, path)


_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)  # a terminal device never becomes ours
    | getattr(os, "O_BINARY", 0)  # Windows: no newline translation
)


def read_head(path: Path) -> bytes:
    """The file's bytes, at most ``MAX_READ_BYTES + 1`` (more means it was cut)."""
    with open_regular_file(path) as handle:
        try:
            return handle.read(MAX_READ_BYTES + 1)
        except OSError as exc:
            raise SkipFile(f"cannot read file: {exc.strerror or exc}") from exc


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading bytes if it is a regular file, else ``SkipFile``.

    A file can be swapped for a FIFO or a device between the scan and the read:
    a blocking ``open`` of a FIFO would stall an indexing process for good, out
    of Cancel's reach. So the open does not block, and the type is checked on
    the open descriptor (no second look-up that could be swapped again).
    """
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except PermissionError as exc:
        raise SkipFile("permission denied: the file cannot be read") from exc
    except FileNotFoundError as exc:
        raise SkipFile("file disappeared while indexing") from exc
    except IsADirectoryError as exc:
        raise SkipFile("not a file (a folder)") from exc
    except OSError as exc:
        raise SkipFile(f"cannot read file: {exc.strerror or exc}") from exc
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            return open(fd, "rb")  # the caller closes it, and so the descriptor
    except OSError as exc:
        os.close(fd)
        raise SkipFile(f"cannot read file: {exc.strerror or exc}") from exc
    os.close(fd)
    raise SkipFile(f"not a regular file ({_file_kind(mode)}), not an article")


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def article_from_bytes(raw: bytes, article_id: str, path: Path) -> Article:
    """Parse what `read_head` returned; a read past the limit is cut with a note."""
    truncated = len(raw) > MAX_READ_BYTES
    if truncated:
        raw = _whole_characters(raw[:MAX_READ_BYTES])
    decoded = decode(raw)
    article = parse_article(decoded.text, article_id)
    article.warnings[:0] = decoded.warnings
    if truncated:
        article.warnings.append(
            f"very long file: only its first {MAX_READ_BYTES // (1024 * 1024)} MB were read"
        )
    article.path = str(path)
    return article


def _whole_characters(raw: bytes) -> bytes:
    """Drop a UTF-8 sequence cut in half at the end of a partial read."""
    for cut in range(4):
        try:
            raw[: len(raw) - cut].decode("utf-8")
        except UnicodeDecodeError:
            continue
        return raw[: len(raw) - cut]
    return raw  # not UTF-8 at all: the cp1252 fallback reads any byte
