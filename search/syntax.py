"""The query syntax, as one table: README.md's "Query syntax" and the app's F1 help.

Each row is (what you type, what it finds). Both columns use Markdown's code spans
(`` `coop*` ``) and nothing else, so the README takes the rows as they are and the
app's help turns the code spans into ``<code>``; a test checks that the README's
table is exactly `markdown_table()`, so the two cannot drift apart.
"""

from __future__ import annotations

import html
import re

SyntaxRow = tuple[tuple[str, ...], str]
"""(examples of what you type, what they find)."""

HEADER = ("you type", "finds")

ROWS: tuple[SyntaxRow, ...] = (
    (
        ("kazakh trade",),
        "articles with both words (stems match: `cooperate` finds `cooperation`)",
    ),
    (
        ("Hang", "Cuong"),
        "`Hằng`, `Cường`: case and accents never matter; `Viet Nam` = `Việt Nam` = `Vietnam`",
    ),
    (
        ('"political consultation"',),
        "exactly those words in that order (no stemming inside quotes)",
    ),
    (
        ("kenya OR uganda", "trade NOT russia", "trade -russia"),
        "either word; exclusion",
    ),
    (
        ("coop*", "cooperaton~", "cooperaton~2"),
        "wildcard; fuzzy (1 or 2 letters off; at most 2 edits, `~3` is searched as `~2`)",
    ),
    (
        ("title:summit", "country:KZ", "country:Kazakhstan"),
        "a word in the title; articles naming a country",
    ),
    (
        ("person:hang", "org:asean", "place:hanoi", "source:vna"),
        "articles mentioning that person, organisation or place; by publisher",
    ),
    (
        ("date:2025-03", "date:[2025-01-01 to 2025-03-31]"),
        "a month; a date range (`date:[2025-01 to 2025-03]` also works)",
    ),
    (
        ("parliam",),
        "in the app, while you type: the last word also as a prefix (`parliam*`), so the "
        "list does not go blank mid-word; after a space or Enter, and on the command "
        "line, words are searched as written",
    ),
)


def _code(text: str) -> str:
    return f"`{text}`"


def markdown_rows(rows: tuple[SyntaxRow, ...] = ROWS) -> list[str]:
    """The table's lines in Markdown, header and rule first."""
    lines = [f"| {HEADER[0]} | {HEADER[1]} |", "|---|---|"]
    lines += [f"| {', '.join(_code(e) for e in examples)} | {finds} |" for examples, finds in rows]
    return lines


def markdown_table(rows: tuple[SyntaxRow, ...] = ROWS) -> str:
    return "\n".join(markdown_rows(rows)) + "\n"


_CODE_SPAN = re.compile(r"`([^`]*)`")


def html_text(markdown: str) -> str:
    """One cell's text as escaped HTML, code spans as ``<code>``."""
    parts = _CODE_SPAN.split(markdown)
    return "".join(
        f"<code>{html.escape(part)}</code>" if i % 2 else html.escape(part)
        for i, part in enumerate(parts)
    )


def html_rows(rows: tuple[SyntaxRow, ...] = ROWS) -> list[tuple[str, str]]:
    """(you type, finds) of each row as HTML, for the app's help."""
    return [
        (", ".join(f"<code>{html.escape(e)}</code>" for e in examples), html_text(finds))
        for examples, finds in rows
    ]
