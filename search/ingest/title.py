"""The title: a headline line kept, else one derived from the lede; datelines and
agencies (``HÀ NỘI (VNA) —``) split off the first paragraph."""

from __future__ import annotations

import re

from search.ingest.cleaning import clean_line

TITLE_MAX_CHARS = 90
"""Derived titles are cut at a word boundary near this length."""

HEADLINE_MAX_CHARS = 160
HEADLINE_MAX_WORDS = 28


_DATELINE = re.compile(
    r"""^(?:
        (?P<caps>[A-ZÀ-ỸĐ][A-ZÀ-ỸĐ.'\s]{1,40}?)                 # HÀ NỘI / NEW YORK
        (?:,\s*[^—–\-()]{1,30}?)?                              # , March 6
        (?:\s*\((?P<agency1>[A-Za-z][\w/&.\- ]{0,20})\))?
      | (?P<place>[A-ZÀ-ỸĐ][\w.'’]*(?:\s[A-ZÀ-ỸĐ][\w.'’]*){0,3})  # Hanoi / Ho Chi Minh City
        (?:,\s*[^—–\-()]{1,30}?)?
        \s*\((?P<agency2>[A-Za-z][\w/&.\- ]{0,20})\)
    )\s*[—–\-]{1,2}\s+""",
    re.VERBOSE,
)


def split_dateline(paragraph: str) -> tuple[str, str | None]:
    """``HÀ NỘI — Text`` -> (``Text``, agency or None). Leaves other text alone."""
    match = _DATELINE.match(paragraph)
    if not match:
        return paragraph, None
    caps = match.group("caps")
    if caps is not None and caps.strip() != caps.strip().upper():
        return paragraph, None
    agency = match.group("agency1") or match.group("agency2")
    return paragraph[match.end() :], agency


_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|Gen|Lt|Col|Sen|Rep|Gov|Jr|Sr|No|Vol|vs|etc|Inc|Ltd|Co|Corp)"
    r"|\b[A-Z]|\b(?:[A-Za-z]\.){2,}[A-Za-z]?)$"
)


def first_sentence(text: str) -> str:
    """The first sentence, not fooled by initials (``A. Rudenko``) or ``U.S.``."""
    for match in re.finditer(r"[.!?](?=[\"'”’»)]*\s+[\"“«(]?[A-ZÀ-ỸĐ0-9])", text):
        head = text[: match.start()]
        if _ABBREV.search(head):
            continue
        return text[: match.end()].strip()
    return text.strip()


def derive_title(paragraph: str) -> str:
    """A title from the first sentence, cut at a word boundary near 90 characters."""
    sentence = first_sentence(paragraph).rstrip()
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence.rstrip(".").rstrip()
    cut = sentence[: TITLE_MAX_CHARS + 1]
    space = cut.rfind(" ")
    if space > TITLE_MAX_CHARS // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:–—-") + "…"


_INNER_CAPITAL = re.compile(r"[a-z]+[A-Z]")
"""A word written with a capital inside: ``eBay``, ``iPhone``, ``mRNA``."""
_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "but",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "than",
        "that",
        "the",
        "to",
        "with",
    ]
)
"""Words a headline does not end on, but a line cut mid-sentence often does."""
_SENTENCE_END = re.compile(r"[.!?…][\"”’»)]*$")


def looks_like_headline(line: str, then: str | None = None) -> bool:
    """Whether the first paragraph ``line`` is a headline.

    ``then`` is the paragraph after it when a blank line sets the two apart. A
    line that starts in lower case is a headline when its first word has a
    capital inside (``eBay buys Skype``), or when a blank line parts it from a
    body paragraph (``then`` is a sentence longer than it) and it does not end
    on a word that leaves a sentence open (``the``, ``of``...).
    """
    if not (
        line
        and len(line) <= HEADLINE_MAX_CHARS
        and len(line.split()) <= HEADLINE_MAX_WORDS
        and not line.endswith((".", ",", ";", ":"))
        and any(ch.isalpha() for ch in line)
    ):
        return False
    if not line[0].islower() or _INNER_CAPITAL.match(line):
        return True
    words = line.split()
    return (
        then is not None
        and words[-1].casefold() not in _DANGLING
        and bool(_SENTENCE_END.search(then))
        and len(then.split()) > len(words)
    )


def set_apart(text: str) -> bool:
    """Whether a blank line follows the text's first non-blank line."""
    lines = iter(text.split("\n"))
    for raw_line in lines:
        if clean_line(raw_line):
            return not clean_line(next(lines, "x"))
    return False


def same_line(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
