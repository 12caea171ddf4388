"""Same story, many copies, on disk and per reader: the story state beside the index and
the per-document group column the read path collapses over (issue #15).

Two files in the index folder, both written atomically (temporary file, fsync, rename):

- ``stories.npz``: the writer's whole `StoryIndex` (signatures, band keys, edges), tagged
  with the key of the index generation it matches (`generation_key`). Only the writer
  (`search.update.stories`) reads it: ~1 KB an article, too much to load for a search.
- ``stories.json``: just the groups (members, representative first) with the same key,
  a few bytes per grouped article: what a reader loads to build its `StoryColumn`.

The writer saves both after the last commit of an update. A kill between a commit and
the save leaves files tagged with an older key; the next update sees the mismatch (or a
missing or damaged file) and brings the state up to date from the stored articles. A
reader uses ``stories.json`` whatever its key (ids that are not in the index are
dropped), so a search between the commit and the save shows the groups one update old
rather than none.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from search.store.doctable import BoolArray, DocTable, IntArray
from search.store.folder import open_regular
from search.store.stories import Group, StoryArticle, write_atomically
from search.store.tablecache import cache_key

log = logging.getLogger("archive_browser.engine.stories")

GROUPS_FORMAT = 1
"""Bump when the layout of ``stories.json`` changes (an old file then counts as missing)."""


def generation_key(reader: Any) -> str:
    """Which index generation a reader sees: its generation and every segment's id, size
    and deletions (as the table cache keys it), so any commit or rebuild changes it."""
    keyed = cache_key(reader)
    if keyed is not None:
        return keyed[1]
    return f"{reader.generation()}:empty"


def stored_articles(ix: Any) -> Iterator[StoryArticle]:
    """Every live article of the index as the grouping sees it (cleaned body, date, word
    count), from the stored fields: what a missing or stale state is rebuilt from."""
    with ix.searcher() as searcher:
        reader = searcher.reader()
        if reader.doc_count_all() == 0:
            return
        ids = list(reader.column_reader("c_id"))
        for docnum in reader.all_doc_ids():
            doc = json.loads(searcher.stored_fields(docnum)["doc"])
            day = date.fromisoformat(doc["date"]) if doc["date"] else None
            yield StoryArticle(ids[docnum].decode(), doc["body"], day, int(doc["words"]))


# --- the groups file ----------------------------------------------------------------


def save_groups(path: Path, groups: Iterable[Group], key: str) -> None:
    """Write ``stories.json``: each group's members, the representative first."""
    data = {
        "format": GROUPS_FORMAT,
        "key": key,
        "groups": [list(g.members) for g in groups],
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    write_atomically(path, raw.encode("utf-8", "surrogatepass"))


def load_groups(path: Path) -> tuple[str, list[list[str]]] | None:
    """(key, groups) of a ``stories.json``, or None when missing, damaged or of another
    format (a reader then groups nothing until the writer saves it again)."""
    try:
        with open_regular(path) as handle:  # a FIFO put here must not hang every open
            data = json.loads(handle.read().decode("utf-8", "surrogatepass"))
        if data.get("format") != GROUPS_FORMAT:
            return None
        groups = [[str(m) for m in members] for members in data["groups"]]
        return str(data["key"]), groups
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.info("story groups %s unreadable (%s): no groups until the next update", path, exc)
        return None


# --- the reader's column --------------------------------------------------------------


@dataclass(slots=True)
class StoryColumn:
    """Per document of one reader, its story: what collapsing a search works on.

    ``group[d]`` is the group number of document ``d``, or -1 when it is alone; the
    representative of group ``g`` is ``representative[g]`` (a docnum). Groups with fewer
    than two members in this reader are dropped (alone)."""

    group: IntArray
    is_representative: BoolArray
    representative: IntArray
    members: list[list[int]]
    """Docnums of each group's members, the representative first."""
    group_ids: list[str]
    key: str = ""

    @classmethod
    def empty(cls, size: int) -> StoryColumn:
        return cls(
            group=np.full(size, -1, dtype=np.int64),
            is_representative=np.zeros(size, dtype=np.bool_),
            representative=np.empty(0, dtype=np.int64),
            members=[],
            group_ids=[],
        )

    @classmethod
    def build(cls, path: Path, table: DocTable) -> StoryColumn:
        """The column of ``table``'s reader from the groups file (cost: the grouped
        articles only, plus one array of the table's size)."""
        column = cls.empty(table.size)
        loaded = load_groups(path)
        if loaded is None:
            return column
        column.key, groups = loaded
        by_id = table.docnum_by_id
        reps: list[int] = []
        for ids in groups:
            docnums = [by_id[i] for i in ids if i in by_id]
            if len(docnums) < 2:
                continue
            number = len(column.members)
            column.group[docnums] = number
            column.members.append(docnums)
            column.group_ids.append(min(table.ids[d] for d in docnums))
            reps.append(docnums[0])
        column.representative = np.asarray(reps, dtype=np.int64)
        column.is_representative[column.representative] = True
        return column

    def versions(self, docnum: int) -> int:
        """How many articles the document's story has (1 when it is alone)."""
        number = int(self.group[docnum])
        return len(self.members[number]) if number >= 0 else 1

    def group_id(self, docnum: int) -> str | None:
        number = int(self.group[docnum])
        return self.group_ids[number] if number >= 0 else None

    def collapse(self, selected: BoolArray, rank: Any = None) -> BoolArray:
        """One document per story among ``selected``: its representative if selected,
        else its selected member of lowest ``rank`` (an array over docnums: lower is
        better; ties, and no ``rank``, by docnum). Articles that are alone stay as they are.

        A sort of the selected grouped documents only, so its cost follows the copies
        a search finds, not the archive."""
        grouped = self.group >= 0
        candidates = np.flatnonzero(selected & grouped)
        if not len(candidates):
            return selected
        groups = self.group[candidates]
        ranks = rank[candidates] if rank is not None else np.zeros(len(candidates), np.int8)
        order = np.lexsort((candidates, ranks, ~self.is_representative[candidates], groups))
        in_order = groups[order]
        first = np.concatenate(([True], in_order[1:] != in_order[:-1]))
        out: BoolArray = selected & ~grouped
        out[candidates[order[first]]] = True
        return out
