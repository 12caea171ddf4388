"""Whether another recogniser could take a country mention's words (``Bank of Japan``).

`search.entities.extract` resolves every recogniser's candidates at once, so a country
word inside an organisation, a person or a place (``Bank of Japan``, ``Georgia Smith``,
``South China Sea``) is no COUNTRY. `extract_countries` runs the other recognisers only
where one of them could cover a country candidate. A candidate beats a
country's only by covering the same words with a higher priority or by reaching past
them (`resolve.non_overlapping`: the longest wins); past them it takes in the next token
on one side, and every recogniser builds its names of tokens linked as `joinable` says
(a space or a dash), of capitalised words, numbers and the lower-case words names carry
(``of``, ``de``, ``bin``), its first word capitalised. So a country candidate is
*contested* when:

- the token before it is joined to it and capitalised or a title (``Voice of``
  leads back to ``Voice``, ``Dr.``, ``counterpart``), through lower-case name words;
  after ``, `` only inside an organisation's complement (``Ministry of Agriculture,``);
- the token after it is joined to it and capitalised or a number (``Defence``,
  ``2005``), through lower-case name words (``and Vietnam``); a lower-case word after
  a hyphen only when it could end a person's name (``Jordan-based``, `_nameable`);
- a known organisation is spelt like it (``orgs.known``, priority above a country's);
- it is one token that acronym pairing (`orgs.pair_acronyms`) could give to an
  organisation everywhere in the article: written in parentheses somewhere (``(US)``,
  ``(Georgia)``), or the initials of an organisation candidate (``Universal Studios``
  for ``US``). Then the whole article is resolved.

Uncontested candidates are resolved among themselves. The contested ones are resolved
with every recogniser over their sentences alone (`windows`, `resolve_windows`): no name
runs over the end of a sentence (an initial's or a title's dot is none), and what the
recognisers read beyond it (the word before a sentence, the article's lower-case words,
its other names for short forms) decides single words, which cannot take a country's
words, or names that would have to beat a longer name first. Dates hold no country word.
On 2,777 articles of BBC News, CoNLL-2003, IE-ER, Wikigold and our own, 3,000 made by
``bench/gen_corpus.py`` and 12,000 of their paragraphs and sentences reshuffled, every
country mention is the full resolution's (issue #17).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import replace
from functools import cache

from search.entities import countries, orgs, people_words
from search.entities.lexicon import CONNECTORS
from search.entities.resolve import non_overlapping
from search.entities.spans import Candidate
from search.entities.text import Token, joinable

MAX_WALK = 12
"""Lower-case name words looked through on one side before a candidate counts as contested."""


@cache
def _glue() -> frozenset[str]:
    """Lower-case words that sit inside names (connectors, particles, ``de``/``für``)."""
    return CONNECTORS | orgs.word_sets()["front_connectors"] | people_words.vocab().particles


@cache
def _titles() -> frozenset[str]:
    """Words a titled person's name follows (``President``, ``Dr``, ``counterpart``)."""
    vocab = people_words.vocab()
    return vocab.heads | vocab.title_words


@cache
def _org_heads() -> frozenset[str]:
    """Head words whose complement may run on over commas (`orgs._right_edge`)."""
    words = orgs.word_sets()
    return words["heads"] | words["of_heads"] | words["block_heads"]


def windows(body: str, tokens: list[Token], found: list[Candidate]) -> list[tuple[int, int]] | None:
    """The (start, end) of each sentence of ``body`` with a contested COUNTRY candidate
    of ``found`` (`countries.find`), in order; None when acronym pairing could reach one
    from elsewhere in the article (the whole article is then resolved)."""
    starts = [t.start for t in tokens]
    known = orgs.known()
    pairing = _Pairing(body, tokens)
    out: list[tuple[int, int]] = []
    for cand in sorted(found, key=lambda c: c.start):
        if cand.type != "COUNTRY":
            continue
        i = bisect_left(starts, cand.start)
        j = bisect_left(starts, cand.end) - 1
        if i == j and pairing.could_take(tokens[i].text):
            return None
        if out and cand.start < out[-1][1]:
            continue  # its sentence is resolved already
        org = known.longest(body, tokens, i)
        if _left(body, tokens, i) or _right(body, tokens, i, j) or (org and org[0] >= j):
            start, end = _sentence(body, tokens, starts, cand)
            if out and start < out[-1][1]:  # not expected: the spans must not overlap
                before, after = out.pop()
                start, end = before, max(end, after)
            out.append((start, end))
    return out


