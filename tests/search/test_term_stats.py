"""Document frequencies for "more like this" (search/store/term_stats.py): from the term
arrays, summed over segments, the same as Whoosh's own count, also for segments without
term arrays."""

from __future__ import annotations

from pathlib import Path

from whoosh.codec.whoosh3 import W3Codec

from search.store import termarrays
from search.store.schema import build_schema
from search.store.term_stats import DocFrequencies

from .test_termarrays import WORDS, _whoosh_index

PROBES = [*WORDS, "rare3", "absent", "Zürich"]


def _whooshs(reader: object, words: list[str]) -> list[int]:
    return [reader.doc_frequency("body", word) for word in words]  # type: ignore[attr-defined]


def test_frequencies_from_term_arrays_equal_whooshs_over_several_segments(
    tmp_path: Path,
) -> None:
    ix = _whoosh_index(tmp_path / "new", termarrays.TermArraysCodec(), build_schema(), True)
    with ix.reader() as reader:
        assert len(list(reader.leaf_readers())) == 2
        assert all(termarrays.for_leaf(leaf) for leaf, _ in reader.leaf_readers())
        found = DocFrequencies(reader, "body").of(PROBES)
        assert found == _whooshs(reader, PROBES)
        assert found[PROBES.index("absent")] == 0 and max(found) > 100
    ix.close()


def test_segments_without_term_arrays_are_asked_word_by_word(tmp_path: Path) -> None:
    ix = _whoosh_index(tmp_path / "old", W3Codec(), build_schema(), True)
    with ix.reader() as reader:
        assert all(termarrays.for_leaf(leaf) is None for leaf, _ in reader.leaf_readers())
        assert DocFrequencies(reader, "body").of(PROBES) == _whooshs(reader, PROBES)
        assert DocFrequencies(reader, "no_such_field").of(["trade"]) == [0]
    ix.close()
