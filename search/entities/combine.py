"""Rules layered over the statistical recogniser's spans (issue #12; not wired in yet).

spaCy (``statistical.py``) proposes PERSON, ORG and PLACE spans; the hand rules
(``extract``) then settle what they know better:

- A rules mention with exactly a spaCy span's offsets decides its type, norm, role and
  country: spaCy's ORG for a bare surname becomes a PERSON, ``Kenya`` gets its ISO code,
  ``Vilnius`` stays a PLACE. So does a rules person at the end of a spaCy span that only
  adds titles before it (``Ms Marsudi`` -> ``Marsudi``).
- Where the rules' span differs from an overlapping spaCy span, spaCy's boundaries win
  (on IE-ER dev its boundaries were right more often).
- The rules' reading also wins where spaCy cut a name it holds: a longer place of the
  gazetteer (``Asia – Pacific``), a name before an organisation that spaCy left unmarked
  (``Ho Chi Minh National Academy of Politics``), a committee named by a list that spaCy
  split (``Committee on Foreign Affairs, Defence, and Security``), and the country of
  ``Government of the Kyrgyz Republic``. spaCy's organisations inside the office before
  a person (``Party General`` Secretary To Lam) and its persons that are abbreviations
  of mixed case (``MoU``, ``PhD``) are dropped.
- Rules mentions that overlap no spaCy span are kept: DATE, demonyms as COUNTRY, and the
  people and organisations spaCy missed.
- A nationality word at the front of a spaCy PERSON span, or of an ORG span before a
  state body or a title (``Kazakh Ministry of Foreign Affairs``, ``Kazakh President``), is
  cut off (the rules tag it as the country); before any other organisation it stays part
  of the name (``Argentine Chamber of Commerce``, ``British Museum``), as in our own gold,
  IE-ER and CoNLL. A nationality word alone is a COUNTRY mention with the role
  ``nationality`` (for the facet; the outside corpora do not mark it as a name).
- spaCy's FAC spans are dropped (its own OntoNotes F1 for FAC is 0.35), but for venues
  (``Ellis Park``, ``Yankee Stadium``: ``venue_heads`` in ``place_words.json``).
- spaCy spans are cut where no name goes: line breaks, spaced dashes, bare numbers
  (``J. Ratcliffe 63``) and, in a PERSON, scorecard words (``Gillespie st Kaluwitharana``);
  a place right before an organisation joins it (``U.S. District Court``), a legal form
  after a comma joins the company (``Worldsources, Inc.``), and a span ending in a legal
  form is an ORG. spaCy-only spans that are a whole quoted phrase (titles of works), and
  spaCy-only PERSON/ORG guesses on a line in capitals, are left out.
- Sport news (``sport_article``): clubs named after a town or county are ORG (a score or
  match verb beside them, the teams of results/standings/fixtures lines, every other
  mention of the name); countries and home nations stay national teams, datelines stay
  places. Where three or more ``Name ( Country )`` entries make a results list, those
  names are people and a name right after the bracket is their team.
- One name, one reading: other unclaimed occurrences of a multi-word (or rules-confirmed)
  person or organisation get its type; a company's short name (``Magna`` for ``Magna
  International Inc``) is the company; a bare surname of a person named in full is that
  person even where the rules know a town of the name (``Banda``); newspapers and agencies
  named beside the word for them are ORG (``the news agency Tanjug``).
- Bare surnames of people named in full somewhere in the article become PERSON mentions
  (the rules' short-form pass, run over the combined people), and every mention of one
  person gets the same norm.

- Organisations (``_org_parts``, ``_companies`` and the passes beside them): a spaCy ORG
  loses a month, lower-case edge words and a town before an acronym the article defines,
  and is split where it joins names (``X and Y`` where each stands alone, ``X at Y`` for
  two bodies); events, time zones and common words alone are no ORG; streets and squares
  are places; a company's short name, a name before ``shares`` or ``chief executive``, in
  apposition with a company noun or on a list of organisations, a ``.com`` name and a
  business named after a person are ORG across the article, and companies with a legal
  form are found on lines in capitals. spaCy's organisations that are people (a given
  name first, a list of people, ``who``, a person's noun or age in apposition, a rules
  person at its end or after a nationality word) become PERSON.
- Sport news also reads teams from a player or result word after the town, a town's
  possessive before a player, nicknames (``the Blue Jays``, ``Minnesota Twins``), lists
  with a team and counties in ``-shire``.

- What BBC News showed (issue #12's beats): team sheets (``Yann Delaigue (Castres)``) make
  clubs and players; a broadcaster's channel word joins it (``BBC`` + ``Two``); a noun for
  an organisation before a bare name makes it one (``org_cues.py``), and so do the
  initials of an organisation the article names (``initials.py``); parts of events' names
  and titles after a work's noun are no mentions (``not_names.py``); a headline's two
  surnames are two people; spans end at conjunctions and sentence ends.
- More of it (session 9): a work's title, once a cue names it, is no mention anywhere in
  the article (``works.py``); line-ups are players (``lineups.py``); a town whose name is
  its club's (``club_towns``) is the club in sport news; a "person" opening a sentence
  with a plural verb is a band; a portfolio before a title word belongs to the title.
- Session 10: a known organisation wins over what spaCy cut from inside it; a name the
  article gives keeps its type in a headline in capitals; a person takes the unknown
  capitalised word right before it as its given name; the name opening or closing a
  list of people is one; a place before ``protocol`` or ``treaty`` names the treaty.

Without spaCy or its model, ``extract_many`` is the rules alone (``statistical.status()``
tells why).
"""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from functools import cache, lru_cache

from search.entities import (
    casts,
    corefer,
    countries,
    extract,
    gazetteer,
    initials,
    lineups,
    not_names,
    org_cues,
    orgs,
    people_words,
    statistical,
    works,
)
from search.entities.data import json_data
from search.entities.data import words as data_words
from search.entities.dates import MONTHS
from search.entities.resolve import non_overlapping
from search.entities.spans import Candidate, CandidateType
from search.entities.text import alternation, key, tokenize
from search.model import Entity

CONFIRMED = 90
"""Priority of a span both systems propose: kept against any later proposal."""
STATISTICAL = 50
"""Priority of a spaCy-only span: a short form of a named person (58) wins at equal length."""
RULES_ONLY = 40
TEAM = 45
"""Priority of a sport club found on a results line where nothing else was."""

DROPPED_LABELS = frozenset({"FAC"})


def _kept_label(body: str, span: statistical.Span) -> bool:
    """spaCy's FAC spans are dropped unless they end in a venue's head (``Ellis Park``,
    ``Yankee Stadium``): its other FAC guesses are mostly wrong."""
    if span.source_label not in DROPPED_LABELS:
        return True
    words = body[span.start : span.end].split()
    return len(words) > 1 and words[-1] in _venue_heads()


def _lower_case_name(text: str) -> bool:
    """A name that starts in lower case (``premises``, ``defence ministry``): none, but for
    a particle before a capital (``van Schalkwyk``, ``al-Qaeda``) and words like ``eBay``."""
    if not text[:1].islower():
        return False
    first = text.split(maxsplit=1)[0]
    if any(ch.isupper() for ch in first):
        return False  # eBay, iPod, al-Qaeda
    return first not in _particles() or text == first


def _faith(text: str) -> bool:
    """Only words of faiths, churches and peoples (``Roman Catholic``, ``Yoruba``,
    ``Hutus``): no person or organisation, whoever says so."""
    return all(w in _faith_words() for w in text.split())


@cache
def _faith_words() -> frozenset[str]:
    words = json_data("people_words.json")
    return frozenset(words["faith_words"]) | frozenset(words["peoples"])


def _people_not_place(text: str) -> bool:
    """A people's name (``the Yoruba artist``) that no gazetteer place bears (``a
    Cheyenne`` may be the city)."""
    return _faith(text) and not _place_name(text)


@cache
def _venue_heads() -> frozenset[str]:
    return frozenset(json_data("place_words.json")["venue_heads"])


_VOTABLE: dict[str, CandidateType] = {t: t for t in ("PERSON", "ORG", "PLACE", "COUNTRY")}
_WORDS = re.compile(r"\S+")
_DATELINE = re.compile(
    r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})"
    r"(?= ?, [A-Z][a-z]| \((?:AP|Reuters|AFP)\)| \d{4}-\d\d-\d\d$)",
    re.MULTILINE,
)
_DASH_DATELINE = re.compile(
    r"^([A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3})(?= (?:_|—|–|--) [A-Z\"“‘`]*[A-Z][a-z])",
    re.MULTILINE,
)
"""``CHICAGO _ With two outs``, ``DETROIT — Auto sales``: a dateline before a dash (the
New York Times' underscore), when the capitals name a place or country."""


NATIONALITY = "nationality"
"""Role of a COUNTRY mention that is a nationality word (``Albanian``, ``Kenyans``): the
country facet counts it, but it is not a name (IE-ER and CoNLL leave it unmarked)."""

_DASHES = frozenset({"-", "--", "–", "—", "_"})
_NUMBER = re.compile(r"[^\w\s]*\d[\d.,:/-]*[^\w\s]*")


_NO_NAME_WORDS = frozenset(
    {"after", "before", "during", "when", "while", "since", "until", "unless", "because"}
    | {"although", "though", "than", "if", "but", "however", "whereas", "where", "who"}
)
"""Lower-case words that sit inside no name: a span over one ends there (``the Commons
after Mr Brown``)."""


def _pieces(body: str, span: statistical.Span) -> list[statistical.Span]:
    """A spaCy span cut where no name goes: at line breaks, before and after bare numbers
    (``J. Ratcliffe 63``, ``64 Bob Estes``), at a spaced dash (``Romania - Cosmin Contra``),
    at a conjunction (``_NO_NAME_WORDS``) and, in a PERSON span, at a lower-case word
    that is no name particle (a cricket scorecard's ``Gillespie st Kaluwitharana``). An
    organisation or a place ends before a person's honorific inside it, which starts
    no part of it (``Mr`` in ``a speech to the Foreign Policy Centre Mr Straw said``)."""
    particles = people_words.vocab().particles
    out: list[statistical.Span] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and _NUMBER.fullmatch(run[-1].group()):
            run.pop()
        while run and _NUMBER.fullmatch(run[0].group()):
            run.pop(0)
        if run and any(c.isalpha() for w in run for c in w.group()):
            out.append(
                statistical.Span(run[0].start(), run[-1].end(), span.label, span.source_label)
            )
        run.clear()

    text = body[: span.end]
    previous_end = span.start
    skip = False
    for m in _WORDS.finditer(text, span.start):
        word = m.group()
        if "\n" in text[previous_end : m.start()]:
            close()
        previous_end = m.end()
        if skip:
            skip = False
            continue
        elided = word[0] in "dl" and len(word) > 2 and word[1] in "'’"  # d'Alema
        if (
            span.label == "PERSON"
            and word[0].islower()
            and word.lower() not in particles
            and not elided
        ) or word in _NO_NAME_WORDS:
            close()
            continue
        if word in _DASHES or (_NUMBER.fullmatch(word) and run and span.label == "PERSON"):
            close()
            continue
        if run and span.label != "PERSON" and word.rstrip(".") in _HONORIFICS:
            break  # ``the Foreign Policy Centre Mr Straw``: the person is no part of it
        run.append(m)
        opener = _opener_after(word, text, m.end())
        if _CAPITAL_AFTER.match(text, m.end()) and (_sentence_end(word) or opener):
            run[-1] = _WORDS.match(text[: m.end() - 1], m.start()) or m  # ``AFP. The``
            close()
            skip = opener  # ``Besides`` of ``Malcolm X. Besides Dee`` opens no name
    close()
    return out


_HONORIFICS = frozenset({"Mr", "Mrs", "Ms", "Dr", "Messrs", "Mme", "Mlle"})
"""Words before a person's name only (``Sir`` and ``Lord`` also open names of bodies and
places: ``Sir John Soane's Museum``)."""

_ABBREVIATIONS = frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Inc", "Corp", "Co", "Ltd", "Bros", "Gen"}
    | {"Lt", "Col", "Sgt", "Rev", "Prof", "No", "Mt", "Ft", "Ave", "Rd", "Capt", "Gov", "Sen"}
    | {"Rep", "Messrs", "Mme", "Mlle", "Fr", "Br", "Cpl", "Maj", "Adm", "Supt", "Insp"}
)
_CAPITAL_AFTER = re.compile(r" [A-Z]")


def _sentence_end(word: str) -> bool:
    """A word that ends a sentence inside a span (``AFP.`` before ``The``): a full stop
    after a word of two letters or more that is no abbreviation (``Mr.``, ``U.S.``)."""
    stem = word[:-1]
    return (
        word.endswith(".")
        and len(stem) >= 2
        and "." not in stem
        and stem not in _ABBREVIATIONS
        and stem[-1:].isalpha()
    )


def _opener_after(word: str, text: str, at: int) -> bool:
    """The full stop of an abbreviation or an initial before a word that opens sentences,
    not names (``Warner Bros. However``, ``Malcolm X. Besides``): the sentence ends."""
    after = _WORDS.match(text, at + 1) if word.endswith(".") else None
    return after is not None and after.group().lower() in data_words("sentence_openers.txt")


