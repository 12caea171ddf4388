"""Which words a query matched, and one-line snippets around them.

The reader's hit marks and the result list's snippets use the same `Marker`,
so what is marked is exactly what matched (stem variants and wildcard
expansions included, excluded words not). A quoted phrase is marked where the
phrase occurs, as one span from its first word to its last, and its words are
not marked on their own elsewhere.
"""

from __future__ import annotations

import itertools
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from search.analysis import fold_text, word_keys
from search.query.parsing import TEXT_FIELDS
from search.store.analyzers import stem
from search.store.whoosh_api import query


@dataclass(slots=True)
class Marker:
    """Which words of a text the (stem-expanded) query matched."""

    words: frozenset[str]
    finder: WholeWords | None
    """Finds the words in `fold_text` output, so long texts are not tokenised."""
    phrases: frozenset[tuple[str, ...]] = frozenset()
    """Folded words of each quoted phrase, in order (two words or more)."""
    phrase_finder: WholeWords | None = None
    """Finds the first words of the phrases in `fold_text` output."""
    confirmed: dict[str, tuple[tuple[int, int], ...]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """What the tokenizer keeps of each text the finder matched (its query words' spans):
    the same few spellings recur in every hit, so each is tokenised once."""

    @classmethod
    def from_query(cls, q: Any, expand: Callable[[Any], list[str]]) -> Marker:
        """``expand`` gives the words a wildcard or fuzzy term stands for."""
        words: set[str] = set()
        phrases: set[tuple[str, ...]] = set()
        _collect_terms(q, expand, words, phrases)
        return cls(
            frozenset(words),
            WholeWords.of(words),
            frozenset(phrases),
            WholeWords.of({p[0] for p in phrases}),
        )

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every matched word and phrase in ``text``, sorted, none overlapping.

        A word that is also inside a marked phrase is left to the phrase's span.
        """
        if not self:
            return []
        folded = fold_text(text)
        spans = self._phrase_spans(text, folded)
        if self.finder is not None:
            confirmed = self.confirmed
            for start, end in self.finder.spans(folded):
                # Confirm with the real tokenizer: the finder may cut a word differently.
                piece = text[start:end]
                kept = confirmed.get(piece)
                if kept is None:
                    kept = tuple((s, e) for s, e, key in word_keys(piece) if key in self.words)
                    if len(confirmed) < _CONFIRMED_MAX:
                        confirmed[piece] = kept
                spans.extend((start + s, start + e) for s, e in kept)
        return _without_overlaps(spans)

    def _phrase_spans(self, text: str, folded: str) -> list[tuple[int, int]]:
        """Where a phrase's words follow one another in the index's token stream."""
        if self.phrase_finder is None:
            return []
        longest = max(len(p) for p in self.phrases)
        spans: list[tuple[int, int]] = []
        for start, _end in self.phrase_finder.spans(folded):
            tokens = _tokens_from(text, start, longest)
            if not tokens or tokens[0][0] != 0:
                continue  # the pattern found the middle of a word
            keys = tuple(key for _s, _e, key in tokens)
            ends = [
                tokens[len(p) - 1][1]
                for p in self.phrases
                if len(p) <= len(keys) and keys[: len(p)] == p
            ]
            if ends:
                spans.append((start, start + max(ends)))
        return spans


def _tokens_from(text: str, start: int, count: int) -> list[tuple[int, int, str]]:
    """The first ``count`` indexed words of ``text[start:]`` (offsets from ``start``)."""
    window = 64 * count
    while True:
        piece = text[start : start + window]
        tokens = list(itertools.islice(word_keys(piece), count + 1))
        # One more word than asked for proves the last one was not cut by the window.
        if len(tokens) > count or start + window >= len(text):
            return tokens[:count]
        window *= 2


def _without_overlaps(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans; one inside or across an earlier one is merged into it."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


_CONFIRMED_MAX = 10_000
"""Spellings a marker remembers (a wildcard's words in every case are a few hundred)."""
_VIET_NAM = re.compile(r"viet[ \t\u00a0\-]*nam(?!\w)")
"""The spellings of ``vietnam`` in folded text (``viet nam``, ``viet-nam``)."""
_FIRST = -sys.maxsize
"""Sorts a Việt Nam spelling before the words found at the same place (its alternative
came first in the regular expression this replaces)."""


@dataclass(frozen=True, slots=True)
class WholeWords:
    r"""Where words of a set occur as whole words in folded text: what ``re.finditer``
    of ``(?<!\w)(?:viet[ -]*nam|longest|...|shortest)(?!\w)`` finds.

    Words that begin with different letters are found with ``str.find`` a word at a
    time: the expression of them all is tried at every character where one could start,
    most of a snippet's time (36 µs for ``economic growth`` in a 4,700-character body
    against 9; issue #17, words first seen with snippets). Words of one first letter
    (one word, or a stem's variants) stay one expression: it begins with their common
    letters, which the engine looks for at C speed, faster than a search per word. The
    look-behind is checked outside the expression (`_scan`)."""

    words: tuple[str, ...]
    vietnam: bool
    """``vietnam`` is one of them: its spellings with a space or a dash count too."""
    pattern: re.Pattern[str] | None
    """The expression without its look-behind, for words of one first letter."""

    @classmethod
    def of(cls, words: Iterable[str]) -> WholeWords | None:
        found = tuple(sorted({w for w in words if w}, key=lambda w: (-len(w), w)))
        if not found:
            return None
        pattern = None
        if len({w[0] for w in found}) == 1:
            alternatives = [re.escape(w) for w in found]
            if "vietnam" in found:
                alternatives.insert(0, _VIET_NAM.pattern.removesuffix(r"(?!\w)"))
            pattern = re.compile(r"(?:" + "|".join(alternatives) + r")(?!\w)")
        return cls(found, "vietnam" in found, pattern)

    def spans(self, folded: str) -> list[tuple[int, int]]:
        """(start, end) of each match, in order, none overlapping."""
        if self.pattern is not None:
            return _scan(self.pattern, folded)
        found: list[tuple[int, int, int]] = []
        size = len(folded)
        for word in self.words:
            length = len(word)
            at = folded.find(word)
            while at >= 0:
                end = at + length
                if end == size or not _is_word_char(folded[end]):
                    found.append((at, -length, end))
                at = folded.find(word, at + 1)
        if self.vietnam:
            at = folded.find("viet")
            while at >= 0:
                spelt = _VIET_NAM.match(folded, at)
                if spelt is not None:
                    found.append((at, _FIRST, spelt.end()))
                at = folded.find("viet", at + 1)
        # As the expression: at one place the longest word (a Việt Nam spelling first),
        # then on from its end; after a match inside a word, on from the next character.
        found.sort()
        out: list[tuple[int, int]] = []
        pos = 0
        for start, _, end in found:
            if start < pos:
                continue
            if start and _is_word_char(folded[start - 1]):
                pos = start + 1
                continue
            out.append((start, end))
            pos = end
        return out


def _scan(pattern: re.Pattern[str], folded: str) -> list[tuple[int, int]]:
    r"""The spans of ``pattern.finditer`` as if it began with ``(?<!\w)``: a match inside a
    word is dropped and the search goes on from the character after its start, as the
    look-behind would have (which, in front, would stop the engine from skipping ahead
    to the words' first letters: twenty times slower for one word)."""
    out: list[tuple[int, int]] = []
    pos = 0
    while (found := pattern.search(folded, pos)) is not None:
        start = found.start()
        if start and _is_word_char(folded[start - 1]):
            pos = start + 1
            continue
        out.append(found.span())
        pos = found.end()
    return out


def _is_word_char(ch: str) -> bool:
    """What ``\\w`` matches in a str pattern: letters, digits (Unicode) and underscore."""
    return ch.isalnum() or ch == "_"


def _collect_terms(
    q: Any,
    expand: Callable[[Any], list[str]],
    words: set[str],
    phrases: set[tuple[str, ...]],
) -> None:
    if isinstance(q, query.Not):
        return  # words a query excludes are not in the hit to be marked
    if isinstance(q, query.AndNot):
        _collect_terms(q.a, expand, words, phrases)  # b is excluded
        return
    if isinstance(q, query.MultiTerm):
        if q.field() in TEXT_FIELDS:
            words.update(expand(q))
        return
    if isinstance(q, query.Phrase):
        if q.fieldname in TEXT_FIELDS and q.words:
            folded = tuple(str(w) for w in q.words)
            if len(folded) == 1 or q.slop > 1:  # a word; words near one another
                words.update(folded)
            else:
                phrases.add(folded)
        return
    children = list(q.children())
    if children:
        for child in children:
            _collect_terms(child, expand, words, phrases)
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

    Matches are found in the folded body (`WholeWords`); only the chosen window is
    tokenised, so a snippet costs well under a millisecond.
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
