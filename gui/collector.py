"""When Python's cyclic garbage collector may run, so it never freezes the window.

A full collection walks every tracked object. With 100,000 hits loaded (one
``Hit`` each, plus the engine's decoded rows) that took 85-170 ms on the UI
thread, several times while scrolling (bench/gui_bench.py caught each one).
The objects that pile up (hits, rows, caches) live long and hold no cycles,
so shortly after a search or a page arrives (and every 300 ms while pages
keep coming), young garbage is collected (cheap) and everything older is
frozen: ``gc.freeze`` moves it out of the collector's sight. Frozen objects
are still freed by reference counting; only cyclic garbage among them would
stay, so when an archive is closed (its readers and caches may hold cycles)
everything is thawed, and the next freeze first runs one full collection.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("archive_browser.collector")

SETTLE_MS = 300
"""Delay from a result to the freeze; a burst of pages is frozen every 300 ms."""


class Collector(QObject):
    """Collects young garbage and freezes the rest once the list settles."""

    def __init__(self, parent: QObject | None = None, settle_ms: int = SETTLE_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(settle_ms)
        self._timer.timeout.connect(self.freeze_now)
        self._thawed = False

    def settle(self) -> None:
        """Results arrived: freeze a moment later (while pages keep coming, every moment)."""
        if not self._timer.isActive():
            self._timer.start()

    def freeze_now(self) -> None:
        self._timer.stop()
        started = time.perf_counter()
        found = gc.collect(2 if self._thawed else 1)
        gc.freeze()
        log.debug(
            "collected %d (%s), froze %d objects in %.0f ms",
            found,
            "full" if self._thawed else "young",
            gc.get_freeze_count(),
            1000 * (time.perf_counter() - started),
        )
        self._thawed = False

    def release(self) -> None:
        """An archive is closing: the next freeze collects everything first."""
        gc.unfreeze()
        self._thawed = True
