"""Same story, many copies (issue #15): quality and speed of `search.store.stories`.

Quality, on real newswire nobody here wrote: the documents of IE-ER (NIST 1999, AP/NYT
1998) and CoNLL-2003 (Reuters 1996) as converted by bench/outside_corpus.py
(``/work/corpora/ieer.json``, ``conll.json``: ``documents`` -> ``text`` whose first line is
the headline; the rest is the body). Each original is kept, and copies of some are made
by program with a fixed seed: first line replaced, a paragraph dropped, a paragraph
added, the dateline changed, typos in 2% and 4% of the words, exact copies (and copies
with other white space) and combinations. Truth: an original and its copies are one
story; distinct originals are distinct stories, but for the pairs of `VERSIONS` that the
corpora carry themselves (judged by reading). Pairwise precision and recall of the
grouping over every pair of the test set, by mutation kind. Hard negatives: distinct
originals of the same day that share at least three entity names (from the gold spans),
"same event, different story"; none may be grouped.

Speed: grouping the bodies of the synthetic corpora (bench/gen_corpus.py, read with
``search.ingest.read_article``) at 10,000 and 100,000 articles, each N in a child process
of its own (its peak RSS before and after grouping), and the incremental cost of adding
1% more articles and changing 1%, plus save and load of the state.

    python -m bench.duplicates quality [--seed 15] [--copies 4]     # JSON on stdout
    python -m bench.duplicates speed --corpus /tmp/hostile/corpus-10000
    python -m bench.duplicates all --corpus /tmp/hostile/corpus-10000 \
        --corpus /tmp/hostile/corpus-100000                  # -> bench/out/duplicates.json
    python -m bench.duplicates compare   # numpy MinHash against datasketch's, if installed
    python -m bench.duplicates render    # -> bench/sections/30-duplicates.md

``compare`` needs datasketch, which the project does not depend on: run it under a
Python that has it (bench/out/duplicates-compare.json).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import string
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search.store.stories import (
    Params,
    StoryArticle,
    StoryIndex,
    shingle_jaccard,
)

CORPORA = {"IE-ER": Path("/work/corpora/ieer.json"), "CoNLL": Path("/work/corpora/conll.json")}
HERE = Path(__file__).resolve().parent
OUT = HERE / "out" / "duplicates.json"
COMPARE_OUT = HERE / "out" / "duplicates-compare.json"
SECTION = HERE / "sections" / "30-duplicates.md"
SEED = 15


# --------------------------------------------------------------------- real originals


@dataclass(frozen=True, slots=True)
class Original:
    doc_id: str
    corpus: str
    body: str
    day: str
    names: frozenset[str]


def originals() -> list[Original]:
    """Every document with a body of at least 20 words; the headline line is dropped
    (the index's cleaned body has no title)."""
    out: list[Original] = []
    for corpus, path in CORPORA.items():
        documents = json.loads(path.read_text(encoding="utf-8"))["documents"]
        for doc_id, doc in sorted(documents.items()):
            text: str = doc["text"]
            _headline, _, body = text.partition("\n")
            if len(body.split()) < 20:
                continue
            names = frozenset(
                text[a:b].casefold() for a, b, kind in doc["spans"] if kind in ("PERSON", "ORG")
            )
            out.append(Original(f"{corpus}/{doc_id}", corpus, body, doc.get("date") or "", names))
    return out


VERSIONS = (
    # Pairs of originals that are versions of one story, judged by reading them (the
    # corpora carry the same wire story more than once): exact-looking repeats of AP
    # stories, a retyped Reuters result, AP stories trimmed or with the lead reworded,
    # and a Reuters story shortened with some sentences reworded (testa-193/194, shingle
    # Jaccard 0.45, the hardest).
    ("IE-ER/APW19980314.0392", "IE-ER/APW19980314.0402"),
    ("IE-ER/APW19980314.0393", "IE-ER/APW19980314.0434"),
    ("IE-ER/APW19980314.0398", "IE-ER/APW19980314.0399"),
    ("IE-ER/APW19980314.0418", "IE-ER/APW19980314.0443"),
    ("IE-ER/APW19980424.0864", "IE-ER/APW19980424.0896"),
    ("IE-ER/APW19980424.0872", "IE-ER/APW19980424.0893"),
    ("CoNLL/eng.testa-006", "CoNLL/eng.testa-169"),
    ("CoNLL/eng.testa-193", "CoNLL/eng.testa-194"),
)
SAME_EVENT = (
    # Pairs judged different stories on the same event, the most similar of the
    # corpora's other pairs: AP's second story on a blast at Afula (new facts, new
    # sentences, 0.31), a game's summary and its result a day apart (0.34), and the NHL
    # standings of two consecutive days (0.32). None may be grouped.
    ("IE-ER/APW19980314.0443", "IE-ER/APW19980314.0460"),
    ("CoNLL/eng.testa-159", "CoNLL/eng.testa-160"),
    ("CoNLL/eng.testb-024", "CoNLL/eng.testb-223"),
)
MIN_PARAGRAPHS = 4
MIN_WORDS = 100
"""An original is mutated only when it has this many paragraphs and words: replacing
the first line of a two-line result is writing another text."""


def stories_of(base: list[Original]) -> dict[str, str]:
    """Original -> its story (the smallest id among its versions)."""
    story = {o.doc_id: o.doc_id for o in base}
    for a, b in VERSIONS:
        keep, drop = sorted((story[a], story[b]))
        for doc_id, label in story.items():
            if label == drop:
                story[doc_id] = keep
    return story


# --------------------------------------------------------------------- mutations

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Za-z.'\- ]+(?:, [A-Z][A-Za-z.' ]+)? \((?:AP|Reuters)\) _ "  # IE-ER
    r"|[A-Z][A-Z.'\- ]+ \d{4}-\d\d-\d\d\n)"  # CoNLL: 'LONDON 1996-08-30'
)
_NEW_DATELINES = (
    "HO CHI MINH CITY (VNA) - ",
    "WASHINGTON (AP) _ ",
    "UNITED NATIONS, Sept. 3 (Reuters) - ",
    "Hanoi (VNA) – ",
    "PARIS 1996-09-01\n",
)


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def _first_line(body: str, rng: random.Random, pool: list[str]) -> str:
    """The first paragraph of at least six words replaced by another agency's lead."""
    paras = _paragraphs(body)
    i = next((k for k, p in enumerate(paras) if len(p.split()) >= 6), 0)
    paras[i] = rng.choice(pool)
    return "\n".join(paras)


