"""The entity store: SQLite beside the index (``entities.sqlite``) for the entity phase.

The text phase commits articles to Whoosh; the entity phase (the statistical recogniser with
our rules over it) runs afterwards in the background and writes here, so neither phase ever
rewrites the other's data. The user's corrections are a layer in this file too, which the
entity phase never touches.

Tables (schema version `SCHEMA_VERSION`, in ``PRAGMA user_version``):

``articles``
    One row per article that went through the entity phase: its id, the text index's content
    hash of the file, the recogniser (model + rules version) that did it, when, and
    ``entity_ids``: the sorted distinct entity ids its mentions resolve to, packed as int32.
    That blob is a copy of what ``mentions`` says, written in the same transaction, so a facet
    builder reads one row per article instead of one per mention (`EntityStore.facet_rows`).
    An integer ``article_key`` stands for the id everywhere else, so the id (a path, maybe
    long) is stored once.
``entities``
    One identity per (type, norm): person, organisation, place, country, date. Ids come from
    AUTOINCREMENT and are never reused within a store, so an id a reader holds never names
    another thing (a recreated store starts again, and its generation tells readers so).
    ``display`` is the name to show; today the norm, later what a rename correction says.
``mentions``
    Each span of each article, keyed by (article, start, end), pointing at its entity. The
    type and norm are the entity's (not repeated per mention).
``aliases``
    The surface forms seen for an entity (folded key, first shown form), so ``person:`` queries
    and facets can merge "Blair" and "Tony Blair" once a resolver says they are one.
``corrections``, ``correction_names``
    The user's corrections (kind + JSON arguments) and the (type, norm) identities each one
    names. Only `EntityStore.add_correction` writes them; replacing or removing articles never
    does, and an entity a correction names is kept even when no mention is left.
``meta``
    ``generation``: bumped by every committed write, so a reader can tell its caches are stale.

Concurrency: one writer at a time (the caller holds the index's update lock while it writes);
WAL lets readers in other threads and processes read while it commits, each read seeing one
committed state. An `EntityStore` is one connection guarded by a lock, usable from any thread
(``check_same_thread=False``), so a store can be opened in one thread and used in a worker;
calls from several threads on one store take turns. Threads that should read at the same time
open a store each.

Crash safety: each `EntityStore.replace_many` is one transaction (the whole batch or none of
it), and `EntityStore.pending` compares what is committed with what the text index holds, so
the phase resumes after a kill -9 without losing or repeating work. ``synchronous=NORMAL``
in WAL mode means a power cut (not a kill) may lose the last commits, never the file's
consistency; `pending` then lists those articles again.

Typical use by the entity phase (holding the update lock)::

    with EntityStore.open(index_dir / FILE_NAME, discard_damaged=True) as store:
        store.remove_articles(store.gone(hashes))
        todo = store.pending(hashes, RECOGNISER)  # hashes: article id -> content hash
        for chunk in batches(todo):
            store.replace_many([(a, hashes[a], recognise(a)) for a in chunk], RECOGNISER)

and by a facet builder (any thread, own store)::

    with EntityStore.open(path, readonly=True) as store, store.reading():
        tables = store.facet_tables(["PERSON", "ORG", "PLACE", "COUNTRY"])
        names = store.entities()
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import sqlite3
import stat
import struct
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from search.analysis import fold
from search.errors import (
    EntityStoreDamaged,
    IndexFolderUnusable,
    IndexLocked,
    IndexWriteFailed,
)
from search.model import CORRECTION_KINDS, Correction, CorrectionKind, Entity, EntityType

log = logging.getLogger("archive_browser.engine.store")

FILE_NAME: Final = "entities.sqlite"
"""The store's file name in the index folder."""

SCHEMA_VERSION: Final = 1
"""Bump on any change to the tables below; a store of another version is recreated empty."""

APPLICATION_ID: Final = 0x41424553
"""``PRAGMA application_id`` of our stores ("ABES"): a SQLite file without it is not ours."""


NO_ALIAS_TYPES: Final = frozenset({"DATE"})
"""Types whose surface forms are not names: no aliases are kept for them."""

_BUSY_TIMEOUT_MS: Final = 10_000
_WRITER_CACHE_KIB: Final = 64 * 1024
"""Page cache of a writer (SQLite's default is 2 MiB): the mention and alias indexes' pages
stay in memory while a phase writes, which keeps the write rate from falling as they grow."""
_WAL_LIMIT_BYTES: Final = 16 * 1024 * 1024
"""A checkpointed WAL is cut back to this, so a long phase leaves no big ``-wal`` behind."""
_SIDE_FILES: Final = ("-wal", "-shm", "-journal")

