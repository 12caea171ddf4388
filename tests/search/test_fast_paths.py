"""The self-check of the Whoosh internals our fast paths use (search/store/WHOOSH_INTERNALS.md)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from whoosh import index as whoosh_index
from whoosh import query as whoosh_query
from whoosh.codec import whoosh3
from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile
from whoosh.util import numeric

from search.api import Archive
from search.store import fast_paths


def test_every_fast_path_is_in_place_with_the_pinned_whoosh() -> None:
    assert fast_paths.check() == []


@pytest.mark.parametrize(
    ("owner", "name", "reported"),
    [
        (whoosh3, "_lenfield", "whoosh.codec.whoosh3._lenfield"),
        (numeric, "_length_byte_cache", "whoosh.util.numeric._length_byte_cache"),
        (whoosh_index, "clean_files", "whoosh.index.clean_files"),
        (whoosh3.W3LeafMatcher, "_read_data", "W3LeafMatcher._read_data"),
        (whoosh3.W3LeafMatcher, "_next_block", "W3LeafMatcher._next_block"),
        (whoosh3.W3PerDocReader, "_cached_reader", "W3PerDocReader._cached_reader"),
        (whoosh3.W3PostingsWriter, "add_posting", "W3PostingsWriter.add_posting"),
        (whoosh_query.PatternQuery, "_find_prefix", "PatternQuery._find_prefix"),
        (whoosh_query.MultiTerm, "_btexts", "MultiTerm._btexts"),
        (whoosh_index.FileIndex, "_read_toc", "FileIndex._read_toc"),
    ],
)
def test_a_missing_private_name_is_reported(
    monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, reported: str
) -> None:
    monkeypatch.delattr(owner, name)
    missing = fast_paths.check()
    assert any(reported in line for line in missing), missing


def test_an_instance_attribute_gone_from_a_real_reader_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attributes Whoosh sets in ``__init__`` are looked for on a probe index's reader."""
    from whoosh.reading import SegmentReader

    real_init = SegmentReader.__init__

    def init_without_terms(self: Any, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self.terms_reader = self._terms
        del self._terms

    monkeypatch.setattr(SegmentReader, "__init__", init_without_terms)
    assert "SegmentReader._terms" in fast_paths.check()


def test_the_in_place_reading_patch_not_applied_is_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(compound, "BufferFile", BufferFile)  # Whoosh's own, copying class
    missing = fast_paths.check()
    assert "whoosh.filedb.compound.BufferFile (patched to read in place)" in missing


def test_opening_an_index_warns_once_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    sample_copy: Path,
    tmp_path: Path,
) -> None:
    monkeypatch.delattr(whoosh3.W3LeafMatcher, "_read_ids")
    fast_paths.check_once.cache_clear()
    try:
        with caplog.at_level(logging.WARNING):
            Archive.open(sample_copy, tmp_path / "index").close()
            Archive.open(sample_copy, tmp_path / "index").close()
    finally:
        fast_paths.check_once.cache_clear()
    warnings = [r for r in caplog.records if "fast paths" in r.getMessage()]
    assert len(warnings) == 1
    assert "W3LeafMatcher._read_ids" in warnings[0].getMessage()
