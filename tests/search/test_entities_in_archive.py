"""An update runs the entity phase after the text phase; what the store holds for an
article's current content is what its facets, ``person:`` queries and entities show."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path

import pytest

import search.update.entity_phase as phase
from search.api import Archive
from search.entities import extract
from search.model import Entity, IndexProgress, SearchRequest
from search.store.entity_store import EntityStore

from .conftest import write_articles

TEXTS = {
    f"a{i}.txt": f"Report {i}\n\nItem {i}: President Jacinda Ardern met officials of Chile in Wellington."
    for i in range(6)
}


def tagged(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    """The rules' entities plus one person only this recogniser finds: 'Item N'."""
    out = []
    for body, date in zip(bodies, dates, strict=True):
        found = extract(body, date)
        end = body.index(":")
        found.append(Entity("PERSON", body[:end], 0, end, "Storey " + body[5:end]))
        out.append(found)
    return out


@pytest.fixture
def store_recognises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(phase.combine, "extract_many", tagged)


def people(archive: Archive, text: str = "") -> dict[str, int]:
    return archive.search(SearchRequest(text=text, collapse=False)).facets.person


def test_an_update_recognises_entities_after_the_text(
    tmp_path: Path, store_recognises: None
) -> None:
    root = write_articles(tmp_path / "arch", TEXTS)
    seen: list[IndexProgress] = []
    with Archive.open(root, tmp_path / "index") as archive:
        searchable_before_entities: list[int] = []

        def progress(report: IndexProgress) -> None:
            seen.append(report)
            if report.phase == "entities" and report.done == 0:
                searchable_before_entities.append(
                    archive.search(SearchRequest("ardern", collapse=False)).total
                )

        report = archive.update(progress=progress)
        assert (report.added, report.entities_done, report.entities_left) == (6, 6, 0)
        phases = [p.phase for p in seen]
        assert phases.index("writing") < phases.index("entities") < phases.index("done")
        assert searchable_before_entities == [6]  # the text was searchable already
        assert people(archive)["Storey 3"] == 1
        assert archive.search(SearchRequest("person:storey", collapse=False)).total == 6
        assert "Storey 2" in {e.norm for e in archive.article("a2.txt").entities}
        again = archive.update()
        assert (again.entities_done, again.entities_left) == (0, 0)


def countries(archive: Archive, text: str = "") -> dict[str, int]:
    return archive.search(SearchRequest(text=text, collapse=False)).facets.country


def test_a_text_only_index_has_the_country_facet_and_the_names_fill_in_after(
    tmp_path: Path, store_recognises: None
) -> None:
    """The text phase recognises countries alone: the country facet and filter work at
    once; people, organisations and places (facets, ``person:``, the article's entities)
    are the entity phase's and come with it."""
    root = write_articles(tmp_path / "arch", TEXTS)
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update(entities=False)
        assert report.entities_done == 0
        assert countries(archive) == {"CL": 6}
        assert archive.search(SearchRequest("", countries=("CL",), collapse=False)).total == 6
        assert people(archive) == {}
        assert archive.search(SearchRequest("person:ardern", collapse=False)).total == 0
        shown = archive.article("a2.txt").entities
        assert [(e.type, e.text) for e in shown] == [("COUNTRY", "Chile")]
        assert archive.update().entities_done == 6
        assert people(archive)["Jacinda Ardern"] == 6
        assert archive.search(SearchRequest("person:ardern", collapse=False)).total == 6
        assert archive.search(SearchRequest("person:storey", collapse=False)).total == 6
        assert countries(archive) == {"CL": 6}  # the countries stay the text phase's
        assert {"PERSON", "COUNTRY"} <= {e.type for e in archive.article("a2.txt").entities}


def test_a_changed_article_shows_its_countries_alone_until_redone(
    tmp_path: Path, store_recognises: None
) -> None:
    root = write_articles(tmp_path / "arch", TEXTS)
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        (root / "a1.txt").write_text("Report 1\n\nItem 1: Angela Merkel spoke in Germany.", "utf-8")
        archive.update(entities=False)
        names = people(archive)
        assert "Storey 1" not in names and "Angela Merkel" not in names
        assert names["Storey 2"] == 1  # the others keep the store's names
        assert [(e.type, e.norm) for e in archive.article("a1.txt").entities] == [("COUNTRY", "DE")]
        assert countries(archive) == {"CL": 5, "DE": 1}
        assert archive.search(SearchRequest("person:storey", collapse=False)).total == 5
        assert archive.update().entities_done == 1
        assert people(archive)["Storey 1"] == 1
        assert people(archive)["Angela Merkel"] == 1


