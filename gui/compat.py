"""Work-arounds for defects of the Qt bindings we run on, each detected, never assumed.

shiboken6/PySide6 6.12.0 hands some singletons back without a reference of
their own: every Qt call that returns nothing gives ``None`` (``QFont.setBold``,
``QPainter.save``, ``QLabel.setText``…) and every ``Signal.emit`` gives
``True``; 6.11.2 does not. CPython 3.12+ makes the singletons immortal, but on
3.11 each such call takes one reference away and the interpreter aborts
("none_dealloc" / "bool_dealloc") when a count reaches zero: after some
thousands of calls, i.e. seconds to a minute of typing or scrolling. Where the
leak is seen, the counts of ``None``, ``True`` and ``False`` are padded far
beyond what any session can use up.
"""

from __future__ import annotations

import ctypes
import logging
import sys

import PySide6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger("archive_browser.compat")

SINGLETONS = (None, True, False)
_PAD = 1 << 40
_checked = False


class _Probe(QObject):
    ping = Signal()


def singletons_leak() -> bool:
    """Whether Qt calls take references to ``None`` or ``True`` away (see the module doc)."""
    if sys.version_info >= (3, 12):  # immortal singletons: nothing to lose
        return False
    probe = _Probe()
    before = [sys.getrefcount(v) for v in SINGLETONS]
    for _ in range(16):
        probe.setObjectName("probe")  # returns None
        probe.ping.emit()  # returns True
    after = [sys.getrefcount(v) for v in SINGLETONS]
    return any(a < b for a, b in zip(after, before, strict=True))


def guard_refcount_leaks() -> None:
    """Pad the singletons' reference counts if the bindings leak them (once per process)."""
    global _checked  # noqa: PLW0603 - a process-wide, one-time check
    if _checked:
        return
    _checked = True
    if singletons_leak():
        log.warning(
            "PySide6 %s loses references to None/True: padding their counts", PySide6.__version__
        )
        for value in SINGLETONS:
            # ob_refcnt is the first field of every object in CPython release builds.
            ctypes.c_ssize_t.from_address(id(value)).value += _PAD
