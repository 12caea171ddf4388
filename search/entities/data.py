"""Reading the data files under ``data/``: word lists, TSV tables and JSON.

Aliases, demonyms, titles and gazetteer additions are data so that they can be
extended without touching the rules. Each file is read once and cached.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("data")


def _lines(name: str) -> list[str]:
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    out = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if line.strip():
            out.append(line)
    return out


@cache
def words(name: str) -> frozenset[str]:
    """A one-word-a-line list (``#`` starts a comment), as written."""
    return frozenset(line.strip() for line in _lines(name))


@cache
def table(name: str) -> tuple[tuple[str, ...], ...]:
    """A TSV file: tuples of stripped cells, comments and blank lines skipped."""
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in _lines(name))


@cache
def json_data(name: str) -> Any:
    """A JSON file, parsed."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
