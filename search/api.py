"""The facade the GUI, the CLI and scripts use: ``Archive.open(path)``.

    from search.api import Archive
    from search.model import SearchRequest

    if __name__ == "__main__":                   # update() reads files in worker processes,
        with Archive.open(root) as archive:      # which import the calling script again
            report = archive.update(progress=cb)             # incremental; -> UpdateReport
            result = archive.search(SearchRequest(text="kazakh", countries=("KZ",)))
            article = archive.article("sub/file.txt")        # stored fields, no file read

``search``/``article``/``stats``/``hit_spans`` may be called from any thread,
also while ``update`` runs in another (they see the previous index until each
batch commits). Only one ``update`` runs at a time per index, across processes.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from resources import resource_path
from search import __version__
from search.analysis import fold
from search.errors import (
    ArchiveClosed,
    ArchiveError,
    ArchiveNotFound,
    ArticleNotFound,
    BadCorrection,
    BadRequest,
    IndexDamaged,
    UnknownEntity,
)
from search.facade import ArchiveReader
from search.ids import file_of, id_from_os, printable
from search.model import (
    CORRECTION_KINDS,
    ArchiveStats,
    Article,
    CancelCheck,
    Cooccurrence,
    Correction,
    CorrectionKind,
    CountryPairs,
    Entity,
    EntityPage,
    EntitySummary,
    EntityType,
    FacetName,
    IndexProgress,
    ProgressCallback,
    RelatedArticle,
    SearchRequest,
    SearchResult,
    Skip,
    Snippet,
    UpdateReport,
    Version,
    VersionDiff,
)
from search.query import analyst, hit_row, marker, run_search, selected_documents, snippets
from search.query.parsing import QueryParser
from search.query.readers import prepare
from search.query.related import related_in
from search.query.snippets import Marker
from search.query.version_diff import compare_bodies
from search.store import entity_columns
from search.store.corrections import CorrectionSet
from search.store.doctable import BoolArray, DocTable
from search.store.entity_store import EntityStore
from search.store.folder import IndexPaths, damaged_message, default_index_dir
from search.store.meta import Meta
from search.store.schema import article_from_stored
from search.store.snapshot import Current, Snapshot, open_snapshot
from search.store.text_index import discard, open_index, open_or_create

__all__ = [
    "Archive",
    "__version__",
    "country_name",
    "default_archive_path",
    "lookup_country",
    "open_shared",
    "printable",
]

log = logging.getLogger("archive_browser.engine.api")

CORRECTIONS_FORMAT = "archive-browser-corrections/1"
"""The ``format`` of an exported file of corrections."""
ENTITY_TYPES = ("PERSON", "ORG", "PLACE", "COUNTRY", "DATE")
BATCH_REFRESH_S = 30.0
"""During the text phase, how often committed batches are taken in for searching."""
ENTITY_REFRESH_S = 10.0
"""While the entity phase runs, how often its batches are laid over the table (each
time costs a few tenths of a second at 10^5 articles)."""
QUERY_SECONDS = 0.6
"""What parsing, stem lookups and the patterns' words of one query may take together;
facets, the page and its snippets come after, so any query answers within a second."""


def country_name(code: str) -> str:
    """The country's English name ("KZ" -> "Kazakhstan"); the entity rules' tables are
    loaded on the first call, not by every query (search.entities imports in ~0.1 s)."""
    from search.entities import country_name as name  # noqa: PLC0415 - see above

    return name(code)


def lookup_country(text: str) -> str | None:
    """The ISO code of a country name, code, demonym or prefix ("kazakh" -> "KZ"), or None;
    loaded on the first call, as ``country_name``."""
    from search.entities import lookup_country as lookup  # noqa: PLC0415 - see country_name

    return lookup(text)


def recognise_article(article: Article) -> list[Entity]:
    """An article's entities as the entity phase would find them (loads the model); the
    writer's modules are imported here, not by every query."""
    from search.update.entity_phase import recognise_article as recognise  # noqa: PLC0415

    return recognise(article)


def default_archive_path() -> Path:
    """The sample archive bundled with the app, opened on first start."""
    return resource_path("sample-archive")