def _drop_paragraph(body: str, rng: random.Random, pool: list[str]) -> str:
    paras = _paragraphs(body)
    if len(paras) < 3:
        return body
    del paras[rng.randrange(1, len(paras))]
    return "\n".join(paras)


def _add_paragraph(body: str, rng: random.Random, pool: list[str]) -> str:
    paras = _paragraphs(body)
    paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(pool))
    return "\n".join(paras)


def _dateline(body: str, rng: random.Random, pool: list[str]) -> str:
    new = rng.choice(_NEW_DATELINES)
    if _DATELINE.match(body):
        return _DATELINE.sub(new, body, count=1)
    return new + body


def _typos(rate: float) -> Callable[[str, random.Random, list[str]], str]:
    def mutate(body: str, rng: random.Random, pool: list[str]) -> str:
        out = []
        for token in re.split(r"(\s+)", body):
            word = token
            if len(word) >= 3 and not word.isspace() and rng.random() < rate:
                k = rng.randrange(len(word))
                edit = rng.randrange(4)
                letter = rng.choice(string.ascii_lowercase)
                if edit == 0:  # a letter dropped
                    word = word[:k] + word[k + 1 :]
                elif edit == 1:  # one added
                    word = word[:k] + letter + word[k:]
                elif edit == 2:  # one replaced
                    word = word[:k] + letter + word[k + 1 :]
                elif k + 1 < len(word):  # two swapped
                    word = word[:k] + word[k + 1] + word[k] + word[k + 2 :]
            out.append(word)
        return "".join(out)

    return mutate


