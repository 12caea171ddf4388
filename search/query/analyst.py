"""The analyst's views over the document table: an entity's page, who appears with whom
in a search's articles, and country pairs month by month.

Everything here counts over the same name and country columns as the facets (after the
entity store and the user's corrections are laid over them), so a page, a graph and a
filter never disagree. The work is numpy over (document, value) pairs: no Whoosh, no
article bodies, except the few sentences an entity page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date

import numpy as np

from search.analysis import fold
from search.errors import UnknownEntity
from search.model import (
    Article,
    Cooccurrence,
    CountryPairs,
    EntityPage,
    EntitySummary,
    EntityType,
    Hit,
)
from search.store.doctable import BoolArray, DocTable, MultiValued

CO_MENTIONED = 12
"""People, organisations and countries listed on an entity page."""
NODES: dict[str, int] = {"PERSON": 12, "ORG": 10, "COUNTRY": 8}
"""How many of each type a co-occurrence graph shows."""
SENTENCE_CHARS = 240
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+|\n")
_NOT_AN_END = re.compile(
    r"(?:\b[A-Z]|Mr|Mrs|Ms|Dr|St|Gen|Col|Lt|Prof|Sen|Rep|Gov|Jr|Sr|No|Jan|Feb|Aug|Sept?|Oct|Nov|Dec)\.$"
)
"""A full stop after an initial or a common abbreviation ends no sentence."""


def column(table: DocTable, entity_type: str) -> MultiValued:
    found = table.column_of(entity_type)
    if found is None:
        raise UnknownEntity(f"There is no page for entities of type {entity_type!r}.")
    return found


def mask_of(table: DocTable, entity_type: str, name: str) -> BoolArray:
    """The live documents naming an entity; raises `UnknownEntity` if none does."""
    values = column(table, entity_type)
    key = name.upper() if entity_type == "COUNTRY" else name
    if fold(key) not in values.index:
        raise UnknownEntity(f"No {entity_type.lower()} named {name!r} in this archive.")
    mask: BoolArray = values.any_of((key,), table.size) & table.live
    return mask


def entity_page(
    table: DocTable,
    entity_type: EntityType,
    name: str,
    article_of: Callable[[str], Article],
    hit_of: Callable[[int], Hit],
    aliases: tuple[str, ...] = (),
    limit: int = 20,
) -> EntityPage:
    """An entity's page: counts, months, co-mentioned entities and its newest articles,
    each with the sentence of its first mention (``article_of`` reads those few)."""
    mask = mask_of(table, entity_type, name)
    values = column(table, entity_type)
    shown = values.vocab[values.index[fold(name.upper() if entity_type == "COUNTRY" else name)]]
    keys = table.datekey[mask]
    dated = keys[keys > 0]

    def others(kind: str) -> dict[str, int]:
        counts = column(table, kind).counts(mask, CO_MENTIONED + 1)
        if kind == entity_type:
            counts.pop(shown, None)
        return dict(list(counts.items())[:CO_MENTIONED])

    hits = []
    for docnum in table.date_order(False, mask, 0, limit):
        hit = hit_of(docnum)
        article = article_of(hit.id)
        sentence = _first_mention(article, entity_type, shown)
        if sentence is not None:
            text, marks = sentence
            hit = replace(hit, snippet=text, snippet_marks=marks)
        hits.append(hit)
    return EntityPage(
        type=entity_type,
        name=shown,
        aliases=tuple(a for a in aliases if fold(a) != fold(shown)),
        articles=int(np.count_nonzero(mask)),
        months=table.month_counts(mask),
        first_seen=_date(int(dated.min())) if len(dated) else None,
        last_seen=_date(int(dated.max())) if len(dated) else None,
        people=others("PERSON"),
        orgs=others("ORG"),
        countries=others("COUNTRY"),
        hits=hits,
    )


def _first_mention(
    article: Article, entity_type: str, name: str
) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """The sentence of the entity's first mention, the mention marked in it."""
    key = fold(name)
    for entity in article.entities:
        if entity.type == entity_type and fold(entity.norm) == key:
            body = article.body
            ends = [m for m in _SENTENCE_END.finditer(body) if _ends_sentence(body, m)]
            start = max((m.end() for m in ends if m.end() <= entity.start), default=0)
            end = min((m.start() for m in ends if m.start() >= entity.end), default=len(body))
            cut_start = cut_end = False
            if end - start > SENTENCE_CHARS:  # a long sentence: a window round the mention
                cut_start = entity.start - SENTENCE_CHARS // 2 > start
                start = max(start, entity.start - SENTENCE_CHARS // 2)
                cut_end = start + SENTENCE_CHARS < end
                end = min(end, start + SENTENCE_CHARS)
            lead = "…" if cut_start else ""
            text = lead + body[start:end] + ("…" if cut_end else "")
            offset = len(lead) - start
            return text, ((entity.start + offset, min(entity.end, end) + offset),)
    return None


def _ends_sentence(body: str, match: re.Match[str]) -> bool:
    if match.group().startswith("\n"):
        return True
    before = body[max(0, match.start() - 5) : match.start()].rstrip('"”’)')
    return not _NOT_AN_END.search(before)


def cooccurrence(table: DocTable, selected: BoolArray) -> Cooccurrence:
    """The most named people, organisations and countries of the selected articles, and
    for each pair the number of those articles naming both."""
    nodes: list[EntitySummary] = []
    incidence = np.zeros((table.size, sum(NODES.values())), dtype=np.float32)
    for kind, top in NODES.items():
        values = column(table, kind)
        for name, count in values.counts(selected, top).items():
            docs = np.flatnonzero(values.any_of((name,), table.size) & selected)
            incidence[docs, len(nodes)] = 1.0
            nodes.append(EntitySummary(kind, name, count))  # type: ignore[arg-type]
    chosen = incidence[np.flatnonzero(selected), : len(nodes)]
    shared = (chosen.T @ chosen).astype(np.int64)
    edges = [
        (a, b, int(shared[a, b]))
        for a in range(len(nodes))
        for b in range(a + 1, len(nodes))
        if shared[a, b] > 0
    ]
    edges.sort(key=lambda e: (-e[2], e[0], e[1]))
    return Cooccurrence(nodes, edges)


def country_pairs(
    table: DocTable, selected: BoolArray, top: int = 10, pinned: str | None = None
) -> CountryPairs:
    """Articles naming both countries of a pair, per month, for the ``top`` countries of
    the selection (with ``pinned``: that country and its ``top`` partners)."""
    countries = table.countries
    base = selected & (table.datekey > 0)
    if pinned:
        base = base & mask_of(table, "COUNTRY", pinned)
        pinned = pinned.upper()
    ranked = [c for c in countries.counts(base, top + 1) if c != pinned][:top]
    masks = {code: countries.any_of((code,), table.size) & base for code in ranked}
    wanted = (
        [(pinned, code) for code in ranked]
        if pinned
        else [(a, b) for i, a in enumerate(ranked) for b in ranked[i + 1 :]]
    )
    months = len(table.month_labels)
    pairs: dict[tuple[str, str], list[int]] = {}
    for a, b in wanted:
        both = masks[b] if a == pinned else masks[a] & masks[b]
        if not both.any():
            continue
        counts = np.bincount(table.month_id[both], minlength=months + 1)[1:]
        pairs[(a, b)] = [int(n) for n in counts]
    ordered = dict(sorted(pairs.items(), key=lambda kv: (-sum(kv[1]), kv[0])))
    return CountryPairs(list(table.month_labels), ordered)


def _date(key: int) -> date:
    return date(key // 10000, key // 100 % 100, key % 100)
