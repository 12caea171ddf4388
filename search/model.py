"""Plain value objects passed between the engine, the CLI and the GUI.

Nothing here knows about Whoosh or Qt: the GUI and scripts only ever see these
dataclasses, so the engine can change its storage without touching them.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import StrEnum
from typing import Any, Literal, Self

from search import LOGGER

logging.getLogger(LOGGER).setLevel(logging.WARNING)  # see search.LOGGER

EntityType = Literal["PERSON", "ORG", "COUNTRY", "PLACE", "DATE"]
ENTITY_TYPES: tuple[EntityType, ...] = ("PERSON", "ORG", "COUNTRY", "PLACE", "DATE")

DateSource = Literal["metadata", "text", "none"]

UNDATED = "undated"
"""Key of the month facet that counts articles without a publication date."""


@dataclass(slots=True, frozen=True)
class Entity:
    """One mention of a named thing in an article body.

    ``start``/``end`` are character offsets into ``Article.body``; ``norm`` is the
    canonical key shared by every mention of the same thing (ISO 3166-1 alpha-2
    for countries, the fullest spelling for people), so counts and filters merge
    variants.
    """

    type: EntityType
    text: str
    start: int
    end: int
    norm: str
    role: str | None = None
    """A person's title or office as the text gives it (``Deputy Foreign Minister``)."""
    country: str | None = None
    """ISO alpha-2 code of the country a PLACE (or ORG) belongs to, where known."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "type": self.type,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "norm": self.norm,
        }
        if self.role:
            data["role"] = self.role
        if self.country:
            data["country"] = self.country
        return data

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Entity:
        role = data.get("role")
        country = data.get("country")
        return cls(
            type=str(data["type"]),  # type: ignore[arg-type]
            text=str(data["text"]),
            start=int(data["start"]),  # type: ignore[call-overload]
            end=int(data["end"]),  # type: ignore[call-overload]
            norm=str(data["norm"]),
            role=str(role) if role else None,
            country=str(country) if country else None,
        )


@dataclass(slots=True)
class Article:
    """One article file, cleaned: what the reader shows and the index stores."""

    id: str
    title: str
    title_derived: bool
    date: date | None
    date_source: DateSource
    source: str | None
    body: str
    trailing: str
    countries: list[str] = field(default_factory=list)
    """ISO alpha-2 codes of the countries the body names, most mentioned first."""
    country_mentions: dict[str, int] = field(default_factory=dict)
    words: int = 0
    entities: list[Entity] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    path: str = ""
    """Absolute path of the file on disk (filled in by the archive, not stored)."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "date": self.date.isoformat() if self.date else None,
            "date_source": self.date_source,
            "source": self.source,
            "body": self.body,
            "trailing": self.trailing,
            "countries": list(self.countries),
            "country_mentions": dict(self.country_mentions),
            "words": self.words,
            "entities": [e.to_json() for e in self.entities],
            "warnings": list(self.warnings),
            "path": self.path,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Article:
        """The article `to_json` gave (a shared archive stores articles so)."""
        when = data.get("date")
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            title_derived=bool(data["title_derived"]),
            date=date.fromisoformat(when) if when else None,
            date_source=data["date_source"],
            source=data.get("source"),
            body=str(data["body"]),
            trailing=str(data.get("trailing", "")),
            countries=[str(c) for c in data.get("countries", [])],
            country_mentions={str(k): int(v) for k, v in data.get("country_mentions", {}).items()},
            words=int(data.get("words", 0)),
            entities=[Entity.from_json(e) for e in data.get("entities", [])],
            warnings=[str(w) for w in data.get("warnings", [])],
            path=str(data.get("path", "")),
        )


FacetName = Literal["country", "month"]
"""The facets a search can count without their own filter (``facets_ignoring``): a
sidebar shows what widening its country or date choice would add."""


class Sort(StrEnum):
    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"


FilterKind = Literal[
    "countries", "exclude_countries", "people", "exclude_people", "orgs", "exclude_orgs"
]
"""The list filters of a ``Query`` (each is one of its fields)."""

