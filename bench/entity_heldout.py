"""Entity quality on blind gold: held-out articles and the sample archive, scored apart.

The gold (``tests/heldout/gold.json``) was annotated without looking at the extractor or its
own gold file. A predicted mention is a true positive when (type, start, end) equals a gold
mention. A prediction that matches no gold mention but overlaps a span the annotator marked
ambiguous is ignored (neither right nor wrong). Norm agreement is measured over the true
positives (case- and Unicode-normalised string equality).

Usage: ``python bench/entity_heldout.py [--gold PATH] [--errors PATH] [--only PREFIXES]``;
writes false positives / false negatives per article to
``bench/out/entity_heldout_errors.txt``. ``--only 01_,02_`` scores only the articles whose
file names start with one of the comma-separated prefixes (a dev / test split).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities import extract  # noqa: E402
from search.ingest.article import read_article  # noqa: E402
from search.model import ENTITY_TYPES, Entity  # noqa: E402

GOLD = ROOT / "tests" / "heldout" / "gold.json"
ERRORS = ROOT / "bench" / "out" / "entity_heldout_errors.txt"
FOLDERS = {
    "heldout": ROOT / "tests" / "heldout" / "articles",
    "sample": ROOT / "resources" / "sample-archive",
}
CONTEXT = 30

Key = tuple[str, int, int]


@dataclass
class Tally:
    """Counts for one source (held-out or sample), per entity type."""

    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    norm_ok: Counter[str] = field(default_factory=Counter)
    ignored: int = 0


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold().strip()


def _snippet(body: str, start: int, end: int) -> str:
    left = body[max(0, start - CONTEXT) : start].replace("\n", " ")
    right = body[end : end + CONTEXT].replace("\n", " ")
    return f"…{left}[{body[start:end]}]{right}…"


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def _why_fp(key: Key, gold: dict[Key, dict[str, Any]]) -> str:
    """Name the kind of false positive: wrong type, wrong boundaries, or spurious."""
    typ, start, end = key
    for (g_typ, g_start, g_end), ent in gold.items():
        if g_start == start and g_end == end:
            return f"type: gold says {g_typ}"
        if start < g_end and g_start < end:
            kind = "boundary" if g_typ == typ else f"boundary+type ({g_typ})"
            return f"{kind}: gold {ent['text']!r}"
    return "spurious"


def _why_fn(key: Key, predicted: dict[Key, Entity]) -> str:
    typ, start, end = key
    for (p_typ, p_start, p_end), ent in predicted.items():
        if p_start == start and p_end == end:
            return f"type: predicted {p_typ}"
        if start < p_end and p_start < end:
            kind = "boundary" if p_typ == typ else f"boundary+type ({p_typ})"
            return f"{kind}: predicted {ent.text!r}"
    return "missed"


def score_article(name: str, data: dict[str, Any], tally: Tally, out: list[str]) -> None:
    path = FOLDERS[data["source"]] / name
    article = read_article(path, name)
    body = article.body
    gold: dict[Key, dict[str, Any]] = {
        (e["type"], e["start"], e["end"]): e for e in data["entities"]
    }
    ambiguous = [(a["start"], a["end"]) for a in data["ambiguous"]]
    predicted: dict[Key, Entity] = {
        (e.type, e.start, e.end): e for e in extract(body, article.date)
    }

    fps: list[str] = []
    norm_lines: list[str] = []
    for key, ent in sorted(predicted.items(), key=lambda kv: kv[0][1]):
        typ, start, end = key
        if key in gold:
            tally.tp[typ] += 1
            if _fold(ent.norm) == _fold(gold[key]["norm"]):
                tally.norm_ok[typ] += 1
            else:
                norm_lines.append(
                    f"  NORM {typ:<7} {ent.text!r}: predicted {ent.norm!r}, "
                    f"gold {gold[key]['norm']!r}"
                )
        elif _overlaps(start, end, ambiguous):
            tally.ignored += 1
        else:
            tally.fp[typ] += 1
            fps.append(
                f"  FP {typ:<7} {ent.text!r} ({_why_fp(key, gold)})  {_snippet(body, start, end)}"
            )
    fns: list[str] = []
    for key, gold_ent in sorted(gold.items(), key=lambda kv: kv[0][1]):
        if key not in predicted:
            typ, start, end = key
            tally.fn[typ] += 1
            fns.append(
                f"  FN {typ:<7} {gold_ent['text']!r} ({_why_fn(key, predicted)})  "
                f"{_snippet(body, start, end)}"
            )
    out.append(f"== {name} [{data['source']}]: {len(fps)} FP, {len(fns)} FN")
    out.extend(fps + fns + norm_lines)
    out.append("")


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def table(source: str, tally: Tally) -> list[str]:
    lines = [
        f"{source}: exact (type, start, end); "
        f"{tally.ignored} predictions on ambiguous spans ignored",
        f"{'type':<8} {'gold':>5} {'pred':>5} {'tp':>5} {'P':>6} {'R':>6} {'F1':>6} {'norm':>6}",
    ]
    for typ in [*ENTITY_TYPES, "ALL"]:
        if typ == "ALL":
            tp, fp, fn = (sum(c.values()) for c in (tally.tp, tally.fp, tally.fn))
            norm = sum(tally.norm_ok.values())
        else:
            tp, fp, fn, norm = tally.tp[typ], tally.fp[typ], tally.fn[typ], tally.norm_ok[typ]
        p, r, f = _prf(tp, fp, fn)
        agree = f"{norm / tp:6.3f}" if tp else f"{'-':>6}"
        lines.append(
            f"{typ:<8} {tp + fn:>5} {tp + fp:>5} {tp:>5} {p:6.3f} {r:6.3f} {f:6.3f} {agree}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument("--errors", type=Path, default=ERRORS)
    parser.add_argument(
        "--only", default="", help="comma-separated file-name prefixes to score (default: all)"
    )
    args = parser.parse_args(argv)
    prefixes = tuple(p.strip() for p in args.only.split(",") if p.strip())

    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    tallies = {source: Tally() for source in FOLDERS}
    details: list[str] = []
    for name, data in gold["articles"].items():
        if prefixes and not name.startswith(prefixes):
            continue
        score_article(name, data, tallies[data["source"]], details)

    report: list[str] = []
    for source, tally in tallies.items():
        if prefixes and not (tally.tp or tally.fp or tally.fn):
            continue
        report += [*table(source, tally), ""]
    report.append("norm = share of true positives whose norm agrees with the gold norm")
    print("\n".join(report))

    args.errors.parent.mkdir(parents=True, exist_ok=True)
    args.errors.write_text("\n".join([*report, "", *details]), encoding="utf-8")
    print(f"false positives / negatives per article: {args.errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
