"""DATE mentions with ISO norms as precise as the text allows.

``August 2023`` -> ``2023-08``; ``February 21`` -> ``--02-21`` (or a full date when a
reference date is given: the year that puts it closest to the reference, the past on a
tie); ``March 2 to 3`` -> an ISO interval ``--03-02/--03-03``; ``June last year`` ->
``2024-06`` against a 2025 reference. Bare numbers are years only in 1900-2099 and not
when they are amounts (``2000 tonnes``) or part of a name (``Global Goals 2030``).
"""

from __future__ import annotations

import datetime
import re

from search.entities import spans
from search.entities.spans import Candidate

MONTHS: dict[str, int] = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
_ABBREV = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_NUM = {**MONTHS, **_ABBREV}

_M = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|"
    r"Dec\.?)"
)
_D = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_Y = r"(?:1[89]\d\d|20\d\d)"
_TO = r"\s*(?:-|–|—|to|and|until)\s*"
_REL = r"(?:last|this|next|the\s+previous|the\s+following)\s+year"
_SEASON = r"(?:summer|winter|spring|autumn|fall)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"(?<![\d-])(?P<y>{_Y})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)(?![\d-])")),
    ("dmy_num", re.compile(rf"(?<![\d/.])(?P<d>{_D})/(?P<m>1[0-2]|0?[1-9])/(?P<y>{_Y})(?![\d/])")),
    (
        "md_range",
        re.compile(
            rf"\b(?P<m>{_M})\s+(?P<d>{_D}){_TO}(?P<d2>{_D})\b(?:,?\s+(?P<y>{_Y})\b)?(?!\s*(?:%|per\s))"
        ),
    ),
    (
        "dm_range",
        re.compile(rf"\b(?P<d>{_D}){_TO}(?P<d2>{_D})\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b"),
    ),
    (
        "md",
        re.compile(
            rf"\b(?P<m>{_M})\s+(?P<d>{_D})(?![\d,.]\d)\b(?:,?\s+(?P<y>{_Y})\b)?"
            rf"(?:\s+(?P<rel>{_REL}))?"
        ),
    ),
    ("dm", re.compile(rf"\b(?P<d>{_D})\s+(?P<m>{_M})(?:,?\s+(?P<y>{_Y}))?\b")),
    ("my", re.compile(rf"\b(?P<m>{_M}),?\s+(?P<y>{_Y})\b")),
    ("m_rel", re.compile(rf"\b(?P<m>{_M})\s+(?P<rel>{_REL})\b")),
    (
        "m_ctx",
        re.compile(
            rf"\b(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|by|[Ff]rom|of|[Ee]arly|[Ll]ate|mid|"
            rf"[Bb]efore|[Aa]fter|through|between|to)[ -](?P<m>{_M})(?![\w-])"
        ),
    ),
    ("rel_m", re.compile(rf"\b(?P<rel1>[Ll]ast|[Nn]ext|[Tt]his)\s+(?P<m>{_M})(?![\w-])")),
    ("year_range", re.compile(rf"(?<![\w$.,/-])(?P<y>{_Y})\s*[-–]\s*(?P<y2>{_Y})(?![\w%,.]\d|\w)")),
    ("year", re.compile(rf"(?<![\w$£€.,/-])(?P<y>{_Y})(?![\w%/-]|[.,]\d)")),
    ("rel", re.compile(rf"\b(?P<rel>{_REL})\b", re.IGNORECASE)),
    ("season", re.compile(rf"\b(?:[Ll]ast|[Tt]his|[Nn]ext)\s+{_SEASON}\b")),
]

_ANY_MONTH = re.compile(_M)
_NO_MONTH = frozenset({"iso", "dmy_num", "year_range", "year", "rel", "season"})
_TEXT_NORM = frozenset({"rel", "season", "m_rel", "m_ctx", "rel_m"})
"""Kinds whose norm is their text when no reference date resolves them."""

_AMOUNT_AFTER = re.compile(
    r"\s*(?:%|per\s*cent|percent|tonnes?|tons?|km|kg|ha|hectares?|people|persons|units|"
    r"workers|students|visitors|tourists|cases|households|members|participants|delegates|"
    r"companies|enterprises|projects|times|USD|VND|dong|dollars?|euros?|m\b|MW|GW)"
)
_NAME_BEFORE = re.compile(r"(?:^|[^.!?\s])\s*\b([A-Z][\w’']*)\s+$")
_MONTH_OR_PREP = re.compile(rf"^(?:{_M}|In|Since|By|From|Until|To|Of)$")


def _month(text: str) -> int:
    return _MONTH_NUM[text.rstrip(".").lower()]


