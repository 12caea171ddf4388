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

from whoosh import index as whoosh_index

from resources import resource_path
from search import __version__, mapped_files, tablecache
from search.doctable import DocTable
from search.entities import country_name, lookup_country
from search.errors import ArchiveError, ArchiveNotFound, ArticleNotFound, IndexDamaged
from search.executor import Executor
from search.ids import file_of, id_from_os, printable
from search.index import (
    IndexPaths,
    Meta,
    damaged_message,
    default_index_dir,
    discard,
    open_or_create,
    update_index,
)
from search.model import (
    ArchiveStats,
    Article,
    CancelCheck,
    IndexProgress,
    ProgressCallback,
    SearchRequest,
    SearchResult,
    Skip,
    Snippet,
    UpdateReport,
)
from search.parsing import QueryParser
from search.query import FacetName, run_search
from search.schema import article_from_stored
from search.snippets import Marker, make_snippet
from search.stems import StemExpander
from search.store import entity_columns
from search.update.entity_phase import recognise_article

__all__ = [
    "Archive",
    "__version__",
    "country_name",
    "default_archive_path",
    "lookup_country",
    "printable",
]

log = logging.getLogger("archive.api")

mapped_files.read_segments_in_place()


ENTITY_REFRESH_S = 10.0
"""While the entity phase runs, how often its batches are laid over the table (each
time costs a few tenths of a second at 10^5 articles)."""
QUERY_SECONDS = 0.6
"""What parsing, stem lookups and the patterns' words of one query may take together;
facets, the page and its snippets come after, so any query answers within a second."""


def default_archive_path() -> Path:
    """The sample archive bundled with the app, opened on first start."""
    return resource_path("sample-archive")


