"""The entity phase: recognise the entities of what the text phase committed, into the
entity store beside the index.

It runs after the text batches (the recogniser costs some 65 ms an article, the text
phase about 4), reads each article's body back from the index rather than from its
file, and commits one batch of articles per store transaction. What is done is known
by the store (article, content hash, recogniser), so a cancelled or killed phase
resumes where it stopped, and a changed article or another recogniser is redone.

Not yet wired into `update_index`: the reader, the facets and ``person:`` queries
still use the text phase's entities until they read the store.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index

from search.entities import combine, statistical
from search.model import CancelCheck, Entity, IndexProgress, ProgressCallback
from search.schema import SCHEMA_VERSION, decode_signature
from search.store.entity_store import EntityStore

log = logging.getLogger("archive.entity_phase")

COMBINE_VERSION = 1
"""Bump when the rules over the recogniser change what they give: every article is redone."""
BATCH = 32
"""Articles per store transaction: the work a kill can lose (about two seconds' worth)."""

Recognise = Callable[[Sequence[str], Sequence[datetime.date | None]], list[list[Entity]]]


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


def recogniser_name() -> tuple[str, str | None]:
    """The name the store keeps with each article's entities, and why spaCy is not used."""
    status = statistical.status()
    base = f"spacy:{status.package}-{status.version}" if status.available else "rules"
    note = None if status.available else f"Entities from the rules alone: {status.reason}."
    return f"{base}+combine-{COMBINE_VERSION}+schema-{SCHEMA_VERSION}", note


def run_entity_phase(
    live: Path,
    store: EntityStore,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    recognise: Recognise | None = None,
    batch: int = BATCH,
) -> EntityPhaseReport:
    """Bring the store in line with the text index in ``live`` (the caller holds the
    update lock). ``recognise`` stands in for rules over spaCy (tests)."""
    emit = progress or (lambda _p: None)
    should_stop = cancel or (lambda: False)
    name, note = recogniser_name() if recognise is None else ("custom", None)
    run = recognise or combine.extract_many
    report = EntityPhaseReport(recogniser=name, note=note)
    ix = whoosh_index.open_dir(str(live))
    try:
        with ix.searcher() as searcher:
            docnums, hashes = _articles(searcher.reader())
            report.removed = store.remove_articles(store.gone(hashes))
            todo = store.pending(hashes, name)
            report.total = len(todo)
            emit(IndexProgress("entities", 0, len(todo)))
            for start in range(0, len(todo), batch):
                if should_stop():
                    report.cancelled = True
                    break
                ids = todo[start : start + batch]
                docs = [json.loads(searcher.stored_fields(docnums[i])["doc"]) for i in ids]
                found = run([d["body"] for d in docs], [_date(d) for d in docs])
                store.replace_many(
                    [(i, hashes[i], ents) for i, ents in zip(ids, found, strict=True)], name
                )
                report.done += len(ids)
                emit(IndexProgress("entities", report.done, len(todo), ids[-1]))
    finally:
        ix.close()
    if note:
        log.warning("%s", note)
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
