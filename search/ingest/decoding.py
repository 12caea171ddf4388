"""Bytes -> text: encodings (UTF-8, UTF-16, damaged UTF-8, legacy code pages), binary
files refused, control characters dropped, each with a note for the index report."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from search.ingest import SkipFile


@dataclass(slots=True)
class Decoded:
    text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def warning(self) -> str | None:
        """All notes about the decoding as one line, or None."""
        return "; ".join(self.warnings) or None


_BINARY_SIGNATURES = (
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"PK\x03\x04",  # ZIP, and so DOCX/ODT/EPUB
    b"PK\x05\x06",
    b"\x1f\x8b",  # gzip
    b"\x7fELF",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # old Office documents
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
)
"""Formats whose first kilobytes can look like text (a PDF's are mostly ASCII)."""

_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
"""C0 controls but tab, line feed, vertical tab, form feed and carriage return; and DEL."""
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")

BINARY_CONTROL_SHARE = 0.05
"""A sample with more control bytes than this share is binary. Random and compressed
bytes have ~11 %, executables far more; a text damaged by a few stray bytes well under 1 %."""

_ESCAPED = re.compile("[\udc80-\udcff]+")
"""Bytes that are not UTF-8, as ``surrogateescape`` decoding leaves them."""


def decode(raw: bytes) -> Decoded:
    """Bytes -> NFC text: UTF-8 (BOM or not, a few bad bytes replaced), UTF-16 with BOM,
    else cp1252/latin-1. Stray control bytes (NULs) are dropped.

    Never raises for text; raises ``SkipFile`` for empty or binary content.
    """
    warnings: list[str] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        utf16 = _utf16(raw, warnings)
        if utf16 is not None:
            return Decoded(_check_text(_drop_controls(utf16, warnings)), warnings)
        raw = raw[2:]  # a UTF-8 text behind two stray bytes that look like a BOM
        warnings.append("2 stray bytes at the start (not a UTF-16 mark) were left out")
    _check_binary(raw)
    stripped = raw.translate(None, _CONTROL_BYTES)
    if len(stripped) != len(raw):
        warnings.append(_dropped_controls(len(raw) - len(stripped)))
        raw = stripped
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        counts = _utf8_counts(raw)
        text = _damaged_utf8(counts, warnings) or _legacy(raw, counts, warnings)
    return Decoded(_check_text(text), warnings)


def _utf16(raw: bytes, warnings: list[str]) -> str | None:
    """The UTF-16 text behind a BOM, or None when the bytes after it are plainly UTF-8.

    UTF-16 of Latin text is half NUL bytes and of other scripts full of bytes that
    are not UTF-8; a UTF-8 article with two stray bytes in front is neither.
    """
    rest = raw[2:]
    counts = _utf8_counts(rest)
    if rest.count(0) * 100 < len(rest) and counts.multibyte >= 8 * max(len(counts.runs), 1):
        return None
    try:
        return raw.decode("utf-16")
    except UnicodeDecodeError:
        warnings.append("damaged UTF-16 text: unreadable bytes replaced with \ufffd")
        return raw.decode("utf-16", errors="replace")


def _check_binary(raw: bytes) -> None:
    """Binary by the share of control bytes (one NUL is not enough), or by a binary
    format's signature unless what follows is plainly UTF-8 text."""
    sample = raw[:8192]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > max(2, len(sample) * BINARY_CONTROL_SHARE):
        raise SkipFile("binary file (contains NUL or control bytes), not a text article")
    if raw.startswith(_BINARY_SIGNATURES) and (
        controls * 100 > len(sample) or not _mostly_utf8(_utf8_counts(sample))
    ):
        raise SkipFile("binary file (a known binary format), not a text article")


def _dropped_controls(count: int) -> str:
    noun = "control byte" if count == 1 else "control bytes"
    return f"{count} stray {noun} (NUL and the like) left out"


@dataclass(slots=True)
class _Utf8Counts:
    text: str
    """The text, each byte that is not UTF-8 as a lone surrogate (``surrogateescape``)."""
    runs: list[str]
    """The runs of bytes that are not UTF-8."""
    multibyte: int
    """Valid UTF-8 letters of two or more bytes."""
    cut: int
    """Bytes of a letter cut in half at the very end (a partial copy or read)."""


def _utf8_counts(raw: bytes) -> _Utf8Counts:
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    text = decoder.decode(raw, final=False)
    cut = len(decoder.getstate()[0])
    runs = _ESCAPED.findall(text)
    bad = sum(map(len, runs))
    multibyte = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return _Utf8Counts(text, runs, multibyte, cut)


UTF8_MAJORITY = 4
"""A text with bad bytes is UTF-8 when its valid multi-byte letters are this many
times its runs of bad bytes (a damaged Vietnamese article: hundreds to one)."""


def _mostly_utf8(counts: _Utf8Counts, majority: int = UTF8_MAJORITY) -> bool:
    return counts.multibyte > 0 and len(counts.runs) * majority <= counts.multibyte


def _damaged_utf8(
    counts: _Utf8Counts, warnings: list[str], majority: int = UTF8_MAJORITY
) -> str | None:
    """UTF-8 with its few bad bytes replaced by U+FFFD (and a note), or None if it is not.

    Reading a UTF-8 text as cp1252 garbles every accented letter; reading it as
    UTF-8 loses only the bad bytes. It counts as UTF-8 when its valid multi-byte
    letters outnumber the runs of bad bytes 4:1. A cp1252 text has almost no
    valid multi-byte sequences (it takes an accented capital just before a
    symbol byte, ``JOSÉ’S``) and a bad byte for nearly every accented letter, so
    it stays cp1252, as does any text without one multi-byte letter. When in
    doubt cp1252 wins: misread as cp1252 a UTF-8 text keeps its ASCII words,
    misread as UTF-8 a cp1252 text loses its accented ones.
    """
    if not _mostly_utf8(counts, majority):
        return None
    bad = sum(map(len, counts.runs))
    if bad:
        noun = "byte" if bad == 1 else "bytes"
        warnings.append(f"{bad} {noun} not valid UTF-8, replaced with \ufffd")
    if counts.cut:
        warnings.append("the file ends in the middle of a letter; its last bytes were left out")
    return _ESCAPED.sub("\ufffd", counts.text)


def _legacy(raw: bytes, counts: _Utf8Counts, warnings: list[str]) -> str:
    """cp1252; when bytes cp1252 leaves undefined rule it out, UTF-8 with replacements
    if its multi-byte letters at least match the bad runs (Latin-1 text next to never
    holds those C1 bytes either), else Latin-1."""
    try:
        text = raw.decode("cp1252")
        warnings.append("not valid UTF-8; read as Windows-1252")
    except UnicodeDecodeError:
        utf8 = _damaged_utf8(counts, warnings, majority=1)
        if utf8 is not None:
            return utf8
        text = raw.decode("latin-1")
        warnings.append("not valid UTF-8; read as Latin-1")
    return text


def _drop_controls(text: str, warnings: list[str]) -> str:
    """UTF-16 text: binary by its share of control characters, else drop the few there are.

    (Byte-oriented text has its control bytes dropped before decoding.)"""
    sample = text[:8192]
    if len(_CONTROL_CHARS.findall(sample)) > max(8, len(sample) // 50):
        raise SkipFile("binary file (control characters), not a text article")
    text, dropped = _CONTROL_CHARS.subn("", text)
    if dropped:
        warnings.append(_dropped_controls(dropped))
    return text


def _check_text(text: str) -> str:
    """Decoded text without control characters -> NFC; empty is a skip."""
    if not text.strip():
        raise SkipFile("empty file")
    return unicodedata.normalize("NFC", text)
