"""The menu bar as one table: each command's text, keys, tip and what it does.

Why a table: the menus, the shortcuts (which work with the menu bar hidden too)
and the Keyboard Shortcuts sheet all come from these entries, so a command
cannot have keys the sheet leaves out, and the window keeps only the code of
what commands do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from gui import theme
from gui.state import SORTS
from gui.theme import THEME_CHOICES
from search.api import default_archive_path
from search.model import Sort

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Keys = QKeySequence.StandardKey | str | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Command:
    """One menu item; ``keys`` may be several (``("Ctrl+L", "Ctrl+F")``)."""

    text: str
    run: Callable[[MainWindow], object]
    keys: Keys | None = None
    tip: str = ""
    checked: Callable[[MainWindow], bool] | None = None
    """For one of a menu's exclusive choices: whether it is the one in force."""
    toggle: bool = False
    """With ``checked``: an on/off item of its own, not one of exclusive choices."""


@dataclass(frozen=True, slots=True)
class Menu:
    """A menu of commands, submenus and separators (``None``).

    ``fill`` (re)builds the items each time the menu opens, for lists that
    change, like the recent archives.
    """

    text: str
    items: Sequence[Command | Menu | None] = ()
    fill: Callable[[MainWindow, QMenu], None] | None = None


def _theme(name: str, text: str) -> Command:
    def run(window: MainWindow) -> None:
        theme.choose_theme(window.settings, name)

    def checked(_window: MainWindow) -> bool:
        return theme.themes().theme == name

    return Command(text, run, checked=checked)


"""View > Theme: (name kept in S.theme, menu text)."""


def _sort_by(sort: Sort) -> Callable[[MainWindow], object]:
    return lambda w: w.set_sort(sort)


