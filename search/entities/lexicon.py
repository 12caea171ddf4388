"""Phrase dictionaries matched against capitalised token runs, longest match first.

Countries, places, known organisations and titles are all "is this run of words a
known name?" questions; one matcher answers them with dictionary lookups only, so the
cost per article stays linear in the number of capitalised words.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from search.entities.text import Token, joinable, key

V = TypeVar("V")

CONNECTORS = frozenset(
    {
        "of",
        "the",
        "and",
        "de",
        "du",
        "des",
        "la",
        "le",
        "da",
        "do",
        "dos",
        "das",
        "del",
        "der",
        "van",
        "von",
        "for",
        "on",
        "in",
        "at",
        "&",
        "y",
        "e",
        "et",
        "al",
        "bin",
        "ibn",
    }
)
"""Lower-case words allowed inside a name (``Ministry of Industry and Trade``)."""


def phrase_key(tokens: list[Token], first: int, last: int) -> str:
    """Lookup key of tokens[first..last]; an inner possessive stays (``people's``)."""
    parts = []
    for t in tokens[first : last + 1]:
        parts.append(t.key + "'s" if t.possessive and t.index < last else t.key)
    return " ".join(parts)


@dataclass(slots=True)
class Entry(Generic[V]):
    value: V
    acronym: bool
    """Written in capitals (``US``, ``ASEAN``): only an upper-case token matches."""
    surface: str


@dataclass(slots=True)
class Lexicon(Generic[V]):
    """Phrase key -> value, with every word prefix of every key for early stopping."""

    entries: dict[str, Entry[V]] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)
    max_words: int = 1

    def add(self, surface: str, value: V, *, replace: bool = True) -> None:
        k = key(surface)
        if not k or (not replace and k in self.entries):
            return
        letters = [c for c in surface if c.isalpha()]
        acronym = len(letters) > 1 and all(c.isupper() for c in letters) and " " not in surface
        old = self.entries.get(k)
        if acronym and old is not None and not old.acronym:
            return  # "INTERPOL" after "Interpol": the case-free entry already matches it
        self.entries[k] = Entry(value, acronym, surface)
        words = k.split(" ")
        self.max_words = max(self.max_words, len(words))
        for n in range(1, len(words)):
            self.prefixes.add(" ".join(words[:n]))

    def add_all(self, pairs: Iterable[tuple[str, V]]) -> None:
        for surface, value in pairs:
            self.add(surface, value)

    def get(self, text: str) -> V | None:
        entry = self.entries.get(key(text))
        return entry.value if entry else None

    def longest(self, body: str, tokens: list[Token], i: int) -> tuple[int, Entry[V]] | None:
        """The longest entry matching a capitalised run starting at token ``i``.

        Returns (index of the last token, entry). Words inside may be lower-case
        connectors; the first word must be capitalised and the last too, or a number
        (``Channel 4``, ``Maroon 5``), and an acronym entry only matches its exact
        upper-case spelling.
        """
        first = tokens[i]
        if not first.cap:
            return None
        best: tuple[int, Entry[V]] | None = None
        k = first.key
        j = i
        while True:
            tok = tokens[j]
            entry = self.entries.get(k)
            last_ok = tok.cap or tok.text.isdigit()
            if entry is not None and last_ok and self._case_ok(entry, tokens, i, j):
                best = (j, entry)
            stem = k + "'s" if tok.possessive else k
            if stem not in self.prefixes or j + 1 >= len(tokens) or j - i + 1 >= self.max_words:
                return best
            nxt = tokens[j + 1]
            if not joinable(body, tok, nxt):
                return best
            if not nxt.cap and nxt.key not in CONNECTORS and not nxt.text.isdigit():
                return best
            k = stem + " " + nxt.key
            j += 1

    @staticmethod
    def _case_ok(entry: Entry[V], tokens: list[Token], i: int, j: int) -> bool:
        if entry.acronym:
            return i == j and tokens[i].text == entry.surface
        return True
