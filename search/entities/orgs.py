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
from bisect import bisect_right
from dataclasses import dataclass
from functools import cache

from search.entities import countries, people_words, spans
from search.entities.data import json_data, table
from search.entities.gazetteer import gazetteer
from search.entities.lexicon import CONNECTORS, Lexicon
from search.entities.spans import Candidate
from search.entities.text import Token, fold, joinable

_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9&-]{1,11})\)")
_ALIAS = re.compile(r"\(([A-Z][^\W\d_]{2,}(?:-[A-Z][^\W\d_]+)?)\)")
"""``(Bakamla)`` right after ``Indonesian Maritime Security Agency``: a name's alias."""
_DATELINE = re.compile(r"^[^\n(]{0,80}\(([A-Z][\w.&'’]*(?: [A-Z][\w.&'’]*){0,3})\)\s*[-–—]")
_NEWLINE = re.compile(r"\n")
_ROMAN = re.compile(r"^[IVXLC]+$")
_SHOUT_SHARE = 0.7
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
    """Organisations of ``data/orgs.tsv`` (diplomacy, the sample's beat) and
    ``data/orgs_world.tsv`` (parties, companies, media, clubs, bands) by surface form."""
    lex: Lexicon[KnownOrg] = Lexicon()
    for word in sorted(_words()["single"]):
        lex.add(word, KnownOrg(word, None))
    for name in ("orgs.tsv", "orgs_world.tsv"):
        for row in table(name):
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
        if (
            prev.key in ("and", "&")
            and first - 1 < head - 1
            and _and_inside(body, tokens, first - 1)
        ):
            first -= 1  # "Search and Rescue Agency", "Food and Drug Administration"
            continue
        if not prev.cap or not joinable(body, prev, tokens[first]):
            break
        if prev.text in stop and not _place_start(prev, tokens[first]):
            break  # "New rules Committee" stops; "New York Institute" goes on
        if prev.possessive and prev.text not in _words()["possessive_ok"]:
            break
        if prev.initial and prev.key in _COMMON_STARTERS:
            break
        first -= 1
    # "Kazakh Ministry of Foreign Affairs", "Thai Defence Ministry": before a body every
    # country has, the adjective stays a COUNTRY; "Indonesian Maritime Security Agency" is
    # one proper name.
    if first < head and _is_demonym(tokens[first]) and _generic_after(tokens, first + 1, head):
        first += 1
    while (
        first < head
        and _is_demonym(tokens[first])
        and tokens[first + 1].cap
        and (_is_demonym(tokens[first + 1]))
    ):
        first += 1
    return first


def _place_start(prev: Token, tok: Token) -> bool:
    """A stop word that starts a place's name with the next word (``New York``); not an
    article (``The Kazakh``)."""
    if prev.key in ("the", "a", "an"):
        return False
    name = f"{prev.text} {tok.text}"
    return bool(gazetteer().entries.get(fold(name).lower())) or (
        countries.lookup_country(name) is not None
    )


def _and_inside(body: str, tokens: list[Token], k: int) -> bool:
    """Whether the ``and`` at ``k`` joins two words of one name: plain capitalised words
    on both sides, none of them a head word, a country or a demonym."""
    if k == 0 or k + 1 >= len(tokens):
        return False
    left, right = tokens[k - 1], tokens[k + 1]
    if not (joinable(body, left, tokens[k]) and joinable(body, tokens[k], right)):
        return False
    heads, stop = _words()["heads"], _words()["left_stop"]
    lex = countries.lexicon().entries
    for tok in (left, right):
        if not tok.cap or tok.upper or tok.possessive or tok.text in heads or tok.text in stop:
            return False
        if tok.key in lex:
            return False
    return True


def _generic_after(tokens: list[Token], first: int, head: int) -> bool:
    """Whether tokens[first..head] name a generic body (``Defence Ministry``, ``Embassy``)."""
    words = _words()
    if tokens[head].text not in words["generic_heads"]:
        return False
    return all(t.text in words["generic_between"] for t in tokens[first:head])


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
            if (
                after.cap
                and joinable(body, nxt, after)
                and not (nxt.key == "and" and _starts_other_name(body, tokens, k + 2))
            ):
                if nxt.key == "and":
                    pending_comma = None
                k += 2
                last = k
            elif nxt.key == "the" and cur.key != "and":
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
        if tokens[j].possessive or (tokens[j].text in heads and j > i):
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
        out.append(
            Candidate(
                "ORG",
                start,
                end,
                text,
                spans.ORG_RULE,
                country=_country_of(body, tokens, first, last),
            )
        )
    return out