# SQLite primary result codes (sqlite3.h); Python 3.11 gives the extended code of an error.
_SQLITE_BUSY: Final = 5
_SQLITE_LOCKED: Final = 6
_SQLITE_READONLY: Final = 8
_SQLITE_IOERR: Final = 10
_SQLITE_CORRUPT: Final = 11
_SQLITE_FULL: Final = 13
_SQLITE_CANTOPEN: Final = 14
_SQLITE_NOTADB: Final = 26

_SCHEMA: Final = f"""
CREATE TABLE meta(
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('generation', 0);

CREATE TABLE articles(
    article_key INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    recogniser TEXT NOT NULL,
    done_at REAL NOT NULL,
    entity_ids BLOB NOT NULL
);

CREATE TABLE entities(
    entity_id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    display TEXT NOT NULL,
    UNIQUE(type, norm)
);

CREATE TABLE mentions(
    article_key INTEGER NOT NULL REFERENCES articles(article_key) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(entity_id),
    text TEXT NOT NULL,
    role TEXT,
    country TEXT,
    PRIMARY KEY(article_key, start, "end")
) WITHOUT ROWID;
CREATE INDEX mentions_by_entity ON mentions(entity_id, article_key);

CREATE TABLE aliases(
    entity_id INTEGER NOT NULL REFERENCES entities(entity_id) ON DELETE CASCADE,
    folded TEXT NOT NULL,
    shown TEXT NOT NULL,
    PRIMARY KEY(entity_id, folded)
) WITHOUT ROWID;
CREATE INDEX aliases_by_folded ON aliases(folded);

CREATE TABLE corrections(
    correction_id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK(kind IN ({", ".join(f"'{k}'" for k in CORRECTION_KINDS)})),
    args TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE correction_names(
    correction_id INTEGER NOT NULL REFERENCES corrections(correction_id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    norm TEXT NOT NULL,
    PRIMARY KEY(correction_id, type, norm)
) WITHOUT ROWID;
CREATE INDEX correction_names_by_entity ON correction_names(type, norm);
"""

_TABLES: Final = frozenset(
    {"meta", "articles", "entities", "mentions", "aliases", "corrections", "correction_names"}
)


# ---------------------------------------------------------------------------------------------
# Values in and out


@dataclass(slots=True, frozen=True)
class EntityRow:
    """One identity: what a facet or an entity page shows for an entity id."""

    entity_id: int
    type: str
    norm: str
    display: str


@dataclass(slots=True, frozen=True)
class Alias:
    folded: str
    """The lookup key: each word `fold`-ed, single spaces."""
    shown: str
    """The first surface form seen with that key."""


@dataclass(slots=True)
class FacetRows:
    """Every article the entity phase has done, with the entities it mentions (CSR form).

    The entity ids of ``article_ids[i]`` are ``entity_ids[offsets[i]:offsets[i + 1]]``, sorted
    and distinct. An article done but mentioning none has an empty slice, so "done, nothing
    found" and "not done yet" (absent) stay apart.
    """

    generation: int
    article_ids: list[str]
    offsets: npt.NDArray[np.int64]
    """len(article_ids) + 1 positions into ``entity_ids``."""
    entity_ids: npt.NDArray[np.int32]
    content_hashes: list[str] = field(default_factory=list)
    """The text index's content hash each article was done from (same order as the ids):
    a reader uses an article's row only while the text index holds that content."""


@dataclass(slots=True)
class StoreStats:
    articles: int
    mentions: int
    entities: dict[str, int] = field(default_factory=dict)
    """Number of identities per type."""
    recognisers: dict[str, int] = field(default_factory=dict)
    """Articles done per recogniser."""
    corrections: int = 0
    generation: int = 0


ArticleEntities = tuple[str, str, Sequence[Entity]]
"""(article id, content hash, entities): one article of a `EntityStore.replace_many` batch."""


# ---------------------------------------------------------------------------------------------
# Errors


def _primary(exc: sqlite3.Error) -> int:
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else -1


def _translated(exc: sqlite3.Error, path: Path, *, writing: bool) -> Exception:
    """A user-facing error for what SQLite reported, or ``exc`` itself when it is a bug."""
    code = _primary(exc)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return _damaged(path, str(exc))
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return IndexLocked(f"Another process is writing the entities of this index ({path}).")
    if code == _SQLITE_CANTOPEN:
        return IndexFolderUnusable(f"The entity store {path} cannot be opened: {exc}.")
    if writing and code in (_SQLITE_FULL, _SQLITE_IOERR, _SQLITE_READONLY):
        return IndexWriteFailed(f"Writing the entities of this index failed ({path}): {exc}.")
    return exc


