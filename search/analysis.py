"""Text analysis shared by indexing, query parsing, snippets and hit marking.

Plain functions over strings; the Whoosh analyzers built from them (the
index's tokenizer chain) and the Porter2 stemmer are in `search.store.analyzers`.

The index holds each word once, case and accents folded (``Hằng`` = ``hang``),
with ``Việt Nam``/``Viet Nam`` joined into ``vietnam``. Stemming happens at
query time instead (`search.query.stems`): a plain word is expanded to the indexed
words sharing its Porter2 stem, so ``cooperate`` finds ``cooperation`` while a
quoted phrase, ``coop*`` and ``term~`` see the words as written. Indexing every
body once instead of twice (stemmed and exact) halves the indexing work.

Snippets and the reader's hit marks use the same `fold` (`word_keys`), so what
is marked is exactly what matched.
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from array import array
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path


def _mark_ranges() -> str:
    """A regex class body of every combining mark (Unicode category M).

    Python's ``\\w`` does not match marks, so without them a letter carrying a
    mark that has no precomposed form (stacked "Zalgo" marks, ``a\\u0336``,
    Devanagari vowel signs) would cut the word in two. Only the BMP's marks
    (every living script's): ``re`` checks a class of BMP ranges with one table
    look-up but tries astral ranges one by one, which made tokenising 3x slower.
    """
    codes = [c for c in range(0x300, 0x10000) if unicodedata.category(chr(c))[0] == "M"]
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(f"\\u{a:04x}-\\u{b:04x}" if a != b else f"\\u{a:04x}" for a, b in ranges)


_MARKS = _mark_ranges()
_WORD_CHARS = rf"\w[\w{_MARKS}]*"
"""A word: a letter or digit, then letters, digits and the marks on them."""

TOKEN_PATTERN = re.compile(
    rf"vi[eêệ]t[ \t\u00a0\-]*nam(?![\w{_MARKS}])"  # Việt Nam / Viet Nam / Viet-Nam -> one word
    rf"|{_WORD_CHARS}(?:\.{_WORD_CHARS})*",  # words; U.S. and 7.09 stay whole; apostrophes split
    re.IGNORECASE | re.UNICODE,
)
_POSSESSIVE_WORD = rf"\w[\w{_MARKS}]*+"
_FAST_TOKENS = re.compile(
    rf"(?i:vi[eêệ]t)[ \t\u00a0\-]*+(?i:nam)(?![\w{_MARKS}])"
    rf"|{_POSSESSIVE_WORD}(?:\.{_POSSESSIVE_WORD})*+",
)
"""`TOKEN_PATTERN`'s tokens, found in about two thirds of its time: case ignored only where
a letter is spelled out (the rest are classes of every case: words and the marks, whose
one cased mark's other cases are letters), and possessive repeats (nothing after them can
make a shorter run match). For indexing's `word_positions`; `TOKEN_PATTERN` stays what the
index's pickled tokenizer holds (a test compares both on hostile text)."""
_JOINED_VIETNAM = re.compile(r"^vi[eêệ]t[\s\-]*nam$")
_FOLD_EXTRA = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe"}
)
DROPPED = frozenset({"s", "t"})
"""What is left of possessives and contractions after splitting at apostrophes."""


def _load_confusables() -> dict[str, str]:
    """Cyrillic/Greek letter -> the Latin letter it looks like (``data/confusables.json``)."""
    data = json.loads(
        Path(__file__).with_name("data").joinpath("confusables.json").read_text("utf-8")
    )
    return {k: v for script in ("cyrillic", "greek") for k, v in data[script].items()}


_CONFUSABLES = _load_confusables()
_CONFUSABLE_TABLE = str.maketrans(_CONFUSABLES)
_HAS_CONFUSABLE = re.compile("[" + "".join(sorted(_CONFUSABLES)) + "]")
_LETTER_RUN = re.compile(rf"(?:[^\W\d_][{_MARKS}]*)+")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def _fold_run(match: re.Match[str]) -> str:
    run = match.group(0)
    letters = [ch for ch in run if ch.isalpha()]
    if not any(_is_latin(ch) for ch in letters) or not all(
        ch in _CONFUSABLES or _is_latin(ch) for ch in letters
    ):
        return run  # a Cyrillic or Greek word, or one with letters that are no look-alikes
    return run.translate(_CONFUSABLE_TABLE)


