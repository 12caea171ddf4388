"""SearchRequest -> SearchResult: parsing, filters, sort, facets and snippets.

Whoosh parses the query; `search.executor` matches and scores it over numpy
arrays; filters, facet counts and date sorting run over the per-document
arrays of `DocTable`. Whoosh objects
never leave this module: hits are copied into our dataclasses here.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import numpy as np
from whoosh import qparser, query
from whoosh.qparser import syntax

from search.analysis import TOKEN_PATTERN, fold, fold_text, stem, word_keys
from search.doctable import BoolArray, DocTable
from search.executor import MAX_EXPANSION, Executor, top_documents
from search.model import Facets, Hit, SearchRequest, SearchResult, Sort

log = logging.getLogger("archive.query")

MAX_QUERY_CHARS = 2000
"""Longer input is cut: nobody types more, and a pasted book would stall parsing."""
TOP_NAMES = 50
"""People and organisations shown in a facet."""

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
                if isinstance(node, qparser.FuzzyTermPlugin.FuzzyTermNode):
                    # Typos rarely hit the first letter; keeping it cuts the
                    # edit-distance scan of the whole vocabulary ~20-fold.
                    node.prefixlength = max(node.prefixlength, 1)
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
            cut = text[: MAX_QUERY_CHARS + 1]
            text = cut.rsplit(None, 1)[0] if " " in cut else cut[:MAX_QUERY_CHARS]
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
    pattern: re.Pattern[str] | None
    """Finds the words in `fold_text` output, so long texts are not tokenised."""

    @classmethod
    def from_query(cls, q: Any, expand: Callable[[Any], list[str]]) -> Marker:
        """``expand`` gives the words a wildcard or fuzzy term stands for."""
        words: set[str] = set()
        _collect_terms(q, expand, words)
        return cls(frozenset(words), _words_pattern(words))

    def __bool__(self) -> bool:
        return bool(self.words)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matched word in ``text``."""
        if not self or self.pattern is None:
            return []
        spans: list[tuple[int, int]] = []
        for found in self.pattern.finditer(fold_text(text)):
            # Confirm with the real tokenizer: the pattern may cut a word differently.
            spans.extend(
                (found.start() + s, found.start() + e)
                for s, e, key in word_keys(text[found.start() : found.end()])
                if key in self.words
            )
        return spans


