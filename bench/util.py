"""Small helpers shared by the measurements: percentiles, timed child processes, sizes."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


def summarize_ms(samples_s: Sequence[float]) -> dict[str, float | int]:
    """p50/p95/p99/mean/max in milliseconds of latencies given in seconds."""
    if not samples_s:
        return {"n": 0}
    a = np.asarray(samples_s, dtype=float) * 1000.0
    p50, p95, p99 = np.percentile(a, [50, 95, 99])
    return {
        "n": int(a.size),
        "p50_ms": round(float(p50), 3),
        "p95_ms": round(float(p95), 3),
        "p99_ms": round(float(p99), 3),
        "mean_ms": round(float(a.mean()), 3),
        "max_ms": round(float(a.max()), 3),
    }


@dataclass(slots=True)
class ChildRun:
    returncode: int
    elapsed_s: float
    max_rss_mb: float
    """Peak resident set of the child itself (not its own children), from wait4."""
    stdout: str
    stderr: str
    tree_peak_mb: float = 0.0
    """Peak of the summed RSS of the child and its descendants, sampled every 0.2 s."""
    cpu_s: float = 0.0
    """User + system CPU of the child and the descendants it waited for (wait4): on a
    shared machine whose other load comes and goes, steadier than the wall time."""


_PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss_bytes(root: int) -> int:
    """Summed RSS of ``root`` and its descendants, read from /proc (0 where unreadable)."""
    children: dict[int, list[int]] = {}
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                ppid = int(f.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            with open(f"/proc/{pid}/statm", "rb") as f:
                total += int(f.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(children.get(pid, ()))
    return total


class _TreeSampler(threading.Thread):
    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.peak = max(self.peak, tree_rss_bytes(self.pid))


def run_child(
    cmd: Sequence[str],
    env: Mapping[str, str] | None = None,
    cwd: str | Path | None = None,
    stdin_text: str | None = None,
    sample_tree: bool = False,
) -> ChildRun:
    """Run ``cmd`` and measure wall time and peak RSS; output goes through temp files.

    Why wait4: ``resource.getrusage(RUSAGE_CHILDREN)`` keeps the maximum over every child
    ever waited for, so it cannot attribute a peak to one build.
    """
    with (
        tempfile.TemporaryFile("w+", encoding="utf-8") as out,
        tempfile.TemporaryFile("w+", encoding="utf-8") as err,
        tempfile.TemporaryFile("w+", encoding="utf-8") as inp,
    ):
        if stdin_text is not None:
            inp.write(stdin_text)
            inp.seek(0)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            list(cmd),
            stdin=inp,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        sampler = _TreeSampler(proc.pid) if sample_tree else None
        if sampler:
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        if sampler:
            sampler.done.set()
            sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            proc.returncode,
            elapsed,
            usage.ru_maxrss / 1024.0,
            out.read(),
            err.read(),
            (sampler.peak / 2**20) if sampler else 0.0,
            usage.ru_utime + usage.ru_stime,
        )


def dir_bytes(path: str | Path) -> int:
    """Total size of the files under ``path``."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def mb(nbytes: float) -> float:
    return round(nbytes / 1e6, 1)
