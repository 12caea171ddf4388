"""One index generation as its readers see it: an immutable `Snapshot`, swapped whole.

A `Snapshot` holds everything a read of one generation needs: the Whoosh searcher (the
stored articles, the postings, the term arrays beside its segments), the document table
as Whoosh has it (``base_table``) and with the entity store's names and the user's
corrections laid over it (``table``, ``overlay``), the content hashes the entity store is
matched by, the story groups, the body words' document frequencies, and the caches the
query layer keeps per generation (`Snapshot.per_generation`: the executor's postings, the
stems). Nothing in it changes once it is built: laying newer entities, a correction or
newer story groups makes another `Snapshot` (`with_entities`, `with_stories`) of the same
`Generation`, sharing its searcher and caches.

Lifecycle. `open_snapshot` builds one, in the thread that refreshes, while searches go on
on the current one. `Current` holds the one reference readers take it from:
``with current.reading() as snap:`` counts the reader in and out under a lock held for
those few instructions only, and `Current.swap` puts the next snapshot in the same way,
so a search sees one generation from its start to its end. A `Generation` is closed (its
searcher, its index) when its count of holders falls to zero: `Current`'s own reference,
dropped when another generation is swapped in or the archive closes, and each reader's.

Threads. Whoosh reads its files with a seek and then a read on file objects the searcher
shares, and the executor's caches and per-query budget are one object per generation:
neither may be used by two threads at once. So each generation has one lock,
`Snapshot.reading()` (re-entrant), held around every read of its searcher and of those
caches: the readers of one generation take turns, as all readers did before snapshots.
The tables' rows (`DocTable.row`) are a Whoosh column too: they are read under it, one
row at a time. Readers of another generation, the building of the next snapshot and the
reads of the tables' numpy columns (facet counts, entity lists, statistics) never wait
for it. One lock
rather than a searcher per thread: each searcher would open every segment again (tenths of
a second at 10^5 articles) and fill caches of its own (the postings alone up to ~480 MB),
for little gain on the two cores this runs on, where a query is mostly numpy and Python.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar, cast

from search.errors import ArchiveClosed
from search.model import Entity
from search.store import entity_columns, folder, tablecache
from search.store.doctable import DocTable
from search.store.entity_columns import Overlay
from search.store.folder import IndexPaths
from search.store.schema import article_from_stored, stored_body
from search.store.story_state import StoryColumn
from search.store.term_stats import DocFrequencies

T = TypeVar("T")

CLOSED = "This archive has been closed; open it again to search it."


class Generation:
    """What the snapshots of one index generation share: the index and searcher they read,
    the lock their readers take turns by, the query layer's caches, and the count of
    holders that closes them all when it falls to zero."""

    def __init__(self, index: Any, searcher: Any) -> None:
        self.index = index
        self.searcher = searcher
        self.reader = searcher.reader()
        self.lock = threading.RLock()
        """Held around each read of the searcher's files or of ``cache``'s contents."""
        self.cache: dict[Callable[..., Any], Any] = {}
        """The query layer's objects per generation, keyed by the function that built them."""
        self._count_lock = threading.Lock()
        self._holders = 1
        """The builder's reference, handed on to `Current` by the swap."""
        self.closed = False

    def acquire(self) -> None:
        """Count one more holder (raises once the generation is closed)."""
        with self._count_lock:
            if self.closed:
                raise ArchiveClosed(CLOSED)
            self._holders += 1

    def release(self) -> None:
        """Count one holder out; the last one closes the searcher and the index."""
        with self._count_lock:
            self._holders -= 1
            last = self._holders == 0 and not self.closed
            if last:
                self.closed = True
        if last:
            self.cache.clear()
            self.searcher.close()
            self.index.close()

    @property
    def holders(self) -> int:
        with self._count_lock:
            return self._holders


@dataclass(frozen=True, eq=False)
class Snapshot:
    """One generation's index and tables, as one read sees them (see the module)."""

    generation: Generation
    live_id: tuple[int, int]
    """The live folder's identity when it was opened (a rebuild swaps in another)."""
    base_table: DocTable
    """The per-document table as the text index has it."""
    hashes: entity_columns.ContentHashes
    """docnum -> content hash (what the entity store's rows are matched by)."""
    frequencies: DocFrequencies
    """Body words' document frequencies (built on first use, by "related")."""
    table: DocTable
    """``base_table`` with the entity store's names and the corrections laid over."""
    overlay: Overlay
    overlaid_at: float
    """When ``overlay`` was read (``time.monotonic``)."""
    stories: StoryColumn
    stories_stamp: tuple[int, int, int]
    """The story groups file's stamp when ``stories`` was read."""
    _memo: dict[Callable[..., Any], Any] = field(default_factory=dict, init=False, repr=False)
    _memo_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    @property
    def searcher(self) -> Any:
        return self.generation.searcher

    @property
    def reader(self) -> Any:
        return self.generation.reader

    def reading(self) -> threading.RLock:
        """The generation's lock: hold it around reads of the searcher and its caches."""
        return self.generation.lock

    def stored_fields(self, docnum: int) -> dict[str, Any]:
        with self.generation.lock:
            found: dict[str, Any] = self.generation.searcher.stored_fields(docnum)
        return found

    def body_of(self, docnum: int) -> str:
        return stored_body(self.stored_fields(docnum)["doc"])

    def text_entities(self, article_id: str) -> list[Entity]:
        """The text phase's entities of an article (stored with its text)."""
        return _text_entities(self.generation, self.base_table, article_id)

    def per_generation(self, build: Callable[[Snapshot], T]) -> T:
        """What ``build`` makes of this generation, made once and shared by its snapshots
        (the query layer's executor and stems: they hold the searcher's reader, so they
        are used under `reading`, and are built under it)."""
        cache = self.generation.cache
        with self.generation.lock:
            found = cache.get(build)
            if found is None:
                found = cache[build] = build(self)
        return cast(T, found)

    def per_snapshot(self, build: Callable[[Snapshot], T]) -> T:
        """What ``build`` makes of this snapshot's tables, made once (by the first that
        asks: the others wait for it, readers of the searcher do not)."""
        with self._memo_lock:
            found = self._memo.get(build)
            if found is None:
                found = self._memo[build] = build(self)
        return cast(T, found)

    def is_current(self, paths: IndexPaths) -> bool:
        """Whether the live folder is still the one read, at the generation read."""
        if folder.identity(paths.live) != self.live_id:
            return False
        return bool(self.generation.searcher.up_to_date())

    def with_entities(self, table: DocTable, overlay: Overlay) -> Snapshot:
        """This generation with other name columns laid over (entity store, corrections)."""
        return replace(self, table=table, overlay=overlay, overlaid_at=time.monotonic())

    def with_stories(self, paths: IndexPaths) -> Snapshot:
        """This generation with the story groups the writer saved since."""
        stamp = folder.stamp(paths.story_groups)
        stories = StoryColumn.build(paths.story_groups, self.base_table)
        return replace(self, stories=stories, stories_stamp=stamp)

    def stories_stale(self, paths: IndexPaths) -> bool:
        return folder.stamp(paths.story_groups) != self.stories_stamp


