"""Check tests/heldout/gold.json against the article bodies that search.ingest produces.

Run from the project root: ``python3 tests/heldout/check_gold.py``. Exits 1 on any problem.

Checks, for every annotated article: the file exists and is annotated (and every held-out file
is), ``body[start:end] == text`` for every entity and ambiguous span, types are the five the app
knows, spans do not overlap each other or an ambiguous span, spans sit on word boundaries, every
entity has a non-empty norm, COUNTRY norms are two upper-case letters, and one person's mentions
share one norm (a short form never maps to two people).
"""

from __future__ import annotations

import json
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from search.ingest.article import read_article  # noqa: E402

GOLD = ROOT / "tests" / "heldout" / "gold.json"
FOLDERS = {
    "heldout": ROOT / "tests" / "heldout" / "articles",
    "sample": ROOT / "resources" / "sample-archive",
}
TYPES = {"PERSON", "ORG", "COUNTRY", "PLACE", "DATE"}


def _on_word_boundary(body: str, start: int, end: int) -> bool:
    before = body[start - 1] if start > 0 else " "
    after = body[end] if end < len(body) else " "
    return not before.isalnum() and not after.isalnum()


def check_article(name: str, data: dict[str, Any], body: str) -> list[str]:
    problems: list[str] = []
    entities: list[dict[str, Any]] = data["entities"]
    ambiguous: list[dict[str, Any]] = data["ambiguous"]
    spans: list[tuple[int, int, str]] = []
    person_norm: dict[str, str] = {}
    for ent in entities:
        where = f"{name}: {ent['type']} {ent['text']!r} @{ent['start']}"
        if ent["type"] not in TYPES:
            problems.append(f"{where}: unknown type")
        if body[ent["start"] : ent["end"]] != ent["text"]:
            problems.append(f"{where}: body has {body[ent['start'] : ent['end']]!r}")
        if not _on_word_boundary(body, ent["start"], ent["end"]):
            problems.append(f"{where}: not on a word boundary")
        if not str(ent.get("norm", "")).strip():
            problems.append(f"{where}: empty norm")
        if ent["type"] == "COUNTRY" and not (len(ent["norm"]) == 2 and ent["norm"].isupper()):
            problems.append(f"{where}: COUNTRY norm {ent['norm']!r} is not ISO alpha-2")
        if ent["type"] == "PERSON":
            seen = person_norm.setdefault(ent["text"], ent["norm"])
            if seen != ent["norm"]:
                problems.append(f"{where}: {ent['text']!r} has norms {seen!r} and {ent['norm']!r}")
        spans.append((ent["start"], ent["end"], f"{ent['type']} {ent['text']!r}"))
    for amb in ambiguous:
        where = f"{name}: ambiguous {amb['text']!r} @{amb['start']}"
        if body[amb["start"] : amb["end"]] != amb["text"]:
            problems.append(f"{where}: body has {body[amb['start'] : amb['end']]!r}")
        if not str(amb.get("note", "")).strip():
            problems.append(f"{where}: no note")
        spans.append((amb["start"], amb["end"], f"ambiguous {amb['text']!r}"))
    spans.sort()
    for (s1, e1, what1), (s2, _e2, what2) in pairwise(spans):
        if s2 < e1:
            problems.append(f"{name}: {what1} @{s1} overlaps {what2} @{s2}")
    return problems


def main() -> int:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    articles: dict[str, dict[str, Any]] = gold["articles"]
    problems: list[str] = []
    for source, folder in FOLDERS.items():
        if source == "heldout":
            on_disk = {p.name for p in folder.glob("*.txt")}
            listed = {n for n, a in articles.items() if a["source"] == "heldout"}
            problems += [f"{n}: held-out file not annotated" for n in sorted(on_disk - listed)]
    counts = {"heldout": 0, "sample": 0}
    for name, data in articles.items():
        source = str(data["source"])
        if source not in FOLDERS:
            problems.append(f"{name}: unknown source {source!r}")
            continue
        path = FOLDERS[source] / name
        if not path.is_file():
            problems.append(f"{name}: no such file in {FOLDERS[source]}")
            continue
        body = read_article(path, name).body
        problems += check_article(name, data, body)
        counts[source] += len(data["entities"])
    for line in problems:
        print("PROBLEM", line)
    print(
        f"{len(articles)} articles, {counts['heldout']} held-out and {counts['sample']} sample "
        f"entities: {'OK' if not problems else f'{len(problems)} problems'}"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
