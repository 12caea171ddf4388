"""Which of many words lie within a few edits of one: the test behind ``word~``.

A fuzzy word is compared with every indexed word that shares its first letter, some
10^4 of them at 10^5 articles. Whoosh's ``damerau_levenshtein`` does that one word at a
time in Python (~15 us each); here the words of one length-compatible batch go through
the same dynamic programme together, a row of numpy operations per letter, and drop out
as soon as no alignment can stay within the bound.

The distance is the one Whoosh's ``distance`` computes (optimal string alignment: the
Levenshtein edits plus swapping two adjacent letters), so ``within(words, text, k)``
keeps exactly the words with ``distance(word, text) <= k``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_PAD = np.uint32(0xFFFFFFFF)
"""Fills a word's row past its end; no letter's code point, so it equals no letter."""


def _codes(words: Sequence[str], width: int) -> npt.NDArray[np.uint32]:
    """The words' code points, one row each, padded to ``width`` with ``_PAD``."""
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    flat = np.frombuffer("".join(words).encode("utf-32-le"), dtype=np.uint32)
    grid = np.full((len(words), width), _PAD, dtype=np.uint32)
    if len(flat):
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        columns = np.arange(width)
        inside = columns[None, :] < lengths[:, None]
        grid[inside] = flat[(starts[:, None] + columns[None, :])[inside]]
    return grid


def distances_within(words: Sequence[str], text: str, bound: int) -> npt.NDArray[np.bool_]:
    """For each word, whether its edit distance to ``text`` is at most ``bound``."""
    m = len(text)
    lengths = np.fromiter((len(w) for w in words), dtype=np.int64, count=len(words))
    result = np.zeros(len(words), dtype=bool)
    # A word more than ``bound`` letters longer or shorter never gets there.
    alive = np.flatnonzero(np.abs(lengths - m) <= bound)
    if not len(alive) or bound < 0:
        return result
    if m == 0:
        result[alive] = True  # then every such word has at most ``bound`` letters
        return result
    width = int(lengths[alive].max())
    grid = _codes([words[i] for i in alive.tolist()], max(width, 1))
    lens = lengths[alive]
    target = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    steps = np.arange(m + 1, dtype=np.int64)
    done = lens == 0
    result[alive[done]] = m <= bound
    twoago: npt.NDArray[np.int64] | None = None
    oneago = np.broadcast_to(steps, (len(alive), m + 1)).copy()
    for i in range(1, width + 1):
        keep = ~done & (oneago.min(axis=1) <= bound)
        if not keep.all():
            alive, grid, lens, oneago = alive[keep], grid[keep], lens[keep], oneago[keep]
            if twoago is not None:
                twoago = twoago[keep]
        if not len(alive):
            break
        letter = grid[:, i - 1]
        same = letter[:, None] == target[None, :]
        row = np.empty_like(oneago)
        row[:, 0] = i
        row[:, 1:] = np.minimum(oneago[:, 1:] + 1, oneago[:, :-1] + ~same)
        if twoago is not None and m > 1:
            before = grid[:, i - 2]
            swap = (letter[:, None] == target[None, :-1]) & (before[:, None] == target[None, 1:])
            swap &= ~same[:, 1:]
            row[:, 2:] = np.where(swap, np.minimum(row[:, 2:], twoago[:, :-2] + 1), row[:, 2:])
        # Insertions: each cell at most its left neighbour plus one, as a running minimum.
        row = np.minimum.accumulate(row - steps, axis=1) + steps
        finished = lens == i
        result[alive[finished]] = row[finished, m] <= bound
        done = finished
        twoago, oneago = oneago, row
    return result


def within(words: Sequence[str], text: str, bound: int) -> list[str]:
    """The words (in their order) within ``bound`` edits of ``text``."""
    if not words:
        return []
    near = distances_within(words, text, bound)
    return [w for w, ok in zip(words, near.tolist(), strict=True) if ok]
