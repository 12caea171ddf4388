"""The people, organisation and place columns of a `DocTable`, from the entity store.

The text phase recognises countries alone (`search.update.prepare.analyse`): its people,
organisation and place columns are empty. The entity phase writes the names (the
statistical recogniser with our rules over it) into the entity store, and a reader lays
the store's entities over the table: an article the store has done *from the content the
text index holds now* gets the store's names; any other (not done yet, or changed since)
has none until it is done. Facets, filters and ``person:`` queries all read the columns
made here, so they agree with one another and with the reader's highlights
(`entities_of`).

Countries stay the text phase's (the rules are fast and excellent at them, so the
country filter never waits for the entity phase).
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from search.analysis import fold
from search.errors import EntityStoreDamaged
from search.model import Entity, EntityType
from search.store.corrections import CorrectionSet, key_of
from search.store.doctable import BoolArray, DocTable, IntArray, MultiValued, preferred_spelling
from search.store.entity_store import EntityRow, EntityStore, FacetRows

log = logging.getLogger("archive_browser.engine.entity_columns")

TYPES: tuple[EntityType, ...] = ("PERSON", "ORG", "PLACE")
"""The types whose DocTable columns (people, orgs, places) the store fills."""


@dataclass(slots=True, frozen=True)
class Overlay:
    """What a reader laid over its table, to tell when the store has moved on."""

    generation: int
    """The store's generation read (0: no store, or none readable)."""
    done: int
    """Articles whose names came from the store."""
    merged: dict[tuple[str, str], str] = field(default_factory=dict)
    """(type, folded norm) -> the name of the one identity it is a short form of."""
    corrections: CorrectionSet = field(default_factory=CorrectionSet)
    """The user's corrections, applied over the machine's entities."""

    def name_of(self, entity: Entity) -> str:
        """The name a mention resolves to across the archive (before corrections)."""
        return self.merged.get((entity.type, fold(entity.norm)), entity.norm)

    def entities(self, article_id: str, found: list[Entity]) -> list[Entity]:
        """An article's mentions as the reader shows them: one name per identity across
        the archive, then the user's corrections."""
        named = [replace(e, norm=self.name_of(e)) for e in found]
        return self.corrections.entities(article_id, named)


def short_forms(
    rows: dict[int, EntityRow],
    aliases: list[tuple[int, str]],
    apart: Collection[tuple[str, str]] = (),
) -> dict[int, str]:
    """entity id -> the name of the one other identity its name is a short form of.

    An article that says "Tony Blair ... Blair" or "Securities and Exchange Commission
    (SEC)" records "blair" and "sec" as aliases of the full names. Another article that
    only says "Blair" or "the SEC" gets an identity of that short name; it is the full
    one when exactly one identity of its type was seen under that alias (two Smiths
    keep "Smith" apart). One step only: a short form of a short form stays itself. ``apart``:
    (type, folded name) of short names the user keeps apart (a correction)."""
    owners: dict[tuple[str, str], set[int]] = {}
    for entity_id, folded in aliases:
        row = rows.get(entity_id)
        if row is not None and row.type in TYPES and fold(row.norm) != folded:
            owners.setdefault((row.type, folded), set()).add(entity_id)
    out: dict[int, str] = {}
    for entity_id, row in rows.items():
        if row.type not in TYPES or key_of(row.type, row.norm) in apart:
            continue
        owner = owners.get((row.type, " ".join(fold(w) for w in row.norm.split())))
        if owner and len(owner) == 1:
            (full,) = owner
            if full != entity_id:
                out[entity_id] = rows[full].display
    return out


class ContentHashes:
    """docnum -> the content hash the text index holds (deleted documents too).

    Read from the index's signature column when first asked, under ``lock`` (the
    generation's: its reader serves one thread at a time): an archive without an entity
    store needs none, and at 100,000 articles decoding every signature was most of
    opening one (0.5 s of a 2 s cold start, issue #17)."""

    def __init__(self, reader: Any, size: int, lock: threading.RLock | None = None) -> None:
        self._reader = reader
        self._size = size
        self._lock = lock or threading.RLock()
        self._hashes: list[str] | None = None

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, docnum: int) -> str:
        hashes = self._hashes
        if hashes is None:
            with self._lock:
                if self._hashes is None:
                    self._hashes = self._read()
                hashes = self._hashes
        return hashes[docnum]

    def _read(self) -> list[str]:
        if not self._size:
            return []
        # The hash is a signature's third field (`schema.encode_signature`).
        return [raw.split(b":", 3)[2].decode() for raw in self._reader.column_reader("c_sig")]


def open_for_reading(path: Path) -> EntityStore | None:
    """The store, read-only; None while there is none (or it is being created, or is of
    another version: the next update recreates it). Damage is logged, not raised: the
    text phase's entities serve meanwhile."""
    try:
        return EntityStore.open(path, readonly=True)
    except FileNotFoundError:
        return None
    except EntityStoreDamaged as exc:
        log.info("entity store not usable yet: %s", exc)
        return None
    except Exception as exc:  # sqlite3 errors of a damaged file among them
        log.warning("entity store not readable: %s", exc)
        return None


