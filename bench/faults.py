"""Kill the indexer at random moments and check that nothing is lost or duplicated.

    python -m bench.faults [--runs 50] [--n 400] [--seed 1] [--keep DIR] [--record]
        [--scenarios build,update,rebuild,entities]

Each run starts a build (or an update after adding, changing and deleting
files, or a rebuild after those) in a child process, sends it SIGKILL after a
random delay, then opens the archive in this process, lets the next update
finish the work, and checks:
the index opens, every file is indexed exactly once, and a changed file shows
its new text. These runs are the text phase's (``update(entities=False)``), timed
as before the entity phase existed.

``entities`` (not run unless named): the child runs a whole update (text, then
entity phase) on a corpus with names (bench/gen_corpus.py's articles); it is
killed at a random moment of its entity phase (from its first progress report to
a little past the time an uninterrupted one takes), then ``update()`` here
finishes, and: the entity store's ``check()`` is [], it holds every live article
once and ``pending`` is empty, and the facets and every article's entities equal
those of a reference run without a kill (same corpus, fresh index).

Prints one line per run and a summary; exits 1 if any run lost or duplicated an
article. ``--record`` keeps the counts in bench/faults.json (``kill -9`` for the
text phase's scenarios, ``kill -9, entity phase`` for ``entities``).
"""

from __future__ import annotations

import argparse
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
import search.update.index
from search.api import Archive
search.update.index.COMMIT_EVERY = 60  # many commit points to be killed between and during
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
        table = archive._current.peek().table
        live = Counter(table.ids[d] for d in range(table.size) if table.live[d])
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


def run_scenarios(
    runs: int,
    n: int,
    seed: int,
    work: Path,
    log: bool = True,
    scenarios: tuple[str, ...] = SCENARIOS,
) -> list[Outcome]:
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
        scenario = scenarios[run % len(scenarios)]
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


# -- SIGKILL during the entity phase ---------------------------------------------------------

_ENTITY_CHILD = """
import sys
from search.api import Archive
archive = Archive.open(sys.argv[1], sys.argv[2])
def progress(p):
    if p.phase == "entities":
        print(p.done, p.total, flush=True)
archive.update(progress=progress)
print("end", flush=True)
"""
"""A whole update (both phases); one line per entity-phase progress report."""


@dataclass
class EntityRun:
    """One child's entity phase as its parent saw it."""

    phase_started: bool = False
    done_seen: int = 0
    """Articles the phase had committed by the last report before the kill."""
    total: int = 0
    finished: bool = False
    phase_s: float = 0.0
    """From the phase's first report to the child's end (uninterrupted runs)."""


def write_named_corpus(root: Path, count: int, seed: int) -> None:
    """bench/gen_corpus.py's articles (names, places, datelines), seven folders."""
    from bench import gen_corpus

    for i in range(count):
        folder = root / f"d{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"a{i}.txt").write_text(gen_corpus.build(seed, i)[0], encoding="utf-8")


def entity_child(root: Path, index: Path, kill_after: float | None) -> EntityRun:
    """Run ``_ENTITY_CHILD``; SIGKILL it (and its workers) ``kill_after`` seconds after its
    entity phase's first report, or let it finish (None)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-c", _ENTITY_CHILD, str(root), str(index)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def drain() -> None:
        assert child.stdout is not None
        for line in child.stdout:
            lines.put(line.strip())
        lines.put(None)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    seen = EntityRun()
    deadline: float | None = None
    started = 0.0
    try:
        while True:
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                break  # the moment to kill
            if line is None:
                break  # the child ended (or died)
            if line == "end":
                seen.finished = True
                seen.phase_s = time.monotonic() - started
                continue
            done, total = (int(x) for x in line.split())
            seen.done_seen, seen.total = done, total
            if not seen.phase_started:
                seen.phase_started = True
                started = time.monotonic()
                if kill_after is not None:
                    deadline = started + kill_after
    finally:
        if child.poll() is None and kill_after is not None:
            os.killpg(child.pid, signal.SIGKILL)  # the worker processes die too
        child.wait()
        reader.join(timeout=5)
    return seen


Snapshot = tuple[dict[str, dict[str, int]], dict[str, list[tuple[object, ...]]]]
"""(facets of the empty query, article id -> its entities)."""


def snapshot(root: Path, index: Path) -> Snapshot:
    """What a reader shows of the entities: facets over everything, each article's."""
    from search.api import Archive
    from search.model import SearchRequest

    with Archive.open(root, index) as archive:
        facets = archive.search(SearchRequest(limit=0, snippets=False)).facets.to_json()
        per_article: dict[str, list[tuple[object, ...]]] = {
            article_id: [
                (e.type, e.text, e.start, e.end, e.norm, e.role)
                for e in archive.article(article_id).entities
            ]
            for article_id in archive.ids()
        }
    return facets, per_article


