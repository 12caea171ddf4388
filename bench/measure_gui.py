"""Plug-in step: the GUI figures of bench/gui_bench.py on this run's corpus and index.

Runs in a child process (a Qt application, offscreen) so the runner stays Qt-free.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.run import Context, Skipped

TITLE = "GUI (offscreen)"
ROOT = Path(__file__).resolve().parents[1]


def measure(ctx: Context) -> dict[str, Any]:
    try:
        import PySide6  # noqa: F401 - only to know whether the GUI can run here
    except ImportError as exc:
        raise Skipped(f"PySide6 is not installed: {exc}") from exc
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.gui_bench",
            "--n",
            str(ctx.n),
            "--corpus",
            str(ctx.corpus),
            "--index-dir",
            str(ctx.index_dir),
            "--cold-runs",
            "1" if ctx.quick else "3",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
        timeout=3600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"gui_bench failed: {proc.stderr.strip()[-500:]}")
    data = json.loads(proc.stdout)
    keys, scroll = data["keystrokes"], data["scrolling"]
    cold = data["cold_start"]
    return {
        "cold start to first results painted, ms": cold["first_paint_ms"],
        "keystroke to list updated, p50 ms": keys["p50_ms"],
        "keystroke to list updated, p95 ms": keys["p95_ms"],
        "keystroke to list updated minus the debounce, p95 ms": keys["minus_debounce"]["p95_ms"],
        "debounce, ms": keys["debounce_ms"],
        "UI stall while typing, max ms": keys["stalls"]["max_ms"],
        "UI stall while scrolling, max ms": scroll["stalls"]["max_ms"],
        "scrolling all hits: pages": scroll["pages"],
        "scrolling all hits: total ms": scroll["total_ms"],
        "scrolling: per page p95 ms": scroll.get("p95_ms"),
        "RSS with the archive open, MiB": data["memory_open"]["rss_mb"],
        "peak RSS after scrolling all, MiB": data["memory_scrolled"]["peak_rss_mb"],
    }
