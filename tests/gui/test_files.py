"""Files whose names are not UTF-8 reach the desktop by their bytes, not Qt's lossy text."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from gui import files


def test_a_name_that_is_not_utf8_is_opened_by_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = Path(os.fsdecode(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")))
    launched: list[list[object]] = []
    monkeypatch.setattr(files.shutil, "which", lambda _name: "/usr/bin/xdg-open")
    monkeypatch.setattr(files.sys, "platform", "linux")
    monkeypatch.setattr(subprocess, "Popen", lambda args, **_kw: launched.append(list(args)))
    assert files.open_with_desktop(path)
    assert launched == [["/usr/bin/xdg-open", os.fsencode(tmp_path) + b"/bad\xff.txt"]]
    assert files.shown(path).endswith("bad\ufffd.txt")
    assert not files.is_unicode(path) and files.is_unicode(tmp_path)
