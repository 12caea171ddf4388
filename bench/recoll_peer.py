"""Recoll and Xapian as peers: the same corpus and query mix through the tool users know.

Why: "fast enough" needs a reference. Recoll (Xapian underneath) is the desktop search our
users compare us with; timing ``recollindex``/``recollq`` gives whole-process figures a user
feels, and querying Recoll's Xapian database in-process gives the engine's floor.

Usage: ``python -m bench.recoll_peer CORPUS [--work DIR] [--no-install]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.queries import Query, query_mix
from bench.util import dir_bytes, mb, run_child, summarize_ms

SYSTEM_PYTHON = "/usr/bin/python3"
PROBE = Path(__file__).with_name("xapian_probe.py")
PACKAGES = ("recoll", "python3-xapian")


def _xapian_ok() -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import xapian"], check=False, capture_output=True)
    return probe.returncode == 0


def missing_reason() -> str | None:
    """Why Recoll or python3-xapian cannot be measured, or None when both are there."""
    if not shutil.which("recollindex") or not shutil.which("recollq"):
        return "recollindex/recollq not installed (Debian package `recoll`)"
    if not _xapian_ok():
        return f"python3-xapian not importable by {SYSTEM_PYTHON}"
    return None


def ensure_installed(allow_install: bool) -> str | None:
    """Install the Debian packages when missing and allowed; returns why not, or None."""
    reason = missing_reason()
    if reason is None or not allow_install:
        return reason
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return reason + "; cannot install (needs root and apt-get)"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    print(f"installing {' '.join(PACKAGES)} with apt-get ...", file=sys.stderr)
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *PACKAGES]):
        done = subprocess.run(cmd, check=False, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            return f"{reason}; `{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    return missing_reason()


def versions() -> dict[str, str]:
    out = {}
    for pkg in ("recollcmd", "python3-xapian"):
        q = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", pkg], check=False, capture_output=True, text=True
        )
        out[pkg] = q.stdout.strip() if q.returncode == 0 else "unknown"
    return out


def write_config(confdir: Path, corpus: Path) -> None:
    """A private configuration: only this corpus, only .txt, no aspell, quiet logs."""
    confdir.mkdir(parents=True, exist_ok=True)
    (confdir / "recoll.conf").write_text(
        "\n".join(
            [
                f"topdirs = {corpus.resolve()}",
                f"dbdir = {(confdir / 'xapiandb').resolve()}",
                "indexedmimetypes = text/plain",
                "onlyNames = *.txt",
                "noaspell = 1",
                "loglevel = 1",
                "",
            ]
        ),
        encoding="utf-8",
    )


def _env(confdir: Path) -> dict[str, str]:
    return dict(os.environ, RECOLL_CONFDIR=str(confdir))


def index(confdir: Path, articles: int, reset: bool) -> dict[str, Any]:
    """Run ``recollindex`` (``-z``: from scratch) and time it."""
    cmd = ["recollindex", "-c", str(confdir)] + (["-z"] if reset else [])
    run = run_child(cmd, env=_env(confdir))
    if run.returncode != 0:
        raise RuntimeError(f"recollindex failed ({run.returncode}): {run.stderr[-500:]}")
    return {
        "elapsed_s": round(run.elapsed_s, 2),
        "articles_per_s": round(articles / run.elapsed_s, 1) if reset else None,
        "max_rss_mb": round(run.max_rss_mb, 1),
        "index_mb": mb(dir_bytes(confdir / "xapiandb")),
    }


_RESULTS = re.compile(r"^(\d+) results", re.MULTILINE)


def recollq_text(q: Query) -> str | None:
    """The query in Recoll's language; None where Recoll has no equivalent (fuzzy)."""
    if q.kind == "fuzzy":
        return None
    return q.text if q.text.strip() else "mime:text/plain"


