"""Turn the NIST 1999 IE-ER newswire sample into plain text + gold spans for entity scoring.

The corpus is real 1998 AP and New York Times newswire that nobody here wrote or annotated
(NIST's IE-ER devtest sample as NLTK's data collection distributes it: ``ieer.zip``, six
files ``APW_*`` / ``NYT_*``, 94 documents). It is never copied into this repository: unpack
it somewhere outside (``/work/corpora/ieer/``) and point ``--src`` there.

Usage::

    python bench/outside_corpus.py --src /work/corpora/ieer --out /work/corpora/ieer.json

Then ``bench/entity_outside.py --gold /work/corpora/ieer.json`` scores a system on it.

Text
    Each document becomes its headline, a newline, then its body, one paragraph a line. In
    the source a paragraph starts where a line starts with a tab; every other run of
    whitespace (the wire's line wrapping) becomes one space. ``<ANNOTATION>`` blocks (the
    editors' "STORY CAN END HERE") are dropped, as are documents without a ``<TEXT>``
    body. The wire's ``&AMP;`` becomes ``&``; its layout codes ``&UR;`` and ``&LR;`` are
    dropped. Nothing else is changed: AP's ``\\`\\``/``''`` quotes, `` _ `` dashes and ALL-CAPS
    headlines stay as the wire sent them.

Type mapping (decided before any system was scored)
    gold ``PERSON``       -> ``PERSON``
    gold ``ORGANIZATION`` -> ``ORG``
    gold ``LOCATION``     -> ``LOC``  (systems' COUNTRY and PLACE are both scored as LOC;
                                       spaCy's GPE, LOC and FAC likewise)
    gold ``TIMEX`` / ``NUMEX`` (dates, money, ...) are ignored, and so is our DATE type.
    Nationality words (``Kenyans``, ``Israeli``) are not names in IE-ER: spaCy's NORP is
    dropped, as are its EVENT, WORK_OF_ART, PRODUCT, LAW and LANGUAGE.

Match rule (decided before any system was scored)
    A predicted span is right when it has the gold span's type and exactly its offsets,
    after both are trimmed the same way: a leading ``the`` + space (any case) and a
    trailing possessive (``'s``, ``’s``, or a bare ``'``/``’``) come off. (IE-ER's
    annotators already leave ``the`` and ``'s`` outside names; systems often include them.)
    Each gold span can be matched once. Two IE-ER conventions are honoured:

    - ``status="opt"`` marks an optional name: it is not counted as gold, and a prediction
      with exactly its offsets (any type) is neither right nor wrong.
    - ``alt="..."`` gives the shortest acceptable string inside a longer name: a prediction
      covering exactly that part also matches the gold span.

    Spans with identical offsets and type are kept once (one document nests a name twice).

Split
    By document, fixed and seeded: near-duplicate stories (the wire resends a story with
    the same headline; more than half of the words shared) form one group so a story is
    never on both sides. Within each source file the groups are shuffled with a fixed seed
    and dealt alternately to dev and test, so every file (AP world news, AP business and
    sport, NYT features, reviews, books, food) is on both sides. Look at dev; score test
    only for before/after figures.

JSON written::

    {"source": ..., "seed": ..., "documents": {DOCNO: {"file", "date", "split", "text",
      "spans": [[start, end, type], ...], "alts": [[span_index, start, end], ...],
      "optional": [[start, end, type], ...]}}}
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = 1999
TYPES = {"PERSON": "PERSON", "ORGANIZATION": "ORG", "LOCATION": "LOC"}

_DOC = re.compile(r"<DOC>(.*?)</DOC>", re.S)
_DOCNO = re.compile(r"<DOCNO>\s*(\S+)\s*</DOCNO>")
_DATE = re.compile(r"<DATE_TIME>\s*(\d\d)/(\d\d)/(\d{4})")
_HEADLINE = re.compile(r"<HEADLINE>(.*?)</HEADLINE>", re.S)
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)
_ANNOTATION = re.compile(r"<ANNOTATION>.*?</ANNOTATION>", re.S)
_TAG = re.compile(r"<(b|e)_(enamex|timex|numex)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")
_LAYOUT = re.compile(r"&(?:UR|LR);")


@dataclass
class _Open:
    kind: str
    attrs: dict[str, str]
    start: int | None = None


@dataclass
class Document:
    """One converted article: text and the names marked in it."""

    docno: str
    file: str
    date: str
    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    alts: list[tuple[int, int, int]] = field(default_factory=list)
    optional: list[tuple[int, int, str]] = field(default_factory=list)
    headline: str = ""


class _Builder:
    """Appends marked-up source text to plain text, keeping the offsets of every name."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.length = 0
        self.pending = ""
        self.stack: list[_Open] = []
        self.names: list[tuple[int, int, str, dict[str, str]]] = []

    def _emit(self, chunk: str) -> None:
        if self.pending and self.length:
            self.out.append(self.pending)
            self.length += len(self.pending)
        self.pending = ""
        for opened in self.stack:
            if opened.start is None:
                opened.start = self.length
        self.out.append(chunk)
        self.length += len(chunk)

    def _whitespace(self, run: str) -> None:
        if "\n\t" in run or self.pending == "\n":
            self.pending = "\n"
        else:
            self.pending = " "

    def text(self, raw: str) -> None:
        pos = 0
        for m in _SPACE.finditer(raw):
            if m.start() > pos:
                self._emit(raw[pos : m.start()])
            self._whitespace(m.group())
            pos = m.end()
        if pos < len(raw):
            self._emit(raw[pos:])

    def tag(self, begin: bool, kind: str, attrs: str) -> None:
        if begin:
            self.stack.append(_Open(kind, dict(_ATTR.findall(attrs))))
            return
        opened = self.stack.pop()
        if opened.kind != kind:
            raise ValueError(f"<e_{kind}> closes <b_{opened.kind}>")
        if kind == "enamex" and opened.start is not None:
            gold_type = opened.attrs.get("type", "")
            self.names.append((opened.start, self.length, gold_type, opened.attrs))

    def markup(self, raw: str) -> None:
        raw = _LAYOUT.sub("", raw).replace("&AMP;", "&")
        pos = 0
        for m in _TAG.finditer(raw):
            self.text(raw[pos : m.start()])
            self.tag(m.group(1) == "b", m.group(2), m.group(3))
            pos = m.end()
        self.text(raw[pos:])

    def paragraph_break(self) -> None:
        if self.length:
            self.pending = "\n"


