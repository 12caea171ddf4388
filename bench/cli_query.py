"""``archive-search query`` as a whole process, beside ``recollq -E``, in one run (issue #17).

What a script feels: each query a fresh process, timed from spawn to exit. Modes, with the
queries interleaved so the machine's load falls on all of them alike:

- ``server_no_update``: ``--no-update``, answered by the archive's warm query server
  (search/cli_server.py, started before timing);
- ``server_checked``: the default up-to-date check, nothing changed, through the server;
- ``here_no_update`` / ``here_checked``: the same in the command's own process
  (``ARCHIVE_SEARCH_SERVER=0``: the engine imported, the index opened, the folder walked
  each time, as before the server), fewer rounds (seconds each at 10^5);
- ``first_query``: a query that has to start the server (stopped before each);
- ``python_startup``: ``python -c pass`` with this interpreter, the floor of any client;
- ``recollq_exact``: ``recollq -E -n 0-20`` on the same queries (exact counts, as ours),
  when the bench's Recoll index of this corpus is there (the ``recoll`` step makes it).

Both print 20 hits: our command's default (each with a snippet), recollq ``-n 0-20`` (a
result line each, no abstracts).
Fuzzy queries are left out (Recoll has none); the empty query is ``mime:text/plain`` there.

Usage: ``python -m bench.cli_query [--n 10000,100000] [--out bench/out] [--record]``
(``--record``: into bench/cli_query.json, rendered as bench/sections/50-cli-query.md, and
RESULTS.md rendered again from bench/results.json with it).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import recoll_peer, wheel_install
from bench.queries import Query, query_mix
from bench.util import summarize_ms

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RECORD = BENCH / "cli_query.json"
SECTION = BENCH / "sections" / "50-cli-query.md"
RESULTS = BENCH / "results.json"
QUERIES = 40
"""Queries per round: every k-th of the mix, fuzzy ones left out."""
LIMIT = 20
"""Hits printed: the command's default (each with its snippet); recollq ``-n 0-20``."""


