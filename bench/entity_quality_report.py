"""Entity quality on the outside corpora's test splits, run and written in one go.

    python -m bench.entity_quality_report run --corpus ieer=/work/corpora/ieer.json \
        --corpus bbc=/work/corpora/bbc.json ... [--root OLD_CHECKOUT --label before]
    python -m bench.entity_quality_report render

``run`` scores each system (rules alone, spaCy alone, ours: rules over spaCy) on each
corpus's test split with ``bench/entity_outside.py``, one fresh process a pair, and keeps
its whole output in ``bench/quality/LABEL/CORPUS-SYSTEM.txt`` under a first line that says
when, on which commit and at what load. ``--root`` runs another checkout's code (the
session's starting commit, say) on the same files, to give before and after from the
same gold. ``render`` reads those files and writes ``bench/sections/10-...md``, so every
figure there comes from the output it names. The test splits are for such before/after
figures only: errors are read on the dev splits.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
QUALITY = BENCH / "quality"
SECTION = BENCH / "sections" / "10-entity-quality-outside.md"
SYSTEMS = ("rules", "spacy", "combined")
SYSTEM_NAMES = {"rules": "rules alone", "spacy": "spaCy alone", "combined": "ours"}
TYPES = ("PERSON", "ORG", "LOC", "ALL")

CORPORA = {
    "ieer": "IE-ER: NIST 1999 IE-ER newswire (1998 AP and NYT)",
    "conll": "CoNLL-2003: Reuters 1996 (eng.testb sample)",
    "wikigold": "Wikigold: Wikipedia articles (bands, albums, clubs, companies, films, places)",
    "bbc": "BBC News 2004-05, five beats, annotated blind in session 8 (test half)",
    "bbc3": "BBC News 2004-05, a further 40 articles annotated blind in session 8, all test",
    "bbc5": "BBC News 2004-05, 30 more articles annotated blind late in session 8, all test",
    "bbc7": "BBC News 2004-05, 40 more articles annotated blind in session 9, all test",
}

_ROW = re.compile(r"^(PERSON|ORG|LOC|ALL)\s+(\d+)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)")
_HEADER = re.compile(r"system \w[\w-]*, split test: (\d+) documents, (\d+) gold spans")


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), *args], check=False, capture_output=True, text=True
    )
    return done.stdout.strip()


def run(corpora: dict[str, Path], root: Path, label: str, systems: tuple[str, ...]) -> None:
    out_dir = QUALITY / label
    out_dir.mkdir(parents=True, exist_ok=True)
    commit = _git(root, "rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if _git(root, "status", "--porcelain", "search") else ""
    env = {**os.environ, "PYTHONPATH": str(root)}
    for name, gold in corpora.items():
        for system in systems:
            load = (
                Path("/proc/loadavg").read_text().split()[:3]
                if Path("/proc/loadavg").exists()
                else []
            )
            when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
            done = subprocess.run(
                [
                    sys.executable,
                    str(root / "bench" / "entity_outside.py"),
                    "--gold",
                    str(gold),
                    "--split",
                    "test",
                    "--system",
                    system,
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            head = (
                f"# {when}, commit {commit}{dirty} of {root}, gold {gold}, nproc {os.cpu_count()},"
                f" load {' '.join(load)}\n"
            )
            (out_dir / f"{name}-{system}.txt").write_text(head + done.stdout, encoding="utf-8")
            print(f"{label} {name} {system}: {_names_view(head + done.stdout).get('ALL')}")


def _names_view(text: str) -> dict[str, tuple[float, float, float]]:
    """The names view's P / R / F1 per type (the second table of entity_outside's output)."""
    part = text.split("names view", 1)[1] if "names view" in text else ""
    rows: dict[str, tuple[float, float, float]] = {}
    for line in part.splitlines():
        m = _ROW.match(line)
        if m and m.group(1) not in rows:
            rows[m.group(1)] = (float(m.group(5)), float(m.group(6)), float(m.group(7)))
    return rows


def _read(
    label: str, name: str, system: str
) -> tuple[str, dict[str, tuple[float, float, float]], str]:
    path = QUALITY / label / f"{name}-{system}.txt"
    if not path.exists():
        return "", {}, ""
    text = path.read_text(encoding="utf-8")
    header = _HEADER.search(text)
    size = f"{header.group(1)} documents, {header.group(2)} gold spans" if header else ""
    return text.splitlines()[0].lstrip("# "), _names_view(text), size


def _cell(rows: dict[str, tuple[float, float, float]], typ: str) -> str:
    if typ not in rows:
        return "–"
    p, r, f = rows[typ]
    return f"{p:.3f} / {r:.3f} / {f:.3f}"


def render(labels: tuple[str, str]) -> str:
    before, after = labels
    names = [n for n in CORPORA if (QUALITY / after / f"{n}-combined.txt").exists()]
    lines = [
        "## Entity quality on outside news (issue #12)",
        "",
        "Written by `python -m bench.entity_quality_report render` from the outputs it names"
        " (bench/quality/LABEL/CORPUS-SYSTEM.txt, each made by `python -m"
        " bench.entity_quality_report run`: `bench/entity_outside.py --split test` in a fresh"
        " process). Names view (bench/entity_outside.py's docstring), P / R / F1 on the test"
        " splits, which are looked at only for before/after figures. Corpora stay outside the"
        " repository (bench/outside_corpus.py converts them).",
        "",
        "| corpus | type | rules alone | spaCy alone | ours, before | ours, after |",
        "|---|---|---|---|---|---|",
    ]
    runs: list[str] = []
    for name in names:
        _, rules, _ = _read(after, name, "rules")
        _, spacy, _ = _read(after, name, "spacy")
        _, old, _ = _read(before, name, "combined")
        run_line, ours, size = _read(after, name, "combined")
        for typ in TYPES:
            lines.append(
                f"| {name} test | {typ} | {_cell(rules, typ)} | {_cell(spacy, typ)} |"
                f" {_cell(old, typ)} | {_cell(ours, typ)} |"
            )
        runs.append(f"- {name}: {CORPORA[name]}; {size}. After: {run_line}.")
        old_line = _read(before, name, "combined")[0]
        if old_line:
            runs.append(f"  Before: {old_line}.")
    return "\n".join([*lines, "", *runs]) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--corpus", action="append", default=[], help="NAME=PATH of a gold JSON")
    r.add_argument("--root", type=Path, default=ROOT, help="checkout whose code is scored")
    r.add_argument("--label", default="after")
    r.add_argument("--systems", default=",".join(SYSTEMS))
    w = sub.add_parser("render")
    w.add_argument("--before", default="before")
    w.add_argument("--after", default="after")
    args = ap.parse_args(argv)
    if args.command == "run":
        corpora = dict(item.split("=", 1) for item in args.corpus)
        run(
            {k: Path(v) for k, v in corpora.items()},
            args.root.resolve(),
            args.label,
            tuple(args.systems.split(",")),
        )
        return 0
    SECTION.write_text(render((args.before, args.after)), encoding="utf-8")
    print(f"wrote {SECTION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
