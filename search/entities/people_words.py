"""The words around people's names (titles, honorifics, speech verbs, ...), loaded once.

People, organisations, places and coreference all consult them; they live
here, apart from `people`, because `people` imports `orgs`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from search.entities.data import json_data


@dataclass(frozen=True, slots=True)
class Vocab:
    heads: frozenset[str]
    honorifics: frozenset[str]
    title_words: frozenset[str]
    portfolio: frozenset[str]
    speech: frozenset[str]
    suffixes: tuple[str, ...]
    cjk: frozenset[str]
    particles: frozenset[str]
    after_speech: frozenset[str]
    not_name: frozenset[str]


@cache
def vocab() -> Vocab:
    raw = json_data("people_words.json")
    return Vocab(
        heads=frozenset(raw["title_heads"]),
        honorifics=frozenset(raw["honorifics"]),
        title_words=frozenset(raw["title_words"]),
        portfolio=frozenset(raw["portfolio"]),
        speech=frozenset(raw["speech_verbs"]),
        suffixes=tuple(sorted(raw["surname_suffixes"], key=len, reverse=True)),
        cjk=frozenset(raw["cjk_surnames"]),
        particles=frozenset(raw["particles"]),
        after_speech=frozenset(raw["speech_verbs_before_name"]),
        not_name=frozenset(raw["not_name_words"]),
    )


@cache
def person_nouns() -> frozenset[str]:
    """Lower-case nouns for a person (``lawyer``, ``widow``): one in apposition beside a
    name makes it a person's."""
    return frozenset(json_data("people_words.json")["person_nouns"])


@cache
def close_person_nouns() -> frozenset[str]:
    """Nouns for a person that stand right before a name (``U2 frontman Bono``) and never
    before a company's: the name after one is a person's."""
    return frozenset(json_data("people_words.json")["close_person_nouns"])