def _country_of(body: str, tokens: list[Token], first: int, last: int) -> str | None:
    """The country an organisation belongs to: a demonym before it or a country inside."""
    if (
        first > 0
        and _is_demonym(tokens[first - 1])
        and joinable(body, tokens[first - 1], tokens[first])
    ):
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
        match = lex.longest(body, tokens, i) if tokens[i].cap else None
        if match is None:
            i += 1
            continue
        j, entry = match
        out.append(
            Candidate(
                "ORG",
                tokens[i].start,
                tokens[j].end,
                entry.value.norm,
                spans.ORG_KNOWN,
                country=entry.value.country,
            )
        )
        i = j + 1
    return out


_MAX_SKIPPED = 2


def _content_words(words: list[str]) -> list[str]:
    out = []
    for raw in words:
        for part in re.split(r"[-–]", raw):
            w = fold(part).lower().strip(".,;:()")
            if w[:2] in ("d'", "l'") and len(w) > 2:
                w = w[2:]
            if w and w not in CONNECTORS and w.isalnum():
                out.append(w)
    return out


def _alignment_cost(acronym: str, words: list[str]) -> int | None:
    """How well ``EAEU`` reads off ``Eurasian Economic Union``: None if it does not; else
    2 per word that gives no letter (at most two) plus 1 per letter taken from inside a
    word (``KazISS``), so ``Vietnam News Agency (VNA)`` beats ``Vietnam and Vietnam News
    Agency`` and ``CICA`` still reads off ``Conference on Interaction and
    Confidence-Building Measures in Asia``."""
    letters = [c.lower() for c in fold(acronym) if c.isalpha()]
    content = _content_words(words)
    if not letters or not content or letters[0] != content[0][:1]:
        return None
    last = len(content) - 1
    memo: dict[tuple[int, int, int, int], int | None] = {}

    def walk(li: int, wi: int, ci: int, skipped: int) -> int | None:
        if li == len(letters):
            return 0 if wi == last or (wi == last - 1 and ci > 1) else None
        state = (li, wi, ci, skipped)
        if state in memo:
            return memo[state]
        letter = letters[li]
        best: int | None = None
        pos = content[wi].find(letter, ci)
        if pos >= 0:
            rest = walk(li + 1, wi, pos + 1, skipped)
            if rest is not None:
                best = rest + 1
        for skip in range(_MAX_SKIPPED - skipped + 1):
            nxt = wi + 1 + skip
            if nxt > last:
                break
            if content[nxt][:1] == letter:
                rest = walk(li + 1, nxt, 1, skipped + skip)
                if rest is not None and (best is None or rest + 2 * skip < best):
                    best = rest + 2 * skip
        memo[state] = best
        return best

    return walk(1, 0, 1, 0)


def _aligns(acronym: str, words: list[str]) -> bool:
    """Whether ``EAEU`` can be read off ``Eurasian Economic Union`` (``KazISS`` too)."""
    return _alignment_cost(acronym, words) is not None


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
            if (
                org.end <= m.start()
                and m.start() - org.end <= _LOOKBACK_CHARS
                and ("\n" not in body[org.end : m.start()])
            ):
                words = body[org.start : org.end].split()
                if _aligns(acronym, words) and (best is None or org.end > best.end):
                    best = org
        if best is not None:
            by_acronym.setdefault(acronym, best)
    taken = {(c.start, c.end) for c in found if c.type != "ORG"}
    for m in _ALIAS.finditer(body):
        alias = m.group(1)
        if (m.start(1), m.end(1)) in taken or alias in by_acronym:
            continue
        for org in orgs:
            if org.end <= m.start() and not body[org.end : m.start()].strip():
                by_acronym[alias] = org
                break
    for org in orgs:
        initials = _initials(body[org.start : org.end])
        if len(initials) >= 2:
            by_acronym.setdefault(initials, org)
    out = []
    for tok in tokens:
        named = by_acronym.get(tok.text)
        if named is None:
            continue
        if tok.end <= named.start or tok.start >= named.end:
            out.append(
                Candidate(
                    "ORG", tok.start, tok.end, named.norm, spans.ORG_KNOWN, country=named.country
                )
            )
    return out


