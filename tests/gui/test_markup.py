"""Reader page building: escaping, entity and hit spans. No Qt needed."""

from __future__ import annotations

import html
import re
from datetime import date

from gui.markup import (
    Palette,
    article_html,
    body_html,
    clean_spans,
    entity_groups,
    entity_tooltip,
    visible_entities,
)
from search.model import Article, Entity


def make_article(
    body: str, entities: list[Entity] | None = None, trailing: str = "", title: str = "Title"
) -> Article:
    return Article(
        id="a.txt",
        title=title,
        title_derived=False,
        date=date(2025, 3, 4),
        date_source="text",
        source="VNA",
        body=body,
        trailing=trailing,
        countries=["KZ"],
        entities=entities or [],
    )


def test_body_html_escapes_everything_and_keeps_offsets() -> None:
    body = "<b>x</b> Kazakhstan & <img src=http://x>\nnext line"
    start = body.index("Kazakhstan")
    entity = Entity("COUNTRY", "Kazakhstan", start, start + 10, "KZ")
    out = body_html(body, [(0, entity)], [(start, start + 10)], Palette())
    assert "<b>x</b>" not in out and "&lt;b&gt;x&lt;/b&gt;" in out
    assert "<img" not in out
    assert 'href="entity:0"' in out
    # Stripping our own tags and unescaping gives the body back, character for character.
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == body


def test_overlapping_or_out_of_range_entities_are_dropped() -> None:
    entities = [
        Entity("PERSON", "A B", 0, 3, "A B"),
        Entity("PERSON", "B", 2, 3, "B"),
        Entity("ORG", "X", 50, 60, "X"),
    ]
    assert [i for i, _e in visible_entities(entities, 10)] == [0]
    assert [i for i, _e in visible_entities(entities, 10, enabled=["ORG"])] == []


def test_tooltips_name_the_type_and_normal_form() -> None:
    assert entity_tooltip(Entity("COUNTRY", "Kazakh", 0, 6, "KZ")) == "Country: Kazakhstan (KZ)"
    person = Entity("PERSON", "Hằng", 0, 4, "Lê Thị Thu Hằng", role="Deputy Foreign Minister")
    assert entity_tooltip(person) == "Person: Lê Thị Thu Hằng, Deputy Foreign Minister"


def test_article_page_has_trailing_text_apart_and_an_entity_list() -> None:
    body = "Kazakhstan and Kazakhstan again."
    ents = [
        Entity("COUNTRY", "Kazakhstan", 0, 10, "KZ"),
        Entity("COUNTRY", "Kazakhstan", 15, 25, "KZ"),
    ]
    page, hits, shown = article_html(
        make_article(body, ents, trailing="Subscribe <now>"), hits=[(0, 10)]
    )
    assert hits == [(0, 10)] and len(shown) == 2
    assert "Unrelated text after the end of the article" in page
    assert "Subscribe &lt;now&gt;" in page
    assert 'href="mention:0"' in page and "Kazakhstan</a> (2)" in page
    assert entity_groups(ents) == {"COUNTRY": [("KZ", 2)]}


def test_engine_spans_are_cleaned() -> None:
    assert clean_spans([(5, 9), (0, 3), (2, 4), (8, 100)], 20) == [(0, 4), (5, 20)]
