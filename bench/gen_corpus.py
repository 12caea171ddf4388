"""Deterministic synthetic news archive shaped like ``resources/sample-archive``.

Why: benchmarks need 10k-100k articles with the sample files' quirks (headline or not,
` date ` prefix, datelines, ``./.`` teasers, source lines, stray symbols, accents), and
every run must see the same bytes. Each file has its own RNG seeded from (seed, index), so
files can be written in parallel and regenerated one at a time (``--modify``).

Usage: ``python bench/gen_corpus.py OUT N [--seed S] [--workers W]``
       ``python bench/gen_corpus.py OUT N --modify PCT [--revision R]`` (R=0 restores)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from multiprocessing import Pool
from pathlib import Path
from typing import Any

GENERATOR_VERSION = 1
"""Bump when the output for a given (seed, index) changes: cached corpora are regenerated."""

FILES_PER_SHARD = 1000
VOCAB_SEED = "archive-browser-vocab-v1"
VOCAB_SIZE = 6000
FIRST_DAY = date(2015, 1, 1)
DAYS = (date(2024, 12, 31) - FIRST_DAY).days + 1

DATA: dict[str, Any] = json.loads(
    Path(__file__).with_name("corpus_data.json").read_text(encoding="utf-8")
)


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Word lists with Zipf cumulative weights; the same in every process and run."""

    stop: list[str]
    stop_cum: list[float]
    content: list[str]
    content_cum: list[float]
    fragments: list[list[str]]
    """Short recurring word runs, so phrase queries have hits across articles."""
    fragment_cum: list[float]


def _zipf_cum(n: int, s: float, q: float) -> list[float]:
    return list(accumulate(1.0 / (r + q) ** s for r in range(1, n + 1)))


def _pseudo_word(rng: random.Random) -> str:
    parts = []
    for i in range(rng.choice((1, 2, 2))):
        onset = rng.choice(DATA["syllables_onset"])
        parts.append(
            (onset[:1] if i else onset)
            + rng.choice(DATA["syllables_nucleus"])
            + rng.choice(DATA["syllables_coda"])
        )
    return "".join(parts) + rng.choice(DATA["word_suffixes"])


@cache
def vocabulary() -> Vocabulary:
    """Real news words at the top ranks, invented English-ish words in the long tail."""
    stop = list(dict.fromkeys(DATA["stopwords"]))
    seen = set(stop)
    content = []
    for word in DATA["content_words"]:
        if word not in seen:
            seen.add(word)
            content.append(word)
    rng = random.Random(VOCAB_SEED)
    while len(content) < VOCAB_SIZE:
        word = _pseudo_word(rng)
        if 4 <= len(word) <= 11 and word not in seen:
            seen.add(word)
            content.append(word)
    stop_cum = _zipf_cum(len(stop), 1.0, 2.0)
    content_cum = _zipf_cum(len(content), 1.2, 5.0)
    fragments = []
    for _ in range(4000):
        words = []
        for _ in range(rng.choice((2, 2, 3, 3, 4))):
            if rng.random() < 0.4:
                words.append(stop[bisect(stop_cum, rng.random() * stop_cum[-1])])
            else:
                words.append(content[bisect(content_cum, rng.random() * content_cum[-1])])
        fragments.append(words)
    return Vocabulary(
        stop, stop_cum, content, content_cum, fragments, _zipf_cum(len(fragments), 1.0, 20.0)
    )


# ---------------------------------------------------------------- people, orgs


@dataclass(slots=True)
class Person:
    full: str
    short: str
    female: bool
    title: str
    country: int
    """Index into the article's country list."""
    mentioned: bool = False


@dataclass(frozen=True, slots=True)
class Truth:
    """What a perfect reader of the generated file would extract."""

    index: int
    relpath: str
    title: str | None
    date: date | None
    date_source: str
    """"metadata" (the ` date ` prefix), "text" (a full date in the lead) or "none"."""
    countries: tuple[str, ...]
    """ISO codes of the countries the body (not the teasers) names."""
    words: int


