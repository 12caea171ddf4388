"""The Whoosh schema and the mapping of an Article to and from index fields.

Besides the searchable fields, every document carries small per-document
*columns* (id, file signature, date, countries, people, organisations, places,
the result-row summary). Columns are read for all documents at once without
unpickling stored bodies, which is what makes incremental checks, filters,
facets and date sorting cheap. The full article (body, trailing text, entity
spans) is one stored JSON value, so the reader never re-parses the file.

The text phase recognises countries alone: an article's people, organisations and
places are the entity store's, laid over the columns (`search.store.entity_columns`),
and the fields and columns of those names here stay empty.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from whoosh import columns, fields, formats

from search.analysis import AnalysedText, analysed_text, word_positions
from search.model import Article, Entity, FileSig
from search.store.analyzers import exact_analyzer, name_analyzer

SCHEMA_VERSION = 6
"""Bump whenever fields, analysis or extraction change: the index is rebuilt.

3: positions stored as plain uint32 arrays (`ArrayPositions`), term arrays per segment.
4: words keep their combining marks; Cyrillic/Greek look-alikes in Latin words fold to
Latin; damaged UTF-8, stray NULs and bidi controls read differently at ingest; file
signatures carry inode and ctime; a month alone has no fake ISO norm; a date the lede puts
in the past is not the publication date (all of one release: one rebuild).
5: the classes Whoosh pickles moved into `search.store` (``FoldFilter``, ``ArrayPositions``,
``TermArraysCodec``): an older index names modules that are gone, so it is rebuilt, not read.
6: the text phase recognises countries alone (`search.update.prepare.analyse`): a document's
entities are its COUNTRY mentions, and its person, org and place fields and columns are
empty (the entity store's names are laid over them), so no index mixes the two kinds."""

SEP = "\x1f"
"""Separator of multi-valued column values (never appears in names)."""


_COUNT = struct.Struct("<I")
_EXACT = exact_analyzer()
EXACT_ANALYZER = _EXACT
"""The body's and title's analyzer (Whoosh analyzers compare equal by their parts)."""


class ArrayPositions(formats.Positions):  # type: ignore[misc]
    """Whoosh's Positions format with a value numpy reads without unpickling.

    A posting's value is a little-endian uint32 count followed by that many
    uint32 positions (absolute, ascending), so a whole block or a term arrays
    file decodes with ``np.frombuffer``; Whoosh's own matchers and phrase
    queries read it through the ``decode_*`` methods as before.
    """

    def encode(self, poslist: list[int]) -> bytes:
        count = len(poslist)
        return struct.pack(f"<{count + 1}I", count, *poslist)

    def word_values(self, value: Any, analyzer: Any, **kwargs: Any) -> Iterator[Any]:
        """(word, frequency, weight, encoded positions) per word, as Whoosh's ``Positions``.

        Text analysed by `exact_analyzer` (body, title, names) takes
        `word_positions` instead of Whoosh's token chain: same words, positions
        and weights (a token's boost is 1), less of the writer's time.
        """
        if isinstance(value, AnalysedText):  # `word_positions` of the text, done ahead
            if analyzer != _EXACT:
                raise ValueError("text analysed ahead for a field of another analyzer")
            boost = self.field_boost
            for word, positions in value.positions().items():
                count = len(positions)
                yield word, count, count * boost, self.encode(positions)
        elif isinstance(value, str) and kwargs.keys() <= {"mode"} and analyzer == _EXACT:
            boost = self.field_boost
            for word, positions in word_positions(value).items():
                count = len(positions)
                yield word, count, count * boost, self.encode(positions)
        else:
            yield from super().word_values(value, analyzer, **kwargs)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        count = _COUNT.unpack_from(valuestring)[0]
        return list(struct.unpack_from(f"<{count}I", valuestring, _COUNT.size))

    def decode_frequency(self, valuestring: bytes) -> int:
        count: int = _COUNT.unpack_from(valuestring)[0]
        return count


def _phrase_text(analyzer: Any, field_boost: float = 1.0) -> fields.TEXT:
    field = fields.TEXT(analyzer=analyzer, phrase=True, field_boost=field_boost)
    field.format = ArrayPositions(field_boost=field_boost)
    return field


def build_schema() -> fields.Schema:
    exact = exact_analyzer()
    names = name_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=_phrase_text(exact, field_boost=2.0),
        body=_phrase_text(exact),
        date=fields.DATETIME(),
        country=fields.KEYWORD(lowercase=True),
        person=_phrase_text(names),
        org=_phrase_text(names),
        place=_phrase_text(names),
        source=fields.KEYWORD(lowercase=True),
        doc=fields.STORED(),
        c_id=fields.COLUMN(columns.VarBytesColumn()),
        c_sig=fields.COLUMN(columns.VarBytesColumn()),
        c_date=fields.COLUMN(columns.NumericColumn("i", default=0)),
        c_countries=fields.COLUMN(columns.VarBytesColumn()),
        c_people=fields.COLUMN(columns.VarBytesColumn()),
        c_orgs=fields.COLUMN(columns.VarBytesColumn()),
        c_places=fields.COLUMN(columns.VarBytesColumn()),
        c_row=fields.COLUMN(columns.VarBytesColumn()),
    )


