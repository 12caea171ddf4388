"""Has anything under an archive folder changed? Linux inotify, for the warm query server.

Why: ``query``'s up-to-date check walks and stats every file (about a second at 10^5
articles). A server that watches the folder knows in microseconds that nothing changed,
and runs that same check only when something did. The kernel queues an event inside the
system call that changes a file or folder, so a change that finished before a query was
sent is always seen by that query.

What it cannot see, and then the check is run on every query instead (``usable`` False):
no inotify (not Linux), or the per-user watch limit reached
(/proc/sys/fs/inotify/max_user_watches). What it does not see at all: changes made on
another machine to a network file system (NFS, SMB) or inside some FUSE file systems,
which raise no local events. A queue overflow counts as a change.
"""

from __future__ import annotations

import ctypes
import errno
import logging
import os
import struct

log = logging.getLogger("archive_browser.engine.cli_watch")

IN_MODIFY = 0x002
IN_ATTRIB = 0x004
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x01000000
IN_DONT_FOLLOW = 0x02000000
IN_ISDIR = 0x40000000
IN_NONBLOCK = os.O_NONBLOCK
IN_CLOEXEC = os.O_CLOEXEC
MASK = (
    IN_MODIFY
    | IN_ATTRIB
    | IN_CLOSE_WRITE
    | IN_MOVED_FROM
    | IN_MOVED_TO
    | IN_CREATE
    | IN_DELETE
    | IN_DELETE_SELF
    | IN_MOVE_SELF
    | IN_ONLYDIR
    | IN_DONT_FOLLOW
)
"""Every change to a folder's entries or to a file's bytes, size, times or mode."""
MAX_DEPTH = 64
"""As search/update/scan.py: deeper folders are not indexed, so not watched either."""
_EVENT = struct.Struct("iIII")


class FolderWatch:
    """Watches every folder the index's scan walks (hidden ones and symlinks excepted)."""

    def __init__(self, root: str) -> None:
        self.root = root
        self.usable = False
        self._changed = True  # nothing is known until the first check has run
        self._fd = -1
        self._wds: dict[int, tuple[str, int]] = {}
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            self._add = libc.inotify_add_watch
            self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
            self._fd = libc.inotify_init1(IN_NONBLOCK | IN_CLOEXEC)
        except (OSError, AttributeError):
            log.info("no inotify here: every query checks the folder")
            return
        if self._fd < 0:
            log.info("inotify_init1 failed (errno %d)", ctypes.get_errno())
            return
        self.usable = self._watch_tree(root, 0)

    def fileno(self) -> int:
        return self._fd

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self.usable = False

    def changed(self) -> bool:
        """Whether anything changed since the last :meth:`settle` (or ever, before one).

        Reads the events queued so far; a folder that appeared is watched at once (its
        own contents are then read by the check this answer triggers)."""
        if not self.usable:
            return True
        while True:
            try:
                data = os.read(self._fd, 65536)
            except BlockingIOError:
                break
            except OSError:
                self.close()
                return True
            self._take(data)
            if not self.usable:
                return True
        return self._changed

    def settle(self) -> None:
        """The check ran after every change read so far: from here, only newer ones count.
        Changes made while it ran are still queued, so the next :meth:`changed` sees them."""
        self._changed = False

    def _take(self, data: bytes) -> None:
        pos = 0
        while pos + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, pos)
            name = data[pos + _EVENT.size : pos + _EVENT.size + length].rstrip(b"\0")
            pos += _EVENT.size + length
            if mask & IN_Q_OVERFLOW:
                log.info("inotify queue overflowed: checking the whole folder")
                self._changed = True
                continue
            if mask & IN_IGNORED:
                self._wds.pop(wd, None)
                continue
            if name.startswith(b"."):
                continue  # hidden: the scan never reads it (a rename to a shown name is
                # an IN_MOVED_TO of that name)
            self._changed = True
            if mask & IN_ISDIR and mask & (IN_CREATE | IN_MOVED_TO) and wd in self._wds:
                folder, depth = self._wds[wd]
                if not self._watch_tree(os.path.join(folder, os.fsdecode(name)), depth + 1):
                    self.close()
                    return

    def _watch_tree(self, top: str, depth: int) -> bool:
        """Watch ``top`` and the folders under it; False when the watch limit is reached.

        Each folder is watched before it is listed, so a folder made in between raises
        an event on its parent."""
        stack = [(top, depth)]
        while stack:
            folder, level = stack.pop()
            if level > MAX_DEPTH:
                continue
            wd = self._add(self._fd, os.fsencode(folder), MASK)
            if wd < 0:
                code = ctypes.get_errno()
                if code == errno.ENOSPC:
                    log.warning("inotify watch limit reached: every query checks the folder")
                    return False
                continue  # gone, or not a folder (a link): the check finds out what it is
            self._wds[wd] = (folder, level)
            try:
                with os.scandir(folder) as entries:
                    for entry in entries:
                        if entry.name.startswith("."):
                            continue
                        try:
                            folder_here = entry.is_dir(follow_symlinks=False)  # d_type: no stat
                        except OSError:
                            continue
                        if folder_here:
                            stack.append((entry.path, level + 1))
            except OSError:
                continue
        return True
