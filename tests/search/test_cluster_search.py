"""The shared archive answers as the folder does: the same searches on the local index
and on a real 3-node Sphinx cluster loaded from it give the same totals, the same hits and
the same facets (`search.facade.ArchiveReader`, both backends); what the engine cannot do
gets a notice; a lost node is survived by its mirror, and a lost shard is said."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from search.api import Archive
from search.backends.cluster import archive as cluster_archive
from search.backends.cluster import loader, nodes
from search.backends.cluster.archive import ClusterArchive, endpoint
from search.errors import ArticleNotFound, ClusterError
from search.facade import ArchiveReader
from search.model import FacetName, SearchRequest, SearchResult, Sort

from .conftest import write_articles

pytestmark = pytest.mark.skipif(shutil.which("searchd") is None, reason="no searchd")

TEXTS = {
    "trade.txt": "Kazakhstan and Vietnam agree on trade\n\n date 2024-01-15 Deputy Minister "
    "Lê Thị Thu Hằng met officials in Astana to cooperate on trade and logistics.",
    "visit.txt": "French delegation in Hanoi\n\n date 2024-03-02 President Emmanuel Macron "
    "welcomed a Vietnamese delegation. Việt Nam and France signed cooperation documents.",
    "rail.txt": "Rail link planned\n\n date 2023-12-20 The Asian Development Bank will lend "
    "money for a railway between Laos and Vietnam, the bank said in Manila.",
    "football.txt": "Late goal wins the derby\n\n Manchester United beat Liverpool 2-1 at Old "
    "Trafford on Saturday. Marcus Rashford scored the winner in the last minute.",
    "tech.txt": "Phone maker cuts jobs\n\n date 2024-03-28 Nokia said on Thursday it would "
    "cut 2,000 jobs in Finland as demand for network equipment fell in Europe.",
    "energy.txt": "Pipeline talks resume\n\n date 2024-01-30 Russia and Kazakhstan resumed "
    "talks on an oil pipeline. Officials in Moscow said cooperating was in both interests.",
    "ministry.txt": "Foreign ministry briefing\n\n The foreign ministry spokesperson said "
    "Vietnam welcomed the cooperative spirit of the talks with Kenya and Tanzania.",
    "culture.txt": "Film festival opens\n\n date 2024-05-04 The Cannes festival opened with "
    "a French comedy. Director Agnès Varda was honoured in a tribute.",
}

REQUESTS = [
    SearchRequest(text=""),
    SearchRequest(text="kazakhstan"),
    SearchRequest(text="cooperate"),  # stems: cooperation, cooperating, cooperative
    SearchRequest(text='"foreign ministry"'),
    SearchRequest(text="coop*"),
    SearchRequest(text="trade OR railway"),
    SearchRequest(text="cooperate -russia"),
    SearchRequest(text="title:delegation"),
    SearchRequest(text="Viet Nam"),
    SearchRequest(text="Việt Nam France"),
    SearchRequest(text="country:Kazakhstan"),
    SearchRequest(text="country:KZ OR country:FI"),
    SearchRequest(text="cooperate date:[2024-01-01 to 2024-02-29]"),
    SearchRequest(text="date:2024-03-02"),
    SearchRequest(text="person:macron"),
    SearchRequest(text='person:"emmanuel macron" OR org:nokia'),
    SearchRequest(text="org:bank"),
    SearchRequest(text="trade", countries=("KZ", "FR")),
    SearchRequest(text="", exclude_countries=("VN",)),
    SearchRequest(text="", date_from=date(2024, 1, 1), date_to=date(2024, 3, 31)),
    SearchRequest(text="", date_from=date(2024, 1, 1), include_undated=False),
    SearchRequest(text="", sort=Sort.OLDEST, include_undated=False),
    SearchRequest(text="", sort=Sort.NEWEST, include_undated=False),
    SearchRequest(text="nothingmatchesthis"),
]


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, ClusterArchive]]:
    tmp = tmp_path_factory.mktemp("shared")
    root = write_articles(tmp / "arch", TEXTS)
    with (
        nodes.running(tmp / "cluster", nodes=3) as cluster,
        Archive.open(root, tmp / "index") as local,
    ):
        local.update()
        loader.load(local, cluster)
        with ClusterArchive.open(tmp / "cluster") as shared:
            yield local, shared


def _same(request: SearchRequest, local: ArchiveReader, shared: ArchiveReader) -> None:
    request = replace(request, collapse=False)  # a shared archive groups no stories
    here, there = local.search(request), shared.search(request)
    assert there.total == here.total
    assert there.archive_total == here.archive_total
    assert there.facets == here.facets
    if request.sort is Sort.RELEVANCE and request.text:
        assert {h.id for h in there.hits} == {h.id for h in here.hits}
    else:  # a date order: the same order
        assert [h.id for h in there.hits] == [h.id for h in here.hits]


@pytest.mark.parametrize("request_", REQUESTS, ids=lambda r: repr(r.text) + str(r.has_filters))
def test_the_shared_archive_answers_as_the_folder_does(
    both: tuple[Archive, ClusterArchive], request_: SearchRequest
) -> None:
    local, shared = both
    _same(request_, local, shared)


@pytest.mark.parametrize(
    "request_",
    [
        SearchRequest(text="cooperate", countries=("KZ",), collapse=False),
        SearchRequest(text="", date_from=date(2024, 1, 1), date_to=date(2024, 1, 31)),
        SearchRequest(text="", countries=("FR", "KZ"), include_undated=False),
    ],
)
def test_a_facet_counted_without_its_own_filter_is_the_same_there(
    both: tuple[Archive, ClusterArchive], request_: SearchRequest
) -> None:
    local, shared = both
    request_ = replace(request_, collapse=False)
    wide: tuple[FacetName, ...] = ("country", "month")
    here = local.search(request_, facets_ignoring=wide)
    there = shared.search(request_, facets_ignoring=wide)
    assert there.facets == here.facets and there.total == here.total
    assert there.facets != shared.search(request_).facets  # the widening did something


@pytest.mark.parametrize("text", ["", "cooperate", "person:macron OR org:nokia"])
def test_facets_counted_by_the_engine_are_those_counted_here(
    both: tuple[Archive, ClusterArchive], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large searches count names with Sphinx's FACET sorter instead: the same counts."""
    local, shared = both
    request = SearchRequest(text=text, collapse=False)
    monkeypatch.setattr(cluster_archive, "COUNTED_HERE", 0)
    assert shared.search(request).facets == local.search(request).facets


