"""The reading pane: one article with its entities and search hits highlighted.

The page is built by ``gui.markup`` (escaped HTML); this widget adds what needs
Qt: a browser that never loads anything, the legend with a toggle per entity
type, stepping through hits (F3) and through the mentions of one entity, and
turning clicks on entities into filter requests for the window.
"""

from __future__ import annotations

import html
import logging
import os
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QEvent, QPoint, QSize, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.corrections import Target
from gui.entity_page import PageLinks, page_html
from gui.flow import FlowLayout
from gui.markup import (
    TYPE_PLURALS,
    Palette,
    article_html,
    current_colour,
    entity_colour,
    entity_label,
    entity_tooltip,
    hit_colours,
)
from search.api import printable
from search.model import (
    ENTITY_TYPES,
    FILTER_OF_TYPE,
    Article,
    Entity,
    EntityPage,
    RelatedArticle,
    Version,
)

log = logging.getLogger("archive_browser.reader")


class ElidedLabel(QLabel):
    """One line cut in the middle with an ellipsis to the width the layout gives it.

    The reader's file path: a long one (a generated archive's) was clipped mid-letter
    under the file's size beside it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(60)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        fits = metrics.horizontalAdvance(self._full) <= self.width()
        shown = (
            self._full
            if fits
            else metrics.elidedText(self._full, Qt.TextElideMode.ElideMiddle, self.width())
        )
        if shown != self.text():
            self.setText(shown)


class ArticleBrowser(QTextBrowser):
    """A QTextBrowser that loads nothing: no images, no files, no network, no navigation.

    Article text is escaped before it gets here; this is the second lock on the
    door, so even a bug in escaping cannot make the app fetch ``<img src=…>``.
    """

    def body_start(self) -> int:
        """Where the article's body starts in the document (the ``body-start`` anchor)."""
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                if "body-start" in fragment.charFormat().anchorNames():
                    return fragment.position()
                it += 1
            block = block.next()
        return 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.document().setDocumentMargin(14)
        self.loaded_resources: list[str] = []
        """Every resource the document asked for (and did not get): tests read it."""

    def loadResource(self, type: int, name: QUrl | str) -> object:  # noqa: N802
        self.loaded_resources.append(name.toString() if isinstance(name, QUrl) else name)
        return None


