"""The window during the entity phase: the text is shown at once, the status bar counts
the articles recognised, cancel leaves the rest for the next update, a note says once
that the rules alone ran."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import search.update.entity_phase as phase
from gui.main_window import MainWindow
from gui.session import report_text
from search.entities import extract
from search.model import Entity, UpdateReport

from .conftest import wait_idle

ARTICLES = {
    f"r{n:02d}.txt": f"Report {n}\nVietnam and Kenya held talks, note {n}.\n" for n in range(8)
}


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """An entity recogniser that takes a second a batch (two articles), unless let go."""
    go = threading.Event()

    def recognise(
        bodies: Sequence[str], dates: Sequence[datetime.date | None]
    ) -> list[list[Entity]]:
        go.wait(1.0)
        return [extract(b, d) for b, d in zip(bodies, dates, strict=True)]

    monkeypatch.setattr(phase.combine, "extract_many", recognise)
    monkeypatch.setattr(phase, "BATCH", 2)
    monkeypatch.setattr(phase, "BATCH_HERE", 2)
    return go


def test_the_text_is_searchable_while_entities_are_recognised(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
    held: threading.Event,
) -> None:
    window = make_window(write_archive(ARTICLES), wait=False)
    qtbot.waitUntil(
        lambda: window.session.index_label.text().startswith("Recognising entities"),
        timeout=15_000,
    )
    qtbot.waitUntil(lambda: window.model.rowCount() == 8, timeout=10_000)  # before the entities
    qtbot.waitUntil(lambda: "8 articles" in window.session.archive_label.text(), timeout=5_000)
    assert window.session.cancel_button.isVisible()
    with qtbot.waitSignal(window.session.updated, timeout=20_000) as blocker:
        held.set()
    report: UpdateReport = blocker.args[0]
    assert (report.entities_done, report.entities_left) == (8, 0)
    assert window.session.index_label.text().startswith("Index up to date")
    wait_idle(qtbot, window)


def test_cancelling_the_entity_phase_leaves_the_rest_for_later(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
    held: threading.Event,
) -> None:
    window = make_window(write_archive(ARTICLES), wait=False)
    qtbot.waitUntil(
        lambda: window.session.index_label.text().startswith("Recognising entities"),
        timeout=15_000,
    )
    with qtbot.waitSignal(window.session.updated, timeout=20_000) as blocker:
        window.session.cancel_button.click()
        held.set()
    report: UpdateReport = blocker.args[0]
    assert not report.cancelled and report.added == 8  # the text phase had finished
    assert report.entities_left > 0
    text = window.session.index_label.text()
    assert f"entities of {report.entities_left} articles to recognise" in text
    wait_idle(qtbot, window)
    assert window.model.rowCount() == 8


def test_a_note_is_said_once_per_session() -> None:
    report = UpdateReport(added=1, notes=["Entities from the rules alone: no model."])
    assert report_text(report).endswith("· Entities from the rules alone: no model")
    assert report_text(report, []) == "Index up to date (1 added)"


def test_a_file_added_during_the_entity_phase_is_indexed_without_waiting_for_it(
    qtbot: QtBot,
    make_window: Callable[..., MainWindow],
    write_archive: Callable[..., Path],
    held: threading.Event,
) -> None:
    root = write_archive(ARTICLES)
    window = make_window(root, wait=False)
    qtbot.waitUntil(
        lambda: window.session.index_label.text().startswith("Recognising entities"),
        timeout=15_000,
    )
    (root / "new.txt").write_text("Fresh report\nChile and Peru signed a deal.\n", "utf-8")
    # The watcher interrupts the entity phase; the next update indexes the new text.
    qtbot.waitUntil(lambda: window.model.rowCount() == 9, timeout=15_000)
    held.set()
    qtbot.waitUntil(
        lambda: window.session.index_label.text().startswith("Index up to date"), timeout=20_000
    )
    wait_idle(qtbot, window)
    assert window.archive is not None
    assert window.archive.update().entities_done == 0  # all nine were recognised
