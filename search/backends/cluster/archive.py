"""A shared archive on a Sphinx / Manticore cluster, behind the facade protocol.

``ClusterArchive.open(location)`` takes a cluster's folder (its ``cluster.json``, as
``archive-search cluster start`` writes it) or a ``sphinxql://host:port/INDEX`` URL, and
answers `search.facade.ArchiveReader` over SphinxQL: the query is parsed by the local
parser and written as one MATCH() (`match.py`), the request's filters as attribute
conditions, the total from ``SHOW META``, the facets by GROUP BY over the multi-value
columns, whose keys the ``names`` index turns back into names. Snippets and hit marks are
made here from the stored article, with the local index's own `Marker`, so they mark
what the local index would.

What differs from a local archive, and is said rather than hidden: copies of one story are
not grouped (every copy counts); a node that does not answer makes the result partial, and
the notice says so; the query forms the engine lacks get a notice (`match.py`).
"""

from __future__ import annotations

import bisect
import datetime
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from search.analysis import word_keys
from search.backends.cluster import nodes
from search.backends.cluster.loader import Connection, LoadReport, document_id, name_key
from search.backends.cluster.match import NAME_FIELDS, Translation, translate
from search.backends.cluster.text import engine_word, engine_words
from search.entities import lookup_country
from search.errors import ArticleNotFound, ClusterError
from search.model import (
    ArchiveStats,
    Article,
    FacetName,
    Facets,
    Hit,
    SearchRequest,
    SearchResult,
    Snippet,
    Sort,
    Version,
)
from search.query.parsing import ParsedQuery, QueryParser
from search.query.snippets import Marker, make_snippet
from search.query.stems import StemExpander
from search.store.schema import build_schema
from search.store.whoosh_api import query

log = logging.getLogger("archive_browser.engine.cluster.archive")

TOP_NAMES = 50
"""People, organisations and places in a facet, as `search.query.TOP_NAMES`."""
MAX_NAMES = 100_000
"""Names one ``person:``/``org:``/``place:`` word may stand for."""
FACETS: dict[str, int | None] = {
    "countries": None,
    "month": None,
    "people": TOP_NAMES,
    "orgs": TOP_NAMES,
    "places": TOP_NAMES,
}
"""The facets' columns, and how many of their values a result shows (None: all)."""
MAX_GROUPS = 50_000
"""Most groups a facet query keeps (``max_matches``): each costs the engine time (50,000
took 0.14 s for five facets of five articles, a million 0.8 s a facet); the counts are
exact while the archive has no more names than this."""
SMALL_GROUPS = 1_000
"""Groups kept for countries and months (fewer than 250 countries; 83 years of months)."""
KINDS = {"person": "PERSON", "org": "ORG", "place": "PLACE"}
COUNTED_HERE = 20_000
"""Most matches whose people, organisations and places are counted here (their keys
fetched: 0.5 s for 10,000 articles) rather than by the engine's group sorter (1.1 s)."""
TOTAL_SECONDS = 5.0
"""How long the archive's article count is taken as known (a load may change it)."""
HIT_COLUMNS = (
    "article_id",
    "title_text",
    "source",
    "day",
    "details.title_derived AS td",
    "details.countries AS cs",
    "details.path AS p",
)
"""What a row of the list needs, without the article's body."""
MAX_PATHS = 500_000
"""Files remembered from the pages fetched before the memory starts over."""
FIELD_WEIGHTS = "field_weights = (title = 2, title_stems = 2, body = 1, body_stems = 1)"
"""A title word counts twice, as in the local index."""
PARTIAL = "Part of the shared archive did not answer ({}); the counts and hits may be incomplete."


@dataclass(slots=True, frozen=True)
class Endpoint:
    host: str
    port: int
    index: str

    @property
    def url(self) -> str:
        return f"sphinxql://{self.host}:{self.port}/{self.index}"


def endpoint(location: str | Path) -> Endpoint:
    """Where a shared archive answers: a ``sphinxql://`` URL, or a cluster's folder."""
    text = str(location)
    if text.startswith("sphinxql://"):
        parsed = urlparse(text)
        index = parsed.path.strip("/") or nodes.DISTRIBUTED
        if not parsed.hostname or not parsed.port or not index.isidentifier():
            raise ClusterError(
                f"{text!r} is no shared archive address; it is written "
                "sphinxql://HOST:PORT/INDEX (for example sphinxql://127.0.0.1:9306/archive)."
            )
        return Endpoint(parsed.hostname, parsed.port, index)
    cluster = nodes.read(Path(location))
    cluster.check_format()
    return Endpoint(nodes.HOST, cluster.nodes[0].sql_port, nodes.DISTRIBUTED)


