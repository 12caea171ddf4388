"""README.md's "Query syntax" table and the app's F1 help are one table (search.syntax)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from search import syntax

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_table() -> list[str]:
    """The lines of the first table after the "Query syntax" heading."""
    lines = README.read_text("utf-8").splitlines()
    start = lines.index("### Query syntax")
    table: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("|"):
            table.append(line)
        elif table:
            break
    return table


def test_the_readme_table_is_the_syntax_table() -> None:
    assert readme_table() == syntax.markdown_rows()


def test_the_table_names_every_field_the_prefix_rule_and_the_fuzzy_cap() -> None:
    typed = " ".join(e for examples, _ in syntax.ROWS for e in examples)
    for example in ("place:", "source:", "person:", "org:", "country:", "title:", "date:["):
        assert example in typed
    finds = " ".join(f for _, f in syntax.ROWS)
    assert "at most 2 edits" in finds
    assert "prefix" in finds
    assert "date:[2025-01-01 to 2025-03-31]" in typed


def test_html_rows_escape_and_keep_the_code_spans() -> None:
    rows = syntax.html_rows(((("a<b",), "finds `x&y` and <z>"),))
    assert rows == [("<code>a&lt;b</code>", "finds <code>x&amp;y</code> and &lt;z&gt;")]
    # Every row's text survives: stripping the tags gives the Markdown without backticks.
    for (examples, finds), (typed, shown) in zip(syntax.ROWS, syntax.html_rows(), strict=True):
        assert html.unescape(re.sub(r"<[^>]+>", "", typed)) == ", ".join(examples)
        assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == finds.replace("`", "")
