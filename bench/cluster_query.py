"""Searching a shared archive: query latency through the cluster's distributed index with
1, 4 and 16 concurrent clients, side by side with the local index on the same articles and
queries (issue #18, item 6).

Usage::

    python -m bench.cluster_query ARCHIVE_FOLDER --index-dir DIR [--clients 1,4,16]
        [--nodes 3] [--queries N] [--out bench/cluster_query.json]

The folder's index is brought up to date as text only (the entities are then the text
phase's: countries), a local cluster of ``--nodes`` Sphinx nodes is started in a temporary
folder and loaded from the index (its load rate is recorded too), and the fixed query mix
of ``bench/queries.py`` (about 210 queries: common and rare words, pairs, phrases,
prefixes, fuzzy words, names, the empty query) is run as the window asks it: a page of 50
with snippets, exact total and facets, copies not grouped (the cluster groups none).

Each level of concurrency runs the whole mix once per client, the clients starting at
different places of it, each with its own connection (cluster) or sharing the one open
archive (local, as the window's threads do); every search's wall time is kept. Loopback
only, bounded loops. Printed and saved as JSON keyed by N: p50/p95/max per backend and
level, searches/s, the machine's cores and its load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.queries import query_mix  # noqa: E402
from search.api import Archive  # noqa: E402
from search.backends.cluster import loader, nodes  # noqa: E402
from search.backends.cluster.archive import ClusterArchive  # noqa: E402
from search.model import SearchRequest  # noqa: E402

Search = Callable[[SearchRequest], object]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _level(searches: list[Search], requests: list[SearchRequest]) -> dict[str, float]:
    """Every client runs every request once, from its own starting point; wall times."""
    times: list[float] = []
    lock = threading.Lock()

    def client(number: int, search: Search) -> None:
        start = number * len(requests) // len(searches)
        mine: list[float] = []
        for i in range(len(requests)):
            request = requests[(start + i) % len(requests)]
            t0 = time.perf_counter()
            search(request)
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=client, args=(n, s)) for n, s in enumerate(searches)]
    t0 = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - t0
    return {
        "searches": len(times),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(_percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "searches_per_s": round(len(times) / wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive", type=Path)
    ap.add_argument("--index-dir", type=Path, required=True)
    ap.add_argument("--clients", default="1,4,16")
    ap.add_argument("--nodes", type=int, default=3)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "cluster_query.json")
    ap.add_argument(
        "--queries", type=int, default=0, help="every k-th query of the mix, about this many"
    )
    args = ap.parse_args(argv)
    levels = [int(c) for c in args.clients.split(",")]
    mix = query_mix()
    if args.queries:
        mix = mix[:: max(1, len(mix) // args.queries)]  # every kind of query stays in
    requests = [SearchRequest(text=q.text, collapse=False) for q in mix]
    out: dict[str, Any] = {"nproc": os.cpu_count(), "load_start": os.getloadavg()}
    with Archive.open(args.archive, args.index_dir) as local:
        local.update(entities=False)
        out["articles"] = len(local)
        with (
            tempfile.TemporaryDirectory() as work,
            nodes.running(Path(work) / "cluster", nodes=args.nodes) as cluster,
        ):
            t0 = time.perf_counter()
            loader.load(local, cluster)
            elapsed = time.perf_counter() - t0
            out["load_s"] = round(elapsed, 1)
            out["load_articles_per_s"] = round(out["articles"] / elapsed, 1)
            for request in requests[:20]:  # warm both: first reads of each word
                local.search(request)
            shared = [ClusterArchive.open(Path(cluster.folder)) for _ in range(max(levels))]
            try:
                for request in requests[:20]:
                    shared[0].search(request)
                out["queries"] = len(requests)
                for level in levels:
                    out[f"local_{level}"] = _level([local.search] * level, requests)
                    out[f"cluster_{level}"] = _level([s.search for s in shared[:level]], requests)
                    print(level, out[f"local_{level}"], out[f"cluster_{level}"], flush=True)
            finally:
                for archive in shared:
                    archive.close()
    out["load_end"] = os.getloadavg()
    saved = json.loads(args.out.read_text()) if args.out.exists() else {}
    saved[str(out["articles"])] = out
    args.out.write_text(json.dumps(saved, indent=1) + "\n")
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
