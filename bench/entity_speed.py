"""Entity extraction speed: ms per ~600-word article, p50 / p95, plus the one-off load.

The text is built from the sample articles' bodies, cut into ~600-word pieces at
paragraph breaks, so it has their density of names. Figures go to bench/RESULTS.md.

The first call builds the place gazetteer or reads it from the user cache folder
(``search/entities/gazetteer.py``); ``--cold`` switches that cache off to time a build.
The machine's load average is printed too: figures taken at a load above ~1.5 on this
two-core machine are not comparable.

Usage: ``python bench/entity_speed.py [--rounds 50] [--cold]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search.entities import extract  # noqa: E402
from search.ingest.article import read_article  # noqa: E402

WORDS = 600


def pieces() -> list[str]:
    """~600-word texts cut from the concatenated sample bodies."""
    paragraphs: list[str] = []
    for path in sorted((ROOT / "resources" / "sample-archive").glob("*.txt")):
        paragraphs += read_article(path, path.name).body.split("\n\n")
    out, current, count = [], [], 0
    for para in paragraphs * 3:
        current.append(para)
        count += len(para.split())
        if count >= WORDS:
            out.append("\n\n".join(current))
            current, count = [], 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--cold", action="store_true", help="build the gazetteer, no cache")
    args = parser.parse_args()
    if args.cold:
        os.environ["ARCHIVE_BROWSER_CACHE"] = "off"
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    texts = pieces()
    start = time.perf_counter()
    extract(texts[0])
    print(f"first call (loads gazetteers): {(time.perf_counter() - start) * 1000:.0f} ms")
    times = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            extract(text)
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    words = statistics.mean(len(t.split()) for t in texts)
    p95 = times[int(len(times) * 0.95)]
    print(
        f"{len(texts)} texts of ~{words:.0f} words, {len(times)} runs: "
        f"p50 {statistics.median(times):.2f} ms, p95 {p95:.2f} ms"
    )


if __name__ == "__main__":
    main()