def recollq_exact_flag() -> bool:
    """Whether this ``recollq`` has ``-E`` (an exact result count instead of Xapian's
    estimate): our totals are exact, so that is the like-for-like comparison."""
    usage = subprocess.run(["recollq", "-h"], check=False, capture_output=True, text=True)
    return re.search(r"^\s*-E\b", usage.stdout + usage.stderr, re.MULTILINE) is not None


def recollq_latency(confdir: Path, queries: list[Query], exact: bool = False) -> dict[str, Any]:
    """Whole-process latency of ``recollq`` for the first 50 results, after a warm-up pass;
    ``exact``: with ``-E``, counting every result."""
    runnable = [(q, t) for q in queries if (t := recollq_text(q)) is not None]

    def once(text: str) -> tuple[float, int]:
        cmd = ["recollq", "-c", str(confdir), "-n", "0-50", *(["-E"] if exact else []), text]
        t0 = time.perf_counter()
        done = subprocess.run(cmd, check=False, capture_output=True, text=True, env=_env(confdir))
        dt = time.perf_counter() - t0
        m = _RESULTS.search(done.stdout)
        return dt, int(m.group(1)) if m else -1

    for _q, text in runnable:
        once(text)
    times, by_kind, counts = [], {}, []
    for q, text in runnable:
        dt, count = once(text)
        times.append(dt)
        by_kind.setdefault(q.kind, []).append(dt)
        counts.append(count)
    return {
        **summarize_ms(times),
        "skipped_fuzzy": len(queries) - len(runnable),
        "by_kind": {k: summarize_ms(v) for k, v in by_kind.items()},
        "counts": counts,
    }


def xapian_latency(dbdir: Path, queries: list[Query]) -> dict[str, Any]:
    """In-process Xapian on Recoll's database, under the system Python."""
    job = {"db": str(dbdir), "queries": [{"text": q.text, "kind": q.kind} for q in queries]}
    run = run_child([SYSTEM_PYTHON, str(PROBE)], stdin_text=json.dumps(job))
    if run.returncode != 0:
        raise RuntimeError(f"xapian probe failed: {run.stderr[-500:]}")
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def measure(corpus: Path, work: Path, articles: int, allow_install: bool = True) -> dict[str, Any]:
    """Full build, unchanged re-index, and query latencies; ``skipped`` says why not."""
    reason = ensure_installed(allow_install)
    if reason:
        return {"skipped": reason}
    confdir = work / "recoll-conf"
    if confdir.exists():
        shutil.rmtree(confdir)
    write_config(confdir, corpus)
    result: dict[str, Any] = {"versions": versions(), "confdir": str(confdir)}
    result["build"] = index(confdir, articles, reset=True)
    result["reindex_unchanged"] = index(confdir, articles, reset=False)
    queries = query_mix()
    result["recollq"] = recollq_latency(confdir, queries)
    if recollq_exact_flag():
        result["recollq_exact"] = recollq_latency(confdir, queries, exact=True)
    else:
        result["recollq_exact"] = {"skipped": "this recollq has no -E (exact counts)"}
    result["xapian"] = xapian_latency(confdir / "xapiandb", queries)
    return result


def has_index(work: Path) -> bool:
    """Whether ``measure`` left a Recoll index of this corpus in ``work``."""
    return (work / "recoll-conf" / "xapiandb").is_dir()


def reindex_after_change(work: Path, articles: int) -> dict[str, Any]:
    """Incremental ``recollindex`` after the caller changed files in the corpus."""
    return index(work / "recoll-conf", articles, reset=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--work", type=Path, default=None, help="default: <corpus>-recoll")
    ap.add_argument("--no-install", action="store_true")
    args = ap.parse_args(argv)
    articles = sum(1 for _ in args.corpus.rglob("*.txt"))
    work = args.work or args.corpus.parent / f"{args.corpus.name}-recoll"
    result = measure(args.corpus, work, articles, allow_install=not args.no_install)
    for key in ("recollq", "recollq_exact", "xapian"):
        if key in result:
            result[key].pop("counts", None)
            result[key].pop("estimated_counts", None)
            result[key].pop("exact_counts", None)
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
