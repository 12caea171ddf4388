"""Titles of works (films, shows, albums, games) an article names: no entity of ours.

Entertainment news is full of titles that look like names (``The Incredibles``, ``Hide
and Seek``, ``Coronation Street``, ``Shrek 2``), and the statistical recogniser calls them
people, places or organisations. Our annotation guideline, like a reader, sees a work. A
title is known from what stands around one of its mentions:

- a noun for a work before it (``the thriller Hide and Seek``, ``soap Coronation Street``);
- a credit after it (``In Good Company - starring Dennis Quaid``, ``X, directed by``);
- an actor's part in it (``his role in Vera Drake``, ``starred in Ray``), where it is no
  country or place (``Britain's role in Iraq``);
- a plural for works before a list (``films such as Reservoir Dogs, The Full Monty and
  Sideways``);
- in a box-office report, takings after it (``The Aviator has taken $75m``).

Once known, every mention of the title in the article is one (``The Incredibles won 10
awards``); a name that runs on past it (``Ray Charles`` beside the film ``Ray``) is kept.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from search.entities import countries, orgs, places
from search.entities.data import words as data_words
from search.entities.text import alternation, tokenize

_FUNCTION = r"(?:of|the|and|a|an|or|&)"
_LINK = r"(?:(?:of|and|or|&)(?: the| a| an)?|(?:in|on|to|for|with|at|from|by) (?:the|a|an))"
"""Small words inside a title (``Lord of the Rings``, ``Christmas with the Kranks``); a
preposition only before an article, so ``the soap Harbour Lane on Monday`` ends at ``Lane``."""
_WORD = r"(?:[A-Z](?:[\w'’-]|\.(?=\w))*|\d+)"
_TITLE = rf"{_WORD}(?: {_LINK} {_WORD}| {_WORD}|: {_WORD})*"
"""Capitalised words (digits too), with small words between: ``Hide and Seek``."""
_TITLE_BACK = re.compile(rf"(?:{_WORD}(?: {_LINK})? )*{_WORD}$")
_LIST_ITEM = re.compile(rf"({_TITLE})(?:,? and |, |(?=[^\w]))")
_BOX_OFFICE = re.compile(r" (?:has taken|have taken|took|takes|grossed|earned|made) (?:\$|£|€)")
_THE = re.compile(r"^The ")
_VARIANT = re.compile(r"\.[A-Z]{1,2}$")
"""``Bagle.AT``: a virus's variant letters after its name."""


@cache
def _before() -> re.Pattern[str]:
    nouns = alternation(orgs.word_sets()["work_nouns"])
    return re.compile(rf"(?<![\w'’-])(?:{nouns}) (?:The )?({_TITLE})")


@cache
def _after() -> re.Pattern[str]:
    return re.compile(alternation(orgs.word_sets()["work_after"]))


@cache
def _parts() -> re.Pattern[str]:
    cues = alternation(orgs.word_sets()["work_parts"])
    return re.compile(rf"(?<![\w'’-])(?:{cues}) in (?:the )?({_TITLE})")


@cache
def _lists() -> re.Pattern[str]:
    plurals = alternation(orgs.word_sets()["work_plurals"])
    return re.compile(rf"(?<![\w'’-])(?:{plurals}),? (?:such as|including|like) ")


def _trimmed(title: str) -> str:
    """The title without small words at its ends (``Company -`` -> ``Company``)."""
    words = title.split(" ")
    while words and re.fullmatch(_FUNCTION, words[-1]):
        words.pop()
    while words and re.fullmatch(_FUNCTION, words[0]):
        words.pop(0)
    return " ".join(words)


def _backwards(body: str, end: int) -> str | None:
    """The title that ends at ``end``: capitalised words back to the first lower-case word
    or punctuation; a possessive (``Eastwood's``) is its owner, not the title's start."""
    window = body[max(0, end - 80) : end]
    m = _TITLE_BACK.search(window)
    if m is None:
        return None
    words = m.group().split(" ")
    owners = [i for i, w in enumerate(words) if w.endswith(("'s", "’s"))]
    if owners:
        words = words[owners[-1] + 1 :]
    while words and re.fullmatch(_FUNCTION, words[0]):
        words.pop(0)
    return " ".join(words) or None


def _found(body: str) -> set[str]:
    """The titles the article's cues name, without a leading ``The`` or a variant's
    letters (``Zafi.D``), known organisations left out."""
    titles: set[str] = set()
    for m in _before().finditer(body):
        if not _full_name(m.group(1)):
            titles.add(m.group(1))
    for m in _after().finditer(body):
        title = _backwards(body, m.start())
        if title and not _a_place(title):
            titles.add(title)
    for m in _parts().finditer(body):
        if not _full_name(m.group(1)) and not _a_place(m.group(1)):
            titles.add(m.group(1))
    for m in _lists().finditer(body):
        pos = m.end()
        while (item := _LIST_ITEM.match(body, pos)) is not None:
            titles.add(item.group(1))
            if item.end() == item.end(1):
                break
            pos = item.end()
    if "box office" in body.lower():
        for m in _BOX_OFFICE.finditer(body):
            title = _backwards(body, m.start())
            if title:
                titles.add(title)
    cores = {_VARIANT.sub("", _trimmed(_THE.sub("", t, count=1))) for t in titles}
    return {t for t in cores if t and not _named_body(t)}


def _full_name(title: str) -> bool:
    """``the film Tom Hanks made``: a given name and a surname after the noun are the
    person, whatever comes next."""
    words = title.split()
    return 2 <= len(words) <= 3 and words[0] in data_words("given_names.txt")


def _a_place(title: str) -> bool:
    """A country, a nationality or a place of the gazetteer (``his role in Iraq``)."""
    tokens = tokenize(title)
    if not tokens:
        return True
    last = len(tokens) - 1
    country = countries.lexicon().longest(title, tokens, 0)
    place = places.longest(title, tokens, 0)
    return (
        (country is not None and country[0] == last)
        or (place is not None and place[0] == last)
        or tokens[0].key in countries.demonym_keys()
    )


def _named_body(title: str) -> bool:
    """A known organisation after a cue (``TV show BBC``) is no title."""
    return title in orgs.word_sets()["single"] or bool(orgs.known().get(title))


@lru_cache(maxsize=4)
def title_spans(body: str) -> tuple[tuple[int, int], ...]:
    """Offsets of every mention of every title the article names, longest titles first
    where they overlap."""
    titles = _found(body)
    if not titles:
        return ()
    pattern = re.compile(rf"(?<![\w'’-])(?:{alternation(titles)})(?:\.[A-Z]{{1,2}}\b)?(?![\w-])")
    return tuple((m.start(), m.end()) for m in pattern.finditer(body))


def in_title(body: str, start: int, end: int) -> bool:
    """The mention lies inside a mention of a work's title."""
    return any(s <= start and end <= e for s, e in title_spans(body))
