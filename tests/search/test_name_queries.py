"""``person:``/``org:``/``place:`` queries answered from the table's name columns.

The columns are what the facets and the name filters count; the field queries must
find exactly the documents those count, whatever the Whoosh fields of the same names
hold (the text phase leaves them empty: the names are the entity store's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from whoosh import query

from search.analysis import word_keys
from search.api import Archive
from search.model import SearchRequest
from search.query import name_match
from search.query.executor import Executor
from search.query.readers import executor_of
from search.store.analyzers import name_analyzer
from search.store.doctable import MultiValued

from .conftest import snapshot_of, write_articles

ARTICLES = {
    "a.txt": " date 2024-01-15 Deputy Minister Lê Thị Thu Hằng met Prime Minister Tony Blair "
    "in Hanoi. The World Bank and the Asian Development Bank attended.",
    "b.txt": " date 2024-02-15 President Lương Cường met Tony Blair in Ho Chi Minh City. "
    "Officials of the World Health Organization said so.",
    "c.txt": " date 2024-03-10 Deputy Minister Le Thi Thu Hang visited Tokyo for talks with "
    "the Asian Development Bank.",
    "d.txt": " date 2024-04-01 Hikers walked the old blair trail near the lake; a tony hotel "
    "and a world bank of seeds were nearby.",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    root = write_articles(tmp_path_factory.mktemp("arch"), ARTICLES)
    opened = Archive.open(root, tmp_path_factory.mktemp("index"))
    opened.update()
    yield opened
    opened.close()


def found(archive: Archive, text: str = "", **kw: object) -> list[str]:
    result = archive.search(SearchRequest(text=text, limit=100, **kw))  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    return sorted(h.id for h in result.hits)


def test_the_archive_has_the_entities_these_tests_assume(archive: Archive) -> None:
    table = snapshot_of(archive).table
    assert sorted(table.people.vocab) == ["Lê Thị Thu Hằng", "Lương Cường", "Tony Blair"]
    assert "World Bank" in table.orgs.vocab and "Asian Development Bank" in table.orgs.vocab
    assert "blair" in dict.fromkeys(k for *_, k in word_keys(ARTICLES["d.txt"]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("person:blair", ["a.txt", "b.txt"]),
        ("person:BLAIR", ["a.txt", "b.txt"]),
        ("org:bank", ["a.txt", "c.txt"]),
        ("place:tokyo", ["c.txt"]),
        ("person:tokyo", []),
    ],
)
def test_a_word_matches_the_documents_with_a_value_holding_it(
    archive: Archive, text: str, expected: list[str]
) -> None:
    assert found(archive, text) == expected


@pytest.mark.parametrize("text", ["person:lê", "person:LE", "person:hằng", "person:hang"])
def test_accents_and_case_are_folded_on_both_sides(archive: Archive, text: str) -> None:
    # c.txt spells the name without accents: the column merges both spellings.
    assert found(archive, text) == ["a.txt", "c.txt"]


def test_a_name_in_the_body_only_is_no_match(archive: Archive) -> None:
    assert "d.txt" in found(archive, "blair")
    assert "d.txt" not in found(archive, "person:blair")
    assert "d.txt" not in found(archive, 'org:"world bank"')
    assert found(archive, "person:tony") == ["a.txt", "b.txt"]


def test_a_phrase_matches_consecutive_words_of_one_value(archive: Archive) -> None:
    assert found(archive, 'person:"thu hang"') == ["a.txt", "c.txt"]
    assert found(archive, 'person:"tony blair"') == ["a.txt", "b.txt"]
    assert found(archive, 'org:"world bank"') == ["a.txt"]
    assert found(archive, 'person:"blair tony"') == []
    assert found(archive, 'org:"world organization"') == []


def test_a_phrase_with_slop_allows_words_between_in_order(archive: Archive) -> None:
    assert found(archive, 'org:"world organization"~2') == ["b.txt"]
    assert found(archive, 'org:"organization world"~2') == []
    assert found(archive, 'person:"le hang"~3') == ["a.txt", "c.txt"]
    assert found(archive, 'person:"le hang"~2') == []


@pytest.mark.parametrize(
    ("text", "field"), [('person:"hang tony"', "person"), ('org:"bank asian"', "org")]
)
def test_a_phrase_across_two_values_does_not_match(archive: Archive, text: str, field: str) -> None:
    # a.txt names both ("... Lê Thị Thu Hằng", "Tony ..."): a field holding a document's
    # names one after another would run a phrase from one into the next; the columns
    # keep them apart.
    words = name_match.name_words(getattr(snapshot_of(archive).table, _COLUMN[field]))
    first, second = archive._parser.parse(text).query.words
    assert len(words.values_of(first)) and len(words.values_of(second))
    assert found(archive, text) == []


_COLUMN = {"person": "people", "org": "orgs", "place": "places"}


def test_the_text_phase_leaves_the_whoosh_name_fields_empty(archive: Archive) -> None:
    whoosh_only = Executor(snapshot_of(archive).searcher, snapshot_of(archive).table.live)
    for text in ("person:blair", "org:bank", "place:tokyo"):
        assert _ids(archive, whoosh_only.evaluate(archive._parser.parse(text).query).mask) == []
        assert found(archive, text)  # the columns answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("place:hano*", ["a.txt"]),
        ("person:lu*", ["b.txt"]),
        ("person:LƯ*", ["b.txt"]),
        ("org:w*", ["a.txt", "b.txt"]),
        ("person:bl?ir", ["a.txt", "b.txt"]),
        ("place:*minh*", ["b.txt"]),
        ("org:*ment", ["a.txt", "c.txt"]),
        ("person:blaor~", ["a.txt", "b.txt"]),
        ("person:xlair~1", ["a.txt", "b.txt"]),
        ("person:xlair~1/1", []),
        ("person:cuonk~1/3", ["b.txt"]),
        ("person:bair~", ["a.txt", "b.txt"]),
        ("person:bai~", []),
    ],
)
def test_prefix_wildcard_and_fuzzy_words(archive: Archive, text: str, expected: list[str]) -> None:
    assert found(archive, text) == expected


def test_field_queries_combine_with_the_rest_of_the_query(archive: Archive) -> None:
    assert found(archive, "person:blair AND place:hanoi") == ["a.txt"]
    assert found(archive, "person:blair -org:bank") == ["b.txt"]
    assert found(archive, "person:hang OR place:*minh*") == ["a.txt", "b.txt", "c.txt"]
    assert found(archive, "person:blair Officials") == ["b.txt"]


def test_a_match_scores_as_other_unscored_fields_do(archive: Archive) -> None:
    hits = archive.search(SearchRequest(text="person:blair^3")).hits
    assert [round(h.score, 3) for h in hits] == [0.3, 0.3]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("person:[a TO c]", ["a.txt", "b.txt"]),  # blair
        ("person:[a TO blair}", []),
        ("person:{blair TO cuong]", ["b.txt"]),  # cuong
        ("person:[TO b]", []),
        ("person:[thu TO]", ["a.txt", "b.txt", "c.txt"]),  # thu, tony
        ("org:[world TO worle}", ["a.txt", "b.txt"]),  # world
    ],
)
def test_a_range_of_words_is_answered_from_the_columns(
    archive: Archive, text: str, expected: list[str]
) -> None:
    parsed = archive._parser.parse(text).query
    assert isinstance(parsed, query.TermRange)
    assert name_match.match(parsed, snapshot_of(archive).table.people, 4) is not None
    assert found(archive, text) == expected


def test_the_archive_answers_name_fields_from_its_table(archive: Archive) -> None:
    archive.search(SearchRequest(text="person:blair"))
    snap = snapshot_of(archive)
    names = executor_of(snap).names  # as the search that ran last set them
    assert names["person"] is snap.table.people
    assert names["org"] is snap.table.orgs
    assert names["place"] is snap.table.places


def test_the_columns_decide_not_the_whoosh_fields(archive: Archive) -> None:
    """As after the entity store rebuilt the columns: c.txt now names Tony Blair."""
    table = snapshot_of(archive).table
    people = MultiValued.build(
        [b"Tony Blair" if i == "c.txt" else b"" for i in table.ids], table.live
    )
    executor = Executor(snapshot_of(archive).searcher, table.live, names={"person": people})
    for text, expected in [
        ("person:blair", ["c.txt"]),
        ('person:"tony blair"', ["c.txt"]),
        ("person:hang", []),
        ("org:bank", []),  # a field without a column: Whoosh's, left empty
    ]:
        parsed = archive._parser.parse(text).query
        assert _ids(archive, executor.evaluate(parsed).mask) == expected, text


def _ids(archive: Archive, mask: np.ndarray) -> list[str]:
    return sorted(snapshot_of(archive).table.ids[d] for d in np.flatnonzero(mask))


# --- agreement with the facets, on the bundled sample -------------------------------


def _words(value: str) -> tuple[str, ...]:
    return tuple(key for *_, key in word_keys(value))


AGREEMENT: list[tuple[str, str, Callable[[tuple[str, ...]], bool]]] = [
    ("person:minh", "people", lambda w: "minh" in w),
    ("person:pham", "people", lambda w: "pham" in w),
    ('person:"minh chinh"', "people", lambda w: "minh chinh" in " ".join(w)),
    ("person:minh~1", "people", lambda w: any(x in w for x in ("minh", "min", "mini", "mink"))),
    ("person:a*", "people", lambda w: any(x.startswith("a") for x in w)),
    ("org:nations", "orgs", lambda w: "nations" in w),
    ('org:"united nations"', "orgs", lambda w: w[:2] == ("united", "nations")),
    ("org:viet*", "orgs", lambda w: any(x.startswith("viet") for x in w)),
    ("place:east*", "places", lambda w: any(x.startswith("east") for x in w)),
    ("place:*sea", "places", lambda w: any(x.endswith("sea") for x in w)),
]


@pytest.mark.parametrize(("text", "column", "holds"), AGREEMENT, ids=[a[0] for a in AGREEMENT])
def test_field_hits_are_the_documents_the_facets_count(
    sample_archive: Archive, text: str, column: str, holds: Callable[[tuple[str, ...]], bool]
) -> None:
    table = snapshot_of(sample_archive).table
    values: MultiValued = getattr(table, column)
    matching = [v for v in values.vocab if holds(_words(v))]
    assert matching, "the sample has no such value: the test would prove nothing"
    expected: set[str] = set()
    for value in matching:
        mask = values.any_of((value,), table.size) & table.live
        expected.update(table.ids[d] for d in np.flatnonzero(mask))
    result = sample_archive.search(SearchRequest(text=text, limit=1000))
    assert {h.id for h in result.hits} == expected
    facet = {
        "people": result.facets.person,
        "orgs": result.facets.org,
        "places": result.facets.place,
    }
    all_counts = values.counts(table.live)
    for value in matching:
        assert facet[column][value] == all_counts[value]  # every document with it is a hit


def test_person_filter_and_person_query_agree(sample_archive: Archive) -> None:
    people = snapshot_of(sample_archive).table.people.vocab
    for name in people:
        quoted = f'person:"{" ".join(_words(name))}"'
        by_filter = found(sample_archive, people=(name,))
        by_query = found(sample_archive, quoted)
        assert set(by_filter) <= set(by_query), name
        if not any(o != name and " ".join(_words(name)) in " ".join(_words(o)) for o in people):
            assert by_query == by_filter, name


# --- the matcher on its own -----------------------------------------------------------


def _column(*docs: str) -> MultiValued:
    live = np.ones(len(docs), dtype=bool)
    return MultiValued.build([d.replace("|", "\x1f").encode() for d in docs], live)


def _docs(q: object, column: MultiValued, deadline: float | None = None) -> list[int]:
    found = name_match.match(q, column, len(column.live), deadline)
    assert found is not None and found.complete
    return np.flatnonzero(found.mask).tolist()


@pytest.mark.parametrize(
    "value",
    ["Lê Thị Thu Hằng", "O'Brien's Ltd.", "U.S. Agency 7.09", "Việt Nam News", "Kassym-Jomart"],
)
def test_values_are_cut_into_the_words_the_name_fields_index(value: str) -> None:
    analyzer = name_analyzer()
    assert name_match._tokens(value) == tuple(t.text for t in analyzer(value))
    assert name_match.NameWords.build([value]).tokens == [tuple(t.text for t in analyzer(value))]


def test_regular_expressions_match_words_from_their_start() -> None:
    column = _column("Tony Blair|Gordon Brown", "Blairmore Smith", "Ann Blaine")
    assert _docs(query.Regex("person", "blai[nr]"), column) == [0, 1, 2]
    assert _docs(query.Regex("person", "blai[nr]e?$"), column) == [0, 2]
    assert _docs(query.Regex("person", "b.*n$"), column) == [0]
    assert _docs(query.Regex("person", "brown|smith"), column) == [0, 1]
    assert _docs(query.Regex("person", "[unclosed"), column) == []


def test_a_repeated_word_in_a_phrase_needs_two_positions() -> None:
    column = _column("Ali Ali Khan", "Ali Khan")
    assert _docs(query.Phrase("person", ["ali", "ali"]), column) == [0]
    assert _docs(query.Phrase("person", ["ali", "khan"]), column) == [0, 1]
    assert _docs(query.Phrase("person", ["ali", "khan"], slop=2), column) == [0, 1]


def test_a_value_shared_by_documents_marks_all_of_them() -> None:
    column = _column("Tony Blair", "", "TONY BLAIR|Cherie Blair", "Cherie Booth")
    assert _docs(query.Term("person", "blair"), column) == [0, 2]
    assert _docs(query.Term("person", "cherie"), column) == [2, 3]
    assert _docs(query.Prefix("person", "b"), column) == [0, 2, 3]


def test_a_pattern_past_the_deadline_is_cut_and_says_so() -> None:
    names = [f"Name{i:05d}" for i in range(3 * name_match.CHECK_EVERY)]
    column = _column(*names)
    pattern = query.Wildcard("person", "name*")
    cut = name_match.match(pattern, column, len(names), deadline=0.0)
    assert cut is not None and not cut.complete
    assert 0 < int(cut.mask.sum()) < len(names)
    assert _docs(pattern, column, deadline=None) == list(range(len(names)))


def test_a_cut_pattern_makes_the_search_say_it_was_cut(tmp_path: Path) -> None:
    root = write_articles(tmp_path / "arch", {"a.txt": "Hello\nTony Blair spoke."})
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        names = "|".join(f"Name{i:05d}" for i in range(3 * name_match.CHECK_EVERY))
        executor = Executor(
            snapshot_of(archive).searcher,
            snapshot_of(archive).table.live,
            names={"person": _column(names)},
        )
        executor.evaluate(query.Wildcard("person", "*1*"), until=0.0)
        assert executor.truncated
        executor.evaluate(query.Wildcard("person", "*1*"))
        assert not executor.truncated
