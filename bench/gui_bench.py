"""GUI benchmarks: cold start, keystroke latency, UI-thread stalls, lazy scrolling, memory.

``python -m bench.gui_bench [--n N] [--corpus DIR] [--index-dir DIR] [--json]``

Why apart from ``bench/run.py``: these figures depend on the window's wiring
(debounce, workers, model resets, the delegate's painting) as much as on the
engine, so they are taken through the real ``MainWindow`` on an offscreen Qt
platform. The index is built (or brought up to date) once, in a setup step
reported on its own. Each measurement is a function returning a dict; nothing
here is asserted anywhere.

The text phase only: the window's own updates are made text-only here
(`text_phase_only`), as the setup's build is, so the figures stay those of an
idle window (the entity phase, most of an hour of two cores at 10^5 articles, would run
under them and ``is_idle`` would wait for it); bench/entity_phase_speed.py
measures that phase.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
WORDS = ("kazakhstan", "cooperation", "minister", "vietnam", "investment", "delegation")
"""Typed one key at a time: 56 keystrokes, each a search (words of the synthetic corpus)."""
STALL_TICK_MS = 5
TIMEOUT_S = 120.0


# -- helpers ---------------------------------------------------------------------------------


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _percentiles(samples_s: list[float]) -> dict[str, float | int]:
    """n, p50, p95, max in ms (p95 by nearest rank: no interpolation over few samples)."""
    if not samples_s:
        return {"n": 0}
    ordered = sorted(samples_s)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]

    return {
        "n": len(ordered),
        "p50_ms": _ms(statistics.median(ordered)),
        "p95_ms": _ms(rank(95)),
        "max_ms": _ms(ordered[-1]),
    }


def rss_mb() -> dict[str, float]:
    """Resident memory of this process now and at its peak (VmRSS, VmHWM), MiB."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mb": fields.get("VmRSS", 0.0), "peak_rss_mb": fields.get("VmHWM", 0.0)}


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with suppress(OSError, StopIteration):
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "python": sys.version.split()[0],
        "load_1min": round(os.getloadavg()[0], 2),
    }


def wait_until(predicate: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until ``predicate()``; never a busy loop (it would starve workers)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if predicate():
        return
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(1)
    poll.timeout.connect(lambda: predicate() and loop.quit())
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll.start()
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    poll.stop()
    deadline.stop()
    if not predicate():
        raise TimeoutError(f"gave up after {timeout_s:.0f} s")


class StallProbe:
    """A 5 ms repeating timer on the UI thread: any longer gap is time the UI could not react."""

    def __init__(self, interval_ms: int = STALL_TICK_MS) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.interval_ms = interval_ms
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._ticks: list[float] = []

    def _tick(self) -> None:
        self._ticks.append(time.perf_counter())

    @contextmanager
    def running(self) -> Iterator[None]:
        self._ticks = [time.perf_counter()]
        self._timer.start()
        try:
            yield
        finally:
            self._timer.stop()

    def result(self) -> dict[str, float | int]:
        """Max and p99 of (gap − 5 ms), in ms, over the last ``running`` block."""
        late = sorted(
            max(0.0, b - a - self.interval_ms / 1000)
            for a, b in zip(self._ticks, self._ticks[1:], strict=False)
        )
        if not late:
            return {"ticks": 0}
        p99 = late[min(len(late) - 1, int(0.99 * len(late)))]
        return {
            "ticks": len(late),
            "max_ms": _ms(late[-1]),
            "p99_ms": _ms(p99),
            "over_50ms": sum(1 for g in late if g > 0.05),
        }


# -- setup --------------------------------------------------------------------------------


def text_phase_only() -> None:
    """Make every ``Archive.update`` of this process text-only (the window's, here)."""
    from search.api import Archive

    update = Archive.update
    if getattr(update, "text_only", False):
        return

    def text_only(self: Archive, *args: Any, **kwargs: Any) -> Any:
        kwargs["entities"] = False
        return update(self, *args, **kwargs)

    text_only.text_only = True  # type: ignore[attr-defined]
    setattr(Archive, "update", text_only)  # noqa: B010 - mypy forbids assigning a method


_INDEX_CHILD = """
import json, sys
from search.api import Archive
with Archive.open(sys.argv[1], sys.argv[2]) as archive:
    print(json.dumps(archive.update(entities=False).to_json()))
"""
"""The text phase only (``search index`` runs the entity phase too)."""


def setup(n: int, corpus: Path | None, index_dir: Path | None) -> dict[str, Any]:
    """Find or generate the corpus, then build or update its index (in a child process,
    so this process's memory figures are the GUI's, not the indexer's)."""
    corpus = corpus or OUT / f"corpus-{n}"
    generated_s = None
    if not corpus.is_dir():
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "gen_corpus.py"), str(corpus), str(n)],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
        generated_s = round(time.perf_counter() - t0, 2)
    index_dir = index_dir or OUT / f"gui-index-{n}"
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _INDEX_CHILD, str(corpus), str(index_dir)],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - t0
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {}
    return {
        "corpus": str(corpus),
        "index_dir": str(index_dir),
        "corpus_generated_s": generated_s,
        "index_s": round(elapsed, 2),
        "added": report.get("added"),
        "unchanged": report.get("unchanged"),
    }


