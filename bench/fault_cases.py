"""Random fault cases: file names, folder shapes and damage to the index folder.

    python -m bench.fault_cases [--cases 1000] [--seed 1]

Each case is built from a seed, run with a time limit, and ends as one of:
handled (indexed, found, or damage detected and a rebuild restored every
article), lost (an article missing or wrong), hung, or error (an exception
that is not a typed user-facing error). tests/search/test_fault_properties.py
runs the same cases under hypothesis, bounded for CI.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from search.api import Archive
from search.errors import IndexDamaged
from search.ids import id_from_os
from search.model import SearchRequest
from search.update.scan import MAX_DEPTH

T = TypeVar("T")
TEXT = "Report\nChilean and Peruvian envoys met about trade."
LIMIT_S = 60.0


class Hung(Exception):
    pass


def within(seconds: float, work: Callable[[], T]) -> T:
    """Run ``work`` in a thread; raise `Hung` if it is still running after ``seconds``."""
    out: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as exc:  # handed back to the caller
            errors.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Hung(f"still running after {seconds} s")
    if errors:
        raise errors[0]
    return out[0]


# --- file names -------------------------------------------------------------------


def random_name(rng: random.Random) -> bytes:
    """1-40 random bytes, never a separator, NUL or a leading dot."""
    raw = bytes(rng.randrange(1, 256) for _ in range(rng.randint(1, 40)))
    return raw.replace(b"/", b"_").lstrip(b".") or b"x"


def names_case(work: Path, names: list[bytes]) -> str:
    """Index files with these names: each must be indexed, found and read back."""
    root = work / "arch"
    root.mkdir()
    for name in names:
        with open(os.path.join(os.fsencode(root), name + b".txt"), "wb") as f:
            f.write(TEXT.encode())
    expected = sorted({id_from_os(os.fsdecode(n + b".txt")) for n in names})
    with Archive.open(root, work / "index") as archive:
        within(LIMIT_S, archive.update)
        if archive.ids() != expected:
            return "lost"
        if archive.search(SearchRequest(text="peruvian")).total != len(expected):
            return "lost"
        for article_id in expected:
            if archive.article(article_id).title != "Report":
                return "lost"
            if not archive.path_of(article_id).is_file():
                return "lost"
    return "handled"


# --- folder shapes ------------------------------------------------------------------

KINDS = ("file", "folder", "fifo", "loop", "outside", "dangling", "deep")


def random_shape(rng: random.Random) -> list[tuple[str, int]]:
    return [(rng.choice(KINDS), rng.randrange(4)) for _ in range(rng.randint(1, 12))]


def shape_case(work: Path, shape: list[tuple[str, int]]) -> str:
    """Build a folder of files, folders, FIFOs, link loops, links out and too-deep chains:
    every reachable article is indexed, every odd entry reported, nothing hangs."""
    root = work / "arch"
    root.mkdir()
    (work / "outside.txt").write_text(TEXT)
    folders = [root]
    expected: set[str] = set()
    for n, (kind, where) in enumerate(shape):
        parent = folders[where % len(folders)]
        rel = parent.relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        if kind == "file":
            (parent / f"a{n}.txt").write_text(TEXT)
            expected.add(f"{prefix}a{n}.txt")
        elif kind == "folder":
            (parent / f"f{n}").mkdir()
            folders.append(parent / f"f{n}")
        elif kind == "fifo":
            os.mkfifo(parent / f"p{n}.txt")
        elif kind == "loop":
            (parent / f"l{n}").symlink_to(parent)
        elif kind == "outside":
            (parent / f"o{n}.txt").symlink_to(work / "outside.txt")
        elif kind == "dangling":
            (parent / f"x{n}.txt").symlink_to(work / "nowhere.txt")
        else:  # deeper than the walk goes, with an article at its bottom
            deep = parent.joinpath(*[f"d{n}"] * (MAX_DEPTH + 2))
            deep.mkdir(parents=True)
            (deep / "bottom.txt").write_text(TEXT)
    with Archive.open(root, work / "index") as archive:
        report = within(LIMIT_S, archive.update)
        if set(archive.ids()) != expected:
            return "lost"
        reported = {s.id for s in report.skipped}
        for n, (kind, _) in enumerate(shape):
            odd = kind in ("fifo", "outside", "dangling")
            if odd and not any(r.endswith(f"{n}.txt") for r in reported):
                return "lost"
            if kind == "deep" and not any("nested" in s.reason for s in report.skipped):
                return "lost"
        if archive.search(SearchRequest(text="chilean")).total != len(expected):
            return "lost"
    return "handled"


# --- damage to the index folder -------------------------------------------------------

WORDS = ["economy", "market", "trade", "summit", "budget", "energy", "police", "health"]
DAMAGE_ARTICLES = 60


def build_template(work: Path) -> tuple[Path, Path]:
    """An archive and its index, copied before each damage."""
    root = work / "arch"
    root.mkdir()
    for i in range(DAMAGE_ARTICLES):
        body = " ".join(WORDS[(i * 7 + j) % 8] for j in range(80))
        (root / f"f{i}.txt").write_text(f"Title {i}\nChilean news {i}. {body}", encoding="utf-8")
    index = work / "index"
    with Archive.open(root, index) as archive:
        archive.update()
    return root, index


def damage(index: Path, rng: random.Random) -> str:
    """Damage one file of the index folder at random; says what was done."""
    files = sorted(p for p in index.rglob("*") if p.is_file())
    target = rng.choice(files)
    data = target.read_bytes()
    how = rng.choice(["truncate", "flip", "zero", "garbage", "delete", "fifo", "folder"])
    if how == "truncate":
        target.write_bytes(data[: rng.randrange(len(data) + 1)])
    elif how == "flip":
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 64)):
            if damaged:
                damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(damaged))
    elif how == "zero" and data:
        start = rng.randrange(len(data))
        target.write_bytes(
            data[:start] + bytes(min(4096, len(data) - start)) + data[start + 4096 :]
        )
    elif how == "garbage":
        target.write_bytes(rng.randbytes(rng.randint(0, 300)))
    elif how == "delete":
        target.unlink()
    elif how == "fifo":
        target.unlink()
        os.mkfifo(target)
    else:
        target.unlink()
        target.mkdir()
    return f"{how} {target.relative_to(index)}"


def _use(root: Path, index: Path) -> None:
    with Archive.open(root, index) as archive:
        archive.update()
        for text in ["economy market", "trade", '"summit budget"', "energy OR police", "heal*"]:
            archive.search(SearchRequest(text=text))
        for article_id in archive.ids()[:5]:
            archive.article(article_id)


def damage_case(root: Path, template: Path, work: Path, rng: random.Random) -> str:
    """Damaged index: used as it is, or detected; a detected one is rebuilt whole."""
    index = work / "index"
    shutil.copytree(template, index)
    damage(index, rng)
    try:
        within(LIMIT_S, lambda: _use(root, index))
        return "answered"
    except IndexDamaged:
        with Archive.open(root, index, discard_damaged=True) as archive:
            archive.update(rebuild=True)
            ok = len(archive) == DAMAGE_ARTICLES
            found = archive.search(SearchRequest(text="chilean")).total == DAMAGE_ARTICLES
            return "detected, rebuilt" if ok and found else "lost"


# --- the runner -----------------------------------------------------------------------


def run(cases: int, seed: int) -> dict[str, Counter[str]]:
    rng = random.Random(seed)
    outcomes: dict[str, Counter[str]] = {"names": Counter(), "shapes": Counter()}
    outcomes["index damage"] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root, template = build_template(base / "template")
        for i in range(cases):
            families: list[tuple[str, Callable[[Path], str]]] = [
                ("names", lambda w: names_case(w, [random_name(rng) for _ in range(4)])),
                ("shapes", lambda w: shape_case(w, random_shape(rng))),
                ("index damage", lambda w: damage_case(root, template, w, rng)),
            ]
            for family, case in families:
                work = base / f"{family.replace(' ', '_')}{i}"
                work.mkdir()
                outcomes[family][_outcome(case, work)] += 1
                shutil.rmtree(work, ignore_errors=True)
    return outcomes


def _outcome(case: Callable[[Path], str], work: Path) -> str:
    try:
        return case(work)
    except Hung:
        return "hung"
    except Exception as exc:  # counted, with its kind, never raised
        return f"error {type(exc).__name__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Random names, folder shapes, index damage.")
    parser.add_argument("--cases", type=int, default=1000, help="cases per family")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    outcomes = run(args.cases, args.seed)
    bad = 0
    for family, counts in outcomes.items():
        tried = sum(counts.values())
        lost = sum(n for k, n in counts.items() if k == "lost" or k.startswith(("hung", "error")))
        bad += lost
        detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        print(f"{family}: tried {tried}, handled {tried - lost}, lost {lost} ({detail})")
    print(f"{time.perf_counter() - started:.0f} s, {os.cpu_count()} cores")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
