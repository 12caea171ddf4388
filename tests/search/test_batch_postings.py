"""The word fields' postings written from arrays (`search.store.batch_postings`) give the
segments Whoosh's own pool gives: the same files byte for byte, so the same searches,
facets and stored articles."""

from __future__ import annotations

import random
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index

import search.store.text_index
import search.update.index
from search.api import Archive
from search.model import SearchRequest, Sort
from search.store import batch_postings

from .conftest import NEWS_WORDS, SAMPLE, build_then_change, write_articles

WORDS = [*NEWS_WORDS, "Hà", "Nội", "café", "naïve", "Ёлка", "straße"]
PEOPLE = ["Nguyen Van An", "Kassym-Jomart Tokayev", "Angela Merkel", "John Smith"]
COUNTRIES = ["Vietnam", "Kazakhstan", "Germany", "France", "Japan", "Brazil"]
MONTHS = ["January", "March", "June", "September", "December"]

QUERIES: list[dict[str, Any]] = [
    {"text": "trade"},
    {"text": "cooperation minister"},
    {"text": '"free trade"'},
    {"text": '"comprehensive strategic partnership"'},
    {"text": "develop*"},
    {"text": "ca*"},
    {"text": "title:summit"},
    {"text": 'title:"bilateral talks"'},
    {"text": "trade -energy"},
    {"text": "rare3 OR rare17"},
    {"text": "naive"},
    {"text": "strasse OR straße"},
    {"text": "cooperaton~"},
    {"text": "Tokayev"},
    {"text": '"Angela Merkel"'},
    {"text": ""},
    {"text": "", "sort": Sort.NEWEST},
    {"text": "energy", "countries": ("VN",)},
    {"text": "", "exclude_countries": ("KZ",)},
    {"text": "talks", "date_from": date(2021, 1, 1), "date_to": date(2021, 12, 31)},
    {"text": "", "date_from": date(2020, 3, 1), "include_undated": False},
]


def _text(rng: random.Random, low: int, high: int) -> str:
    words = [
        rng.choice(WORDS) if rng.random() < 0.85 else f"rare{rng.randint(0, 40)}"
        for _ in range(rng.randint(low, high))
    ]
    return " ".join(words)


def _article(rng: random.Random) -> str:
    title = _text(rng, 2, 6).capitalize()
    lede = (
        f"{rng.choice(COUNTRIES).upper()}, {rng.choice(MONTHS)} {rng.randint(1, 28)}, "
        f"{rng.choice([2019, 2020, 2021])} - {rng.choice(PEOPLE)} met officials of "
        f"{rng.choice(COUNTRIES)} and {rng.choice(COUNTRIES)}."
        if rng.random() < 0.8
        else "An undated note."
    )
    return f"{title}\n\n{lede} {_text(rng, 20, 160).capitalize()}. {rng.choice(PEOPLE)} said."


def _build(root: Path, index: Path, monkeypatch: pytest.MonkeyPatch, arrays: bool) -> Archive:
    """Several batches, then an update (changed, removed and new files: deletions and a
    merge of the small segments, whose postings come back through the pool)."""
    with monkeypatch.context() as patch:
        if not arrays:
            patch.setattr(batch_postings, "install", lambda writer: None)
        patch.setattr(search.update.index, "FIRST_COMMIT", 40)
        patch.setattr(search.update.index, "COMMIT_EVERY", 110)
        patch.setattr(search.store.text_index, "SMALL_SEGMENT", 60)
        return build_then_change(root, index, _article, 11)


def _segment_files(index: Path) -> list[dict[str, bytes]]:
    """Each segment's files (by extension: names carry the random segment id), in order."""
    ix = whoosh_index.open_dir(str(index / "whoosh"))
    try:
        out = []
        for segment in ix._segments():
            storage = segment.open_compound_file(ix.storage) if segment.is_compound() else None
            files: dict[str, bytes] = {}
            source = storage or ix.storage
            prefix = segment.make_filename("")
            names = [n for n in source.list() if n.startswith(prefix)]
            for name in names:
                handle = source.open_file(name)
                try:
                    files[name[len(prefix) :]] = bytes(handle.read())
                finally:
                    handle.close()
            if storage is not None:
                storage.close()
            out.append({"deleted": repr(sorted(segment.deleted_docs())).encode(), **files})
        return out
    finally:
        ix.close()


def _answers(archive: Archive) -> list[Any]:
    out = []
    for spec in QUERIES:
        result = archive.search(SearchRequest(**spec, limit=500, snippets=False))
        out.append(
            (
                spec,
                result.total,
                [(hit.id, round(hit.score, 6)) for hit in result.hits],
                result.facets.to_json(),
            )
        )
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = random.Random(5)
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLE, root, dirs_exist_ok=True)
    write_articles(root, {f"a{i:03d}.txt": _article(rng) for i in range(300)})
    return root


def test_segments_written_from_arrays_are_whooshs_byte_for_byte_and_search_alike(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("pool", "arrays"):
        shutil.copytree(corpus, tmp_path / name / "archive")
    pool = _build(tmp_path / "pool/archive", tmp_path / "pool/index", monkeypatch, arrays=False)
    arrays = _build(tmp_path / "arrays/archive", tmp_path / "arrays/index", monkeypatch, True)
    with pool, arrays:
        expected = _segment_files(tmp_path / "pool/index")
        got = _segment_files(tmp_path / "arrays/index")
        assert len(expected) >= 3  # batches, and the update's merged segment
        assert [sorted(s) for s in got] == [sorted(s) for s in expected]
        for mine, theirs in zip(got, expected, strict=True):
            for ext in theirs:
                if ext != ".c_sig.col":  # each copy's file signatures (inodes, times)
                    assert mine[ext] == theirs[ext], ext
        answers = _answers(pool)
        assert _answers(arrays) == answers
        assert sum(1 for _, total, _, _ in answers if total) >= len(QUERIES) - 2
        ids = pool.ids()
        assert arrays.ids() == ids and len(ids) > 300
        for article_id in ids:
            mine_article, their_article = arrays.article(article_id), pool.article(article_id)
            assert replace(mine_article, path="") == replace(their_article, path="")


def test_a_writer_without_the_array_pool_adds_documents_the_whoosh_way(tmp_path: Path) -> None:
    ix = search.store.text_index.create_index(tmp_path)
    writer = ix.writer()
    batch_postings.add_document(writer, {"id": "x", "title": "Free trade", "body": "free trade"})
    writer.commit()
    with ix.searcher() as searcher:
        assert searcher.doc_count() == 1
        assert searcher.reader().doc_frequency("body", "trade") == 1
    ix.close()
