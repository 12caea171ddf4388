"""Queries that used to hang or fail, timed against an existing index.

    python -m bench.hostile_queries --archive CORPUS --index-dir INDEX [--random 1000]

Runs wide fuzzy words (``~9``), a hundred infix wildcards, two hundred ``?``-prefixed
patterns, a few other wide ones, then random byte strings decoded as a terminal would
(UTF-8 with surrogate escapes, and Latin-1). Prints per case the seconds and hits of
``Archive.search`` (with snippets) and of ``Archive.hit_spans``, then
"tried N, answered within 1 s M, exceptions K". Nothing is written anywhere.

Why a script and not a test: the figures only mean something at 10^4–10^5 articles.
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from search.api import Archive
from search.model import SearchRequest

WITHIN_S = 1.0
SPANS_TEXT = (
    "The government and the international community discussed the internationalisation "
    "of trade, cooperation and consultations."
)


@dataclass(slots=True)
class Outcome:
    name: str
    seconds: float
    hits: int
    spans_seconds: float
    notice: str
    error: str = ""

    @property
    def answered(self) -> bool:
        return not self.error and self.seconds <= WITHIN_S


def _pairs() -> list[str]:
    return ["".join(p) for p in itertools.product(string.ascii_lowercase, repeat=2)]


def named_cases() -> list[tuple[str, str]]:
    pairs = _pairs()
    infix = " ".join(f"*{p}*" for p in pairs[::7][:100])
    question = " ".join(f"?{p}*" for p in pairs[3::3][:200])
    common_prefixes = " OR ".join(
        f"{stem}{a}" for stem in ("con", "pro", "com", "pre", "int") for a in string.ascii_lowercase
    )
    return [
        ("government~2", "government~2"),
        ("government~5", "government~5"),
        ("government~9", "government~9"),
        ("international~9", "international~9"),
        ("internationalisation~9", "internationalisation~9"),
        (f"100 infix wildcards ({len(infix)} chars)", infix),
        ("100 infix wildcards, OR", infix.replace(" ", " OR ")),
        (f"200 ?-prefixed patterns ({len(question)} chars)", question),
        ("*a*", "*a*"),
        ("*e* OR *i* OR *o*", "*e* OR *i* OR *o*"),
        ("130 plain words on 5 common prefixes", common_prefixes),
        ("lone surrogate wildcard", "\udcff*"),
        ("lone surrogate fuzzy", "gov\udcff~2"),
    ]


def random_cases(count: int, seed: int) -> list[tuple[str, str]]:
    """Random bytes as argv or a Latin-1 terminal would hand them over."""
    rng = random.Random(seed)
    cases = []
    for i in range(count):
        raw = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 61)))
        if i % 2:
            cases.append((f"random latin-1 #{i}", raw.decode("latin-1")))
        else:
            cases.append((f"random surrogateescape #{i}", raw.decode("utf-8", "surrogateescape")))
    return cases


def run_one(archive: Archive, name: str, text: str) -> Outcome:
    started = time.perf_counter()
    try:
        result = archive.search(SearchRequest(text=text, limit=20))
        seconds = time.perf_counter() - started
        spans_started = time.perf_counter()
        archive.hit_spans(SPANS_TEXT, text)
        spans = time.perf_counter() - spans_started
    except Exception as exc:  # what this script counts
        traceback.print_exc(file=sys.stderr)
        return Outcome(name, time.perf_counter() - started, 0, 0.0, "", repr(exc)[:200])
    return Outcome(name, seconds, result.total, spans, result.notice or "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.hostile_queries", description=__doc__)
    ap.add_argument("--archive", type=Path, required=True, help="the corpus folder")
    ap.add_argument("--index-dir", type=Path, required=True, help="its built index")
    ap.add_argument("--random", type=int, default=1000, help="random byte queries")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--record", action="store_true", help="write bench/faults.json")
    args = ap.parse_args(argv)

    opened = time.perf_counter()
    archive = Archive.open(args.archive, args.index_dir)
    print(f"{len(archive)} articles, opened in {time.perf_counter() - opened:.2f} s")
    outcomes: list[Outcome] = []
    with archive:
        for name, text in named_cases():
            outcome = run_one(archive, name, text)
            outcomes.append(outcome)
            cut = " [cut]" if "cut" in outcome.notice else ""
            capped = (
                " [capped]" if "at most" in outcome.notice and "edits" in outcome.notice else ""
            )
            state = (
                f"ERROR {outcome.error}" if outcome.error else f"{outcome.hits} hits{capped}{cut}"
            )
            print(
                f"{outcome.seconds:7.3f} s  spans {outcome.spans_seconds:6.3f} s  {name}: {state}"
            )
        randoms = [
            run_one(archive, name, text) for name, text in random_cases(args.random, args.seed)
        ]
    outcomes.extend(randoms)
    if randoms:
        times = sorted(o.seconds for o in randoms)
        print(
            f"{len(randoms)} random byte queries: median {times[len(times) // 2] * 1000:.1f} ms, "
            f"max {times[-1] * 1000:.1f} ms, with hits {sum(1 for o in randoms if o.hits)}, "
            f"errors {sum(1 for o in randoms if o.error)}"
        )
        for o in sorted(randoms, key=lambda o: -o.seconds)[:3]:
            print(f"  slowest: {o.seconds * 1000:.1f} ms  {o.name}  {o.error or f'{o.hits} hits'}")
    answered = sum(1 for o in outcomes if o.answered)
    exceptions = sum(1 for o in outcomes if o.error)
    print(f"tried {len(outcomes)}, answered within 1 s {answered}, exceptions {exceptions}")
    if args.record:
        from bench.fault_record import record

        slowest = max(o.seconds for o in outcomes)
        row = {
            "tried": len(outcomes),
            "handled": answered,
            "lost": len(outcomes) - answered,
            "exceptions": exceptions,
            "slowest s": round(slowest, 3),
        }
        how = f"python -m bench.hostile_queries --random {args.random} --seed {args.seed}"
        record(
            f"hostile queries, {len(archive):,} articles",
            {"wide fuzzy words, hundreds of patterns, random bytes": row},
            how,
            time.perf_counter() - opened,
        )
    return 0 if exceptions == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
