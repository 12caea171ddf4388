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
``apart``   ``{"type", "name"}``: a short name stays itself where the machine counted it as
            the one full name it was seen beside ("Blair" is not always "Tony Blair").

Later corrections apply over earlier ones: a rename of a merged name renames the whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from search.analysis import fold
from search.model import Correction, Entity
from search.store.doctable import DocTable, IntArray, MultiValued

Key = tuple[str, str]
"""(type, folded name): one identity as the columns know it."""


def key_of(entity_type: str, name: str) -> Key:
    """The key the facet columns merge values by (`MultiValued.index`)."""
    return entity_type, fold(" ".join(name.split()))


@dataclass(slots=True)
class CorrectionSet:
    """Every correction folded into one mapping from identity to what it is now."""

    to: dict[Key, tuple[str, str] | None] = field(default_factory=dict)
    """identity -> (type, name) it becomes, or None: not an entity."""
    rejected_here: dict[str, set[tuple[int, int]]] = field(default_factory=dict)
    """article id -> (start, end) of mentions that are not entities."""
    added: dict[str, list[Entity]] = field(default_factory=dict)
    """article id -> mentions the user added."""
    apart: set[Key] = field(default_factory=set)
    """Short names the machine must not count as a full name (`entity_columns.short_forms`)."""

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
        if correction.kind == "apart":
            self.apart.add(key_of(kind, name))
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

        Only the corrected values are looked up (numpy does the pairs), so this costs a
        few tens of milliseconds at 10^5 articles whatever the number of names.
        ``here``: the mentions of the articles named by a one-mention rejection or an
        addition (such an article keeps a name while another mention of it is left)."""
        if not self:
            return table
        columns = table.names()
        parts = {kind: _Part.of(column) for kind, column in columns.items()}
        for (kind, folded), target in self.to.items():
            source = parts.get(kind)
            position = columns[kind].index.get(folded) if kind in columns else None
            if source is None or position is None:
                continue
            if target is None:
                source.drop(position)
            elif target[0] in parts:
                source.move(position, parts[target[0]], target[1])
        for part in parts.values():
            part.send_moved()
        by_id = table.docnum_by_id
        for article_id, mentions in here.items():
            docnum = by_id.get(article_id)
            if docnum is not None:
                corrected = self.entities(article_id, mentions)
                for kind, part in parts.items():
                    part.replace_article(docnum, {e.norm for e in corrected if e.type == kind})
        return replace(
            table,
            people=parts["PERSON"].column(),
            orgs=parts["ORG"].column(),
            places=parts["PLACE"].column(),
        )


@dataclass(slots=True)
class _Part:
    """One column being corrected: its values remapped, and pairs moved in from others.

    The correction set's targets are final (chains resolved when it was built), so each
    original value is remapped once, directly."""

    old: MultiValued
    vocab: list[str]
    index: dict[str, int]
    remap: IntArray
    """Old value -> new value (-1: dropped or moved to another column)."""
    moved: list[tuple[int, _Part, int]] = field(default_factory=list)
    """(old value, the part it moves to, its value there)."""
    incoming: list[tuple[IntArray, IntArray]] = field(default_factory=list)
    """(docs, values) moved here from other columns."""
    articles: dict[int, list[int]] = field(default_factory=dict)
    """docnum -> its values now, for articles whose mentions were corrected one by one."""
    changed: bool = False

    @classmethod
    def of(cls, column: MultiValued) -> _Part:
        return cls(column, list(column.vocab), dict(column.index), np.arange(len(column.vocab)))

    def position(self, name: str) -> int:
        """The value of ``name`` here (a new one if no value folds alike)."""
        found = self.index.setdefault(fold(name), len(self.vocab))
        if found == len(self.vocab):
            self.vocab.append(name)
        return found

    def drop(self, value: int) -> None:
        self.remap[value] = -1
        self.changed = True

    def move(self, value: int, into: _Part, name: str) -> None:
        """Old ``value``'s pairs go to ``name`` in ``into`` (this part, or another)."""
        self.changed = into.changed = True
        if into is self:
            self.remap[value] = self.position(name)
        else:
            self.moved.append((value, into, into.position(name)))
            self.remap[value] = -1

    def send_moved(self) -> None:
        for value, into, position in self.moved:
            docs = self.old.docs[self.old.values == value]
            into.incoming.append((docs, np.full(len(docs), position, dtype=np.int64)))

    def replace_article(self, docnum: int, names: set[str]) -> None:
        """The article's pairs are these names now (its corrected mentions)."""
        self.changed = True
        self.articles[docnum] = [self.position(name) for name in sorted(names)]

    def column(self) -> MultiValued:
        """The corrected column (the old one itself when nothing touched it)."""
        old = self.old
        if not self.changed:
            return old
        values = self.remap[old.values]
        keep = values >= 0
        docs = [old.docs[keep], *(d for d, _ in self.incoming)]
        kept = [values[keep], *(v for _, v in self.incoming)]
        if self.articles:
            replaced = np.fromiter(self.articles, dtype=np.int64)
            for i, part_docs in enumerate(docs):
                outside = ~np.isin(part_docs, replaced)
                docs[i], kept[i] = part_docs[outside], kept[i][outside]
            for docnum, positions in self.articles.items():
                docs.append(np.full(len(positions), docnum, dtype=np.int64))
                kept.append(np.asarray(positions, dtype=np.int64))
        return old.rebuilt(self.vocab, self.index, np.concatenate(docs), np.concatenate(kept))
