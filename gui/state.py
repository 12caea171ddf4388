"""What the user is looking at: query text, filters and sort, as one value.

The window keeps exactly one ``SearchState``; widgets only propose changes to
it. The same value is what history, saved searches and the settings store, so
"restore a search" is one assignment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from search.api import country_name
from search.model import SearchRequest, Sort

SORTS: list[tuple[Sort, str]] = [
    (Sort.RELEVANCE, "Relevance"),
    (Sort.NEWEST, "Newest first"),
    (Sort.OLDEST, "Oldest first"),
]
"""Each sort with the words the sort box and the Sort By menu show for it."""


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
class SearchState:
    """The query, filters and sort of one search, without paging."""

    text: str = ""
    countries: tuple[str, ...] = ()
    exclude_countries: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    include_undated: bool = True
    sort: Sort = Sort.RELEVANCE

    # -- derived -----------------------------------------------------------------
    @property
    def has_filters(self) -> bool:
        return self.to_request().has_filters

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.has_filters

    def to_request(
        self,
        *,
        offset: int = 0,
        limit: int = 50,
        request_id: int = 0,
        snippets: bool = True,
        facets: bool = True,
    ) -> SearchRequest:
        return SearchRequest(
            text=self.text.strip(),
            countries=self.countries,
            exclude_countries=self.exclude_countries,
            people=self.people,
            orgs=self.orgs,
            date_from=self.date_from,
            date_to=self.date_to,
            include_undated=self.include_undated,
            sort=self.sort,
            offset=offset,
            limit=limit,
            snippets=snippets,
            facets=facets,
            request_id=request_id,
        )

    def without_filters(self) -> SearchState:
        return SearchState(text=self.text, sort=self.sort)

    # -- edits (each returns a new state) -------------------------------------------
    def with_text(self, text: str) -> SearchState:
        return replace(self, text=text)

    def toggled(self, kind: str, key: str, on: bool) -> SearchState:
        """Add or remove ``key`` from one of the list filters.

        ``kind`` is ``countries``, ``exclude_countries``, ``people`` or ``orgs``.
        Including a country drops an exclusion of it and vice versa, so a
        country is never both required and forbidden.
        """
        current: tuple[str, ...] = getattr(self, kind)
        values = tuple(v for v in current if v != key)
        if on:
            values = (*values, key)
        if kind == "countries":
            kept = tuple(c for c in self.exclude_countries if c != key)
            return replace(
                self, countries=values, exclude_countries=kept if on else self.exclude_countries
            )
        if kind == "exclude_countries":
            kept = tuple(c for c in self.countries if c != key)
            return replace(self, exclude_countries=values, countries=kept if on else self.countries)
        if kind == "people":
            return replace(self, people=values)
        if kind == "orgs":
            return replace(self, orgs=values)
        raise ValueError(f"unknown filter kind {kind!r}")

    def with_dates(
        self, date_from: date | None, date_to: date | None, include_undated: bool | None = None
    ) -> SearchState:
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return replace(
            self,
            date_from=date_from,
            date_to=date_to,
            include_undated=self.include_undated if include_undated is None else include_undated,
        )

    # -- text forms ------------------------------------------------------------------
    def filter_labels(self) -> list[tuple[str, str, str]]:
        """(kind, key, label) for each active filter, for chips and summaries."""
        out: list[tuple[str, str, str]] = []
        out += [("countries", c, f"{country_name(c)}") for c in self.countries]
        out += [("exclude_countries", c, f"not {country_name(c)}") for c in self.exclude_countries]
        out += [("people", p, p) for p in self.people]
        out += [("orgs", o, o) for o in self.orgs]
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
        return {
            "text": self.text,
            "countries": list(self.countries),
            "exclude_countries": list(self.exclude_countries),
            "people": list(self.people),
            "orgs": list(self.orgs),
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
