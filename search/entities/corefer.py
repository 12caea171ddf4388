"""One person, one norm: short forms and spelling variants join the full name.

Within one article, ``PM Chinh``, ``Pham Minh Chinh`` and ``Pham Min Chinh`` are one
person; so are ``Hằng``, ``Hang`` and ``Le Thi Thu Hang``, and ``Kasymaliev`` and
``Kasimalyev``. The norm is the fullest spelling, accented where the text has accents.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from search.entities import people_words, spans
from search.entities.data import words
from search.entities.spans import Candidate
from search.entities.text import Token, fold

_SPLIT = re.compile(r"[\s\-.]+")


def name_words(text: str) -> list[str]:
    """Folded lower-case words of a name (``A. Rudenko`` -> ``a``, ``rudenko``)."""
    return [w for w in _SPLIT.split(fold(text).lower()) if w]


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning ``limit + 1``) once over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def similar_word(a: str, b: str) -> bool:
    """Same name word up to accents, an initial or a small misspelling."""
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    if a[0] != b[0] or min(len(a), len(b)) < 3:
        return False
    limit = 2 if min(len(a), len(b)) >= 8 else 1
    return edit_distance(a, b, limit) <= limit


def _same_person(a: list[str], b: list[str]) -> bool:
    if len(a) == len(b):
        return all(similar_word(x, y) for x, y in zip(a, b, strict=True))
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return len(short) >= 2 and all(
        similar_word(x, y) for x, y in zip(short, long_[-len(short) :], strict=True)
    )


@dataclass(slots=True)
class Cluster:
    words: list[str]
    mentions: list[Candidate] = field(default_factory=list)


def _clusters(body: str, persons: list[Candidate]) -> list[Cluster]:
    cjk = {w.lower() for w in people_words.vocab().cjk}
    clusters: list[Cluster] = []
    singles = []
    for cand in persons:
        w = name_words(body[cand.start : cand.end])
        if len([x for x in w if len(x) > 1]) >= 2 or (len(w) >= 2 and len(w[-1]) > 1):
            for cl in clusters:
                if _same_person(w, cl.words):
                    cl.mentions.append(cand)
                    if len(w) > len(cl.words):
                        cl.words = w
                    break
            else:
                clusters.append(Cluster(w, [cand]))
        else:
            singles.append((cand, w))
    full = list(clusters)
    for cand, w in singles:
        word = w[-1] if w else ""
        matches = [
            cl
            for cl in full
            if similar_word(word, cl.words[-1]) or (cl.words[0] in cjk and word == cl.words[0])
        ]
        if not matches and len(word) >= 3:  # "Kao" for Kao Kim Hourn, "Lula" for Lula da Silva
            matches = [cl for cl in full if word in cl.words[:-1]]
        if not matches:
            matches = [
                cl for cl in clusters if len(cl.words) == 1 and similar_word(word, cl.words[0])
            ]
        if matches:
            before = [cl for cl in matches if cl.mentions[0].start < cand.start]
            pick = max(
                before or matches,
                key=lambda cl: max(
                    (m.start for m in cl.mentions if m.start < cand.start), default=-1
                ),
            )
            pick.mentions.append(cand)
        else:
            clusters.append(Cluster(w, [cand]))
    return clusters


def short_forms(body: str, tokens: list[Token], kept: list[Candidate]) -> list[Candidate]:
    """Bare surnames / given names of people named in full elsewhere in the article."""
    persons = [c for c in kept if c.type == "PERSON"]
    cjk = {w.lower() for w in people_words.vocab().cjk}
    particles = people_words.vocab().particles
    common = words("common_words.txt")
    wanted: set[str] = set()
    inner: set[str] = set()
    for cand in persons:
        w = name_words(body[cand.start : cand.end])
        if len(w) >= 2 and len(w[-1]) > 1:
            wanted.add(w[-1])
            if w[0] in cjk:
                wanted.add(w[0])
            inner.update(
                x for x in w[:-1] if len(x) >= 3 and x not in particles and x not in common
            )
    inner -= wanted
    compounds = {
        fold(name.split()[-1]).lower()
        for name in (" ".join(body[c.start : c.end].split()) for c in persons)
        if len(name.split()) >= 2 and "-" in name.split()[-1]
    }
    out = []
    for i, tok in enumerate(tokens):
        if not tok.cap or tok.upper:
            continue
        if compounds and i + 1 < len(tokens) and body[tok.full_end : tokens[i + 1].start] == "-":
            nxt = tokens[i + 1]  # "Kosiniak-Kamysz" for Władysław Kosiniak-Kamysz
            if fold(body[tok.start : nxt.end]).lower() in compounds and _standalone(
                body, tokens, i, i + 1
            ):
                out.append(
                    Candidate(
                        "PERSON", tok.start, nxt.end, body[tok.start : nxt.end], spans.PERSON_SHORT
                    )
                )
            continue
        if tok.key not in wanted and tok.key not in inner:
            continue
        if tok.initial and tok.key in common:
            continue
        if tok.key not in wanted and not _standalone(body, tokens, i):
            continue
        out.append(Candidate("PERSON", tok.start, tok.end, tok.text, spans.PERSON_SHORT))
    return out


def _standalone(body: str, tokens: list[Token], i: int, j: int | None = None) -> bool:
    """Whether tokens ``i..j`` are a name on their own: no capitalised word joined to them
    (a title before them is fine: ``Minister Phumtham``)."""
    j = i if j is None else j
    titles = people_words.vocab().heads | people_words.vocab().title_words
    if (
        i > 0
        and tokens[i - 1].cap
        and tokens[i - 1].text not in titles
        and body[tokens[i - 1].full_end : tokens[i].start] in (" ", "-")
    ):
        return False
    return not (
        j + 1 < len(tokens)
        and tokens[j + 1].cap
        and body[tokens[j].full_end : tokens[j + 1].start] in (" ", "-")
    )


def _has_accents(text: str) -> bool:
    return fold(text) != text


def assign_norms(body: str, kept: list[Candidate]) -> None:
    """Give every mention of one person the same norm: the fullest, accented spelling."""
    persons = [c for c in kept if c.type == "PERSON"]
    for cl in _clusters(body, persons):
        texts = Counter(" ".join(body[m.start : m.end].split()) for m in cl.mentions)
        first_seen = {
            t: i
            for i, t in reversed(
                list(enumerate(" ".join(body[m.start : m.end].split()) for m in cl.mentions))
            )
        }
        best = max(
            texts,
            key=lambda t: (
                len(name_words(t)),
                sum(len(x) > 1 for x in name_words(t)),
                _has_accents(t),
                texts[t],
                len(t),
                -first_seen[t],
            ),
        )
        for m in cl.mentions:
            m.norm = best