_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
_COORDINATION = re.compile(r" ?, (?:and |or )?| or | and ")


def _lower_word(word: str) -> bool:
    """A lower-case word that starts no name: ``all``, ``pro-government``; not a particle
    (``al-Gama'a``) nor a name written in lower case first (``eBay``)."""
    if not word[0].islower():
        return False
    if word.isalpha():
        return word.islower()
    head = word.split("-", maxsplit=1)[0]
    return "-" in word and head.isalpha() and head.islower() and head not in _particles()


@cache
def _particles() -> frozenset[str]:
    return people_words.vocab().particles


def _has_head(text: str) -> bool:
    """A name of two words or more with an organisation's head word in it."""
    words = text.split()
    heads = orgs.word_sets()["heads"] | orgs.word_sets()["of_heads"]
    return len(words) >= 2 and any(w in heads for w in words)


def _org_parts(body: str, span: statistical.Span) -> list[statistical.Span]:
    """A spaCy organisation without what is no part of a name: a month or weekday before
    it (``August Purchasing Managers Council``), lower-case words at either end
    (``pro-government Kestrel union``, ``Kestrel news``), and split where it joins two
    names that the article also writes alone (``Kestrel and Holmwood``, ``Kestrel,
    Holmwood``); ``or`` and a comma always part names."""
    if span.label != "ORG":
        return [span]
    words = list(_WORDS.finditer(body, span.start, span.end))
    if not any(w.group()[0].isupper() for w in words):
        return [span]  # ``defence ministry``: a name in lower case, as spaCy saw it
    while len(words) > 1 and (
        _lower_word(words[0].group())
        or key(words[0].group()) in MONTHS
        or key(words[0].group()) in _WEEKDAYS
    ):
        words.pop(0)
    tail = len(words)
    while tail > 1 and words[tail - 1].group().isalpha() and words[tail - 1].group().islower():
        tail -= 1
    rest = body[words[0].start() : words[tail - 1].end()] if words else ""
    if rest[:1].isupper() and key(rest) not in countries.demonym_keys():
        words = words[
            :tail
        ]  # ``Kestrel news``, not ``defence ministry``, ``Dutch transport ministry``
    if not words:
        return [span]
    start, end = words[0].start(), words[-1].end()
    parts = [(start, end)]
    text = body[start:end]
    pair = text.split()
    if (
        len(pair) == 2
        and pair[1].isupper()
        and 2 <= len(pair[1]) <= 6
        and pair[1].isalpha()
        and re.search(rf"\( ?{pair[1]} ?\)", body)
        and (_place_name(pair[0]) or _country_of(pair[0]))
    ):
        # ``Chicago NAPM`` after ``National Association of Purchasing Management (NAPM)``:
        # the body is the acronym; the town is left to the rules
        cut = start + text.index(" ") + 1
        return [statistical.Span(cut, end, span.label, span.source_label)]
    at = text.find(" at ")
    if at > 0 and _has_head(text[:at]) and _has_head(text[at + 4 :]):
        # ``Institute of Jazz Studies at Rutgers University``: two bodies
        return [
            statistical.Span(start, start + at, span.label, span.source_label),
            statistical.Span(start + at + 4, end, span.label, span.source_label),
        ]
    if (
        _COORDINATION.search(text)
        and "&" not in text  # ``Bodman, Longely & Dahling``
        and not _legal(body, statistical.Span(start, end, "ORG", "ORG"))
    ):
        pieces: list[tuple[int, int]] = []
        last = start
        joins: list[str] = []
        for m in _COORDINATION.finditer(body, start, end):
            pieces.append((last, m.start()))
            joins.append(m.group().strip(" ,"))
            last = m.end()
        pieces.append((last, end))
        alone = all(body.count(body[a:b]) >= 2 and body[a:b][:1].isupper() for a, b in pieces)
        if all(j in {"or", ""} for j in joins) or alone:
            parts = [(a, b) for a, b in pieces if b > a]
    return [statistical.Span(a, b, span.label, span.source_label) for a, b in parts]


_SPORT_WORD = re.compile(r"[a-z-]+")
_SCORE_AFTER = re.compile(
    r" (?:\d{1,3}(?:-\d{1,3})?|beat|drew|lost|won|defeated|v|vs\.?)(?=[ \n,.;:)]|$)"
)
_SCORE_BEFORE = re.compile(
    r"(?:\b(?:beat|beating|beats|v|vs\.?|versus|against|drew with|lost to|defeated|host|hosts"
    r"|played for|joined|club|side|champions|leaders|over|thrashed|at the hands of|lose to"
    r"|losing to|draw with|drawn against|face|faces|facing|beaten by|knocked out by"
    r"|defeat to|defeat by|loss to|win over|victory against|clash with|move to|signed for"
    r"|signing for|join|joining|loan to|on loan at|bid from|offer from)"
    r"|\d{1,3}(?:-\d{1,3})?) $"
)


@cache
def _team_role() -> re.Pattern[str]:
    """A word after a town's name (or its possessive) that makes it the club: ``the
    Norwich striker``, ``Boston 's lead``, ``Derbyshire 's Australian captain``."""
    return re.compile(
        r"(?: ?['’]s(?: [A-Z][a-z]+)?)? (?:"
        + alternation(orgs.word_sets()["team_roles"])
        + r")(?=[ \n,.;:)]|$)"
    )


_CAPITALISED_RUN = re.compile(r"\b[A-Z](?:[\w'-]|\.(?=\w))*(?: [A-Z](?:[\w'-]|\.(?=\w))*)*")
"""Runs of capitalised words; a dot only inside a word (``U.S``), so that a run stops at
the end of a sentence (``in Seattle. The Yankees``)."""
_TEAM = r"[A-Z][\w.'&-]*(?: [A-Z][\w.'&-]*){0,3}"
_RESULT_LINE = re.compile(rf"^({_TEAM}) \d{{1,3}} ({_TEAM}) \d{{1,3}}\b", re.MULTILINE)
_STANDINGS_LINE = re.compile(rf"^({_TEAM})(?: (?:\d[\d.]*|-)){{3,}} *$", re.MULTILINE)
_SCHEDULE_LINE = re.compile(r"^([A-Z][A-Z. ]+) AT ([A-Z][A-Z. ]+)$", re.MULTILINE)


_MATCH_SCORE = re.compile(
    r"\b(?:won|lost|beat|beaten|drew|draw|defeat|victory|win|lose|losing|winning)"
    r" (?:[\w-]+ ){0,2}\d{1,2}-\d{1,2}\b"
)
_RUN_LEAD = re.compile(r"(?:The|An|A) ")


def _names_in_runs(body: str) -> Iterator[tuple[int, int]]:
    """Offsets of the capitalised runs, a possessive left off (``Tottenham's boss``) and
    an article opening a sentence too (``An Ajax spokesman``)."""
    for m in _CAPITALISED_RUN.finditer(body):
        start, end = m.span()
        lead = _RUN_LEAD.match(body, start, end)
        if lead is not None:
            start = lead.end()
        if body.endswith(("'s", "’s"), start, end) and end - start > 2:
            end -= 2
        yield start, end


def sport_article(body: str) -> bool:
    """Sport news: at least three words of sport (``league``, ``innings``, ``halftime``;
    a score after a result's verb counts as one: ``lost 3-0``), or one and two results
    lines (``Karlsruhe 2 Hansa Rostock 0``)."""
    hits = 1 if _MATCH_SCORE.search(body) else 0
    sport_words = data_words("sport_words.txt")
    for w in _SPORT_WORD.findall(body.lower()):
        if w in sport_words:
            hits += 1
            if hits >= 3:
                return True
    if hits:
        lines = _RESULT_LINE.finditer(body)
        return next(lines, None) is not None and next(lines, None) is not None
    return False


_HOME_NATIONS = frozenset({"england", "scotland", "wales", "northern ireland"})
"""Nations without an ISO code of their own: their teams are national teams, as a
country's are."""


def _place_name(text: str) -> bool:
    """A city, region or county (not a country): what clubs are named after. A word in
    ``-shire`` is a county (``Leicestershire``), known to the gazetteer or not."""
    k = key(text)
    if k in _HOME_NATIONS or countries.lookup_country(text) is not None:
        return False
    if " " not in k and k.endswith("shire") and len(k) > 6 and text[0].isupper():
        return True
    return bool(gazetteer.gazetteer().entries.get(k))


def _nickname_team(body: str, m: re.Match[str]) -> bool:
    """A team by its nickname in sport news: a town before a plural word (``Minnesota
    Twins``, ``Kansas City Royals``), or one or two capitalised words ending in a plural
    after ``the`` (``the Blue Jays``), that name no country, people (``the Scots``),
    place or event (``the World Series``)."""
    words = m.group().split()
    last = words[-1]
    if len(words) > 3 or not (last.endswith("s") or last.endswith("x")) or not last[1:].islower():
        return False
    if last in orgs.word_sets()["event_plurals"]:
        return False
    if len(words) >= 2 and any(_place_name(" ".join(words[:n])) for n in (1, 2) if n < len(words)):
        return not _place_name(last)
    text = m.group()
    return (
        body[max(0, m.start() - 4) : m.start()] in ("the ", "The ")
        and len(words) <= 2
        and last.lower() not in data_words("common_words.txt")
        and not _place_name(text)
        and _country_of(text) is None
        and key(text) not in countries.demonym_keys()
        and last not in orgs.word_sets()["block_heads"]
    )


def _nickname(body: str, c: Candidate) -> bool:
    """A spaCy person that is a team's nickname: one plural word after ``the`` (``the
    Brewers``, ``the Eagles``); people take no article."""
    text = body[c.start : c.end]
    return (
        c.type == "PERSON"
        and c.priority == STATISTICAL
        and " " not in text
        and text.endswith("s")
        and not text.isupper()
        and body[max(0, c.start - 4) : c.start] in ("the ", "The ")
    )


def _team_context(body: str, start: int, end: int) -> bool:
    """A score or a match verb next to the name (``Ulsan 2``, ``beat Somerset``, ``v Kent``,
    ``victory over Kent``), or a player or result of the club after it (``the Norwich
    striker``, ``Boston 's lead``)."""
    line_start = body.rfind("\n", 0, start) + 1
    return bool(
        _SCORE_AFTER.match(body, end)
        or _team_role().match(body, end)
        or _SCORE_BEFORE.search(body[line_start:start])
    )


def _convertible(c: Candidate, fixed: set[tuple[int, int]]) -> bool:
    """A candidate a team reading may retype: not a dateline, not a country, and a
    PERSON only where spaCy alone proposed it."""
    if (c.start, c.end) in fixed or c.type not in ("PLACE", "ORG", "PERSON"):
        return False
    return c.type != "PERSON" or c.priority == STATISTICAL


_POSSESSIVE = re.compile(r" ?['’]s ")
"""``Baltimore 's Eddie Murray``: a town's possessive before a player makes it his club."""


def _listed_teams(body: str, teams: set[str]) -> None:
    """Towns listed with a team are teams too (``title hopefuls Derbyshire and Surrey``,
    ``winners over Worcestershire, and Surrey``); countries stay national teams."""
    runs = [m for m in _CAPITALISED_RUN.finditer(body) if "\n" not in m.group()]
    for _ in range(2):
        for a, b in itertools.pairwise(runs):
            if not _LIST_GAP.fullmatch(body, a.end(), b.start()):
                continue
            ka, kb = key(a.group()), key(b.group())
            if ka in teams and kb not in teams and _place_name(b.group()):
                teams.add(kb)
            elif kb in teams and ka not in teams and _place_name(a.group()):
                teams.add(ka)


_VENUE_HEADING = re.compile(r" ?: [A-Z]")
"""``Bristol : Gloucestershire 183``: the town where a results line's match was played."""
_IN_TOWN = re.compile(r"\b(?:in|near|outside|around) $")
"""Before a town whose name alone names its club, only these make it the town: ``a
consultant at Barcelona`` works for the club."""
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|at|near|outside|around) $")
"""``the Angels in Anaheim``: after a locative the town is the town, not its club."""