OPPOSITE_FILTER: dict[FilterKind, FilterKind] = {
    "countries": "exclude_countries",
    "exclude_countries": "countries",
    "people": "exclude_people",
    "exclude_people": "people",
    "orgs": "exclude_orgs",
    "exclude_orgs": "orgs",
}
"""Each list filter and its negation: a value is in one of them at most."""

FILTER_OF_TYPE: dict[str, FilterKind] = {
    "COUNTRY": "countries",
    "PERSON": "people",
    "ORG": "orgs",
}
"""The list filter an entity of each ``EntityType`` narrows a search by (places and dates:
none)."""


@dataclass(slots=True, frozen=True)
class Query:
    """What is searched for: text, filters and sort (the page wanted is the request's).

    One value for the GUI's search state, its history and saved searches and the
    engine's request, so its fields are written once.
    """

    text: str = ""
    countries: tuple[str, ...] = ()
    """Any-of filter: ISO alpha-2 codes."""
    exclude_countries: tuple[str, ...] = ()
    """None-of filter (a negative filter)."""
    people: tuple[str, ...] = ()
    """All-of filter on person ``norm`` keys."""
    orgs: tuple[str, ...] = ()
    """All-of filter on organisation ``norm`` keys."""
    exclude_people: tuple[str, ...] = ()
    """None-of filter on person names."""
    exclude_orgs: tuple[str, ...] = ()
    """None-of filter on organisation names."""
    date_from: date | None = None
    date_to: date | None = None
    include_undated: bool = True
    """Whether undated articles pass a date range (without a range they always do)."""
    sort: Sort = Sort.RELEVANCE

    @property
    def has_filters(self) -> bool:
        return bool(
            self.countries
            or self.exclude_countries
            or self.people
            or self.orgs
            or self.exclude_people
            or self.exclude_orgs
            or self.date_from
            or self.date_to
            or (not self.include_undated)
        )

    def toggled(self, kind: FilterKind, key: str, on: bool) -> Self:
        """``key`` added to or removed from the list filter ``kind``.

        Including a value drops an exclusion of it and vice versa, so nothing is
        ever both required and forbidden.
        """
        if kind not in OPPOSITE_FILTER:
            raise ValueError(f"unknown filter kind {kind!r}")
        values = tuple(v for v in getattr(self, kind) if v != key)
        opposite = OPPOSITE_FILTER[kind]
        others: tuple[str, ...] = getattr(self, opposite)
        if on:
            values = (*values, key)
            others = tuple(v for v in others if v != key)
        changed: dict[str, Any] = {kind: values, opposite: others}
        return replace(self, **changed)

    def with_dates(
        self, date_from: date | None, date_to: date | None, include_undated: bool | None = None
    ) -> Self:
        """The date range set (its ends in order); ``include_undated`` None keeps it."""
        if date_from and date_to and date_from > date_to:
            date_from, date_to = date_to, date_from
        return replace(
            self,
            date_from=date_from,
            date_to=date_to,
            include_undated=self.include_undated if include_undated is None else include_undated,
        )


@dataclass(slots=True, frozen=True)
class SearchRequest(Query):
    """One search: the ``Query`` and the page of it wanted.

    ``request_id`` lets a caller drop results of a superseded request.
    """

    offset: int = 0
    limit: int = 50
    snippets: bool = True
    facets: bool = True
    """False when only another page of hits is wanted: facet counts are skipped."""
    collapse: bool = True
    """One row per story (copies and near-duplicates of one article): its representative,
    or its best-ranked member when the query or filters leave the representative out;
    ``total`` and the facets then count each story once. False: every copy."""
    request_id: int = 0

    @classmethod
    def of(cls, query: Query) -> SearchRequest:
        """The first page of ``query`` (any ``Query``, e.g. the GUI's state); other pages
        and options by ``dataclasses.replace``, which mypy checks."""
        return cls(**{f.name: getattr(query, f.name) for f in fields(Query)})


@dataclass(slots=True, frozen=True)
class Snippet:
    """A one-line excerpt and the (start, end) offsets of the matched words in it."""

    text: str
    marks: tuple[tuple[int, int], ...] = ()

    def html(self, open_tag: str = "<b>", close_tag: str = "</b>") -> str:
        return mark_up(self.text, self.marks, open_tag, close_tag)


