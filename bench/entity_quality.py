"""Entity quality against the hand-checked gold file: precision / recall / F1 per type.

Mention level, exact span: a predicted mention counts when (type, start, end) equals a
gold mention. Norm accuracy is reported over the matched mentions. Bodies come from
``search.ingest.article.read_article`` so the offsets are those the index stores.

Usage: ``python bench/entity_quality.py [--gold tests/entities_gold.json] [--errors]``
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities import extract  # noqa: E402
from search.ingest.article import read_article  # noqa: E402
from search.model import ENTITY_TYPES  # noqa: E402

SAMPLES = ROOT / "resources" / "sample-archive"

Key = tuple[str, int, int]


def score(gold_path: Path, show_errors: bool) -> dict[str, dict[str, float]]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    norm_ok: Counter[str] = Counter()
    for art in gold["articles"]:
        article = read_article(SAMPLES / art["file"], art["file"])
        if len(article.body) != art["body_chars"]:
            print(f"warning: {art['file']}: body changed since annotation", file=sys.stderr)
        ref = art["reference_date"]
        ref_date = datetime.date.fromisoformat(ref) if ref else None
        want = {(g["type"], g["start"], g["end"]): g for g in art["entities"]}
        got = {(e.type, e.start, e.end): e for e in extract(article.body, ref_date)}
        for k, e in got.items():
            if k in want:
                tp[e.type] += 1
                norm_ok[e.type] += e.norm == want[k]["norm"]
                if show_errors and e.norm != want[k]["norm"]:
                    print(
                        f"{art['file']}: NORM {e.type} {e.text!r}: {e.norm!r} != "
                        f"{want[k]['norm']!r}"
                    )
            else:
                fp[e.type] += 1
                if show_errors:
                    print(f"{art['file']}: FP {e.type} {e.text!r} @{e.start}")
        for k, g in want.items():
            if k not in got:
                fn[g["type"]] += 1
                if show_errors:
                    print(f"{art['file']}: FN {g['type']} {g['text']!r} @{g['start']}")
    table: dict[str, dict[str, float]] = {}
    for t in (*ENTITY_TYPES, "ALL"):
        if t == "ALL":
            a, b, c, n = (sum(x.values()) for x in (tp, fp, fn, norm_ok))
        else:
            a, b, c, n = tp[t], fp[t], fn[t], norm_ok[t]
        p = a / (a + b) if a + b else 1.0
        r = a / (a + c) if a + c else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        table[t] = {
            "tp": a,
            "fp": b,
            "fn": c,
            "precision": p,
            "recall": r,
            "f1": f,
            "norm_accuracy": n / a if a else 1.0,
        }
    return table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "tests" / "entities_gold.json")
    parser.add_argument("--errors", action="store_true", help="list every FP, FN, wrong norm")
    args = parser.parse_args()
    table = score(args.gold, args.errors)
    print(f"{'type':8} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6} {'norm':>6}")
    for t, row in table.items():
        gold_n = int(row["tp"] + row["fn"])
        pred_n = int(row["tp"] + row["fp"])
        print(
            f"{t:8} {gold_n:5d} {pred_n:5d} {row['precision']:6.3f} {row['recall']:6.3f} "
            f"{row['f1']:6.3f} {row['norm_accuracy']:6.3f}"
        )


if __name__ == "__main__":
    main()
