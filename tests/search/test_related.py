"""Related articles (Archive.related, search/query/related.py): by shared names weighted by
rarity and by the article's distinctive words; its own versions left out, one per story,
each with its reasons; bad input refused; the names as corrected."""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import search.update.entity_phase as phase
from search.api import Archive
from search.entities import extract
from search.errors import ArticleNotFound, BadRequest
from search.model import Entity

from .conftest import write_articles

PIPE = (
    "ASTANA — President Kassym-Jomart Tokayev of Kazakhstan met officials of the Eurasian "
    "Economic Union to discuss the pipeline tariff. Gazprom said the pipeline would carry gas "
    "to China from next year, and the tariff would be reviewed each spring."
)
DEAL = (
    "President Kassym-Jomart Tokayev told parliament in Astana that the pipeline tariff "
    "agreed with Gazprom was fair to Kazakhstan."
)
FILLERS = [
    "Football club wins cup",
    "Orchestra plays new symphony",
    "Farmers expect rice harvest",
    "Museum opens new wing",
    "Rain floods coastal town",
    "School term starts early",
    "Bakery wins bread prize",
    "Marathon draws record field",
    "Library extends opening hours",
    "Zoo welcomes panda cubs",
    "Ferry resumes island service",
    "Choir tours the north",
    "Hospital adds new beds",
    "Bridge repairs finish",
    "Park gets new trees",
    "Chess club holds open",
    "Cinema shows old films",
    "Market moves to square",
    "Fishing fleet returns",
    "Festival sells out",
]
"""Local news of no one in particular: the common words ("said", "the", "would") are in
most of the archive, as in a real one, so they are not distinctive."""
ARTICLES = {
    "pipe.txt": f"Kazakhstan agrees pipeline tariff\n{PIPE}\n",
    "pipe-copy.txt": f"Kazakhstan agrees pipeline tariff\n{PIPE}\n",
    "deal.txt": f"Tokayev defends pipeline deal\n{DEAL}\n",
    "deal-copy.txt": f"Tokayev defends pipeline deal\n{DEAL}\n",
    "union.txt": (
        "Eurasian Economic Union meets\nThe Eurasian Economic Union met in Minsk to discuss "
        "customs rules for members.\n"
    ),
    "tariffs.txt": (
        "Tariffs on steel rise\nThe pipeline operator and steel makers said the new tariff "
        "on steel would raise costs.\n"
    ),
    **{
        f"filler-{i}.txt": (
            f"{title}\nOfficials said they would report on the {title.lower()} to the town "
            "and the region.\n"
        )
        for i, title in enumerate(FILLERS)
    },
}


def rules(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    """The entity phase with our rules alone: the names these tests expect, no model."""
    return [extract(body, date) for body, date in zip(bodies, dates, strict=True)]


@pytest.fixture
def archive(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Archive]:
    monkeypatch.setattr(phase.combine, "extract_many", rules)
    root = write_articles(tmp_path / "archive", ARTICLES)
    with Archive.open(root, tmp_path / "index") as opened:
        opened.update()  # the names it relates by are the entity phase's
        yield opened


def test_before_the_entity_phase_it_relates_by_countries_and_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phase.combine, "extract_many", rules)
    root = write_articles(tmp_path / "archive", ARTICLES)
    with Archive.open(root, tmp_path / "index") as opened:
        opened.update(entities=False)
        first = opened.related("pipe.txt", limit=1)[0]
        assert (first.id, first.reasons[0]) == ("deal-copy.txt", "shares Kazakhstan")
        opened.update()
        assert opened.related("pipe.txt", limit=1)[0].reasons[0].startswith("shares Astana")


def test_related_by_rare_names_and_distinctive_words_with_reasons(archive: Archive) -> None:
    found = archive.related("pipe.txt")
    assert [(r.id, r.reasons) for r in found] == [
        (
            "deal-copy.txt",
            (
                "shares Astana, Gazprom, Kassym-Jomart Tokayev",
                "shares the words President, pipeline, tariff",
            ),
        ),
        ("union.txt", ("shares Eurasian Economic Union", "shares the words discuss, met")),
        ("tariffs.txt", ("shares the words pipeline, tariff",)),
    ]
    scores = [r.score for r in found]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0 and scores[0] <= 1
    assert found[0].title == "Tokayev defends pipeline deal" and found[0].date is None


def test_its_own_copies_are_left_out_and_another_story_counts_once(archive: Archive) -> None:
    ids = [r.id for r in archive.related("pipe.txt")]
    assert "pipe.txt" not in ids and "pipe-copy.txt" not in ids
    assert archive.versions("deal.txt")[0].id == "deal-copy.txt"
    assert "deal.txt" not in ids  # the story's representative stands for it
    assert [r.id for r in archive.related("pipe-copy.txt")] == ids


def test_an_article_with_few_distinctive_words_is_like_none_by_one_of_them(
    archive: Archive,
) -> None:
    """The football report's words are its own but "wins" and "club" (the bakery's prize,
    the chess club): two words of the fifteen a full article has are not enough."""
    assert archive.related("filler-0.txt") == []


def test_limit_and_bad_input(archive: Archive) -> None:
    assert [r.id for r in archive.related("pipe.txt", limit=1)] == ["deal-copy.txt"]
    assert archive.related("pipe.txt", limit=0) == []
    for bad in (-1, 101, "3", 2.5, True):
        with pytest.raises(BadRequest, match="must be 0 to 100, not"):
            archive.related("pipe.txt", limit=bad)  # type: ignore[arg-type]
    with pytest.raises(ArticleNotFound, match=r"No article with id 'gone\.txt'"):
        archive.related("gone.txt")


def test_a_correction_changes_the_names_it_relates_by(archive: Archive) -> None:
    assert archive.related("pipe.txt", limit=1)[0].reasons[0].startswith("shares Astana, Gazprom")
    archive.correct("reject", {"type": "ORG", "name": "Gazprom"})
    first = archive.related("pipe.txt", limit=1)[0]
    assert first.reasons[0] == "shares Astana, Kassym-Jomart Tokayev, Kazakhstan"


def test_a_removed_article_is_no_longer_related(archive: Archive) -> None:
    assert "union.txt" in [r.id for r in archive.related("pipe.txt")]
    (archive.root / "union.txt").unlink()
    archive.update(entities=False)
    assert [r.id for r in archive.related("pipe.txt")] == ["deal-copy.txt", "tariffs.txt"]
