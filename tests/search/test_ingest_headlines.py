"""Which first lines are headlines when they start in lower case: one behaviour a test."""

from __future__ import annotations

from search.ingest.article import parse_article
from search.ingest.title import looks_like_headline

BODY = "The online auction house agreed to pay 2.6 billion dollars for the internet phone firm."


def test_first_word_with_an_inner_capital_is_a_headline() -> None:
    article = parse_article("eBay buys Skype\n" + BODY, "x")
    assert (article.title, article.title_derived) == ("eBay buys Skype", False)
    assert article.body == BODY


def test_inner_capital_needs_no_blank_line() -> None:
    assert looks_like_headline("iPhone sales soar in Asia")


def test_lower_case_line_set_apart_from_a_body_paragraph_is_a_headline() -> None:
    article = parse_article("tech giants bet on cheap phones\n\n" + BODY, "x")
    assert (article.title, article.title_derived) == ("tech giants bet on cheap phones", False)


def test_lower_case_line_without_a_blank_line_stays_body() -> None:
    article = parse_article("tech giants bet on cheap phones\n" + BODY, "x")
    assert article.title_derived
    assert article.body.startswith("tech giants bet on cheap phones")


def test_lower_case_line_ending_on_an_open_word_is_not_a_headline() -> None:
    assert not looks_like_headline("officials said on Monday that the", BODY)


def test_lower_case_line_before_a_non_sentence_is_not_a_headline() -> None:
    assert not looks_like_headline("tech giants bet on cheap phones", "Read more")


def test_lower_case_line_before_a_shorter_paragraph_is_not_a_headline() -> None:
    assert not looks_like_headline("tech giants bet on cheap phones in Asia", "He agreed.")


def test_lower_case_sentence_with_a_stop_is_not_a_headline() -> None:
    assert not looks_like_headline("eBay bought Skype.", BODY)


def test_upper_case_headline_is_still_one() -> None:
    assert looks_like_headline("Kazakhstan, Vietnam to cooperate")
