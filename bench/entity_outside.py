"""Entity quality and speed on outside newswire: IE-ER gold from ``bench/outside_corpus.py``.

Usage::

    python bench/entity_outside.py --gold /work/corpora/ieer.json --split dev --system rules
    python bench/entity_outside.py --gold ... --split dev --system spacy --errors /tmp/e.txt
    python bench/entity_outside.py --own --system combined   # our held-out and sample gold

Systems: ``rules`` (``search.entities.extract``), ``spacy`` (``search.entities.statistical``:
the NER component alone), ``spacy-full`` (the same package with every component loaded, to
check that NER does not depend on the others), ``combined`` (``search.entities.combine``,
rules layered over spaCy's spans), where it exists.

Scoring follows the rule fixed in ``bench/outside_corpus.py`` before any system was run:
types PERSON, ORG and LOC (our COUNTRY and PLACE, spaCy's GPE/LOC/FAC, are LOC; our DATE and
spaCy's other labels are dropped); a prediction is right when type and offsets equal a gold
span's after both lose a leading ``the`` and a trailing possessive; an ``alt`` part of a gold
span matches it too; predictions on a gold-optional span are ignored. Precision, recall and
F1 are micro-averaged over the chosen split's documents, per type and over all three.
Whitespace left before a removed possessive (CoNLL's tokenised ``England 's``) goes too.
When the gold marks results tables (CoNLL), a second table scores the other documents.
``--own`` scores the system on our own gold instead (``bench/entity_heldout.py`` and
``bench/entity_quality.py`` with its extractor in place of ``extract``).

Speed: every article is run alone, after one warm-up call (not timed, nor the load), and the
wall time of each is reported as p50 / p95 in milliseconds, with ``nproc`` and the load
average at the start. For spaCy, one batched pass (``nlp.pipe``) over the split is also
timed. A second table, the names view, sets aside LOC predictions that are nationality words
(the app tags ``Albanian`` as a COUNTRY mention of Albania with the role ``nationality``;
IE-ER and CoNLL do not mark it as a name): not the rule fixed beforehand, but the view in
which the systems are compared, as spaCy's NORP is dropped likewise.
``--errors`` writes each article's false positives and negatives (dev split only:
the test split is for before/after figures, not for reading).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TYPES = ("PERSON", "ORG", "LOC")
OURS = {"PERSON": "PERSON", "ORG": "ORG", "COUNTRY": "LOC", "PLACE": "LOC"}

Key = tuple[int, int, str]
System = Callable[[Sequence["Document"]], list[list[Key]]]

_THE = re.compile(r"(?i)the\s+")
_POSS = re.compile(r"(?:['’]s|['’])$")


@dataclass
class Document:
    """One gold article of the chosen split."""

    docno: str
    date: datetime.date | None
    text: str
    spans: list[Key]
    alts: dict[int, tuple[int, int]]
    optional: set[tuple[int, int]]
    table: bool = False


@dataclass
class Tally:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    ignored: int = 0


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The match rule's trimming: no leading ``the``, no trailing possessive."""
    lead = _THE.match(text, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    poss = _POSS.search(text[start:end])
    if poss and poss.start() > 0:
        end = start + poss.start()
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


def load(path: Path, split: str) -> list[Document]:
    data = json.loads(path.read_text(encoding="utf-8"))
    docs: list[Document] = []
    for docno, d in data["documents"].items():
        if d["split"] != split:
            continue
        date = datetime.date.fromisoformat(d["date"]) if d["date"] else None
        docs.append(
            Document(
                docno,
                date,
                d["text"],
                [(s, e, t) for s, e, t in d["spans"]],
                {i: (s, e) for i, s, e in d["alts"]},
                {(s, e) for s, e, _ in d["optional"]},
                bool(d.get("table", False)),
            )
        )
    return docs


# --- systems: each maps documents to (start, end, type) predictions ---------------------


def rules(docs: Sequence[Document]) -> list[list[Key]]:
    from search.entities import extract

    return [
        [(e.start, e.end, OURS[e.type]) for e in extract(d.text, d.date) if e.type in OURS]
        for d in docs
    ]


def _statistical(docs: Sequence[Document]) -> list[list[Key]]:
    from search.entities import statistical

    found = statistical.recognise_many([d.text for d in docs])
    if found is None:
        raise SystemExit(f"spaCy unavailable: {statistical.status().reason}")
    to_ours = {"PERSON": "PERSON", "ORG": "ORG", "PLACE": "LOC"}
    return [[(s.start, s.end, to_ours[s.label]) for s in spans] for spans in found]


_FULL: Any = None
_FULL_MAP = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}


