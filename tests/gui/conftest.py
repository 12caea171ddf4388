"""Fixtures for GUI tests: offscreen Qt, throwaway data and settings, tiny archives.

Qt's offscreen platform is the default; ``QT_QPA_PLATFORM=xcb`` (under ``xvfb-run -a``,
as .ci/run does) runs the same tests in a real X server, with its focus and activation.

Every test gets its own ARCHIVE_BROWSER_DATA_DIR (indexes, logs) and its own
settings file, so nothing is read from or written to the user's home. Tests fail
on Qt warnings (minus the offscreen plugin's own noise) and on background work
left running when a test ends.
"""

from __future__ import annotations

import os

# Before anything creates a QApplication; an explicit QT_QPA_PLATFORM (xcb) wins.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.menus import build_menus
from gui.settings import Settings
from search.entities import extract
from search.model import Entity
from search.update import entity_phase

ARTICLES: dict[str, str] = {
    "kz-trade.txt": (
        "Kazakhstan and Vietnam agree to boost trade\n"
        "date 2025-03-04 ASTANA — Kazakhstan and Vietnam agreed to expand trade and "
        "investment. President Kassym-Jomart Tokayev welcomed the delegation in Astana.\n"
        "The two countries signed a memorandum of cooperation.\n"
    ),
    "ru-talks.txt": (
        "Vietnam, Russia hold political consultation in Hanoi\n"
        "date 2025-02-21 Deputy Foreign Minister Le Thi Thu Hang and her Russian counterpart "
        "co-chaired a political consultation in Hanoi. Russia and Vietnam discussed "
        "cooperation.\n"
    ),
    "ke-envoy.txt": (
        "Kenya and Vietnam explore diplomatic missions\n"
        "date 2025-01-15 Kenya’s special envoy met Vietnam’s President in Hanoi to discuss "
        "cooperation in agriculture and trade. Nairobi is covered by Vietnam’s mission in "
        "Tanzania.\n"
    ),
    "undated.txt": (
        "Kazakhstan institute signs memorandum\n"
        "Researchers in Kazakhstan and an academy in Hanoi signed a memorandum of "
        "cooperation on research.\n"
    ),
}

IGNORED_QT_MESSAGES = [
    "propagateSizeHints",  # the offscreen platform plugin says this for every window
    "does not support raise()",  # ...and this when a window is brought to the front
    "QFont::setPointSizeF",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Make every GUI test fail on Qt warnings (pytest-qt's qt_log_level_fail)."""
    for item in items:
        if "tests/gui" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(*IGNORED_QT_MESSAGES))


def _rules(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    return [extract(body, date) for body, date in zip(bodies, dates, strict=True)]


@pytest.fixture(autouse=True)
def _rules_recogniser(monkeypatch: pytest.MonkeyPatch) -> None:
    """The entity phase recognises with the rules alone in window tests (in this process:
    their archives are small). What the window does with entities does not depend on the
    model, and loading it in every test's process would cost seconds; tests/search and the
    real-app tests run the model."""
    monkeypatch.setattr(entity_phase.combine, "extract_many", _rules)


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(data))
    return data


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def write_archive(tmp_path: Path) -> Callable[..., Path]:
    """Write a tiny archive folder; returns its path."""

    def write(articles: dict[str, str] | None = None, name: str = "archive") -> Path:
        root = tmp_path / name
        root.mkdir(exist_ok=True)
        for file_name, text in (ARTICLES if articles is None else articles).items():
            path = root / file_name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return write


@pytest.fixture
def archive_dir(write_archive: Callable[..., Path]) -> Path:
    return write_archive()


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 15_000) -> None:
    """Wait until the window has nothing pending: no task, no debounce, no load."""
    qtbot.waitUntil(window.is_idle, timeout=timeout)


@pytest.fixture
def make_window(qtbot: QtBot, settings: Settings) -> Iterator[Callable[..., MainWindow]]:
    """Create windows; each is closed and checked for leftover work at the end."""
    windows: list[MainWindow] = []

    def make(
        root: Path | None = None, index_dir: Path | None = None, wait: bool = True
    ) -> MainWindow:
        window = MainWindow(settings)
        build_menus(window)  # as gui.app does
        window.session.watcher.set_delay(50)  # tests need no long debounce
        qtbot.addWidget(window)
        window.show()
        # A real X server without a window manager activates nothing by itself, and
        # shortcuts (F3, Alt+Left…) only reach the active window.
        window.activateWindow()
        qtbot.waitActive(window)
        windows.append(window)
        if root is not None:
            window.session.open(root, index_dir)
            if wait:
                qtbot.waitUntil(
                    lambda: window.archive is not None or bool(window.dialogs()), timeout=15_000
                )
                wait_idle(qtbot, window)
        return window

    yield make
    for window in windows:
        window.close()
        assert not window.tasks.busy or window.tasks.wait(5000), "background work left running"


@pytest.fixture
def window(make_window: Callable[..., MainWindow], archive_dir: Path) -> MainWindow:
    """A window on the tiny archive, indexed, with the first search shown."""
    return make_window(archive_dir)


Recogniser = Callable[[Sequence[str], Sequence[datetime.date | None]], list[list[Entity]]]


@pytest.fixture
def recognised_window(
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> Callable[[dict[str, str], Recogniser], MainWindow]:
    """A window on these articles, their entities from ``recognise`` (in place of the
    entity phase's), indexed and idle."""

    def make(articles: dict[str, str], recognise: Recogniser) -> MainWindow:
        monkeypatch.setattr(entity_phase.combine, "extract_many", recognise)
        shown = make_window(write_archive(articles))
        qtbot.waitUntil(lambda: shown.session.index_label.text().startswith("Index up to date"))
        wait_idle(qtbot, shown)
        return shown

    return make
