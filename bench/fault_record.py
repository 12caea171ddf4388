"""The fault runs' counts in bench/faults.json, rendered into bench/RESULTS.md.

Each run replaces its own entry (with when, where and how it ran), so every
count in RESULTS.md comes from the run that wrote it.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
FAULTS = BENCH / "faults.json"
RESULTS = BENCH / "results.json"


def load() -> dict[str, Any]:
    return json.loads(FAULTS.read_text(encoding="utf-8")) if FAULTS.exists() else {}


def record(run: str, rows: dict[str, dict[str, Any]], how: str, elapsed_s: float) -> None:
    """Store one run's rows (family -> tried/handled/lost/...) and re-render RESULTS.md."""
    from bench.report import render

    faults = load()
    faults[run] = {
        "rows": rows,
        "command": how,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "cpus": os.cpu_count(),
        "load": round(os.getloadavg()[0], 1),
        "python": platform.python_version(),
        "elapsed_s": round(elapsed_s),
    }
    FAULTS.write_text(json.dumps(faults, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    (BENCH / "RESULTS.md").write_text(render(results), encoding="utf-8")


def section(faults: dict[str, Any]) -> list[str]:
    """The Faults section of RESULTS.md."""
    if not faults:
        return []
    lines = ["", "## Faults", "", "| run | family | tried | handled | lost | outcomes |"]
    lines.append("|---|---|---|---|---|---|")
    for run, entry in sorted(faults.items()):
        for family, row in entry["rows"].items():
            counts = {k: v for k, v in row.items() if k not in ("tried", "handled", "lost")}
            detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            cells = [run, family, f"{row['tried']:,}", f"{row['handled']:,}", f"{row['lost']:,}"]
            lines.append("| " + " | ".join([*cells, detail]) + " |")
    lines.append("")
    for run, entry in sorted(faults.items()):
        lines.append(
            f"- {run}: `{entry['command']}`, {entry['date']}, {entry['cpus']} CPUs, load "
            f"{entry['load']}, Python {entry['python']}, {entry['elapsed_s']:,} s."
        )
    return lines
