"""The facade protocol: what the CLI (and, in time, the window) asks of an archive,
whichever backend serves it.

`search.api.Archive` (a folder, indexed locally with Whoosh) and
`search.backends.cluster.archive.ClusterArchive` (a shared archive on a Sphinx or
Manticore cluster) both implement it, and the contract tests run the same searches on
both (``tests/search/test_cluster_search.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from search.model import (
    ArchiveStats,
    Article,
    FacetName,
    SearchRequest,
    SearchResult,
    Snippet,
    Version,
)


class ArchiveReader(Protocol):
    """Reading an archive: search, articles, snippets and counts."""

    def search(
        self, request: SearchRequest, *, facets_ignoring: tuple[FacetName, ...] = ()
    ) -> SearchResult: ...

    def article(self, article_id: str, *, final: bool = False) -> Article: ...

    def versions(self, article_id: str) -> list[Version]: ...

    def snippets(self, article_ids: Sequence[str], query_text: str) -> dict[str, Snippet]: ...

    def hit_spans(self, text: str, query_text: str) -> list[tuple[int, int]]: ...

    def stats(self) -> ArchiveStats: ...

    def path_of(self, article_id: str) -> Path: ...

    def ids(self) -> list[str]: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> ArchiveReader: ...

    def __exit__(self, *_exc: object) -> None: ...
