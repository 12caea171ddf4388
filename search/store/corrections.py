"""The user's corrections, applied: a layer over the machine's entities, never a rewrite.

The entity store keeps each correction as the user made it (`EntityStore.add_correction`);
this module turns the list into one mapping, applied where entities are read: the facet
columns (`CorrectionSet.apply`) and an article's mentions (`CorrectionSet.entities`). So a
correction shows at once, with no reindex, and survives every update, entity phase and
rebuild: the machine's output underneath changes, the layer stays.

Kinds and their arguments (JSON in the store; names are matched folded, so case and
accents do not matter):

``reject``  ``{"type", "name"}``: not an entity, anywhere; with ``"article", "start",
            "end"``: only that mention.
``retype``  ``{"type", "name", "new_type"}``
``rename``  ``{"type", "name", "new_name"}``: the name shown (and counted) from now on.
``merge``   ``{"type", "name", "into_type", "into_name"}``: one entity from now on.
``add``     ``{"type", "name", "article", "start", "end"}``: a mention the machine missed.
``split``   ``{"correction": id}``: undo the merge with that id (kept, so an export says so).

Later corrections apply over earlier ones: a rename of a merged name renames the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from search.analysis import fold
from search.doctable import BoolArray, DocTable, IntArray, MultiValued
from search.model import Correction, Entity

COLUMN_TYPES = ("PERSON", "ORG", "PLACE")
"""The types with a facet column (countries are codes, corrected through the rules)."""

Key = tuple[str, str]
"""(type, folded name): one identity as the columns know it."""


def key_of(entity_type: str, name: str) -> Key:
    return entity_type, " ".join(fold(word) for word in name.split())


@dataclass(slots=True)
class CorrectionSet:
    """Every correction folded into one mapping from identity to what it is now."""

    to: dict[Key, tuple[str, str] | None] = field(default_factory=dict)
    """identity -> (type, name) it becomes, or None: not an entity."""
    rejected_here: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    """article id -> (start, end) of mentions that are not entities."""
    added: dict[str, list[Entity]] = field(default_factory=dict)
    """article id -> mentions the user added."""

    @classmethod
    def build(cls, corrections: Sequence[Correction]) -> CorrectionSet:
        undone = {
            int(str(c.args.get("correction", 0)))
            for c in corrections
            if c.kind == "split" and str(c.args.get("correction", "")).isdigit()
        }
        out = cls()
        for correction in corrections:
            if correction.correction_id not in undone:
                out._add(correction)
        return out

    def _add(self, correction: Correction) -> None:
        args = correction.args
        kind = str(args.get("type", ""))
        name = str(args.get("name", ""))
        if not kind or not name:
            return
        article = args.get("article")
        if correction.kind == "reject" and article is not None:
            span = (int(str(args.get("start"))), int(str(args.get("end"))))
            self.rejected_here.setdefault(str(article), set()).add(span)
            return
        if correction.kind == "add" and article is not None:
            start, end = int(str(args.get("start"))), int(str(args.get("end")))
            self.added.setdefault(str(article), []).append(
                Entity(kind, str(args.get("text", name)), start, end, name)  # type: ignore[arg-type]
            )
            return
        current = self.resolve(kind, name)
        if current is None:
            return  # a correction of something rejected: nothing left to correct
        now_type, now_name = current
        target: tuple[str, str] | None
        if correction.kind == "reject":
            target = None
        elif correction.kind == "retype":
            target = (str(args.get("new_type", now_type)), now_name)
        elif correction.kind == "rename":
            target = (now_type, str(args.get("new_name", now_name)))
        elif correction.kind == "merge":
            into = self.resolve(str(args.get("into_type", kind)), str(args.get("into_name", "")))
            target = into if into and into[1] else None
            if target is None:
                return
        else:
            return
        original = key_of(kind, name)
        # Everything that resolved to the corrected identity follows it.
        for source, value in list(self.to.items()):
            if value is not None and key_of(*value) == key_of(now_type, now_name):
                self.to[source] = target
        self.to[original] = target
        self.to[key_of(now_type, now_name)] = target

    def resolve(self, entity_type: str, name: str) -> tuple[str, str] | None:
        """What an identity is now: (type, name), or None if it is not an entity."""
        found = self.to.get(key_of(entity_type, name), (entity_type, name))
        return found

    def __bool__(self) -> bool:
        return bool(self.to or self.rejected_here or self.added)

    # -- applying ---------------------------------------------------------------------------

    def entities(self, article_id: str, found: Iterable[Entity]) -> list[Entity]:
        """An article's mentions with the corrections applied, in text order."""
        rejected = self.rejected_here.get(article_id, set())
        out: list[Entity] = []
        for entity in found:
            if (entity.start, entity.end) in rejected:
                continue
            now = self.resolve(entity.type, entity.norm)
            if now is None:
                continue
            same = now == (entity.type, entity.norm)
            out.append(entity if same else replace(entity, type=now[0], norm=now[1]))  # type: ignore[arg-type]
        taken = {(e.start, e.end) for e in out}
        out += [e for e in self.added.get(article_id, []) if (e.start, e.end) not in taken]
        return sorted(out, key=lambda e: (e.start, e.end))

    def apply(self, table: DocTable, here: dict[str, list[Entity]]) -> DocTable:
        """The table's person, organisation and place columns with the corrections applied.

        ``here``: the mentions of the articles named by a one-mention rejection or an
        addition (such an article keeps a name while another mention of it is left)."""
        if not self:
            return table
        columns = {"PERSON": table.people, "ORG": table.orgs, "PLACE": table.places}
        parts = {kind: _Part() for kind in COLUMN_TYPES}
        for kind, column in columns.items():
            if not column.vocab:
                continue
            target = np.full(len(column.vocab), -1, dtype=np.int64)
            local = np.zeros(len(column.vocab), dtype=np.int64)
            for value, name in enumerate(column.vocab):
                now = self.resolve(kind, name)
                if now is None or now[0] not in parts:
                    continue
                part = parts[now[0]]
                target[value] = COLUMN_TYPES.index(now[0])
                local[value] = len(part.names)
                part.names.append(now[1])
            owner = target[column.values]
            for index, into in enumerate(COLUMN_TYPES):
                chosen = owner == index
                parts[into].docs.append(column.docs[chosen])
                parts[into].values.append(local[column.values[chosen]])
        by_id = table.docnum_by_id
        for article_id, mentions in here.items():
            docnum = by_id.get(article_id)
            if docnum is not None:
                corrected = self.entities(article_id, mentions)
                for kind, part in parts.items():
                    part.replace_article(docnum, {e.norm for e in corrected if e.type == kind})
        people, orgs, places = (parts[kind].column(table.live) for kind in COLUMN_TYPES)
        return replace(table, people=people, orgs=orgs, places=places)


