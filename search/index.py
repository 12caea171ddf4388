"""Build and incrementally update the Whoosh index of one archive folder.

The folder's layout and its repairs are in `search.store.folder`, its
metadata in `search.store.meta`, the walk of the archive in
`search.update.scan`.

Updates compare each file's size, mtime, inode and ctime with the signature
column; a file whose signature changed is hashed, and only a different hash
reindexes it (``verify`` hashes every file). Work is committed in batches, so a
crash or cancel keeps everything committed before it and the next update
carries on from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import platformdirs
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.util.filelock import FileLock
from whoosh.writing import NO_MERGE

from search.errors import (
    ArchiveError,
    EntityStoreDamaged,
    IndexDamaged,
    IndexInUse,
    IndexLocked,
    IndexWriteFailed,
)
from search.ids import file_of
from search.ingest import SkipFile
from search.model import CancelCheck, FileSig, IndexProgress, ProgressCallback, Skip, UpdateReport
from search.prepare import Prepared, file_hash, prepare_chunk
from search.schema import SCHEMA_VERSION, build_schema, decode_signature, document_fields
from search.store import folder
from search.store.entity_store import EntityStore
from search.store.folder import IndexPaths, damaged_message
from search.store.meta import INVALID, Meta
from search.termarrays import TermArraysCodec
from search.update.entity_phase import run_entity_phase
from search.update.pool import Cancelled, ordered_map
from search.update.scan import Scan, scan_archive

__all__ = ["IndexPaths", "Meta", "damaged_message", "discard", "open_or_create", "update_index"]

log = logging.getLogger("archive.index")

APP_NAME = "ArchiveBrowser"
DATA_DIR_ENV = "ARCHIVE_BROWSER_DATA_DIR"
COMMIT_EVERY = 5_000
"""Documents per commit: bounds the work lost to a crash (about half a minute's worth).

Sized with ``POOL_MB`` so one batch's postings (~340 per article) sort in
memory: Whoosh spills a pool beyond its limit to disk one pickled posting at a
time and heap-merges it back, which was a third of the writer's time at
10,000 articles per batch and the default 128 MB.

Batch commits never merge segments, and an update's last commit merges only
segments under ``SMALL_SEGMENT`` (`merge_small_segments`): a big build leaves
one segment per batch, which the executor reads alike. Whoosh's own policy
would merge batches in this one process in pure Python: three minutes at
40,000 articles, and with 20 batches of 5,000 its Fibonacci rule merged all
10^5 articles after a 1% update."""
FIRST_COMMIT = 500
"""The first batch is small, so a new folder is searchable within seconds (its segment
is merged with the others' small ones at the end)."""
SMALL_SEGMENT = 1_000
"""Segments with fewer documents (left by small updates, e.g. the folder watcher) are merged."""
POOL_MB = 512
"""Whoosh's in-memory posting pool (its estimate: ~180 bytes a posting, ~1.7 M a batch)."""
PARALLEL_MIN = 300
"""Below this many files, worker processes cost more to start than they save."""
CHUNK = 32
AHEAD = 4_096
"""Articles the reading processes may prepare ahead of the writer (~50 KB each in memory).

While the writer commits a batch (several seconds at 5,000 articles) the
readers keep going; with only a few chunks ahead they sat idle for most of
each commit, and the second core with them."""


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def default_index_dir(root: Path) -> Path:
    """One index folder per archive, named after the folder and its full path."""
    resolved = os.fsencode(root.resolve())  # a folder name need not be valid UTF-8
    digest = hashlib.sha1(resolved, usedforsecurity=False).hexdigest()[:12]
    name = re.sub(r"[^\w.-]+", "_", root.resolve().name)[:40] or "archive"
    return data_dir() / "indexes" / f"{name}-{digest}"


# --- opening -----------------------------------------------------------------


def open_or_create(
    paths: IndexPaths, archive_root: Path, *, take_over: bool = False
) -> whoosh_index.Index:
    """Open the live index, creating an empty one if there is none.

    An index of an older schema, or whose metadata is missing or does not
    validate, is replaced by an empty one (the next update rebuilds it). An
    index folder that holds another archive's index raises ``IndexInUse``
    unless ``take_over``. Unreadable files raise ``IndexDamaged``.
    """
    folder.make_folder(paths)
    if folder.needs_tidying(paths):
        # If another writer is at work, the leftovers are its business.
        with contextlib.suppress(IndexLocked), _update_lock(paths):
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
        with _update_lock(paths):
            folder.remove(paths.live)
            meta = None
    if meta is None or not _has_index(paths.live):
        with _update_lock(paths):
            paths.live.mkdir(parents=True, exist_ok=True)
            if not _has_index(paths.live):
                if any(paths.live.iterdir()):
                    raise IndexDamaged(damaged_message(paths, "no table of contents"))
                whoosh_index.create_in(str(paths.live), build_schema())
            if meta is None:
                Meta(archive_root=str(archive_root)).save(paths.meta)
    try:
        ix = whoosh_index.open_dir(str(paths.live))
        with ix.reader() as reader:
            reader.doc_count_all()
    except Exception as exc:  # Whoosh raises many kinds on damaged files
        raise IndexDamaged(damaged_message(paths, str(exc) or type(exc).__name__)) from exc
    return ix


def _has_index(folder_path: Path) -> bool:
    """Whether a Whoosh table of contents is there (readable or not)."""
    return folder_path.is_dir() and any(folder_path.glob("_MAIN_*.toc"))


def discard(paths: IndexPaths) -> None:
    """Delete a damaged index so it can be rebuilt (holding the update lock)."""
    folder.make_folder(paths)
    folder.repair_side_files(paths)
    with _update_lock(paths):
        folder.remove(paths.live)
        folder.remove(paths.staging)
        folder.remove(paths.old)
        folder.remove(paths.swap_marker)
        folder.remove(paths.meta)


@contextlib.contextmanager
def _update_lock(paths: IndexPaths, wait_s: float = 0.0) -> Iterator[None]:
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


# --- scanning ----------------------------------------------------------------


def read_signatures(ix: whoosh_index.Index) -> dict[str, tuple[FileSig, str]]:
    """id -> (file signature, content hash) of every live document, from columns only."""
    out: dict[str, tuple[FileSig, str]] = {}
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return out
        ids = list(reader.column_reader("c_id"))
        sigs = list(reader.column_reader("c_sig"))
        for docnum in reader.all_doc_ids():
            out[ids[docnum].decode()] = decode_signature(sigs[docnum])
    return out


# --- updating ----------------------------------------------------------------


def update_index(
    paths: IndexPaths,
    archive_root: Path,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    rebuild: bool = False,
    wait_s: float = 0.0,
    verify: bool = False,
    entities: bool = True,
) -> UpdateReport:
    """Bring the index in line with the files; see the module docstring.

    ``wait_s``: how long to wait for another writer to finish before giving up.
    ``verify``: hash every file, also those whose signature did not change.
    ``entities``: then run the entity phase (`search.update.entity_phase`) under the
    same lock; without it, only the text is brought up to date.
    """
    started = time.perf_counter()
    report = UpdateReport(rebuilt=rebuild)
    emit = progress or (lambda _p: None)
    should_stop = cancel or (lambda: False)
    with _update_lock(paths, wait_s):
        emit(IndexProgress("scanning", 0, 0))
        folder.remove_writer_leftovers(paths)  # of a writer killed before us
        scan = scan_archive(archive_root)
        report.ignored = scan.ignored
        report.skipped.extend(scan.problems)
        loaded = Meta.load(paths.meta)
        meta = loaded if isinstance(loaded, Meta) else Meta(archive_root=str(archive_root))
        try:
            if rebuild:
                folder.remove(paths.staging)
                paths.staging.mkdir(parents=True)
                ix = whoosh_index.create_in(str(paths.staging), build_schema())
                meta = Meta(archive_root=str(archive_root))
                indexed: dict[str, tuple[FileSig, str]] = {}
            else:
                ix = whoosh_index.open_dir(str(paths.live))
                indexed = read_signatures(ix)
            try:
                todo, removed = _diff(archive_root, scan, indexed, meta, report, verify)
                _write(ix, paths, meta, archive_root, todo, removed, report, emit, should_stop)
            finally:
                ix.close()
        except Cancelled:
            report.cancelled = True
            if rebuild:
                folder.remove(paths.staging)
        except Exception as exc:
            if isinstance(exc, ArchiveError) and not isinstance(exc, IndexWriteFailed):
                raise  # IndexLocked and the like: nothing of ours to tidy
            _clean_failed_write(paths, rebuild)
            if isinstance(exc, ArchiveError):
                raise
            raise _as_user_error(paths, exc) from exc
        try:
            if rebuild and not report.cancelled:
                folder.mark_swap(paths)
                folder.swap_in(paths)
            meta.last_update = time.strftime("%Y-%m-%dT%H:%M:%S")
            meta.archive_root = str(archive_root)
            meta.save(paths.meta)
        except OSError as exc:
            raise _write_failed(paths, exc) from exc
        if entities and not report.cancelled:
            _recognise_entities(paths, report, emit, should_stop, check=rebuild)
    report.skipped.sort(key=lambda s: s.id)
    report.elapsed_s = time.perf_counter() - started
    emit(IndexProgress("done", 1, 1))
    log.info("update of %s: %s", archive_root, report.to_json())
    return report


def _recognise_entities(
    paths: IndexPaths,
    report: UpdateReport,
    emit: ProgressCallback,
    should_stop: CancelCheck,
    check: bool,
) -> None:
    """The entity phase, into the store beside the index. The text phase's work is
    committed by now, so a failure here is said in the report, not raised: the text
    stays searchable and the next update resumes the entities.

    ``check``: verify the store first (a rebuild: the user asked to start over on what
    looked wrong); a damaged store is recreated, and so is one found damaged midway."""
    for attempt in (1, 2):
        try:
            with EntityStore.open(paths.entity_store, discard_damaged=True) as store:
                if check and store.check(quick=True):
                    raise EntityStoreDamaged("the integrity check failed")
                if store.recreated == "damaged":
                    report.notes.append("The entity store was damaged and is being rebuilt.")
                phase = run_entity_phase(paths.live, store, emit, should_stop)
            break
        except Exception as exc:
            damaged = isinstance(exc, EntityStoreDamaged) or (
                not isinstance(exc, ArchiveError) and _store_damaged(paths)
            )
            log.warning("entity phase of %s failed: %s", paths.root, exc, exc_info=not damaged)
            if damaged and attempt == 1:
                EntityStore.remove(paths.entity_store)  # and start it again, once
                continue
            report.notes.append(f"Entities not updated: {exc}")
            return
    report.entities_done = phase.done
    report.entities_left = phase.total - phase.done
    if phase.note:
        report.notes.append(phase.note)


def _store_damaged(paths: IndexPaths) -> bool:
    """Whether SQLite finds the entity store damaged (after an error that did not say)."""
    try:
        with EntityStore.open(paths.entity_store) as store:
            return bool(store.check(quick=True))
    except EntityStoreDamaged:
        return True
    except Exception:
        return False


def _as_user_error(paths: IndexPaths, exc: Exception) -> ArchiveError:
    """A failed write (disk full, permissions) or, for anything else Whoosh raised while
    reading the index, damage."""
    if isinstance(exc, OSError):
        return _write_failed(paths, exc)
    return IndexDamaged(damaged_message(paths, str(exc) or type(exc).__name__))


def _clean_failed_write(paths: IndexPaths, rebuild: bool) -> None:
    """Remove what a failed write left (a rebuild's folder, segment files of no
    generation), so a full disk is not kept full by our own leftovers."""
    if rebuild:
        folder.remove(paths.staging)
        return
    folder.remove_writer_leftovers(paths)
    try:
        ix = whoosh_index.open_dir(str(paths.live))
        try:
            toc = ix._read_toc()
            whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        finally:
            ix.close()
    except Exception:  # tidying must never hide the write error itself
        log.warning("could not tidy %s after a failed write", paths.live, exc_info=True)


def _diff(
    root: Path,
    scan: Scan,
    indexed: dict[str, tuple[FileSig, str]],
    meta: Meta,
    report: UpdateReport,
    verify: bool = False,
) -> tuple[list[tuple[str, bool]], list[str]]:
    """Which files to (re)index, as (id, is_update), and which ids to remove.

    A file's signature is size, mtime, inode and ctime: a file rewritten in
    place with its size and mtime restored (``touch -r``, a restore from a
    backup) still gets a new ctime or inode, so it is hashed and compared."""
    todo: list[tuple[str, bool]] = []
    for article_id, sig in scan.files.items():
        skipped = meta.skipped.get(article_id)
        if skipped and skipped[0] == sig.size and skipped[1] == sig.mtime_ns:
            report.skipped.append(Skip(article_id, str(skipped[2])))
            continue
        old = indexed.get(article_id)
        if old is None:
            todo.append((article_id, False))
            continue
        old_sig, old_hash = old
        if not verify and (_same_file(old_sig, sig) or meta.touched.get(article_id) == sig.key):
            report.unchanged += 1
            continue
        try:
            same = sig.size == old_sig.size and file_hash(file_of(root, article_id)) == old_hash
        except (OSError, SkipFile):
            same = False
        if same:
            if old_sig != sig:
                meta.touched[article_id] = sig.key
            report.unchanged += 1
        else:
            todo.append((article_id, True))
    removed = [article_id for article_id in indexed if article_id not in scan.files]
    for article_id in list(meta.skipped):
        if article_id not in scan.files:
            del meta.skipped[article_id]
    for article_id in list(meta.touched):
        if article_id not in scan.files:
            del meta.touched[article_id]
    return todo, removed


def _same_file(old: FileSig, new: FileSig) -> bool:
    """Unchanged by its signature; an old index's unknown inode and ctime (0) are trusted."""
    if (old.size, old.mtime_ns) != (new.size, new.mtime_ns):
        return False
    if old.ino == 0 and old.ctime_ns == 0:
        return True
    return (old.ino, old.ctime_ns) == (new.ino, new.ctime_ns)


def _write(
    ix: whoosh_index.Index,
    paths: IndexPaths,
    meta: Meta,
    root: Path,
    todo: list[tuple[str, bool]],
    removed: list[str],
    report: UpdateReport,
    emit: ProgressCallback,
    should_stop: CancelCheck,
) -> None:
    is_update = dict(todo)
    writer = _open_writer(ix)
    pending = 0
    committed = False
    try:
        for article_id in removed:
            writer.delete_by_term("id", article_id)
            report.removed += 1
            pending += 1
        total = len(todo)
        emit(IndexProgress("reading", 0, total))
        for done, result in enumerate(_prepared(str(root), [i for i, _ in todo], should_stop), 1):
            if isinstance(result, Skip):
                report.skipped.append(result)
                size, mtime = _stat_or_zero(file_of(root, result.id))
                meta.skipped[result.id] = [size, mtime, result.reason]
                if is_update.get(result.id):
                    writer.delete_by_term("id", result.id)
                    report.removed += 1
            else:
                _add(writer, result, is_update.get(result.article.id, False))
                meta.skipped.pop(result.article.id, None)
                meta.touched.pop(result.article.id, None)
                if result.article.warnings:
                    report.warnings.append(
                        Skip(result.article.id, "; ".join(result.article.warnings))
                    )
                if is_update.get(result.article.id):
                    report.updated += 1
                else:
                    report.added += 1
            pending += 1
            emit(
                IndexProgress(
                    "reading",
                    done,
                    total,
                    result.id if isinstance(result, Skip) else result.article.id,
                )
            )
            if pending >= (COMMIT_EVERY if committed else min(FIRST_COMMIT, COMMIT_EVERY)):
                emit(IndexProgress("writing", done, total))
                _commit(writer, paths, merge=False)
                meta.save(paths.meta)
                writer = _open_writer(ix)
                pending = 0
                committed = True
        emit(IndexProgress("writing", total, total))
        if pending:
            _commit(writer, paths)
        else:
            writer.cancel()  # nothing changed: keep the generation, so readers need no reload
    except BaseException:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise


def _add(writer: Any, prepared: Prepared, is_update: bool) -> None:
    values = document_fields(prepared.article, prepared.sig, prepared.sha1)
    if is_update:
        writer.update_document(**values)
    else:
        writer.add_document(**values)


def _open_writer(ix: whoosh_index.Index) -> Any:
    try:
        # The codec also writes each new segment's term arrays (merged segments too).
        return ix.writer(timeout=10.0, codec=TermArraysCodec(), limitmb=POOL_MB)
    except whoosh_index.LockError as exc:
        raise IndexLocked(
            "The index is locked by another program writing to it. Try again when it is done."
        ) from exc


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


def _commit(writer: Any, paths: IndexPaths, merge: bool = True) -> None:
    try:
        writer.commit(mergetype=merge_small_segments if merge else NO_MERGE)
    except OSError as exc:
        with contextlib.suppress(Exception):
            writer.cancel()
        raise _write_failed(paths, exc) from exc


def _write_failed(paths: IndexPaths, exc: OSError) -> IndexWriteFailed:
    return IndexWriteFailed(
        f"Could not write the index in {paths.root}: {exc.strerror or exc}. "
        "What was indexed before is kept; free disk space (or fix permissions) and update again."
    )


def _stat_or_zero(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return 0, 0
    return st.st_size, st.st_mtime_ns


def _prepared(
    root: str, article_ids: list[str], should_stop: CancelCheck
) -> Iterator[Prepared | Skip]:
    """Analyse files in order, in worker processes when there are many."""
    jobs = [(root, article_ids[i : i + CHUNK]) for i in range(0, len(article_ids), CHUNK)]
    parallel = len(article_ids) >= PARALLEL_MIN
    for results in ordered_map(
        prepare_chunk, jobs, should_stop, parallel=parallel, ahead=AHEAD // CHUNK
    ):
        yield from results