COUNTRIES: list[dict[str, Any]] = DATA["countries"]
_COUNTRY_CUM = list(accumulate(c["weight"] for c in COUNTRIES))


def _pick_countries(rng: random.Random) -> list[dict[str, Any]]:
    k = rng.choices((1, 2, 3, 4), weights=(30, 40, 20, 10))[0]
    chosen: list[dict[str, Any]] = [COUNTRIES[0]] if rng.random() < 0.7 else []
    while len(chosen) < k:
        c = COUNTRIES[bisect(_COUNTRY_CUM, rng.random() * _COUNTRY_CUM[-1])]
        if c not in chosen:
            chosen.append(c)
    return chosen


def _vn_name(rng: random.Random, female: bool, accented: bool) -> tuple[str, str]:
    pick = 1 if accented else 0
    family = rng.choice(DATA["vn_family"])[pick]
    middle = rng.choice(DATA["vn_middle_f" if female else "vn_middle_m"])[pick]
    given = rng.choice(DATA["vn_given_f" if female else "vn_given_m"])[pick]
    return f"{family} {middle} {given}", given


def _other_name(rng: random.Random, female: bool) -> tuple[str, str]:
    first = rng.choice(DATA["first_f" if female else "first_m"])
    if rng.random() < 0.6:
        last = rng.choice(DATA["last_parts"])
    else:
        syll = "".join(rng.choice(DATA["last_syll"]) for _ in range(rng.choice((1, 2, 2, 3))))
        last = (syll + rng.choice(DATA["last_suffix"])).capitalize()
    if rng.random() < 0.08:
        first = first[0] + "."
    return f"{first} {last}", last


def _org(rng: random.Random, countries: list[dict[str, Any]]) -> str:
    if rng.random() < 0.55:
        return str(rng.choice(DATA["orgs"]))
    c = rng.choice(countries)
    c2 = rng.choice(COUNTRIES)
    return str(rng.choice(DATA["org_patterns"])).format(
        adj=c["adj"][0],
        adj2=c2["adj"][0],
        country=c["names"][0].removeprefix("the "),
        city=c["cities"][0],
        field=rng.choice(DATA["study_fields"]),
    )


# ---------------------------------------------------------------- article


