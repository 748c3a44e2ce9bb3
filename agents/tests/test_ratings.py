"""Reading an answer to the satisfaction question."""

from __future__ import annotations

import pytest

from agents.nlu.ratings import RatingAnswer, read_rating
from conversations.lifecycle import SCORES
from replies.render import Say, render

# A tapped button is told by its label, as the shop words it (an override is in the database).
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "expected"), [
    ("5 – Great", RatingAnswer(5, "", in_words=False)),
    ("4 but it took a while", RatingAnswer(4, "but it took a while", in_words=False)),
    ("3/5", RatingAnswer(3, "", in_words=False)),
    ("1 star. useless", RatingAnswer(1, "useless", in_words=False)),
    ("pretty good, quick and clear", RatingAnswer(4, "pretty good, quick and clear",
                                                  in_words=True)),
    ("honestly terrible", RatingAnswer(1, "honestly terrible", in_words=True)),
])
def test_a_score_is_read_with_what_the_shopper_added(text, expected):
    assert read_rating(text) == expected


@pytest.mark.parametrize("text", [
    "2 items are missing from my order",
    "5 stars but where is my refund?",
    "good, but is order 1042 shipped?",
    "my order 10425 never came, awful",
    "hello",
    "x" * 501,
])
def test_a_request_or_no_score_is_not_a_rating(text):
    assert read_rating(text) is None


@pytest.mark.parametrize("language", ["en", "es", "de", "fr", "it", "pt", "nl"])
def test_a_tapped_score_button_is_a_score_without_a_comment_in_every_language(language):
    for score, key in zip(range(5, 0, -1), SCORES, strict=True):
        label = render(Say(key), language)
        assert read_rating(label) == RatingAnswer(score, "", in_words=False), label
