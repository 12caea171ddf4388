"""The date and source of an article: an inline metadata prefix, a date told in the text
(not one the lede puts in the past), a source line at the end."""

from __future__ import annotations

import re
from datetime import date

from dateutil import parser as dateparser

_META_PREFIX = re.compile(
    r"""^\s*(?:date|published|pubdate|publication\s+date)\s*[:=]?\s*
    (?P<value>\d{4}-\d{1,2}-\d{1,2}(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?
      |\d{1,2}[/.]\d{1,2}[/.]\d{4}
      |\d{8})
    (?=\s|$)\s*""",
    re.IGNORECASE | re.VERBOSE,
)


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
