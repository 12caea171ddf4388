"""Text as the cluster's engine sees it: our words, folded by us, spelled in [a-z0-9_].

Sphinx and Manticore split and fold words by their own ``charset_table``; to get the same
words, accents and ``Việt Nam`` = ``vietnam`` on a cluster as in the local index, the text
is cut and folded here (``search.analysis``: the local index's own rules) and every
character outside ``[a-z0-9]`` is written as ``_`` plus its code point in hex, so the
engine never splits a word of ours or folds one differently. Queries go through the same
``engine_word``, so a word matches exactly when it matches locally.

A plain query word matches locally every indexed word of its Porter2 stem; here each
word's stem is indexed beside it (``stem_words``) and the query asks for the stem.
"""

from __future__ import annotations

import re

from search.analysis import TOKEN_PATTERN, fold, word_keys
from search.store.analyzers import stem

_PLAIN = re.compile(r"[a-z0-9]+")
_OTHER = re.compile(r"[^a-z0-9]")


def engine_word(folded: str) -> str:
    """One folded word in the engine's alphabet (``o.k`` -> ``o_2ek``, ``中`` -> ``_4e2d``)."""
    if _PLAIN.fullmatch(folded):
        return folded
    return _OTHER.sub(lambda m: f"_{ord(m.group()):x}_", folded)


def engine_words(text: str) -> str:
    """The words of ``text`` as the engine indexes them, space-separated, in order."""
    return " ".join(engine_word(key) for _, _, key in word_keys(text))


def query_word(raw: str) -> str:
    """A word the user typed, as the engine must look for it (folded as when indexing)."""
    words = [fold(t) for t in TOKEN_PATTERN.findall(raw)]
    return " ".join(engine_word(w) for w in words if w)


def stem_words(text: str) -> str:
    """The stems of ``text``'s words in the engine's alphabet, in order (``stem`` keeps
    short and non-alphabetic words as they are, as the local stem expansion does)."""
    return " ".join(engine_word(stem(key)) for _, _, key in word_keys(text))


def entity_word(key: int) -> str:
    """The word that stands for one entity or country key in ``entity_keys``."""
    return f"e{key:x}"
