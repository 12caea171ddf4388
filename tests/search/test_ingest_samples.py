"""Each quirk of each bundled sample file, read through ingest."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from search.ingest.article import read_article
from search.model import Article

from .conftest import SAMPLE


def read(name: str) -> Article:
    return read_article(SAMPLE / name, name)


def test_headless_file_with_leading_blank_lines_gets_a_derived_title() -> None:
    article = read("000_22ea281e1bb76b8f.txt")
    assert article.title_derived
    assert article.title.startswith("This emerged following talks between President William Ruto")
    assert article.title.endswith("…")
    assert len(article.title) <= 91
    assert not article.title[:-1].endswith(" ")
    assert article.body.startswith("This emerged following talks")


def test_relative_month_is_not_a_publication_date() -> None:
    article = read("000_22ea281e1bb76b8f.txt")  # "in February this year"
    assert article.date is None
    assert article.date_source == "none"


def test_single_newline_paragraphs_are_kept_apart() -> None:
    article = read("000_22ea281e1bb76b8f.txt")
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 21  # one per non-empty line
    assert paragraphs[2].startswith("Hanoi is covered by Kenya’s embassy in Bangkok")


def test_metadata_prefix_gives_the_date_and_leaves_the_body() -> None:
    article = read("001_cabfecda0fb0d922.txt")
    assert article.date == date(2025, 3, 6)
    assert article.date_source == "metadata"
    assert article.body.startswith("Vietnamese Prime Minister Pham Minh Chinh")
    assert "2025-03-06" not in article.body


def test_sentence_first_line_after_metadata_is_not_a_headline() -> None:
    article = read("001_cabfecda0fb0d922.txt")
    assert article.title_derived
    assert article.title.startswith("Vietnamese Prime Minister Pham Minh Chinh and his Kyrgyz")
    assert len(article.title) <= 91


def test_closing_publisher_line_becomes_the_source() -> None:
    article = read("001_cabfecda0fb0d922.txt")
    assert article.source == "Vietnamplus"
    assert not article.body.rstrip().endswith("Vietnamplus")
    assert article.body.rstrip().endswith("accepted the invitation with pleasure.")


def test_headline_line_is_the_title() -> None:
    article = read("002_ff1f0e882f9e8929.txt")
    assert not article.title_derived
    assert (
        article.title
        == "Vietnam, Russia set cooperation directions at Hanoi political consultation"
    )
    assert not article.body.startswith("Vietnam, Russia set")


def test_stray_symbols_inside_words_are_removed() -> None:
    article = read("002_ff1f0e882f9e8929.txt")
    assert "and her Russian counterpart A. Rudenko co-chaired" in article.body
    assert "♉" not in article.body
    assert "꧂" not in article.body
    assert "Asia – Pacific" in article.body  # real dashes stay


def test_text_after_vna_end_marker_is_trailing() -> None:
    article = read("002_ff1f0e882f9e8929.txt")
    assert article.body.endswith("in the Asia – Pacific.")
    assert "./." not in article.body
    assert "Lavrov" not in article.body
    assert "Nguyen Hong Dien" not in article.body
    assert article.trailing.startswith("Vietnam supports the international community")
    assert "Sergei Lavrov" in article.trailing


def test_day_and_month_without_year_is_undated() -> None:
    article = read("002_ff1f0e882f9e8929.txt")  # "in Hanoi on February 21"
    assert article.date is None
    assert article.date_source == "none"


def test_dateline_agency_is_the_source() -> None:
    assert read("002_ff1f0e882f9e8929.txt").source == "VNA"


def test_derived_title_leaves_out_the_dateline() -> None:
    article = read("003_1118953dc091fd9a.txt")
    assert article.title_derived
    assert article.title.startswith(
        "Deputy Minister of Foreign Affairs Lê Thị Thu Hằng visited Kazakhstan"
    )
    assert "HÀ NỘI" not in article.title
    assert article.body.startswith("HÀ NỘI — Deputy Minister")


def test_dash_source_suffix_is_split_off() -> None:
    article = read("003_1118953dc091fd9a.txt")
    assert article.source == "VNA/VNS"
    assert article.body.endswith("with the Vietnamese embassy in Kazakhstan.")
    assert article.date == date(2025, 3, 4)


def test_vietnamese_diacritics_are_kept_in_nfc() -> None:
    article = read("003_1118953dc091fd9a.txt")
    assert "Lê Thị Thu Hằng" in article.body
    assert "Việt Nam" in article.body


def test_repeated_headline_is_dropped() -> None:
    article = read("004_07cf703fa333c1c1.txt")
    assert article.title == "Kazakhstan, Vietnam to cooperate in expert and analytical field"
    assert not article.title_derived
    assert article.body.startswith("Kazakhstan and Vietnam will cooperate in the expert")
    assert article.body.count("Kazakhstan, Vietnam to cooperate") == 0


def test_guillemets_and_subheadings_are_kept() -> None:
    article = read("004_07cf703fa333c1c1.txt")
    assert "«Last year, our President visited Vietnam" in article.body
    assert (
        "East Kazakhstan and Vietnam’s Bac Ninh province establish twinning relations"
        in article.body
    )
    assert article.date is None
    assert article.source is None


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLE.glob("*.txt")))
def test_every_sample_reads_cleanly(name: str) -> None:
    article = read(name)
    assert article.id == name
    assert article.words > 200
    assert article.warnings == []
    assert "  " not in article.body
    assert article.path == str(Path(SAMPLE / name))
