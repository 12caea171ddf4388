"""Article text to escaped HTML with entity and hit highlights. Qt-free, so it is unit-tested.

Every piece of article text goes through ``html.escape``: articles are untrusted
input and may contain ``<script>``, ``<img src=…>`` or Qt rich-text tags that
must show as text. Character offsets in the body map 1:1 to the document the
reader builds (the body is one ``white-space: pre-wrap`` paragraph), which lets
the reader jump to a hit or mention by body offset.
"""

from __future__ import annotations

import html
import itertools
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from search.api import country_name, printable
from search.model import ENTITY_TYPES, Article, Entity, EntityType, RelatedArticle, Version

TYPE_LABELS: dict[str, str] = {
    "PERSON": "Person",
    "ORG": "Organisation",
    "COUNTRY": "Country",
    "PLACE": "Place",
    "DATE": "Date",
}
TYPE_PLURALS: dict[str, str] = {
    "PERSON": "People",
    "ORG": "Organisations",
    "COUNTRY": "Countries",
    "PLACE": "Places",
    "DATE": "Dates",
}

# Background tints per type, ours, derived from the Okabe–Ito colour-blind-safe hues
# (blue, orange, bluish green, reddish purple, vermillion; the hit mark is their
# yellow): mixed with white for light palettes (black text on them), with the dark
# palette's base for dark ones (light text). tests/gui/test_tints.py checks WCAG AA
# contrast and that every pair stays apart under simulated colour blindness.
_LIGHT = {
    "PERSON": "#bfdcec",
    "ORG": "#efc159",
    "COUNTRY": "#26ad88",
    "PLACE": "#d694b9",
    "DATE": "#e08640",
}
_DARK = {
    "PERSON": "#085d8e",
    "ORG": "#47391b",
    "COUNTRY": "#144b3e",
    "PLACE": "#7e516b",
    "DATE": "#95480c",
}
# More than hue: people are underlined, dates set in italics (in the text and the legend).
_DECORATION = {
    "PERSON": "text-decoration:underline",
    "DATE": "text-decoration:none; font-style:italic",
}
_HIT = {False: ("#f0e442", "#000000"), True: ("#f0e442", "#000000")}
_CURRENT = {False: "#ff9632", True: "#ff9632"}


# A comparison's words: removed ones (left pane) on the vermillion, struck through, added
# ones (right pane) on the blue of the same hues, underlined, so the kind shows without
# colour too. tests/gui/test_compare.py checks their contrast in both palettes.
_DIFF = {
    ("removed", False): ("#f6c6ae", "#000000"),
    ("added", False): ("#b7dbf2", "#000000"),
    ("removed", True): ("#6e3413", "#f2f2f2"),
    ("added", True): ("#104d74", "#f2f2f2"),
}
_DIFF_DECORATION = {"removed": "line-through", "added": "underline"}


def diff_colours(kind: str, dark: bool) -> tuple[str, str]:
    """(background, foreground) of removed or added words in a comparison."""
    return _DIFF[(kind, dark)]


def diff_style(kind: str, dark: bool) -> str:
    """The CSS of removed or added words: colours and the line that tells them apart."""
    bg, fg = diff_colours(kind, dark)
    return f"background-color:{bg}; color:{fg}; text-decoration:{_DIFF_DECORATION[kind]}"


def entity_colour(kind: str, dark: bool) -> str:
    return (_DARK if dark else _LIGHT).get(kind, "#888888")


def entity_decoration(kind: str) -> str:
    """The CSS that sets a type apart besides its tint (underline, italics)."""
    return _DECORATION.get(kind, "text-decoration:none")


def hit_colours(dark: bool) -> tuple[str, str]:
    """(background, foreground) of a marked search hit."""
    return _HIT[dark]


def current_colour(dark: bool) -> str:
    """Background of the hit or mention the user stepped to."""
    return _CURRENT[dark]


# -- hit spans -----------------------------------------------------------------------


