"""Same story, many copies, in the engine (issue #15): the writer keeps the groups in step
with added, changed and removed files and saves them beside the index; searches collapse
each story to one hit (totals and facets count it once) unless asked for every copy; the
groups survive reopening and a state lost or left behind by a kill; the CLI's flags."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from search.api import Archive
from search.cli import main
from search.model import SearchRequest, Sort
from search.store.stories import StoryIndex

from .conftest import write_articles

TALKS = (
    "The foreign ministers of Kazakhstan and Vietnam met in Hanoi on Tuesday to discuss "
    "trade, energy and transport links between the two countries, officials said. The talks "
    "covered a new rail corridor, oil and gas supplies and visas for business travellers. "
    "Both sides agreed to meet again next year in Astana, where a joint commission will "
    "review the projects."
)
FLOODS = (
    "Heavy rain flooded the central provinces of Japan on Monday, cutting roads and forcing "
    "thousands of families to leave their homes, the disaster agency reported. Rescue teams "
    "were sent to the worst hit districts and schools were closed for the rest of the week."
)
MARKET = (
    "Shares in Kenya closed higher on Friday as banks and telecoms gained, traders said, "
    "while the shilling held steady against the dollar ahead of the central bank's meeting."
)

ELECTION = (
    "Voters in the northern region went to the polls on Sunday to choose a new governor, "
    "with turnout above sixty percent by midday according to the electoral commission, "
    "which expects the first results late on Monday night."
)


def _articles() -> dict[str, str]:
    return {
        "talks.txt": f"Kazakh talks\n\nHANOI, 3 March 2025 (VNA) - {TALKS}",
        "talks-copy.txt": f"Kazakh talks\n\nHANOI, 3 March 2025 (VNA) - {TALKS}",
        "floods.txt": f"Floods in Japan\n\nTOKYO, 5 March 2025 - {FLOODS}",
        "market.txt": f"Kenyan shares\n\nNAIROBI, 7 March 2025 - {MARKET}",
    }


REWORDED = (
    "Kazakh and Vietnamese ministers meet\n\nASTANA, 4 March 2025 - Officials welcomed the "
    f"visit. {TALKS} Trade between the two rose by a fifth last year."
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return write_articles(tmp_path / "arch", _articles())


def _open(folder: Path) -> Archive:
    return Archive.open(folder, folder.parent / "index")


def _groups(archive: Archive) -> dict[str, tuple[str | None, int]]:
    """id -> (group id, versions) of every article, from an uncollapsed search."""
    result = archive.search(SearchRequest(collapse=False, limit=100, snippets=False))
    return {hit.id: (hit.group_id, hit.versions) for hit in result.hits}


def test_exact_copies_are_one_story_with_the_earliest_as_representative(folder: Path) -> None:
    with _open(folder) as archive:
        archive.update(entities=False)
        groups = _groups(archive)
        assert groups["talks.txt"] == groups["talks-copy.txt"] == ("talks-copy.txt", 2)
        assert groups["floods.txt"] == (None, 1)
        versions = archive.versions("talks-copy.txt")
        assert [v.id for v in versions] == ["talks-copy.txt", "talks.txt"]
        assert versions[0].representative and not versions[1].representative
        assert versions[1].path == str(folder / "talks.txt") and versions[1].source == "VNA"
        alone = archive.versions("floods.txt")
        assert [v.id for v in alone] == ["floods.txt"]


def test_a_copy_added_changed_and_removed_updates_the_groups(folder: Path) -> None:
    with _open(folder) as archive:
        archive.update(entities=False)
        write_articles(folder, {"reworded.txt": REWORDED})  # a near-duplicate added
        archive.update(entities=False)
        groups = _groups(archive)
        assert groups["reworded.txt"] == ("reworded.txt", 3)
        assert groups["talks.txt"] == ("reworded.txt", 3)

        write_articles(folder, {"talks-copy.txt": f"Election\n\n{ELECTION}"})  # changed
        archive.update(entities=False)
        groups = _groups(archive)
        assert groups["talks-copy.txt"] == (None, 1)
        assert groups["talks.txt"] == groups["reworded.txt"] == ("reworded.txt", 2)

        (folder / "reworded.txt").unlink()  # removed: the story is one article again
        archive.update(entities=False)
        assert _groups(archive)["talks.txt"] == (None, 1)
        assert archive.search(SearchRequest()).hidden_copies == 0


def test_collapse_counts_each_story_once_in_totals_and_facets(folder: Path) -> None:
    write_articles(folder, {"reworded.txt": REWORDED})
    with _open(folder) as archive:
        archive.update(entities=False)
        collapsed = archive.search(SearchRequest(text="ministers"))
        every = archive.search(SearchRequest(text="ministers", collapse=False))
        assert (collapsed.total, collapsed.hidden_copies) == (1, 2)
        assert (every.total, every.hidden_copies) == (3, 0)
        assert [(h.id, h.versions) for h in collapsed.hits] == [("talks-copy.txt", 3)]
        assert collapsed.facets.country == {"KZ": 1, "VN": 1}
        assert every.facets.country == {"KZ": 3, "VN": 3}
        assert collapsed.facets.month == {"2025-03": 1}

        listed = archive.search(SearchRequest(sort=Sort.NEWEST))
        assert (listed.total, listed.hidden_copies, listed.archive_total) == (3, 2, 5)
        assert (
            listed.total + listed.hidden_copies
            == archive.search(SearchRequest(collapse=False)).total
        )

        # A facet leaving out its own filter counts stories once too.
        kz = archive.search(SearchRequest(countries=("JP",)), facets_ignoring=("country",))
        assert kz.facets.country["KZ"] == 1 and kz.total == 1


def test_a_filtered_out_representative_gives_way_to_the_best_ranked_member(
    folder: Path,
) -> None:
    write_articles(folder, {"reworded.txt": REWORDED})
    with _open(folder) as archive:
        archive.update(entities=False)
        later = archive.search(SearchRequest(date_from=date(2025, 3, 4), text="kazakhstan"))
        assert [h.id for h in later.hits] == ["reworded.txt"]
        assert later.hidden_copies == 0 and later.hits[0].versions == 3
        worded = archive.search(SearchRequest(text='"rose by a fifth"'))
        assert [h.id for h in worded.hits] == ["reworded.txt"]
        by_date = archive.search(SearchRequest(text="kazakhstan", sort=Sort.NEWEST))
        assert [h.id for h in by_date.hits] == ["talks-copy.txt"]  # the representative


def test_groups_survive_reopening_without_an_update(folder: Path) -> None:
    with _open(folder) as archive:
        archive.update(entities=False)
    with _open(folder) as archive:
        assert _groups(archive)["talks.txt"] == ("talks-copy.txt", 2)
        assert archive.search(SearchRequest()).hidden_copies == 1


@pytest.mark.parametrize("damage", ["deleted", "corrupted", "both deleted", "not files"])
def test_a_lost_or_damaged_state_is_rebuilt_from_the_index(folder: Path, damage: str) -> None:
    index = folder.parent / "index"
    with _open(folder) as archive:
        archive.update(entities=False)
    state, groups = index / "stories.npz", index / "stories.json"
    if damage == "deleted":
        state.unlink()
    elif damage == "corrupted":
        state.write_bytes(b"PK\x03\x04 not a state at all")
        groups.write_text("{not json")
    elif damage == "both deleted":
        state.unlink()
        groups.unlink()
    else:  # reading a FIFO would wait for a writer forever
        state.unlink()
        os.mkfifo(state)
        groups.unlink()
        groups.mkdir()
    with _open(folder) as archive:
        report = archive.update(entities=False)  # nothing changed in the folder
        assert not report.changed and report.notes == []
        assert _groups(archive)["talks.txt"] == ("talks-copy.txt", 2)
    assert json.loads(groups.read_text())["groups"] == [["talks-copy.txt", "talks.txt"]]


def test_an_unchanged_update_reads_only_the_state_header(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _open(folder) as archive:
        archive.update(entities=False)
    loads: list[Path] = []
    load = StoryIndex.load.__func__  # type: ignore[attr-defined]

    def counted(cls: type[StoryIndex], path: Path, params: object = None) -> StoryIndex:
        loads.append(path)
        return load(cls, path, params)  # type: ignore[no-any-return]

    monkeypatch.setattr(StoryIndex, "load", classmethod(counted))
    with _open(folder) as archive:
        assert not archive.update(entities=False).changed
        assert loads == []  # nothing changed: the header's tag was enough
        write_articles(folder, {"reworded.txt": REWORDED})
        archive.update(entities=False)
        assert len(loads) == 1
        assert _groups(archive)["reworded.txt"] == ("reworded.txt", 3)


def test_a_state_damaged_past_its_header_is_repaired_by_the_next_change(folder: Path) -> None:
    index = folder.parent / "index"
    with _open(folder) as archive:
        archive.update(entities=False)
    with np.load(index / "stories.npz") as data:
        arrays = {name: data[name] for name in data.files}
    arrays["doc_version"] = arrays["doc_version"][:1]  # disagrees with the ids
    np.savez(index / "stories.npz", **arrays)
    with _open(folder) as archive:
        write_articles(folder, {"reworded.txt": REWORDED})
        archive.update(entities=False)
        assert _groups(archive)["reworded.txt"] == ("reworded.txt", 3)
        assert _groups(archive)["market.txt"] == (None, 1)


def test_a_kill_between_the_commit_and_the_state_save_is_caught_up(folder: Path) -> None:
    """The state saved before an update stands in for one a kill -9 left: tagged with the
    previous generation, it misses the copy that update committed."""
    index = folder.parent / "index"
    saved = folder.parent / "saved"
    with _open(folder) as archive:
        archive.update(entities=False)
        saved.mkdir()
        for name in ("stories.npz", "stories.json"):
            shutil.copy2(index / name, saved / name)
        write_articles(folder, {"reworded.txt": REWORDED})
        archive.update(entities=False)
    for name in ("stories.npz", "stories.json"):
        shutil.copy2(saved / name, index / name)
    with _open(folder) as archive:
        assert _groups(archive)["reworded.txt"] == (None, 1)  # the old groups meanwhile
        archive.update(entities=False)
        assert _groups(archive)["reworded.txt"] == ("reworded.txt", 3)


def test_a_rebuild_groups_from_scratch(folder: Path) -> None:
    with _open(folder) as archive:
        archive.update(entities=False)
        (folder.parent / "index" / "stories.npz").write_bytes(b"garbage")
        archive.update(entities=False, rebuild=True)
        assert _groups(archive)["talks.txt"] == ("talks-copy.txt", 2)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_cli_collapse_flags_json_and_versions(
    capsys: pytest.CaptureFixture[str], folder: Path
) -> None:
    where = ["--archive", str(folder), "--index-dir", str(folder.parent / "index")]
    code, out = _cli(capsys, "query", "kazakhstan", *where, "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 1 and data["hidden_copies"] == 1
    assert [(h["group"], h["versions"]) for h in data["hits"]] == [("talks-copy.txt", 2)]
    code, out = _cli(capsys, "query", "kazakhstan", *where, "--json", "--no-collapse")
    data = json.loads(out)
    assert data["total"] == 2 and data["hidden_copies"] == 0
    code, out = _cli(capsys, "query", "kazakhstan", *where, "--collapse")
    assert "1 of 4 articles (1 copy hidden" in out and "(2 versions)" in out
    code, out = _cli(capsys, "query", "floods", *where)
    assert "versions" not in out
    code, out = _cli(capsys, "show", "talks.txt", *where, "--json")
    versions = json.loads(out)["versions"]
    assert [(v["id"], v["representative"]) for v in versions] == [
        ("talks-copy.txt", True),
        ("talks.txt", False),
    ]
    code, out = _cli(capsys, "show", "talks.txt", *where)
    assert "2 versions of this story" in out


def test_the_analysts_views_count_a_story_once_as_the_list_does(folder: Path) -> None:
    write_articles(folder, {"reworded.txt": REWORDED})
    with _open(folder) as archive:
        archive.update(entities=False)
        request = SearchRequest(text="ministers")

        def kz(graph_request: SearchRequest) -> int:
            graph = archive.cooccurrence(graph_request)
            return next(n.articles for n in graph.nodes if n.name == "KZ")

        assert kz(request) == 1
        assert kz(SearchRequest(text="ministers", collapse=False)) == 3
        pairs = archive.country_pairs(request)
        assert sum(sum(counts) for counts in pairs.pairs.values()) == 1
