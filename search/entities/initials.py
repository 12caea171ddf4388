"""Short forms made of an organisation's initials, tied to its full name in one article.

News names a body in full once and then by its initials, often in mixed case and without
defining them in brackets: ``Association of Chief Police Officers`` ... ``Acpo``,
``British American Tobacco`` ... ``Bat``. spaCy calls such a short form a person as often
as not; where its letters are the initials of an organisation the article names, it is
that organisation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_SMALL = frozenset({"of", "the", "and", "for", "&", "de", "du", "des", "la", "le", "on", "in"})
_SHORT = re.compile(r"(?<![\w'’.-])[A-Z][A-Za-z]{1,5}(?![\w'’-])")


def initials(name: str) -> str | None:
    """The upper-case initials of a name of three words or more (small words skipped), or
    of two capitalised words; None where there are fewer than two."""
    words = [w for w in name.replace("-", " ").split() if w.lower() not in _SMALL]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words).upper()


def short_forms(body: str, organisations: Iterable[str]) -> dict[str, str]:
    """``{short form as written: full name}`` for the capitalised words of two to six
    letters in the body that spell the initials of one of the organisations named."""
    by_initials: dict[str, str] = {}
    for name in organisations:
        letters = initials(name)
        if letters is not None and 2 <= len(letters) <= 6:
            by_initials.setdefault(letters, name)
    if not by_initials:
        return {}
    out: dict[str, str] = {}
    for m in _SHORT.finditer(body):
        word = m.group()
        full = by_initials.get(word.upper())
        if full is not None and word != full:
            out[word] = full
    return out
