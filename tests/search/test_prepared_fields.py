"""Articles made ready for the writer in the reading processes (`search.update.prepare`:
index fields with the word fields analysed ahead, story features computed ahead) give
the index the writer gives from the article itself: the same segment files byte for
byte, the same searches, stored articles and story groups."""

from __future__ import annotations

import json
import pickle
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import search.store.text_index
import search.update.index
import search.update.prepare
from search.analysis import AnalysedText, analysed_text, word_positions
from search.api import Archive
from search.model import Article, FileSig
from search.store import batch_postings
from search.store.schema import ANALYSED_FIELDS, EXACT_ANALYZER, build_schema, document_fields
from search.store.stories import Params, StoryArticle, StoryIndex, find_groups, story_features
from search.store.story_state import stored_articles
from search.update.prepare import Prepared
from search.update.stories import StoryKeeper

from .conftest import SAMPLE, build_then_change, write_articles
from .test_batch_postings import _answers, _article, _segment_files


def _writer_side(article: Article, sig: FileSig, sha1: str) -> Prepared:
    """How the writer was given an article before: its text, its body for the grouping."""
    story = StoryArticle(article.id, article.body, article.date, article.words)
    fields = document_fields(article, sig, sha1)
    return Prepared(article.id, fields, story, article.warnings, sig, sha1)


def _build(root: Path, index: Path, monkeypatch: pytest.MonkeyPatch, *, ahead: bool) -> Archive:
    """Several batches, then an update (changed, removed and new files: deletions and a
    merge of the small segments), all in this process so the patches hold."""
    with monkeypatch.context() as patch:
        if not ahead:
            patch.setattr(search.update.prepare, "prepared", _writer_side)
        patch.setattr(search.update.index, "PARALLEL_MIN", 10**9)
        patch.setattr(search.update.index, "FIRST_COMMIT", 40)
        patch.setattr(search.update.index, "COMMIT_EVERY", 110)
        patch.setattr(search.store.text_index, "SMALL_SEGMENT", 60)
        return build_then_change(root, index, _article, 23)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Generated articles, with exact copies and near-copies (an added sentence) among
    them, so that there are story groups to compare."""
    rng = random.Random(7)
    root = tmp_path_factory.mktemp("corpus")
    shutil.copytree(SAMPLE, root, dirs_exist_ok=True)
    texts = {f"a{i:03d}.txt": _article(rng) for i in range(260)}
    for i in range(0, 40, 4):
        texts[f"copy{i:03d}.txt"] = texts[f"a{i:03d}.txt"]
        texts[f"near{i:03d}.txt"] = texts[f"a{i + 1:03d}.txt"] + " A spokesman confirmed it."
    write_articles(root, texts)
    return root


def _groups(index: Path) -> list[list[str]]:
    return list(json.loads((index / "stories.json").read_text("utf-8"))["groups"])


def test_fields_analysed_ahead_index_as_the_text_does(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("writer", "ahead"):
        shutil.copytree(corpus, tmp_path / name / "archive")
    writer = _build(
        tmp_path / "writer/archive", tmp_path / "writer/index", monkeypatch, ahead=False
    )
    ahead = _build(tmp_path / "ahead/archive", tmp_path / "ahead/index", monkeypatch, ahead=True)
    with writer, ahead:
        expected = _segment_files(tmp_path / "writer/index")
        got = _segment_files(tmp_path / "ahead/index")
        assert len(expected) >= 3  # batches, and the update's merged segment
        assert [sorted(s) for s in got] == [sorted(s) for s in expected]
        for mine, theirs in zip(got, expected, strict=True):
            for ext in theirs:
                if ext != ".c_sig.col":  # each copy's file signatures (inodes, times)
                    assert mine[ext] == theirs[ext], ext
        answers = _answers(writer)
        assert _answers(ahead) == answers
        ids = writer.ids()
        assert ahead.ids() == ids and len(ids) > 280
        for article_id in ids:
            assert replace(ahead.article(article_id), path="") == replace(
                writer.article(article_id), path=""
            )
        groups = _groups(tmp_path / "writer/index")
        assert len(groups) >= 15  # the copies and near-copies, and the sample's own
        assert _groups(tmp_path / "ahead/index") == groups


def test_a_new_archive_groups_its_stories_per_batch_as_a_repair_from_the_index_would(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first update of an empty index groups the articles as they commit (no repair
    from the stored articles after the last commit), and finds the groups a repair finds."""
    shutil.copytree(corpus, tmp_path / "archive")
    repairs: list[bool] = []
    save = StoryKeeper.save

    def watched(self: StoryKeeper, ix: object, *, repair: bool = True) -> None:
        repairs.append(self.repair)
        save(self, ix, repair=repair)

    with monkeypatch.context() as patch:
        patch.setattr(StoryKeeper, "save", watched)
        patch.setattr(search.update.index, "PARALLEL_MIN", 10**9)
        patch.setattr(search.update.index, "FIRST_COMMIT", 40)
        patch.setattr(search.update.index, "COMMIT_EVERY", 110)
        with Archive.open(tmp_path / "archive", tmp_path / "index") as archive:
            archive.update(entities=False)
    assert repairs == [False]
    ix = search.store.text_index.open_index(tmp_path / "index" / "whoosh")
    try:
        repaired = [list(g.members) for g in find_groups(stored_articles(ix))]
    finally:
        ix.close()
    assert repaired and _groups(tmp_path / "index") == repaired