@dataclass(slots=True)
class Hit:
    """One row of a result list: enough to draw it without opening the article."""

    id: str
    title: str
    title_derived: bool
    date: date | None
    countries: tuple[str, ...]
    source: str | None
    score: float
    snippet: str = ""
    snippet_marks: tuple[tuple[int, int], ...] = ()
    """(start, end) offsets into ``snippet`` of the words the query matched."""
    group_id: str | None = None
    """The story this article is a version of (its smallest member id); None: alone."""
    versions: int = 1
    """How many articles the story has ("3 versions"), this one included."""

    def snippet_html(self, open_tag: str = "<b>", close_tag: str = "</b>") -> str:
        """The snippet as escaped HTML with matched words wrapped in tags."""
        return mark_up(self.snippet, self.snippet_marks, open_tag, close_tag)

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "title_derived": self.title_derived,
            "date": self.date.isoformat() if self.date else None,
            "countries": list(self.countries),
            "source": self.source,
            "score": round(self.score, 4),
            "snippet": self.snippet_html(),
            "group": self.group_id,
            "versions": self.versions,
        }


@dataclass(slots=True, frozen=True)
class Version:
    """One article of a story, for the reader's list of versions."""

    id: str
    title: str
    date: date | None
    source: str | None
    path: str
    representative: bool = False
    """The story's representative: the one a collapsed list shows (earliest, else longest)."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "path": self.path,
            "representative": self.representative,
        }


DiffKind = Literal["equal", "removed", "added"]


@dataclass(slots=True, frozen=True)
class DiffPiece:
    """One run of words of a comparison: the same in both versions, or only in one.

    Offsets are characters of ``VersionDiff.a_body`` (``a_start``/``a_end``) and of
    ``b_body`` (``b_start``/``b_end``); a run in one version only is an empty span in the
    other, at the place it would be (so a change can be scrolled to in both panes)."""

    kind: DiffKind
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    words: int
    """Words of the run (paragraph breaks are compared but not counted)."""


@dataclass(slots=True, frozen=True)
class VersionDiff:
    """What changed between two versions of a story, word by word.

    The bodies are carried with the pieces so the offsets always index the texts they
    were computed from, even if the index moved on meanwhile."""

    a_body: str
    b_body: str
    pieces: tuple[DiffPiece, ...]
    removed_words: int
    added_words: int

    @property
    def identical(self) -> bool:
        return all(p.kind == "equal" for p in self.pieces)

    def spans(self, kind: Literal["removed", "added"]) -> list[tuple[int, int]]:
        """(start, end) of the removed runs in ``a_body`` or the added ones in ``b_body``."""
        if kind == "removed":
            return [(p.a_start, p.a_end) for p in self.pieces if p.kind == "removed"]
        return [(p.b_start, p.b_end) for p in self.pieces if p.kind == "added"]

    def changes(self) -> list[tuple[int, int, int, int]]:
        """(a_start, a_end, b_start, b_end) of each change: adjacent removed and added runs
        (a replaced phrase) are one, what next/previous change steps through. A side with
        no words in the change is the empty span where they would be."""
        out: list[tuple[int, int, int, int]] = []
        run: list[DiffPiece] = []
        for p in (*self.pieces, None):
            if p is not None and p.kind != "equal":
                run.append(p)
                continue
            if run:
                removed = [q for q in run if q.kind == "removed"]
                added = [q for q in run if q.kind == "added"]
                a = (removed[0].a_start, removed[-1].a_end) if removed else (run[0].a_start,) * 2
                b = (added[0].b_start, added[-1].b_end) if added else (run[0].b_start,) * 2
                out.append((*a, *b))
                run = []
        return out

    def summary(self) -> str:
        """``12 words removed, 30 added``, for the line over a comparison."""
        if self.identical:
            return "The two texts are the same"
        if not self.removed_words and not self.added_words:
            return "Only paragraph breaks differ"
        removed = self.removed_words
        return f"{removed:,} word{'' if removed == 1 else 's'} removed, {self.added_words:,} added"

    def to_json(self) -> dict[str, object]:
        return {
            "removed_words": self.removed_words,
            "added_words": self.added_words,
            "pieces": [
                {
                    "kind": p.kind,
                    "a": [p.a_start, p.a_end],
                    "b": [p.b_start, p.b_end],
                    "words": p.words,
                }
                for p in self.pieces
            ],
        }


@dataclass(slots=True, frozen=True)
class RelatedArticle:
    """An article related to the one being read, and why, in words."""

    id: str
    title: str
    date: date | None
    source: str | None
    score: float
    """0 to about 1: shared names and shared distinctive words, each against the article's
    own (what it would share with itself)."""
    reasons: tuple[str, ...]
    """``shares Kazakhstan, Tokayev, EAEU``, ``shares the words pipeline, tariff``."""

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat() if self.date else None,
            "source": self.source,
            "score": round(self.score, 4),
            "reasons": list(self.reasons),
        }


def mark_up(
    text: str,
    marks: tuple[tuple[int, int], ...] | list[tuple[int, int]],
    open_tag: str = "<b>",
    close_tag: str = "</b>",
) -> str:
    """Escape ``text`` as HTML and wrap each (start, end) span in the given tags."""
    out: list[str] = []
    pos = 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        out.append(html.escape(text[pos:start], quote=False))
        out.append(open_tag + html.escape(text[start:end], quote=False) + close_tag)
        pos = end
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


@dataclass(slots=True)
class Facets:
    """Counts over all hits of a search (not only the page)."""

    country: dict[str, int] = field(default_factory=dict)
    month: dict[str, int] = field(default_factory=dict)
    """``YYYY-MM`` -> count, plus ``"undated"``; sorted by month."""
    person: dict[str, int] = field(default_factory=dict)
    org: dict[str, int] = field(default_factory=dict)
    place: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "country": dict(self.country),
            "month": dict(self.month),
            "person": dict(self.person),
            "org": dict(self.org),
            "place": dict(self.place),
        }


@dataclass(slots=True)
class SearchResult:
    request: SearchRequest
    total: int
    """Exact number of articles matching text and filters (of stories, when collapsed)."""
    hits: list[Hit]
    """The requested page only."""
    facets: Facets
    archive_total: int = 0
    """Number of articles in the archive, for "27 of 5,000 articles"."""
    notice: str | None = None
    """A message for the user about how the query was read (e.g. syntax fallback)."""
    elapsed_ms: float = 0.0
    hidden_copies: int = 0
    """Matching articles left out because another version of their story is shown
    (``request.collapse``): "N copies hidden"; ``total`` + this = every matching copy."""
    partial: bool = False
    """Part of a shared archive did not answer: the counts and hits may be too few (the
    notice says which part)."""

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "total": self.total,
            "hidden_copies": self.hidden_copies,
            "hits": [h.to_json() for h in self.hits],
            "facets": self.facets.to_json(),
        }
        if self.notice:
            data["notice"] = self.notice
        if self.partial:
            data["partial"] = True
        return data


@dataclass(frozen=True, slots=True)
class FileSig:
    """What tells, without reading a file, that it may have changed."""

    size: int
    mtime_ns: int
    ino: int = 0
    ctime_ns: int = 0

    @property
    def key(self) -> list[int]:
        return [self.size, self.mtime_ns, self.ino, self.ctime_ns]


@dataclass(slots=True, frozen=True)
class Skip:
    """A file that was not indexed, and why, in words a user understands."""

    id: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason}


@dataclass(slots=True)
class UpdateReport:
    """What one build or update of the index did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    warnings: list[Skip] = field(default_factory=list)
    """Files indexed with a caveat (e.g. decoded as cp1252)."""
    ignored: int = 0
    """Files present but not articles (not ``.txt``)."""
    cancelled: bool = False
    rebuilt: bool = False
    elapsed_s: float = 0.0
    entities_done: int = 0
    """Articles whose entities the entity phase recognised in this update."""
    entities_left: int = 0
    """Articles still waiting for the entity phase (cancelled, or not run: text only)."""
    notes: list[str] = field(default_factory=list)
    """Things to say once (e.g. entities from the rules alone, and why)."""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": [s.to_json() for s in self.skipped],
            "warnings": [s.to_json() for s in self.warnings],
            "ignored": self.ignored,
            "cancelled": self.cancelled,
            "rebuilt": self.rebuilt,
            "elapsed_s": round(self.elapsed_s, 3),
            "entities_done": self.entities_done,
            "entities_left": self.entities_left,
            "notes": list(self.notes),
        }


