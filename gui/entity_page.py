"""An entity's page as HTML for the reader: facts, months, company, articles. Qt-free.

Links are ``goto:N`` (another entity's page: ``PageLinks.entities[N]``) and ``open:N``
(an article: ``PageLinks.articles[N]``), so nothing from the text ever becomes a URL.
Every name and snippet is escaped: they come from untrusted articles.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from gui.markup import TYPE_LABELS, TYPE_PLURALS, Palette
from search.api import country_name
from search.model import EntityPage

BAR_PX = 220
"""Width of the longest month bar."""


@dataclass(slots=True)
class PageLinks:
    entities: list[tuple[str, str]] = field(default_factory=list)
    """(type, name) of each ``goto:N`` link."""
    articles: list[str] = field(default_factory=list)
    """Article id of each ``open:N`` link."""


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def shown_name(kind: str, name: str) -> str:
    return f"{country_name(name)} ({name})" if kind == "COUNTRY" else name


def page_html(page: EntityPage, palette: Palette | None = None) -> tuple[str, PageLinks]:
    colours = palette or Palette()
    links = PageLinks()
    parts = [
        f"<h2>{_esc(TYPE_LABELS[page.type])}: {_esc(shown_name(page.type, page.name))}</h2>",
    ]
    seen = (
        f"first seen {page.first_seen}, last seen {page.last_seen}"
        if page.first_seen
        else "no dated article"
    )
    total = f"{page.articles:,} article{'' if page.articles == 1 else 's'}"
    parts.append(f'<p style="color:{colours.dim}">{total} · {_esc(seen)}</p>')
    if page.aliases:
        parts.append(f"<p>Also written: {_esc(', '.join(page.aliases))}</p>")
    if page.months:
        most = max(page.months.values())
        rows = []
        for month, count in page.months.items():
            width = max(2, round(BAR_PX * count / most))
            rows.append(
                f"<tr><td>{_esc(month)}&nbsp;</td>"
                f'<td><table cellspacing="0" cellpadding="0"><tr>'
                f'<td width="{width}" bgcolor="{colours.link}">&nbsp;</td></tr></table></td>'
                f"<td>&nbsp;{count:,}</td></tr>"
            )
        parts.append("<h3>By month</h3><table cellspacing='1'>" + "".join(rows) + "</table>")
    for kind, counts in (("PERSON", page.people), ("ORG", page.orgs), ("COUNTRY", page.countries)):
        if not counts:
            continue
        items = []
        for name, count in counts.items():
            links.entities.append((kind, name))
            items.append(
                f'<a href="goto:{len(links.entities) - 1}" style="color:{colours.link}">'
                f"{_esc(shown_name(kind, name))}</a> ({count:,})"
            )
        parts.append(f"<h3>{_esc(TYPE_PLURALS[kind])} named with it</h3><p>{', '.join(items)}</p>")
    if page.hits:
        parts.append("<h3>Articles, newest first</h3>")
        for hit in page.hits:
            links.articles.append(hit.id)
            when = hit.date.isoformat() if hit.date else "undated"
            snippet = _marked(hit.snippet, hit.snippet_marks)
            parts.append(
                f'<p><a href="open:{len(links.articles) - 1}" style="color:{colours.link}">'
                f"<b>{_esc(hit.title)}</b></a> "
                f'<span style="color:{colours.dim}">{_esc(when)}</span><br>{snippet}</p>'
            )
    return "".join(parts), links


def _marked(text: str, marks: tuple[tuple[int, int], ...]) -> str:
    out, pos = [], 0
    for start, end in sorted(marks):
        if start < pos:
            continue
        out += [_esc(text[pos:start]), f"<b>{_esc(text[start:end])}</b>"]
        pos = end
    out.append(_esc(text[pos:]))
    return "".join(out)
