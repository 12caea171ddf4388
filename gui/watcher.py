"""Watching the open archive folder so added, changed and removed files show up.

QFileSystemWatcher reports one folder at a time and fires in bursts (an editor
saving writes several times; a copy adds files one by one), so changes are
collected and ``changed`` fires once after things have been quiet for a moment.

The folder above the archive is watched too, for the archive folder itself going
away (moved, renamed, its drive unplugged): ``gone`` fires for that, at once.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

log = logging.getLogger("archive_browser.watcher")

MAX_FOLDERS = 2000
"""Linux inotify watches are a limited resource; beyond this we watch the top only."""


class FolderWatcher(QObject):
    """Watches a folder and its subfolders; emits ``changed`` once per burst."""

    changed = Signal()
    gone = Signal()
    """The archive folder is no longer there (seen from the folder above it)."""

    def __init__(self, parent: QObject | None = None, delay_ms: int = 800) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_change)
        self._watcher.fileChanged.connect(self._on_change)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._fire)
        self._root: Path | None = None
        self._parent: str | None = None
        self.paused = False
        """While paused (our own index update is running) changes are held, not lost."""
        self._held = False

    def set_delay(self, msecs: int) -> None:
        """How long things must be quiet before ``changed`` fires."""
        self._timer.setInterval(msecs)

    @property
    def root(self) -> Path | None:
        return self._root

    def watch(self, root: Path | None) -> None:
        self.stop()
        self._root = root
        if root is not None:
            self._add_folders()
            parent = root.parent
            if parent != root and parent.is_dir():
                self._parent = str(parent)
                self._watcher.addPath(self._parent)

    def stop(self) -> None:
        folders = self._watcher.directories() + self._watcher.files()
        if folders:
            self._watcher.removePaths(folders)
        self._timer.stop()
        self._root = None
        self._parent = None

    def folders(self) -> list[str]:
        """The archive's folders watched (not the one above it)."""
        return [d for d in self._watcher.directories() if d != self._parent]

    def _add_folders(self) -> None:
        if self._root is None or not self._root.is_dir():
            return  # a folder that went away: the session looks for it again
        wanted: list[str] = [str(self._root)]
        for current, dirs, _files in os.walk(self._root):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            wanted += [os.path.join(current, d) for d in dirs]
            if len(wanted) > MAX_FOLDERS:
                log.warning("more than %d folders: watching only the top folder", MAX_FOLDERS)
                wanted = wanted[:1]
                break
        known = set(self._watcher.directories())
        new = [w for w in wanted if w not in known]
        if new:
            self._watcher.addPaths(new)

    def _on_change(self, path: str) -> None:
        log.debug("change in %s", path)
        if path == self._parent:  # a sibling changed, or the archive folder went
            if self._root is not None and not self._root.is_dir():
                self.gone.emit()
            return
        self._timer.start()

    def _fire(self) -> None:
        if self._root is None:
            return
        if self.paused:
            self._held = True
            return
        self._add_folders()  # new subfolders get watched too
        self.changed.emit()

    def resume(self) -> None:
        """End a pause; a change seen during it fires now."""
        self.paused = False
        if self._held:
            self._held = False
            self._timer.start()
