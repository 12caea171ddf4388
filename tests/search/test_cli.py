"""archive-search: output shapes, JSON contracts and user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from search.cli import main

from .conftest import write_articles


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_articles(
        tmp_path / "arch",
        {
            "one.txt": " date 2025-02-03 Kazakh and Japanese ministers met in Astana to cooperate.",
            "two.txt": "Undated talk\nThe Kenyan delegation visited Japan.",
        },
    )


def test_index_reports_counts_and_skips(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    (folder / "bad.txt").write_bytes(b"")
    code, out, _ = run(capsys, "index", str(folder))
    assert code == 0
    assert "added 2, updated 0, removed 0, unchanged 0, skipped 1" in out
    assert "skipped bad.txt: empty file" in out
    code, out, _ = run(capsys, "index", str(folder), "--json")
    report = json.loads(out)
    assert report["unchanged"] == 2 and report["skipped"] == [
        {"id": "bad.txt", "reason": "empty file"}
    ]


def test_query_json_shape(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "query", "japan*", "--archive", str(folder), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["total"] == 2
    assert set(data["facets"]) >= {"country", "month", "person", "org"}
    assert data["facets"]["month"] == {"2025-02": 1, "undated": 1}
    hit = data["hits"][0]
    assert set(hit) >= {"id", "title", "date", "countries", "score", "snippet"}
    assert "<b>" in hit["snippet"]


def test_query_filters(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    args = ["query", "", "--archive", str(folder), "--json"]
    assert json.loads(run(capsys, *args, "--country", "KZ")[1])["total"] == 1
    assert json.loads(run(capsys, *args, "--country", "kenya")[1])["total"] == 1
    assert json.loads(run(capsys, *args, "--no-undated")[1])["total"] == 1
    dated = json.loads(run(capsys, *args, "--from", "2025-02-03", "--to", "2025-02")[1])
    assert dated["total"] == 2
    oldest = json.loads(run(capsys, *args, "--sort", "oldest", "--limit", "1")[1])
    assert [h["id"] for h in oldest["hits"]] == ["one.txt"]


def test_show_json_has_the_whole_article(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "show", "one.txt", "--archive", str(folder), "--json")
    assert code == 0
    data = json.loads(out)
    for key in (
        "id",
        "title",
        "title_derived",
        "date",
        "date_source",
        "source",
        "body",
        "trailing",
        "countries",
        "words",
        "entities",
    ):
        assert key in data
    assert data["date"] == "2025-02-03" and data["date_source"] == "metadata"
    for entity in data["entities"]:
        assert data["body"][entity["start"] : entity["end"]] == entity["text"]
        assert entity["type"] in {"PERSON", "ORG", "COUNTRY", "PLACE", "DATE"}


def test_stats(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, _ = run(capsys, "stats", "--archive", str(folder), "--json")
    assert code == 0
    stats = json.loads(out)
    assert (stats["articles"], stats["dated"], stats["undated"]) == (2, 1, 1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["index", "/no/such/folder"], "does not exist"),
        (["query", "x", "--archive", "/no/such/folder"], "does not exist"),
        (["show", "missing.txt"], "No article"),
        (["query", "x", "--from", "yesterday-ish"], "as a date"),
        (["query", "x", "--country", "Atlantis"], "Unknown country"),
    ],
)
def test_user_errors_are_one_line_without_traceback(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_module_entry_point_defaults_to_the_bundled_sample(tmp_path: Path) -> None:
    env_dir = tmp_path / "data"
    proc = subprocess.run(
        [sys.executable, "-m", "search", "query", "Kazakhstan", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={
            "ARCHIVE_BROWSER_DATA_DIR": str(env_dir),
            "PATH": "/usr/bin:/bin",
            "ARCHIVE_SEARCH_SERVER": "0",  # tests/search/test_query_server.py has the server's
        },
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {h["id"] for h in data["hits"]} >= {
        "003_1118953dc091fd9a.txt",
        "004_07cf703fa333c1c1.txt",
    }


def test_index_waits_for_the_entities_unless_text_only(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    code, out, _ = run(capsys, "index", str(folder), "--text-only")
    assert code == 0 and "entities recognised" not in out
    code, out, _ = run(capsys, "query", "", "--archive", str(folder), "--json")
    assert code == 0  # a query brings the text up to date, never waits for the entities
    code, out, _ = run(capsys, "index", str(folder), "--json")
    report = json.loads(out)
    assert (report["entities_done"], report["entities_left"]) == (2, 0)
    code, out, _ = run(capsys, "index", str(folder))
    assert "entities recognised" not in out  # nothing left to do


def test_without_the_model_index_says_so_once(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from search.entities import statistical

    monkeypatch.setattr(statistical, "PACKAGES", ("no_such_english_pipeline",))
    monkeypatch.setattr(statistical, "_state", None)  # restored after the test
    code, out, err = run(capsys, "index", str(folder))
    assert code == 0 and "entities recognised in 2 articles" in out
    notes = [line for line in err.splitlines() if "rules alone" in line]
    assert len(notes) == 1 and "no English pipeline package is installed" in notes[0]
    assert (
        "rules alone"
        in json.loads(run(capsys, "index", str(folder), "--rebuild", "--json")[1])["notes"][0]
    )


def test_show_gives_the_final_entities_of_an_article_not_yet_recognised(
    capsys: pytest.CaptureFixture[str], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import search.update.entity_phase as phase

    def marked(article: object) -> list[object]:
        from search.model import Entity

        return [Entity("PERSON", "Kazakh", 0, 6, "Final Person")]

    run(capsys, "index", str(folder), "--text-only")
    monkeypatch.setattr("search.api.recognise_article", marked)
    code, out, _ = run(capsys, "show", "one.txt", "--archive", str(folder), "--json")
    assert code == 0
    assert [e["norm"] for e in json.loads(out)["entities"]] == ["Final Person"]
    run(capsys, "index", str(folder))  # now the store has it: its entities, not recognised again
    monkeypatch.setattr("search.api.recognise_article", lambda _a: pytest.fail("recognised"))
    code, out, _ = run(capsys, "show", "one.txt", "--archive", str(folder), "--json")
    assert "Final Person" not in out and code == 0
    del phase
