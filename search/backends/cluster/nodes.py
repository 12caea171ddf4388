"""A local cluster in one command: node configurations, ``searchd`` started and stopped.

``start(folder, nodes=3)`` lays the archive out as shards of real-time indexes: shard 1
on node 1, the other shards on the other nodes, each such shard on every node it is given
to (so with 3 nodes and 2 shards, shard 2 has a mirror). Node 1 also serves ``archive``,
a distributed index over its own shard and agents for the others (``ha_strategy =
nodeads``: a dead mirror is left out and the other serves), which is what clients query.
``folder/cluster.json`` records the nodes (ports, pid, their shards) and ``url``, what
``--to``, ``--server`` and the window accept. ``stop(folder)`` stops every node.

Only what Manticore also supports is used: RT indexes, SphinxQL on a ``mysql41``
listener, the binary API port for agents, ``ha_strategy``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from search.errors import ClusterError

log = logging.getLogger("archive_browser.engine.cluster")

MANIFEST = "cluster.json"
DISTRIBUTED = "archive"
"""The index clients query: node 1's distributed index over every shard."""
HOST = "127.0.0.1"
READY_SECONDS = 15.0
STOP_SECONDS = 10.0

FORMAT = 2
"""The shards' layout (``SCHEMA``); a cluster made with another is made anew, not read."""

SCHEMA = (
    "rt_field = title",
    "rt_field = body",
    "rt_field = title_stems",
    "rt_field = body_stems",
    "rt_field = entity_keys",
    "rt_attr_string = article_id",
    "rt_attr_string = title_text",
    "rt_attr_string = source",
    "rt_attr_string = content_hash",
    "rt_attr_json = details",
    "rt_attr_multi_64 = countries",
    "rt_attr_multi_64 = people",
    "rt_attr_multi_64 = orgs",
    "rt_attr_multi_64 = places",
    "rt_attr_timestamp = published",
    "rt_attr_uint = month",
    "rt_attr_uint = dated",
    "rt_attr_uint = day",
    "dict = keywords",
    "min_prefix_len = 1",
    "index_exact_words = 1",
)
"""The shards' columns. Text arrives folded by us (accents, Việt Nam = Vietnam, see
``text.py``), so the engine's own folding never differs from the local index's; the
``*_stems`` fields hold each word's stem, which plain query words match (as the local
index's stem expansion does), and ``entity_keys`` a word per entity and country, so that
``person:`` and ``country:`` take part in any AND/OR/NOT of a query. Entities are
64-bit keys of (type, name); ``NAMES`` on node 1 turns them back into names. ``day`` is
``yyyymmdd`` (0: undated), what date ranges compare, as locally."""


def day_key(day: date) -> int:
    """A date as the shards' ``day`` holds it: ``yyyymmdd`` (0 stands for undated)."""
    return day.year * 10000 + day.month * 100 + day.day


NAMES = "names"
NAMES_SCHEMA = (
    "rt_field = name",
    "rt_attr_string = kind",
    "rt_attr_string = display",
)


@dataclass(slots=True)
class Node:
    number: int
    sql_port: int
    api_port: int
    folder: str
    shards: list[str]
    pid: int = 0


