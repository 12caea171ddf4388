"""F4 / Shift+F4 across articles: past the selected entity's last mention in the article,
the next article of the result list that names it opens at its first mention (and back,
at its last). The list's order is the search's; only the rows already loaded are looked
at, as a reader paging through them would."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMainWindow

from gui.reader import Reader
from gui.results_model import ResultsModel
from gui.session import ArchiveSession


class MentionSteps(QObject):
    """Follows one entity from article to article through the result list."""

    article_wanted = Signal(str)
    """The next (or previous) article of the list naming the entity: show it."""

    def __init__(
        self, window: QMainWindow, reader: Reader, model: ResultsModel, session: ArchiveSession
    ) -> None:
        """``window`` for its status bar; connect ``article_shown`` to each article shown."""
        super().__init__(window)
        self._window = window
        self._reader = reader
        self._model = model
        self._session = session
        self._pending: tuple[str, str, str, bool] | None = None
        """(article id, type, name, last): the mention to select once that article shows."""
        reader.mentions_ended.connect(self._ended)

    def _ended(self, step: int) -> None:
        reader = self._reader
        selected, archive, article = reader.selected_entity, self._session.archive, reader.article
        if selected is None or archive is None or article is None:
            reader.wrap_mentions(step)
            return
        naming = archive.naming(*selected)  # type: ignore[arg-type]
        model = self._model
        here = model.row_of(article.id)
        if here < 0:
            here = -1 if step > 0 else model.rowCount()
        rows = range(here + 1, model.rowCount()) if step > 0 else range(here - 1, -1, -1)
        for row in rows:
            hit = model.hit(row)
            if hit is not None and hit.id != article.id and hit.id in naming:
                self._pending = (hit.id, selected[0], selected[1], step < 0)
                self.article_wanted.emit(hit.id)
                return
        where = "later" if step > 0 else "earlier"
        self._window.statusBar().showMessage(
            f"No {where} article in the list names “{selected[1]}”: back to this article's "
            f"{'first' if step > 0 else 'last'} mention",
            5000,
        )
        reader.wrap_mentions(step)

    def article_shown(self, article_id: str) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == article_id:
            _, entity_type, name, last = pending
            self._reader.select_mention_of(entity_type, name, last=last)
