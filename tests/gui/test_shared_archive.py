"""A shared archive in the window: File → Open Shared Archive (``session.open_shared``)
on a real 3-node Sphinx cluster: the list, the count, a search and the reader work as on
a folder, the status bar says where the window is connected, File → Export Results writes
the hits shown, a lost shard is said above the list, and an address that does not answer
is a message, not a crash."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.state import SearchState
from search.api import Archive
from search.backends.cluster import loader, nodes

from .conftest import wait_idle

pytestmark = pytest.mark.skipif(shutil.which("searchd") is None, reason="no searchd")


@pytest.fixture
def cluster_dir(archive_dir: Path, tmp_path: Path) -> Iterator[Path]:
    """A running cluster loaded with the tiny archive."""
    folder = tmp_path / "cluster"
    with (
        nodes.running(folder, nodes=3) as cluster,
        Archive.open(archive_dir, tmp_path / "index") as archive,
    ):
        archive.update(entities=False)
        loader.load(archive, cluster)
        yield folder


def _open_shared(qtbot: QtBot, window: MainWindow, location: str) -> None:
    window.session.open_shared(location)
    qtbot.waitUntil(lambda: window.source is not None or bool(window.dialogs()), timeout=15_000)
    wait_idle(qtbot, window)


def test_a_shared_archive_lists_searches_and_reads_as_a_folder_does(
    qtbot: QtBot, make_window: Callable[..., MainWindow], cluster_dir: Path
) -> None:
    window = make_window()
    _open_shared(qtbot, window, str(cluster_dir))
    assert window.archive is None and window.source is not None  # no folder: no updates
    assert window.model.rowCount() == 4 and window.count_label.text() == "4 articles"
    assert "Shared archive" in window.session.archive_label.text()
    assert "Shared archive" in window.windowTitle()
    window.search_field.setFocus()
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.keyClicks(window.search_field, "Kazakhstan")
    wait_idle(qtbot, window)
    assert window.model.total == 2 and window.count_label.text() == "2 of 4 articles"
    qtbot.waitUntil(lambda: all(h.snippet for h in window.model.hits), timeout=10_000)
    window.list_view.setCurrentIndex(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.reader.article is not None, timeout=10_000)
    wait_idle(qtbot, window)
    assert window.reader.article is not None
    assert window.reader.article.id == window.model.hits[0].id
    assert "Kazakhstan" in window.reader.browser.toPlainText()


def test_a_shared_archive_exports_the_hits_shown(
    qtbot: QtBot, make_window: Callable[..., MainWindow], cluster_dir: Path, tmp_path: Path
) -> None:
    window = make_window()
    _open_shared(qtbot, window, str(cluster_dir))
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_state(SearchState(text="Kazakhstan"))
    wait_idle(qtbot, window)
    with qtbot.waitSignal(window.exporter.exported, timeout=15_000) as blocker:
        window.exporter.export_to(tmp_path / "shared.json")
    rows = json.loads((tmp_path / "shared.json").read_text(encoding="utf-8"))
    assert blocker.args == [2]
    assert sorted(r["id"] for r in rows) == sorted(h.id for h in window.model.hits)
    assert all(r["path"].endswith(r["id"]) for r in rows)
    wait_idle(qtbot, window)


def test_a_lost_shard_is_said_above_the_list(
    qtbot: QtBot, make_window: Callable[..., MainWindow], cluster_dir: Path
) -> None:
    window = make_window()
    _open_shared(qtbot, window, str(cluster_dir))
    nodes.stop(cluster_dir, only=2)
    nodes.stop(cluster_dir, only=3)
    window.search_field.setFocus()
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.keyClicks(window.search_field, "cooperation")
    wait_idle(qtbot, window)
    assert window.notice.isVisible() or not window.isVisible()
    assert "did not answer" in window.notice.text()
    assert "Partial answer" in window.session.index_label.text()


def test_an_address_that_does_not_answer_is_a_message(
    qtbot: QtBot, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window()
    window.session.open_shared("sphinxql://127.0.0.1:1/archive")
    qtbot.waitUntil(lambda: bool(window.dialogs()), timeout=15_000)
    boxes = [d for d in window.dialogs() if isinstance(d, QMessageBox)]
    assert boxes and "did not answer" in boxes[0].text() + boxes[0].informativeText()
    assert window.source is None
    assert window.session.archive_label.text() == "No archive open"
    boxes[0].button(QMessageBox.StandardButton.Ok).click()
    wait_idle(qtbot, window)


def test_tools_that_need_the_folder_say_so(
    qtbot: QtBot, make_window: Callable[..., MainWindow], cluster_dir: Path
) -> None:
    window = make_window()
    _open_shared(qtbot, window, str(cluster_dir))
    window.open_entity_page("PERSON", "Kassym-Jomart Tokayev")
    assert "Entity pages: only with an archive folder" in window.statusBar().currentMessage()
    window.show_cooccurrence()
    assert not window.dialogs()
    assert "only with an archive folder" in window.statusBar().currentMessage()
