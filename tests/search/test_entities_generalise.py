"""Entity classes the sample archive does not show: each test is one generic rule.

Organisations without a head word, aliases and acronyms; demonyms inside official names;
names with particles; untitled speakers; short references; places the gazetteer lacks,
lower-level subdivisions and other spellings; the on-disk gazetteer cache.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest

from search.entities import extract, gazetteer


def found(text: str, *types: str) -> list[tuple[str, str]]:
    return [(e.type, e.text) for e in extract(text) if not types or e.type in types]


def norms(text: str, typ: str) -> dict[str, str]:
    return {e.text: e.norm for e in extract(text) if e.type == typ}


# --- Organisations --------------------------------------------------------------------


def test_name_with_an_acronym_of_its_initials_is_an_organisation() -> None:
    text = "Transparency International (TI) ranked it; TI said little."
    assert found(text) == [
        ("ORG", "Transparency International"),
        ("ORG", "TI"),
        ("ORG", "TI"),
    ]
    assert set(norms(text, "ORG").values()) == {"Transparency International"}


def test_acronym_may_skip_words_and_keeps_inner_places() -> None:
    text = (
        "Leaders of the Conference on Interaction and Confidence-Building Measures in Asia "
        "(CICA) met in Baku."
    )
    assert found(text) == [
        ("ORG", "Conference on Interaction and Confidence-Building Measures in Asia"),
        ("ORG", "CICA"),
        ("PLACE", "Baku"),
    ]


def test_concepts_and_treaties_with_acronyms_are_no_organisations() -> None:
    text = (
        "Gross Domestic Product (GDP) grew while the GDP deflator fell. The Free Trade "
        "Agreement (FTA) took effect and the FTA cut tariffs."
    )
    assert found(text, "ORG") == []


def test_alias_in_parentheses_after_an_organisation() -> None:
    text = (
        "The National Search and Rescue Agency (Basarnas) found the boat. "
        "Basarnas officials said the crew was safe."
    )
    assert found(text, "ORG") == [
        ("ORG", "National Search and Rescue Agency"),
        ("ORG", "Basarnas"),
        ("ORG", "Basarnas"),
    ]
    assert set(norms(text, "ORG").values()) == {"National Search and Rescue Agency"}


def test_french_and_spanish_names_put_the_head_first() -> None:
    text = (
        "The Agence Française de Développement (AFD) and the Banco Central do Brasil "
        "signed. AFD will lend."
    )
    assert found(text) == [
        ("ORG", "Agence Française de Développement"),
        ("ORG", "AFD"),
        ("ORG", "Banco Central do Brasil"),
        ("ORG", "AFD"),
    ]


def test_demonym_opens_a_proper_name_but_not_a_generic_body() -> None:
    text = (
        "The Argentine Chamber of Commerce, the Cambodian Mine Action Centre, the Thai "
        "Defence Ministry and the Kazakh Ministry of Foreign Affairs met."
    )
    assert found(text) == [
        ("ORG", "Argentine Chamber of Commerce"),
        ("ORG", "Cambodian Mine Action Centre"),
        ("COUNTRY", "Thai"),
        ("ORG", "Defence Ministry"),
        ("COUNTRY", "Kazakh"),
        ("ORG", "Ministry of Foreign Affairs"),
    ]


def test_commas_inside_an_official_name() -> None:
    text = "According to the Ministry of Development, Industry, Trade and Services, sales fell."
    assert found(text, "ORG") == [
        ("ORG", "Ministry of Development, Industry, Trade and Services"),
    ]


def test_one_word_bodies_and_party_cue() -> None:
    text = (
        "The Senate approved it, the Bundeswehr objected and Mercosur stayed silent. "
        "A senator of the opposition Akbayan party spoke."
    )
    assert found(text, "ORG") == [
        ("ORG", "Senate"),
        ("ORG", "Bundeswehr"),
        ("ORG", "Mercosur"),
        ("ORG", "Akbayan"),
    ]


def test_repeated_acronym_is_an_organisation_unless_common() -> None:
    text = "The NLD won the vote. GDP rose. The NLD said GDP would rise. The CEO agreed."
    assert found(text) == [("ORG", "NLD"), ("ORG", "NLD")]


def test_news_agency_in_a_dateline() -> None:
    assert found("DHAKA, May 3 (BSS) - Bangladesh signed.", "ORG") == [("ORG", "BSS")]


# --- People ---------------------------------------------------------------------------


def test_particles_inside_names() -> None:
    text = (
        "President Luiz Inácio Lula da Silva met Ursula von der Leyen and Abdel Fattah "
        "al-Sisi. Lula spoke first."
    )
    assert found(text, "PERSON") == [
        ("PERSON", "Luiz Inácio Lula da Silva"),
        ("PERSON", "Ursula von der Leyen"),
        ("PERSON", "Abdel Fattah al-Sisi"),
        ("PERSON", "Lula"),
    ]
    assert norms(text, "PERSON")["Lula"] == "Luiz Inácio Lula da Silva"


def test_untitled_name_after_a_speech_verb() -> None:
    text = (
        '"Roads matter," said Akinwumi Adesina, the bank\'s head. Adesina, speaking later, '
        "added more."
    )
    assert found(text, "PERSON") == [("PERSON", "Akinwumi Adesina"), ("PERSON", "Adesina")]


def test_short_reference_by_a_first_name_part() -> None:
    text = (
        "Cambodian Foreign Minister Kao Kim Hourn met Thai Deputy Prime Minister Phumtham "
        "Wechayachai. Kao said Phumtham agreed."
    )
    got = norms(text, "PERSON")
    assert got["Kao"] == "Kao Kim Hourn"
    assert got["Phumtham"] == "Phumtham Wechayachai"


def test_hyphenated_surname_as_short_form() -> None:
    text = "Defence Minister Władysław Kosiniak-Kamysz arrived. Kosiniak-Kamysz said so."
    assert found(text, "PERSON") == [
        ("PERSON", "Władysław Kosiniak-Kamysz"),
        ("PERSON", "Kosiniak-Kamysz"),
    ]


def test_regnal_number_belongs_to_the_name() -> None:
    assert found("King Mohammed VI received him.", "PERSON") == [("PERSON", "Mohammed VI")]


# --- Places and countries ---------------------------------------------------------------


def test_cote_divoire_with_either_apostrophe() -> None:
    text = "Loans to Côte d'Ivoire and to Côte d’Ivoire."
    assert found(text) == [("COUNTRY", "Côte d'Ivoire"), ("COUNTRY", "Côte d’Ivoire")]


def test_unlisted_regions_before_a_cue_word() -> None:
    text = "Roads in the Poro, Tchologo and Bagoué regions and in Neuquén province."
    assert found(text, "PLACE") == [
        ("PLACE", "Poro"),
        ("PLACE", "Tchologo"),
        ("PLACE", "Bagoué"),
        ("PLACE", "Neuquén"),
    ]


def test_unlisted_town_after_a_cue_word() -> None:
    text = "Soldiers died near the border town of Tougbo and off the coast of Bintan."
    assert found(text, "PLACE") == [("PLACE", "Tougbo"), ("PLACE", "Bintan")]


def test_cue_words_do_not_make_ordinary_words_places() -> None:
    text = "Support region growth. Bilateral islands trade. The Jewish state and the Asian region."
    assert found(text, "PLACE") == []


def test_compass_word_and_a_sea() -> None:
    assert found("patrols in the North Natuna Sea", "PLACE") == [("PLACE", "North Natuna Sea")]


def test_indonesian_provinces_by_their_english_names() -> None:
    text = "vessels in North Sulawesi, West Java and the Riau Islands"
    assert found(text, "PLACE") == [
        ("PLACE", "North Sulawesi"),
        ("PLACE", "West Java"),
        ("PLACE", "Riau Islands"),
    ]


def test_lower_level_subdivision_needs_its_country_in_the_article() -> None:
    assert found("Floods hit Bataan and Cavite.", "PLACE") == []
    assert found("Philippine floods hit Bataan and Cavite.", "PLACE") == [
        ("PLACE", "Bataan"),
        ("PLACE", "Cavite"),
    ]


def test_other_spelling_of_a_city_needs_its_country() -> None:
    assert found("Traders crossed at Poipet.", "PLACE") == []
    found_kh = [e for e in extract("Cambodian traders crossed at Poipet.") if e.type == "PLACE"]
    assert [(e.text, e.country) for e in found_kh] == [("Poipet", "KH")]


def test_place_word_first() -> None:
    text = "Ships sailed round the Cape of Good Hope to Lake Victoria."
    assert found(text, "PLACE") == [("PLACE", "Cape of Good Hope"), ("PLACE", "Lake Victoria")]


# --- Dates -----------------------------------------------------------------------------


def test_relative_seasons() -> None:
    text = "It recalled its envoy last summer and will return next spring."
    got = [(e.text, e.norm) for e in extract(text, datetime.date(2024, 11, 5))]
    assert got == [("last summer", "last summer"), ("next spring", "next spring")]


# --- The gazetteer cache ---------------------------------------------------------------


def test_gazetteer_cache_is_written_once_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def fake_build() -> dict[str, Any]:
        calls.append(1)
        return {
            "format": gazetteer._FORMAT,
            "entries": {"x": (("X", "", 0, 1),)},
            "squashed": {},
            "prefixes": [],
            "acronyms": [],
            "max_words": 1,
        }

    monkeypatch.setenv("ARCHIVE_BROWSER_CACHE", str(tmp_path))
    monkeypatch.setattr(gazetteer, "_build", fake_build)
    monkeypatch.setattr(gazetteer, "read_shipped", lambda: None)  # a package without its copy
    first = gazetteer._load()
    second = gazetteer._load()
    assert calls == [1]
    assert first == second
    assert len(list(tmp_path.glob("gazetteer-*.marshal"))) == 1


def test_unreadable_gazetteer_cache_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCHIVE_BROWSER_CACHE", str(tmp_path))
    built = {
        "format": gazetteer._FORMAT,
        "entries": {},
        "squashed": {},
        "prefixes": [],
        "acronyms": [],
        "max_words": 1,
    }
    monkeypatch.setattr(gazetteer, "_build", lambda: dict(built))
    monkeypatch.setattr(gazetteer, "read_shipped", lambda: None)  # a package without its copy
    path = tmp_path / f"gazetteer-{gazetteer._signature()}.marshal"
    path.write_bytes(b"not marshal data")
    assert gazetteer._load() == built
    assert gazetteer._read(path) == built


def test_gazetteer_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHIVE_BROWSER_CACHE", "off")
    assert gazetteer.cache_dir() is None
