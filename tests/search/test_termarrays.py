"""Per-segment term arrays: same postings as Whoosh's own, cleaned up with their segment,
and a damaged or missing file only costs speed."""

from __future__ import annotations

import json
import logging
import random
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from whoosh import formats
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import W3Codec
from whoosh.query import Phrase

import search.query.executor
import search.store.text_index
import search.update.index
from search.api import Archive
from search.model import SearchRequest
from search.query import readers
from search.query.executor import (
    Executor,
    decode_positions,
    decode_postings,
    decode_postings_many,
    leaf_field_lengths,
)
from search.store import termarrays
from search.store.lengths import ColumnLengths
from search.store.schema import ArrayPositions, build_schema
from search.store.text_index import open_writer

from .conftest import NEWS_WORDS as WORDS
from .conftest import snapshot_of, write_articles

QUERIES = [
    "trade",
    "cooperation minister",
    '"free trade"',
    '"comprehensive strategic partnership"',
    '"people exchange" energy',
    "title:summit",
    'title:"bilateral talks"',
    "rare7 OR rare12",
    "trade -energy",
    "develop*",
    "cooperaton~",
    "",
]


def _text(rng: random.Random, low: int, high: int) -> str:
    words = [
        rng.choice(WORDS) if rng.random() < 0.85 else f"rare{rng.randint(0, 40)}"
        for _ in range(rng.randint(low, high))
    ]
    return " ".join(words)


def _article(rng: random.Random) -> str:
    return f"{_text(rng, 2, 6).capitalize()}\n\n{_text(rng, 20, 120).capitalize()}."


def _build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Several batches, an update that changes and deletes files, a merge, more deletions."""
    rng = random.Random(7)
    root = write_articles(tmp_path / "arch", {f"a{i:03d}.txt": _article(rng) for i in range(120)})
    monkeypatch.setattr(search.update.index, "COMMIT_EVERY", 25)
    monkeypatch.setattr(search.store.text_index, "SMALL_SEGMENT", 0)  # keep segments and deletions
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        write_articles(root, {f"a{i:03d}.txt": _article(rng) for i in range(10)})
        for i in range(10, 15):
            (root / f"a{i:03d}.txt").unlink()
        archive.update()
    ix = whoosh_index.open_dir(str(tmp_path / "index" / "whoosh"))
    writer = open_writer(ix)
    writer.commit(optimize=True)  # through the app's writer: the merged segment gets arrays
    ix.close()
    with Archive.open(root, tmp_path / "index") as archive:
        write_articles(root, {f"a{i:03d}.txt": _article(rng) for i in range(100, 108)})
        (root / "a050.txt").unlink()
        write_articles(root, {f"new{i}.txt": _article(rng) for i in range(6)})
        archive.update()
    return root


@pytest.fixture(params=["default", "small-chunks"])
def built(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Archive]:
    if request.param == "small-chunks":  # flushes between words, temp files, 32-bit arrays
        monkeypatch.setattr(termarrays, "FLUSH_POSTINGS", 7)
        monkeypatch.setattr(termarrays, "SPILL_BYTES", 64)
        monkeypatch.setattr(termarrays, "NARROW_BELOW", 10)
    root = _build(tmp_path, monkeypatch)
    archive = Archive.open(root, tmp_path / "index")
    yield archive
    archive.close()


def _leaves(archive: Archive) -> list[tuple[Any, int]]:
    return list(snapshot_of(archive).searcher.reader().leaf_readers())


def _assert_same_postings(leaves: list[tuple[Any, int]], fieldname: str, word: str) -> None:
    ids, weights = decode_postings(leaves, fieldname, word)
    old_ids, old_weights = decode_postings(leaves, fieldname, word, term_arrays=False)
    assert ids.dtype == old_ids.dtype and weights.dtype == old_weights.dtype
    assert np.array_equal(ids, old_ids), word
    assert np.array_equal(weights, old_weights), word
    keys = decode_positions(leaves, fieldname, word)
    old_keys = decode_positions(leaves, fieldname, word, term_arrays=False)
    assert keys.dtype == old_keys.dtype
    assert np.array_equal(keys, old_keys), word


def _assert_same_postings_together(
    leaves: list[tuple[Any, int]], fieldname: str, words: list[str]
) -> None:
    """A pattern's words read together are each what reading it alone gives."""
    together = decode_postings_many(leaves, fieldname, words)
    assert len(together) == len(words)
    for word, (ids, weights) in zip(words, together, strict=True):
        alone_ids, alone_weights = decode_postings(leaves, fieldname, word)
        assert ids.dtype == alone_ids.dtype and weights.dtype == alone_weights.dtype
        assert np.array_equal(ids, alone_ids), word
        assert np.array_equal(weights, alone_weights), word


