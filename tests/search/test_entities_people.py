"""PERSON extraction: evidence, roles, and one norm per person within an article."""

from __future__ import annotations

from search.entities import extract


def people(text: str) -> list[tuple[str, str, str | None]]:
    return [(e.text, e.norm, e.role) for e in extract(text) if e.type == "PERSON"]


def test_title_is_role_not_name() -> None:
    text = "Deputy Foreign Minister Le Thi Thu Hang met Defence CS Soipan Tuya."
    assert people(text) == [
        ("Le Thi Thu Hang", "Le Thi Thu Hang", "Deputy Foreign Minister"),
        ("Soipan Tuya", "Soipan Tuya", "Defence CS"),
    ]


def test_minister_of_portfolio_is_one_role() -> None:
    text = "Minister of Industry and Trade Nguyen Hong Dien welcomed the proposals."
    assert people(text) == [
        ("Nguyen Hong Dien", "Nguyen Hong Dien", "Minister of Industry and Trade"),
    ]


def test_short_forms_and_misspellings_join_the_full_name() -> None:
    text = (
        "Vietnam Prime Minister Pham Minh Chinh met Kyrgyz PM Adylbek Kasymaliev. "
        "PM Chinh welcomed PM Kasimalyev. Later Pham Min Chinh and Kasymaliev spoke."
    )
    norms = {t: n for t, n, _ in people(text)}
    assert norms["Chinh"] == norms["Pham Min Chinh"] == "Pham Minh Chinh"
    assert norms["Kasimalyev"] == norms["Kasymaliev"] == "Adylbek Kasymaliev"


def test_accented_and_folded_mentions_share_the_accented_norm() -> None:
    text = "President Lương Cường met guests. President Cuong said Cường was pleased."
    assert {n for _, n, _ in people(text)} == {"Lương Cường"}
    assert [t for t, _, _ in people(text)] == ["Lương Cường", "Cuong", "Cường"]


def test_honorific_is_no_role() -> None:
    assert people("Mr. Olaf Scholz spoke. Scholz said little.") == [
        ("Olaf Scholz", "Olaf Scholz", None),
        ("Scholz", "Olaf Scholz", None),
    ]


def test_initial_and_surname() -> None:
    text = "her Russian counterpart A. Rudenko arrived. Rudenko thanked the hosts."
    assert [(t, n) for t, n, _ in people(text)] == [
        ("A. Rudenko", "A. Rudenko"),
        ("Rudenko", "A. Rudenko"),
    ]


def test_pronouns_and_sentence_starters_are_not_people() -> None:
    text = "He said the Party would meet. Both sides agreed. The President asked. She left."
    assert people(text) == []


def test_given_name_beats_country_homonym() -> None:
    found = extract("Chad Smith met Jordan Peterson in Georgia.")
    assert [(e.type, e.text) for e in found] == [
        ("PERSON", "Chad Smith"),
        ("PERSON", "Jordan Peterson"),
        ("COUNTRY", "Georgia"),
    ]


def test_speech_verb_names_an_unknown_surname() -> None:
    assert people("Addressing the forum, Odinga said trade grew.") == [
        ("Odinga", "Odinga", None),
    ]


def test_speech_verb_does_not_take_common_words() -> None:
    assert people("Officials said the officials agreed. Analysts noted gains.") == []


def test_chinese_surname_short_form() -> None:
    text = "Chinese President Xi Jinping met guests. Xi said ties were stable."
    assert [(t, n) for t, n, _ in people(text)] == [
        ("Xi Jinping", "Xi Jinping"),
        ("Xi", "Xi Jinping"),
    ]


def test_french_minister_with_hyphenated_name() -> None:
    text = "French Minister of Europe and Foreign Affairs Jean-Noël Barrot arrived in Hanoi."
    found = extract(text)
    assert [(e.type, e.text) for e in found] == [
        ("COUNTRY", "French"),
        ("PERSON", "Jean-Noël Barrot"),
        ("PLACE", "Hanoi"),
    ]
    assert found[1].role == "Minister of Europe and Foreign Affairs"


def test_vietnamese_names_without_title() -> None:
    text = "The delegation included Nguyen Thi Lan and Tran Van Son of the ministry."
    assert [t for t, _, _ in people(text)] == ["Nguyen Thi Lan", "Tran Van Son"]


def test_person_inside_an_organisation_name_is_not_a_person() -> None:
    found = extract("the Ho Chi Minh National Academy of Politics signed it")
    assert [(e.type, e.text) for e in found] == [
        ("ORG", "Ho Chi Minh National Academy of Politics"),
    ]


def test_the_end_of_an_abbreviation_is_no_initial() -> None:
    for text in ("She won the U.S. Open in May.", "Assistant U.S. Attorney Dana Merrow spoke."):
        people = [e.text for e in extract(text) if e.type == "PERSON"]
        assert not any(p.startswith("S.") for p in people), people
