"""User text -> Whoosh query: syntax, field aliases, and a fallback that never raises.

A query that is not valid syntax is searched as plain words (with a notice);
parts that fail to parse (``date:garbage``) are left out and said so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from search.analysis import TOKEN_PATTERN, fold
from search.ids import valid_text
from search.store.whoosh_api import qparser, query, syntax

log = logging.getLogger("archive_browser.engine.parsing")

MAX_QUERY_CHARS = 2000
"""Longer input is cut: nobody types more, and a pasted book would stall parsing."""
FIELD_ALIASES = {
    "body": ["text", "content"],
    "person": ["people", "persons", "who"],
    "org": ["organisation", "organization", "orgs"],
    "place": ["places", "location", "where"],
    "country": ["countries"],
}
TEXT_FIELDS = {"title", "body"}
MAX_EDITS = 2
"""Largest edit distance of a fuzzy word (``trade~2``), as in Lucene: ``~9`` stands for
most words of the vocabulary, and the search for them took minutes."""


_VIETNAM = re.compile(r"\bvi[eêệ]t[ \t\u00a0-]+nam\b", re.IGNORECASE)


class _QueryTweaksPlugin(qparser.Plugin):  # type: ignore[misc]
    """Fold the accents of wildcard and fuzzy words (the parser does not analyse
    them), and let ``country:`` take names (``country:Kazakhstan``) as well as codes."""

    def __init__(self, country_lookup: Callable[[str], str | None]) -> None:
        self.country_lookup = country_lookup

    def filters(self, parser: Any) -> list[tuple[Callable[..., Any], int]]:
        return [(self._rewrite, 120)]

    def _rewrite(self, parser: Any, group: Any) -> Any:
        for i, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                self._rewrite(parser, node)
                continue
            fieldname = getattr(node, "fieldname", None)
            unanalysed = isinstance(
                node,
                qparser.WildcardPlugin.WildcardNode
                | qparser.PrefixPlugin.PrefixNode
                | qparser.FuzzyTermPlugin.FuzzyTermNode
                | qparser.RegexPlugin.RegexNode,
            )
            if unanalysed and fieldname in TEXT_FIELDS:
                node.text = fold(node.text)
                if isinstance(node, qparser.FuzzyTermPlugin.FuzzyTermNode):
                    # Typos rarely hit the first letter; keeping it cuts the
                    # edit-distance scan of the whole vocabulary ~20-fold.
                    node.prefixlength = max(node.prefixlength, 1)
            elif fieldname == "country" and getattr(node, "text", None):
                code = self.country_lookup(node.text)
                if code:
                    replacement = syntax.WordNode(code.lower())
                    replacement.fieldname = "country"
                    replacement.startchar = getattr(node, "startchar", None)
                    replacement.endchar = getattr(node, "endchar", None)
                    group[i] = replacement
        return group


@dataclass(slots=True)
class ParsedQuery:
    query: Any
    notice: str | None
    is_every: bool


class QueryParser:
    """Builds Whoosh queries from user text; never raises for bad syntax."""

    def __init__(self, schema: Any, country_lookup: Callable[[str], str | None]) -> None:
        self.schema = schema
        parser = qparser.MultifieldParser(
            ["title", "body"], schema, fieldboosts={"title": 2.0}, group=qparser.AndGroup
        )
        parser.add_plugin(qparser.FuzzyTermPlugin())
        parser.add_plugin(qparser.GtLtPlugin())
        parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
        parser.add_plugin(_QueryTweaksPlugin(country_lookup))
        self._parser = parser
        plain = qparser.MultifieldParser(
            ["title", "body"],
            schema,
            fieldboosts={"title": 2.0},
            group=qparser.AndGroup,
            plugins=[],
        )
        plain.remove_plugin_class(qparser.FieldsPlugin)
        self._plain = plain

    def parse(self, text: str) -> ParsedQuery:
        # Undecodable bytes of a terminal or argv arrive as lone surrogates, which
        # nothing can encode; they become U+FFFD here, before anything else sees them.
        text = valid_text(text)
        parsed = self._parse(text)
        if _cap_edits(parsed.query):
            parsed.notice = _joined(parsed.notice, _EDITS_CAPPED)
        return parsed

    def _parse(self, text: str) -> ParsedQuery:
        notice = None
        if len(text) > MAX_QUERY_CHARS:
            cut = text[: MAX_QUERY_CHARS + 1]
            text = cut.rsplit(None, 1)[0] if " " in cut else cut[:MAX_QUERY_CHARS]
            notice = f"The query was cut to its first {MAX_QUERY_CHARS} characters."
        if not text.strip():
            return ParsedQuery(query.Every(), notice, True)
        # The index holds "Việt Nam" as one word; the parser would split it at the space.
        text = _VIETNAM.sub("Vietnam", text)
        text = _MINUS.sub(r"\1NOT ", text)
        try:
            parsed = self._parser.parse(text)
        except Exception as exc:  # Whoosh raises assorted errors on odd syntax
            log.info("query %r not understood: %s", text[:200], exc)
            parsed = query.NullQuery
        if not _has_error(parsed) and parsed is not query.NullQuery:
            return ParsedQuery(parsed, notice, False)
        kept = _without_errors(parsed)
        if kept is not query.NullQuery:
            return ParsedQuery(kept, _PART_IGNORED, False)
        words = " ".join(m.group(0) for m in TOKEN_PATTERN.finditer(text))
        if not words:
            return ParsedQuery(query.NullQuery, "Nothing to search for in that query.", False)
        return ParsedQuery(self._plain.parse(words), _AS_WORDS, False)


_MINUS = re.compile(r"(^|[\s(])-(?=[\w\"(])")
"""``-word`` excludes a word, as in web search engines."""
_PART_IGNORED = (
    "Part of the query could not be understood and was left out "
    "(dates are written date:2025-03-06 or date:[2025-01-01 to 2025-03-31])."
)
_AS_WORDS = "The query syntax could not be understood; searched for its words instead."
_EDITS_CAPPED = (
    f"A fuzzy word allows at most {MAX_EDITS} edits (word~{MAX_EDITS}); "
    f"larger distances were searched as {MAX_EDITS}."
)


def _joined(*notices: str | None) -> str | None:
    return " ".join(n for n in notices if n) or None


def _cap_edits(q: Any) -> bool:
    """Lower every fuzzy word's edit distance to MAX_EDITS; True when one was larger."""
    capped = False
    if isinstance(q, query.FuzzyTerm) and q.maxdist > MAX_EDITS:
        q.maxdist = MAX_EDITS
        capped = True
    for child in q.children():
        capped = _cap_edits(child) or capped
    return capped


def _has_error(q: Any) -> bool:
    if getattr(q, "error", None):
        return True
    return any(_has_error(child) for child in q.children())


def _without_errors(q: Any) -> Any:
    """The query with every clause that failed to parse removed."""
    if getattr(q, "error", None) or q is query.NullQuery:
        return query.NullQuery
    if not list(q.children()):
        return q
    return q.apply(_without_errors).normalize()