def _search_all(archive: Archive) -> list[Any]:
    out = []
    for text in QUERIES:
        result = archive.search(SearchRequest(text=text, limit=200, snippets=False))
        out.append((text, result.total, [(h.id, round(h.score, 5)) for h in result.hits]))
    return out


def _fresh(archive: Archive) -> None:
    """A new executor: nothing decoded yet."""
    snap = snapshot_of(archive)
    snap.generation.cache[readers._new_executor] = Executor(snap.searcher, snap.base_table.live)


def test_term_arrays_give_whooshs_postings_for_every_word(
    built: Archive, caplog: pytest.LogCaptureFixture
) -> None:
    leaves = _leaves(built)
    assert len(leaves) >= 2
    assert any(leaf.has_deletions() for leaf, _ in leaves)
    for leaf, _ in leaves:
        arrays = termarrays.for_leaf(leaf)
        assert arrays is not None and arrays.has_field("body") and arrays.has_field("title")
    reader = snapshot_of(built).searcher.reader()
    for fieldname in ("body", "title"):
        words = [raw.decode("utf-8") for raw in reader.lexicon(fieldname)]
        assert len(words) > 20
        for word in [*words, "notaword", "zzzz", ""]:
            _assert_same_postings(leaves, fieldname, word)
        mixed = [*words[::3], "notaword", *reversed(words[1::3]), "zzzz", words[0]]
        _assert_same_postings_together(leaves, fieldname, mixed)
        _assert_same_postings_together(leaves, fieldname, ["notaword"])
    assert "slow way" not in caplog.text


