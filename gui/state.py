"""What the user is looking at: query text, filters and sort, as one value.

``SearchState`` is the engine's ``Query`` (``search.model``) plus how its text
is being typed. The search controller keeps exactly one; widgets only propose
changes to it. The same value is what history, saved searches and the settings
store, so "restore a search" is one assignment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from datetime import date

from search.api import country_name
from search.model import Query, SearchRequest, Sort

SORTS: list[tuple[Sort, str]] = [
    (Sort.RELEVANCE, "Relevance"),
    (Sort.NEWEST, "Newest first"),
    (Sort.OLDEST, "Oldest first"),
]
"""Each sort with the words the sort box and the Sort By menu show for it."""

_TEXT_FIELDS = frozenset({"title", "body"})
"""Fields holding the article's own words (the engine's text fields)."""
_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"})
_LAST_TOKEN = re.compile(r"(?:(?P<field>\w+):)?(?P<word>\w+)$")
MIN_PREFIX = 3
"""Letters a word being typed needs before it also counts as a prefix. A shorter one
stands for a large part of the vocabulary (``k*``: the 300 most frequent words starting
with k, at 10^5 articles 0.1-0.65 s a search, measured on 2026-12-03, against at most
0.06 s from three letters on), and finds nothing a reader would look at."""


def as_you_type(text: str) -> str:
    """``text`` as searched while it is being typed: its last word also as a prefix.

    ``parliam`` searches ``(parliam* OR parliam)``, so the list does not go blank
    mid-word while a finished word keeps its stems; a word shorter than `MIN_PREFIX`
    is searched as it is (``pa``). Only a plain last word is
    widened: not after a space (a finished word), not inside quotes or a date
    range, not a field other than ``title:``/``body:``, not an operator, a
    wildcard, a fuzzy or boosted word, nor a word excluded by ``-`` or ``NOT``.
    The engine's parser is unchanged (``archive-search query`` keeps its meaning).
    """
    stripped = text.strip()
    if not stripped or text[-1].isspace():
        return stripped
    if text.count('"') % 2 or text.count("[") + text.count("{") > text.count("]") + text.count("}"):
        return stripped  # inside a phrase or a range
    parts = stripped.rsplit(None, 1)
    token = parts[-1]
    match = _LAST_TOKEN.fullmatch(token)
    if match is None or token in _OPERATORS:
        return stripped
    name = match.group("field")
    if name is not None and name.lower() not in _TEXT_FIELDS:
        return stripped
    head = parts[0] if len(parts) == 2 else ""
    if head.rsplit(None, 1)[-1:] == ["NOT"]:
        return stripped
    prefix = f"{name}:" if name else ""
    word = match.group("word")
    if len(word) < MIN_PREFIX:
        return stripped
    widened = f"({prefix}{word}* OR {prefix}{word})"
    return f"{head} {widened}" if head else widened


def _parse_date(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v) for v in value)


@dataclass(frozen=True, slots=True)
class SearchState(Query):
    """The search the user is looking at: the engine's ``Query`` and how its text is
    being written (paging is the search controller's)."""

    typing: bool = field(default=False, compare=False)
    """The text is being typed: its last word is searched as a prefix too (`as_you_type`).
    Not stored: history, saved searches and the command line search as written."""

    # -- derived -----------------------------------------------------------------
    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.has_filters

    @property
    def query(self) -> str:
        """The query text the engine is asked (and marks hits for)."""
        return as_you_type(self.text) if self.typing else self.text.strip()

    def to_request(self) -> SearchRequest:
        """The first page of this state's search (other pages: ``dataclasses.replace``)."""
        return replace(SearchRequest.of(self), text=self.query)

    def without_filters(self) -> SearchState:
        return SearchState(text=self.text, sort=self.sort)

    # -- edits (each returns a new state; the filters' are ``Query``'s) ---------------
    def with_text(self, text: str) -> SearchState:
        """The text as written (set, restored, or finished with Enter)."""
        return replace(self, text=text, typing=False)

    def typed(self, text: str) -> SearchState:
        """The text as the user is typing it (`as_you_type`)."""
        return replace(self, text=text, typing=True)

    # -- text forms ------------------------------------------------------------------
    def filter_labels(self) -> list[tuple[str, str, str]]:
        """(kind, key, label) for each active filter, for chips and summaries."""
        out: list[tuple[str, str, str]] = []
        out += [("countries", c, f"{country_name(c)}") for c in self.countries]
        out += [("exclude_countries", c, f"not {country_name(c)}") for c in self.exclude_countries]
        out += [("people", p, p) for p in self.people]
        out += [("exclude_people", p, f"not {p}") for p in self.exclude_people]
        out += [("orgs", o, o) for o in self.orgs]
        out += [("exclude_orgs", o, f"not {o}") for o in self.exclude_orgs]
        if self.date_from or self.date_to:
            start = self.date_from.isoformat() if self.date_from else "…"
            end = self.date_to.isoformat() if self.date_to else "…"
            out.append(("dates", "", f"{start} – {end}"))
        if not self.include_undated:
            out.append(("undated", "", "no undated"))
        return out

    def summary(self) -> str:
        """One line for menus: the query, then its filters."""
        parts = [f"“{self.text.strip()}”" if self.text.strip() else "(all articles)"]
        labels = [label for _kind, _key, label in self.filter_labels()]
        if labels:
            parts.append("· " + ", ".join(labels))
        if self.sort is not Sort.RELEVANCE:
            parts.append(f"· {self.sort.value}")
        return " ".join(parts)

    def to_json(self) -> dict[str, object]:
        """The stored form (settings: last search, history, saved searches). Its keys are
        written out, not taken from the fields, so renaming a field cannot lose what users
        saved."""
        return {
            "text": self.text,
            "countries": list(self.countries),
            "exclude_countries": list(self.exclude_countries),
            "people": list(self.people),
            "orgs": list(self.orgs),
            "exclude_people": list(self.exclude_people),
            "exclude_orgs": list(self.exclude_orgs),
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "include_undated": self.include_undated,
            "sort": self.sort.value,
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, data: object) -> SearchState:
        """Build a state from stored JSON, ignoring anything malformed."""
        if not isinstance(data, dict):
            return cls()
        try:
            sort = Sort(str(data.get("sort", Sort.RELEVANCE.value)))
        except ValueError:
            sort = Sort.RELEVANCE
        return cls(
            text=str(data.get("text", "") or ""),
            countries=_strings(data.get("countries")),
            exclude_countries=_strings(data.get("exclude_countries")),
            people=_strings(data.get("people")),
            orgs=_strings(data.get("orgs")),
            exclude_people=_strings(data.get("exclude_people")),
            exclude_orgs=_strings(data.get("exclude_orgs")),
            date_from=_parse_date(data.get("date_from")),
            date_to=_parse_date(data.get("date_to")),
            include_undated=bool(data.get("include_undated", True)),
            sort=sort,
        )

    @classmethod
    def loads(cls, text: str) -> SearchState:
        try:
            return cls.from_json(json.loads(text))
        except (ValueError, TypeError):
            return cls()
