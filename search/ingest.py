"""File -> Article: decoding, cleaning, title, date, source and trailing text.

Scraped news is messy: a metadata prefix glued to the first paragraph, headlines
repeated or missing, symbols pasted inside words, publisher teasers after the
end marker. Each rule here answers a quirk seen in real files; none of them
knows any particular article.
"""

from __future__ import annotations

import codecs
import logging
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import BinaryIO

from dateutil import parser as dateparser

from search.analysis import fold_confusables
from search.model import Article, DateSource

log = logging.getLogger("archive.ingest")

MAX_READ_BYTES = 2 * 1024 * 1024
"""Only this much of a file is read: real articles are a few KB, and a stray
50 MB dump would stall indexing and the reader. The rest is left out, with a note."""

TITLE_MAX_CHARS = 90
"""Derived titles are cut at a word boundary near this length."""

HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 28


class SkipFile(Exception):
    """This file is not indexed; ``str(e)`` says why, for the index report."""


@dataclass(slots=True)
class Decoded:
    text: str
    warnings: list[str] = field(default_factory=list)

    @property
    def warning(self) -> str | None:
        """All notes about the decoding as one line, or None."""
        return "; ".join(self.warnings) or None


# --- decoding -----------------------------------------------------------------

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


# --- cleaning -----------------------------------------------------------------

_LATIN_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
_WORD_INTERIOR = re.compile(rf"(?<=[{_LATIN_LETTER}])([^\s{_LATIN_LETTER}]+)(?=[{_LATIN_LETTER}])")
_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")
"""Zero-width characters, soft hyphens, and bidi embedding/override/isolate controls:
an override pasted into a title would show it reversed, and a stray one reorders
the text around it."""


def _is_stray(ch: str) -> bool:
    """A character that cannot belong inside a Latin word: a symbol or another script."""
    if ch.isascii():
        return False  # hyphens, apostrophes, dots, slashes are real punctuation
    cat = unicodedata.category(ch)
    if cat.startswith("M"):
        return False  # combining marks belong to the letter before them
    if cat in ("So", "Sm", "Sk", "Co", "Cn", "Cf", "Cs"):
        return True
    if cat.startswith("P"):
        # Keep Latin-1 and General Punctuation (quotes, dashes, ellipsis, « »);
        # punctuation of other scripts' blocks is pasted-in noise.
        return not (0x00A0 <= ord(ch) <= 0x00BF or 0x2010 <= ord(ch) <= 0x205E)
    if cat.startswith(("L", "N")):
        return "LATIN" not in unicodedata.name(ch, "")
    return False


def _remove_stray(match: re.Match[str]) -> str:
    run = match.group(1)
    kept = "".join(ch for ch in run if not _is_stray(ch))
    return kept


def clean_line(line: str) -> str:
    """Drop invisible and stray in-word characters, fold look-alike letters inside
    Latin words to Latin (``Kаzakhstan`` with a Cyrillic ``а``), fold runs of spaces."""
    line = _INVISIBLE.sub("", line)
    line = fold_confusables(line)
    line = _WORD_INTERIOR.sub(_remove_stray, line)
    return _SPACES.sub(" ", line).strip()


# --- structure ----------------------------------------------------------------

_META_PREFIX = re.compile(
    r"""^\s*(?:date|published|pubdate|publication\s+date)\s*[:=]?\s*
    (?P<value>\d{4}-\d{1,2}-\d{1,2}(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?
      |\d{1,2}[/.]\d{1,2}[/.]\d{4}
      |\d{8})
    (?=\s|$)\s*""",
    re.IGNORECASE | re.VERBOSE,
)
_END_MARKER = re.compile(r"\./\.")
_SENTENCE_END = re.compile(r"[.!?…](?:[\"'”’»)\]]*)$")
_LINE_JOIN_END = re.compile(r"[.!?:;…\"”»)\]]$")


def split_meta_prefix(text: str) -> tuple[str, date | None, str | None]:
    """Strip an inline ``date YYYY-MM-DD`` prefix; return (text, date, warning)."""
    match = _META_PREFIX.match(text)
    if not match:
        return text, None, None
    value = match.group("value")
    try:
        if "/" in value or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value):
            parsed = dateparser.parse(value, dayfirst=True)
        else:
            parsed = dateparser.parse(value, yearfirst=True)
    except (ValueError, OverflowError):
        return text[match.end() :], None, f"metadata date {value!r} is not a valid date"
    return text[match.end() :], parsed.date(), None