def date_key(value: date | None) -> int:
    """yyyymmdd as an int; 0 for undated (sorts and filters in numpy)."""
    return value.year * 10000 + value.month * 100 + value.day if value else 0


def _unique_norms(entities: list[Entity], kind: str) -> list[str]:
    seen: dict[str, None] = {}
    for entity in entities:
        if entity.type == kind:
            seen.setdefault(entity.norm.replace(SEP, " "), None)
    return list(seen)


def _surface_forms(entities: list[Entity], kind: str) -> str:
    forms: dict[str, None] = {}
    for entity in entities:
        if entity.type == kind:
            forms.setdefault(entity.norm, None)
            forms.setdefault(entity.text, None)
    return "\n".join(forms)


def encode_signature(sig: FileSig, sha1: str) -> bytes:
    return f"{sig.size}:{sig.mtime_ns}:{sha1}:{sig.ino}:{sig.ctime_ns}".encode()


def signature_unchanged(raw: bytes, sig: FileSig) -> bool:
    """Whether the stored signature ``raw`` says the file is unchanged at ``sig``, without
    decoding it: every file of an update is checked, most unchanged (decoding 10^5
    signatures into `FileSig` objects was a tenth of an unchanged update at 100,000).

    Size and mtime must agree; so must inode and ctime, unless the stored ones are
    unknown (an older index's three fields, or zeros): those are trusted."""
    if not raw.startswith(b"%d:%d:" % (sig.size, sig.mtime_ns)):
        return False
    if raw.endswith(b":%d:%d" % (sig.ino, sig.ctime_ns)) or raw.endswith(b":0:0"):
        return True
    return raw.count(b":") == 2


def decode_signature(raw: bytes) -> tuple[FileSig, str]:
    """The file signature and content hash a document was indexed from.

    Indexes written before inodes and ctimes were kept have three fields; their
    0 for both means "unknown", which the update treats as unchanged."""
    parts = raw.decode().split(":")
    size, mtime, sha1 = int(parts[0]), int(parts[1]), parts[2]
    ino, ctime = (int(parts[3]), int(parts[4])) if len(parts) >= 5 else (0, 0)
    return FileSig(size, mtime, ino, ctime), sha1


def row_summary(article: Article) -> dict[str, Any]:
    """What a result row needs, kept in a column so hits never load bodies."""
    return {
        "t": article.title,
        "td": article.title_derived,
        "d": article.date.isoformat() if article.date else None,
        "c": article.countries,
        "s": article.source,
    }


