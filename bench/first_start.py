"""First start to the sample's list on screen, in a real X server (issue #14, item 7).

    python -m bench.first_start [--runs 5] [--fresh-cache]

Each run is a new process with a fresh ARCHIVE_BROWSER_DATA_DIR and XDG_CONFIG_HOME (no
index, no settings: what a new user's first start finds) in a private Xvfb, started
through ``gui.app.main`` as the desktop entry does; the clock runs from just before the
process is started to the first paint of the results list with rows in it. With
``--fresh-cache`` the user cache (the built place gazetteer) is empty too, as on a
machine that never ran the app. Prints each run's marks (seconds from the start) and
the median of each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, os, sys, time
T0 = float(os.environ["FIRST_START_T0"])
marks = {"python_up": time.time() - T0}
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
import gui.app
from gui.main_window import MainWindow
marks["imported"] = time.time() - T0

class FirstPaint(QObject):
    def __init__(self, window):
        super().__init__()
        self.window = window
    def eventFilter(self, watched, event):
        if (event.type() == QEvent.Type.Paint and self.window.model.rowCount()
                and "list_painted" not in marks):
            marks["list_painted"] = time.time() - T0
            QTimer.singleShot(0, self.window.close)
        return False

def hook():
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    marks["window"] = time.time() - T0
    window.session.opened.connect(lambda _a: marks.setdefault("opened", time.time() - T0))
    window.session.text_ready.connect(lambda: marks.setdefault("text_ready", time.time() - T0))
    hook.filter = FirstPaint(window)
    window.list_view.viewport().installEventFilter(hook.filter)

QTimer.singleShot(0, hook)
code = gui.app.main([])
marks["exited"] = time.time() - T0
print(json.dumps(marks))
sys.exit(code)
"""


def _xvfb(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    xvfb = shutil.which("Xvfb")
    if xvfb is None:
        raise SystemExit("first_start: needs Xvfb (apt-get install xvfb)")
    said = folder / "display"
    with said.open("wb") as sink:
        server = subprocess.Popen(
            [xvfb, "-displayfd", str(sink.fileno()), "-screen", "0", "1600x1000x24"],
            pass_fds=(sink.fileno(),),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        number = said.read_text().strip()
        if number:
            return server, f":{number}"
        time.sleep(0.05)
    server.kill()
    raise SystemExit("first_start: Xvfb did not start")


def run(runs: int, fresh_cache: bool) -> dict[str, object]:
    samples: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="first-start-") as tmp:
        server, display = _xvfb(Path(tmp))
        try:
            for i in range(runs):
                home = Path(tmp) / f"run-{i}"
                env = {
                    **os.environ,
                    "DISPLAY": display,
                    "QT_QPA_PLATFORM": "xcb",
                    "PYTHONPATH": str(ROOT),
                    "ARCHIVE_BROWSER_DATA_DIR": str(home / "data"),
                    "XDG_CONFIG_HOME": str(home / "config"),
                }
                env.pop("XAUTHORITY", None)
                if fresh_cache:
                    env["XDG_CACHE_HOME"] = str(home / "cache")
                env["FIRST_START_T0"] = repr(time.time())
                done = subprocess.run(
                    [sys.executable, "-c", _CHILD],
                    cwd=ROOT,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=180,
                    check=False,
                )
                if done.returncode != 0 or not done.stdout.strip():
                    raise RuntimeError(f"run {i} failed:\n{done.stderr[-2000:]}")
                marks = json.loads(done.stdout.strip().splitlines()[-1])
                samples.append(marks)
                print(json.dumps({k: round(v, 3) for k, v in marks.items()}), flush=True)
        finally:
            server.terminate()
            server.wait(10)
    medians = {key: round(statistics.median(s[key] for s in samples), 3) for key in samples[0]}
    return {
        "runs": runs,
        "fresh_cache": fresh_cache,
        "load_average": os.getloadavg()[0],
        "median_s": medians,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--fresh-cache", action="store_true", help="empty user cache too")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.runs, args.fresh_cache), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