def _index_by_start(tokens: list[Token]) -> dict[int, int]:
    return {t.start: t.index for t in tokens}


def _defined(body: str, tokens: list[Token]) -> tuple[list[Candidate], set[str]]:
    """``Japan International Cooperation Agency (JICA)``: a capitalised name followed by an
    acronym of its initials is an organisation, head word or not. Returns the candidates
    and the acronyms defined for things that are no organisation (``GDP``, ``UNCLOS``)."""
    words = _words()
    stop, tails, blocks = words["left_stop"], words["not_org_tails"], words["block_heads"]
    given = _given()
    out: list[Candidate] = []
    not_orgs: set[str] = set()
    at: dict[int, int] | None = None
    for m in _ACRONYM.finditer(body):
        acronym = m.group(1)
        if sum(c.isupper() for c in acronym) < 2:
            continue
        at = at if at is not None else _index_by_start(tokens)
        a = at.get(m.start(1))
        if a is None or a == 0:
            continue
        last = tokens[a - 1]
        if body[last.full_end : m.start()] not in ("", " ") or not last.cap or last.possessive:
            continue
        if last.text in tails or (last.text in blocks and last.text != "Conference"):
            not_orgs.add(acronym)
            continue
        first = a - 1
        while first > 0 and a - 1 - first < 12:
            prev = tokens[first - 1]
            if not joinable(body, prev, tokens[first]) or prev.possessive:
                break
            if prev.cap and prev.text in stop:
                break
            if not prev.cap and prev.key not in CONNECTORS:
                break
            first -= 1
        best: tuple[int, int] | None = None
        for i in range(first, a):
            tok = tokens[i]
            if not tok.cap or tok.text in stop or tok.text in given:
                continue
            if _is_demonym(tok) and i + 1 < a and _generic_after(tokens, i + 1, a - 1):
                continue
            span = body[tok.start : last.end].split()
            if len(_content_words(span)) < 2:
                continue
            cost = _alignment_cost(acronym, span)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, i)
        if best is not None:
            i = best[1]
            text = " ".join(body[tokens[i].start : last.end].split())
            out.append(
                Candidate(
                    "ORG",
                    tokens[i].start,
                    last.end,
                    text,
                    spans.ORG_RULE,
                    country=_country_of(body, tokens, i, a - 1),
                )
            )
    return out, not_orgs


@cache
def _given() -> frozenset[str]:
    from search.entities.data import words  # noqa: PLC0415 - avoids a wide import

    return words("given_names.txt")


def _front(body: str, tokens: list[Token]) -> list[Candidate]:
    """``Agence Française de Développement``, ``Banco Central do Brasil``: names that put
    their head word first, as French, Spanish and Portuguese ones do."""
    words = _words()
    heads, connectors = words["front_heads"], words["front_connectors"]
    titles = people_words.vocab().heads
    out: list[Candidate] = []
    for h, tok in enumerate(tokens):
        if tok.text not in heads:
            continue
        j = last = h
        while j + 1 < len(tokens) and j - h < 10:
            nxt = tokens[j + 1]
            if not joinable(body, tokens[j], nxt) or tokens[j].possessive:
                break
            if nxt.cap and nxt.text not in titles:
                j += 1
                last = j
            elif not nxt.cap and nxt.key in connectors:
                j += 1
            else:
                break
        if last == h:
            continue
        start, end = tok.start, tokens[last].end
        out.append(
            Candidate(
                "ORG",
                start,
                end,
                " ".join(body[start:end].split()),
                spans.ORG_RULE,
                country=_country_of(body, tokens, h, last),
            )
        )
    return out


