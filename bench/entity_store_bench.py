"""The entity store (search/store/entity_store.py) on synthetic rows: speed, size, kill -9.

    python -m bench.entity_store_bench [--n 100000] [--mentions 15] [--batch 500] [--keep DIR]
    python -m bench.entity_store_bench --kills 30 [--n 3000]

The first form writes N articles of about M mentions each (people, organisations, places,
countries, dates drawn from fixed pools, Zipf-like, as in news) and prints the write rate,
the file size, the bulk reads a facet builder makes, ``pending()`` over N articles, a 1%
update and removal, and the machine (``nproc``, load). Figures are printed, never asserted.

``--kills K`` starts a writer child K times, SIGKILLs it at a random moment of its
``replace_many`` loop, and checks the store after each kill (`check_store`): integrity, no
batch half-written, no mention of an article not done, nothing reported committed lost,
``pending()`` exactly the rest. tests/search/test_entity_store.py runs a few of these.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from search.model import Entity, EntityType
from search.store.entity_store import FILE_NAME, EntityStore

ROOT = Path(__file__).resolve().parents[1]

_POOL_SIZES: dict[EntityType, int] = {
    "PERSON": 30_000,
    "ORG": 8_000,
    "PLACE": 6_000,
    "COUNTRY": 250,
    "DATE": 4_000,
}
_TYPE_WEIGHTS: list[tuple[EntityType, float]] = [
    ("PERSON", 0.35),
    ("ORG", 0.2),
    ("PLACE", 0.15),
    ("COUNTRY", 0.2),
    ("DATE", 0.1),
]


def article_ids(n: int) -> list[str]:
    """Ids like an archive's: folders of 1,000, some with escaped bytes (see search/ids.py)."""
    out = []
    for i in range(n):
        odd = "\U0010ff80\U0010ffff" if i % 7 == 0 else ""
        out.append(f"{2000 + i // 1000}/art-{i:06d}{odd} 'q'.txt")
    return out


def _norm(kind: EntityType, j: int) -> tuple[str, str]:
    """(norm, surface text) of pool member j."""
    if kind == "PERSON":
        return f"Person{j} Surname{j % 977}", f"Surname{j % 977}" if j % 3 else f"Person{j}"
    if kind == "ORG":
        return f"Organisation {j}", f"Org {j}"
    if kind == "PLACE":
        return f"Place{j}", f"Place{j}"
    if kind == "COUNTRY":
        return f"C{j:03d}", f"Country {j}"
    return f"2004-{1 + j % 12:02d}-{1 + j % 28:02d}", f"{1 + j % 28} March"


def synthetic_entities(article_id: str, recogniser: str, mentions: int) -> list[Entity]:
    """The mentions a recogniser "finds" in an article: the same every time it is asked."""
    rng = random.Random(f"{article_id}|{recogniser}")
    count = max(0, int(rng.gauss(mentions, mentions / 3)))
    out = []
    pos = 0
    kinds = [k for k, _ in _TYPE_WEIGHTS]
    weights = [w for _, w in _TYPE_WEIGHTS]
    for kind in rng.choices(kinds, weights, k=count):
        # A few very frequent names, a long tail of rare ones.
        j = int(_POOL_SIZES[kind] * rng.random() ** 3)
        norm, text = _norm(kind, j)
        pos += rng.randint(2, 60)
        role = "Minister" if kind == "PERSON" and j % 11 == 0 else None
        country = f"C{j % 250:03d}" if kind in ("PLACE", "ORG") else None
        out.append(Entity(kind, text, pos, pos + len(text), norm, role, country))
        pos += len(text)
    return out


# ---------------------------------------------------------------------------------------------
# Speed and size


def _machine() -> dict[str, object]:
    load = os.getloadavg()
    return {"nproc": os.cpu_count(), "load_1_5_15": [round(x, 2) for x in load]}


