"""The Whoosh index of the text: opening, creating, the one-writer lock, writers, commits.

Everything the write path (`search.update.index`) and the facade do to Whoosh's
index files goes through here, so `search.store` stays the only package that
imports Whoosh. The folder's layout and repairs are `search.store.folder`, its
metadata `search.store.meta`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeAlias

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.util.filelock import FileLock
from whoosh.writing import NO_MERGE

from search.errors import IndexDamaged, IndexInUse, IndexLocked, IndexWriteFailed
from search.model import Article, FileSig
from search.store import batch_postings, fast_paths, folder
from search.store.folder import IndexPaths, damaged_message
from search.store.mapped_files import read_segments_in_place
from search.store.meta import INVALID, Meta
from search.store.schema import SCHEMA_VERSION, build_schema, document_fields
from search.store.termarrays import TermArraysCodec

log = logging.getLogger("archive_browser.engine.index")

Index: TypeAlias = Any
"""A Whoosh index (opaque outside `search.store`: ``reader()``, ``searcher()``, ``close()``)."""

SMALL_SEGMENT = 500
"""Segments with fewer documents (left by small updates, e.g. the folder watcher) are merged.

A build's first batch (``FIRST_COMMIT`` in `search.update.index`, 500 documents) is not
below it, so it stays a segment of its own: merging it cost a few seconds of the
writer's pure-Python pool at the end of every build, a twentieth of it at 10,000."""
POOL_MB = 512
"""Whoosh's in-memory posting pool (its estimate: ~180 bytes a posting, ~1.7 M a batch)."""

read_segments_in_place()  # for every index this process opens, as soon as anything can open one


# --- opening -----------------------------------------------------------------


def open_index(live: Path) -> Index:
    """Open the Whoosh index in ``live`` (its segment files read in place)."""
    return whoosh_index.open_dir(str(live))


def create_index(path: Path) -> Index:
    """An empty index of our schema in ``path`` (an existing, empty folder)."""
    return whoosh_index.create_in(str(path), build_schema())


def open_or_create(paths: IndexPaths, archive_root: Path, *, take_over: bool = False) -> Index:
    """Open the live index, creating an empty one if there is none.

    An index of an older schema, or whose metadata is missing or does not
    validate, is replaced by an empty one (the next update rebuilds it). An
    index folder that holds another archive's index raises ``IndexInUse``
    unless ``take_over``. Unreadable files raise ``IndexDamaged``.
    """
    folder.make_folder(paths)
    if folder.needs_tidying(paths):
        # If another writer is at work, the leftovers are its business.
        with contextlib.suppress(IndexLocked), update_lock(paths):
            folder.finish_swap(paths)
    folder.repair_side_files(paths)
    folder.check_live(paths)
    meta = Meta.load(paths.meta)
    owner = meta.archive_root if isinstance(meta, Meta) else ""
    foreign = bool(owner) and owner != str(archive_root)
    if foreign and not take_over:
        raise IndexInUse(
            f"The index folder {paths.root} holds the index of another archive "
            f"({owner}). Give this archive its own index folder, or rebuild "
            "to take this one over ('archive-search index --rebuild', or Reindex in the app)."
        )
    stale = isinstance(meta, Meta) and meta.schema_version != SCHEMA_VERSION
    if foreign or stale or meta is INVALID or (meta is None and _has_index(paths.live)):
        log.info("index in %s starts over (metadata %r)", paths.root, meta)
        with update_lock(paths):
            folder.remove(paths.live)
            meta = None
    if meta is None or not _has_index(paths.live):
        with update_lock(paths):
            paths.live.mkdir(parents=True, exist_ok=True)
            if not _has_index(paths.live):
                if any(paths.live.iterdir()):
                    raise IndexDamaged(damaged_message(paths, "no table of contents"))
                create_index(paths.live)
            if meta is None:
                Meta(archive_root=str(archive_root)).save(paths.meta)
    try:
        ix = open_index(paths.live)
        with ix.reader() as reader:
            reader.doc_count_all()
    except Exception as exc:  # Whoosh raises many kinds on damaged files
        raise IndexDamaged(damaged_message(paths, str(exc) or type(exc).__name__)) from exc
    fast_paths.check_once()  # the Whoosh internals we lean on: a warning if one is gone
    return ix


def _has_index(folder_path: Path) -> bool:
    """Whether a Whoosh table of contents is there (readable or not)."""
    return folder_path.is_dir() and any(folder_path.glob("_MAIN_*.toc"))


def discard(paths: IndexPaths) -> None:
    """Delete a damaged index so it can be rebuilt (holding the update lock)."""
    folder.make_folder(paths)
    folder.repair_side_files(paths)
    with update_lock(paths):
        folder.remove(paths.live)
        folder.remove(paths.staging)
        folder.remove(paths.old)
        folder.remove(paths.swap_marker)
        folder.remove(paths.meta)


