"""The benchmark runner: corpora, then each measurement as a step returning a dict.

Why steps: a failing or unavailable measurement (Recoll not installed, engine API not
there yet) must not lose the others, and measurements added later (the GUI's) plug in as
``bench/measure_*.py`` modules with ``measure(ctx: Context) -> dict`` (optional ``TITLE``),
run after the built-in steps with the index already built.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import cli_query, gen_corpus, ours, recoll_peer
from bench.report import render

BENCH = Path(__file__).resolve().parent
QUICK_N = 1000
MODIFY_PCT = 1.0


@dataclass(slots=True)
class Context:
    """What a measurement gets: the corpus, where to work, and how thorough to be."""

    n: int
    corpus: Path
    out: Path
    index_dir: Path
    """Our engine's index of ``corpus``, built by the ``build`` step."""
    work: Path
    """Scratch space for this N (Recoll's configuration and index live here)."""
    quick: bool
    seed: int = 0
    allow_install: bool = True
    results: dict[str, Any] = field(default_factory=dict)
    """Results of the steps run so far for this N."""

    @property
    def stride(self) -> int:
        return 4 if self.quick else 1


Step = Callable[[Context], dict[str, Any]]


def step_corpus(ctx: Context) -> dict[str, Any]:
    manifest = gen_corpus.ensure_corpus(ctx.corpus, ctx.n, ctx.seed)
    return {
        "files": manifest["files"],
        "mb": round(manifest["bytes"] / 1e6, 1),
        "generated_in_s": manifest["elapsed_s"],
        "reused": bool(manifest.get("reused")),
        "generator_version": manifest["generator_version"],
        "seed": manifest["seed"],
    }


def _needs_api(ctx: Context) -> None:
    reason = ctx.results.get("_api_missing")
    if reason:
        raise Skipped(f"search.api not usable: {reason}")


def step_build(ctx: Context) -> dict[str, Any]:
    reason = ours.api_ready()
    if reason:
        ctx.results["_api_missing"] = reason
    _needs_api(ctx)
    return ours.full_build(ctx.corpus, ctx.index_dir, ctx.n)


def step_reopen(ctx: Context) -> dict[str, Any]:
    _needs_api(ctx)
    return ours.incremental(ctx.corpus, ctx.index_dir)


def step_queries_warm(ctx: Context) -> dict[str, Any]:
    _needs_api(ctx)
    result = ours.queries_warm(ctx.corpus, ctx.index_dir, ctx.stride)
    for variant in ("plain", "no_snippets", "country", "dates"):
        result[variant].pop("totals", None)
    return result


def step_queries_cold(ctx: Context) -> dict[str, Any]:
    _needs_api(ctx)
    return ours.queries_cold(ctx.corpus, ctx.index_dir, ctx.stride)


def step_recoll(ctx: Context) -> dict[str, Any]:
    result = recoll_peer.measure(
        ctx.corpus, ctx.work, ctx.n, allow_install=ctx.allow_install and not ctx.quick
    )
    if "skipped" in result:
        raise Skipped(f"Recoll: {result['skipped']}")
    for key in ("recollq", "recollq_exact"):
        result.get(key, {}).pop("counts", None)
    for key in ("estimated_counts", "exact_counts"):
        result["xapian"].pop(key, None)
    return result


def step_cli_query(ctx: Context) -> dict[str, Any]:
    """``archive-search query`` as a whole process beside ``recollq -E`` (bench/cli_query.py);
    after the recoll step, whose index it uses."""
    _needs_api(ctx)
    return cli_query.measure(ctx.corpus, ctx.index_dir, ctx.work, rounds=1 if ctx.quick else 3)


def step_update_1pct(ctx: Context) -> dict[str, Any]:
    """Rewrite 1% of the files, update our index and Recoll's, then put the files back."""
    changed = gen_corpus.modify(ctx.corpus, ctx.n, MODIFY_PCT, ctx.seed, revision=1)
    out: dict[str, Any] = {"pct": MODIFY_PCT, "files_changed": len(changed)}
    try:
        built = ctx.results.get("build", {})
        if ctx.index_dir.is_dir() and not ({"error", "skipped"} & set(built)):
            out["ours"] = ours.incremental(ctx.corpus, ctx.index_dir)
        if recoll_peer.has_index(ctx.work) and recoll_peer.missing_reason() is None:
            out["recoll"] = recoll_peer.reindex_after_change(ctx.work, ctx.n)
    finally:
        gen_corpus.modify(ctx.corpus, ctx.n, MODIFY_PCT, ctx.seed, revision=0)
    return out


def step_entities(ctx: Context) -> dict[str, Any]:
    _needs_api(ctx)
    return ours.entities(ctx.corpus, 100 if ctx.quick else 500, ctx.quick)


STEPS: list[tuple[str, Step]] = [
    ("corpus", step_corpus),
    ("build", step_build),
    ("reopen", step_reopen),
    ("queries_warm", step_queries_warm),
    ("queries_cold", step_queries_cold),
    ("recoll", step_recoll),
    ("cli_query", step_cli_query),
    ("update_1pct", step_update_1pct),
    ("entities", step_entities),
]