def _day(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _closest_year(month: int, day: int, ref: datetime.date) -> int:
    """The year that puts month/day nearest the reference date; the past on a tie."""
    best = ref.year
    best_gap: tuple[int, int] | None = None
    for year in (ref.year - 1, ref.year, ref.year + 1):
        try:
            when = datetime.date(year, month, min(day, 28) if month == 2 and day > 28 else day)
        except ValueError:
            continue
        delta = (when - ref).days
        gap = (abs(delta), 0 if delta <= 0 else 1)
        if best_gap is None or gap < best_gap:
            best, best_gap = year, gap
    return best


def _closest_month_year(month: int, ref: datetime.date) -> int:
    """``in August`` against February 2025 is August 2024: nearest month, the past on a tie."""
    here = ref.year * 12 + ref.month
    options = [
        (abs(y * 12 + month - here), y * 12 + month > here, y)
        for y in (ref.year - 1, ref.year, ref.year + 1)
    ]
    return min(options)[2]


def _rel_year(rel: str, ref: datetime.date | None) -> int | None:
    if ref is None:
        return None
    rel = " ".join(rel.lower().split())
    if rel.startswith(("last", "the previous")):
        return ref.year - 1
    if rel.startswith(("next", "the following")):
        return ref.year + 1
    return ref.year


def _ymd(year: int | None, month: int, day: int | None) -> str:
    head = f"{year:04d}" if year is not None else "-"
    out = f"{head}-{month:02d}"
    return f"{out}-{day:02d}" if day is not None else out


def _norm(kind: str, m: re.Match[str], ref: datetime.date | None) -> str | None:
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else None
    if kind == "year":
        return f"{year:04d}"
    if kind == "year_range":
        return f"{g['y']}/{g['y2']}"
    if kind == "season":
        return None
    if kind == "rel":
        rel_year = _rel_year(g["rel"], ref)
        return f"{rel_year:04d}" if rel_year is not None else None
    month = int(g["m"]) if kind in ("iso", "dmy_num") else _month(g["m"])
    day = _day(g["d"]) if g.get("d") else None
    if g.get("rel") and year is None:
        year = _rel_year(g["rel"], ref)
        if year is None:  # "June last year" without a reference: its words are its norm
            return _ymd(None, month, day) if day is not None else None
    if kind == "rel_m" and ref is not None:
        word = g["rel1"].lower()
        year = ref.year + (-1 if word == "last" else 1 if word == "next" else 0)
        if word == "last" and month < ref.month:
            year += 1
        if word == "next" and month > ref.month:
            year -= 1
    if year is None and ref is not None:
        year = _closest_year(month, day, ref) if day else _closest_month_year(month, ref)
    if year is None and day is None:
        return None  # "in October" with no year to tie it to: its words are its norm, not "--10"
    if kind in ("md_range", "dm_range"):
        day2 = _day(g["d2"])
        if day is None or day2 <= day:
            return None
        return f"{_ymd(year, month, day)}/{_ymd(year, month, day2)}"
    try:
        if year is not None and day is not None:
            datetime.date(year, month, day)
    except ValueError:
        return None
    return _ymd(year, month, day)


def _plausible(kind: str, m: re.Match[str], body: str) -> bool:
    if kind in ("year", "year_range"):
        if _AMOUNT_AFTER.match(body, m.end()):
            return False
        before = _NAME_BEFORE.search(body[max(0, m.start() - 40) : m.start()])
        # "Global Goals 2030", "Vision 2045": a year glued to a name is part of the name.
        return not (before and not _MONTH_OR_PREP.match(before.group(1)))
    return not (kind in ("md", "dm") and _AMOUNT_AFTER.match(body, m.end()))


_TRIGGER = re.compile(rf"{_M}|(?<!\d)(?:1[89]|20)\d\d(?!\d)|\b[Yy]ear\b|\b{_SEASON}\b")
"""Every date mention contains a month name, a year in 1800-2099, the word ``year`` or a
season."""
_BEFORE = 32
_AFTER = 48
"""Window around a trigger searched by the patterns: no date pattern starts more than
``_BEFORE`` characters before its trigger or ends more than ``_AFTER`` after it."""


def _windows(body: str) -> list[tuple[int, int]]:
    """Merged text windows around the triggers: the patterns run there, not on the body."""
    out: list[tuple[int, int]] = []
    size = len(body)
    for m in _TRIGGER.finditer(body):
        lo, hi = max(0, m.start() - _BEFORE), min(size, m.end() + _AFTER)
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def find(body: str, reference_date: datetime.date | None = None) -> list[Candidate]:
    """DATE candidates; overlapping ones are left for the resolver (longest wins)."""
    out: list[Candidate] = []
    windows = _windows(body)
    if not windows:
        return out
    month_windows = [w for w in windows if _ANY_MONTH.search(body, *w) is not None]
    for kind, pattern in _PATTERNS:
        for lo, hi in windows if kind in _NO_MONTH else month_windows:
            for m in pattern.finditer(body, lo, hi):
                if not _plausible(kind, m, body):
                    continue
                start = m.start()
                if kind == "rel_m":
                    start = m.start("rel1")
                elif kind == "m_ctx":
                    start = m.start("m")
                norm = _norm(kind, m, reference_date)
                if norm is None:
                    if kind not in _TEXT_NORM:
                        continue
                    norm = " ".join(body[start : m.end()].lower().split())
                out.append(Candidate("DATE", start, m.end(), norm, spans.DATE))
    return out