MENUS: tuple[Menu, ...] = (
    Menu(
        "&File",
        (
            Command(
                "&Open Archive Folder…",
                lambda w: w.session.choose(),
                QKeySequence.StandardKey.Open,
                "Index a folder of .txt articles and search it",
            ),
            Command(
                "Open S&hared Archive…",
                lambda w: w.session.choose_shared(),
                "Ctrl+Alt+O",
                "Search an archive served by a search cluster (Sphinx or Manticore)",
            ),
            Menu("Recent &Archives", fill=lambda w, menu: w.session.fill_recent_menu(menu)),
            Command("Open &Sample Archive", lambda w: w.session.open(default_archive_path())),
            None,
            Command(
                "&Update Index",
                lambda w: w.session.start_update(),
                "F5",
                "Index added, changed and removed files",
            ),
            Command(
                "&Verify Index",
                lambda w: w.session.start_update(verify=True),
                None,
                "Read every file again, also those whose size and times did not change",
            ),
            Command(
                "&Reindex",
                lambda w: w.session.reindex(),
                "Ctrl+Shift+R",
                "Build the index again from scratch",
            ),
            None,
            Command(
                "&Export Results…",
                lambda w: w.exporter.choose(),
                "Ctrl+E",
                "Save all hits of this search as CSV or JSON",
            ),
            None,
            Command("&Quit", lambda w: w.close(), QKeySequence.StandardKey.Quit),
        ),
    ),
    Menu(
        "&Search",
        (
            Command(
                "&Find",
                lambda w: w.focus_search(),
                ("Ctrl+L", "Ctrl+F"),
                "Put the cursor in the search field",
            ),
            Command(
                "&Save Search…",
                lambda w: w.choose_save_name(),
                "Ctrl+S",
                "Keep this query with its filters and sort under a name",
            ),
            Command("&Clear All Filters", lambda w: w.clear_filters(), "Ctrl+Shift+Del"),
            Menu(
                "Sort &By",
                [
                    Command(label, _sort_by(sort), f"Ctrl+{n}")
                    for n, (sort, label) in enumerate(SORTS, 1)
                ],
            ),
            None,
            Command(
                "&Who Appears With Whom…",
                lambda w: w.show_cooccurrence(),
                "Ctrl+G",
                "People, organisations and countries named together in this search's articles",
            ),
            Command(
                "Country &Pairs by Month…",
                lambda w: w.show_country_pairs(),
                "Ctrl+Shift+G",
                "How often two countries appear together, month by month",
            ),
            None,
            Command("Clear &History", lambda w: w.history.clear()),
        ),
    ),
    Menu(
        "&Article",
        (
            Command("&Back", lambda w: w.go_back(), "Alt+Left", "Previous article viewed"),
            Command("&Forward", lambda w: w.go_forward(), "Alt+Right"),
            None,
            Command("&Next Hit", lambda w: w.reader.next_hit(), "F3"),
            Command("&Previous Hit", lambda w: w.reader.previous_hit(), "Shift+F3"),
            Command(
                "Next &Mention",
                lambda w: w.reader.next_mention(),
                "F4",
                "Next mention of the selected entity (then the next listed article naming it)",
            ),
            Command("Previous M&ention", lambda w: w.reader.previous_mention(), "Shift+F4"),
            Command(
                "Entity &Page",
                lambda w: w.open_selected_entity_page(),
                "F6",
                "The selected entity's page: months, company, articles",
            ),
            None,
            Command("&Read (Focus Reader)", lambda w: w.focus_reader(), "Ctrl+R"),
            Command(
                "Open in &Editor",
                lambda w: w.files.open_in_editor(),
                "Ctrl+Shift+O",
                "Open the article's file in the default program",
            ),
            Command("Show in F&older", lambda w: w.files.show_in_folder(), "Ctrl+Shift+F"),
            Command("&Copy File Path", lambda w: w.files.copy_path(), "Ctrl+Shift+C"),
            None,
            Command(
                "&Undo Correction",
                lambda w: w.corrections.undo(),
                "Ctrl+Alt+Z",
                "Take back this session's last correction of an entity",
            ),
            Command("Redo Correctio&n", lambda w: w.corrections.redo(), "Ctrl+Alt+Shift+Z"),
        ),
    ),
    Menu(
        "&View",
        (
            Menu("&Theme", [_theme(name, text) for name, text in THEME_CHOICES]),
            Command(
                "Show Every &Copy",
                lambda w: w.set_show_copies(w.searcher.collapse),
                "Ctrl+Shift+K",
                "List each copy of a story on its own row (otherwise one row per story)",
                checked=lambda w: not w.searcher.collapse,
                toggle=True,
            ),
        ),
    ),
    Menu(
        "&Help",
        (
            Command("&Search Syntax", lambda w: w.show_query_help(), "F1"),
            Command("&Keyboard Shortcuts", lambda w: w.show_shortcuts(), "Ctrl+/"),
            Command("&About Archive Browser", lambda w: w.show_about()),
        ),
    ),
)


def build_menus(window: MainWindow, menus: Sequence[Menu] = MENUS) -> None:
    """Fill ``window``'s menu bar from the table."""
    bar = window.menuBar()
    for menu in menus:
        _fill(window, bar.addMenu(menu.text), menu)


def _fill(window: MainWindow, qmenu: QMenu, menu: Menu) -> None:
    choices: list[tuple[QAction, Callable[[MainWindow], bool]]] = []
    group: QActionGroup | None = None
    for item in menu.items:
        if item is None:
            qmenu.addSeparator()
        elif isinstance(item, Menu):
            _fill(window, qmenu.addMenu(item.text), item)
        else:
            action = _action(window, item)
            if item.checked is not None:
                action.setCheckable(True)
                if not item.toggle:
                    group = group or QActionGroup(qmenu)
                    group.addAction(action)
                choices.append((action, item.checked))
            qmenu.addAction(action)
    if choices:

        def show_choice() -> None:
            for action, checked in choices:
                action.setChecked(checked(window))

        show_choice()
        qmenu.aboutToShow.connect(show_choice)
    fill = menu.fill
    if fill is not None:
        qmenu.aboutToShow.connect(lambda: fill(window, qmenu))


def _action(window: MainWindow, command: Command) -> QAction:
    action = QAction(command.text, window)
    keys = command.keys
    if isinstance(keys, tuple):
        action.setShortcuts([QKeySequence(k) for k in keys])
    elif keys is not None:
        action.setShortcut(QKeySequence(keys))
    if command.tip:
        action.setStatusTip(command.tip)
    action.triggered.connect(lambda _checked=False: command.run(window))
    window.addAction(action)  # shortcuts work even with the menu bar hidden
    return action
