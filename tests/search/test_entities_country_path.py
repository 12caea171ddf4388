"""The text phase's countries-only path (`extract_countries`, `search.entities.contested`):
the COUNTRY mentions of all the rules, the other recognisers run only on the sentences
where they could take a country's words."""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest

from search.entities import contested, countries, extract, extract_countries, orgs
from search.entities.text import tokenize
from search.ingest.article import read_article
from search.update.prepare import analyse

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = sorted(
    [
        *(ROOT / "resources" / "sample-archive").glob("*.txt"),
        *(ROOT / "tests" / "heldout" / "articles").glob("*.txt"),
    ]
)


def mentions(found: list[Any]) -> list[tuple[int, int, str]]:
    return [(e.start, e.end, e.norm) for e in found if e.type == "COUNTRY"]


def codes(text: str) -> list[str]:
    new = extract_countries(text)
    assert mentions(new) == mentions(extract(text))
    return [e.norm for e in new]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Bank of Japan raised rates.", []),
        ("Georgia Smith, a lawyer, spoke in Tbilisi.", []),
        ("Jordan Henderson scored for Liverpool.", []),
        ("Ships crossed the South China Sea.", []),
        ("Voice of Vietnam said so.", []),
        ("Kenya Airways flew to Nairobi.", []),
        ("The Georgia-Pacific Corp said sales fell.", []),
        ("President Jordan Smith met Dr. Chad Brown.", []),
        ("The Bank of Japan raised rates. Japan's economy grew.", ["JP"]),
        ("Voice of Vietnam reported that Vietnam and Kenya signed a deal.", ["VN", "KE"]),
        ("His Kyrgyz counterpart Adylbek met officials in Kazakhstan.", ["KG", "KZ"]),
        ("Exports to Japan rose; the yen fell.\nThe US and the UK objected.", ["JP", "US", "GB"]),
    ],
)
def test_a_country_word_inside_another_name_is_no_country(text: str, expected: list[str]) -> None:
    assert codes(text) == expected


def test_acronym_pairing_across_the_article_takes_every_mention() -> None:
    """``(US)`` after Universal Studios makes every ``US`` of the article the studio, in the
    full rules: the whole article is then resolved, not the sentences alone."""
    text = "Universal Studios (US) released a film.\n\nUS box office rose.\nThe US economy grew."
    tokens = tokenize(text)
    assert contested.windows(text, tokens, countries.find(text, tokens)) is None
    assert codes(text) == []


def test_an_article_with_no_contested_country_runs_no_other_recogniser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object) -> list[Any]:
        raise AssertionError("another recogniser ran")

    for module, name in [("places", "find"), ("orgs", "find"), ("people", "find")]:
        monkeypatch.setattr(f"search.entities.{module}.{name}", refuse)
    monkeypatch.setattr("search.entities.dates.find", refuse)
    text = "Exports to Japan rose.\n\nTalks between officials of Kenya went on; Kenyans waited."
    assert [e.norm for e in extract_countries(text)] == ["JP", "KE", "KE"]


def test_a_contested_country_is_resolved_in_its_sentence_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[str] = []
    real = orgs.find

    def recording(body: str, tokens: list[Any]) -> list[Any]:
        seen.append(body)
        return real(body, tokens)

    monkeypatch.setattr(orgs, "find", recording)
    text = (
        "Prices rose in Japan. The Bank of Japan raised rates. Exports fell.\n\n"
        "Kenya sold tea. The Kenya Tea Board said so."
    )
    assert [e.norm for e in extract_countries(text)] == ["JP", "KE"]
    assert seen == ["\nThe Bank of Japan raised rates.\n\nThe Kenya Tea Board said so."]


def test_the_windows_are_the_contested_sentences_one_after_another() -> None:
    text = "The Bank of Japan rose. Kenya Airways flew to Kenya. Then Kenya Airways left."
    tokens = tokenize(text)
    spans = contested.windows(text, tokens, countries.find(text, tokens))
    assert spans is not None
    assert [text[start:end] for start, end in spans] == [
        "The Bank of Japan rose.",
        "Kenya Airways flew to Kenya.",
        "Then Kenya Airways left.",
    ]
    assert codes(text) == ["KE"]
    assert codes("Dr. Chad Brown spoke. Mr. Jordan Smith and A. Chad left.") == []


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_the_same_countries_as_all_the_rules(path: Path) -> None:
    article = read_article(path, path.name)
    assert mentions(extract_countries(article.body, article.date)) == mentions(
        extract(article.body, article.date)
    )


def test_the_same_countries_in_paragraphs_and_sentences_mixed() -> None:
    """Articles made of the test articles' paragraphs and sentences in another order, and
    of paragraphs run into one line (the windows are cut at other places)."""
    paragraphs = [
        line
        for path in ARTICLES
        for line in read_article(path, path.name).body.split("\n")
        if line.strip()
    ]
    sentences = [s for p in paragraphs for s in p.split(". ") if s]
    rng = random.Random(17)
    for trial in range(150):
        if trial % 3 == 0:
            text = "\n".join(rng.sample(paragraphs, 5))
        elif trial % 3 == 1:
            text = "\n".join(". ".join(rng.sample(sentences, 4)) for _ in range(3))
        else:
            text = " ".join(rng.sample(paragraphs, 3))
        assert mentions(extract_countries(text)) == mentions(extract(text)), text
        tokens = tokenize(text)
        spans = contested.windows(text, tokens, countries.find(text, tokens)) or []
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))


def test_the_text_phase_attaches_the_countries_alone() -> None:
    article = analyse(read_article(ARTICLES[0], ARTICLES[0].name))
    assert article.entities and {e.type for e in article.entities} == {"COUNTRY"}
    counts = article.country_mentions
    assert sum(counts.values()) == len(article.entities)
    assert article.countries == sorted(counts, key=lambda c: (-counts[c], c))
