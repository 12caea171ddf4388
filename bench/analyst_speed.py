"""The analyst's views and corrections, timed on a built index (issue #13's targets).

    python -m bench.analyst_speed --archive CORPUS --index-dir INDEX [--rounds 3]

Opens the index as it is (no update), then times, each call alone, warm after one call:
``entity_page`` for the 20 most named people, 10 organisations and 10 countries and for
20 rarely named people; ``cooccurrence`` and ``country_pairs`` (also with the top country
pinned) for a mix of searches; ``correct`` (a rename) and ``undo_correction`` of it, each
including the re-laid columns. Prints p50 / p95 / max in ms per kind, with N, ``nproc``
and the load average, as JSON on stdout. Corrections are written to the index folder's
entity store and taken back; use a copy of an index you care about.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.api import Archive  # noqa: E402
from search.model import SearchRequest  # noqa: E402

SEARCHES = ("", "minister", "trade AND cooperation", '"foreign ministry"', "vietnam", "summit")


def timed(calls: Sequence[Callable[[], object]], rounds: int) -> dict[str, float]:
    times: list[float] = []
    for call in calls:
        call()  # warm: first reads of columns and caches
        for _ in range(rounds):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
        "max_ms": round(times[-1], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--index-dir", type=Path)
    parser.add_argument("--render", type=Path, help="print the RESULTS.md section of a run's JSON")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.render:
        print(render(json.loads(args.render.read_text("utf-8")), args.render))
        return 0
    if not (args.archive and args.index_dir):
        parser.error("--archive and --index-dir are needed (or --render FILE)")
    rng = random.Random(args.seed)
    load = os.getloadavg()
    with Archive.open(args.archive, args.index_dir) as archive:
        articles = len(archive)
        people = archive.entities("PERSON")
        orgs = archive.entities("ORG")
        countries = archive.search(SearchRequest("")).facets.country
        rare = [e for e in people if e.articles <= 3]
        chosen = people[:20] + orgs[:10] + rng.sample(rare, min(20, len(rare)))
        wanted = [(e.type, e.name) for e in chosen] + [("COUNTRY", c) for c in list(countries)[:10]]
        pages: list[Callable[[], object]] = [
            partial(archive.entity_page, kind, name) for kind, name in wanted
        ]
        requests = [SearchRequest(text) for text in SEARCHES]
        top_country = next(iter(countries), None)
        graph: list[Callable[[], object]] = [partial(archive.cooccurrence, r) for r in requests]
        pairs: list[Callable[[], object]] = [partial(archive.country_pairs, r) for r in requests]
        pinned: list[Callable[[], object]] = [
            partial(archive.country_pairs, r, pinned=top_country) for r in requests
        ]
        results = {
            "entity_page": timed(pages, args.rounds),
            "cooccurrence": timed(graph, args.rounds),
            "country_pairs": timed(pairs, args.rounds),
            "country_pairs_pinned": timed(pinned, args.rounds),
        }
        corrections: list[float] = []
        undos: list[float] = []
        for entity in people[: 5 * args.rounds]:
            started = time.perf_counter()
            made = archive.correct(
                "rename", {"type": "PERSON", "name": entity.name, "new_name": entity.name + " X"}
            )
            corrections.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            archive.undo_correction(made.correction_id)
            undos.append((time.perf_counter() - started) * 1000)
        for name, times in (("correct", corrections), ("undo", undos)):
            times.sort()
            results[name] = {
                "n": len(times),
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                "max_ms": round(times[-1], 2),
            }
    report = {
        "command": " ".join(sys.argv),
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "articles": articles,
        "people": len(people),
        "orgs": len(orgs),
        "nproc": os.cpu_count(),
        "load_at_start": [round(x, 2) for x in load],
        "load_at_end": [round(x, 2) for x in os.getloadavg()],
        "results": results,
    }
    print(json.dumps(report, indent=2))
    return 0


LABELS = {
    "entity_page": "entity page (20 top people, 10 organisations, 10 countries, 20 rare people)",
    "cooccurrence": "who appears with whom, 6 searches",
    "country_pairs": "country pairs by month, 6 searches",
    "country_pairs_pinned": "the same, top country pinned",
    "correct": "a correction (rename), applied",
    "undo": "its undo, applied",
}


def render(report: dict[str, object], source: Path) -> str:
    """The RESULTS.md section, from one run's JSON only."""
    results = report["results"]
    assert isinstance(results, dict)
    lines = [
        "## Analyst's views (issue #13)",
        "",
        f"Written from {source} (`python -m bench.analyst_speed --render`): one run, "
        f"{report['articles']:,} articles ({report['people']:,} people, {report['orgs']:,} "
        f"organisations), nproc {report['nproc']}, load {report['load_at_start']} at the start,"
        f" {report['load_at_end']} at the end. Each call alone, warm, timed with the re-laid "
        "columns. Target: p95 ≤ 200 ms for the views, ≤ 100 ms for a correction.",
        "",
        "| call | N | p50 ms | p95 ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for key, label in LABELS.items():
        row = results[key]
        lines.append(
            f"| {label} | {row['n']} | {row['p50_ms']} | {row['p95_ms']} | {row['max_ms']} |"
        )
    lines += ["", f"- `{report.get('command', '')}`, {report.get('when', '')}."]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
