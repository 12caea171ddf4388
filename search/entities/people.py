"""PERSON mentions: a name needs evidence, never just a capital letter.

Evidence, strongest first: a title before it (``Deputy Foreign Minister Le Thi Thu
Hang``, ``PM Chinh``, ``Mr. Olaf Scholz``); a Vietnamese family name followed by
Vietnamese syllables; a common given name, a surname ending (``-ov``, ``-enko``) or an
initial (``A. Rudenko``) with another name word; a speech verb after it (``Tuya said``).
Titles are returned as ``role``, not as part of the name. Short forms and spelling
variants are merged with full names in ``corefer``.
"""

from __future__ import annotations

import re

from search.entities import countries, orgs, spans
from search.entities.data import words
from search.entities.dates import MONTHS
from search.entities.people_words import vocab
from search.entities.spans import Candidate
from search.entities.text import Token, fold, joinable

MAX_NAME_WORDS = 4
_REGNAL = re.compile(r"^(?:I{2,3}|IV|VI{1,3}|IX|XI{0,3}|XI?V|XVI{0,3})$")
_VN_SYLLABLE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
    r"[aeiouy]{1,3}(ch|nh|ng|c|m|n|p|t)?$"
)
_ENGLISH_SHORT = frozenset(
    {
        "the",
        "to",
        "do",
        "in",
        "on",
        "at",
        "an",
        "and",
        "that",
        "this",
        "then",
        "than",
        "hit",
        "hot",
        "not",
        "can",
        "ban",
        "man",
        "bay",
        "pay",
        "may",
        "say",
        "day",
        "way",
        "so",
        "no",
    }
)


def is_vn_syllable(word: str) -> bool:
    """Whether a folded lower-case word could be a Vietnamese syllable (``thu``, ``hang``)."""
    return bool(_VN_SYLLABLE.match(word)) and word not in _ENGLISH_SHORT


def _not_a_name(tok: Token) -> bool:
    """Words that never belong to a person's name, whatever their capital letter."""
    v = vocab()
    if tok.text in v.heads or tok.text in v.title_words or tok.key in MONTHS:
        return True
    if tok.text in v.not_name:
        return True
    if tok.text.endswith("s") and tok.text[:-1] in v.heads:  # "Both PMs agreed"
        return True
    org_words = orgs.word_sets()
    if tok.text in org_words["heads"] or tok.text in org_words["block_heads"]:
        return True
    entry = countries.lexicon().entries.get(tok.key)
    return entry is not None and tok.text not in countries.person_like()


def _nameable(tok: Token, lenient: bool = False) -> bool:
    if not tok.cap or _not_a_name(tok):
        return False
    if tok.upper and len(tok.text) > 1:
        return False
    return lenient or tok.key not in words("common_words.txt")


def _name_end(body: str, tokens: list[Token], i: int, lenient: bool = False) -> int | None:
    """Last token of a name starting at ``i`` (initials, hyphenated parts and particles
    such as ``da``, ``van`` or ``bin`` before a further name word allowed)."""
    if i >= len(tokens) or not _nameable(tokens[i], lenient=True):
        return None
    j = i
    words = 1
    particles = vocab().particles
    while j + 1 < len(tokens) and words < MAX_NAME_WORDS and not tokens[j].possessive:
        cur, nxt = tokens[j], tokens[j + 1]
        between = body[cur.full_end : nxt.start]
        initial = len(cur.text) == 1 and cur.dot and between == ". " and _nameable(nxt, True)
        hyphen = between == "-" and (nxt.cap or nxt.text.islower()) and len(nxt.text) > 1
        if between == " " and nxt.key in particles and not nxt.cap:
            k = j + 1  # "da Silva", "van der Leyen", "al-Sisi"
            second = tokens[k + 1] if k + 1 < len(tokens) else None
            if (
                second is not None
                and second.key in particles
                and not second.cap
                and (body[tokens[k].full_end : second.start] == " ")
            ):
                k += 1
            if k + 1 < len(tokens) and not tokens[k].possessive:
                after = tokens[k + 1]
                gap = body[tokens[k].full_end : after.start]
                if gap in (" ", "-") and _nameable(after, lenient=True) and len(after.text) > 1:
                    j = k + 1
                    words += 1
                    continue
        if not (initial or hyphen or (between == " " and _nameable(nxt, lenient))):
            break
        j += 1
        words += 1
    if len(tokens[j].text) == 1:  # a name does not end in an initial
        j -= 1
    if (
        j >= i
        and j + 1 < len(tokens)
        and _REGNAL.match(tokens[j + 1].text)
        and (body[tokens[j].full_end : tokens[j + 1].start] == " " and not tokens[j].possessive)
    ):
        j += 1  # "Mohammed VI", "Charles III"
    return j if j >= i else None


