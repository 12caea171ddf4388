"""A cancel reaches the worker pool at once, even while a chunk is still being worked on.

The soak of #14 found a quit waiting 14 s: the window closed, cancelled the update and
waited for it, while the update waited for a worker's first chunk (each worker builds
the gazetteer or loads the model there) without looking at the cancel flag.
"""

from __future__ import annotations

import os
import threading
import time

import pytest

from search.update.pool import Cancelled, ordered_map

SLOW_S = 20.0


def slow_chunk(chunk: int) -> int:
    """A chunk that takes far longer than a cancel may (module level: pickled by name)."""
    time.sleep(SLOW_S)
    return chunk


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool needs two cores")
def test_a_cancel_while_workers_are_busy_ends_the_update_within_a_second() -> None:
    stop = threading.Event()
    results: list[int] = []
    started = time.monotonic()
    threading.Timer(1.0, stop.set).start()  # the user cancels after a second
    with pytest.raises(Cancelled):
        for result in ordered_map(slow_chunk, range(8), stop.is_set, parallel=True, ahead=4):
            results.append(result)
    took = time.monotonic() - started
    assert results == []
    assert took < 1.0 + 1.5, f"the cancel took {took - 1.0:.1f} s to be seen"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool needs two cores")
def test_the_workers_of_a_cancelled_update_are_ended() -> None:
    """Left running they would hold up the exit of the process (the window's quit)."""
    import multiprocessing

    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    with pytest.raises(Cancelled):
        list(ordered_map(slow_chunk, range(8), stop.is_set, parallel=True, ahead=4))
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]