def fold_confusables(text: str) -> str:
    """Cyrillic/Greek look-alike letters inside otherwise Latin words -> Latin letters.

    ``Kаzakhstan`` typed or pasted with a Cyrillic ``а`` is meant as the Latin
    word; a word all of another script (``новости``) is left as it is. One
    character for one, so offsets are kept. Ingest applies it to the text and
    `fold` to every word, so index and queries agree.
    """
    if text.isascii() or not _HAS_CONFUSABLE.search(text):
        return text
    return _LETTER_RUN.sub(_fold_run, text)


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Lower case, strip accents and join ``viet nam``: the exact-match key of a word."""
    text = word.lower()
    if not text.isascii():
        text = fold_confusables(word).lower().translate(_FOLD_EXTRA)
        # Combining and enclosing marks go (stacked "Zalgo" marks too): a word is
        # found by its base letters.
        text = "".join(
            ch
            for ch in unicodedata.normalize("NFKD", text)
            if not unicodedata.combining(ch) and unicodedata.category(ch) != "Me"
        )
    if _JOINED_VIETNAM.match(text):
        return "vietnam"
    if "." in text and not any(ch.isdigit() for ch in text):
        text = text.replace(".", "")  # U.S. -> us, like US
    return text


def word_keys(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, folded key) of every indexed word, for snippets and marks."""
    for match in TOKEN_PATTERN.finditer(text):
        key = fold(match.group(0))
        if key not in DROPPED:
            yield match.start(), match.end(), key


def word_positions(text: str) -> dict[str, list[int]]:
    """``exact_analyzer``'s words of ``text`` with their positions, without its token objects.

    The same words and positions as Whoosh's tokenizer -> `FoldFilter` -> stop
    filter chain (tests compare them), at about half its cost: indexing
    analyses every body in the one writer process, so this is build time.
    """
    positions: dict[str, list[int]] = {}
    position = -1
    for index, token in enumerate(_FAST_TOKENS.findall(text)):
        key = fold(token)
        if key in DROPPED:
            continue
        # Whoosh's stop filter renumbers from the first kept word's own position.
        position = index if position < 0 else position + 1
        found = positions.get(key)
        if found is None:
            positions[key] = [position]
        else:
            found.append(position)
    return positions


class AnalysedText(tuple[str, bytes, bytes]):
    """A text's `word_positions`, packed to travel between processes: indexing analyses
    the word fields in the reading processes, and the writer takes these instead of text.

    Its words in order of first appearance joined by NULs (no word holds one), each
    word's count, then every word's positions one after the other (both native
    ``uint32`` arrays as bytes): a few strings and bytes, which pickle at C speed, where
    the dict of lists would be a Python object per word and per position."""

    __slots__ = ()

    def words(self) -> list[str]:
        """The words, in order of first appearance."""
        return self[0].split("\0") if self[1] else []

    def counts(self) -> array[int]:
        """Each word's number of positions."""
        counts = array("I")
        counts.frombytes(self[1])
        return counts

    def positions(self) -> dict[str, list[int]]:
        """What `word_positions` gave."""
        flat = array("I")
        flat.frombytes(self[2])
        out: dict[str, list[int]] = {}
        at = 0
        for word, count in zip(self.words(), self.counts(), strict=True):
            out[word] = flat[at : at + count].tolist()
            at += count
        return out


def analysed_text(text: str) -> AnalysedText:
    """`word_positions` of ``text`` as an `AnalysedText`."""
    positions = word_positions(text)
    counts = array("I", map(len, positions.values()))
    flat = array("I", itertools.chain.from_iterable(positions.values()))
    return AnalysedText(("\0".join(positions), counts.tobytes(), flat.tobytes()))


def _same_length_fold_table() -> dict[int, str]:
    """Latin letters -> their folded single letter (``Ằ`` -> ``a``), ASCII upper -> lower."""
    table: dict[int, str] = {}
    for code in [*range(0x41, 0x5B), *range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        folded = fold(chr(code))
        if len(folded) == 1 and folded != chr(code):
            table[code] = folded
    # Look-alike letters too: what this finds, `word_keys` confirms with `fold`.
    table.update({ord(k): v.lower() for k, v in _CONFUSABLES.items()})
    return table


_FOLD_TABLE = _same_length_fold_table()


_FOLD_CHARS = {chr(code): folded for code, folded in _FOLD_TABLE.items() if code > 0x7F}
_ASCII_BYTES = bytes(range(0x80))
assert all(folded.lower() == folded for folded in _FOLD_TABLE.values())


def fold_text(text: str) -> str:
    """`fold` for a whole text, keeping every offset (one character for one).

    The table lowers ASCII letters and folds the rest; `str.translate` with a table looks
    up every character (about 0.4 ms for a 4 KB article with accents), and snippets fold
    every body on the page (issue #17). So the few distinct non-ASCII characters are
    found at C speed (the UTF-8 bytes without the ASCII ones), each one the table folds
    is replaced throughout, and the ASCII letters are lowered as bytes (`bytes.lower`
    leaves every other character as it is, as the table does): about a tenth of the
    table's time.
    """
    if text.isascii():
        return text.lower()
    raw = text.encode("utf-8", "surrogatepass")
    replaced = text
    for ch in set(raw.translate(None, _ASCII_BYTES).decode("utf-8", "surrogatepass")):
        to = _FOLD_CHARS.get(ch)
        if to is not None:
            replaced = replaced.replace(ch, to)
    if replaced is not text:
        raw = replaced.encode("utf-8", "surrogatepass")
    return raw.lower().decode("utf-8", "surrogatepass")
