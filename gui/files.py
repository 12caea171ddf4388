"""Article files handed to the desktop: opened, shown in their folder, their path copied.

Qt keeps paths as Unicode and silently drops the bytes of a file name that is
not valid UTF-8 (it would open ``bad.txt`` for ``bad\\xff.txt``). Such a file is
given to the desktop's opener as bytes instead, and shown with a replacement mark.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from search.api import printable

log = logging.getLogger("archive_browser.files")


def is_unicode(path: Path) -> bool:
    """Whether Qt can hold this path as it is."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(path: Path) -> str:
    """The path for people (odd bytes of a name as U+FFFD)."""
    return printable(str(path))


def open_with_desktop(path: Path) -> bool:
    """Open a file or folder in its desktop program; False when nothing could."""
    if is_unicode(path):
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))
    opener = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if opener is None:
        return False
    try:
        subprocess.Popen([opener, os.fsencode(path)], start_new_session=True)
    except OSError as exc:
        log.warning("could not open %s: %s", shown(path), exc)
        return False
    return True