@contextlib.contextmanager
def update_lock(paths: IndexPaths, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the one-writer lock (an flock: a killed writer releases it).

    A folder that cannot be written (read-only file system, permissions)
    raises ``IndexWriteFailed``: readers then use the index as it is."""
    folder.make_folder(paths)
    lock = FileLock(str(paths.lock))
    deadline = time.monotonic() + wait_s
    while not _try_lock(lock, paths):
        if time.monotonic() >= deadline:
            raise IndexLocked(
                "Another Archive Browser window or archive-search command is updating this "
                "archive's index. Wait for it to finish, then try again."
            )
        time.sleep(0.1)
    try:
        yield
    finally:
        lock.release()


def _try_lock(lock: Any, paths: IndexPaths) -> bool:
    try:
        return bool(lock.acquire(blocking=False))
    except OSError as exc:
        raise IndexWriteFailed(
            f"The index in {paths.root} cannot be updated: {exc.strerror or exc} "
            "(its folder cannot be written)."
        ) from exc


# --- reading what is indexed ---------------------------------------------------


def read_signatures(ix: Index) -> dict[str, bytes]:
    """id -> stored signature (`search.store.schema.signature_unchanged` compares one with
    a file's, ``decode_signature`` reads it) of every live document, from columns only."""
    out: dict[str, bytes] = {}
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return out
        for leaf, _base in reader.leaf_readers():  # segment by segment: asking the whole
            # reader whether each document is deleted took longer than reading its columns
            ids = list(leaf.column_reader("c_id"))
            sigs = list(leaf.column_reader("c_sig"))
            live = leaf.all_doc_ids() if leaf.has_deletions() else range(len(ids))
            for docnum in live:
                out[ids[docnum].decode()] = sigs[docnum]
    return out


# --- writing -----------------------------------------------------------------


def open_writer(ix: Index) -> Any:
    """Whoosh's writer of ``ix`` with our codec and posting pool."""
    try:
        # The codec also writes each new segment's term arrays (merged segments too).
        writer = ix.writer(timeout=10.0, codec=TermArraysCodec(), limitmb=POOL_MB)
    except whoosh_index.LockError as exc:
        raise IndexLocked(
            "The index is locked by another program writing to it. Try again when it is done."
        ) from exc
    batch_postings.install(writer)  # the word fields' postings as arrays, not Whoosh's pool
    return writer


class TextWriter:
    """One Whoosh writer of a batch: deletions, additions, then commit or cancel."""

    def __init__(self, ix: Index, paths: IndexPaths) -> None:
        self._paths = paths
        self._writer = open_writer(ix)

    def delete(self, article_id: str) -> None:
        self._writer.delete_by_term("id", article_id)

    def add(self, article: Article, sig: FileSig, sha1: str, *, is_update: bool) -> None:
        self.add_fields(article.id, document_fields(article, sig, sha1), is_update=is_update)

    def add_fields(self, article_id: str, values: dict[str, Any], *, is_update: bool) -> None:
        """`add` of the article's `document_fields` (or `prepared_fields`: its word
        fields analysed ahead, by a reading process)."""
        if is_update:  # as Whoosh's update_document: the unique id's old document goes
            self._writer.delete_by_term("id", article_id)
        batch_postings.add_document(self._writer, values)

    def commit(self, merge: bool = True) -> None:
        """Commit; ``merge``: gather small segments into the new one (`merge_small_segments`)."""
        try:
            self._writer.commit(mergetype=merge_small_segments if merge else NO_MERGE)
        except OSError as exc:
            with contextlib.suppress(Exception):
                self._writer.cancel()
            raise write_failed(self._paths, exc) from exc

    def cancel(self) -> None:
        self._writer.cancel()


def merge_small_segments(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy: gather the segments under ``SMALL_SEGMENT`` into the new one.

    Returns the segments kept as they are (Whoosh's merge-policy contract).
    """
    small = [s for s in segments if s.doc_count_all() < SMALL_SEGMENT]
    if not small:
        return segments
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s.doc_count_all() >= SMALL_SEGMENT]


def write_failed(paths: IndexPaths, exc: OSError) -> IndexWriteFailed:
    return IndexWriteFailed(
        f"Could not write the index in {paths.root}: {exc.strerror or exc}. "
        "What was indexed before is kept; free disk space (or fix permissions) and update again."
    )


def remove_unreferenced_files(paths: IndexPaths) -> None:
    """Delete the live folder's segment files that no generation names (a failed write's)."""
    ix = open_index(paths.live)
    try:
        toc = ix._read_toc()
        whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
    finally:
        ix.close()
