"""Related articles (issue #15): ``Archive.related`` timed on a built index.

    python -m bench.related measure --archive CORPUS --index-dir INDEX [--sample 200] --record
    python -m bench.related render        # bench/related.json -> bench/sections/50-related.md

Opens the index as it is (no update; build it with ``Archive.update(entities=False)``: the
names are then the text phase's rules'), times the first call (it builds the reader's
document frequencies and the inverted name columns), then, over ``--sample`` articles drawn
with ``--seed``, each call alone: a first pass (the index warm, the article's own words not
read yet: what opening an article in the window costs) and ``--rounds`` more (everything
warm). p50 / p95 / max in ms, with N, ``nproc``, the CPU and the load average at the start
and end. ``--record`` keeps the run under its N in bench/related.json (one run per N).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.api import Archive  # noqa: E402
from search.query import related as related_module  # noqa: E402

RECORD = ROOT / "bench" / "related.json"
SECTION = ROOT / "bench" / "sections" / "50-related.md"
TARGET_P95_MS = 50.0
"""Issue #15: related articles p95 ≤ 50 ms at 100,000 articles, warm."""


def _stats(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(
    archive_dir: Path, index_dir: Path, sample: int, rounds: int, seed: int
) -> dict[str, Any]:
    load_start = os.getloadavg()
    started = time.perf_counter()
    with Archive.open(archive_dir, index_dir) as archive:
        opened_s = time.perf_counter() - started
        ids = archive.ids()
        rng = random.Random(seed)
        chosen = rng.sample(ids, min(sample + 1, len(ids)))
        rss_before = _rss_mb()
        started = time.perf_counter()
        archive.related(chosen[0])  # the reader's tables are built here
        first_ms = (time.perf_counter() - started) * 1000
        rss_after = _rss_mb()
        first_pass: list[float] = []
        warm: list[float] = []
        found: list[int] = []
        with_words = with_names = 0
        for article_id in chosen[1:]:
            started = time.perf_counter()
            result = archive.related(article_id)
            first_pass.append((time.perf_counter() - started) * 1000)
            found.append(len(result))
            with_names += sum(
                1 for r in result if any(not w.startswith("shares the word") for w in r.reasons)
            )
            with_words += sum(
                1 for r in result if any(w.startswith("shares the word") for w in r.reasons)
            )
        for _ in range(rounds):
            for article_id in chosen[1:]:
                started = time.perf_counter()
                archive.related(article_id)
                warm.append((time.perf_counter() - started) * 1000)
        listed = sum(found)
        report: dict[str, Any] = {
            "articles": len(archive),
            "open_s": round(opened_s, 2),
            "first_call_ms": round(first_ms, 1),
            "rss_added_by_first_call_mb": round(rss_after - rss_before, 1),
            "first_pass": _stats(first_pass),
            "warm": _stats(warm),
            "results_per_article": round(listed / max(1, len(found)), 2),
            "share_with_names": round(with_names / max(1, listed), 3),
            "share_with_words": round(with_words / max(1, listed), 3),
        }
    report |= {
        "command": "python -m bench.related " + " ".join(sys.argv[1:]),
        "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "commit": subprocess.run(
            ["git", "log", "-1", "--format=%h"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        ).stdout.strip(),
        "nproc": os.cpu_count(),
        "cpu": _cpu(),
        "load_at_start": [round(x, 2) for x in load_start],
        "load_at_end": [round(x, 2) for x in os.getloadavg()],
        "sample": len(chosen) - 1,
        "rounds": rounds,
        "top_words": related_module.TOP_WORDS,
    }
    return report


def render(runs: dict[str, dict[str, Any]]) -> str:
    """The RESULTS.md section, from bench/related.json only."""
    lines = [
        "## Related articles (issue #15)",
        "",
        "Written from bench/related.json (`python -m bench.related measure ... --record`, then "
        "`render`). `Archive.related(id)` (ten articles: shared names weighted by IDF, and a "
        f'"more like this" over the article\'s {next(iter(runs.values()))["top_words"]} most '
        "distinctive body words; search/query/related.py) on synthetic corpora "
        "(bench/gen_corpus.py, seed 0) indexed by the text phase alone (its rules' names; "
        "the corpora hold no copies). Each call alone, in a fresh process (the index files in "
        "the OS's page cache from earlier runs). *First pass*: each sampled article asked for "
        "the first time, after one call on another (opening an article in the window); "
        f"*warm*: the same articles again. Target: p95 ≤ {TARGET_P95_MS:g} ms at 100,000, warm.",
        "",
        "| N | first call ms | first pass p50 / p95 / max ms | warm p50 / p95 / max ms | "
        "calls | results per article | with names / words | load at start → end | run |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sorted(runs, key=int):
        r = runs[n]
        first, warm = r["first_pass"], r["warm"]
        lines.append(
            f"| {int(n):,} | {r['first_call_ms']} | {first['p50_ms']} / {first['p95_ms']} / "
            f"{first['max_ms']} | {warm['p50_ms']} / {warm['p95_ms']} / {warm['max_ms']} | "
            f"{first['n']} + {warm['n']} | {r['results_per_article']} | "
            f"{r['share_with_names']:.0%} / {r['share_with_words']:.0%} | "
            f"{r['load_at_start'][0]} → {r['load_at_end'][0]} | {r['when']}, {r['commit']} |"
        )
    lines += [
        "",
        "The first call of a reader builds its document frequencies (one dict of the body "
        "field's words, from the segments' term arrays) and the inverted name columns; "
        "memory it added, in MB: "
        + ", ".join(
            f"{r['rss_added_by_first_call_mb']} at {int(n):,}"
            for n, r in sorted(runs.items(), key=lambda kv: int(kv[0]))
        )
        + ". Machine: "
        + "; ".join(
            f"N = {int(n):,}: nproc {r['nproc']}, {r['cpu']}, a shared machine (load average "
            f"{r['load_at_start']} at the start, {r['load_at_end']} at the end)"
            for n, r in sorted(runs.items(), key=lambda kv: int(kv[0]))
        )
        + ".",
        "",
        *[f"- `{r['command']}`" for _n, r in sorted(runs.items(), key=lambda kv: int(kv[0]))],
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["measure", "render"])
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--record", action="store_true", help="keep the run in bench/related.json")
    args = parser.parse_args(argv)
    if args.step == "render":
        runs = json.loads(RECORD.read_text(encoding="utf-8"))
        SECTION.write_text(render(runs), encoding="utf-8")
        print(SECTION)
        return 0
    if not (args.archive and args.index_dir):
        parser.error("measure needs --archive and --index-dir")
    if args.sample < 1 or args.rounds < 1:
        parser.error("--sample and --rounds must be at least 1")
    report = measure(args.archive, args.index_dir, args.sample, args.rounds, args.seed)
    print(json.dumps(report, indent=1))
    if args.record:
        runs = json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}
        runs[str(report["articles"])] = report
        RECORD.write_text(json.dumps(runs, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
