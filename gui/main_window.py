"""The main window: search bar, filter sidebar, article list and reader.

Widgets propose changes to the one ``SearchState`` (a toggled country, a
dragged date range, typed text); the window makes the new state, shows it
everywhere and hands it to the search controller (``gui.search_controller``),
which searches and drops stale results. The open ``Archive`` and its index
belong to ``ArchiveSession`` (``gui.session``), back/forward to
``gui.navigation``, an article's file to ``gui.article_files``, exporting to
``gui.export``; all engine calls go through ``TaskManager`` (``gui.workers``).
The menus are the table in ``gui.menus``, built over the window by ``gui.app``:
the table knows the window, the window not the table, so no import circles.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import cast

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QIcon,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import errors
from gui.analyst_views import CooccurrenceDialog, CountryPairsDialog
from gui.article_files import ArticleFiles
from gui.collector import Collector
from gui.compare import CompareDialog
from gui.compat import guard_refcount_leaks
from gui.corrections import Corrections
from gui.export import Exporter
from gui.help import about_text, open_dialogs, query_syntax_html, shortcuts_html, show_sheet
from gui.history import SavedSearches, SearchHistory
from gui.mention_steps import MentionSteps
from gui.navigation import Visit, Visits
from gui.reader import Reader, file_stat
from gui.results_model import HitDelegate, ResultsModel
from gui.results_view import ResultsView
from gui.search_controller import SearchController
from gui.session import ArchiveSession
from gui.settings import S, Settings
from gui.sidebar import Sidebar
from gui.state import SORTS, SearchState
from gui.widgets import ChipBar, CommandKeysLineEdit, fill_choices
from gui.workers import TaskManager
from resources import resource_path
from search.api import Archive, __version__, default_archive_path
from search.errors import ArchiveError, BadRequest
from search.facade import ArchiveReader
from search.model import (
    Article,
    EntityPage,
    FilterKind,
    RelatedArticle,
    SearchResult,
    Sort,
    UpdateReport,
    Version,
)

log = logging.getLogger("archive_browser.window")

_Spans = list[tuple[int, int]]
_Loaded = tuple[Article, _Spans, _Spans, os.stat_result | None, list[Version]]
"""An article loaded for the reader: itself, its hits in the body and in the title, its
file's stat, its story."""

READING_EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})

NAV_KEYS = {
    Qt.Key.Key_Up,
    Qt.Key.Key_Down,
    Qt.Key.Key_PageUp,
    Qt.Key.Key_PageDown,
}


