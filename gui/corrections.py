"""Correcting the machine from the window: the reader's right-click menu, undo and redo.

A right-click on a highlighted mention offers: not an entity here, not an entity anywhere,
another type, a new name, merge into another entity; on selected text: mark it as a person,
organisation or place. Each correction runs off the UI thread (`search.api.Archive.correct`,
which applies it to facets, filters and queries at once) and then the search and the
article being read are shown again. Undo and redo walk this session's corrections.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow, QMenu

from gui import errors
from gui.markup import TYPE_LABELS
from gui.session import ArchiveSession
from gui.workers import TaskManager
from search.api import Archive
from search.model import Article, Correction, CorrectionKind, Entity

log = logging.getLogger("archive_browser.corrections")

CORRECTABLE = ("PERSON", "ORG", "PLACE")
"""Types the user can retype to, mark text as, merge and rename (they have facets)."""


@dataclass(frozen=True, slots=True)
class Target:
    """What a right-click in the reader is on: a mention, or selected text."""

    article: Article
    entity: Entity | None = None
    here: bool = False
    """The mention itself was clicked (in the text), not its entry in the list below."""
    selection: tuple[int, int] | None = None
    """(start, end) of selected body text."""


class Corrections(QObject):
    """The window's corrections: the menu's actions, run in the background, undo/redo."""

    applied = Signal()
    """A correction (or its undo) took effect: show the search and the article again."""
    page_requested = Signal(str, str)
    """(type, name): the menu's Open Entity Page."""

    def __init__(self, window: QMainWindow, session: ArchiveSession, tasks: TaskManager) -> None:
        """``window``: the dialogs' parent and its status bar; ``session``: the archive."""
        super().__init__(window)
        self._window = window
        self._session = session
        self._tasks = tasks
        self._done: list[Correction] = []
        self._undone: list[tuple[CorrectionKind, dict[str, object]]] = []

    # -- the menu ---------------------------------------------------------------------------
    def add_actions(self, menu: QMenu, target: Target) -> None:
        """Append the corrections that fit ``target`` to a context menu."""
        entity, article = target.entity, target.article
        if entity is not None:
            menu.addSeparator()
            label = _quoted(entity.norm)
            if entity.type in ("PERSON", "ORG", "PLACE", "COUNTRY"):
                menu.addAction(
                    f"Open Entity Page of {label}",
                    lambda: self.page_requested.emit(entity.type, entity.norm),
                )
            if target.here:
                base: dict[str, object] = {"type": entity.type, "name": entity.norm}
                here = base | {"article": article.id, "start": entity.start, "end": entity.end}
                menu.addAction("Not an Entity Here", lambda: self.run("reject", here))
            self.add_entity_actions(menu, entity.type, entity.norm)
            self._add_apart(menu, entity)
        elif target.selection is not None:
            start, end = target.selection
            text = " ".join(article.body[start:end].split())
            if text:
                menu.addSeparator()
                mark = menu.addMenu(f"Mark {_quoted(text)} As")
                for kind in CORRECTABLE:
                    args: dict[str, object] = {"type": kind, "name": text, "article": article.id}
                    mark.addAction(
                        TYPE_LABELS[kind], self._doing("add", args, start=start, end=end)
                    )

    def add_entity_actions(self, menu: QMenu, entity_type: str, name: str) -> None:
        """The corrections of an entity as a whole (the reader's mentions and the
        sidebar's lists): not an entity anywhere, another type, a new name, a merge."""
        label = _quoted(name)
        base: dict[str, object] = {"type": entity_type, "name": name}
        menu.addAction(f"Not an Entity Anywhere ({label})", lambda: self.run("reject", base))
        if entity_type not in CORRECTABLE:
            return
        retype = menu.addMenu("Change Type To")
        for kind in CORRECTABLE:
            if kind != entity_type:
                retype.addAction(TYPE_LABELS[kind], self._doing("retype", base, new_type=kind))
        menu.addAction(f"Rename {label}…", lambda: self.ask_rename(entity_type, name))
        menu.addAction(f"Merge {label} Into…", lambda: self.ask_merge(entity_type, name))

    def _add_apart(self, menu: QMenu, entity: Entity) -> None:
        """ "Keep “Blair” Apart From “Tony Blair”", where the machine counted this short name
        as the one full name it was seen beside elsewhere in the archive."""
        archive = self._session.archive
        short = " ".join(entity.text.split())
        full = archive.merged_into(entity.type, short) if archive is not None else None
        if full is not None:
            args: dict[str, object] = {"type": entity.type, "name": short}
            menu.addAction(
                f"Keep {_quoted(short)} Apart From {_quoted(full)}", self._doing("apart", args)
            )

    def _doing(
        self, kind: CorrectionKind, base: dict[str, object], **more: object
    ) -> Callable[[], None]:
        """An action's slot: this correction (a function, so each action keeps its own)."""
        return lambda: self.run(kind, base | more)

    def ask_rename(self, entity_type: str, name: str) -> None:
        dialog = self._dialog("renameEntityDialog", f"Rename {TYPE_LABELS[entity_type]}")
        dialog.setLabelText(f"New name for {_quoted(name)}:")
        dialog.setTextValue(name)
        base: dict[str, object] = {"type": entity_type, "name": name}
        self._when_chosen(dialog, lambda new: self.run("rename", base | {"new_name": new}))

    def ask_merge(self, entity_type: str, name: str) -> None:
        archive = self._session.archive
        if archive is None:
            return
        names = [e.name for e in archive.entities(entity_type) if e.name != name]  # type: ignore[arg-type]
        dialog = self._dialog("mergeEntityDialog", f"Merge {TYPE_LABELS[entity_type]}")
        dialog.setLabelText(f"Merge {_quoted(name)} into:")
        dialog.setComboBoxItems(names)
        dialog.setComboBoxEditable(True)
        base: dict[str, object] = {"type": entity_type, "name": name}
        self._when_chosen(dialog, lambda into: self.run("merge", base | {"into_name": into}))

    def _dialog(self, name: str, title: str) -> QInputDialog:
        dialog = QInputDialog(self._window)
        dialog.setObjectName(name)
        dialog.setWindowTitle(title)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        return dialog

    def _when_chosen(self, dialog: QInputDialog, then: Callable[[str], None]) -> None:
        def chosen(value: str) -> None:
            if value.strip():
                then(value.strip())

        dialog.textValueSelected.connect(chosen)
        dialog.open()

    # -- running ------------------------------------------------------------------------------
    def run(self, kind: CorrectionKind, args: dict[str, object]) -> None:
        """Make a correction in the background; it shows when done."""
        self._undone.clear()
        self._submit(lambda archive: archive.correct(kind, args), record=True)

    def undo(self) -> None:
        if not self._done:
            self._window.statusBar().showMessage("No correction of this session to undo", 4000)
            return
        last = self._done.pop()
        self._undone.append((last.kind, dict(last.args)))

        def work(archive: Archive) -> None:
            archive.undo_correction(last.correction_id)

        self._submit(work, record=False)

    def redo(self) -> None:
        if not self._undone:
            self._window.statusBar().showMessage("No correction to redo", 4000)
            return
        kind, args = self._undone.pop()
        self._submit(lambda archive: archive.correct(kind, args), record=True)

    def forget(self) -> None:
        """Another archive is open: its corrections are not this session's to undo."""
        self._done.clear()
        self._undone.clear()

    def _submit(self, work: Callable[[Archive], object], *, record: bool) -> None:
        window, session = self._window, self._session
        archive = session.archive
        if archive is None:
            return

        def done(result: object) -> None:
            if record and isinstance(result, Correction):
                self._done.append(result)
                window.statusBar().showMessage(f"Correction made: {describe(result)}", 5000)
            elif not record:
                window.statusBar().showMessage("Correction undone", 4000)
            if session.archive is archive:
                self.applied.emit()

        def failed(exc: BaseException) -> None:
            errors.show_error(window, "Correction not made", exc)

        self._tasks.run(lambda: work(archive), name="correct", on_done=done, on_error=failed)


def describe(correction: Correction) -> str:
    """One line for the status bar: what the correction did."""
    args = correction.args
    name = _quoted(str(args.get("name", "")))
    return {
        "reject": f"{name} is not an entity" + (" here" if "article" in args else ""),
        "retype": f"{name} is a {TYPE_LABELS.get(str(args.get('new_type')), '?').lower()}",
        "rename": f"{name} is now {_quoted(str(args.get('new_name', '')))}",
        "merge": f"{name} merged into {_quoted(str(args.get('into_name', '')))}",
        "add": f"{name} marked as a {TYPE_LABELS.get(str(args.get('type')), '?').lower()}",
        "apart": f"{name} kept apart from the full name",
    }.get(correction.kind, correction.kind)


def _quoted(text: str, limit: int = 40) -> str:
    short = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"“{short}”"
