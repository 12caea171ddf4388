"""Cast lists in reviews: ``Bernie Mac (Dollar Bill), Monica Calhoun (Ebony), ...``.

A film, play or television review lists its actors each with the part they play in
brackets. The statistical recogniser finds the well-known actors and misses the rest,
and it reads the parts (``Ebony``, ``Blue``, ``Brooklyn``, ``XL``) as nothing or as
places; in such a list every name, inside the brackets and out, is a person's.

A line is taken for a cast list only when it holds three or more ``Name (Name)`` pairs,
two of whose outer names are already known people, and at most a third of whose
bracketed names the article marks as a country, place or organisation (a results line,
``Osmond Ezinwa (Nigeria), Davidson Ezinwa (Nigeria)``, has the same shape); on a cast
list ``(Brooklyn)`` is a part all the same.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_WORD = r"(?:[A-Z](?:[\w'’]|\.(?=[\w ]))*\.?|[A-Z]\.)"
"""A capitalised word, an initial or an abbreviation (``A.J.``, ``K.C.``, ``L'il``)."""
_NAME = rf"{_WORD}(?: {_WORD}){{0,3}}"
_PAIR = re.compile(rf"(?<![\w.])({_NAME}) \( ?({_NAME}) ?\)")
_HONORIFIC = re.compile(r"(?:Mr|Mrs|Ms|Miss|Dr|Professor|Prof|Sir|Dame|Lady|Lord)\.? ")
_LINE = re.compile(r"[^\n]+")
MIN_PAIRS = 3
MIN_KNOWN = 2


def cast_names(
    body: str,
    people: Collection[tuple[int, int]],
    others: Collection[tuple[int, int]],
) -> list[tuple[int, int]]:
    """Offsets of the names on the article's cast lists. ``people``: the spans already
    typed PERSON; ``others``: the spans typed a country, place or organisation, which
    at most a third of a cast list's parts are."""
    if " (" not in body:
        return []
    known = set(people)
    taken: bytearray | None = None
    found: list[tuple[int, int]] = []
    for line in _LINE.finditer(body):
        if line.group().count(" (") < MIN_PAIRS:
            continue  # each pair has one: most lines are passed over at C speed
        pairs = [
            (m.span(1), _without_honorific(body, *m.span(2)))
            for m in _PAIR.finditer(body, line.start(), line.end())
        ]
        if len(pairs) < MIN_PAIRS or sum(outer in known for outer, _ in pairs) < MIN_KNOWN:
            continue
        if taken is None:
            taken = bytearray(len(body))
            for s, e in others:
                taken[s:e] = b"\x01" * (e - s)
        if sum(any(taken[s:e]) for _, (s, e) in pairs) * 3 > len(pairs):
            continue  # countries or clubs in brackets: results, not a cast
        for outer, part in pairs:
            found += [outer, part]
    return found


def _without_honorific(body: str, start: int, end: int) -> tuple[int, int]:
    """A part's name without a title before it (``(Mr. Armstrong)``: ``Armstrong``)."""
    m = _HONORIFIC.match(body, start, end)
    return (m.end(), end) if m and m.end() < end else (start, end)
