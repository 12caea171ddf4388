"""The timeline shows the band being dragged and the range chosen, and says when the
archive has no dated article at all."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.timeline import Timeline

from .conftest import wait_idle

DATED = {
    "jan-1.txt": "January one\ndate 2025-01-03 First article of January.\n",
    "jan-2.txt": "January two\ndate 2025-01-13 Second article of January.\n",
    "jan-3.txt": "January three\ndate 2025-01-23 Third article of January.\n",
    "feb.txt": "February\ndate 2025-02-10 The article of February.\n",
    "apr.txt": "April\ndate 2025-04-10 The article of April.\n",
    "jun.txt": "June\ndate 2025-06-10 The article of June.\n",
}


def top_pixel(image: QImage, timeline: Timeline, month: int) -> int:
    """The colour just under the plot's top edge in ``month``'s column (above short bars)."""
    x = timeline.bar_center(month).x()
    return image.pixel(x, timeline._plot().top() + 2)


def test_a_drag_paints_a_band_and_the_range_stays_shown(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    window = make_window(write_archive(DATED))
    timeline = window.sidebar.dates.timeline
    assert timeline.months == ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
    before = timeline.grab().toImage()
    assert top_pixel(before, timeline, 1) == top_pixel(before, timeline, 3)

    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=timeline.bar_center(0))
    qtbot.mouseMove(timeline, timeline.bar_center(2))
    dragging = timeline.grab().toImage()
    # Above February's short bar the band shows; above April's there is none.
    assert top_pixel(dragging, timeline, 1) != top_pixel(dragging, timeline, 3)
    assert top_pixel(dragging, timeline, 1) != top_pixel(before, timeline, 1)
    assert top_pixel(dragging, timeline, 3) == top_pixel(before, timeline, 3)
    assert timeline.band() == (0, 2)

    with qtbot.waitSignal(window.search_applied, timeout=10_000):
        qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=timeline.bar_center(2))
    wait_idle(qtbot, window)
    assert window.model.total == 4
    assert timeline.band() == (0, 2)
    after = timeline.grab().toImage()
    assert top_pixel(after, timeline, 1) != top_pixel(after, timeline, 3)
    assert top_pixel(after, timeline, 3) == top_pixel(before, timeline, 3)


def test_an_archive_without_dated_articles_says_so(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    root = write_archive({"a.txt": "One\nNo date here.\n", "b.txt": "Two\nNor here.\n"})
    window = make_window(root)
    dates = window.sidebar.dates
    qtbot.waitUntil(lambda: dates.timeline.placeholder() == "No dated articles", timeout=10_000)
    assert not dates.from_edit.isEnabled() and not dates.to_edit.isEnabled()
    assert "No dated articles" in dates.timeline.toolTip()
    # A press on it picks nothing.
    with qtbot.assertNotEmitted(dates.timeline.range_selected):
        qtbot.mouseClick(dates.timeline, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert dates.timeline.band() is None
    wait_idle(qtbot, window)
