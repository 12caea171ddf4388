"""Full text builds of two source trees, interleaved (A, B, A, B, ...): articles/s and peak RSS.

    python -m bench.build_ab --corpus /tmp/hostile/corpus-10000 --before /path/to/old/tree \
        [--after .] [--rounds 2] [--json out.json]

Each build runs in a fresh process (``bench.child update``: ``Archive.open`` + the text
phase into an empty index folder) with ``PYTHONPATH`` set to the tree, so the two trees
share the machine's state; ``uptime``'s load is recorded before each build, and the CPU
time of the build's processes (writer and workers) per article. A tree is any checkout of
this repository, e.g. ``git worktree add --detach /tmp/base main``. On a shared
machine compare the ratios of one run, not figures across runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.util import run_child


def load() -> str:
    return (
        Path("/proc/loadavg").read_text().split(" ", 3)[0]
        if os.path.exists("/proc/loadavg")
        else "?"
    )


def build(tree: Path, corpus: Path, index_dir: Path) -> dict[str, Any]:
    if index_dir.exists():
        shutil.rmtree(index_dir)
    args = json.dumps({"corpus": str(corpus), "index_dir": str(index_dir)})
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = load()
    run = run_child(
        [sys.executable, "-m", "bench.child", "update", args], env=env, cwd=tree, sample_tree=True
    )
    if run.returncode:
        raise SystemExit(f"build with {tree} failed:\n{run.stderr[-3000:]}")
    data = json.loads(run.stdout.strip().splitlines()[-1])
    seconds = data["update_s"]
    return {
        "load_before": before,
        "load_after": load(),
        "update_s": seconds,
        "articles": data["articles"],
        "articles_per_s": round(data["articles"] / seconds, 1),
        "cpu_ms_per_article": round(run.cpu_s * 1000 / max(1, data["articles"]), 2),
        "peak_rss_building_process_mib": round(run.max_rss_mb, 1),
        "peak_rss_largest_worker_mib": data["max_rss_largest_worker_mb"],
        "peak_rss_tree_mib": round(run.tree_peak_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--before", type=Path, required=True, help="the old source tree")
    parser.add_argument("--after", type=Path, default=Path.cwd(), help="the new source tree")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with tempfile.TemporaryDirectory(prefix="build-ab-") as tmp:
        for round_ in range(args.rounds):
            order = ["before", "after"] if round_ % 2 == 0 else ["after", "before"]
            for name in order:
                tree = args.before if name == "before" else args.after
                row = build(tree.resolve(), args.corpus, Path(tmp) / name)
                results[name].append(row)
                print(name, json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
