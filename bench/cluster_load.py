"""Loading an archive into a local 3-node cluster: throughput, and the cost of a second
load that finds nothing changed (issue #18, item 6, first part).

Usage::

    python -m bench.cluster_load ARCHIVE_FOLDER [--index-dir DIR] [--nodes 3]

The archive is opened as indexed (``--index-dir``: an existing index of that folder, e.g.
a text-only one; nothing is updated), a cluster is started in a temporary folder,
``loader.load`` runs twice, the cluster is stopped. Prints JSON with N, the machine's
cores and load average, articles/s of the first load, seconds of the second, rows written,
and each node's resident memory after the load.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.api import Archive  # noqa: E402
from search.backends.cluster import loader, nodes  # noqa: E402


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("archive", type=Path)
    ap.add_argument("--index-dir", type=Path)
    ap.add_argument("--nodes", type=int, default=3)
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"nproc": os.cpu_count(), "load_start": os.getloadavg()}
    with (
        Archive.open(args.archive, args.index_dir) as archive,
        tempfile.TemporaryDirectory() as work,
        nodes.running(Path(work) / "cluster", nodes=args.nodes) as cluster,
    ):
        out["articles"] = len(archive)
        t0 = time.perf_counter()
        first = loader.load(archive, cluster)
        elapsed = time.perf_counter() - t0
        out["first_load_s"] = round(elapsed, 1)
        out["articles_per_s"] = round(first.articles / elapsed, 1) if elapsed else None
        out["rows_written"] = first.written
        out["retries"] = first.retries
        out["node_rss_mib"] = {n.number: _rss_mib(n.pid) for n in cluster.nodes}
        t0 = time.perf_counter()
        second = loader.load(archive, cluster)
        out["unchanged_load_s"] = round(time.perf_counter() - t0, 1)
        out["unchanged_rows_written"] = second.written
    out["load_end"] = os.getloadavg()
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
