"""One file -> one analysed Article (ingest + its countries), or a Skip.

This is the unit of work that indexing runs in worker processes, so it takes
and returns picklable plain values only.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from search.entities import extract_countries
from search.ids import file_of
from search.ingest import SkipFile
from search.ingest.article import article_from_bytes, read_head
from search.model import Article, FileSig, Skip
from search.store.schema import prepared_fields
from search.store.stories import StoryArticle, story_features


@dataclass(slots=True)
class Prepared:
    """An article made ready for the writer, with the file signature it was read from.

    Not the `Article` itself: what the writer does with one (its index fields, with the
    word fields analysed, `search.store.schema.prepared_fields`; its story features) is
    done here, in the reading process, and only the results travel. The entities went
    through ``pickle`` as dataclasses (a Python call each way for every one) and every
    body was tokenised and hashed again in the one writer process."""

    article_id: str
    fields: dict[str, Any]
    """The document's index fields, as `search.store.text_index.TextWriter.add_fields`
    takes them."""
    story: StoryArticle
    """The article as story grouping sees it: its features computed, no body."""
    warnings: list[str]
    sig: FileSig
    sha1: str


def prepared(article: Article, sig: FileSig, sha1: str) -> Prepared:
    """An analysed article made ready for the writer."""
    story = StoryArticle(article.id, "", article.date, article.words, story_features(article.body))
    fields = prepared_fields(article, sig, sha1)
    return Prepared(article.id, fields, story, article.warnings, sig, sha1)


def content_hash(raw: bytes) -> str:
    """The hash of what indexing reads of a file (its first ``MAX_READ_BYTES``, plus one).

    Never the whole file: a 20 GB file was hashed in full on every update
    before being skipped, and what lies past the read limit is not indexed, so
    a change there changes nothing we show (the size differs anyway)."""
    return hashlib.sha1(raw, usedforsecurity=False).hexdigest()


def file_hash(path: Path) -> str:
    """`content_hash` of a file on disk; raises ``SkipFile`` as `read_head` does."""
    return content_hash(read_head(path))


ENTITY_CHARS = 200_000
"""Entities are looked for in this much of a body (a long article is ~30,000)."""


def analyse(article: Article) -> Article:
    """Attach the text phase's entities, the article's COUNTRY mentions, and its country
    list (most mentioned first).

    Only the countries: they are the text phase's own (the country filter never waits),
    while the people, organisations, places and dates come from the entity phase
    (`search.update.entity_phase`) into the entity store, which a reader lays over the
    index (`search.store.entity_columns`). Until it has done an article, the article
    shows its countries alone. `extract_countries` gives the very mentions that all the
    rules would (``Bank of Japan`` and ``Georgia Smith`` name no country) at half their
    cost (issue #17)."""
    article.entities = extract_countries(article.body[:ENTITY_CHARS], reference_date=article.date)
    if len(article.body) > ENTITY_CHARS:
        article.warnings.append(
            f"very long text: names are marked in its first {ENTITY_CHARS:,} characters only"
        )
    counts = Counter(e.norm for e in article.entities)
    article.countries = [code for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    article.country_mentions = dict(counts)
    return article


def prepare_file(root: str, article_id: str) -> Prepared | Skip:
    """Read, clean and analyse one file. Never raises for a bad file."""
    path = file_of(root, article_id)
    try:
        st = path.stat()
        raw = read_head(path)
        sha1 = content_hash(raw)
        article = article_from_bytes(raw, article_id, path)
    except SkipFile as exc:
        return Skip(article_id, str(exc))
    except FileNotFoundError:
        return Skip(article_id, "file disappeared while indexing")
    except OSError as exc:
        return Skip(article_id, f"cannot read file: {exc.strerror or exc}")
    sig = FileSig(st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    return prepared(analyse(article), sig, sha1)


def prepare_many(root: str, article_ids: list[str]) -> list[Prepared | Skip]:
    """A chunk of files at once: fewer round trips to worker processes."""
    return [prepare_file(root, article_id) for article_id in article_ids]


def prepare_chunk(job: tuple[str, list[str]]) -> bytes:
    """`prepare_many` of one (root, ids) job, pickled: the unit sent to a worker process.

    Pickled here so that the writer holds the chunks prepared ahead of it (up to
    ``AHEAD`` articles, `search.update.index`) as one bytes object each, and unpickles a
    chunk only when it takes it in (`unpack_chunk`): as Python objects they took about
    twice the memory."""
    return pickle.dumps(prepare_many(*job), protocol=pickle.HIGHEST_PROTOCOL)


def unpack_chunk(raw: bytes) -> list[Prepared | Skip]:
    """What `prepare_chunk` prepared."""
    chunk: list[Prepared | Skip] = pickle.loads(raw)
    return chunk
