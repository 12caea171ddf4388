"""Worker processes for the writer's two phases: results in order, a bounded window ahead.

Both phases send chunks of work to one process per core and consume the results in the
order the chunks were given (the text phase commits in file order; the entity phase
writes a batch per chunk). Too little work is done in this process: starting workers
costs more than it saves (and loading spaCy twice for five articles would be worse).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from search.model import CancelCheck

log = logging.getLogger("archive_browser.engine.pool")

Arg = TypeVar("Arg")
Result = TypeVar("Result")


CANCEL_POLL_S = 0.1
"""How often a wait for a worker's chunk looks whether the update was cancelled."""


class Cancelled(Exception):
    """The user cancelled: what was committed before stays."""


def ordered_map(
    work: Callable[[Arg], Result],
    chunks: Iterable[Arg],
    should_stop: CancelCheck,
    *,
    parallel: bool,
    ahead: int,
) -> Iterator[Result]:
    """``work(chunk)`` for each chunk, in order; in worker processes when ``parallel``
    (and there are two cores or more). ``ahead``: chunks in flight at most.

    ``chunks`` is read lazily, so only the chunks in flight are in memory. ``work``
    must be a module-level function (it is pickled by name). Raises `Cancelled`
    between chunks once ``should_stop()`` is true."""
    queue = iter(chunks)
    workers = os.cpu_count() or 1
    if parallel and workers >= 2:
        yield from _pooled(work, queue, workers, max(workers * 2, ahead), should_stop)
    for chunk in queue:  # all of them, or what a failed pool left
        if should_stop():
            raise Cancelled
        yield work(chunk)


def _pooled(
    work: Callable[[Arg], Result],
    queue: Iterator[Arg],
    workers: int,
    ahead: int,
    should_stop: CancelCheck,
) -> Iterator[Result]:
    """Results of the pool, in order. If a worker dies (out of memory, killed, or a host
    program without a ``__main__`` guard), the chunks in flight go back to the front of
    ``queue``'s remainder, done by the caller in this process, rather than fail the update."""
    window: deque[tuple[Arg, Future[Result]]] = deque()
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=exit_with_parent,
        initargs=(os.getpid(),),
    )
    try:
        for chunk in queue:
            window.append((chunk, pool.submit(work, chunk)))
            if len(window) >= ahead:
                break
        while window:
            if should_stop():
                raise Cancelled
            chunk, future = window[0]
            try:
                result = _result(future, should_stop)
            except BrokenProcessPool:
                log.warning("worker processes failed; continuing in one process", exc_info=True)
                for left, _ in window:
                    if should_stop():
                        raise Cancelled from None
                    yield work(left)
                return
            window.popleft()
            next_chunk = next(queue, None)
            if next_chunk is not None:
                window.append((next_chunk, pool.submit(work, next_chunk)))
            yield result
    finally:
        if window:  # cancelled or failed: the chunks in flight are not wanted
            _stop_workers(pool)
        pool.shutdown(wait=not window, cancel_futures=True)


def _result(future: Future[Result], should_stop: CancelCheck) -> Result:
    """The future's result, looking at ``should_stop`` while it is not there yet.

    A chunk can take seconds (the first loads a model or builds the gazetteer in each
    worker): a cancel, or a window being closed, must not wait for it."""
    while True:
        try:
            return future.result(timeout=CANCEL_POLL_S)
        except TimeoutError:
            if should_stop():
                raise Cancelled from None


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """End the pool's processes now: left to finish their chunks, they would hold up the
    interpreter's exit (``concurrent.futures`` joins its pools then), so a quit would wait
    for work whose results nobody takes."""
    processes = getattr(pool, "_processes", None) or {}
    for process in list(processes.values()):
        with contextlib.suppress(Exception):
            process.terminate()


def exit_with_parent(parent_pid: int) -> None:
    """In a worker process: exit as soon as the indexing process is gone.

    A killed parent (OOM, SIGKILL, a crash) never tells its pool to stop, and
    the workers would wait for work forever. Linux kills them with it
    (``PR_SET_PDEATHSIG``); elsewhere, and as a second guard, a thread checks
    the parent's pid every second."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the guard was set
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