def _title_before(body: str, tokens: list[Token], head: int) -> tuple[int, str | None]:
    """Start token of the title ending at ``head`` and the role it gives (None: honorific)."""
    v = vocab()
    first = head
    while first > 0:
        prev = tokens[first - 1]
        if prev.text not in v.title_words and prev.text not in v.heads:
            break
        if not joinable(body, prev, tokens[first]) or prev.possessive:
            break
        first -= 1
    if tokens[head].text in v.honorifics and first == head:
        return first, None
    return first, body[tokens[first].start : tokens[head].end]


def _complement_end(body: str, tokens: list[Token], head: int) -> int:
    """``Minister of Industry and Trade``: last token of the portfolio after a title."""
    v = vocab()
    j = head
    if head + 1 < len(tokens) and tokens[head + 1].key in ("of", "for"):
        k = head + 1
        while (
            k + 1 < len(tokens)
            and tokens[k + 1].text in v.portfolio
            and joinable(body, tokens[k], tokens[k + 1])
        ):
            k += 1
            if tokens[k].cap:
                j = k
    return j


def _titled(body: str, tokens: list[Token]) -> list[Candidate]:
    v = vocab()
    out = []
    for h, tok in enumerate(tokens):
        if tok.text not in v.heads:
            continue
        if tok.text in ("PM", "CS") and not tok.upper:
            continue
        last_title = _complement_end(body, tokens, h)
        n = last_title + 1
        if n >= len(tokens):
            continue
        gap = body[tokens[last_title].full_end : tokens[n].start]
        if tokens[last_title].possessive or gap not in (" ", ". "):
            continue
        if gap == ". " and not tokens[last_title].dot:
            continue
        end = _name_end(body, tokens, n, lenient=True)
        if end is None:
            continue
        first, role = _title_before(body, tokens, h)
        if role is not None and last_title > h:
            role = body[tokens[first].start : tokens[last_title].end]
            # "Minister of Europe and Foreign Affairs": the portfolio is no PLACE.
            out.append(Candidate("BLOCK", tok.start, tokens[last_title].end, "", spans.BLOCK))
        out.append(
            Candidate(
                "PERSON",
                tokens[n].start,
                tokens[end].end,
                _norm_text(body, tokens, n, end),
                spans.PERSON_TITLED,
                role=" ".join(role.split()) if role else None,
            )
        )
    return out


def _norm_text(body: str, tokens: list[Token], i: int, j: int) -> str:
    return " ".join(body[tokens[i].start : tokens[j].end].split())


def _vietnamese(body: str, tokens: list[Token]) -> list[Candidate]:
    """``Nguyen Minh Vu``, ``Lê Thị Thu Hằng``: family name plus Vietnamese syllables."""
    surnames = words("vn_surnames.txt")
    out = []
    for i, tok in enumerate(tokens):
        if not tok.cap or tok.upper or tok.key not in surnames:
            continue
        j = i
        while (
            j + 1 < len(tokens)
            and j - i + 1 < MAX_NAME_WORDS
            and not tokens[j].possessive
            and body[tokens[j].full_end : tokens[j + 1].start] == " "
            and tokens[j + 1].cap
            and not tokens[j + 1].upper
            and is_vn_syllable(tokens[j + 1].key)
            and not _not_a_name(tokens[j + 1])
        ):
            j += 1
        if j == i:
            continue
        accented = fold(body[tok.start : tokens[j].end]) != body[tok.start : tokens[j].end]
        strong = j - i >= 2 or accented
        if tok.initial and not strong:
            continue
        out.append(
            Candidate(
                "PERSON",
                tok.start,
                tokens[j].end,
                _norm_text(body, tokens, i, j),
                spans.PERSON_NAMELIKE if strong else spans.PERSON_WEAK,
            )
        )
    return out


