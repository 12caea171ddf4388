"""The main window: search bar, filter sidebar, article list and reader, menus, status bar.

The window owns the one ``SearchState`` and the open ``Archive``. Widgets
propose changes (a toggled country, a dragged date range, typed text); the
window makes the new state, shows it everywhere and asks ``SearchService`` for
results. All engine calls go through ``TaskManager`` (``gui.workers``).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

import search.api
from gui import errors
from gui.export import export_hits
from gui.help import TextSheet, about_text, query_syntax_html, shortcuts_html
from gui.history import SavedSearches, SearchHistory
from gui.reader import Reader
from gui.results_model import HitDelegate, ResultsModel
from gui.settings import S, Settings
from gui.sidebar import Sidebar
from gui.state import SearchState
from gui.watcher import FolderWatcher
from gui.workers import (
    Cancellable,
    SearchOutcome,
    SearchService,
    TaskManager,
    Throttle,
    progress_text,
)
from resources import resource_path
from search.api import Archive, default_archive_path
from search.errors import ArchiveError, BadRequest, IndexDamaged, IndexLocked
from search.model import ArchiveStats, Article, IndexProgress, SearchResult, Sort, UpdateReport

log = logging.getLogger("archive_browser.window")

Shortcut = QKeySequence | QKeySequence.StandardKey | str | list[QKeySequence | str]

SORTS: list[tuple[Sort, str]] = [
    (Sort.RELEVANCE, "Relevance"),
    (Sort.NEWEST, "Newest first"),
    (Sort.OLDEST, "Oldest first"),
]
NAV_KEYS = {
    Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown,
}


def version() -> str:
    return str(getattr(search.api, "__version__", "unknown"))


class ChipBar(QWidget):
    """The active filters as removable chips above the list."""

    removed = Signal(str, str)
    """(kind, key) of the chip clicked."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(6, 0, 6, 0)
        self._layout.setSpacing(4)
        self.hide()

    def set_chips(self, chips: list[tuple[str, str, str]]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item else None
            if widget is not None:
                widget.deleteLater()
        for kind, key, label in chips:
            button = QToolButton(self)
            button.setObjectName("chip")
            button.setText(f"{label}  ✕")
            button.setToolTip(f"Remove the filter “{label}”")
            button.setAutoRaise(False)
            button.clicked.connect(lambda _=False, k=kind, v=key: self.removed.emit(k, v))
            self._layout.addWidget(button)
        self._layout.addStretch(1)
        self.setVisible(bool(chips))


class MainWindow(QMainWindow):
    """Archive Browser's window. ``idle`` fires when nothing is pending (screenshots, tests)."""

    archive_opened = Signal(object)
    open_failed = Signal(object)
    search_applied = Signal(object)
    article_shown = Signal(str)
    index_updated = Signal(object)
    exported = Signal(int)
    idle = Signal()

    def __init__(self, settings: Settings, *, persist: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self._persist = persist
        self.archive: Archive | None = None
        self.stats: ArchiveStats | None = None
        self.state = SearchState.loads(settings.get(S.last_search)) if persist else SearchState()
        self.history = SearchHistory(settings)
        self.saved = SavedSearches(settings)
        self.tasks = TaskManager(self)
        self.tasks.busy_changed.connect(self._on_busy)
        self.tasks.task_failed.connect(lambda name, exc: errors.show_error(self, name, exc))
        self.searcher = SearchService(self.tasks, self)
        self.searcher.finished.connect(self._on_search_done)
        self.searcher.page_ready.connect(self._on_page)
        self.searcher.failed.connect(self._on_search_failed)
        self.watcher = FolderWatcher(self)
        self.watcher.changed.connect(self._on_folder_changed)
        self._update: Cancellable | None = None
        self._update_again = False
        self._report: UpdateReport | None = None
        self._show_report = False
        self._wanted_article: str | None = None
        self._visited: list[str] = []
        self._visit_pos = -1
        self._opening = False
        self._last_result: SearchResult | None = None
        self._dialogs: list[QWidget] = []

        self.setWindowTitle("Archive Browser")
        self.setWindowIcon(_app_icon())
        self._build_search_bar()
        self._build_center()
        self._build_status_bar()
        self._build_actions()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(settings.get(S.debounce_ms))
        self._debounce.timeout.connect(self._search_now)
        self.reader.set_enabled_types(settings.get(S.highlight_types))
        self._show_state()
        self.sidebar.set_saved(self.saved.names())
        self.resize(1400, 900)
        if persist:
            self._restore_window()

    # -- building ------------------------------------------------------------------------
    def _build_search_bar(self) -> None:
        bar = QWidget(self)
        bar.setObjectName("searchBar")
        self.search_field = QLineEdit(bar)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            "Search articles: words, \"phrases\", coop*, country:KZ, person:…  (Ctrl+L)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textEdited.connect(self._on_text_edited)
        self.search_field.returnPressed.connect(self._on_return)
        self.search_field.installEventFilter(self)
        self.history_button = QToolButton(bar)
        self.history_button.setText("History")
        self.history_button.setToolTip("Recent searches with their filters")
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_menu = QMenu(self.history_button)
        self.history_menu.aboutToShow.connect(self._fill_history_menu)
        self.history_button.setMenu(self.history_menu)
        self.help_button = QToolButton(bar)
        self.help_button.setText("?")
        self.help_button.setToolTip(query_syntax_html())
        self.help_button.clicked.connect(self.show_query_help)
        self.sort_box = QComboBox(bar)
        self.sort_box.setToolTip("Order of the list")
        for sort, label in SORTS:
            self.sort_box.addItem(label, sort.value)
        self.sort_box.currentIndexChanged.connect(self._on_sort)
        self.count_label = QLabel("", bar)
        self.count_label.setObjectName("countLabel")
        self.count_label.setMinimumWidth(170)
        self.count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.search_field, 1)
        layout.addWidget(self.history_button)
        layout.addWidget(self.help_button)
        layout.addSpacing(8)
        layout.addWidget(QLabel("Sort:", bar))
        layout.addWidget(self.sort_box)
        layout.addWidget(self.count_label)
        self._search_bar = bar

    def _build_center(self) -> None:
        self.sidebar = Sidebar(self)
        self.sidebar.filter_toggled.connect(self.toggle_filter)
        self.sidebar.dates_changed.connect(self.set_dates)
        self.sidebar.clear_requested.connect(self.clear_filters)
        self.sidebar.saved_chosen.connect(self.restore_saved)
        self.sidebar.saved_removed.connect(self.remove_saved)

        self.model = ResultsModel(self)
        self.model.more_wanted.connect(self._fetch_more)
        self.list_view = QListView(self)
        self.list_view.setObjectName("results")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(HitDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_view.customContextMenuRequested.connect(self._list_menu)
        self.list_view.activated.connect(lambda _i: self.focus_reader())
        selection = self.list_view.selectionModel()
        selection.currentChanged.connect(self._on_current_changed)
        self.chips = ChipBar(self)
        self.chips.removed.connect(self._remove_chip)
        self.notice = QLabel("", self)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setContentsMargins(8, 2, 8, 2)
        self.notice.hide()
        self.empty_label = QLabel("", self)
        self.empty_label.setObjectName("emptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)
        self.empty_label.hide()
        middle = QWidget(self)
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.setSpacing(2)
        middle_layout.addWidget(self.chips)
        middle_layout.addWidget(self.notice)
        middle_layout.addWidget(self.list_view, 1)
        middle_layout.addWidget(self.empty_label, 1)

        self.reader = Reader(self)
        self.reader.filter_requested.connect(self._on_reader_filter)
        self.reader.message.connect(self._hover_message)
        self.reader.types_changed.connect(lambda kinds: self.settings.set(S.highlight_types, kinds))

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([270, 470, 660])
        # Minimums keep each pane usable when the window is small; the list
        # shrinks last because titles and snippets need the room.
        self.sidebar.setMinimumWidth(190)
        middle.setMinimumWidth(280)
        self.reader.setMinimumWidth(340)
        self.splitter.setChildrenCollapsible(False)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._search_bar)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.archive_label = QLabel("No archive", self)
        self.archive_label.setObjectName("archiveLabel")
        self.index_label = QLabel("", self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setToolTip("Stop indexing; what is indexed so far stays searchable")
        self.cancel_button.clicked.connect(self.cancel_update)
        self.cancel_button.hide()
        self.skipped_button = QPushButton("", self)
        self.skipped_button.setFlat(True)
        self.skipped_button.setToolTip("Files that could not be indexed, and why")
        self.skipped_button.clicked.connect(self.show_skipped)
        self.skipped_button.hide()
        bar.addPermanentWidget(self.index_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        bar.addPermanentWidget(self.skipped_button)
        bar.addWidget(self.archive_label)

    def _action(self, menu: QMenu, text: str, slot: Callable[[], object],
                shortcut: Shortcut | None = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(s) for s in shortcut])
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)  # shortcuts work even with the menu bar hidden
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = self._action(
            file_menu, "&Open Archive Folder…", self.choose_archive, QKeySequence.StandardKey.Open,
            "Index a folder of .txt articles and search it")
        self.recent_menu = file_menu.addMenu("Recent &Archives")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._action(file_menu, "Open &Sample Archive",
                     lambda: self.open_archive(default_archive_path()))
        file_menu.addSeparator()
        self.update_action = self._action(file_menu, "&Update Index", self.start_update, "F5",
                                          "Index added, changed and removed files")
        self.reindex_action = self._action(file_menu, "&Reindex", self.reindex, "Ctrl+Shift+R",
                                           "Build the index again from scratch")
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export Results…", self.choose_export,
                                          "Ctrl+E", "Save all hits of this search as CSV or JSON")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        search_menu = bar.addMenu("&Search")
        self._action(search_menu, "&Find", self.focus_search, ["Ctrl+L", "Ctrl+F"],
                     "Put the cursor in the search field")
        self._action(search_menu, "&Save Search…", self.choose_save_name, "Ctrl+S",
                     "Keep this query with its filters and sort under a name")
        self._action(search_menu, "&Clear All Filters", self.clear_filters, "Ctrl+Shift+Del")
        sort_menu = search_menu.addMenu("Sort &By")
        for n, (sort, label) in enumerate(SORTS):
            self._action(sort_menu, label, partial(self.set_sort, sort), f"Ctrl+{n + 1}")
        search_menu.addSeparator()
        self._action(search_menu, "Clear &History", self._clear_history)

        view_menu = bar.addMenu("&Article")
        self._action(view_menu, "&Back", self.go_back, "Alt+Left", "Previous article viewed")
        self._action(view_menu, "&Forward", self.go_forward, "Alt+Right")
        view_menu.addSeparator()
        self._action(view_menu, "&Next Hit", self.reader.next_hit, "F3")
        self._action(view_menu, "&Previous Hit", self.reader.previous_hit, "Shift+F3")
        self._action(view_menu, "Next &Mention", self.reader.next_mention, "F4",
                     "Next mention of the selected entity")
        self._action(view_menu, "Previous M&ention", self.reader.previous_mention, "Shift+F4")
        view_menu.addSeparator()
        self._action(view_menu, "&Read (Focus Reader)", self.focus_reader, "Ctrl+R")
        self._action(view_menu, "Open in &Editor", self.open_in_editor, "Ctrl+Shift+O",
                     "Open the article's file in the default program")
        self._action(view_menu, "Show in F&older", self.show_in_folder, "Ctrl+Shift+F")
        self._action(view_menu, "&Copy File Path", self.copy_path, "Ctrl+Shift+C")

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Search Syntax", self.show_query_help, "F1")
        self._action(help_menu, "&Keyboard Shortcuts", self.show_shortcuts, "Ctrl+/")
        self._action(help_menu, "&About Archive Browser", self.show_about)

    # -- archives -----------------------------------------------------------------------
    def choose_archive(self) -> None:
        start = str(self.archive.root) if self.archive else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Open Archive Folder", start)
        if folder:
            self.open_archive(Path(folder), show_report=True)

    def open_archive(self, root: Path, index_dir: Path | None = None, *,
                     show_report: bool = False, rebuild: bool = False) -> None:
        """Open (and then update) the archive in ``root``, replacing the current one."""
        self._close_archive()
        self._opening = True
        self._show_report = show_report
        self.archive_label.setText(f"Opening {root.name}…")
        self.index_label.setText("")
        self.reader.clear("Opening the archive…")
        def work() -> Archive:
            return Archive.open(root, index_dir)

        self.tasks.run(
            work, lane="write", name="open archive",
            on_done=lambda archive: self._on_opened(archive, root, index_dir, rebuild),
            on_error=lambda exc: self._on_open_failed(exc, root, index_dir),
        )

    def _close_archive(self) -> None:
        self.watcher.stop()
        if self._update is not None:
            self._update.cancel()
        self.searcher.invalidate()
        self._wanted_article = None
        if self.archive is not None:
            archive, self.archive = self.archive, None
            self.tasks.wait()
            try:
                archive.close()
            except Exception:
                log.exception("closing %s failed", archive.root)
        self.stats = None
        self._report = None
        self.skipped_button.hide()
        self.model.clear()
        self._visited, self._visit_pos = [], -1

    def _on_opened(self, archive: Archive, root: Path, index_dir: Path | None,
                   rebuild: bool) -> None:
        self._opening = False
        self.archive = archive
        self.archive_label.setText(f"{archive.root.name}")
        self.archive_label.setToolTip(str(archive.root))
        self.setWindowTitle(f"{archive.root.name} — Archive Browser")
        self._remember_archive(root, index_dir)
        if self.settings.get(S.watch_folder):
            self.watcher.watch(archive.root)
        self.archive_opened.emit(archive)
        self._search_now()
        self._refresh_stats()
        self.start_update(rebuild=rebuild)

    def _on_open_failed(self, exc: BaseException, root: Path, index_dir: Path | None) -> None:
        self._opening = False
        self.archive_label.setText("No archive open")
        self.reader.clear(f"Could not open {root}")
        self.count_label.setText("")
        self.open_failed.emit(exc)
        if isinstance(exc, IndexDamaged):
            self._offer_rebuild(exc, root, index_dir)
        elif isinstance(exc, IndexLocked):
            self._dialog(errors.show_error(self, "Archive in use", exc))
        else:
            self._dialog(errors.show_error(self, "Cannot open archive", exc))

    def _offer_rebuild(self, exc: BaseException, root: Path, index_dir: Path | None) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Index damaged",
                          f"{errors.message_for(exc)}\n\nRebuild the index from the article "
                          "files? This reads every file again.",
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("rebuildDialog")
        rebuild = box.addButton("Rebuild Index", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(rebuild)

        def done(_result: int) -> None:
            if box.clickedButton() is rebuild:
                self.rebuild_damaged(root, index_dir)

        box.finished.connect(done)
        box.open()
        self._dialog(box)

    def rebuild_damaged(self, root: Path, index_dir: Path | None) -> None:
        """Rebuild an index that cannot be opened, then open it."""
        self._close_archive()
        self._opening = True
        self._show_report = True
        self.archive_label.setText(f"Rebuilding the index of {root.name}…")
        self.tasks.run(
            lambda: Archive.open(root, index_dir, discard_damaged=True),
            lane="write", name="rebuild index",
            on_done=lambda archive: self._on_opened(archive, root, index_dir, True),
            on_error=lambda exc: self._on_open_failed(exc, root, index_dir),
        )

    def _remember_archive(self, root: Path, index_dir: Path | None) -> None:
        if not self._persist:
            return
        try:
            is_sample = root.resolve() == default_archive_path().resolve()
        except OSError:
            is_sample = False
        self.settings.set(S.last_archive, "" if is_sample else str(root))
        self.settings.set(S.last_index_dir, str(index_dir) if index_dir else "")
        recent = [str(root), *[r for r in self.settings.get(S.recent_archives) if r != str(root)]]
        self.settings.set(S.recent_archives, recent[: self.settings.get(S.recent_size)])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.get(S.recent_archives)
        for folder in recent:
            action = self.recent_menu.addAction(folder)
            action.triggered.connect(
                lambda _c=False, f=folder: self.open_archive(Path(f), show_report=True))
        if not recent:
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _refresh_stats(self) -> None:
        archive = self.archive
        if archive is None:
            return
        self.tasks.run(archive.stats, name="stats", on_done=self._on_stats,
                       on_error=lambda exc: log.warning("stats failed: %s", exc))

    def _on_stats(self, stats: ArchiveStats) -> None:
        if self.archive is None or stats.root != str(self.archive.root):
            return
        self.stats = stats
        self.archive_label.setText(f"{Path(stats.root).name}  ·  {stats.articles:,} articles")
        if stats.skipped and (self._report is None or not self._report.skipped):
            self._set_skipped(len(stats.skipped))

    # -- indexing --------------------------------------------------------------------------
    def start_update(self, rebuild: bool = False) -> None:
        """Update the index in the background (one at a time; a second request queues)."""
        archive = self.archive
        if archive is None:
            return
        if self._update is not None:
            self._update_again = True
            return
        cancel = Cancellable()
        self._update = cancel
        self.watcher.paused = True
        self.index_label.setText("Rebuilding index…" if rebuild else "Checking for changes…")
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)

        def work(report: Callable[[object], None]) -> UpdateReport:
            return archive.update(progress=Throttle(report), cancel=cancel.cancelled,
                                  rebuild=rebuild)

        self.tasks.run_with_progress(
            work, lane="write", name="update index", on_progress=self._on_progress,
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
        self.index_label.setText(_report_text(report))
        self._set_skipped(len(report.skipped))
        if report.changed or report.rebuilt:
            self._search_now(keep_position=True)
            self._refresh_stats()
        if report.skipped and self._show_report:
            self.show_skipped()
        self._show_report = False
        self.index_updated.emit(report)
        if self._update_again:
            self._update_again = False
            self.start_update()

    def _on_update_failed(self, exc: BaseException, archive: Archive) -> None:
        self._end_update()
        self._update_again = False
        if archive is not self.archive:
            return
        self.index_label.setText("Index not updated")
        if isinstance(exc, IndexDamaged):
            self._offer_rebuild(exc, archive.root, archive.index_dir)
        else:
            title = "Archive in use" if isinstance(exc, IndexLocked) else "Indexing failed"
            self._dialog(errors.show_error(self, title, exc))

    def _set_skipped(self, n: int) -> None:
        self.skipped_button.setText(f"{n:,} file{'s' if n != 1 else ''} skipped…")
        self.skipped_button.setVisible(n > 0)

    def skipped_files(self) -> list[tuple[str, str]]:
        skips = (self._report.skipped if self._report and self._report.skipped
                 else self.stats.skipped if self.stats else [])
        return [(s.id, s.reason) for s in skips]

    def show_skipped(self) -> None:
        rows = self.skipped_files()
        if not rows:
            return
        body = "".join(
            f"<tr><td>{html.escape(name)}</td><td>&nbsp;&nbsp;{html.escape(reason)}</td></tr>"
            for name, reason in rows
        )
        sheet = TextSheet(
            "Files not indexed",
            f"<p>{len(rows):,} file(s) in the archive folder could not be indexed:</p>"
            f"<table cellspacing='3'><tr><th align='left'>File</th>"
            f"<th align='left'>&nbsp;&nbsp;Reason</th></tr>{body}</table>",
            self,
        )
        sheet.setObjectName("skippedDialog")
        sheet.show()
        self._dialog(sheet)

    def _on_folder_changed(self) -> None:
        log.info("archive folder changed: updating the index")
        self.start_update()

    # -- searching ------------------------------------------------------------------------
    def _on_text_edited(self, text: str) -> None:
        self.state = self.state.with_text(text)
        self._debounce.start()

    def _on_return(self) -> None:
        self._search_now()
        self.history.add(self.state)

    def _search_now(self, keep_position: bool = True) -> None:
        self._debounce.stop()
        if self.archive is None:
            return
        self.searcher.search(self.archive, self.state.to_request(
            limit=self.settings.get(S.page_size)))

    def _fetch_more(self, offset: int) -> None:
        if self.archive is None:
            self.model.page_failed()
            return
        request = self.state.to_request(
            offset=offset, limit=self.settings.get(S.page_size),
            request_id=self.model.request_id)
        self.searcher.fetch_page(self.archive, request)

    def _on_search_done(self, outcome: SearchOutcome) -> None:
        result = outcome.result
        self._last_result = result
        current = self.reader.article.id if self.reader.article else None
        self.model.set_result(result)
        facets = result.facets
        self.sidebar.show_counts(
            outcome.country_counts, outcome.month_counts, facets.person, facets.org,
            (self.state.countries, self.state.people, self.state.orgs))
        self._show_count(result)
        self.notice.setText(result.notice or "")
        self.notice.setVisible(bool(result.notice))
        self.notice.setProperty("error", False)
        empty = result.total == 0
        self.list_view.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if empty:
            if result.archive_total == 0:
                text = "Indexing…" if self._update else "The archive has no articles."
            elif self.state.has_filters:
                text = "No articles match. Try removing a filter."
            else:
                text = "No articles match."
            self.empty_label.setText(text)
        self._remark_reader()
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            self._select_row(row, load=False)
        elif self.reader.article is None and self.model.rowCount() and self._wanted_article is None:
            self._select_row(0)
        self.search_applied.emit(outcome)

    def _on_page(self, result: SearchResult) -> None:
        self.model.append_page(result)

    def _on_search_failed(self, exc: BaseException) -> None:
        self.model.page_failed()
        if isinstance(exc, BadRequest):
            self.notice.setText(str(exc))
            self.notice.setProperty("error", True)
            self.notice.show()
            self.count_label.setText("")
        else:
            self._dialog(errors.show_error(self, "Search failed", exc))

    def _show_count(self, result: SearchResult) -> None:
        total, everything = result.total, result.archive_total
        if self.state.is_empty:
            self.count_label.setText(f"{everything:,} article{'s' if everything != 1 else ''}")
        else:
            self.count_label.setText(f"{total:,} of {everything:,} articles")

    # -- state changes ----------------------------------------------------------------------
    def set_state(self, state: SearchState, *, remember: bool = True) -> None:
        """Make ``state`` current: show it everywhere and search."""
        self.state = state
        self._show_state()
        self._search_now()
        if remember:
            self.history.add(state)
        if self._persist:
            self.settings.set(S.last_search, state.dumps())

    def _show_state(self) -> None:
        state = self.state
        if self.search_field.text() != state.text:
            self.search_field.setText(state.text)
        index = self.sort_box.findData(state.sort.value)
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(max(index, 0))
        self.sort_box.blockSignals(False)
        self.sidebar.show_filters(state.has_filters, state.date_from, state.date_to,
                                  state.include_undated)
        self.chips.set_chips(state.filter_labels())

    def toggle_filter(self, kind: str, key: str, on: bool) -> None:
        self.set_state(self.state.toggled(kind, key, on))

    def set_dates(self, date_from: date | None, date_to: date | None,
                  include_undated: bool) -> None:
        self.set_state(self.state.with_dates(date_from, date_to, include_undated))

    def set_sort(self, sort: Sort) -> None:
        self.set_state(replace(self.state, sort=sort), remember=False)

    def set_query(self, text: str) -> None:
        """Set the query text and search at once (tests, command line)."""
        self.search_field.setText(text)
        self.set_state(self.state.with_text(text))

    def clear_filters(self) -> None:
        self.set_state(self.state.without_filters())

    def _on_sort(self, index: int) -> None:
        self.set_sort(Sort(self.sort_box.itemData(index)))

    def _remove_chip(self, kind: str, key: str) -> None:
        if kind == "dates":
            self.set_state(self.state.with_dates(None, None))
        elif kind == "undated":
            self.set_state(replace(self.state, include_undated=True))
        else:
            self.toggle_filter(kind, key, False)

    def _on_reader_filter(self, kind: str, key: str, _exclude: bool) -> None:
        if key not in getattr(self.state, kind):
            self.toggle_filter(kind, key, True)

    def _fill_history_menu(self) -> None:
        self.history_menu.clear()
        entries = self.history.entries()
        for state in entries:
            action = self.history_menu.addAction(state.summary())
            action.triggered.connect(lambda _c=False, s=state: self.set_state(s))
        if not entries:
            self.history_menu.addAction("No searches yet").setEnabled(False)

    def _clear_history(self) -> None:
        self.history.clear()

    # -- saved searches ------------------------------------------------------------------
    def choose_save_name(self) -> None:
        name, ok = QInputDialog.getText(self, "Save Search", "Name for this search:",
                                        text=self.state.text.strip()[:40])
        if ok and name.strip():
            self.save_search(name.strip())

    def save_search(self, name: str) -> None:
        self.saved.save(name, self.state)
        self.sidebar.set_saved(self.saved.names())
        self.statusBar().showMessage(f"Saved search “{name}”", 4000)

    def restore_saved(self, name: str) -> None:
        state = self.saved.get(name)
        if state is not None:
            self.set_state(state)

    def remove_saved(self, name: str) -> None:
        self.saved.remove(name)
        self.sidebar.set_saved(self.saved.names())

    # -- the list and the reader ----------------------------------------------------------
    def _select_row(self, row: int, load: bool = True) -> None:
        index = self.model.index(row, 0)
        selection = self.list_view.selectionModel()
        if not load:
            selection.blockSignals(True)
        selection.setCurrentIndex(
            index, selection.SelectionFlag.ClearAndSelect)
        if not load:
            selection.blockSignals(False)
            self.list_view.viewport().update()
        self.list_view.scrollTo(index)

    def select_article(self, article_id: str) -> None:
        """Show ``article_id`` (selecting its row when it is in the list)."""
        row = self.model.row_of(article_id)
        if row >= 0:
            self._select_row(row, load=False)
        if self.reader.article is None or self.reader.article.id != article_id:
            self.load_article(article_id)

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        hit = self.model.hit(current.row())
        if hit is not None:
            self.load_article(hit.id)

    def load_article(self, article_id: str, *, record: bool = True) -> None:
        archive = self.archive
        if archive is None:
            return
        self._wanted_article = article_id

        query = self.state.text

        def work() -> tuple[Article, list[tuple[int, int]] | None]:
            article = archive.article(article_id)
            return article, hits_in(archive, article.body, query)

        def done(loaded: tuple[Article, list[tuple[int, int]] | None]) -> None:
            article, hits = loaded
            if self._wanted_article != article_id or self.archive is not archive:
                return
            self._wanted_article = None
            self.reader.show_article(article, query, hits)
            if record:
                self._record_visit(article_id)
            self.article_shown.emit(article_id)

        def failed(exc: BaseException) -> None:
            if self._wanted_article == article_id:
                self._wanted_article = None
                self.reader.clear(errors.message_for(exc))
                self.statusBar().showMessage(errors.message_for(exc), 6000)

        self.tasks.run(work, name="load article", on_done=done, on_error=failed)

    def _remark_reader(self) -> None:
        """Mark the new query's hits in the article being read, keeping its position."""
        archive, article, query = self.archive, self.reader.article, self.state.text
        if archive is None or article is None or query == self.reader.query:
            return

        def done(hits: list[tuple[int, int]] | None) -> None:
            if self.reader.article is article and self.state.text == query:
                self.reader.set_hits(query, hits)

        self.tasks.run(lambda: hits_in(archive, article.body, query), name="mark hits",
                       on_done=done, on_error=lambda exc: log.warning("marking: %s", exc))

    def _record_visit(self, article_id: str) -> None:
        visited = self._visited
        if 0 <= self._visit_pos < len(visited) and visited[self._visit_pos] == article_id:
            return
        self._visited = [*self._visited[: self._visit_pos + 1], article_id][-200:]
        self._visit_pos = len(self._visited) - 1

    def go_back(self) -> None:
        if self._visit_pos > 0:
            self._visit_pos -= 1
            self._go_visited()

    def go_forward(self) -> None:
        if self._visit_pos < len(self._visited) - 1:
            self._visit_pos += 1
            self._go_visited()

    def _go_visited(self) -> None:
        article_id = self._visited[self._visit_pos]
        row = self.model.row_of(article_id)
        if row >= 0:
            selection = self.list_view.selectionModel()
            selection.blockSignals(True)
            selection.setCurrentIndex(self.model.index(row, 0),
                                      selection.SelectionFlag.ClearAndSelect)
            selection.blockSignals(False)
            self.list_view.scrollTo(self.model.index(row, 0))
            self.list_view.viewport().update()
        self.load_article(article_id, record=False)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_reader(self) -> None:
        self.reader.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            ctrl = event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if key in NAV_KEYS or (ctrl and key in (Qt.Key.Key_Home, Qt.Key.Key_End)):
                self._move_in_list(event)
                return True
            if key == Qt.Key.Key_Escape:
                if self.search_field.text():
                    self.search_field.clear()
                    self.set_state(self.state.with_text(""), remember=False)
                else:
                    self.list_view.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _move_in_list(self, event: QKeyEvent) -> None:
        """Move the list's current row as if the key had been pressed in it."""
        if self.model.rowCount() == 0:
            return
        if not self.list_view.currentIndex().isValid():
            self._select_row(0)
            if event.key() == Qt.Key.Key_Down:
                return
        key = event.key()
        if key == Qt.Key.Key_Home:
            key = Qt.Key.Key_Home
        forwarded = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier)
        QGuiApplication.sendEvent(self.list_view, forwarded)

    # -- article actions -------------------------------------------------------------------
    def _row_path(self, row: int | None = None) -> Path | None:
        if row is None:
            if self.reader.article is not None and self.reader.article.path:
                return Path(self.reader.article.path)
            row = self.list_view.currentIndex().row()
        hit = self.model.hit(row)
        if hit is None or self.archive is None:
            return None
        if self.reader.article is not None and self.reader.article.id == hit.id \
                and self.reader.article.path:
            return Path(self.reader.article.path)
        return self.archive.root / hit.id

    def open_in_editor(self, row: int | None = None) -> None:
        path = self._row_path(row)
        if path is not None and not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.statusBar().showMessage(f"No program to open {path}", 6000)

    def show_in_folder(self, row: int | None = None) -> None:
        path = self._row_path(row)
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path.parent)))

    def copy_path(self, row: int | None = None) -> None:
        path = self._row_path(row)
        if path is not None:
            QGuiApplication.clipboard().setText(str(path))
            self.statusBar().showMessage(f"Copied {path}", 4000)

    def _list_menu(self, pos: QPoint) -> None:
        index = self.list_view.indexAt(pos)
        if not index.isValid():
            return
        row = index.row()
        menu = QMenu(self)
        menu.addAction("Open in Editor", lambda: self.open_in_editor(row))
        menu.addAction("Show in Folder", lambda: self.show_in_folder(row))
        menu.addAction("Copy File Path", lambda: self.copy_path(row))
        menu.exec(self.list_view.viewport().mapToGlobal(pos))

    # -- export --------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self.archive is None:
            return
        target, chosen = QFileDialog.getSaveFileName(
            self, "Export Results", str(Path.home() / "archive-results.csv"),
            "CSV (*.csv);;JSON (*.json)")
        if target:
            path = Path(target)
            if not path.suffix:
                path = path.with_suffix(".json" if "json" in chosen.lower() else ".csv")
            self.export_to(path)

    def export_to(self, target: Path) -> None:
        """Write every hit of the current search to ``target`` in the background."""
        archive = self.archive
        if archive is None:
            return
        request = self.state.to_request()
        self.statusBar().showMessage(f"Exporting to {target}…")

        def done(count: int) -> None:
            self.statusBar().showMessage(f"Exported {count:,} articles to {target}", 8000)
            self.exported.emit(count)

        self.tasks.run(lambda: export_hits(archive, request, target), name="export",
                       on_done=done,
                       on_error=lambda exc: self._dialog(
                           errors.show_error(self, "Export failed", exc)))

    # -- help ------------------------------------------------------------------------------
    def show_query_help(self) -> None:
        sheet = TextSheet("Search Syntax", query_syntax_html(), self)
        sheet.show()
        self._dialog(sheet)

    def all_actions(self) -> list[QAction]:
        return [a for a in self.actions() if not a.isSeparator()]

    def show_shortcuts(self) -> None:
        sheet = TextSheet("Keyboard Shortcuts", shortcuts_html(self.all_actions()), self)
        sheet.setObjectName("shortcutsDialog")
        sheet.show()
        self._dialog(sheet)

    def show_about(self) -> None:
        log_file = errors.log_file()
        box = QMessageBox(QMessageBox.Icon.Information, "About Archive Browser",
                          about_text(version(), str(log_file) if log_file else "(none)"),
                          QMessageBox.StandardButton.Ok, self)
        box.setObjectName("aboutDialog")
        box.open()
        self._dialog(box)

    def _dialog(self, widget: QWidget) -> None:
        """Keep a reference to an open dialog (tests find them here)."""
        self._dialogs = [d for d in self._dialogs if d.isVisible()] + [widget]

    def dialogs(self) -> list[QWidget]:
        return [d for d in self._dialogs if d.isVisible()]

    def _hover_message(self, text: str) -> None:
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    # -- idle, settings, closing ---------------------------------------------------------
    def is_idle(self) -> bool:
        return (not self.tasks.busy and not self._debounce.isActive() and not self._opening
                and self._update is None and self._wanted_article is None)

    def _on_busy(self, busy: bool) -> None:
        if not busy:
            self.check_idle()

    def check_idle(self) -> None:
        """Emit ``idle`` soon if nothing is pending then."""
        QTimer.singleShot(0, self._maybe_idle)

    def _maybe_idle(self) -> None:
        if self.is_idle():
            self.idle.emit()

    def _restore_window(self) -> None:
        geometry = self.settings.state_bytes("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        splitter = self.settings.state_bytes("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_settings(self) -> None:
        if not self._persist:
            return
        self.settings.set_state_bytes("geometry", self.saveGeometry())
        self.settings.set_state_bytes("splitter", self.splitter.saveState())
        self.settings.set(S.last_search, self.state.dumps())
        self.settings.set(S.highlight_types, self.reader.enabled_types)
        self.settings.sync()

    def shutdown(self) -> None:
        """Stop background work and close the archive (idempotent)."""
        self._debounce.stop()
        self.watcher.stop()
        if self._update is not None:
            self._update.cancel()
        self.searcher.invalidate()
        self.tasks.wait()
        if self.archive is not None:
            archive, self.archive = self.archive, None
            try:
                archive.close()
            except Exception:
                log.exception("closing the archive failed")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_settings()
        self.shutdown()
        for dialog in self.dialogs():
            dialog.close()
        super().closeEvent(event)


def hits_in(archive: Archive, body: str, query: str) -> list[tuple[int, int]] | None:
    """The engine's spans of ``query`` in ``body``; None lets the reader match words itself."""
    if not query.strip():
        return []
    finder = getattr(archive, "hit_spans", None)
    if finder is None:
        return None
    try:
        return list(finder(body, query))
    except ArchiveError as exc:  # e.g. a query the parser rejects: fall back to plain words
        log.info("hit_spans(%r): %s", query, exc)
        return None


def _report_text(report: UpdateReport) -> str:
    if report.cancelled:
        return "Indexing cancelled: index partly updated"
    parts = []
    if report.added:
        parts.append(f"{report.added:,} added")
    if report.updated:
        parts.append(f"{report.updated:,} changed")
    if report.removed:
        parts.append(f"{report.removed:,} removed")
    if report.rebuilt:
        return "Index rebuilt" + (f" ({', '.join(parts)})" if parts else "")
    return "Index up to date" + (f" ({', '.join(parts)})" if parts else "")


def _app_icon() -> QIcon:
    return QIcon(str(resource_path("icons/archive-browser.svg")))
