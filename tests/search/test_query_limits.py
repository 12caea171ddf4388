"""Queries that used to hang or answer wrongly: wide fuzzy words, many patterns, odd text.

Timing is not asserted tightly (machines are shared); the tests check the structure
that keeps a query short instead: the edit distance is capped, the word walk looks at
the clock, the words a query may stand for are counted per query, and odd text is
cleaned before anything encodes it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from whoosh import query
from whoosh.reading import IndexReader

import search.query.executor
import search.query.stems
from search.api import Archive
from search.cli import main
from search.model import SearchRequest, SearchResult
from search.query.readers import executor_of
from search.query.stems import StemExpander

from .conftest import assert_answered, fresh_executor, snapshot_of, write_articles

CODES = [f"z{i:04d}a" for i in range(3000)]
"""3,000 distinct words: ``*a*`` stands for all of them, ``*12*`` for about a hundred."""


def _articles() -> dict[str, str]:
    articles = {
        f"codes{i}.txt": f"Codes {i}\nThe list reads " + " ".join(CODES[i * 100 : i * 100 + 100])
        for i in range(30)
    }
    for i in range(10):
        articles[f"gov{i}.txt"] = (
            f"Report {i}\nThe government and the international community discussed "
            "internationalisation of trade; the governments agreed."
        )
    return articles


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = write_articles(tmp_path_factory.mktemp("arch"), _articles())
    opened = Archive.open(root, tmp_path_factory.mktemp("index"))
    opened.update()
    yield opened
    opened.close()


@pytest.fixture
def fresh(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> Archive:
    """The archive with an executor of its own, so no cached expansion leaks in or out."""
    fresh_executor(archive, monkeypatch)
    return archive


def _fuzzy_terms(q: Any) -> list[Any]:
    if isinstance(q, query.FuzzyTerm):
        return [q]
    return [f for child in q.children() for f in _fuzzy_terms(child)]


# --- 13: wide fuzzy words -------------------------------------------------------


@pytest.mark.parametrize("text", ["government~9", "international~9", "internationalisation~9"])
def test_a_large_edit_distance_is_capped_with_a_notice(fresh: Archive, text: str) -> None:
    parsed = fresh._parser.parse(text)
    assert {f.maxdist for f in _fuzzy_terms(parsed.query)} == {2}
    result = fresh.search(SearchRequest(text=text, collapse=False))
    assert result.total == 10
    assert result.notice and "at most 2" in result.notice


def test_a_small_edit_distance_is_kept(fresh: Archive) -> None:
    parsed = fresh._parser.parse("governmnet~1")
    assert {f.maxdist for f in _fuzzy_terms(parsed.query)} == {1}
    assert parsed.notice is None
    result = fresh.search(SearchRequest(text="governmnet~2", collapse=False))
    assert result.total == 10 and result.notice is None


def test_fuzzy_words_are_the_same_as_whoosh_finds(fresh: Archive) -> None:
    """Whoosh's Damerau-Levenshtein walk (what it does over several segments; on one
    segment its automaton counts a swap of two letters as two edits, not one)."""
    reader = snapshot_of(fresh).searcher.reader()
    cases = [("governmnet", 2), ("governmnet", 1), ("internationl", 1), ("z0012", 2), ("z0012b", 1)]
    for text, dist in cases:
        q = query.FuzzyTerm("body", text, maxdist=dist, prefixlength=1)
        whoosh_words = set(IndexReader.terms_within(reader, "body", text, dist, prefix=1))
        assert whoosh_words and set(executor_of(snapshot_of(fresh)).expand(q)) == whoosh_words


def test_the_word_walk_looks_at_the_clock(fresh: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no time left, a pattern over 3,000 words stops early, and says it was cut."""
    monkeypatch.setattr(search.query.executor, "EXPANSION_SECONDS", -1.0)
    monkeypatch.setattr(search.query.executor, "MAX_EXPANSION", 1_000_000)
    monkeypatch.setattr(search.query.executor, "MAX_QUERY_WORDS", 1_000_000)
    result = fresh.search(SearchRequest(text="*a", collapse=False))
    executor = executor_of(snapshot_of(fresh))
    assert 0 < len(executor.expand(query.Wildcard("body", "*a"))) < len(CODES)
    assert 0 < result.total < 30
    assert result.notice and "cut" in result.notice


def test_a_cut_fuzzy_expansion_that_found_words_never_answers_nothing(
    fresh: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.query.executor, "EXPANSION_SECONDS", -1.0)
    result = fresh.search(SearchRequest(text="government~1", collapse=False))
    assert result.total == 10
    assert result.notice and "cut" in result.notice


# --- 14: many patterns ----------------------------------------------------------


