"""Render bench results (JSON, per corpus size) as bench/RESULTS.md.

Why generated: figures copied by hand drift from what was measured; this file is rewritten
by every run from bench/results.json.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import entity_phase_speed, fault_record, targets
from bench.queries import KINDS

Row = tuple[str, Callable[[dict[str, Any]], Any]]


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    return d


def _ms(d: Any, *path: str) -> str:
    """``p50 / p95 / p99`` ms of a summarize_ms dict."""
    s = _get(d, *path)
    if not isinstance(s, dict) or "p50_ms" not in s:
        return _why(d, path[0]) if path else "–"
    return f"{_num(s['p50_ms'])} / {_num(s['p95_ms'])} / {_num(s['p99_ms'])}"


def _num(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        if x >= 100:
            return f"{x:,.0f}"
        if x >= 10:
            return f"{x:.1f}"
        if x >= 1:
            return f"{x:.2f}"
        return f"{x:.3f}"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, list):
        return " → ".join(_num(v) for v in x)
    return str(x)


def _why(d: dict[str, Any], step: str) -> str:
    s = d.get(step)
    if isinstance(s, dict) and "skipped" in s:
        return "skipped"
    if isinstance(s, dict) and "error" in s:
        return "error"
    return "–"


def _val(*path: str) -> Callable[[dict[str, Any]], Any]:
    def get(d: dict[str, Any]) -> Any:
        v = _get(d, *path)
        return _num(v) if v is not None else _why(d, path[0])

    return get


def _lat(*path: str) -> Callable[[dict[str, Any]], Any]:
    return lambda d: _ms(d, *path)


def _table(title: str, rows: list[Row], runs: dict[str, dict[str, Any]]) -> list[str]:
    sizes = list(runs)
    lines = [f"| {title} | " + " | ".join(f"N = {int(n):,}" for n in sizes) + " |"]
    lines.append("|---|" + "---|" * len(sizes))
    for label, get in rows:
        lines.append(f"| {label} | " + " | ".join(str(get(runs[n])) for n in sizes) + " |")
    return lines


def _speed(d: dict[str, Any]) -> str:
    s = _get(d, "entities", "entity_speed")
    if not isinstance(s, dict) or "p50_ms" not in s:
        return "–"
    return f"{_num(s['p50_ms'])} / {_num(s['p95_ms'])}"


OURS: list[Row] = [
    ("Full build, s", _val("build", "elapsed_s")),
    ("Full build, articles/s", _val("build", "articles_per_s")),
    ("Full build, peak RSS of the process tree, MiB", _val("build", "peak_rss_tree_mib")),
    ("Full build, peak RSS of the building process, MiB", _val("build", "max_rss_process_mib")),
    ("Index size, MB", _val("build", "index_mb")),
    ("Reopen unchanged: open + update, s", lambda d: _pair(d, "reopen", "open_s", "update_s")),
    ("Reopen unchanged: whole process, s", _val("reopen", "process_s")),
    ("Update after 1% modified, s", _val("update_1pct", "ours", "update_s")),
    ("Update after 1% modified: files updated", _val("update_1pct", "ours", "report", "updated")),
    ("Query warm, p50 / p95 / p99 ms", _lat("queries_warm", "plain")),
    ("Query warm, no snippets", _lat("queries_warm", "no_snippets")),
    ("Query warm, country filter (KZ)", _lat("queries_warm", "country")),
    ("Query warm, date range 2020–2021", _lat("queries_warm", "dates")),
    ("Query cold (fresh process), all", _lat("queries_cold", "all")),
    ("Query cold, only queries with first-seen terms", _lat("queries_cold", "first_terms")),
    (
        "Query cold, first-seen terms, 50 snippets (fresh process)",
        _lat("queries_cold", "snippets", "first_terms"),
    ),
    ("Article open, p50 / p95 / p99 ms", _lat("queries_warm", "article_open")),
    ("Ingest (read + clean) per article, ms", _lat("entities", "corpus", "ingest")),
    ("Entity extraction per article, ms", _lat("entities", "corpus", "extract")),
    ("bench/entity_speed.py (sample text), p50 / p95 ms", _speed),
    ("One query, whole process, warm server, --no-update", _lat("cli_query", "server_no_update")),
    ("One query, whole process, server, up-to-date check", _lat("cli_query", "server_checked")),
    ("One query, whole process, no server, --no-update", _lat("cli_query", "here_no_update")),
    ("Load average (1 min) during the build", _val("build", "load_1min")),
    ("Load average (1 min) during warm queries", _val("queries_warm", "load_1min")),
]


PEERS: list[Row] = [
    ("recollindex full build, s", _val("recoll", "build", "elapsed_s")),
    ("recollindex full build, articles/s", _val("recoll", "build", "articles_per_s")),
    ("recollindex peak RSS, MiB", _val("recoll", "build", "max_rss_mb")),
    ("Recoll index size, MB", _val("recoll", "build", "index_mb")),
    ("recollindex, nothing changed, s", _val("recoll", "reindex_unchanged", "elapsed_s")),
    ("recollindex after 1% modified, s", _val("update_1pct", "recoll", "elapsed_s")),
    ("recollq whole process, p50 / p95 / p99 ms", _lat("recoll", "recollq")),
    ("recollq -E (exact counts), whole process", _lat("recoll", "recollq_exact")),
    ("recollq -E, beside archive-search (bench/cli_query.py)", _lat("cli_query", "recollq_exact")),
    ("Xapian in-process, estimated counts", _lat("recoll", "xapian", "estimated")),
    ("Xapian in-process, exact counts", _lat("recoll", "xapian", "exact")),
    ("Load average (1 min) during the Recoll step", _val("recoll", "load_1min")),
]


def _pair(d: dict[str, Any], step: str, a: str, b: str) -> str:
    s = d.get(step)
    if not isinstance(s, dict) or a not in s:
        return _why(d, step)
    return f"{_num(s[a])} + {_num(s[b])}"


def _by_kind(run: dict[str, Any]) -> list[str]:
    kinds: list[str] = []
    sources = [
        ("ours warm", _get(run, "queries_warm", "plain", "by_kind")),
        ("ours warm, no snippets", _get(run, "queries_warm", "no_snippets", "by_kind")),
        ("ours cold", _get(run, "queries_cold", "by_kind")),
        ("recollq", _get(run, "recoll", "recollq", "by_kind")),
        ("Xapian est.", _get(run, "recoll", "xapian", "estimated_by_kind")),
        ("Xapian exact", _get(run, "recoll", "xapian", "exact_by_kind")),
    ]
    sources = [(name, s) for name, s in sources if isinstance(s, dict)]
    for _, s in sources:
        kinds += [k for k in s if k not in kinds]
    kinds.sort(key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS))
    if not sources:
        return []
    lines = ["| kind (queries) | " + " | ".join(name for name, _ in sources) + " |"]
    lines.append("|---|" + "---|" * len(sources))
    for kind in kinds:
        count = next((s[kind]["n"] for _, s in sources if kind in s), 0)
        cells = []
        for _, s in sources:
            k = s.get(kind)
            cells.append(f"{_num(k['p50_ms'])} / {_num(k['p95_ms'])}" if k else "n/a")
        lines.append(f"| {kind} ({count}) | " + " | ".join(cells) + " |")
    return lines


CORE = {"machine", "corpus", "build", "reopen", "queries_warm", "queries_cold", "recoll"}
CORE |= {"update_1pct", "entities", "cli_query"}


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if not isinstance(d, dict):
        return [(prefix, d)]
    out: list[tuple[str, Any]] = []
    for k, v in d.items():
        out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
    return out


SECTIONS = Path(__file__).resolve().parent / "sections"
"""Sections written by other runs (each file says which run and command made it):
bench/sections/NN-name.md, kept in RESULTS.md in name order across full runs."""


def recorded_sections() -> list[str]:
    lines: list[str] = []
    for path in sorted(SECTIONS.glob("*.md")):
        lines += ["", *path.read_text(encoding="utf-8").rstrip().splitlines()]
    return lines


def render(results: dict[str, dict[str, Any]], quick: bool = False) -> str:
    runs = {n: results[n] for n in sorted(results, key=int)}
    lines = ["# Benchmark results", ""]
    lines.append(
        "Written by `python -m bench` (bench/run.py) from bench/results.json; do not edit by "
        "hand. Corpora are synthetic (bench/gen_corpus.py, seed 0), shaped like "
        "resources/sample-archive. Latencies are over the fixed query mix of bench/queries.py "
        "(one word common/rare, two words, phrases, prefix `coop*`, fuzzy `cooperaton~`, "
        "entity names, the empty query); top 50 hits."
    )
    if quick:
        lines += ["", "**Quick smoke run (1,000 articles, a quarter of the query mix).**"]
    lines += ["", "## Where", ""]
    lines.append(
        "| N | date | commit | CPUs | CPU | memory | platform | python | whoosh | recoll | xapian |"
    )
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for n, run in runs.items():
        m = run.get("machine", {})
        keys = ("date", "commit", "cpus", "cpu", "memory", "platform", "python")
        cells = [m.get(k, "–") for k in keys]
        cells += [m.get(k, "–") for k in ("whoosh", "recoll", "xapian")]
        lines.append(f"| {int(n):,} | " + " | ".join(str(c) for c in cells) + " |")
    lines += ["", "## Targets", "", *targets.section(runs)]
    lines += ["", "## Corpus", ""]
    lines += _table(
        "corpus",
        [
            ("Files", _val("corpus", "files")),
            ("Size, MB", _val("corpus", "mb")),
            ("Generation, s (2 processes)", _val("corpus", "generated_in_s")),
        ],
        runs,
    )
    lines += ["", "## Our engine (search.api, Whoosh)", ""]
    lines += _table("measure", OURS, runs)
    lines += ["", "## Peers: Recoll and Xapian on the same corpus", ""]
    lines += _table("measure", PEERS, runs)
    for n, run in runs.items():
        kinds = _by_kind(run)
        if kinds:
            lines += ["", f"## Per query kind at N = {int(n):,}: p50 / p95 ms", "", *kinds]
    extra = [(n, k, v) for n, r in runs.items() for k, v in r.items() if k not in CORE]
    if extra:
        lines += ["", "## Plug-in measurements", "", "| N | measure | value |", "|---|---|---|"]
        for n, name, value in extra:
            for key, v in _flatten(value, name):
                lines.append(f"| {int(n):,} | {key} | {_num(v)} |")
    notes = [
        (n, k, v.get("skipped") or v.get("error"))
        for n, r in runs.items()
        for k, v in r.items()
        if isinstance(v, dict) and ("skipped" in v or "error" in v)
    ]
    if notes:
        lines += ["", "## Not measured", ""]
        lines += [f"- N = {int(n):,}, {k}: {why}" for n, k, why in notes]
    lines += entity_phase_speed.section(entity_phase_speed.load_record())
    lines += recorded_sections()
    lines += fault_record.section(fault_record.load())
    lines += ["", "## How", ""]
    lines += [
        "- Our build: `Archive.open(corpus, index_dir)` + `update()` in a fresh process; "
        "peak RSS of the tree sums the builder and its worker processes (sampled every 0.2 s).",
        "- Warm queries: the mix is run once, then timed; `Archive.search` with `limit=50`, "
        "facets and snippets as the GUI asks them. Cold: a fresh process times the mix once "
        "right after `Archive.open`.",
        "- Update after 1%: `gen_corpus.modify` rewrites 1% of the files (an added paragraph), "
        "our index and Recoll's are updated, then the files are put back.",
        "- Recoll: private RECOLL_CONFDIR, `topdirs` = the corpus, text/plain only, "
        "`recollindex -z` timed with wait4 (peak RSS of recollindex itself). `recollq -n 0-50` "
        "is timed as a whole process; Recoll expands stems at query time and has no fuzzy "
        "search (fuzzy queries skipped; the empty query is `mime:text/plain`).",
        "- Xapian: python3-xapian under /usr/bin/python3 on Recoll's xapiandb, unstemmed, "
        "AND of terms, `get_mset(0, 50)` (estimated count) or with `check_at_least` = "
        "database size (exact count); the mix is run once before timing.",
    ]
    return "\n".join(lines) + "\n"
