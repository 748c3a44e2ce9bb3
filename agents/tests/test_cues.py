"""The cues that keep a refusal from starting an action and a conditional yes from
confirming one."""

from __future__ import annotations

import pytest

from agents.nlu.cues import confirmation, negated_actions, without_negated


@pytest.mark.parametrize(("text", "refused"), [
    ("No, don't cancel it", {"cancel_order"}),
    ("I'd rather not cancel", {"cancel_order"}),
    ("please do not cancel my order", {"cancel_order"}),
    ("i dont want to return them after all", {"return_request"}),
    ("actually i'll keep them", {"return_request"}),
    ("no need to swap it", {"exchange_request"}),
    ("I decided not to change the address", {"change_address"}),
])
def test_a_refused_action_is_read_as_refused(text, refused):
    assert negated_actions(text) == refused


@pytest.mark.parametrize("text", [
    "please cancel my order",
    "I can't cancel it on the website, can you?",
    "the site won't let me cancel",
    "I don't want it anymore, cancel it",
    "please cancel, i dont want it",
    "why didn't you cancel it?",
])
def test_a_request_or_a_complaint_about_an_action_is_not_a_refusal(text):
    assert negated_actions(text) == set()


def test_what_is_left_after_a_refusal_is_what_the_shopper_wants():
    text = "I don't want to cancel, just change the address to 5 Elm Road, Leeds LS1 1AA"
    assert without_negated(text) == "change the address to 5 Elm Road, Leeds LS1 1AA"
    assert without_negated("No, don't cancel it") == "No"


@pytest.mark.parametrize("text", [
    "yes please", "yep go ahead thanks!", "ok do it", "Yes, cancel it", "sure, that's fine",
    "yes please cancel order 1042",
])
def test_a_plain_yes_confirms(text):
    assert confirmation(text, "cancel", "cancel_order") == "yes"


@pytest.mark.parametrize("text", [
    "OK then, send it to my office instead: 12 High St, Leeds LS1 1AA",
    "Fine, then return the lamp",
    "yes, how long will the refund take?",
    "ok but only the blue one",
    "yes and change the address too",
    "sure, wait what size was it?",
])
def test_a_yes_that_asks_for_something_else_is_not_consent(text):
    assert confirmation(text, "cancel", "cancel_order") == ""


@pytest.mark.parametrize("text", ["no", "no don't cancel it", "I'd rather not cancel actually",
                                  "nah leave it", "changed my mind"])
def test_a_refusal_of_the_pending_action_is_a_no(text):
    assert confirmation(text, "cancel", "cancel_order") == "no"
