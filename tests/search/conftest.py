"""Fixtures for engine tests: tiny archives in tmp dirs, indexes outside the home folder."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from search.api import Archive
from search.model import SearchResult
from search.query import readers
from search.query.executor import Executor
from search.store.snapshot import Snapshot

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample-archive"

NEWS_WORDS = [
    "trade",
    "cooperation",
    "minister",
    "foreign",
    "policy",
    "economic",
    "summit",
    "bilateral",
    "agreement",
    "investment",
    "energy",
    "security",
    "talks",
    "visit",
    "delegation",
    "ministry",
    "partnership",
    "development",
    "growth",
    "exports",
    "free",
    "direct",
    "strategic",
    "comprehensive",
    "people",
    "exchange",
]
"""Words of generated test articles (term arrays, batch postings)."""


@pytest.fixture(autouse=True)
def _private_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVE_BROWSER_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sample"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture(scope="module")
def sample_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """The bundled sample, indexed once per module (read-only use)."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root, dirs_exist_ok=True)
    archive = Archive.open(root, tmp_path_factory.mktemp("index"))
    archive.update()
    yield archive
    archive.close()


def write_articles(root: Path, articles: dict[str, str]) -> Path:
    for rel, text in articles.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def build_then_change(
    root: Path, index: Path, article: Callable[[random.Random], str], seed: int
) -> Archive:
    """Text-index ``root`` (the caller patches batch sizes), then rewrite every third of the
    first 30 files, remove a100-a103 and add 12 new ones, and update: deletions and a merge
    of the small segments. Returns the archive opened again."""
    rng = random.Random(seed)
    with Archive.open(root, index) as archive:
        archive.update(entities=False)
    write_articles(root, {f"a{i:03d}.txt": article(rng) for i in range(0, 30, 3)})
    for i in range(100, 104):
        (root / f"a{i:03d}.txt").unlink()
    write_articles(root, {f"new{i}.txt": article(rng) for i in range(12)})
    with Archive.open(root, index) as archive:
        archive.update(entities=False)
    return Archive.open(root, index)


def assert_answered(result: SearchResult) -> None:
    """A search that only has to answer (hostile or odd text) answered coherently: a count
    within the archive, a page no longer than the count or the limit, no article twice."""
    assert result.archive_total > 0
    assert 0 <= result.total <= result.archive_total
    assert len(result.hits) <= min(result.total, result.request.limit)
    assert len({hit.id for hit in result.hits}) == len(result.hits)


def snapshot_of(archive: Archive) -> Snapshot:
    """The archive's current snapshot (not held: for tests that read it at once)."""
    return archive._current.peek()


def fresh_executor(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> Executor:
    """A new executor for the archive's current generation, so nothing decoded or expanded
    before leaks in or out (the one it had is back after the test)."""
    snap = snapshot_of(archive)
    executor = Executor(snap.searcher, snap.base_table.live)
    monkeypatch.setitem(snap.generation.cache, readers._new_executor, executor)
    return executor
