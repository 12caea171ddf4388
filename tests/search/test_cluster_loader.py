"""Loading an archive into a real 3-node cluster: every article on every mirror of its
shard, once; a second load writes nothing; a changed file is rewritten, a removed one
deleted; a load cut short is finished by the next with nothing lost or duplicated; the
text is folded on our side (Việt Nam = Vietnam, accents) as in the local index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.api import Archive
from search.backends.cluster import loader, nodes
from search.backends.cluster.text import engine_word, engine_words, query_word

from .conftest import write_articles

pytestmark = pytest.mark.skipif(shutil.which("searchd") is None, reason="no searchd")

TEXTS = {
    f"a{i}.txt": f"Report {i}\n\nThe minister of Việt Nam met officials in Đà Nẵng on day {i}."
    for i in range(12)
}


def sql(node: nodes.Node, statement: str) -> list[tuple[Any, ...]]:
    """The rows of one SphinxQL statement on one node (the loader's own connection)."""
    con = loader.Connection(node, loader.LoadReport())
    try:
        return con.run(statement)
    finally:
        con.close()


def holdings(cluster: nodes.Cluster) -> dict[int, list[str]]:
    """node -> the article ids it holds (every shard it has), sorted."""
    out: dict[int, list[str]] = {}
    for node in cluster.nodes:
        rows = [
            str(row[0])
            for shard in node.shards
            for row in sql(node, f"SELECT article_id FROM {shard} LIMIT 1000")
        ]
        out[node.number] = sorted(rows)
    return out


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Archive, nodes.Cluster, Path]]:
    root = write_articles(tmp_path / "arch", TEXTS)
    with (
        nodes.running(tmp_path / "cluster", nodes=3) as cluster,
        Archive.open(root, tmp_path / "index") as archive,
    ):
        archive.update(entities=False)
        yield archive, cluster, root


def test_every_article_lands_once_on_every_mirror_of_its_shard(
    setup: tuple[Archive, nodes.Cluster, Path],
) -> None:
    archive, cluster, _ = setup
    report = loader.load(archive, cluster)
    held = holdings(cluster)
    assert held[2] == held[3]  # the mirrors of shard 2 agree
    assert sorted(held[1] + held[2]) == sorted(TEXTS)  # each article once over the shards
    assert held[1] and held[2]  # both shards used
    assert report.written == len(held[1]) + 2 * len(held[2]) and report.deleted == 0
    again = loader.load(archive, cluster)
    assert again.written == 0 and again.unchanged == report.written


def test_a_changed_file_is_rewritten_and_a_removed_one_deleted(
    setup: tuple[Archive, nodes.Cluster, Path],
) -> None:
    archive, cluster, root = setup
    loader.load(archive, cluster)
    (root / "a1.txt").write_text("Report 1\n\nNow about Kazakhstan.", encoding="utf-8")
    (root / "a2.txt").unlink()
    archive.update(entities=False)
    report = loader.load(archive, cluster)
    mirrors = len(cluster.shards[loader.shard_of(loader.document_id("a1.txt"), cluster)])
    gone = len(cluster.shards[loader.shard_of(loader.document_id("a2.txt"), cluster)])
    assert report.written == mirrors and report.deleted == gone
    found = sql(cluster.nodes[0], "SELECT article_id FROM archive WHERE MATCH('kazakhstan')")
    assert found == [("a1.txt",)]
    assert not any("a2.txt" in held for held in holdings(cluster).values())


def test_a_load_cut_short_is_finished_by_the_next_without_duplicates(
    setup: tuple[Archive, nodes.Cluster, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    archive, cluster, _ = setup
    monkeypatch.setattr(loader, "BATCH", 5)

    def cut(done: int, total: int) -> None:
        if done >= 5:
            raise KeyboardInterrupt  # as a kill between two batches

    with pytest.raises(KeyboardInterrupt):
        loader.load(archive, cluster, cut)
    held = holdings(cluster)
    assert len(held[1]) + len(held[2]) < len(TEXTS)
    loader.load(archive, cluster)
    held = holdings(cluster)
    assert sorted(held[1] + held[2]) == sorted(TEXTS) and held[2] == held[3]


def test_the_cluster_finds_folded_words_as_the_local_index_does(
    setup: tuple[Archive, nodes.Cluster, Path],
) -> None:
    archive, cluster, _ = setup
    loader.load(archive, cluster)
    node = cluster.nodes[0]
    for typed in ("Viet Nam", "vietnam", "Việt Nam", "Da Nang", "đà nẵng"):
        match = query_word(typed)
        rows = sql(node, f"SELECT id FROM archive WHERE MATCH('\"{match}\"') LIMIT 100")
        assert len(rows) == len(TEXTS), typed
    names = sql(node, "SELECT display FROM names WHERE kind = 'COUNTRY'")
    assert ("VN",) in names


def test_words_reach_the_engine_in_its_own_alphabet() -> None:
    assert engine_words("Việt Nam's U.S. deal") == "vietnam us deal"
    assert engine_word("7.09") == "7_2e_09"
    assert engine_word("中国") == "_4e2d__56fd_"
    assert query_word("Đà Nẵng") == "da nang"


def test_index_to_a_cluster_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from search.cli import main

    root = write_articles(tmp_path / "arch", dict(list(TEXTS.items())[:3]))
    with nodes.running(tmp_path / "cluster", nodes=2) as cluster:
        where = ["--index-dir", str(tmp_path / "index"), "--text-only", "--json"]
        assert main(["index", str(root), *where, "--to", cluster.folder]) == 0
        first = json.loads(capsys.readouterr().out)["cluster"]
        assert first["url"] == cluster.url and first["written"] == 3
        manifest = str(Path(cluster.folder) / nodes.MANIFEST)
        assert main(["index", str(root), *where, "--to", manifest]) == 0
        assert json.loads(capsys.readouterr().out)["cluster"]["written"] == 0
    assert main(["index", str(root), *where, "--to", str(tmp_path / "none")]) == 2
    assert "No cluster was started" in capsys.readouterr().err