def spacy_full(docs: Sequence[Document]) -> list[list[Key]]:
    global _FULL  # noqa: PLW0603
    if _FULL is None:
        import spacy

        from search.entities import statistical

        state = statistical.status()
        if not state.available or state.package is None:
            raise SystemExit(f"spaCy unavailable: {state.reason}")
        _FULL = spacy.load(state.package)
    return [
        [(e.start_char, e.end_char, _FULL_MAP[e.label_]) for e in doc.ents if e.label_ in _FULL_MAP]
        for doc in _FULL.pipe([d.text for d in docs])
    ]


def combined(docs: Sequence[Document]) -> list[list[Key]]:
    from search.entities import combine

    return [
        [(e.start, e.end, OURS[e.type]) for e in ents if e.type in OURS]
        for ents in combine.extract_many([d.text for d in docs], [d.date for d in docs])
    ]


SYSTEMS: dict[str, System] = {
    "rules": rules,
    "spacy": _statistical,
    "spacy-full": spacy_full,
    "combined": combined,
}


# --- scoring -------------------------------------------------------------------------------


def nationality_words(doc: Document, predicted: list[Key]) -> list[Key]:
    """The predictions that are a nationality word (``Albanian``, ``Kenyans``) as LOC."""
    from search.entities.countries import demonym_keys
    from search.entities.text import key

    demonyms = demonym_keys()
    return [
        (s, e, t)
        for s, e, t in predicted
        if t == "LOC" and key(doc.text[slice(*trim(doc.text, s, e))]) in demonyms
    ]


def score(doc: Document, predicted: list[Key], tally: Tally, out: list[str] | None) -> None:
    text = doc.text
    gold: dict[Key, int] = {}
    for i, (s, e, t) in enumerate(doc.spans):
        gold[(*trim(text, s, e), t)] = i
        if i in doc.alts:
            gold.setdefault((*doc.alts[i], t), i)
    optional = {trim(text, s, e) for s, e in doc.optional}
    matched: set[int] = set()
    lines: list[str] = []
    for s, e, t in sorted(set(predicted)):
        ts, te = trim(text, s, e)
        i = gold.get((ts, te, t))
        if i is not None and i not in matched:
            matched.add(i)
            tally.tp[t] += 1
        elif (ts, te) in optional:
            tally.ignored += 1
        else:
            tally.fp[t] += 1
            lines.append(f"  FP {t:<6} {text[s:e]!r}  {_context(text, s, e)}")
    for i, (s, e, t) in enumerate(doc.spans):
        if i not in matched:
            tally.fn[t] += 1
            lines.append(f"  FN {t:<6} {text[s:e]!r}  {_context(text, s, e)}")
    if out is not None:
        out.append(f"== {doc.docno}")
        out.extend(lines)


def _context(text: str, start: int, end: int, width: int = 35) -> str:
    left = text[max(0, start - width) : start].replace("\n", " | ")
    right = text[end : end + width].replace("\n", " | ")
    return f"…{left}[{text[start:end]}]{right}…"


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def table(tally: Tally) -> list[str]:
    lines = [f"{'type':<7} {'gold':>5} {'pred':>5} {'tp':>5} {'P':>6} {'R':>6} {'F1':>6}"]
    for t in (*TYPES, "ALL"):
        if t == "ALL":
            tp, fp, fn = (sum(c.values()) for c in (tally.tp, tally.fp, tally.fn))
        else:
            tp, fp, fn = tally.tp[t], tally.fp[t], tally.fn[t]
        p, r, f = _prf(tp, fp, fn)
        lines.append(f"{t:<7} {tp + fn:>5} {tp + fp:>5} {tp:>5} {p:6.3f} {r:6.3f} {f:6.3f}")
    return lines


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def timings(system: System, docs: Sequence[Document]) -> tuple[float, list[float], list[float]]:
    """Warm-up seconds (first call, includes loading), then per-article wall and CPU
    milliseconds (CPU time of this process, all threads: less moved by other load)."""
    t0 = time.perf_counter()
    system(docs[:1])
    warm = time.perf_counter() - t0
    wall: list[float] = []
    cpu: list[float] = []
    for d in docs:
        t, c = time.perf_counter(), time.process_time()
        system([d])
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    return warm, wall, cpu


