"""Find an archive's article files: an iterative walk that one bad folder cannot stop.

``os.walk`` recurses (a 1,000-level nesting raised RecursionError and nothing
was indexed) and its ids were raw OS names (a name that is not UTF-8 failed
every later write). Here a folder too deep, unreadable or vanished is one
skip with its reason, and every id is valid text (`search.ids`).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from search.errors import ArchiveNotFound
from search.ids import id_from_os
from search.model import FileSig, Skip

ARTICLE_SUFFIX = ".txt"
MAX_DEPTH = 64
"""Folders nested deeper are skipped (with their reason): real archives go a few levels."""


@dataclass(slots=True)
class Scan:
    files: dict[str, FileSig] = field(default_factory=dict)
    """id -> signature of every article file found."""
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
    stack: list[tuple[str, str, int]] = [(str(root), "", 0)]  # (path, id prefix, depth)
    while stack:
        folder, prefix, depth = stack.pop()
        entries = _entries(folder, prefix, result)
        subfolders: list[tuple[str, str, int]] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            rel = prefix + id_from_os(name)
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                if depth + 1 > MAX_DEPTH:
                    result.problems.append(
                        Skip(rel + "/", f"folder nested more than {MAX_DEPTH} levels deep")
                    )
                else:
                    subfolders.append((entry.path, rel + "/", depth + 1))
                continue
            if not name.lower().endswith(ARTICLE_SUFFIX):
                result.ignored += 1
                continue
            sig_or_skip = _article_sig(entry, real_root, rel)
            if isinstance(sig_or_skip, Skip):
                result.problems.append(sig_or_skip)
            else:
                result.files[rel] = sig_or_skip
        stack.extend(reversed(subfolders))  # depth first, folders in name order
    return result


def _entries(folder: str, prefix: str, result: Scan) -> list[os.DirEntry[str]]:
    """A folder's entries in name order; an unreadable folder is one skip."""
    try:
        with os.scandir(folder) as it:
            return sorted(it, key=lambda e: e.name)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        result.problems.append(Skip(prefix or "./", f"folder cannot be read: {reason}"))
        return []


def _article_sig(entry: os.DirEntry[str], real_root: str, rel: str) -> FileSig | Skip:
    full = entry.path
    try:
        st = entry.stat(follow_symlinks=False)
        is_link = stat.S_ISLNK(st.st_mode)
        if is_link:
            st = os.stat(full)
    except OSError as exc:
        reason = "broken link" if os.path.islink(full) else f"cannot read: {exc.strerror}"
        return Skip(rel, reason)
    if is_link:
        target = os.path.realpath(full)
        if os.path.commonpath([real_root, target]) != real_root:
            return Skip(rel, "link to a file outside the archive")
    if not stat.S_ISREG(st.st_mode):
        return Skip(rel, "not a regular file")
    return FileSig(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
