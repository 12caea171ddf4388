"""Query syntax, analysis, filters, sorting, facets and snippets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from search.api import Archive
from search.errors import ArticleNotFound
from search.model import SearchRequest, Sort

from .conftest import assert_answered, write_articles

ARTICLES = {
    "hang.txt": " date 2024-01-15 Deputy Minister Lê Thị Thu Hằng met Japanese officials in Tokyo to cooperate on trade.",
    "cuong.txt": " date 2024-03-02 President Lương Cường welcomed the French delegation. Việt Nam and France signed documents.",
    "coop.txt": " date 2023-12-31 The cooperation between Indonesia and Japan deepened, officials said.",
    "phrase.txt": "Kenya news\nThe political consultations between Kenya and Egypt covered foreign affairs and trade.",
    "undated.txt": "Chile and Peru\nA consultation that was political in nature took place between Chilean and Peruvian envoys.",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    root = write_articles(tmp_path_factory.mktemp("arch"), ARTICLES)
    opened = Archive.open(root, tmp_path_factory.mktemp("index"))
    opened.update()
    return opened


def found(archive: Archive, text: str = "", **kw: object) -> list[str]:
    result = archive.search(SearchRequest(text=text, limit=100, **kw))  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    return sorted(h.id for h in result.hits)


def test_empty_query_lists_every_article(archive: Archive) -> None:
    assert found(archive) == sorted(ARTICLES)


@pytest.mark.parametrize(
    ("text", "expected"), [("Hang", ["hang.txt"]), ("Cuong", ["cuong.txt"]), ("HẰNG", ["hang.txt"])]
)
def test_case_and_accents_are_folded(archive: Archive, text: str, expected: list[str]) -> None:
    assert found(archive, text) == expected


@pytest.mark.parametrize("text", ["Vietnam", "Viet Nam", "Việt Nam", '"Viet Nam"'])
def test_viet_nam_spellings_are_one_word(archive: Archive, text: str) -> None:
    assert found(archive, text) == ["cuong.txt"]


def test_english_words_are_stemmed(archive: Archive) -> None:
    assert found(archive, "cooperate") == ["coop.txt", "hang.txt"]
    assert found(archive, "cooperation") == ["coop.txt", "hang.txt"]


def test_quoted_phrase_matches_exactly_those_words_in_order(archive: Archive) -> None:
    assert found(archive, '"political consultations"') == ["phrase.txt"]
    assert found(archive, '"political consultation"') == []
    assert found(archive, "political consultation") == ["phrase.txt", "undated.txt"]


def test_boolean_operators(archive: Archive) -> None:
    assert found(archive, "Japanese AND trade") == ["hang.txt"]
    assert found(archive, "Kenya OR Chile") == ["phrase.txt", "undated.txt"]
    assert found(archive, "trade NOT Kenya") == ["hang.txt"]
    assert found(archive, "Japan -Tokyo") == ["coop.txt"]


def test_wildcards_and_fuzzy_terms_use_unstemmed_words(archive: Archive) -> None:
    assert found(archive, "coop*") == ["coop.txt", "hang.txt"]
    assert found(archive, "consult*") == ["phrase.txt", "undated.txt"]
    assert found(archive, "Peruvan~") == ["undated.txt"]
    assert found(archive, "Peruvain~2") == ["undated.txt"]


def test_fields(archive: Archive) -> None:
    assert found(archive, "title:kenya") == ["phrase.txt"]
    assert found(archive, "country:JP") == ["coop.txt", "hang.txt"]
    assert found(archive, "country:japan") == ["coop.txt", "hang.txt"]
    assert found(archive, "date:[2024-01-01 to 2024-12-31]") == ["cuong.txt", "hang.txt"]
    assert found(archive, "date:2023") == ["coop.txt"]


@pytest.mark.parametrize(
    "text",
    [
        "(((Japan",
        "Japan AND",
        '"unclosed Japan',
        "NOT",
        "date:garbage",
        "title:",
        "[to]",
        ")))",
        "~~~",
        "*",
    ],
)
def test_invalid_syntax_never_raises(archive: Archive, text: str) -> None:
    assert_answered(archive.search(SearchRequest(text=text)))


def test_broken_syntax_falls_back_to_plain_words_with_a_notice(archive: Archive) -> None:
    result = archive.search(SearchRequest(text="date:garbage Kenya"))
    assert [h.id for h in result.hits] == ["phrase.txt"]
    assert result.notice is not None and "left out" in result.notice


def test_country_filter_is_any_of_and_exclusion_is_none_of(archive: Archive) -> None:
    assert found(archive, countries=("JP",)) == ["coop.txt", "hang.txt"]
    assert found(archive, countries=("JP", "KE")) == ["coop.txt", "hang.txt", "phrase.txt"]
    assert found(archive, exclude_countries=("JP",)) == ["cuong.txt", "phrase.txt", "undated.txt"]


def test_date_range_is_inclusive_and_open_ended(archive: Archive) -> None:
    assert found(archive, date_from=date(2024, 1, 15), date_to=date(2024, 3, 2)) == [
        "cuong.txt",
        "hang.txt",
        "phrase.txt",
        "undated.txt",
    ]
    assert found(
        archive, date_from=date(2024, 1, 15), date_to=date(2024, 3, 2), include_undated=False
    ) == ["cuong.txt", "hang.txt"]
    assert found(archive, date_to=date(2023, 12, 31), include_undated=False) == ["coop.txt"]
    assert found(archive, date_from=date(2024, 1, 16), include_undated=False) == ["cuong.txt"]
    assert found(archive, include_undated=False) == ["coop.txt", "cuong.txt", "hang.txt"]


def test_sort_newest_and_oldest_put_undated_last(archive: Archive) -> None:
    newest = archive.search(SearchRequest(sort=Sort.NEWEST))
    assert [h.id for h in newest.hits] == [
        "cuong.txt",
        "hang.txt",
        "coop.txt",
        "phrase.txt",
        "undated.txt",
    ]
    oldest = archive.search(SearchRequest(sort=Sort.OLDEST))
    assert [h.id for h in oldest.hits] == [
        "coop.txt",
        "hang.txt",
        "cuong.txt",
        "phrase.txt",
        "undated.txt",
    ]


def test_relevance_ranks_title_and_frequency_higher(archive: Archive) -> None:
    result = archive.search(SearchRequest(text="Kenya"))
    assert [h.id for h in result.hits] == ["phrase.txt"]
    assert result.hits[0].score > 0


def test_facets_count_all_hits_not_the_page(archive: Archive) -> None:
    result = archive.search(SearchRequest(text="", limit=1))
    assert len(result.hits) == 1
    assert result.total == 5 and result.archive_total == 5
    assert result.facets.country == {
        "JP": 2,
        "CL": 1,
        "EG": 1,
        "FR": 1,
        "ID": 1,
        "KE": 1,
        "PE": 1,
        "VN": 1,
    }
    assert result.facets.month == {"2023-12": 1, "2024-01": 1, "2024-03": 1, "undated": 2}


def test_facets_follow_query_and_filters(archive: Archive) -> None:
    result = archive.search(SearchRequest(text="officials", include_undated=False))
    assert result.facets.country == {"JP": 2, "ID": 1}
    assert result.facets.month == {"2023-12": 1, "2024-01": 1}


def test_pages_follow_offset_and_limit(archive: Archive) -> None:
    pages = [
        archive.search(SearchRequest(sort=Sort.OLDEST, offset=o, limit=2)).hits for o in (0, 2, 4)
    ]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert len({h.id for p in pages for h in p}) == 5


def test_snippet_marks_the_matched_words(archive: Archive) -> None:
    hit = archive.search(SearchRequest(text="hang tokyo")).hits[0]
    marked = [hit.snippet[s:e] for s, e in hit.snippet_marks]
    assert marked == ["Hằng", "Tokyo"]
    assert "<b>Hằng</b>" in hit.snippet_html()


def test_snippet_marks_stem_variants_and_not_excluded_words(archive: Archive) -> None:
    hit = archive.search(SearchRequest(text="cooperating NOT Tokyo")).hits[0]
    assert hit.id == "coop.txt"
    assert [hit.snippet[s:e] for s, e in hit.snippet_marks] == ["cooperation"]


def test_hit_spans_for_the_reader(archive: Archive) -> None:
    body = archive.article("hang.txt").body
    spans = archive.hit_spans(body, '"japanese officials" OR cooperate')
    assert [body[s:e] for s, e in spans] == ["Japanese officials", "cooperate"]


def test_article_has_stored_fields_and_unknown_id_is_an_error(archive: Archive) -> None:
    article = archive.article("hang.txt")
    assert article.date == date(2024, 1, 15)
    assert article.date_source == "metadata"
    assert "JP" in article.countries
    assert Path(article.path).name == "hang.txt"
    with pytest.raises(ArticleNotFound):
        archive.article("nope.txt")


def test_plain_words_widen_to_indexed_words_with_the_same_stem(archive: Archive) -> None:
    assert found(archive, "cooperating") == ["coop.txt", "hang.txt"]
    assert found(archive, "consultation") == ["phrase.txt", "undated.txt"]
    assert found(archive, "officials") == ["coop.txt", "hang.txt"]
    # stems never leak into phrases or wildcards
    assert found(archive, '"political consultation"') == []
    assert found(archive, "cooperat?") == ["hang.txt"]  # cooperate, not cooperation
    assert found(archive, "cooperat?on") == ["coop.txt"]


def test_people_facet_merges_spellings_across_articles(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "arch",
        {
            "a.txt": "Talks in Hanoi\nDeputy Foreign Minister Le Thi Thu Hang met Japanese officials.",
            "b.txt": "Talks in Astana\nDeputy Foreign Minister Lê Thị Thu Hằng met Kazakh officials.",
        },
    )
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        # The two are near-duplicates (one sentence, two words apart): count both.
        facets = archive.search(SearchRequest(collapse=False)).facets
        assert facets.person == {"Lê Thị Thu Hằng": 2}
        both = archive.search(SearchRequest(people=("Le Thi Thu Hang",), collapse=False))
        assert both.total == 2


def test_a_facet_can_leave_out_its_own_filter(archive: Archive) -> None:
    request = SearchRequest(countries=("KE",), date_to=date(2024, 1, 31), include_undated=False)
    assert archive.search(request).total == 0
    result = archive.search(request, facets_ignoring=("country", "month"))
    assert result.total == 0
    assert result.facets.country == {"JP": 2, "ID": 1}  # dated up to January, any country
    assert result.facets.month == {"undated": 1}  # Kenya's article, whatever the dates
    widened = archive.search(SearchRequest(countries=("JP",)), facets_ignoring=("country",))
    assert widened.facets.country["KE"] == 1
    assert archive.search(SearchRequest(countries=("JP",))).facets.country == {"JP": 2, "ID": 1}


def test_path_of_an_article(archive: Archive) -> None:
    assert archive.path_of("hang.txt") == archive.root / "hang.txt"


def test_snippets_for_just_the_rows_on_screen(archive: Archive) -> None:
    page = archive.search(SearchRequest(text="officials", snippets=False))
    assert all(hit.snippet == "" for hit in page.hits)
    snippets = archive.snippets([h.id for h in page.hits] + ["nope.txt"], "officials")
    assert sorted(snippets) == sorted(h.id for h in page.hits)
    for snippet in snippets.values():
        assert [snippet.text[s:e].lower() for s, e in snippet.marks] == ["officials"]
        assert "<b>officials</b>" in snippet.html()


def test_ignoring_the_country_filter_keeps_excluded_countries_out(archive: Archive) -> None:
    request = SearchRequest(countries=("JP",), exclude_countries=("FR",))
    facets = archive.search(request, facets_ignoring=("country",)).facets
    assert "FR" not in facets.country and "VN" not in facets.country
    assert facets.country["KE"] == 1


def test_a_page_without_facets_skips_the_counts(archive: Archive) -> None:
    result = archive.search(SearchRequest(sort=Sort.NEWEST, offset=2, limit=2, facets=False))
    assert [h.id for h in result.hits] == ["coop.txt", "phrase.txt"]
    assert result.total == 5
    assert result.facets.country == {} and result.facets.month == {}


def test_phrases_match_whatever_word_is_rarest(tmp_path: Path) -> None:
    articles = {
        # Titles are indexed too: keep them out of the way with a neutral headline.
        "a.txt": "Report one\n\nPeople to people exchange grew. Zebra crossing rules.",
        "b.txt": "Report two\n\nExchange people to people. To people to.",
        "c.txt": "Report three\n\nThe people went to the zebra.",
        "d.txt": "Report four\n\nIt ends with people",
        "e.txt": "Report five\n\nto people exchange at the start.",
    }
    root = write_articles(tmp_path / "arch", articles)
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        assert found(archive, '"people to people exchange"') == ["a.txt"]
        assert found(archive, '"people to people"') == ["a.txt", "b.txt"]
        assert found(archive, '"to people exchange"') == ["a.txt", "e.txt"]  # at position 0
        assert found(archive, '"zebra crossing"') == ["a.txt"]  # the rare word first
        assert found(archive, '"the zebra"') == ["c.txt"]  # the rare word last
        assert found(archive, '"people to"') == ["a.txt", "b.txt"]
        # No phrase across the end of one article and the start of the next.
        assert found(archive, '"people to people exchange at"') == []