def _blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` of the way to ``b``: a dimmed text colour that suits the palette."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def _swatch(colour: str, border: QColor, size: int = 14) -> QIcon:
    """A filled square with an outline, so pale tints still show on any background."""
    pixmap = QPixmap(QSize(size, size))
    pixmap.fill(QColor(colour))
    painter = QPainter(pixmap)
    painter.setPen(border)
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


def file_size(size: int) -> str:
    """``812 bytes``, ``3.4 KB``, ``1.2 MB``: a file's size for people."""
    if size < 1000:
        return f"{size} byte" + ("" if size == 1 else "s")
    for unit in ("KB", "MB", "GB"):
        size_f = size / 1000
        if size_f < 1000 or unit == "GB":
            return f"{size_f:.1f} {unit}"
        size = round(size_f)
    raise AssertionError("unreachable")


def file_stat(path: str) -> os.stat_result | None:
    """The file's stat, or None when it cannot be read (call it off the UI thread)."""
    try:
        return os.stat(path) if path else None
    except (OSError, ValueError):
        return None


def file_facts(stat: os.stat_result | None) -> str:
    """``3.4 KB · modified 2025-03-04 14:02`` (local time); empty without a stat."""
    if stat is None:
        return ""
    when = datetime.fromtimestamp(stat.st_mtime).strftime("%Y-%m-%d %H:%M")
    return f"{file_size(stat.st_size)}  ·  modified {when}"


class Reader(QWidget):
    """Shows one article; emits what the user asked for with a click."""

    filter_requested = Signal(str, str, bool)
    """(state kind, key, exclude): e.g. ("countries", "KZ", False)."""
    message = Signal(str)
    """A line for the status bar (what the hovered entity is)."""
    types_changed = Signal(list)
    """The entity types now highlighted."""
    page_requested = Signal(str, str)
    """(type, name): a link on an entity page to another entity's page."""
    article_requested = Signal(str)
    """An article id: a link on an entity page."""
    open_requested = Signal()
    """The header's Open button: open the article's file in its program."""
    show_in_folder_requested = Signal()
    """The header's Show in folder button."""
    compare_requested = Signal(str, str)
    """(the article read, another version of its story): a version's Compare link."""
    mentions_ended = Signal(int)
    """F4 went past the selected entity's last mention (+1) or Shift+F4 before its first
    (-1): the window looks for the next article in the list that names it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.article: Article | None = None
        self._versions: list[Version] = []
        self._related: list[RelatedArticle] | None = None
        self._related_pending = False
        self._comparable = True
        self.page: EntityPage | None = None
        """The entity page shown instead of an article, if one is."""
        self._page_links = PageLinks()
        self._query = ""
        self._engine_hits: list[tuple[int, int]] = []
        self._enabled: list[str] = list(ENTITY_TYPES)
        self._hits: list[tuple[int, int]] = []
        self._title_hits: list[tuple[int, int]] = []
        """The query's spans in the title (marked, not stepped through)."""
        self._shown: list[tuple[int, Entity]] = []
        self._body_start = 0
        self._current_hit = -1
        self._selected: tuple[str, str] | None = None
        self._mentions: list[Entity] = []
        self._current_mention = -1

        self.browser = ArticleBrowser(self)
        self.browser.setObjectName("reader")
        self.browser.anchorClicked.connect(self._on_anchor)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.highlighted.connect(self._on_hover)

        # The file the article is: its path in the archive, size and time, and
        # buttons to open it or its folder (two copies of one text look alike).
        self.file_header = QWidget(self)
        self.file_header.setObjectName("readerFileHeader")
        file_row = QHBoxLayout(self.file_header)
        file_row.setContentsMargins(6, 3, 6, 0)
        file_row.setSpacing(6)
        self.path_label = ElidedLabel(self.file_header)
        self.path_label.setObjectName("readerPath")
        self.path_label.setTextFormat(Qt.TextFormat.PlainText)
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_label = QLabel("", self.file_header)
        self.file_label.setObjectName("readerFileFacts")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setEnabled(False)  # drawn muted
        self.open_button = self._tool(
            "Open", "Open the file in its program (Ctrl+Shift+O)", self.open_requested.emit
        )
        self.folder_button = self._tool(
            "Show in folder",
            "Show the file in its folder (Ctrl+Shift+F)",
            self.show_in_folder_requested.emit,
        )
        file_row.addWidget(self.path_label, 1)
        file_row.addWidget(self.file_label)
        file_row.addWidget(self.open_button)
        file_row.addWidget(self.folder_button)
        self.file_header.hide()

        legend_box = QWidget(self)
        legend = FlowLayout(legend_box, spacing=12)
        legend.setContentsMargins(6, 3, 6, 3)
        self._checks: dict[str, QCheckBox] = {}
        for kind in ENTITY_TYPES:
            box = QCheckBox(TYPE_PLURALS[kind], self)
            box.setChecked(True)
            box.setToolTip(f"Highlight {TYPE_PLURALS[kind].lower()} in the text")
            box.toggled.connect(self._on_toggle)
            self._checks[kind] = box
            legend.addWidget(box)
        self._hits_key = QLabel("Search hits", self)
        """The hits' colour, on the row of the hit buttons: beside the five types it made
        the legend two lines in a reader of 1280 x 720's width."""

        nav = QHBoxLayout()
        nav.setContentsMargins(6, 0, 6, 2)
        nav.setSpacing(4)
        self.prev_hit_button = self._tool("◀", "Previous hit (Shift+F3)", self.previous_hit)
        self.next_hit_button = self._tool("▶", "Next hit (F3)", self.next_hit)
        self.hit_label = QLabel("", self)
        nav.addWidget(self.prev_hit_button)
        nav.addWidget(self.hit_label)
        nav.addWidget(self.next_hit_button)
        nav.addSpacing(16)
        self.prev_mention_button = self._tool(
            "◀", "Previous mention of the selected entity (Shift+F4)", self.previous_mention
        )
        self.next_mention_button = self._tool(
            "▶", "Next mention of the selected entity (F4)", self.next_mention
        )
        self.mention_label = QLabel("", self)
        self.mention_label.setTextFormat(Qt.TextFormat.PlainText)
        nav.addWidget(self.prev_mention_button)
        nav.addWidget(self.mention_label)
        nav.addWidget(self.next_mention_button)
        nav.addStretch(1)
        nav.addWidget(self._hits_key)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.file_header)
        layout.addWidget(legend_box)
        layout.addLayout(nav)
        layout.addWidget(self.browser, 1)
        self._update_legend()
        self.clear()

    def _tool(self, text: str, tip: str, slot: object) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    # -- public ------------------------------------------------------------------------
    @property
    def hit_count(self) -> int:
        return len(self._hits)

    @property
    def current_hit(self) -> int:
        return self._current_hit

    @property
    def selected_entity(self) -> tuple[str, str] | None:
        return self._selected

    @property
    def mentions(self) -> list[Entity]:
        """The selected entity's mentions in this article, in text order."""
        return list(self._mentions)

    @property
    def current_mention(self) -> int:
        return self._current_mention

    @property
    def mention_index(self) -> int:
        return self._current_mention

    @property
    def enabled_types(self) -> list[str]:
        return list(self._enabled)

    def set_enabled_types(self, kinds: list[str]) -> None:
        self._enabled = [k for k in ENTITY_TYPES if k in kinds]
        for kind, box in self._checks.items():
            box.blockSignals(True)
            box.setChecked(kind in self._enabled)
            box.blockSignals(False)
        self._render(keep_position=True)

    def html(self) -> str:
        """The HTML the page was built from (tests inspect it)."""
        return self._html

    def clear(self, message: str = "Select an article to read it here.") -> None:
        self.article = None
        self.page = None
        self.file_header.hide()
        self._related, self._related_pending = None, False
        self._hits, self._shown, self._title_hits = [], [], []
        self._current_hit = -1
        self._selected = None
        self._mentions, self._current_mention = [], -1
        dim = self._palette().dim
        self._html = (
            f'<p style="color:{dim}; margin-top:40px" align="center">{html.escape(message)}</p>'
        )
        self.browser.setHtml(self._html)
        self._update_nav()

    def show_page(self, page: EntityPage) -> None:
        """Show an entity's page (in place of an article; back returns to it)."""
        self.clear()
        self.page = page
        self._html, self._page_links = page_html(page, self._palette())
        self.browser.setHtml(self._html)

    def show_article(
        self,
        article: Article,
        query: str = "",
        hits: list[tuple[int, int]] | None = None,
        stat: os.stat_result | None = None,
        versions: Sequence[Version] = (),
        *,
        title_hits: list[tuple[int, int]] | None = None,
        related_pending: bool = False,
        comparable: bool = True,
    ) -> None:
        """Show ``article`` with the query's hits marked; start at the first hit.
        ``versions``: its story's articles (listed under it when it has copies);
        ``related_pending``: its related articles are on their way (`set_related`);
        ``comparable``: its versions get Compare links (a local archive's).

        ``hits`` are the engine's spans of the query in the body
        (``Archive.hit_spans``: phrases as one span), ``title_hits`` in the title.
        ``stat`` is its file's (taken off the UI thread), for the size and time in the header.
        """
        same = self.article is not None and self.article.id == article.id
        self.page = None
        self.article = article
        self._show_file(article, stat)
        self._query = query
        self._engine_hits = list(hits or [])
        self._title_hits = list(title_hits or [])
        self._versions = list(versions)
        self._comparable = comparable
        if not same:
            self._related, self._related_pending = None, related_pending
        elif self._related is None:  # the same article again: its list stays till renewed
            self._related_pending = related_pending
        if not same:
            self._selected = None
        self._render(keep_position=False)
        if self._hits:
            self.go_to_hit(0)

    @property
    def query(self) -> str:
        return self._query

    @property
    def versions(self) -> list[Version]:
        """The shown article's story (itself alone when it has no copies)."""
        return list(self._versions)

    @property
    def related(self) -> list[RelatedArticle] | None:
        """The related articles listed under the article (None: not, or not yet)."""
        return None if self._related is None else list(self._related)

    def set_related(self, article_id: str, related: Sequence[RelatedArticle]) -> None:
        """List ``related`` under the article if it is still ``article_id`` (the reader
        may have moved on), keeping the reading position and the stepped-to mark."""
        if self.article is None or self.article.id != article_id or self.page is not None:
            return
        self._related, self._related_pending = list(related), False
        self._render(keep_position=True)
        if 0 <= self._current_hit < len(self._hits):
            self._mark_current(*self._hits[self._current_hit], scroll=False)
        elif 0 <= self._current_mention < len(self._mentions):
            mention = self._mentions[self._current_mention]
            self._mark_current(mention.start, mention.end, scroll=False)

    def set_hits(
        self,
        query: str,
        hits: list[tuple[int, int]] | None = None,
        title_hits: list[tuple[int, int]] | None = None,
    ) -> None:
        """Re-mark hits (in the body and the title) for a new query without losing the
        reading position."""
        body, title = list(hits or []), list(title_hits or [])
        if self.article is None or (
            query == self._query and body == self._engine_hits and title == self._title_hits
        ):
            return
        self._query = query
        self._engine_hits, self._title_hits = body, title
        self._render(keep_position=True)
        if self._hits:
            self.go_to_hit(0)  # the new query's first hit, as when opening an article

    def next_hit(self) -> None:
        if self._hits:
            self.go_to_hit((self._current_hit + 1) % len(self._hits))

    def previous_hit(self) -> None:
        if self._hits:
            self.go_to_hit((self._current_hit - 1) % len(self._hits))

    def go_to_hit(self, n: int) -> None:
        if not 0 <= n < len(self._hits):
            return
        self._current_hit = n
        start, end = self._hits[n]
        self._mark_current(start, end)
        self._update_nav()

    def select_entity(self, entity: Entity) -> None:
        """Make ``entity`` the one F4/Shift+F4 step through, starting at this mention."""
        assert self.article is not None
        self._selected = (entity.type, entity.norm)
        self._mentions = [e for e in self.article.entities if (e.type, e.norm) == self._selected]
        self._current_mention = next(
            (i for i, e in enumerate(self._mentions) if e.start == entity.start), 0
        )
        self._go_to_mention()

    def next_mention(self) -> None:
        self._step_mention(1)

    def previous_mention(self) -> None:
        self._step_mention(-1)

    def _step_mention(self, step: int) -> None:
        if not self._mentions:
            return
        n = self._current_mention + step
        if 0 <= n < len(self._mentions):
            self._current_mention = n
            self._go_to_mention()
        else:
            self.mentions_ended.emit(step)

    def wrap_mentions(self, step: int) -> None:
        """Back to the first mention (``step`` > 0) or the last: no other article has it."""
        if self._mentions:
            self._current_mention = 0 if step > 0 else len(self._mentions) - 1
            self._go_to_mention()

    def select_mention_of(self, entity_type: str, name: str, *, last: bool = False) -> bool:
        """Select the first (or last) mention of an entity in this article; False if none."""
        entities = self.article.entities if self.article else []
        found = [e for e in entities if (e.type, e.norm) == (entity_type, name)]
        if not found:
            return False
        self.select_entity(found[-1] if last else found[0])
        return True

    # -- rendering --------------------------------------------------------------------
    def _show_file(self, article: Article, stat: os.stat_result | None) -> None:
        shown = printable(article.id)
        self.path_label.set_full_text(shown)
        full = printable(article.path) if article.path else shown
        self.path_label.setToolTip(full)
        self.file_label.setText(file_facts(stat))
        self.file_header.show()

    def _palette(self) -> Palette:
        # The reader's own palette: on a change it is updated before the browser's.
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        text = pal.color(QPalette.ColorRole.Text)
        return Palette(
            dark=base.lightness() < 128,
            dim=_blend(text, base, 0.45).name(),
            text=pal.color(QPalette.ColorRole.Text).name(),
            link=pal.color(QPalette.ColorRole.Link).name(),
        )

    def _render(self, *, keep_position: bool) -> None:
        if self.article is None:
            return
        scroll = self.browser.verticalScrollBar().value()
        html, self._hits, self._shown = article_html(
            self.article,
            versions=self._versions,
            related=self._related,
            related_pending=self._related_pending,
            comparable=self._comparable,
            hits=self._engine_hits,
            title_hits=self._title_hits,
            enabled=self._enabled,
            palette=self._palette(),
        )
        self._html = html
        self.browser.setHtml(html)
        self._body_start = self.browser.body_start()
        if self._selected:
            self._mentions = [
                e for e in self.article.entities if (e.type, e.norm) == self._selected
            ]
            if not self._mentions:
                self._selected = None
        else:
            self._mentions = []
        self._current_mention = min(self._current_mention, len(self._mentions) - 1)
        self._current_hit = min(self._current_hit, len(self._hits) - 1)
        self.browser.setExtraSelections([])
        if keep_position:
            self.browser.verticalScrollBar().setValue(scroll)
        else:
            self._current_hit = -1
            self._current_mention = -1 if not self._mentions else 0
            self.browser.verticalScrollBar().setValue(0)
        self._update_legend()
        self._update_nav()

    def _mark_current(self, start: int, end: int, *, scroll: bool = True) -> None:
        doc_start, doc_end = self._body_start + start, self._body_start + end
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(doc_start)
        cursor.setPosition(doc_end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        fmt = selection.format
        fmt.setBackground(QColor(current_colour(self._palette().dark)))
        fmt.setForeground(QColor("#000000"))
        selection.format = fmt
        self.browser.setExtraSelections([selection])
        if not scroll:
            return
        # Scroll so the mark sits a third down the view, not at its edge.
        plain = QTextCursor(self.browser.document())
        plain.setPosition(doc_start)
        rect = self.browser.cursorRect(plain)
        bar = self.browser.verticalScrollBar()
        bar.setValue(bar.value() + rect.top() - self.browser.viewport().height() // 3)

    def _go_to_mention(self) -> None:
        if 0 <= self._current_mention < len(self._mentions):
            mention = self._mentions[self._current_mention]
            self._mark_current(mention.start, mention.end)
        self._update_nav()

    def _update_legend(self) -> None:
        dark = self._palette().dark
        for kind, box in self._checks.items():
            box.setIcon(
                _swatch(entity_colour(kind, dark), self.palette().color(QPalette.ColorRole.Mid))
            )
        bg, fg = hit_colours(dark)
        self._hits_key.setText(
            f'<span style="background-color:{bg}; color:{fg}"><b>&nbsp;Search hits&nbsp;</b></span>'
        )

    def _update_nav(self) -> None:
        has_hits = bool(self._hits)
        for button in (self.prev_hit_button, self.next_hit_button):
            button.setEnabled(has_hits)
            button.setVisible(bool(self.article and self._query.strip()))
        if not self.article or not self._query.strip():
            self.hit_label.setText("")
        elif not has_hits:
            self.hit_label.setText(
                "Hits in the title only" if self._title_hits else "No hits in this article"
            )
        elif self._current_hit >= 0:
            self.hit_label.setText(f"Hit {self._current_hit + 1} of {len(self._hits)}")
        else:
            self.hit_label.setText(f"{len(self._hits)} hits")
        has_mentions = bool(self._mentions)
        for button in (self.prev_mention_button, self.next_mention_button):
            button.setVisible(has_mentions)
        if has_mentions and self._selected:
            name = entity_label(self._mentions[0])
            position = max(self._current_mention, 0) + 1
            self.mention_label.setText(f"{name}: mention {position} of {len(self._mentions)}")
        else:
            self.mention_label.setText("")

    # -- events ---------------------------------------------------------------------------
    def _entity(self, url: QUrl) -> tuple[str, Entity] | None:
        scheme, _, rest = url.toString().partition(":")
        if self.article is None or scheme not in ("entity", "mention") or not rest.isdigit():
            return None
        index = int(rest)
        if not 0 <= index < len(self.article.entities):
            return None
        return scheme, self.article.entities[index]

    def target_at(self, pos: QPoint) -> Target | None:
        """What a right-click at ``pos`` (viewport coordinates) is on, for the corrections."""
        if self.article is None:
            return None
        anchor = self.browser.anchorAt(pos)
        found = self._entity(QUrl(anchor)) if anchor else None
        if found is not None:
            scheme, entity = found
            return Target(self.article, entity, here=scheme == "entity")
        cursor = self.browser.textCursor()
        if cursor.hasSelection():
            start = cursor.selectionStart() - self._body_start
            end = cursor.selectionEnd() - self._body_start
            if 0 <= start < end <= len(self.article.body):
                return Target(self.article, selection=(start, end))
        if 0 <= self._current_mention < len(self._mentions):
            # The menu key: the mention F4 went to (the mouse is not on a name).
            return Target(self.article, self._mentions[self._current_mention], here=True)
        return Target(self.article)

    def select_body_text(self, start: int, end: int) -> None:
        """Select body text by its offsets (as a user would with the mouse)."""
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(self._body_start + start)
        cursor.setPosition(self._body_start + end, QTextCursor.MoveMode.KeepAnchor)
        self.browser.setTextCursor(cursor)

    def _on_anchor(self, url: QUrl) -> None:
        scheme, _, rest = url.toString().partition(":")
        if self.page is not None and rest.isdigit():
            links = self._page_links
            if scheme == "goto" and int(rest) < len(links.entities):
                self.page_requested.emit(*links.entities[int(rest)])
            elif scheme == "open" and int(rest) < len(links.articles):
                self.article_requested.emit(links.articles[int(rest)])
            return
        if scheme == "version" and rest.isdigit() and int(rest) < len(self._versions):
            self.article_requested.emit(self._versions[int(rest)].id)
            return
        if scheme == "compare" and rest.isdigit() and int(rest) < len(self._versions):
            if self.article is not None and self._comparable:
                self.compare_requested.emit(self.article.id, self._versions[int(rest)].id)
            return
        if scheme == "related" and rest.isdigit() and int(rest) < len(self._related or ()):
            self.article_requested.emit((self._related or [])[int(rest)].id)
            return
        found = self._entity(url)
        if found is None:
            log.info("ignored link %s", url.toString())
            return
        scheme, entity = found
        self.select_entity(entity)
        if scheme == "entity" and entity.type in FILTER_OF_TYPE:
            alt = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
            if alt:  # Alt+click: a negative filter
                self.filter_requested.emit(
                    f"exclude_{FILTER_OF_TYPE[entity.type]}", entity.norm, True
                )
            else:
                self.filter_requested.emit(FILTER_OF_TYPE[entity.type], entity.norm, False)

    def _on_hover(self, url: QUrl) -> None:
        found = self._entity(url)
        if found is None:
            self.message.emit("")
            return
        _scheme, entity = found
        hint = ""
        if entity.type in FILTER_OF_TYPE:
            hint = " — click to filter, Alt+click to exclude"
        self.message.emit(entity_tooltip(entity) + hint)

    def _on_toggle(self) -> None:
        self._enabled = [k for k, box in self._checks.items() if box.isChecked()]
        self._render(keep_position=True)
        self.types_changed.emit(list(self._enabled))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._update_legend()
            self._render(keep_position=True)
