"""Turn the NIST 1999 IE-ER newswire sample into plain text + gold spans for entity scoring.

The corpus is real 1998 AP and New York Times newswire that nobody here wrote or annotated
(NIST's IE-ER devtest sample as NLTK's data collection distributes it: ``ieer.zip``, six
files ``APW_*`` / ``NYT_*``, 94 documents). It is never copied into this repository: unpack
it somewhere outside (``/work/corpora/ieer/``) and point ``--src`` there.

Usage::

    python bench/outside_corpus.py --src /work/corpora/ieer --out /work/corpora/ieer.json
    python bench/outside_corpus.py --format conll --src /work/corpora/conll2003 \
        --out /work/corpora/conll.json
    python bench/outside_corpus.py --format wikigold --src /work/corpora/wikigold.conll.txt \
        --out /work/corpora/wikigold.json
    python bench/outside_corpus.py --format tagged --src /work/corpora/bbc-annot \
        --out /work/corpora/bbc.json
    python bench/outside_corpus.py --format bbc --set bbc3 --src /work/corpora/raw/bbc \
        --out /work/corpora/bbc3.json

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

CoNLL-2003 English (``--format conll``)
    A second outside corpus, another publisher and other beats: Reuters newswire of
    1996-97 (much sport, markets and politics) as the CoNLL-2003 shared task marked it.
    ``--src`` is a folder with the official ``eng.testa`` (dev) and ``eng.testb`` (test)
    files in CoNLL column format (token first, name tag last; IOB1, IOB2 or BIOES tags are
    all read). It is kept outside this repository (``/work/corpora/conll2003/``).

    Text: documents are cut at ``-DOCSTART-`` lines (a file's first document may lack one);
    within a document each sentence (a block of token lines) becomes one line, its tokens
    joined by single spaces, so offsets are exact. Nothing else is changed, so the texts are
    tokenised as the shared task gave them (``England 's``, ``( Reuters )``, ``wo n't``)
    and headlines are mostly ALL CAPS: systems are scored on that as it is. The document's
    date is the first ``yyyy-mm-dd`` token in its first three lines (its dateline).

    Type mapping (decided before any system was scored)
        ``PER`` -> ``PERSON``, ``ORG`` -> ``ORG``, ``LOC`` -> ``LOC`` (our COUNTRY and PLACE,
        spaCy's GPE/LOC/FAC, as for IE-ER); ``MISC`` (nationalities, events, products,
        ``Euro 96``) is dropped from gold, and nothing predicted on a MISC span is ignored:
        CoNLL has no optional spans or alternatives. The match rule is IE-ER's.

    Split: dev = a sample of ``CONLL_SAMPLE`` documents from eng.testa drawn with
    ``random.Random(SEED)``, test = as many from eng.testb with the same seed (each keeps
    file order). The official training file is not used.

    Results tables: sport results and standings (``Japan 2 Syria 1``, ``Uzbekistan 1 1 0
    0 2 0 3``) fill some documents. A document is marked ``"table": true`` when more than
    half of its lines after the first two (headline, dateline) are number lines, a line
    being a number line when at least a quarter of its tokens hold a digit;
    ``bench/entity_outside.py`` reports every document and, apart, the others.

Wikigold (``--format wikigold``)
    A third outside corpus, off the news beat: 145 Wikipedia articles (bands, albums, clubs,
    companies, films, places; Balasuriya et al. 2009, CC-BY 4.0) marked with CoNLL's types.
    ``--src`` is the file ``wikigold.conll.txt`` (token and tag, IOB1). Text, type mapping
    and results tables as for CoNLL; there is no date. Split: the documents shuffled with
    ``random.Random(SEED)`` and dealt alternately to dev and test.

Annotated by reading (``--format tagged``)
    A fourth outside corpus on the beats our users named: 50 BBC News articles of 2004-05
    (Greene & Cunningham's public BBC dataset; business, entertainment, politics, sport,
    tech; copyright the BBC, so it stays outside this repository), 10 per beat drawn with a
    fixed seed from the articles of 150-550 words (exact copies dropped), 5 per beat dev and
    5 test. They were annotated blind, by reading only, before any system was run on them,
    to a guideline fixed beforehand (PERSON, ORG, LOC; ``OPT`` for a span that is genuinely
    unclear, e.g. a country standing for its sports team; nationality words, events, works
    and products are not names). ``--src`` is a folder with ``manifest.json`` (``doc``,
    ``file``, ``split`` per article), ``texts/DOC.txt`` and ``tagged/DOC.txt``: the same text
    with inline ``<PERSON>...</PERSON>``, ``<ORG>``, ``<LOC>`` and ``<OPT>`` tags. Removing
    the tags must give the text back exactly, or the converter stops. ``OPT`` spans are
    optional gold. The match rule is IE-ER's.

BBC News from standoff gold (``--format bbc``)
    The same BBC sets rebuilt by anyone with the dataset: ``bench/quality/bbc-annotations.json``
    keeps, per article, its file in the dataset, the SHA-1 of its text,
    its split and the offsets of its names (no BBC text). ``--src`` is the dataset's folder
    (``business/``, ``entertainment/``, ...), ``--set`` one of the sets there (``bbc``: 25
    dev + 25 test; ``bbc2``: 30 dev; ``bbc3``: 40 test; ``bbc4``: 40 dev; ``bbc5``: 30
    test; ``bbc6``: 40 dev; ``bbc7``: 40 test). A text read is the file with trailing
    whitespace replaced by one newline; a different SHA-1 stops the converter. Sets bbc to
    bbc5 were read from a copy of the dataset that turned some dashes and hyphens into
    spaces (GitHub's Podginator/Dissertation_final), bbc6 and bbc7 (session 9) from one
    with the BBC's punctuation (dejanbatanjac/bbc-article-classify-bert): give each set
    the copy it was read from. The guideline the annotators followed, fixed before
    any system ran on these articles: PERSON (people, real or fictional, stage names,
    mononyms), ORG (companies, bodies, parties and their short forms, clubs, bands,
    newspapers, broadcasters and channels), LOC (countries, also as modifiers, regions,
    towns, natural places, venues and streets); not names: nationality words, events and
    competitions, works, products, laws; titles, a leading "the" and a trailing "'s" outside
    the name; OPT where the type or the name is unclear (a country standing for its sports
    team, a government named by its capital).

JSON written::

    {"source": ..., "seed": ..., "documents": {DOCNO: {"file", "date", "split", "text",
      "spans": [[start, end, type], ...], "alts": [[span_index, start, end], ...],
      "optional": [[start, end, type], ...]}}}

(CoNLL documents also carry ``"table": bool``.)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = 1999
TYPES = {"PERSON": "PERSON", "ORGANIZATION": "ORG", "LOCATION": "LOC"}
CONLL_TYPES = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}
CONLL_FILES = {"dev": "eng.testa", "test": "eng.testb"}
CONLL_SAMPLE = 150

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


# --- CoNLL-2003 -------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_DIGIT = re.compile(r"\d")


@dataclass
class ConllDocument(Document):
    """A CoNLL document: also whether it is mostly a results table."""

    table: bool = False


def _conll_names(tags: list[str]) -> list[tuple[int, int, str]]:
    """(first token, end token, type) of each name in one sentence's tags: IOB1, IOB2 or
    BIOES (a ``B-``/``S-`` always starts a name; ``I-``/``E-`` continue one of its type)."""
    names: list[tuple[int, int, str]] = []
    open_at, open_type = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        continues = prefix in ("I", "E") and typ == open_type and open_at >= 0
        if open_at >= 0 and not continues:
            names.append((open_at, i, open_type))
            open_at, open_type = -1, ""
        if prefix in ("B", "S") or (prefix in ("I", "E") and not continues):
            open_at, open_type = i, typ
        if prefix in ("E", "S") and open_at >= 0:
            names.append((open_at, i + 1, open_type))
            open_at, open_type = -1, ""
    return names


def _number_line(tokens: list[str]) -> bool:
    return sum(1 for t in tokens if _DIGIT.search(t)) * 4 >= len(tokens)


def _conll_document(docno: str, file: str, sentences: list[list[tuple[str, str]]]) -> ConllDocument:
    lines: list[str] = []
    spans: list[tuple[int, int, str]] = []
    offset = 0
    for sentence in sentences:
        tokens = [tok for tok, _ in sentence]
        starts: list[int] = []
        pos = offset
        for tok in tokens:
            starts.append(pos)
            pos += len(tok) + 1
        for first, end, typ in _conll_names([tag for _, tag in sentence]):
            ours = CONLL_TYPES.get(typ)
            if ours is not None:
                spans.append((starts[first], starts[end - 1] + len(tokens[end - 1]), ours))
        line = " ".join(tokens)
        lines.append(line)
        offset += len(line) + 1
    text = "\n".join(lines)
    date = next((m.group() for line in lines[:3] for m in [_ISO_DATE.search(line)] if m), "")
    body = sentences[2:]
    numeric = sum(1 for sentence in body if _number_line([tok for tok, _ in sentence]))
    doc = ConllDocument(
        docno, file, date, text, spans, table=bool(body) and numeric * 2 > len(body)
    )
    doc.headline = lines[0] if lines else ""
    return doc


def read_conll(path: Path) -> list[ConllDocument]:
    """The documents of one CoNLL column file, in order, numbered ``<file>-001`` ..."""
    docs: list[ConllDocument] = []
    sentences: list[list[tuple[str, str]]] = []
    sentence: list[tuple[str, str]] = []

    def close_document() -> None:
        if sentence:
            sentences.append(list(sentence))
            sentence.clear()
        if sentences:
            docs.append(_conll_document(f"{path.name}-{len(docs) + 1:03d}", path.name, sentences))
            sentences.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        cols = raw.split()
        if not cols:
            if sentence:
                sentences.append(list(sentence))
                sentence.clear()
        elif cols[0] == "-DOCSTART-":
            close_document()
        else:
            sentence.append((cols[0], cols[-1]))
    close_document()
    return docs


def conll_payload(src: Path, seed: int = SEED, sample: int = CONLL_SAMPLE) -> dict[str, object]:
    """The JSON payload for CoNLL-2003: a seeded sample of each official evaluation file."""
    documents: dict[str, object] = {}
    for side, name in CONLL_FILES.items():
        docs = read_conll(src / name)
        chosen = sorted(random.Random(seed).sample(range(len(docs)), min(sample, len(docs))))
        for i in chosen:
            d = docs[i]
            documents[d.docno] = {
                "file": d.file,
                "date": d.date,
                "split": side,
                "text": d.text,
                "spans": [list(s) for s in d.spans],
                "alts": [],
                "optional": [],
                "table": d.table,
            }
        n_spans = sum(len(docs[i].spans) for i in chosen)
        n_tables = sum(docs[i].table for i in chosen)
        print(
            f"{side}: {len(chosen)} of {len(docs)} documents of {name}, {n_spans} gold spans, "
            f"{n_tables} results tables"
        )
    return {
        "source": "CoNLL-2003 English NER, Reuters 1996-97 (official eng.testa / eng.testb)",
        "seed": seed,
        "documents": documents,
    }


def wikigold_payload(src: Path, seed: int = SEED) -> dict[str, object]:
    """The JSON payload for Wikigold: every document, dealt to dev and test after a seeded
    shuffle (alternately, so both sides get half)."""
    docs = read_conll(src)
    order = list(range(len(docs)))
    random.Random(seed).shuffle(order)
    side_of = {i: ("dev", "test")[k % 2] for k, i in enumerate(order)}
    documents: dict[str, object] = {}
    for i, d in enumerate(docs):
        documents[d.docno] = {
            "file": d.file,
            "date": "",
            "split": side_of[i],
            "text": d.text,
            "spans": [list(s) for s in d.spans],
            "alts": [],
            "optional": [],
            "table": d.table,
        }
    for side in ("dev", "test"):
        chosen = [d for i, d in enumerate(docs) if side_of[i] == side]
        print(f"{side}: {len(chosen)} documents, {sum(len(d.spans) for d in chosen)} gold spans")
    return {
        "source": "Wikigold (Balasuriya et al. 2009), Wikipedia articles, CC-BY 4.0",
        "seed": seed,
        "documents": documents,
    }


_INLINE_TAG = re.compile(r"<(/?)(PERSON|ORG|LOC|OPT)>")


def read_tagged(
    text: str, tagged: str
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """(spans, optional spans) of an inline-tagged copy of ``text``; ValueError when the copy
    does not strip back to ``text`` or its tags nest, overlap or stay open."""
    plain: list[str] = []
    spans: list[tuple[int, int, str]] = []
    optional: list[tuple[int, int, str]] = []
    pos = length = 0
    opened: tuple[str, int] | None = None
    for m in _INLINE_TAG.finditer(tagged):
        plain.append(tagged[pos : m.start()])
        length += m.start() - pos
        pos = m.end()
        closing, kind = m.group(1) == "/", m.group(2)
        if not closing and opened is None:
            opened = (kind, length)
        elif closing and opened is not None and opened[0] == kind:
            target = optional if kind == "OPT" else spans
            target.append((opened[1], length, kind))
            opened = None
        else:
            raise ValueError(f"tag {m.group(0)} out of place at character {m.start()}")
    plain.append(tagged[pos:])
    if opened is not None:
        raise ValueError(f"<{opened[0]}> is never closed")
    if "".join(plain) != text:
        raise ValueError("the tagged copy does not strip back to the original text")
    return spans, optional


def tagged_payload(src: Path, seed: int = SEED) -> dict[str, object]:
    """The JSON payload for articles annotated inline (``--format tagged``); the split is
    the manifest's, fixed when the articles were drawn."""
    manifest = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    documents: dict[str, object] = {}
    counts = {"dev": [0, 0], "test": [0, 0]}
    for entry in manifest:
        doc = entry["doc"]
        text = (src / "texts" / f"{doc}.txt").read_text(encoding="utf-8")
        tagged = (src / "tagged" / f"{doc}.txt").read_text(encoding="utf-8")
        try:
            spans, optional = read_tagged(text, tagged)
        except ValueError as exc:
            raise SystemExit(f"{doc}: {exc}") from None
        documents[doc] = {
            "file": entry["file"],
            "date": "",
            "split": entry["split"],
            "text": text,
            "spans": [list(s) for s in spans],
            "alts": [],
            "optional": [list(o) for o in optional],
        }
        counts[entry["split"]][0] += 1
        counts[entry["split"]][1] += len(spans)
    for side, (n_docs, n_spans) in counts.items():
        print(f"{side}: {n_docs} documents, {n_spans} gold spans")
    return {
        "source": "BBC News 2004-05 (Greene & Cunningham), annotated by reading: " + src.name,
        "seed": seed,
        "documents": documents,
    }


