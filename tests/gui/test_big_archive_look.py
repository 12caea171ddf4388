"""What a big generated archive showed clipped or unreadable in the #14 screenshots.

A long file path ran under the file's size in the reader's header, clipped mid-letter;
the timeline of ten years with a tenth of the articles undated drew every month as a
line at the bottom under one tall "n.d." bar.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QPoint
from pytestqt.qtbot import QtBot

from gui.main_window import MainWindow
from gui.timeline import Timeline
from search.model import UNDATED
from tests.gui.conftest import wait_idle

LONG = "000/000602_25b0d7385e95ef9d0c1b2a3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b.txt"


def test_a_long_path_is_elided_in_the_middle_beside_the_file_facts(
    qtbot: QtBot, make_window: Callable[..., MainWindow], write_archive: Callable[..., Path]
) -> None:
    window = make_window(write_archive({LONG: "Talks in Hanoi\nDelegates met in Hanoi.\n"}))
    window.resize(1280, 720)
    window.select_article(LONG)
    reader = window.reader
    qtbot.waitUntil(lambda: reader.article is not None and reader.article.id == LONG)
    wait_idle(qtbot, window)
    label, facts = reader.path_label, reader.file_label
    qtbot.waitUntil(lambda: "…" in label.text())
    shown = label.text()
    head, tail = shown.split("…")
    assert LONG.startswith(head) and LONG.endswith(tail) and head and tail
    assert label.fontMetrics().horizontalAdvance(shown) <= label.width()
    right = label.mapTo(reader, QPoint(label.width(), 0)).x()
    assert right <= facts.mapTo(reader, QPoint(0, 0)).x()  # not under the size and time
    assert label.toolTip().endswith(LONG)  # the whole path is a hover away
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: label.text() == LONG)  # and whole where it fits


def test_months_are_scaled_to_the_busiest_month_not_to_the_undated(qtbot: QtBot) -> None:
    timeline = Timeline()
    qtbot.addWidget(timeline)
    timeline.set_counts({"2020-01": 10, "2020-02": 5, "2020-04": 1, UNDATED: 1000})
    assert timeline.bar_height(10, 60) == 60
    assert timeline.bar_height(5, 60) == 30
    assert timeline.bar_height(1, 60) == 6
    assert timeline.bar_height(1000, 60) == 60  # the undated bar stops at the top
    assert timeline.bar_height(0, 60) == 0
    timeline.set_counts({UNDATED: 7})  # only undated: its bar is the whole height
    assert timeline.bar_height(7, 60) == 60
