"""PLACE extraction: gazetteer cities and regions, seas, accent folding, false friends."""

from __future__ import annotations

from search.entities import extract


def places(text: str) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.norm, e.country) for e in extract(text) if e.type == "PLACE"]


def test_accents_and_capitals_fold_to_the_gazetteer_name() -> None:
    assert places("HÀ NỘI — talks in Hà Nội and Ha Noi and Hanoi") == [
        ("HÀ NỘI", "Hanoi", "VN"),
        ("Hà Nội", "Hanoi", "VN"),
        ("Ha Noi", "Hanoi", "VN"),
        ("Hanoi", "Hanoi", "VN"),
    ]


def test_words_read_as_one_place_never_start_with_an_english_function_word() -> None:
    # "A Long" would read as "Along" (a town) and "It A" as "Ita".
    assert places("A LONG NIGHT FOR THE TEAM\nA Long Way Home, and Give It A Name.") == []


def test_cities_of_other_countries() -> None:
    assert places("Talks in Jakarta, Nairobi, Astana and Bangkok.") == [
        ("Jakarta", "Jakarta", "ID"),
        ("Nairobi", "Nairobi", "KE"),
        ("Astana", "Astana", "KZ"),
        ("Bangkok", "Bangkok", "TH"),
    ]


def test_regions_and_provinces() -> None:
    assert places("Bavaria, East Kazakhstan and Vietnam’s Bac Ninh province") == [
        ("Bavaria", "Bavaria", "DE"),
        ("East Kazakhstan", "East Kazakhstan", "KZ"),
        ("Bac Ninh", "Bắc Ninh", "VN"),
    ]


def test_seas_are_places_not_countries() -> None:
    found = extract("the East Sea (internationally known as the South China Sea)")
    assert [(e.type, e.text) for e in found] == [
        ("PLACE", "East Sea"),
        ("PLACE", "South China Sea"),
    ]


def test_spaced_dash_region() -> None:
    assert places("peace in the Asia – Pacific and the Indo-Pacific") == [
        ("Asia – Pacific", "Asia-Pacific", None),
        ("Indo-Pacific", "Indo-Pacific", None),
    ]


def test_common_words_that_are_towns_are_not_places() -> None:
    assert places("Reading the text, Most people said Police and Mobile units split.") == []


def test_compass_word_alone_is_no_place() -> None:
    assert places("East is east. The West agreed. North of here.") == []


def test_place_word_phrases() -> None:
    assert places("a parade at Ba Dinh Square") == [("Ba Dinh Square", "Ba Dinh Square", "VN")]


def test_ambiguous_city_prefers_a_country_the_article_names() -> None:
    found = places("Kenya and its county of Victoria")
    assert found and found[0][2] is not None


def test_sports_grounds_without_a_head_word_are_places() -> None:
    text = "He limped out at Kingsholm, a week before the final at the Stade de France."
    found = [(t, n) for t, n, _ in places(text)]
    assert found == [("Kingsholm", "Kingsholm"), ("Stade de France", "Stade de France")]
