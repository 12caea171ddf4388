"""The converter of inline-tagged gold (bench/outside_corpus.py ``--format tagged``)."""

from __future__ import annotations

import pytest

from bench.outside_corpus import read_tagged


def test_inline_tags_become_offsets_into_the_untagged_text() -> None:
    text = "Mr Blair met Opec in Vienna.\n"
    tagged = "Mr <PERSON>Blair</PERSON> met <ORG>Opec</ORG> in <OPT>Vienna</OPT>.\n"
    spans, optional = read_tagged(text, tagged)
    assert [(text[s:e], t) for s, e, t in spans] == [("Blair", "PERSON"), ("Opec", "ORG")]
    assert [(text[s:e], t) for s, e, t in optional] == [("Vienna", "OPT")]


@pytest.mark.parametrize(
    "tagged",
    [
        "Mr <PERSON>Blair</PERSON> met Opec in Vienna!\n",  # a character changed
        "Mr <PERSON>Blair met <ORG>Opec</ORG></PERSON> in Vienna.\n",  # nested
        "Mr <PERSON>Blair</ORG> met Opec in Vienna.\n",  # closed by another tag
        "Mr <PERSON>Blair met Opec in Vienna.\n",  # never closed
    ],
)
def test_a_copy_that_does_not_strip_back_is_refused(tagged: str) -> None:
    with pytest.raises(ValueError):
        read_tagged("Mr Blair met Opec in Vienna.\n", tagged)
