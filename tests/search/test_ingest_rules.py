"""Ingest rules on texts of our own: encodings, dates, titles, symbols, skips."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from search.ingest import SkipFile
from search.ingest.article import parse_article, read_article
from search.ingest.cleaning import clean_line
from search.ingest.decoding import decode


def test_cp1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Caf\u00e9 talks in Paris \u2013 the minister said.".encode("cp1252"))
    article = read_article(path, "a.txt")
    assert "Café talks in Paris – the minister said" in article.body
    assert any("Windows-1252" in w for w in article.warnings)


def test_utf8_bom_and_utf16_bom_are_decoded() -> None:
    assert decode("\ufeffHello world.".encode()).text == "Hello world."
    assert decode("Xin chào Việt Nam".encode("utf-16")).text == "Xin chào Việt Nam"


def test_text_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Hằng visited Hà Nội.")
    assert decode(decomposed.encode()).text == "Hằng visited Hà Nội."


@pytest.mark.parametrize(
    ("raw", "reason"),
    [(b"", "empty"), (b"   \n\n \t", "empty"), (b"\x00\x01\x02binary\x00", "binary")],
)
def test_empty_and_binary_files_are_skipped_with_a_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(SkipFile, match=reason):
        decode(raw)


def test_full_date_in_the_dateline_is_the_text_date() -> None:
    article = parse_article("JAKARTA, March 6, 2021 (Antara) — Indonesia and Japan agreed.\n", "x")
    assert article.date == date(2021, 3, 6)
    assert article.date_source == "text"


def test_day_month_year_in_the_first_paragraph() -> None:
    article = parse_article(
        "Talks held\nThe ministers met in Paris on 14 July 2019 to talk.\n", "x"
    )
    assert article.date == date(2019, 7, 14)


def test_a_date_later_in_the_article_is_not_the_publication_date() -> None:
    text = "Ministers met in Paris.\nThe treaty of 12 May 1999 was recalled.\n"
    assert parse_article(text, "x").date is None


def test_metadata_with_a_bad_date_is_a_warning_not_a_date() -> None:
    article = parse_article(" date 2025-13-45 Ministers met in Paris.", "x")
    assert article.date is None
    assert article.warnings
    assert article.body == "Ministers met in Paris."


def test_derived_title_is_cut_at_a_word_boundary() -> None:
    sentence = "The foreign ministers of Indonesia and Japan agreed on Tuesday to deepen cooperation in maritime security and trade."
    article = parse_article(sentence + "\nMore text follows here.", "x")
    assert article.title_derived
    assert article.title.endswith("…")
    assert len(article.title) <= 91
    assert sentence.startswith(article.title[:-1])
    assert article.title[-2] != " "


def test_short_first_sentence_is_the_whole_title_without_its_stop() -> None:
    article = parse_article("Mr. Scholz visited Paris. He met the president.", "x")
    assert article.title == "Mr. Scholz visited Paris"


def test_agency_dateline_is_not_part_of_a_derived_title() -> None:
    article = parse_article("Paris (AFP) – The French minister arrived on Monday. More.", "x")
    assert article.title == "The French minister arrived on Monday"
    assert article.source == "AFP"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("co\u2649operation", "cooperation"),
        ("Ja\ua9c2pan", "Japan"),
        ("Ber\u200blin", "Berlin"),
        ("Vietnam–China", "Vietnam–China"),
        ("it’s «fine»", "it’s «fine»"),
        ("U.S.-led", "U.S.-led"),
        ("Ha\u043fnoi", "Hanoi"),
    ],
)
def test_stray_characters_inside_latin_words(dirty: str, clean: str) -> None:
    assert clean_line(dirty) == clean


def test_hard_wrapped_lines_are_joined_and_crlf_handled() -> None:
    text = "Headline here\r\n\r\nThe minister said the talks\r\nwent well and ended.\r\nA new paragraph.\r\n"
    article = parse_article(text, "x")
    assert article.title == "Headline here"
    assert article.body == "The minister said the talks went well and ended.\n\nA new paragraph."


def test_only_teaser_text_is_skipped() -> None:
    with pytest.raises(SkipFile):
        parse_article("./.\nUnrelated teaser.", "x")
