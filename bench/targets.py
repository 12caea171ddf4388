"""The speed targets of the benchmark issue, checked against the largest run.

Each target names where its figure lives in results.json, the bound, and, for
a target not met, what a profile showed and what would close the gap. The gap itself
(figure against bound, and their ratio) is computed from the run being reported; the
profile is prose about the earlier run its ``profiled`` names (``PROFILED`` unless said)
and says so, as it is not measured again by each run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PROFILED = "2026-11-26 (commit 32b9b17, N = 100,000)"
"""The run the ``if_missed`` profiles were taken from."""


def _at(run: dict[str, Any], *path: str) -> Any:
    value: Any = run
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


@dataclass(frozen=True)
class Target:
    what: str
    figure: Callable[[dict[str, Any]], float | None]
    bound: Callable[[dict[str, Any]], float | None]
    unit: str
    at_most: bool = True
    if_missed: str = ""
    profiled: str = PROFILED
    """The earlier run that ``if_missed`` describes."""


def _stall(run: dict[str, Any]) -> float | None:
    stalls = [
        _at(run, "gui", k)
        for k in ("UI stall while typing, max ms", "UI stall while scrolling, max ms")
    ]
    found = [float(s) for s in stalls if s is not None]
    return max(found) if found else None


def _plain(*path: str) -> Callable[[dict[str, Any]], float | None]:
    """The number at ``path`` in a run's results, if that step ran."""

    def get(run: dict[str, Any]) -> float | None:
        value = _at(run, *path)
        return float(value) if value is not None else None

    return get


def _p95(*path: str) -> Callable[[dict[str, Any]], float | None]:
    return _plain(*path, "p95_ms")


def _const(value: float) -> Callable[[dict[str, Any]], float]:
    return lambda _run: value


TARGETS = [
    Target(
        "Query, warm: first page of 50 + exact total + 4 facets, p95",
        _p95("queries_warm", "no_snippets"),
        _const(15),
        "ms",
        if_missed="Profile (cProfile over the mix): the top-50 selection of the person/org/"
        "place facets over vocabularies of ~10^5 names (np.partition, ~0.4 ms each), the "
        "phrase position look-ups, and dense 10^5-long mask and score arrays per query word. "
        "To close: keep the facet counts of the previous query and update them by "
        "difference while typing, and sparse sorted-id intersections for selective words "
        "instead of dense arrays.",
    ),
    Target(
        "Query, words seen for the first time since opening, p95",
        _p95("queries_cold", "first_terms"),
        _const(50),
        "ms",
        if_missed="Each segment's words are read from its term arrays (search/store/termarrays.py, "
        "memory-mapped); what remains for a new word is the binary search per segment, "
        "page faults on a cold file cache and query-time stem expansion over the term "
        "lists. To close: fewer, larger segments (a background merge) and a cached stem "
        "map per segment.",
    ),
    Target(
        "Default request, warm: page of 50 with snippets + exact total + facets, p95, at "
        "most Xapian's exact-count query",
        _p95("queries_warm", "plain"),
        _p95("recoll", "xapian", "exact"),
        "ms",
    ),
    Target(
        "Words seen for the first time since opening, page of 50 with snippets, p95",
        _p95("queries_cold", "snippets", "first_terms"),
        _const(15),
        "ms",
        if_missed="Profile (cProfile over six common words, 50 snippets each): the snippets "
        "are some 60% of the request: per hit the stored document's zlib and JSON "
        "decoding (~0.07 ms) and the snippet's scan of the body (~0.17 ms); the rest is "
        "the words' look-up in each segment's term arrays and the BM25 over their "
        "postings. To close: snippets from a stored copy of the body alone (no JSON), cut "
        "to the matched region by the postings' positions.",
        profiled="2026-12-03 (commit 5555447, N = 100,000)",
    ),
    Target("Query with a country filter, p95", _p95("queries_warm", "country"), _const(15), "ms"),
    Target("Query with a date range, p95", _p95("queries_warm", "dates"), _const(15), "ms"),
    Target(
        "Snippet per hit (rows on screen), p95",
        _p95("queries_warm", "snippet_per_hit"),
        _const(2),
        "ms",
    ),
    Target("Opening an article, p95", _p95("queries_warm", "article_open"), _const(20), "ms"),
    Target(
        "Keystroke to updated list, p95 (includes the typing debounce)",
        _plain("gui", "keystroke to list updated, p95 ms"),
        _const(50),
        "ms",
        if_missed="The list searches on the first key (no fixed debounce; keys typed while a "
        "search runs are merged into the next one), so this is the engine's query plus the "
        "UI's apply (model reset, sidebar counts, reader marks). To close: profile the "
        "apply step (bench/gui_bench.py with cProfile) and the slowest first-time words.",
    ),
    Target(
        "UI thread blocked while typing or scrolling, max",
        _stall,
        _const(50),
        "ms",
        if_missed="What blocks is Qt work on the UI thread and the GIL shared with the "
        "search workers (a watchdog sampling the UI thread during stalls finds it inside "
        "Qt's event loop, painting or waiting for the GIL). Full garbage collections are "
        "kept away by gui/collector.py, and QTableView lays out only the rows it paints. "
        "To close: run searches in a separate process so the UI never waits for the GIL.",
    ),
    Target(
        "Cold start to first results painted",
        _plain("gui", "cold start to first results painted, ms"),
        _const(2000),
        "ms",
        if_missed="Profile: Python and Qt imports ~0.6 s; Archive.open maps the saved "
        "per-document table (search/store/tablecache.py) and the segment files in place; the "
        "first query and first paint follow. To close: import less before the window "
        "shows (lazy imports of the entity data and numpy-heavy modules).",
    ),
    Target(
        "One query as a whole process (archive-search query --no-update), p50",
        _plain("cli_query", "server_no_update", "p50_ms"),
        _const(60),
        "ms",
    ),
    Target(
        "One query as a whole process, default up-to-date check, nothing changed, p50",
        _plain("cli_query", "server_checked", "p50_ms"),
        _const(120),
        "ms",
    ),
    Target(
        "Reopening an unchanged archive (whole process: open + check)",
        _plain("reopen", "process_s"),
        _const(5),
        "s",
        if_missed="Open maps the saved table (see cold start); the unchanged check walks and "
        "stat-s every file and reads the signature column. To close: skip the walk when "
        "the folder watcher has seen no change since the last update.",
    ),
    Target(
        "Index build throughput, at least Recoll's on the same files",
        _plain("build", "articles_per_s"),
        _plain("recoll", "build", "articles_per_s"),
        "articles/s",
        at_most=False,
        if_missed="Profile (cProfile of 2,000- and 10,000-article builds): ~3.1 ms of CPU "
        "per article in the writer process "
        "(Whoosh's posting pool, W3 posting blocks with zlib, term arrays, stored fields) "
        "and ~5 ms in the reading processes (entity extraction ~4 ms, reading and "
        "cleaning ~1 ms): ~8 ms of Python per article, ~4 ms of wall time on two cores, "
        "where Recoll needs ~1.5 ms of wall time, in C++ (and extracts no entities). What that "
        "session bought: no posting spills to disk (batches of 5,000 in a 512 MB pool), "
        "readers running ahead through commits, analysis without token objects, field "
        "lengths read whole: 128 -> 237 articles/s. To close: a compiled tokenizer for "
        "analysis and entity extraction (or extraction off the build path), and a native "
        "posting writer instead of Whoosh's pure-Python one.",
    ),
    Target(
        "Index build peak RSS (builder and its workers)",
        _plain("build", "peak_rss_tree_mib"),
        _const(1536),
        "MiB",
    ),
    Target(
        "Entity extraction per article, p95", _p95("entities", "corpus", "extract"), _const(5), "ms"
    ),
]


