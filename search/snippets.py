"""Which words a query matched, and one-line snippets around them.

The reader's hit marks and the result list's snippets use the same `Marker`,
so what is marked is exactly what matched (stem variants and wildcard
expansions included, excluded words not).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from whoosh import query

from search.analysis import fold_text, stem, word_keys
from search.parsing import TEXT_FIELDS


@dataclass(slots=True)
class Marker:
    """Which words of a text the (stem-expanded) query matched."""

    words: frozenset[str]
    pattern: re.Pattern[str] | None
    """Finds the words in `fold_text` output, so long texts are not tokenised."""

    @classmethod
    def from_query(cls, q: Any, expand: Callable[[Any], list[str]]) -> Marker:
        """``expand`` gives the words a wildcard or fuzzy term stands for."""
        words: set[str] = set()
        _collect_terms(q, expand, words)
        return cls(frozenset(words), _words_pattern(words))

    def __bool__(self) -> bool:
        return bool(self.words)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matched word in ``text``."""
        if not self or self.pattern is None:
            return []
        spans: list[tuple[int, int]] = []
        for found in self.pattern.finditer(fold_text(text)):
            # Confirm with the real tokenizer: the pattern may cut a word differently.
            spans.extend(
                (found.start() + s, found.start() + e)
                for s, e, key in word_keys(text[found.start() : found.end()])
                if key in self.words
            )
        return spans


def _words_pattern(words: set[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    if "vietnam" in words:
        alternatives.insert(0, r"viet[ \t\u00a0\-]*nam")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _collect_terms(q: Any, expand: Callable[[Any], list[str]], words: set[str]) -> None:
    if isinstance(q, query.Not):
        return  # words a query excludes are not in the hit to be marked
    if isinstance(q, query.MultiTerm):
        if q.field() in TEXT_FIELDS:
            words.update(expand(q))
        return
    children = list(q.children())
    if children:
        for child in children:
            _collect_terms(child, expand, words)
        return
    try:
        terms = list(q.iter_all_terms())
    except Exception:  # a node without terms marks nothing
        return
    for fieldname, raw in terms:
        if fieldname in TEXT_FIELDS:
            words.add(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))


SNIPPET_CHARS = 240


def make_snippet(body: str, marker: Marker | None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A one-line excerpt around the densest cluster of matched words.

    Matches are found with one regular expression over the folded body; only the
    chosen window is tokenised, so a snippet costs well under a millisecond.
    """
    spans = marker.spans(body) if marker else []
    start = 0
    if spans:
        considered = spans[:400]
        roots = [stem(fold_text(body[s:e])) for s, e in considered]
        best = (-1, -1)
        for i, (first, _) in enumerate(considered):
            window: list[str] = []
            for j in range(i, len(considered)):
                if considered[j][0] >= first + SNIPPET_CHARS:
                    break
                window.append(roots[j])
            score = (len(set(window)), len(window))
            if score > best:
                best, start = score, first
        start = max(0, start - 40)
        space = body.rfind(" ", 0, start + 1)
        start = 0 if space < 0 or start == 0 else space + 1
    end = min(len(body), start + SNIPPET_CHARS)
    if end < len(body):
        space = body.rfind(" ", start, end)
        end = space if space > start else end
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    length = 0
    if start > 0:
        parts.append("…")
        length = 1
    pos = start
    for s, e in spans:
        if s < start or e > end:
            continue
        gap = _WHITESPACE.sub(" ", body[pos:s])
        parts.append(gap)
        length += len(gap)
        marks.append((length, length + e - s))
        parts.append(body[s:e])
        length += e - s
        pos = e
    parts.append(_WHITESPACE.sub(" ", body[pos:end]).rstrip())
    if end < len(body):
        parts.append(" …")
    return "".join(parts), tuple(marks)


_WHITESPACE = re.compile(r"\s+")
