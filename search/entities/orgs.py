"""ORG mentions: known bodies, keyword-headed names and the acronyms paired with them.

Three sources, all generic: ``data/orgs.tsv`` (UN, ASEAN, VNA ...), a grammar for
capitalised phrases headed by an organisation word (``Kenya Defence Forces``,
``Ministry of Industry and Trade``), and acronyms defined in the text
(``Eurasian Economic Union (EAEU)``) or matching the initials of an organisation named
in the same article (``KDF`` after ``Kenya Defence Forces``). Treaty and event names
(``... Convention on the Law of the Sea``) are BLOCK spans so nothing inside them counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from search.entities import countries, spans
from search.entities.data import json_data, table
from search.entities.lexicon import CONNECTORS, Lexicon
from search.entities.spans import Candidate
from search.entities.text import Token, fold, joinable

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&-]{1,11})\)")
_COMPLEMENT_START = frozenset({"of", "for", "on"})
_LOOKBACK_CHARS = 160


@dataclass(frozen=True, slots=True)
class KnownOrg:
    norm: str
    country: str | None


@cache
def _words() -> dict[str, frozenset[str]]:
    raw = json_data("org_words.json")
    return {name: frozenset(raw[name]) for name in raw if not name.startswith("_")}


@cache
def word_sets() -> dict[str, frozenset[str]]:
    """Org head words and treaty/event head words, for other recognisers to avoid."""
    return _words()


@cache
def known() -> Lexicon[KnownOrg]:
    """Organisations of ``data/orgs.tsv`` by surface form."""
    lex: Lexicon[KnownOrg] = Lexicon()
    for row in table("orgs.tsv"):
        surface, norm = row[0], row[1]
        country = row[2] if len(row) > 2 and row[2] else None
        lex.add(surface, KnownOrg(norm, country))
    return lex


def _is_demonym(tok: Token) -> bool:
    return tok.key in countries.demonym_keys()


def _left_edge(body: str, tokens: list[Token], head: int) -> int:
    """First token of the name ending at ``head``: capitalised words, no demonym first."""
    stop = _words()["left_stop"]
    first = head
    while first > 0:
        prev = tokens[first - 1]
        if not prev.cap or prev.text in stop or not joinable(body, prev, tokens[first]):
            break
        if prev.possessive and prev.text not in _words()["possessive_ok"]:
            break
        if prev.initial and prev.key in _COMMON_STARTERS:
            break
        first -= 1
    # "Kazakh Ministry of Foreign Affairs": the adjective stays a COUNTRY mention.
    while first < head and _is_demonym(tokens[first]):
        first += 1
    return first


_COMMON_STARTERS = frozenset({"notably", "meanwhile", "however", "earlier", "later", "today"})


def _right_edge(body: str, tokens: list[Token], head: int) -> int:
    """Last token of ``Ministry of Industry and Trade``-style complements (or ``head``)."""
    if head + 2 >= len(tokens) or tokens[head].possessive:
        return head
    nxt = tokens[head + 1]
    if nxt.key not in _COMPLEMENT_START or not joinable(body, tokens[head], nxt):
        return head
    j = head + 2
    if tokens[j].key == "the" and j + 1 < len(tokens):
        j += 1
    if not tokens[j].cap or not joinable(body, tokens[j - 1], tokens[j]):
        return head
    last = j
    k = j
    pending_comma = None
    while k + 1 < len(tokens):
        cur, nxt = tokens[k], tokens[k + 1]
        between = body[cur.full_end : nxt.start]
        if (
            between == ", "
            and nxt.key == "and"
            and pending_comma is not None
            and k + 2 < len(tokens)
            and tokens[k + 2].cap
        ):
            pending_comma = None
            k += 2
            last = k
            continue
        if between == ", " and nxt.cap and not cur.possessive:
            pending_comma = pending_comma if pending_comma is not None else last
            k += 1
            last = k
            continue
        if not joinable(body, cur, nxt) or cur.possessive:
            break
        if nxt.cap:
            k += 1
            last = k
        elif nxt.key in ("and", "of", "the", "&") and k + 2 < len(tokens):
            after = tokens[k + 2]
            if after.cap and joinable(body, nxt, after) and not (
                nxt.key == "and" and _starts_other_name(body, tokens, k + 2)
            ):
                if nxt.key == "and":
                    pending_comma = None
                k += 2
                last = k
            elif nxt.key == "the" or (nxt.key == "and" and after.key == "the"):
                k += 1
            else:
                break
        else:
            break
    if pending_comma is not None:
        return pending_comma
    return last


def _starts_other_name(body: str, tokens: list[Token], i: int) -> bool:
    """Whether the words from ``i`` on are a name of their own (``... and Vietnam People's
    Army``), so an ``and`` before them ends the complement instead of joining it."""
    heads = _words()["heads"]
    j = i
    while j < len(tokens) and tokens[j].cap:
        if tokens[j].possessive or tokens[j].text in heads:
            return True
        if j + 1 >= len(tokens) or not joinable(body, tokens[j], tokens[j + 1]):
            break
        j += 1
    return False


def _grammar(body: str, tokens: list[Token]) -> list[Candidate]:
    """Keyword-headed names; treaty and event names come back as BLOCK candidates."""
    heads, blocks, of_heads = _words()["heads"], _words()["block_heads"], _words()["of_heads"]
    out: list[Candidate] = []
    for h, tok in enumerate(tokens):
        if not tok.cap or tok.upper:
            continue
        is_org = tok.text in heads
        if not is_org and tok.text not in blocks:
            continue
        first = _left_edge(body, tokens, h)
        last = _right_edge(body, tokens, h) if (tok.text in of_heads or not is_org) else h
        content = [t for t in tokens[first : last + 1] if t.key not in CONNECTORS]
        if len(content) < 2:
            continue
        start, end = tokens[first].start, tokens[last].end
        if not is_org:
            out.append(Candidate("BLOCK", start, end, "", spans.BLOCK))
            continue
        text = " ".join(body[start:end].split()).replace("’", "'")
        out.append(Candidate("ORG", start, end, text, spans.ORG_RULE,
                             country=_country_of(body, tokens, first, last)))
    return out


def _country_of(body: str, tokens: list[Token], first: int, last: int) -> str | None:
    """The country an organisation belongs to: a demonym before it or a country inside."""
    if first > 0 and _is_demonym(tokens[first - 1]) and joinable(body, tokens[first - 1],
                                                                 tokens[first]):
        return countries.lexicon().entries[tokens[first - 1].key].value or None
    lex = countries.lexicon()
    for i in range(first, last + 1):
        match = lex.longest(body, tokens, i)
        if match is not None and match[0] <= last and match[1].value:
            return match[1].value
    return None


def _known(body: str, tokens: list[Token]) -> list[Candidate]:
    lex = known()
    out = []
    i = 0
    while i < len(tokens):
        match = lex.longest(body, tokens, i)
        if match is None:
            i += 1
            continue
        j, entry = match
        out.append(Candidate("ORG", tokens[i].start, tokens[j].end, entry.value.norm,
                             spans.ORG_KNOWN, country=entry.value.country))
        i = j + 1
    return out


def _aligns(acronym: str, words: list[str]) -> bool:
    """Whether ``EAEU`` can be read off ``Eurasian Economic Union`` (``KazISS`` too)."""
    letters = [c.lower() for c in fold(acronym) if c.isalpha()]
    content = [fold(w).lower() for w in words if w.lower() not in CONNECTORS]
    if not letters or not content or letters[0] != content[0][:1]:
        return False

    def walk(li: int, wi: int, ci: int) -> bool:
        if li == len(letters):
            return wi == len(content) - 1 or (wi >= len(content) - 2 and ci > 0)
        if wi < len(content):
            pos = content[wi].find(letters[li], ci)
            if pos >= 0 and walk(li + 1, wi, pos + 1):
                return True
        return wi + 1 < len(content) and content[wi + 1][:1] == letters[li] and walk(
            li + 1, wi + 1, 1
        )

    return walk(1, 0, 1)


def _initials(text: str) -> str:
    parts = [w for w in re.split(r"[\s-]+", text) if w and w.lower() not in CONNECTORS]
    return "".join(w[0] for w in parts if w[0].isupper())


def pair_acronyms(body: str, tokens: list[Token], found: list[Candidate]) -> list[Candidate]:
    """ORG candidates for acronyms tied to an organisation of the same article.

    ``Name (ACR)`` pairs when the letters align; a bare capitalised token equal to the
    initials of a named organisation (``KDF``, ``CPV``) joins it too. Every mention of
    the acronym then gets the organisation's norm.
    """
    orgs = [c for c in found if c.type == "ORG"]
    by_acronym: dict[str, Candidate] = {}
    for m in _ACRONYM.finditer(body):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        best = None
        for org in orgs:
            if org.end <= m.start() and m.start() - org.end <= _LOOKBACK_CHARS and (
                "\n" not in body[org.end : m.start()]
            ):
                words = body[org.start : org.end].split()
                if _aligns(acronym, words) and (best is None or org.end > best.end):
                    best = org
        if best is not None:
            by_acronym.setdefault(acronym, best)
    for org in orgs:
        initials = _initials(body[org.start : org.end])
        if len(initials) >= 2:
            by_acronym.setdefault(initials, org)
    out = []
    for tok in tokens:
        named = by_acronym.get(tok.text)
        if named is None or sum(c.isupper() for c in tok.text) < 2:
            continue
        if tok.end <= named.start or tok.start >= named.end:
            out.append(Candidate("ORG", tok.start, tok.end, named.norm, spans.ORG_KNOWN,
                                 country=named.country))
    return out


def find(body: str, tokens: list[Token]) -> list[Candidate]:
    """ORG and BLOCK candidates (acronym pairing runs later, on the resolved ORGs)."""
    return _known(body, tokens) + _grammar(body, tokens)
