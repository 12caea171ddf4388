"""Random fault cases: file names, folder shapes, bytes in articles, queries from
bytes, and damage to the index folder.

    python -m bench.fault_cases [--cases 1000] [--seed 1] [--record]

Each case is built from a seed, run with a time limit, and ends as one of:
handled (indexed, found, answered, or damage detected and a rebuild restored
every article), lost (an article or word missing, or a query slower than a
second), hung, or error (an exception that is not a typed user-facing error).
``--record`` puts the counts into bench/faults.json and bench/RESULTS.md.
tests/search/test_fault_properties.py runs the same cases under hypothesis,
bounded for CI.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from bench.fault_record import record
from search.api import Archive
from search.errors import IndexDamaged
from search.ids import id_from_os
from search.ingest.article import article_from_bytes
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
        within(LIMIT_S, lambda: archive.update(entities=False))
        if archive.ids() != expected:
            return "lost"
        if archive.search(SearchRequest(text="peruvian", collapse=False)).total != len(expected):
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
        report = within(LIMIT_S, lambda: archive.update(entities=False))
        if set(archive.ids()) != expected:
            return "lost"
        reported = {s.id for s in report.skipped}
        for n, (kind, _) in enumerate(shape):
            odd = kind in ("fifo", "outside", "dangling")
            if odd and not any(r.endswith(f"{n}.txt") for r in reported):
                return "lost"
            if kind == "deep" and not any("nested" in s.reason for s in report.skipped):
                return "lost"
        if archive.search(SearchRequest(text="chilean", collapse=False)).total != len(expected):
            return "lost"
    return "handled"


# --- damage to the index folder -------------------------------------------------------

WORDS = ["economy", "market", "trade", "summit", "budget", "energy", "police", "health"]
DAMAGE_ARTICLES = 60


def build_template(work: Path) -> tuple[Path, Path]:
    """An archive and its index, copied before each damage."""
    root = work / "arch"
    root.mkdir(parents=True)
    for i in range(DAMAGE_ARTICLES):
        body = " ".join(WORDS[(i * 7 + j) % 8] for j in range(80))
        (root / f"f{i}.txt").write_text(f"Title {i}\nChilean news {i}. {body}", encoding="utf-8")
    index = work / "index"
    with Archive.open(root, index) as archive:
        archive.update(entities=False)
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
        archive.update(entities=False)
        for text in ["economy market", "trade", '"summit budget"', "energy OR police", "heal*"]:
            archive.search(SearchRequest(text=text, collapse=False))
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
            archive.update(rebuild=True, entities=False)
            ok = len(archive) == DAMAGE_ARTICLES
            found = (
                archive.search(SearchRequest(text="chilean", collapse=False)).total
                == DAMAGE_ARTICLES
            )
            return "detected, rebuilt" if ok and found else "lost"


# --- bytes in articles ------------------------------------------------------------

ARTICLE = (
    "Hà Nội hosts talks\n\nHÀ NỘI — Thủ tướng Phạm Minh Chính met the Kazakh minister "
    "in Hà Nội on Tuesday. Việt Nam and Kazakhstan agreed to expand trade, said Nguyễn Văn "
    "Thành of the Bộ Công Thương. Đà Nẵng and Hải Phòng will host the next round.\n"
)
ACCENTED = sorted({w for w in re.findall(r"\w+", ARTICLE) if not w.isascii()})


def bytes_case(rng: random.Random) -> str:
    """A few random bytes written into a valid UTF-8 article: it is still an article,
    and every accented word away from the damage is still there, unmangled."""
    raw = bytearray(ARTICLE.encode())
    touched: list[tuple[int, int]] = []
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(raw))
        junk = rng.randbytes(rng.randint(1, 3))
        if rng.random() < 0.5:  # inserted: what lies after moves along
            raw[at:at] = junk
            touched = [_shifted(span, at, len(junk)) for span in touched]
        else:  # overwritten in place
            raw[at : at + len(junk)] = junk
        touched.append((at, at + len(junk)))
    article = article_from_bytes(bytes(raw), "vn.txt", Path("vn.txt"))
    text = f"{article.title}\n{article.body}"
    intact = _intact(bytes(raw), touched)
    return "handled" if all(word in text for word in intact) else "lost"


def _shifted(span: tuple[int, int], at: int, by: int) -> tuple[int, int]:
    start, end = span
    return (start + by if start >= at else start, end + by if end >= at else end)


def _intact(raw: bytes, touched: list[tuple[int, int]]) -> list[str]:
    """Accented words whose UTF-8 bytes sit, whole and undamaged, outside every edit."""
    words = []
    for word in ACCENTED:
        encoded = word.encode()
        start = raw.find(encoded)
        while start >= 0:
            end = start + len(encoded)
            if all(e < start - 1 or s > end for s, e in touched):
                words.append(word)
                break
            start = raw.find(encoded, end)
    return words


# --- queries from bytes --------------------------------------------------------------

QUERY_LIMIT_S = 1.0


def query_case(archive: Archive, rng: random.Random) -> str:
    """Random bytes as a query (as a Latin-1 terminal or random argv would give them):
    a result, its snippets and marks, within a second."""
    raw = rng.randbytes(rng.randint(1, 60))
    alphabet = b'*?~"():[]-+ aeiou'
    raw = bytes(b if rng.random() < 0.6 else rng.choice(alphabet) for b in raw)
    text = raw.decode("utf-8", "surrogateescape") if rng.random() < 0.5 else raw.decode("latin-1")
    started = time.perf_counter()
    result = archive.search(SearchRequest(text=text, limit=10, collapse=False))
    archive.snippets([h.id for h in result.hits], text)
    slow = time.perf_counter() - started > QUERY_LIMIT_S
    return "lost" if slow or result.total < 0 else "handled"


# --- the runner -----------------------------------------------------------------------


def run(cases: int, seed: int) -> dict[str, Counter[str]]:
    rng = random.Random(seed)
    outcomes: dict[str, Counter[str]] = {name: Counter() for name in FAMILIES}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        root, template = build_template(base / "template")
        searched = Archive.open(root, template)
        for i in range(cases):
            families: list[tuple[str, Callable[[Path], str]]] = [
                ("file names", lambda w: names_case(w, [random_name(rng) for _ in range(4)])),
                ("folder shapes", lambda w: shape_case(w, random_shape(rng))),
                ("bytes in articles", lambda _w: bytes_case(rng)),
                ("queries from bytes", lambda _w: query_case(searched, rng)),
                ("index damage", lambda w: damage_case(root, template, w, rng)),
            ]
            for family, case in families:
                work = base / f"{family.replace(' ', '_')}{i}"
                work.mkdir()
                outcomes[family][_outcome(case, work)] += 1
                shutil.rmtree(work, ignore_errors=True)
        searched.close()
    return outcomes


FAMILIES = (
    "file names",
    "folder shapes",
    "bytes in articles",
    "queries from bytes",
    "index damage",
)


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
    parser.add_argument("--record", action="store_true", help="write bench/faults.json")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()[0]
    outcomes = run(args.cases, args.seed)
    rows = {}
    for family, counts in outcomes.items():
        tried = sum(counts.values())
        lost = sum(n for k, n in counts.items() if k == "lost" or k.startswith(("hung", "error")))
        rows[family] = {"tried": tried, "handled": tried - lost, "lost": lost, **counts}
        detail = ", ".join(f"{k} {n}" for k, n in sorted(counts.items()))
        print(f"{family}: tried {tried}, handled {tried - lost}, lost {lost} ({detail})")
    elapsed = time.perf_counter() - started
    print(f"{elapsed:.0f} s, {os.cpu_count()} cores, load {load:.1f}")
    if args.record:
        how = f"python -m bench.fault_cases --cases {args.cases} --seed {args.seed}"
        record("random cases", rows, how, elapsed)
    return 1 if any(r["lost"] for r in rows.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