@dataclass(slots=True, frozen=True)
class IndexProgress:
    """One progress report while indexing; ``total`` is 0 while unknown."""

    phase: Literal["scanning", "reading", "writing", "entities", "done"]
    done: int
    total: int
    current: str = ""


ProgressCallback = Callable[[IndexProgress], None]
CancelCheck = Callable[[], bool]


CorrectionKind = Literal["reject", "retype", "rename", "merge", "split", "add", "apart"]
CORRECTION_KINDS: tuple[CorrectionKind, ...] = (
    "reject",
    "retype",
    "rename",
    "merge",
    "split",
    "add",
    "apart",
)


@dataclass(slots=True, frozen=True)
class Correction:
    """One correction by the user (`search.store.corrections` says what each kind means)."""

    correction_id: int
    kind: CorrectionKind
    args: dict[str, object]
    names: tuple[tuple[str, str], ...]
    """The (type, norm) identities the correction is about; they are never removed."""
    created_at: float

    def to_json(self) -> dict[str, object]:
        return {"id": self.correction_id, "kind": self.kind, "args": dict(self.args)}


@dataclass(slots=True, frozen=True)
class EntitySummary:
    """One person, organisation or place of the archive, as its facet counts it."""

    type: EntityType
    name: str
    articles: int

    def to_json(self) -> dict[str, object]:
        return {"type": self.type, "name": self.name, "articles": self.articles}


