"""The collector freezes settled objects and frees cycles again after an archive closes."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from gui.collector import Collector


class _Node:
    """An object in a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[Collector]:
    yield Collector(settle_ms=10)
    gc.unfreeze()


def test_settling_freezes_what_is_alive(qtbot: QtBot, collector: Collector) -> None:
    kept = [object() for _ in range(10)]  # noqa: F841 - alive across the freeze
    gc.unfreeze()
    collector.settle()
    qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=2000)


def test_young_cycles_are_freed_before_freezing(qtbot: QtBot, collector: Collector) -> None:
    gc.unfreeze()
    node = _Node()
    ref = weakref.ref(node)
    del node
    collector.freeze_now()
    assert ref() is None


def test_cycles_frozen_before_a_close_are_freed_at_the_next_freeze(
    qtbot: QtBot, collector: Collector
) -> None:
    node = _Node()
    ref = weakref.ref(node)
    collector.freeze_now()  # node is frozen while alive
    del node
    gc.collect()
    assert ref() is not None  # frozen garbage: the collector cannot see it
    collector.release()
    collector.freeze_now()
    assert ref() is None
