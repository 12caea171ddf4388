"""Same story, many copies (issue #15): exact copies and near-duplicates of articles,
grouped into stories, kept up to date as articles are added, changed and removed.

Pure: plain dataclasses in and out, numpy inside; no Whoosh, no Qt, no files except
`StoryIndex.save`/`StoryIndex.load`.

How it works
- A body is *normalised* (Unicode NFC, runs of white space made one space) and hashed
  (BLAKE2b, 16 bytes): bodies with the same hash are exact copies, one *version*.
- Each version with at least `Params.shingle` words gets a MinHash signature: its words
  are folded (case and accents), cut into overlapping shingles of `Params.shingle` words,
  and for each of `Params.num_perm` hash functions the smallest hash of a shingle is
  kept. Two signatures agree at one position with probability the Jaccard similarity of
  the two shingle sets, so the share of equal positions estimates it.
- LSH banding: the signature is cut into `Params.bands` bands of `Params.rows` values; a
  band's values hash to one key. Versions sharing a key in any band are *candidates*,
  and a candidate pair is kept (an *edge*) when its estimated Jaccard is at least
  `Params.threshold`. The keys of all versions are one sorted array, so finding a new
  version's candidates is a binary search per band, not a scan.
- Stories are the connected components of versions over the edges (union-find); a story
  of more than one article is a `Group`, whose representative is the earliest dated
  article, else the longest, else the smallest id.

Incremental: `StoryIndex.update` hashes and signs only the articles it is given, looks
up their candidates among the kept versions and among themselves, and adds their edges;
a removed or changed article's version loses the article and, with no article left,
its edges (its rows are dropped at the next compaction). All edges ever confirmed are
kept, so the groups after any sequence of updates are the groups of one build over the
same articles (the tests check it). Only the labelling of components is done again from
the edges, which is linear in the number of edges (few: only confirmed near-duplicates).

The state (signatures per version, the sorted band keys, the edges, the articles) is a
few numpy arrays; `save` writes them to one ``.npz`` file atomically (temporary file,
fsync, ``os.replace``), `load` reads it back without recomputing anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

STATE_FORMAT = 1
"""Bump when the saved file's layout changes; `load` refuses other formats."""
LINK_BATCH = 8192
"""New versions signed before their candidates are looked up and their keys merged."""


