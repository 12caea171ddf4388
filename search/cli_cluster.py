"""``archive-search cluster start|stop|status``: a local cluster of ``searchd`` nodes in one
command (as Solr's ``bin/solr -e cloud``), for trying a shared archive on one machine."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from search.backends.cluster import nodes

if TYPE_CHECKING:
    from search.backends.cluster.archive import ClusterArchive

Out = Callable[[str], None]


def open_shared(location: str) -> ClusterArchive:
    """The shared archive at ``location`` (imported here: plain queries need no SphinxQL)."""
    from search.backends.cluster.archive import ClusterArchive  # noqa: PLC0415 - --server only

    return ClusterArchive.open(location)


def register(sub: Any, out: Out, out_json: Callable[[object], None]) -> None:
    """Add ``cluster`` and its commands to the ``archive-search`` parser."""
    p_cluster = sub.add_parser("cluster", help="start, stop or check a local search cluster")
    commands = p_cluster.add_subparsers(dest="cluster_command", required=True, metavar="COMMAND")

    def where(p: argparse.ArgumentParser) -> None:
        p.add_argument("--dir", type=Path, required=True, help="the cluster's folder")
        p.add_argument("--json", action="store_true", help="machine-readable output")

    p_start = commands.add_parser("start", help="write node configurations and start searchd")
    p_start.add_argument("--nodes", type=int, default=3, help="searchd processes (default 3)")
    p_start.add_argument("--shards", type=int, default=2, help="shards of the archive (default 2)")
    where(p_start)

    def run_start(args: argparse.Namespace) -> int:
        cluster = nodes.start(args.dir, args.nodes, args.shards)
        if args.json:
            out_json(cluster.to_json())
            return 0
        out(f"cluster started: {cluster.url}")
        for node in cluster.nodes:
            held = ", ".join(node.shards) or "-"
            out(f"  node {node.number}: SphinxQL {node.sql_port}, API {node.api_port}, {held}")
        out(f"recorded in {Path(cluster.folder) / nodes.MANIFEST}")
        return 0

    p_start.set_defaults(run=run_start)

    p_stop = commands.add_parser("stop", help="stop every node (the data is kept)")
    p_stop.add_argument("--node", type=int, help="stop only this node (1, 2, ...)")
    where(p_stop)

    def run_stop(args: argparse.Namespace) -> int:
        cluster = nodes.stop(args.dir, args.node)
        if args.json:
            stopped = [n.number for n in cluster.nodes if args.node in (None, n.number)]
            out_json({"stopped": stopped})
        else:
            out("node stopped" if args.node else "cluster stopped")
        return 0

    p_stop.set_defaults(run=run_stop)

    p_status = commands.add_parser("status", help="which nodes are running")
    where(p_status)

    def run_status(args: argparse.Namespace) -> int:
        found = nodes.status(args.dir)
        if args.json:
            out_json([{"node": n.number, "pid": n.pid, "running": up} for n, up in found])
            return 0
        for node, up in found:
            state = "running" if up else "stopped"
            out(f"node {node.number}: {state} (pid {node.pid}, SphinxQL {node.sql_port})")
        return 0

    p_status.set_defaults(run=run_status)
