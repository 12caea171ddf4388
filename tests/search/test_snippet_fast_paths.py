"""The snippets' fast paths give exactly what the plain forms they replace give.

`fold_text` replaces the few distinct non-ASCII characters and lowers the rest with
`str.lower` instead of looking every character up in the fold table, and the marker finds
its words with ``str.find`` instead of one regular expression of them all with look-behind
and look-ahead (issue #17: snippets were most of the default request's time). Both are
speed-ups only: these tests hold them to the plain forms.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import _FOLD_TABLE, fold_text
from search.query.snippets import Marker, WholeWords

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


def _expression(words: set[str]) -> re.Pattern[str]:
    """The plain form: every word an alternative, the longest first, whole words only."""
    alternatives = sorted((re.escape(w) for w in words), key=len, reverse=True)
    if "vietnam" in words:
        alternatives.insert(0, r"viet[ \t\u00a0\-]*nam")
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")


def _found(words: set[str], folded: str) -> list[tuple[int, int]]:
    finder = WholeWords.of(words)
    assert finder is not None
    return finder.spans(folded)


def test_whole_words_skips_matches_inside_words() -> None:
    text = fold_text(TRICKY[-1])
    found = [text[s:e] for s, e in _found({"trade"}, text)]
    assert found == ["trade", "trade"]  # not retrade, x_trade, 9trade, étrade (nor trades)


def test_whole_words_takes_the_longest_word_and_every_spelling_of_viet_nam() -> None:
    text = fold_text("Trade-offs: trades, Viet - Nam, viet\u00a0nam, vietnamese; tradeTrade")
    found = [text[s:e] for s, e in _found({"trade", "trades", "vietnam", "nam"}, text)]
    assert found == ["trade", "trades", "viet - nam", "viet\u00a0nam"]


def test_whole_words_of_nothing_is_none() -> None:
    assert WholeWords.of(set()) is None
    assert WholeWords.of({""}) is None


@settings(max_examples=600, deadline=None)
@given(
    _text,
    st.sets(
        st.sampled_from(["trade", "tra", "ade", "a", "aa", "vietnam", "viet", "nam", "é", "σ"]),
        min_size=1,
    ),
)
def test_whole_words_is_the_look_behind_expression(text: str, words: set[str]) -> None:
    folded = fold_text(text)
    assert _found(words, folded) == [m.span() for m in _expression(words).finditer(folded)]


@settings(max_examples=300, deadline=None)
@given(st.lists(_text, min_size=1, max_size=4))
def test_a_markers_remembered_spellings_change_no_span(texts: list[str]) -> None:
    words = frozenset({"trade", "nam", "a", "é"})
    remembering = Marker(words, WholeWords.of(words))
    for text in texts + texts:
        fresh = Marker(words, WholeWords.of(words))
        assert remembering.spans(text) == fresh.spans(text)
