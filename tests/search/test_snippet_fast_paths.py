"""The snippets' fast paths give exactly what the plain forms they replace give.

`fold_text` replaces the few distinct non-ASCII characters and lowers the rest with
`str.lower` instead of looking every character up in the fold table, and the marker's patterns check the start of a word outside the regular
expression instead of with a look-behind (issue #17: snippets were most of the default
request's time). Both are speed-ups only: these tests hold them to the plain forms.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import _FOLD_TABLE, fold_text
from search.query.snippets import _whole_words, _words_pattern

TRICKY = [
    "",
    "PLAIN ASCII Text, Trade and TRADE.",
    "Việt Nam, Viet-Nam and VIET  NAM met the U.S. in Hà Nội: “Đà Nẵng” / Łódź / STRASSE",
    "İstanbul ΣΙΣΥΦΟΣ ǅ ﬁne Ⅻ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٣٤ 漢字",
    "Curly “Quotes” and ‘Apostrophes’ – Đà Nẵng, São Paulo, Zürich, ŁÓDŹ",
    "a name read with surrogateescape: caf\udce9 CAF\udcc3\udca9",
    "trade retrade trade_x x_trade trades 9trade trade9 ÉTRADE étrade (Trade)",
]

_text = st.text(
    alphabet=st.sampled_from(list("tradeTRADE ab-_9.é É’Ṱ\u00a0\nviet nam Σ")), max_size=80
) | st.text(max_size=60)


def test_fold_text_is_the_fold_table_on_tricky_texts() -> None:
    for text in TRICKY:
        assert fold_text(text) == text.translate(_FOLD_TABLE)


@settings(max_examples=400, deadline=None)
@given(_text)
def test_fold_text_is_the_fold_table(text: str) -> None:
    folded = fold_text(text)
    assert folded == text.translate(_FOLD_TABLE)
    assert len(folded) == len(text)


def _with_look_behind(words: set[str]) -> re.Pattern[str]:
    pattern = _words_pattern(words)
    assert pattern is not None
    return re.compile(r"(?<!\w)" + pattern.pattern)


def _spans(matches: object) -> list[tuple[int, int]]:
    return [m.span() for m in matches]  # type: ignore[attr-defined]


def test_whole_words_skips_matches_inside_words() -> None:
    text = fold_text(TRICKY[-1])
    pattern = _words_pattern({"trade"})
    assert pattern is not None
    found = [text[s:e] for s, e in _spans(_whole_words(pattern, text))]
    assert found == ["trade", "trade"]  # not retrade, x_trade, 9trade, étrade (nor trades)


@settings(max_examples=400, deadline=None)
@given(
    _text,
    st.sets(st.sampled_from(["trade", "tra", "ade", "a", "vietnam", "nam", "é", "σ"]), min_size=1),
)
def test_whole_words_is_the_look_behind_pattern(text: str, words: set[str]) -> None:
    folded = fold_text(text)
    pattern = _words_pattern(words)
    assert pattern is not None
    assert _spans(_whole_words(pattern, folded)) == _spans(
        _with_look_behind(words).finditer(folded)
    )