_BOUNDARY = re.compile(r"[.!?][\"“”]?( +)(?=\S)")
"""A sentence's end: its full stop (``?``, ``!``), a closing quote, the spaces after."""


def _sentence(
    body: str, tokens: list[Token], starts: list[int], cand: Candidate
) -> tuple[int, int]:
    """The sentence around ``cand``: its line, cut at the ends of sentences that no name
    or date runs over (`_ends_sentence`)."""
    start = body.rfind("\n", 0, cand.start) + 1
    end = body.find("\n", cand.end)
    end = len(body) if end < 0 else end
    for m in _BOUNDARY.finditer(body, start, cand.start + 1):  # one more: the lookahead
        if _ends_sentence(body, tokens, starts, m.start()):
            start = m.end()
    for m in _BOUNDARY.finditer(body, cand.end, end):
        if _ends_sentence(body, tokens, starts, m.start()):
            return start, m.start(1)
    return start, end


def _ends_sentence(body: str, tokens: list[Token], starts: list[int], at: int) -> bool:
    """Whether the stop at ``at`` ends a sentence for every recogniser: not the dot of an
    initial, a title or a short capitalised abbreviation (``A.``, ``Dr.``, ``U.S.``,
    ``Jan.``, ``St.``), which a name or a date may run over."""
    if body[at] != ".":
        return True
    k = bisect_left(starts, at) - 1
    if k < 0 or tokens[k].full_end != at:
        return True  # after a quote or a bracket
    tok = tokens[k]
    return not (len(tok.text) == 1 or tok.text in _titles() or (tok.cap and len(tok.text) <= 4))


Resolve = Callable[[str, list[Candidate], set[str]], list[Candidate]]
"""(text, its country candidates, the article's countries) -> every recogniser's
candidates of the text, overlaps resolved."""


def resolve_windows(
    body: str, found: list[Candidate], spans: list[tuple[int, int]], resolve: Resolve
) -> list[Candidate]:
    """``found`` (`countries.find` of ``body``) with the overlaps resolved: the candidates
    in ``spans`` (`windows`) by ``resolve`` over those sentences alone (each one after a
    line break, with a blank line between two), the others among themselves (no other
    recogniser's name reaches them)."""
    if not spans:
        return non_overlapping(found)
    pieces: list[str] = []
    shifts: list[tuple[int, int, int]] = []
    """(start, end, body offset - text offset) of each sentence."""
    size = 0
    for start, end in spans:
        if start or size:  # only the body's own start begins the text (a dateline)
            pieces.append("\n\n" if size else "\n")
            size += len(pieces[-1])
        shifts.append((start, end, start - size))
        pieces.append(body[start:end])
        size += end - start
    outside: list[Candidate] = []
    inside: list[Candidate] = []
    origin: list[Candidate] = []
    for cand in found:
        k = bisect_right(spans, (cand.start, len(body))) - 1
        if k >= 0 and cand.start < shifts[k][1]:
            delta = shifts[k][2]
            inside.append(replace(cand, start=cand.start - delta, end=cand.end - delta))
            origin.append(cand)
        else:
            outside.append(cand)
    seen = {c.norm for c in found if c.type == "COUNTRY"}
    survivors = {id(c) for c in resolve("".join(pieces), inside, seen)}
    kept = non_overlapping(outside) + [
        cand for cand, moved in zip(origin, inside, strict=True) if id(moved) in survivors
    ]
    return sorted(kept, key=lambda c: c.start)


def _left(body: str, tokens: list[Token], i: int) -> bool:
    """Whether a name could run from before token ``i`` into it."""
    glue = _glue()
    k = i
    while k > 0:
        prev, cur = tokens[k - 1], tokens[k]
        gap = body[prev.full_end : cur.start]
        if joinable(body, prev, cur):
            if prev.cap or prev.text in _titles():
                return True
            if prev.key in glue or prev.text[0].isdigit() or gap == "-":
                if i - k >= MAX_WALK:
                    return True
                k -= 1
                continue
            return False
        if k < i:
            return False
        if gap == ". ":  # "Dr. Jordan", "A. Jordan"
            return prev.dot and (len(prev.text) == 1 or prev.text in _titles())
        if gap == ", " and prev.cap:  # "Ministry of Agriculture, Japan and Fisheries"
            return _in_complement(body, tokens, k - 1)
        return False
    return False