def clean_spans(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Sorted, in-bounds, non-overlapping spans (overlaps merged)."""
    out: list[tuple[int, int]] = []
    for raw_start, raw_end in sorted(spans):
        start, end = max(0, raw_start), min(raw_end, length)
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


# -- entities --------------------------------------------------------------------------


def entity_label(entity: Entity) -> str:
    """The normalised name of an entity, as a person reads it."""
    if entity.type == "COUNTRY":
        return country_name(entity.norm)
    return entity.norm


def entity_tooltip(entity: Entity) -> str:
    """``Country: Kazakhstan (KZ)``, ``Person: Lê Thị Thu Hằng, Deputy Foreign Minister``."""
    kind = TYPE_LABELS.get(entity.type, entity.type.title())
    if entity.type == "COUNTRY":
        return f"{kind}: {country_name(entity.norm)} ({entity.norm})"
    text = f"{kind}: {entity.norm}"
    if entity.role:
        text += f", {entity.role}"
    if entity.country and entity.type in ("PLACE", "ORG"):
        text += f" ({country_name(entity.country)})"
    return text


def visible_entities(
    entities: Iterable[Entity], body_length: int, enabled: Iterable[str] = ENTITY_TYPES
) -> list[tuple[int, Entity]]:
    """(index, entity) of the mentions to highlight: enabled types, in order, none overlapping.

    Spans outside the body or overlapping an earlier, longer one are dropped:
    the engine should not produce them, but a bad span must not break the page.
    """
    allowed = set(enabled)
    chosen: list[tuple[int, Entity]] = []
    candidates = sorted(
        ((i, e) for i, e in enumerate(entities) if e.type in allowed),
        key=lambda ie: (ie[1].start, -(ie[1].end - ie[1].start)),
    )
    last_end = 0
    for i, entity in candidates:
        if 0 <= entity.start < entity.end <= body_length and entity.start >= last_end:
            chosen.append((i, entity))
            last_end = entity.end
    return chosen


def entity_groups(entities: Iterable[Entity]) -> dict[EntityType, list[tuple[str, int]]]:
    """Per type, (norm, mentions) sorted by mentions then name: the list under the article."""
    counts: dict[EntityType, Counter[str]] = {}
    for entity in entities:
        counts.setdefault(entity.type, Counter())[entity.norm] += 1
    return {
        kind: sorted(counts[kind].items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        for kind in ENTITY_TYPES
        if kind in counts
    }


# -- the page ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Palette:
    """The few colours the page needs, taken from the widget's palette."""

    dark: bool = False
    dim: str = "#6b6b6b"
    text: str = "#000000"
    link: str = "#0b57d0"


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def body_html(
    body: str,
    entities: Sequence[tuple[int, Entity]],
    hits: Sequence[tuple[int, int]],
    palette: Palette,
) -> str:
    """The body as escaped HTML: entities as links, hits as marked spans, offsets kept 1:1."""
    hit_bg, hit_fg = hit_colours(palette.dark)
    # Cut points: every boundary of an entity or a hit.
    cuts = {0, len(body)}
    for _i, e in entities:
        cuts.update((e.start, e.end))
    for start, end in hits:
        cuts.update((start, end))
    points = sorted(c for c in cuts if 0 <= c <= len(body))
    # Entities and hits are each sorted and non-overlapping: walk them alongside.
    entity_at: dict[int, tuple[int, Entity]] = {}
    hit_points: set[int] = set()
    ei = hi = 0
    for p in points:
        while ei < len(entities) and entities[ei][1].end <= p:
            ei += 1
        if ei < len(entities) and entities[ei][1].start <= p:
            entity_at[p] = entities[ei]
        while hi < len(hits) and hits[hi][1] <= p:
            hi += 1
        if hi < len(hits) and hits[hi][0] <= p:
            hit_points.add(p)
    out: list[str] = []
    open_entity: int | None = None
    for a, b in itertools.pairwise(points):
        if a == b:
            continue
        item = entity_at.get(a)
        index = item[0] if item else None
        if open_entity is not None and index != open_entity:
            out.append("</a>")
            open_entity = None
        if item is not None and open_entity is None:
            i, entity = item
            colour = entity_colour(entity.type, palette.dark)
            out.append(
                f'<a href="entity:{i}" title="{_esc(entity_tooltip(entity))}" '
                f'style="background-color:{colour}; color:{palette.text}; '
                f'{entity_decoration(entity.type)}">'
            )
            open_entity = i
        segment = _esc(body[a:b])
        if a in hit_points:
            segment = (
                f'<span style="background-color:{hit_bg}; color:{hit_fg}; '
                f'font-weight:bold">{segment}</span>'
            )
        out.append(segment)
    if open_entity is not None:
        out.append("</a>")
    return "".join(out)


def diff_html(body: str, spans: Sequence[tuple[int, int]], kind: str, dark: bool) -> str:
    """One version's body with the removed (or added) runs marked: escaped, white space
    kept, offsets 1:1 with the document (the pane steps to a change by offset)."""
    style = diff_style(kind, dark)
    out: list[str] = ['<p style="white-space:pre-wrap"><a name="body-start"></a>']
    pos = 0
    for start, end in clean_spans(spans, len(body)):
        out.append(_esc(body[pos:start]))
        out.append(f'<span style="{style}">{_esc(body[start:end])}</span>')
        pos = end
    out.append(_esc(body[pos:]) + "</p>")
    return "".join(out)


def related_html(related: Sequence[RelatedArticle] | None, palette: Palette) -> str:
    """The "Related articles" section under an article: each a ``related:N`` link with
    its date and reasons; None: they are being looked for."""
    dim = f"color:{palette.dim}"
    parts = [f'<hr/><p style="{dim}"><small>Related articles</small></p>']
    if related is None:
        parts.append(f'<p style="{dim}; margin-top:2px">Looking for related articles…</p>')
    elif not related:
        parts.append(f'<p style="{dim}; margin-top:2px">No related articles found.</p>')
    for i, item in enumerate(related or ()):
        facts = " · ".join(
            x for x in (item.date.isoformat() if item.date else "", *item.reasons) if x
        )
        parts.append(
            f'<p style="margin-top:2px"><a href="related:{i}" style="color:{palette.link}">'
            f'{_esc(item.title or "(untitled)")}</a> <span style="{dim}">{_esc(facts)}</span></p>'
        )
    return "".join(parts)


def article_html(
    article: Article,
    *,
    hits: Sequence[tuple[int, int]] = (),
    title_hits: Sequence[tuple[int, int]] = (),
    enabled: Iterable[str] = ENTITY_TYPES,
    palette: Palette | None = None,
    versions: Sequence[Version] = (),
    related: Sequence[RelatedArticle] | None = None,
    related_pending: bool = False,
    comparable: bool = True,
) -> tuple[str, list[tuple[int, int]], list[tuple[int, Entity]]]:
    """The whole reader page: (html, hit spans in the body, highlighted entities).

    ``hits`` are the engine's spans for the query (``Archive.hit_spans``: the
    same analysis as the index, phrases as one span), cleaned here; ``title_hits`` the
    same in the title, marked there (an article may match in its title alone). ``versions``:
    the article's story (``Archive.versions``), listed at the end when it has copies,
    each a ``version:N`` link with a ``compare:N`` link beside it (when
    ``comparable``). ``related``: the
    articles related to it (``Archive.related``), under all that (no section while
    None, "Looking…" with ``related_pending``).
    """
    palette = palette or Palette()
    enabled = tuple(enabled)
    hits = clean_spans(hits, len(article.body))
    shown = visible_entities(article.entities, len(article.body), enabled)
    title_spans = clean_spans(title_hits, len(article.title or ""))
    if title_spans:
        title = body_html(article.title, (), title_spans, palette)
    else:
        title = _esc(article.title or "(untitled)")
    if article.title_derived:
        title = f'<i title="Title taken from the first words of the text">{title}</i>'
    meta: list[str] = [
        _esc(article.date.isoformat()) if article.date else "Undated",
    ]
    if article.source:
        meta.append(_esc(article.source))
    if article.countries:
        meta.append(", ".join(_esc(f"{country_name(c)} ({c})") for c in article.countries))
    dim = f"color:{palette.dim}"
    parts = [
        f'<h2 style="margin-bottom:2px">{title}</h2>',
        f'<p style="{dim}; margin-top:0">{" · ".join(meta)}</p>',
        "<hr/>",
        '<p style="white-space:pre-wrap"><a name="body-start"></a>',
        body_html(article.body, shown, hits, palette),
        "</p>",
    ]
    if article.trailing.strip():
        # Text the cleaner found after the article's end (newsletters, related
        # links): kept for completeness, set apart so it is not read as the story.
        parts += [
            f'<hr style="margin-top:18px"/><p style="{dim}; margin-top:4px">'
            "<small><b>Unrelated text after the end of the article</b></small></p>",
            f'<p style="white-space:pre-wrap; {dim}; margin-left:12px">'
            f"<small>{_esc(article.trailing)}</small></p>",
        ]
    groups = entity_groups(article.entities)
    first: dict[tuple[str, str], int] = {}
    for i, entity in enumerate(article.entities):
        first.setdefault((entity.type, entity.norm), i)
    if groups:
        parts.append(f'<hr/><p style="{dim}"><small>Mentioned in this article</small></p>')
        for kind, items in groups.items():
            colour = entity_colour(kind, palette.dark)
            links = ", ".join(
                f'<a href="mention:{first[(kind, norm)]}" style="color:{palette.link}">'
                f"{_esc(country_name(norm) if kind == 'COUNTRY' else norm)}</a>"
                + (f" ({count})" if count > 1 else "")
                for norm, count in items
            )
            parts.append(
                f'<p style="margin-top:2px"><span style="background-color:{colour}; '
                f'color:{palette.text}; {entity_decoration(kind)}">'
                f"&nbsp;{TYPE_PLURALS[kind]}&nbsp;</span> {links}</p>"
            )
    if len(versions) > 1:
        parts.append(
            f'<hr/><p style="{dim}"><small>Versions of this story ({len(versions)})</small></p>'
        )
        for i, version in enumerate(versions):
            facts = " · ".join(
                x
                for x in (
                    version.date.isoformat() if version.date else "",
                    _esc(version.source or ""),
                    _esc(printable(version.id)),
                )
                if x
            )
            name = _esc(version.title)
            if version.id == article.id:
                line = f"<b>{name}</b> (this one)"
            else:
                line = f'<a href="version:{i}" style="color:{palette.link}">{name}</a>'
                if comparable:
                    line += (
                        f' [<a href="compare:{i}" style="color:{palette.link}" '
                        'title="What changed between this version and the one you are reading">'
                        "Compare</a>]"
                    )
            parts.append(f'<p style="margin-top:2px">{line} <span style="{dim}">{facts}</span></p>')
    if related is not None or related_pending:
        parts.append(related_html(None if related_pending else related, palette))
    return "".join(parts), hits, shown