def split_paragraphs(text: str) -> list[str]:
    """Lines -> paragraphs. Blank lines and single newlines both separate paragraphs,
    but a line that stops mid-sentence joins a next line that starts in lower case
    (hard-wrapped text)."""
    paragraphs: list[str] = []
    for raw_line in text.split("\n"):
        line = clean_line(raw_line)
        if not line:
            if paragraphs and paragraphs[-1]:
                paragraphs.append("")
            continue
        prev = paragraphs[-1] if paragraphs else ""
        if prev and not _LINE_JOIN_END.search(prev) and line[0].islower():
            paragraphs[-1] = prev + " " + line
        else:
            paragraphs.append(line)
    return [p for p in paragraphs if p]


def split_trailing(paragraphs: list[str]) -> tuple[list[str], str]:
    """Cut at the first ``./.`` end marker; what follows is unrelated page text."""
    for i, para in enumerate(paragraphs):
        match = _END_MARKER.search(para)
        if not match:
            continue
        before = para[: match.start()].rstrip()
        after = para[match.end() :].strip()
        body = [*paragraphs[:i], before + "." if before and not before.endswith(".") else before]
        rest = ([after] if after else []) + paragraphs[i + 1 :]
        return [p for p in body if p], "\n\n".join(rest)
    return paragraphs, ""


# --- title --------------------------------------------------------------------

_DATELINE = re.compile(
    r"""^(?:
        (?P<caps>[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ.'\s]{1,40}?)                 # HÀ NỘI / NEW YORK
        (?:,\s*[^—–\-()]{1,30}?)?                              # , March 6
        (?:\s*\((?P<agency1>[A-Za-z][\w/&.\- ]{0,20})\))?
      | (?P<place>[A-ZÀ-ỸĐ][\w.'’]*(?:\s[A-ZÀ-ỸĐ][\w.'’]*){0,3})  # Hanoi / Ho Chi Minh City
        (?:,\s*[^—–\-()]{1,30}?)?
        \s*\((?P<agency2>[A-Za-z][\w/&.\- ]{0,20})\)
    )\s*[—–\-]{1,2}\s+""",
    re.VERBOSE,
)


def split_dateline(paragraph: str) -> tuple[str, str | None]:
    """``HÀ NỘI — Text`` -> (``Text``, agency or None). Leaves other text alone."""
    match = _DATELINE.match(paragraph)
    if not match:
        return paragraph, None
    caps = match.group("caps")
    if caps is not None and caps.strip() != caps.strip().upper():
        return paragraph, None
    agency = match.group("agency1") or match.group("agency2")
    return paragraph[match.end() :], agency


_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Lt|Col|Sen|Rep|Gov|Jr|Sr|No|Vol|vs|etc|Inc|Ltd|Co|Corp)"
    r"|\b[A-Z]|\b(?:[A-Za-z]\.){2,}[A-Za-z]?)$"
)


def first_sentence(text: str) -> str:
    """The first sentence, not fooled by initials (``A. Rudenko``) or ``U.S.``."""
    for match in re.finditer(r"[.!?](?=[\"'”’»)]*\s+[\"“«(]?[A-ZÀ-ỸĐ0-9])", text):
        head = text[: match.start()]
        if _ABBREV.search(head):
            continue
        return text[: match.end()].strip()
    return text.strip()


def derive_title(paragraph: str) -> str:
    """A title from the first sentence, cut at a word boundary near 90 characters."""
    sentence = first_sentence(paragraph).rstrip()
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence.rstrip(".").rstrip()
    cut = sentence[: TITLE_MAX_CHARS + 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


_INNER_CAPITAL = re.compile(r"[a-z]+[A-Z]")
"""A word written with a capital inside: ``eBay``, ``iPhone``, ``mRNA``."""
_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "than",
        "that",
        "the",
        "to",
        "with",
    ]
)
"""Words a headline does not end on, but a line cut mid-sentence often does."""
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*$")


