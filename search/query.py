"""SearchRequest -> SearchResult: parsing, filters, sort, facets and snippets.

Whoosh parses the query and scores text matches; filters, facet counts and
date sorting run over the per-document arrays of `DocTable`. Whoosh objects
never leave this module: hits are copied into our dataclasses here.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from whoosh import qparser, query
from whoosh.qparser import syntax

from search.analysis import TOKEN_PATTERN, fold, stem, word_keys
from search.doctable import BoolArray, DocTable
from search.model import Facets, Hit, SearchRequest, SearchResult, Sort

log = logging.getLogger("archive.query")

MAX_QUERY_CHARS = 2000
"""Longer input is cut: nobody types more, and a pasted book would stall parsing."""
TOP_NAMES = 50
"""People and organisations shown in a facet."""
SNIPPET_WORDS = 36

FIELD_ALIASES = {
    "body": ["text", "content"],
    "person": ["people", "persons", "who"],
    "org": ["organisation", "organization", "orgs"],
    "place": ["places", "location", "where"],
    "country": ["countries"],
}
TEXT_FIELDS = {"title", "body"}


_VIETNAM = re.compile(r"\bvi[eêệ]t[ \t\u00a0-]+nam\b", re.IGNORECASE)


class _QueryTweaksPlugin(qparser.Plugin):  # type: ignore[misc]
    """Fold the accents of wildcard and fuzzy words (the parser does not analyse
    them), and let ``country:`` take names (``country:Kazakhstan``) as well as codes."""

    def __init__(self, country_lookup: Callable[[str], str | None]) -> None:
        self.country_lookup = country_lookup

    def filters(self, parser: Any) -> list[tuple[Callable[..., Any], int]]:
        return [(self._rewrite, 120)]

    def _rewrite(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                self._rewrite(parser, node)
                continue
            fieldname = getattr(node, "fieldname", None)
            unanalysed = isinstance(
                node,
                qparser.WildcardPlugin.WildcardNode
                | qparser.PrefixPlugin.PrefixNode
                | qparser.FuzzyTermPlugin.FuzzyTermNode
                | qparser.RegexPlugin.RegexNode,
            )
            if unanalysed and fieldname in TEXT_FIELDS:
                node.text = fold(node.text)
            elif fieldname == "country" and getattr(node, "text", None):
                code = self.country_lookup(node.text)
                if code:
                    replacement = syntax.WordNode(code.lower())
                    replacement.fieldname = "country"
                    replacement.startchar = getattr(node, "startchar", None)
                    replacement.endchar = getattr(node, "endchar", None)
                    group[i] = replacement
        return group


@dataclass(slots=True)
class ParsedQuery:
    query: Any
    notice: str | None
    is_every: bool


class QueryParser:
    """Builds Whoosh queries from user text; never raises for bad syntax."""

    def __init__(self, schema: Any, country_lookup: Callable[[str], str | None]) -> None:
        self.schema = schema
        parser = qparser.MultifieldParser(
            ["title", "body"], schema, fieldboosts={"title": 2.0}, group=qparser.AndGroup
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        parser.add_plugin(_QueryTweaksPlugin(country_lookup))
        self._parser = parser
        plain = qparser.MultifieldParser(
            ["title", "body"],
            schema,
            fieldboosts={"title": 2.0},
            group=qparser.AndGroup,
            plugins=[],
        )
        plain.remove_plugin_class(qparser.FieldsPlugin)
        self._plain = plain

    def parse(self, text: str) -> ParsedQuery:
        notice = None
        if len(text) > MAX_QUERY_CHARS:
            text = text[:MAX_QUERY_CHARS]
            notice = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
        if not text.strip():
            return ParsedQuery(query.Every(), notice, True)
        # The index holds "Việt Nam" as one word; the parser would split it at the space.
        text = _VIETNAM.sub("Vietnam", text)
        text = _MINUS.sub(r"\1NOT ", text)
        try:
            parsed = self._parser.parse(text)
        except Exception as exc:  # Whoosh raises assorted errors on odd syntax
            log.info("query %r not understood: %s", text[:200], exc)
            parsed = query.NullQuery
        if not _has_error(parsed) and parsed is not query.NullQuery:
            return ParsedQuery(parsed, notice, False)
        kept = _without_errors(parsed)
        if kept is not query.NullQuery:
            return ParsedQuery(kept, _PART_IGNORED, False)
        words = " ".join(m.group(0) for m in TOKEN_PATTERN.finditer(text))
        if not words:
            return ParsedQuery(query.NullQuery, "Nothing to search for in that query.", False)
        return ParsedQuery(self._plain.parse(words), _AS_WORDS, False)


_MINUS = re.compile(r"(^|[\s(])-(?=[\w\"(])")
"""``-word`` excludes a word, as in web search engines."""
_PART_IGNORED = (
    "Part of the query could not be understood and was left out "
    "(dates are written date:2025-03-06 or date:[2025-01-01 to 2025-03-31])."
)
_AS_WORDS = "The query syntax could not be understood; searched for its words instead."


def _has_error(q: Any) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def _without_errors(q: Any) -> Any:
    """The query with every clause that failed to parse removed."""
    if getattr(q, "error", None) or q is query.NullQuery:
        return query.NullQuery
    if not list(q.children()):
        return q
    return q.apply(_without_errors).normalize()


# --- marking matched words ---------------------------------------------------


@dataclass(slots=True)
class Marker:
    """Which words of a text the (stem-expanded) query matched."""

    words: frozenset[str]

    @classmethod
    def from_query(cls, q: Any, reader: Any) -> Marker:
        words: set[str] = set()
        _collect_terms(q, reader, words)
        return cls(frozenset(words))

    def __bool__(self) -> bool:
        return bool(self.words)

    def spans(self, text: str) -> list[tuple[int, int]]:
        if not self:
            return []
        return [(start, end) for start, end, key in word_keys(text) if key in self.words]


def _collect_terms(q: Any, reader: Any, words: set[str]) -> None:
    if isinstance(q, query.Not):
        return  # words a query excludes are not in the hit to be marked
    children = list(q.children())
    if children:
        for child in children:
            _collect_terms(child, reader, words)
        return
    try:
        terms = q.existing_terms(reader, expand=True)
    except Exception:  # an expansion that cannot run marks nothing
        return
    for fieldname, raw in terms:
        if fieldname in TEXT_FIELDS:
            words.add(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))


def make_snippet(body: str, marker: Marker) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line excerpt around the densest cluster of matched words."""
    words = list(word_keys(body))
    if not words:
        return "", ()
    matched = [i for i, (_s, _e, key) in enumerate(words) if key in marker.words] if marker else []
    start_word = 0
    if matched:
        best_score = (-1, -1)
        for first in matched:
            window = [i for i in matched if first <= i < first + SNIPPET_WORDS]
            distinct = len({stem(words[i][2]) for i in window})
            score = (distinct, len(window))
            if score > best_score:
                best_score, start_word = score, first
        start_word = max(0, start_word - 6)
    end_word = min(len(words), start_word + SNIPPET_WORDS)
    matched_set = set(matched)
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    length = 0
    if start_word > 0:
        parts.append("…")
        length += 1
    pos = words[start_word][0]
    for i in range(start_word, end_word):
        start, end = words[i][0], words[i][1]
        gap = body[pos:start]
        if gap:
            gap = re.sub(r"\s+", " ", gap)
            parts.append(gap)
            length += len(gap)
        if i in matched_set:
            marks.append((length, length + end - start))
        parts.append(body[start:end])
        length += end - start
        pos = end
    tail = body[pos : pos + 2]
    if tail[:1] in (".", ",", "”", '"', ")", "?", "!"):
        parts.append(tail[:1])
    if end_word < len(words):
        parts.append("…")
    return "".join(parts), tuple(marks)


