"""Marks follow what matched: a phrase as one span where it occurs, no words of a NOT clause."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search.api import Archive
from search.model import SearchRequest
from tests.search.conftest import write_articles

SEC = (
    "SEC sues broker\n"
    "date 2025-03-04 The Securities and Exchange Commission sued a broker and his firm on "
    "Monday. The commission said securities were sold and exchanged without a licence, and "
    "the exchange was not told.\n"
)
HANOI = (
    "Việt Nam and Kazakhstan talks\n"
    "date 2025-03-05 Việt Nam and Kazakhstan held talks in Hanoi on trade and investment. "
    "Russia was not mentioned. The foreign ministry said trading would grow.\n"
)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = write_articles(tmp_path_factory.mktemp("marks"), {"sec.txt": SEC, "hanoi.txt": HANOI})
    archive = Archive.open(root, tmp_path_factory.mktemp("index"))
    archive.update()
    yield archive
    archive.close()


def marked(archive: Archive, article_id: str, query: str) -> list[str]:
    body = archive.article(article_id).body
    return [body[s:e] for s, e in archive.hit_spans(body, query)]


def test_a_phrase_is_marked_once_as_one_span(archive: Archive) -> None:
    query = '"Securities and Exchange Commission"'
    assert marked(archive, "sec.txt", query) == ["Securities and Exchange Commission"]


def test_a_phrase_and_a_word_of_it_do_not_overlap(archive: Archive) -> None:
    query = 'commission "securities and exchange commission"'
    assert marked(archive, "sec.txt", query) == ["Securities and Exchange Commission", "commission"]


def test_words_only_inside_a_not_clause_are_not_marked(archive: Archive) -> None:
    assert marked(archive, "hanoi.txt", "hanoi NOT russia") == ["Hanoi"]
    assert marked(archive, "hanoi.txt", "hanoi -russia") == ["Hanoi"]
    assert marked(archive, "hanoi.txt", 'talks NOT "foreign ministry"') == ["talks", "talks"]


def test_snippets_of_a_phrase_query_mark_the_phrase(archive: Archive) -> None:
    query = '"Securities and Exchange Commission"'
    hit = archive.search(SearchRequest(text=query)).hits[0]
    assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == [
        "Securities and Exchange Commission"
    ]
    snippet = archive.snippets(["sec.txt"], query)["sec.txt"]
    assert [snippet.text[s:e] for s, e in snippet.marks] == ["Securities and Exchange Commission"]


def test_a_wildcard_still_marks_each_matching_word(archive: Archive) -> None:
    assert marked(archive, "sec.txt", "secur*") == ["Securities", "securities"]
    assert marked(archive, "sec.txt", '"foreign ministry" OR exchang*') == [
        "Exchange",
        "exchanged",
        "exchange",
    ]


def test_case_and_accents_are_folded_in_phrases(archive: Archive) -> None:
    assert marked(archive, "hanoi.txt", '"viet nam"') == ["Việt Nam", "Việt Nam"]
    assert marked(archive, "hanoi.txt", '"VIET NAM and kazakhstan"') == [
        "Việt Nam and Kazakhstan",
        "Việt Nam and Kazakhstan",
    ]
    assert marked(archive, "hanoi.txt", '"Foreign Ministry"') == ["foreign ministry"]


def test_a_phrase_is_not_marked_where_its_words_are_apart(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "a", {"x.txt": "Title\nforeign affairs ministry; foreign ministry\n"}
    )
    with Archive.open(root, tmp_path / "i") as archive:
        archive.update()
        assert marked(archive, "x.txt", '"foreign ministry"') == ["foreign ministry"]