def queries(count: int = QUERIES) -> list[Query]:
    mix = [q for q in query_mix() if q.kind != "fuzzy"]
    step = max(1, len(mix) // count)
    return mix[::step][:count]


def command(work: Path | None = None) -> tuple[list[str], str]:
    """What a user's ``pip install .`` gives: this tree's wheel in a fresh venv under ``work``
    (bench/wheel_install.py), and how it is installed. Without ``work``, or when the wheel
    cannot be built, the ``archive-search`` beside this interpreter, else ``python -m
    search`` (an editable install imports a finder at every start)."""
    if work is not None:
        try:
            with tempfile.TemporaryDirectory(prefix="wheel") as tmp:
                wheel_install.install(wheel_install.build_wheel(Path(tmp)), work / "wheel-venv")
            return [str(work / "wheel-venv" / "bin" / "archive-search")], "an installed wheel"
        except (wheel_install.InstallError, OSError, subprocess.SubprocessError) as exc:
            print(f"[cli_query] no wheel install ({exc}); timing this environment's command")
    script = Path(sys.executable).with_name("archive-search")
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    wheel = script.parent.parent / "lib" / version / "site-packages" / "search" / "cli.py"
    kind = "an installed wheel" if wheel.exists() else "an editable install or source tree"
    if script.exists():
        return [str(script)], kind
    return [sys.executable, "-m", "search"], kind


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds from spawn to exit, and the process's CPU seconds (user + system, its
    waited-for children included), from wait4; output to /dev/null."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{cmd} failed: {err.read().decode()[-500:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(runtime: Path) -> float:
    """CPU seconds used so far by the query servers whose socket is in ``runtime``."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            if b"search.cli_server" not in cmdline or str(runtime).encode() not in cmdline:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime
    return total


class Runner:
    def __init__(self, corpus: Path, index_dir: Path, runtime: Path, work: Path) -> None:
        self.base, self.kind = command(work)
        beside = Path(self.base[0]).with_name("python")
        self.python = str(beside) if beside.exists() else sys.executable
        """The interpreter that runs the command, timed alone for scale."""
        self.corpus, self.index_dir, self.runtime = corpus, index_dir, runtime
        self.env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), ARCHIVE_SEARCH_SERVER="1")
        self.env["ARCHIVE_SEARCH_SERVER_IDLE"] = "3600"

    def ours(
        self, text: str, *, check: bool, server: bool, base: list[str] | None = None
    ) -> tuple[float, float]:
        """Wall and CPU seconds of one query (a server's CPU for it included)."""
        cmd = [*(base or self.base), "query", text, "--archive", str(self.corpus)]
        cmd += ["--index-dir", str(self.index_dir)]
        cmd += [] if check else ["--no-update"]
        env = self.env if server else dict(self.env, ARCHIVE_SEARCH_SERVER="0")
        before = server_cpu(self.runtime) if server else 0.0
        wall, cpu = _timed(cmd, env)
        if server:
            cpu += max(0.0, server_cpu(self.runtime) - before)
        return wall, cpu

    def stop(self) -> None:
        subprocess.run(
            [*self.base, "query-server", "stop"], env=self.env, capture_output=True, check=False
        )


def _recollq(confdir: Path, q: Query) -> tuple[float, float]:
    text = recoll_peer.recollq_text(q) or ""
    cmd = ["recollq", "-c", str(confdir), "-n", f"0-{LIMIT}", "-E", text]
    return _timed(cmd, dict(os.environ, RECOLL_CONFDIR=str(confdir)))


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def measure(
    corpus: Path,
    index_dir: Path,
    work: Path,
    rounds: int = 3,
    here_rounds: int = 1,
    before: list[str] | None = None,
) -> dict[str, Any]:
    """Every mode over the same queries; figures in ms, with N and the load around each."""
    mix = queries()
    runtime = Path(tempfile.mkdtemp(prefix="rt", dir="/tmp"))  # short: sun_path is 108 bytes
    os.chmod(runtime, 0o700)
    runner = Runner(corpus, index_dir, runtime, work)
    confdir = work / "recoll-conf"
    recoll = recoll_peer.has_index(work) and recoll_peer.missing_reason() is None
    if recoll and not recoll_peer.recollq_exact_flag():
        recoll = False
    times: dict[str, list[tuple[float, float]]] = {}

    def add(mode: str, timed: tuple[float, float]) -> None:
        times.setdefault(mode, []).append(timed)

    loads: list[float] = [_load()]
    try:
        for _ in range(2):  # the server started, its first-time words and page cache warm
            for q in mix:
                runner.ours(q.text, check=False, server=True)
                if recoll:
                    _recollq(confdir, q)
        runner.ours("", check=True, server=True)  # the server's first check: walk once
        for _ in range(rounds):
            for q in mix:
                add("python_startup", _timed([runner.python, "-c", "pass"], runner.env))
                add("server_no_update", runner.ours(q.text, check=False, server=True))
                add("server_checked", runner.ours(q.text, check=True, server=True))
                if recoll:
                    add("recollq_exact", _recollq(confdir, q))
            loads.append(_load())
        for q in mix[:: max(1, len(mix) // 8)][: 8 * here_rounds]:
            add("here_no_update", runner.ours(q.text, check=False, server=False))
            add("here_checked", runner.ours(q.text, check=True, server=False))
            if before:
                add("before_no_update", runner.ours(q.text, check=False, server=False, base=before))
                add("before_checked", runner.ours(q.text, check=True, server=False, base=before))
        loads.append(_load())
        for q in mix[:3]:
            runner.stop()
            time.sleep(0.5)
            add("first_query", runner.ours(q.text, check=False, server=True))
        loads.append(_load())
    finally:
        runner.stop()
        shutil.rmtree(runtime, ignore_errors=True)
    out: dict[str, Any] = {}
    for mode, timed in times.items():
        out[mode] = summarize_ms([wall for wall, _ in timed])
        out[mode]["cpu_mean_ms"] = round(1000 * sum(cpu for _, cpu in timed) / len(timed), 2)
    if not recoll:
        out["recollq_exact"] = {"skipped": "no Recoll index of this corpus (run the recoll step)"}
    out["queries"] = len(mix)
    out["command"] = " ".join(Path(c).name for c in runner.base)
    out["before"] = " ".join(before) if before else None
    out["install"] = runner.kind
    out["nproc"] = os.cpu_count()
    out["load_1min"] = loads
    out["date"] = time.strftime("%Y-%m-%d %H:%M")
    return out


def _cell(d: dict[str, Any], key: str) -> str:
    s = d.get(key)
    if not isinstance(s, dict) or "p50_ms" not in s:
        return "–"
    return f"{s['p50_ms']:.1f} / {s['p95_ms']:.1f} (N {s['n']}; CPU {s['cpu_mean_ms']:.1f})"


ROWS = [
    ("the interpreter alone (`python -c pass`), for scale", "python_startup"),
    ("archive-search, warm server, --no-update", "server_no_update"),
    ("archive-search, warm server, up-to-date check (nothing changed)", "server_checked"),
    ("archive-search in its own process (no server), --no-update", "here_no_update"),
    ("archive-search in its own process, up-to-date check", "here_checked"),
    ("archive-search, first query (starts the server)", "first_query"),
    ("before (the code without the server, `--before`), --no-update", "before_no_update"),
    ("before, up-to-date check", "before_checked"),
    ("recollq -E -n 0-20 (exact counts), same queries, same run", "recollq_exact"),
]


PROFILE = (
    "Profile of the command before the server (commit 5ccd146, the sample of 10,000 "
    "articles, 2026-12-01 18:56, 1-min load 13.8 on 2 CPUs: times several-fold an idle "
    "machine's; cProfile on), one `query trade --no-update` in its own process: imports "
    "4.2 s (`-X importtime` at load 12-13: search.api 0.76-1.97 s, of it search.query with "
    "numpy, whoosh.qparser and the entity tables of search.entities; search.cli_entities "
    "0.40-0.72 s; dateutil 0.15 s), then Archive.open 0.64 s (the per-document content "
    "hashes 0.33 s, open_or_create 0.20 s, the Whoosh probe 0.05 s, the mapped table "
    "0.04 s), the parser 0.17 s, the search 0.16 s (its 20 snippets 0.14 s). The warm "
    "server's answer at the same load (cProfile off): 46 ms p50, of which the search 42 "
    "(snippets 37); parsing, the checks (still_valid, refresh, the watch) and the recorded "
    "output about 3 ms. At 100,000 (19:35, load 5.6, cProfile on) the answer to a common "
    "word is 52-61 ms, of which its 20 snippets 38 and the search with facets and stories "
    "about 14. The client, installed (19:40, load 15): 60 ms of CPU a query, 17 of them the "
    "interpreter's start-up and most of the rest `import logging` (re, enum, traceback, "
    "pulled in by search/__init__) and json; without them (search.model sets the engine "
    "logger's level, marshal and _socket on the private socket): 16.5 ms at load 22. What "
    "remains per query is the interpreter's start-up and the search with its snippets."
)
"""A profile of a named earlier run (not remeasured by each run), shown under the table."""


def section(record: dict[str, Any]) -> list[str]:
    """The Markdown section of the recorded runs, one column per N."""
    sizes = sorted(record, key=int)
    if not sizes:
        return []
    lines = [
        "## One query as a whole process: archive-search beside recollq -E (issue #17)",
        "",
        "Written by `python -m bench.cli_query --record` (bench/cli_query.py); each column is "
        "one run, its date, machine and load below. Each figure is spawn to exit of one "
        "process, p50 / p95 ms, N processes timed, and the mean CPU time per query (user + "
        "system of the process, and of the server for its answer), which the machine's "
        "other load moves far less than the wall time; the modes were interleaved query by query "
        "over the same queries (every k-th of bench/queries.py without fuzzy ones); both "
        "print 20 hits: ours its default (each with a snippet), recollq `-n 0-20 -E` (a "
        "result line each). `XDG_RUNTIME_DIR` is set, as in a desktop session.",
        "",
        "| measure | " + " | ".join(f"N = {int(n):,}" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for label, key in ROWS:
        lines.append(f"| {label} | " + " | ".join(_cell(record[n], key) for n in sizes) + " |")
    lines.append("")
    for n in sizes:
        r = record[n]
        load = " → ".join(f"{x:g}" for x in r.get("load_1min", []))
        lines.append(
            f"- N = {int(n):,}: {r.get('date', '?')}, {r.get('nproc', '?')} CPUs, "
            f"1-min load {load}; `{r.get('command', '?')}` of {r.get('install', '?')} "
            f"(the `before` command runs the old checkout from source), "
            f"{r.get('queries', '?')} queries per round"
            + (f"; before: `{r['before']}`." if r.get("before") else ".")
        )
    lines += [
        "",
        "The warm server answers over a Unix socket; the client process is the Python "
        "interpreter's start-up plus _socket and marshal. The command timed is this tree's "
        "wheel installed in a fresh venv, as `pip install .` gives a user "
        "(bench/wheel_install.py): an editable install would add its import finder, some "
        "25 ms, to every start. The up-to-date check through the "
        "server is an inotify watch of the archive's folders (search/cli_watch.py): when no "
        "event came since the last check, nothing is walked.",
        "",
        PROFILE,
    ]
    return lines


def _into_results(n: int, result: dict[str, Any]) -> None:
    """As ``python -m bench --only cli_query`` would: this step of N replaced in
    results.json (which the targets read), the other steps and their machine kept."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    results.setdefault(str(n), {})["cli_query"] = result
    RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def load_record() -> dict[str, Any]:
    return json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", default="10000,100000", help="corpus sizes (built by python -m bench)")
    ap.add_argument("--out", type=Path, default=BENCH / "out", help="corpus-N, index-N, work-N")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--record", action="store_true")
    ap.add_argument(
        "--before",
        help="the command of the code before the server, e.g. 'env PYTHONPATH=OLD python -m "
        "search' for a checkout OLD, timed in its own process beside ours",
    )
    args = ap.parse_args(argv)
    record = load_record()
    for n in [int(s) for s in args.n.split(",") if s.strip()]:
        corpus, index = args.out / f"corpus-{n}", args.out / f"index-{n}"
        if not index.is_dir():
            print(f"no index {index}: run python -m bench --n {n} first", file=sys.stderr)
            return 2
        print(f"[cli_query] N={n} ...", file=sys.stderr, flush=True)
        before = shlex.split(args.before) if args.before else None
        result = measure(corpus, index, args.out / f"work-{n}", args.rounds, before=before)
        print(json.dumps(result, indent=1))
        record[str(n)] = result
        if args.record:
            _into_results(n, result)
            RECORD.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", "utf-8")
            SECTION.write_text("\n".join(section(record)) + "\n", encoding="utf-8")
    if args.record:
        from bench.report import render

        results = json.loads(RESULTS.read_text(encoding="utf-8"))
        (BENCH / "RESULTS.md").write_text(render(results), encoding="utf-8")
        print(f"wrote {RECORD}, {SECTION} and bench/RESULTS.md", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
