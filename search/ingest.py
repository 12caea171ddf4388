"""File -> Article: decoding, cleaning, title, date, source and trailing text.

Scraped news is messy: a metadata prefix glued to the first paragraph, headlines
repeated or missing, symbols pasted inside words, publisher teasers after the
end marker. Each rule here answers a quirk seen in real files; none of them
knows any particular article.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dateutil import parser as dateparser

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
    warning: str | None


# --- decoding -----------------------------------------------------------------


def decode(raw: bytes) -> Decoded:
    """Bytes -> NFC text. UTF-8 (BOM or not) and UTF-16 with BOM; else cp1252/latin-1.

    Never raises for text; raises ``SkipFile`` for empty or binary content.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SkipFile("damaged UTF-16 text") from exc
        return Decoded(_check_text(text), None)
    if b"\x00" in raw[:8192]:
        raise SkipFile("binary file (contains NUL bytes), not a text article")
    warning = None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
            warning = "not valid UTF-8; read as Windows-1252"
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
            warning = "not valid UTF-8; read as Latin-1"
    return Decoded(_check_text(text), warning)


def _check_text(text: str) -> str:
    if not text.strip():
        raise SkipFile("empty file")
    sample = text[:8192]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > max(8, len(sample) // 50):
        raise SkipFile("binary file (control characters), not a text article")
    return unicodedata.normalize("NFC", text)


# --- cleaning -----------------------------------------------------------------

_LATIN_LETTER = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u1E00-\u1EFF"
_WORD_INTERIOR = re.compile(rf"(?<=[{_LATIN_LETTER}])([^\s{_LATIN_LETTER}]+)(?=[{_LATIN_LETTER}])")
_SPACES = re.compile(r"[ \t\u00A0\u2000-\u200A\u202F\u205F\u3000]+")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


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
    """Drop invisible and stray in-word characters, fold runs of spaces."""
    line = _INVISIBLE.sub("", line)
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


def looks_like_headline(line: str) -> bool:
    return (
        len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
        and any(ch.isalpha() for ch in line)
        and not line[0].islower()
    )


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


def find_text_date(paragraphs: list[str]) -> date | None:
    """A full date (day, month and year) in the dateline or first paragraph.

    Day-month without a year, or "in February this year", is not a publication
    date: we never guess a year.
    """
    for paragraph in paragraphs[:1]:
        for match in _FULL_DATE.finditer(paragraph):
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
    if looks_like_headline(paragraphs[0]) and len(paragraphs) > 1:
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


def read_head(path: Path) -> bytes:
    """The file's bytes, at most ``MAX_READ_BYTES + 1`` (more means it was cut)."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_READ_BYTES + 1)
    except PermissionError as exc:
        raise SkipFile("permission denied: the file cannot be read") from exc
    except FileNotFoundError as exc:
        raise SkipFile("file disappeared while indexing") from exc
    except IsADirectoryError as exc:
        raise SkipFile("not a file") from exc
    except OSError as exc:
        raise SkipFile(f"cannot read file: {exc.strerror or exc}") from exc


def article_from_bytes(raw: bytes, article_id: str, path: Path) -> Article:
    """Parse what `read_head` returned; a read past the limit is cut with a note."""
    truncated = len(raw) > MAX_READ_BYTES
    if truncated:
        raw = _whole_characters(raw[:MAX_READ_BYTES])
    decoded = decode(raw)
    article = parse_article(decoded.text, article_id)
    if decoded.warning:
        article.warnings.insert(0, decoded.warning)
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