def measure(n: int, mentions: int, batch: int, folder: Path) -> dict[str, object]:
    path = folder / FILE_NAME
    ids = article_ids(n)
    rec = "spacy-sm-3.8.0+rules-5"
    t0 = time.perf_counter()
    work = [(a, f"h{a}", synthetic_entities(a, rec, mentions)) for a in ids]
    gen_s = time.perf_counter() - t0
    total_mentions = sum(len(e) for _, _, e in work)

    t0 = time.perf_counter()
    with EntityStore.open(path) as store:
        for i in range(0, n, batch):
            store.replace_many(work[i : i + batch], rec)
    write_s = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in folder.iterdir() if p.name.startswith(FILE_NAME))

    results: dict[str, object] = {
        "n": n,
        "mentions": total_mentions,
        "batch": batch,
        "generate_s": round(gen_s, 2),
        "write_s": round(write_s, 2),
        "write_articles_per_s": round(n / write_s),
        "write_mentions_per_s": round(total_mentions / write_s),
        "db_mb": round(size / 1e6, 1),
    }

    def timed(name: str, fn: object, repeat: int = 3) -> object:
        best = float("inf")
        value: object = None
        for _ in range(repeat):
            t = time.perf_counter()
            value = fn()  # type: ignore[operator]
            best = min(best, time.perf_counter() - t)
        results[name] = round(best, 3)
        return value

    t0 = time.perf_counter()
    store = EntityStore.open(path, readonly=True)
    results["open_s"] = round(time.perf_counter() - t0, 4)
    rows = timed("facet_rows_all_s", store.facet_rows)
    timed("facet_rows_person_s", lambda: store.facet_rows("PERSON"))
    timed("entities_person_s", lambda: store.entities("PERSON"))
    timed("entities_all_s", store.entities)

    def both() -> None:
        with store.reading():
            store.facet_tables(["PERSON", "ORG", "PLACE", "COUNTRY"])
            store.entities()

    timed("facet_tables_4_types_and_names_s", both)
    results["facet_entity_refs"] = len(rows.entity_ids)  # type: ignore[attr-defined]

    def raw_mentions() -> int:
        # What reading one row per mention would cost (why the store keeps a packed copy).
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            got = conn.execute("SELECT article_key, entity_id FROM mentions").fetchall()
        finally:
            conn.close()
        return len(got)

    timed("raw_mention_rows_s", raw_mentions, repeat=1)
    mapping = {a: f"h{a}" for a in ids}
    for a in random.Random(1).sample(ids, n // 100):
        mapping[a] = "changed"
    todo = timed("pending_s", lambda: store.pending(mapping, rec))
    results["pending_count"] = len(todo)  # type: ignore[arg-type]
    sample = random.Random(2).sample(ids, min(1000, n))
    t = time.perf_counter()
    for a in sample:
        store.mentions(a)
    results["mentions_one_article_ms"] = round((time.perf_counter() - t) / len(sample) * 1e3, 3)
    timed("stats_s", store.stats, repeat=1)
    timed("quick_check_s", lambda: store.check(quick=True), repeat=1)
    timed("check_s", store.check, repeat=1)
    store.close()

    with EntityStore.open(path) as store:
        redo = [(a, "changed", synthetic_entities(a, "rules-6", mentions)) for a in todo]  # type: ignore[union-attr]
        t = time.perf_counter()
        for i in range(0, len(redo), batch):
            store.replace_many(redo[i : i + batch], "rules-6")
        results["replace_1pct_s"] = round(time.perf_counter() - t, 3)
        gone = random.Random(3).sample(ids, n // 100)
        t = time.perf_counter()
        store.remove_articles(gone)
        results["remove_1pct_s"] = round(time.perf_counter() - t, 3)
        results["stats"] = asdict(store.stats())
    results.update(_machine())
    return results


# ---------------------------------------------------------------------------------------------
# Kill -9


@dataclass
class KillOutcome:
    recogniser: str
    killed_after_s: float
    finished: bool
    reported: int
    """Articles the child said were committed (of this recogniser) before it died."""
    done: int
    """Articles of this recogniser in the store afterwards."""
    problems: list[str]


def child_main(path: Path, n: int, batch: int, recogniser: str, mentions: int) -> None:
    """The writer: resume the phase for ``recogniser``, printing progress after each commit."""
    ids = article_ids(n)
    with EntityStore.open(path, discard_damaged=True) as store:
        todo = store.pending({a: f"h{a}" for a in ids}, recogniser)
        done = n - len(todo)
        print("ready", done, flush=True)
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            store.replace_many(
                [(a, f"h{a}", synthetic_entities(a, recogniser, mentions)) for a in chunk],
                recogniser,
            )
            done += len(chunk)
            print(done, flush=True)
    print("finished", flush=True)


def check_store(
    path: Path, n: int, batch: int, recogniser: str, mentions: int, reported: int
) -> tuple[int, list[str]]:
    """(articles done by ``recogniser``, problems) after a writer of it was killed."""
    problems: list[str] = []
    ids = article_ids(n)
    with EntityStore.open(path, readonly=True) as store:
        problems += [f"check: {p}" for p in store.check()]
        todo = store.pending({a: f"h{a}" for a in ids}, recogniser)
        done_ids = [a for a in ids if a not in set(todo)]
        k = len(done_ids)
        if done_ids != ids[:k]:
            problems.append("done articles are not a prefix of the writer's order")
        if k % batch and k != n:
            problems.append(f"{k} done: a batch of {batch} was half committed")
        if k < reported:
            problems.append(f"lost: {reported} reported committed, {k} in the store")
        if k > reported + batch:
            problems.append(f"{k} done but only {reported} reported (+ one batch)")
        expected_mentions = 0
        for a in ids:
            state = store.done(a)
            got = store.mentions(a)
            if state is None:
                if got:
                    problems.append(f"{a!r}: mentions without being done")
                continue
            want = synthetic_entities(a, state[1], mentions)
            expected_mentions += len(want)
            if got != sorted(want, key=lambda e: (e.start, e.end)):
                problems.append(f"{a!r}: mentions differ from {state[1]}'s")
        stats = store.stats()
        if stats.mentions != expected_mentions:
            problems.append(f"{stats.mentions} mention rows, {expected_mentions} expected")
        rows = store.facet_rows()
        used = {int(x) for x in rows.entity_ids}
        known = set(store.entities())
        if used != known:
            problems.append(f"{len(known - used)} identities without mentions")
    return k, problems


def kill_runs(
    folder: Path,
    runs: int,
    *,
    n: int = 3000,
    batch: int = 50,
    mentions: int = 8,
    seed: int = 1,
    max_delay_s: float = 0.4,
    budget_s: float | None = None,
) -> list[KillOutcome]:
    """SIGKILL a writer child ``runs`` times (or until ``budget_s``); check after each."""
    rng = random.Random(seed)
    path = folder / FILE_NAME
    recognisers = ["rules-5", "spacy-sm-3.8.0+rules-5"]
    current = 0
    outcomes: list[KillOutcome] = []
    start = time.monotonic()
    for _ in range(runs):
        if budget_s is not None and time.monotonic() - start > budget_s:
            break
        rec = recognisers[current % 2]
        child = subprocess.Popen(
            [
                *(sys.executable, "-m", "bench.entity_store_bench", "--child", str(path)),
                *("--n", str(n), "--batch", str(batch), "--mentions", str(mentions)),
                *("--recogniser", rec),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        first = child.stdout.readline().split()
        reported = int(first[1]) if first[:1] == ["ready"] else 0
        delay = rng.uniform(0, max_delay_s)
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        lines = out.split()
        finished = "finished" in lines
        numbers = [int(x) for x in lines if x.isdigit()]
        if numbers:
            reported = numbers[-1]
        done, problems = check_store(path, n, batch, rec, mentions, reported)
        if first[:1] != ["ready"]:
            problems.append(f"child did not start: {first}")
        outcomes.append(KillOutcome(rec, round(delay, 3), finished, reported, done, problems))
        if done == n:
            current += 1
    return outcomes


# ---------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=15)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="write the store here and keep it")
    parser.add_argument("--kills", type=int, default=0, help="kill -9 runs instead of speed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--recogniser", default="rules-5", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        child_main(args.child, args.n, args.batch, args.recogniser, args.mentions)
        return 0

    folder = args.keep or Path(tempfile.mkdtemp(prefix="entity-store-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        if args.kills:
            n = args.n if args.n != 100_000 else 3000
            batch = args.batch if args.batch != 500 else 50
            outcomes = kill_runs(folder, args.kills, n=n, batch=batch, mentions=8, seed=args.seed)
            bad = 0
            for o in outcomes:
                bad += bool(o.problems)
                print(
                    f"{o.recogniser:24} killed after {o.killed_after_s:5.3f}s "
                    f"reported {o.reported:5} done {o.done:5} "
                    f"{'finished ' if o.finished else ''}{'; '.join(o.problems) or 'ok'}"
                )
            print(f"{len(outcomes)} kills, {bad} with problems", _machine())
            return 1 if bad else 0
        results = measure(args.n, args.mentions, args.batch, folder)
        if args.json:
            print(json.dumps(results))
        else:
            for key, value in results.items():
                print(f"{key:28} {value}")
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
