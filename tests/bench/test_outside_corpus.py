"""The converter of inline-tagged gold (bench/outside_corpus.py ``--format tagged``)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from bench.outside_corpus import bbc_payload, read_tagged


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


def test_standoff_gold_is_laid_on_the_datasets_text_and_refuses_another(tmp_path: Path) -> None:
    (tmp_path / "tech").mkdir()
    text = "Lycos hits back\n\nInternet portal Lycos made a screensaver.\n"
    (tmp_path / "tech" / "001.txt").write_text(text + "  \n", encoding="utf-8")
    entry = {
        "file": "tech/001.txt",
        "sha1": hashlib.sha1(text.encode()).hexdigest(),
        "split": "test",
        "spans": [[0, 5, "ORG"]],
        "optional": [],
    }
    gold = tmp_path / "gold.json"
    gold.write_text(json.dumps({"sets": {"s": {"doc": entry}}}), encoding="utf-8")
    documents = bbc_payload(tmp_path, "s", gold)["documents"]
    assert documents == {
        "doc": {
            "file": "tech/001.txt",
            "date": "",
            "split": "test",
            "text": text,
            "spans": [[0, 5, "ORG"]],
            "alts": [],
            "optional": [],
        }
    }
    (tmp_path / "tech" / "001.txt").write_text("Lycos hits back again\n", encoding="utf-8")
    with pytest.raises(SystemExit):
        bbc_payload(tmp_path, "s", gold)
