"""One file -> one fully analysed Article (ingest + entities), or a Skip.

This is the unit of work that indexing runs in worker processes, so it takes
and returns picklable plain values only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from search.entities import extract
from search.ingest import MAX_READ_BYTES, SkipFile, article_from_bytes, read_head
from search.model import Article, Skip


@dataclass(slots=True)
class Prepared:
    """An analysed article with the file signature it was read from."""

    article: Article
    size: int
    mtime_ns: int
    sha1: str


def file_sha1(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


ENTITY_CHARS = 200_000
"""Entities are looked for in this much of a body (a long article is ~30,000)."""


def analyse(article: Article) -> Article:
    """Attach entities and the country list (most mentioned first)."""
    article.entities = extract(article.body[:ENTITY_CHARS], reference_date=article.date)
    if len(article.body) > ENTITY_CHARS:
        article.warnings.append(
            f"very long text: names are marked in its first {ENTITY_CHARS:,} characters only"
        )
    counts = Counter(e.norm for e in article.entities if e.type == "COUNTRY")
    article.countries = [code for code, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    article.country_mentions = dict(counts)
    return article


def prepare_file(root: str, article_id: str) -> Prepared | Skip:
    """Read, clean and analyse one file. Never raises for a bad file."""
    path = Path(root, *article_id.split("/"))
    try:
        stat = path.stat()
        raw = read_head(path)
        # The whole file was read unless it is over the limit: hash it once, not twice.
        if len(raw) <= MAX_READ_BYTES:
            sha1 = hashlib.sha1(raw, usedforsecurity=False).hexdigest()
        else:
            sha1 = file_sha1(path)
        article = article_from_bytes(raw, article_id, path)
    except SkipFile as exc:
        return Skip(article_id, str(exc))
    except FileNotFoundError:
        return Skip(article_id, "file disappeared while indexing")
    except OSError as exc:
        return Skip(article_id, f"cannot read file: {exc.strerror or exc}")
    return Prepared(analyse(article), stat.st_size, stat.st_mtime_ns, sha1)


def prepare_many(root: str, article_ids: list[str]) -> list[Prepared | Skip]:
    """A chunk of files at once: fewer round trips to worker processes."""
    return [prepare_file(root, article_id) for article_id in article_ids]