def overlay(
    table: DocTable,
    path: Path,
    hashes: ContentHashes,
    text_entities: Callable[[str], list[Entity]],
) -> tuple[DocTable, Overlay]:
    """``table`` with its name columns from the store at ``path``, where it has done the
    article's current content (``hashes``: docnum -> content hash), and the user's
    corrections over them. ``text_entities``: an article's text-phase entities (for the
    few articles a correction names, when the store has not done them)."""
    store = open_for_reading(path)
    if store is None:
        return table, Overlay(0, 0)
    try:
        with store, store.reading():
            tables = store.facet_tables(TYPES)
            rows = store.entities()
            corrections = CorrectionSet.build(store.corrections())
            shorter = short_forms(rows, store.alias_keys(), corrections.apart)
            named = {*corrections.rejected_here, *corrections.added}
            here = {a: _current(store, a, table, hashes, text_entities) for a in named}
    except Exception as exc:  # damage shows as anything: the text phase's names serve
        log.warning("entity store not readable: %s", exc)
        return table, Overlay(0, 0)
    names = {eid: shorter.get(eid, row.display) for eid, row in rows.items()}
    merged_names = {(rows[eid].type, fold(rows[eid].norm)): name for eid, name in shorter.items()}
    first = next(iter(tables.values()))
    docnum_of_row = _docnums(table, first, hashes)
    done = np.zeros(table.size, dtype=bool)
    done[docnum_of_row[docnum_of_row >= 0]] = True

    def column(kind: EntityType, base: MultiValued) -> MultiValued:
        return merged(base, done, tables[kind], docnum_of_row, names)

    laid = replace(
        table,
        people=column("PERSON", table.people),
        orgs=column("ORG", table.orgs),
        places=column("PLACE", table.places),
    )
    names_of = Overlay(first.generation, int(np.count_nonzero(done)), merged_names, corrections)
    here = {a: [replace(e, norm=names_of.name_of(e)) for e in found] for a, found in here.items()}
    return corrections.apply(laid, here), names_of


def _current(
    store: EntityStore,
    article_id: str,
    table: DocTable,
    hashes: ContentHashes,
    text_entities: Callable[[str], list[Entity]],
) -> list[Entity]:
    """An article's machine entities now: the store's for its content, else the text's."""
    docnum = table.docnum_by_id.get(article_id)
    if docnum is None:
        return []
    done = store.done(article_id)
    if done is not None and done[0] == hashes[docnum]:
        return store.mentions(article_id)
    return text_entities(article_id)


def _docnums(table: DocTable, rows: FacetRows, hashes: ContentHashes) -> IntArray:
    """Per store row, the live document it stands for, or -1 (gone, or other content)."""
    by_id = table.docnum_by_id
    out = np.full(len(rows.article_ids), -1, dtype=np.int64)
    for i, (article_id, content_hash) in enumerate(
        zip(rows.article_ids, rows.content_hashes, strict=True)
    ):
        docnum = by_id.get(article_id)
        if docnum is not None and hashes[docnum] == content_hash:
            out[i] = docnum
    return out


def merged(
    base: MultiValued,
    done: BoolArray,
    rows: FacetRows,
    docnum_of_row: IntArray,
    names: dict[int, str],
) -> MultiValued:
    """``base``'s pairs for the documents not ``done``, the store's for those done.

    Values merge by folded form as in `MultiValued.build`: a name of ``base`` keeps its
    spelling; the store's identities of one folded name (``Le Thi Thu Hang``, ``Lê Thị
    Thu Hằng``) show as `preferred_spelling` picks among their display names."""
    if not done.any():
        return base  # the store has done none of these articles
    keep = ~done[base.docs]
    owner = np.repeat(docnum_of_row, np.diff(rows.offsets))
    chosen = owner >= 0
    owner, entity_ids = owner[chosen], rows.entity_ids[chosen].astype(np.int64)
    vocab = list(base.vocab)
    index = dict(base.index)
    distinct, named = np.unique(entity_ids, return_counts=True)
    spellings: dict[str, Counter[str]] = {}
    for entity_id, times in zip(distinct.tolist(), named.tolist(), strict=True):
        name = names[entity_id]
        if fold(name) not in index:
            spellings.setdefault(fold(name), Counter())[name] += times
    for folded, forms in spellings.items():
        index[folded] = len(vocab)
        vocab.append(preferred_spelling(forms))
    position = np.fromiter(
        (index[fold(names[entity_id])] for entity_id in distinct.tolist()),
        dtype=np.int64,
        count=len(distinct),
    )
    values = position[np.searchsorted(distinct, entity_ids)]
    # Two identities of one folded name in one article count once.
    return base.rebuilt(
        vocab,
        index,
        np.concatenate([base.docs[keep], owner]),
        np.concatenate([base.values[keep], values]),
    )


def entities_of(path: Path, article_id: str, content_hash: str) -> list[Entity] | None:
    """The store's entities of one article, if it has done this content; else None."""
    store = open_for_reading(path)
    if store is None:
        return None
    try:
        with store, store.reading():
            done = store.done(article_id)
            if done is None or done[0] != content_hash:
                return None
            return store.mentions(article_id)
    except Exception as exc:  # damage shows as anything: the text phase's entities serve
        log.warning("entity store not readable: %s", exc)
        return None