def _teams(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> list[Candidate]:
    """In sport news, clubs named after their city or county are ORG: a place (or a spaCy
    guess at one) with a score or match verb next to it or a player after its possessive
    (``Baltimore 's Eddie Murray``), the teams of a results, standings or fixtures line,
    the clubs of a team sheet (``Yann Delaigue (Castres)``), and every other mention of the
    same name in the article but after ``in`` or ``at``. Countries stay countries (national
    teams), datelines stay places."""
    sheet = _club_entries(body)
    sport = sport_article(body)
    if not sheet and not sport:
        return kept
    teams: set[str] = set()
    player_at = {
        c.start for c in kept if c.type == "PERSON" and " " in body[c.start : c.end].strip()
    }
    for c in kept:
        text = body[c.start : c.end]
        possessive = _POSSESSIVE.match(body, c.end)
        if (
            _convertible(c, fixed)
            and (
                c.type == "ORG"
                or _place_name(text)
                or (  # a town spaCy alone knew, not a home nation
                    c.type == "PLACE"
                    and c.priority == STATISTICAL
                    and key(text) not in _HOME_NATIONS
                )
            )
            and (
                _team_context(body, c.start, c.end)
                or (possessive is not None and possessive.end() in player_at)
            )
        ) or _nickname(body, c):
            teams.add(key(text))
    taken = bytearray(len(body))
    people = bytearray(len(body))
    for c in kept:
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
        if c.type == "PERSON":
            people[c.start : c.end] = b"\x01" * (c.end - c.start)
    for m in _CAPITALISED_RUN.finditer(body):
        start, end = m.span()
        if (
            not any(taken[start:end]) and _place_name(m.group()) and _team_context(body, start, end)
        ) or (
            (not any(people[start:end]) or body[max(0, start - 4) : start] in ("the ", "The "))
            and _nickname_team(body, m)
        ):
            teams.add(key(m.group()))
    lines: list[tuple[int, int]] = []
    for pattern in (_RESULT_LINE, _STANDINGS_LINE, _SCHEDULE_LINE):
        for m in pattern.finditer(body):
            for g in range(1, (pattern.groups or 0) + 1):
                start, end = m.span(g)
                end = start + len(body[start:end].rstrip())
                team = body[start:end]
                if countries.lookup_country(team) is None and key(team) not in _HOME_NATIONS:
                    lines.append((start, end))
    teams.update(key(body[s:e]) for s, e in lines)
    teams.update(key(body[s:e]) for _, (s, e) in sheet)
    towns = orgs.word_sets()["club_towns"]
    runs = list(_names_in_runs(body))
    if sport:  # ``behind Lyon``, ``a consultant at Barcelona``
        teams.update(
            key(body[s:e])
            for s, e in runs
            if body[s:e] in towns and not _VENUE_HEADING.match(body, e)
        )
    if not teams:
        return kept
    _listed_teams(body, teams)
    teams.difference_update(key(w) for w in orgs.word_sets()["not_teams"])
    wanted = {(s, e) for s, e in lines}
    for s, e in runs:
        locative = _IN_TOWN if body[s:e] in towns else _LOCATIVE_BEFORE
        if key(body[s:e]) in teams and not locative.search(body, 0, s):
            wanted.add((s, e))
    out: list[Candidate] = []
    for c in kept:
        inside = [(s, e) for s, e in wanted if s < c.end and c.start < e]
        if not inside:
            out.append(c)
        elif (c.start, c.end) in wanted and _convertible(c, fixed):
            text = body[c.start : c.end]
            out.append(Candidate("ORG", c.start, c.end, " ".join(text.split()), TEAM))
        elif _convertible(c, fixed) and all(c.start <= s and e <= c.end for s, e in inside):
            continue  # a spaCy span over two teams (``Haitai 2 Samsung``): the teams win
        else:
            out.append(c)
    extra = [Candidate("ORG", s, e, " ".join(body[s:e].split()), TEAM) for s, e in wanted]
    return non_overlapping(out + extra)


_DESIGNATORS = frozenset(
    {
        "inc",
        "corp",
        "co",
        "ltd",
        "plc",
        "llc",
        "ag",
        "sa",
        "nv",
        "spa",
        "gmbh",
        "bhd",
        "group",
        "holdings",
        "international",
        "industries",
        "corporation",
        "company",
        "incorporated",
        "limited",
        "airlines",
        "airways",
        "bank",
        "motors",
    }
)


_LEGAL = frozenset({"inc", "corp", "co", "ltd", "plc", "llc", "ag", "gmbh", "bhd", "spa"})
_LEGAL_SHORT = frozenset({"sa", "nv", "bv", "ab", "asa", "oyj", "spa", "ag"})
"""Legal forms that are also name syllables (``Sa``, ``Ab``): only in capitals or dotted
(``SA``, ``S.A.``, ``N.V.``)."""


def _legal_form(word: str) -> bool:
    """A company's legal form (``Inc``, ``Ltd``, ``GmbH``, ``S.A.``, ``AB``)."""
    bare = word.strip(",")
    if bare.lower().strip(".") in _LEGAL:
        return True
    return (bare.isupper() or "." in bare) and bare.lower().replace(".", "") in _LEGAL_SHORT


def _legal(body: str, span: statistical.Span) -> bool:
    """A name ending in a company's legal form (``Inc``, ``Ltd``, ``GmbH``, ``S.A.``)."""
    words = body[span.start : span.end].split()
    return len(words) > 1 and _legal_form(words[-1])


def _designator(word: str) -> bool:
    """A legal or generic designator (``Inc.``, ``S.A.``, ``Holdings``)."""
    return word.lower().strip(".,") in _DESIGNATORS or _legal_form(word)


def _org_head(text: str) -> str | None:
    """The short name of a company named in full (``Magna`` for ``Magna International
    Inc``, ``Vantor`` for ``Vantor S.A.``): the words before its legal or generic
    designators, if any are left."""
    words = text.split()
    n = len(words)
    while n > 1 and _designator(words[n - 1]):
        n -= 1
    if n == len(words) or n == 0:
        return None
    head = " ".join(words[:n])
    return head if len(head) >= 3 and head[0].isupper() else None


def _repeated(body: str, kept: list[Candidate]) -> list[Candidate]:
    """One name, one reading within an article: every other exact, unclaimed occurrence of
    a person's or organisation's name of two words or more (or one the rules found) gets
    its type, and so does the short name of a company named in full, which also retypes
    what spaCy alone called something else, or a short form the rules took for a person
    of the company's full name."""
    names: dict[str, set[CandidateType]] = {}
    heads: set[str] = set()
    fulls: set[str] = set()
    for c in kept:
        if c.type not in ("PERSON", "ORG"):
            continue
        text = " ".join(body[c.start : c.end].split())
        trusted = " " in text or c.priority != STATISTICAL  # one word from spaCy alone: no
        if trusted and len(text) >= 3 and text[0].isupper() and not text.isupper():
            names.setdefault(text, set()).add(c.type)
        head = _org_head(text) if c.type == "ORG" else None
        if head is not None:
            heads.add(head)
            fulls.add(text)
    single = {n: next(iter(t)) for n, t in names.items() if len(t) == 1}
    single.update(dict.fromkeys(heads, "ORG"))
    if not single:
        return kept
    pattern = re.compile(r"(?<![\w-])(?:" + alternation(single) + r")(?![\w-])")
    taken = _taken(body, kept)
    by_offsets = {(c.start, c.end): c for c in kept}
    extra: list[Candidate] = []
    for m in pattern.finditer(body):
        start, end = m.span()
        name = m.group()
        typ = single[name]
        found = by_offsets.get((start, end))
        if found is not None:
            if (
                name in heads
                and found.type != typ
                and (found.priority == STATISTICAL or found.norm in fulls)
            ):
                found.type, found.norm = typ, name
            continue
        if not any(taken[start:end]):
            extra.append(Candidate(typ, start, end, name, RULES_ONLY))
    return non_overlapping(kept + extra) if extra else kept


_OPEN_QUOTES = ("``", '"', "“", "‘", "`", "'")
_CLOSE_QUOTE = re.compile(r"[,.!?]?(?:''|\"|”|’|')")


def _quoted_whole(body: str, start: int, end: int) -> bool:
    """A span that is all of a quoted phrase (``Dreamer''``, "Gave Ya"): a title of a book,
    film or song far more often than a name, when spaCy alone proposes it."""
    return body[max(0, start - 2) : start].endswith(_OPEN_QUOTES) and bool(
        _CLOSE_QUOTE.match(body, end)
    )


_STREET_HEADS = frozenset(
    {"Square", "Street", "Avenue", "Boulevard", "Road", "Bridge", "Monument", "Prison"}
    | {"Stadium", "Arena", "Airport", "Dam", "Reservoir", "Velodrome", "Racecourse", "Pier"}
    | {"Cathedral", "Abbey", "Castle"}
)
"""Last words of streets, squares, bridges, stadiums, dams and the like: places, whatever
spaCy says (``the Three Gorges Dam``). Not ``Museum``, ``Theatre`` or ``Gallery``: those
name the institution as often as the building."""


_PRIZE_AFTER = re.compile(r" (?:Cup|Trophy|Prize|Prizes|Award|Awards|Medal|Memorial|Lecture)\b")
"""A person's name that goes on into a trophy's or a prize's (``Davis Cup``, ``Nobel
Prize``): the whole is no person, and the person alone is no mention."""


def _event_named(text: str) -> bool:
    """A name of two words or more ending in an event's head word (``Hong Kong Open``,
    ``Davis Cup``)."""
    words = text.split()
    return len(words) >= 2 and words[-1] in orgs.word_sets()["event_heads"]


def _place_headed(body: str, start: int, text: str) -> bool:
    """A "person" of two words or more ending in a venue's or a street's head word
    (``Cal Anderson Park``, ``Elvedon Hall``): a place named after someone. Not after a
    title (``Mr Ji-sung Park``) nor with a hyphenated given name (``Ji-sung Park``)."""
    words = text.split()
    if len(words) < 2 or words[-1] not in _venue_heads() | _STREET_HEADS:
        return False
    if "-" in words[-2]:
        return False
    before = body[max(0, start - 24) : start].split()
    return not (before and before[-1].rstrip(".") in _titles())


def _after_the(body: str, start: int, text: str) -> bool:
    """A one-word "person" right after a lower-case ``the`` (``the Danube``, ``the Reading
    train``, ``the Goths``): people's names take no article."""
    return " " not in text and body[max(0, start - 4) : start] == "the "


def _not_an_org(text: str) -> bool:
    """What spaCy calls an organisation but is none: an event or competition (``Fed
    Cup``, ``PGA Tour``, ``Grand Prix Final``: its last word is an event's head), an
    agreement or talks (``Free Trade Agreement``, ``Political Consultations``), an
    abbreviation such as a time zone (``GMT``) or a product (``DVD``, ``Xbox``)."""
    words = orgs.word_sets()
    parts = text.split()
    heads = words["event_heads"] | words["document_heads"]
    if text in words["time_zones"] or text in words["products"] or text in heads:
        return True  # ``Grand Slam`` alone, a head of two words
    return len(parts) > 1 and (parts[-1] in heads or " ".join(parts[-2:]) in heads)


_ABBREVIATION = re.compile(r"[A-Z][a-z]+[A-Z][a-z]?")
"""One word of mixed case that ends in a capital (``MoU``, ``PhD``, ``MoUs``): an
abbreviation, not a person, whatever spaCy says."""

_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z][a-z'’-]*")


def _common_word(body: str, text: str, lower_words: set[str]) -> bool:
    """A capitalised common word (``Success``, ``Radio``, ``Prices``): one on the list of
    common words, or one the article also writes in lower case. spaCy alone calls such a
    word at a sentence's start an organisation far more often than it is one; known
    bodies (``Senate``) and acronyms stay. ``lower_words`` is filled on first use."""
    if not text[:1].isupper() or text.isupper() or orgs.known().get(text) is not None:
        return False
    word = text.lower()
    if word in data_words("common_words.txt"):
        return True
    if not lower_words:
        lower_words.update(_LOWER_WORD.findall(body))
        lower_words.add("")
    return word in lower_words


def _capitals_line(body: str, span: statistical.Span) -> bool:
    """The span's line has no lower-case letter (a headline in capitals, a table heading):
    spaCy's PERSON and ORG guesses there (``MARCH UNEMPLOYMENT``, ``ATHLETICS``) are mostly
    wrong; results tables keep their clubs through ``_teams``."""
    start = body.rfind("\n", 0, span.start) + 1
    end = body.find("\n", span.end)
    return not any(ch.islower() for ch in body[start : end if end >= 0 else len(body)])


_LEGAL_TAIL = re.compile(r",? (?:Inc|INC|Ltd|LTD|Corp|CORP|Co|CO|LLC|Plc|PLC|plc|AG|SA|NV)\b\.?")


def _merged(body: str, spans: list[statistical.Span]) -> list[statistical.Span]:
    """Adjacent spaCy spans that are one name: a place or country right before an
    organisation (``U.S. District Court``), and a company's legal form after a comma
    (``Worldsources, Inc.``)."""
    out: list[statistical.Span] = []
    for s in sorted(spans, key=lambda x: x.start):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.label == "PLACE"
            and s.label == "ORG"
            and body[prev.end : s.start] == " "
        ):
            out[-1] = statistical.Span(prev.start, s.end, "ORG", s.source_label)
            continue
        out.append(s)
    for i, s in enumerate(out):
        if s.label == "ORG":
            m = _LEGAL_TAIL.match(body, s.end)
            if m:
                out[i] = statistical.Span(s.start, m.end(), s.label, s.source_label)
    return out


_LIST_GAP = re.compile(r" ?(?:,|;|,? and|,? or) ")
_AGE_AFTER = re.compile(r" ?, \d{1,3} ?,")


