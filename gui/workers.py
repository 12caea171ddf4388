"""The one place that runs work off the UI thread.

Pattern (after Anki's ``taskman``/``QueryOp``): the UI thread hands a plain
function to ``TaskManager.run``; it runs in a ``QRunnable`` on a thread pool and
its result or exception comes back through a Qt signal, so callbacks always run
on the UI thread. There are two lanes:

- ``read``: searches, article loads, exports; may run in parallel.
- ``write``: opening and updating the index; one at a time, in order (Whoosh
  allows a single writer, so we never let two updates race).

The "newest request wins" rule for searches is the search controller's
(``gui.search_controller``), on top of this.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from search.model import IndexProgress

log = logging.getLogger("archive_browser.workers")

Lane = Literal["read", "write"]


class _Signals(QObject):
    """Carries a task's outcome from its pool thread back to the UI thread."""

    done = Signal(int, object)
    failed = Signal(int, object)
    progress = Signal(int, object)


class _Runnable(QRunnable):
    def __init__(
        self, task_id: int, fn: Callable[[Callable[[object], None]], object], signals: _Signals
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task_id = task_id
        self._fn = fn
        self._signals = signals

    def run(self) -> None:
        task_id, signals = self._task_id, self._signals

        def report(value: object) -> None:
            signals.progress.emit(task_id, value)

        try:
            result = self._fn(report)
        except BaseException as exc:  # handed to the UI thread, which decides what to show
            signals.failed.emit(task_id, exc)
        else:
            signals.done.emit(task_id, result)


@dataclass(slots=True)
class _Callbacks:
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[Any], None] | None
    lane: Lane
    name: str


@dataclass(slots=True)
class Cancellable:
    """A handle to request cancellation; the task polls ``cancelled``."""

    event: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self.event.set()

    def cancelled(self) -> bool:
        return self.event.is_set()


class TaskManager(QObject):
    """Runs functions on the read or write lane and calls back on the UI thread.

    ``busy_changed`` fires when the number of pending tasks goes from 0 to more
    or back; screenshot mode and tests wait on it instead of sleeping.
    """

    busy_changed = Signal(bool)
    task_failed = Signal(str, object)
    """(task name, exception) for tasks without their own error callback."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = QThreadPool(self)
        self._read.setMaxThreadCount(2)
        self._write = QThreadPool(self)
        self._write.setMaxThreadCount(1)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._signals.failed.connect(self._on_failed)
        self._signals.progress.connect(self._on_progress)
        self._ids = itertools.count(1)
        self._pending: dict[int, _Callbacks] = {}

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def pending(self, lane: Lane | None = None) -> int:
        return sum(1 for cb in self._pending.values() if lane is None or cb.lane == lane)

    def run(
        self,
        fn: Callable[[], object],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        lane: Lane = "read",
        name: str = "",
    ) -> int:
        """Run ``fn()`` in the background; returns a task id."""
        return self.run_with_progress(
            lambda _report: fn(), on_done=on_done, on_error=on_error, lane=lane, name=name
        )

    def run_with_progress(
        self,
        fn: Callable[[Callable[[object], None]], object],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[Any], None] | None = None,
        lane: Lane = "read",
        name: str = "",
    ) -> int:
        """Run ``fn(report)``; each ``report(value)`` reaches ``on_progress`` on the UI thread."""
        task_id = next(self._ids)
        was_busy = self.busy
        self._pending[task_id] = _Callbacks(on_done, on_error, on_progress, lane, name or "task")
        pool = self._write if lane == "write" else self._read
        pool.start(_Runnable(task_id, fn, self._signals))
        if not was_busy:
            self.busy_changed.emit(True)
        return task_id

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until both lanes are idle (shutdown, tests); callbacks come on the next turn."""
        return self._write.waitForDone(msecs) and self._read.waitForDone(msecs)

    # -- slots on the UI thread -----------------------------------------------------------
    def _after(self) -> None:
        if not self._pending:
            self.busy_changed.emit(False)

    @Slot(int, object)
    def _on_done(self, task_id: int, result: object) -> None:
        callbacks = self._pending.pop(task_id, None)
        try:
            if callbacks and callbacks.on_done:
                callbacks.on_done(result)
        finally:
            self._after()

    @Slot(int, object)
    def _on_failed(self, task_id: int, exc: object) -> None:
        callbacks = self._pending.pop(task_id, None)
        try:
            assert isinstance(exc, BaseException)
            if callbacks and callbacks.on_error:
                callbacks.on_error(exc)
            else:
                name = callbacks.name if callbacks else "task"
                log.error("%s failed", name, exc_info=exc)
                self.task_failed.emit(name, exc)
        finally:
            self._after()

    @Slot(int, object)
    def _on_progress(self, task_id: int, value: object) -> None:
        callbacks = self._pending.get(task_id)
        if callbacks and callbacks.on_progress:
            callbacks.on_progress(value)


def progress_text(progress: IndexProgress) -> str:
    """A status-bar line for one progress report."""
    phase = {
        "scanning": "Scanning",
        "reading": "Reading",
        "writing": "Writing index",
        "entities": "Recognising entities:",
        "done": "Done",
    }.get(progress.phase, progress.phase)
    if progress.total:
        return f"{phase} {progress.done:,} of {progress.total:,}"
    if progress.done:
        return f"{phase}… {progress.done:,}"
    return f"{phase}…"


class Throttle:
    """Passes on at most one progress report per ``interval`` seconds (and every phase change).

    The engine may report every file; 100,000 queued signals would flood the UI
    thread, so the worker thins them out before they cross threads.
    """

    def __init__(self, report: Callable[[object], None], interval: float = 0.1) -> None:
        self._report = report
        self._interval = interval
        self._last = 0.0
        self._phase: str | None = None

    def __call__(self, progress: IndexProgress) -> None:
        now = time.monotonic()
        if (
            progress.phase != self._phase
            or now - self._last >= self._interval
            or (progress.total and progress.done >= progress.total)
        ):
            self._phase = progress.phase
            self._last = now
            self._report(progress)
