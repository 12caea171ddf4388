"""A local cluster of real ``searchd`` nodes (Debian's sphinxsearch): started on free
loopback ports, queried through node 1's distributed index, complete through a mirror
when a node stops, restarted, stopped; a clear sentence where searchd is missing."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.backends.cluster import loader, nodes
from search.cli import main
from search.errors import ClusterError

needs_searchd = pytest.mark.skipif(shutil.which("searchd") is None, reason="no searchd")


def sql(node: nodes.Node, statement: str) -> tuple[Any, ...]:
    """The rows of one SphinxQL statement on one node (the loader's own connection)."""
    con = loader.Connection(node, loader.LoadReport())
    try:
        return tuple(con.run(statement))
    finally:
        con.close()


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[nodes.Cluster]:
    with nodes.running(tmp_path / "cluster", nodes=3) as started:
        yield started


def test_the_layout_puts_shard_one_on_node_one_and_mirrors_the_rest() -> None:
    assert nodes.layout(1) == {"shard_1": [1], "shard_2": [1]}
    assert nodes.layout(2) == {"shard_1": [1], "shard_2": [2]}
    assert nodes.layout(3) == {"shard_1": [1], "shard_2": [2, 3]}
    assert nodes.layout(5, shards=3) == {"shard_1": [1], "shard_2": [2, 4], "shard_3": [3, 5]}
    with pytest.raises(ClusterError):
        nodes.layout(0)


@needs_searchd
def test_a_started_cluster_answers_through_its_distributed_index(
    cluster: nodes.Cluster, tmp_path: Path
) -> None:
    manifest = json.loads((tmp_path / "cluster" / nodes.MANIFEST).read_text("utf-8"))
    assert manifest["url"] == cluster.url and cluster.url.startswith("sphinxql://127.0.0.1:")
    assert [n["number"] for n in manifest["nodes"]] == [1, 2, 3]
    assert all(n["pid"] > 0 and n["sql_port"] and n["api_port"] for n in manifest["nodes"])
    one, two, three = cluster.nodes
    sql(one, "INSERT INTO shard_1 (id, title, body) VALUES (1, 'a', 'kazakhstan deal')")
    for mirror in (two, three):
        sql(mirror, "INSERT INTO shard_2 (id, title, body) VALUES (2, 'b', 'kazakhstan')")
    query = "SELECT id FROM archive WHERE MATCH('kazakhstan') ORDER BY id ASC"
    assert sql(one, query) == ((1,), (2,))
    nodes.stop(tmp_path / "cluster", only=2)
    assert sql(one, query) == ((1,), (2,))  # the mirror on node 3 serves
    assert [up for _, up in nodes.status(tmp_path / "cluster")] == [True, False, True]
    nodes.restart_node(tmp_path / "cluster", 2)
    assert sql(two, "SELECT id FROM shard_2") == ((2,),)  # its data kept
    nodes.stop(tmp_path / "cluster")
    assert not any(up for _, up in nodes.status(tmp_path / "cluster"))


@needs_searchd
def test_a_second_start_in_a_running_clusters_folder_is_refused(cluster: nodes.Cluster) -> None:
    with pytest.raises(ClusterError, match="already running"):
        nodes.start(Path(cluster.folder), 3)


@needs_searchd
def test_the_command_line_starts_reports_and_stops_a_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(tmp_path / "cli")
    try:
        assert main(["cluster", "start", "--nodes", "2", "--dir", folder, "--json"]) == 0
        started = json.loads(capsys.readouterr().out)
        assert len(started["nodes"]) == 2 and started["url"].endswith("/archive")
        assert main(["cluster", "status", "--dir", folder, "--json"]) == 0
        assert [n["running"] for n in json.loads(capsys.readouterr().out)] == [True, True]
    finally:
        assert main(["cluster", "stop", "--dir", folder]) == 0
    assert "cluster stopped" in capsys.readouterr().out


def test_without_searchd_or_a_cluster_the_command_line_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(nodes.shutil, "which", lambda _name: None)
    assert main(["cluster", "start", "--dir", str(tmp_path / "c")]) == 2
    assert "searchd is not installed" in capsys.readouterr().err
    assert main(["cluster", "stop", "--dir", str(tmp_path / "none")]) == 2
    assert "No cluster was started" in capsys.readouterr().err
    assert not (tmp_path / "c" / nodes.MANIFEST).exists()
