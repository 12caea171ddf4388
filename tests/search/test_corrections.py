"""The user's corrections: applied at once to facets, filters, person: queries and the
reader, kept through updates and rebuilds, undone, exported and imported."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

import search.update.entity_phase as phase
from search.api import Archive
from search.cli import main
from search.errors import BadCorrection
from search.model import Entity, SearchRequest

from .conftest import write_articles

NAMES = {
    "Pham Minh Chinh": "PERSON",
    "Pham Min Chinh": "PERSON",
    "Reuters": "PERSON",  # the machine's mistake: an agency as a person
    "Motors": "PERSON",
    "World Bank": "ORG",
    "Hanoi": "PLACE",
}
TEXTS = {
    "a.txt": "One\n\nPham Minh Chinh met the World Bank in Hanoi, Reuters said.",
    "b.txt": "Two\n\nPham Min Chinh spoke in Hanoi. Motors rose.",
    "c.txt": "Three\n\nReuters reported that Pham Minh Chinh left. Pham Minh Chinh smiled.",
}


def recognise(bodies: Sequence[str], dates: Sequence[datetime.date | None]) -> list[list[Entity]]:
    out = []
    for body in bodies:
        found = [
            Entity(kind, name, m.start(), m.end(), name)  # type: ignore[arg-type]
            for name, kind in NAMES.items()
            for m in re.finditer(rf"\b{re.escape(name)}\b", body)
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


def facet(archive: Archive, kind: str) -> dict[str, int]:
    facets = archive.search(SearchRequest("")).facets
    return {"PERSON": facets.person, "ORG": facets.org, "PLACE": facets.place}[kind]


def norms(archive: Archive, article_id: str, kind: str) -> list[str]:
    return [e.norm for e in archive.article(article_id).entities if e.type == kind]


def test_a_merge_changes_counts_filters_queries_and_the_reader(archive: Archive) -> None:
    assert facet(archive, "PERSON")["Pham Minh Chinh"] == 2
    archive.correct(
        "merge", {"type": "PERSON", "name": "pham min chinh", "into_name": "Pham Minh Chinh"}
    )
    people = facet(archive, "PERSON")
    assert people["Pham Minh Chinh"] == 3 and "Pham Min Chinh" not in people
    assert archive.search(SearchRequest("", people=("Pham Minh Chinh",))).total == 3
    assert archive.search(SearchRequest('person:"pham minh chinh"')).total == 3
    assert archive.search(SearchRequest('person:"pham min chinh"')).total == 0
    assert norms(archive, "b.txt", "PERSON")[0] == "Pham Minh Chinh"


def test_reject_retype_and_rename(archive: Archive) -> None:
    archive.correct("reject", {"type": "PERSON", "name": "Motors"})
    archive.correct("retype", {"type": "PERSON", "name": "Reuters", "new_type": "ORG"})
    archive.correct("rename", {"type": "PLACE", "name": "Hanoi", "new_name": "Hà Nội"})
    assert "Motors" not in facet(archive, "PERSON") and "Reuters" not in facet(archive, "PERSON")
    assert facet(archive, "ORG")["Reuters"] == 2
    assert facet(archive, "PLACE") == {"Hà Nội": 2}
    assert archive.search(SearchRequest("org:reuters")).total == 2
    b = archive.article("b.txt")
    assert "Motors" not in {e.norm for e in b.entities}
    assert ("ORG", "Reuters") in {(e.type, e.norm) for e in archive.article("a.txt").entities}


def test_one_mention_rejected_and_one_added(archive: Archive) -> None:
    body = archive.article("c.txt").body
    second = body.rindex("Pham Minh Chinh")
    archive.correct(
        "reject",
        {
            "type": "PERSON",
            "name": "Pham Minh Chinh",
            "article": "c.txt",
            "start": second,
            "end": second + 15,
        },
    )
    assert norms(archive, "c.txt", "PERSON").count("Pham Minh Chinh") == 1
    assert facet(archive, "PERSON")["Pham Minh Chinh"] == 2  # another mention is left in c
    start = body.index("Three") if "Three" in body else body.index("left")
    archive.correct(
        "add",
        {"type": "ORG", "name": "Left Party", "article": "c.txt", "start": start, "end": start + 4},
    )
    assert facet(archive, "ORG")["Left Party"] == 1
    assert "Left Party" in norms(archive, "c.txt", "ORG")


def test_corrections_survive_an_update_and_a_rebuild(archive: Archive) -> None:
    archive.correct("reject", {"type": "PERSON", "name": "Motors"})
    (archive.root / "d.txt").write_text("Four\n\nMotors again, in Hanoi.", "utf-8")
    assert archive.update().entities_done == 1
    assert "Motors" not in facet(archive, "PERSON")
    archive.update(rebuild=True)
    assert "Motors" not in facet(archive, "PERSON")
    assert facet(archive, "PLACE")["Hanoi"] == 3


def test_undo_and_split_take_a_correction_back(archive: Archive) -> None:
    merge = archive.correct(
        "merge", {"type": "PERSON", "name": "Pham Min Chinh", "into_name": "Pham Minh Chinh"}
    )
    archive.undo_correction(merge.correction_id)
    assert facet(archive, "PERSON")["Pham Min Chinh"] == 1
    with pytest.raises(BadCorrection):
        archive.undo_correction(merge.correction_id)


def test_a_colleague_imports_the_exported_corrections(
    archive: Archive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive.correct("reject", {"type": "PERSON", "name": "Motors"})
    archive.correct(
        "merge", {"type": "PERSON", "name": "Pham Min Chinh", "into_name": "Pham Minh Chinh"}
    )
    exported = json.loads(json.dumps(archive.export_corrections()))
    theirs = write_articles(tmp_path / "theirs", TEXTS)
    with Archive.open(theirs, tmp_path / "their-index") as colleague:
        colleague.update()
        assert colleague.import_corrections(exported) == 2
        assert colleague.import_corrections(exported) == 0  # already there
        assert facet(colleague, "PERSON") == facet(archive, "PERSON")


@pytest.mark.parametrize(
    ("kind", "args", "message"),
    [
        ("reject", {"type": "PERSON", "name": "Nobody"}, "No person named"),
        ("reject", {"type": "ANIMAL", "name": "Motors"}, "Unknown entity type"),
        ("merge", {"type": "PERSON", "name": "Motors", "into_name": "Motors"}, "into itself"),
        ("merge", {"type": "PERSON", "name": "Motors", "into_name": "Nobody"}, "to merge into"),
        ("retype", {"type": "PERSON", "name": "Motors", "new_type": "PERSON"}, "another of"),
        ("add", {"type": "ORG", "name": "X"}, "needs its article"),
        ("rename", {"type": "PERSON", "name": "Motors", "new_name": "  "}, "new name"),
    ],
)
def test_bad_corrections_say_why_and_change_nothing(
    archive: Archive, kind: str, args: dict[str, object], message: str
) -> None:
    with pytest.raises(BadCorrection, match=message):
        archive.correct(kind, args)  # type: ignore[arg-type]
    assert archive.corrections() == []


def test_a_file_that_is_not_ours_is_refused_whole(archive: Archive) -> None:
    with pytest.raises(BadCorrection):
        archive.import_corrections({"format": "something else", "corrections": []})
    with pytest.raises(BadCorrection):
        archive.import_corrections(
            {
                "format": "archive-browser-corrections/1",
                "corrections": [
                    {"kind": "reject", "args": {"type": "PERSON", "name": "Motors"}},
                    {"kind": "explode", "args": {}},
                ],
            }
        )
    assert archive.corrections() == []


def test_the_command_line_lists_corrects_and_shares(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--archive", str(archive.root), "--index-dir", str(archive.index_dir)]
    assert main(["entities", "list", "--type", "person", "--json", *where]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {"type": "PERSON", "name": "Pham Minh Chinh", "articles": 2} in listed
    assert (
        main(["entities", "merge", "Pham Min Chinh", "Pham Minh Chinh", "--type", "PERSON", *where])
        == 0
    )
    assert main(["entities", "reject", "Motors", "--type", "PERSON", *where]) == 0
    exported = tmp_path / "corrections.json"
    assert main(["entities", "export", str(exported), *where]) == 0
    assert len(json.loads(exported.read_text("utf-8"))["corrections"]) == 2
    assert main(["entities", "undo", *where]) == 0
    assert main(["entities", "import", str(exported), *where]) == 0
    capsys.readouterr()
    assert main(["entities", "reject", "Nobody", "--type", "ORG", *where]) == 2
    assert "No org named 'Nobody'" in capsys.readouterr().err


def test_entities_show_with_and_pairs_on_the_command_line(
    archive: Archive, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--archive", str(archive.root), "--index-dir", str(archive.index_dir)]
    assert main(["entities", "show", "Pham Minh Chinh", "--type", "person", "--json", *where]) == 0
    page = json.loads(capsys.readouterr().out)
    assert (page["name"], page["articles"]) == ("Pham Minh Chinh", 2)
    assert main(["entities", "with", "--json", *where]) == 0
    graph = json.loads(capsys.readouterr().out)
    assert {n["name"] for n in graph["nodes"]} >= {"Pham Minh Chinh", "Reuters"}
    assert main(["entities", "pairs", "--json", *where]) == 0
    assert json.loads(capsys.readouterr().out)["months"] == []  # no dated article here


def test_names_added_by_corrections_get_the_alphabetical_ranks_a_full_sort_gives() -> None:
    import random

    import numpy as np

    from search.store.doctable import MultiValued

    rng = random.Random(3)
    for _ in range(300):
        vocab = list(
            {
                "".join(rng.choice("abAB ") for _ in range(rng.randint(1, 4)))
                for _ in range(rng.randint(1, 30))
            }
        )
        rng.shuffle(vocab)
        ranks = np.empty(len(vocab), dtype=np.int64)
        ranks[np.argsort(np.asarray(vocab, dtype=object))] = np.arange(len(vocab))
        empty = np.empty(0, dtype=np.int64)
        column = MultiValued(
            vocab, {}, empty, empty, ranks, np.zeros(1, dtype=np.int64), empty.astype(bool)
        )
        added = [
            w
            for w in dict.fromkeys("".join(rng.choice("abAB ") for _ in range(3)) for _ in range(4))
            if w not in vocab
        ]
        every = vocab + added
        want = np.empty(len(every), dtype=np.int64)
        want[np.argsort(np.asarray(every, dtype=object))] = np.arange(len(every))
        assert column._ranks_with(added).tolist() == want.tolist()