def _count_postings(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    read: list[str] = []
    cache = executor_of(snapshot_of(archive)).postings
    real, real_many = cache.get, cache.get_many

    def counting(fieldname: str, text: str) -> Any:
        read.append(text)
        return real(fieldname, text)

    def counting_many(fieldname: str, texts: list[str]) -> Any:
        read.extend(texts)
        return real_many(fieldname, texts)

    monkeypatch.setattr(cache, "get", counting)
    monkeypatch.setattr(cache, "get_many", counting_many)
    return read


def test_a_hundred_patterns_share_one_budget(
    fresh: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = " OR ".join(f"*{i:02d}*" for i in range(100))
    read = _count_postings(fresh, monkeypatch)
    started = time.perf_counter()
    result = fresh.search(SearchRequest(text=text, collapse=False))
    assert time.perf_counter() - started < 10
    assert len(read) <= 2_000  # per pattern there would be ~10,000 words to read
    assert result.total > 0
    assert result.notice and "cut" in result.notice
    assert fresh.hit_spans("z0000a z9999b", text) == [(0, 6)]


def test_two_hundred_question_mark_patterns_answer(fresh: Archive) -> None:
    text = " ".join(f"?{i:03d}?" for i in range(200))
    started = time.perf_counter()
    result = fresh.search(SearchRequest(text=text, collapse=False))
    assert isinstance(result, SearchResult)
    assert time.perf_counter() - started < 10


def test_normal_patterns_find_what_they_did(fresh: Archive) -> None:
    assert fresh.search(SearchRequest(text="z001?a", collapse=False)).total == 1
    assert fresh.search(SearchRequest(text="*0012*", collapse=False)).total == 1
    assert fresh.search(SearchRequest(text="govern*", collapse=False)).total == 10
    assert fresh.search(SearchRequest(text="intern?tional*", collapse=False)).total == 10
    result = fresh.search(SearchRequest(text="z00*", collapse=False))
    assert result.total == 1 and result.notice is None
    assert len(executor_of(snapshot_of(fresh)).expand(query.Prefix("body", "z00"))) == 100


class _CountingReader:
    """A reader that records the prefixes looked up in it."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader
        self.prefixes: list[str] = []

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[bytes]:
        self.prefixes.append(prefix)
        yield from self.reader.expand_prefix(fieldname, prefix)


def test_plain_words_sharing_a_prefix_read_it_once(fresh: Archive) -> None:
    """Hundreds of plain words on a few common prefixes each walked the prefix again."""
    reader = _CountingReader(snapshot_of(fresh).searcher.reader())
    stems = StemExpander(reader)
    words = [f"gov{a}" for a in "abcdfghijklmnpqrstuvwxyz"] + ["governments", "government"]
    expanded = stems.expand(fresh._parser.parse(" OR ".join(words)).query)
    assert len(reader.prefixes) <= 2 * 4  # title and body, "gov" and "govern"
    assert "governments" in {t for _, t in expanded.iter_all_terms()}


def test_stem_lookups_stop_at_their_deadline(
    fresh: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search.query.stems, "STEM_SECONDS", -1.0)
    stems = StemExpander(snapshot_of(fresh).searcher.reader())
    assert stems.expand(query.Term("body", "governments")) == query.Term("body", "governments")
    monkeypatch.setattr(search.query.stems, "STEM_SECONDS", 10.0)
    assert stems.variants("body", "governments") == ("government", "governments")


# --- 15: lone surrogates and other odd text ------------------------------------


@pytest.mark.parametrize("text", ["\udcff*", "\udcff~2", "gov\udcff*", "\ud800", "a\udfff?b"])
def test_lone_surrogates_give_a_result(fresh: Archive, text: str) -> None:
    assert isinstance(fresh.search(SearchRequest(text=text, collapse=False)), SearchResult)
    ids = fresh.ids()[:3]
    assert set(fresh.snippets(ids, text)) <= set(ids)
    assert isinstance(fresh.hit_spans("The government met.", text), list)


def test_the_command_line_takes_undecodable_arguments(
    archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--archive", str(archive.root), "--index-dir", str(archive.index_dir), "--no-update"]
    assert main(["query", "\udcff*", *args]) == 0
    assert main(["query", "\udcff*", *args, "--json"]) == 0
    out, _ = capsys.readouterr()
    assert "articles" in out


def _random_query(raw: bytes, latin: bool) -> str:
    return raw.decode("latin-1") if latin else raw.decode("utf-8", "surrogateescape")


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.binary(max_size=60)
    | st.lists(st.sampled_from([b"*", b"?", b"~", b"9", b"2", b"\xff", b"g", b" ", b"z0"])).map(
        b"".join
    ),
    st.booleans(),
)
def test_any_bytes_as_a_query_give_a_result(archive: Archive, raw: bytes, latin: bool) -> None:
    text = _random_query(raw, latin)
    result = archive.search(SearchRequest(text=text, limit=3, collapse=False))
    assert isinstance(result, SearchResult)
    assert_answered(result)


def test_the_random_queries_cover_surrogates(tmp_path: Path) -> None:
    assert _random_query(b"\xff*", latin=False) == "\udcff*"
    assert _random_query(b"\xff*", latin=True) == "\xff*"