def test_the_analysed_fields_are_the_word_fields_of_the_schema() -> None:
    schema = build_schema()
    assert batch_postings.batch_fields(schema) == frozenset(ANALYSED_FIELDS)
    assert all(schema[name].analyzer == EXACT_ANALYZER for name in ANALYSED_FIELDS)


@pytest.mark.parametrize(
    "text",
    ["", "Free trade, free TRADE.", "Việt Nam's U.S. 7.09 Hà Nội it's", "x\u0336y ﷺ Ёлка"],
)
def test_analysed_text_survives_pickling_as_its_word_positions(text: str) -> None:
    analysed = pickle.loads(pickle.dumps(analysed_text(text), pickle.HIGHEST_PROTOCOL))
    assert isinstance(analysed, AnalysedText)
    assert analysed.positions() == word_positions(text)
    assert analysed.words() == list(word_positions(text))


def test_story_features_computed_ahead_are_those_the_index_computes() -> None:
    long = " ".join(f"The ministers met in city {i} to talk about trade." for i in range(12))
    bodies = {
        "a": long,
        "b": long + " They agreed.",
        "c": long,
        "e": "Short.",
        "f": "",
    }
    plain = StoryIndex()
    plain.update(StoryArticle(k, v) for k, v in bodies.items())
    ahead = StoryIndex()
    ahead.update(StoryArticle(k, "", features=story_features(v)) for k, v in bodies.items())
    assert ahead.groups() == plain.groups() and ahead.groups()
    other = Params(seed=Params().seed + 1)
    mixed = StoryIndex(other)  # features of other parameters: computed from the body
    mixed.update(StoryArticle(k, v, features=story_features(v)) for k, v in bodies.items())
    assert mixed.groups() == plain.groups()


def test_the_indexing_tokenizer_finds_the_index_tokenizers_tokens_in_hostile_text() -> None:
    """`word_positions` tokenises with a faster pattern than `TOKEN_PATTERN` (which the
    index's pickled tokenizer holds): the same tokens for every BMP character in and
    around words, Viet Nam and abbreviations, and for random runs of code points."""
    from search.analysis import _FAST_TOKENS, TOKEN_PATTERN

    chars = [chr(c) for c in range(1, 0x10000) if not 0xD800 <= c < 0xE000]
    chars += ["\U0001d400", "\U00010300", "\U0001f600", "\U000e0100"]
    text = "".join(
        f" a{c}b {c}x{c} vi{c}t nam{c} Viet Nam{c}s VIỆT-{c}NAM U.{c}S. 7.{c}09 {c}ß.{c}"
        for c in chars
    )
    assert _FAST_TOKENS.findall(text) == TOKEN_PATTERN.findall(text)
    rng = random.Random(3)
    alphabet = [*chars[:0x3000], *"vViIeEêÊệỆtTnNaAmM .-\t\u00a0\u0345\u0301'"]
    for _ in range(200):
        noise = "".join(rng.choice(alphabet) for _ in range(400))
        assert _FAST_TOKENS.findall(noise) == TOKEN_PATTERN.findall(noise)