# -- cold start ---------------------------------------------------------------------------

_COLD_CHILD = r"""
import json, os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([sys.argv[0]])
import gui.app
from gui.main_window import MainWindow
from bench.gui_bench import text_phase_only
text_phase_only()
marks = {"imported": time.time()}

class FirstPaint(QObject):
    # The first paint of the list after a search put rows in it: results are on screen.
    def __init__(self, window):
        super().__init__()
        self.window = window
    def eventFilter(self, watched, event):
        if event.type() != QEvent.Type.Paint or not self.window.model.rowCount():
            return False
        if "painted" not in marks and "results" in marks:
            marks["painted"] = time.time()
            rss = [l for l in open("/proc/self/status") if l.startswith("VmRSS")][0]
            marks["rss_mb"] = int(rss.split()[1]) / 1024
        elif "snippets" in marks and "snippets_painted" not in marks:
            marks["snippets_painted"] = time.time()
            QTimer.singleShot(0, self.window.close)
        return False

def hook():
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    window.session.opened.connect(lambda _a: marks.setdefault("opened", time.time()))
    window.search_applied.connect(
        lambda r: r.hits and marks.setdefault("results", time.time()))
    window.model.dataChanged.connect(lambda *_a: marks.setdefault("snippets", time.time()))
    hook.filter = FirstPaint(window)
    window.list_view.viewport().installEventFilter(hook.filter)

QTimer.singleShot(0, hook)
code = gui.app.main(["--archive", sys.argv[1], "--index-dir", sys.argv[2]])
print(json.dumps(marks))
sys.exit(code)
"""


def compile_sources() -> int:
    """Compile the app's packages to bytecode (``__pycache__``, as ``pip install`` does);
    returns how many modules they hold."""
    count = 0
    for package in ("search", "gui"):
        folder = ROOT / package
        if not compileall.compile_dir(str(folder), quiet=1, workers=1):
            raise RuntimeError(f"could not compile {folder}")
        count += sum(1 for _ in folder.rglob("*.py"))
    return count


