"""Rules layered over spaCy's spans (``combine.py``): one behaviour a test.

The spans are written by hand, so these tests run without spaCy or its model; the few
marked ``needs_spacy`` run the real pipeline and are skipped where spaCy is absent.
"""

from __future__ import annotations

import importlib.util

import pytest

from search.entities import combine, extract
from search.entities.statistical import Span
from search.model import Entity

needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None, reason="spaCy is not installed"
)


def _span(text: str, mention: str, label: str, source: str | None = None, nth: int = 0) -> Span:
    """A hand-made spaCy span over the ``nth`` occurrence of ``mention`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return Span(start, start + len(mention), label, source or label)


def _entities(text: str, spans: list[Span]) -> list[Entity]:
    return combine.combine(text, extract(text), spans)


def _found(text: str, spans: list[Span]) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in _entities(text, spans)}


# --- spans cut where no name goes --------------------------------------------------------


def test_a_span_across_a_line_break_is_two_names() -> None:
    text = "Squad: Tomas Brel, Ivo\nKarnik and others were picked."
    found = _found(text, [_span(text, "Ivo\nKarnik", "PERSON")])
    assert ("PERSON", "Ivo") in found and ("PERSON", "Karnik") in found
    assert not any("\n" in name for _, name in found)


def test_a_score_after_a_player_is_not_part_of_the_name() -> None:
    text = "Batting: R. Okonjo 71 , T. Varga 14 not out ."
    found = _found(
        text, [_span(text, "R. Okonjo 71", "PERSON"), _span(text, "T. Varga 14", "PERSON")]
    )
    assert {("PERSON", "R. Okonjo"), ("PERSON", "T. Varga")} <= found


def test_a_rank_before_a_player_is_not_part_of_the_name() -> None:
    text = "Leaders after two rounds:\n136 Oskar Lindqvist\n137 Pavel Orsag"
    found = _found(text, [_span(text, "136 Oskar Lindqvist", "PERSON")])
    assert ("PERSON", "Oskar Lindqvist") in found


def test_scorecard_words_split_two_players() -> None:
    text = "Hamid Qureshi c Dawlat st Marwood b Ellery 12"
    found = _found(text, [_span(text, "Dawlat st Marwood", "PERSON")])
    assert ("PERSON", "Dawlat") in found and ("PERSON", "Marwood") in found


def test_a_name_particle_stays_inside_the_name() -> None:
    text = "The prize went to Anouk van der Berg on Sunday."
    found = _found(text, [_span(text, "Anouk van der Berg", "PERSON")])
    assert ("PERSON", "Anouk van der Berg") in found


# --- nationality words --------------------------------------------------------------------


def test_a_nationality_word_is_a_country_mention_with_the_nationality_role() -> None:
    text = "The Albanian delegation met officials in Tirana."
    by_text = {e.text: e for e in _entities(text, [])}
    assert by_text["Albanian"].type == "COUNTRY" and by_text["Albanian"].norm == "AL"
    assert by_text["Albanian"].role == combine.NATIONALITY


def test_a_country_name_has_no_nationality_role() -> None:
    text = "The delegation flew to Albania on Monday."
    by_text = {e.text: e for e in _entities(text, [_span(text, "Albania", "PLACE", "GPE")])}
    assert by_text["Albania"].type == "COUNTRY" and by_text["Albania"].role is None


# --- sport clubs named after their town ---------------------------------------------------

_MATCH_REPORT = (
    "Swindon beat Grimsby in the league on Saturday, their third win of the season.\n"
    "The striker who joined Swindon in June scored twice before halftime.\n"
    "Results:\nSwindon 2 Grimsby 1\nWrexham 0 Carlisle 0\n"
)


def test_a_town_with_a_match_verb_in_sport_news_is_a_club() -> None:
    text = _MATCH_REPORT
    found = _found(text, [_span(text, "Swindon", "PLACE", "GPE")])
    assert ("ORG", "Swindon") in found and ("PLACE", "Swindon") not in found


def test_every_mention_of_a_club_in_the_article_is_the_club() -> None:
    text = _MATCH_REPORT
    spans = [_span(text, "Swindon", "PLACE", "GPE", nth=1)]
    clubs = [e for e in _entities(text, spans) if e.text == "Swindon"]
    assert len(clubs) == 3 and all(e.type == "ORG" for e in clubs)


def test_the_teams_of_a_results_line_are_clubs_even_unrecognised() -> None:
    text = _MATCH_REPORT
    found = _found(text, [])
    assert {("ORG", "Wrexham"), ("ORG", "Carlisle")} <= found


def test_a_spacy_span_over_two_teams_gives_way_to_the_teams() -> None:
    text = _MATCH_REPORT
    found = _found(text, [_span(text, "Wrexham 0 Carlisle", "ORG")])
    assert {("ORG", "Wrexham"), ("ORG", "Carlisle")} <= found


def test_national_teams_stay_countries() -> None:
    text = "World Cup qualifier, group A standings after Saturday's match:\nAlbania 2 Norway 1\n"
    found = _found(
        text, [_span(text, "Albania", "PLACE", "GPE"), _span(text, "Norway", "PLACE", "GPE")]
    )
    assert {("COUNTRY", "Albania"), ("COUNTRY", "Norway")} <= found


def test_a_town_with_a_number_outside_sport_news_stays_a_place() -> None:
    text = "Rail traffic resumed. Swindon 2 hours late, Grimsby on time, the operator said."
    found = _found(text, [_span(text, "Swindon", "PLACE", "GPE")])
    assert ("PLACE", "Swindon") in found and not any(t == "ORG" for t, _ in found)


def test_the_dateline_of_a_match_report_stays_a_place() -> None:
    text = "IPSWICH, England (AP) _ " + _MATCH_REPORT.replace("Swindon", "Ipswich")
    first = _entities(text, [])[0]
    assert (first.type, first.text) == ("PLACE", "IPSWICH")


def test_a_spaced_dash_ends_a_name() -> None:
    text = "Scorers:\nNorway - Erling Dahl ( 31st )\n"
    found = _found(text, [_span(text, "Norway - Erling Dahl", "ORG")])
    assert ("PERSON", "Erling Dahl") in found or ("ORG", "Erling Dahl") in found
    assert not any(" - " in name for _, name in found)


# --- one name, one reading within an article ------------------------------------------------


def test_a_full_name_found_once_is_found_everywhere_in_the_article() -> None:
    text = "Marta Quispe won the vote. Critics of Marta Quispe stayed away from the hall."
    found = [e for e in _entities(text, [_span(text, "Marta Quispe", "PERSON")])]
    assert [(e.type, e.start) for e in found if e.text == "Marta Quispe"] == [
        ("PERSON", 0),
        ("PERSON", text.index("Marta Quispe", 1)),
    ]


def test_the_short_name_of_a_company_named_in_full_is_the_company() -> None:
    text = "Vantor Industries Inc said profit rose. Shares in Vantor gained after Vantor spoke."
    spans = [
        _span(text, "Vantor Industries Inc", "ORG"),
        _span(text, "Vantor", "PERSON", nth=1),
    ]
    short = [e for e in _entities(text, spans) if e.text == "Vantor"]
    assert len(short) == 2 and all(e.type == "ORG" for e in short)


def test_a_one_word_guess_of_spacy_alone_is_not_spread() -> None:
    text = "Brelwick beat the odds. Fans of Brelwick cheered."
    found = [e for e in _entities(text, [_span(text, "Brelwick", "PERSON")])]
    assert [e.start for e in found if e.text == "Brelwick"] == [0]


def test_a_name_ending_in_a_legal_form_is_a_company_even_before_said() -> None:
    text = "Vantor Industries Inc said profit rose."
    assert ("ORG", "Vantor Industries Inc") in _found(
        text, [_span(text, "Vantor Industries Inc", "ORG")]
    )


# --- spaCy-only guesses left out -------------------------------------------------------------


def test_a_whole_quoted_title_is_no_person() -> None:
    text = "Her second novel, ``Lanternfall,'' sold well in the spring."
    found = _found(text, [_span(text, "Lanternfall", "PERSON")])
    assert not any(name == "Lanternfall" for _, name in found)


def test_a_spacy_person_in_a_capitals_headline_is_left_out() -> None:
    text = "QUARTERLY OUTPUT SLOWS\nFactories produced less in the spring, figures showed."
    found = _found(text, [_span(text, "QUARTERLY OUTPUT", "PERSON")])
    assert not any(t == "PERSON" for t, _ in found)


def test_a_spacy_organisation_in_a_capitals_headline_is_left_out() -> None:
    text = "ROWING - REGATTA RESULTS .\nResults of the regatta on Sunday :"
    found = _found(text, [_span(text, "ROWING", "ORG")])
    assert not any(name == "ROWING" for _, name in found)


def test_a_name_of_the_article_in_a_capitals_headline_keeps_its_type() -> None:
    text = (
        "TARVEK'S LAWYERS MEET ORLANDO FOODS\n"
        "Mira Tarvek met lawyers for Orlando Foods on Friday. Tarvek said nothing."
    )
    spans = [
        _span(text, "TARVEK'S LAWYERS", "PERSON"),
        _span(text, "Mira Tarvek", "PERSON"),
        _span(text, "Orlando Foods", "ORG"),
        _span(text, "Tarvek", "PERSON", nth=1),
    ]
    found = _found(text, spans)
    assert {("PERSON", "TARVEK"), ("ORG", "ORLANDO FOODS")} <= found
    assert ("PERSON", "LAWYERS") not in found and ("PERSON", "TARVEK'S LAWYERS") not in found


def test_a_person_of_the_article_in_a_capitals_headline_beats_a_town_of_that_name() -> None:
    text = "CLINTON SAYS TARIFFS MUST FALL\nPresident Clinton said on Friday that tariffs hurt."
    town = Entity("PLACE", "CLINTON", 0, 7, "Clinton")  # as the gazetteer may find it
    spans = [_span(text, "CLINTON", "PERSON"), _span(text, "Clinton", "PERSON")]
    found = {(e.type, e.text) for e in combine.combine(text, [town, *extract(text)], spans)}
    assert ("PERSON", "CLINTON") in found and ("PLACE", "CLINTON") not in found


def test_home_nations_in_sport_news_are_national_teams_not_clubs() -> None:
    text = "World Cup qualifier: Scotland beat Latvia in the league of nations match.\nScotland 2 Latvia 0\n"
    found = _found(text, [_span(text, "Scotland", "PLACE", "GPE")])
    assert ("ORG", "Scotland") not in found


def test_a_place_spacy_and_the_gazetteer_know_is_no_bank() -> None:
    text = "Settlers moved into the West Bank last year, officials said."
    found = _found(text, [_span(text, "West Bank", "PLACE", "GPE")])
    assert ("PLACE", "West Bank") in found and ("ORG", "West Bank") not in found


def test_a_nationality_word_stays_inside_an_organisation_name() -> None:
    text = "The Argentine Chamber of Commerce said sales fell."
    found = _found(text, [_span(text, "Argentine Chamber of Commerce", "ORG")])
    assert ("ORG", "Argentine Chamber of Commerce") in found


def test_a_nationality_word_before_a_title_is_the_country() -> None:
    text = "Talks followed Kazakh President Daulet Serikbayev's visit."
    found = _found(text, [_span(text, "Kazakh President Daulet Serikbayev", "ORG")])
    assert ("COUNTRY", "Kazakh") in found
    assert not any(t == "ORG" for t, _ in found)


# --- adjacent spans that are one name -------------------------------------------------------


def test_a_place_right_before_an_organisation_is_part_of_its_name() -> None:
    text = "A judge of the U.S. District Court in Manhattan ruled."
    spans = [_span(text, "U.S.", "PLACE", "GPE"), _span(text, "District Court", "ORG")]
    assert ("ORG", "U.S. District Court") in _found(text, spans)


def test_a_legal_form_after_a_comma_belongs_to_the_company() -> None:
    text = "Shares of Norvale, Inc. rose on Monday."
    assert ("ORG", "Norvale, Inc.") in _found(text, [_span(text, "Norvale", "ORG")])


def test_a_surname_that_is_also_a_town_is_the_person_named_in_full() -> None:
    text = "Voters remembered Kamuzu Banda. Critics said Banda ruled for decades."
    spans = [_span(text, "Kamuzu Banda", "PERSON")]
    by_start = {e.start: e for e in _entities(text, spans)}
    later = by_start[text.index("Banda", text.index("said"))]
    assert later.type == "PERSON" and later.norm == "Kamuzu Banda"


_RESULTS = (
    "Athletics meeting results, women's 400 metres final:\n"
    "1. Amara Okafor ( Nigeria ) 50.31\n2. Lena Vostrikova ( Russia ) 50.62\n"
    "3. Ines Carvalho ( Portugal ) 51.02\n"
)


def test_entrants_of_a_results_list_are_people() -> None:
    text = _RESULTS
    found = _found(text, [_span(text, "Amara Okafor", "ORG")])
    assert {("PERSON", "Amara Okafor"), ("PERSON", "Ines Carvalho")} <= found
    assert ("COUNTRY", "Nigeria") in found


def test_one_name_before_a_bracketed_country_is_not_a_results_list() -> None:
    text = "The talks with Volta Holdings ( Ghana ) resumed in the league offices."
    found = _found(text, [_span(text, "Volta Holdings", "ORG")])
    assert ("ORG", "Volta Holdings") in found


def test_the_team_after_an_entrant_of_a_results_list_is_an_organisation() -> None:
    text = (
        "Cycling stage results:\n1. Ole Brandt ( Denmark ) Vantage 4 hours 2 mins\n"
        "2. Paul Moreau ( France ) Cortex same time\n3. Jan Visser ( Netherlands ) Vantage 5\n"
    )
    found = _found(text, [])
    assert {("ORG", "Vantage"), ("ORG", "Cortex"), ("PERSON", "Ole Brandt")} <= found


_TEAM_SHEET = (
    "The coach named his side for Saturday's rugby match against the league leaders.\n"
    "Team: Tomas Lavelle (Brive), Remi Castagnet (Castres), Luc Ardanne (Stade Vernois, capt),"
    " Paul Ibarne (Castres), Noel Sarrat (Biarritz)\n"
)


def test_the_clubs_of_a_team_sheet_are_organisations_and_its_players_people() -> None:
    text = _TEAM_SHEET
    found = _found(
        text,
        [
            _span(text, "Biarritz", "PLACE", "GPE"),
            _span(text, "Remi Castagnet", "ORG"),
            _span(text, "Castres", "PLACE", "GPE", nth=1),
        ],
    )
    assert {("ORG", "Castres"), ("ORG", "Biarritz"), ("ORG", "Stade Vernois")} <= found
    assert {("PERSON", "Remi Castagnet"), ("PERSON", "Luc Ardanne")} <= found
    assert not {t for t, n in found if n in ("Castres", "Biarritz") and t != "ORG"}


def test_a_long_team_sheet_with_initials_is_read_without_sport_words() -> None:
    text = (
        "Italy named their side on Tuesday.\n"
        "R de Varno (Parva); C Stoyka (Montvel), A Masi (Vadena), L Nitor (Calvino);"
        " L Orquen (Padra), A Tronko (Trevia); A Cicero (Trevia), F Ongo (Trevia),"
        " M Castel (Calvino), S Della (Agenne)\n"
    )
    found = _found(text, [_span(text, "Trevia", "PLACE", "GPE")])
    assert {("ORG", "Trevia"), ("ORG", "Calvino"), ("ORG", "Parva")} <= found
    assert {("PERSON", "R de Varno"), ("PERSON", "A Tronko")} <= found


def test_a_cast_list_is_no_team_sheet() -> None:
    text = (
        "With: Bernie Mack (Dollar), Monica Cal (Ebony), Jamie Fox (Blue), Alex Tom (Clyde),"
        " Faizon Lov (Peters), Charles Murf (Brooklyn), Tracy Jon (Tina), Terry Howe (Casey),"
        " Larry Coy (Louis)."
    )
    found = _found(text, [_span(text, "Brooklyn", "PLACE", "GPE")])
    assert not {n for t, n in found if t == "ORG"}


def test_people_beside_bracketed_places_outside_sport_are_no_team_sheet() -> None:
    text = (
        "The charity thanked Anna Berg (Brive), Tom Hale (Castres) and Ivo Brel (Biarritz)"
        " for their donations to the museum."
    )
    found = _found(text, [_span(text, "Castres", "PLACE", "GPE")])
    assert ("ORG", "Castres") not in found


def test_a_club_town_after_in_is_the_town() -> None:
    text = (
        "Baseball: Ardmore beat Kelso 5-2 in the league match, the third win of the season.\n"
        "The players flew on to a tournament in Ardmore on Sunday."
    )
    spans = [_span(text, "Ardmore", "PLACE", "GPE"), _span(text, "Ardmore", "PLACE", "GPE", 1)]
    entities = _entities(text, spans)
    first, second = (e for e in entities if e.text == "Ardmore")
    assert first.type == "ORG" and second.type == "PLACE"


def test_a_law_and_a_two_word_event_are_no_organisations() -> None:
    text = "The Spyware Control Act bans it, said the Grand Slam winner Anna Berg."
    spans = [_span(text, "Spyware Control Act", "ORG"), _span(text, "Grand Slam", "ORG")]
    assert not {n for t, n in _found(text, spans) if t == "ORG"}


def test_a_common_word_spacy_calls_a_place_is_none() -> None:
    text = "Spyware is a menace. Most spyware arrives with free programs."
    assert _found(text, [_span(text, "Spyware", "PLACE", "GPE")]) == set()


def test_a_stage_name_beside_a_real_name_or_a_former_member_is_a_person() -> None:
    text = (
        "C-Blast, a former member of rap group Tru, was filmed. It was C-Blast, real name Ivo Brel."
    )
    spans = [
        _span(text, "C-Blast", "ORG"),
        _span(text, "C-Blast", "ORG", nth=1),
    ]
    found = [(e.type, e.text) for e in _entities(text, spans) if e.text == "C-Blast"]
    assert found == [("PERSON", "C-Blast"), ("PERSON", "C-Blast")]


def test_a_city_named_company_with_shares_is_the_company() -> None:
    text = "Vortex City gets takeover offer. A fund owns 6.7% of Vortex City's shares."
    found = _found(text, [])
    assert ("ORG", "Vortex City") in found and ("PLACE", "Vortex City") not in found


def test_a_broadcasters_channel_word_is_part_of_its_name() -> None:
    text = "The show moves from BBC One to BBC Radio 1 and then to Channel 4."
    spans = [
        _span(text, "BBC", "ORG"),
        _span(text, "BBC Radio", "ORG"),
        _span(text, "Channel", "ORG"),
    ]
    found = _found(text, spans)
    assert {("ORG", "BBC One"), ("ORG", "BBC Radio 1"), ("ORG", "Channel 4")} <= found


def test_a_span_ends_at_a_conjunction() -> None:
    text = "Speaking in the Commons after Mr Ardent had delivered the budget, he left."
    found = _found(text, [_span(text, "Commons after Mr Ardent", "ORG")])
    assert ("ORG", "Commons") in found and ("PERSON", "Ardent") in found


def test_two_surnames_of_people_named_in_full_are_two_people() -> None:
    text = "Donor attacks Hale Brel feud\nThe feud between Tom Hale and Ivo Brel went on."
    spans = [_span(text, m, "PERSON") for m in ("Hale Brel", "Tom Hale", "Ivo Brel")]
    found = _found(text, spans)
    assert {("PERSON", "Hale"), ("PERSON", "Brel")} <= found
    assert ("PERSON", "Hale Brel") not in found


def test_a_full_name_named_twice_is_not_cut_into_surnames() -> None:
    text = "Tom Frank met Ann McCort. Frank McCort wrote it, and Frank McCort signed it."
    spans = [_span(text, "Frank McCort", "PERSON"), _span(text, "Frank McCort", "PERSON", nth=1)]
    assert ("PERSON", "Frank McCort") in _found(text, spans)


def test_a_span_over_the_end_of_a_sentence_ends_with_it() -> None:
    text = "It was approved, said the news agency Kortan. The factory opens in May."
    found = _found(text, [_span(text, "Kortan. The", "ORG")])
    assert ("ORG", "Kortan") in found and not any(". " in n for _, n in found)


def test_a_name_before_spokesman_is_an_organisation() -> None:
    text = "A Zentrix spokesman said the plan was sound. Zentrix declined to say more."
    found = _found(
        text, [_span(text, "Zentrix", "PERSON"), _span(text, "Zentrix", "PERSON", nth=1)]
    )
    assert ("ORG", "Zentrix") in found and ("PERSON", "Zentrix") not in found


def test_a_festival_is_no_organisation() -> None:
    text = "It won the main award at the 2005 Kelvin Film Festival in Utah."
    assert ("ORG", "Kelvin Film Festival") not in _found(
        text, [_span(text, "Kelvin Film Festival", "ORG")]
    )


def test_a_name_right_after_a_noun_for_a_person_is_a_person() -> None:
    text = "At the ceremony, U2 frontman Bonzo said he was moved. The rapper Usherton sang."
    spans = [_span(text, "Bonzo", "PLACE", "GPE"), _span(text, "Usherton", "ORG")]
    assert {("PERSON", "Bonzo"), ("PERSON", "Usherton")} <= _found(text, spans)


def test_a_phrase_abbreviated_in_brackets_is_no_person() -> None:
    text = "Most people use Asymmetric Digital Subscriber Line (ADSL) technology at home."
    span = _span(text, "Asymmetric Digital Subscriber Line", "PERSON")
    assert not any(t == "PERSON" for t, _ in _found(text, [span]))


def test_an_italian_particle_stays_inside_the_name() -> None:
    text = "David dal Maso has been handed the task of replacing him."
    assert ("PERSON", "David dal Maso") in _found(text, [_span(text, "David dal Maso", "PERSON")])


# --- newspapers and agencies -------------------------------------------------------------------


def test_an_agency_named_after_the_word_agency_is_an_organisation() -> None:
    text = "Officials said on Monday, the state news agency Kortan reported."
    assert ("ORG", "Kortan") in _found(text, [])


def test_a_newspaper_named_before_the_word_newspaper_is_an_organisation() -> None:
    text = "He was quoted by the Gazeta Libera newspaper on Sunday."
    found = _found(text, [_span(text, "Gazeta Libera", "PERSON")])
    assert ("ORG", "Gazeta Libera") in found


def test_the_word_for_an_agency_is_cut_off_its_name() -> None:
    text = "Police detained six men, Kortan news agency said."
    assert ("ORG", "Kortan") in _found(text, [_span(text, "Kortan news agency", "ORG")])


def test_a_sentence_start_before_agency_is_no_name() -> None:
    text = "The figures were revised.\nThe agency also said exports rose."
    assert not any(t == "ORG" for t, _ in _found(text, []))


def test_a_spacy_person_ending_in_a_legal_form_is_a_company() -> None:
    text = "Shares of Caravel SpA fell on Monday."
    assert ("ORG", "Caravel SpA") in _found(text, [_span(text, "Caravel SpA", "PERSON")])


# --- with the real model -------------------------------------------------------------------


@needs_spacy
def test_with_the_model_clubs_in_a_match_report_are_organisations() -> None:
    text = (
        "Soccer - Swindon beat Grimsby in the league\n"
        "Swindon beat Grimsby 2-1 in the league on Saturday, the striker Tom Hale scoring "
        "twice before halftime.\nResults:\nSwindon 2 Grimsby 1\nWrexham 0 Carlisle 0\n"
    )
    found = {(e.type, e.text) for e in combine.extract_many([text])[0]}
    assert {("ORG", "Swindon"), ("ORG", "Grimsby"), ("ORG", "Wrexham")} <= found
    assert ("PLACE", "Swindon") not in found


@needs_spacy
def test_with_the_model_a_results_list_gives_people_and_countries() -> None:
    found = {(e.type, e.text) for e in combine.extract_many([_RESULTS])[0]}
    assert {("PERSON", "Amara Okafor"), ("PERSON", "Lena Vostrikova")} <= found
    assert ("COUNTRY", "Nigeria") in found


# --- datelines -------------------------------------------------------------------------------


def test_a_dateline_of_a_city_in_capitals_and_a_date_is_a_place() -> None:
    text = "Markets steady .\nLJUBLJANA 1996-08-30\nShares rose on Friday ."
    found = _found(text, [_span(text, "LJUBLJANA", "ORG")])
    assert ("PLACE", "LJUBLJANA") in found


@pytest.mark.parametrize("dash", ["_", "—", "–", "--"])
def test_a_dateline_before_a_dash_is_a_place_when_it_names_one(dash: str) -> None:
    text = f"A NIGHT AT THE PARK\nCHICAGO {dash} With two outs in the seventh, the Cubs won."
    found = [(c.type, text[c.start : c.end]) for c in combine._datelines(text, {})]
    assert found == [("PLACE", "CHICAGO")]


def test_a_dateline_of_four_words_in_capitals_is_the_whole_place() -> None:
    text = "HO CHI MINH CITY — Ambassador Tran Dinh Son met the visitors on Monday."
    found = _found(text, [_span(text, "HO CHI", "PERSON")])
    assert ("PLACE", "HO CHI MINH CITY") in found
    assert ("PERSON", "HO CHI") not in found


def test_capitals_before_a_dash_that_name_no_place_are_no_dateline() -> None:
    text = "FACTORY ORDERS _ Orders fell last month, the figures showed."
    assert combine._datelines(text, {}) == []
    assert not any(name == "FACTORY ORDERS" for _, name in _found(text, []))


def test_a_tokenised_dateline_with_a_spaced_comma_is_a_place() -> None:
    text = "Results .\nTIGNES , France 1996-12-06\nResults of the race on Friday :"
    found = _found(text, [])
    assert ("PLACE", "TIGNES") in found and ("COUNTRY", "France") in found


def test_a_country_in_a_capitals_headline_is_a_country() -> None:
    text = "SOCCER - PORTUGAL HOLD ESTONIA IN QUALIFIER .\nThe match ended level ."
    found = _found(text, [])
    assert {("COUNTRY", "PORTUGAL"), ("COUNTRY", "ESTONIA")} <= found


def test_a_two_letter_code_in_a_capitals_headline_is_not_taken_for_a_country() -> None:
    text = "LET US TALK , SAYS MINISTER .\nThe minister spoke on Friday ."
    assert not any(t == "COUNTRY" for t, _ in _found(text, []))


def test_a_place_stays_a_place_when_it_begins_a_spacy_person() -> None:
    text = "Many Kosovo Serbs left. Life in Kosovo has changed, she said."
    spans = [
        _span(text, "Kosovo Serbs", "PERSON"),
        _span(text, "Kosovo", "PLACE", "GPE", nth=1),
    ]
    later = [e for e in _entities(text, spans) if e.start == text.index("Kosovo", 10)]
    assert [(e.type, e.text) for e in later] == [("PLACE", "Kosovo")]


def test_a_title_before_a_rules_person_comes_off_a_spacy_place() -> None:
    text = "On Monday PM Chinh welcomed the delegation, and Chinh spoke first."
    found = _found(text, [_span(text, "PM Chinh", "PLACE", "GPE")])
    assert ("PERSON", "Chinh") in found and ("PLACE", "PM Chinh") not in found


def test_the_rules_fuller_name_wins_over_a_shorter_spacy_person() -> None:
    text = "Deputy Foreign Minister Nguyen Minh Vu hosted a reception."
    found = _found(text, [_span(text, "Nguyen Minh", "PERSON")])
    assert ("PERSON", "Nguyen Minh Vu") in found


# --- names that are no person: machines, trophies, rivers, places named after people ------


def test_a_spacy_person_with_a_digit_is_no_person() -> None:
    text = "The squadron flew the P-47 Thunderbolt until the end of the war."
    found = _found(text, [_span(text, "P-47 Thunderbolt", "PERSON")])
    assert not any(kind == "PERSON" for kind, _ in found)


def test_a_person_before_a_trophy_word_is_no_person() -> None:
    text = "Their club won the Halvorsen Cup for the third year running."
    found = _found(text, [_span(text, "Halvorsen", "PERSON")])
    assert ("PERSON", "Halvorsen") not in found


def test_a_tournament_named_after_a_place_is_no_place() -> None:
    text = "She reached the final of the Marlow Open on Sunday."
    found = _found(text, [_span(text, "Marlow Open", "PLACE", "GPE")])
    assert not any(name == "Marlow Open" for _, name in found)


def test_a_person_shaped_name_ending_in_a_venue_word_is_a_place() -> None:
    text = "Protesters gathered in Dunmore Ashby Park before noon."
    found = _found(text, [_span(text, "Dunmore Ashby Park", "PERSON")])
    assert ("PLACE", "Dunmore Ashby Park") in found


def test_a_hyphenated_given_name_before_park_stays_a_person() -> None:
    text = "The midfielder Ji-sung Park scored twice on Saturday."
    found = _found(text, [_span(text, "Ji-sung Park", "PERSON")])
    assert ("PERSON", "Ji-sung Park") in found


def test_a_one_word_person_after_the_is_no_person() -> None:
    text = "Barges moved slowly along the Vellora after the floods."
    found = _found(text, [_span(text, "Vellora", "PERSON")])
    assert ("PERSON", "Vellora") not in found


def test_a_country_name_used_as_the_surname_of_a_named_person_is_the_person() -> None:
    text = (
        "The director Neil Jordan opened the festival. Jordan said the film took six years. "
        "Critics praised Jordan's film."
    )
    spans = [_span(text, "Neil Jordan", "PERSON")]
    later = [e for e in _entities(text, spans) if e.text == "Jordan"]
    assert later and all(e.type == "PERSON" and e.norm == "Neil Jordan" for e in later)


def test_a_country_stays_a_country_when_the_story_is_about_it() -> None:
    text = (
        "The director Neil Jordan visited Amman. Jordanian officials met him, and Jordan "
        "said it welcomed film crews."
    )
    spans = [_span(text, "Neil Jordan", "PERSON")]
    later = [e for e in _entities(text, spans) if e.text == "Jordan"]
    assert later and all(e.type == "COUNTRY" for e in later)


def test_a_town_that_names_its_club_is_the_club_in_sport_news_but_after_in() -> None:
    text = (
        "The striker scored twice in the league, and the coach wants a midfielder. They"
        " finished behind Lyon, and Tottenham's boss was in Lyon on Monday."
    )
    spans = [
        _span(text, "Lyon", "PLACE", "GPE"),
        _span(text, "Tottenham", "PLACE", "GPE"),
        _span(text, "Lyon", "PLACE", "GPE", nth=1),
    ]
    found = [(e.type, e.text) for e in _entities(text, spans)]
    assert found == [("ORG", "Lyon"), ("ORG", "Tottenham"), ("PLACE", "Lyon")]


def test_a_town_that_names_a_club_stays_a_town_out_of_sport_news() -> None:
    text = "The bank will open an office in Lyon, and Lyon's mayor welcomed it."
    spans = [_span(text, "Lyon", "PLACE", "GPE"), _span(text, "Lyon", "PLACE", "GPE", nth=1)]
    assert {e.type for e in _entities(text, spans) if e.text == "Lyon"} == {"PLACE"}


def test_olympic_beside_a_distance_is_no_team() -> None:
    text = "The sprinter, the Olympic 100 metres champion, won a medal; athletes cheered the coach."
    assert ("ORG", "Olympic") not in _found(text, [])


def test_a_name_that_takes_a_plural_verb_is_a_band_in_every_mention() -> None:
    text = "Iron Lantern have topped the poll. Fans of Iron Lantern cheered."
    spans = [
        _span(text, "Iron Lantern", "PERSON"),
        _span(text, "Iron Lantern", "PERSON", nth=1),
    ]
    assert [e.type for e in _entities(text, spans)] == ["ORG", "ORG"]


def test_a_person_closing_a_list_before_a_plural_verb_stays_a_person() -> None:
    text = "The talks between Mr Blair and Gordon Brown were tense."
    found = _found(text, [_span(text, "Gordon Brown", "PERSON")])
    assert ("PERSON", "Gordon Brown") in found


def test_a_portfolio_before_a_title_word_is_no_organisation() -> None:
    text = "Shadow Home Secretary Dan Reese and the Trade and Industry Secretary met."
    spans = [_span(text, "Shadow Home", "ORG"), _span(text, "Trade and Industry", "ORG")]
    found = _found(text, spans)
    assert not {t for t, _ in found} & {"ORG"}


def test_a_bill_after_its_subject_is_no_person() -> None:
    text = "The Finance Bill was rushed through before Dan Owen spoke."
    spans = [_span(text, "Bill", "PERSON"), _span(text, "Dan Owen", "PERSON")]
    assert _found(text, spans) == {("PERSON", "Dan Owen")}


def test_a_name_after_an_age_or_a_boss_noun_is_a_person() -> None:
    text = "Ten-year-old Mira Dane will star, and Vantor boss Ellis Crane agreed."
    spans = [_span(text, "Mira Dane", "ORG"), _span(text, "Ellis Crane", "ORG")]
    found = _found(text, spans)
    assert {("PERSON", "Mira Dane"), ("PERSON", "Ellis Crane")} <= found


def test_a_clubs_nickname_is_the_club() -> None:
    text = "Pompey chased the game, and the Gunners held on."
    spans = [_span(text, "Pompey", "PERSON"), _span(text, "Gunners", "PERSON")]
    found = {(e.type, e.norm) for e in _entities(text, spans)}
    assert found == {("ORG", "Portsmouth"), ("ORG", "Arsenal")}


def test_a_channels_possessive_keeps_its_channel_word() -> None:
    text = "She told BBC Radio 4's Today programme and BBC Two's Newsnight."
    spans = [_span(text, "BBC Radio", "ORG"), _span(text, "BBC", "ORG", nth=1)]
    found = _found(text, spans)
    assert {("ORG", "BBC Radio 4"), ("ORG", "BBC Two")} <= found


def test_a_name_whose_side_a_club_is_is_its_manager() -> None:
    text = "They lost 2-0 to Ivo Brandt's French side on Sunday."
    found = _found(text, [_span(text, "Ivo Brandt", "ORG")])
    assert ("PERSON", "Ivo Brandt") in found


def test_a_score_after_a_results_verb_marks_sport_news() -> None:
    text = "The keeper was hurt and the manager blamed the league."
    assert not combine.sport_article(text)
    assert combine.sport_article("His side lost 3-0 away. " + text)


def test_a_club_town_after_at_or_an_article_is_the_club() -> None:
    text = (
        "The striker scored in the league and the coach praised the keeper. An Ajax spokesman"
        " said Cruyff, a consultant at Barcelona, would help; he lives in Barcelona."
    )
    spans = [
        _span(text, "Ajax", "PLACE", "GPE"),
        _span(text, "Barcelona", "PLACE", "GPE"),
        _span(text, "Barcelona", "PLACE", "GPE", nth=1),
    ]
    found = [(e.type, e.text) for e in _entities(text, spans) if e.text in ("Ajax", "Barcelona")]
    assert found == [("ORG", "Ajax"), ("ORG", "Barcelona"), ("PLACE", "Barcelona")]


def test_a_party_before_a_portfolio_and_a_title_word_ends_at_the_party() -> None:
    text = "Lib Dem Treasury spokesman Vince Cable spoke."
    found = _found(
        text, [_span(text, "Lib Dem Treasury", "ORG"), _span(text, "Vince Cable", "PERSON")]
    )
    assert ("ORG", "Lib Dem") in found and ("ORG", "Lib Dem Treasury") not in found


def test_a_body_known_by_its_whole_name_is_not_cut_by_spacy() -> None:
    text = "Amnesty International UK also questioned the decision."
    spans = [_span(text, "Amnesty International", "ORG"), _span(text, "UK", "PLACE", "GPE")]
    assert _found(text, spans) == {("ORG", "Amnesty International UK")}


def test_a_name_after_analysts_is_their_firm() -> None:
    text = "Sales fell, said market analysts Chart Quest. Chart Quest expects a rise."
    spans = [_span(text, "Chart Quest", "PERSON"), _span(text, "Chart Quest", "PERSON", nth=1)]
    assert {t for t, _ in _found(text, spans)} == {"ORG"}


def test_a_person_takes_the_unknown_given_name_before_it_but_no_peoples_word() -> None:
    text = "The show is now hosted by Fearne Calloway, and Texan Nils Okafor watched it."
    spans = [_span(text, "Calloway", "PERSON"), _span(text, "Nils Okafor", "PERSON")]
    found = _found(text, spans)
    assert ("PERSON", "Fearne Calloway") in found
    assert ("PERSON", "Nils Okafor") in found and ("PERSON", "Texan Nils Okafor") not in found


def test_the_first_name_of_a_list_of_people_is_a_person_where_spacy_said_organisation() -> None:
    text = "Stars including Mara Quell, Tomas Brenner, Ivo Sand and Lena Frost will attend."
    spans = [
        _span(text, "Mara Quell", "ORG"),
        _span(text, "Tomas Brenner", "PERSON"),
        _span(text, "Ivo Sand", "ORG"),
        _span(text, "Lena Frost", "PERSON"),
    ]
    found = _found(text, spans)
    assert {
        ("PERSON", n) for n in ("Mara Quell", "Tomas Brenner", "Ivo Sand", "Lena Frost")
    } <= found


def test_a_company_opening_a_list_with_people_stays_a_company() -> None:
    text = "Backers include Harbour Holdings, Tomas Brenner and Lena Frost."
    spans = [
        _span(text, "Harbour Holdings", "ORG"),
        _span(text, "Tomas Brenner", "PERSON"),
        _span(text, "Lena Frost", "PERSON"),
    ]
    assert ("ORG", "Harbour Holdings") in _found(text, spans)


# --- titles without a name -----------------------------------------------------------------


def test_a_title_alone_is_no_person() -> None:
    text = "Talks were held with Chairperson of the Committee on Foreign Affairs Omar Sandi."
    found = _found(
        text, [_span(text, "Chairperson", "PERSON"), _span(text, "Omar Sandi", "PERSON")]
    )
    assert ("PERSON", "Omar Sandi") in found
    assert not any(name == "Chairperson" for _, name in found)


def test_a_title_word_that_is_the_articles_surname_stays_a_person() -> None:
    text = "Former prime minister John Major spoke on Monday. Major said the party must change."
    spans = [_span(text, "John Major", "PERSON"), _span(text, "Major", "PERSON", nth=1)]
    found = {(e.type, e.text, e.norm) for e in _entities(text, spans)}
    assert ("PERSON", "Major", "John Major") in found


# --- spans run past a sentence's end ------------------------------------------------------


def test_an_org_ends_at_an_abbreviations_stop_before_a_sentence_opener() -> None:
    text = "Said Dan Fellman of Vantor Bros. However, critics were less kind."
    found = _found(text, [_span(text, "Vantor Bros. However", "ORG")])
    assert ("ORG", "Vantor Bros") in found
    assert not any("However" in name for _, name in found)


def test_a_person_ends_at_an_initials_stop_and_the_next_starts_after_the_opener() -> None:
    text = "She marched with Malcolm X. Besides Dee, Davis leaves three children."
    found = _found(text, [_span(text, "Malcolm X. Besides Dee", "PERSON")])
    assert {("PERSON", "Malcolm X"), ("PERSON", "Dee")} <= found


def test_an_initial_before_a_surname_that_is_a_common_word_stays_in_the_name() -> None:
    text = "The show was organised by Roslyn A. Walker, director of the museum."
    found = _found(text, [_span(text, "Roslyn A. Walker", "PERSON")])
    assert ("PERSON", "Roslyn A. Walker") in found


# --- one word before a verb ----------------------------------------------------------------


def test_a_bare_word_the_rules_take_for_a_person_is_spacys_org() -> None:
    text = "The case began in December when Applix asked a court to act."
    rules = extract(text)
    assert ("PERSON", "Applix") in {(e.type, e.text) for e in rules}  # the verb's subject
    found = {(e.type, e.text) for e in combine.combine(text, rules, [_span(text, "Applix", "ORG")])}
    assert ("ORG", "Applix") in found and ("PERSON", "Applix") not in found


def test_a_surname_the_article_gives_in_full_stays_a_person_where_spacy_says_org() -> None:
    text = "Tomas Brelko spoke first. Later Brelko asked for a recount."
    spans = [_span(text, "Tomas Brelko", "PERSON"), _span(text, "Brelko", "ORG", nth=1)]
    found = {(e.type, e.text) for e in _entities(text, spans)}
    assert ("PERSON", "Brelko") in found


def test_a_given_name_that_opens_a_sentence_joins_the_surname_after_it() -> None:
    text = "Germany won the final.\nGuidor Fulsten and the others rode well."
    found = _found(text, [_span(text, "Fulsten", "PERSON")])
    assert ("PERSON", "Guidor Fulsten") in found


def test_a_sentence_opener_before_a_surname_is_no_given_name() -> None:
    text = "He was out injured. Despite Barkow's penalties, the team won."
    found = _found(text, [_span(text, "Barkow", "PERSON")])
    assert ("PERSON", "Barkow") in found
    assert not any(name.startswith("Despite") for _, name in found)
