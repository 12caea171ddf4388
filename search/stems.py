"""Query-time stemming: a plain word matches the indexed words that share its stem.

The index keeps words as written (folded), so phrases, wildcards and fuzzy
terms see real words; plain words are widened here to every indexed variant
with the same Porter2 stem (``cooperate`` -> cooperate, cooperation,
cooperative, ...). Variants are looked up by prefix in the term dictionary,
which is sorted, so this costs a few dozen term reads per query word.
"""

from __future__ import annotations

from typing import Any

from whoosh import query

from search.analysis import stem

STEMMED_FIELDS = frozenset({"title", "body"})
MIN_STEM = 3
"""Shorter stems (``us``, ``un``) would widen to unrelated words: keep them exact."""


class StemExpander:
    """Expands plain terms for one index reader; cached per word."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def variants(self, fieldname: str, word: str) -> tuple[str, ...]:
        key = (fieldname, word)
        found = self._cache.get(key)
        if found is None:
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
        for raw in self._reader.expand_prefix(fieldname, prefix):
            text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            if stem(text) == root:
                words.add(text)
        return tuple(sorted(words))

    def expand(self, q: Any) -> Any:
        """The query with each plain title/body term replaced by its variants."""
        if type(q) is query.Term and q.fieldname in STEMMED_FIELDS:
            words = self.variants(q.fieldname, q.text)
            if len(words) == 1:
                return q
            return query.Or([query.Term(q.fieldname, w, boost=q.boost) for w in words])
        return q.apply(self.expand)