# --- executing ---------------------------------------------------------------


def run_search(
    request: SearchRequest,
    searcher: Any,
    table: DocTable,
    parsed: ParsedQuery,
    body_of: Callable[[int], str],
) -> SearchResult:
    started = time.perf_counter()
    size = table.size
    filters = _filter_mask(request, table)
    if parsed.is_every:
        matched = table.live.copy()
    else:
        matched = np.zeros(size, dtype=bool)
        docnums = np.fromiter(parsed.query.docs(searcher), dtype=np.int64)
        if len(docnums):
            matched[docnums] = True
        matched &= table.live
    selected = matched & filters
    total = int(np.count_nonzero(selected))

    offset = max(0, request.offset)
    limit = max(0, request.limit)
    scores: dict[int, float] = {}
    if request.sort is Sort.RELEVANCE and not parsed.is_every:
        need = offset + limit
        allow = None if request_is_unfiltered(request) else set(np.flatnonzero(selected).tolist())
        results = searcher.search(parsed.query, limit=need or 1, filter=allow)
        ranked = [(hit.docnum, float(hit.score or 0.0)) for hit in results]
        page = ranked[offset:need]
        scores = dict(page)
        page_docs = [docnum for docnum, _ in page]
    else:
        page_docs = _date_order(selected, table, request.sort)[offset : offset + limit]

    marker = Marker.from_query(parsed.query, searcher.reader()) if request.snippets else None
    hits = [_hit(docnum, table, scores.get(docnum, 0.0), marker, body_of) for docnum in page_docs]
    facets = Facets(
        country=table.countries.counts(selected),
        month=table.month_counts(selected),
        person=table.people.counts(selected, TOP_NAMES),
        org=table.orgs.counts(selected, TOP_NAMES),
        place=table.places.counts(selected, TOP_NAMES),
    )
    return SearchResult(
        request=request,
        total=total,
        hits=hits,
        facets=facets,
        archive_total=int(np.count_nonzero(table.live)),
        notice=parsed.notice,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


def request_is_unfiltered(request: SearchRequest) -> bool:
    return not request.has_filters


def _filter_mask(request: SearchRequest, table: DocTable) -> BoolArray:
    size = table.size
    mask = np.ones(size, dtype=bool)
    if request.countries:
        mask &= table.countries.any_of(tuple(c.upper() for c in request.countries), size)
    if request.exclude_countries:
        mask &= ~table.countries.any_of(tuple(c.upper() for c in request.exclude_countries), size)
    if request.people:
        mask &= table.people.all_of(request.people, size)
    if request.orgs:
        mask &= table.orgs.all_of(request.orgs, size)
    if request.date_from or request.date_to or not request.include_undated:
        mask &= table.date_mask(request.date_from, request.date_to, request.include_undated)
    return mask


def _date_order(selected: BoolArray, table: DocTable, sort: Sort) -> list[int]:
    """Newest or oldest first, undated last; ties by id for a stable order."""
    docnums = np.flatnonzero(selected)
    if not len(docnums):
        return []
    keys = table.datekey[docnums]
    undated = keys == 0
    primary = -keys if sort is not Sort.OLDEST else keys
    ids = [table.ids[d] for d in docnums.tolist()]
    id_rank = np.argsort(np.argsort(np.asarray(ids, dtype=object)))
    order = np.lexsort((id_rank, primary, undated))
    return [int(d) for d in docnums[order]]


def _hit(
    docnum: int,
    table: DocTable,
    score: float,
    marker: Marker | None,
    body_of: Callable[[int], str],
) -> Hit:
    row = table.row(docnum)
    snippet = ""
    marks: tuple[tuple[int, int], ...] = ()
    if marker is not None:
        snippet, marks = make_snippet(body_of(docnum), marker)
    return Hit(
        id=table.ids[docnum],
        title=row["t"],
        title_derived=bool(row["td"]),
        date=date.fromisoformat(row["d"]) if row["d"] else None,
        countries=tuple(row["c"]),
        source=row["s"],
        score=score,
        snippet=snippet,
        snippet_marks=marks,
    )
