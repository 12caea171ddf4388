"""Speed and memory of the two phases of an update (issue #12), from one run.

    python -m bench.entity_phase_speed --archive CORPUS --index-dir DIR [--seconds S]
        [--query WORD] [--out FILE] [--record]

In this process (the indexing process), on a fresh ``DIR`` (deleted first):

1. ``Archive.open`` on the empty index, then ``update(entities=False)`` (the text phase)
   in a thread while this thread polls ``archive.search(SearchRequest(text=WORD))``
   every 0.1 s: the time from the open to the first search that finds something, and
   the text phase's articles/s.
2. ``update()`` on that index: the text phase has nothing to do, the entity phase
   recognises every article (spaCy and our rules, in worker processes). With
   ``--seconds S`` it is cancelled through the cancel callback S seconds after its first
   progress report; what was done, in how long, and that it was capped are reported.

A sampler thread reads ``/proc`` every 0.2 s during both: the resident set (VmRSS) of this
process and of each descendant (the worker processes), their high-water marks (VmHWM),
and their sum. psutil is not used (not installed here); ``/proc`` says the same.
Figures are per phase; this process's VmHWM only grows, so its peak in the entity phase
is the largest VmRSS sampled then.

The JSON goes to ``--out`` (default ``bench/out/entity-phase-N.json``); ``--record``
also stores it under N in ``bench/entity_phase.json`` and re-renders bench/RESULTS.md,
whose "Entity phase (issue #12)" section is written from that file alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RECORD = BENCH / "entity_phase.json"
RESULTS = BENCH / "results.json"
SAMPLE_S = 0.2
POLL_S = 0.1


# -- /proc ----------------------------------------------------------------------------------


def _status_kib(pid: int, *keys: str) -> dict[str, int]:
    """``VmRSS``/``VmHWM``... of ``pid`` in KiB (missing when the process is gone)."""
    out: dict[str, int] = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in keys:
                    out[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return out


def descendants(root: int) -> list[int]:
    """Pids below ``root`` (children, their children...), from /proc/*/stat."""
    children: dict[int, list[int]] = {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    found: list[int] = []
    todo = list(children.get(root, ()))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


@dataclass
class PhaseMemory:
    """Peaks of one phase, in KiB."""

    self_rss: int = 0
    self_hwm: int = 0
    tree_rss: int = 0
    workers: dict[int, int] = field(default_factory=dict)
    """pid -> largest VmHWM seen, for descendants that look like worker processes."""
    others: dict[int, int] = field(default_factory=dict)
    """pid -> largest VmHWM of other descendants (multiprocessing's resource tracker)."""
    samples: int = 0
    load_sum: float = 0.0
    load_max: float = 0.0

    def to_json(self) -> dict[str, Any]:
        def mib(kib: int) -> float:
            return round(kib / 1024, 1)

        return {
            "self_peak_rss_mib": mib(self.self_rss),
            "self_vmhwm_mib": mib(self.self_hwm),
            "workers": len(self.workers),
            "largest_worker_peak_mib": mib(max(self.workers.values(), default=0)),
            "workers_peak_mib": [mib(v) for _, v in sorted(self.workers.items())],
            "other_children_peak_mib": [mib(v) for _, v in sorted(self.others.items())],
            "tree_peak_rss_mib": mib(self.tree_rss),
            "samples": self.samples,
            "load_1min_mean": round(self.load_sum / self.samples, 2) if self.samples else None,
            "load_1min_max": round(self.load_max, 2),
        }


class Sampler(threading.Thread):
    """RSS of this process and its descendants every ``SAMPLE_S``, into the current phase."""

    def __init__(self) -> None:
        super().__init__(daemon=True, name="rss-sampler")
        self.phase = ""
        self.phases: dict[str, PhaseMemory] = {}
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._kinds: dict[int, bool] = {}

    def set_phase(self, phase: str) -> None:
        with self._lock:
            self.phase = phase
        self.sample()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_S):
            self.sample()

    def _is_worker(self, pid: int) -> bool:
        if pid not in self._kinds:
            line = _cmdline(pid)
            self._kinds[pid] = "multiprocessing" in line and "resource_tracker" not in line
        return self._kinds[pid]

    def sample(self) -> None:
        with self._lock:
            if not self.phase:
                return
            mem = self.phases.setdefault(self.phase, PhaseMemory())
            own = _status_kib(os.getpid(), "VmRSS", "VmHWM")
            total = own.get("VmRSS", 0)
            mem.self_rss = max(mem.self_rss, total)
            mem.self_hwm = max(mem.self_hwm, own.get("VmHWM", 0))
            for pid in descendants(os.getpid()):
                kid = _status_kib(pid, "VmRSS", "VmHWM")
                if not kid:
                    continue
                total += kid.get("VmRSS", 0)
                into = mem.workers if self._is_worker(pid) else mem.others
                into[pid] = max(into.get(pid, 0), kid.get("VmHWM", 0))
            mem.tree_rss = max(mem.tree_rss, total)
            mem.samples += 1
            now = os.getloadavg()[0]
            mem.load_sum += now
            mem.load_max = max(mem.load_max, now)


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict[str, Any]:
    from importlib import metadata

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

    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "spacy": version("spacy"),
        "whoosh": version("whoosh-reloaded"),
    }


# -- the run --------------------------------------------------------------------------------


def _commit() -> str | None:
    """HEAD, and "+changes" when search/ has uncommitted edits (what the run measured)."""
    import subprocess

    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "search"],
            check=False,
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return None
    return (head + (" +changes in search/" if dirty else "")) or None


@dataclass
class Timeline:
    """Monotonic times of the progress reports that matter."""

    first: dict[str, float] = field(default_factory=dict)
    last_done: tuple[float, int] = (0.0, 0)
    first_done: tuple[float, int] | None = None
    total: int = 0


def _progress(sampler: Sampler, tl: Timeline) -> Any:
    from search.model import IndexProgress

    def on(p: IndexProgress) -> None:
        now = time.monotonic()
        if p.phase not in tl.first:
            tl.first[p.phase] = now
            if p.phase == "entities":
                sampler.set_phase("entities")
        if p.phase == "entities":
            tl.total = max(tl.total, p.total)
            if p.done:
                tl.last_done = (now, p.done)
                if tl.first_done is None:
                    tl.first_done = (now, p.done)

    return on


def measure(
    corpus: Path, index_dir: Path, seconds: float | None, query: str, log: bool = True
) -> dict[str, Any]:
    from search.api import Archive
    from search.model import SearchRequest
    from search.store.entity_store import EntityStore
    from search.update.entity_phase import recogniser_name

    def say(text: str) -> None:
        if log:
            print(f"[entity_phase] {text} (load {os.getloadavg()[0]:.2f})", file=sys.stderr)

    if index_dir.exists():
        shutil.rmtree(index_dir)
    out: dict[str, Any] = {
        "corpus": str(corpus),
        "index_dir": str(index_dir),
        "query": query,
        "seconds_cap": seconds,
        "machine": machine(),
        "recogniser": recogniser_name()[0],
        "commit": _commit(),
    }
    sampler = Sampler()
    sampler.start()

    # 1. The text phase on a fresh index, searched while it runs.
    sampler.set_phase("text")
    load_text = [load()]
    text_tl = Timeline()
    t_open = time.monotonic()
    archive = Archive.open(corpus, index_dir)
    opened = time.monotonic()
    reports: dict[str, Any] = {}
    failure: list[BaseException] = []

    def text_phase() -> None:
        try:
            reports["text"] = archive.update(progress=_progress(sampler, text_tl), entities=False)
        except BaseException as exc:
            failure.append(exc)

    say(f"text phase of {corpus}")
    worker = threading.Thread(target=text_phase, name="text-phase")
    t_update = time.monotonic()
    worker.start()
    first_hit: float | None = None
    searches = 0
    request = SearchRequest(text=query, limit=1, snippets=False, facets=False)
    while first_hit is None:
        alive = worker.is_alive()
        searches += 1
        if archive.search(request).total > 0:
            first_hit = time.monotonic()
        elif not alive:
            break
        else:
            time.sleep(POLL_S)
    worker.join()
    text_end = time.monotonic()
    if failure:
        raise failure[0]
    load_text.append(load())
    articles = len(archive)
    text_s = text_end - t_update
    text_report = reports["text"]
    out["articles"] = articles
    out["text_phase"] = {
        "open_s": round(opened - t_open, 3),
        "update_s": round(text_s, 2),
        "articles_per_s": round(articles / text_s, 1) if text_s else None,
        "first_hit_after_open_s": round(first_hit - t_open, 2) if first_hit else None,
        "searches_polled": searches,
        "report": text_report.to_json() | {"skipped": len(text_report.skipped)},
        "memory": sampler.phases["text"].to_json(),
        "load": load_text,
    }
    say(f"text phase: {articles} articles in {text_s:.1f} s")

    # 2. update() after it: the entity phase, capped at ``seconds`` from its start.
    ent_tl = Timeline()
    load_ent = [load()]
    sampler.set_phase("scan before entities")

    def capped() -> bool:
        started = ent_tl.first.get("entities")
        return seconds is not None and started is not None and time.monotonic() - started > seconds

    say("entity phase" + (f", capped at {seconds:g} s" if seconds else ""))
    t2 = time.monotonic()
    report = archive.update(progress=_progress(sampler, ent_tl), cancel=capped)
    t_end = time.monotonic()
    load_ent.append(load())
    sampler.stop.set()
    sampler.join()
    sampler.sample()
    start = ent_tl.first.get("entities", t2)
    done = report.entities_done
    elapsed = t_end - start
    phase: dict[str, Any] = {
        "update_s": round(t_end - t2, 2),
        "before_phase_s": round(start - t2, 2),
        "elapsed_s": round(elapsed, 2),
        "total": ent_tl.total,
        "done": done,
        "left": report.entities_left,
        "capped": bool(report.cancelled or (seconds is not None and report.entities_left)),
        "articles_per_s": round(done / elapsed, 2) if elapsed else None,
        "ms_per_article_wall": round(1000 * elapsed / done, 1) if done else None,
        "notes": list(report.notes),
        "memory": sampler.phases.get("entities", PhaseMemory()).to_json(),
        "load": load_ent,
    }
    if ent_tl.first_done is not None:
        (t_first, n_first), (t_last, n_last) = ent_tl.first_done, ent_tl.last_done
        phase["first_batch_after_s"] = round(t_first - start, 2)
        if n_last > n_first and t_last > t_first:
            phase["steady_articles_per_s"] = round((n_last - n_first) / (t_last - t_first), 2)
    out["entity_phase"] = phase
    archive.close()
    with EntityStore.open(index_dir / "entities.sqlite", readonly=True) as store:
        stats = store.stats()
    out["store"] = {
        "articles": stats.articles,
        "mentions": stats.mentions,
        "entities": stats.entities,
        "recognisers": stats.recognisers,
        "mb": round(os.path.getsize(index_dir / "entities.sqlite") / 1e6, 1),
    }
    say(f"entity phase: {done} of {ent_tl.total} in {elapsed:.1f} s")
    return out


# -- the record and its section of RESULTS.md -----------------------------------------------


def load_record() -> dict[str, Any]:
    return json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {}


def record(result: dict[str, Any], command: str, source: Path) -> None:
    """Store ``result`` under its N in bench/entity_phase.json and re-render RESULTS.md."""
    from bench.report import render

    data = load_record()
    data[str(result["articles"])] = result | {"command": command, "json": str(source)}
    RECORD.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    (BENCH / "RESULTS.md").write_text(render(results), encoding="utf-8")


def _f(x: Any, unit: str = "") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        text = f"{x:,.1f}" if abs(x) >= 10 else f"{x:.2f}"
    else:
        text = f"{x:,}" if isinstance(x, int) else str(x)
    return text + unit


def section(data: dict[str, Any]) -> list[str]:
    """The "Entity phase (issue #12)" section of RESULTS.md, from bench/entity_phase.json."""
    if not data:
        return []
    runs = [data[n] for n in sorted(data, key=int)]
    heads = [f"N = {r['articles']:,}" for r in runs]
    lines = ["", "## Entity phase (issue #12)", ""]
    lines.append(
        "Written from bench/entity_phase.json by `python -m bench.entity_phase_speed --record` "
        "(one run per N: every figure in a column comes from that run). The text phase is "
        "`update(entities=False)` on a fresh index; the entity phase is the `update()` after "
        "it (spaCy and our rules in worker processes). The first search that finds something "
        f"is polled every {POLL_S} s from the open on: how soon it finds one depends on when "
        "the engine commits text batches and takes them in (since e90b2f5 the first batch at "
        "500 articles; before, at the end of the phase). Each run measured the engine as it "
        "was then (its recogniser and, where recorded, commit are listed under the table). "
        "Peaks are sampled from /proc every "
        f"{SAMPLE_S} s; the 1-minute load average on this machine, shared with other work, is "
        "given for each phase."
    )
    lines += ["", "| measure | " + " | ".join(heads) + " |", "|---" * (len(runs) + 1) + "|"]

    def row(label: str, get: Any) -> None:
        cells = []
        for r in runs:
            try:
                cells.append(get(r))
            except (KeyError, TypeError):
                cells.append("–")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    def mem(r: dict[str, Any], which: str, key: str) -> str:
        return _f(r[which]["memory"][key])

    def cap(r: dict[str, Any]) -> str:
        e = r["entity_phase"]
        if not e["capped"]:
            return "no (all done)"
        return f"yes, at {r['seconds_cap']:g} s"

    row("Text phase, s", lambda r: _f(r["text_phase"]["update_s"]))
    row("Text phase, articles/s", lambda r: _f(r["text_phase"]["articles_per_s"]))
    row(
        "Open of the new folder to the first search that finds something, s",
        lambda r: _f(r["text_phase"]["first_hit_after_open_s"]),
    )
    row(
        "Text phase, peak RSS of the indexing process, MiB",
        lambda r: mem(r, "text_phase", "self_vmhwm_mib"),
    )
    row(
        "Text phase, worker processes, largest peak RSS, MiB (workers)",
        lambda r: (
            f"{mem(r, 'text_phase', 'largest_worker_peak_mib')} "
            f"({r['text_phase']['memory']['workers']})"
        ),
    )
    row(
        "Text phase, peak RSS of process + workers, MiB",
        lambda r: mem(r, "text_phase", "tree_peak_rss_mib"),
    )
    row("Entity phase capped", cap)
    row(
        "Entity phase, articles done / to do",
        lambda r: f"{r['entity_phase']['done']:,} / {r['entity_phase']['total']:,}",
    )
    row(
        "Entity phase, s (first progress report to the end)",
        lambda r: _f(r["entity_phase"]["elapsed_s"]),
    )
    row("Entity phase, articles/s", lambda r: _f(r["entity_phase"]["articles_per_s"]))
    row(
        "Entity phase, ms of wall time per article",
        lambda r: _f(r["entity_phase"]["ms_per_article_wall"]),
    )
    row(
        "Entity phase, articles/s after the first batch (model loaded)",
        lambda r: _f(r["entity_phase"].get("steady_articles_per_s")),
    )
    row(
        "Entity phase, first batch committed after, s (workers start, model loads)",
        lambda r: _f(r["entity_phase"].get("first_batch_after_s")),
    )
    row(
        "update() before the entity phase starts (scan, store, pending), s",
        lambda r: _f(r["entity_phase"]["before_phase_s"]),
    )
    row(
        "Entity phase, peak RSS of the indexing process, MiB",
        lambda r: mem(r, "entity_phase", "self_peak_rss_mib"),
    )
    row(
        "Entity phase, worker processes, largest peak RSS, MiB (workers)",
        lambda r: (
            f"{mem(r, 'entity_phase', 'largest_worker_peak_mib')} "
            f"({r['entity_phase']['memory']['workers']})"
        ),
    )
    row(
        "Entity phase, peak RSS of process + workers, MiB",
        lambda r: mem(r, "entity_phase", "tree_peak_rss_mib"),
    )
    row("Entity store, MB", lambda r: _f(r["store"]["mb"]))

    def load_of(r: dict[str, Any], which: str) -> str:
        ends = f"{r[which]['load'][0][0]} → {r[which]['load'][1][0]}"
        m = r[which]["memory"]
        if m.get("load_1min_mean") is None:
            return ends
        return f"{ends} (mean {m['load_1min_mean']:.2f}, max {m['load_1min_max']:.2f})"

    row("Load average (1 min) text phase, start → end", lambda r: load_of(r, "text_phase"))
    row("Load average (1 min) entity phase, start → end", lambda r: load_of(r, "entity_phase"))
    lines.append("")
    for r in runs:
        m = r["machine"]
        lines.append(
            f"- N = {r['articles']:,}: `{r['command']}`, {m['date']}, nproc {m['nproc']}, "
            f"{m['cpu']}, {m['memory']}, Python {m['python']}, spaCy {m['spacy']}, "
            f"recogniser `{r['recogniser']}`"
            + (f", commit {r['commit']}" if r.get("commit") else "")
            + f"; output {r['json']}."
            + (f" {r['note']}" if r.get("note") else "")
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.entity_phase_speed", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--archive", type=Path, required=True, help="corpus folder")
    ap.add_argument("--index-dir", type=Path, required=True, help="deleted, then built")
    ap.add_argument("--seconds", type=float, default=None, help="cap on the entity phase")
    ap.add_argument("--query", default="cooperation", help="word the first search looks for")
    ap.add_argument("--out", type=Path, default=None, help="JSON (default bench/out/...)")
    ap.add_argument("--record", action="store_true", help="into bench/entity_phase.json")
    ap.add_argument("--note", default="", help="said with the run in RESULTS.md")
    args = ap.parse_args(argv)
    result = measure(args.archive.resolve(), args.index_dir.resolve(), args.seconds, args.query)
    if args.note:
        result["note"] = args.note
    out = args.out or BENCH / "out" / f"entity-phase-{result['articles']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=1, sort_keys=True))
    if args.record:
        how = "python -m bench.entity_phase_speed " + shlex.join(
            argv if argv is not None else sys.argv[1:]
        )
        record(result, how, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
