"""SearchRequest + Snapshot -> SearchResult: filters, sort, facets and the page of hits.

`search.query.parsing` turns the text into a Whoosh query; `search.query.executor`
matches and scores it over numpy arrays; filters, facet counts and date
sorting run over the per-document arrays of `DocTable`. Whoosh objects never
leave the engine: hits are copied into our dataclasses here.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from search.model import FacetName, Facets, Hit, SearchRequest, SearchResult, Snippet, Sort
from search.query import name_match
from search.query.executor import MAX_EXPANSION, MAX_QUERY_WORDS, top_documents
from search.query.parsing import ParsedQuery
from search.query.readers import executor_of, stems_of
from search.query.snippets import Marker, make_snippet
from search.store.doctable import BoolArray, DocTable
from search.store.snapshot import Snapshot
from search.store.story_state import StoryColumn

TOP_NAMES = 50
"""People and organisations shown in a facet."""


def run_search(
    request: SearchRequest,
    snapshot: Snapshot,
    parsed: ParsedQuery,
    facets_ignoring: tuple[FacetName, ...] = (),
    until: float | None = None,
) -> SearchResult:
    """The search over one snapshot: its words widened to their stems, matched, filtered,
    ranked, and its page of hits; then the facets. ``until``: the query's deadline for
    looking up the words of its patterns.

    With ``request.collapse`` each story counts once (the snapshot's story groups,
    `StoryColumn.collapse`, a mask operation like the filters), in the page, the total
    and the facets, ranked as the page is.

    The searcher and the executor are used under ``snapshot.reading()``; the facets,
    numpy over the snapshot's table, are counted after it is let go."""
    started = time.perf_counter()
    table, stories = snapshot.table, snapshot.stories
    with snapshot.reading():
        executor = executor_of(snapshot)
        parsed = replace(parsed, query=stems_of(snapshot).expand(parsed.query, until))
        matches = executor.evaluate(parsed.query, until, name_match.name_columns(table))
        masks = _filter_masks(request, table)
        selected = _combined(matches.mask, masks)
        relevance = request.sort is Sort.RELEVANCE and not parsed.is_every
        one_per_story = _collapser(request, table, stories, matches.scores if relevance else None)
        every_copy = int(np.count_nonzero(selected))
        selected = one_per_story(selected)
        total = int(np.count_nonzero(selected))

        offset = max(0, request.offset)
        limit = max(0, request.limit)
        scores: dict[int, float] = {}
        if relevance:
            page = top_documents(matches.scores, selected, offset + limit)[offset:]
            scores = dict(page)
            page_docs = [docnum for docnum, _ in page]
        else:
            page_docs = table.date_order(request.sort is Sort.OLDEST, selected, offset, limit)

        marker = Marker.from_query(parsed.query, executor.expand) if request.snippets else None
        hits = [
            _hit(docnum, table, scores.get(docnum, 0.0), marker, snapshot.body_of, stories)
            for docnum in page_docs
        ]
        truncated = executor.truncated

    def facet_base(name: FacetName) -> BoolArray:
        if name in facets_ignoring and name in masks:
            return one_per_story(_combined(matches.mask, masks, leave_out=name))
        return selected

    facets = Facets()
    if request.facets:
        facets = Facets(
            country=table.countries.counts(facet_base("country")),
            month=table.month_counts(facet_base("month")),
            person=table.people.counts(selected, TOP_NAMES),
            org=table.orgs.counts(selected, TOP_NAMES),
            place=table.places.counts(selected, TOP_NAMES),
        )
    notice = parsed.notice
    if truncated:
        cut = (
            "A wildcard or fuzzy word matched too many different words, or the query has "
            "too many of them, so the search was cut to some of the words (at most "
            f"{MAX_EXPANSION} per word, {MAX_QUERY_WORDS} in all, or what a second allows). "
            "Make it more specific."
        )
        notice = f"{notice} {cut}" if notice else cut
    return SearchResult(
        request=request,
        total=total,
        hits=hits,
        facets=facets,
        archive_total=int(np.count_nonzero(table.live)),
        notice=notice,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        hidden_copies=every_copy - total,
    )