@dataclass(slots=True, frozen=True)
class EntityPage:
    """One entity across the archive: how much, when, with whom, and where."""

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    """Other forms it was written as (from the entity store; empty before the phase)."""
    articles: int
    months: dict[str, int]
    """``YYYY-MM`` -> articles naming it, in date order, then ``undated``."""
    first_seen: date | None
    last_seen: date | None
    people: dict[str, int]
    """The people most often named in the same articles (itself left out)."""
    orgs: dict[str, int]
    countries: dict[str, int]
    hits: list[Hit]
    """Its articles, newest first; each snippet is the sentence of its first mention."""

    def to_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "name": self.name,
            "aliases": list(self.aliases),
            "articles": self.articles,
            "months": self.months,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "people": self.people,
            "orgs": self.orgs,
            "countries": self.countries,
            "hits": [h.to_json() for h in self.hits],
        }


@dataclass(slots=True, frozen=True)
class Cooccurrence:
    """Who appears with whom in a search's articles: the top entities and their pairs."""

    nodes: list[EntitySummary]
    """The most named people, organisations and countries; ``articles`` counts the search's."""
    edges: list[tuple[int, int, int]]
    """(node, node, articles naming both), most shared first; only pairs that share one."""

    def to_json(self) -> dict[str, object]:
        return {
            "nodes": [n.to_json() for n in self.nodes],
            "edges": [{"a": a, "b": b, "articles": n} for a, b, n in self.edges],
        }


@dataclass(slots=True, frozen=True)
class CountryPairs:
    """How often two countries appear in the same articles of a search, month by month."""

    months: list[str]
    """``YYYY-MM`` in date order (undated articles are not counted)."""
    pairs: dict[tuple[str, str], list[int]]
    """(code, code) -> articles naming both, per month; the pairs with most in all first."""

    def to_json(self) -> dict[str, object]:
        return {
            "months": self.months,
            "pairs": [{"a": a, "b": b, "counts": c} for (a, b), c in self.pairs.items()],
        }


@dataclass(slots=True)
class ArchiveStats:
    root: str
    index_dir: str
    articles: int
    dated: int
    undated: int
    countries: dict[str, int]
    first_date: date | None
    last_date: date | None
    index_bytes: int
    last_update: str | None
    skipped: list[Skip] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "root": self.root,
            "index_dir": self.index_dir,
            "articles": self.articles,
            "dated": self.dated,
            "undated": self.undated,
            "countries": dict(self.countries),
            "first_date": self.first_date.isoformat() if self.first_date else None,
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "index_bytes": self.index_bytes,
            "last_update": self.last_update,
            "skipped": [s.to_json() for s in self.skipped],
        }
