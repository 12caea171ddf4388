"""Loading a folder's articles into the cluster: routed by id, every mirror written, only
what changed, idempotent after a kill.

The articles come from the local archive after its update (so the cluster gets the same
cleaning, titles, dates and entities as the window): ``load(archive, cluster)``. Each
article has a stable 63-bit document id (a hash of its article id), which also picks its
shard. Every node that holds a shard is read for what it has (document id and content
hash) and sent only the articles it lacks or holds in another version, and told to delete
those gone from the folder; so a load cut short by a kill, a lost node or a full disk is
finished by the next one, with nothing lost or duplicated (``REPLACE`` of the same id).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pymysql

from search.analysis import fold
from search.backends.cluster.nodes import FORMAT, HOST, NAMES, Cluster, Node, day_key
from search.backends.cluster.text import engine_words, entity_word, stem_words
from search.errors import ClusterError
from search.model import Article

log = logging.getLogger("archive_browser.engine.cluster.loader")

BATCH = 100
ATTEMPTS = 4
MAX_MATCHES = 10_000_000
NAMED = ("COUNTRY", "PERSON", "ORG", "PLACE")
COLUMN = {"COUNTRY": "countries", "PERSON": "people", "ORG": "orgs", "PLACE": "places"}


class Source(Protocol):
    """What the loader reads: the facade's ``ids`` and ``article`` (with the entities the
    reader shows: the entity phase's where it is done, the text phase's before; a later
    load sends an article again once its entities changed)."""

    def ids(self) -> list[str]: ...

    def article(self, article_id: str) -> Article: ...


@dataclass(slots=True)
class LoadReport:
    articles: int = 0
    written: int = 0
    """Rows written, counting each mirror."""
    deleted: int = 0
    unchanged: int = 0
    retries: int = 0
    notes: list[str] = field(default_factory=list)


def document_id(article_id: str) -> int:
    """The article's id in the cluster: stable, positive, 63 bits."""
    digest = hashlib.blake2b(article_id.encode("utf-8", "surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big") >> 1 or 1


def name_key(entity_type: str, name: str) -> int:
    """The 64-bit key an entity is stored under (its type and folded name)."""
    folded = " ".join(fold(w) for w in name.split())
    digest = hashlib.blake2b(f"{entity_type}\0{folded}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big") >> 1 or 1


def content_hash(article: Article) -> str:
    """What the cluster compares to tell a changed article (its text and entities)."""
    raw = json.dumps([FORMAT, article.to_json()], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def shard_of(doc_id: int, cluster: Cluster) -> str:
    names = sorted(cluster.shards, key=lambda s: int(s.split("_")[1]))
    return names[doc_id % len(names)]


@dataclass(slots=True, frozen=True)
class Row:
    doc_id: int
    values: str
    """The ``(...)`` of its REPLACE."""
    hash: str
    names: tuple[tuple[int, str, str], ...]


COLUMNS = (
    "id, title, body, title_stems, body_stems, entity_keys, article_id, title_text, source, "
    "content_hash, details, countries, people, orgs, places, published, month, dated, day"
)


def row_of(article: Article, quote: Callable[[str], str], digest: str | None = None) -> Row:
    """One article as the values of its row (``quote``: the connection's string escape;
    ``digest``: its `content_hash`, if known)."""
    doc_id = document_id(article.id)
    keys: dict[str, set[int]] = {column: set() for column in COLUMN.values()}
    names: dict[int, tuple[str, str]] = {}
    for code in article.countries:
        key = name_key("COUNTRY", code)
        keys["countries"].add(key)
        names[key] = ("COUNTRY", code)
    for entity in article.entities:
        if entity.type in ("PERSON", "ORG", "PLACE"):
            key = name_key(entity.type, entity.norm)
            keys[COLUMN[entity.type]].add(key)
            names.setdefault(key, (entity.type, entity.norm))
    when = article.date
    stamp = (
        int(datetime.datetime.combine(when, datetime.time(), datetime.UTC).timestamp())
        if when
        else 0
    )
    stamp = max(stamp, 0)  # before 1970 sorts first among the dated, the month keeps it
    digest = digest or content_hash(article)
    details = json.dumps(article.to_json(), ensure_ascii=False)
    values = ", ".join(
        [
            str(doc_id),
            quote(engine_words(article.title)),
            quote(engine_words(article.body)),
            quote(stem_words(article.title)),
            quote(stem_words(article.body)),
            quote(" ".join(entity_word(k) for k in sorted(names))),
            quote(article.id),
            quote(article.title),
            quote(article.source or ""),
            quote(digest),
            quote(details),
            *(f"({', '.join(map(str, sorted(keys[c])))})" for c in COLUMN.values()),
            str(stamp),
            str(when.year * 100 + when.month if when else 0),
            "1" if when else "0",
            str(day_key(when) if when else 0),
        ]
    )
    named = tuple((key, kind, name) for key, (kind, name) in names.items())
    return Row(doc_id, f"({values})", digest, named)


class Connection:
    """One node's SphinxQL connection, with retries for a node that is slow or restarting."""

    def __init__(self, node: Node, report: LoadReport, host: str = HOST) -> None:
        self.node = node
        self.report = report
        self.host = host
        self._con: Any = None

    def _connect(self) -> Any:
        if self._con is None:
            self._con = pymysql.connect(
                host=self.host,
                port=self.node.sql_port,
                user="",
                password="",
                autocommit=True,
                connect_timeout=5,
                charset="utf8mb4",
            )
        return self._con

    def quote(self, text: str) -> str:
        return str(self._connect().escape(text))

    def run(self, statement: str) -> list[tuple[Any, ...]]:
        return self.run_sets(statement)[0]

    def run_sets(self, statement: str) -> list[list[tuple[Any, ...]]]:
        """Every result set of one statement (a SELECT with FACET clauses has several)."""
        for attempt in range(ATTEMPTS):
            try:
                with self._connect().cursor() as cur:
                    cur.execute(statement)
                    sets = [list(cur.fetchall())]
                    while cur.nextset():
                        sets.append(list(cur.fetchall()))
                    return sets
            except pymysql.err.OperationalError as exc:
                self.close()
                if attempt == ATTEMPTS - 1:
                    raise ClusterError(
                        f"Node {self.node.number} of the cluster did not answer: {exc}"
                    ) from None
                self.report.retries += 1
                time.sleep(0.2 * 2**attempt)
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._con is not None:
            try:
                self._con.close()
            except Exception:  # an already broken connection
                log.debug("closing a broken connection", exc_info=True)
            self._con = None


def held(con: Connection, shard: str) -> dict[int, str]:
    """document id -> content hash of what one node holds of one shard."""
    rows = con.run(
        f"SELECT id, content_hash FROM {shard} LIMIT 0, {MAX_MATCHES} "
        f"OPTION max_matches = {MAX_MATCHES}"
    )
    return {int(doc_id): str(digest) for doc_id, digest in rows}


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def load(
    source: Source,
    cluster: Cluster,
    progress: Callable[[int, int], None] | None = None,
) -> LoadReport:
    """Bring every node of ``cluster`` in line with ``source`` (see the module's docstring)."""
    cluster.check_format()
    report = LoadReport()
    ids = source.ids()
    report.articles = len(ids)
    connections = {node.number: Connection(node, report) for node in cluster.nodes}
    try:
        first = connections[1]
        by_shard: dict[str, list[str]] = {shard: [] for shard in cluster.shards}
        for article_id in ids:
            by_shard[shard_of(document_id(article_id), cluster)].append(article_id)
        wanted = {document_id(a): a for a in ids}
        done = 0
        named: set[int] = set()
        for shard, holders in cluster.shards.items():
            have = {n: held(connections[n], shard) for n in holders}
            for batch in _batches(by_shard[shard], BATCH):
                articles = [source.article(a) for a in batch]
                digests = [content_hash(a) for a in articles]
                fresh = [
                    row_of(article, first.quote, digest)
                    for article, digest in zip(articles, digests, strict=True)
                    if any(have[n].get(document_id(article.id)) != digest for n in holders)
                ]  # an unchanged article's row is not even built
                stale = {n: [r for r in fresh if have[n].get(r.doc_id) != r.hash] for n in holders}
                # Names first: a row the cluster holds always has its names.
                _write_names(first, [r for rows in stale.values() for r in rows], named)
                for number, rows in stale.items():
                    report.unchanged += len(batch) - len(rows)
                    if rows:
                        values = ", ".join(r.values for r in rows)
                        connections[number].run(f"REPLACE INTO {shard} ({COLUMNS}) VALUES {values}")
                        report.written += len(rows)
                done += len(batch)
                if progress is not None:
                    progress(done, len(ids))
            for number in holders:
                gone = [doc for doc in have[number] if doc not in wanted]
                for part in _batches(gone, BATCH):
                    ids_text = ", ".join(map(str, part))
                    connections[number].run(f"DELETE FROM {shard} WHERE id IN ({ids_text})")
                    report.deleted += len(part)
    finally:
        for con in connections.values():
            con.close()
    return report


def _write_names(con: Connection, rows: Iterable[Row], written: set[int]) -> None:
    """The names of ``rows`` not yet ``written`` in this load, into the names index."""
    todo = {key: (kind, name) for row in rows for key, kind, name in row.names}
    items = sorted((key, value) for key, value in todo.items() if key not in written)
    written.update(key for key, _ in items)
    for part in _batches(items, BATCH * 5):
        values = ", ".join(
            f"({key}, {con.quote(engine_words(name))}, {con.quote(kind)}, {con.quote(name)})"
            for key, (kind, name) in part
        )
        con.run(f"REPLACE INTO {NAMES} (id, name, kind, display) VALUES {values}")
