"""Organisations in the rules layered over spaCy (``combine.py``): one error kind a test.

Most spans are written by hand (no spaCy needed); those marked ``needs_spacy`` run the
real pipeline and are skipped where spaCy is absent.
"""

from __future__ import annotations

import importlib.util

import pytest

from search.entities import combine, extract
from search.entities.statistical import Span

needs_spacy = pytest.mark.skipif(
    importlib.util.find_spec("spacy") is None, reason="spaCy is not installed"
)


def _span(text: str, mention: str, label: str, nth: int = 0) -> Span:
    """A hand-made spaCy span over the ``nth`` occurrence of ``mention`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(mention, start + 1)
    return Span(start, start + len(mention), label, label)


def _typed(text: str, spans: list[Span]) -> list[tuple[str, str, int]]:
    return [(e.type, e.text, e.start) for e in combine.combine(text, extract(text), spans)]


# --- one company, one reading ---------------------------------------------------------


def test_a_company_with_a_dotted_legal_form_is_an_org_in_its_short_name() -> None:
    text = (
        "Dravomir S.A. posted a loss on Monday. Dravomir said sales fell, and "
        "analysts said Dravomir had cut prices."
    )
    spans = [_span(text, "Dravomir S.A.", "ORG"), _span(text, "Dravomir", "PERSON", 1)]
    found = _typed(text, spans)
    assert [t for t, name, _ in found if name == "Dravomir"] == ["ORG", "ORG"]


def test_a_name_before_shares_or_chief_executive_is_a_company_everywhere() -> None:
    text = (
        "Kelbrun said on Tuesday it would cut 300 jobs. Kelbrun chief executive "
        "Ann Morrow said the plan was needed. Kelbrun shares fell 4 percent, and "
        "Kelbrun Cables will be sold."
    )
    spans = [
        _span(text, "Kelbrun", "PERSON"),
        _span(text, "Ann Morrow", "PERSON"),
        _span(text, "Kelbrun Cables", "PERSON"),
    ]
    found = _typed(text, spans)
    kinds = {(t, name) for t, name, _ in found}
    assert ("ORG", "Kelbrun") in kinds and ("PERSON", "Kelbrun") not in kinds
    assert ("ORG", "Kelbrun Cables") in kinds
    assert ("PERSON", "Ann Morrow") in kinds


def test_a_news_agency_named_beside_the_word_is_an_org_where_the_rules_saw_a_speaker() -> None:
    text = (
        "The talks resumed on Friday, the state news agency Pravek reported. "
        "Delegates were optimistic, Pravek said."
    )
    found = _typed(text, [])
    assert [t for t, name, _ in found if name == "Pravek"] == ["ORG", "ORG"]


def test_the_surname_of_a_person_named_in_full_is_no_company_though_shares_follow() -> None:
    text = "Maria Kelbrun sold her stake. Kelbrun shares were bought by a fund."
    spans = [_span(text, "Maria Kelbrun", "PERSON"), _span(text, "Kelbrun", "ORG", 1)]
    found = _typed(text, spans)
    assert ("PERSON", "Maria Kelbrun", 0) in found
    assert not any(t == "ORG" and name == "Maria Kelbrun" for t, name, _ in found)


# --- clubs named after their town ----------------------------------------------------------


def test_a_town_before_a_player_word_is_its_club_in_sport_news() -> None:
    text = (
        "Soccer - squad named .\nThe former Leeds midfielder Tom Hale was recalled to "
        "the squad on Monday ."
    )
    spans = [_span(text, "Leeds", "PLACE"), _span(text, "Tom Hale", "PERSON")]
    assert ("ORG", "Leeds", text.index("Leeds")) in _typed(text, spans)


def test_a_town_after_victory_over_is_a_club_in_sport_news() -> None:
    text = (
        "Rugby - league round-up .\nBath eased to a 40-12 victory over Bristol on "
        "Saturday , the champions' sixth win of the league season in the halftime rain ."
    )
    spans = [_span(text, "Bath", "PLACE"), _span(text, "Bristol", "PLACE")]
    assert ("ORG", "Bristol", text.index("Bristol")) in _typed(text, spans)


def test_two_results_lines_and_one_sport_word_make_clubs_of_towns() -> None:
    text = "Soccer - cup results .\nResults on Saturday :\nKarlsruhe 2 Duisburg 0\nBremen 1 Freiburg 3\n"
    spans = [_span(text, "Karlsruhe", "PLACE"), _span(text, "Duisburg", "PLACE")]
    found = {(t, name) for t, name, _ in _typed(text, spans)}
    assert {("ORG", "Karlsruhe"), ("ORG", "Duisburg"), ("ORG", "Freiburg")} <= found


def test_the_region_of_a_dateline_stays_a_place_when_its_club_plays() -> None:
    text = (
        "ARLINGTON, Texas (AP) _ Boston beat Texas 5-3 in 11 innings on Sunday , the "
        "league leaders winning in extra innings for the second time ."
    )
    spans = [
        _span(text, "Texas", "PLACE"),
        _span(text, "Boston", "PLACE"),
        _span(text, "Texas", "PLACE", 1),
    ]
    found = _typed(text, spans)
    assert ("PLACE", "Texas", text.index("Texas")) in found
    assert ("ORG", "Texas", text.index("Texas", text.index("beat"))) in found


# --- spaCy's organisations that are people ---------------------------------------------------


def test_a_name_spacy_calls_an_org_in_a_list_of_people_is_a_person() -> None:
    text = (
        "Produced by Tomas Brel and Orvan Keddle; edited by Ivo Karnik. Later, "
        "Orvan Keddle said the film was finished, and Keddle thanked the crew."
    )
    spans = [
        _span(text, "Tomas Brel", "PERSON"),
        _span(text, "Orvan Keddle", "ORG"),
        _span(text, "Ivo Karnik", "PERSON"),
        _span(text, "Orvan Keddle", "ORG", 1),
        _span(text, "Keddle", "ORG", 2),
    ]
    found = {(t, name) for t, name, _ in _typed(text, spans)}
    assert ("PERSON", "Orvan Keddle") in found and ("PERSON", "Keddle") in found
    assert not any(t == "ORG" for t, _ in found)


def test_one_word_spacy_calls_an_org_listed_with_people_named_in_full_is_a_person() -> None:
    text = (
        "The prizes went to Kessow and Orvana Tell. Later Kessow's album sold well, "
        "while Coldplay and Ivo Karnik played on."
    )
    spans = [
        _span(text, "Kessow", "ORG"),
        _span(text, "Orvana Tell", "PERSON"),
        _span(text, "Kessow", "ORG", 1),
        _span(text, "Coldplay", "ORG"),
        _span(text, "Ivo Karnik", "PERSON"),
    ]
    found = _typed(text, spans)
    assert ("PERSON", "Kessow", text.index("Kessow")) in found
    assert ("PERSON", "Kessow", text.index("Kessow", text.index("Later"))) in found
    # A known band listed with a person stays an organisation.
    assert ("ORG", "Coldplay", text.index("Coldplay")) in found


def test_what_a_spokesman_speaks_for_is_a_body_unless_a_person_of_the_article() -> None:
    # "Chelsea" is a given name too, so the rules alone see a speaker.
    text = (
        "A spokeswoman for Chelsea said on Monday that talks went well. "
        "Tomas Brel stayed away; a spokesman for Brel said he was ill."
    )
    spans = [
        _span(text, "Chelsea", "ORG"),
        _span(text, "Tomas Brel", "PERSON"),
        _span(text, "Brel", "PERSON", 1),
    ]
    found = _typed(text, spans)
    assert ("ORG", "Chelsea", text.index("Chelsea")) in found
    assert ("PERSON", "Brel", text.index("Brel said")) in found


def test_a_two_word_name_before_who_is_a_person() -> None:
    text = "Police named the driver as Orvan Keddle, who was arrested at the border."
    found = _typed(text, [_span(text, "Orvan Keddle", "ORG")])
    assert ("PERSON", "Orvan Keddle", text.index("Orvan")) in found


def test_a_group_before_who_and_an_org_beside_a_speaker_stay_organisations() -> None:
    text = (
        "Members of the Black Hands, who claimed the attack, were sought. "
        "Speaking at the Kessel Foundation, Orvan Keddle said funds were short."
    )
    spans = [
        _span(text, "Black Hands", "ORG"),
        _span(text, "Kessel Foundation", "ORG"),
        _span(text, "Orvan Keddle", "PERSON"),
    ]
    found = {(t, name) for t, name, _ in _typed(text, spans)}
    assert {("ORG", "Black Hands"), ("ORG", "Kessel Foundation")} <= found


def test_a_company_whose_name_starts_with_a_title_keeps_its_name() -> None:
    text = "There is no one at General Motors who doubts the plan, a dealer said."
    found = _typed(text, [_span(text, "General Motors", "ORG")])
    assert ("ORG", "General Motors", text.index("General")) in found
    assert not any(t == "PERSON" for t, _, _ in found)


def test_a_word_that_starts_organisations_names_is_an_org_where_the_rules_saw_a_speaker() -> None:
    text = (
        "The Harrowgate Institution will close its press. Harrowgate said the "
        "decision was final, and staff at the Harrowgate Books unit left. "
        "Officials at the Harrowgate declined to comment."
    )
    spans = [
        _span(text, "Harrowgate Institution", "ORG"),
        _span(text, "Harrowgate", "ORG", 1),
        _span(text, "Harrowgate Books", "ORG"),
        _span(text, "Harrowgate", "ORG", 3),
    ]
    found = _typed(text, spans)
    assert [t for t, name, _ in found if name == "Harrowgate"] == ["ORG", "ORG"]


# --- lines in capitals -----------------------------------------------------------------------


def test_companies_with_a_legal_form_on_a_line_in_capitals_are_organisations() -> None:
    text = (
        "Rates held steady.\nCOPYRIGHT 1997 BY KESTREL MEDIA, INC., A UNIT OF HOLMWOOD LTD\n"
        "The central bank kept its rate."
    )
    found = {(t, name) for t, name, _ in _typed(text, [])}
    assert {("ORG", "KESTREL MEDIA, INC."), ("ORG", "HOLMWOOD LTD")} <= found


# --- spaCy's organisations that are common words -----------------------------------------


def test_a_capitalised_common_word_alone_is_no_organisation() -> None:
    text = (
        "Prices of bonds fell as oil prices rose. Radio is the oldest medium, and radio "
        "listeners are loyal. The Senate met later."
    )
    spans = [
        _span(text, "Prices", "ORG"),
        _span(text, "Radio", "ORG"),
        _span(text, "Senate", "ORG"),
    ]
    found = {(t, name) for t, name, _ in _typed(text, spans)}
    assert ("ORG", "Prices") not in found and ("ORG", "Radio") not in found
    assert ("ORG", "Senate") in found


def test_an_acronym_or_a_name_of_two_words_is_kept_though_its_words_are_common() -> None:
    text = "Shares in Radio Holdings rose, and NEXT said radio sales were up."
    spans = [_span(text, "Radio Holdings", "ORG"), _span(text, "NEXT", "ORG")]
    found = {(t, name) for t, name, _ in _typed(text, spans)}
    assert {("ORG", "Radio Holdings"), ("ORG", "NEXT")} <= found


def test_a_county_in_shire_is_a_club_in_sport_news_though_spacy_saw_a_person() -> None:
    text = (
        "Cricket - county championship .\nDerringshire beat Somerset by an innings , "
        "taking eight wickets before lunch in the second innings ."
    )
    spans = [_span(text, "Derringshire", "PERSON"), _span(text, "Somerset", "PLACE")]
    assert ("ORG", "Derringshire", text.index("Derringshire")) in _typed(text, spans)


def test_a_plural_nickname_after_the_is_a_team_not_a_person() -> None:
    text = (
        "Baseball - league round-up .\nThe shortstop homered in the ninth inning as the "
        "Harriers rallied , and the pitcher got his second win for the Harriers in the league ."
    )
    spans = [_span(text, "Harriers", "PERSON"), _span(text, "Harriers", "PERSON", 1)]
    found = _typed(text, spans)
    assert [t for t, name, _ in found if name == "Harriers"] == ["ORG", "ORG"]


# --- organisation names cut or run on ----------------------------------------------------


def test_a_month_before_an_organisation_is_no_part_of_its_name() -> None:
    text = "The August Purchasing Managers Council index rose 2 points, the report said."
    span = _span(text, "August Purchasing Managers Council", "ORG")
    assert ("ORG", "Purchasing Managers Council") in {(t, n) for t, n, _ in _typed(text, [span])}


def test_lower_case_words_at_either_end_of_an_organisation_go() -> None:
    text = (
        "A spokesman for the pro-government Kestrel union said talks failed, "
        "Holmwood news agency reported, and the defence ministry agreed."
    )
    spans = [
        _span(text, "pro-government Kestrel union", "ORG"),
        _span(text, "Holmwood news", "ORG"),
        _span(text, "defence ministry", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Kestrel"), ("ORG", "Holmwood")} <= found
    # A body named in lower case is no name (test_entities_combine_longer).
    assert ("ORG", "defence ministry") not in found


def test_two_organisations_joined_by_and_are_two_names_when_each_stands_alone() -> None:
    text = (
        "Analysts expect Kestrel and Holmwood to merge. Kestrel declined to comment; "
        "Holmwood said nothing. Tobin and Marsh, the law firm, advised both."
    )
    spans = [
        _span(text, "Kestrel and Holmwood", "ORG"),
        _span(text, "Tobin and Marsh", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Kestrel"), ("ORG", "Holmwood"), ("ORG", "Tobin and Marsh")} <= found


def test_a_firm_with_an_ampersand_keeps_the_names_before_its_comma() -> None:
    text = "said an analyst at Dorran, Pell & Voss in New York."
    found = _typed(text, [_span(text, "Dorran, Pell & Voss", "ORG")])
    assert ("ORG", "Dorran, Pell & Voss", text.index("Dorran")) in found


def test_a_company_named_by_its_web_address_is_an_org_but_an_address_is_not() -> None:
    text = "Kestrelnet.com, a search site, lost money; see www.kestrelnet.com for more."
    found = {(t, n) for t, n, _ in _typed(text, [])}
    assert ("ORG", "Kestrelnet.com") in found
    assert not any("www" in n for _, n in found)


def test_a_word_spacy_calls_a_place_in_a_list_of_companies_is_a_company() -> None:
    text = "Users flock to sites like Kestrel, Vondra and Holmwood. Vondra lost money."
    spans = [
        _span(text, "Kestrel", "ORG"),
        _span(text, "Vondra", "PLACE"),
        _span(text, "Holmwood", "ORG"),
        _span(text, "Vondra", "PLACE", 1),
    ]
    found = _typed(text, spans)
    assert [t for t, n, _ in found if n == "Vondra"] == ["ORG", "ORG"]


def test_a_name_in_apposition_with_a_persons_noun_is_a_person() -> None:
    text = (
        "Orvan Keddle, the man who drove the van, was sentenced. The judge told Keddle "
        "to pay. Later his widow, Marla, sang. Tomas Brel, 45, was freed."
    )
    spans = [
        _span(text, "Orvan Keddle", "ORG"),
        _span(text, "Keddle", "ORG", 1),
        _span(text, "Marla", "ORG"),
        _span(text, "Tomas Brel", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("PERSON", "Orvan Keddle"), ("PERSON", "Keddle"), ("PERSON", "Marla")} <= found
    assert ("PERSON", "Tomas Brel") in found


def test_a_company_in_apposition_with_a_common_noun_stays_an_organisation() -> None:
    text = "Kestrel Media, a publisher, and Holmwood, the rival firm, both grew."
    spans = [_span(text, "Kestrel Media", "ORG"), _span(text, "Holmwood", "ORG")]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Kestrel Media"), ("ORG", "Holmwood")} <= found


def test_a_town_and_a_plural_nickname_or_the_nickname_alone_is_a_team() -> None:
    text = (
        "Baseball - league round-up .\nThe shortstop homered in the ninth inning as "
        "Boston beat the Minnesota Harriers 5-4 , and the Harriers lost again in the "
        "league , and the Blue Herons won the World Series of Golf ."
    )
    spans = [_span(text, "Minnesota", "PLACE"), _span(text, "Boston", "PLACE")]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Minnesota Harriers"), ("ORG", "Harriers"), ("ORG", "Blue Herons")} <= found
    assert ("ORG", "World Series") not in found


def test_a_nationality_before_a_person_that_spacy_calls_an_org_is_cut_off() -> None:
    text = "BERLIN 1996-08-30\nAmerican Dennis Varrow outclassed the field on Friday ."
    found = {(t, n) for t, n, _ in _typed(text, [_span(text, "American Dennis Varrow", "ORG")])}
    assert ("PERSON", "Dennis Varrow") in found
    assert not any(t == "ORG" for t, _ in found)


def test_a_name_spacy_calls_an_org_that_starts_with_a_given_name_is_a_person() -> None:
    text = "In Detroit , Todd Van Varrow pitched a five-hitter , and Varrow walked two ."
    spans = [_span(text, "Todd Van Varrow", "ORG"), _span(text, "Varrow", "ORG", 1)]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("PERSON", "Todd Van Varrow"), ("PERSON", "Varrow")} <= found


def test_a_news_bureau_sign_off_is_an_org_with_its_town_in_the_name() -> None:
    text = "Shares closed higher .\n-- Ana Varro , Kestrelburg Newsroom +40 1 3120264\n-- New York Newsdesk 212-859-1610"
    found = {(t, n) for t, n, _ in _typed(text, [_span(text, "New York", "PLACE")])}
    assert {("ORG", "Kestrelburg Newsroom"), ("ORG", "New York Newsdesk")} <= found


def test_competitions_and_time_zones_are_no_organisations() -> None:
    text = (
        "Her Kestrel Cup debut came in April , and the Holmwood Grand Prix Final is "
        "next . Trading ended at 1800 GMT , the Kestrel Tennis Federation said ."
    )
    spans = [
        _span(text, "Kestrel Cup", "ORG"),
        _span(text, "Holmwood Grand Prix Final", "ORG"),
        _span(text, "GMT", "ORG"),
        _span(text, "Kestrel Tennis Federation", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert ("ORG", "Kestrel Tennis Federation") in found
    assert (
        not {("ORG", "Kestrel Cup"), ("ORG", "Holmwood Grand Prix Final"), ("ORG", "GMT")} & found
    )


def test_a_name_in_apposition_with_a_company_noun_is_an_org_in_the_whole_article() -> None:
    text = (
        "On Wednesday, Ann Jones will introduce Vondrio, a venture that sells music. "
        "Vondrio began in February. At the Holmka factory, workers struck. "
        "Anna Lee, the consortium's director, said little."
    )
    spans = [
        _span(text, "Ann Jones", "PERSON"),
        _span(text, "Vondrio", "PERSON", 1),
        _span(text, "Holmka", "PLACE"),
        _span(text, "Anna Lee", "PERSON"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Vondrio"), ("ORG", "Holmka"), ("PERSON", "Anna Lee")} <= found
    assert ("PERSON", "Vondrio") not in found


def test_a_town_listed_with_a_team_is_a_team_in_sport_news() -> None:
    text = (
        "Cricket - county championship .\nThe wickets fell fast at Hove , where "
        "Sussex beat Kent by an innings , leaving title hopefuls Kent and Durham "
        "to chase in the second innings ."
    )
    spans = [
        _span(text, "Sussex", "PLACE"),
        _span(text, "Kent", "PLACE"),
        _span(text, "Kent", "PLACE", 1),
        _span(text, "Durham", "PLACE"),
    ]
    found = _typed(text, spans)
    assert ("ORG", "Durham", text.index("Durham")) in found


def test_a_towns_possessive_before_a_player_makes_it_his_club() -> None:
    text = (
        "Soccer - squad named .\nThe manager named his squad for the league match . "
        "Leeds 's Tomas Hale was recalled , and the striker scored twice ."
    )
    spans = [_span(text, "Leeds", "PLACE"), _span(text, "Tomas Hale", "PERSON")]
    assert ("ORG", "Leeds", text.index("Leeds")) in _typed(text, spans)


def test_a_two_word_name_in_s_before_who_is_a_person_but_the_team_before_who_is_not() -> None:
    text = "Police identified him as Orvan Keddos, who fled. Fans cheered the Kestrel Harriers, who won."
    spans = [_span(text, "Orvan Keddos", "ORG"), _span(text, "Kestrel Harriers", "ORG")]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("PERSON", "Orvan Keddos"), ("ORG", "Kestrel Harriers")} <= found


def test_a_person_at_the_end_of_a_spacy_org_is_the_person() -> None:
    text = "Fans cheered the former Kestrel Bear Walter Hollis on Sunday."
    found = {(t, n) for t, n, _ in _typed(text, [_span(text, "Kestrel Bear Walter Hollis", "ORG")])}
    assert ("PERSON", "Walter Hollis") in found
    assert not any(t == "ORG" for t, _ in found)


def test_two_bodies_joined_by_at_are_two_names() -> None:
    text = "said the director of the Institute of Tidal Studies at Holmwood University."
    span = _span(text, "Institute of Tidal Studies at Holmwood University", "ORG")
    found = {(t, n) for t, n, _ in _typed(text, [span])}
    assert {("ORG", "Institute of Tidal Studies"), ("ORG", "Holmwood University")} <= found


def test_a_team_name_does_not_run_on_across_the_end_of_a_sentence() -> None:
    text = (
        "Baseball - league round-up .\nThe opener was played in Seattle. The Harriers "
        "went 4-4 in the league , and the pitcher won the ninth inning for the Harriers ."
    )
    found = {(t, n) for t, n, _ in _typed(text, [_span(text, "Seattle", "PLACE")])}
    assert not any("." in n for _, n in found)


def test_a_street_or_monument_that_spacy_calls_an_org_is_a_place() -> None:
    text = "Crowds gathered in Kestrel Square and walked to the Holmwood Monument."
    spans = [_span(text, "Kestrel Square", "ORG"), _span(text, "Holmwood Monument", "ORG")]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("PLACE", "Kestrel Square"), ("PLACE", "Holmwood Monument")} <= found


def test_a_dam_or_stadium_that_spacy_calls_an_org_is_a_place_but_a_museum_stays_an_org() -> None:
    text = (
        "Work on the Varosh Gorge Dam slowed, fans left the Tellam Stadium early and "
        "the Natural History Museum said it would reopen."
    )
    spans = [
        _span(text, "Varosh Gorge Dam", "ORG"),
        _span(text, "Tellam Stadium", "ORG"),
        _span(text, "Natural History Museum", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("PLACE", "Varosh Gorge Dam"), ("PLACE", "Tellam Stadium")} <= found
    assert ("ORG", "Natural History Museum") in found


def test_a_town_before_an_acronym_defined_in_the_article_is_no_part_of_the_body() -> None:
    text = (
        "The rise in the Kestrel Council of Purchasing Managers ( KCPM ) index lifted "
        "bonds . Analysts said the Chicago KCPM would rise again ."
    )
    found = {(t, n) for t, n, _ in _typed(text, [_span(text, "Chicago KCPM", "ORG")])}
    assert ("ORG", "KCPM") in found and ("ORG", "Chicago KCPM") not in found


def test_a_titled_persons_other_mentions_stay_the_person_where_the_gazetteer_has_a_town() -> None:
    text = (
        "President Clinton warned Japan and the United States agreed. While Clinton "
        "spoke, aides in the United States said Clinton was calm."
    )
    spans = [
        _span(text, "Clinton", "PERSON"),
        _span(text, "Clinton", "PERSON", 1),
        _span(text, "Clinton", "PERSON", 2),
    ]
    found = _typed(text, spans)
    assert [t for t, n, _ in found if n == "Clinton"] == ["PERSON", "PERSON", "PERSON"]


def test_a_lower_case_unit_after_a_place_is_no_part_of_its_name() -> None:
    text = "The plant in Wuxi , Jiangsu province , opened , and troops left Sharqiyah province ."
    found = {(t, n) for t, n, _ in _typed(text, [])}
    assert ("PLACE", "Jiangsu") in found
    assert not any(n.endswith("province") for _, n in found)


def test_a_business_named_after_a_person_is_an_org() -> None:
    text = "The film was released by Tomas Varrow Productions, and Ann Lee Communications sold it."
    spans = [
        _span(text, "Tomas Varrow Productions", "PERSON"),
        _span(text, "Ann Lee Communications", "PERSON"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert {("ORG", "Tomas Varrow Productions"), ("ORG", "Ann Lee Communications")} <= found


def test_a_name_before_its_head_office_is_a_company_though_spacy_saw_a_place() -> None:
    text = "The rules were met by Vel Arro 's head office in Haifa . Vel Arro said nothing ."
    spans = [_span(text, "Vel Arro", "PLACE"), _span(text, "Vel Arro", "PLACE", 1)]
    found = _typed(text, spans)
    assert [t for t, n, _ in found if n == "Vel Arro"] == ["ORG", "ORG"]


def test_the_short_name_after_an_initialism_of_a_company_with_a_legal_form_is_the_company() -> None:
    text = "Holmberg said it won the order. Swedish telecoms group KV Holmberg AB said sales rose."
    spans = [_span(text, "Holmberg", "PERSON"), _span(text, "KV Holmberg AB", "ORG")]
    found = _typed(text, spans)
    assert ("ORG", "Holmberg", 0) in found


def test_agreements_and_talks_that_spacy_calls_organisations_are_none() -> None:
    text = (
        "The Free Trade Agreement and the Political Consultations of the two sides were "
        "praised by the Kestrel Trade Council ."
    )
    spans = [
        _span(text, "Free Trade Agreement", "ORG"),
        _span(text, "Political Consultations", "ORG"),
        _span(text, "Kestrel Trade Council", "ORG"),
    ]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert ("ORG", "Kestrel Trade Council") in found
    assert not {("ORG", "Free Trade Agreement"), ("ORG", "Political Consultations")} & found


def test_a_rules_organisation_keeps_the_of_part_spacy_cut_off() -> None:
    text = "Delegates of the Liberal Union of Kestrelia met the Farmers League in Holm ."
    spans = [_span(text, "Liberal Union", "ORG"), _span(text, "Farmers League", "ORG")]
    found = {(t, n) for t, n, _ in _typed(text, spans)}
    assert ("ORG", "Liberal Union of Kestrelia") in found, found
    assert ("ORG", "Liberal Union") not in found


def test_an_organisation_ends_before_a_persons_honorific() -> None:
    text = "In a speech to the Harbour Policy Centre Mr Kell said the plan would fail."
    spans = [_span(text, "Harbour Policy Centre Mr Kell", "ORG")]
    found = {(t, m) for t, m, _ in _typed(text, spans)}
    assert ("ORG", "Harbour Policy Centre") in found
    assert ("PERSON", "Kell") in found
    assert not any("Mr" in m for _, m in found)