@dataclass(slots=True)
class _Part:
    """One corrected column being gathered: names, and (doc, name position) pairs."""

    names: list[str] = field(default_factory=list)
    docs: list[IntArray] = field(default_factory=list)
    values: list[IntArray] = field(default_factory=list)

    def replace_article(self, docnum: int, names: set[str]) -> None:
        """The article's pairs are these names now (its corrected mentions)."""
        for i, (docs, values) in enumerate(zip(self.docs, self.values, strict=True)):
            keep = docs != docnum
            self.docs[i], self.values[i] = docs[keep], values[keep]
        for name in sorted(names):
            self.names.append(name)
            self.docs.append(np.asarray([docnum], dtype=np.int64))
            self.values.append(np.asarray([len(self.names) - 1], dtype=np.int64))

    def column(self, live: BoolArray) -> MultiValued:
        """As a MultiValued: names merged by folded form, pairs distinct and in doc order."""
        index: dict[str, int] = {}
        vocab: list[str] = []
        merge = np.empty(len(self.names), dtype=np.int64)
        for i, name in enumerate(self.names):
            position = index.setdefault(fold(name), len(vocab))
            if position == len(vocab):
                vocab.append(name)
            merge[i] = position
        docs = np.concatenate(self.docs) if self.docs else np.empty(0, dtype=np.int64)
        raw = np.concatenate(self.values) if self.values else np.empty(0, dtype=np.int64)
        size = max(1, len(vocab))
        keys = np.unique(docs * size + (merge[raw] if len(raw) else raw))
        docs, values = keys // size, keys % size
        name_rank = np.empty(len(vocab), dtype=np.int64)
        name_rank[np.argsort(np.asarray(vocab, dtype=object))] = np.arange(len(vocab))
        return MultiValued(
            vocab=vocab,
            index=index,
            docs=docs,
            values=values,
            name_rank=name_rank,
            indptr=np.searchsorted(docs, np.arange(len(live) + 1)),
            live=live,
        )