@dataclass(frozen=True, slots=True)
class Params:
    """How bodies are compared. Chosen on bench/duplicates.py (its figures are in
    bench/sections/duplicates.md: real IE-ER and CoNLL newswire, copies of it re-edited
    by program, and the corpora's own distinct stories of the same day):

    - ``shingle = 3`` words. Two-word shingles ("said on", "the government") grouped
      distinct stories of one event (a game's summary and its result, a blast told
      twice: precision 0.99); four-word ones lose more shingles to each typo (recall of
      a new lead + paragraph dropped + 2% typos 0.87 against 0.93 for three words).
    - ``num_perm = 126`` = ``bands * rows``: an estimate's standard error is at most
      0.045 (at J = 0.5); a signature is 504 bytes.
    - ``bands = 42`` of ``rows = 3``: a pair becomes a candidate with probability 0.94
      at J = 0.4, 0.996 at 0.5 and 0.99996 at 0.6, and at 0.1 with 0.04, so few
      unrelated pairs need the confirming comparison. Four rows in 32 bands find a pair
      at J = 0.45 with probability 0.74 only, and missed the corpus's own shortened
      Reuters version (J 0.45).
    - ``threshold = 0.4`` on the estimated Jaccard: re-edited copies (new first line,
      paragraph dropped or added, new dateline, typos, up to three at once) have 5th
      percentiles of 0.55 and over for one or two edits and about 0.47 for three, while
      the most similar distinct stories of one day in the corpora are at 0.30 to 0.34,
      and same-day pairs sharing three names have a median of 0.02.
    """

    shingle: int = 3
    num_perm: int = 126
    bands: int = 42
    rows: int = 3
    threshold: float = 0.4
    seed: int = 15
    min_shingles: int = 20
    """Bodies with fewer shingles (22 words at 3-word shingles) are grouped as exact
    copies only, never as near-duplicates: with a handful of shingles one differing word
    moves the Jaccard by a fifth or more, so two one-line notes that differ only in a
    number or a name ("Talks in Chile, note 3." / "note 4.": J 0.5) would be one story.
    Agency copies are far longer (the bench's have hundreds of words)."""

    def __post_init__(self) -> None:
        if self.shingle < 1 or self.bands < 1 or self.rows < 1:
            raise ValueError("shingle, bands and rows must be at least 1")
        if self.bands * self.rows != self.num_perm:
            raise ValueError("bands * rows must equal num_perm")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What `StoryIndex.update` computes from a body, computed ahead (`story_features`,
    in indexing's reading processes): its `content_hash` and, for a body of enough
    shingles, its MinHash signature (``num_perm`` uint32 as bytes; None: not signed)."""

    params: Params
    digest: bytes
    signature: bytes | None


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article as the grouping sees it: its id, cleaned body, date and length (any
    measure of size, e.g. words: it only picks the longest as representative).

    ``features``: the body's `story_features`, computed ahead; then ``body`` may be
    empty (it is read only when the features were made with other `Params`)."""

    doc_id: str
    body: str
    date: date | None = None
    length: int = 0
    features: StoryFeatures | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """A story with more than one article.

    ``group_id`` is the smallest member id: it does not depend on dates or on the order
    of updates, and changes only when the group's membership does. ``members`` are
    sorted, the representative first; ``exact`` holds the sets of members that are exact
    copies of each other (only sets of two or more)."""

    group_id: str
    representative: str
    members: tuple[str, ...]
    exact: tuple[tuple[str, ...], ...] = ()

    @property
    def versions(self) -> int:
        """How many articles the story has (what the list shows as "3 versions")."""
        return len(self.members)


@dataclass(frozen=True, slots=True)
class UpdateResult:
    """What one `StoryIndex.update` did. ``touched`` are the ids whose group changed
    (joined, left, another representative or other members), removed ids that were in a
    group among them; ``candidates`` the version pairs compared, ``edges_added`` those
    confirmed."""

    added: int
    changed: int
    removed: int
    unchanged: int
    candidates: int
    edges_added: int
    touched: frozenset[str]


@dataclass(frozen=True, slots=True)
class Pair:
    """A confirmed near-duplicate pair, for inspection and the bench."""

    a: str
    b: str
    jaccard: float


class StoryStateError(ValueError):
    """A saved state that cannot be read (damaged, another format or other params)."""


# --------------------------------------------------------------------- text -> signature


def normalised(body: str) -> str:
    """What exact copies share: NFC, white space runs as one space, no ends."""
    if not body.isascii() and not unicodedata.is_normalized("NFC", body):
        body = unicodedata.normalize("NFC", body)
    return " ".join(body.split())


def content_hash(body: str) -> bytes:
    """16 bytes identifying a body up to `normalised`; ``b""`` for an empty body."""
    text = normalised(body)
    if not text:
        return b""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


_ASTRAL = 0x10000
"""Code points past the BMP share the last entry of the tables below."""
_WORD_CHAR = np.array(
    [chr(c).isalnum() or c == 0x5F for c in range(_ASTRAL)] + [True], dtype=np.bool_
)
"""Which code points are word characters (what ``\\w`` matches); past the BMP all are."""
_MARK = np.zeros(_ASTRAL + 1, dtype=np.bool_)
for _start, _end in ((0x300, 0x370), (0x1AB0, 0x1B00), (0x1DC0, 0x1E00), (0x20D0, 0x2100)):
    _MARK[_start:_end] = True
_MARK[0xFE20:0xFE30] = True
"""The combining marks that NFD splits off Latin, Greek and Cyrillic letters."""


def _folded_points(body: str) -> U32:
    """The body's code points, case and accents folded (``Hằng`` -> ``hang``, ``Đà`` ->
    ``da``): casefold, NFD, marks dropped, all but the NFD in numpy."""
    folded = body.casefold()
    if folded.isascii():
        return np.frombuffer(folded.encode("ascii"), dtype=np.uint8).astype(np.uint32)
    decomposed = unicodedata.normalize("NFD", folded)
    points = np.frombuffer(decomposed.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points[~_MARK[np.minimum(points, _ASTRAL)]]
    points[points == 0x111] = 0x64  # đ, which has no decomposition -> d
    return points


def _word_bounds(points: U32) -> tuple[I64, I64]:
    """Start and end offsets of the runs of word characters."""
    padded = np.zeros(len(points) + 2, dtype=np.bool_)
    padded[1:-1] = _WORD_CHAR[np.minimum(points, _ASTRAL)]
    changes = np.flatnonzero(padded[1:] != padded[:-1])
    return changes[0::2], changes[1::2]


def fold(body: str) -> str:
    """Case and accents folded as the shingles see them (``Hằng`` -> ``hang``)."""
    return _folded_points(body).tobytes().decode("utf-32-le", "surrogatepass")


def words(body: str) -> list[str]:
    """The body's words as the shingles see them: `fold`, then runs of word characters."""
    points = _folded_points(body)
    text = points.tobytes().decode("utf-32-le", "surrogatepass")
    starts, ends = _word_bounds(points)
    return [text[i:j] for i, j in zip(starts.tolist(), ends.tolist(), strict=True)]


def _mix64(x: U64) -> U64:
    """SplitMix64's finaliser, element-wise (uint64 arithmetic wraps)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _cumulative_powers(base: int, n: int) -> U64:
    """1, base, base**2, ... (n values, mod 2**64)."""
    out = np.full(n, base, dtype=np.uint64)
    out[0] = 1
    return np.cumprod(out, dtype=np.uint64)


class _Hasher:
    """The random parts of the hash functions, drawn once from ``params.seed``."""

    CHUNK = 4096
    """Shingles per block in `signature`: caps its temporary at num_perm x CHUNK x 4 bytes."""

    def __init__(self, params: Params) -> None:
        rng = np.random.default_rng(params.seed)
        self.params = params
        self.position = rng.integers(1, 2**63, size=params.shingle, dtype=np.uint64) | np.uint64(1)
        self.a = rng.integers(0, 2**32, size=params.num_perm, dtype=np.uint64).astype(np.uint32)
        self.a |= np.uint32(1)
        self.b = rng.integers(0, 2**32, size=params.num_perm, dtype=np.uint64).astype(np.uint32)
        self.band_salt = rng.integers(0, 2**63, size=params.bands, dtype=np.uint64)
        self.row_mult = rng.integers(1, 2**63, size=params.rows, dtype=np.uint64) | np.uint64(1)
        self.base = int(rng.integers(1, 2**63, dtype=np.uint64)) | 1
        self.powers = np.ones(1, dtype=np.uint64)
        self.inverse_powers = np.ones(1, dtype=np.uint64)

    def _powers(self, n: int) -> tuple[U64, U64]:
        """base**i and base**-i (mod 2**64) for i < n, grown as longer bodies come."""
        if len(self.powers) < n:
            size = max(n, 2 * len(self.powers), 8192)
            self.powers = _cumulative_powers(self.base, size)
            self.inverse_powers = _cumulative_powers(pow(self.base, -1, 2**64), size)
        return self.powers[:n], self.inverse_powers[:n]

    def word_hashes(self, body: str) -> U64:
        """A 64-bit hash per word of the folded body, without a loop in Python: each
        word's polynomial hash of its code points from prefix sums, brought to the same
        scale wherever it stands, so equal words hash alike."""
        points = _folded_points(body)
        starts, ends = _word_bounds(points)
        if not len(starts):
            return np.empty(0, dtype=np.uint64)
        powers, inverse = self._powers(len(points) + 1)
        prefix = np.zeros(len(points) + 1, dtype=np.uint64)
        np.cumsum((points.astype(np.uint64) + np.uint64(1)) * powers[:-1], out=prefix[1:])
        hashes: U64 = (prefix[ends] - prefix[starts]) * inverse[starts]
        return hashes

    def shingles(self, body: str) -> U64:
        """One 64-bit hash per shingle of ``params.shingle`` consecutive words (a
        repeated shingle repeats: a minimum does not care); none under that many words."""
        k = self.params.shingle
        word_hash = self.word_hashes(body)
        if len(word_hash) < k:
            return np.empty(0, dtype=np.uint64)
        n = len(word_hash) - k + 1
        combined = word_hash[:n] * self.position[0]
        for i in range(1, k):
            combined += word_hash[i : i + n] * self.position[i]
        return _mix64(combined)

    def signature(self, shingles: U64) -> U32:
        """The MinHash signature: per hash function ``(a*x + b) mod 2**32`` of the high
        half of each shingle's hash, its minimum over the shingles. (On the bench's pairs
        its error against the exact Jaccard is that of 64-bit arithmetic, in half the
        time.)"""
        p = self.params.num_perm
        best = np.full(p, np.iinfo(np.uint32).max, dtype=np.uint32)
        high = (shingles >> np.uint64(32)).astype(np.uint32)
        work = np.empty((p, min(len(high), self.CHUNK)), dtype=np.uint32)
        for start in range(0, len(high), self.CHUNK):
            block = high[start : start + self.CHUNK]
            out = work[:, : len(block)]
            np.multiply(self.a[:, None], block[None, :], out=out)
            out += self.b[:, None]
            np.minimum(best, out.min(axis=1), out=best)
        return best

    def band_keys(self, signatures: U32) -> U64:
        """One 64-bit key per band of each signature (rows: signatures)."""
        p = self.params
        rows = signatures.reshape(len(signatures), p.bands, p.rows).astype(np.uint64)
        keys = (rows * self.row_mult).sum(axis=2, dtype=np.uint64) + self.band_salt
        return _mix64(keys)


_HASHERS: dict[Params, _Hasher] = {}


def story_features(body: str, params: Params | None = None) -> StoryFeatures:
    """The hash and signature `StoryIndex.update` would compute for ``body``."""
    params = params or Params()
    hasher = _HASHERS.get(params)
    if hasher is None:
        hasher = _HASHERS[params] = _Hasher(params)
    digest = content_hash(body)
    signature = None
    if digest:
        shingles = hasher.shingles(body)
        if len(shingles) >= max(1, params.min_shingles):
            signature = hasher.signature(shingles).tobytes()
    return StoryFeatures(params, digest, signature)


def estimated_jaccard(a: U32, b: U32) -> float:
    """The share of positions where two signatures agree."""
    return float(np.count_nonzero(a == b)) / len(a)


def shingle_jaccard(body_a: str, body_b: str, params: Params | None = None) -> float:
    """The exact Jaccard similarity of two bodies' shingle sets (the bench checks the
    estimates against it); 0 when either has no shingle."""
    hasher = _Hasher(params or Params())
    a = np.unique(hasher.shingles(body_a))
    b = np.unique(hasher.shingles(body_b))
    if not len(a) or not len(b):
        return 0.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


# --------------------------------------------------------------------- the index


@dataclass(slots=True)
class _Doc:
    version: int
    """Row of its version, or -1 for an empty body (never grouped)."""
    date: date | None
    length: int


_UNREADABLE = (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile)
"""What reading a damaged or foreign state file raises."""


def _header(raw: Any) -> dict[str, Any]:
    """A saved state's header; `StoryStateError` when it is of another format."""
    header: dict[str, Any] = json.loads(raw.tobytes())
    if header.get("format") != STATE_FORMAT:
        raise StoryStateError(f"story state format {header.get('format')!r}")
    return header