@cache
def _apposition() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A person's noun in apposition after a name (``, a lawyer``, ``, the man who``,
    ``, former editor``) and right before one (``his widow, ``, ``designer, ``)."""
    nouns = "|".join(sorted(people_words.person_nouns(), key=len, reverse=True))
    after = re.compile(
        rf" ?, (?:(?:a|an|the|his|her) )?(?:(?:former|retired|late|\d{{1,3}}-year-old) )?"
        rf"(?:{nouns})\b"
    )
    before = re.compile(rf"\b(?:{nouns}) ?, $")
    return after, before


_WHO_AFTER = re.compile(r",? who\b")


def _org_like(text: str) -> bool:
    """Words that make a name an organisation's or a place's, not a person's: a head
    word (``Council``, ``Group``), a business's last word (``Productions``), a designator
    or legal form, ``of`` or ``&``."""
    heads = (
        orgs.word_sets()["heads"]
        | orgs.word_sets()["of_heads"]
        | orgs.word_sets()["business_tails"]
    )
    words = text.split()
    return any(w in heads or _designator(w) or w in ("of", "&", "and") for w in words)


def _apposed(body: str, start: int, end: int) -> bool:
    """A person's noun or age in apposition beside the name (``Ivo Brel, 45,``, ``Ivo
    Brel, the man who``, ``his widow, Ivo``)."""
    after, before = _apposition()
    return bool(
        _AGE_AFTER.match(body, end)
        or after.match(body, end)
        or before.search(body, max(0, start - 30), start)
    )


def _people_listed(body: str, kept: list[Candidate], i: int) -> bool:
    """``kept[i]`` opens or closes a list whose other items are people, two or more, and
    names spaCy took for organisations alike (``including Cate Blanchett, Leonardo
    DiCaprio, Keanu Reeves and Richard Gere``)."""
    others: list[Candidate] = []
    for step in (-1, 1):
        j = i
        while 0 <= j + step < len(kept):
            left, right = (kept[j + step], kept[j]) if step < 0 else (kept[j], kept[j + step])
            if not _LIST_GAP.fullmatch(body, left.end, right.start):
                break
            j += step
            others.append(kept[j])
    people = sum(c.type == "PERSON" for c in others)
    return people >= 2 and all(c.type == "PERSON" or _name_like_org(body, c) for c in others)


def _name_like_org(body: str, c: Candidate) -> bool:
    """One of spaCy's organisations that could be a person of the same list: two or
    three capitalised words, no organisation's head (``Keanu Reeves``)."""
    words = body[c.start : c.end].split()
    return (
        c.type == "ORG"
        and c.priority == STATISTICAL
        and 2 <= len(words) <= 3
        and all(w[:1].isupper() and w[-1].isalpha() for w in words)
        and not _org_like(body[c.start : c.end])
    )


def _beside_full_names(body: str, kept: list[Candidate], i: int) -> bool:
    """``kept[i]``, one word, is listed with people named in full and nothing else
    (``Usher and Avril Lavigne``, ``Wagner or Virgil Thomson``), and is no known
    organisation (``Coldplay and Chris Martin``)."""
    text = body[kept[i].start : kept[i].end]
    if text in orgs.word_sets()["single"] or orgs.known().get(text):
        return False
    neighbours = []
    if i > 0 and _LIST_GAP.fullmatch(body, kept[i - 1].end, kept[i].start):
        neighbours.append(kept[i - 1])
    if i + 1 < len(kept) and _LIST_GAP.fullmatch(body, kept[i].end, kept[i + 1].start):
        neighbours.append(kept[i + 1])
    return bool(neighbours) and all(
        n.type == "PERSON" and len(body[n.start : n.end].split()) >= 2 for n in neighbours
    )