def _in_complement(body: str, tokens: list[Token], k: int) -> bool:
    """Whether token ``k`` could be in the complement of an organisation's head word
    (``Ministry of Industry, Trade``): a head before it through capitalised words and
    connectors, joined or after ``, ``."""
    heads = _org_heads()
    for m in range(k, max(-1, k - 4 * MAX_WALK), -1):
        tok = tokens[m]
        if tok.text in heads:
            return True
        if not (tok.cap or tok.key in CONNECTORS) or m == 0:
            return False
        prev = tokens[m - 1]
        if not joinable(body, prev, tok) and body[prev.full_end : tok.start] != ", ":
            return False
    return True


def _right(body: str, tokens: list[Token], i: int, j: int) -> bool:
    """Whether a name could run from tokens ``i..j`` on past token ``j``."""
    glue = _glue()
    k = j
    while k + 1 < len(tokens):
        cur, nxt = tokens[k], tokens[k + 1]
        if not joinable(body, cur, nxt):
            return False
        if nxt.cap or nxt.text[0].isdigit():
            return True
        if nxt.key in glue:
            if k - j >= MAX_WALK:
                return True
            k += 1
            continue
        if body[cur.full_end : nxt.start] == "-":  # "al-Sisi": a name may end so
            return k > j or any(_personal(t) for t in tokens[i : j + 1])
        return False
    return False


def _personal(tok: Token) -> bool:
    """Whether a word of a country's name can be a word of a person's name (``Jordan``;
    ``Costa`` of Costa Rica), as `people._not_a_name` has it."""
    return tok.key not in countries.lexicon().entries or tok.text in countries.person_like()


class _Pairing:
    """Which words `orgs.pair_acronyms` could give to an organisation in one article."""

    def __init__(self, body: str, tokens: list[Token]) -> None:
        self.body = body
        self.tokens = tokens
        self.said: dict[str, bool] = {}
        self.initials: set[str] | None = None
        """Of every organisation candidate (those resolved are among them)."""

    def could_take(self, text: str) -> bool:
        """Whether every ``text`` token could be an organisation: ``text`` is written in
        parentheses (an acronym or alias defined there), or is the initials of an
        organisation candidate (`orgs._initials`, the very rule of the pairing)."""
        if text not in self.said:
            self.said[text] = f"({text})" in self.body or self._initials_of_one(text)
        return self.said[text]

    def _initials_of_one(self, text: str) -> bool:
        body, tokens = self.body, self.tokens
        if len(text) < 2 or not all(c.isupper() for c in text):
            return False
        if not any(
            _initials_from(body, tokens, k, text)
            for k, t in enumerate(tokens)
            if t.text[0] == text[0]
        ):
            return False  # no words spell it: the organisations need not be found
        if self.initials is None:
            self.initials = {
                orgs._initials(body[c.start : c.end])
                for c in orgs.find(body, tokens)
                if c.type == "ORG"
            }
        return text in self.initials


def _initials_from(body: str, tokens: list[Token], k: int, acronym: str) -> bool:
    """Whether the words from token ``k`` on, in one line, could have ``acronym`` as their
    initials (`orgs._initials`: the capital first letters of the words, split at spaces and
    hyphens, connectors left out), an organisation ending anywhere after them. A
    capitalised connector may count or not (``The,`` counts there, ``The`` does not)."""
    reached = {1}
    for m in range(k + 1, len(tokens)):
        tok = tokens[m]
        gap = body[tokens[m - 1].full_end : tok.start]
        if "\n" in gap:
            return False
        if not (gap[-1:].isspace() or gap.endswith("-")) or not tok.text[0].isupper():
            continue  # inside a word (``U.S``), or no capital: no letter
        grown = {n + 1 for n in reached if acronym[n] == tok.text[0]}
        if len(acronym) in grown:
            return True
        reached = grown | reached if tok.text.lower() in CONNECTORS else grown
        if not reached:
            return False
    return False
