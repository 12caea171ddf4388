"""Capitalised words that name no entity of ours: parts of events' names, titles of works.

The statistical recogniser tags the town or sponsor of an event (``Athens`` in ``Athens
Olympics``, ``Uefa`` in ``Uefa Cup``, ``Wales`` in ``the Wales Open``) and the titles of
albums, songs and films (``album Stakonia``, ``single Hey Ya``) as places, organisations
or people; a reader, and our annotation guideline, sees an event or a work there. Both
checks take offsets into the article's body.
"""

from __future__ import annotations

import re
from functools import cache

from search.entities import orgs
from search.entities.data import json_data
from search.entities.text import alternation


@cache
def _event_after() -> re.Pattern[str]:
    words = alternation(orgs.word_sets()["event_after"])
    return re.compile(rf" (?:\d{{1,2}} Nations|(?:{words}))(?![\w'’-])")


def in_event_name(body: str, end: int) -> bool:
    """The name goes on into an event's (``Athens Olympics``, ``RBS 6 Nations``, ``MTV
    Europe Awards``): the word after it is an event's head."""
    return _event_after().match(body, end) is not None


_TREATY_AFTER = re.compile(r" (?:protocol|treaty|accords?|conventions?|declaration)\b")


def names_a_treaty(body: str, end: int) -> bool:
    """A place before the lower-case word for a treaty (``the Kyoto protocol``, ``the
    Maastricht treaty``) names the treaty, not the place."""
    return _TREATY_AFTER.match(body, end) is not None


@cache
def _work_before() -> re.Pattern[str]:
    return re.compile(r"(?<![\w'’-])(?:" + alternation(orgs.word_sets()["work_nouns"]) + r") $")


def after_work_noun(body: str, start: int) -> bool:
    """A noun for a work right before the name (``their album Stakonia``, ``single Hey
    Ya``, ``an offering entitled Underexposure``): the name is the work's title."""
    return _work_before().search(body, max(0, start - 24), start) is not None


@cache
def _home_demonyms() -> frozenset[str]:
    return frozenset(json_data("place_words.json")["home_demonyms"])


def home_demonym(text: str) -> bool:
    """``Welsh``, ``Scottish`` alone: a people's word, no name (their nations have no ISO
    code, so the country rules do not take them)."""
    return " ".join(text.split()) in _home_demonyms()