class StoryIndex:
    """Groups of exact copies and near-duplicates, updated in place.

    >>> index = StoryIndex()
    >>> result = index.update([StoryArticle("a", "..."), StoryArticle("b", "...")])
    >>> index.groups()  # doctest: +SKIP
    """

    def __init__(self, params: Params | None = None) -> None:
        self.params = params or Params()
        self._hasher = _Hasher(self.params)
        self._docs: dict[str, _Doc] = {}
        self._by_digest: dict[bytes, int] = {}
        self._members: dict[int, set[str]] = {}
        """Version row -> ids of its articles (alive versions only)."""
        self._digest: list[bytes] = []
        self._sig = np.empty((0, self.params.num_perm), dtype=np.uint32)
        self._signed = np.empty(0, dtype=np.bool_)
        self._keys = np.empty(0, dtype=np.uint64)
        self._key_rows = np.empty(0, dtype=np.int32)
        """Band keys of every signed version, sorted, with the row each came from."""
        self._edges: dict[int, dict[int, float]] = {}
        """Version row -> {other row: estimated Jaccard}, both directions."""
        self._dead = 0
        self._group_of: dict[str, Group] = {}
        self.tag = ""
        """What the caller says the state belongs to (saved with it: the index
        generation's key, so a state one commit behind is known as such)."""

    # ---- reading

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def ids(self) -> list[str]:
        """Every article id the state holds, grouped or not."""
        return list(self._docs)

    def groups(self) -> list[Group]:
        """Every group of two or more articles, by group id."""
        unique = {g.group_id: g for g in self._group_of.values()}
        return [unique[k] for k in sorted(unique)]

    def group_of(self, doc_id: str) -> Group | None:
        """The article's group, or None when it is alone (or unknown)."""
        return self._group_of.get(doc_id)

    def pairs(self) -> list[Pair]:
        """The confirmed near-duplicate pairs between versions, by their first articles."""
        out: list[Pair] = []
        for row, others in self._edges.items():
            for other, jac in others.items():
                if row < other:
                    a, b = min(self._members[row]), min(self._members[other])
                    out.append(Pair(min(a, b), max(a, b), jac))
        return sorted(out, key=lambda p: (p.a, p.b))

    # ---- updating

    def update(
        self, articles: Iterable[StoryArticle] = (), removed: Iterable[str] = ()
    ) -> UpdateResult:
        """Add or replace ``articles`` (an id seen before is a change) and drop
        ``removed`` ids (unknown ids are ignored). An id in both is replaced."""
        incoming: dict[str, StoryArticle] = {}
        for article in articles:
            incoming[article.doc_id] = article
        gone = {d for d in removed if d in self._docs and d not in incoming}

        counts = {"added": 0, "changed": 0, "unchanged": 0}
        old_groups = self._group_of
        for doc_id in gone:
            self._detach(doc_id)
        pending: list[tuple[int, U32 | None]] = []
        candidates = edges_added = 0
        for doc_id, article in incoming.items():
            features = article.features
            if features is not None and features.params == self.params:
                digest = features.digest
            else:
                digest = content_hash(article.body)
            old = self._docs.get(doc_id)
            if old is not None and self._digest_of(old) == digest:
                counts["unchanged"] += 1
                old.date, old.length = article.date, article.length
                continue
            if old is not None:
                counts["changed"] += 1
                self._detach(doc_id)
            else:
                counts["added"] += 1
            self._attach(doc_id, digest, article, pending)
            if len(pending) >= LINK_BATCH:
                found, confirmed = self._flush(pending)
                candidates, edges_added = candidates + found, edges_added + confirmed
        found, confirmed = self._flush(pending)
        candidates, edges_added = candidates + found, edges_added + confirmed
        self._maybe_compact()
        self._relabel()
        near = set(incoming) | gone
        near |= self._ids_of_groups(old_groups.get(d) for d in near)
        near |= self._ids_of_groups(self._group_of.get(d) for d in near)
        touched = {d for d in near if old_groups.get(d) != self._group_of.get(d)}
        return UpdateResult(
            added=counts["added"],
            changed=counts["changed"],
            removed=len(gone),
            unchanged=counts["unchanged"],
            candidates=candidates,
            edges_added=edges_added,
            touched=frozenset(touched),
        )

    @staticmethod
    def _ids_of_groups(groups: Iterable[Group | None]) -> set[str]:
        """Every member of the groups given (None: no group)."""
        return {m for g in groups if g is not None for m in g.members}

    def _digest_of(self, doc: _Doc) -> bytes:
        return self._digest[doc.version] if doc.version >= 0 else b""

    def _attach(
        self,
        doc_id: str,
        digest: bytes,
        article: StoryArticle,
        pending: list[tuple[int, U32 | None]],
    ) -> None:
        """Add an article to its version, a new one (signed, into ``pending``) if its
        body is new; an empty body has no version."""
        if not digest:
            self._docs[doc_id] = _Doc(-1, article.date, article.length)
            return
        row = self._by_digest.get(digest)
        if row is None:
            row = len(self._digest)
            self._digest.append(digest)
            self._by_digest[digest] = row
            self._members[row] = set()
            features = article.features
            if features is not None and features.params == self.params:
                signature = features.signature
                pending.append(
                    (row, None if signature is None else np.frombuffer(signature, np.uint32))
                )
            else:
                shingles = self._hasher.shingles(article.body)
                signed = len(shingles) >= max(1, self.params.min_shingles)
                pending.append((row, self._hasher.signature(shingles) if signed else None))
        self._members[row].add(doc_id)
        self._docs[doc_id] = _Doc(row, article.date, article.length)

    def _detach(self, doc_id: str) -> None:
        """Drop an article; its version dies with its last article, and its edges."""
        doc = self._docs.pop(doc_id)
        if doc.version < 0:
            return
        row = doc.version
        members = self._members[row]
        members.discard(doc_id)
        if members:
            return
        del self._members[row]
        del self._by_digest[self._digest[row]]
        self._digest[row] = b""
        self._signed[row] = False
        self._dead += 1
        neighbours = self._edges.pop(row, {})
        for other in neighbours:
            self._edges[other].pop(row, None)
            if not self._edges[other]:
                del self._edges[other]

    def _flush(self, pending: list[tuple[int, U32 | None]]) -> tuple[int, int]:
        """Put the pending versions' signatures in the table and link them; empties
        ``pending``. In batches, so a build's temporaries stay those of `LINK_BATCH`
        versions (the edges found are the same: each batch looks up all before it)."""
        if not pending:
            return 0, 0
        empty = np.zeros(self.params.num_perm, dtype=np.uint32)
        self._sig = np.concatenate(
            [self._sig, np.stack([s if s is not None else empty for _, s in pending])]
        )
        self._signed = np.concatenate([self._signed, np.array([s is not None for _, s in pending])])
        rows = [row for row, _ in pending]
        pending.clear()
        return self._link(rows)

    def _link(self, new_rows: list[int]) -> tuple[int, int]:
        """Find the candidates of the new versions, confirm them, add their edges and
        their band keys. Returns (candidate pairs compared, edges added)."""
        rows = np.array([r for r in new_rows if self._signed[r]], dtype=np.int64)
        if not len(rows):
            return 0, 0
        keys = self._hasher.band_keys(self._sig[rows])  # (n, bands)
        flat_keys = keys.ravel()
        flat_rows = np.repeat(rows, self.params.bands)

        # new against kept: a binary search per key in the sorted keys
        left = np.searchsorted(self._keys, flat_keys, side="left")
        right = np.searchsorted(self._keys, flat_keys, side="right")
        hits = right - left
        a_old = np.repeat(flat_rows, hits)
        b_old = self._key_rows[_ranges(left, hits)]

        # new against new: equal keys after sorting
        order = np.argsort(flat_keys, kind="stable")
        sorted_keys = flat_keys[order]
        sorted_rows = flat_rows[order]
        a_new, b_new = _pairs_in_runs(sorted_keys, sorted_rows)

        a = np.concatenate([a_old, a_new])
        b = np.concatenate([b_old, b_new])
        alive = self._signed[b] & (a != b)
        a, b = a[alive], b[alive]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        code = np.unique(lo * np.int64(len(self._signed)) + hi)
        lo, hi = code // len(self._signed), code % len(self._signed)

        added = 0
        chunk = 65536
        for start in range(0, len(code), chunk):
            x, y = lo[start : start + chunk], hi[start : start + chunk]
            jac = np.count_nonzero(self._sig[x] == self._sig[y], axis=1) / self.params.num_perm
            keep = jac >= self.params.threshold
            for i, j, s in zip(x[keep].tolist(), y[keep].tolist(), jac[keep].tolist(), strict=True):
                self._edges.setdefault(i, {})[j] = s
                self._edges.setdefault(j, {})[i] = s
                added += 1

        at = np.searchsorted(self._keys, sorted_keys, side="right")  # a merge, not a sort
        self._keys = np.insert(self._keys, at, sorted_keys)
        self._key_rows = np.insert(self._key_rows, at, sorted_rows.astype(np.int32))
        return len(code), added

    def _maybe_compact(self) -> None:
        if self._dead and self._dead * 4 >= len(self._digest):
            self.compact()

    def compact(self) -> None:
        """Drop the rows of versions that lost their last article."""
        alive = np.array([bool(d) for d in self._digest], dtype=np.bool_)
        new_of_old = np.full(len(alive), -1, dtype=np.int64)
        new_of_old[alive] = np.arange(int(alive.sum()))
        keep_keys = alive[self._key_rows] if len(self._key_rows) else np.empty(0, np.bool_)
        self._keys = self._keys[keep_keys]
        self._key_rows = new_of_old[self._key_rows[keep_keys]].astype(np.int32)
        self._sig = self._sig[alive]
        self._signed = self._signed[alive]
        self._digest = [d for d in self._digest if d]
        self._by_digest = {d: i for i, d in enumerate(self._digest)}
        remap = new_of_old.tolist()
        self._members = {remap[r]: m for r, m in self._members.items()}
        self._edges = {
            remap[r]: {remap[o]: s for o, s in others.items()} for r, others in self._edges.items()
        }
        for doc in self._docs.values():
            if doc.version >= 0:
                doc.version = remap[doc.version]
        self._dead = 0

    def _relabel(self) -> None:
        """Groups from the versions' members and the edges (union-find)."""
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            root = parent.setdefault(x, x)
            while root != parent[root]:
                root = parent[root]
            while parent[x] != root:
                parent[x], x = root, parent[x]
            return root

        for row, others in self._edges.items():
            for other in others:
                ra, rb = find(row), find(other)
                if ra != rb:
                    parent[max(ra, rb)] = min(ra, rb)
        components: dict[int, list[int]] = {}
        for row in parent:
            components.setdefault(find(row), []).append(row)
        for row, members in self._members.items():
            if len(members) > 1 and row not in parent:
                components[row] = [row]

        self._group_of = {}
        for rows in components.values():
            group = self._group(rows)
            for member in group.members:
                self._group_of[member] = group

    def _group(self, rows: list[int]) -> Group:
        ids = [d for r in rows for d in self._members[r]]

        def rank(doc_id: str) -> tuple[bool, int, int, str]:
            doc = self._docs[doc_id]
            dated = doc.date is not None
            return (not dated, doc.date.toordinal() if doc.date else 0, -doc.length, doc_id)

        ids.sort(key=rank)
        representative = ids[0]
        rest = sorted(ids[1:])
        exact = sorted(tuple(sorted(self._members[r])) for r in rows if len(self._members[r]) > 1)
        return Group(
            group_id=min(ids),
            representative=representative,
            members=(representative, *rest),
            exact=tuple(exact),
        )

    # ---- persistence

    def save(self, path: Path) -> None:
        """Write the state (and `tag`) to ``path`` atomically: a temporary file beside
        it, fsync, ``os.replace``; a reader sees the old state or the new one, never half."""
        self.compact()
        ids = sorted(self._docs)
        docs = [self._docs[d] for d in ids]
        edge_list = [
            (r, o, s) for r, others in self._edges.items() for o, s in others.items() if r < o
        ]
        arrays: dict[str, Any] = {
            "header": _bytes_array(
                json.dumps(
                    {"format": STATE_FORMAT, "params": asdict(self.params), "tag": self.tag}
                ).encode()
            ),
            "ids": _bytes_array("\x00".join(ids).encode("utf-8", "surrogatepass")),
            "doc_count": np.array([len(ids)], dtype=np.int64),
            "doc_version": np.array([d.version for d in docs], dtype=np.int64),
            "doc_date": np.array([d.date.toordinal() if d.date else 0 for d in docs], np.int64),
            "doc_length": np.array([d.length for d in docs], dtype=np.int64),
            "digest": np.frombuffer(b"".join(self._digest), dtype=np.uint8),
            "signatures": self._sig,
            "signed": self._signed,
            "keys": self._keys,
            "key_rows": self._key_rows,
            "edge_a": np.array([e[0] for e in edge_list], dtype=np.int64),
            "edge_b": np.array([e[1] for e in edge_list], dtype=np.int64),
            "edge_jaccard": np.array([e[2] for e in edge_list], dtype=np.float64),
        }
        buffer = io.BytesIO()
        np.savez(buffer, **arrays)
        write_atomically(Path(path), buffer.getbuffer())

    @staticmethod
    def saved_tag(path: Path) -> str | None:
        """The tag of a state `save` wrote, from its header alone (an update that finds
        nothing changed needs no more); None when unreadable or of another format."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                header = _header(data["header"])
            return str(header.get("tag", ""))
        except (StoryStateError, *_UNREADABLE):
            return None

    @classmethod
    def load(cls, path: Path, params: Params | None = None) -> StoryIndex:
        """Read a state `save` wrote. Raises `StoryStateError` when it is damaged, of
        another format, or made with other params than ``params`` (when given): then
        build it again from the articles."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                arrays = {name: data[name] for name in data.files}
            header = _header(arrays["header"])
            saved = Params(**header["params"])
            if params is not None and params != saved:
                raise StoryStateError("story state made with other parameters")
            index = cls(saved)
            index.tag = str(header.get("tag", ""))
            index._restore(arrays)
        except StoryStateError:
            raise
        except _UNREADABLE as exc:
            raise StoryStateError(f"cannot read story state: {exc}") from exc
        return index

    def _restore(self, arrays: dict[str, Any]) -> None:
        count = int(arrays["doc_count"][0])
        raw = arrays["ids"].tobytes().decode("utf-8", "surrogatepass")
        ids = raw.split("\x00") if count else []
        version = arrays["doc_version"].tolist()
        dates = arrays["doc_date"].tolist()
        lengths = arrays["doc_length"].tolist()
        digest = arrays["digest"].tobytes()
        rows = len(digest) // 16
        sig = np.ascontiguousarray(arrays["signatures"], dtype=np.uint32)
        if not (len(ids) == count == len(version) == len(dates) == len(lengths)) or sig.shape != (
            rows,
            self.params.num_perm,
        ):
            raise StoryStateError("story state arrays do not agree")
        self._digest = [digest[i * 16 : (i + 1) * 16] for i in range(rows)]
        self._by_digest = {d: i for i, d in enumerate(self._digest)}
        self._sig = sig
        self._signed = np.asarray(arrays["signed"], dtype=np.bool_)
        self._keys = np.asarray(arrays["keys"], dtype=np.uint64)
        self._key_rows = np.asarray(arrays["key_rows"], dtype=np.int32)
        for doc_id, v, d, n in zip(ids, version, dates, lengths, strict=True):
            if not -1 <= v < rows:
                raise StoryStateError("story state: an article's version is out of range")
            self._docs[doc_id] = _Doc(v, date.fromordinal(d) if d else None, n)
            if v >= 0:
                self._members.setdefault(v, set()).add(doc_id)
        for a, b, s in zip(
            arrays["edge_a"].tolist(),
            arrays["edge_b"].tolist(),
            arrays["edge_jaccard"].tolist(),
            strict=True,
        ):
            if a not in self._members or b not in self._members:
                raise StoryStateError("story state: an edge joins an unknown version")
            self._edges.setdefault(a, {})[b] = s
            self._edges.setdefault(b, {})[a] = s
        self._relabel()


