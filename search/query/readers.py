"""The query layer's objects of one index generation, kept in its `Snapshot`.

The executor (postings, lengths and pattern caches) and the stem expander hold the
generation's reader; they are made once per generation (`Snapshot.per_generation`) and
used under the snapshot's lock (`Snapshot.reading`), like the searcher they read. A
refresh makes them for the next snapshot before swapping it in (`prepare`), so the first
search after a commit does not pay for them.
"""

from __future__ import annotations

from search.query.executor import Executor
from search.query.stems import StemExpander
from search.store.snapshot import Snapshot


def _new_executor(snapshot: Snapshot) -> Executor:
    return Executor(snapshot.searcher, snapshot.base_table.live)


def _new_stems(snapshot: Snapshot) -> StemExpander:
    return StemExpander(snapshot.reader)


def executor_of(snapshot: Snapshot) -> Executor:
    """The generation's executor (use it under ``snapshot.reading()``)."""
    return snapshot.per_generation(_new_executor)


def stems_of(snapshot: Snapshot) -> StemExpander:
    """The generation's stem expander (use it under ``snapshot.reading()``)."""
    return snapshot.per_generation(_new_stems)


def prepare(snapshot: Snapshot) -> None:
    """Make the generation's executor and stems now (before the snapshot is swapped in)."""
    executor_of(snapshot)
    stems_of(snapshot)