def test_a_cancelled_entity_phase_keeps_the_text_and_resumes(
    tmp_path: Path, store_recognises: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(phase, "BATCH", 2)
    monkeypatch.setattr(phase, "BATCH_HERE", 2)
    root = write_articles(tmp_path / "arch", TEXTS)
    with Archive.open(root, tmp_path / "index") as archive:
        progress: list[IndexProgress] = []
        stop = lambda: any(p.phase == "entities" and p.done >= 2 for p in progress)  # noqa: E731
        report = archive.update(progress=progress.append, cancel=stop)
        assert report.added == 6 and not report.cancelled  # the text phase finished
        assert (report.entities_done, report.entities_left) == (2, 4)
        assert archive.search(SearchRequest("ardern", collapse=False)).total == 6
        assert archive.update().entities_done == 4


def test_a_damaged_store_is_recreated_by_the_next_update(
    tmp_path: Path, store_recognises: None
) -> None:
    root = write_articles(tmp_path / "arch", TEXTS)
    index = tmp_path / "index"
    with Archive.open(root, index) as archive:
        archive.update()
    (index / "entities.sqlite").write_bytes(b"not a database at all" * 100)
    with Archive.open(root, index) as archive:
        assert countries(archive) == {"CL": 6}  # the text phase's countries serve meanwhile
        assert people(archive) == {}
        report = archive.update()
        assert report.entities_done == 6
        assert any("damaged" in note for note in report.notes)
        assert people(archive)["Storey 4"] == 1


def test_the_workers_recognise_with_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real recogniser in worker processes (each loads the model once)."""
    if not phase.statistical.expected().available:
        pytest.skip("no English pipeline installed")
    monkeypatch.setattr(phase, "PARALLEL_MIN", 2)
    monkeypatch.setattr(phase, "BATCH", 2)
    monkeypatch.setattr(phase, "BATCH_HERE", 2)
    root = write_articles(tmp_path / "arch", TEXTS)
    with Archive.open(root, tmp_path / "index") as archive:
        report = archive.update()
        assert report.entities_done == 6 and not report.notes
    with EntityStore.open(tmp_path / "index" / "entities.sqlite", readonly=True) as store:
        (recogniser,) = store.stats().recognisers
        assert recogniser == phase.recogniser_name()[0] and recogniser.startswith("spacy:")
        assert "Jacinda Ardern" in {e.norm for e in store.mentions("a5.txt")}


def test_a_short_form_seen_beside_one_full_name_is_that_entity_across_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def recognise(
        bodies: Sequence[str], dates: Sequence[datetime.date | None]
    ) -> list[list[Entity]]:
        out = []
        for body in bodies:
            found = []
            for name, norm in (("Tony Blair", "Tony Blair"), ("Blair", None), ("Smith", None)):
                at = body.find(name)
                while at >= 0:
                    whole = norm or ("Tony Blair" if "Tony Blair" in body else name)
                    if not any(e.start <= at < e.end for e in found):
                        found.append(Entity("PERSON", name, at, at + len(name), whole))
                    at = body.find(name, at + 1)
            out.append(found)
        return out

    monkeypatch.setattr(phase.combine, "extract_many", recognise)
    texts = {
        "full.txt": "One\n\nTony Blair spoke. Later Blair left.",
        "short.txt": "Two\n\nBlair returned on Monday.",
        "smith1.txt": "Three\n\nSmith met Blair.",
    }
    root = write_articles(tmp_path / "arch", texts)
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        names = people(archive)
        assert names["Tony Blair"] == 3 and "Blair" not in names
        assert names["Smith"] == 1  # no full name seen for it: stays as it is
        assert archive.search(SearchRequest("", people=("Tony Blair",), collapse=False)).total == 3
        short = archive.article("short.txt")
        assert [e.norm for e in short.entities if e.type == "PERSON"] == ["Tony Blair"]


def test_a_short_form_of_two_full_names_stays_apart() -> None:
    from search.store.entity_columns import short_forms
    from search.store.entity_store import EntityRow

    rows = {
        1: EntityRow(1, "PERSON", "John Smith", "John Smith"),
        2: EntityRow(2, "PERSON", "Anna Smith", "Anna Smith"),
        3: EntityRow(3, "PERSON", "Smith", "Smith"),
        4: EntityRow(4, "ORG", "Securities and Exchange Commission", "SEC full"),
        5: EntityRow(5, "ORG", "SEC", "SEC"),
        6: EntityRow(6, "PERSON", "Sec", "Sec"),
    }
    aliases = [(1, "smith"), (2, "smith"), (1, "john smith"), (4, "sec"), (3, "smith")]
    assert short_forms(rows, aliases) == {5: "SEC full"}  # the type must agree too


def test_a_short_form_kept_apart_by_the_user_counts_as_itself_until_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from search.cli import main
    from search.errors import BadCorrection

    def recognise(
        bodies: Sequence[str], dates: Sequence[datetime.date | None]
    ) -> list[list[Entity]]:
        out = []
        for body in bodies:
            found = []
            for name in ("Tony Blair", "Blair", "Smith"):
                at = body.find(name)
                while at >= 0:
                    whole = "Tony Blair" if "Tony Blair" in body and "Blair" in name else name
                    if not any(e.start <= at < e.end for e in found):
                        found.append(Entity("PERSON", name, at, at + len(name), whole))
                    at = body.find(name, at + 1)
            out.append(found)
        return out

    monkeypatch.setattr(phase.combine, "extract_many", recognise)
    texts = {
        "full.txt": "One\n\nTony Blair spoke. Later Blair left.",
        "short.txt": "Two\n\nBlair returned on Monday, Smith said.",
    }
    root = write_articles(tmp_path / "arch", texts)
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update()
        assert archive.merged_into("PERSON", "Blair") == "Tony Blair"
        with pytest.raises(BadCorrection, match="not counted as another person"):
            archive.correct("apart", {"type": "PERSON", "name": "Smith"})
        done = archive.correct("apart", {"type": "person", "name": "Blair"})
        names = people(archive)
        assert names["Tony Blair"] == 1 and names["Blair"] == 1
        assert archive.merged_into("PERSON", "Blair") is None
        short = archive.article("short.txt")
        assert "Blair" in [e.norm for e in short.entities if e.type == "PERSON"]
        archive.undo_correction(done.correction_id)
        assert people(archive)["Tony Blair"] == 2 and "Blair" not in people(archive)
    where = ["--archive", str(root), "--index-dir", str(tmp_path / "index")]
    assert main(["entities", "apart", "Blair", "--type", "PERSON", *where]) == 0
    assert main(["entities", "apart", "Smith", "--type", "PERSON", *where]) == 2
    assert "'Smith' is not counted as another person's name" in capsys.readouterr().err
    with Archive.open(root, tmp_path / "index") as archive:
        assert people(archive)["Blair"] == 1
