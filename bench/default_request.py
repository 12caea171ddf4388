"""The default request (a page of 50 with snippets, exact total, facets) beside Xapian, #17.

Usage::

    python -m bench.default_request CORPUS --index-dir INDEX --xapian-db RECOLL/xapiandb \\
        [--root OLD_CHECKOUT ...] [--rounds 2] [--out FILE.json]

For each code tree (this checkout, then each ``--root``: an older commit checked out
elsewhere, to compare before and after on the same index), and each round, in turn:
bench/child.py's warm queries (the query mix of bench/queries.py; ``plain`` is the
window's request with 50 snippets, ``no_snippets`` the same without) and a cold pass (a
fresh process, each query once, snippets on; ``first_terms``: queries none of whose words
an earlier one touched). Then Xapian in-process on Recoll's database of the same corpus
(bench/xapian_probe.py, estimated and exact counts). Every figure of one invocation comes
from that invocation; the load average is recorded before each step.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.queries import query_mix
from bench.recoll_peer import xapian_latency

ROOT = Path(__file__).resolve().parents[1]

_COLD = """
import json, sys, time
from pathlib import Path
from bench.child import _request
from bench.queries import query_mix, terms
from bench.util import summarize_ms
from search.api import Archive
archive = Archive.open(Path(sys.argv[1]), index_dir=Path(sys.argv[2]))
times, fresh, seen = [], [], set()
for q in query_mix():
    t0 = time.perf_counter()
    archive.search(_request(q, "plain"))
    took = time.perf_counter() - t0
    times.append(took)
    words = terms(q)
    if words and not words & seen:
        fresh.append(took)
    seen |= words
archive.close()
print(json.dumps({"all": summarize_ms(times), "first_terms": summarize_ms(fresh)}))
"""

_WARM = """
import json, sys
from bench import ours
from pathlib import Path
data = ours.queries_warm(Path(sys.argv[1]), Path(sys.argv[2]), 1)
print(json.dumps({k: data[k] for k in ("plain", "no_snippets", "snippet_per_hit")}))
"""


def _run(root: Path, script: str, corpus: Path, index_dir: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", script, str(corpus), str(index_dir)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{root}: {done.stderr[-1500:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


def _commit(root: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _slim(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in ("n", "p50_ms", "p95_ms", "p99_ms") if k in summary}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--xapian-db", type=Path, required=True)
    ap.add_argument("--root", type=Path, action="append", default=[], help="another checkout")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    roots = [ROOT, *[r.resolve() for r in args.root]]
    runs: list[dict[str, Any]] = []
    for round_no in range(1, args.rounds + 1):
        for root in roots:
            for kind, script in (("warm", _WARM), ("cold", _COLD)):
                load = os.getloadavg()[0]
                started = time.strftime("%H:%M:%S")
                data = _run(root, script, args.corpus, args.index_dir)
                row = {"round": round_no, "code": _commit(root), "kind": kind}
                row |= {"started": started, "load_1min": round(load, 2)}
                row |= {name: _slim(value) for name, value in data.items()}
                runs.append(row)
                print(json.dumps(row), flush=True)
    load = os.getloadavg()[0]
    xapian = xapian_latency(args.xapian_db, query_mix())
    peer = {
        "load_1min": round(load, 2),
        "version": xapian["xapian_version"],
        "estimated": _slim(xapian["estimated"]),
        "exact": _slim(xapian["exact"]),
    }
    print(json.dumps({"xapian": peer}), flush=True)
    result = {"date": time.strftime("%Y-%m-%d %H:%M"), "nproc": os.cpu_count(), "runs": runs}
    result["xapian"] = peer
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
