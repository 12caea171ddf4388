"""Words around a name that only an organisation fits, for names spaCy calls people.

spaCy's small model types a bare company or band name it does not know (``Lycos``,
``Earthlink``, ``Tru``) as a PERSON, most of all where the article never says more of it.
News introduces such names with a noun for what they are, and these passes read it:

- the noun right before the name: ``Internet portal Lycos``, ``rap group Tru``, ``US firm
  Vantor`` (``close_nouns`` in ``org_words.json``);
- a list after a plural of such a noun: ``organisations such as Spamcop``, ``firms
  including Vantor and Kelso``.

A name that goes on past a small word (``the group Human Rights in China``) is left out:
where it ends is not known.

Each gives names, not offsets: ``combine`` retypes every mention of the name that spaCy
alone called a person, where no rule knows better (a person named in full, a place).
"""

from __future__ import annotations

import re
from functools import cache

from search.entities import orgs
from search.entities.text import alternation

_WORD = r"[A-Z](?:[\w&'-]|\.(?=\w))*"
"""A capitalised word; a dot only inside it (``Amazon.com``), so a name ends with its
sentence."""
_NAME = rf"{_WORD}(?: (?:&|{_WORD})){{0,3}}"
_ENDED = r"(?! (?:(?:of|in|for|de|du|and|&) )?[A-Z])"
"""Not followed by another capital, or a small word and a capital: the name may go on."""
_LIST_GLUE = re.compile(r",? (?:and|or) |, ")


@cache
def _close_noun() -> re.Pattern[str]:
    """``portal Lycos``: a noun for an organisation, then the name after one space."""
    nouns = alternation(orgs.word_sets()["close_nouns"])
    return re.compile(rf"(?<![\w'’-])(?:{nouns}) ({_NAME})(?![\w'’&-]){_ENDED}")


@cache
def _such_as() -> re.Pattern[str]:
    """``organisations such as Spamcop and Webroot``: the list after a plural noun."""
    plurals = alternation(orgs.word_sets()["org_plurals"])
    return re.compile(
        rf"\b(?:{plurals}),? (?:such as|like|including) ({_NAME}(?:(?:,? (?:and|or) |, ){_NAME})*)"
    )


def cued_names(body: str) -> set[str]:
    """Names that a noun for an organisation or a list after its plural marks as one."""
    out = {m.group(1) for m in _close_noun().finditer(body)}
    for m in _such_as().finditer(body):
        out.update(part for part in _LIST_GLUE.split(m.group(1)) if part)
    return out
