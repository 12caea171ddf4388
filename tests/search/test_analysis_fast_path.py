"""Indexing's fast word analysis gives exactly what Whoosh's analyzer chain gives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import formats

from resources import resource_path
from search.store.schema import ArrayPositions, build_schema

SAMPLE = resource_path("sample-archive")
TRICKY = [
    "Việt Nam, Viet-Nam and VIET  NAM met the U.S. (7.09 per cent) in Hà Nội.",
    "Kazakhstan's envoy didn't say; it's the EU’s call — “Đà Nẵng” / Łódź / straße.",
    "",
    "   ",
    "s t S T 's ’t",
    "S:0 leading stop words, then s between s words",
    "co-operation: ½ ² ℃ ﬁne Ⅻ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٣٤ 漢字 한국어",
]


def _whoosh(field: Any, text: str) -> list[tuple[bytes, int, float, bytes]]:
    """The field's postings through Whoosh's own token chain (the format's parent class)."""
    chain = super(ArrayPositions, field.format).word_values(text, field.analyzer, mode="index")
    return sorted((w.encode("utf-8"), n, weight, v) for w, n, weight, v in chain)


def _fast(field: Any, text: str) -> list[tuple[bytes, int, float, bytes]]:
    return sorted(field.index(text))


def _check(text: str) -> None:
    schema = build_schema()
    for name in ("body", "title", "person"):
        assert _fast(schema[name], text) == _whoosh(schema[name], text), (name, text)


def test_the_fast_path_is_taken_for_the_exact_analyzer(monkeypatch: pytest.MonkeyPatch) -> None:
    def chain(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("Whoosh's token chain was used")

    monkeypatch.setattr(formats.Positions, "word_values", chain)
    assert len(list(build_schema()["body"].index("Kazakhstan and Vietnam"))) == 3


def test_tricky_text_is_analysed_like_whoosh() -> None:
    for text in TRICKY:
        _check(text)


def test_sample_articles_are_analysed_like_whoosh() -> None:
    for path in sorted(Path(SAMPLE).glob("*.txt")):
        _check(path.read_text(encoding="utf-8", errors="replace"))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_any_text_is_analysed_like_whoosh(text: str) -> None:
    _check(text)