def _words_pattern(words: set[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    if "vietnam" in words:
        alternatives.insert(0, r"viet[ \t\u00a0\-]*nam")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _collect_terms(q: Any, expand: Callable[[Any], list[str]], words: set[str]) -> None:
    if isinstance(q, query.Not):
        return  # words a query excludes are not in the hit to be marked
    if isinstance(q, query.MultiTerm):
        if q.field() in TEXT_FIELDS:
            words.update(expand(q))
        return
    children = list(q.children())
    if children:
        for child in children:
            _collect_terms(child, expand, words)
        return
    try:
        terms = list(q.iter_all_terms())
    except Exception:  # a node without terms marks nothing
        return
    for fieldname, raw in terms:
        if fieldname in TEXT_FIELDS:
            words.add(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))


SNIPPET_CHARS = 240


def make_snippet(body: str, marker: Marker | None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line excerpt around the densest cluster of matched words.

    Matches are found with one regular expression over the folded body; only the
    chosen window is tokenised, so a snippet costs well under a millisecond.
    """
    spans = marker.spans(body) if marker else []
    start = 0
    if spans:
        considered = spans[:400]
        roots = [stem(fold_text(body[s:e])) for s, e in considered]
        best = (-1, -1)
        for i, (first, _) in enumerate(considered):
            window: list[str] = []
            for j in range(i, len(considered)):
                if considered[j][0] >= first + SNIPPET_CHARS:
                    break
                window.append(roots[j])
            score = (len(set(window)), len(window))
            if score > best:
                best, start = score, first
        start = max(0, start - 40)
        space = body.rfind(" ", 0, start + 1)
        start = 0 if space < 0 or start == 0 else space + 1
    end = min(len(body), start + SNIPPET_CHARS)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    length = 0
    if start > 0:
        parts.append("…")
        length = 1
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        gap = _WHITESPACE.sub(" ", body[pos:s])
        parts.append(gap)
        length += len(gap)
        marks.append((length, length + e - s))
        parts.append(body[s:e])
        length += e - s
        pos = e
    parts.append(_WHITESPACE.sub(" ", body[pos:end]).rstrip())
    if end < len(body):
        parts.append(" …")
    return "".join(parts), tuple(marks)


_WHITESPACE = re.compile(r"\s+")


# --- executing ---------------------------------------------------------------


def run_search(
    request: SearchRequest,
    executor: Executor,
    table: DocTable,
    parsed: ParsedQuery,
    body_of: Callable[[int], str],
    facets_ignoring: tuple[FacetName, ...] = (),
) -> SearchResult:
    started = time.perf_counter()
    matches = executor.evaluate(parsed.query)
    masks = _filter_masks(request, table)
    selected = _combined(matches.mask, masks)
    total = int(np.count_nonzero(selected))

    offset = max(0, request.offset)
    limit = max(0, request.limit)
    scores: dict[int, float] = {}
    if request.sort is Sort.RELEVANCE and not parsed.is_every:
        page = top_documents(matches.scores, selected, offset + limit)[offset:]
        scores = dict(page)
        page_docs = [docnum for docnum, _ in page]
    else:
        page_docs = _date_order(selected, table, request.sort)[offset : offset + limit]

    marker = Marker.from_query(parsed.query, executor.expand) if request.snippets else None
    hits = [_hit(docnum, table, scores.get(docnum, 0.0), marker, body_of) for docnum in page_docs]

    def facet_base(name: FacetName) -> BoolArray:
        if name in facets_ignoring and name in masks:
            return _combined(matches.mask, masks, leave_out=name)
        return selected

    facets = Facets(
        country=table.countries.counts(facet_base("country")),
        month=table.month_counts(facet_base("month")),
        person=table.people.counts(selected, TOP_NAMES),
        org=table.orgs.counts(selected, TOP_NAMES),
        place=table.places.counts(selected, TOP_NAMES),
    )
    notice = parsed.notice
    if executor.truncated:
        notice = (
            "A wildcard or fuzzy word matched too many different words; only the first "
            f"{MAX_EXPANSION} were searched. Make it more specific."
        )
    return SearchResult(
        request=request,
        total=total,
        hits=hits,
        facets=facets,
        archive_total=int(np.count_nonzero(table.live)),
        notice=notice,
        elapsed_ms=(time.perf_counter() - started) * 1000,
    )


FacetName = Literal["country", "month"]


def _filter_masks(request: SearchRequest, table: DocTable) -> dict[str, BoolArray]:
    """One mask per kind of filter, so a facet can leave out its own filter."""
    size = table.size
    masks: dict[str, BoolArray] = {}
    if request.countries or request.exclude_countries:
        mask = np.ones(size, dtype=bool)
        if request.countries:
            mask &= table.countries.any_of(tuple(c.upper() for c in request.countries), size)
        if request.exclude_countries:
            excluded = tuple(c.upper() for c in request.exclude_countries)
            mask &= ~table.countries.any_of(excluded, size)
        masks["country"] = mask
    if request.people:
        masks["person"] = table.people.all_of(request.people, size)
    if request.orgs:
        masks["org"] = table.orgs.all_of(request.orgs, size)
    if request.date_from or request.date_to or not request.include_undated:
        masks["month"] = table.date_mask(
            request.date_from, request.date_to, request.include_undated
        )
    return masks


def _combined(base: BoolArray, masks: dict[str, BoolArray], leave_out: str = "") -> BoolArray:
    out = base.copy()
    for name, mask in masks.items():
        if name != leave_out:
            out &= mask
    return out


def _date_order(selected: BoolArray, table: DocTable, sort: Sort) -> list[int]:
    """Newest or oldest first, undated last; ties by id for a stable order."""
    docnums = np.flatnonzero(selected)
    if not len(docnums):
        return []
    keys = table.datekey[docnums]
    undated = keys == 0
    primary = -keys if sort is not Sort.OLDEST else keys
    order = np.lexsort((table.id_rank[docnums], primary, undated))
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