def _collapser(
    request: SearchRequest,
    table: DocTable,
    stories: StoryColumn | None,
    scores: npt.NDArray[np.float32] | None,
) -> Callable[[BoolArray], BoolArray]:
    """What makes a mask one document per story for this request (the identity when not
    collapsing or nothing is grouped). Members are ranked as the page ranks them: by
    score (``scores``), else by the date order the page uses."""
    if stories is None or not request.collapse or not stories.members:
        return lambda mask: mask
    if scores is not None:
        rank: npt.NDArray[Any] = -scores
    else:
        rank = np.empty(table.size, dtype=np.int64)
        rank[table.full_order(request.sort is Sort.OLDEST)] = np.arange(table.size)
    return lambda mask: stories.collapse(mask, rank)


def selected_documents(
    request: SearchRequest,
    snapshot: Snapshot,
    parsed: ParsedQuery,
    until: float | None = None,
) -> BoolArray:
    """The documents of the snapshot a search selects (its query and filters), as a mask,
    each story once with ``request.collapse`` (its representative where selected, as
    the list counts it): what the analyst's views (co-occurrence, country pairs) count
    over."""
    table = snapshot.table
    with snapshot.reading():
        expanded = stems_of(snapshot).expand(parsed.query, until)
        names = name_match.name_columns(table)
        matches = executor_of(snapshot).evaluate(expanded, until, names)
    mask = _combined(matches.mask, _filter_masks(request, table))
    return snapshot.stories.collapse(mask) if request.collapse else mask


def marker(snapshot: Snapshot, parsed: ParsedQuery, until: float | None = None) -> Marker | None:
    """What marks the words a query matches in a text (None for a query of everything)."""
    if parsed.is_every:
        return None
    with snapshot.reading():
        expanded = stems_of(snapshot).expand(parsed.query, until)
        executor = executor_of(snapshot)
        executor.begin(until=until)  # the marks' patterns share one query's budget
        return Marker.from_query(expanded, executor.expand)


def snippets(
    snapshot: Snapshot, article_ids: Sequence[str], found: Marker | None
) -> dict[str, Snippet]:
    """Snippets of these articles of the snapshot (unknown ids left out)."""
    out: dict[str, Snippet] = {}
    by_id = snapshot.table.docnum_by_id
    with snapshot.reading():
        for article_id in article_ids:
            docnum = by_id.get(article_id)
            if docnum is not None:
                text, marks = make_snippet(snapshot.body_of(docnum), found)
                out[article_id] = Snippet(text, marks)
    return out


def _filter_masks(request: SearchRequest, table: DocTable) -> dict[str, BoolArray]:
    """One mask per kind of filter, so a facet can leave out its own filter."""
    size = table.size
    masks: dict[str, BoolArray] = {}
    if request.countries:
        countries = tuple(c.upper() for c in request.countries)
        masks["country"] = table.countries.any_of(countries, size)
    if request.exclude_countries:
        excluded = tuple(c.upper() for c in request.exclude_countries)
        masks["exclude"] = ~table.countries.any_of(excluded, size)
    if request.people:
        masks["person"] = table.people.all_of(request.people, size)
    if request.orgs:
        masks["org"] = table.orgs.all_of(request.orgs, size)
    if request.exclude_people:
        masks["exclude_person"] = ~table.people.any_of(request.exclude_people, size)
    if request.exclude_orgs:
        masks["exclude_org"] = ~table.orgs.any_of(request.exclude_orgs, size)
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


def hit_row(docnum: int, table: DocTable) -> Hit:
    """A hit from its row alone: no score, no snippet (lists that are not searches)."""
    return _hit(docnum, table, 0.0, None, lambda _d: "")


def _hit(
    docnum: int,
    table: DocTable,
    score: float,
    marker: Marker | None,
    body_of: Callable[[int], str],
    stories: StoryColumn | None = None,
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
        group_id=stories.group_id(docnum) if stories is not None else None,
        versions=stories.versions(docnum) if stories is not None else 1,
    )
