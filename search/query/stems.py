"""Query-time stemming: a plain word matches the indexed words that share its stem.

The index keeps words as written (folded), so phrases, wildcards and fuzzy
terms see real words; plain words are widened here to every indexed variant
with the same Porter2 stem (``cooperate`` -> cooperate, cooperation,
cooperative, ...). Variants are looked up by prefix in each segment's sorted
words (its term arrays: `termarrays.expand_prefix`), a numpy search per segment;
the words of a prefix and their stems are kept, so a query of hundreds of words
sharing a few prefixes reads each prefix once, and a time budget bounds the rest.
"""

from __future__ import annotations

import time
from typing import Any

from search.store import termarrays
from search.store.analyzers import stem
from search.store.whoosh_api import query

STEMMED_FIELDS = frozenset({"title", "body"})
MIN_STEM = 3
"""Shorter stems (``us``, ``un``) would widen to unrelated words: keep them exact."""
STEM_SECONDS = 0.3
"""Time one query's plain words may spend finding their variants; words not looked
up by then are searched as written."""
MAX_PREFIX_WORDS = 500_000
"""Words (with their stems) kept from prefix walks; more and the store starts over."""


class StemExpander:
    """Expands plain terms for one index reader; cached per word and per prefix."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._prefixes: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}
        self._prefix_words = 0

    def variants(self, fieldname: str, word: str, deadline: float | None = None) -> tuple[str, ...]:
        """The indexed words sharing ``word``'s stem; past ``deadline`` a word not
        looked up yet is kept as written (and not remembered)."""
        key = (fieldname, word)
        found = self._cache.get(key)
        if found is None:
            if deadline is not None and time.perf_counter() > deadline:
                return (word,)
            found = self._lookup(fieldname, word)
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _lookup(self, fieldname: str, word: str) -> tuple[str, ...]:
        root = stem(word)
        if len(root) < MIN_STEM or not word.isalpha():
            return (word,)
        # Stems may end in a letter the words do not have (country -> countri).
        prefix = root[:-1] if len(root) > MIN_STEM else root
        words = {word}
        words.update(
            text for text, text_root in self._stemmed(fieldname, prefix) if text_root == root
        )
        return tuple(sorted(words))

    def _stemmed(self, fieldname: str, prefix: str) -> tuple[tuple[str, str], ...]:
        """(word, stem) of every indexed word starting with ``prefix``."""
        key = (fieldname, prefix)
        found = self._prefixes.get(key)
        if found is None:
            words = termarrays.expand_prefix(self._reader, fieldname, prefix)
            texts = (raw.decode("utf-8") for raw in words)
            found = tuple((text, stem(text)) for text in texts)
            if self._prefix_words + len(found) > MAX_PREFIX_WORDS:
                self._prefixes.clear()
                self._prefix_words = 0
            self._prefixes[key] = found
            self._prefix_words += len(found)
        return found

    def expand(self, q: Any, until: float | None = None) -> Any:
        """The query with each plain title/body term replaced by its variants
        (``until``: the query's own deadline, if earlier than the stems' budget)."""
        deadline = time.perf_counter() + STEM_SECONDS
        return self._expand(q, deadline if until is None else min(deadline, until))

    def _expand(self, q: Any, deadline: float) -> Any:
        if type(q) is query.Term and q.fieldname in STEMMED_FIELDS:
            words = self.variants(q.fieldname, q.text, deadline)
            if len(words) == 1:
                return q
            return query.Or([query.Term(q.fieldname, w, boost=q.boost) for w in words])
        return q.apply(lambda child: self._expand(child, deadline))