def _listed_people(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """spaCy's organisations that are people: a name of two or three words in a list of
    people (``Ann Lee and Tom Hale``, ``Ann Lee, Tom Hale, Ivo Brel``), one that starts
    with a given name (``Todd Varrow``), a name of two words followed by ``who`` (``Ivo
    Brel, who``), or a name in apposition with a person's noun. Every other mention spaCy
    alone typed the same way follows."""
    people: set[str] = set()
    for i, c in enumerate(kept):
        if c.type != "ORG" or c.priority != STATISTICAL or (c.start, c.end) in fixed:
            continue
        text = body[c.start : c.end]
        words = text.split()
        if len(words) > 3 or _org_like(text) or text.isupper():
            continue
        if len(words) == 1 and not (
            _apposed(body, c.start, c.end) or _beside_full_names(body, kept, i)
        ):
            continue
        if not all(w[0].isupper() and w[-1].isalpha() for w in words):
            continue  # ``Mercantile , Commerce``, ``Lindsay ) Davenport``
        beside: list[tuple[Candidate, str]] = []
        if i > 0 and (m := _LIST_GAP.fullmatch(body, kept[i - 1].end, c.start)):
            beside.append((kept[i - 1], m.group()))
        if i + 1 < len(kept) and (m := _LIST_GAP.fullmatch(body, c.end, kept[i + 1].start)):
            beside.append((kept[i + 1], m.group()))
        people_beside = [gap for b, gap in beside if b.type == "PERSON"]
        listed = len(people_beside) == len(beside) and (
            len(people_beside) == 2
            or any(g.strip(" ,") in ("and", "or", ";") for g in people_beside)
            or _people_listed(body, kept, i)
        )
        who = (
            len(words) == 2
            and body[max(0, c.start - 4) : c.start].lower() != "the "  # the Yankees, who
            and key(words[0]) not in countries.demonym_keys()
            and _WHO_AFTER.match(body, c.end)
        )
        given = (
            len(words) >= 2
            and words[0] in data_words("given_names.txt")
            and not any(
                w.lower() in data_words("common_words.txt") and w.lower() not in _particles()
                for w in words[1:]
            )
        )
        if (beside and listed) or who or given or _apposed(body, c.start, c.end):
            people.add(" ".join(words))
    if not people:
        return
    for c in kept:
        if (
            c.type == "ORG"
            and c.priority == STATISTICAL
            and (c.start, c.end) not in fixed
            and " ".join(body[c.start : c.end].split()) in people
        ):
            c.type, c.norm = "PERSON", " ".join(body[c.start : c.end].split())


def _listed_orgs(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """spaCy's one-word people and places that are organisations: a word in a list of
    organisations (``Kestrel, Holmwood and Lyra``; both neighbours organisations, or one
    after ``and``/``or``) that the gazetteer does not know as a place and that is no
    person's last name. Every other mention spaCy alone typed the same way follows."""
    found: dict[str, CandidateType] = {}
    surnames: set[str] | None = None
    for i, c in enumerate(kept):
        if c.type not in ("PERSON", "PLACE") or c.priority != STATISTICAL:
            continue
        text = body[c.start : c.end]
        if " " in text or not text[:1].isupper() or (c.start, c.end) in fixed:
            continue
        beside: list[tuple[Candidate, str]] = []
        if i > 0 and (m := _LIST_GAP.fullmatch(body, kept[i - 1].end, c.start)):
            beside.append((kept[i - 1], m.group()))
        if i + 1 < len(kept) and (m := _LIST_GAP.fullmatch(body, c.end, kept[i + 1].start)):
            beside.append((kept[i + 1], m.group()))
        if not beside or any(b.type != "ORG" for b, _ in beside):
            continue
        if len(beside) < 2 and not any(g.strip(" ,") in ("and", "or", ";") for _, g in beside):
            continue
        if surnames is None:
            surnames = _surname_set(body, kept)
        if (
            text in surnames
            or _place_name(text)
            or _country_of(text)
            or key(text) in countries.demonym_keys()
        ):
            continue
        found[text] = c.type
    for c in kept:
        text = body[c.start : c.end]
        if (
            c.priority == STATISTICAL
            and found.get(text) == c.type
            and (c.start, c.end) not in fixed
        ):
            c.type, c.norm, c.role, c.country = "ORG", text, None, None


def _surname_set(body: str, kept: list[Candidate]) -> set[str]:
    """Last words of the people named in full (two words or more)."""
    surnames: set[str] = set()
    for c in kept:
        words = body[c.start : c.end].split()
        if c.type == "PERSON" and len(words) >= 2 and words[-1][:1].isupper():
            surnames.add(words[-1])
    return surnames


def _surnames(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """A bare surname of a person named in full in the article is that person, though the
    rules know a town of the name or spaCy alone called it an organisation (``Banda`` after
    ``Kamuzu Banda``)."""
    surnames = _surname_set(body, kept)
    if not surnames:
        return
    people_named = _countries_as_surnames(body, kept, surnames)
    for c in kept:
        text = body[c.start : c.end]
        if (c.start, c.end) in fixed or text not in surnames:
            continue
        if (
            c.type == "PLACE"
            or (c.type == "ORG" and c.priority == STATISTICAL)
            or (c.type == "COUNTRY" and text in people_named)
        ):
            c.type, c.norm, c.role, c.country = "PERSON", text, None, None


def _surname_pairs(body: str, kept: list[Candidate]) -> list[Candidate]:
    """A "person" of two words, named once, that are the surnames of two people named in
    full is the two of them (a headline's ``Blair Brown 'feud'`` beside Tony Blair and
    Gordon Brown)."""
    full: dict[str, set[str]] = {}
    for c in kept:
        words = body[c.start : c.end].split()
        if c.type == "PERSON" and len(words) >= 2 and words[-1][:1].isupper():
            full.setdefault(words[-1], set()).add(" ".join(words))
    seen = Counter(body[c.start : c.end] for c in kept if c.type == "PERSON")
    out: list[Candidate] = []
    for c in kept:
        text = body[c.start : c.end]
        words = text.split(" ")
        if (
            c.type == "PERSON"
            and seen[text] == 1  # ``Frank McCourt`` named again is his name, not two men
            and len(words) == 2
            and all(full.get(w, set()) - {text} for w in words)
            and words[0] != words[1]
        ):
            cut = c.start + len(words[0]) + 1
            out.append(Candidate("PERSON", c.start, c.start + len(words[0]), words[0], c.priority))
            out.append(Candidate("PERSON", cut, c.end, words[1], c.priority))
        else:
            out.append(c)
    return out


_SPEAKER_AFTER = re.compile(
    r"(?: ?,)? (?:said|says|told|added|asked|argued|explained|insisted|who|whose)\b"
    r"| ?['’]s (?:film|book|novel|album|team|car|cars|side|coach|wife|husband)\b"
)


def _countries_as_surnames(body: str, kept: list[Candidate], surnames: set[str]) -> set[str]:
    """Country names that the article uses as a person's surname (``Neil Jordan`` ...
    ``Jordan said``): one of its bare mentions speaks or owns like a person, and no
    other form of the country (``Jordanian``, ``Amman``'s country code) is in the text."""
    bare: dict[str, list[Candidate]] = {}
    codes: Counter[str] = Counter()
    for c in kept:
        if c.type == "COUNTRY":
            codes[c.norm] += 1
            text = body[c.start : c.end]
            if text in surnames and c.role is None:
                bare.setdefault(text, []).append(c)
    out: set[str] = set()
    for text, mentions in bare.items():
        if codes[mentions[0].norm] != len(mentions):
            continue  # ``Jordanian`` too: the country is in the story
        if any(_SPEAKER_AFTER.match(body, c.end) for c in mentions):
            out.add(text)
    return out


_ENTRANT = re.compile(
    r"(?<![\w.])([A-Z][\w'.-]+(?: (?:[a-z]{1,3} ){0,2}[A-Z][\w'.-]+){1,3})"  # the name
    r" \( ?([A-Z][\w.]*(?: [A-Z][\w.]*){0,2}) ?\)"  # ( Country )
)


_TEAM_AFTER = re.compile(r" ([A-Z][\w'.&-]*(?: [A-Z][\w'.&-]*){0,2})(?= \d| same\b| all\b|$)", re.M)

_CLUB_ENTRY = re.compile(
    r"(?<![\w.])([A-Z][\w'.-]*(?: (?:[a-z]{1,3} )?[A-Z][\w'.-]+){0,3})"  # the player
    r" \( ?([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2})(?:, [a-z]+\.?)? ?\)"  # ( Club[, capt] )
)


_SHEET = 8
"""Entries that make a team sheet even where the article's words do not say sport."""
_LIST_LEADS = frozenset({"Replacements", "Subs", "Substitutes", "Team", "Squad", "Bench"})
"""Words that open a team sheet's line, not a player (``Replacements: ...``)."""


@lru_cache(maxsize=4)
def _club_entries(body: str) -> tuple[tuple[tuple[int, int], tuple[int, int]], ...]:
    """A team sheet's ``Player Name (Club)`` entries (``Yann Delaigue (Castres)``, ``R de
    Marigny (Calvisano)``, ``Hartson (Celtic)``, ``Fabien Pelous (Stade Toulousain,
    capt)``): (player, club) offsets, where an article has ``_SHEET`` such entries with a
    club that is no country, one club named twice, or three in sport news."""
    if "(" not in body:
        return ()
    found = tuple(
        (m.span(1), m.span(2))
        for m in _CLUB_ENTRY.finditer(body)
        if countries.lookup_country(m.group(2)) is None
        and countries.lookup_country(m.group(1)) is None
        and key(m.group(2)) not in _HOME_NATIONS
        and key(m.group(1)) not in _HOME_NATIONS
        and m.group(1) not in _LIST_LEADS
        and "\n" not in m.group(1)
        and not _org_like(m.group(1))
        and not any(w.isupper() and len(w) > 1 for w in m.group(2).split())  # ``( AHAC )``
    )
    if len(found) >= 3 and sport_article(body):
        return found
    clubs = Counter(key(body[s:e]) for _, (s, e) in found)
    if len(found) >= _SHEET and clubs.most_common(1)[0][1] >= 2:
        return found  # clubs repeat on a team sheet; a cast list's parts do not
    return ()


def _entrants(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> list[Candidate]:
    """Results list their entrants as ``Name ( Country )``: where an article has three
    or more such entries, a name of two to four words before a bracketed country is a
    PERSON, whatever spaCy called it (``Falilat Ogunkoya ( Nigeria ) 50.31``); so is the
    player of a team sheet's ``Name (Club)`` entry (``_club_entries``)."""
    found = [
        m.span(1)
        for m in _ENTRANT.finditer(body)
        if countries.lookup_country(m.group(2)) is not None
        and countries.lookup_country(m.group(1)) is None
        and "\n" not in m.group(1)
    ]
    if len(found) < 3:
        found = []
    found += [player for player, _ in _club_entries(body)]
    if not found:
        return kept
    wanted = set(found)
    out: list[Candidate] = []
    for c in kept:
        span = (c.start, c.end)
        if span in wanted and c.type in ("ORG", "PLACE") and span not in fixed:
            out.append(Candidate("PERSON", c.start, c.end, body[c.start : c.end], STATISTICAL))
        else:
            out.append(c)
    extra = [Candidate("PERSON", s, e, body[s:e], RULES_ONLY) for s, e in found]
    for m in _ENTRANT.finditer(body):  # ``( Germany ) Telekom 4 hours``: the rider's team
        team = _TEAM_AFTER.match(body, m.end())
        if team and countries.lookup_country(team.group(1)) is None:
            start, end = team.span(1)
            extra.append(Candidate("ORG", start, end, team.group(1), TEAM))
    return non_overlapping(out + extra)


def _lineup_players(
    body: str, kept: list[Candidate], fixed: set[tuple[int, int]]
) -> list[Candidate]:
    """The names on a match report's line-ups are players (``lineups.py``), whatever the
    recogniser or the gazetteer took them for (``Scotland (Samuel 63)``)."""
    found = lineups.players(body)
    if not found:
        return kept
    taken = bytearray(len(body))
    for s, e in found:
        taken[s:e] = b"\x01" * (e - s)
    out = [c for c in kept if (c.start, c.end) in fixed or not any(taken[c.start : c.end])]
    return non_overlapping(
        out + [Candidate("PERSON", s, e, body[s:e], STATISTICAL) for s, e in found]
    )


def _cast_members(body: str, kept: list[Candidate]) -> list[Candidate]:
    """The actors and parts on a review's cast list are people (``casts.py``): a name
    marked as something else becomes a person, one not marked at all is added."""
    found = casts.cast_names(
        body,
        [(c.start, c.end) for c in kept if c.type == "PERSON"],
        [(c.start, c.end) for c in kept if c.type in ("COUNTRY", "PLACE", "ORG")],
    )
    if not found:
        return kept
    spots = set(found)
    for c in kept:
        if (c.start, c.end) in spots and c.type != "PERSON":
            c.type, c.role, c.country = "PERSON", None, None
            c.norm = " ".join(body[c.start : c.end].split())
    taken = _taken(body, kept)
    new = [
        Candidate("PERSON", s, e, " ".join(body[s:e].split()), STATISTICAL)
        for s, e in found
        if not any(taken[s:e])
    ]
    return non_overlapping(kept + new) if new else kept


_MEDIA = r"(?:news agency|news service|newspaper|daily|weekly|magazine|broadcaster|agency)"
_PRESS_WORD = r"[A-Z](?:[\w'&-]|\.(?=\w))*"
"""A capitalised word; a full stop only inside it (``A.P``), so a name ends with its
sentence (``news agency AFP. The``)."""
_NAME = (
    rf"{_PRESS_WORD}(?: (?:de|del|della|di|du|des|la|le|el|al) {_PRESS_WORD}| {_PRESS_WORD}){{0,4}}"
)
_PRESS_BEFORE = re.compile(rf"\b{_MEDIA} ({_NAME})")
_PRESS_AFTER = re.compile(rf"\b({_NAME}) {_MEDIA}\b")
_PRESS_TAIL = re.compile(rf" {_MEDIA}$")


def _press_names(body: str) -> set[str]:
    """Names beside a word for a newspaper or an agency (``news agency Tanjug``)."""
    names: set[str] = set()
    common = data_words("common_words.txt")
    for pattern in (_PRESS_BEFORE, _PRESS_AFTER):
        for m in pattern.finditer(body):
            name = m.group(1).rstrip(".,")
            if (
                name
                and name.split()[0].lower() not in common
                and countries.lookup_country(name) is None
                and key(name) not in countries.demonym_keys()
            ):
                names.add(name)
    return names


_NOT_BETWEEN = r"(?!(?:at|of|for|with|in|on|from|by|to|and|or|who|which|that)\b)"


@cache
def _org_apposition() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A noun for a company or body in apposition with a name: before it (``her
    restaurant, Bayona``) or after it (``Qradio, a new venture``)."""
    nouns = "|".join(sorted(orgs.word_sets()["org_nouns"], key=len, reverse=True))
    name = r"([A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,3})"
    between = rf"(?:{_NOT_BETWEEN}[a-z][\w-]* ){{0,2}}"
    before = re.compile(
        rf"\b(?:the|a|an|her|his|its|their) {between}(?:{nouns}) ?, {name}(?= ?[,.;:)]| ?$)"
    )
    after = re.compile(rf"(?<![\w.'-]){name} ?, (?:a|an|the) {between}(?:{nouns})\b(?!['’])")
    return before, after


def _apposed_orgs(body: str) -> set[str]:
    """Names beside a noun for a company or body (``her restaurant, Bayona,``)."""
    common = data_words("common_words.txt")
    out: set[str] = set()
    for pattern in _org_apposition():
        for m in pattern.finditer(body):
            name = m.group(1).rstrip(".,")
            first = name.split()[0] if name else ""
            if first and first.lower() not in common and first not in data_words("given_names.txt"):
                out.add(name)
    return out


@cache
def _company_cue() -> re.Pattern[str]:
    return re.compile(
        r"(?<![\w.'’-])([A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,2})(?: ?['’]s)? (?:"
        + alternation(orgs.word_sets()["company_cues"])
        + r")\b"
    )


def _companies(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> list[Candidate]:
    """One company, one reading: a name that only a company fits (its short name beside
    the full name with a legal form, ``Vantor`` for ``Vantor S.A.``; a word spaCy calls an
    organisation alone and that starts other organisations' names, ``Vantor`` beside
    ``Vantor Institution``; a newspaper or agency
    named beside the word for it; a name before ``shares``, ``chief executive`` or
    ``chairman``) is an ORG wherever a person or a guessed place of that name was found
    (the rules' ``Vantor said``), and so is a spaCy person that starts with such a name
    (``Vantor Cables``). The last name of a person named in full keeps its person."""
    evidence: set[str] = set()
    texts = {(c.start, c.end): " ".join(body[c.start : c.end].split()) for c in kept}
    firsts: set[str] = set()
    alone: set[str] = set()
    for c in kept:
        if c.type != "ORG":
            continue
        text = texts[(c.start, c.end)]
        words = text.split()
        head = _org_head(text)
        if head is not None and any(_legal_form(w) for w in words[len(head.split()) :]):
            evidence.add(head)
            first, *rest = head.split()
            if len(rest) == 1 and first.isupper() and len(first) <= 3 and rest[0][1:].islower():
                evidence.add(rest[0])  # ``Ericsson`` beside ``LM Ericsson AB``
        if len(words) >= 2 and words[1][:1].isupper():
            firsts.add(words[0])
        elif len(words) == 1 and c.priority == STATISTICAL:
            alone.add(text)
    common = data_words("common_words.txt")
    evidence |= {w for w in firsts & alone if len(w) >= 3 and w.lower() not in common}
    evidence |= _press_names(body)
    named = set(texts.values())
    stops = orgs.word_sets()["left_stop"]
    for m in _company_cue().finditer(body):
        cued = m.group(1)
        lead, _, tail = cued.partition(" ")
        if lead in stops and tail:
            cued = tail  # ``A Zentrix spokesman``
        if cued in named:
            evidence.add(cued)
    surnames = _surname_set(body, kept)
    evidence = {
        n
        for n in evidence
        if n not in surnames
        and countries.lookup_country(n) is None
        and key(n) not in countries.demonym_keys()
        and not _place_name(n)
    }
    evidence |= {
        n
        for n in _apposed_orgs(body)
        if n not in surnames
        and countries.lookup_country(n) is None
        and key(n) not in countries.demonym_keys()
    }
    given = data_words("given_names.txt")
    evidence |= {
        n
        for n in org_cues.cued_names(body)
        if n not in surnames
        and n.split()[0] not in given
        and n.split()[0].lower() not in common
        and countries.lookup_country(n) is None
        and key(n) not in countries.demonym_keys()
        and not _place_name(n)
    }
    if not evidence:
        return kept
    for c in kept:
        if (c.start, c.end) in fixed:
            continue
        text = texts[(c.start, c.end)]
        if text in evidence and (
            c.type == "PERSON"
            or (c.type == "PLACE" and (c.priority == STATISTICAL or not _place_name(text)))
        ):
            c.type, c.norm, c.role, c.country = "ORG", text, None, None
        elif (
            c.type == "PERSON"
            and c.priority == STATISTICAL
            and text.split()[0] in evidence
            and len(text.split()) > 1
        ):
            c.type, c.norm = "ORG", text
    pattern = re.compile(r"(?<![\w-])(?:" + alternation(evidence) + r")(?![\w-])")
    taken = _taken(body, kept)
    extra = [
        Candidate("ORG", m.start(), m.end(), m.group(), RULES_ONLY)
        for m in pattern.finditer(body)
        if not any(taken[m.start() : m.end()])
    ]
    return non_overlapping(kept + extra) if extra else kept


def _press(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> list[Candidate]:
    """Newspapers and agencies named beside the word for them are ORG (``the Yugoslav news
    agency Tanjug``, ``Interfax news agency said``, ``by the weekly Vita``); an ORG span that
    takes the word in (``PAP news agency``) is cut to the name."""
    out: list[Candidate] = []
    for c in kept:
        tail = _PRESS_TAIL.search(body, c.start, c.end) if c.type == "ORG" else None
        if tail and tail.start() > c.start and c.priority == STATISTICAL:
            text = body[c.start : tail.start()]
            out.append(Candidate("ORG", c.start, tail.start(), text, c.priority))
        else:
            out.append(c)
    names: list[tuple[int, int]] = []
    common = data_words("common_words.txt")
    for pattern in (_PRESS_BEFORE, _PRESS_AFTER):
        for m in pattern.finditer(body):
            start, end = m.span(1)
            while end > start and body[end - 1] in ".,":
                end -= 1
            name = body[start:end]
            first = name.split()[0].lower() if name else ""
            if (
                name
                and first not in common
                and countries.lookup_country(name) is None
                and key(name) not in countries.demonym_keys()
            ):
                names.append((start, end))
    if not names:
        return out
    by_offsets = {(c.start, c.end): c for c in out}
    extra: list[Candidate] = []
    for start, end in names:
        found = by_offsets.get((start, end))
        if found is not None and (start, end) not in fixed and found.priority == STATISTICAL:
            found.type, found.norm = "ORG", body[start:end]
        elif found is None:
            extra.append(Candidate("ORG", start, end, body[start:end], RULES_ONLY))
    return non_overlapping(out + extra) if extra else out


_SHOUTED_WORD = re.compile(r"[A-Z][A-Z'.-]*[A-Z.]")


def _shouted_countries(body: str, cands: list[Candidate]) -> list[Candidate]:
    """Countries named in full on a line in capitals (``SOCCER - ENGLAND BEAT MOLDOVA``),
    where neither spaCy nor the rules look: one to three words of four letters or more
    that name a country (no demonyms, no two-letter codes such as ``US``)."""
    taken = _taken(body, cands)

    def country(start: int, end: int) -> Candidate | None:
        text = body[start:end]
        if len(text) < 4 or any(taken[start:end]) or " " * 2 in text:
            return None
        code = _country_of(text)
        return Candidate("COUNTRY", start, end, code, RULES_ONLY) if code else None

    return _on_capitals_lines(body, 3, country)


def _taken(body: str, cands: Sequence[Candidate]) -> bytearray:
    """One byte per character of ``body``, set where a candidate lies."""
    taken = bytearray(len(body))
    for c in cands:
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return taken


def _on_capitals_lines(
    body: str,
    widest: int,
    pick: Callable[[int, int], Candidate | None],
    skip: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """What ``pick(start, end)`` finds in runs of up to ``widest`` words on each line in
    capitals (none with a character of ``skip``), the longest run first at each word,
    going on after what it found."""
    out: list[Candidate] = []
    pos = 0
    for line in body.split("\n"):
        if line and not any(ch.islower() or ch in skip for ch in line):
            words = list(_SHOUTED_WORD.finditer(line))
            i = 0
            while i < len(words):
                for j in range(min(i + widest - 1, len(words) - 1), i - 1, -1):
                    found = pick(pos + words[i].start(), pos + words[j].end())
                    if found is not None:
                        out.append(found)
                        i = j
                        break
                i += 1
        pos += len(line) + 1
    return out


_SHOUTED_POSSESSIVE = re.compile(r"['’]S$")
_QUOTES = frozenset('`"“”‘')


def _shouted_names(
    body: str, kept: list[Candidate], fixed: set[tuple[int, int]]
) -> list[Candidate]:
    """People and organisations the article names in mixed case, written again on a line
    in capitals (a headline: ``LEWINSKY'S MOTHER QUESTIONED``, ``KWAN WINS``), with the
    same type and norm: a person's surname alone too. Nothing on such a line is read
    otherwise (spaCy's guesses there are dropped). Not on a line that quotes a title
    (```LITTLE DIETER NEEDS TO FLY'``). Such a name takes the place of a town the
    gazetteer found there (``CLINTON SAYS``), never of a dateline's (``fixed``)."""
    names: dict[str, Candidate] = {}
    for c in kept:
        text = body[c.start : c.end]
        if c.type not in ("PERSON", "ORG") or text.isupper() or len(text) < 3:
            continue
        names.setdefault(" ".join(text.upper().split()), c)
        if c.type == "PERSON" and " " in text:
            names.setdefault(text.split()[-1].upper(), c)
    if not names:
        return []
    taken = _taken(body, kept)
    places = {(c.start, c.end) for c in kept if c.type == "PLACE"} - fixed

    def name(start: int, end: int) -> Candidate | None:
        text = _SHOUTED_POSSESSIVE.sub("", body[start:end])
        end = start + len(text)
        found = names.get(text)
        if found is None or (any(taken[start:end]) and (start, end) not in places):
            return None  # a town of the gazetteer gives way: ``CLINTON SAYS`` is Clinton
        return Candidate(found.type, start, end, found.norm, RULES_ONLY)

    return _on_capitals_lines(body, 4, name, _QUOTES)


_SHOUTED_LEGAL = re.compile(r",? (?:INC|CORP|CO|LTD|PLC|LLC|GMBH|AG|SA|NV)(?:\.|(?![\w.]))")
_SHOUTED_NAME_WORD = re.compile(r"[A-Z][A-Z0-9&'-]*")
_NOT_IN_NAME = frozenset(
    {"A", "AN", "THE", "OF", "BY", "TO", "AND", "OR", "IN", "ON", "AT", "FOR", "FROM", "WITH"}
)


def _shouted_companies(body: str, cands: list[Candidate]) -> list[Candidate]:
    """Companies named with their legal form on a line in capitals (``COPYRIGHT 1998 BY
    KESTREL MEDIA, INC.``), where spaCy's guesses are left out: up to four capitalised
    words before ``INC``, ``LTD``, ``CORP`` ..., no function word (``OF``, ``BY``) among
    them."""
    taken = _taken(body, cands)
    out: list[Candidate] = []
    pos = 0
    for line in body.split("\n"):
        legal = _SHOUTED_LEGAL.finditer(line) if not any(c.islower() for c in line) else ()
        for m in legal:
            words = list(_SHOUTED_NAME_WORD.finditer(line, 0, m.start()))
            first = None
            for w in reversed(words[-4:]):
                gap = line[w.end() : first.start() if first else m.start()]
                if w.group() in _NOT_IN_NAME or gap not in ("", " "):
                    break
                first = w
            if first is None:
                continue
            start, end = pos + first.start(), pos + m.end()
            if not any(taken[start:end]):
                text = " ".join(body[start:end].split())
                out.append(Candidate("ORG", start, end, text, RULES_ONLY))
        pos += len(line) + 1
    return out


_DOT_COM = re.compile(r"(?<![\w./@:-])[A-Z][A-Za-z0-9-]*\.(?:com|net)(?![\w/-]|\.\w)")


def _dot_coms(body: str) -> list[Candidate]:
    """Companies named by their web address, capitalised (``Kestrel.com``): ORG; web
    addresses themselves (``www.kestrel.com``) are left alone."""
    return [
        Candidate("ORG", m.start(), m.end(), m.group(), RULES_ONLY) for m in _DOT_COM.finditer(body)
    ]


@cache
def _newspaper() -> re.Pattern[str]:
    heads = "|".join(sorted(orgs.word_sets()["newspaper_heads"], key=len, reverse=True))
    return re.compile(rf"(?<=[a-z,;] The )((?:[A-Z][a-z]+ ){{0,2}}(?:{heads}))(?![\w-])")


def _newspapers(body: str) -> list[Candidate]:
    """Newspapers named with ``The`` in capitals in mid-sentence (``told The Times``, ``in
    The Daily Star``): an organisation, whatever spaCy made of the words."""
    return [
        Candidate("ORG", m.start(1), m.end(1), m.group(1), CONFIRMED)
        for m in _newspaper().finditer(body)
    ]


def _country_of(text: str) -> str | None:
    """ISO code when ``text`` names a country (not a demonym)."""
    if key(text) in countries.demonym_keys():
        return None
    return countries.lookup_country(text)


_STATE_WORDS = frozenset(
    {
        "Ministry",
        "Foreign",
        "Defence",
        "Defense",
        "Interior",
        "Finance",
        "Justice",
        "Embassy",
        "Consulate",
        "Government",
        "Cabinet",
        "Parliament",
        "Army",
        "Navy",
        "Air",
        "Armed",
        "Police",
        "Coast",
        "Border",
        "Deputy",
        "State",
        "National",
        "Health",
        "Education",
        "Trade",
        "Economy",
        "Agriculture",
        "Transport",
    }
)
"""First words of a state body: a nationality word before them (or before a title) is the
country's mention (``Kazakh Ministry of Foreign Affairs``, ``Thai Defence Minister``,
``Kazakh President``); before any other organisation it is part of the name (``Argentine
Chamber of Commerce``, ``British Museum``)."""


def _without_demonym(
    body: str, span: statistical.Span, people: frozenset[tuple[int, int]] = frozenset()
) -> statistical.Span | None:
    """None for a span that is only a nationality word; a PERSON or ORG span that starts
    with one (``Swiss Thomas Gurtner``, ``Kazakh Ministry of Foreign Affairs``) without it,
    as the app tags the nationality as a mention of the country. An ORG whose rest is a
    person (one of ``people``, the rules' persons, or a given name first: ``American
    Dennis Mitchell``) is that person."""
    text = body[span.start : span.end]
    demonyms = countries.demonym_keys()
    if key(text) in demonyms:
        return None
    if span.label not in ("PERSON", "ORG"):
        return span
    words = list(_WORDS.finditer(text))
    for n in (2, 1):
        if len(words) <= n or key(text[: words[n - 1].end()]) not in demonyms:
            continue
        after = words[n].group().strip(".")
        start = span.start + words[n].start()
        label = span.label
        if (
            label == "ORG"
            and len(words) - n >= 2
            and ((start, span.end) in people or after in data_words("given_names.txt"))
        ):
            label = "PERSON"  # ``Australian Rodney Eyles``
        elif label == "ORG" and after not in _STATE_WORDS and after not in _titles():
            continue  # ``British Museum``, ``Argentine Chamber of Commerce``: one name
        return statistical.Span(start, span.end, label, span.source_label)
    return span


def _places_in_orgs(
    spans: list[statistical.Span], rules: Sequence[Entity]
) -> list[statistical.Span]:
    """spaCy's places inside a longer organisation of the rules whose last word is an
    organisation's head (``Kestrelburg`` in ``Kestrelburg Newsroom``, ``New York`` in
    ``New York Institute``), or that the list of known organisations names (``Madrid`` in
    ``Real Madrid``), give way to it, where no other spaCy span overlaps it and the
    head is outside the place (``West Bank`` is a place, in ``Jewish West Bank`` too).
    Inside a known organisation, so do spaCy's people and organisations (``Destiny`` in
    ``Destiny's Child``, ``Amnesty International`` in ``Amnesty International UK``)."""
    heads = orgs.word_sets()["heads"]
    drop: set[statistical.Span] = set()
    for r in rules:
        if r.type != "ORG" or " " not in r.text:
            continue
        known = orgs.known().get(r.text) is not None
        if not known and r.text.split()[-1] not in heads:
            continue
        overlapping = [s for s in spans if s.start < r.end and r.start < s.end]
        if overlapping and all(
            (s.label == "PLACE" or known)
            and r.start <= s.start
            and (s.end < r.end or (known and s.end == r.end and r.start < s.start))
            for s in overlapping
        ):
            drop.update(overlapping)
    return [s for s in spans if s not in drop] if drop else spans


_FIRST_WORD = re.compile(r"(\S+)\s+")


def _drop_person_nouns(body: str, kept: list[Candidate]) -> None:
    """People without the noun for a person before the name (``Uncle Frank``, ``Actor
    Johnny Depp``): names go without it, as without titles."""
    for c in kept:
        m = _FIRST_WORD.match(body, c.start, c.end) if c.type == "PERSON" else None
        if m is not None and m.group(1).lower() in people_words.person_nouns():
            if c.norm.startswith(m.group(1) + " "):
                c.norm = c.norm[len(m.group(1)) + 1 :]
            c.start = m.end()


def _holding(
    span: statistical.Span, rules: Sequence[Entity], types: tuple[str, ...]
) -> Entity | None:
    """The first rules mention of one of ``types`` that holds ``span``, if it holds more."""
    for r in rules:
        if r.type in types and r.start <= span.start and span.end <= r.end:
            return r if (r.start, r.end) != (span.start, span.end) else None
    return None


def _surnames_of(names: list[str]) -> set[str]:
    """The words after the first of each name (``King`` of ``Martin Luther King Jr.``)."""
    return {word.strip(".,") for name in names for word in name.split()[1:]}


def _bare_word_person(r: Entity | None, surnames: set[str]) -> bool:
    """A rules person of one word with no title, that no full name of the article ends
    in: what a speech verb after a capitalised word gives (``Apple said``)."""
    return (
        r is not None
        and r.type == "PERSON"
        and r.role is None
        and " " not in r.text
        and r.text not in surnames
        and r.text not in data_words("given_names.txt")
    )


def _title_alone(text: str, surnames: set[str]) -> bool:
    """A spaCy person of titles alone (``Chairperson``, ``Deputy Minister``): no name,
    unless the article gives the word in someone's full name (``John Major``)."""
    words = [w.strip(".") for w in text.split()]
    return all(w in _titles() for w in words) and words[-1] not in surnames


def _fuller_place(span: statistical.Span, rules: Sequence[Entity]) -> Entity | None:
    """The rules' place of several words that holds a spaCy place and more (``Asia –
    Pacific`` over spaCy's ``Asia``): the gazetteer knows the longer name."""
    if span.label != "PLACE":
        return None
    several = [r for r in rules if " " in r.text]
    return _holding(span, several, ("PLACE", "COUNTRY"))


_GOVERNMENT_OF = re.compile(r"Government of (?:the )?")


def _government_of(body: str, span: statistical.Span, rules: Sequence[Entity]) -> Entity | None:
    """The rules' country that ends spaCy's ``Government of the Kyrgyz Republic``: the
    government of a country is the country here, as ``Kazakh Ministry`` is Kazakhstan's."""
    m = _GOVERNMENT_OF.match(body, span.start, span.end)
    if span.label != "ORG" or m is None:
        return None
    return next(
        (r for r in rules if r.type == "COUNTRY" and (r.start, r.end) == (m.end(), span.end)),
        None,
    )


def _in_title(span: statistical.Span, rules: Sequence[Entity]) -> bool:
    """The span lies inside the title the rules read before a person (spaCy's
    organisation ``Party General`` of ``Party General Secretary To Lam``)."""
    return any(
        r.type == "PERSON"
        and r.role
        and r.start - len(r.role) - 1 <= span.start < r.start
        and span.end <= r.start
        for r in rules
    )


def _fuller_person(span: statistical.Span, rules: Sequence[Entity]) -> Entity | None:
    """The rules' person that holds a spaCy person and more of the name (``Nguyen Minh Vu``
    over spaCy's ``Nguyen Minh``, ``Lê Thị Thu Hằng`` over ``Thị Thu Hằng``)."""
    return _holding(span, rules, ("PERSON",)) if span.label == "PERSON" else None


def _titled_person(body: str, span: statistical.Span, rules: Sequence[Entity]) -> Entity | None:
    """The rules' person at the end of a spaCy span that adds only titles before it
    (``Ms Marsudi``, ``Deputy Superintendent G. Selvakumar``): names go without titles.
    In a spaCy organisation a one-word person needs an honorific (``Ms Marsudi``), not
    just a title (``General Motors`` is a company, not Motors the general)."""
    for r in rules:
        if r.type == "PERSON" and r.end == span.end and span.start < r.start:
            words = [w.strip(".") for w in body[span.start : r.start].split()]
            titles = _titles()
            if span.label == "ORG" and len(r.text.split()) < 2:
                titles = people_words.vocab().honorifics
            return r if words and all(w in titles for w in words) else None
    return None


def _trailing_person(body: str, span: statistical.Span, rules: Sequence[Entity]) -> Entity | None:
    """The rules' person of two words or more at the end of a spaCy organisation that
    adds other words before it (``the former Chicago Bear Walter Payton``): the person."""
    if span.label != "ORG":
        return None
    for r in rules:
        if r.type == "PERSON" and r.end == span.end and span.start < r.start:
            if not body[r.start - 1].isspace():
                return None  # ``U.S. Treasury``, not ``S. Treasury``
            before = body[span.start : r.start].split()
            if len(r.text.split()) >= 2 and before and before[-1] not in ("of", "and", "&"):
                return r
            return None
    return None


@cache
def _titles() -> frozenset[str]:
    v = people_words.vocab()
    return v.heads | v.title_words | v.honorifics


def _datelines(body: str, rules: dict[tuple[int, int], Entity]) -> list[Candidate]:
    """The place of a wire dateline (``HEERENVEEN, Netherlands (AP) _``): capitals at the
    start of a line, then a comma and a name, or the agency in brackets. The rules' norm and
    country are kept where they found the same place."""
    out: list[Candidate] = []
    dashed = (
        m
        for m in _DASH_DATELINE.finditer(body)
        if _place_name(m.group(1)) or _country_of(m.group(1))
    )
    for m in itertools.chain(_DATELINE.finditer(body), dashed):
        start, end = m.span(1)
        r = rules.get((start, end))
        if r is not None and r.type in ("PLACE", "COUNTRY"):
            out.append(Candidate(r.type, start, end, r.norm, CONFIRMED, r.role, r.country))
            continue
        text = " ".join(m.group(1).split())
        code = _country_of(text)
        if code:
            out.append(Candidate("COUNTRY", start, end, code, CONFIRMED))
        else:
            out.append(Candidate("PLACE", start, end, text.title(), CONFIRMED))
    return out


def _vote(body: str, cands: list[Candidate]) -> None:
    """One type for one name within an article: spaCy-only spans take the type most
    mentions of the same text have (ties keep their own)."""
    votes: dict[str, Counter[str]] = {}
    for c in cands:
        votes.setdefault(key(body[c.start : c.end]), Counter())[c.type] += 1
    for c in cands:
        if c.priority != STATISTICAL:
            continue
        ranked = [*votes[key(body[c.start : c.end])].most_common(2), ("", 0)]
        (best, n), (_, runner_up) = ranked[0], ranked[1]
        new = _VOTABLE.get(best)
        if new is not None and new != c.type and n > runner_up:
            c.type = new


_UNIT_TAIL = re.compile(r" (?:province|provinces|prefecture|governorate|county|district)$")
"""A lower-case unit after a place's name, which is no part of the name."""


_OF_TAIL = re.compile(r"\s+of\s+(?:the\s+)?[A-Z]")


def _longer_org(
    body: str, span: statistical.Span, rules: Sequence[Entity], spans: Sequence[statistical.Span]
) -> Entity | None:
    """A rules organisation that holds spaCy's and more of the same name, where spaCy cut
    it: ``of`` a name more (``Communist Party`` in ``Communist Party of Vietnam``), a
    name before it that spaCy left unmarked (``Ho Chi Minh National Academy of
    Politics``), or the rest of a list inside one name that spaCy split into bodies of
    their own (``Committee on Foreign Affairs, Defence, and Security``)."""
    for r in rules:
        if r.type != "ORG" or (r.start, r.end) == (span.start, span.end):
            continue
        if not (r.start <= span.start and span.end <= r.end) or "\n" in body[r.start : r.end]:
            continue
        if r.start == span.start and _OF_TAIL.match(body, span.end):
            return r
        others = [s for s in spans if s is not span and s.start < r.end and r.start < s.end]
        if r.end == span.end and not others and _name_words(body[r.start : span.start]):
            return r
        if r.start == span.start and others and _joined_parts(body, span, others, r):
            return r
        if orgs.known().get(body[r.start : r.end]) is not None and all(
            r.start <= s.start and s.end <= r.end for s in others
        ):
            return r  # ``Amnesty International UK``: a body we know by its whole name
    return None


_NAME_WORD = re.compile(r"[A-Z][\w.'’-]*|\d+(?:st|nd|rd|th)")
"""A capitalised word, or an ordinal (``20th Century Fox``)."""


def _name_words(text: str) -> bool:
    """Capitalised words only, no month (``Ho Chi Minh``, not ``August``): a name."""
    words = text.split()
    return bool(words) and all(_NAME_WORD.fullmatch(w) and w.lower() not in MONTHS for w in words)


_LIST_GLUE = re.compile(r",?\s+and\s+|,\s+")


def _joined_parts(
    body: str, first: statistical.Span, others: list[statistical.Span], whole: Entity
) -> bool:
    """spaCy's organisations inside ``whole`` are its parts, split at list commas: only
    organisations, nothing but ``,``/``and`` between them, and the last ends the whole."""
    parts = sorted([first, *others], key=lambda s: s.start)
    if any(s.label != "ORG" for s in parts):
        return False
    between = [body[a.end : b.start] for a, b in itertools.pairwise(parts)]
    tail = body[parts[-1].end : whole.end]
    if tail:  # ``..., Defence, and Security``: spaCy left the last part unmarked
        glue = _LIST_GLUE.match(tail)
        if glue is None or not _name_words(tail[glue.end() :]):
            return False
        between.append(glue.group())
    return all(_LIST_GLUE.fullmatch(g) for g in between) and any("," in g for g in between)


@cache
def _channel_tail() -> re.Pattern[str]:
    tails = alternation(orgs.word_sets()["channel_tails"])
    return re.compile(rf" (?:{tails})(?:(?=['’]s\b)|(?![\w'’-]))")  # ``BBC Radio 4's``


def _channels(body: str, spans: list[statistical.Span]) -> list[statistical.Span]:
    """A broadcaster's ORG that spaCy ended before the channel's or station's word takes
    it: ``BBC`` + ``Two``, ``BBC Radio`` + ``Five Live`` (``channel_heads``/``_tails``);
    a span of its own inside the longer name goes."""
    heads = orgs.word_sets()["channel_heads"]
    out: list[statistical.Span] = []
    extended: list[tuple[int, int]] = []
    for s in spans:
        end = s.end
        if s.label == "ORG" and " ".join(body[s.start : end].split()) in heads:
            while (m := _channel_tail().match(body, end)) is not None:
                end = m.end()
        if end == s.end:
            out.append(s)
        else:
            out.append(statistical.Span(s.start, end, "ORG", s.source_label))
            extended.append((s.start, end))
    return [s for s in out if not any(a < s.start < b for a, b in extended)]


@cache
def _person_noun_before() -> re.Pattern[str]:
    nouns = alternation(people_words.close_person_nouns())
    return re.compile(rf"(?:(?<![\w'’-])(?:{nouns})|-year-old) $")


_MANAGERS_SIDE = re.compile(r"['’]s (?:[A-Z][a-z]+ )?(?:side|men|charges|team)\b")
"""``Guy Roux's French side``: a club is its manager's side."""


def _named_after_person_noun(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """A name right after a noun for a person (``U2 frontman Bono``, ``rapper Usher``) is a
    person where spaCy alone called it an organisation or a gazetteer a place; so is a
    name of two or three words whose side a club is (``Luigi del Neri's side``)."""
    for c in kept:
        if (c.start, c.end) in fixed or not (
            c.type == "PLACE" or (c.type == "ORG" and c.priority == STATISTICAL)
        ):
            continue
        if _person_noun_before().search(body, max(0, c.start - 24), c.start) or (
            c.type == "ORG"
            and 2 <= len(body[c.start : c.end].split()) <= 3
            and _MANAGERS_SIDE.match(body, c.end)
            and _org_head(body[c.start : c.end]) is None
        ):
            c.type, c.norm, c.role, c.country = "PERSON", body[c.start : c.end], None, None


_SPOKESMAN_FOR = re.compile(r"\b(?:[Ss]pokes(?:man|woman|person)|[Ss]pokesmen) for (?:the )?$")


def _spoken_for(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """What a spokesman speaks for is a body (``a spokeswoman for Chelsea said``) where
    spaCy or the rules saw an untitled person in one word, or in two not starting with a
    given name, and not the surname of a person the article names in full (``a spokesman
    for Blair``); its other untitled mentions follow."""
    surnames = _surname_set(body, kept)
    given = data_words("given_names.txt")
    bodies: set[str] = set()
    for c in kept:
        text = body[c.start : c.end]
        words = text.split()
        if (
            c.type == "PERSON"
            and c.role is None
            and (c.start, c.end) not in fixed
            and (len(words) == 1 or (len(words) == 2 and words[0] not in given))
            and text not in surnames
            and _SPOKESMAN_FOR.search(body, max(0, c.start - 30), c.start)
        ):
            bodies.add(text)
    for c in kept:
        text = body[c.start : c.end]
        if c.type == "PERSON" and c.role is None and text in bodies:
            c.type, c.norm, c.country = "ORG", " ".join(text.split()), None


_PLURAL_VERB = re.compile(r" (?:have|are|were)\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?][\"”’']? |\n|[\"“] ?)$")


def _plural_acts(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """A "person" that takes a plural verb (``Black Sabbath have topped``, ``Judas Priest
    are``) is a band, a club or a firm, as British English agrees with them; one person
    has and is. Only a name that opens its sentence, so that it is the whole subject
    (not ``Mr Blair and Mr Brown were``); every mention of the name is then the
    organisation."""
    acts = {
        body[c.start : c.end]
        for c in kept
        if c.type == "PERSON"
        and c.role is None
        and (c.start, c.end) not in fixed
        and _PLURAL_VERB.match(body, c.end)
        and _SENTENCE_START.search(body, max(0, c.start - 4), c.start) is not None
    }
    if not acts:
        return
    for c in kept:
        text = body[c.start : c.end]
        if c.type == "PERSON" and text in acts and (c.start, c.end) not in fixed:
            c.type, c.norm, c.role, c.country = "ORG", " ".join(text.split()), None, None


def _initialisms(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> list[Candidate]:
    """A short form spelling the initials of an organisation named in full (``Acpo`` after
    the Association of Chief Police Officers, ``Bat`` after British American Tobacco) is
    that organisation wherever spaCy or the rules proposed it as a name, and so are its
    other capitalised occurrences (``initials.py``)."""
    texts = {(c.start, c.end): " ".join(body[c.start : c.end].split()) for c in kept}
    named = [texts[c.start, c.end] for c in kept if c.type == "ORG"]
    forms = initials.short_forms(body, named)
    proposed = {
        texts[c.start, c.end]
        for c in kept
        if c.type in ("PERSON", "ORG", "PLACE") and texts[c.start, c.end] in forms
    }
    if not proposed:
        return kept
    for c in kept:
        text = texts[c.start, c.end]
        if (
            text in proposed
            and c.type in ("PERSON", "ORG", "PLACE")
            and (c.start, c.end) not in fixed
        ):
            c.type, c.norm, c.role, c.country = "ORG", forms[text], None, None
    taken = _taken(body, kept)
    pattern = re.compile(r"(?<![\w'’.-])(?:" + alternation(proposed) + r")(?![\w'’-])")
    extra = [
        Candidate("ORG", m.start(), m.end(), forms[m.group()], RULES_ONLY)
        for m in pattern.finditer(body)
        if not any(taken[m.start() : m.end()])
    ]
    return non_overlapping(kept + extra) if extra else kept


_BRACKETED_ACRONYM = re.compile(r" ?\(([A-Z]{2,6})s?\)")


def _abbreviated(body: str, c: Candidate) -> bool:
    """A "person" of three words or more with its initials in brackets after it
    (``Asymmetric Digital Subscriber Line (ADSL)``): people are not abbreviated so."""
    m = _BRACKETED_ACRONYM.match(body, c.end)
    return (
        m is not None
        and c.type == "PERSON"
        and len(body[c.start : c.end].split()) >= 3
        and initials.initials(body[c.start : c.end]) == m.group(1)
    )


_BILL_OF = re.compile(r"[A-Z][a-z]+ $")
_TITLE_AFTER = re.compile(r" (?:Secretary|Minister|[Ss]pokes(?:man|woman|person)|minister)\b")


def _portfolio_title(body: str, c: Candidate) -> bool:
    """``Shadow Home Secretary``, ``the Trade and Industry Secretary``, ``Home Affairs
    spokesman``: a portfolio before a title word is part of the title, no organisation."""
    words = body[c.start : c.end].split()
    if words and words[0] == "Shadow":
        words = words[1:]
    if words == ["Treasury"]:
        return False  # ``Treasury Secretary Robert Rubin``: the department is named
    portfolio = people_words.vocab().portfolio
    return (
        bool(words)
        and all(w in portfolio or w == "and" for w in words)
        and _TITLE_AFTER.match(body, c.end) is not None
    )


def _without_portfolio(body: str, c: Candidate) -> None:
    """``Lib Dem Treasury spokesman``: the party is the name, its portfolio is part of
    the spokesman's title."""
    words = body[c.start : c.end].split(" ")
    portfolio = people_words.vocab().portfolio
    keep = len(words)
    while keep > 1 and (words[keep - 1] in portfolio or words[keep - 1] == "and"):
        keep -= 1
    if keep < len(words) and words[keep - 1] not in portfolio:
        c.end = c.start + len(" ".join(words[:keep]))
        c.norm = " ".join(body[c.start : c.end].split())


def _no_name(body: str, c: Candidate) -> bool:
    """A mention that is part of an event's name (``Athens Olympics``), a place naming a
    treaty (``the Kyoto protocol``), a work's title after its noun (``album Stakonia``;
    not a full name with a given name first) or a home nation's people word
    (``Welsh``): none of ours (``not_names.py``)."""
    if c.type in ("DATE", "BLOCK"):
        return False
    if not_names.in_event_name(body, c.end):
        return True
    if c.type == "PLACE" and not_names.names_a_treaty(body, c.end):
        return True
    if c.type == "ORG" and c.priority == STATISTICAL and _portfolio_title(body, c):
        return True
    if c.type == "PERSON" and body[c.start : c.end] == "Bill" and _BILL_OF.search(body, 0, c.start):
        return True  # ``the Finance Bill``: a law's name, no person
    text = body[c.start : c.end]
    if c.priority != STATISTICAL:
        return False
    return not_names.home_demonym(text) or (
        not_names.after_work_noun(body, c.start)
        and text.split()[0] not in data_words("given_names.txt")
    )


_WORD_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][a-z]{2,}) $")
_LONG_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]{3,}(?![\w'’-])")


def _unknown_given_names(body: str, kept: list[Candidate], fixed: set[tuple[int, int]]) -> None:
    """A person right after a capitalised word that is no word we know (``host Fearne
    Cotton``, where spaCy found ``Cotton``): spaCy's vocabulary lacked the given name,
    and the person starts there. Not a title, a place, a country or its people, an
    organisation, a month or a day, nor a word the article also writes in lower case; a
    sentence's first word only before a one-word person and when `_name_shaped`; not
    where another mention holds the word."""
    people = [c for c in kept if c.type == "PERSON" and (c.start, c.end) not in fixed]
    if not people:
        return
    taken = _taken(body, kept)
    lower: set[str] | None = None
    for c in people:
        m = _WORD_BEFORE.search(body, max(0, c.start - 30), c.start)
        if m is None or any(taken[m.start(1) : m.end(1)]):
            continue
        word = m.group(1)
        if lower is None:
            lower = set(_LONG_LOWER_WORD.findall(body))
        if word.lower() in lower or _known_word(word):
            continue
        if _opens_sentence(body, m.start(1)) and not _name_shaped(word, c, body):
            continue
        c.start = m.start(1)
        c.norm = word + " " + c.norm


_WORD_ENDINGS = ("ly", "ing", "ed", "s", "al", "ment", "tion", "ive", "ous", "ful", "less")


def _name_shaped(word: str, c: Candidate, body: str) -> bool:
    """Whether a sentence's first word may be the given name of the one-word person after
    it (``( Guido Fulst ,``): no English word's ending, no common word or sentence opener
    (``Despite Barkley's``, ``Nationally``)."""
    return (
        " " not in body[c.start : c.end]
        and not word.endswith(_WORD_ENDINGS)
        and word.lower() not in data_words("common_words.txt")
        and word.lower() not in data_words("english_words.txt")
        and word.lower() not in data_words("sentence_openers.txt")
    )


_PEOPLE_ENDINGS = ("an", "er", "ese", "ish", "ian")
"""Endings of words for a people or a town's inhabitants (``Texan``, ``New Yorker``,
``Glaswegian``) that the demonym list lacks: never a given name of this rule."""


def _known_word(word: str) -> bool:
    """A capitalised word that names something else or starts no given name."""
    k = key(word)
    return (
        word in _titles()
        or word in _ABBREVIATIONS
        or word in orgs.word_sets()["party_adjectives"]
        or word.endswith(_PEOPLE_ENDINGS)
        or k in MONTHS
        or k in _WEEKDAYS
        or k in countries.demonym_keys()
        or countries.lexicon().get(word) is not None
        or orgs.known().get(word) is not None
        or k in gazetteer.gazetteer().entries
        or word in orgs.word_sets()["heads"]
    )


_OPENERS = frozenset(".!?:;\n\"“”'‘’(|-–—")


def _opens_sentence(body: str, start: int) -> bool:
    """The word at ``start`` opens the text, a sentence, a quote or a bracket; walks back
    over the spaces before it instead of copying the text up to it."""
    i = start - 1
    while i >= 0 and body[i] in " \t\u00a0":
        i -= 1
    return i < 0 or body[i] in _OPENERS


def combine(body: str, rules: Sequence[Entity], spans: Sequence[statistical.Span]) -> list[Entity]:
    """One article's entities from its rules mentions and its spaCy spans."""
    by_offsets = {(e.start, e.end): e for e in rules}
    people = frozenset((e.start, e.end) for e in rules if e.type == "PERSON")
    titled = {e.text for e in rules if e.type == "PERSON" and e.role}
    kept_spans = [
        t
        for t in (
            _without_demonym(body, part, people)
            for s in spans
            if _kept_label(body, s)
            for piece in _pieces(body, s)
            for part in _org_parts(body, piece)
        )
        if t is not None
    ]
    kept_spans = [
        statistical.Span(s.start, s.end, "ORG", s.source_label)
        if s.label == "PERSON" and _legal(body, s)
        else s
        for s in _merged(body, kept_spans)
    ]
    kept_spans = _places_in_orgs(_channels(body, kept_spans), rules)
    lower_words: set[str] = set()
    surnames = _surnames_of(
        [body[start:end] for start, end in people]
        + [body[s.start : s.end] for s in kept_spans if s.label == "PERSON"]
    )
    cands: list[Candidate] = _datelines(body, by_offsets)
    n_datelines = len(cands)
    for s in kept_spans:
        text = body[s.start : s.end]
        r = (
            by_offsets.get((s.start, s.end))
            or _titled_person(body, s, rules)
            or _fuller_person(s, rules)
            or _fuller_place(s, rules)
            or _government_of(body, s, rules)
            or _trailing_person(body, s, rules)
        )
        if r is not None and r.type == "PERSON" and s.label == "ORG" and _legal(body, s):
            r = None  # ``Vantor Industries Inc said``: a company, whoever speaks
        if r is not None and r.type == "ORG" and s.label == "PLACE" and _place_name(text):
            r = None  # ``West Bank``: a place the gazetteer knows, not a bank
        if r is not None and r.type == "PLACE" and s.label == "PERSON" and text in titled:
            r = None  # ``Clinton`` after ``President Clinton``: the person, not the town
        if (
            s.label == "ORG"
            and r is by_offsets.get((s.start, s.end))
            and _bare_word_person(r, surnames)
        ):
            r = None  # ``when Apple asked``: a verb's subject, but spaCy knows the company
        if r is None and s.label == "ORG":
            r = _longer_org(body, s, rules, kept_spans)
        if r is not None and r.type != "DATE":
            cands.append(Candidate(r.type, r.start, r.end, r.norm, CONFIRMED, r.role, r.country))
            continue
        text = body[s.start : s.end]
        typ: CandidateType = "PERSON" if s.label == "PERSON" else "ORG"
        norm = " ".join(text.split())
        street = typ != "PERSON" and " " in text and text.split()[-1] in _STREET_HEADS
        if typ == "PERSON" and _place_headed(body, s.start, text):
            street = True  # ``Cal Anderson Park``: named after a person, a place all the same
        if typ == "PERSON" and _after_the(body, s.start, text):
            if not _place_name(text):
                continue  # ``the Danube``, ``the Reading train``: no person has ``the``
            street = True
        if s.label == "PLACE" or street:  # ``Green Square``: a place, whatever spaCy says
            code = _country_of(text)
            typ, norm = ("COUNTRY", code) if code else ("PLACE", norm)
        if typ != "ORG" and _event_named(text):
            continue  # ``Hong Kong Open``, ``U.S. Open``: a tournament, no person or place
        if _quoted_whole(body, s.start, s.end) or (
            typ in ("PERSON", "ORG") and _capitals_line(body, s)
        ):
            continue
        if typ == "ORG" and " " not in text and _common_word(body, text, lower_words):
            continue
        if (
            typ == "PLACE"
            and " " not in text
            and not _place_name(text)
            and _common_word(body, text, lower_words)
        ):
            continue  # ``Spyware is ...``: a common word, no place the gazetteer knows
        if typ != "DATE" and text in orgs.word_sets()["products"]:
            continue  # ``the three Grammys``
        if typ == "ORG" and (_not_an_org(text) or _in_title(s, rules)):
            continue
        if typ == "PERSON" and (
            _ABBREVIATION.fullmatch(text)
            or text in orgs.word_sets()["products"]
            or any(ch.isdigit() for ch in text)  # ``P-38 Lightning``, ``F-86 Sabre``
            or _PRIZE_AFTER.match(body, s.end)  # ``the Stanley Cup``: a trophy's name
            or _title_alone(text, surnames)
        ):
            continue
        cands.append(Candidate(typ, s.start, s.end, norm, STATISTICAL))
    size = max((e.end for e in rules), default=0)
    covered = bytearray(max(size, max((s.end for s in kept_spans), default=0)))
    for s in kept_spans:
        covered[s.start : s.end] = b"\x01" * (s.end - s.start)
    for r in rules:
        if not any(covered[r.start : r.end]):
            cands.append(Candidate(r.type, r.start, r.end, r.norm, RULES_ONLY, r.role, r.country))
    tails = orgs.word_sets()["business_tails"]
    for c in cands:
        words = body[c.start : c.end].split()
        if c.type == "PERSON" and len(words) >= 2 and words[-1] in tails:
            c.type, c.role = "ORG", None  # ``Werner Herzog Filmproduktion``: his business
    cands += _shouted_countries(body, cands)
    cands += _shouted_companies(body, cands)
    if ".com" in body or ".net" in body:
        cands += _dot_coms(body)
    if " The " in body:
        cands += _newspapers(body)
    _vote(body, cands)
    kept = non_overlapping(cands)
    fixed = {(c.start, c.end) for c in cands[:n_datelines]}
    regions = {m.end() + len(c) for m in _DATELINE.finditer(body) for c in (", ", " , ")}
    fixed.update(  # ``ARLINGTON, Texas``: the region of a dateline stays a place
        (c.start, c.end) for c in kept if c.start in regions and c.type in ("PLACE", "COUNTRY")
    )
    kept = _teams(body, kept, fixed)
    _listed_people(body, kept, fixed)
    _listed_orgs(body, kept, fixed)
    kept = _repeated(body, kept)
    _surnames(body, kept, fixed)
    kept = _surname_pairs(body, kept)
    kept = _entrants(body, kept, fixed)
    kept = _lineup_players(body, kept, fixed)
    kept = _cast_members(body, kept)
    kept = _press(body, kept, fixed)
    kept = _companies(body, kept, fixed)
    kept = _initialisms(body, kept, fixed)
    _named_after_person_noun(body, kept, fixed)
    _spoken_for(body, kept, fixed)
    _plural_acts(body, kept, fixed)
    _unknown_given_names(body, kept, fixed)
    _drop_person_nouns(body, kept)
    kept = [c for c in kept if not _no_name(body, c) and not _abbreviated(body, c)]
    extra = corefer.short_forms(body, tokenize(body), kept)
    if works.title_spans(body):  # ``The Incredibles won``: a film's title, no name
        kept = [c for c in kept if not works.in_title(body, c.start, c.end)]
        extra = [e for e in extra if not works.in_title(body, e.start, e.end)]
    places_at = {(c.start, c.end): c.type for c in kept if c.type in ("PLACE", "COUNTRY")}
    if places_at:  # ``Kosovo`` stays a place after a spaCy person ``Kosovo Serbs``
        surnames = _surname_set(body, kept)
        country_surnames = _countries_as_surnames(body, kept, surnames)
        extra = [
            e
            for e in extra
            if (e.start, e.end) not in places_at
            or body[e.start : e.end]
            in (country_surnames if places_at[e.start, e.end] == "COUNTRY" else surnames)
        ]
    if extra:
        kept = non_overlapping(kept + extra)
    shouted = _shouted_names(body, kept, fixed)
    if shouted:
        spots = {(c.start, c.end) for c in shouted}
        kept = non_overlapping([c for c in kept if (c.start, c.end) not in spots] + shouted)
    corefer.assign_norms(body, kept)
    demonyms = countries.demonym_keys()
    for c in kept:
        if c.type == "COUNTRY" and c.role is None and key(body[c.start : c.end]) in demonyms:
            c.role = NATIONALITY
        elif c.type == "PLACE":
            m = _UNIT_TAIL.search(body, c.start, c.end)
            if m and m.start() > c.start and body[c.start].isupper():
                c.end = m.start()  # ``Jiangsu province``: the name is ``Jiangsu``
                if c.norm.endswith(m.group()):
                    c.norm = c.norm[: -len(m.group())]
        elif c.type == "ORG" and c.priority == STATISTICAL and _TITLE_AFTER.match(body, c.end):
            _without_portfolio(body, c)
    return [
        Entity(c.type, body[c.start : c.end], c.start, c.end, c.norm, c.role, c.country)
        for c in kept
        if c.type != "BLOCK"
        and not (c.type in ("PERSON", "ORG") and _faith(body[c.start : c.end]))
        and not (c.type == "PLACE" and _people_not_place(body[c.start : c.end]))
        and not (c.type != "DATE" and _lower_case_name(body[c.start : c.end]))
    ]


def extract_many(
    bodies: Sequence[str], dates: Sequence[datetime.date | None] | None = None
) -> list[list[Entity]]:
    """Entities of each body: rules over spaCy, or the rules alone without spaCy."""
    when = list(dates) if dates is not None else [None] * len(bodies)
    rules = [extract(body, date) for body, date in zip(bodies, when, strict=True)]
    found = statistical.recognise_many(bodies)
    if found is None:
        return rules
    return [combine(body, r, spans) for body, r, spans in zip(bodies, rules, found, strict=True)]
