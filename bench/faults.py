"""Kill the indexer at random moments and check that nothing is lost or duplicated.

    python -m bench.faults [--runs 50] [--n 400] [--seed 1] [--keep DIR] [--record]

Each run starts a build (or an update after adding, changing and deleting
files, or a rebuild after those) in a child process, sends it SIGKILL after a
random delay, then opens the archive in this process, lets the next update
finish the work, and checks:
the index opens, every file is indexed exactly once, and a changed file shows
its new text. Prints one line per run and a summary; exits 1 if any run lost
or duplicated an article.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    scenario: str
    killed_after_s: float
    opened: bool
    missing: int
    duplicated: int
    stale: int
    error: str = ""

    @property
    def survived(self) -> bool:
        return self.opened and not (self.missing or self.duplicated or self.stale or self.error)


def write_corpus(root: Path, count: int, rng: random.Random) -> None:
    countries = ["Chile", "Peru", "Japan", "Kenya", "France", "Laos", "Brazil", "Egypt"]
    for i in range(count):
        folder = root / f"d{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        a, b = rng.sample(countries, 2)
        words = " ".join(
            rng.choice(
                [
                    "trade",
                    "talks",
                    "visit",
                    "minister",
                    "cooperation",
                    "agreement",
                    "summit",
                    "economy",
                ]
            )
            for _ in range(300)
        )
        text = f"{a} and {b} report {i}\n\nThe {a} and {b} delegations met. Marker{i}. {words}.\n"
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")


def expected_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*.txt")}


_CHILD = """
import sys
import search.index
from search.api import Archive
search.index.COMMIT_EVERY = 60  # many commit points to be killed between and during
archive = Archive.open(sys.argv[1], sys.argv[2])
archive.update(rebuild=sys.argv[3] == "rebuild", entities=False)
"""


def run_child_and_kill(root: Path, index: Path, delay: float, how: str = "update") -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(root), str(index), how],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the worker processes die too
        child.wait()


def check(root: Path, index: Path, scenario: str, delay: float, changed: dict[str, str]) -> Outcome:
    from search.api import Archive
    from search.errors import ArchiveError
    from search.model import SearchRequest

    try:
        archive = Archive.open(root, index)
    except ArchiveError as exc:
        return Outcome(scenario, delay, False, 0, 0, 0, str(exc))
    try:
        archive.update(entities=False)  # these scenarios are the text phase's
        result = archive.search(SearchRequest(limit=0, snippets=False))
        ids = archive.ids()
        live = Counter(
            archive._table.ids[d] for d in range(archive._table.size) if archive._table.live[d]
        )
        want = expected_files(root)
        stale = sum(
            1
            for article_id, marker in changed.items()
            if marker not in archive.article(article_id).body
        )
        return Outcome(
            scenario,
            delay,
            True,
            missing=len(want - set(ids)),
            duplicated=sum(c - 1 for c in live.values() if c > 1)
            + max(0, result.total - len(want)),
            stale=stale,
        )
    except ArchiveError as exc:
        return Outcome(scenario, delay, True, 0, 0, 0, str(exc))
    finally:
        archive.close()


def change_files(root: Path, rng: random.Random, count: int) -> dict[str, str]:
    """Edit, add and delete files; return id -> a word each edited/added file must show."""
    files = sorted(expected_files(root))
    changed: dict[str, str] = {}
    for article_id in rng.sample(files, min(count, len(files))):
        marker = f"Edited{rng.randrange(10**9)}"
        path = root / article_id
        path.write_text(path.read_text(encoding="utf-8") + f"\n{marker} again.\n", encoding="utf-8")
        changed[article_id] = marker
    for article_id in rng.sample(
        [f for f in files if f not in changed], min(count, len(files) // 4)
    ):
        (root / article_id).unlink()
    for i in range(count):
        marker = f"Added{rng.randrange(10**9)}"
        path = root / "new" / f"n{i}-{marker}.txt"
        path.parent.mkdir(exist_ok=True)
        path.write_text(f"New report {i}\n\nChile news. {marker} here.\n", encoding="utf-8")
        changed[path.relative_to(root).as_posix()] = marker
    return changed


def full_build_seconds(root: Path, work: Path) -> float:
    index = work / "timing-index"
    started = time.perf_counter()
    run_child_and_kill(root, index, delay=3600)
    elapsed = time.perf_counter() - started
    shutil.rmtree(index, ignore_errors=True)
    return elapsed


SCENARIOS = ("build", "update", "rebuild")
"""Killed while building from nothing, while updating after edits, adds and deletes,
and while rebuilding (up to and through the swap of the new index)."""


def run_scenarios(runs: int, n: int, seed: int, work: Path, log: bool = True) -> list[Outcome]:
    rng = random.Random(seed)
    os.environ.setdefault("ARCHIVE_BROWSER_DATA_DIR", str(work / "data"))
    template = work / "template"
    write_corpus(template, n, rng)
    build_s = full_build_seconds(template, work)
    if log:
        print(f"corpus: {n} files; an uninterrupted build takes {build_s:.1f} s")
    outcomes: list[Outcome] = []
    for run in range(runs):
        root = work / f"run{run}"
        index = work / f"index{run}"
        shutil.copytree(template, root)
        delay = rng.uniform(0.05, build_s)
        scenario = SCENARIOS[run % len(SCENARIOS)]
        if scenario == "build":
            run_child_and_kill(root, index, delay)
            outcome = check(root, index, scenario, delay, {})
        else:
            run_child_and_kill(root, index, delay=3600)  # a complete index first
            changed = change_files(root, rng, max(3, n // 20))
            # an update reads only the changes; a rebuild everything, swap included
            delay = delay * 0.5 if scenario == "update" else delay * 1.1
            run_child_and_kill(root, index, delay, how=scenario)
            outcome = check(root, index, scenario, delay, changed)
        outcomes.append(outcome)
        if log:
            state = "ok" if outcome.survived else "FAILED"
            print(
                f"run {run:3} {scenario:6} killed after {outcome.killed_after_s:5.2f} s: {state}"
                f" missing={outcome.missing} duplicated={outcome.duplicated}"
                f" stale={outcome.stale} {outcome.error}"
            )
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kill the indexer at random moments.")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--n", type=int, default=400, help="files in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    parser.add_argument("--record", action="store_true", help="write bench/faults.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="faults-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        outcomes = run_scenarios(args.runs, args.n, args.seed, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    survived = sum(o.survived for o in outcomes)
    lost = sum(o.missing for o in outcomes)
    duplicated = sum(o.duplicated for o in outcomes)
    stale = sum(o.stale for o in outcomes)
    print(
        f"scenarios tried: {len(outcomes)}, survived: {survived}, "
        f"articles lost: {lost}, duplicated: {duplicated}, stale: {stale}"
    )
    if args.record:
        from bench.fault_record import record

        rows = {}
        for scenario in SCENARIOS:
            mine = [o for o in outcomes if o.scenario == scenario]
            article = "an" if scenario[0] in "aeiou" else "a"
            rows[f"SIGKILL during {article} {scenario} ({args.n} files)"] = {
                "tried": len(mine),
                "handled": sum(o.survived for o in mine),
                "lost": sum(not o.survived for o in mine),
                "articles missing": sum(o.missing for o in mine),
                "duplicated": sum(o.duplicated for o in mine),
                "stale": sum(o.stale for o in mine),
            }
        how = f"python -m bench.faults --runs {args.runs} --n {args.n} --seed {args.seed}"
        record("kill -9", rows, how, time.perf_counter() - started)
    return 0 if survived == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