class Archive:
    """One archive folder and its index."""

    def __init__(self, root: Path, paths: IndexPaths, ix: Any) -> None:
        self.root = root
        self.index_dir = paths.root
        self._paths = paths
        self._ix = ix
        self._lock = threading.RLock()
        self._live_id = _identity(paths.live)
        self._parser = QueryParser(ix.schema, lookup_country)
        with self._reading():
            self._load_reader()

    def _load_reader(self) -> None:
        """Searcher and everything cached per reader: columns, stems, postings.

        The per-document table is mapped from its cache file when one matches
        this generation; otherwise it is built from Whoosh and saved (the next
        open, or the first after an update commits, then maps it)."""
        self._searcher = self._ix.searcher()
        reader = self._searcher.reader()
        table = tablecache.load(self._paths.root, reader)
        if table is None:
            table = DocTable.build(reader)
            tablecache.save(self._paths.root, reader, table)
        self._base_table = table
        self._hashes = entity_columns.content_hashes(reader, table.size)
        self._stems = StemExpander(reader)
        self._executor = Executor(self._searcher, table.live)
        self._lay_entities(*entity_columns.overlay(table, self._paths.entity_store, self._hashes))

    def _lay_entities(self, table: DocTable, overlay: entity_columns.Overlay) -> None:
        """Use a table whose name columns come from the entity store where it is done."""
        self._table = table
        self._overlay = overlay
        self._overlaid_at = time.monotonic()
        self._executor.use_names(table)  # person:/org:/place: from the columns the facets count

    def _refresh_entities(self) -> None:
        """Lay the entity store's newest state over the table, if it moved on.

        Built outside the lock (a few tenths of a second at 10^5 articles), so searches
        keep going meanwhile; dropped if the reader changed in between."""
        store = entity_columns.open_for_reading(self._paths.entity_store)
        if store is None:
            return
        try:
            with store:
                generation = store.generation()
        except ArchiveError:
            return
        with self._lock:
            if generation == self._overlay.generation:
                return
            base, hashes = self._base_table, self._hashes
        table, overlay = entity_columns.overlay(base, self._paths.entity_store, hashes)
        with self._lock:
            if self._base_table is base:
                self._lay_entities(table, overlay)

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
        with self._lock:
            self._searcher.close()
            self._ix.close()

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

        def relay(report: IndexProgress) -> None:
            nonlocal phase
            if report.phase == "entities":
                if phase != "entities":
                    self.refresh()  # the text phase has committed: search it
                elif time.monotonic() - self._overlaid_at >= ENTITY_REFRESH_S:
                    self._refresh_entities()
            phase = report.phase
            emit(report)

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

        A rebuild swaps in a new folder whose generations start again at 1, so
        the live folder's identity is compared too, not only the generation.
        Entities the entity phase committed since are laid over the table too."""
        with self._lock, self._reading():
            live_id = _identity(self._paths.live)
            if live_id != self._live_id or not self._searcher.up_to_date():
                self._searcher.close()
                self._ix.close()
                self._ix = whoosh_index.open_dir(str(self._paths.live))
                self._live_id = live_id
                self._load_reader()
                return  # the new reader read the store as it is now
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
        with self._lock, self._reading():
            parsed = replace(parsed, query=self._stems.expand(parsed.query, until))
            return run_search(
                request,
                self._executor,
                self._table,
                parsed,
                self._body_of,
                facets_ignoring,
                until,
            )

    def article(self, article_id: str, *, final: bool = False) -> Article:
        """The stored article; ``article_id`` may also be a file name as the OS gives it.

        Its entities are the entity phase's once it has done this content, else the text
        phase's; with ``final``, an article the phase has not done yet is recognised now
        (as the phase would, without storing it: no lock is needed, and about a second
        goes to loading the model)."""
        article_id = id_from_os(article_id)
        with self._lock, self._reading():
            docnum = self._table.docnum_by_id.get(article_id)
            if docnum is None:
                raise ArticleNotFound(f"No article with id {article_id!r} in this archive.")
            stored = self._searcher.stored_fields(docnum)
            content_hash = self._hashes[docnum]
        article = article_from_stored(article_id, stored["doc"], str(self.path_of(article_id)))
        found = entity_columns.entities_of(self._paths.entity_store, article_id, content_hash)
        if found is None and final:
            found = recognise_article(article)
        if found is not None:
            article.entities = found
        names = self._overlay
        article.entities = [replace(e, norm=names.name_of(e)) for e in article.entities]
        return article

    def path_of(self, article_id: str) -> Path:
        """The file of an article (ids are ``/``-separated paths under the root)."""
        return file_of(self.root, article_id)

    def hit_spans(self, text: str, query_text: str) -> list[tuple[int, int]]:
        """(start, end) of the words in ``text`` that ``query_text`` matches, for marking."""
        marker = self._marker(query_text)
        return marker.spans(text) if marker else []

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]:
        """Snippets for just these hits (the rows on screen), when a page was
        fetched with ``snippets=False``. Unknown ids are left out."""
        marker = self._marker(query_text)
        out: dict[str, Snippet] = {}
        with self._lock, self._reading():
            for article_id in article_ids:
                docnum = self._table.docnum_by_id.get(article_id)
                if docnum is not None:
                    text, marks = make_snippet(self._body_of(docnum), marker)
                    out[article_id] = Snippet(text, marks)
        return out

    def _marker(self, query_text: str) -> Marker | None:
        until = time.perf_counter() + QUERY_SECONDS
        parsed = self._parser.parse(query_text)
        if parsed.is_every:
            return None
        with self._lock, self._reading():
            expanded = self._stems.expand(parsed.query, until)
            self._executor.begin(until=until)  # the marks' patterns share one query's budget
            return Marker.from_query(expanded, self._executor.expand)

    def ids(self) -> list[str]:
        with self._lock:
            return sorted(self._table.docnum_by_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._table.docnum_by_id)

    def stats(self) -> ArchiveStats:
        with self._lock:
            table = self._table
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

    def _body_of(self, docnum: int) -> str:
        body: str = json.loads(self._searcher.stored_fields(docnum)["doc"])["body"]
        return body


def _identity(folder: Path) -> tuple[int, int]:
    """Which folder is at this path now (a rebuild swaps in another)."""
    try:
        st = os.stat(folder)
    except OSError:
        return (0, 0)
    return (st.st_dev, st.st_ino)


def _from_key(key: int) -> date:
    return date(key // 10000, key // 100 % 100, key % 100)