def document_fields(article: Article, sig: FileSig, sha1: str) -> dict[str, Any]:
    entities = article.entities
    people = _unique_norms(entities, "PERSON")
    orgs = _unique_norms(entities, "ORG")
    places = _unique_norms(entities, "PLACE")
    doc = {
        "title": article.title,
        "title_derived": article.title_derived,
        "date": article.date.isoformat() if article.date else None,
        "date_source": article.date_source,
        "source": article.source,
        "body": article.body,
        "trailing": article.trailing,
        "countries": article.countries,
        "country_mentions": article.country_mentions,
        "words": article.words,
        "warnings": article.warnings,
        "entities": [[e.type, e.start, e.end, e.norm, e.role, e.country] for e in entities],
    }
    values: dict[str, Any] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "country": " ".join(code.lower() for code in article.countries),
        "person": _surface_forms(entities, "PERSON"),
        "org": _surface_forms(entities, "ORG"),
        "place": _surface_forms(entities, "PLACE"),
        "source": (article.source or "").replace(" ", "_"),
        "doc": json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
        "c_id": article.id.encode(),
        "c_sig": encode_signature(sig, sha1),
        "c_date": date_key(article.date),
        "c_countries": SEP.join(article.countries).encode(),
        "c_people": SEP.join(people).encode(),
        "c_orgs": SEP.join(orgs).encode(),
        "c_places": SEP.join(places).encode(),
        "c_row": json.dumps(row_summary(article), ensure_ascii=False).encode(),
    }
    if article.date:
        values["date"] = datetime(article.date.year, article.date.month, article.date.day)
    return values


ANALYSED_FIELDS = ("title", "body", "person", "org", "place")
"""The fields `prepared_fields` analyses ahead: `ArrayPositions` over `exact_analyzer`
(a test checks this against `build_schema`)."""


_BODY_KEY = ',"body":'
"""What comes before the stored document's body: a key is never inside one of its
strings, whose quotes are all escaped."""
_DECODER = json.JSONDecoder()


def stored_body(doc: str) -> str:
    """The ``body`` of a stored document (`document_fields`' ``doc``) without decoding the
    rest: a page of 50 snippets reads 50 of them (issue #17). Any other layout is decoded
    whole."""
    at = doc.find(_BODY_KEY)
    if at < 0:
        body: str = json.loads(doc)["body"]
        return body
    body = _DECODER.raw_decode(doc, at + len(_BODY_KEY))[0]
    return body


def prepared_fields(article: Article, sig: FileSig, sha1: str) -> dict[str, Any]:
    """`document_fields` with the word fields' text analysed (`AnalysedText`), for the
    reading processes: the writer then tokenises nothing, and neither the text nor the
    entities travel to it as objects (the stored ``doc`` holds them as one string).
    The writer indexes these values exactly as it would the text."""
    values = document_fields(article, sig, sha1)
    for name in ANALYSED_FIELDS:
        text = values.get(name)
        if isinstance(text, str):
            values[name] = analysed_text(text)
    return values


def article_from_stored(article_id: str, raw_doc: str, path: str) -> Article:
    doc = json.loads(raw_doc)
    body: str = doc["body"]
    entities = [
        Entity(
            type=kind,
            text=body[start:end],
            start=start,
            end=end,
            norm=norm,
            role=role,
            country=country,
        )
        for kind, start, end, norm, role, country in doc["entities"]
    ]
    return Article(
        id=article_id,
        title=doc["title"],
        title_derived=doc["title_derived"],
        date=date.fromisoformat(doc["date"]) if doc["date"] else None,
        date_source=doc["date_source"],
        source=doc["source"],
        body=body,
        trailing=doc["trailing"],
        countries=list(doc["countries"]),
        country_mentions=dict(doc.get("country_mentions", {})),
        words=doc["words"],
        entities=entities,
        warnings=list(doc["warnings"]),
        path=path,
    )