def check_entities(
    root: Path, index: Path, delay: float, seen: EntityRun, reference: Snapshot
) -> Outcome:
    """Finish with ``update()`` here, then the store and the reader against the reference."""
    from whoosh import index as whoosh_index

    from search.api import Archive
    from search.errors import ArchiveError
    from search.store.entity_store import EntityStore
    from search.store.folder import IndexPaths
    from search.update.entity_phase import _articles, recogniser_name

    try:
        with Archive.open(root, index) as archive:
            report = archive.update()
            paths = IndexPaths(archive.index_dir)
            articles = len(archive)
    except ArchiveError as exc:
        return Outcome("entities", delay, False, 0, 0, 0, str(exc))
    problems: list[str] = []
    if report.entities_left:
        problems.append(f"entities_left={report.entities_left}")
    ix = whoosh_index.open_dir(str(paths.live))
    try:
        with ix.searcher() as searcher:
            _docnums, hashes = _articles(searcher.reader())
    finally:
        ix.close()
    with EntityStore.open(paths.entity_store, readonly=True) as store:
        problems += store.check()
        stats = store.stats()
        pending = store.pending(hashes, recogniser_name()[0])
        gone = store.gone(hashes)
    if len(hashes) != articles:
        problems.append(f"{len(hashes)} live documents for {articles} articles")
    facets, per_article = snapshot(root, index)
    ref_facets, ref_articles = reference
    differ = sum(facets[k] != ref_facets[k] for k in ref_facets)
    differ += sum(per_article.get(a) != ents for a, ents in ref_articles.items())
    differ += len(set(per_article) - set(ref_articles))
    if differ:
        bad = [k for k in ref_facets if facets[k] != ref_facets[k]]
        problems.append(f"differs from the reference: facets {bad}")
    return Outcome(
        "entities",
        delay,
        True,
        missing=len(pending),
        duplicated=max(0, stats.articles - articles) + len(gone),
        stale=differ,
        error="; ".join(problems)[:500],
    )


def run_entity_runs(runs: int, n: int, seed: int, work: Path, log: bool = True) -> list[Outcome]:
    """The ``entities`` scenario ``runs`` times on one corpus of ``n`` named articles."""
    rng = random.Random(seed)
    os.environ.setdefault("ARCHIVE_BROWSER_DATA_DIR", str(work / "data"))
    template = work / "template-entities"
    write_named_corpus(template, n, seed)
    ref_index = work / "reference-index"
    timing = entity_child(template, ref_index, None)
    if not timing.finished:
        raise RuntimeError("the reference update did not finish")
    reference = snapshot(template, ref_index)
    phase_s = timing.phase_s
    if log:
        print(
            f"corpus: {n} named articles; an uninterrupted entity phase takes {phase_s:.1f} s"
            f" (after its text phase)"
        )
    outcomes: list[Outcome] = []
    for run in range(runs):
        root = work / f"erun{run}"
        index = work / f"eindex{run}"
        shutil.copytree(template, root)
        delay = rng.uniform(0.0, phase_s * 1.1)
        seen = entity_child(root, index, delay)
        if not seen.phase_started:
            outcome = Outcome("entities", delay, False, 0, 0, 0, "the entity phase never began")
        else:
            outcome = check_entities(root, index, delay, seen, reference)
        outcomes.append(outcome)
        if log:
            state = "ok" if outcome.survived else "FAILED"
            when = "after it ended" if seen.finished else f"at {seen.done_seen}/{seen.total}"
            print(
                f"run {run:3} entities killed {outcome.killed_after_s:5.2f} s into the phase"
                f" ({when}): {state} missing={outcome.missing}"
                f" duplicated={outcome.duplicated} differ={outcome.stale} {outcome.error}"
            )
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(index, ignore_errors=True)
    return outcomes


