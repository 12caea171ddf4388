"""SIGINT and SIGTERM close the window, also while it is idle.

Python runs a signal handler only when the interpreter next executes Python code,
and an idle Qt window runs none: a SIGTERM (desktop logout, ``timeout``) or a
Ctrl+C would wait until the next mouse move. The usual Qt recipe: the C-level
handler writes the signal's number into a socket (``signal.set_wakeup_fd``); a
``QSocketNotifier`` wakes the event loop for it, and the slot that reads it runs
the action from the event loop, never from whatever bytecode a signal interrupts.
"""

from __future__ import annotations

import logging
import signal
import socket
from collections.abc import Callable, Iterable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier, QTimer

log = logging.getLogger("archive_browser.signals")

QUIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)

Handler = Callable[[int, FrameType | None], object] | int | None


class SignalWakeup(QObject):
    """Calls ``on_signal(signum)`` from the event loop for each of ``signums`` received."""

    def __init__(
        self,
        on_signal: Callable[[int], object],
        parent: QObject | None = None,
        signums: Iterable[signal.Signals] = QUIT_SIGNALS,
    ) -> None:
        super().__init__(parent)
        self._on_signal = on_signal
        self._signums = {int(s) for s in signums}
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._on_readable)
        self._old_fd = signal.set_wakeup_fd(self._writer.fileno(), warn_on_full_buffer=False)
        # A Python-level handler must exist for the C handler to write the number;
        # it does nothing itself (it would run at any bytecode of any callback).
        self._old_handlers: dict[int, Handler] = {
            signum: signal.signal(signum, _ignore) for signum in self._signums
        }
        self._installed = True

    def _on_readable(self) -> None:
        try:
            data = self._reader.recv(256)
        except (BlockingIOError, InterruptedError):
            return
        for signum in data:
            if signum in self._signums:
                log.info("received %s", signal.Signals(signum).name)
                # Next turn of the loop: the notifier's own slot has returned by then.
                QTimer.singleShot(0, lambda signum=signum: self._on_signal(signum))

    def uninstall(self) -> None:
        """Give the signals back their previous handlers (idempotent)."""
        if not self._installed:
            return
        self._installed = False
        for signum, handler in self._old_handlers.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        signal.set_wakeup_fd(self._old_fd)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


def _ignore(_signum: int, _frame: FrameType | None) -> None:
    """The wakeup socket carries the signal; see ``SignalWakeup._on_readable``."""
