"""An article's file: opened in its program, shown in its folder, its path copied.

One home for the three actions, whichever asks: the Article menu and the reader's
buttons act on the article being read (else the list's current row), the list's
context menu on the row clicked. Only an archive folder has files; on a shared
archive the status bar says so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QStatusBar

from gui import files
from gui.reader import Reader
from gui.results_model import ResultsModel
from gui.results_view import ResultsView
from gui.session import ArchiveSession


class ArticleFiles(QObject):
    """The file actions of the article read or of a list row (``row``)."""

    def __init__(
        self,
        session: ArchiveSession,
        reader: Reader,
        view: ResultsView,
        status: QStatusBar,
        acted: Callable[[], None],
    ) -> None:
        """``acted``: the user acted on the search shown (it goes into the history)."""
        super().__init__(view)
        self._session = session
        self._reader = reader
        self._view = view
        self._status = status
        self._acted = acted
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(self._list_menu)
        reader.open_requested.connect(self.open_in_editor)
        reader.show_in_folder_requested.connect(self.show_in_folder)

    def open_in_editor(self, row: int | None = None) -> None:
        self._acted()
        path = self._path(row)
        if path is not None and not files.open_with_desktop(path):
            self._status.showMessage(f"No program to open {files.shown(path)}", 6000)

    def show_in_folder(self, row: int | None = None) -> None:
        self._acted()
        path = self._path(row)
        if path is not None:
            files.open_with_desktop(path.parent)

    def copy_path(self, row: int | None = None) -> None:
        path = self._path(row)
        if path is not None:
            QGuiApplication.clipboard().setText(files.shown(path))
            self._status.showMessage(f"Copied {files.shown(path)}", 4000)

    def _path(self, row: int | None) -> Path | None:
        """The file of list row ``row``; without one, of the article being read."""
        archive = self._session.archive
        if archive is None:
            self._session.folder_only("Opening an article's file")
            return None
        if row is None and self._reader.article is not None:
            return archive.path_of(self._reader.article.id)
        model = self._view.model()
        assert isinstance(model, ResultsModel)
        hit = model.hit(self._view.currentIndex().row() if row is None else row)
        return archive.path_of(hit.id) if hit is not None else None

    def _list_menu(self, pos: QPoint) -> None:
        index = self._view.indexAt(pos)
        if not index.isValid():
            return
        row = index.row()
        menu = QMenu(self._view)
        menu.addAction("Open in Editor", lambda: self.open_in_editor(row))
        menu.addAction("Show in Folder", lambda: self.show_in_folder(row))
        menu.addAction("Copy File Path", lambda: self.copy_path(row))
        menu.exec(self._view.viewport().mapToGlobal(pos))
