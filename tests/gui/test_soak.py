"""A short crash soak in the suite (#14): the real app under Xvfb, random actions, restarts.

``tests/gui/soak.py`` is the driver; this runs it for about 40 s with a fixed seed on a
generated archive of 800 articles (``python -m tests.gui.soak --minutes 10`` is the
long run). Gate: every session exits 0, no "Unexpected error" dialog, no Python
exception or crash dump in the app's log or output.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from tests.gui import soak

needs_x = pytest.mark.skipif(
    not shutil.which("Xvfb") or not sys.platform.startswith("linux"),
    reason="needs Xvfb (apt-get install xvfb)",
)


@needs_x
def test_random_actions_with_restarts_crash_nothing_and_raise_nothing(tmp_path: Path) -> None:
    archive = soak.generate(800, 7, tmp_path / "archive")
    summary = soak.run(40, 7, archive, tmp_path / "soak", session_seconds=13)
    report = summary.to_json()
    assert summary.ok, json.dumps(report, indent=1)
    assert len(summary.sessions) >= 2  # quit and started again at least once
    assert sum(s.actions for s in summary.sessions) >= 100
    assert sum(s.dialogs_closed for s in summary.sessions) >= 2