def looks_like_headline(line: str, then: str | None = None) -> bool:
    """Whether the first paragraph ``line`` is a headline.

    ``then`` is the paragraph after it when a blank line sets the two apart. A
    line that starts in lower case is a headline when its first word has a
    capital inside (``eBay buys Skype``), or when a blank line parts it from a
    body paragraph (``then`` is a sentence longer than it) and it does not end
    on a word that leaves a sentence open (``the``, ``of``...).
    """
    if not (
        line
        and len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
        and any(ch.isalpha() for ch in line)
    ):
        return False
    if not line[0].islower() or _INNER_CAPITAL.match(line):
        return True
    words = line.split()
    return (
        then is not None
        and words[-1].casefold() not in _DANGLING
        and bool(_SENTENCE_END.search(then))
        and len(then.split()) > len(words)
    )


def _set_apart(text: str) -> bool:
    """Whether a blank line follows the text's first non-blank line."""
    lines = iter(text.split("\n"))
    for raw_line in lines:
        if clean_line(raw_line):
            return not clean_line(next(lines, "x"))
    return False


def _same_line(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


# --- dates and sources -------------------------------------------------------

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_FULL_DATE = re.compile(
    rf"""\b(?:
        {_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}
      | \d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS},?\s+(?:19|20)\d{{2}}
      | (?:19|20)\d{{2}}-\d{{1,2}}-\d{{1,2}}
    )\b""",
    re.VERBOSE | re.IGNORECASE,
)


_PAST_BEFORE = re.compile(
    r"(?:\bago,?\s+(?:on|in)\s+(?:the\s+)?"
    r"|\b(?:since|born|died|founded|established|until|till|between|before|after|"
    r"last\s+seen|formerly)\b[^.!?,;]*)$",
    re.IGNORECASE,
)
"""Words that put the date after them in the past, within its clause."""
_PAST_AFTER = re.compile(r"^\s*,?\s*(?:when|after|before)\b", re.IGNORECASE)


def _told_as_past(paragraph: str, start: int, end: int) -> bool:
    """A date the sentence puts in the past ("vanished 10 years ago, on 1 February 1995",
    "on 3 May 1998, when ..."), which is what the story recalls, not when it was written."""
    before = paragraph[max(0, start - 80) : start]
    return bool(_PAST_BEFORE.search(before) or _PAST_AFTER.match(paragraph[end : end + 20]))


def find_text_date(paragraphs: list[str]) -> date | None:
    """A full date (day, month and year) in the dateline or first paragraph.

    Day-month without a year, or "in February this year", is not a publication
    date: we never guess a year.
    """
    for paragraph in paragraphs[:1]:
        for match in _FULL_DATE.finditer(paragraph):
            if _told_as_past(paragraph, match.start(), match.end()):
                continue
            try:
                return dateparser.parse(match.group(0).replace(" of ", " ")).date()
            except (ValueError, OverflowError):
                continue
    return None


_SOURCE_LINE = re.compile(
    r"^(?:[—–\-]\s*|source\s*:\s*|\()?(?P<src>[A-Z][A-Za-z]*(?:[/&][A-Z][A-Za-z]*)*"
    r"(?:\s[A-Z][A-Za-z]*){0,2})\)?$",
    re.IGNORECASE,
)
_SOURCE_SUFFIX = re.compile(
    r"(?<=[.!?”\"»])\s+[—–]\s*(?P<src>[A-Z][A-Za-z]*(?:[/&][A-Z][A-Za-z]*)*)$"
)


def split_source(paragraphs: list[str]) -> tuple[list[str], str | None]:
    """Find a closing publisher credit (``Vietnamplus`` line, ``— VNA/VNS``) and remove it."""
    if not paragraphs:
        return paragraphs, None
    last = paragraphs[-1]
    if len(paragraphs) > 1 and len(last) <= 40 and not last.endswith("."):
        match = _SOURCE_LINE.match(last)
        if match and match.group("src")[0].isupper():
            return paragraphs[:-1], match.group("src")
    match = _SOURCE_SUFFIX.search(last)
    if match:
        return [*paragraphs[:-1], last[: match.start()].rstrip()], match.group("src")
    return paragraphs, None


# --- the whole article -------------------------------------------------------


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
    then = paragraphs[1] if len(paragraphs) > 1 and _set_apart(text) else None
    if looks_like_headline(paragraphs[0], then) and len(paragraphs) > 1:
        title, title_derived = paragraphs[0], False
        paragraphs = paragraphs[1:]
        while paragraphs and _same_line(paragraphs[0], title):
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


_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


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