def open_shared(location: str) -> ArchiveReader:
    """A shared archive on a search cluster: ``sphinxql://HOST:PORT/INDEX`` or the folder
    of a cluster that ``archive-search cluster start`` made. Raises ``ClusterError`` with
    a message for people when it does not answer. (Imported here, so that a local
    archive never loads the SphinxQL client.)"""
    from search.backends.cluster.archive import ClusterArchive  # noqa: PLC0415

    return ClusterArchive.open(location)


class Archive:
    """One archive folder and its index.

    Reads go to the current `Snapshot` (one index generation: searcher, tables, entity
    overlay, story groups; `search.store.snapshot`): each read holds one from its start
    to its end, so it sees one generation whatever a refresh swaps in meanwhile, and a
    generation is closed after its last reader. Two locks of the archive remain, neither
    held by a read: ``Current``'s, for the few instructions that take or swap the
    reference, and ``_refresh_lock``, which makes the refreshes, entity overlays and
    corrections that build the next snapshot take turns (each builds from the current one
    and swaps its result in: without it, one could swap out another's work). The readers
    of one generation take turns on that generation's own lock (`Snapshot.reading`)."""

    def __init__(self, root: Path, paths: IndexPaths, ix: Any) -> None:
        self.root = root
        self.index_dir = paths.root
        self._paths = paths
        self._refresh_lock = threading.RLock()
        self._parser = QueryParser(ix.schema, lookup_country)
        with self._reading():
            first = open_snapshot(ix, paths)
        prepare(first)
        self._current = Current(first)

    def _snapshot(self) -> contextlib.AbstractContextManager[Snapshot]:
        """``with archive._snapshot() as snap:`` the current snapshot, held open for the
        block (raises ``ArchiveClosed`` once the archive is closed)."""
        return self._current.reading()

    def _refresh_entities(self) -> None:
        """Lay the entity store's newest state over the table, if it moved on.

        Built on the current snapshot while searches go on (a few tenths of a second at
        10^5 articles), then swapped in as a snapshot of the same generation."""
        store = entity_columns.open_for_reading(self._paths.entity_store)
        if store is None:
            return
        try:
            with store:
                generation = store.generation()
        except ArchiveError:
            return
        with self._refresh_lock, contextlib.suppress(ArchiveClosed):
            with self._snapshot() as snap:
                if generation == snap.overlay.generation:
                    return
                table, overlay = entity_columns.overlay(
                    snap.base_table, self._paths.entity_store, snap.hashes, snap.text_entities
                )
            self._current.swap(snap.with_entities(table, overlay))

    # --- lifecycle -----------------------------------------------------------

    @classmethod
    def open(
        cls,
        root: Path | str,
        index_dir: Path | str | None = None,
        *,
        discard_damaged: bool = False,
        take_over: bool = False,
    ) -> Archive:
        """Open an archive folder; raises ``ArchiveNotFound``, ``IndexDamaged``,
        ``IndexLocked``, ``IndexInUse`` (``index_dir`` holds another archive's
        index) or ``IndexFolderUnusable``.

        With ``discard_damaged``, an unreadable index is deleted and replaced by
        an empty one (the next ``update`` fills it); with ``take_over``, so is
        another archive's index in ``index_dir``.
        """
        if not str(root).strip():
            raise ArchiveNotFound("No archive folder given (the path is empty).")
        root = Path(root).expanduser()
        if not root.is_dir():
            raise ArchiveNotFound(f"The archive folder {root} does not exist or is not a folder.")
        root = root.resolve()
        paths = IndexPaths(Path(index_dir).expanduser() if index_dir else default_index_dir(root))
        try:
            return cls._opened(root, paths, take_over)
        except IndexDamaged:
            if not discard_damaged:
                raise
            log.warning("discarding damaged index %s", paths.root)
            discard(paths)
            return cls._opened(root, paths, take_over)

    @classmethod
    def _opened(cls, root: Path, paths: IndexPaths, take_over: bool) -> Archive:
        """The index opened and its first reader loaded (where most damage shows)."""
        ix = open_or_create(paths, root, take_over=take_over)
        try:
            return cls(root, paths, ix)
        except BaseException:
            ix.close()
            raise

    def close(self) -> None:
        """Close the reader: reads after this raise ``ArchiveClosed``; those in flight
        finish first (their snapshot closes after the last). An ``update`` still running
        in another thread (a window that switched archives while a commit went on)
        finishes without it: the batches it commits are no longer taken in for
        searching."""
        self._current.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def update(
        self,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
        rebuild: bool = False,
        wait_s: float = 0.0,
        verify: bool = False,
        entities: bool = True,
    ) -> UpdateReport:
        """Index added and changed files, drop deleted ones (``rebuild``: start over;
        ``verify``: hash every file, to catch changes that kept size and times), then
        recognise the entities of what is new (``entities=False``: the text only).

        The text is searchable here as soon as its phase ends; while the entity phase
        runs, the facets, ``person:`` queries and articles take in its batches every
        ``ENTITY_REFRESH_S`` seconds.

        Raises ``IndexLocked`` if another process is updating the same index and
        does not finish within ``wait_s`` seconds, ``IndexWriteFailed`` if the
        index cannot be written (the index as it is stays searchable).
        """
        emit = progress or (lambda _p: None)
        phase = ""
        taken_in = 0.0

        def relay(report: IndexProgress) -> None:
            nonlocal phase, taken_in
            batch_in = report.phase == "reading" and phase == "writing"
            if batch_in and time.monotonic() - taken_in >= BATCH_REFRESH_S:
                # A batch of text has committed: search it already (the first at once,
                # then not more often than this: each costs the writer a reader load).
                taken_in = time.monotonic()
                self.refresh()
            if report.phase == "entities":
                if phase != "entities":
                    self.refresh()  # the text phase has committed: search it
                elif time.monotonic() - self._current.peek().overlaid_at >= ENTITY_REFRESH_S:
                    self._refresh_entities()
            phase = report.phase
            emit(report)

        from search.update.index import update_index  # noqa: PLC0415 - the writer, not for queries

        try:
            report = update_index(
                self._paths,
                self.root,
                relay,
                cancel,
                rebuild,
                wait_s,
                verify=verify,
                entities=entities,
            )
        finally:
            self.refresh()
        return report

    def refresh(self) -> None:
        """Pick up what another writer (or our own update) committed.

        The next snapshot is built while searches go on on the current one, then swapped
        in. A rebuild swaps in a new folder whose generations start again at 1, so the
        live folder's identity is compared too, not only the generation. Entities the
        entity phase committed since are laid over the table too. Nothing to do once
        closed."""
        with (
            self._refresh_lock,
            contextlib.suppress(ArchiveClosed),
            self._snapshot() as current,
            self._reading(),
        ):
            if not current.is_current(self._paths):
                ix = open_index(self._paths.live)
                try:
                    new = open_snapshot(ix, self._paths)
                except BaseException:
                    ix.close()
                    raise
                prepare(new)
                self._current.swap(new)
                return  # the new snapshot read the store as it is now
            if current.stories_stale(self._paths):
                # saved after the commit this generation already had
                self._current.swap(current.with_stories(self._paths))
        self._refresh_entities()

    # --- reading -------------------------------------------------------------

    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[FacetName, ...] = ()
    ) -> SearchResult:
        """Run a search. Facets count all hits; a facet named in ``facets_ignoring``
        leaves out its own filter, so a sidebar can show what widening would add
        (``"country"``: the country filter; ``"month"``: the date filter)."""
        until = time.perf_counter() + QUERY_SECONDS
        parsed = self._parser.parse(request.text)
        with self._snapshot() as snap, self._reading():
            return run_search(request, snap, parsed, facets_ignoring, until)

    def versions(self, article_id: str) -> list[Version]:
        """The articles of this article's story (exact copies and near-duplicates), the
        representative first, then by id; only the article itself when it is alone.
        Raises ``ArticleNotFound``."""
        article_id = id_from_os(article_id)
        with self._snapshot() as snap, self._reading():
            table, stories = snap.table, snap.stories
            docnum = table.docnum_by_id.get(article_id)
            if docnum is None:
                raise ArticleNotFound(f"No article with id {article_id!r} in this archive.")
            number = int(stories.group[docnum])
            members = stories.members[number] if number >= 0 else [docnum]
            rows = [(d, table.ids[d], table.row(d)) for d in members]
        return [
            Version(
                id=doc_id,
                title=row["t"],
                date=date.fromisoformat(row["d"]) if row["d"] else None,
                source=row["s"],
                path=str(self.path_of(doc_id)),
                representative=d == members[0],
            )
            for d, doc_id, row in rows
        ]

    def compare(self, a_id: str, b_id: str) -> VersionDiff:
        """Word by word, what ``b_id``'s body removed from ``a_id``'s and added to it (any
        two articles, versions of one story or not). Raises ``ArticleNotFound``, and
        ``BadRequest`` for texts too long to compare."""
        bodies = []
        with self._snapshot() as snap, self._reading():
            for article_id in (id_from_os(a_id), id_from_os(b_id)):
                docnum = snap.table.docnum_by_id.get(article_id)
                if docnum is None:
                    raise ArticleNotFound(f"No article with id {article_id!r} in this archive.")
                bodies.append(snap.body_of(docnum))
        return compare_bodies(bodies[0], bodies[1])

    def related(self, article_id: str, limit: int = 10) -> list[RelatedArticle]:
        """The ``limit`` articles most related to this one, best first: by the names they
        share (weighted by rarity) and by its most distinctive words, one per story, its
        own versions left out; each with its reasons. Raises ``ArticleNotFound``, and
        ``BadRequest`` for a ``limit`` that is not a whole number from 0 to 100."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 0 <= limit <= 100:
            raise BadRequest(f"The number of related articles must be 0 to 100, not {limit!r}.")
        article_id = id_from_os(article_id)
        with self._snapshot() as snap, self._reading():
            docnum = snap.table.docnum_by_id.get(article_id)
            if docnum is None:
                raise ArticleNotFound(f"No article with id {article_id!r} in this archive.")
            return related_in(snap, docnum, limit)

    def article(self, article_id: str, *, final: bool = False) -> Article:
        """The stored article; ``article_id`` may also be a file name as the OS gives it.

        Its entities are the entity phase's once it has done this content, else the text
        phase's (its countries alone); with ``final``, an article the phase has not done
        yet is recognised now (as the phase would, without storing it: no lock is needed,
        and about a second goes to loading the model)."""
        article_id = id_from_os(article_id)
        with self._snapshot() as snap, self._reading():
            docnum = snap.table.docnum_by_id.get(article_id)
            if docnum is None:
                raise ArticleNotFound(f"No article with id {article_id!r} in this archive.")
            stored = snap.stored_fields(docnum)
            content_hash = snap.hashes[docnum]
        article = article_from_stored(article_id, stored["doc"], str(self.path_of(article_id)))
        found = entity_columns.entities_of(self._paths.entity_store, article_id, content_hash)
        if found is None and final:
            found = recognise_article(article)
        if found is not None:
            article.entities = found
        article.entities = snap.overlay.entities(article_id, article.entities)
        return article

    def path_of(self, article_id: str) -> Path:
        """The file of an article (ids are ``/``-separated paths under the root)."""
        return file_of(self.root, article_id)

    def hit_spans(self, text: str, query_text: str) -> list[tuple[int, int]]:
        """(start, end) of the words in ``text`` that ``query_text`` matches, for marking."""
        found = self._marker(query_text)
        return found.spans(text) if found else []

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]:
        """Snippets for just these hits (the rows on screen), when a page was
        fetched with ``snippets=False``. Unknown ids are left out."""
        until = time.perf_counter() + QUERY_SECONDS
        parsed = self._parser.parse(query_text)
        with self._snapshot() as snap, self._reading():
            return snippets(snap, article_ids, marker(snap, parsed, until))

    def _marker(self, query_text: str) -> Marker | None:
        until = time.perf_counter() + QUERY_SECONDS
        parsed = self._parser.parse(query_text)
        if parsed.is_every:
            return None
        with self._snapshot() as snap, self._reading():
            return marker(snap, parsed, until)

    # --- entities and the user's corrections -------------------------------------

    def entities(self, entity_type: EntityType | None = None) -> list[EntitySummary]:
        """Every person, organisation and place (or those of one type) with the number of
        articles naming it, as the facets count it now: most named first, then by name."""
        table = self._current.peek().table
        out: list[EntitySummary] = []
        for kind, column in table.names().items():
            if entity_type not in (None, kind):
                continue
            counts = column.counts(table.live)
            out += [EntitySummary(kind, name, n) for name, n in counts.items()]  # type: ignore[arg-type]
        return sorted(out, key=lambda e: (-e.articles, e.name, e.type))

    def entity_page(self, entity_type: EntityType, name: str, limit: int = 20) -> EntityPage:
        """One entity across the archive: articles, months, first and last seen, who and
        what is named with it, its newest ``limit`` articles with the sentence of the
        first mention. Raises ``UnknownEntity`` if no article names it."""
        with self._snapshot() as snap:  # its rows are read from its searcher
            return self._entity_page(snap.table, entity_type, name, limit)

    def _entity_page(
        self, table: DocTable, entity_type: EntityType, name: str, limit: int
    ) -> EntityPage:
        aliases: tuple[str, ...] = ()
        store = entity_columns.open_for_reading(self._paths.entity_store)
        if store is not None:
            with contextlib.suppress(Exception), store:  # aliases are a nicety
                found = store.entity_id(entity_type, name)
                if found is not None:
                    aliases = tuple(a.shown for a in store.aliases(found))
        return analyst.entity_page(
            table,
            entity_type,
            name,
            self.article,
            lambda docnum: hit_row(docnum, table),
            aliases,
            limit,
        )

    def naming(self, entity_type: EntityType, name: str) -> frozenset[str]:
        """The ids of the articles that name an entity (none when no article does): what
        stepping through its mentions across the result list needs."""
        table = self._current.peek().table
        try:
            mask = analyst.mask_of(table, entity_type, name)
        except UnknownEntity:
            return frozenset()
        ids = table.ids
        return frozenset(ids[i] for i in mask.nonzero()[0].tolist())

    def cooccurrence(self, request: SearchRequest) -> Cooccurrence:
        """Who appears with whom in the articles a search selects (query and filters)."""
        return analyst.cooccurrence(*self._selected(request))

    def country_pairs(
        self, request: SearchRequest, top: int = 10, pinned: str | None = None
    ) -> CountryPairs:
        """Country pairs by month over a search's dated articles (``pinned``: one country
        and its partners)."""
        return analyst.country_pairs(*self._selected(request), top, pinned)

    def _selected(self, request: SearchRequest) -> tuple[DocTable, BoolArray]:
        """The table of the snapshot searched and the documents the search selects."""
        until = time.perf_counter() + QUERY_SECONDS
        parsed = self._parser.parse(request.text)
        with self._snapshot() as snap, self._reading():
            return snap.table, selected_documents(request, snap, parsed, until)

    def correct(self, kind: CorrectionKind, args: dict[str, object]) -> Correction:
        """Record a correction (see `search.store.corrections` for the kinds and their
        arguments) and apply it at once, with no reindex. Raises ``BadCorrection`` when it
        names no entity of the archive or its arguments do not fit its kind."""
        checked = self._checked(kind, args)
        with self._writable_store() as store:
            names = [(str(checked["type"]), str(checked["name"]))]
            if kind == "merge":
                names.append((str(checked["into_type"]), str(checked["into_name"])))
            correction_id = store.add_correction(kind, checked, names)
            every = store.corrections()
            generation = store.generation()
        found = next(c for c in every if c.correction_id == correction_id)
        if kind == "apart":
            self._refresh_entities()  # the machine's short-form merges are laid anew
        else:
            self._lay_correction(found, every, generation)
        return found

    def merged_into(self, entity_type: str, name: str) -> str | None:
        """The full name the machine counts the short name ``name`` as across the archive
        ("Blair" -> "Tony Blair"), or None where it counts it as itself."""
        merged = self._current.peek().overlay.merged
        return merged.get((entity_type, fold(" ".join(name.split()))))

    def _lay_correction(
        self, correction: Correction, every: list[Correction], generation: int
    ) -> None:
        """Apply one new correction to the table as it is (its names are the ones shown
        now, so that equals laying every correction again, at a fraction of the cost)."""
        single = CorrectionSet.build([correction])
        named = {*single.rejected_here, *single.added}
        with self._refresh_lock, contextlib.suppress(ArchiveClosed):
            snap = self._current.peek()  # swapped only under the refresh lock: it stays
            table, overlay = snap.table, snap.overlay
            here = {a: self.article(a).entities for a in named if a in table.docnum_by_id}
            if overlay.generation:
                laid = single.apply(table, here)
                every_set = CorrectionSet.build(every)
                self._current.swap(
                    snap.with_entities(
                        laid, replace(overlay, generation=generation, corrections=every_set)
                    )
                )
                return
        self._refresh_entities()  # the store was not read (none, or unreadable): all of it

    def corrections(self) -> list[Correction]:
        """The user's corrections, oldest first."""
        store = entity_columns.open_for_reading(self._paths.entity_store)
        if store is None:
            return []
        with store:
            return store.corrections()

    def undo_correction(self, correction_id: int) -> None:
        """Take a correction back (its effect goes at once)."""
        with self._writable_store() as store:
            if not store.remove_correction(correction_id):
                raise BadCorrection(f"There is no correction {correction_id} to undo.")
        self._refresh_entities()

    def export_corrections(self) -> dict[str, object]:
        """The corrections as a small JSON document a colleague can import."""
        return {
            "format": CORRECTIONS_FORMAT,
            "corrections": [{"kind": c.kind, "args": c.args} for c in self.corrections()],
        }

    def import_corrections(self, data: object) -> int:
        """Apply a colleague's exported corrections; those already here are skipped.
        Returns how many were added. Raises ``BadCorrection`` for a file not of this
        format (nothing is applied then)."""
        if not isinstance(data, dict) or data.get("format") != CORRECTIONS_FORMAT:
            raise BadCorrection("This is not a file of Archive Browser corrections.")
        items = data.get("corrections")
        if not isinstance(items, list):
            raise BadCorrection("The file of corrections has no list of corrections.")
        wanted: list[tuple[CorrectionKind, dict[str, object]]] = []
        for item in items:
            kind = item.get("kind") if isinstance(item, dict) else None
            args = item.get("args") if isinstance(item, dict) else None
            if kind not in CORRECTION_KINDS or not isinstance(args, dict) or kind == "split":
                raise BadCorrection(f"A correction in the file is not understood: {item!r:.80}.")
            wanted.append((kind, {str(k): v for k, v in args.items()}))
        have = {(c.kind, json.dumps(c.args, sort_keys=True)) for c in self.corrections()}
        added = 0
        with self._writable_store() as store:
            for kind, args in wanted:
                if (kind, json.dumps(args, sort_keys=True)) in have:
                    continue
                names = [(str(args.get("type", "")), str(args.get("name", "")))]
                store.add_correction(kind, args, names)
                have.add((kind, json.dumps(args, sort_keys=True)))
                added += 1
        self._refresh_entities()
        return added

    def _checked(self, kind: CorrectionKind, args: dict[str, object]) -> dict[str, object]:
        """The arguments of a correction, checked against the archive as it is shown."""
        if kind not in CORRECTION_KINDS or kind == "split":
            raise BadCorrection(f"Unknown kind of correction {kind!r}.")
        entity_type = str(args.get("type", "")).upper()
        if entity_type not in ENTITY_TYPES:
            raise BadCorrection(
                f"Unknown entity type {args.get('type')!r}: use one of {', '.join(ENTITY_TYPES)}."
            )
        name = " ".join(str(args.get("name", "")).split())
        if not name:
            raise BadCorrection("A correction needs the entity's name.")
        out: dict[str, object] = {"type": entity_type, "name": name}
        article = args.get("article")
        if article is not None:
            article_id = id_from_os(str(article))
            start, end = args.get("start"), args.get("end")
            if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
                raise BadCorrection("A mention needs its start and end in the text.")
            out |= {"article": article_id, "start": start, "end": end}
            if kind == "add":
                body = self.article(article_id).body
                if end > len(body):
                    raise BadCorrection("The mention ends past the end of the article.")
                out["text"] = body[start:end]
                return out
            if kind != "reject":
                raise BadCorrection(f"A {kind} applies to an entity, not to one mention.")
            return out
        if kind == "add":
            raise BadCorrection("Adding a mention needs its article, start and end.")

        def known(kind: str, text: str) -> bool:
            return fold(" ".join(text.split())) in self._current.peek().table.names()[kind].index

        if kind == "apart":
            if self.merged_into(entity_type, name) is None:
                raise BadCorrection(
                    f"{name!r} is not counted as another {entity_type.lower()}'s name."
                )
            return out
        if entity_type in ("PERSON", "ORG", "PLACE") and not known(entity_type, name):
            raise BadCorrection(f"No {entity_type.lower()} named {name!r} in this archive.")
        if kind == "retype":
            new_type = str(args.get("new_type", "")).upper()
            if new_type not in ("PERSON", "ORG", "PLACE") or new_type == entity_type:
                raise BadCorrection("Retype to another of PERSON, ORG or PLACE.")
            out["new_type"] = new_type
        elif kind == "rename":
            new_name = " ".join(str(args.get("new_name", "")).split())
            if not new_name:
                raise BadCorrection("Renaming needs the new name.")
            out["new_name"] = new_name
        elif kind == "merge":
            into_type = str(args.get("into_type", entity_type)).upper()
            into_name = " ".join(str(args.get("into_name", "")).split())
            if into_type not in ("PERSON", "ORG", "PLACE") or not known(into_type, into_name):
                raise BadCorrection(f"No {into_type.lower()} named {into_name!r} to merge into.")
            if (into_type, fold(into_name)) == (entity_type, fold(name)):
                raise BadCorrection("An entity cannot be merged into itself.")
            out |= {"into_type": into_type, "into_name": into_name}
        return out

    @contextlib.contextmanager
    def _writable_store(self) -> Iterator[EntityStore]:
        """The entity store for one write (SQLite serialises it with the entity phase's)."""
        with EntityStore.open(self._paths.entity_store) as store:
            yield store

    def ids(self) -> list[str]:
        return sorted(self._current.peek().table.docnum_by_id)

    def __len__(self) -> int:
        return len(self._current.peek().table.docnum_by_id)

    def stats(self) -> ArchiveStats:
        table = self._current.peek().table
        keys = table.datekey[table.live]
        dated = keys[keys > 0]
        countries = table.countries.counts(table.live)
        loaded = Meta.load(self._paths.meta)
        meta = loaded if isinstance(loaded, Meta) else None
        skipped = [Skip(k, str(v[2])) for k, v in sorted((meta.skipped if meta else {}).items())]
        size = 0
        with contextlib.suppress(OSError):
            size = sum(e.stat().st_size for e in os.scandir(self._paths.live) if e.is_file())
        return ArchiveStats(
            root=str(self.root),
            index_dir=str(self.index_dir),
            articles=len(keys),
            dated=len(dated),
            undated=int(len(keys) - len(dated)),
            countries=countries,
            first_date=_from_key(int(dated.min())) if len(dated) else None,
            last_date=_from_key(int(dated.max())) if len(dated) else None,
            index_bytes=size,
            last_update=meta.last_update if meta else None,
            skipped=skipped,
        )

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """Turn the errors of damaged index files into one message for people."""
        try:
            yield
        except ArchiveError:
            raise
        except Exception as exc:
            # Whoosh raises anything on damaged files (flipped bits: "Block tag
            # error", struct and zlib errors, IndexError): all of it is damage.
            log.exception("index read failed")
            raise IndexDamaged(
                damaged_message(self._paths, str(exc) or type(exc).__name__)
            ) from exc


def _from_key(key: int) -> date:
    return date(key // 10000, key // 100 % 100, key % 100)