def find_groups(articles: Iterable[StoryArticle], params: Params | None = None) -> list[Group]:
    """One-shot grouping of ``articles`` (a fresh `StoryIndex`)."""
    index = StoryIndex(params)
    index.update(articles)
    return index.groups()


# --------------------------------------------------------------------- helpers


def _ranges(starts: I64, counts: I64) -> I64:
    """The indices start[i] .. start[i]+count[i]-1 for every i, concatenated."""
    total = int(counts.sum())
    if not total:
        return np.empty(0, dtype=np.int64)
    ends = np.cumsum(counts)
    offsets = np.repeat(ends - counts, counts)
    return np.repeat(starts, counts) + (np.arange(total) - offsets)


def _pairs_in_runs(sorted_keys: U64, rows: I64) -> tuple[I64, I64]:
    """Every pair of rows whose keys are equal (``sorted_keys`` sorted)."""
    if len(sorted_keys) < 2:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    a_parts: list[I64] = []
    b_parts: list[I64] = []
    for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
        i, j = np.triu_indices(size, k=1)
        run = rows[start : start + size]
        a_parts.append(run[i])
        b_parts.append(run[j])
    if not a_parts:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty
    return np.concatenate(a_parts), np.concatenate(b_parts)


def _bytes_array(data: bytes) -> npt.NDArray[np.uint8]:
    return np.frombuffer(data, dtype=np.uint8)


def write_atomically(path: Path, data: bytes | memoryview) -> None:
    """Write ``data`` to ``path`` so that a reader (or a kill -9) sees the old file or
    the new one, never half: a temporary file beside it, fsync, ``os.replace``."""
    folder = path.parent
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):
            os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    with contextlib.suppress(OSError):  # the rename itself survives a power cut
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def iter_members(groups: Iterable[Group]) -> Iterator[tuple[str, Group]]:
    """(id, its group) for every member of ``groups``."""
    for group in groups:
        for member in group.members:
            yield member, group