def _damaged(path: Path, detail: str) -> EntityStoreDamaged:
    return EntityStoreDamaged(
        f"The entities of this index cannot be read ({path}: {detail}); "
        "updating the index recreates them."
    )


def _alias_key(text: str) -> str:
    return " ".join(fold(word) for word in text.split())


def _unpack(packed: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(packed) // 4}i", packed[: len(packed) // 4 * 4])


def _pack(ids: Iterable[int]) -> bytes:
    values = sorted(set(ids))
    return struct.pack(f"<{len(values)}i", *values)


# ---------------------------------------------------------------------------------------------
# The store


class EntityStore:
    """One connection to ``entities.sqlite``. Open with `EntityStore.open`."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, readonly: bool) -> None:
        self.path = path
        self.readonly = readonly
        self.recreated: str | None = None
        """Why `open` started this store empty ("version", "damaged") or None."""
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.RLock()

    # -- opening and closing ------------------------------------------------------------------

    @classmethod
    def open(
        cls, path: str | Path, *, discard_damaged: bool = False, readonly: bool = False
    ) -> EntityStore:
        """Open the store at ``path`` (``<index folder>/entities.sqlite``), creating it.

        A store of another schema version (or a SQLite file that is not ours) is emptied and
        recreated; ``pending`` then lists every article again. A file that is not a database,
        or is damaged, raises `EntityStoreDamaged`, or with ``discard_damaged`` is deleted and
        recreated empty. With ``readonly`` nothing is ever written: a missing file raises
        `FileNotFoundError`, another version or damage raise `EntityStoreDamaged`.

        Writers (not ``readonly``) must hold the index's update lock.
        """
        path = Path(path)
        if readonly:
            return cls._open_readonly(path)
        try:
            store = cls._open_writable(path)
        except EntityStoreDamaged:
            if not discard_damaged:
                raise
            log.warning("entity store %s is damaged; recreating it empty", path)
            _remove_files(path)
            store = cls._open_writable(path)
            store.recreated = "damaged"
        return store

    @classmethod
    def _connect(cls, path: Path, *, readonly: bool) -> sqlite3.Connection:
        for name in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
            try:
                mode = name.stat().st_mode
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise _damaged(path, f"{name.name}: {exc}") from exc
            if not stat.S_ISREG(mode):  # a folder or a FIFO (which would hang SQLite's reads)
                raise _damaged(path, f"{name.name} is not a regular file")
        target = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
        try:
            conn = sqlite3.connect(
                target,
                uri=readonly,
                isolation_level=None,  # we say BEGIN and COMMIT ourselves
                check_same_thread=False,  # guarded by the store's lock instead
                timeout=_BUSY_TIMEOUT_MS / 1000,
            )
        except sqlite3.Error as exc:
            raise _translated(exc, path, writing=not readonly) from exc
        return conn

    @classmethod
    def _open_readonly(cls, path: Path) -> EntityStore:
        if not path.exists():
            raise FileNotFoundError(f"no entity store at {path}")
        conn = cls._connect(path, readonly=True)
        try:
            conn.execute("PRAGMA foreign_keys=ON")
            state = _state(conn)
            if state != "current":
                raise _damaged(path, "made by another version" if state != "empty" else "empty")
        except sqlite3.Error as exc:
            conn.close()
            raise _translated(exc, path, writing=False) from exc
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, readonly=True)

    @classmethod
    def _open_writable(cls, path: Path) -> EntityStore:
        conn = cls._connect(path, readonly=False)
        store = cls(path, conn, readonly=False)
        try:
            mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()
            if not mode or str(mode[0]).lower() != "wal":
                log.warning("entity store %s: journal mode %s, not WAL", path, mode)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(f"PRAGMA cache_size=-{_WRITER_CACHE_KIB}")
            conn.execute(f"PRAGMA journal_size_limit={_WAL_LIMIT_BYTES}")
            conn.execute("PRAGMA foreign_keys=ON")
            state = _state(conn)
            if state == "empty":
                store._create()
            elif state == "other":
                log.info("entity store %s is of another version; recreating it empty", path)
                store._create(drop_old=True)
                store.recreated = "version"
        except sqlite3.Error as exc:
            conn.close()
            raise _translated(exc, path, writing=True) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def _create(self, *, drop_old: bool = False) -> None:
        """Make the tables, in one transaction: after a kill the file is old or new, not half.

        With ``drop_old`` whatever the file held goes first (readers elsewhere see the change;
        deleting the file would leave them on the old one), except the user's corrections,
        which are carried over when the old tables read as ours.
        """
        conn = self._db()
        carry = _old_corrections(conn) if drop_old else []
        conn.execute("PRAGMA foreign_keys=OFF")  # no effect inside a transaction
        conn.execute("BEGIN IMMEDIATE")
        try:
            if drop_old:
                rows = conn.execute(
                    "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite%'"
                ).fetchall()
                for kind, name in rows:
                    if kind in ("table", "view", "trigger"):
                        quoted = '"' + str(name).replace('"', '""') + '"'
                        conn.execute(f"DROP {kind.upper()} IF EXISTS {quoted}")
            for statement in _statements(_SCHEMA):
                conn.execute(statement)
            for kind, args, created_at, names in carry:
                cid = _insert_correction(conn, kind, args, created_at)
                conn.executemany(
                    "INSERT OR IGNORE INTO correction_names VALUES (?, ?, ?)",
                    [(cid, t, n) for t, n in names],
                )
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            _bump(conn)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
        if drop_old:
            with contextlib.suppress(sqlite3.OperationalError):
                conn.execute("VACUUM")  # give the old tables' pages back

    @classmethod
    def remove(cls, path: str | Path) -> None:
        """Delete a store's files (after `EntityStoreDamaged` from a read, say).

        The caller holds the update lock and has closed its own store on the file; the next
        `open` starts empty.
        """
        _remove_files(Path(path))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> EntityStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("the entity store is closed")
        return self._conn

    @contextlib.contextmanager
    def _guard(self, *, writing: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, under the store's lock, SQLite errors turned into ours."""
        with self._lock:
            conn = self._db()
            if writing and self.readonly:
                raise ValueError("the entity store was opened read-only")
            try:
                yield conn
            except sqlite3.Error as exc:
                raise _translated(exc, self.path, writing=writing) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One read transaction (unless `reading` already holds one)."""
        with self._guard() as conn:
            if conn.in_transaction:
                yield conn
                return
            conn.execute("BEGIN")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # keep the first error
                        conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction that bumps the generation: all of it is committed or none."""
        with self._guard(writing=True) as conn:
            if conn.in_transaction:
                raise ValueError("cannot write inside reading()")
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                _bump(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):  # keep the first error
                        conn.execute("ROLLBACK")
                raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[EntityStore]:
        """Hold one read transaction: the reads inside see the same committed state.

        ``with store.reading(): rows = store.facet_rows("PERSON"); names = store.entities()``
        """
        with self._read():
            yield self

    # -- the entity phase ---------------------------------------------------------------------

    def pending(self, articles: Mapping[str, str], recogniser: str) -> list[str]:
        """The ids of ``articles`` (id -> content hash in the text index) still to do.

        Still to do: not in the store, done from other content, or by another recogniser.
        In the order of ``articles``.
        """
        with self._read() as conn:
            done = {
                article_id: (content_hash, by)
                for article_id, content_hash, by in conn.execute(
                    "SELECT article_id, content_hash, recogniser FROM articles"
                )
            }
        return [
            article_id
            for article_id, content_hash in articles.items()
            if done.get(article_id) != (content_hash, recogniser)
        ]

    def gone(self, articles: Collection[str]) -> list[str]:
        """Ids in the store that are not among ``articles`` (removed from the archive)."""
        with self._read() as conn:
            rows = conn.execute("SELECT article_id FROM articles ORDER BY article_key").fetchall()
        present = articles if isinstance(articles, AbstractSet | Mapping) else set(articles)
        return [article_id for (article_id,) in rows if article_id not in present]

    def replace_many(self, batch: Sequence[ArticleEntities], recogniser: str) -> None:
        """Replace each article's mentions with ``entities``, the whole batch in one transaction.

        Each mention resolves to the identity (type, norm), created when new; its surface form
        is recorded as an alias. Two mentions with the same span keep the first. Identities no
        mention names any more are removed, unless a correction names them.
        """
        if not batch:
            return
        batch = [(a, h, list(entities)) for a, h, entities in batch]  # read twice below
        now = time.time()
        with self._write() as conn:
            resolver = _Resolver(conn)
            resolver.prefetch(batch)
            known = _known_articles(conn, [article_id for article_id, _, _ in batch])
            dropped: set[int] = set()
            rows: list[tuple[int, int, int, int, str, str | None, str | None]] = []
            written: set[int] = set()
            for article_id, content_hash, entities in batch:
                mentions: dict[tuple[int, int], tuple[int, Entity]] = {}
                for entity in entities:
                    span = (entity.start, entity.end)
                    if span in mentions:
                        log.warning("%r: second mention of span %s dropped", article_id, span)
                        continue
                    mentions[span] = (resolver.entity_id(entity), entity)
                packed = _pack(eid for eid, _ in mentions.values())
                old = known.get(article_id)
                if old is None:
                    key = conn.execute(
                        "INSERT INTO articles(article_id, content_hash, recogniser, done_at,"
                        " entity_ids) VALUES (?, ?, ?, ?, ?)",
                        (article_id, content_hash, recogniser, now, packed),
                    ).lastrowid
                    assert key is not None
                else:
                    key, old_ids = old
                    dropped.update(_unpack(old_ids))
                    conn.execute(
                        "UPDATE articles SET content_hash = ?, recogniser = ?, done_at = ?,"
                        " entity_ids = ? WHERE article_key = ?",
                        (content_hash, recogniser, now, packed, key),
                    )
                    conn.execute("DELETE FROM mentions WHERE article_key = ?", (key,))
                    if key in written:  # an id twice in one batch: the last one wins
                        rows = [r for r in rows if r[0] != key]
                known[article_id] = (key, packed)
                written.add(key)
                rows.extend(
                    (key, e.start, e.end, eid, e.text, e.role, e.country)
                    for eid, e in mentions.values()
                )
            conn.executemany(
                'INSERT INTO mentions(article_key, start, "end", entity_id, text, role,'
                " country) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            resolver.write_aliases()
            _drop_orphans(conn, dropped)

    def remove_articles(self, article_ids: Iterable[str]) -> int:
        """Forget articles gone from the archive; returns how many were in the store.

        Identities left without mentions go too, unless a correction names them.
        """
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return 0
        removed = 0
        with self._write() as conn:
            dropped: set[int] = set()
            for article_id in ids:
                row = conn.execute(
                    "SELECT article_key FROM articles WHERE article_id = ?", (article_id,)
                ).fetchone()
                if row is None:
                    continue
                dropped.update(
                    eid
                    for (eid,) in conn.execute(
                        "SELECT DISTINCT entity_id FROM mentions WHERE article_key = ?", row
                    )
                )
                conn.execute("DELETE FROM articles WHERE article_key = ?", row)  # cascades
                removed += 1
            _drop_orphans(conn, dropped)
        return removed

    # -- reading ------------------------------------------------------------------------------

    def generation(self) -> int:
        """Changes with every committed write (also across a recreated store)."""
        with self._read() as conn:
            return _generation(conn)

    def done(self, article_id: str) -> tuple[str, str] | None:
        """(content hash, recogniser) the article was done with, or None."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT content_hash, recogniser FROM articles WHERE article_id = ?",
                (article_id,),
            ).fetchone()
        return (str(row[0]), str(row[1])) if row else None

    def mentions(self, article_id: str) -> list[Entity]:
        """The article's mentions ordered by start (then end); [] when not done."""
        with self._read() as conn:
            rows = conn.execute(
                'SELECT e.type, m.text, m.start, m."end", e.norm, m.role, m.country'
                " FROM articles a JOIN mentions m ON m.article_key = a.article_key"
                " JOIN entities e ON e.entity_id = m.entity_id"
                ' WHERE a.article_id = ? ORDER BY m.start, m."end"',
                (article_id,),
            ).fetchall()
        return [Entity(*row) for row in rows]

    def facet_rows(self, entity_type: EntityType | None = None) -> FacetRows:
        """Every done article and the distinct entities (of ``entity_type``) it mentions.

        Meant for a facet builder: map ``article_ids`` to document numbers once, then count
        with numpy over ``entity_ids``. For several types, `facet_tables` reads once.
        """
        if entity_type is None:
            with self._read() as conn:
                generation, article_ids, hashes, lengths, flat, _ = self._packed(conn)
            return FacetRows(generation, article_ids, _offsets(lengths), flat, hashes)
        return self.facet_tables([entity_type])[entity_type]

    def facet_tables(self, types: Iterable[EntityType]) -> dict[EntityType, FacetRows]:
        """`facet_rows` of several types from one read (and one committed state).

        The tables share one ``article_ids`` list.
        """
        wanted = tuple(dict.fromkeys(types))
        with self._read() as conn:
            generation, article_ids, hashes, lengths, flat, top = self._packed(conn)
            codes = np.full(top + 1, -1, dtype=np.int8)
            for code, kind in enumerate(wanted):
                ids = np.fromiter(
                    (
                        eid
                        for (eid,) in conn.execute(
                            "SELECT entity_id FROM entities WHERE type = ?", (kind,)
                        )
                    ),
                    dtype=np.int64,
                )
                codes[ids] = code
        flat_codes = codes[flat]
        owner = np.repeat(np.arange(len(article_ids), dtype=np.int64), lengths)
        tables: dict[EntityType, FacetRows] = {}
        for code, kind in enumerate(wanted):
            keep = flat_codes == code
            counts = np.bincount(owner[keep], minlength=len(article_ids)).astype(np.int64)
            tables[kind] = FacetRows(generation, article_ids, _offsets(counts), flat[keep], hashes)
        return tables

    def _packed(
        self, conn: sqlite3.Connection
    ) -> tuple[int, list[str], list[str], npt.NDArray[np.int64], npt.NDArray[np.int32], int]:
        """(generation, article ids, their content hashes, entity ids per article, all entity
        ids, largest id)."""
        generation = _generation(conn)
        rows = conn.execute(
            "SELECT article_id, entity_ids, content_hash FROM articles ORDER BY article_key"
        ).fetchall()
        top = int(conn.execute("SELECT max(entity_id) FROM entities").fetchone()[0] or 0)
        article_ids = [row[0] for row in rows]
        blobs = [row[1] for row in rows]
        if any(not isinstance(blob, bytes) or len(blob) % 4 for blob in blobs):
            raise _damaged(self.path, "a packed entity list is cut")
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // 4
        flat = np.frombuffer(b"".join(blobs), dtype="<i4").astype(np.int32, copy=False)
        if flat.size and (int(flat.min()) < 1 or int(flat.max()) > top):
            raise _damaged(self.path, "a packed entity list names unknown entities")
        return generation, article_ids, [row[2] for row in rows], lengths, flat, top

    def entities(self, entity_type: EntityType | None = None) -> dict[int, EntityRow]:
        """entity id -> identity, of one type or all."""
        with self._read() as conn:
            if entity_type is None:
                rows = conn.execute("SELECT entity_id, type, norm, display FROM entities")
            else:
                rows = conn.execute(
                    "SELECT entity_id, type, norm, display FROM entities WHERE type = ?",
                    (entity_type,),
                )
            return {int(r[0]): EntityRow(int(r[0]), r[1], r[2], r[3]) for r in rows}

    def entity_id(self, entity_type: str, norm: str) -> int | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT entity_id FROM entities WHERE type = ? AND norm = ?", (entity_type, norm)
            ).fetchone()
        return int(row[0]) if row else None

    def articles_of(self, entity_id: int) -> list[str]:
        """The ids of the articles that mention an entity, in the order they were done."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT a.article_id FROM mentions m JOIN articles a"
                " ON a.article_key = m.article_key WHERE m.entity_id = ?"
                " GROUP BY m.article_key ORDER BY m.article_key",
                (entity_id,),
            ).fetchall()
        return [row[0] for row in rows]

    def aliases(self, entity_id: int) -> list[Alias]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT folded, shown FROM aliases WHERE entity_id = ? ORDER BY folded",
                (entity_id,),
            ).fetchall()
        return [Alias(folded, shown) for folded, shown in rows]

    def alias_keys(self) -> list[tuple[int, str]]:
        """Every (entity id, folded surface form) seen: to tie short forms across articles."""
        with self._read() as conn:
            return [
                (int(eid), str(folded))
                for eid, folded in conn.execute("SELECT entity_id, folded FROM aliases")
            ]

    def lookup_alias(self, text: str, entity_type: str | None = None) -> list[int]:
        """Ids of the entities ``text`` has been seen as (folded: case and accents ignored)."""
        key = _alias_key(text)
        with self._read() as conn:
            if entity_type is None:
                rows = conn.execute(
                    "SELECT entity_id FROM aliases WHERE folded = ? ORDER BY entity_id", (key,)
                )
            else:
                rows = conn.execute(
                    "SELECT a.entity_id FROM aliases a JOIN entities e"
                    " ON e.entity_id = a.entity_id WHERE a.folded = ? AND e.type = ?"
                    " ORDER BY a.entity_id",
                    (key, entity_type),
                )
            return [int(eid) for (eid,) in rows]

    def stats(self) -> StoreStats:
        with self._read() as conn:
            articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            mentions = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
            per_type = dict(
                conn.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type")
            )
            recognisers = dict(
                conn.execute(
                    "SELECT recogniser, count(*) FROM articles GROUP BY recogniser"
                    " ORDER BY recogniser"
                )
            )
            corrections = conn.execute("SELECT count(*) FROM corrections").fetchone()[0]
            return StoreStats(
                articles, mentions, per_type, recognisers, corrections, _generation(conn)
            )

    def check(self, *, quick: bool = False) -> list[str]:
        """SQLite's integrity and foreign-key checks: [] when the file is sound.

        Reads the whole file (seconds at 100,000 articles); ``quick`` skips checking that
        the indexes match their tables.
        """
        pragma = "quick_check" if quick else "integrity_check"
        with self._guard() as conn:
            problems = [
                str(row[0]) for row in conn.execute(f"PRAGMA {pragma}") if str(row[0]) != "ok"
            ]
            problems += [repr(tuple(row)) for row in conn.execute("PRAGMA foreign_key_check")]
        return problems

    # -- the user's corrections (recorded only; applying them is a later step) ----------------

    def add_correction(
        self,
        kind: CorrectionKind,
        args: Mapping[str, object],
        names: Iterable[tuple[str, str]] = (),
    ) -> int:
        """Record a correction; ``names`` are the (type, norm) identities it is about."""
        if kind not in CORRECTION_KINDS:
            raise ValueError(f"unknown correction kind {kind!r}")
        text = json.dumps(dict(args), ensure_ascii=False, sort_keys=True)
        with self._write() as conn:
            cid = _insert_correction(conn, kind, text, time.time())
            conn.executemany(
                "INSERT OR IGNORE INTO correction_names VALUES (?, ?, ?)",
                [(cid, t, n) for t, n in names],
            )
        return cid

    def remove_correction(self, correction_id: int) -> bool:
        """Take a correction back (undo); False if there is none of that id."""
        with self._write() as conn:
            gone = conn.execute(
                "DELETE FROM corrections WHERE correction_id = ?", (correction_id,)
            ).rowcount
        return bool(gone)

    def corrections(self) -> list[Correction]:
        """Every correction, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT correction_id, kind, args, created_at FROM corrections"
                " ORDER BY correction_id"
            ).fetchall()
            names: dict[int, list[tuple[str, str]]] = {}
            for cid, t, n in conn.execute(
                "SELECT correction_id, type, norm FROM correction_names"
                " ORDER BY correction_id, type, norm"
            ):
                names.setdefault(int(cid), []).append((t, n))
        return [
            Correction(int(cid), kind, json.loads(args), tuple(names.get(int(cid), ())), created)
            for cid, kind, args, created in rows
        ]