def cold_start(corpus: Path, index_dir: Path, runs: int = 3) -> dict[str, Any]:
    """``python -c`` start to the first paint of a list with rows, archive already indexed
    (and on to the paint with the rows' snippets, which are fetched for the rows drawn).

    Each run is a fresh process with its own empty settings (so no saved search
    or window state), started through ``gui.app.main`` as the desktop entry does.
    Our modules are compiled to bytecode first, as ``pip install`` leaves an installed
    app: where ``PYTHONDONTWRITEBYTECODE`` is set (this project's CI machines), every
    start would otherwise compile some 130 modules again, a second or more that no
    user's start pays.
    """
    compiled = compile_sources()
    samples: list[dict[str, float]] = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="gui-bench-") as tmp:
            env = {**os.environ, "XDG_CONFIG_HOME": tmp, "ARCHIVE_BROWSER_DATA_DIR": tmp}
            t0 = time.time()
            done = subprocess.run(
                [sys.executable, "-c", _COLD_CHILD, str(corpus), str(index_dir)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        if done.returncode != 0 or not done.stdout.strip():
            raise RuntimeError(f"cold start child failed:\n{done.stderr[-2000:]}")
        marks = json.loads(done.stdout.strip().splitlines()[-1])
        samples.append(
            {
                "imports_s": marks["imported"] - t0,
                "archive_open_s": marks["opened"] - t0,
                "first_results_s": marks["results"] - t0,
                "first_paint_s": marks["painted"] - t0,
                "snippets_painted_s": marks["snippets_painted"] - t0,
                "rss_mb": marks["rss_mb"],
            }
        )
    out: dict[str, Any] = {"runs": runs, "bytecode": f"compiled first ({compiled} modules)"}
    for key in samples[0]:
        values = [s[key] for s in samples]
        if key == "rss_mb":
            out[key] = round(statistics.median(values), 1)
        else:
            out[key.replace("_s", "_ms")] = _ms(statistics.median(values))
    out["first_paint_ms_all"] = [_ms(s["first_paint_s"]) for s in samples]
    return out


# -- in-process measurements ------------------------------------------------------------------


def open_window(
    corpus: Path, index_dir: Path, settings_dir: Path
) -> tuple[QApplication, MainWindow]:
    """The real window with throwaway settings, shown, the archive open and idle."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.menus import build_menus
    from gui.settings import Settings

    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    settings = Settings(QSettings(str(settings_dir / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, persist=False)
    build_menus(window)  # as gui.app does
    window.resize(1400, 900)
    window.show()
    window.session.open(corpus, index_dir)
    wait_until(lambda: window.archive is not None and window.model.rowCount() > 0)
    wait_until(window.is_idle)
    return app, window


def _search_and_settle(window: MainWindow, text: str) -> None:
    applied: list[object] = []
    window.search_applied.connect(applied.append)
    try:
        window.set_query(text)
        wait_until(lambda: bool(applied))
        wait_until(window.is_idle)
    finally:
        window.search_applied.disconnect(applied.append)


def keystrokes(
    window: MainWindow, probe: StallProbe, words: tuple[str, ...] = WORDS
) -> dict[str, Any]:
    """Per key: from the key event to ``search_applied`` (the list model holds the new result);
    ``to_snippets``: on to the first snippets of the rows drawn (keys with hits only).

    Each key waits for its result and for the window to settle (article load,
    hit marking) before the next, so every keystroke is one search. The
    debounce delay (a setting) is part of what the user waits for and is
    included; ``minus_debounce`` takes it out.
    """
    from PySide6.QtTest import QTest

    from gui.settings import S

    applied_at: list[float] = []
    snippets_at: list[float] = []

    def on_applied(_result: object) -> None:
        applied_at.append(time.perf_counter())

    def on_snippets(*_args: object) -> None:
        snippets_at.append(time.perf_counter())

    latencies: list[float] = []
    with_snippets: list[float] = []
    window.search_applied.connect(on_applied)
    window.model.dataChanged.connect(on_snippets)
    try:
        with probe.running():
            for word in words:
                _search_and_settle(window, "")
                window.search_field.setFocus()
                for char in word:
                    seen = len(applied_at)
                    t0 = time.perf_counter()
                    QTest.keyClick(window.search_field, char)
                    wait_until(lambda seen=seen: len(applied_at) > seen)
                    latencies.append(applied_at[seen] - t0)
                    wait_until(window.is_idle)
                    filled = [t for t in snippets_at if t > applied_at[seen]]
                    if filled:
                        with_snippets.append(filled[0] - t0)
    finally:
        window.search_applied.disconnect(on_applied)
        window.model.dataChanged.disconnect(on_snippets)
    debounce_s = window.settings.get(S.debounce_ms) / 1000
    return {
        "keystrokes": len(latencies),
        "words": list(words),
        "debounce_ms": _ms(debounce_s),
        **_percentiles(latencies),
        "minus_debounce": _percentiles([max(0.0, s - debounce_s) for s in latencies]),
        "to_snippets": _percentiles(with_snippets),
        "stalls": probe.result(),
    }


def scrolling(window: MainWindow, probe: StallProbe) -> dict[str, Any]:
    """Every hit of the empty query, one End key per page: the list fetches pages lazily.

    Per page: from the End key to the rows of the next page inserted. The
    reader follows the current row, as in use, so its work is included.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from gui.settings import S

    _search_and_settle(window, "")
    model, view = window.model, window.list_view
    inserted_at: list[float] = []

    def on_inserted(*_args: object) -> None:
        inserted_at.append(time.perf_counter())

    model.rowsInserted.connect(on_inserted)
    pages: list[float] = []
    view.setFocus()
    t_start = time.perf_counter()
    try:
        with probe.running():
            while model.rowCount() < model.total:
                seen = len(inserted_at)
                t0 = time.perf_counter()
                QTest.keyClick(view, Qt.Key.Key_End)
                wait_until(lambda seen=seen: len(inserted_at) > seen)
                pages.append(inserted_at[seen] - t0)
            wait_until(window.is_idle)
    finally:
        model.rowsInserted.disconnect(on_inserted)
    total_s = time.perf_counter() - t_start
    return {
        "hits": model.total,
        "page_size": window.settings.get(S.page_size),
        "pages": len(pages),
        "total_ms": _ms(total_s),
        **_percentiles(pages),
        "stalls": probe.result(),
    }


# -- running and reporting -----------------------------------------------------------------


def run(n: int, corpus: Path | None, index_dir: Path | None, cold_runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {"n": n, "machine": machine()}
    results["setup"] = set_up = setup(n, corpus, index_dir)
    corpus_path, index_path = Path(set_up["corpus"]), Path(set_up["index_dir"])
    results["cold_start"] = cold_start(corpus_path, index_path, cold_runs)
    text_phase_only()
    with tempfile.TemporaryDirectory(prefix="gui-bench-") as tmp:
        os.environ["ARCHIVE_BROWSER_DATA_DIR"] = tmp  # the window's log file goes here
        app, window = open_window(corpus_path, index_path, Path(tmp))
        results["memory_open"] = rss_mb()
        probe = StallProbe()
        results["keystrokes"] = keystrokes(window, probe)
        results["scrolling"] = scrolling(window, probe)
        results["memory_scrolled"] = rss_mb()
        window.close()
        app.processEvents()
    return results


def table(results: dict[str, Any]) -> str:
    """The figures as a readable two-column table."""
    s, c, k, sc = (
        results["setup"],
        results["cold_start"],
        results["keystrokes"],
        results["scrolling"],
    )
    m = results["machine"]
    mo, ms = results["memory_open"], results["memory_scrolled"]
    rows = [
        ("articles (N)", f"{results['n']:,}"),
        (
            "machine",
            f"{m['cpus']} CPUs, {m['cpu']}, Python {m['python']}, load {m['load_1min']} at start",
        ),
        (
            "setup: index build/update, s",
            f"{s['index_s']} (added {s['added']}, unchanged {s['unchanged']})",
        ),
        (
            "cold start to first results painted, ms",
            f"{c['first_paint_ms']} (median of {c['runs']}: {c['first_paint_ms_all']})",
        ),
        (
            "  of which: imports / archive open / results, ms",
            f"{c['imports_ms']} / {c['archive_open_ms']} / {c['first_results_ms']}",
        ),
        ("  the same with the rows' snippets, ms", f"{c['snippets_painted_ms']}"),
        ("  RSS at first paint, MiB", f"{c['rss_mb']}"),
        ("  bytecode", str(c.get("bytecode", "as found"))),
        (
            f"keystroke to list updated, p50 / p95 / max ms ({k['keystrokes']} keys)",
            f"{k['p50_ms']} / {k['p95_ms']} / {k['max_ms']}",
        ),
        (
            f"  the same minus the {k['debounce_ms']:.0f} ms debounce",
            f"{k['minus_debounce']['p50_ms']} / {k['minus_debounce']['p95_ms']} / "
            f"{k['minus_debounce']['max_ms']}",
        ),
        (
            f"  key to snippets filled in, p50 / p95 / max ms ({k['to_snippets']['n']} keys)",
            f"{k['to_snippets'].get('p50_ms')} / {k['to_snippets'].get('p95_ms')} / "
            f"{k['to_snippets'].get('max_ms')}",
        ),
        (
            "UI stalls while typing: max / p99 over 5 ms, ms",
            f"{k['stalls']['max_ms']} / {k['stalls']['p99_ms']} "
            f"({k['stalls']['over_50ms']} gaps > 50 ms)",
        ),
        (f"scroll all {sc['hits']:,} hits: pages, total ms", f"{sc['pages']}, {sc['total_ms']}"),
        (
            "  per page (End → rows inserted), p50 / p95 / max ms",
            f"{sc.get('p50_ms', '–')} / {sc.get('p95_ms', '–')} / {sc.get('max_ms', '–')}",
        ),
        (
            "UI stalls while scrolling: max / p99 over 5 ms, ms",
            f"{sc['stalls']['max_ms']} / {sc['stalls']['p99_ms']} "
            f"({sc['stalls']['over_50ms']} gaps > 50 ms)",
        ),
        (
            "RSS with the archive open / after scrolling all, MiB",
            f"{mo['rss_mb']} / {ms['rss_mb']} (peak {ms['peak_rss_mb']})",
        ),
    ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label.ljust(width)}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gui_bench", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--n", type=int, default=1000, help="articles (default 1000)")
    parser.add_argument(
        "--corpus",
        type=Path,
        help="archive folder (default bench/out/corpus-N, generated when missing)",
    )
    parser.add_argument(
        "--index-dir", type=Path, help="index folder (default bench/out/gui-index-N)"
    )
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts to time")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    results = run(args.n, args.corpus, args.index_dir, args.cold_runs)
    print(json.dumps(results, indent=1) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