def _fmt(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def section(runs: dict[str, dict[str, Any]]) -> list[str]:
    """The targets table for the largest N with figures, and notes for those missed."""
    if not runs:
        return []
    n = max(runs, key=int)
    run = runs[n]
    lines = [
        f'Checked at N = {int(n):,} (the largest run); "–" where a step was not run.',
        "",
        "| target | bound | measured | met |",
        "|---|---|---|---|",
    ]
    missed: list[Target] = []
    for target in TARGETS:
        figure, bound = target.figure(run), target.bound(run)
        if figure is None or bound is None:
            verdict = "not measured"
        else:
            ok = figure <= bound if target.at_most else figure >= bound
            verdict = "yes" if ok else "**no**"
            if not ok:
                missed.append(target)
        sign = "≤" if target.at_most else "≥"
        measured = "–" if figure is None else f"{_fmt(figure)} {target.unit}"
        limit = "–" if bound is None else f"{sign} {_fmt(bound)} {target.unit}"
        lines.append(f"| {target.what} | {limit} | {measured} | {verdict} |")
    for target in missed:
        lines += ["", f"- **{target.what}**: {_gap(target, run)}"]
        if target.if_missed:
            earlier = f"From the profile of an earlier run ({target.profiled}), not this one"
            lines[-1] += f" {earlier}: {target.if_missed}"
    return lines


def _gap(target: Target, run: dict[str, Any]) -> str:
    """How far this run's figure is from the bound, from the figures alone."""
    figure, bound = target.figure(run), target.bound(run)
    assert figure is not None and bound is not None
    ratio = figure / bound if target.at_most else bound / figure
    side = "over" if target.at_most else "under"
    return (
        f"this run measured {_fmt(figure)} {target.unit} against {_fmt(bound)} {target.unit}, "
        f"{ratio:.1f}× {side} the bound."
    )
