"""F4 / Shift+F4 across articles: past the selected entity's last mention in the article,
the next article of the result list that names it opens at its first mention (and back,
at its last). The list's order is the search's; only the rows already loaded are looked
at, as a reader paging through them would."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from gui.main_window import MainWindow


class MentionSteps(QObject):
    """Follows one entity from article to article through the result list."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._pending: tuple[str, str, str, bool] | None = None
        """(article id, type, name, last): the mention to select once that article shows."""
        window.reader.mentions_ended.connect(self._ended)
        window.article_shown.connect(self._shown)

    def _ended(self, step: int) -> None:
        window, reader = self._window, self._window.reader
        selected, archive, article = reader.selected_entity, window.archive, reader.article
        if selected is None or archive is None or article is None:
            reader.wrap_mentions(step)
            return
        naming = archive.naming(*selected)  # type: ignore[arg-type]
        model = window.model
        here = model.row_of(article.id)
        if here < 0:
            here = -1 if step > 0 else model.rowCount()
        rows = range(here + 1, model.rowCount()) if step > 0 else range(here - 1, -1, -1)
        for row in rows:
            hit = model.hit(row)
            if hit is not None and hit.id != article.id and hit.id in naming:
                self._pending = (hit.id, selected[0], selected[1], step < 0)
                window.select_article(hit.id)
                return
        where = "later" if step > 0 else "earlier"
        window.statusBar().showMessage(
            f"No {where} article in the list names “{selected[1]}”: back to this article's "
            f"{'first' if step > 0 else 'last'} mention",
            5000,
        )
        reader.wrap_mentions(step)

    def _shown(self, article_id: str) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == article_id:
            _, entity_type, name, last = pending
            self._window.reader.select_mention_of(entity_type, name, last=last)