def _whitespace(body: str, rng: random.Random, pool: list[str]) -> str:
    return "\n\n".join(" " + p.replace(" ", "  ") for p in _paragraphs(body)) + "\n"


def _same(body: str, rng: random.Random, pool: list[str]) -> str:
    return body


Mutation = Callable[[str, random.Random, list[str]], str]


def _combo(*steps: Mutation) -> Mutation:
    def mutate(body: str, rng: random.Random, pool: list[str]) -> str:
        for step in steps:
            body = step(body, rng, pool)
        return body

    return mutate


MUTATIONS: dict[str, Mutation] = {
    "exact copy": _same,
    "white space": _whitespace,
    "first line replaced": _first_line,
    "paragraph dropped": _drop_paragraph,
    "paragraph added": _add_paragraph,
    "dateline changed": _dateline,
    "typos 2%": _typos(0.02),
    "typos 4%": _typos(0.04),
    "first line + typos 2%": _combo(_first_line, _typos(0.02)),
    "dateline + paragraph dropped + added": _combo(_dateline, _drop_paragraph, _add_paragraph),
    "first line + paragraph dropped + typos 2%": _combo(_first_line, _drop_paragraph, _typos(0.02)),
}


@dataclass(frozen=True, slots=True)
class Item:
    doc_id: str
    story: str
    """The truth: articles of one story share it."""
    original: str
    """The original a copy was made from (an original: itself)."""
    kind: str
    body: str