class Skipped(Exception):
    """A measurement that cannot run here; recorded with its reason, not an error."""


def plugins() -> list[tuple[str, Step]]:
    """``bench/measure_*.py`` modules, in name order."""
    found = []
    for info in sorted(pkgutil.iter_modules([str(BENCH)]), key=lambda m: m.name):
        if info.name.startswith("measure_"):
            module = importlib.import_module(f"bench.{info.name}")
            found.append((info.name.removeprefix("measure_"), module.measure))
    return found


def code_version() -> str:
    """The commit of the checkout being measured, ``+changes`` when its search/, gui/ or
    bench/ differ from it, so columns of RESULTS.md show whether one code version made
    them ("unknown" outside a git checkout)."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "search", "gui", "bench"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    changed = [line for line in dirty.splitlines() if not line.endswith(_WRITTEN_BY_RUN)]
    return head + ("+changes" if changed else "")


_WRITTEN_BY_RUN = ("bench/results.json", "bench/RESULTS.md")
"""What a run itself rewrites: no change to the code measured."""


def machine() -> dict[str, Any]:
    """Where and with what the figures were taken."""
    from importlib import metadata

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 2**20:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    info: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "commit": code_version(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "whoosh": version("whoosh-reloaded"),
        "numpy": version("numpy"),
        "deflate": _deflate_backend(),
    }
    if recoll_peer.missing_reason() is None:
        v = recoll_peer.versions()
        info["recoll"], info["xapian"] = v["recollcmd"], v["python3-xapian"]
    return info


def _deflate_backend() -> str:
    """Which library compressed the index (ISA-L or zlib): the build's and snippets'
    figures depend on it (`search.store.deflate`)."""
    from search.store.deflate import backend

    return backend()


def run_n(
    n: int,
    out: Path,
    quick: bool,
    only: set[str] | None,
    install: bool,
    save: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """All steps for one corpus size; ``save`` is called after each (partial runs count)."""
    ctx = Context(
        n=n,
        corpus=out / f"corpus-{n}",
        out=out,
        index_dir=out / f"index-{n}",
        work=out / f"work-{n}",
        quick=quick,
        allow_install=install,
    )
    ctx.work.mkdir(parents=True, exist_ok=True)
    ctx.results["machine"] = machine()
    for name, step in STEPS + plugins():
        if only is not None and name not in only and name != "corpus":
            continue
        print(f"[bench] N={n} {name} ...", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        load_before = os.getloadavg()[0]
        try:
            ctx.results[name] = step(ctx)
        except Skipped as exc:
            ctx.results[name] = {"skipped": str(exc)}
        except Exception as exc:
            traceback.print_exc()
            ctx.results[name] = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
        took = time.perf_counter() - t0
        ctx.results[name]["load_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
        state = next((k for k in ("skipped", "error") if k in ctx.results[name]), "ok")
        print(f"[bench] N={n} {name}: {state} in {took:.1f} s", file=sys.stderr, flush=True)
        save({k: v for k, v in ctx.results.items() if not k.startswith("_")})
    return {k: v for k, v in ctx.results.items() if not k.startswith("_")}


def merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Results per N; a partial run (``--only``) replaces only the steps it ran."""
    merged = {k: dict(v) for k, v in old.items()}
    for n, steps in new.items():
        merged.setdefault(n, {}).update(steps)
    return merged


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--quick", action="store_true", help=f"{QUICK_N} articles, smoke run")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="corpora, indexes, JSON")
    ap.add_argument("--only", default=None, help="comma-separated step names to run")
    ap.add_argument("--no-install", action="store_true", help="never apt-get install Recoll")
    ap.add_argument(
        "--results",
        type=Path,
        default=None,
        help="markdown to write (default: bench/RESULTS.md; with --quick: OUT/RESULTS.md)",
    )
    args = ap.parse_args(argv)
    sizes = [QUICK_N] if args.quick else [int(s) for s in args.n.split(",") if s.strip()]
    only = set(args.only.split(",")) if args.only else None
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.quick:
        store, md = out / "results.json", args.results or out / "RESULTS.md"
    else:
        store, md = BENCH / "results.json", args.results or BENCH / "RESULTS.md"
    old = json.loads(store.read_text(encoding="utf-8")) if store.exists() else {}
    new: dict[str, dict[str, Any]] = {}

    def save_for(n: int) -> Callable[[dict[str, Any]], None]:
        def save(partial: dict[str, Any]) -> None:
            new[str(n)] = partial
            results = merge(old, new)
            text = json.dumps(results, indent=1, sort_keys=True) + "\n"
            store.write_text(text, encoding="utf-8")
            md.write_text(render(results, quick=args.quick), encoding="utf-8")

        return save

    for n in sizes:
        run_n(n, out, args.quick, only, not args.no_install, save_for(n))
    print(f"[bench] wrote {md} and {store}", file=sys.stderr)
    errors = [f"N={n} {k}" for n, r in new.items() for k, v in r.items() if "error" in v]
    if errors:
        print(f"[bench] failed: {', '.join(errors)}", file=sys.stderr)
        return 1
    return 0
