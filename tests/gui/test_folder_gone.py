"""The archive folder going away while open (an unplugged drive, a moved folder).

The window keeps showing what is indexed, says so in a bar above the list (no
dialog), and picks up again by itself when the folder is back.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from tests.gui.conftest import wait_idle


def search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        window.set_query(text)
    wait_idle(qtbot, window)


def test_a_vanished_folder_shows_a_bar_not_a_dialog(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    window.session.set_gone_poll(100)
    away = archive_dir.with_name("unplugged")
    archive_dir.rename(away)
    window.session.start_update()
    qtbot.waitUntil(lambda: window.session.folder_gone, timeout=10_000)
    wait_idle(qtbot, window)
    assert window.dialogs() == []
    bar = window.session.folder_bar
    assert bar.isVisible()
    assert str(archive_dir) in bar.text() and "not reachable" in bar.text()
    assert "Index not updated" not in window.session.index_label.text()

    search(qtbot, window, "Hanoi")  # the index as it was still answers
    assert window.model.rowCount() == 3

    qtbot.wait(300)  # polls find nothing yet: the bar stays, still no dialog
    assert bar.isVisible() and window.dialogs() == []

    (away / "new-talks.txt").write_text(
        "Hanoi hosts regional talks\nDelegates met in Hanoi on trade.\n", encoding="utf-8"
    )
    with qtbot.waitSignal(window.session.updated, timeout=10_000) as blocker:
        away.rename(archive_dir)
    assert blocker.args[0].added == 1  # the update ran by itself
    assert not bar.isVisible() and not window.session.folder_gone
    wait_idle(qtbot, window)
    search(qtbot, window, "Hanoi regional")
    assert window.model.rowCount() == 1
    assert window.dialogs() == []


def test_the_watcher_notices_a_moved_folder_by_itself(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    window.session.set_gone_poll(100)
    archive_dir.rename(archive_dir.with_name("moved"))
    qtbot.waitUntil(lambda: window.session.folder_gone, timeout=10_000)
    assert window.dialogs() == []
    with qtbot.waitSignal(window.session.updated, timeout=10_000):
        archive_dir.with_name("moved").rename(archive_dir)
    assert not window.session.folder_bar.isVisible()
    assert window.session.watcher.folders() == [str(archive_dir)]


def test_closing_while_the_folder_is_gone_stops_looking(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    archive_dir.rename(archive_dir.with_name("gone"))
    window.session.start_update()
    qtbot.waitUntil(lambda: window.session.folder_gone, timeout=10_000)
    wait_idle(qtbot, window)
    window.session.close()
    assert not window.session.folder_gone
    assert not window.session.folder_bar.isVisible()


def test_an_update_that_finds_no_folder_opens_no_dialog(
    qtbot: QtBot, window: MainWindow, archive_dir: Path
) -> None:
    archive_dir.rename(archive_dir.with_name("unplugged"))
    window.session.start_update()
    qtbot.waitUntil(lambda: not window.session.updating, timeout=10_000)
    qtbot.wait(100)
    assert window.dialogs() == []
