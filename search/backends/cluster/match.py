"""A parsed query -> SphinxQL: one ``MATCH()`` expression and the date conditions beside it.

The query is parsed once, by the local parser (`search.query.parsing`: the same syntax,
field aliases, Việt Nam = Vietnam and fallbacks), and its tree is written in Sphinx's
extended match syntax over the fields the loader writes (`nodes.SCHEMA`):

- a plain word asks for its stem in ``title_stems``/``body_stems`` (the local index
  widens it to every word of that stem); a phrase, a prefix and a word too short to stem
  ask for the words as written, in ``title``/``body``;
- ``person:``, ``org:``, ``place:`` and ``country:`` become the ``entity_keys`` words of the
  names they match (``names``: the caller looks them up), so they combine with the words
  under any AND, OR and NOT;
- ``date:`` ranges at the top of the query (alone, or ANDed with the rest) become
  conditions on ``day``, as the local index compares dates by day.

What the engine cannot answer is said in a notice and searched without it, never raised:
fuzzy words (Sphinx 2.2 has no edit distance) are searched as written; ``date:`` inside
an OR, ``source:`` and wildcards other than a trailing ``*`` are left out; a query of
excluded words alone finds nothing (Sphinx computes no pure NOT).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from search.backends.cluster.nodes import day_key
from search.backends.cluster.text import engine_word, entity_word
from search.store.analyzers import stem
from search.store.whoosh_api import long_to_datetime, query

NAME_FIELDS = frozenset({"person", "org", "place"})
TEXT_FIELDS = frozenset({"title", "body"})
MIN_STEM = 3
"""As `search.query.stems.MIN_STEM`: shorter stems are searched as written."""
NOTHING = "@entity_keys e0"
"""Matches no article (no key is 0): what a clause that can match nothing becomes."""

NameKeys = Callable[[str, Any], list[int]]
"""(field, query node) -> the keys of the names of that field the node matches."""


@dataclass(slots=True)
class Translation:
    match: str | None
    """The MATCH() expression; None: no word condition (every article passes)."""
    nothing: bool = False
    """The query can match no article (don't ask the engine)."""
    days: list[tuple[int | None, int | None, bool]] = field(default_factory=list)
    """Top-level date conditions: (first day, last day, negated), days as ``yyyymmdd``."""
    notices: list[str] = field(default_factory=list)


class _Neg:
    """An excluded clause: only an AND of something positive can hold it."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


_EVERY = object()
_Part = str | _Neg | object


def translate(q: Any, names: NameKeys, country_key: Callable[[str], int]) -> Translation:
    """The SphinxQL form of a parsed query (see the module's docstring)."""
    out = Translation(None)
    rest = q
    if isinstance(q, query.And):
        kept = [c for c in q.subqueries if not _take_days(c, out)]
        rest = query.And(kept) if kept else query.Every()
    elif _take_days(q, out):
        rest = query.Every()
    part = _Writer(names, country_key, out.notices).part(rest)
    if part is _EVERY:
        return out
    if isinstance(part, _Neg):
        out.notices.append(_PURE_NOT)
        out.nothing = True
        return out
    assert isinstance(part, str)
    if part == NOTHING:
        out.nothing = True
    out.match = part
    return out


_PURE_NOT = (
    "A shared archive cannot search for excluded words alone; add a word to look for "
    "(kenya -uganda)."
)


def _take_days(q: Any, out: Translation) -> bool:
    """Record a top-level ``date:`` range (or its negation) in ``out``; True if it was one."""
    negated = isinstance(q, query.Not)
    inner = q.query if negated else q
    if not (isinstance(inner, query.NumericRange) and inner.fieldname == "date"):
        return False
    out.days.append((_first_day(inner.start), _last_day(inner.end), negated))
    return True


def _first_day(value: int | None) -> int | None:
    if value is None:
        return None
    moment = long_to_datetime(value)
    day = moment.date()
    if moment != datetime.combine(day, datetime.min.time()):
        day += timedelta(days=1)  # a range from mid-day holds the next days only
    return day_key(day)


def _last_day(value: int | None) -> int | None:
    return None if value is None else day_key(long_to_datetime(value).date())


class _Writer:
    def __init__(
        self, names: NameKeys, country_key: Callable[[str], int], notices: list[str]
    ) -> None:
        self._names = names
        self._country_key = country_key
        self._notices = notices

    def _notice(self, text: str) -> None:
        if text not in self._notices:
            self._notices.append(text)

    def part(self, q: Any) -> _Part:
        if isinstance(q, query.Every):
            return _EVERY
        if q is query.NullQuery or isinstance(q, query.qcore._NullQuery):
            return NOTHING
        if isinstance(q, query.Not):
            inner = self.part(q.query)
            if inner is _EVERY:
                return NOTHING
            if isinstance(inner, _Neg):
                return inner.text  # NOT NOT x
            assert isinstance(inner, str)
            return _EVERY if inner == NOTHING else _Neg(inner)
        if isinstance(q, query.AndNot):
            return self._and([q.a, query.Not(q.b)])
        if isinstance(q, query.And):
            return self._and(list(q.subqueries))
        if isinstance(q, query.Or):
            return self._or(list(q.subqueries))
        if isinstance(q, query.AndMaybe):
            must, maybe = self.part(q.a), self.part(q.b)
            if isinstance(must, str) and isinstance(maybe, str) and maybe != NOTHING:
                return f"({must} MAYBE {maybe})"
            return must
        return self._leaf(q)

    def _and(self, children: list[Any]) -> _Part:
        positive: list[str] = []
        negative: list[str] = []
        for child in children:
            part = self.part(child)
            if part is _EVERY:
                continue
            if isinstance(part, _Neg):
                negative.append(part.text)
            else:
                assert isinstance(part, str)
                if part == NOTHING:
                    return NOTHING
                positive.append(part)
        if not positive:
            if not negative:
                return _EVERY
            return _Neg(_joined(negative, " | "))
        return "(" + " ".join(positive + [f"-{n}" for n in negative]) + ")"

    def _or(self, children: list[Any]) -> _Part:
        parts: list[str] = []
        for child in children:
            part = self.part(child)
            if part is _EVERY:
                return _EVERY
            if isinstance(part, _Neg):
                self._notice("An excluded word inside OR cannot be searched on a shared archive.")
                continue
            assert isinstance(part, str)
            if part != NOTHING:
                parts.append(part)
        if not parts:
            return NOTHING
        return _joined(parts, " | ")

    def _leaf(self, q: Any) -> _Part:
        fieldname = getattr(q, "fieldname", None)
        if fieldname in NAME_FIELDS:
            return self._keys(self._names(fieldname, q))
        if fieldname == "country":
            text = getattr(q, "text", "")
            return self._keys([self._country_key(str(text).upper())]) if text else NOTHING
        if fieldname == "date":
            self._notice(
                "A date range inside OR or NOT cannot be searched on a shared archive; "
                "it was left out (put it beside the words: trade date:[2025-01-01 to ...])."
            )
            return _EVERY
        if fieldname not in TEXT_FIELDS:
            self._notice(f"{fieldname}: cannot be searched on a shared archive; it was left out.")
            return _EVERY
        if type(q) is query.Term:
            word = str(q.text)
            root = stem(word)
            if len(root) >= MIN_STEM and word.isalpha():
                return f"(@{fieldname}_stems {engine_word(root)})"
            return f"(@{fieldname} {engine_word(word)})"
        if isinstance(q, query.Phrase):
            words = " ".join(engine_word(str(w)) for w in q.words)
            if not words:
                return _EVERY
            proximity = f"~{q.slop}" if q.slop > 1 else ""
            return f'(@{fieldname} "{words}"{proximity})'
        if isinstance(q, query.Prefix):
            return f"(@{fieldname} {engine_word(str(q.text))}*)"
        if isinstance(q, query.FuzzyTerm):
            self._notice(
                "A shared archive has no fuzzy search (word~); fuzzy words were searched "
                "as written."
            )
            return f"(@{fieldname} {engine_word(str(q.text))})"
        if isinstance(q, query.Wildcard):
            text = str(q.text)
            head = text.split("*", 1)[0].split("?", 1)[0]
            if text == head + "*" and head:
                return f"(@{fieldname} {engine_word(head)}*)"
            self._notice(
                "A shared archive searches wildcards only at the end of a word (coop*); "
                "other wildcards were left out."
            )
            return _EVERY
        self._notice("Part of the query cannot be searched on a shared archive; it was left out.")
        return _EVERY

    @staticmethod
    def _keys(keys: list[int]) -> str:
        if not keys:
            return NOTHING
        return "(@entity_keys " + " | ".join(entity_word(k) for k in sorted(set(keys))) + ")"


def _joined(parts: list[str], operator: str) -> str:
    return parts[0] if len(parts) == 1 else "(" + operator.join(parts) + ")"
