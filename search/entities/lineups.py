"""Line-ups at the foot of a match report: every entry on them is a player.

A football report ends with the teams as lists of surnames (``Hislop, Griffin, Primus,
De Zeeuw, Taylor, Stone (Cisse 76), ...``), then the unused substitutes, the booked
players, the scorers with their minutes (``Robben 79, Cole 90.``) and the referee with
his county (``A Wiley (Staffordshire).``). Out of a sentence, the statistical recogniser
reads such surnames as places, clubs or nothing (and ``Scotland (Samuel 63)`` as a
country); on a line-up they are people.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = r"[A-Z][\w'’-]*"
_NAME = rf"{_WORD}(?: (?:(?:de|van|der|den|da|dos|di|du|le|la|el|al) )*{_WORD}){{0,2}}"
_ENTRY = rf"{_NAME}(?: \({_NAME} \d{{1,3}}\))?"
_LABEL = r"(?:[A-Z][\w ]{0,30})?: ?"
_LINEUP = re.compile(rf"^(?:{_LABEL})?({_ENTRY}(?:, {_ENTRY}){{7,}})\.?$", re.MULTILINE)
_ITEM = rf"{_NAME}(?: \d{{1,3}}(?:\+\d)?(?: (?:og|pen))?)?"
_AFTER = re.compile(rf"^(?:{_LABEL})?({_ITEM}(?:, {_ITEM}){{0,15}})\.?$", re.MULTILINE)
_REFEREE = re.compile(rf"^(?:{_LABEL})?([A-Z] {_WORD})(?: \([^)\n]+\))?\.?$", re.MULTILINE)
_NAME_RE = re.compile(_NAME)
_MINUTES = re.compile(r" \d{1,3}")
_LISTS = re.compile(r"(?:Subs|Substitutes|Booked|Goals|Sent off)\b")


def _names(body: str, start: int, end: int) -> list[tuple[int, int]]:
    return [m.span() for m in _NAME_RE.finditer(body, start, end)]


@lru_cache(maxsize=4)
def players(body: str) -> tuple[tuple[int, int], ...]:
    """Offsets of the players (and the referee) on the article's line-ups: lines of eight
    or more entries, one of them with a substitute (``Stone (Cisse 76)``) or eleven
    entries long; none where there is no such line."""
    if ", " not in body:
        return ()
    lines = [m for m in _LINEUP.finditer(body)]
    if not any("(" in m.group(1) or m.group(1).count(", ") >= 10 for m in lines):
        return ()  # a bare list of eight names (countries, nominees) is no team
    found: list[tuple[int, int]] = []
    for m in lines:
        found += _names(body, m.start(1), m.end(1))
    known = {body[s:e] for s, e in found}
    first = found[0][0]
    for m in _AFTER.finditer(body, first):
        names = _names(body, m.start(1), m.end(1))
        labelled = _LISTS.match(body, m.start(), m.start(1)) is not None
        scorers = _MINUTES.search(body, m.start(1), m.end(1)) is not None
        if labelled or scorers or all(body[s:e] in known for s, e in names):
            found += names
    for m in _REFEREE.finditer(body, first):
        found.append(m.span(1))
    return tuple(sorted(set(found)))
