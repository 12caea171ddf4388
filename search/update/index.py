"""Build and incrementally update the index of one archive folder.

The Whoosh side (opening, the one-writer lock, writers, commits) is
`search.store.text_index`, the folder's layout and its repairs
`search.store.folder`, its metadata `search.store.meta`, the walk of the
archive `search.update.scan`.

Updates compare each file's size, mtime, inode and ctime with the signature
column; a file whose signature changed is hashed, and only a different hash
reindexes it (``verify`` hashes every file). Work is committed in batches, so a
crash or cancel keeps everything committed before it and the next update
carries on from there.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator
from pathlib import Path

from search.errors import ArchiveError, EntityStoreDamaged, IndexDamaged, IndexWriteFailed
from search.ids import file_of
from search.ingest import SkipFile
from search.model import CancelCheck, IndexProgress, ProgressCallback, Skip, UpdateReport
from search.store import folder
from search.store.entity_store import EntityStore
from search.store.folder import IndexPaths, damaged_message
from search.store.meta import Meta
from search.store.schema import decode_signature, signature_unchanged
from search.store.text_index import (
    Index,
    TextWriter,
    create_index,
    open_index,
    read_signatures,
    remove_unreferenced_files,
    update_lock,
    write_failed,
)
from search.update.entity_phase import run_entity_phase
from search.update.pool import Cancelled, ordered_map
from search.update.prepare import Prepared, file_hash, prepare_chunk, unpack_chunk
from search.update.scan import Scan, scan_archive
from search.update.stories import StoryKeeper

log = logging.getLogger("archive_browser.engine.index")

COMMIT_EVERY = 10_000
"""Documents per commit: bounds the work lost to a crash (about half a minute's worth:
5,000 when the text phase built 170 articles a second, 10,000 at today's 370 to 450).

Each commit leaves a segment, and a search looks each of its words up in every one:
at 100,000 articles 11 segments instead of 21 made the words first seen since opening
some 30% faster to find (no snippets, p50 per query kind, fresh processes: one common
word 6.2-6.9 -> 4.1-4.3 ms, two words 7.4-7.6 -> 4.0-5.3, phrases 11.3-14.3 -> 8.6-12.2),
for 194 MB more at the build's peak (626 -> 820 MB) and the same build time (222 s).

Sized with ``POOL_MB`` (`search.store.text_index`) so one batch's postings
(~340 per article) sort in memory: Whoosh spills a pool beyond its limit to
disk one pickled posting at a time and heap-merges it back, which was a third
of the writer's time at 10,000 articles per batch and the default 128 MB.

Batch commits never merge segments, and an update's last commit merges only
segments under ``SMALL_SEGMENT`` (`search.store.text_index.merge_small_segments`):
a big build leaves one segment per batch, which the executor reads alike.
Whoosh's own policy would merge batches in this one process in pure Python:
three minutes at 40,000 articles, and with 20 batches of 5,000 its Fibonacci
rule merged all 10^5 articles after a 1% update."""
FIRST_COMMIT = 500
"""The first batch is small, so a new folder is searchable within seconds (its segment
is merged with the others' small ones at the end)."""
PARALLEL_MIN = 300
"""Below this many files, worker processes cost more to start than they save."""
CHUNK = 32
AHEAD = 4_096
"""Articles the reading processes may prepare ahead of the writer (~50 KB each in memory).

While the writer commits a batch (several seconds at 5,000 articles) the
readers keep going; with only a few chunks ahead they sat idle for most of
each commit, and the second core with them."""


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
    with update_lock(paths, wait_s):
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
                ix = create_index(paths.staging)
                meta = Meta(archive_root=str(archive_root))
                indexed: dict[str, bytes] = {}
            else:
                ix = open_index(paths.live)
                indexed = read_signatures(ix)
            try:
                todo, removed = _diff(archive_root, scan, indexed, meta, report, verify)
                stories = StoryKeeper(paths, ix, rebuild=rebuild)
                _write(
                    ix, paths, meta, archive_root, todo, removed, report, emit, should_stop, stories
                )
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
            raise write_failed(paths, exc) from exc
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
        return write_failed(paths, exc)
    return IndexDamaged(damaged_message(paths, str(exc) or type(exc).__name__))


def _clean_failed_write(paths: IndexPaths, rebuild: bool) -> None:
    """Remove what a failed write left (a rebuild's folder, segment files of no
    generation), so a full disk is not kept full by our own leftovers."""
    if rebuild:
        folder.remove(paths.staging)
        return
    folder.remove_writer_leftovers(paths)
    try:
        remove_unreferenced_files(paths)
    except Exception:  # tidying must never hide the write error itself
        log.warning("could not tidy %s after a failed write", paths.live, exc_info=True)


def _diff(
    root: Path,
    scan: Scan,
    indexed: dict[str, bytes],
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
        if not verify and (
            signature_unchanged(old, sig) or meta.touched.get(article_id) == sig.key
        ):
            report.unchanged += 1
            continue
        old_sig, old_hash = decode_signature(old)
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


def _write(
    ix: Index,
    paths: IndexPaths,
    meta: Meta,
    root: Path,
    todo: list[tuple[str, bool]],
    removed: list[str],
    report: UpdateReport,
    emit: ProgressCallback,
    should_stop: CancelCheck,
    stories: StoryKeeper,
) -> None:
    """The text phase: removals, then the prepared articles in batches, each committed;
    ``stories`` takes in each batch once it has committed and is saved after the last
    (after a cancel too, with what did commit)."""
    is_update = dict(todo)
    writer = TextWriter(ix, paths)
    pending = 0
    committed = False
    try:
        for article_id in removed:
            writer.delete(article_id)
            stories.remove(article_id)
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
                    writer.delete(result.id)
                    stories.remove(result.id)
                    report.removed += 1
            else:
                article_id = result.article_id
                writer.add_fields(
                    article_id, result.fields, is_update=is_update.get(article_id, False)
                )
                stories.add_story(result.story)
                meta.skipped.pop(article_id, None)
                meta.touched.pop(article_id, None)
                if result.warnings:
                    report.warnings.append(Skip(article_id, "; ".join(result.warnings)))
                if is_update.get(article_id):
                    report.updated += 1
                else:
                    report.added += 1
            pending += 1
            emit(
                IndexProgress(
                    "reading",
                    done,
                    total,
                    result.id if isinstance(result, Skip) else result.article_id,
                )
            )
            if pending >= (COMMIT_EVERY if committed else min(FIRST_COMMIT, COMMIT_EVERY)):
                emit(IndexProgress("writing", done, total))
                writer.commit(merge=False)
                stories.committed()
                meta.save(paths.meta)
                writer = TextWriter(ix, paths)
                pending = 0
                committed = True
        emit(IndexProgress("writing", total, total))
        if pending:
            writer.commit()
            stories.committed()
        else:
            writer.cancel()  # nothing changed: keep the generation, so readers need no reload
    except BaseException as exc:
        with contextlib.suppress(Exception):
            writer.cancel()
        stories.discard_pending()
        if isinstance(exc, Cancelled) and not report.rebuilt:
            _save_stories(stories, ix, report, repair=False)  # the batches that committed
        raise
    _save_stories(stories, ix, report)


def _save_stories(
    stories: StoryKeeper, ix: Index, report: UpdateReport, repair: bool = True
) -> None:
    """Save the story state after the last commit. A failure is said, not raised: the
    text is committed and searchable, and the next update repairs the state."""
    try:
        stories.save(ix, repair=repair)
    except Exception as exc:
        log.warning(
            "story groups of %s not saved: %s", ix, exc, exc_info=not isinstance(exc, OSError)
        )
        report.notes.append(f"Copies of the same story not updated: {exc}")
    log.info("story grouping: %.2f s", stories.seconds)


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
    for packed in ordered_map(
        prepare_chunk, jobs, should_stop, parallel=parallel, ahead=AHEAD // CHUNK
    ):
        yield from unpack_chunk(packed)
