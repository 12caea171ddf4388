"""Build and incrementally update the Whoosh index of one archive folder.

Layout of an index folder (per user, never inside the archive)::

    archive.json   schema version, archive root, skipped files, last update
    update.lock    held (flock) by the one process that writes
    whoosh/        the live Whoosh index
    whoosh.new/    a full rebuild in progress; swapped in only when complete

Updates compare each file's size and mtime with the signature column; a file
whose size or mtime changed is hashed, and only a different hash reindexes it.
Work is committed in batches, so a crash or cancel keeps everything committed
before it and the next update carries on from there.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import multiprocessing
import os
import re
import shutil
import stat
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.util.filelock import FileLock
from whoosh.writing import NO_MERGE

from search.errors import ArchiveNotFound, IndexDamaged, IndexLocked, IndexWriteFailed
from search.model import CancelCheck, IndexProgress, ProgressCallback, Skip, UpdateReport
from search.prepare import Prepared, file_sha1, prepare_many
from search.schema import SCHEMA_VERSION, build_schema, decode_signature, document_fields
from search.termarrays import TermArraysCodec

log = logging.getLogger("archive.index")

APP_NAME = "ArchiveBrowser"
DATA_DIR_ENV = "ARCHIVE_BROWSER_DATA_DIR"
ARTICLE_SUFFIX = ".txt"
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
    resolved = str(root.resolve())
    digest = hashlib.sha1(resolved.encode(), usedforsecurity=False).hexdigest()[:12]
    name = re.sub(r"[^\w.-]+", "_", root.resolve().name)[:40] or "archive"
    return data_dir() / "indexes" / f"{name}-{digest}"


@dataclass(slots=True)
class IndexPaths:
    root: Path
    """The index folder."""

    @property
    def live(self) -> Path:
        return self.root / "whoosh"

    @property
    def staging(self) -> Path:
        return self.root / "whoosh.new"

    @property
    def meta(self) -> Path:
        return self.root / "archive.json"

    @property
    def lock(self) -> Path:
        return self.root / "update.lock"


# --- meta --------------------------------------------------------------------


@dataclass(slots=True)
class Meta:
    schema_version: int = SCHEMA_VERSION
    archive_root: str = ""
    last_update: str | None = None
    skipped: dict[str, list[Any]] = field(default_factory=dict)
    """id -> [size, mtime_ns, reason]: not retried until the file changes."""
    touched: dict[str, list[int]] = field(default_factory=dict)
    """id -> [size, mtime_ns] of files whose mtime changed but content did not."""

    @classmethod
    def load(cls, path: Path) -> Meta | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("unreadable %s: %s", path, exc)
            return None
        return cls(
            schema_version=int(data.get("schema_version", 0)),
            archive_root=str(data.get("archive_root", "")),
            last_update=data.get("last_update"),
            skipped=dict(data.get("skipped", {})),
            touched=dict(data.get("touched", {})),
        )

    def save(self, path: Path) -> None:
        data = {
            "schema_version": self.schema_version,
            "archive_root": self.archive_root,
            "last_update": self.last_update,
            "skipped": self.skipped,
            "touched": self.touched,
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)


# --- opening -----------------------------------------------------------------


def open_or_create(paths: IndexPaths, archive_root: Path) -> whoosh_index.Index:
    """Open the live index, creating an empty one if there is none.

    A schema from an older version is set aside and replaced by an empty index
    (the next update rebuilds it). Unreadable files raise ``IndexDamaged``.
    """
    paths.root.mkdir(parents=True, exist_ok=True)
    meta = Meta.load(paths.meta)
    if meta is not None and meta.schema_version != SCHEMA_VERSION:
        log.info("index format %s -> %s: rebuilding", meta.schema_version, SCHEMA_VERSION)
        with _update_lock(paths):
            shutil.rmtree(paths.live, ignore_errors=True)
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


def _has_index(folder: Path) -> bool:
    """Whether a Whoosh table of contents is there (readable or not)."""
    return folder.is_dir() and any(folder.glob("_MAIN_*.toc"))


def damaged_message(paths: IndexPaths, detail: str) -> str:
    return (
        f"The search index in {paths.root} cannot be read ({detail}). "
        "Rebuild it: choose File → Reindex in the app, or run "
        "'archive-search index --rebuild PATH'. Your article files are not affected."
    )


def discard(paths: IndexPaths) -> None:
    """Delete a damaged index so it can be rebuilt (holding the update lock)."""
    with _update_lock(paths):
        shutil.rmtree(paths.live, ignore_errors=True)
        shutil.rmtree(paths.staging, ignore_errors=True)
        with contextlib.suppress(FileNotFoundError):
            paths.meta.unlink()


@contextlib.contextmanager
def _update_lock(paths: IndexPaths, wait_s: float = 0.0) -> Iterator[None]:
    """Hold the one-writer lock (an flock: a killed writer releases it)."""
    paths.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(paths.lock))
    deadline = time.monotonic() + wait_s
    while not lock.acquire(blocking=False):
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


# --- scanning ----------------------------------------------------------------


@dataclass(slots=True)
class Scan:
    files: dict[str, tuple[int, int]] = field(default_factory=dict)
    """id -> (size, mtime_ns) of every article file found."""
    ignored: int = 0
    problems: list[Skip] = field(default_factory=list)


def scan_archive(root: Path) -> Scan:
    """Walk the archive for ``.txt`` files without following links out of it."""
    if not root.is_dir():
        raise ArchiveNotFound(f"The archive folder {root} does not exist or is not a folder.")
    if not os.access(root, os.R_OK | os.X_OK):
        raise ArchiveNotFound(f"The archive folder {root} cannot be read (permission denied).")
    result = Scan()
    real_root = os.path.realpath(root)

    def on_error(exc: OSError) -> None:
        rel = os.path.relpath(exc.filename or str(root), root).replace(os.sep, "/")
        result.problems.append(Skip(rel + "/", f"folder cannot be read: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        folder = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if folder == "." else folder + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = os.path.join(dirpath, name)
            rel = prefix + name
            if not name.lower().endswith(ARTICLE_SUFFIX):
                result.ignored += 1
                continue
            try:
                st = os.lstat(full)  # one system call for a plain file, two for a link
                is_link = stat.S_ISLNK(st.st_mode)
                if is_link:
                    st = os.stat(full)
            except OSError as exc:
                reason = "broken link" if os.path.islink(full) else f"cannot read: {exc.strerror}"
                result.problems.append(Skip(rel, reason))
                continue
            if is_link:
                target = os.path.realpath(full)
                if os.path.commonpath([real_root, target]) != real_root:
                    result.problems.append(Skip(rel, "link to a file outside the archive"))
                    continue
            if not stat.S_ISREG(st.st_mode):
                result.problems.append(Skip(rel, "not a regular file"))
                continue
            result.files[rel] = (st.st_size, st.st_mtime_ns)
    return result


def read_signatures(ix: whoosh_index.Index) -> dict[str, tuple[int, int, str]]:
    """id -> (size, mtime_ns, sha1) of every live document, from columns only."""
    out: dict[str, tuple[int, int, str]] = {}
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return out
        ids = list(reader.column_reader("c_id"))
        sigs = list(reader.column_reader("c_sig"))
        for docnum in reader.all_doc_ids():
            out[ids[docnum].decode()] = decode_signature(sigs[docnum])
    return out


# --- updating ----------------------------------------------------------------


class _Cancelled(Exception):
    pass


def update_index(
    paths: IndexPaths,
    archive_root: Path,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    rebuild: bool = False,
    wait_s: float = 0.0,
) -> UpdateReport:
    """Bring the index in line with the files; see the module docstring.

    ``wait_s``: how long to wait for another writer to finish before giving up.
    """
    started = time.perf_counter()
    report = UpdateReport(rebuilt=rebuild)
    emit = progress or (lambda _p: None)
    should_stop = cancel or (lambda: False)
    with _update_lock(paths, wait_s):
        emit(IndexProgress("scanning", 0, 0))
        scan = scan_archive(archive_root)
        report.ignored = scan.ignored
        report.skipped.extend(scan.problems)
        meta = Meta.load(paths.meta) or Meta(archive_root=str(archive_root))
        if rebuild:
            shutil.rmtree(paths.staging, ignore_errors=True)
            paths.staging.mkdir(parents=True)
            ix = whoosh_index.create_in(str(paths.staging), build_schema())
            meta = Meta(archive_root=str(archive_root))
            indexed: dict[str, tuple[int, int, str]] = {}
        else:
            ix = whoosh_index.open_dir(str(paths.live))
            indexed = read_signatures(ix)

        todo, removed = _diff(archive_root, scan, indexed, meta, report)
        try:
            _write(ix, paths, meta, archive_root, todo, removed, report, emit, should_stop)
        except _Cancelled:
            report.cancelled = True
            if rebuild:
                shutil.rmtree(paths.staging, ignore_errors=True)
        except OSError as exc:
            if rebuild:
                shutil.rmtree(paths.staging, ignore_errors=True)
            raise _write_failed(paths, exc) from exc
        finally:
            ix.close()
        try:
            if rebuild and not report.cancelled:
                _swap_in(paths)
            meta.last_update = time.strftime("%Y-%m-%dT%H:%M:%S")
            meta.archive_root = str(archive_root)
            meta.save(paths.meta)
        except OSError as exc:
            raise _write_failed(paths, exc) from exc
    report.skipped.sort(key=lambda s: s.id)
    report.elapsed_s = time.perf_counter() - started
    emit(IndexProgress("done", 1, 1))
    log.info("update of %s: %s", archive_root, report.to_json())
    return report


def _diff(
    root: Path,
    scan: Scan,
    indexed: dict[str, tuple[int, int, str]],
    meta: Meta,
    report: UpdateReport,
) -> tuple[list[tuple[str, bool]], list[str]]:
    """Which files to (re)index, as (id, is_update), and which ids to remove."""
    todo: list[tuple[str, bool]] = []
    for article_id, (size, mtime) in scan.files.items():
        skipped = meta.skipped.get(article_id)
        if skipped and skipped[0] == size and skipped[1] == mtime:
            report.skipped.append(Skip(article_id, str(skipped[2])))
            continue
        old = indexed.get(article_id)
        if old is None:
            todo.append((article_id, False))
            continue
        touched = meta.touched.get(article_id)
        if (old[0], old[1]) == (size, mtime) or touched == [size, mtime]:
            report.unchanged += 1
            continue
        try:
            same = size == old[0] and file_sha1(root / article_id) == old[2]
        except OSError:
            same = False
        if same:
            meta.touched[article_id] = [size, mtime]
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
                size, mtime = _stat_or_zero(root / result.id)
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
            if pending >= COMMIT_EVERY:
                emit(IndexProgress("writing", done, total))
                _commit(writer, paths, merge=False)
                meta.save(paths.meta)
                writer = _open_writer(ix)
                pending = 0
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
    values = document_fields(prepared.article, prepared.size, prepared.mtime_ns, prepared.sha1)
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


def _swap_in(paths: IndexPaths) -> None:
    """Replace the live index with the finished rebuild (two renames)."""
    old = paths.root / "whoosh.old"
    shutil.rmtree(old, ignore_errors=True)
    if paths.live.exists():
        os.replace(paths.live, old)
    os.replace(paths.staging, paths.live)
    shutil.rmtree(old, ignore_errors=True)


def _prepared(
    root: str, article_ids: list[str], should_stop: CancelCheck
) -> Iterator[Prepared | Skip]:
    """Analyse files in order, in worker processes when there are many."""
    chunks = [article_ids[i : i + CHUNK] for i in range(0, len(article_ids), CHUNK)]
    workers = os.cpu_count() or 1
    if len(article_ids) < PARALLEL_MIN or workers < 2:
        for chunk in chunks:
            if should_stop():
                raise _Cancelled
            yield from prepare_many(root, chunk)
        return
    context = multiprocessing.get_context("spawn")
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            for results in _pooled(pool, root, chunks, workers, should_stop):
                yield from results
                done += 1
    except BrokenProcessPool:
        # A worker died (out of memory, killed, or a host program without a
        # __main__ guard): finish in this process rather than fail the update.
        log.warning("indexing workers failed; continuing in one process", exc_info=True)
        for chunk in chunks[done:]:
            if should_stop():
                raise _Cancelled from None
            yield from prepare_many(root, chunk)


def _pooled(
    pool: ProcessPoolExecutor,
    root: str,
    chunks: list[list[str]],
    workers: int,
    should_stop: CancelCheck,
) -> Iterator[list[Prepared | Skip]]:
    """Results chunk by chunk, in order, with a bounded number of chunks in flight."""
    window: deque[Future[list[Prepared | Skip]]] = deque()
    queue = iter(chunks)
    try:
        for chunk in queue:
            window.append(pool.submit(prepare_many, root, chunk))
            if len(window) >= max(workers * 3, AHEAD // CHUNK):
                break
        while window:
            if should_stop():
                raise _Cancelled
            results = window.popleft().result()
            next_chunk = next(queue, None)
            if next_chunk is not None:
                window.append(pool.submit(prepare_many, root, next_chunk))
            yield results
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
