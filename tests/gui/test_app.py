"""The command line: --version and screenshot mode (run as a separate process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

import search.api


def run_app(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHIVE_BROWSER_DATA_DIR": str(data_dir)}
    env.pop("QT_QPA_PLATFORM", None)  # screenshot mode must set it itself
    return subprocess.run(
        [sys.executable, "-m", "gui", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_version_prints_the_engine_version(tmp_path: Path) -> None:
    done = run_app("--version", data_dir=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"archive-browser {search.api.__version__}"


def test_screenshot_mode_writes_a_png_of_the_requested_state(
    tmp_path: Path, archive_dir: Path
) -> None:
    out = tmp_path / "shot.png"
    done = run_app(
        "--archive",
        str(archive_dir),
        "--query",
        "Vietnam",
        "--country",
        "ru",
        "--select",
        "ru-talks.txt",
        "--dark",
        "--screenshot",
        str(out),
        "--size",
        "1000x700",
        data_dir=tmp_path / "data",
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1000, 700)
    assert image.pixelColor(500, 400).lightness() < 128  # the dark palette was used


def test_screenshot_mode_fails_cleanly_on_a_missing_archive(tmp_path: Path) -> None:
    done = run_app(
        "--archive",
        str(tmp_path / "nope"),
        "--screenshot",
        str(tmp_path / "x.png"),
        data_dir=tmp_path / "data",
    )
    assert done.returncode == 2
    assert "does not exist" in done.stderr
    assert "Traceback" not in done.stderr


def test_qt_calls_cannot_use_up_none_or_true() -> None:
    """shiboken6 6.12.0 on Python 3.11 leaks None per void call, True per emit (gui.compat)."""
    import sys

    from gui.compat import SINGLETONS, _Probe, guard_refcount_leaks, singletons_leak

    guard_refcount_leaks()
    probe = _Probe()
    for _ in range(50_000):
        probe.setObjectName("probe")
        probe.ping.emit()
    assert not singletons_leak() or all(sys.getrefcount(v) > 1_000_000 for v in SINGLETONS)


def test_a_crash_dump_reaches_the_log_file_also_after_it_rotated(tmp_path: Path) -> None:
    """faulthandler writes into the log file; a rotation moves it on to the new file."""
    script = (
        "import faulthandler, logging\n"
        "from gui import errors\n"
        "errors.setup_logging()\n"
        "errors.enable_crash_dumps()\n"
        "handler = next(h for h in logging.getLogger('archive_browser').handlers\n"
        "               if getattr(h, 'baseFilename', None))\n"
        "handler.doRollover()\n"
        "logging.getLogger('archive_browser').info('after the rotation')\n"
        "faulthandler._sigsegv()\n"
    )
    env = {**os.environ, "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert done.returncode != 0
    log = (tmp_path / "logs" / "archive-browser.log").read_text(encoding="utf-8")
    assert "after the rotation" in log
    assert "Fatal Python error: Segmentation fault" in log
    assert 'File "<string>", line 9' in log  # the Python stack of the crash


def test_engine_warnings_reach_the_app_log_file(tmp_path: Path) -> None:
    """The error dialogs point to the log file; the engine's warnings must be in it."""
    script = (
        "import logging\n"
        "from gui import errors\n"
        "errors.setup_logging()\n"
        "logging.getLogger('archive_browser.engine.tablecache').warning('engine says hello')\n"
        "logging.getLogger('archive_browser.engine.tablecache').info('engine chatter')\n"
    )
    env = {**os.environ, "ARCHIVE_BROWSER_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "-c", script], timeout=60, env=env, check=True)
    log = (tmp_path / "logs" / "archive-browser.log").read_text(encoding="utf-8")
    assert "archive_browser.engine.tablecache: engine says hello" in log
    assert "engine chatter" not in log