class _Writer:
    """State for one article: its RNG, style flags and entities."""

    def __init__(self, rng: random.Random, countries: list[dict[str, Any]], accented: bool):
        self.rng = rng
        self.vocab = vocabulary()
        self.countries = countries
        self.accented = accented
        self.curly = rng.random() < 0.6
        self.guillemets = rng.random() < 0.05
        self.poss = "’s" if rng.random() < 0.7 else "'s"
        self.people: list[Person] = []
        self.orgs = [_org(rng, countries) for _ in range(rng.randint(1, 3))]
        for i in range(rng.randint(max(2, len(countries)), max(4, len(countries)))):
            ci = i % len(countries)
            female = rng.random() < 0.35
            if countries[ci]["code"] == "VN":
                full, short = _vn_name(rng, female, accented)
                title = rng.choice(DATA["titles_vn"])
            else:
                full, short = _other_name(rng, female)
                title = rng.choice(DATA["titles_other"])
            self.people.append(Person(full, short, female, title, ci))
        self.other = 1 % len(countries)

    # -- words
    def word(self) -> str:
        v, r = self.vocab, self.rng.random()
        if r < 0.42:
            return v.stop[bisect(v.stop_cum, self.rng.random() * v.stop_cum[-1])]
        return v.content[bisect(v.content_cum, self.rng.random() * v.content_cum[-1])]

    def content_word(self) -> str:
        v = self.vocab
        return v.content[bisect(v.content_cum, self.rng.random() * v.content_cum[-1])]

    def number(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.3:
            return f"{rng.randint(2, 999)},{rng.randint(0, 999):03d}"
        if kind < 0.6:
            return f"{rng.randint(1, 40)}.{rng.randint(0, 99):02d}"
        if kind < 0.8:
            return str(rng.randint(1945, 2024))
        return f"${rng.randint(1, 999)} million"

    def filler(self, n: int) -> str:
        rng, v = self.rng, self.vocab
        toks: list[str] = []
        while len(toks) < n:
            r = rng.random()
            if r < 0.12:
                toks.extend(v.fragments[bisect(v.fragment_cum, rng.random() * v.fragment_cum[-1])])
            elif r < 0.16:
                toks.append(rng.choice(DATA["collocations"]))
            elif r < 0.17:
                toks.append(self.number())
            elif r < 0.21 and toks and toks[-1][-1].isalpha():
                toks[-1] += ","
                toks.append(self.word())
            else:
                toks.append(self.word())
        text = " ".join(toks)
        return text[0].upper() + text[1:] + "."

    # -- entities
    def country_name(self, i: int) -> str:
        c = self.countries[i]
        if self.accented and "accented" in c:
            return str(c["accented"])
        return str(self.rng.choice(c["names"]))

    def adj(self, i: int) -> str:
        return str(self.rng.choice(self.countries[i]["adj"]))

    def city(self, i: int) -> str:
        c = self.countries[i]
        if self.accented and "cities_accented" in c:
            return str(self.rng.choice(c["cities_accented"]))
        return str(self.rng.choice(c["cities"]))

    def person(self, i: int) -> str:
        p = self.people[i % len(self.people)]
        if not p.mentioned:
            p.mentioned = True
            return f"{p.title} {p.full}"
        r = self.rng.random()
        short_title = DATA["short_titles"].get(p.title)
        if short_title and r < 0.4:
            return f"{short_title} {p.short}"
        return p.short

    def next_other(self) -> int:
        """Rotate the second country so every country of the article gets named."""
        if len(self.countries) == 1:
            return 0
        i = self.other
        self.other = self.other % (len(self.countries) - 1) + 1
        return i

    def fill(self, template: str, year: int, month: str) -> str:
        rng = self.rng
        o = self.next_other()
        p_other = next((k for k, p in enumerate(self.people) if p.country == o), 0)
        p_third = rng.randrange(len(self.people))
        if p_third == 0 and len(self.people) > 1:
            p_third = rng.randrange(1, len(self.people))
        oq, cq = ("«", "»") if self.guillemets else (("“", "”") if self.curly else ('"', '"'))
        values = {
            "P1": lambda: self.person(0),
            "S1": lambda: self.person(0),
            "P2": lambda: self.person(p_other),
            "S2": lambda: self.person(p_other),
            "P3": lambda: self.person(p_third),
            "role3": self.people[p_third].title.lower,
            "his1": lambda: "her" if self.people[0].female else "his",
            "his2": lambda: "her" if self.people[p_other].female else "his",
            "C1": lambda: self.country_name(0),
            "C2": lambda: self.country_name(o),
            "A1": lambda: self.adj(0),
            "A2": lambda: self.adj(o),
            "T1": lambda: self.people[0].title,
            "CITY": lambda: self.city(rng.choice((0, o))),
            "ORG": lambda: rng.choice(self.orgs),
            "REGION": lambda: rng.choice(DATA["regions"]),
            "DMD": lambda: f"{month} {rng.randint(1, 28)}",
            "MONTH": lambda: rng.choice(DATA["months"]),
            "YEAR": lambda: str(year),
            "YEAR_PAST": lambda: str(year - rng.randint(1, 30)),
            "YEAR_NEXT": lambda: str(year + 1),
            "money": lambda: f"${rng.randint(1, 999)} million",
            "pct": lambda: f"{rng.randint(1, 60)}.{rng.randint(0, 9)}",
            "num": lambda: f"{rng.randint(2, 400)},000",
            "w": self.content_word,
            "poss": lambda: self.poss,
            "Q": lambda: self.filler(rng.randint(8, 20)).rstrip("."),
            "comma": lambda: ",",
            "oq": lambda: oq,
            "cq": lambda: cq,
        }
        out = []
        for i, part in enumerate(template.split("{")):
            if i == 0:
                out.append(part)
                continue
            key, _, rest = part.partition("}")
            out.append(values[key]())
            out.append(rest)
        text = "".join(out)
        if template.startswith("{Q}"):
            text = oq + text
        return text[0].upper() + text[1:]


_TWO = ("C2", "A2", "P2", "S2", "his2")
TEMPLATES_ONE = [t for t in DATA["templates"] if not any("{" + k + "}" in t for k in _TWO)]


def _date_phrase(d: date, with_year: bool) -> str:
    month = DATA["months"][d.month - 1]
    return f"{month} {d.day}, {d.year}" if with_year else f"{month} {d.day}"


def shard_of(index: int) -> str:
    return f"{index // FILES_PER_SHARD:03d}"


def build(seed: int, index: int, revision: int = 0) -> tuple[str, Truth]:
    """Text and ground truth of article ``index``; ``revision`` > 0 adds an edit."""
    rng = random.Random(f"{seed}:{index}")
    relpath = f"{shard_of(index)}/{index:06d}_{rng.getrandbits(64):016x}.txt"
    countries = _pick_countries(rng)
    accented = countries[0]["code"] == "VN" and rng.random() < 0.25
    w = _Writer(rng, countries, accented)
    pub = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    month = DATA["months"][pub.month - 1]
    r = rng.random()
    date_mode = "metadata" if r < 0.5 else ("text" if r < 0.75 else "none")
    blank_sep = rng.random() < 0.55
    target = rng.randint(300, 900)

    # Lead: optional dateline, who met whom where and (maybe) when.
    lead = ""
    if rng.random() < 0.6:
        ci = 0 if rng.random() < 0.8 else w.next_other()
        city = w.city(ci)
        if rng.random() < 0.5:
            lead = f"{city.upper()} — "
        else:
            lead = f"{city} ({countries[ci].get('agency', 'VNA')}) – "
    when = ""
    if date_mode == "text":
        when = " on " + _date_phrase(pub, True)
    elif rng.random() < 0.65:
        when = " on " + _date_phrase(pub - timedelta(days=rng.randint(0, 2)), False)
        if rng.random() < 0.15:
            when += rng.choice((" morning", " afternoon"))
    o = w.next_other()
    other = next((k for k, p in enumerate(w.people) if p.country == o and k), 0)
    if other:
        counterpart = f"{w.adj(o)} counterpart " if o else ""
        guest = counterpart + w.person(other)
    else:
        guest = f"a delegation of {rng.choice(w.orgs)}"
    verb = rng.choice(DATA["lead_verbs"])
    lead_sentence = f"{w.person(0)} {verb} {guest} in {w.city(rng.choice((0, o)))}{when}."
    paragraphs = [lead + lead_sentence]
    if rng.random() < 0.5:
        paragraphs[0] += " " + w.filler(rng.randint(12, 30))
    if rng.random() < 0.15:
        caption = lead_sentence.rstrip(".") + ". " + rng.choice(DATA["captions"])
        paragraphs.insert(0 if rng.random() < 0.3 else 1, caption)

    # Body: filler, entity sentences and quotes until the word target.
    templates = TEMPLATES_ONE if len(countries) == 1 else DATA["templates"]
    words = sum(len(p.split()) for p in paragraphs)
    while words < target:
        sentences = []
        for _ in range(rng.randint(1, 4)):
            x = rng.random()
            if x < 0.15:
                sentences.append(w.fill(rng.choice(templates), pub.year, month))
            elif x < 0.2:
                sentences.append(w.fill(rng.choice(DATA["quote_templates"]), pub.year, month))
            else:
                sentences.append(w.filler(rng.randint(10, 28)))
        para = " ".join(sentences)
        words += len(para.split())
        paragraphs.append(para)
    # Every chosen country is named at least once in the body.
    for ci in range(len(countries)):
        adj = {a for a in countries[ci]["adj"]}
        names = set(countries[ci]["names"]) | {countries[ci].get("accented", "")}
        body = "\n".join(paragraphs)
        if not any(n and n in body for n in names | adj):
            paragraphs.append(
                f"The delegation also discussed cooperation with {w.country_name(ci)}."
            )
    if rng.random() < 0.1 and len(paragraphs) > 3:
        sub = rng.choice(DATA["headline_one"])
        paragraphs.insert(rng.randrange(2, len(paragraphs)), w.fill(sub, pub.year, month))
    if revision:
        edit = random.Random(f"{seed}:{index}:r{revision}")
        w.rng = edit
        update = f"Update ({revision}): " + " ".join(w.filler(edit.randint(10, 25)) for _ in "ab")
        paragraphs.insert(edit.randrange(1, len(paragraphs) + 1), update)
        w.rng = rng
    body_words = sum(len(p.split()) for p in paragraphs)

    # Stray symbols inside words (as in `h♉er`).
    if rng.random() < 0.05:
        for _ in range(rng.randint(1, 3)):
            pi = rng.randrange(len(paragraphs))
            p = paragraphs[pi]
            spaces = [i for i in range(1, len(p) - 3) if p[i] == " " and p[i + 1].isalpha()]
            if spaces:
                at = rng.choice(spaces) + 2
                paragraphs[pi] = p[:at] + rng.choice(DATA["stray_symbols"]) + p[at:]

    # Ending: `./.` with unrelated teasers, and/or a source line.
    ending = rng.random()
    if ending < 0.25:
        paragraphs[-1] = paragraphs[-1].rstrip(".") + "./."
        teasers = [COUNTRIES[0]] + [c for c in _pick_countries(rng) if c is not COUNTRIES[0]]
        if len(teasers) == 1:
            teasers.append(COUNTRIES[1 + rng.randrange(len(COUNTRIES) - 1)])
        teaser_writer = _Writer(rng, teasers, False)
        for _ in range(rng.randint(3, 12)):
            t = rng.choice(DATA["teaser_templates"])
            paragraphs.append(teaser_writer.fill(t, pub.year, month))
    source = rng.random()
    if source < 0.18:
        paragraphs.append(rng.choice(DATA["sources_line"]))
    elif source < 0.33:
        paragraphs[-1] += " " + rng.choice(DATA["sources_inline"])

    # Headline (sometimes repeated), date prefix, separators.
    title = None
    if rng.random() < 0.4:
        pool = DATA["headline_one"] if len(countries) == 1 else DATA["headline_two"]
        title = w.fill(rng.choice(pool), pub.year, month)
        if rng.random() < 0.33:
            paragraphs[:0] = [title, title]
        else:
            paragraphs.insert(0, title)
    sep = "\n\n" if blank_sep else "\n"
    text = sep.join(paragraphs)
    if date_mode == "metadata":
        text = f" date {pub.isoformat()} " + text
    elif rng.random() < 0.08:
        text = "\n\n" + text
    if rng.random() < 0.5:
        text += "\n"
    truth = Truth(
        index=index,
        relpath=relpath,
        title=title,
        date=pub if date_mode != "none" else None,
        date_source=date_mode,
        countries=tuple(c["code"] for c in countries),
        words=body_words,
    )
    return text, truth


# ---------------------------------------------------------------- writing


def _write_range(job: tuple[str, int, int, int, int]) -> tuple[int, int]:
    out, seed, start, stop, revision = job
    root = Path(out)
    made: set[str] = set()
    nbytes = 0
    for index in range(start, stop):
        text, truth = build(seed, index, revision)
        shard = truth.relpath.split("/", 1)[0]
        if shard not in made:
            (root / shard).mkdir(parents=True, exist_ok=True)
            made.add(shard)
        data = text.encode("utf-8")
        (root / truth.relpath).write_bytes(data)
        nbytes += len(data)
    return stop - start, nbytes


def _run_jobs(jobs: list[tuple[str, int, int, int, int]], workers: int) -> tuple[int, int]:
    if workers <= 1 or len(jobs) == 1:
        results = [_write_range(j) for j in jobs]
    else:
        with Pool(workers) as pool:
            results = list(pool.imap_unordered(_write_range, jobs))
    return sum(r[0] for r in results), sum(r[1] for r in results)


def manifest_path(out: Path) -> Path:
    """Where generation parameters are recorded: beside the corpus, so indexers never see it."""
    return out.parent / f"{out.name}.manifest.json"


def read_manifest(out: Path) -> dict[str, Any] | None:
    try:
        data: dict[str, Any] = json.loads(manifest_path(out).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data


def generate(out: Path, n: int, seed: int = 0, workers: int | None = None) -> dict[str, Any]:
    """Write ``n`` articles under ``out`` (sharded); returns and records the manifest."""
    workers = workers or os.cpu_count() or 1
    out.mkdir(parents=True, exist_ok=True)
    manifest_path(out).unlink(missing_ok=True)
    step = min(FILES_PER_SHARD, max(50, n // (workers * 4) or 1))
    jobs = [(str(out), seed, s, min(n, s + step), 0) for s in range(0, n, step)]
    t0 = time.perf_counter()
    files, nbytes = _run_jobs(jobs, workers)
    manifest = {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "files": files,
        "bytes": nbytes,
        "elapsed_s": round(time.perf_counter() - t0, 2),
        "modified": None,
    }
    manifest_path(out).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return manifest


def modified_indices(n: int, pct: float, seed: int) -> list[int]:
    """The same files for a given (n, pct, seed), whatever the revision."""
    k = max(1, round(n * pct / 100))
    return sorted(random.Random(f"{seed}:modify:{pct}").sample(range(n), k))


def modify(out: Path, n: int, pct: float, seed: int = 0, revision: int = 1) -> list[int]:
    """Rewrite ``pct``% of the files at ``revision`` (0 writes the originals back)."""
    indices = modified_indices(n, pct, seed)
    for index in indices:
        text, truth = build(seed, index, revision)
        (out / truth.relpath).write_bytes(text.encode("utf-8"))
    manifest = read_manifest(out)
    if manifest is not None:
        manifest["modified"] = {"pct": pct, "revision": revision} if revision else None
        manifest_path(out).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return indices


def ensure_corpus(out: Path, n: int, seed: int = 0) -> dict[str, Any]:
    """Reuse ``out`` when its manifest matches (restoring modified files), else generate."""
    m = read_manifest(out)
    if m and (m["generator_version"], m["n"], m["seed"]) == (GENERATOR_VERSION, n, seed):
        if m.get("modified"):
            modify(out, n, float(m["modified"]["pct"]), seed, revision=0)
            m["modified"] = None
        return {**m, "reused": True}
    if out.exists():
        import shutil

        shutil.rmtree(out)
    return generate(out, n, seed)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--modify", type=float, metavar="PCT", help="rewrite PCT%% of the files")
    ap.add_argument("--revision", type=int, default=1, help="with --modify; 0 restores")
    args = ap.parse_args(argv)
    if args.modify is not None:
        done = modify(args.out, args.n, args.modify, args.seed, args.revision)
        print(f"rewrote {len(done)} files at revision {args.revision}")
        return 0
    m = generate(args.out, args.n, args.seed, args.workers)
    rate = m["files"] / max(m["elapsed_s"], 1e-9)
    print(
        f"wrote {m['files']} files, {m['bytes'] / 1e6:.1f} MB in {m['elapsed_s']} s ({rate:.0f}/s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
