"""Entity pages, who-appears-with-whom and country pairs count what the filters count."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import search.update.entity_phase as phase
from search.api import Archive
from search.entities import extract
from search.errors import UnknownEntity
from search.model import Entity, SearchRequest

from .conftest import write_articles

PEOPLE = ("Anna Berg", "Jon Dahl", "Mia Holm")
TEXTS = {
    "a.txt": " date 2024-01-10 Talks\n\nAnna Berg met Jon Dahl in Chile. Later Mr. Dahl left Peru.",
    "b.txt": " date 2024-01-20 More\n\nAnna Berg and Mia Holm visited Chile and Japan.",
    "c.txt": " date 2024-03-05 Again\n\nJon Dahl spoke. Anna Berg met officials of Peru and Chile.",
    "d.txt": "Undated\n\nMia Holm wrote about Japan and Peru.",
}


def recognise(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    out = []
    for body, date in zip(bodies, dates, strict=True):
        found = [e for e in extract(body, date) if e.type in ("COUNTRY", "DATE")]
        found += [
            Entity("PERSON", name, m.start(), m.end(), name)
            for name in PEOPLE
            for m in re.finditer(name, body)
        ]
        out.append(sorted(found, key=lambda e: e.start))
    return out


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Archive]:
    monkeypatch.setattr(phase.combine, "extract_many", recognise)
    root = write_articles(tmp_path / "arch", TEXTS)
    with Archive.open(root, tmp_path / "index") as opened:
        opened.update()
        yield opened


def test_an_entity_page_counts_dates_company_and_first_sentences(archive: Archive) -> None:
    page = archive.entity_page("PERSON", "anna berg")
    assert (page.name, page.articles) == ("Anna Berg", 3)
    assert page.months == {"2024-01": 2, "2024-03": 1}
    assert (page.first_seen, page.last_seen) == (
        datetime.date(2024, 1, 10),
        datetime.date(2024, 3, 5),
    )
    assert page.people == {"Jon Dahl": 2, "Mia Holm": 1}  # itself left out
    assert page.countries == {"CL": 3, "PE": 2, "JP": 1}
    assert [h.id for h in page.hits] == ["c.txt", "b.txt", "a.txt"]  # newest first
    c = page.hits[0]
    assert c.snippet == "Anna Berg met officials of Peru and Chile."
    assert [c.snippet[s:e] for s, e in c.snippet_marks] == ["Anna Berg"]
    a = archive.entity_page("PERSON", "Jon Dahl").hits[-1]
    assert a.snippet == "Anna Berg met Jon Dahl in Chile."  # "Mr." ends no sentence, "." does


def test_an_unknown_entity_says_so(archive: Archive) -> None:
    with pytest.raises(UnknownEntity, match="No person named 'Nobody'"):
        archive.entity_page("PERSON", "Nobody")
    with pytest.raises(UnknownEntity):
        archive.entity_page("DATE", "2024")  # type: ignore[arg-type]


def test_cooccurrence_edges_are_the_articles_the_filters_find(archive: Archive) -> None:
    request = SearchRequest("")
    graph = archive.cooccurrence(request)
    names = {(n.type, n.name) for n in graph.nodes}
    assert {("PERSON", p) for p in PEOPLE} | {("COUNTRY", c) for c in ("CL", "PE", "JP")} == names
    edges = {(graph.nodes[a].name, graph.nodes[b].name): n for a, b, n in graph.edges}
    for (a, b), n in edges.items():
        query = " AND ".join(f"country:{x}" if len(x) == 2 else f'person:"{x}"' for x in (a, b))
        assert archive.search(SearchRequest(query)).total == n, (a, b)
    assert edges[("Anna Berg", "Jon Dahl")] == 2
    assert ("Jon Dahl", "Mia Holm") not in edges and ("Mia Holm", "Jon Dahl") not in edges
    narrowed = archive.cooccurrence(SearchRequest("japan"))
    assert {n.name for n in narrowed.nodes} == {"Anna Berg", "Mia Holm", "JP", "CL", "PE"}


def test_country_pairs_by_month_and_pinned(archive: Archive) -> None:
    table = archive.country_pairs(SearchRequest(""))
    assert table.months == ["2024-01", "2024-03"]
    for (a, b), counts in table.pairs.items():
        months = archive.search(SearchRequest(f"country:{a} AND country:{b}")).facets.month
        assert counts == [months.get(m, 0) for m in table.months], (a, b)
    assert table.pairs[("CL", "PE")] == [1, 1]
    pinned = archive.country_pairs(SearchRequest(""), pinned="pe")
    assert set(pinned.pairs) == {("PE", "CL")}  # undated d.txt (Japan and Peru) not counted
    assert all(a == "PE" for a, _ in pinned.pairs)
    assert list(itertools.chain(*pinned.pairs.values())) == [1, 1]


def test_people_and_organisations_can_be_excluded(archive: Archive) -> None:
    everyone = archive.search(SearchRequest("")).total
    without = archive.search(SearchRequest("", exclude_people=("jon dahl",)))
    assert without.total == everyone - 2
    assert "Jon Dahl" not in without.facets.person
    both = archive.search(SearchRequest("", people=("Anna Berg",), exclude_people=("Mia Holm",)))
    assert {h.id for h in both.hits} == {"a.txt", "c.txt"}
    assert archive.search(SearchRequest("", exclude_orgs=("nothing",))).total == everyone
