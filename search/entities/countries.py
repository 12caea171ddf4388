"""COUNTRY mentions: names, aliases and demonyms mapped to ISO 3166-1 alpha-2 codes.

Names and codes come from pycountry (every country, no hand-typed list); what people
write beyond those (``Vietnam``, ``Russia``, ``the US``, ``Kazakh``, ``Kenyan``) comes from
``data/country_aliases.tsv`` and ``data/demonyms.tsv``. Cities and regions are PLACES and
are not looked up here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pycountry

from search.entities import spans
from search.entities.data import json_data, table
from search.entities.lexicon import Lexicon
from search.entities.spans import Candidate
from search.entities.text import Token, key

BLOCKED = ""
"""Lexicon value of a phrase that contains a country word but names no country."""

_SHOUT_SHARE = 0.7


def _pycountry_names() -> dict[str, set[str]]:
    """Every name pycountry gives, by lookup key; inverted ``Korea, Republic of`` forms too."""
    names: dict[str, set[str]] = {}
    for c in pycountry.countries:
        forms = {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}
        for form in forms:
            if not form:
                continue
            base = re.split(r"[,(]", form, maxsplit=1)[0].strip()
            for variant in (base, re.sub(r"^the\s+", "", base, flags=re.I)):
                if variant:
                    names.setdefault(variant, set()).add(c.alpha_2)
    return names


def _plurals(word: str) -> list[str]:
    """``Kenyan`` -> ``Kenyans``, ``Israeli`` -> ``Israelis``; ``Chinese`` has none."""
    if word.endswith(("an", "i")) and " " not in word:
        return [word + "s"]
    return []


@cache
def lexicon() -> Lexicon[str]:
    """Country phrase -> alpha-2 (``BLOCKED`` for phrases that name no country)."""
    lex: Lexicon[str] = Lexicon()
    for name, codes in _pycountry_names().items():
        if len(codes) == 1:  # "Korea" and "Congo" are ambiguous: the alias file decides
            lex.add(name, next(iter(codes)))
    for alias, code in table("country_aliases.tsv"):
        if "." not in alias:
            lex.add(alias, code)
    for word, code in table("demonyms.tsv"):
        lex.add(word, code)
        for plural in _plurals(word):
            lex.add(plural, code, replace=False)
    for phrase in json_data("country_guard.json")["not_names"]:
        lex.add(phrase, BLOCKED)
    return lex


@cache
def person_like() -> frozenset[str]:
    """Country names that are also given names (``Chad``, ``Jordan``)."""
    return frozenset(json_data("country_guard.json")["person_like"])


@cache
def demonym_keys() -> frozenset[str]:
    """Lookup keys of the adjectives and nationality nouns (``kazakh``, ``kenyans``)."""
    out = set()
    for word, _ in table("demonyms.tsv"):
        out.add(key(word))
        out.update(key(p) for p in _plurals(word))
    return frozenset(out)


@cache
def _dotted() -> tuple[re.Pattern[str], dict[str, str]]:
    """Aliases written with full stops (``U.S.``), matched as written; what may not come
    before one is `_dotted_matches`' to check."""
    forms = {alias: code for alias, code in table("country_aliases.tsv") if "." in alias}
    alternatives = "|".join(re.escape(a) for a in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?:{alternatives})(?!\w)"), forms


_BEFORE_DOTTED = re.compile(r"[\w.]")
"""A character no dotted alias may follow (``AU.S.``, ``.U.S.``)."""


def _dotted_matches(body: str) -> Iterator[re.Match[str]]:
    """The matches of ``(?<![\\w.])`` + `_dotted`'s pattern, found as fast as its
    literal prefix lets ``re`` search (the lookbehind first had it try every position,
    30 times slower)."""
    pattern = _dotted()[0]
    pos = 0
    while (m := pattern.search(body, pos)) is not None:
        start = m.start()
        if start and _BEFORE_DOTTED.match(body, start - 1):
            pos = start + 1  # where the lookbehind failed, the search went on one further
        else:
            yield m
            pos = max(m.end(), start + 1)


@cache
def _display() -> dict[str, str]:
    return {code: name for code, name in table("country_display.tsv")}


def country_name(code: str) -> str:
    """Short display name of an alpha-2 code (``KZ`` -> ``Kazakhstan``); unknown codes as given."""
    code = code.strip().upper()
    if code in _display():
        return _display()[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return str(re.split(r"[,(]", name, maxsplit=1)[0].strip())


def lookup_country(text: str) -> str | None:
    """Alpha-2 code of a country name, alias, demonym or ISO code; None if not a country.

    Case and accents do not matter here (``kazakh``, ``Việt Nam``, ``kz``); the extractor
    is stricter about case in running text.
    """
    text = text.strip()
    if not text:
        return None
    letters = text.replace(".", "")
    if letters.isalpha() and len(letters) in (2, 3) and letters.isascii():
        upper = letters.upper()
        if len(upper) == 2:
            found = pycountry.countries.get(alpha_2=upper)
        else:
            found = pycountry.countries.get(alpha_3=upper)
        if found is not None:
            return str(found.alpha_2)
    for candidate in (text, re.sub(r"^the\s+", "", text, flags=re.I)):
        code = lexicon().get(candidate)
        if code:
            return code
    dotted = {key(a): c for a, c in _dotted()[1].items()}
    return dotted.get(key(text))


def _shouting(body: str, tokens: list[Token], tok: Token) -> bool:
    """Whether ``tok`` sits in an all-capitals line (a headline), where ``US`` may be ``us``."""
    line_start = body.rfind("\n", 0, tok.start) + 1
    line_end = body.find("\n", tok.end)
    line_end = len(body) if line_end < 0 else line_end
    words = [t for t in tokens if line_start <= t.start < line_end and t.text.isalpha()]
    if len(words) < 3:
        return False
    return sum(t.upper for t in words) / len(words) >= _SHOUT_SHARE


def _acronym_ok(body: str, tokens: list[Token], tok: Token) -> bool:
    """``US`` names the country unless it is money (``US$``) or a shouted pronoun."""
    if tok.text != "US":
        return True
    if body[tok.end : tok.end + 1] == "$":
        return False
    return not _shouting(body, tokens, tok)


def find(body: str, tokens: list[Token]) -> list[Candidate]:
    """COUNTRY candidates (and BLOCK spans for phrases like ``Soviet Union``)."""
    lex = lexicon()
    out: list[Candidate] = []
    i = 0
    while i < len(tokens):
        match = lex.longest(body, tokens, i) if tokens[i].cap else None
        if match is None:
            i += 1
            continue
        j, entry = match
        start, end = tokens[i].start, tokens[j].end
        if entry.value == BLOCKED:
            out.append(Candidate("BLOCK", start, end, "", spans.BLOCK_LISTED))
        elif i != j or _acronym_ok(body, tokens, tokens[i]):
            out.append(Candidate("COUNTRY", start, end, entry.value, spans.COUNTRY))
        i = j + 1
    forms = _dotted()[1]
    for m in _dotted_matches(body):
        out.append(Candidate("COUNTRY", m.start(), m.end(), forms[m.group()], spans.COUNTRY))
    return out
