"""The extractor on the sample archive: contract, gold agreement and quirks of each file."""

from __future__ import annotations

import datetime
import itertools
import json
from pathlib import Path

import pytest

from search.entities import extract
from search.ingest.article import read_article
from search.model import Entity

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "sample-archive"
GOLD = json.loads((ROOT / "tests" / "entities_gold.json").read_text(encoding="utf-8"))


def entities(name: str) -> tuple[str, list[Entity]]:
    article = read_article(SAMPLES / name, name)
    return article.body, extract(article.body, article.date)


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.txt")))
def test_offsets_sorted_and_non_overlapping(name: str) -> None:
    body, found = entities(name)
    assert found
    for e in found:
        assert body[e.start : e.end] == e.text
        assert e.type in ("PERSON", "ORG", "COUNTRY", "PLACE", "DATE")
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


@pytest.mark.parametrize("article", GOLD["articles"], ids=lambda a: a["file"])
def test_gold_recall_and_precision(article: dict[str, object]) -> None:
    """Per article, at least 90 % of gold mentions are found and 90 % of found are gold."""
    body = read_article(SAMPLES / str(article["file"]), "x").body
    ref = article["reference_date"]
    got = {
        (e.type, e.start, e.end)
        for e in extract(body, datetime.date.fromisoformat(str(ref)) if ref else None)
    }
    gold_list = article["entities"]
    assert isinstance(gold_list, list)
    want = {(g["type"], g["start"], g["end"]) for g in gold_list}
    assert len(got & want) >= 0.9 * len(want)
    assert len(got & want) >= 0.9 * len(got)


def test_article_country_codes() -> None:
    expected = {
        "000_22ea281e1bb76b8f.txt": {"VN", "KE", "TZ"},
        "001_cabfecda0fb0d922.txt": {"VN", "KG"},
        "002_ff1f0e882f9e8929.txt": {"VN", "RU", "UA"},
        "003_1118953dc091fd9a.txt": {"VN", "KZ"},
        "004_07cf703fa333c1c1.txt": {"VN", "KZ"},
    }
    for name, codes in expected.items():
        _, found = entities(name)
        assert {e.norm for e in found if e.type == "COUNTRY"} == codes, name


def test_misspelt_prime_minister_in_kenya_article_is_one_person() -> None:
    _, found = entities("000_22ea281e1bb76b8f.txt")
    chinh = {e.norm for e in found if e.type == "PERSON" and "Ch" in e.text}
    assert chinh == {"Pham Min Chinh"}


def test_accented_deputy_minister_keeps_accents() -> None:
    _, found = entities("003_1118953dc091fd9a.txt")
    assert {e.norm for e in found if e.text in ("Hằng", "Lê Thị Thu Hằng")} == {"Lê Thị Thu Hằng"}


def test_dateline_in_capitals_is_hanoi() -> None:
    _, found = entities("003_1118953dc091fd9a.txt")
    assert (found[0].type, found[0].text, found[0].norm) == ("PLACE", "HÀ NỘI", "Hanoi")


def test_east_kazakhstan_is_a_place_not_a_country() -> None:
    _, found = entities("004_07cf703fa333c1c1.txt")
    east = [e for e in found if "East Kazakhstan" in e.text]
    assert east and all(e.type == "PLACE" and e.country == "KZ" for e in east)


def test_soviet_union_names_no_country() -> None:
    body, found = entities("001_cabfecda0fb0d922.txt")
    start = body.index("Soviet Union")
    assert not [e for e in found if e.start <= start < e.end]