class _Words:
    """The words of a page of hits, for stem variants and pattern words (the marks)."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.words = sorted({key for text in texts for _, _, key in word_keys(text)})

    def expand_prefix(self, _fieldname: str, prefix: str) -> Iterator[str]:
        at = bisect.bisect_left(self.words, prefix)
        while at < len(self.words) and self.words[at].startswith(prefix):
            yield self.words[at]
            at += 1

    def pattern_words(self, q: Any) -> list[str]:
        """The words a prefix or wildcard stands for here; a fuzzy word marks itself only
        (the cluster searched it as written)."""
        text = str(getattr(q, "text", ""))
        if isinstance(q, query.Prefix):
            return list(self.expand_prefix("", text))
        if isinstance(q, query.Wildcard):
            head = text.split("*", 1)[0].split("?", 1)[0]
            if text == head + "*":
                return list(self.expand_prefix("", head))
            return []
        if isinstance(q, query.FuzzyTerm):
            return [text] if text in self.words else []
        return []


class ClusterArchive:
    """`ArchiveReader` over a cluster's distributed index (see the module's docstring)."""

    def __init__(self, where: Endpoint) -> None:
        self.where = where
        self._node = nodes.Node(1, where.port, 0, "", [])
        self._report = LoadReport()
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()
        self._parser = QueryParser(build_schema(), lookup_country)
        self._names: dict[int, tuple[str, str]] = {}
        self._paths: dict[str, str] = {}
        """Article id -> its file, from the pages fetched (an export asks for each hit's)."""
        self._total: tuple[float, int] | None = None
        self._name_count: tuple[float, int] | None = None
        self._sql.run(f"SELECT id FROM {where.index} LIMIT 0")  # fail now, not mid-search

    @classmethod
    def open(cls, location: str | Path) -> ClusterArchive:
        return cls(endpoint(location))

    @property
    def _sql(self) -> Connection:
        """This thread's connection: a statement and its ``SHOW META`` go down the same
        one, and the window's threads search, read and fetch snippets at once."""
        con: Connection | None = getattr(self._local, "connection", None)
        if con is None:
            con = Connection(self._node, self._report, host=self.where.host)
            self._local.connection = con
            with self._lock:
                self._connections.append(con)
        return con

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for con in connections:
            con.close()

    def __enter__(self) -> ClusterArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- search -----------------------------------------------------------------------

    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[FacetName, ...] = ()
    ) -> SearchResult:
        """As `search.api.Archive.search`: a facet named in ``facets_ignoring`` is counted
        without its own filter (the country list without the country filter, the months
        without the date range)."""
        started = time.perf_counter()
        parsed = self._parser.parse(request.text)
        translation = translate(parsed.query, self._name_keys, _country_key)
        notices = [n for n in (parsed.notice, *translation.notices) if n]
        archive_total = self._archive_total()
        if translation.nothing:
            return SearchResult(request, 0, [], Facets(), archive_total, _joined(notices))
        expressions, conditions = self._conditions(request, translation)
        light = not request.snippets  # a page's rows need no bodies
        columns = HIT_COLUMNS if light else ("details",)
        select = ", ".join(["id", "WEIGHT() AS w", *columns, *expressions])
        where = _where(conditions)
        offset, limit = max(0, request.offset), max(0, request.limit)
        rows = self._sql.run(
            f"SELECT {select} FROM {self.where.index}{where} "
            f"ORDER BY {_order(request, parsed)} LIMIT {offset}, {max(limit, 1)} "
            f"OPTION max_matches = {max(offset + limit, 1000)}, {FIELD_WEIGHTS}"
        )
        meta = dict(self._sql.run("SHOW META"))
        total = int(meta.get("total_found", 0))
        partial = bool(meta.get("warning"))
        if partial:
            notices.append(PARTIAL.format(meta["warning"]))
        if light:
            hits = [_light_hit(row) for row in rows[:limit]]
            self._remember_paths(
                (hit.id, str(row[8])) for hit, row in zip(hits, rows, strict=False)
            )
        else:
            articles = [Article.from_json(_json(row[2])) for row in rows[:limit]]
            self._remember_paths((a.id, a.path) for a in articles)
            marker = self._marker(parsed, articles)
            hits = [
                _hit(article, float(row[1]), marker)
                for article, row in zip(articles, rows, strict=False)
            ]
        facets = Facets()
        if request.facets:
            facets = self._facets(expressions, where, matches=total)
            widened = {
                "country": replace(request, countries=()),
                "month": replace(request, date_from=None, date_to=None, include_undated=True),
            }
            for name in facets_ignoring:
                wide = widened[name]
                if wide != request:
                    exprs, conds = self._conditions(wide, translation)
                    counted = self._facets(exprs, _where(conds), only=name)
                    setattr(facets, name, getattr(counted, name))
        return SearchResult(
            request=request,
            total=total,
            hits=hits,
            facets=facets,
            archive_total=archive_total,
            notice=_joined(notices),
            elapsed_ms=(time.perf_counter() - started) * 1000,
            partial=partial,
        )

    def _conditions(
        self, request: SearchRequest, translation: Translation
    ) -> tuple[list[str], list[str]]:
        """(SELECT expressions, WHERE conditions) of the query and the request's filters."""
        expressions: list[str] = []
        conditions: list[str] = []
        if translation.match is not None:
            conditions.append(f"MATCH({self._sql.quote(translation.match)})")

        def flag(expression: str, wanted: int) -> None:
            name = f"f{len(expressions)}"
            expressions.append(f"{expression} AS {name}")
            conditions.append(f"{name} = {wanted}")

        if request.countries:
            keys = _keys("COUNTRY", (c.upper() for c in request.countries))
            conditions.append(f"countries IN ({keys})")
        if request.exclude_countries:
            keys = _keys("COUNTRY", (c.upper() for c in request.exclude_countries))
            flag(f"IN(countries, {keys})", 0)
        for column, kind, wanted in (
            ("people", "PERSON", request.people),
            ("orgs", "ORG", request.orgs),
        ):
            conditions.extend(f"{column} = {name_key(kind, name)}" for name in wanted)
        for column, kind, unwanted in (
            ("people", "PERSON", request.exclude_people),
            ("orgs", "ORG", request.exclude_orgs),
        ):
            if unwanted:
                flag(f"IN({column}, {_keys(kind, unwanted)})", 0)
        if request.date_from or request.date_to or not request.include_undated:
            within = _day_range(
                nodes.day_key(request.date_from) if request.date_from else None,
                nodes.day_key(request.date_to) if request.date_to else None,
            )
            flag(f"IF(dated = 0, {int(request.include_undated)}, {within})", 1)
        for first, last, negated in translation.days:
            flag(f"IF(dated = 0, 0, {_day_range(first, last)})", 0 if negated else 1)
        return expressions, conditions

    def _archive_total(self) -> int:
        """The number of articles, asked again after ``TOTAL_SECONDS`` (a full scan)."""
        now = time.monotonic()
        if self._total is None or now - self._total[0] > TOTAL_SECONDS:
            self._total = (now, self._count(""))
        return self._total[1]

    def _count(self, where: str, expressions: Sequence[str] = ()) -> int:
        select = ", ".join(["id", *expressions])
        self._sql.run(f"SELECT {select} FROM {self.where.index}{where} LIMIT 0")
        return int(dict(self._sql.run("SHOW META")).get("total_found", 0))

    def _facets(
        self,
        expressions: Sequence[str],
        where: str,
        only: FacetName | None = None,
        matches: int | None = None,
    ) -> Facets:
        """The facets of the articles ``where`` selects (``only``: that one facet): every
        country and month, and the most named people, organisations and places, ties
        broken by name as the local index breaks them. Up to `COUNTED_HERE` ``matches``,
        and whenever the archive has more names than a sorter of `MAX_GROUPS` holds, the
        names are counted here from the articles' keys: exact, and two to three times
        faster than the engine's group sorter, which must hold every name to be exact."""
        columns = {"country": ["countries"], "month": ["month"]}.get(only or "", list(FACETS))
        found: dict[str, list[tuple[int, int]]] = {}
        exact_sorter = self._groups_cap("people") < MAX_GROUPS  # it holds every name
        if matches is not None and only is None and (matches <= COUNTED_HERE or not exact_sorter):
            named_columns = [c for c in columns if FACETS[c] is not None]
            found.update(self._counted_here(named_columns, matches, expressions, where))
            columns_left = [c for c in columns if c not in found]
        else:
            columns_left = columns
        todo = {
            c: self._groups_cap(c) if FACETS[c] is None else 4 * TOP_NAMES for c in columns_left
        }
        while todo:
            found.update(self._grouped(todo, expressions, where))
            # A top list is exact when its last count is below the shown list's last:
            # else names tied with the last shown may be missing (names break ties).
            todo = {
                c: rows * 4
                for c, rows in todo.items()
                if (shown := FACETS[c]) is not None
                and len(found[c]) == rows < self._groups_cap(c)
                and found[c][-1][1] == found[c][shown - 1][1]
            }
        for column, shown in FACETS.items():  # keep the shown list's candidates: ties too
            rows = found.get(column)
            if shown is not None and rows and len(rows) > shown:
                rows.sort(key=lambda row: -row[1])
                least = rows[shown - 1][1]
                found[column] = [row for row in rows if row[1] >= least]
        names = self._names_of([k for c in columns if c != "month" for k, _ in found.get(c, [])])

        def named(column: str) -> dict[str, int]:
            counted = sorted(
                ((names[k][1], n) for k, n in found.get(column, []) if k in names),
                key=lambda item: (-item[1], item[0]),
            )
            return dict(counted[: FACETS[column]])

        months: dict[str, int] = {}
        for month, n in sorted(found.get("month", [])):
            if month:
                months[f"{month // 100:04d}-{month % 100:02d}"] = n
        undated = dict(found.get("month", [])).get(0)
        if undated:
            months["undated"] = undated
        return Facets(
            country=named("countries"),
            month=months,
            person=named("people"),
            org=named("orgs"),
            place=named("places"),
        )

    def _counted_here(
        self, columns: Sequence[str], matches: int, expressions: Sequence[str], where: str
    ) -> dict[str, list[tuple[int, int]]]:
        """(value, count) of every value of ``columns`` over the ``matches`` articles
        ``where`` selects, most frequent first, counted from their keys."""
        select = ", ".join([*columns, *expressions])
        rows = self._sql.run(
            f"SELECT {select} FROM {self.where.index}{where} LIMIT {max(matches, 1)} "
            f"OPTION max_matches = {max(matches, 1)}"
        )
        out: dict[str, list[tuple[int, int]]] = {}
        for i, column in enumerate(columns):
            counts = Counter(int(k) for row in rows if row[i] for k in str(row[i]).split(","))
            out[column] = counts.most_common()
        return out

    def _grouped(
        self, rows: dict[str, int], expressions: Sequence[str], where: str
    ) -> dict[str, list[tuple[int, int]]]:
        """(value, count) of each column's most frequent ``rows[column]`` values: FACETs
        of one statement per sorter size, or one GROUP BY per column when a filter is a
        computed expression (Sphinx 2.2 returns FACETs empty under a filter on a SELECT
        expression). The sorter keeps every value the archive has, so counts are exact."""
        caps = {c: self._groups_cap(c) for c in rows}
        if expressions:
            return {
                c: _pairs(
                    self._sql.run(
                        f"SELECT GROUPBY() AS g, COUNT(*) AS n, {', '.join(expressions)} "
                        f"FROM {self.where.index}{where} GROUP BY {c} ORDER BY n DESC "
                        f"LIMIT {rows[c]} OPTION max_matches = {caps[c]}"
                    )
                )
                for c in rows
            }
        out: dict[str, list[tuple[int, int]]] = {}
        for cap in sorted(set(caps.values())):  # a sorter's cost grows with max_matches
            together = [c for c in rows if caps[c] == cap]
            facets = " ".join(f"FACET {c} ORDER BY COUNT(*) DESC LIMIT {rows[c]}" for c in together)
            sets = self._sql.run_sets(
                f"SELECT id FROM {self.where.index}{where} LIMIT 0 "
                f"OPTION max_matches = {cap} {facets}"
            )[1:]
            if len(sets) != len(together):
                raise ClusterError("The shared archive answered a facet query incompletely.")
            out.update((c, _pairs(found)) for c, found in zip(together, sets, strict=True))
        return out

    def _groups_cap(self, column: str) -> int:
        """How many groups a facet's sorter keeps (``max_matches``): enough for every
        value the archive has, so the counts are exact, and no more, as each costs time."""
        if column in ("countries", "month"):
            return SMALL_GROUPS
        now = time.monotonic()
        if self._name_count is None or now - self._name_count[0] > TOTAL_SECONDS:
            self._sql.run(f"SELECT id FROM {nodes.NAMES} LIMIT 0")
            names = int(dict(self._sql.run("SHOW META")).get("total_found", 0))
            self._name_count = (now, names)
        return max(SMALL_GROUPS, min(MAX_GROUPS, self._name_count[1]))

    def _names_of(self, keys: Sequence[int]) -> dict[int, tuple[str, str]]:
        """key -> (kind, name) from the ``names`` index, remembered."""
        missing = [k for k in keys if k not in self._names]
        for start in range(0, len(missing), 1000):
            part = ", ".join(map(str, missing[start : start + 1000]))
            for key, kind, display in self._sql.run(
                f"SELECT id, kind, display FROM {nodes.NAMES} WHERE id IN ({part}) "
                f"LIMIT {MAX_NAMES} OPTION max_matches = {MAX_NAMES}"
            ):
                self._names[int(key)] = (str(kind), str(display))
        return {k: self._names[k] for k in keys if k in self._names}

    def _name_keys(self, fieldname: str, node: Any) -> list[int]:
        """The keys of the names a ``person:``/``org:``/``place:`` node matches, each
        name's words matched within that name (as `search.query.name_match` does)."""
        assert fieldname in NAME_FIELDS
        if isinstance(node, query.Phrase):
            words = " ".join(engine_word(str(w)) for w in node.words)
            expression = f'"{words}"' if words else ""
        elif type(node) is query.Term:
            expression = engine_word(str(node.text))
        elif isinstance(node, query.Prefix | query.Wildcard) and str(node.text).endswith("*"):
            expression = engine_word(str(node.text).rstrip("*")) + "*"
        elif isinstance(node, query.Prefix):
            expression = engine_word(str(node.text)) + "*"
        else:
            expression = engine_words(" ".join(str(t) for _, t in node.iter_all_terms()))
        if not expression.strip('"* '):
            return []
        rows = self._sql.run(
            f"SELECT id, kind, display FROM {nodes.NAMES} "
            f"WHERE MATCH({self._sql.quote('@name ' + expression)}) "
            f"LIMIT {MAX_NAMES} OPTION max_matches = {MAX_NAMES}"
        )
        kind = KINDS[fieldname]
        for key, found_kind, display in rows:
            self._names[int(key)] = (str(found_kind), str(display))
        return [int(key) for key, found_kind, _ in rows if found_kind == kind]

    def _marker(self, parsed: ParsedQuery, articles: Sequence[Article]) -> Marker:
        """What the page's snippets mark: the query's words, stem variants and pattern
        words as the page's own texts spell them."""
        words = _Words([a.title + "\n" + a.body for a in articles])
        expanded = StemExpander(words).expand(parsed.query)
        return Marker.from_query(expanded, words.pattern_words)

    # --- articles -----------------------------------------------------------------------

    def article(self, article_id: str, *, final: bool = False) -> Article:
        """The stored article (``final`` is accepted for the protocol: a shared archive
        holds only articles whose entities are done)."""
        rows = self._sql.run(
            f"SELECT details FROM {self.where.index} WHERE id = {document_id(article_id)}"
        )
        if not rows:
            raise ArticleNotFound(f"No article with id {article_id!r} in this shared archive.")
        return Article.from_json(_json(rows[0][0]))

    def path_of(self, article_id: str) -> Path:
        """The article's file as the loading machine had it (exports list it; it may not
        be on this machine)."""
        path = self._paths.get(article_id)
        if path is None:
            path = self.article(article_id).path
            self._remember_paths([(article_id, path)])
        return Path(path)

    def _remember_paths(self, paths: Iterable[tuple[str, str]]) -> None:
        if len(self._paths) > MAX_PATHS:
            self._paths.clear()
        self._paths.update(paths)

    def versions(self, article_id: str) -> list[Version]:
        """The article alone: a shared archive does not group copies of a story."""
        article = self.article(article_id)
        return [Version(article.id, article.title, article.date, article.source, "", True)]

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]:
        """Snippets for these hits (the rows on screen), their articles fetched at once;
        unknown ids are left out."""
        parsed = self._parser.parse(query_text)
        ids = ", ".join(str(document_id(a)) for a in article_ids) or "0"
        rows = self._sql.run(
            f"SELECT details FROM {self.where.index} WHERE id IN ({ids}) "
            f"LIMIT {max(1, len(article_ids))}"
        )
        found = [Article.from_json(_json(row[0])) for row in rows]
        marker = self._marker(parsed, found)
        return {a.id: Snippet(*make_snippet(a.body, marker)) for a in found}

    def hit_spans(self, text: str, query_text: str) -> list[tuple[int, int]]:
        parsed = self._parser.parse(query_text)
        if parsed.is_every:
            return []
        words = _Words([text])
        marker = Marker.from_query(StemExpander(words).expand(parsed.query), words.pattern_words)
        return marker.spans(text) if marker else []

    def ids(self) -> list[str]:
        total = self._count("")
        rows = self._sql.run(
            f"SELECT article_id FROM {self.where.index} ORDER BY id ASC LIMIT 0, {max(total, 1)} "
            f"OPTION max_matches = {max(total, 1)}"
        )
        return sorted(str(row[0]) for row in rows)

    def __len__(self) -> int:
        return self._count("")

    def stats(self) -> ArchiveStats:
        total = self._count("")
        dated = self._count(" WHERE dated = 1")
        span = self._sql.run(
            f"SELECT MIN(day) AS a, MAX(day) AS b FROM {self.where.index} WHERE dated = 1"
        )
        first = last = None
        if dated and span:
            first, last = _date(int(span[0][0])), _date(int(span[0][1]))
        countries = self._facets([], "").country
        return ArchiveStats(
            root=self.where.url,
            index_dir=self.where.url,
            articles=total,
            dated=dated,
            undated=total - dated,
            countries=countries,
            first_date=first,
            last_date=last,
            index_bytes=0,
            last_update=None,
        )


