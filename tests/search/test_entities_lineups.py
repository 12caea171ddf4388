"""Line-ups at the foot of a match report (``lineups.py``): their names are players."""

from __future__ import annotations

from search.entities import combine, extract, lineups
from search.entities.statistical import Span

REPORT = (
    "Rovers edge past City\n\n"
    "Rovers won 2-1 at home on Saturday.\n\n"
    "Kell, Marsh, Dunmore, Van Aalst, Scotland (Pryde 70), Oakes, Hebden (Lyle 81), Ruddock,"
    " Firth, Wade, Orme.\n\n"
    "Subs Not Used: Petch, Ingle.\n\n"
    "Marsh, Oakes.\n\n"
    "Wade 12, Orme 88 pen.\n\n"
    "14,300\n\n"
    "P Dowd (Lancashire).\n"
)


def _players() -> list[str]:
    return [REPORT[s:e] for s, e in lineups.players(REPORT)]


def test_every_entry_of_a_line_up_and_its_substitutes_is_a_player() -> None:
    players = set(_players())
    assert {"Kell", "Van Aalst", "Scotland", "Pryde", "Lyle", "Orme"} <= players
    assert {"Petch", "Ingle"} <= players  # the unused substitutes
    assert "P Dowd" in players  # the referee
    assert "Rovers" not in players and "City" not in players and "Lancashire" not in players


def test_booked_players_and_scorers_after_a_line_up_are_players() -> None:
    booked = REPORT.index("Marsh, Oakes.")
    scorers = REPORT.index("Wade 12")
    spans = set(lineups.players(REPORT))
    assert (booked, booked + len("Marsh")) in spans
    assert (scorers, scorers + len("Wade")) in spans


def test_a_list_shorter_than_a_team_is_no_line_up() -> None:
    text = "Visitors came from Leeds, York, Hull, Bath, Derby and Ely.\n"
    assert lineups.players(text) == ()


def test_a_player_named_like_a_country_is_a_person_on_a_line_up() -> None:
    start = REPORT.index("Scotland")
    spans = [Span(start, start + len("Scotland"), "PLACE", "GPE")]
    found = {(e.type, e.text) for e in combine.combine(REPORT, extract(REPORT), spans)}
    assert ("PERSON", "Scotland") in found and ("COUNTRY", "Scotland") not in found


def test_a_paragraph_listing_eight_countries_is_no_line_up() -> None:
    text = "Members:\n\nAustria, Belgium, Cyprus, Denmark, Estonia, Finland, Greece, Ireland.\n"
    assert lineups.players(text) == ()