def own_sets(system: str, errors: Path | None) -> None:
    """Our held-out and sample gold scored with ``system`` in place of ``extract``."""
    from bench import entity_heldout, entity_quality
    from search.entities import combine
    from search.model import Entity

    def combined_one(body: str, date: datetime.date | None = None) -> list[Entity]:
        return combine.extract_many([body], [date])[0]

    if system == "combined":
        entity_heldout.extract = combined_one  # type: ignore[assignment]
        entity_quality.extract = combined_one  # type: ignore[assignment]
    elif system != "rules":
        raise SystemExit("--own scores rules or combined (spaCy alone has no DATE/COUNTRY)")
    out = errors or Path(f"/tmp/entity_heldout_{system}.txt")
    entity_heldout.main(["--errors", str(out)])
    table = entity_quality.score(ROOT / "tests" / "entities_gold.json", errors is not None)
    print("sample gold (bench/entity_quality.py):")
    for t, row in table.items():
        print(f"{t:8} P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path)
    parser.add_argument("--split", choices=("dev", "test"))
    parser.add_argument("--system", choices=sorted(SYSTEMS), required=True)
    parser.add_argument("--errors", type=Path, help="write FP/FN per article (dev only)")
    parser.add_argument("--no-speed", action="store_true", help="skip the timing runs")
    parser.add_argument("--own", action="store_true", help="score our own gold sets instead")
    parser.add_argument(
        "--model",
        type=Path,
        help="a spaCy pipeline folder to recognise with instead of the installed package "
        "(bench/ner_finetune.py writes one)",
    )
    args = parser.parse_args(argv)
    if args.model is not None:
        from search.entities import statistical

        statistical.PACKAGES = (str(args.model),)
    if args.own:
        own_sets(args.system, args.errors)
        return 0
    if args.gold is None or args.split is None:
        parser.error("--gold and --split are needed (or --own)")
    if args.errors and args.split != "dev":
        parser.error("--errors is for the dev split only")

    docs = load(args.gold, args.split)
    system = SYSTEMS[args.system]
    load_avg = os.getloadavg()
    warm, per, cpu = (0.0, [], []) if args.no_speed else timings(system, docs)
    t0 = time.perf_counter()
    predicted = system(docs)
    batch = time.perf_counter() - t0

    tally = Tally()
    aside = Tally()
    prose = Tally()
    aside_prose = Tally()
    n_aside = 0
    details: list[str] | None = [] if args.errors else None
    for doc, keys in zip(docs, predicted, strict=True):
        score(doc, keys, tally, details)
        if not doc.table:
            score(doc, keys, prose, None)
        words = set(nationality_words(doc, keys))
        n_aside += len(words)
        score(doc, [k for k in keys if k not in words], aside, None)
        if not doc.table:
            score(doc, [k for k in keys if k not in words], aside_prose, None)

    n_gold = sum(len(d.spans) for d in docs)
    n_tables = sum(d.table for d in docs)
    chars = sum(len(d.text) for d in docs)
    print(
        f"system {args.system}, split {args.split}: {len(docs)} documents, "
        f"{n_gold} gold spans, {chars:,} characters; "
        f"{tally.ignored} predictions on optional gold spans ignored"
    )
    print("\n".join(table(tally)))
    if n_tables:
        print(f"without the {n_tables} results tables ({len(docs) - n_tables} documents):")
        print("\n".join(table(prose)))
    print(
        f"names view (not the rule fixed beforehand): {n_aside} LOC predictions that are "
        "nationality words (COUNTRY mentions with the role 'nationality') set aside"
    )
    print("\n".join(table(aside)))
    if n_tables:
        print(f"names view without the {n_tables} results tables:")
        print("\n".join(table(aside_prose)))
    if per:
        print(
            f"speed: {statistics.mean(per):.1f} ms/article mean, p50 {_percentile(per, 0.5):.1f}, "
            f"p95 {_percentile(per, 0.95):.1f} wall, CPU p50 {_percentile(cpu, 0.5):.1f} "
            f"p95 {_percentile(cpu, 0.95):.1f} (one article a call); whole split in one call "
            f"{batch * 1000 / len(docs):.1f} ms/article; first call (load + warm-up) {warm:.2f} s; "
            f"nproc {len(os.sched_getaffinity(0))}, load average at start "
            f"{load_avg[0]:.2f} {load_avg[1]:.2f} {load_avg[2]:.2f}"
        )
    if args.errors and details is not None:
        args.errors.write_text("\n".join(details) + "\n", encoding="utf-8")
        print(f"errors: {args.errors}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