def test_snippets_mark_the_words_the_local_index_marks(
    both: tuple[Archive, ClusterArchive],
) -> None:
    local, shared = both
    request = SearchRequest(text="cooperate trade", collapse=False)
    here = {h.id: (h.snippet, h.snippet_marks) for h in local.search(request).hits}
    there = {h.id: (h.snippet, h.snippet_marks) for h in shared.search(request).hits}
    assert there == here and any(marks for _, marks in here.values())


def test_snippets_of_rows_on_screen_are_the_local_ones(
    both: tuple[Archive, ClusterArchive],
) -> None:
    local, shared = both
    ids = ["visit.txt", "energy.txt", "ministry.txt", "nowhere.txt"]
    here, there = local.snippets(ids, "cooperate"), shared.snippets(ids, "cooperate")
    assert there == here and set(here) == set(ids[:3])


def test_a_shared_article_is_the_stored_article(both: tuple[Archive, ClusterArchive]) -> None:
    local, shared = both
    assert shared.article("visit.txt").to_json() == {
        **local.article("visit.txt").to_json(),
        "path": shared.article("visit.txt").path,
    }
    with pytest.raises(ArticleNotFound):
        shared.article("nowhere.txt")
    assert shared.ids() == local.ids() and len(shared) == len(local)


def test_stats_count_the_same_articles(both: tuple[Archive, ClusterArchive]) -> None:
    local, shared = both
    here, there = local.stats(), shared.stats()
    assert (there.articles, there.dated, there.undated) == (here.articles, here.dated, here.undated)
    assert (there.first_date, there.last_date) == (here.first_date, here.last_date)
    assert there.countries == here.countries


def test_what_the_engine_cannot_do_gets_a_notice_not_an_error(
    both: tuple[Archive, ClusterArchive],
) -> None:
    _, shared = both
    fuzzy = shared.search(SearchRequest(text="cooperaton~", collapse=False))
    assert fuzzy.notice and "fuzzy" in fuzzy.notice
    only_not = shared.search(SearchRequest(text="NOT russia", collapse=False))
    assert only_not.total == 0 and only_not.notice and "excluded words alone" in only_not.notice


def test_a_bad_address_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClusterError, match="sphinxql://HOST:PORT/INDEX"):
        endpoint("sphinxql://nohost/archive")
    with pytest.raises(ClusterError, match="No cluster was started"):
        endpoint(tmp_path)


def test_a_cluster_of_an_older_layout_is_refused_with_what_to_do(tmp_path: Path) -> None:
    made_before = {  # cluster.json as the first layout wrote it: no "format"
        "folder": str(tmp_path),
        "nodes": [{"number": 1, "sql_port": 1, "api_port": 2, "folder": "", "shards": ["s"]}],
        "shards": {"s": [1]},
    }
    (tmp_path / nodes.MANIFEST).write_text(json.dumps(made_before), encoding="utf-8")
    with pytest.raises(ClusterError, match="older version"):
        endpoint(tmp_path)


def test_a_lost_mirror_is_served_by_the_other_a_lost_shard_is_said_and_a_restart_heals(
    tmp_path: Path,
) -> None:
    root = write_articles(tmp_path / "arch", TEXTS)
    with (
        nodes.running(tmp_path / "cluster", nodes=3) as cluster,
        Archive.open(root, tmp_path / "index") as local,
    ):
        local.update(entities=False)
        loader.load(local, cluster)
        request = SearchRequest(text="", collapse=False)
        with ClusterArchive.open(tmp_path / "cluster") as shared:
            whole = shared.search(request)
            assert whole.total == len(TEXTS) and not whole.notice
            nodes.stop(tmp_path / "cluster", only=2)
            results: list[SearchResult] = [shared.search(request) for _ in range(3)]
            assert results[-1].total == len(TEXTS) and not results[-1].notice  # the mirror
            nodes.stop(tmp_path / "cluster", only=3)
            cut = shared.search(request)
            assert cut.total < len(TEXTS)
            assert cut.notice and "did not answer" in cut.notice and cut.partial
            nodes.restart_node(tmp_path / "cluster", 3)  # back with its data
            back = [shared.search(request) for _ in range(3)][-1]
            assert back.total == len(TEXTS) and not back.notice


def test_query_a_shared_archive_from_the_command_line(
    both: tuple[Archive, ClusterArchive], capsys: pytest.CaptureFixture[str]
) -> None:
    from search.cli import main

    _, shared = both
    assert main(["query", "cooperate", "--server", shared.where.url, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 4 and {h["id"] for h in data["hits"]} >= {"visit.txt", "trade.txt"}
    assert main(["show", "visit.txt", "--server", shared.where.url]) == 0
    assert "French delegation in Hanoi" in capsys.readouterr().out
    assert main(["query", "x", "--server", "sphinxql://127.0.0.1:1/archive"]) != 0
    assert "did not answer" in capsys.readouterr().err
