"""The entity phase: recognise the entities of what the text phase committed, into the
entity store beside the index.

It runs after the text batches (the recogniser costs some 65 ms an article, the text
phase about 4), reads each article's body back from the index rather than from its
file, recognises batches in worker processes (one per core, each loading the model
once) and commits one batch of articles per store transaction. What is done is known
by the store (article, content hash, recogniser), so a cancelled or killed phase
resumes where it stopped, and a changed article or another recogniser is redone.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.entities import combine, statistical
from search.model import Article, CancelCheck, Entity, IndexProgress, ProgressCallback
from search.store.entity_store import EntityStore
from search.store.schema import SCHEMA_VERSION, decode_signature
from search.store.text_index import open_index
from search.update.pool import Cancelled, ordered_map
from search.update.prepare import ENTITY_CHARS

log = logging.getLogger("archive_browser.engine.entity_phase")

COMBINE_VERSION = 29
"""Bump when the rules over the recogniser change what they give: every article is redone."""
BATCH = 32
"""Articles per store transaction: the work a kill can lose (about two seconds' worth)."""
BATCH_HERE = 8
"""Articles per batch when recognising in this process (about half a second)."""
PARALLEL_MIN = 100
"""Below this many articles, recognising here beats starting workers that load the model."""
AHEAD = 4
"""Batches in flight per phase (bodies read ahead of the recognisers: ~100 KB a batch)."""

Recognise = Callable[[Sequence[str], Sequence[datetime.date | None]], list[list[Entity]]]
Job = tuple[list[str], list[str], list[datetime.date | None]]
"""(article ids, bodies, dates) of one batch."""
Done = tuple[list[str], str, str | None, list[list[Entity]]]
"""(article ids, recogniser that ran, why not spaCy, entities per article)."""


@dataclass(slots=True)
class EntityPhaseReport:
    recogniser: str
    total: int = 0
    """Articles that needed the phase when it started."""
    done: int = 0
    removed: int = 0
    cancelled: bool = False
    note: str | None = None
    """Why the statistical recogniser is not used (the rules alone ran), said once."""


def _name(status: statistical.Status) -> tuple[str, str | None]:
    base = f"spacy:{status.package}-{status.version}" if status.available else "rules"
    note = None if status.available else f"Entities from the rules alone: {status.reason}."
    return f"{base}+combine-{COMBINE_VERSION}+schema-{SCHEMA_VERSION}", note


def recogniser_name() -> tuple[str, str | None]:
    """The name the store keeps with each article's entities, and why spaCy is not used
    (from the installed packages: the model itself loads in the workers)."""
    return _name(statistical.expected())


def recognise_job(job: Job) -> Done:
    """One batch, in a worker process: rules over spaCy, and which of them really ran
    (a model that is installed but fails to load gives the rules' name, so its articles
    are redone once it loads)."""
    ids, bodies, dates = job
    found = combine.extract_many(bodies, dates)
    name, note = _name(statistical.status())
    return ids, name, note, found


def recognise_article(article: Article) -> list[Entity]:
    """One article's entities as the phase gives them (for a reader that cannot wait)."""
    return combine.extract_many([article.body[:ENTITY_CHARS]], [article.date])[0]


def run_entity_phase(
    live: Path,
    store: EntityStore,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    recognise: Recognise | None = None,
    batch: int | None = None,
) -> EntityPhaseReport:
    """Bring the store in line with the text index in ``live`` (the caller holds the
    update lock). ``recognise`` stands in for rules over spaCy (tests; run here)."""
    emit = progress or (lambda _p: None)
    should_stop = cancel or (lambda: False)
    name, note = recogniser_name() if recognise is None else ("custom", None)
    report = EntityPhaseReport(recogniser=name, note=note)
    ix = open_index(live)
    try:
        with ix.searcher() as searcher:
            docnums, hashes = _articles(searcher.reader())
            report.removed = store.remove_articles(store.gone(hashes))
            todo = store.pending(hashes, name)
            report.total = len(todo)
            emit(IndexProgress("entities", 0, len(todo)))
            parallel = recognise is None and len(todo) >= PARALLEL_MIN
            # Here (few articles: the GUI's own process) a cancel or quit waits for one
            # batch: keep it to half a second.
            size = batch or (BATCH if parallel else BATCH_HERE)

            def jobs() -> Iterator[Job]:
                for start in range(0, len(todo), size):
                    ids = todo[start : start + size]
                    docs = [json.loads(searcher.stored_fields(docnums[i])["doc"]) for i in ids]
                    bodies = [d["body"][:ENTITY_CHARS] for d in docs]
                    yield ids, bodies, [_date(d) for d in docs]

            if recognise is None:
                work: Callable[[Job], Done] = recognise_job
            else:
                custom = recognise

                def work(job: Job) -> Done:
                    return job[0], "custom", None, custom(job[1], job[2])

            try:
                for ids, ran, why, found in ordered_map(
                    work, jobs(), should_stop, parallel=parallel, ahead=AHEAD
                ):
                    store.replace_many(
                        [(i, hashes[i], ents) for i, ents in zip(ids, found, strict=True)], ran
                    )
                    report.recogniser, report.note = ran, why or report.note
                    report.done += len(ids)
                    emit(IndexProgress("entities", report.done, len(todo), ids[-1]))
            except Cancelled:
                report.cancelled = True
    finally:
        ix.close()
    if report.note:
        log.warning("%s", report.note)
    return report


def _articles(reader: Any) -> tuple[dict[str, int], dict[str, str]]:
    """id -> docnum and id -> content hash of every live document, from columns only."""
    docnums: dict[str, int] = {}
    hashes: dict[str, str] = {}
    if reader.doc_count_all() == 0:
        return docnums, hashes
    ids = list(reader.column_reader("c_id"))
    sigs = list(reader.column_reader("c_sig"))
    for docnum in reader.all_doc_ids():
        article_id = ids[docnum].decode()
        docnums[article_id] = docnum
        hashes[article_id] = decode_signature(sigs[docnum])[1]
    return docnums, hashes


def _date(doc: dict[str, Any]) -> datetime.date | None:
    value = doc.get("date")
    return datetime.date.fromisoformat(value) if value else None