BBC_ANNOTATIONS = Path(__file__).resolve().parent / "quality" / "bbc-annotations.json"


def bbc_payload(src: Path, name: str, annotations: Path = BBC_ANNOTATIONS) -> dict[str, object]:
    """The JSON payload of one BBC set from its standoff gold and the dataset's files."""
    sets = json.loads(annotations.read_text(encoding="utf-8"))["sets"]
    if name not in sets:
        raise SystemExit(f"no BBC set {name!r} in {annotations} (there are {', '.join(sets)})")
    documents: dict[str, object] = {}
    for doc, entry in sets[name].items():
        text = (src / entry["file"]).read_text(encoding="utf-8").rstrip() + "\n"
        if hashlib.sha1(text.encode()).hexdigest() != entry["sha1"]:
            raise SystemExit(f"{doc}: {src / entry['file']} is not the text annotated")
        documents[doc] = {
            "file": entry["file"],
            "date": "",
            "split": entry["split"],
            "text": text,
            "spans": entry["spans"],
            "alts": [],
            "optional": entry["optional"],
        }
    print(f"{name}: {len(documents)} documents")
    return {
        "source": f"BBC News 2004-05 (Greene & Cunningham), standoff gold set {name}",
        "seed": SEED,
        "documents": documents,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--format", choices=("ieer", "conll", "wikigold", "tagged", "bbc"), default="ieer"
    )
    parser.add_argument("--set", default="bbc", help="with --format bbc: bbc, bbc2, ... bbc7")
    parser.add_argument("--src", type=Path, default=Path("/work/corpora/ieer"))
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    if args.format == "bbc":
        out = bbc_payload(args.src, args.set)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {args.out}")
        return 0
    if args.format in ("conll", "wikigold", "tagged"):
        make = {"conll": conll_payload, "wikigold": wikigold_payload, "tagged": tagged_payload}[
            args.format
        ]
        out = make(args.src, args.seed)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"wrote {args.out}")
        return 0
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
