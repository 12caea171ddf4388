"""The open archive's life: open it, keep its index up to date, watch its folder, close it.

A shared archive (a search cluster, ``open_shared``) is opened here too: it is only read,
so it has no update, no watcher and no index status, and ``source`` is what the window
searches and reads whichever is open.

Why apart from the window: this is the one owner of the ``Archive`` and of the
write lane (open, update and rebuild run there, one at a time). The window
hears what happened through signals and shows it; the status-bar widgets that
tell how the index is doing live here, with the code that keeps them current.
"""

from __future__ import annotations

import itertools
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStatusBar,
    QWidget,
)

from gui import errors
from gui.help import show_sheet, two_columns
from gui.settings import S, Settings
from gui.watcher import FolderWatcher
from gui.widgets import NoticeBar, fill_choices
from gui.workers import Cancellable, TaskManager, Throttle, progress_text
from search.api import Archive, default_archive_path, open_shared, printable
from search.errors import ArchiveNotFound, IndexDamaged, IndexLocked
from search.facade import ArchiveReader
from search.model import ArchiveStats, IndexProgress, UpdateReport

log = logging.getLogger("archive_browser.session")

GONE_POLL_MS = 3000
"""How often a folder that went away is looked for again."""


class ArchiveSession(QObject):
    """Owns the open ``Archive``: opening, updating, rebuilding, watching, closing."""

    opening = Signal(object)
    """The folder about to be opened (the previous archive is closed by now)."""
    opened = Signal(object)
    """The ``Archive`` now open and searchable (its index update follows)."""
    open_failed = Signal(object, object)
    """(exception, folder) when an archive could not be opened."""
    opened_shared = Signal(str)
    """A shared archive (its address) is now open and searchable."""
    closing = Signal()
    """The open archive is about to go: drop the searches and rows that came from it."""
    updated = Signal(object)
    """``UpdateReport`` of an index update of the open archive."""
    text_ready = Signal()
    """Text of an update has committed: a batch (more follow) or the whole text phase
    (its entity phase goes on)."""

    def __init__(
        self,
        tasks: TaskManager,
        settings: Settings,
        window: QWidget,
        *,
        persist: bool = True,
    ) -> None:
        super().__init__(window)
        self._tasks = tasks
        self._settings = settings
        self._window = window
        self._persist = persist
        self.archive: Archive | None = None
        self.shared: ArchiveReader | None = None
        """The shared archive open instead of a folder (None: none)."""
        self._bar: QStatusBar | None = None
        """The window's status bar (``install``), for ``folder_only``."""
        self.shared_location = ""
        self.stats: ArchiveStats | None = None
        self._opening = 0
        """Id of the open in flight (0: none); a superseded open's archive is closed."""
        self._open_ids = itertools.count(1)
        self._update: Cancellable | None = None
        self._update_again = False
        self._phase = ""
        """The phase of the running update (``IndexProgress.phase``)."""
        self._said: set[str] = set()
        """Notes of updates shown once already (e.g. entities from the rules alone)."""
        self._report: UpdateReport | None = None
        self._show_report = False
        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self._on_folder_changed)
        self.watcher.gone.connect(self._on_folder_gone)
        self._gone_poll = QTimer(self)
        self._gone_poll.setInterval(GONE_POLL_MS)
        self._gone_poll.timeout.connect(self._look_for_folder)
        self._build_status(window)

    def _build_status(self, parent: QWidget) -> None:
        self.archive_label = QLabel("No archive", parent)
        self.archive_label.setObjectName("archiveLabel")
        self.index_label = QLabel("", parent)
        self.progress = QProgressBar(parent)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", parent)
        self.cancel_button.setToolTip("Stop indexing; what is indexed so far stays searchable")
        self.cancel_button.clicked.connect(self.cancel_update)
        self.cancel_button.hide()
        self.skipped_button = QPushButton("", parent)
        self.skipped_button.setFlat(True)
        self.skipped_button.setToolTip("Files that could not be indexed, and why")
        self.skipped_button.clicked.connect(self.show_skipped)
        self.skipped_button.hide()
        self.folder_bar = NoticeBar("folderGone", parent)
        """Shown above the list while the archive folder cannot be reached."""

    def install(self, bar: QStatusBar) -> None:
        """Put the archive name left and the index status right in ``bar``."""
        for widget in (self.index_label, self.progress, self.cancel_button, self.skipped_button):
            bar.addPermanentWidget(widget)
        bar.addWidget(self.archive_label)
        self._bar = bar

    def folder_only(self, what: str) -> None:
        """Say why a tool does nothing on a shared archive (it needs the folder's index)."""
        if self.shared is not None and self._bar is not None:
            self._bar.showMessage(
                f"{what}: only with an archive folder; a shared archive is for searching, "
                "reading and exporting.",
                6000,
            )

    @property
    def busy(self) -> bool:
        """Opening or updating: the window is not idle yet."""
        return bool(self._opening) or self._update is not None

    @property
    def updating(self) -> bool:
        return self._update is not None

    @property
    def folder_gone(self) -> bool:
        """The archive folder went away: the index is shown as it was until it is back."""
        return self._gone_poll.isActive()

    def set_gone_poll(self, msecs: int) -> None:
        """How often a folder that went away is looked for again (tests use less)."""
        self._gone_poll.setInterval(msecs)

    @property
    def source(self) -> ArchiveReader | None:
        """What the window searches and reads: the open folder's archive or the shared one."""
        return self.archive if self.archive is not None else self.shared

    # -- opening and closing -----------------------------------------------------------
    def choose_shared(self) -> None:
        """Ask for a shared archive's address and open it."""
        dialog = QInputDialog(self._window)
        dialog.setObjectName("sharedDialog")
        dialog.setWindowTitle("Open Shared Archive")
        dialog.setLabelText(
            "Address of the shared archive (sphinxql://HOST:PORT/INDEX),\n"
            "or the folder of a cluster started with 'archive-search cluster start':"
        )
        dialog.setTextValue(self.shared_location or self._settings.get(S.last_shared))
        dialog.setOkButtonText("Open")
        dialog.resize(560, dialog.sizeHint().height())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def done(result: int) -> None:
            location = dialog.textValue().strip()
            if result and location:
                self.open_shared(location)

        dialog.finished.connect(done)
        dialog.open()

    def open_shared(self, location: str) -> None:
        """Open the shared archive at ``location`` (off the UI thread), replacing what is open."""
        self.close(wait=False)
        open_id = self._opening = next(self._open_ids)
        self.archive_label.setText(f"Connecting to {location}…")
        self.index_label.setText("")
        self._tasks.run(
            lambda: open_shared(location),
            name="open shared archive",
            on_done=lambda shared: self._on_shared_opened(open_id, shared, location),
            on_error=lambda exc: self._on_shared_failed(open_id, exc),
        )

    def _on_shared_opened(self, open_id: int, shared: ArchiveReader, location: str) -> None:
        if open_id != self._opening:
            self._tasks.run(shared.close, name="close shared archive")
            return
        self._opening = 0
        self.shared, self.shared_location = shared, location
        log.info("opened the shared archive %s", location)
        self.archive_label.setText(f"Shared archive: {location}")
        self.archive_label.setToolTip(
            "A shared archive on a search cluster: search, filter, read and export. Entity "
            "pages, corrections and the analyst's views need an archive folder."
        )
        self.index_label.setText("Connected")
        if self._persist:
            self._settings.set(S.last_shared, location)
        self.opened_shared.emit(location)

    def show_answer(self, partial: bool) -> None:
        """On a shared archive, say in the status bar whether the last search was whole."""
        if self.shared is None:
            return
        self.index_label.setText(
            "Partial answer: part of the cluster did not answer" if partial else "Connected"
        )

    def _on_shared_failed(self, open_id: int, exc: BaseException) -> None:
        if open_id != self._opening:
            return
        self._opening = 0
        self.archive_label.setText("No archive open")
        errors.show_error(self._window, "Cannot open shared archive", exc)

    def choose(self) -> None:
        """Ask for a folder and open it."""
        start = str(self.archive.root) if self.archive else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self._window, "Open Archive Folder", start)
        if folder:
            self.open(Path(folder), show_report=True)

    def open(
        self,
        root: Path,
        index_dir: Path | None = None,
        *,
        show_report: bool = False,
        rebuild: bool = False,
    ) -> None:
        """Open (and then update) the archive in ``root``, replacing the current one."""
        self.archive_label.setText(f"Opening {root.name}…")
        self.index_label.setText("")
        self._start_open(root, index_dir, show_report=show_report, rebuild=rebuild)

    def rebuild_damaged(self, root: Path, index_dir: Path | None) -> None:
        """Rebuild an index that cannot be opened, then open it."""
        self.archive_label.setText(f"Rebuilding the index of {root.name}…")
        self._start_open(root, index_dir, show_report=True, rebuild=True, discard_damaged=True)

    def _start_open(
        self,
        root: Path,
        index_dir: Path | None,
        *,
        show_report: bool,
        rebuild: bool,
        discard_damaged: bool = False,
    ) -> None:
        self.close(wait=False)
        open_id = self._opening = next(self._open_ids)
        self._show_report = show_report
        self.opening.emit(root)
        self._tasks.run(
            lambda: Archive.open(root, index_dir, discard_damaged=discard_damaged),
            lane="write",
            name="rebuild index" if discard_damaged else "open archive",
            on_done=lambda archive: self._on_opened(open_id, archive, root, index_dir, rebuild),
            on_error=lambda exc: self._on_open_failed(open_id, exc, root, index_dir),
        )

    def close(self, *, wait: bool = True) -> None:
        """Stop watching and updating, tell the window, then close the archive.

        ``wait=False`` (another archive is being opened): the archive is closed on the
        write lane once its cancelled update has stopped (a long commit can take many
        seconds), so the window never freezes; the next open is queued after it."""
        self.watcher.stop()
        self._folder_back_quietly()
        if self._update is not None:
            self._update.cancel()
        self.closing.emit()
        shared, self.shared, self.shared_location = self.shared, None, ""
        if shared is not None:
            self._tasks.run(shared.close, name="close shared archive")
            self.index_label.setText("")
        archive, self.archive = self.archive, None
        if wait:
            self._tasks.wait()
            if archive is not None:
                _close_quietly(archive)
        elif archive is not None:
            self._tasks.run(lambda: _close_quietly(archive), lane="write", name="close archive")
        self.stats = None
        self._report = None
        self.skipped_button.hide()

    def _on_opened(
        self, open_id: int, archive: Archive, root: Path, index_dir: Path | None, rebuild: bool
    ) -> None:
        if open_id != self._opening:  # another folder was asked for meanwhile
            _close_quietly(archive)
            return
        self._opening = 0
        self.archive = archive
        log.info("opened %s (index %s)", archive.root, archive.index_dir)
        self.archive_label.setText(archive.root.name)
        self.archive_label.setToolTip(str(archive.root))
        self._remember(root, index_dir)
        if self._settings.get(S.watch_folder):
            self.watcher.watch(archive.root)
        self.opened.emit(archive)
        self._refresh_stats()
        self.start_update(rebuild=rebuild)

    def _on_open_failed(
        self, open_id: int, exc: BaseException, root: Path, index_dir: Path | None
    ) -> None:
        if open_id != self._opening:
            return
        self._opening = 0
        self.archive_label.setText("No archive open")
        self.open_failed.emit(exc, root)
        self._show_problem(exc, root, index_dir, "Cannot open archive")

    def _show_problem(
        self, exc: BaseException, root: Path, index_dir: Path | None, title: str
    ) -> None:
        """One way to tell about a failed open or update: offer a rebuild where it helps."""
        if isinstance(exc, IndexDamaged):
            self._offer_rebuild(exc, root, index_dir)
        else:
            title = "Archive in use" if isinstance(exc, IndexLocked) else title
            errors.show_error(self._window, title, exc)

    def _offer_rebuild(self, exc: BaseException, root: Path, index_dir: Path | None) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Index damaged",
            f"{errors.message_for(exc)}\n\nRebuild the index from the article "
            "files? This reads every file again.",
            QMessageBox.StandardButton.Cancel,
            self._window,
        )
        box.setObjectName("rebuildDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the window keeps no reference
        rebuild = box.addButton("Rebuild Index", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(rebuild)

        def done(_result: int) -> None:
            if box.clickedButton() is rebuild:
                self.rebuild_damaged(root, index_dir)

        box.finished.connect(done)
        box.open()

    def _remember(self, root: Path, index_dir: Path | None) -> None:
        if not self._persist:
            return
        try:
            is_sample = root.resolve() == default_archive_path().resolve()
        except OSError:
            is_sample = False
        settings = self._settings
        settings.set(S.last_archive, "" if is_sample else str(root))
        settings.set(S.last_index_dir, str(index_dir) if index_dir else "")
        recent = [str(root), *[r for r in settings.get(S.recent_archives) if r != str(root)]]
        settings.set(S.recent_archives, recent[: settings.get(S.recent_size)])

    def fill_recent_menu(self, menu: QMenu) -> None:
        fill_choices(
            menu,
            [
                (folder, partial(self.open, Path(folder), show_report=True))
                for folder in self._settings.get(S.recent_archives)
            ],
            "(none)",
        )

    def _refresh_stats(self) -> None:
        archive = self.archive
        if archive is None:
            return
        self._tasks.run(
            archive.stats,
            name="stats",
            on_done=self._on_stats,
            on_error=lambda exc: log.warning("stats failed: %s", exc),
        )

    def _on_stats(self, stats: ArchiveStats) -> None:
        if self.archive is None or stats.root != str(self.archive.root):
            return
        self.stats = stats
        self.archive_label.setText(f"{Path(stats.root).name}  ·  {stats.articles:,} articles")
        if stats.skipped and (self._report is None or not self._report.skipped):
            self._set_skipped(len(stats.skipped))

    # -- indexing --------------------------------------------------------------------------
    def start_update(self, rebuild: bool = False, verify: bool = False) -> None:
        """Update the index in the background (one at a time; a second request queues).

        ``verify`` rereads every file, for changes that kept size and times."""
        archive = self.archive
        if archive is None:
            return
        if self._update is not None:
            self._update_again = True
            return
        cancel = Cancellable()
        self._update = cancel
        self._phase = ""
        self.watcher.paused = True
        self.index_label.setText(
            "Rebuilding index…"
            if rebuild
            else "Rereading every file…"
            if verify
            else "Checking for changes…"
        )
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)

        def work(report: Callable[[object], None]) -> UpdateReport:
            return archive.update(
                progress=Throttle(report), cancel=cancel.cancelled, rebuild=rebuild, verify=verify
            )

        self._tasks.run_with_progress(
            work,
            lane="write",
            name="update index",
            on_progress=self._on_progress,
            on_done=lambda rep: self._on_updated(rep, archive),
            on_error=lambda exc: self._on_update_failed(exc, archive),
        )

    def reindex(self) -> None:
        self._show_report = True
        self.start_update(rebuild=True)

    def cancel_update(self) -> None:
        if self._update is not None:
            self._update.cancel()
            self.cancel_button.setEnabled(False)
            self.index_label.setText("Cancelling…")

    def _on_progress(self, progress: IndexProgress) -> None:
        if progress.phase == "reading" and self._phase == "writing":
            self.text_ready.emit()  # a batch of text is in: show it while the rest comes
            self._refresh_stats()
        if progress.phase == "entities" and self._phase != "entities":
            # The text is in: show it, and let a change of the folder interrupt the
            # (long, resumable) entity phase rather than wait for its end.
            self.watcher.resume()
            self.text_ready.emit()
            self._refresh_stats()
        self._phase = progress.phase
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)
        else:
            self.progress.setRange(0, 0)
        self.index_label.setText(progress_text(progress))
        if progress.current:
            self.progress.setToolTip(progress.current)

    def _end_update(self) -> None:
        self._update = None
        self.progress.hide()
        self.cancel_button.hide()
        self.watcher.resume()

    def _on_updated(self, report: UpdateReport, archive: Archive) -> None:
        self._end_update()
        if archive is not self.archive:
            return
        self._report = report
        log.info("%s: %s", archive.root, report_text(report))
        fresh = [note for note in report.notes if note not in self._said]
        self._said.update(fresh)
        self.index_label.setText(report_text(report, fresh))
        self._set_skipped(len(report.skipped))
        if report.changed or report.rebuilt:
            self._refresh_stats()
        if report.skipped and self._show_report:
            self.show_skipped()
        self._show_report = False
        self.updated.emit(report)
        if self._update_again:
            self._update_again = False
            self.start_update()

    def _on_update_failed(self, exc: BaseException, archive: Archive) -> None:
        self._end_update()
        self._update_again = False
        if archive is not self.archive:
            return
        if isinstance(exc, ArchiveNotFound) or not _reachable(archive.root):
            self._folder_went(archive, exc)
            return
        # The reason stays in the status bar (its first sentence; all of it on hover).
        reason = errors.message_for(exc)
        first = reason.split(". ")[0].rstrip(".")
        self.index_label.setText(f"Index not updated: {first[:90]}{'…' if len(first) > 90 else ''}")
        self.index_label.setToolTip(reason)
        self._show_problem(exc, archive.root, archive.index_dir, "Indexing failed")

    def _on_folder_changed(self) -> None:
        if self.folder_gone:
            return  # the poll brings it back
        log.info("archive folder changed: updating the index")
        if self._update is not None and self._phase == "entities":
            self._update.cancel()  # the entity phase resumes after the text of the change
        self.start_update()

    # -- a folder that went away (an unplugged drive, a moved folder) --------------------
    def _on_folder_gone(self) -> None:
        archive = self.archive
        if archive is None or self.folder_gone:
            return
        if self._update is not None:
            return  # the update running fails and says so
        self._folder_went(archive, ArchiveNotFound(f"{printable(str(archive.root))} is gone"))

    def _folder_went(self, archive: Archive, exc: BaseException) -> None:
        """Keep the index as it was, say so in a bar, and look for the folder again."""
        root = printable(str(archive.root))
        log.warning("archive folder not reachable: %s (%s)", root, exc)
        self.watcher.stop()
        self.index_label.setText("Folder not reachable: index as it was")
        self.index_label.setToolTip(errors.message_for(exc))
        self.folder_bar.show_text(
            f"The archive folder {root} is not reachable; showing the index as it was. "
            "It will update when the folder is back."
        )
        self._gone_poll.start()

    def _look_for_folder(self) -> None:
        archive = self.archive
        if archive is None:
            self._folder_back_quietly()
            return
        if not _reachable(archive.root):
            return
        log.info("archive folder back: %s", printable(str(archive.root)))
        self._folder_back_quietly()
        if self._settings.get(S.watch_folder):
            self.watcher.watch(archive.root)
        self.start_update()

    def _folder_back_quietly(self) -> None:
        self._gone_poll.stop()
        self.folder_bar.hide()

    # -- skipped files ---------------------------------------------------------------------
    def _set_skipped(self, n: int) -> None:
        self.skipped_button.setText(f"{n:,} file{'s' if n != 1 else ''} skipped…")
        self.skipped_button.setVisible(n > 0)

    def skipped_files(self) -> list[tuple[str, str]]:
        skips = (
            self._report.skipped
            if self._report and self._report.skipped
            else self.stats.skipped
            if self.stats
            else []
        )
        return [(printable(s.id), s.reason) for s in skips]

    def show_skipped(self) -> None:
        rows = self.skipped_files()
        if not rows:
            return
        show_sheet(
            self._window,
            "skippedDialog",
            "Files not indexed",
            f"<p>{len(rows):,} file(s) in the archive folder could not be indexed:</p>"
            + two_columns(rows, header=("File", "Reason")),
        )


def report_text(report: UpdateReport, notes: list[str] | None = None) -> str:
    """The status-bar line after an update: ``Index up to date (3 added, 1 removed)``,
    and what is left of the entities or why they come from the rules alone."""
    if report.cancelled:
        return "Indexing cancelled: index partly updated"
    counts = [(report.added, "added"), (report.updated, "changed"), (report.removed, "removed")]
    parts = [f"{n:,} {what}" for n, what in counts if n]
    head = "Index rebuilt" if report.rebuilt else "Index up to date"
    line = head + (f" ({', '.join(parts)})" if parts else "")
    if report.entities_left:
        line += f"; entities of {report.entities_left:,} articles to recognise at the next update"
    for note in report.notes if notes is None else notes:
        line += f" · {note.rstrip('.')}"
    return line


def _reachable(root: Path) -> bool:
    """Whether the archive folder is there and can be listed."""
    return os.path.isdir(root) and os.access(root, os.R_OK | os.X_OK)


def _close_quietly(archive: Archive) -> None:
    try:
        archive.close()
    except Exception:
        log.exception("closing %s failed", archive.root)
