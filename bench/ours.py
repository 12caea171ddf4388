"""Measurements of our engine (search.api), each run in a fresh child process.

Each function returns a plain dict so the runner can store and render it without knowing
what was measured.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from bench.util import ChildRun, dir_bytes, mb, run_child

ROOT = Path(__file__).resolve().parent.parent


class ChildError(RuntimeError):
    pass


def child(op: str, sample_tree: bool = False, **args: Any) -> tuple[dict[str, Any], ChildRun]:
    """Run ``bench.child OP`` in a fresh interpreter with the project on its path."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "bench.child", op, json.dumps(args)]
    run = run_child(cmd, env=env, cwd=ROOT, sample_tree=sample_tree)
    if run.returncode != 0:
        raise ChildError(f"bench.child {op} failed ({run.returncode}): {run.stderr[-1500:]}")
    data: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return data, run


def api_ready() -> str | None:
    """None when search.api can be imported with the names the bench uses, else why not."""
    try:
        data, _ = child("probe")
    except ChildError as exc:
        return str(exc).splitlines()[-1]
    return None if data.get("ok") else str(data.get("error"))


def full_build(corpus: Path, index_dir: Path, articles: int) -> dict[str, Any]:
    """From an empty index dir: time, articles/s, peak RSS (process and tree), size."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    data, run = child("update", sample_tree=True, corpus=str(corpus), index_dir=str(index_dir))
    seconds = data["update_s"]
    return {
        "elapsed_s": round(seconds, 2),
        "process_s": round(run.elapsed_s, 2),
        "articles": data["articles"],
        "articles_per_s": round(articles / seconds, 1) if seconds else None,
        "max_rss_process_mib": round(run.max_rss_mb, 1),
        "max_rss_largest_worker_mib": data["max_rss_largest_worker_mb"],
        "peak_rss_tree_mib": round(run.tree_peak_mb, 1),
        "index_mb": mb(dir_bytes(index_dir)),
        "report": data["report"],
    }


def incremental(corpus: Path, index_dir: Path) -> dict[str, Any]:
    """Archive.open + update in a fresh process (nothing changed, or after --modify)."""
    data, run = child("update", sample_tree=True, corpus=str(corpus), index_dir=str(index_dir))
    return {
        "open_s": data["open_s"],
        "update_s": data["update_s"],
        "process_s": round(run.elapsed_s, 2),
        "peak_rss_tree_mib": round(run.tree_peak_mb, 1),
        "report": data["report"],
    }


def queries_warm(corpus: Path, index_dir: Path, stride: int = 1) -> dict[str, Any]:
    """Warm latencies (plain, no snippets, country filter, date range) and article opens."""
    args = {"corpus": str(corpus), "index_dir": str(index_dir), "stride": stride}
    data, run = child("queries_warm", **args)
    data["max_rss_process_mib"] = round(run.max_rss_mb, 1)
    return data


def queries_cold(corpus: Path, index_dir: Path, stride: int = 1) -> dict[str, Any]:
    """First-time latencies in a fresh process right after Archive.open: pages without
    snippets, and under ``snippets`` the same in another fresh process with them."""
    args = {"corpus": str(corpus), "index_dir": str(index_dir), "stride": stride}
    data, _ = child("queries_cold", **args)
    data["snippets"], _ = child("queries_cold", snippets=True, **args)
    return data


def entities(corpus: Path, limit: int, quick: bool = False) -> dict[str, Any]:
    """Ingest and extraction ms per article of the corpus, plus bench/entity_speed.py's own
    figures (on the sample articles) when that script exists."""
    data, _ = child("entities", corpus=str(corpus), limit=limit)
    result: dict[str, Any] = {"corpus": data}
    speed = Path(__file__).with_name("entity_speed.py")
    if speed.exists():
        result["entity_speed"] = entity_speed(speed, rounds=5 if quick else 50)
    return result


_P50_P95 = re.compile(r"p50 ([\d.]+) ms, p95 ([\d.]+) ms")
_FIRST = re.compile(r"first call[^:]*: ([\d.]+) ms")


def entity_speed(script: Path, rounds: int) -> dict[str, Any]:
    """Run the entity helper's script (it belongs to them) and pick its figures."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    run = run_child([sys.executable, str(script), "--rounds", str(rounds)], env=env, cwd=ROOT)
    out: dict[str, Any] = {"returncode": run.returncode}
    if m := _P50_P95.search(run.stdout):
        out["p50_ms"], out["p95_ms"] = float(m.group(1)), float(m.group(2))
    if m := _FIRST.search(run.stdout):
        out["first_call_ms"] = float(m.group(1))
    if "p50_ms" not in out:
        out["output"] = (run.stdout + run.stderr)[-1000:]
    return out