class MainWindow(QMainWindow):
    """Archive Browser's window. ``idle`` fires when nothing is pending (screenshots, tests)."""

    search_applied = Signal(object)
    """The ``SearchResult`` just shown (list, counts and sidebar are up to date)."""
    article_shown = Signal(str)
    idle = Signal()

    def __init__(self, settings: Settings, *, persist: bool = True) -> None:
        guard_refcount_leaks()
        super().__init__()
        self.settings = settings
        self._persist = persist
        self._state_archive: str | None = self._saved_state_archive() if persist else None
        """``archive_key`` of the folder ``state`` belongs to; None: the next one opened.
        Opening any other folder starts with an empty search (``_on_opening``)."""
        self.history: SearchHistory = SearchHistory(settings)
        self.saved = SavedSearches(settings)
        self.tasks = TaskManager(self)
        self.tasks.busy_changed.connect(self._on_busy)
        self.tasks.task_failed.connect(self._show_error)
        self.session: ArchiveSession = ArchiveSession(self.tasks, settings, self, persist=persist)
        self.corrections = Corrections(self, self.session, self.tasks)
        self.corrections.page_requested.connect(self.open_entity_page)
        self.searcher: SearchController = SearchController(
            self.tasks, settings, lambda: self.source, self
        )
        if persist:
            self.searcher.state = SearchState.loads(settings.get(S.last_search))
        self.collector = Collector(self)
        self.searcher.results_ready.connect(self._on_search_done)
        self.searcher.page_ready.connect(self._on_page)
        self.searcher.failed.connect(self._on_search_failed)
        self.session.opening.connect(self._on_opening)
        self.session.opened.connect(self._on_opened)
        self.session.opened_shared.connect(self._on_opened_shared)
        self.session.open_failed.connect(self._on_open_failed)
        self.session.closing.connect(self._on_closing)
        self.session.updated.connect(self._on_updated)
        self.session.text_ready.connect(self.searcher.search_now)
        self._wanted_article: str | None = None
        self._article_load = 0
        self._related_load = 0
        """Counts loads: a load older than the newest is dropped, also of the same article
        (its entities may have changed in between: the entity phase, a correction)."""
        self._hover_text = ""
        """The reader's hover hint in the status bar; it goes when the mouse leaves."""
        self.visits = Visits()

        self.setWindowTitle("Archive Browser")
        self.setWindowIcon(_app_icon())
        self._build_search_bar()
        self._build_center()
        self.session.install(self.statusBar())
        self.files: ArticleFiles = ArticleFiles(
            self.session, self.reader, self.list_view, self.statusBar(), self.remember_search
        )
        self.exporter: Exporter = Exporter(
            self.tasks,
            self.statusBar(),
            lambda: self.source,
            self.searcher.request,
            self.remember_search,
            self,
        )
        self.reader.set_enabled_types(settings.get(S.highlight_types))
        self._show_state()
        self.sidebar.set_saved(self.saved.names())
        self.resize(1400, 900)
        if persist:
            self._restore_window()
        # Typing at once starts a search (over the last one's words, which stay in History).
        # Left to Qt, the first focus went to the first widget made that takes it: the status
        # bar's Cancel, shown while entities are recognised, so the words typed were lost
        # and a space cancelled the recognition.
        self.focus_search()

    @property
    def archive(self) -> Archive | None:
        """The open archive folder's (``session`` owns it); None also while a shared archive
        is open, so what needs the folder (entity pages, corrections, files) stays off."""
        return self.session.archive

    @property
    def source(self) -> ArchiveReader | None:
        """What the window searches and reads: the folder's archive or the shared one."""
        return self.session.source

    @property
    def state(self) -> SearchState:
        """The search shown (the search controller holds it; ``set_state`` changes it)."""
        return self.searcher.state

    # -- building ------------------------------------------------------------------------
    def _build_search_bar(self) -> None:
        bar = QWidget(self)
        bar.setObjectName("searchBar")
        self.search_field = CommandKeysLineEdit(bar)
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText(
            'Search articles: words, "phrases", coop*, country:KZ, person:…  (Ctrl+L)'
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.textEdited.connect(self.searcher.typed)
        self.search_field.returnPressed.connect(self._on_return)
        self.search_field.installEventFilter(self)
        # A push button: it keeps room for its menu arrow beside the text (a tool button
        # draws the arrow over the text's last letter).
        self.history_button = QPushButton("History", bar)
        self.history_button.setToolTip("Recent searches with their filters")
        self.history_button.setAutoDefault(False)
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
        self.sidebar.page_requested.connect(self.open_entity_page)
        self.sidebar.entity_menu.connect(self.corrections.add_entity_actions)
        self.sidebar.dates_changed.connect(self.set_dates)
        self.sidebar.clear_requested.connect(self.clear_filters)
        self.sidebar.saved_chosen.connect(self.restore_saved)
        self.sidebar.saved_removed.connect(self.remove_saved)

        self.model = ResultsModel(self)
        self.model.more_wanted.connect(self.searcher.fetch_page)
        self.model.snippets_wanted.connect(self.searcher.fetch_snippets)
        self.searcher.snippets_ready.connect(self.model.set_snippets)
        self.list_view = ResultsView(self)
        self.list_view.setObjectName("results")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(HitDelegate(self.list_view))
        self.list_view.update_row_height()
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
        middle_layout.addWidget(self.session.folder_bar)
        middle_layout.addWidget(self.list_view, 1)
        middle_layout.addWidget(self.empty_label, 1)

        self.reader: Reader = Reader(self)
        self.reader.filter_requested.connect(self._on_reader_filter)
        self.reader.message.connect(self._hover_message)
        self.reader.types_changed.connect(lambda kinds: self.settings.set(S.highlight_types, kinds))
        self.reader.browser.viewport().installEventFilter(self)  # reading: see eventFilter
        self.reader.browser.customContextMenuRequested.connect(self._reader_menu)
        self.corrections.applied.connect(self._after_correction)
        self.reader.page_requested.connect(self.open_entity_page)
        self.reader.article_requested.connect(self.select_article)
        self.reader.compare_requested.connect(self.compare_versions)
        self.mention_steps = MentionSteps(self, self.reader, self.model, self.session)
        self.mention_steps.article_wanted.connect(self.select_article)
        self.article_shown.connect(self.mention_steps.article_shown)
        self.session.opening.connect(lambda _root: self.corrections.forget())

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

    # -- the archive's life (``ArchiveSession`` does the work) ----------------------------
    def _on_opening(self, root: Path) -> None:
        self.reader.clear("Opening the archive…")
        key = archive_key(root)
        if self._state_archive is not None and key != self._state_archive:
            self._start_afresh()
        self._state_archive = key
        self._save_state()

    def _start_afresh(self) -> None:
        """Another archive: no query or filter of the previous one follows into it (the
        list's order is a preference and stays)."""
        self.searcher.stop()
        self.searcher.state = SearchState(sort=self.state.sort)
        self._show_state()
        self.count_label.setText("")
        self.notice.hide()

    def _saved_state_archive(self) -> str:
        saved = self.settings.get(S.last_search_archive)
        if saved:
            return saved
        last = self.settings.get(S.last_archive)  # settings from before that key
        return archive_key(Path(last) if last else default_archive_path())

    def _on_closing(self) -> None:
        """Results and articles of the archive going away must never show up."""
        self.searcher.invalidate()
        self._wanted_article = None
        self.model.clear()
        self.collector.release()
        self.visits.clear()

    def _on_opened(self, archive: Archive) -> None:
        self.setWindowTitle(f"{archive.root.name} — Archive Browser")
        self.searcher.search_now()
        self._check_dated()

    def _on_opened_shared(self, location: str) -> None:
        self.setWindowTitle(f"Shared archive {location} — Archive Browser")
        self.reader.clear("A shared archive: choose an article in the list to read it.")
        self.searcher.search_now()
        self._check_dated()

    def _on_open_failed(self, _exc: BaseException, root: Path) -> None:
        self.reader.clear(f"Could not open {root}")
        self.count_label.setText("")

    def _on_updated(self, report: UpdateReport) -> None:
        if report.changed or report.rebuilt or report.entities_done:
            self.searcher.search_now()
            self._check_dated()
        if report.entities_done and self.reader.article is not None:
            self.load_article(self.reader.article.id, record=False)  # its entities are in

    def _check_dated(self) -> None:
        """Tell the date filter whether the archive has any dated article at all."""
        archive = self.source
        if archive is None:
            return

        def done(dated: int) -> None:
            if self.source is archive:
                self.sidebar.dates.set_archive_dated(dated > 0)

        self.tasks.run(
            lambda: archive.stats().dated,
            name="dated articles",
            on_done=done,
            on_error=lambda exc: log.warning("stats: %s", exc),
        )

    # -- searching ------------------------------------------------------------------------
    def _on_return(self) -> None:
        self.searcher.state = self.state.with_text(self.state.text)  # Enter: as written
        self.searcher.search_now()
        self.remember_search()

    def set_show_copies(self, on: bool) -> None:
        """View > Show Every Copy: one row per copy, or per story (``searcher.collapse``)."""
        self.settings.set(S.show_copies, on)
        self.searcher.search_now()

    def _on_search_done(self, result: SearchResult) -> None:
        self.model.set_result(result)
        self.model.want_snippets(range(self._rows_on_screen()))
        self.sidebar.show_counts(
            result.facets, (self.state.countries, self.state.people, self.state.orgs)
        )
        self._show_count(result)
        self.session.show_answer(result.partial)
        self.notice.setText(result.notice or "")
        self.notice.setVisible(bool(result.notice))
        self.notice.setProperty("error", False)
        empty = result.total == 0
        self.list_view.setVisible(not empty)
        self.empty_label.setVisible(empty)
        if empty:
            if result.archive_total == 0:
                text = "Indexing…" if self.session.updating else "The archive has no articles."
            elif self.state.has_filters:
                text = "No articles match. Try removing a filter."
            else:
                text = "No articles match."
            self.empty_label.setText(text)
            self._wanted_article = None
            self.reader.clear(text)
        else:
            self._follow_hits()
        self.collector.settle()
        self.search_applied.emit(result)

    def _follow_hits(self) -> None:
        """The reader after a search: the article asked for or being read if it is a
        hit (selected, its new hits marked), else the first hit; never a non-hit."""
        reading = self.reader.article.id if self.reader.article else None
        for article_id in (self._wanted_article, reading):
            row = self.model.row_of(article_id) if article_id else -1
            if row >= 0:
                self._select_row(row, load=False)
                if article_id == reading:
                    if self._wanted_article != reading:
                        self._wanted_article = None  # drop a load of a non-hit still in flight
                    self._remark_reader()
                return
        first = self.model.hit(0)
        if first is not None:
            self._select_row(0, load=False)
            self.load_article(first.id)

    def _rows_on_screen(self) -> int:
        return self.list_view.rows_on_screen()

    def _on_page(self, result: SearchResult) -> None:
        self.model.append_page(result)
        self.collector.settle()

    def _on_search_failed(self, exc: BaseException) -> None:
        self.model.page_failed()
        if isinstance(exc, BadRequest):
            self.notice.setText(str(exc))
            self.notice.setProperty("error", True)
            self.notice.show()
            self.count_label.setText("")
        else:
            self._show_error("Search failed", exc)

    def _show_error(self, title: str, exc: BaseException) -> None:
        errors.show_error(self, title, exc)  # the box is the window's; nothing keeps it

    def _show_count(self, result: SearchResult) -> None:
        total, everything = result.total, result.archive_total
        if self.state.is_empty and not result.hidden_copies:
            text = f"{everything:,} article{'s' if everything != 1 else ''}"
        else:
            text = f"{total:,} of {everything:,} articles"
        hidden = result.hidden_copies
        if hidden:
            text += f" · {hidden:,} cop{'ies' if hidden != 1 else 'y'} hidden"
            self.count_label.setToolTip(
                "Copies of one story are shown as one row; View > Show Every Copy lists each"
            )
        else:
            self.count_label.setToolTip("")
        self.count_label.setText(text)

    # -- state changes ----------------------------------------------------------------------
    def set_state(
        self, state: SearchState, *, remember: bool = False, archive: Path | None = None
    ) -> None:
        """Make ``state`` current: show it everywhere and search.

        ``remember``: put it in the history now (a search chosen from the history).
        Other searches get there when the user acts on them (``remember_search``).
        ``archive``: the folder the state is for, when it is not the open one (the
        command line's search, given before its archive is opened)."""
        if archive is not None:
            self._state_archive = archive_key(archive)
        self.searcher.state = state
        self._show_state()
        self.searcher.search_now()
        if remember:
            self.history.add(state)
        self._save_state()

    def remember_search(self) -> None:
        """The user acted on the search shown (opened, read or exported a hit, saved
        it, pressed Enter): keep it in the history. Searches only seen on the way,
        such as each prefix while typing, never get there."""
        self.history.add(self.state)

    def _save_state(self) -> None:
        if self._persist:
            self.settings.set(S.last_search, self.state.dumps())
            self.settings.set(S.last_search_archive, self._state_archive or "")

    def _show_state(self) -> None:
        state = self.state
        if self.search_field.text() != state.text:
            self.search_field.setText(state.text)
        index = self.sort_box.findData(state.sort.value)
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(max(index, 0))
        self.sort_box.blockSignals(False)
        self.sidebar.show_filters(
            state.has_filters, state.date_from, state.date_to, state.include_undated
        )
        self.chips.set_chips(state.filter_labels())

    def toggle_filter(self, kind: str, key: str, on: bool) -> None:
        """``kind`` comes as text from the widgets' signals; ``toggled`` checks it."""
        self.set_state(self.state.toggled(cast(FilterKind, kind), key, on))

    def set_dates(
        self, date_from: date | None, date_to: date | None, include_undated: bool
    ) -> None:
        self.set_state(self.state.with_dates(date_from, date_to, include_undated))

    def set_sort(self, sort: Sort) -> None:
        self.set_state(replace(self.state, sort=sort), remember=False)

    def set_query(self, text: str) -> None:
        """Set the query text and search at once (tests, command line)."""
        self.search_field.setText(text)
        self.set_state(self.state.with_text(text))

    def clear_filters(self) -> None:
        self.sidebar.clear_searches()
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
        fill_choices(
            self.history_menu,
            [
                (state.summary(), partial(self.set_state, state, remember=True))
                for state in self.history.entries()
            ],
            "No searches yet",
        )

    # -- saved searches ------------------------------------------------------------------
    def choose_save_name(self) -> None:
        name, ok = QInputDialog.getText(
            self, "Save Search", "Name for this search:", text=self.state.text.strip()[:40]
        )
        if ok and name.strip():
            self.save_search(name.strip())

    def save_search(self, name: str) -> None:
        self.saved.save(name, self.state)
        self.remember_search()
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
        selection.setCurrentIndex(index, selection.SelectionFlag.ClearAndSelect)
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
        if hit is not None:  # the user chose it (the window's own choices block signals)
            self.remember_search()
            self.load_article(hit.id)

    def load_article(self, article_id: str, *, record: bool = True) -> None:
        archive = self.source
        if archive is None:
            return
        self._wanted_article = article_id
        self._article_load += 1
        load = self._article_load

        query = self.state.query

        def work() -> _Loaded:
            article = archive.article(article_id)
            hits = hits_in(archive, article.body, query)
            title_hits = hits_in(archive, article.title, query)
            stat = file_stat(article.path)
            return article, hits, title_hits, stat, archive.versions(article.id)

        def done(loaded: _Loaded) -> None:
            article, hits, title_hits, stat, versions = loaded
            stale = load != self._article_load or self._wanted_article != article_id
            if stale or self.source is not archive:
                return
            self._wanted_article = None
            local = self.archive if self.archive is archive else None  # not a shared one
            self.reader.show_article(
                article,
                query,
                hits,
                stat,
                versions,
                title_hits=title_hits,
                related_pending=local is not None,
                comparable=local is not None,
            )
            if local is not None:
                self._load_related(local, article.id)
            if self.state.query != query:  # typed on while it loaded
                self._remark_reader()
            if record:
                self.visits.record(article_id)
            self.article_shown.emit(article_id)

        def failed(exc: BaseException) -> None:
            if self._wanted_article == article_id and load == self._article_load:
                self._wanted_article = None
                self.reader.clear(errors.message_for(exc))
                self.statusBar().showMessage(errors.message_for(exc), 6000)

        self.tasks.run(work, name="load article", on_done=done, on_error=failed)

    def _load_related(self, archive: Archive, article_id: str) -> None:
        """The articles related to the one just shown, off the UI thread (after it: the
        article never waits for them); dropped if another was asked for meanwhile."""
        self._related_load += 1
        load = self._related_load

        def done(found: list[RelatedArticle]) -> None:
            if load == self._related_load and self.archive is archive:
                self.reader.set_related(article_id, found)

        def failed(exc: BaseException) -> None:
            if load == self._related_load and self.archive is archive:
                log.warning("related articles of %s: %s", article_id, exc)
                self.reader.set_related(article_id, [])
                self.statusBar().showMessage(errors.message_for(exc), 6000)

        self.tasks.run(
            lambda: archive.related(article_id),
            name="related articles",
            on_done=done,
            on_error=failed,
        )

    def compare_versions(self, this_id: str, other_id: str) -> CompareDialog | None:
        """A window with two versions of the story side by side, what changed marked (the
        older on the left when both are dated, else the one being read)."""
        archive = self.archive
        by_id = {v.id: v for v in self.reader.versions}
        if archive is None or this_id not in by_id or other_id not in by_id:
            return None
        left, right = by_id[this_id], by_id[other_id]
        if left.date and right.date and right.date < left.date:
            left, right = right, left
        dialog = CompareDialog(self, self.tasks, archive, left, right)
        dialog.show()
        return dialog

    def _reader_menu(self, pos: QPoint) -> None:
        """Qt's copy menu, and the corrections for the mention or the text under the mouse."""
        browser = self.reader.browser
        menu = browser.createStandardContextMenu(pos)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for action in menu.actions():
            if action.objectName() == "link-copy":  # our links are entity:N, not addresses
                menu.removeAction(action)
        target = self.reader.target_at(pos)
        if target is not None and self.archive is not None:
            self.corrections.add_actions(menu, target)
        menu.popup(browser.viewport().mapToGlobal(pos))

    def _after_correction(self) -> None:
        """Show what a correction changed: the facets, the list and the article."""
        self.searcher.search_now()
        if self.reader.article is not None:
            self.load_article(self.reader.article.id, record=False)

    def _remark_reader(self) -> None:
        """Mark the new query's hits in the article being read, keeping its position."""
        archive, article, query = self.source, self.reader.article, self.state.query
        if archive is None or article is None or query == self.reader.query:
            return

        def done(found: tuple[_Spans, _Spans]) -> None:
            if self.reader.article is article and self.state.query == query:
                self.reader.set_hits(query, *found)

        self.tasks.run(
            lambda: (hits_in(archive, article.body, query), hits_in(archive, article.title, query)),
            name="mark hits",
            on_done=done,
            on_error=lambda exc: log.warning("marking: %s", exc),
        )

    def open_entity_page(self, entity_type: str, name: str, *, record: bool = True) -> None:
        """An entity's page in the reader (off the UI thread), kept in back/forward."""
        archive = self.archive
        if archive is None:
            self.session.folder_only("Entity pages")
            return
        self._wanted_article = None
        self._article_load += 1  # an article load still in flight must not cover the page
        load = self._article_load

        def done(page: EntityPage) -> None:
            if load == self._article_load and self.archive is archive:
                self.reader.show_page(page)
                if record:
                    self.visits.record((page.type, page.name))

        self.tasks.run(
            lambda: archive.entity_page(entity_type, name),  # type: ignore[arg-type]
            name="entity page",
            on_done=done,
            on_error=lambda exc: self.statusBar().showMessage(errors.message_for(exc), 6000),
        )

    def show_cooccurrence(self) -> None:
        """Who appears with whom in this search's articles (one such window)."""
        self._analyst_window("cooccurrenceDialog", CooccurrenceDialog)

    def show_country_pairs(self) -> None:
        """Country pairs by month in this search's articles (one such window)."""
        self._analyst_window("countryPairsDialog", CountryPairsDialog)

    def _analyst_window(
        self, name: str, make: type[CooccurrenceDialog] | type[CountryPairsDialog]
    ) -> None:
        if self.archive is None:
            self.session.folder_only("The analyst's views")
            return
        for dialog in self.dialogs():
            if dialog.objectName() == name and isinstance(dialog, make):
                dialog.refresh()
                dialog.raise_()
                dialog.activateWindow()
                return
        dialog = make(self, self.searcher, self.session, self.tasks)
        dialog.chosen.connect(partial(self.set_state, remember=True))
        dialog.show()

    def open_selected_entity_page(self) -> None:
        selected = self.reader.selected_entity
        if selected is None:
            self.statusBar().showMessage("Click an entity in the article first", 4000)
            return
        self.open_entity_page(*selected)

    def go_back(self) -> None:
        self._go(self.visits.back())

    def go_forward(self) -> None:
        self._go(self.visits.forward())

    def _go(self, visit: Visit | None) -> None:
        """Show ``visit`` again (back/forward), without recording it anew."""
        if isinstance(visit, tuple):
            self.open_entity_page(*visit, record=False)
        elif visit is not None:
            row = self.model.row_of(visit)
            if row >= 0:
                self._select_row(row, load=False)
            self.load_article(visit, record=False)

    def focus_search(self) -> None:
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()

    def focus_reader(self) -> None:
        self.remember_search()
        self.reader.browser.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if (
            event.type() in READING_EVENTS
            and watched is self.reader.browser.viewport()
            and self.reader.article is not None
        ):
            self.remember_search()  # a click or scroll in the article: it is being read
            return False
        if event.type() == QEvent.Type.Leave and watched is self.reader.browser.viewport():
            self._clear_hover_message()  # left from a link: no "unhovered" comes
            return False
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
        forwarded = QKeyEvent(QEvent.Type.KeyPress, event.key(), Qt.KeyboardModifier.NoModifier)
        QGuiApplication.sendEvent(self.list_view, forwarded)

    # -- help ------------------------------------------------------------------------------
    # Dialogs belong to the window (Qt parent) and delete themselves when closed; the
    # window keeps no Python reference to any (``dialogs`` asks Qt for the open ones).
    def show_query_help(self) -> None:
        show_sheet(self, "syntaxDialog", "Search Syntax", query_syntax_html())

    def all_actions(self) -> list[QAction]:
        return [a for a in self.actions() if not a.isSeparator()]

    def show_shortcuts(self) -> None:
        show_sheet(
            self, "shortcutsDialog", "Keyboard Shortcuts", shortcuts_html(self.all_actions())
        )

    def show_about(self) -> None:
        for dialog in self.dialogs():
            if dialog.objectName() == "aboutDialog":
                dialog.raise_()
                dialog.activateWindow()
                return
        log_file = errors.log_file()
        archive = self.archive
        text = about_text(
            __version__,
            str(log_file) if log_file else "(none)",
            str(archive.root) if archive else "",
            str(archive.index_dir) if archive else "",
        )
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "About Archive Browser",
            text,
            QMessageBox.StandardButton.Ok,
            self,
        )
        box.setObjectName("aboutDialog")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    def dialogs(self) -> list[QDialog]:
        """The window's dialogs on screen (sheets, messages), asked of Qt each time."""
        return open_dialogs(self)

    def _hover_message(self, text: str) -> None:
        self._hover_text = text
        if text:
            self.statusBar().showMessage(text)
        else:
            self.statusBar().clearMessage()

    def _clear_hover_message(self) -> None:
        """Take the hover hint off the status bar unless another message replaced it."""
        if self._hover_text and self.statusBar().currentMessage() == self._hover_text:
            self.statusBar().clearMessage()
        self._hover_text = ""

    # -- idle, settings, closing ---------------------------------------------------------
    def is_idle(self) -> bool:
        return (
            not self.tasks.busy
            and not self.searcher.pending
            and not self.session.busy
            and self._wanted_article is None
            and not self.model.asking
        )

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
        self._save_state()
        self.settings.set(S.highlight_types, self.reader.enabled_types)
        self.settings.sync()

    def shutdown(self) -> None:
        """Stop background work and close the archive (idempotent)."""
        self.searcher.stop()
        self.session.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Quit in a safe order: state saved, work stopped (no task left to answer into
        a dialog), then the dialogs closed; ``gui.app`` deletes the window after."""
        try:
            self.save_settings()
            self.shutdown()
            for dialog in self.dialogs():
                dialog.close()
        except Exception:
            # An exception escaping a Qt virtual crashes the bindings (shiboken 6.11's
            # error path segfaults): log it and let the window close.
            log.exception("closing the window")
        super().closeEvent(event)


def archive_key(root: Path) -> str:
    """One spelling of an archive folder, to tell whether a search was made in it."""
    try:
        return str(root.resolve())
    except OSError:
        return str(root.absolute())


def hits_in(archive: ArchiveReader, body: str, query: str) -> list[tuple[int, int]]:
    """The engine's spans of ``query`` in ``body`` (what matched; phrases as one span)."""
    if not query.strip():
        return []
    try:
        return archive.hit_spans(body, query)
    except ArchiveError as exc:  # e.g. a query the parser rejects: nothing to mark
        log.info("hit_spans(%r): %s", query, exc)
        return []


def _app_icon() -> QIcon:
    """The SVG plus the rendered PNG sizes, which stay sharp where small icons are drawn."""
    icon = QIcon(str(resource_path("icons/archive-browser.svg")))
    for size in (16, 32, 48, 64, 128, 256):
        png = resource_path(f"icons/archive-browser-{size}.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon
