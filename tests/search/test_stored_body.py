"""A stored document's body read without decoding the rest of it: the very string that
decoding the whole document gives, whatever the other fields hold."""

from __future__ import annotations

import json

import pytest

from search.model import Article, FileSig
from search.store.schema import document_fields, stored_body

_HOSTILE = [
    ',"body":"not this',
    '\\",\\"body\\":\\"',
    "ends in a backslash \\",
    'Hà Nội \u2028 line\tbreaks\n and "quotes"',
    "",
]


def _article(title: str, source: str | None, body: str) -> Article:
    return Article(
        id="a/b.txt",
        title=title,
        title_derived=False,
        date=None,
        date_source="none",
        source=source,
        body=body,
        trailing=title,
    )


@pytest.mark.parametrize("title", _HOSTILE)
@pytest.mark.parametrize("body", ["The body.", *_HOSTILE])
def test_the_body_is_the_whole_documents_body(title: str, body: str) -> None:
    article = _article(title, title or None, body)
    doc = document_fields(article, FileSig(1, 2, 3, 4), "0" * 40)["doc"]
    assert stored_body(doc) == json.loads(doc)["body"] == body


def test_another_layout_is_decoded_whole() -> None:
    assert stored_body(json.dumps({"body": "first key", "title": "t"})) == "first key"
    assert stored_body('{"title": "t", "body": "spaced"}') == "spaced"
