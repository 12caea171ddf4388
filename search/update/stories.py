"""The writer's side of story grouping (issue #15): the `StoryIndex` kept in step with
the text the update commits, and saved beside the index after its last commit.

Incremental: each committed batch's added and changed articles (cleaned body, date, word
count) and removed ids go into the state in memory once the batch has committed (so the
state never holds text the index does not), and the state is written once, after the
update's last commit, tagged with that generation's key (`search.store.story_state`).
Saving per batch would write the whole state (~1 KB an article) once per batch
(``COMMIT_EVERY`` articles).

When the saved state cannot be trusted (missing, damaged, other parameters, or tagged
with another generation: a kill between a commit and the save, an index written by an
older version), it is brought up to date from the stored articles after the last commit:
the state it had, or an empty one, updated with every live article and the removal of
every id no longer indexed. Unchanged bodies are only hashed then, not signed again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from search.model import Article
from search.store import folder
from search.store.folder import IndexPaths
from search.store.stories import StoryArticle, StoryIndex, StoryStateError
from search.store.story_state import generation_key, load_groups, save_groups, stored_articles

log = logging.getLogger("archive_browser.engine.stories")

REPAIR_BATCH = 5_000
"""Stored articles grouped at a time when the state is brought up to date."""


class StoryKeeper:
    """The story state of one update: fed per committed batch, saved at the end."""

    def __init__(self, paths: IndexPaths, ix: Any, *, rebuild: bool) -> None:
        self._paths = paths
        self._pending: dict[str, StoryArticle] = {}
        self._removed: set[str] = set()
        self._changed = False
        self.repair = False
        """Whether the state must be brought up to date from the stored articles."""
        self.seconds = 0.0
        """Time spent grouping, loading and saving (for the log and the bench)."""
        started = time.perf_counter()
        for path in (paths.stories, paths.story_groups):
            if folder.is_kind(path, want_dir=False) is False:  # a FIFO would hang np.load
                log.warning("%s is not a regular file: replacing it", path)
                folder.remove(path)
        self._ix = ix
        self._index: StoryIndex | None = None
        self._saved_key = ""
        """The generation key the saved state was found tagged with, when it is loaded
        only once needed (an unchanged archive's update never needs it)."""
        if rebuild:
            self._index = StoryIndex()  # every article comes through `add`
            self._changed = True
        else:
            with ix.reader() as reader:
                key = generation_key(reader)
            if StoryIndex.saved_tag(paths.stories) == key:
                self._saved_key = key
            else:
                self._index = self._load(key)
        self.seconds += time.perf_counter() - started

    @property
    def index(self) -> StoryIndex:
        """The state, read from its file on first use when its tag was right."""
        if self._index is None:
            started = time.perf_counter()
            self._index = self._load(self._saved_key)  # damaged past its header: repaired
            self.seconds += time.perf_counter() - started
        return self._index

    def _load(self, key: str) -> StoryIndex:
        """The saved state; `repair` is set when it is unusable or not tagged ``key`` (the
        generation it was found for)."""
        path = self._paths.stories
        try:
            index = StoryIndex.load(path)
        except StoryStateError as exc:
            if path.exists():
                log.warning("story state %s unusable (%s): rebuilt from the index", path, exc)
            with self._ix.reader() as reader:
                empty = reader.doc_count_all() == 0
            if empty:
                # An index with no documents yet (a new archive's first update): the empty
                # state is its state, and every article comes through `add`, grouped per
                # committed batch while the files are read, as in a rebuild. A repair
                # would read every stored article back and group them all after the
                # last commit, with the reading processes idle (a third of the writer's
                # time after the last file, at 10,000 articles).
                self._changed = True
                return StoryIndex()
            self.repair = True
            return StoryIndex()
        if index.tag != key:
            log.info("story state %s is of another generation: brought up to date", path)
            self.repair = True
        return index

    def add(self, article: Article) -> None:
        """An added or changed article, grouped when its batch commits."""
        self.add_story(StoryArticle(article.id, article.body, article.date, article.words))

    def add_story(self, story: StoryArticle) -> None:
        """`add` of the article as the grouping sees it (its features computed ahead
        by a reading process, `search.update.prepare`, and its body perhaps left out)."""
        if self.repair:
            return  # the repair after the last commit reads every stored article anyway
        params = self.index.params  # read now, it may be found to need that repair
        if self.repair:
            return
        features = story.features
        if not story.body and features is not None and features.params != params:
            # Features of other parameters than the saved state's, and no body to compute
            # them again: the state is brought up to date from the stored articles.
            log.info("story state of other parameters: brought up to date from the index")
            self.repair = True
            self._pending.clear()
            self._removed.clear()
            return
        self._removed.discard(story.doc_id)
        self._pending[story.doc_id] = story

    def remove(self, article_id: str) -> None:
        """A removed article (or one that is now skipped)."""
        if self.repair:
            return
        self._pending.pop(article_id, None)
        self._removed.add(article_id)

    def committed(self) -> None:
        """The batch fed since the last call has committed: group it."""
        if not (self._pending or self._removed):
            return
        started = time.perf_counter()
        self.index.update(self._pending.values(), self._removed)
        self._pending.clear()
        self._removed.clear()
        self._changed = True
        self.seconds += time.perf_counter() - started

    def discard_pending(self) -> None:
        """The batch fed since the last commit will not commit (cancelled, failed)."""
        self._pending.clear()
        self._removed.clear()

    def save(self, ix: Any, *, repair: bool = True) -> None:
        """After the last commit: repair if needed (``repair=False``: leave that to the
        next update, e.g. after a cancel), then write the state and its groups tagged
        with the generation now committed. Raises OSError when they cannot be written."""
        started = time.perf_counter()
        with ix.reader() as reader:
            key = generation_key(reader)
        if self._index is None:
            groups = load_groups(self._paths.story_groups)
            if self._saved_key == key and groups is not None and groups[0] == key:
                return  # nothing changed: state and groups are this generation's already
            self.index  # noqa: B018 (read it to save it again; it may turn out to need repair)
        if self.repair:
            if not repair:
                return
            live: set[str] = set()
            batch: list[StoryArticle] = []
            for article in stored_articles(ix):  # in batches: the bodies are not all kept
                live.add(article.doc_id)
                batch.append(article)
                if len(batch) >= REPAIR_BATCH:
                    self.index.update(batch)
                    batch.clear()
            self.index.update(batch, [d for d in self.index.ids() if d not in live])
            self.repair = False
            self._changed = True
        if self._changed or self.index.tag != key:
            self.index.tag = key
            self.index.save(self._paths.stories)
            save_groups(self._paths.story_groups, self.index.groups(), key)
        else:
            loaded = load_groups(self._paths.story_groups)
            if loaded is None or loaded[0] != key:
                save_groups(self._paths.story_groups, self.index.groups(), key)
        self._changed = False
        self.seconds += time.perf_counter() - started