def _rows(outcomes: list[Outcome], scenarios: tuple[str, ...], n: int) -> dict[str, Any]:
    rows = {}
    for scenario in scenarios:
        mine = [o for o in outcomes if o.scenario == scenario]
        if scenario == "entities":
            family = f"SIGKILL during the entity phase ({n} named articles)"
            counts = {
                "articles not done": sum(o.missing for o in mine),
                "done twice or gone": sum(o.duplicated for o in mine),
                "differ from a run without kill": sum(o.stale for o in mine),
                "store check failed or other error": sum(bool(o.error) for o in mine),
            }
        else:
            article = "an" if scenario[0] in "aeiou" else "a"
            family = f"SIGKILL during {article} {scenario} ({n} files)"
            counts = {
                "articles missing": sum(o.missing for o in mine),
                "duplicated": sum(o.duplicated for o in mine),
                "stale": sum(o.stale for o in mine),
            }
        rows[family] = {
            "tried": len(mine),
            "handled": sum(o.survived for o in mine),
            "lost": sum(not o.survived for o in mine),
            **counts,
        }
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Kill the indexer at random moments.")
    parser.add_argument("--runs", type=int, default=50, help="runs of each group (text, entities)")
    parser.add_argument("--n", type=int, default=400, help="files in the corpus")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    parser.add_argument("--record", action="store_true", help="write bench/faults.json")
    parser.add_argument(
        "--scenarios",
        default=",".join(SCENARIOS),
        help=f"comma-separated, of {', '.join((*SCENARIOS, 'entities'))}",
    )
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = set(chosen) - {*SCENARIOS, "entities"}
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    text = tuple(s for s in SCENARIOS if s in chosen)
    work = args.keep or Path(tempfile.mkdtemp(prefix="faults-"))
    work.mkdir(parents=True, exist_ok=True)
    groups: list[tuple[str, tuple[str, ...], list[Outcome], float]] = []
    try:
        if text:
            started = time.perf_counter()
            found = run_scenarios(args.runs, args.n, args.seed, work, scenarios=text)
            groups.append(("kill -9", text, found, time.perf_counter() - started))
        if "entities" in chosen:
            started = time.perf_counter()
            found = run_entity_runs(args.runs, args.n, args.seed, work)
            elapsed = time.perf_counter() - started
            groups.append(("kill -9, entity phase", ("entities",), found, elapsed))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    outcomes = [o for _, _, found, _ in groups for o in found]
    survived = sum(o.survived for o in outcomes)
    print(
        f"scenarios tried: {len(outcomes)}, survived: {survived}, "
        f"articles lost: {sum(o.missing for o in outcomes)}, "
        f"duplicated: {sum(o.duplicated for o in outcomes)}, "
        f"stale: {sum(o.stale for o in outcomes)}"
    )
    if args.record:
        from bench.fault_record import record

        for run, scenarios, found, elapsed in groups:
            how = f"python -m bench.faults --runs {args.runs} --n {args.n} --seed {args.seed}"
            if scenarios != SCENARIOS:
                how += f" --scenarios {','.join(scenarios)}"
            record(run, _rows(found, scenarios, args.n), how, elapsed)
    return 0 if survived == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