def open_snapshot(index: Any, paths: IndexPaths) -> Snapshot:
    """The current generation of ``index`` (its live folder is ``paths.live``) and its
    tables, with its one reference (the caller's: `Current.swap` takes it over).

    The per-document table is mapped from its cache file when one matches this
    generation; otherwise it is built from Whoosh and saved (the next open, or the
    first after an update commits, then maps it). Whoever builds it is the only
    thread using its searcher until it is swapped in, so no lock is taken here."""
    live_id = folder.identity(paths.live)
    searcher = index.searcher()
    try:
        generation = Generation(index, searcher)
        reader = generation.reader
        base = tablecache.load(paths.root, reader)
        if base is None:
            base = DocTable.build(reader)
            tablecache.save(paths.root, reader, base)
        if base._rows is not None:  # the rows are read from Whoosh's column: take turns
            base = replace(base, _rows=_LockedRows(base._rows, generation.lock))
        stamp = folder.stamp(paths.story_groups)
        stories = StoryColumn.build(paths.story_groups, base)
        hashes = entity_columns.ContentHashes(reader, base.size, generation.lock)
        table, overlay = entity_columns.overlay(
            base,
            paths.entity_store,
            hashes,
            lambda article_id: _text_entities(generation, base, article_id),
        )
        return Snapshot(
            generation=generation,
            live_id=live_id,
            base_table=base,
            hashes=hashes,
            frequencies=DocFrequencies(reader, "body"),
            table=table,
            overlay=overlay,
            overlaid_at=time.monotonic(),
            stories=stories,
            stories_stamp=stamp,
        )
    except BaseException:
        searcher.close()
        raise


class _LockedRows:
    """A table's column of rows (`DocTable.row`), read under the generation's lock: Whoosh
    reads a column with a seek and a read on the searcher's shared file objects."""

    def __init__(self, rows: Any, lock: threading.RLock) -> None:
        self._rows = rows
        self._lock = lock

    def __getitem__(self, docnum: int) -> bytes:
        with self._lock:
            found: bytes = self._rows[docnum]
        return found


def _text_entities(generation: Generation, base: DocTable, article_id: str) -> list[Entity]:
    docnum = base.docnum_by_id.get(article_id)
    if docnum is None:
        return []
    with generation.lock:
        stored = generation.searcher.stored_fields(docnum)
    return article_from_stored(article_id, stored["doc"], "").entities


class Current:
    """The one reference to the current snapshot: readers take it, refreshes swap it.

    The lock here is held only to read or replace the reference and count a reader in,
    never while a snapshot is built or read."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._lock = threading.Lock()
        self._snapshot = snapshot
        self._closed = False

    @contextlib.contextmanager
    def reading(self) -> Iterator[Snapshot]:
        """The current snapshot, held open until the block ends (raises ``ArchiveClosed``
        once closed)."""
        with self._lock:
            if self._closed:
                raise ArchiveClosed(CLOSED)
            snapshot = self._snapshot
            snapshot.generation.acquire()
        try:
            yield snapshot
        finally:
            snapshot.generation.release()

    def peek(self) -> Snapshot:
        """The current snapshot, not held: for its tables' numpy columns only, which stay
        readable after their generation closes (the last one, once closed)."""
        with self._lock:
            return self._snapshot

    def swap(self, snapshot: Snapshot) -> bool:
        """Make ``snapshot`` the current one. Of another generation, it brings its one
        reference and the old generation's is dropped (it closes after its last reader).
        False, and the snapshot's reference dropped, when closed meanwhile."""
        with self._lock:
            closed = self._closed
            old = self._snapshot
            if not closed:
                self._snapshot = snapshot
        if closed:
            if snapshot.generation is not old.generation:
                snapshot.generation.release()
            return False
        if snapshot.generation is not old.generation:
            old.generation.release()
        return True

    def close(self) -> None:
        """No more readers; the generation closes after the last one in flight."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            old = self._snapshot
        old.generation.release()

    @property
    def closed(self) -> bool:
        with self._lock:
            return self._closed