def test_set(seed: int, copies: int) -> list[Item]:
    """Every original, and for each mutation kind ``copies`` copies of as many randomly
    chosen originals (each copy of its own original)."""
    rng = random.Random(seed)
    base = originals()
    pool = [p for o in base for p in _paragraphs(o.body) if 8 <= len(p.split()) <= 60]
    story = stories_of(base)
    items = [Item(o.doc_id, story[o.doc_id], o.doc_id, "original", o.body) for o in base]
    mutable = [
        o
        for o in base
        if len(_paragraphs(o.body)) >= MIN_PARAGRAPHS and len(o.body.split()) >= MIN_WORDS
    ]
    for kind, mutate in MUTATIONS.items():
        for original in rng.sample(mutable, copies * len(mutable) // len(MUTATIONS) or 1):
            body = mutate(original.body, rng, pool)
            doc_id = f"{original.doc_id}~{kind}"
            items.append(Item(doc_id, story[original.doc_id], original.doc_id, kind, body))
    return items


def hard_negatives(base: list[Original], min_names: int = 3) -> list[tuple[str, str, int]]:
    """Pairs of distinct originals of the same day sharing at least ``min_names`` names."""
    by_day: dict[str, list[Original]] = defaultdict(list)
    for o in base:
        if o.day:
            by_day[o.day].append(o)
    out = []
    for docs in by_day.values():
        for a, b in itertools.combinations(docs, 2):
            shared = len(a.names & b.names)
            if shared >= min_names:
                out.append((a.doc_id, b.doc_id, shared))
    return out


def _pairwise(labels_true: dict[str, str], labels_pred: dict[str, str]) -> dict[str, int]:
    """Pair counts: same story and grouped (tp), grouped only (fp), same story only (fn)."""

    def same_pairs(labels: dict[str, str]) -> int:
        return sum(n * (n - 1) // 2 for n in Counter(labels.values()).values())

    both = Counter((labels_true[d], labels_pred[d]) for d in labels_true)
    tp = sum(n * (n - 1) // 2 for n in both.values())
    return {
        "tp": tp,
        "fp": same_pairs(labels_pred) - tp,
        "fn": same_pairs(labels_true) - tp,
    }


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 1.0


def quality(seed: int = SEED, copies: int = 4, params: Params | None = None) -> dict[str, Any]:
    """Group the test set in one build; pairwise precision and recall, recall per
    mutation kind (a copy grouped with its own original), and the negatives."""
    params = params or Params()
    items = test_set(seed, copies)
    index = StoryIndex(params)
    started = time.perf_counter()
    index.update(StoryArticle(it.doc_id, it.body, None, len(it.body)) for it in items)
    elapsed = time.perf_counter() - started
    truth = {it.doc_id: it.story for it in items}
    pred = {
        it.doc_id: (g.group_id if (g := index.group_of(it.doc_id)) else it.doc_id) for it in items
    }
    counts = _pairwise(truth, pred)
    body_of = {it.doc_id: it.body for it in items}

    def jaccard(a: str, b: str) -> float:
        return shingle_jaccard(body_of[a], body_of[b], params)

    per_kind: dict[str, dict[str, object]] = {}
    for kind in MUTATIONS:
        of_kind = [it for it in items if it.kind == kind]
        missed = [it.doc_id for it in of_kind if pred[it.doc_id] != pred[it.original]]
        jac = [jaccard(it.original, it.doc_id) for it in of_kind]
        per_kind[kind] = {
            "n": len(of_kind),
            "grouped_with_original": len(of_kind) - len(missed),
            "recall": _ratio(len(of_kind) - len(missed), len(of_kind)),
            "jaccard_min": round(min(jac), 3) if jac else None,
            "jaccard_p5": round(float(np.percentile(jac, 5)), 3) if jac else None,
            "jaccard_median": round(float(np.median(jac)), 3) if jac else None,
            "missed": missed[:10],
        }

    base = originals()
    versions = [
        {"a": a, "b": b, "jaccard": round(jaccard(a, b), 3), "grouped": pred[a] == pred[b]}
        for a, b in VERSIONS
    ]
    same_event = [
        {"a": a, "b": b, "jaccard": round(jaccard(a, b), 3), "grouped": pred[a] == pred[b]}
        for a, b in SAME_EVENT
    ]
    negatives = [(a, b) for a, b, _ in hard_negatives(base) if truth[a] != truth[b]]
    neg_jac = [jaccard(a, b) for a, b in negatives]
    same_day = [
        (a.doc_id, b.doc_id)
        for a, b in itertools.combinations(base, 2)
        if a.day and a.day == b.day and truth[a.doc_id] != truth[b.doc_id]
    ]
    top = sorted(((jaccard(a, b), a, b) for a, b in same_day), reverse=True)[:6]
    wrong_pairs = sorted(
        {
            tuple(sorted((it.doc_id, pred[it.doc_id])))
            for it in items
            if pred[it.doc_id] in truth and truth[pred[it.doc_id]] != it.story
        }
    )
    return {
        "seed": seed,
        "params": {
            "shingle": params.shingle,
            "num_perm": params.num_perm,
            "bands": params.bands,
            "rows": params.rows,
            "threshold": params.threshold,
        },
        "articles": len(items),
        "originals": len(base),
        "by_corpus": dict(Counter(o.corpus for o in base)),
        "copies": len(items) - len(base),
        "stories": len(set(truth.values())),
        "true_pairs": counts["tp"] + counts["fn"],
        "all_pairs": len(items) * (len(items) - 1) // 2,
        **counts,
        "precision": _ratio(counts["tp"], counts["tp"] + counts["fp"]),
        "recall": _ratio(counts["tp"], counts["tp"] + counts["fn"]),
        "grouping_s": round(elapsed, 3),
        "per_kind": per_kind,
        "versions_in_corpus": versions,
        "same_event_in_corpus": same_event,
        "hard_negatives": {
            "n": len(negatives),
            "grouped": sum(1 for a, b in negatives if pred[a] == pred[b]),
            "jaccard_max": round(max(neg_jac), 3) if neg_jac else None,
            "jaccard_median": round(float(np.median(neg_jac)), 3) if neg_jac else None,
        },
        "same_day_pairs": len(same_day),
        "same_day_grouped": sum(1 for a, b in same_day if pred[a] == pred[b]),
        "most_similar_same_day_distinct": [
            {"a": a, "b": b, "jaccard": round(j, 3)} for j, a, b in top
        ],
        "wrongly_grouped": [list(p) for p in wrong_pairs[:20]],
    }


# --------------------------------------------------------------------- speed


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _loadavg() -> list[float]:
    return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]


def read_corpus(folder: Path) -> list[StoryArticle]:
    from search.ingest.article import read_article

    out = []
    for path in sorted(folder.rglob("*.txt")):
        name = path.relative_to(folder).as_posix()
        article = read_article(path, name)
        out.append(StoryArticle(name, article.body, article.date, article.words))
    return out


def speed(folder: Path, state_dir: Path) -> dict[str, object]:
    """In this process: read the corpus, then time the grouping steps."""
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    articles = read_corpus(folder)
    rng = random.Random(SEED)
    n = len(articles)
    held = set(rng.sample(range(n), max(1, n // 100)))
    first = [a for i, a in enumerate(articles) if i not in held]
    extra = [a for i, a in enumerate(articles) if i in held]
    rss_before = _rss_mb()
    load_start = _loadavg()

    index = StoryIndex()
    t, cpu = time.perf_counter(), time.process_time()
    built = index.update(first)
    build_s, build_cpu = time.perf_counter() - t, time.process_time() - cpu
    peak_after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t, cpu = time.perf_counter(), time.process_time()
    added = index.update(extra)
    add_s, add_cpu = time.perf_counter() - t, time.process_time() - cpu

    changed_ids = rng.sample(range(len(first)), max(1, n // 100))
    changes = [
        StoryArticle(
            first[i].doc_id,
            first[i].body + "\n\nThis story was updated with a new closing paragraph.",
            first[i].date,
            first[i].length + 9,
        )
        for i in changed_ids
    ]
    t, cpu = time.perf_counter(), time.process_time()
    index.update(changes)
    change_s, change_cpu = time.perf_counter() - t, time.process_time() - cpu

    t = time.perf_counter()
    index.update(removed=[first[i].doc_id for i in changed_ids])
    remove_s = time.perf_counter() - t

    state = state_dir / f"stories-{n}.npz"
    t = time.perf_counter()
    index.save(state)
    save_s = time.perf_counter() - t
    t = time.perf_counter()
    again = StoryIndex.load(state)
    load_s = time.perf_counter() - t
    assert again.groups() == index.groups()

    groups = index.groups()
    return {
        "n": n,
        "when": when,
        "corpus": str(folder),
        "build": {
            "articles": len(first),
            "seconds": round(build_s, 2),
            "ms_per_article": round(build_s * 1000 / len(first), 3),
            "cpu_s": round(build_cpu, 2),
            "cpu_ms_per_article": round(build_cpu * 1000 / len(first), 3),
            "candidates": built.candidates,
            "edges": built.edges_added,
        },
        "add_1pct": {
            "articles": len(extra),
            "seconds": round(add_s, 3),
            "ms_per_article": round(add_s * 1000 / len(extra), 3),
            "cpu_s": round(add_cpu, 3),
            "candidates": added.candidates,
        },
        "change_1pct": {
            "articles": len(changes),
            "seconds": round(change_s, 3),
            "ms_per_article": round(change_s * 1000 / len(changes), 3),
            "cpu_s": round(change_cpu, 3),
        },
        "remove_1pct": {"articles": len(changed_ids), "seconds": round(remove_s, 3)},
        "save_s": round(save_s, 3),
        "load_s": round(load_s, 3),
        "state_mb": round(state.stat().st_size / 2**20, 1),
        "groups": len(groups),
        "grouped_articles": sum(g.versions for g in groups),
        "rss_before_mb": round(rss_before, 1),
        "peak_rss_mb": round(peak_after_build, 1),
        "peak_added_by_grouping_mb": round(peak_after_build - rss_before, 1),
        "load_start": load_start,
        "load_end": _loadavg(),
        "nproc": os.cpu_count(),
    }


def speed_in_child(folder: Path, state_dir: Path) -> dict[str, object]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.duplicates",
            "speed",
            "--corpus",
            str(folder),
            "--state-dir",
            str(state_dir),
        ],
        cwd=HERE.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(proc.stdout)
    return result


# --------------------------------------------------------------------- numpy vs datasketch


def compare(seed: int = SEED, copies_per_kind: int = 4) -> dict[str, object]:
    """Time per signature and the error of the estimated Jaccard against the exact one,
    ours and datasketch's MinHash (same shingles, 128 permutations)."""
    from search.store.stories import _Hasher, words

    try:
        from datasketch import MinHash  # type: ignore[import-not-found]
    except ImportError:
        return {"datasketch": "not installed"}
    params = Params()
    hasher = _Hasher(params)
    items = test_set(seed, copies_per_kind)
    by_id = {it.doc_id: it for it in items}
    copies = [it for it in items if it.kind not in ("original", "exact copy", "white space")]
    bodies = [it.body for it in items]

    t = time.perf_counter()
    ours = [hasher.signature(hasher.shingles(b)) for b in bodies]
    ours_s = time.perf_counter() - t

    def shingle_strings(body: str) -> list[bytes]:
        w = words(body)
        k = params.shingle
        return [" ".join(w[i : i + k]).encode() for i in range(len(w) - k + 1)]

    t = time.perf_counter()
    theirs = []
    for b in bodies:
        m = MinHash(num_perm=params.num_perm, seed=1)
        m.update_batch(shingle_strings(b))
        theirs.append(m)
    theirs_s = time.perf_counter() - t

    index_of = {it.doc_id: i for i, it in enumerate(items)}
    err_ours, err_theirs = [], []
    for it in copies:
        i, j = index_of[it.doc_id], index_of[it.original]
        exact = shingle_jaccard(by_id[it.original].body, it.body, params)
        err_ours.append(abs(float(np.mean(ours[i] == ours[j])) - exact))
        err_theirs.append(abs(theirs[i].jaccard(theirs[j]) - exact))
    import datasketch  # type: ignore[import-not-found]

    return {
        "datasketch": datasketch.__version__ if hasattr(datasketch, "__version__") else "?",
        "articles": len(bodies),
        "pairs": len(copies),
        "ours_ms_per_signature": round(ours_s * 1000 / len(bodies), 3),
        "datasketch_ms_per_signature": round(theirs_s * 1000 / len(bodies), 3),
        "ours_mean_abs_error": round(float(np.mean(err_ours)), 4),
        "datasketch_mean_abs_error": round(float(np.mean(err_theirs)), 4),
        "ours_p95_abs_error": round(float(np.percentile(err_ours, 95)), 4),
        "datasketch_p95_abs_error": round(float(np.percentile(err_theirs, 95)), 4),
        "load": _loadavg(),
    }


# --------------------------------------------------------------------- the section

TEXT_BUILD_MS = 1000 / 150
"""The text phase of an index build, per article, on this machine (about 150 articles/s)."""


def render(result: dict[str, Any], compared: dict[str, Any] | None) -> str:
    q = result["quality"]
    p = q["params"]
    lines = [
        "## Same story, many copies (issue #15)",
        "",
        f"Written from `bench/out/duplicates.json` (`python -m bench.duplicates all --corpus "
        f"/tmp/hostile/corpus-10000 --corpus /tmp/hostile/corpus-100000`, then `render`), "
        f"quality run {result['started']}, `search/store/stories.py` as of commit "
        f"{result['commit']}; nproc 2, a shared machine: the load average is given with "
        "each figure. The engine core only "
        "(`search/store/stories.py`), as the index update calls it per committed batch "
        "(`search/update/stories.py`).",
        "",
        f"Parameters: {p['shingle']}-word shingles, {p['num_perm']} MinHash functions in "
        f"{p['bands']} bands of {p['rows']}, a pair is grouped when its estimated Jaccard is "
        f"at least {p['threshold']} (why: the docstring of `stories.Params`).",
        "",
        "### Quality on real newswire",
        "",
        f"Originals: {q['originals']} documents of IE-ER (1998 AP/NYT, "
        f"{q['by_corpus'].get('IE-ER', 0)}) and CoNLL-2003 (1996 Reuters, "
        f"{q['by_corpus'].get('CoNLL', 0)}), headline line dropped, at least 20 words. "
        f"Copies: {q['copies']}, made by program (seed {q['seed']}) from originals of at "
        f"least {MIN_PARAGRAPHS} paragraphs and {MIN_WORDS} words. N = {q['articles']} "
        f"articles in {q['stories']} stories: {q['true_pairs']} same-story pairs among "
        f"{q['all_pairs']:,} pairs. The corpora carry "
        f"{len(q['versions_in_corpus'])} pairs of versions of one story themselves (judged by "
        "reading; `VERSIONS` in bench/duplicates.py), counted as same-story pairs.",
        "",
        f"**Pairwise precision {q['precision']:.4f}, recall {q['recall']:.4f}** "
        f"(tp {q['tp']}, fp {q['fp']}, fn {q['fn']}; target ≥ 0.98 and ≥ 0.95). Grouping "
        f"the {q['articles']} articles took {q['grouping_s']} s.",
        "",
        "| copy made by | N | grouped with its original | shingle Jaccard min / 5th pct / median |",
        "|---|---|---|---|",
    ]
    for kind, k in q["per_kind"].items():
        lines.append(
            f"| {kind} | {k['n']} | {k['grouped_with_original']} ({k['recall']:.3f}) | "
            f"{k['jaccard_min']} / {k['jaccard_p5']} / {k['jaccard_median']} |"
        )
    n2 = result.get("quality_next_seed")
    if n2:
        lines += [
            "",
            f"With seed {n2['seed']} (other originals mutated, other edits): N = "
            f"{n2['articles']}, {n2['true_pairs']} same-story pairs, precision "
            f"{n2['precision']:.4f}, recall {n2['recall']:.4f} (fp {n2['fp']}, fn {n2['fn']}); "
            "new lead + paragraph dropped + 2% typos "
            f"{n2['per_kind']['first line + paragraph dropped + typos 2%']['recall']:.3f}.",
        ]
    lines += [
        "",
        "Pairs found in the corpora (exact shingle Jaccard; grouped or not):",
        "",
        "| pair | judged | Jaccard | grouped |",
        "|---|---|---|---|",
    ]
    for judged, key in (("versions", "versions_in_corpus"), ("different", "same_event_in_corpus")):
        for pair in q[key]:
            lines.append(
                f"| {pair['a']} ~ {pair['b']} | {judged} | {pair['jaccard']} | "
                f"{'yes' if pair['grouped'] else 'no'} |"
            )
    neg = q["hard_negatives"]
    lines += [
        "",
        f"Same event, different story: {neg['n']} pairs of distinct originals of the same "
        f"day sharing at least three person or organisation names (gold spans): "
        f"{neg['grouped']} grouped, shingle Jaccard median {neg['jaccard_median']}, max "
        f"{neg['jaccard_max']}. All {q['same_day_pairs']:,} same-day pairs of distinct "
        f"stories: {q['same_day_grouped']} grouped; the most similar at "
        + ", ".join(str(x["jaccard"]) for x in q["most_similar_same_day_distinct"][:4])
        + ".",
        "",
        "### Speed and memory",
        "",
        "Bodies of the synthetic corpora read with `search.ingest.read_article` first (not "
        "timed); each N in a child process of its own. Build: one `update` with 99% of the "
        "articles; then the other 1% added, 1% changed (a closing paragraph appended), "
        "that 1% removed, the state saved and loaded. Wall and CPU time (CPU: the process's "
        "own, less sensitive to the machine's load). Share of the build: against the text "
        f"phase's {TEXT_BUILD_MS:.1f} ms an article (150 articles/s; target ≤ 10%).",
        "",
        "| N | run | build s wall / CPU | ms an article wall / CPU | share of the text build "
        "(CPU) | add 1% s | change 1% s | remove 1% s | save / load s | state MB | peak RSS "
        "added MB | load at start → end |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in result["speed"]:
        b = r["build"]
        lines.append(
            f"| {r['n']:,} | {r.get('when', '')} | {b['seconds']} / {b['cpu_s']} | "
            f"{b['ms_per_article']} / "
            f"{b['cpu_ms_per_article']} | {b['cpu_ms_per_article'] / TEXT_BUILD_MS:.0%} | "
            f"{r['add_1pct']['seconds']} | {r['change_1pct']['seconds']} | "
            f"{r['remove_1pct']['seconds']} | {r['save_s']} / {r['load_s']} | {r['state_mb']} | "
            f"{r['peak_added_by_grouping_mb']} | {r['load_start'][0]} → {r['load_end'][0]} |"
        )
    lines += [
        "",
        "The synthetic corpora hold no copies (groups found: "
        + ", ".join(f"{r['groups']} at {r['n']:,}" for r in result["speed"])
        + "; candidate pairs compared in the build: "
        + ", ".join(f"{r['build']['candidates']:,}" for r in result["speed"])
        + "), so these are the costs of signing and looking up, not of large groups.",
    ]
    if compared and "ours_ms_per_signature" in compared:
        lines += [
            "",
            f"numpy against datasketch {compared['datasketch']} (`python -m bench.duplicates "
            f"compare` with datasketch installed; same shingles, {p['num_perm']} functions, "
            f"{compared['pairs']} copy-original pairs of the test set, load "
            f"{compared['load'][0]}): {compared['ours_ms_per_signature']} ms a signature "
            f"against {compared['datasketch_ms_per_signature']} ms; mean absolute error of "
            f"the estimated Jaccard against the exact one {compared['ours_mean_abs_error']} "
            f"against {compared['datasketch_mean_abs_error']} (95th percentile "
            f"{compared['ours_p95_abs_error']} against {compared['datasketch_p95_abs_error']})"
            ". So no new dependency (datasketch would also bring scipy).",
        ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------- main


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("step", choices=["quality", "speed", "compare", "all", "render"])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument(
        "--reuse-speed", action="store_true", help="all: keep the speed runs of --out"
    )
    parser.add_argument("--corpus", type=Path, action="append")
    parser.add_argument("--state-dir", type=Path, default=Path("/tmp"))
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(list(argv) if argv is not None else None)

    if args.step == "quality":
        print(json.dumps(quality(args.seed, args.copies), indent=1))
    elif args.step == "speed":
        for folder in args.corpus or []:
            print(json.dumps(speed(folder, args.state_dir)))
    elif args.step == "compare":
        result = compare(args.seed)
        COMPARE_OUT.parent.mkdir(parents=True, exist_ok=True)
        COMPARE_OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=1))
    elif args.step == "all":
        started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        result: dict[str, object] = {
            "started": started,
            "commit": subprocess.run(
                ["git", "log", "-1", "--format=%h", "--", "search/store/stories.py"],
                capture_output=True,
                text=True,
                check=False,
                cwd=HERE.parent,
            ).stdout.strip(),
            "quality": quality(args.seed, args.copies),
            "quality_next_seed": quality(args.seed + 1, args.copies),
            "speed": (
                json.loads(args.out.read_text(encoding="utf-8"))["speed"]
                if args.reuse_speed
                else [speed_in_child(f, args.state_dir) for f in args.corpus or []]
            ),
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        print(json.dumps(result, indent=1))
    elif args.step == "render":
        result = json.loads(args.out.read_text(encoding="utf-8"))
        compared = (
            json.loads(COMPARE_OUT.read_text(encoding="utf-8")) if COMPARE_OUT.exists() else None
        )
        SECTION.write_text(render(result, compared), encoding="utf-8")
        print(SECTION)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