def _pairs(rows: Sequence[Sequence[Any]]) -> list[tuple[int, int]]:
    return [(int(row[0]), int(row[1])) for row in rows]


def _where(conditions: Sequence[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


def _country_key(code: str) -> int:
    return name_key("COUNTRY", code)


def _keys(kind: str, names: Any) -> str:
    return ", ".join(str(name_key(kind, n)) for n in names)


def _date(day: int) -> datetime.date:
    return datetime.date(day // 10000, day // 100 % 100, day % 100)


def _day_range(first: int | None, last: int | None) -> str:
    parts = [f"day >= {first}" if first else "", f"day <= {last}" if last else ""]
    return " AND ".join(p for p in parts if p) or "1"


def _order(request: SearchRequest, parsed: ParsedQuery) -> str:
    if request.sort is Sort.RELEVANCE and not parsed.is_every:
        return "w DESC, id ASC"
    direction = "ASC" if request.sort is Sort.OLDEST else "DESC"
    return f"dated DESC, day {direction}, id ASC"


def _json(value: Any) -> dict[str, Any]:
    data = json.loads(value) if isinstance(value, str | bytes) else value
    if not isinstance(data, dict):
        raise ClusterError("The shared archive sent an article in a form this version cannot read.")
    return data


def _light_hit(row: Sequence[Any]) -> Hit:
    """A list row from `HIT_COLUMNS` (after id and weight)."""
    _, score, article_id, title, source, day, derived, countries, _path = row[:9]
    return Hit(
        id=str(article_id),
        title=str(title),
        title_derived=str(derived) in ("1", "true"),
        date=_date(int(day)) if int(day) else None,
        countries=tuple(json.loads(countries)) if countries else (),
        source=str(source) or None,
        score=float(score),
    )


def _hit(article: Article, score: float, marker: Marker | None) -> Hit:
    snippet, marks = make_snippet(article.body, marker) if marker is not None else ("", ())
    return Hit(
        id=article.id,
        title=article.title,
        title_derived=article.title_derived,
        date=article.date,
        countries=tuple(article.countries),
        source=article.source,
        score=score,
        snippet=snippet,
        snippet_marks=marks,
    )


def _joined(notices: Sequence[str]) -> str | None:
    return " ".join(dict.fromkeys(notices)) or None
