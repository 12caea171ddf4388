"""The index folder on disk: its layout, what may be found in it, and repairs.

Layout of an index folder (per user, never inside the archive)::

    archive.json      schema version, archive root, skipped files, last update
    update.lock       held (flock) by the one process that writes
    whoosh/           the live Whoosh index
    whoosh.new/       a full rebuild in progress; swapped in only when complete
    swap.pending      the rebuild is complete and being swapped in (finished on open)
    doctable-N.cache  the per-document table of generation N (a cache)
    entities.sqlite   the entity store (with its -wal and -shm files; entity_store.py)
    stories.npz       the story state (copies and near-duplicates), the writer's; story_state.py
    stories.json      its groups, what readers collapse searches with

Anything unexpected there (a FIFO for a cache file, a folder for the lock, a
file for ``whoosh/``) never hangs or crashes an open: caches and the lock are
replaced, and damage to the index itself is reported as ``IndexDamaged``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import platformdirs

from search.errors import IndexDamaged, IndexFolderUnusable

log = logging.getLogger("archive_browser.engine.store")

NONBLOCK = getattr(os, "O_NONBLOCK", 0)
"""Opening a FIFO for reading blocks until a writer comes; with this it never waits."""
APP_NAME = "ArchiveBrowser"
DATA_DIR_ENV = "ARCHIVE_BROWSER_DATA_DIR"


def data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))


def default_index_dir(root: Path) -> Path:
    """One index folder per archive, named after the folder and its full path."""
    resolved = os.fsencode(root.resolve())  # a folder name need not be valid UTF-8
    digest = hashlib.sha1(resolved, usedforsecurity=False).hexdigest()[:12]
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
    def old(self) -> Path:
        return self.root / "whoosh.old"

    @property
    def swap_marker(self) -> Path:
        return self.root / "swap.pending"

    @property
    def meta(self) -> Path:
        return self.root / "archive.json"

    @property
    def lock(self) -> Path:
        return self.root / "update.lock"

    @property
    def entity_store(self) -> Path:
        return self.root / "entities.sqlite"

    @property
    def stories(self) -> Path:
        return self.root / "stories.npz"

    @property
    def story_groups(self) -> Path:
        return self.root / "stories.json"


def damaged_message(paths: IndexPaths, detail: str) -> str:
    return (
        f"The search index in {paths.root} cannot be read ({detail}). "
        "Rebuild it: choose File → Reindex in the app, or run "
        "'archive-search index --rebuild PATH'. Your article files are not affected."
    )


def make_folder(paths: IndexPaths) -> None:
    """Create the index folder, or say in one sentence why it cannot be used."""
    root = paths.root
    if root.exists() and not root.is_dir():
        raise IndexFolderUnusable(
            f"The index folder {root} is a file, not a folder. Choose another "
            "index folder (--index-dir or ARCHIVE_BROWSER_DATA_DIR) or remove that file."
        )
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexFolderUnusable(
            f"The index folder {root} cannot be created ({exc.strerror or exc}"
            f"{': ' + str(exc.filename) if exc.filename else ''}). Choose another index "
            "folder (--index-dir or ARCHIVE_BROWSER_DATA_DIR)."
        ) from exc


def remove(path: Path) -> None:
    """Remove whatever is at ``path``: a folder with its files, a file, a FIFO, a link."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def is_kind(path: Path, want_dir: bool) -> bool | None:
    """Whether ``path`` is a real folder (or a regular file); None when it is absent."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    except OSError:
        return False
    return stat.S_ISDIR(mode) if want_dir else stat.S_ISREG(mode)


def repair_side_files(paths: IndexPaths) -> None:
    """Replace a lock or metadata path that is not a regular file (a folder, a link, a FIFO).

    Both are ours: a lock is recreated by the next writer, and metadata that
    cannot be read means the index is rebuilt."""
    for path in (paths.lock, paths.meta):
        if is_kind(path, want_dir=False) is False:
            log.warning("%s is not a regular file: replacing it", path)
            remove(path)


def check_live(paths: IndexPaths) -> None:
    """Raise ``IndexDamaged`` unless ``whoosh/`` holds regular files only, and the
    ``*.tmp`` folders where Whoosh keeps a writer's temporary postings."""
    live = paths.live
    kind = is_kind(live, want_dir=True)
    if kind is None:
        return
    if not kind:
        raise IndexDamaged(damaged_message(paths, f"{live.name} is not a folder"))
    try:
        entries = list(os.scandir(live))
    except OSError as exc:
        raise IndexDamaged(damaged_message(paths, exc.strerror or str(exc))) from exc
    for entry in entries:
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            mode = 0
        if not (stat.S_ISREG(mode) or (stat.S_ISDIR(mode) and entry.name.endswith(".tmp"))):
            raise IndexDamaged(damaged_message(paths, f"{entry.name} is not a regular file"))


def open_regular(path: Path) -> BinaryIO:
    """Open an index file for reading without ever blocking; anything but a file is OSError."""
    fd = os.open(path, os.O_RDONLY | NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        if NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def mark_swap(paths: IndexPaths) -> None:
    """Record that ``whoosh.new`` is complete, before the two renames that swap it in."""
    with open(paths.swap_marker, "wb") as f:
        f.flush()
        os.fsync(f.fileno())


def swap_in(paths: IndexPaths) -> None:
    """Replace the live index with the finished rebuild (two renames), then tidy up.

    ``swap.pending`` exists from before the first rename until after the last,
    so a crash anywhere in between is finished by `finish_swap` on the next
    open instead of leaving an empty live index beside a complete new one."""
    remove(paths.old)
    if paths.live.exists() or paths.live.is_symlink():
        os.replace(paths.live, paths.old)
    os.replace(paths.staging, paths.live)
    with contextlib.suppress(FileNotFoundError):
        paths.swap_marker.unlink()
    remove(paths.old)


def remove_writer_leftovers(paths: IndexPaths) -> None:
    """Remove what a writer that failed or was killed left in ``whoosh/`` (holding the
    update lock, so no writer is at work): its ``*.tmp`` posting folder and ``*.ctmp`` files."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(paths.live):
            if entry.name.endswith((".tmp", ".ctmp")):
                remove(Path(entry.path))


def needs_tidying(paths: IndexPaths) -> bool:
    return any(p.exists() for p in (paths.swap_marker, paths.old, paths.staging))


def finish_swap(paths: IndexPaths) -> None:
    """Complete an interrupted swap or drop an abandoned rebuild (holding the update lock)."""
    if paths.swap_marker.exists():
        if paths.staging.is_dir():
            log.warning("finishing the swap of a rebuilt index that was interrupted")
            swap_in(paths)
        else:  # both renames were done: only the marker and the old index are left
            paths.swap_marker.unlink()
    remove(paths.old)
    remove(paths.staging)  # a rebuild that never finished (killed): started over next time


def identity(path: Path) -> tuple[int, int]:
    """Which folder or file is at ``path`` now (device, inode; zeros when absent): a
    rebuild or a move swaps in another at the same path."""
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)


def stamp(path: Path) -> tuple[int, int, int]:
    """What tells that a file was replaced or rewritten (inode, size, mtime); zeros when
    absent."""
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_size, st.st_mtime_ns)