def _has_surname_suffix(tok: Token) -> bool:
    if len(tok.key) < 5 or tok.key in countries.demonym_keys():
        return False
    return tok.key.endswith(vocab().suffixes)


def _namelike(body: str, tokens: list[Token]) -> list[Candidate]:
    """Given name + surname, initial + surname, or a surname with a telling ending."""
    given = words("given_names.txt")
    out = []
    for i, tok in enumerate(tokens):
        if not tok.cap or tok.upper:
            continue
        initial = len(tok.text) == 1 and tok.dot
        if (
            initial
            and tok.start >= 2
            and body[tok.start - 1] == "."
            and body[tok.start - 2].isalpha()
        ):
            continue  # the ``S.`` of ``U.S.``: the end of an abbreviation, no initial
        if tok.text in countries.person_like():  # "Jordan Peterson", "Chad Smith"
            given = given | {tok.text}
        if not (initial or tok.text in given or _nameable(tok)):
            continue
        end = _name_end(body, tokens, i)
        if end is None or end == i:
            continue
        names = tokens[i : end + 1]
        if not (initial or tok.text in given or any(_has_surname_suffix(t) for t in names[1:])):
            continue
        particles = vocab().particles
        if not all(
            _nameable(t) or len(t.text) == 1 or (t.key in particles and not t.cap)
            for t in names[1:]
        ):
            continue
        out.append(
            Candidate(
                "PERSON",
                tok.start,
                tokens[end].end,
                _norm_text(body, tokens, i, end),
                spans.PERSON_NAMELIKE,
            )
        )
    return out


def _speakers(body: str, tokens: list[Token]) -> list[Candidate]:
    """``Tuya said``: one to three name words right before a speech verb."""
    v = vocab()
    lowered = None
    out = []
    for k, verb in enumerate(tokens):
        if verb.key not in v.speech or k == 0 or verb.cap:
            continue
        j = k - 1
        if body[tokens[j].full_end : verb.start] != " ":
            continue
        i = j
        while (
            i > 0
            and j - i < 2
            and body[tokens[i - 1].full_end : tokens[i].start] == " "
            and (_nameable(tokens[i - 1]))
        ):
            i -= 1
        names = tokens[i : j + 1]
        if not all(_nameable(t) for t in names):
            continue
        if i == j:
            if lowered is None:
                lowered = set(re.findall(r"\b[a-z]\w+", body))
            if tokens[i].text.lower() in lowered or len(tokens[i].text) < 3:
                continue
            if tokens[i].text in words("given_names.txt"):
                continue
            if re.search(r"[^aeiouys]s$", tokens[i].text):  # "Analysts noted": a plural
                continue
        out.append(
            Candidate(
                "PERSON",
                tokens[i].start,
                tokens[j].end,
                _norm_text(body, tokens, i, j),
                spans.PERSON_WEAK,
            )
        )
    return out


_AFTER_NAME = re.compile(r"\s*(?:[,.;:!?\"”)]|$|\s+\()")


def _quoted_speakers(body: str, tokens: list[Token]) -> list[Candidate]:
    """``..., said Akinwumi Adesina, the ...``: two to four name words after a speech verb,
    closed by punctuation."""
    v = vocab()
    out = []
    for k, verb in enumerate(tokens):
        if verb.cap or verb.key not in v.after_speech or k + 2 >= len(tokens):
            continue
        i = k + 1
        if verb.key == "according":
            if tokens[i].key != "to":
                continue
            i += 1
        if body[tokens[i - 1].full_end : tokens[i].start] != " " or not _nameable(tokens[i]):
            continue
        end = _name_end(body, tokens, i)
        if end is None or end == i or tokens[end].possessive:
            continue
        if not _AFTER_NAME.match(body, tokens[end].end) or tokens[i].key in orgs.known().entries:
            continue
        out.append(
            Candidate(
                "PERSON",
                tokens[i].start,
                tokens[end].end,
                _norm_text(body, tokens, i, end),
                spans.PERSON_AFTER_SPEECH,
            )
        )
    return out


def find(body: str, tokens: list[Token]) -> list[Candidate]:
    """PERSON candidates before merging; norms are the texts, merged later."""
    return (
        _titled(body, tokens)
        + _vietnamese(body, tokens)
        + _namelike(body, tokens)
        + (_speakers(body, tokens) + _quoted_speakers(body, tokens))
    )
