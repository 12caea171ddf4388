"""Work done in a fresh process: ``python -m bench.child OP JSON-ARGS`` prints JSON.

Why a child: peak memory and "cold" timings only mean something in a process that did
nothing else before, and a build must not leave caches behind in the runner.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.queries import Query, query_mix, terms
from bench.util import summarize_ms

DATE_FROM = date(2020, 1, 1)
DATE_TO = date(2021, 12, 31)
FILTER_COUNTRY = "KZ"


def _rss() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    return {"max_rss_self_mb": round(own, 1), "max_rss_largest_worker_mb": round(kids, 1)}


def op_update(corpus: str, index_dir: str, entities: bool = False) -> dict[str, Any]:
    """Archive.open + update: a full build on an empty index dir, else incremental.

    The text phase alone unless ``entities``: the build and update figures are the text
    phase's (the entity phase is measured apart, by bench/entity_phase_speed.py)."""
    from search.api import Archive

    t0 = time.perf_counter()
    archive = Archive.open(corpus, index_dir=index_dir)
    t1 = time.perf_counter()
    report = archive.update(progress=None, entities=entities)
    t2 = time.perf_counter()
    articles = len(archive)
    index_bytes = archive.stats().index_bytes
    archive.close()
    return {
        "open_s": round(t1 - t0, 3),
        "update_s": round(t2 - t1, 3),
        "articles": articles,
        "index_bytes": index_bytes,
        "report": report.to_json() | {"skipped": len(report.skipped)},
        **_rss(),
    }


def _request(q: Query, variant: str) -> Any:
    from search.model import SearchRequest

    # The targets time the first page of 50 with totals and facets; snippets are
    # made apart, only for the rows on screen (the "plain" variant still makes 50).
    if variant == "country":
        return SearchRequest(text=q.text, countries=(FILTER_COUNTRY,), limit=50, snippets=False)
    if variant == "dates":
        return SearchRequest(
            text=q.text, date_from=DATE_FROM, date_to=DATE_TO, limit=50, snippets=False
        )
    if variant in ("no_snippets", "cold"):
        return SearchRequest(text=q.text, limit=50, snippets=False)
    return SearchRequest(text=q.text, limit=50)


def _run_mix(archive: Any, queries: list[Query], variant: str) -> tuple[list[float], list[Any]]:
    times, results = [], []
    for q in queries:
        request = _request(q, variant)
        t0 = time.perf_counter()
        result = archive.search(request)
        times.append(time.perf_counter() - t0)
        results.append(result)
    return times, results


def _by_kind(queries: list[Query], times: list[float]) -> dict[str, Any]:
    groups: dict[str, list[float]] = {}
    for q, t in zip(queries, times, strict=True):
        groups.setdefault(q.kind, []).append(t)
    return {k: summarize_ms(v) for k, v in groups.items()}


def op_queries_cold(
    corpus: str, index_dir: str, stride: int = 1, snippets: bool = False
) -> dict[str, Any]:
    """The mix once, right after opening: every query is seen for the first time.

    ``first_terms`` keeps only queries none of whose words an earlier query touched.
    ``snippets``: each page of 50 with its snippets (the default request) instead of none.
    """
    from search.api import Archive

    queries = query_mix()[::stride]
    t0 = time.perf_counter()
    archive = Archive.open(corpus, index_dir=index_dir)
    open_s = time.perf_counter() - t0
    times, _ = _run_mix(archive, queries, "plain" if snippets else "cold")
    archive.close()
    seen: set[str] = set()
    fresh = []
    for q, t in zip(queries, times, strict=True):
        words = terms(q)
        if words and not words & seen:
            fresh.append(t)
        seen |= words
    return {
        "open_s": round(open_s, 3),
        "all": summarize_ms(times),
        "first_terms": summarize_ms(fresh),
        "by_kind": _by_kind(queries, times),
        **_rss(),
    }


def op_queries_warm(corpus: str, index_dir: str, stride: int = 1) -> dict[str, Any]:
    """Each variant's mix once to warm up, then measured; plus article opens.

    ``stride`` > 1 keeps every stride-th query (the quick smoke run).
    """
    from search.api import Archive

    queries = query_mix()[::stride]
    archive = Archive.open(corpus, index_dir=index_dir)
    out: dict[str, Any] = {"queries": len(queries)}
    hit_ids: list[str] = []
    for variant in ("plain", "no_snippets", "country", "dates"):
        _run_mix(archive, queries, variant)
        times, results = _run_mix(archive, queries, variant)
        out[variant] = summarize_ms(times)
        out[variant]["by_kind"] = _by_kind(queries, times)
        out[variant]["totals"] = [r.total for r in results]
        if variant == "plain":
            hit_ids = [h.id for r in results for h in r.hits]
    per_hit = []
    for q in queries:  # snippets for 20 rows on screen, as the list asks for them
        page = archive.search(_request(q, "no_snippets"))
        rows = [h.id for h in page.hits[:20]]
        if rows and q.text.strip():
            t0 = time.perf_counter()
            archive.snippets(rows, q.text)
            per_hit.append((time.perf_counter() - t0) / len(rows))
    out["snippet_per_hit"] = summarize_ms(per_hit)
    ids = sorted(set(hit_ids))
    random.Random(0).shuffle(ids)
    ids = ids[:500]
    times = []
    for article_id in ids:
        t0 = time.perf_counter()
        archive.article(article_id)
        times.append(time.perf_counter() - t0)
    out["article_open"] = summarize_ms(times)
    archive.close()
    out.update(_rss())
    return out


def op_entities(corpus: str, limit: int) -> dict[str, Any]:
    """Fallback when bench/entity_speed.py is absent: ingest and extract per article."""
    from search.entities import extract
    from search.ingest.article import read_article

    root = Path(corpus)
    paths = sorted(root.rglob("*.txt"))
    random.Random(0).shuffle(paths)
    paths = paths[:limit]
    read_t, extract_t, words = [], [], 0
    for p in paths:
        t0 = time.perf_counter()
        article = read_article(p, p.relative_to(root).as_posix())
        t1 = time.perf_counter()
        extract(article.body, article.date)
        t2 = time.perf_counter()
        read_t.append(t1 - t0)
        extract_t.append(t2 - t1)
        words += article.words
    return {
        "articles": len(paths),
        "mean_words": round(words / max(1, len(paths)), 1),
        "ingest": summarize_ms(read_t),
        "extract": summarize_ms(extract_t),
    }


def op_probe() -> dict[str, Any]:
    """Whether the engine's facade is importable (it is written alongside the bench)."""
    try:
        from search.api import Archive
        from search.model import SearchRequest, Sort

        del Archive, SearchRequest, Sort
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True}


OPS = {
    "probe": op_probe,
    "update": op_update,
    "queries_cold": op_queries_cold,
    "queries_warm": op_queries_warm,
    "entities": op_entities,
}


def main(argv: list[str]) -> int:
    op, args = argv[0], json.loads(argv[1])
    result = OPS[op](**args)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