def _party(body: str, tokens: list[Token]) -> list[Candidate]:
    """``the opposition Akbayan party``: 1-3 capitalised words before a lower-case cue."""
    words = _words()
    cues, adjectives = words["cue_after"], words["party_adjectives"]
    common = _common()
    out: list[Candidate] = []
    for c, cue in enumerate(tokens):
        if cue.cap or cue.key not in cues or c == 0:
            continue
        last = c - 1
        if body[tokens[last].full_end : cue.start] != " ":
            continue
        first = last
        while first >= 0 and last - first < 3:
            tok = tokens[first]
            if not tok.cap or tok.upper or tok.initial or tok.text in adjectives:
                break
            if tok.key in common or tok.key.endswith(("ist", "ic", "ive", "ian", "ese", "ish")):
                break
            if first < last and not joinable(body, tok, tokens[first + 1]):
                break
            first -= 1
        first += 1
        if first > last or (first > 0 and tokens[first - 1].cap):
            continue
        if all(
            _is_demonym(t) or t.key in countries.lexicon().entries for t in tokens[first : last + 1]
        ):
            continue
        start, end = tokens[first].start, tokens[last].end
        out.append(Candidate("ORG", start, end, " ".join(body[start:end].split()), spans.ORG_CUE))
    return out


@cache
def _common() -> frozenset[str]:
    from search.entities.data import words  # noqa: PLC0415

    return words("common_words.txt")


def _dateline(body: str) -> list[Candidate]:
    """``ABIDJAN, Nov 12 (Reuters) -``: the agency in a dateline's parentheses."""
    m = _DATELINE.match(body)
    if m is None:
        return []
    return [Candidate("ORG", m.start(1), m.end(1), m.group(1), spans.ORG_RULE)]


def _line_starts(body: str) -> list[int]:
    return [0, *(m.end() for m in _NEWLINE.finditer(body))]


def _shouted_lines(body: str, tokens: list[Token]) -> set[int]:
    """Start offsets of lines written mostly in capitals (headlines)."""
    starts = _line_starts(body)
    lines: dict[int, list[bool]] = {}
    for tok in tokens:
        if tok.text.isalpha():
            line = starts[bisect_right(starts, tok.start) - 1]
            lines.setdefault(line, []).append(tok.upper)
    return {
        line
        for line, flags in lines.items()
        if len(flags) >= 3 and sum(flags) / len(flags) >= _SHOUT_SHARE
    }


def _repeated_acronyms(body: str, tokens: list[Token], not_orgs: set[str]) -> list[Candidate]:
    """An abbreviation in capitals used twice or more is an organisation (``AFD``, ``NLD``)
    unless it is a country, a common abbreviation (``GDP``) or defined as no body."""
    titles = people_words.vocab()
    stop = _words()["not_org_acronyms"] | _words()["products"] | titles.heads | titles.title_words
    counts: dict[str, int] = {}
    for tok in tokens:
        if tok.upper and 2 <= len(tok.text) <= 6 and tok.text.isalpha():
            counts[tok.text] = counts.get(tok.text, 0) + 1
    wanted = {
        text
        for text, n in counts.items()
        if n >= 2
        and text not in stop
        and text not in not_orgs
        and not _ROMAN.match(text)
        and text.lower() not in countries.lexicon().entries
        and text.lower() not in gazetteer().entries
    }
    if not wanted:
        return []
    shouted = _shouted_lines(body, tokens)
    starts = _line_starts(body)
    out = []
    for tok in tokens:
        if tok.text in wanted and starts[bisect_right(starts, tok.start) - 1] not in shouted:
            out.append(Candidate("ORG", tok.start, tok.end, tok.text, spans.ORG_ACRONYM))
    return out


def _not_ending_known(found: list[Candidate], known_found: list[Candidate]) -> list[Candidate]:
    """``found`` without the treaty and event names that end where a known organisation
    does: its last word only looked like an event's head (``Coldplay and Green Day`` is
    no event named for a day)."""
    ends = {c.end: c.start for c in known_found}
    return [c for c in found if not (c.type == "BLOCK" and c.start <= ends.get(c.end, -1))]


def find(body: str, tokens: list[Token]) -> list[Candidate]:
    """ORG and BLOCK candidates (acronym pairing runs later, on the resolved ORGs)."""
    defined, not_orgs = _defined(body, tokens)
    known_found = _known(body, tokens)
    return (
        known_found
        + _not_ending_known(_grammar(body, tokens), known_found)
        + defined
        + _front(body, tokens)
        + _party(body, tokens)
        + _dateline(body)
        + _repeated_acronyms(body, tokens, not_orgs)
    )
