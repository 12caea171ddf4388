"""Two versions of a story compared word by word (search/query/version_diff.py and
Archive.compare): the runs, their offsets in both bodies, the counts, paragraph breaks."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.api import Archive
from search.errors import ArticleNotFound, BadRequest
from search.model import DiffPiece
from search.query.version_diff import MAX_WORDS, compare_bodies

from .conftest import write_articles

OLD = "The ministers met on Tuesday.\n\nThey agreed a plan for roads and ports."
NEW = "The finance ministers met on Tuesday, in Hanoi.\n\nThey agreed a plan for roads."


def texts(body_a: str, body_b: str) -> list[tuple[str, str, str]]:
    """Each piece as (kind, its text in a, its text in b)."""
    diff = compare_bodies(body_a, body_b)
    return [(p.kind, body_a[p.a_start : p.a_end], body_b[p.b_start : p.b_end]) for p in diff.pieces]


def test_words_removed_and_added_come_as_runs_in_text_order() -> None:
    assert texts(OLD, NEW) == [
        ("equal", "The", "The"),
        ("added", "", "finance"),
        ("equal", "ministers met on", "ministers met on"),
        ("removed", "Tuesday.", ""),
        ("added", "", "Tuesday, in Hanoi."),
        ("equal", "\n\nThey agreed a plan for", "\n\nThey agreed a plan for"),
        ("removed", "roads and ports.", ""),
        ("added", "", "roads."),
    ]


def test_offsets_point_into_both_bodies_and_a_one_sided_run_sits_where_it_would_be() -> None:
    diff = compare_bodies(OLD, NEW)
    assert diff.pieces[1] == DiffPiece("added", 4, 4, 4, 11, 1)
    assert diff.pieces[3] == DiffPiece("removed", 21, 29, 29, 29, 1)
    assert diff.spans("removed") == [(21, 29), (54, 70)]
    assert diff.spans("added") == [(4, 11), (29, 47), (72, 78)]
    assert diff.a_body == OLD and diff.b_body == NEW


def test_counts_summary_and_changes_for_stepping() -> None:
    diff = compare_bodies(OLD, NEW)
    assert (diff.removed_words, diff.added_words) == (4, 5)
    assert diff.summary() == "4 words removed, 5 added"
    # A replaced phrase (removed then added) is one change.
    assert diff.changes() == [(4, 4, 4, 11), (21, 29, 29, 47), (54, 70, 72, 78)]


def test_a_split_paragraph_is_a_change_of_no_words_and_rewrapped_lines_are_none() -> None:
    one = "Officials met in the capital. They signed the deal."
    split = "Officials met in the capital.\n\nThey signed the deal."
    rewrapped = "Officials  met in the\tcapital. They signed the deal."
    diff = compare_bodies(one, split)
    assert [p.kind for p in diff.pieces] == ["equal", "added", "equal"]
    assert split[diff.pieces[1].b_start : diff.pieces[1].b_end] == "\n\n"
    assert (diff.removed_words, diff.added_words) == (0, 0)
    assert diff.summary() == "Only paragraph breaks differ"
    same = compare_bodies(one, rewrapped)
    assert same.identical and same.summary() == "The two texts are the same"
    assert len(same.pieces) == 1 and same.pieces[0].words == 9


def test_a_common_word_still_anchors_the_match_autojunk_off() -> None:
    """With difflib's autojunk, each of these 16 words (more than 1% of 240) would be junk,
    and one changed word would show as 120 removed and 120 added."""
    common = ["the", "of", "and", "to", "in", "a", "is", "that"]
    common += ["for", "on", "it", "with", "as", "was", "at", "by"]
    words = [common[i * 7 % len(common)] for i in range(240)]
    changed = list(words)
    changed[120] = "bridge"
    diff = compare_bodies(" ".join(words), " ".join(changed))
    assert (diff.removed_words, diff.added_words) == (1, 1)
    assert diff.summary() == "1 word removed, 1 added"


def test_empty_and_one_sided_bodies() -> None:
    assert compare_bodies("", "").pieces == ()
    assert compare_bodies("", "").identical
    diff = compare_bodies("", "New text here.")
    assert texts("", "New text here.") == [("added", "", "New text here.")]
    assert diff.summary() == "0 words removed, 3 added"


def test_bad_input_is_refused_with_a_message() -> None:
    with pytest.raises(TypeError, match="takes two texts, not str and NoneType"):
        compare_bodies("text", None)  # type: ignore[arg-type]
    too_long = "word " * (MAX_WORDS + 1)
    with pytest.raises(BadRequest, match=r"too long to compare word by word \(20,001 words"):
        compare_bodies("word", too_long)


STORY = (
    "The finance ministers of the region met in the capital on Tuesday to agree a common "
    "plan for roads, ports and power lines, and to share the cost of a new rail link."
)


def test_archive_compare_reads_both_bodies_and_names_a_missing_id(tmp_path: Path) -> None:
    root = write_articles(
        tmp_path / "archive",
        {
            "wire.txt": f"Ministers agree transport plan\n{STORY}\n",
            "copy.txt": f"Ministers back transport plan\n{STORY} A second meeting is due.\n",
        },
    )
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update(entities=False)
        diff = archive.compare("wire.txt", "copy.txt")
        assert diff.summary() == "0 words removed, 5 added"
        assert diff.spans("added") == [(len(STORY) + 1, len(STORY) + 25)]
        assert diff.b_body[slice(*diff.spans("added")[0])] == "A second meeting is due."
        assert archive.compare("copy.txt", "copy.txt").identical
        with pytest.raises(ArticleNotFound, match=r"No article with id 'gone\.txt'"):
            archive.compare("wire.txt", "gone.txt")