def convert_doc(raw: str, file: str) -> Document | None:
    """One ``<DOC>`` of the source as a ``Document``; None when it has no body."""
    docno = _DOCNO.search(raw)
    body = _TEXT.search(raw)
    if docno is None or body is None:
        return None
    date = _DATE.search(raw)
    iso = f"{date.group(3)}-{date.group(1)}-{date.group(2)}" if date else ""
    headline = _HEADLINE.search(raw)
    builder = _Builder()
    if headline:
        builder.markup(headline.group(1))
        builder.paragraph_break()
    builder.markup(_ANNOTATION.sub("\n\t", body.group(1)))
    if builder.stack:
        raise ValueError(f"{docno.group(1)}: unclosed tag")
    text = "".join(builder.out)
    doc = Document(docno.group(1), file, iso, text)
    doc.headline = text.split("\n", 1)[0] if headline else ""
    seen: set[tuple[int, int, str]] = set()
    for start, end, gold_type, attrs in builder.names:
        typ = TYPES.get(gold_type)
        if typ is None:
            continue
        key = (start, end, typ)
        if key in seen:
            continue
        seen.add(key)
        if attrs.get("status") == "opt":
            doc.optional.append(key)
            continue
        doc.spans.append(key)
        alt = attrs.get("alt")
        if alt:
            at = text.find(alt, start, end)
            if at < 0:
                raise ValueError(f"{doc.docno}: alt {alt!r} not inside {text[start:end]!r}")
            doc.alts.append((len(doc.spans) - 1, at, at + len(alt)))
    return doc


def read_corpus(src: Path) -> list[Document]:
    """Every document with a body, in file order."""
    docs: list[Document] = []
    for path in sorted(src.iterdir()):
        if not re.fullmatch(r"(APW|NYT)_\d{8}", path.name):
            continue
        raw = path.read_text(encoding="latin-1")
        for m in _DOC.finditer(raw):
            doc = convert_doc(m.group(1), path.name)
            if doc is not None:
                docs.append(doc)
    return docs


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def story_groups(docs: list[Document]) -> list[list[int]]:
    """Indices of near-duplicate stories grouped: same headline and Jaccard > 0.5."""
    parent = list(range(len(docs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    words = [_words(d.text) for d in docs]
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if docs[i].headline.lower() != docs[j].headline.lower():
                continue
            shared = len(words[i] & words[j]) / max(1, len(words[i] | words[j]))
            if shared > 0.5:
                parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def assign_splits(docs: list[Document], seed: int = SEED) -> dict[str, str]:
    """DOCNO -> "dev" or "test", dealt per source file from seeded shuffles of groups."""
    rng = random.Random(seed)
    by_file: dict[str, list[list[int]]] = {}
    for group in story_groups(docs):
        by_file.setdefault(docs[group[0]].file, []).append(group)
    split: dict[str, str] = {}
    turn = 0
    for file in sorted(by_file):
        groups = by_file[file]
        rng.shuffle(groups)
        for group in groups:
            side = "dev" if turn % 2 == 0 else "test"
            turn += 1
            for i in group:
                split[docs[i].docno] = side
    return split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, default=Path("/work/corpora/ieer"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    docs = read_corpus(args.src)
    split = assign_splits(docs, args.seed)
    payload = {
        "source": "NIST 1999 IE-ER newswire devtest sample (NLTK data: ieer.zip)",
        "seed": args.seed,
        "documents": {
            d.docno: {
                "file": d.file,
                "date": d.date,
                "split": split[d.docno],
                "text": d.text,
                "spans": [list(s) for s in d.spans],
                "alts": [list(a) for a in d.alts],
                "optional": [list(o) for o in d.optional],
            }
            for d in docs
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    for side in ("dev", "test"):
        chosen = [d for d in docs if split[d.docno] == side]
        files = sorted({d.file for d in chosen})
        n_spans = sum(len(d.spans) for d in chosen)
        print(f"{side}: {len(chosen)} documents, {n_spans} gold spans, files {', '.join(files)}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