@dataclass(slots=True)
class Cluster:
    folder: str
    nodes: list[Node]
    shards: dict[str, list[int]] = field(default_factory=dict)
    """shard name -> the node numbers that hold it (more than one: mirrors)."""
    format: int = FORMAT

    @property
    def url(self) -> str:
        return f"sphinxql://{HOST}:{self.nodes[0].sql_port}/{DISTRIBUTED}"

    def to_json(self) -> dict[str, object]:
        return {
            "url": self.url,
            "folder": self.folder,
            "nodes": [asdict(n) for n in self.nodes],
            "shards": self.shards,
            "format": self.format,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cluster:
        nodes = [Node(**n) for n in data["nodes"]]
        shards = {str(k): [int(x) for x in v] for k, v in data["shards"].items()}
        return cls(str(data["folder"]), nodes, shards, int(data.get("format", 1)))

    def check_format(self) -> None:
        """A ClusterError unless this cluster's shards have today's layout."""
        if self.format != FORMAT:
            raise ClusterError(
                f"The cluster in {self.folder} was made by an older version of Archive "
                "Browser. Stop it, remove its folder, start a new cluster there and index "
                "the folder into it again (the articles are read from the folder)."
            )


def searchd() -> str:
    """The ``searchd`` program, or a ClusterError that says how to get it."""
    found = shutil.which("searchd")
    if found is None:
        raise ClusterError(
            "searchd is not installed: install Debian's sphinxsearch package "
            "(apt install sphinxsearch) or Manticore Search, then try again."
        )
    return found


def layout(nodes: int, shards: int = 2) -> dict[str, list[int]]:
    """Which nodes hold which shard: shard 1 on node 1; shards 2.. spread over nodes 2..,
    each on every node whose turn it is (so spare nodes become mirrors). One node holds
    every shard itself."""
    if nodes < 1 or shards < 1:
        raise ClusterError("A cluster needs at least one node and one shard.")
    names = [f"shard_{i}" for i in range(1, shards + 1)]
    if nodes == 1:
        return {name: [1] for name in names}
    out: dict[str, list[int]] = {names[0]: [1]}
    rest = names[1:]
    if not rest:
        return out
    for i, name in enumerate(rest):
        out[name] = [n for n in range(2, nodes + 1) if (n - 2) % len(rest) == i]
        if not out[name]:
            out[name] = [2 + i % (nodes - 1)]
    return out


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def node_config(cluster: Cluster, node: Node) -> str:
    """``sphinx.conf`` of one node: its shards, node 1's distributed index, its daemon."""
    folder = Path(node.folder)
    lines: list[str] = []
    for shard in node.shards:
        lines += [f"index {shard}", "{", "    type = rt", f"    path = {folder / shard}"]
        lines += [f"    {row}" for row in SCHEMA]
        lines += ["}", ""]
    if node.number == 1:
        lines += [f"index {NAMES}", "{", "    type = rt", f"    path = {folder / NAMES}"]
        lines += [f"    {row}" for row in NAMES_SCHEMA]
        lines += ["}", ""]
        lines += [f"index {DISTRIBUTED}", "{", "    type = distributed"]
        for shard, holders in cluster.shards.items():
            if 1 in holders:
                lines.append(f"    local = {shard}")
            else:
                mirrors = "|".join(f"{HOST}:{cluster.nodes[n - 1].api_port}" for n in holders)
                lines.append(f"    agent = {mirrors}:{shard}")
        lines += [
            "    ha_strategy = nodeads",
            "    agent_connect_timeout = 300",
            "    agent_query_timeout = 5000",
            "}",
            "",
        ]
    lines += [
        "searchd",
        "{",
        f"    listen = {HOST}:{node.api_port}",
        f"    listen = {HOST}:{node.sql_port}:mysql41",
        f"    pid_file = {folder / 'searchd.pid'}",
        f"    log = {folder / 'searchd.log'}",
        f"    query_log = {folder / 'query.log'}",
        f"    binlog_path = {folder}",
        "    workers = threads",
        "    seamless_rotate = 1",
        "}",
        "",
    ]
    return "\n".join(lines)


def read(folder: Path) -> Cluster:
    """The cluster recorded in ``folder``, or a ClusterError saying there is none."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return Cluster.from_json(data)
    except FileNotFoundError:
        raise ClusterError(f"No cluster was started in {folder} ({MANIFEST} is missing).") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ClusterError(f"{folder / MANIFEST} cannot be read: {exc}") from None


def _write_manifest(cluster: Cluster) -> None:
    path = Path(cluster.folder) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(cluster.to_json(), indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def start(folder: Path, nodes: int = 3, shards: int = 2) -> Cluster:
    """Write the node configurations under ``folder``, start a ``searchd`` per node on free
    loopback ports, wait until each answers SphinxQL, and record ``cluster.json``. A
    cluster already running there is an error; one that was stopped is started anew
    with its data kept."""
    program = searchd()
    folder = folder.resolve()
    if (folder / MANIFEST).exists():
        before = read(folder)
        if any(_alive(n.pid) for n in before.nodes):
            raise ClusterError(f"A cluster is already running in {folder}; stop it first.")
        before.check_format()
    folder.mkdir(parents=True, exist_ok=True)
    placed = layout(nodes, shards)
    members = [
        Node(
            number,
            _free_port(),
            _free_port(),
            str(folder / f"node{number}"),
            [s for s, holders in placed.items() if number in holders],
        )
        for number in range(1, nodes + 1)
    ]
    cluster = Cluster(str(folder), members, placed)
    started: list[Node] = []
    try:
        for node in reversed(members):  # agents first, so node 1 finds them up
            Path(node.folder).mkdir(exist_ok=True)
            config = Path(node.folder) / "sphinx.conf"
            config.write_text(node_config(cluster, node), encoding="utf-8")
            _launch(program, config, node)
            started.append(node)
        for node in members:
            _wait_ready(node)
    except BaseException:
        for node in started:
            _stop_node(node)
        raise
    _write_manifest(cluster)
    log.info("cluster of %d nodes started in %s: %s", nodes, folder, cluster.url)
    return cluster


def _launch(program: str, config: Path, node: Node) -> None:
    done = subprocess.run(
        [program, "--config", str(config)], capture_output=True, text=True, check=False
    )
    pid_file = Path(node.folder) / "searchd.pid"
    if done.returncode != 0 or not pid_file.exists():
        tail = (done.stdout + done.stderr).strip().splitlines()[-3:]
        raise ClusterError(f"searchd of node {node.number} did not start: {' '.join(tail)}")
    node.pid = int(pid_file.read_text().strip() or 0)


def _wait_ready(node: Node) -> None:
    until = time.monotonic() + READY_SECONDS
    while time.monotonic() < until:
        if not _alive(node.pid):
            raise ClusterError(f"searchd of node {node.number} exited; see {node.folder}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, node.sql_port), 0.5):
            return
        time.sleep(0.05)
    raise ClusterError(f"searchd of node {node.number} did not answer in {READY_SECONDS:.0f} s.")


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):  # a zombie of ours is not alive
        state = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
        return state != "Z"
    return True


def _stop_node(node: Node) -> None:
    if not _alive(node.pid):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(node.pid, signal.SIGTERM)
    until = time.monotonic() + STOP_SECONDS
    while _alive(node.pid) and time.monotonic() < until:
        time.sleep(0.05)
    if _alive(node.pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(node.pid, signal.SIGKILL)


def stop(folder: Path, only: int | None = None) -> Cluster:
    """Stop every node of the cluster in ``folder`` (or node ``only``); data is kept."""
    cluster = read(folder.resolve())
    for node in cluster.nodes:
        if only is None or node.number == only:
            _stop_node(node)
    return cluster


def restart_node(folder: Path, number: int) -> Node:
    """Start node ``number`` of a recorded cluster again (after a stop or a crash), on its
    recorded ports, with its data."""
    cluster = read(folder.resolve())
    node = next((n for n in cluster.nodes if n.number == number), None)
    if node is None:
        raise ClusterError(f"The cluster has no node {number}.")
    if not _alive(node.pid):
        _launch(searchd(), Path(node.folder) / "sphinx.conf", node)
        _wait_ready(node)
        _write_manifest(cluster)
    return node


def status(folder: Path) -> list[tuple[Node, bool]]:
    """Each node of the recorded cluster and whether its process is alive."""
    return [(node, _alive(node.pid)) for node in read(folder.resolve()).nodes]


@contextlib.contextmanager
def running(folder: Path, nodes: int = 3, shards: int = 2) -> Iterator[Cluster]:
    """A cluster for the length of a ``with`` block (tests, benchmarks)."""
    cluster = start(folder, nodes, shards)
    try:
        yield cluster
    finally:
        stop(folder)