def test_searches_are_identical_with_and_without_term_arrays(
    built: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fresh(built)
    with_arrays = _search_all(built)
    monkeypatch.setattr(search.query.executor, "USE_TERM_ARRAYS", False)
    _fresh(built)
    assert _search_all(built) == with_arrays
    assert any(total for _, total, _ in with_arrays[:5])


def test_merged_away_segments_take_their_term_arrays_along(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _build(tmp_path, monkeypatch)
    folder = tmp_path / "index" / "whoosh"
    ix = whoosh_index.open_dir(str(folder))
    before = {s.segment_id() for s in ix._segments()}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            assert leaf._storage.file_exists(leaf._segment.make_filename(termarrays.EXT))
    open_writer(ix).commit(optimize=True)
    (segment,) = ix._segments()
    ix.close()
    names = [p.name for p in folder.iterdir()]
    assert not [n for n in names if n.split(".")[0] in before]
    with Archive.open(root, tmp_path / "index") as archive:
        ((leaf, _),) = _leaves(archive)
        assert leaf._segment.segment_id() == segment.segment_id()
        assert termarrays.for_leaf(leaf) is not None
        assert archive.search(SearchRequest(text='"free trade"')).total > 0


def _whoosh_index(folder: Path, codec: Any, schema: Any, compound: bool, docs: int = 400) -> Any:
    """A plain Whoosh index (no app), big enough for terms that span postings blocks."""
    folder.mkdir(parents=True, exist_ok=True)
    ix = whoosh_index.create_in(str(folder), schema)
    rng = random.Random(3)
    for batch in range(2):
        writer = ix.writer(codec=codec, compound=compound)
        for i in range(docs // 2):
            boost = {"_boost": 1.5} if i % 17 == 3 else {}  # weights not derived from counts
            writer.add_document(
                id=f"d{batch}-{i}", title=_text(rng, 2, 6), body=_text(rng, 5, 60), **boost
            )
        writer.commit(merge=False)
    writer = ix.writer(codec=codec, compound=compound)
    writer.delete_by_term("id", "d0-0")
    writer.delete_by_term("id", "d1-7")
    writer.commit(merge=False)
    return ix


def _keys_of(ix: Any, word: str, term_arrays: bool) -> Any:
    with ix.reader() as reader:
        leaves = list(reader.leaf_readers())
        return (
            decode_postings(leaves, "body", word, term_arrays=term_arrays),
            decode_positions(leaves, "body", word, term_arrays=term_arrays),
        )


def test_plain_segment_files_are_mapped_and_deleted_with_their_segment(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    ix = _whoosh_index(folder, termarrays.TermArraysCodec(), build_schema(), compound=False)
    sidecars = sorted(p.name for p in folder.glob("*" + termarrays.EXT))
    assert len(sidecars) == 2
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            arrays = termarrays.for_leaf(leaf)
            assert arrays is not None
            assert leaf._segment.make_filename(termarrays.EXT) in sidecars
        leaves = list(reader.leaf_readers())
        assert max(len(decode_postings(leaves, "body", w)[0]) for w in WORDS) > 200
        for word in WORDS:
            _assert_same_postings(leaves, "body", word)
    writer = ix.writer(codec=termarrays.TermArraysCodec(), compound=False)
    writer.commit(optimize=True)
    after = sorted(p.name for p in folder.glob("*" + termarrays.EXT))
    assert len(after) == 1 and after[0] not in sidecars
    ix.close()


def test_a_whoosh_index_without_term_arrays_reads_the_same(tmp_path: Path) -> None:
    """Whoosh's own codec and pickled Positions (an index from before) give the same arrays."""
    schema = build_schema()
    old_schema = build_schema()
    for name in ("title", "body"):
        old_schema[name].format = formats.Positions(field_boost=schema[name].format.field_boost)
    new = _whoosh_index(tmp_path / "new", termarrays.TermArraysCodec(), schema, compound=True)
    old = _whoosh_index(tmp_path / "old", W3Codec(), old_schema, compound=True)
    with old.reader() as reader:
        assert all(termarrays.for_leaf(leaf) is None for leaf, _ in reader.leaf_readers())
    for word in [*WORDS, "rare3", "absent"]:
        (ids, weights), keys = _keys_of(new, word, term_arrays=True)
        for source, use in ((new, False), (old, True), (old, False)):
            (other_ids, other_weights), other_keys = _keys_of(source, word, term_arrays=use)
            assert np.array_equal(ids, other_ids)
            assert np.array_equal(weights, other_weights)
            assert np.array_equal(keys, other_keys)
    new.close()
    old.close()


def test_whoosh_reads_array_positions_itself(tmp_path: Path) -> None:
    fmt = ArrayPositions(field_boost=2.0)
    value = fmt.encode([3, 9, 70000])
    assert value == struct.pack("<4I", 3, 3, 9, 70000)
    assert fmt.decode_positions(value) == [3, 9, 70000]
    assert fmt.decode_frequency(value) == 3
    assert fmt.decode_weight(value) == 6.0
    assert fmt.decode_position_boosts(value) == [(3, 1), (9, 1), (70000, 1)]
    assert fmt.decode_positions(fmt.combine([value, fmt.encode([4, 9])])) == [3, 4, 9, 70000]
    ix = _whoosh_index(tmp_path / "ix", termarrays.TermArraysCodec(), build_schema(), True, 60)
    with ix.searcher() as searcher:
        for words in (["free", "trade"], ["people", "exchange"], ["trade", "trade"]):
            found = {hit.docnum for hit in searcher.search(Phrase("body", words), limit=None)}
            reader = searcher.reader()
            live = np.array([not reader.is_deleted(d) for d in range(reader.doc_count_all())])
            matches = Executor(searcher, live).evaluate(Phrase("body", words))
            assert found == set(np.flatnonzero(matches.mask).tolist())
            assert found or words != ["free", "trade"]
    ix.close()


def test_split_values_rejects_what_is_not_array_positions() -> None:
    counts, positions = termarrays.split_values([struct.pack("<3I", 2, 5, 8), struct.pack("<I", 0)])
    assert counts.tolist() == [2, 0] and positions.tolist() == [5, 8]
    for bad in ([b"\x80\x02]q"], [struct.pack("<2I", 5, 1)], [b""]):
        with pytest.raises(termarrays.Damaged):
            termarrays.split_values(bad)


def _patch_sidecar(index: Path, how: str) -> None:
    """Damage the term arrays inside each segment's compound file."""
    ix = whoosh_index.open_dir(str(index / "whoosh"))
    segments = ix._segments()
    for segment in segments:
        storage = segment.open_compound_file(ix.storage)
        offset, length = storage.range(segment.make_filename(termarrays.EXT))
        storage.close()
        with open(index / "whoosh" / segment.make_filename(".seg"), "r+b") as handle:
            handle.seek(offset)
            data = bytearray(handle.read(length))
            if how == "truncated":  # the trailer is what a truncated file lacks
                data[-24:] = b"\0" * 24
            elif how == "garbage":
                data[:] = random.Random(1).randbytes(length)
            elif how == "bad-postings":  # directory intact, document numbers nonsense
                start, nbytes = _section(bytes(data), "docs")
                data[start : start + nbytes] = b"\xff" * nbytes
            handle.seek(offset)
            handle.write(bytes(data))
    ix.close()


def _section(data: bytes, name: str) -> tuple[int, int]:
    start = int.from_bytes(data[-24:-16], "little")
    length = int.from_bytes(data[-16:-8], "little")
    directory = json.loads(data[start : start + length])
    offset, nbytes = directory["fields"]["body"]["sections"][name][:2]
    return int(offset), int(nbytes)


@pytest.mark.parametrize("how", ["truncated", "garbage", "bad-postings", "hidden"])
def test_damaged_or_missing_term_arrays_fall_back_with_the_same_results(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root = _build(tmp_path, monkeypatch)
    with Archive.open(root, tmp_path / "index") as archive:
        expected = _search_all(archive)
        segments = len(_leaves(archive))
    if how == "hidden":
        monkeypatch.setattr(termarrays, "EXT", ".gone")
    else:
        _patch_sidecar(tmp_path / "index", how)
    caplog.set_level(logging.WARNING, logger="archive_browser.engine.termarrays")
    with Archive.open(root, tmp_path / "index") as archive:
        assert _search_all(archive) == expected
        assert _search_all(archive) == expected
        leaves = _leaves(archive)
        for word in WORDS:
            _assert_same_postings(leaves, "body", word)
        _assert_same_postings_together(leaves, "body", [*WORDS, "notaword"])
        assert all(termarrays.for_leaf(leaf) is None for leaf, _ in leaves)
    warnings = [r for r in caplog.records if "slow way" in r.getMessage()]
    assert len(warnings) == segments  # once per segment, however many searches


def test_a_word_asked_twice_together_is_read_and_cached_once(built: Archive) -> None:
    _fresh(built)
    cache = readers.executor_of(snapshot_of(built)).postings
    first, again, other = cache.get_many("body", ["trade", "trade", "notaword"])
    assert first is again and len(other[0]) == 0
    assert cache.get("body", "trade") is first
    assert cache._size == len(first[0])


def test_words_read_together_from_damaged_postings_fall_back_to_whooshs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _build(tmp_path, monkeypatch)
    _patch_sidecar(tmp_path / "index", "bad-postings")
    with Archive.open(root, tmp_path / "index") as archive:
        leaves = _leaves(archive)
        words = [*WORDS, "notaword"]
        together = decode_postings_many(leaves, "body", words)  # the first read finds it
        assert all(termarrays.for_leaf(leaf) is None for leaf, _ in leaves)
        for word, (ids, weights) in zip(words, together, strict=True):
            whoosh_ids, whoosh_weights = decode_postings(leaves, "body", word, term_arrays=False)
            assert np.array_equal(ids, whoosh_ids) and np.array_equal(weights, whoosh_weights)
        assert any(len(ids) for ids, _ in together)


def test_a_failure_while_writing_term_arrays_only_costs_the_segment_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(values: Any) -> Any:
        raise OSError("disk trouble")

    schema = build_schema()
    good = _whoosh_index(tmp_path / "good", termarrays.TermArraysCodec(), schema, True, 60)
    with monkeypatch.context() as patched:
        patched.setattr(termarrays, "split_values", broken)
        bad = _whoosh_index(tmp_path / "bad", termarrays.TermArraysCodec(), schema, True, 60)
    assert "could not write the term arrays" in caplog.text
    with bad.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            assert not leaf._storage.file_exists(leaf._segment.make_filename(termarrays.EXT))
    for word in WORDS:
        (ids, weights), keys = _keys_of(good, word, term_arrays=True)
        (bad_ids, bad_weights), bad_keys = _keys_of(bad, word, term_arrays=True)
        assert np.array_equal(ids, bad_ids) and np.array_equal(keys, bad_keys)
        assert np.array_equal(weights, bad_weights)
    good.close()
    bad.close()


def test_field_lengths_read_whole_equal_whooshs_per_document_lengths(built: Archive) -> None:
    for leaf, _base in _leaves(built):
        for fieldname in ("body", "title", "person"):
            expected = [
                leaf.doc_field_length(d, fieldname, 0) or 0 for d in range(leaf.doc_count_all())
            ]
            got = leaf_field_lengths(leaf, fieldname)
            assert got.tolist() == expected, fieldname
            assert got.dtype == np.float32


def test_column_lengths_answer_like_the_segment_writers_length_reader(built: Archive) -> None:
    for leaf, _base in _leaves(built):
        fast = ColumnLengths(leaf)
        count = leaf.doc_count_all()
        for fieldname in ("body", "title", "person", "id", "country", "no_such_field"):
            for docnum in range(count):
                assert fast.doc_field_length(docnum, fieldname) == leaf.doc_field_length(
                    docnum, fieldname
                ), (fieldname, docnum)
                assert fast.doc_field_length(docnum, fieldname, 7) == leaf.doc_field_length(
                    docnum, fieldname, 7
                ), (fieldname, docnum)
        for fieldname in ("body", "country"):  # unscored fields have no length column
            with pytest.raises(IndexError):
                fast.doc_field_length(count + 1, fieldname)


def test_prefix_words_from_term_arrays_are_whooshs(built: Archive) -> None:
    reader = snapshot_of(built).searcher.reader()
    assert len(list(reader.leaf_readers())) > 1  # several segments, some with deletions
    prefixes = ["", "c", "co", "coop", "cooperat", "cooperatio", "cooperation", "rare1", "zz"]
    prefixes += sorted({w[:n] for w in WORDS for n in (2, 4, 9)})
    for fieldname in ("body", "title"):
        for prefix in prefixes:
            whoosh = sorted(
                w if isinstance(w, bytes) else w.encode()
                for w in reader.expand_prefix(fieldname, prefix)
            )
            assert termarrays.expand_prefix(reader, fieldname, prefix) == whoosh, prefix


def test_a_segment_without_term_arrays_is_expanded_by_whoosh(
    built: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = snapshot_of(built).searcher.reader()
    expected = termarrays.expand_prefix(reader, "body", "co")
    monkeypatch.setattr(termarrays, "for_leaf", lambda leaf: None)
    assert termarrays.expand_prefix(reader, "body", "co") == expected != []