# ---------------------------------------------------------------------------------------------
# Helpers


class _Resolver:
    """(type, norm) -> entity id within one write transaction, creating identities."""

    _CHUNK: Final = 500
    """Norms per lookup query (SQLite allows 32,766 parameters; small keeps plans simple)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        self._ids: dict[tuple[str, str], int] = {}
        self._aliases: dict[tuple[int, str], str] = {}
        self._seen: set[tuple[int, str]] = set()

    def prefetch(self, batch: Sequence[ArticleEntities]) -> None:
        """Look up every identity the batch names in a few queries instead of one each.

        Must be called before `entity_id`, which takes what it does not find for new."""
        by_type: dict[str, set[str]] = {}
        for _, _, entities in batch:
            for e in entities:
                by_type.setdefault(e.type, set()).add(e.norm)
        for kind, wanted in by_type.items():
            norms = sorted(wanted)
            for i in range(0, len(norms), self._CHUNK):
                chunk = norms[i : i + self._CHUNK]
                marks = ", ".join("?" * len(chunk))
                for eid, norm in self._conn.execute(
                    f"SELECT entity_id, norm FROM entities WHERE type = ? AND norm IN ({marks})",
                    (kind, *chunk),
                ):
                    self._ids[(kind, norm)] = int(eid)

    def entity_id(self, entity: Entity) -> int:
        key = (entity.type, entity.norm)
        eid = self._ids.get(key)
        if eid is None:  # not in the store (`prefetch` looked): a new identity
            new = self._conn.execute(
                "INSERT INTO entities(type, norm, display) VALUES (?, ?, ?)",
                (entity.type, entity.norm, entity.norm),
            ).lastrowid
            assert new is not None
            eid = new
            if entity.type not in NO_ALIAS_TYPES:
                self._alias(eid, entity.norm)
            self._ids[key] = eid
        if entity.type not in NO_ALIAS_TYPES:
            self._alias(eid, entity.text)
        return eid

    def _alias(self, eid: int, text: str) -> None:
        if (eid, text) in self._seen:
            return
        self._seen.add((eid, text))
        folded = _alias_key(text)
        if folded:
            self._aliases.setdefault((eid, folded), " ".join(text.split()))

    def write_aliases(self) -> None:
        self._conn.executemany(
            "INSERT OR IGNORE INTO aliases(entity_id, folded, shown) VALUES (?, ?, ?)",
            [(eid, folded, shown) for (eid, folded), shown in self._aliases.items()],
        )


def _known_articles(
    conn: sqlite3.Connection, article_ids: Sequence[str]
) -> dict[str, tuple[int, bytes]]:
    """id -> (article key, packed entity ids) of those already in the store."""
    known: dict[str, tuple[int, bytes]] = {}
    ids = sorted(set(article_ids))
    for i in range(0, len(ids), _Resolver._CHUNK):
        chunk = ids[i : i + _Resolver._CHUNK]
        marks = ", ".join("?" * len(chunk))
        for article_id, key, packed in conn.execute(
            "SELECT article_id, article_key, entity_ids FROM articles"
            f" WHERE article_id IN ({marks})",
            chunk,
        ):
            known[article_id] = (int(key), bytes(packed))
    return known


def _drop_orphans(conn: sqlite3.Connection, candidates: Iterable[int]) -> None:
    """Remove identities without mentions, except those a correction names."""
    conn.executemany(
        "DELETE FROM entities WHERE entity_id = ?1"
        " AND NOT EXISTS (SELECT 1 FROM mentions WHERE entity_id = ?1)"
        " AND NOT EXISTS (SELECT 1 FROM correction_names c"
        " WHERE c.type = entities.type AND c.norm = entities.norm)",
        [(eid,) for eid in candidates],
    )


def _insert_correction(conn: sqlite3.Connection, kind: str, args: str, created: float) -> int:
    row = conn.execute(
        "INSERT INTO corrections(kind, args, created_at) VALUES (?, ?, ?) RETURNING correction_id",
        (kind, args, created),
    ).fetchone()
    return int(row[0])


def _offsets(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    return int(row[0]) if row else 0


def _bump(conn: sqlite3.Connection) -> None:
    """Next generation: +1, but never behind the clock (in µs), so a recreated store's
    generations differ from the old one's."""
    conn.execute(
        "UPDATE meta SET value = max(value + 1, ?) WHERE key = 'generation'",
        (time.time_ns() // 1000,),
    )


def _state(conn: sqlite3.Connection) -> Literal["empty", "current", "other"]:
    """What the file holds: nothing yet, our current tables, or something else."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    app = int(conn.execute("PRAGMA application_id").fetchone()[0])
    names = {
        str(row[0])
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if not names and version == 0:
        return "empty"
    if version == SCHEMA_VERSION and app == APPLICATION_ID and names >= _TABLES:
        return "current"
    return "other"


def _old_corrections(
    conn: sqlite3.Connection,
) -> list[tuple[str, str, float, list[tuple[str, str]]]]:
    """The corrections of a store of another version, where they read as ours."""
    if int(conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
        return []
    try:
        rows = conn.execute(
            "SELECT correction_id, kind, args, created_at FROM corrections ORDER BY correction_id"
        ).fetchall()
        names: dict[object, list[tuple[str, str]]] = {}
        with contextlib.suppress(sqlite3.OperationalError):
            for cid, t, n in conn.execute("SELECT correction_id, type, norm FROM correction_names"):
                names.setdefault(cid, []).append((str(t), str(n)))
    except sqlite3.OperationalError:
        return []
    return [
        (str(kind), str(args), float(created), names.get(cid, []))
        for cid, kind, args, created in rows
        if kind in CORRECTION_KINDS
    ]


def _statements(script: str) -> Iterator[str]:
    """The statements of our schema script (no semicolons inside them)."""
    for part in script.split(";"):
        if part.strip():
            yield part.strip()


def _remove_files(path: Path) -> None:
    for name in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        if name.is_dir() and not name.is_symlink():
            shutil.rmtree(name, ignore_errors=True)
        else:
            with contextlib.suppress(FileNotFoundError):
                name.unlink()
