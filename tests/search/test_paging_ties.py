"""Pages of a ranked result follow one another even when many scores are equal.

An export (and the list's further pages) walks a result page by page; the k best of a
tie were chosen arbitrarily, so page 2 repeated some of page 1 and skipped others.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.api import Archive
from search.model import SearchRequest
from search.query.executor import top_documents

from .conftest import write_articles


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.0]), min_size=1, max_size=300),
    st.integers(min_value=1, max_value=300),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_the_k_best_are_a_prefix_of_the_full_ranking(
    scores: list[float], count: int, seed: int
) -> None:
    values = np.asarray(scores, dtype=np.float32)
    selected = np.random.default_rng(seed).random(len(values)) < 0.8
    full = top_documents(values, selected, len(values))
    assert top_documents(values, selected, count) == full[:count]
    assert [d for d, _ in full] == sorted(
        np.flatnonzero(selected).tolist(), key=lambda d: (-values[d], d)
    )


def test_pages_of_tied_hits_hold_every_hit_once(tmp_path: Path) -> None:
    # The same words at the same length: every article scores the same for "harbour"
    # (copies of one story: listed one by one here).
    articles = {
        f"a{i:03}.txt": f"Harbour report {i:03}\nThe harbour opened today." for i in range(400)
    }
    root = write_articles(tmp_path / "archive", articles)
    with Archive.open(root, tmp_path / "index") as archive:
        archive.update(entities=False)
        whole = [
            h.id
            for h in archive.search(SearchRequest(text="harbour", limit=500, collapse=False)).hits
        ]
        paged: list[str] = []
        for offset in range(0, 400, 37):
            page = archive.search(
                SearchRequest(
                    text="harbour", offset=offset, limit=37, snippets=False, collapse=False
                )
            )
            paged += [h.id for h in page.hits]
    assert len(whole) == 400
    assert paged == whole
