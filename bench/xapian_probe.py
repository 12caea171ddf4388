"""Query latency of Xapian in-process on Recoll's index; runs under Debian's /usr/bin/python3.

Why a separate script: python3-xapian exists only for the system interpreter, not for the
project's Python. Reads {"db": path, "queries": [{"text", "kind"}]} as JSON on stdin and
prints JSON. Standard library and xapian only: it must not import the bench package.

Terms in Recoll's default index are lower case without accents and unstemmed (Recoll
expands stems at query time), so queries are folded the same way and not stemmed here.
Fuzzy queries have no Xapian equivalent and are skipped; the empty query lists every
text/plain document, as Recoll's own "all documents" query does.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import unicodedata
from typing import Any

import xapian  # type: ignore[import-not-found]


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ms = sorted(s * 1000.0 for s in samples)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "n": len(ms),
        "p50_ms": round(q[49], 4),
        "p95_ms": round(q[94], 4),
        "p99_ms": round(q[98], 4),
        "mean_ms": round(sum(ms) / len(ms), 4),
        "max_ms": round(ms[-1], 4),
    }


def main() -> int:
    job: dict[str, Any] = json.load(sys.stdin)
    db = xapian.Database(job["db"])
    qp = xapian.QueryParser()
    qp.set_database(db)
    qp.set_default_op(xapian.Query.OP_AND)
    flags = (
        xapian.QueryParser.FLAG_PHRASE
        | xapian.QueryParser.FLAG_WILDCARD
        | xapian.QueryParser.FLAG_BOOLEAN
    )
    size = db.get_doccount()
    all_text = xapian.Query("Ttext/plain")
    queries = [q for q in job["queries"] if q["kind"] != "fuzzy"]

    def parse(text: str) -> Any:
        return all_text if not text.strip() else qp.parse_query(fold(text), flags)

    def run(check_at_least: int) -> tuple[list[float], dict[str, list[float]], list[int]]:
        times: list[float] = []
        by_kind: dict[str, list[float]] = {}
        counts: list[int] = []
        for q in queries:
            t0 = time.perf_counter()
            enquire = xapian.Enquire(db)
            enquire.set_query(parse(q["text"]))
            mset = enquire.get_mset(0, 50, check_at_least)
            total = mset.get_matches_estimated()
            dt = time.perf_counter() - t0
            times.append(dt)
            by_kind.setdefault(q["kind"], []).append(dt)
            counts.append(total)
        return times, by_kind, counts

    out: dict[str, Any] = {
        "xapian_version": xapian.version_string(),
        "db_docs": size,
        "queries": len(queries),
        "skipped_fuzzy": len(job["queries"]) - len(queries),
    }
    for name, check in (("estimated", 0), ("exact", size)):
        run(check)  # warm: page cache and Xapian's block cache
        times, by_kind, counts = run(check)
        out[name] = percentiles(times)
        out[name + "_by_kind"] = {k: percentiles(v) for k, v in by_kind.items()}
        out[name + "_counts"] = counts
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
