"""The reader's header names the article's file (path, size, time) and opens it; rows too.

Two copies of one article look alike in the list and the reader; the file's path
in the archive tells them apart, and the header's buttons find it on disk.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from gui import files
from gui.main_window import MainWindow
from gui.results_model import ResultsModel
from search.model import Facets, Hit, SearchRequest, SearchResult
from tests.gui.conftest import wait_idle


def show(qtbot: QtBot, window: MainWindow, article_id: str) -> None:
    row = window.model.row_of(article_id)
    assert row >= 0, article_id
    window.list_view.setCurrentIndex(window.model.index(row, 0))
    qtbot.waitUntil(
        lambda: window.reader.article is not None and window.reader.article.id == article_id,
        timeout=10_000,
    )
    wait_idle(qtbot, window)


def test_header_shows_the_path_size_and_time(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    path = archive_dir / "ru-talks.txt"
    stamp = time.mktime((2024, 6, 7, 8, 9, 0, 0, 0, -1))
    os.utime(path, (stamp, stamp))
    window.session.start_update()
    wait_idle(qtbot, window)
    show(qtbot, window, "ru-talks.txt")
    assert not window.reader.file_header.isHidden()
    assert window.reader.path_label.text() == "ru-talks.txt"
    facts = window.reader.file_label.text()
    size = path.stat().st_size
    assert f"{size} bytes" in facts
    assert datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M") in facts


def test_header_tells_two_copies_apart(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
) -> None:
    text = "Talks in Hanoi\nDelegates met in Hanoi.\n"
    window = make_window(write_archive({"a/copy.txt": text, "b/copy.txt": text}))
    window.set_show_copies(True)  # one row per story is the default: here every copy
    for article_id in ("a/copy.txt", "b/copy.txt"):
        show(qtbot, window, article_id)
        assert window.reader.path_label.text() == article_id


def test_header_buttons_open_the_file_and_its_folder(
    qtbot: QtBot, window: MainWindow, archive_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[Path] = []
    monkeypatch.setattr(files, "open_with_desktop", lambda path: opened.append(path) or True)
    show(qtbot, window, "kz-trade.txt")
    qtbot.mouseClick(window.reader.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.reader.folder_button, Qt.MouseButton.LeftButton)
    assert [p.resolve() for p in opened] == [
        (archive_dir / "kz-trade.txt").resolve(),
        archive_dir.resolve(),
    ]


def _hit(article_id: str, when: datetime | None) -> Hit:
    return Hit(
        id=article_id,
        title="Talks in Hanoi",
        title_derived=False,
        date=when.date() if when else None,
        countries=("VN",),
        source="VNA",
        score=1.0,
    )


def _model(*hits: Hit) -> ResultsModel:
    model = ResultsModel()
    model.set_result(SearchResult(SearchRequest(), len(hits), list(hits), Facets()))
    return model


def test_row_tooltip_holds_the_path(qtbot: QtBot) -> None:
    model = _model(_hit("2025/a/copy.txt", None), _hit("2025/b/copy\udcff.txt", None))
    tips = [model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole) for r in range(2)]
    assert "2025/a/copy.txt" in tips[0]
    assert "2025/b/copy\ufffd.txt" in tips[1]
