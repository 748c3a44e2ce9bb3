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


@pytest.mark.parametrize(("text", "steps"), [
    ("can I swap it for a size up", 1), ("one size smaller please", -1),
    ("two sizes bigger", 2), ("I need the next size up", 1), ("size down", -1),
    ("can I swap it for an L", 0),
])
def test_a_size_up_or_down_is_read_as_steps(text, steps):
    from agents.nodes.returns import relative_size

    assert relative_size(text) == steps


def test_sizes_sort_as_a_shop_lists_them():
    from commerce.models import size_key

    assert sorted(["XL", "S", "M", "XS", "L"], key=size_key) == ["XS", "S", "M", "L", "XL"]
    assert sorted(["UK 10", "UK 8", "UK 7.5", "UK 12"], key=size_key) == [
        "UK 7.5", "UK 8", "UK 10", "UK 12"]


@pytest.mark.parametrize(("text", "left_out"), [
    ("return everything except the jumper", " the jumper"),
    ("swap the white tee for a large? The black one is fine.", "The black one"),
    ("cancel both apart from the boots order", " the boots order"),
    ("cancel my order", ""),
])
def test_what_a_set_leaves_out(text, left_out):
    from agents.nlu.cues import excluded_part

    assert excluded_part(text) == left_out


@pytest.mark.parametrize(("text", "several"), [
    ("cancel both my orders that haven't shipped", True),
    ("please cancel all of my orders that haven't been sent out yet", True),
    ("cancel 3810 and 3811", True),
    ("cancel order 3810", False),
])
def test_a_set_of_orders_is_told_from_one(text, several):
    from agents.nlu.cues import several_orders

    assert several_orders(text) is several


@pytest.mark.parametrize(("text", "what"), [
    ("I cancelled it by mistake, can you undo the cancellation?", "undo_cancellation"),
    ("can u merge 3708 and 3709 into one parcel", "combine_orders"),
    ("send the boots now and the jacket separately later", "split_order"),
    ("it's £80 elsewhere, can you match it and refund me the difference", "price_match_order"),
    ("found it cheaper elsewhere so I want to return it", ""),
    ("where is my order", ""),
])
def test_requests_the_bot_has_no_action_for(text, what):
    from agents.nlu.cues import unsupported_request

    assert unsupported_request(text) == what


@pytest.mark.django_db
def test_every_request_the_bot_cannot_do_is_named_in_the_shoppers_language():
    from agents.nlu.cues import UNSUPPORTED
    from agents.nodes.talk import UNSUPPORTED_NAMES
    from replies.render import Say, render

    assert {kind for kind, _ in UNSUPPORTED} == set(UNSUPPORTED_NAMES)
    said = render(Say("bot.talk.unsupported",
                      what=Say(UNSUPPORTED_NAMES["combine_orders"])), "es")
    assert "juntar pedidos" in said
    assert "combine" not in said


@pytest.mark.parametrize(("text", "asks"), [
    ("can i pay for 3801 with paypal instead of my card?", True),
    ("put it on my visa ending 1881 instead", True),
    ("Can I use my gift card to pay for order 3816 instead?", True),
    ("I paid with my visa", False),
    ("i was charged twice on my card", False),
])
def test_asking_to_pay_another_way(text, asks):
    from agents.nlu.cues import changes_payment

    assert changes_payment(text) is asks


@pytest.mark.parametrize(("text", "facts"), [
    ("which card did i pay for 3401 with?", ["paid_with"]),
    ("which address is order 3403 being sent to?", ["address"]),
    ("what did i actually order in 3404? and how much was each thing", ["items"]),
    ("how much did i pay in total?", ["total"]),
    ("what's the tracking number?", ["tracking"]),
    ("whats the cheapest thing in my order 3414?", ["cheapest"]),
    ("which of my orders haven't turned up yet?", ["open_orders"]),
    ("where is my order", []),
])
def test_questions_about_facts_of_an_order(text, facts):
    from agents.nlu.cues import asked_facts

    assert asked_facts(text) == facts


@pytest.mark.parametrize(("text", "address"), [
    ("ok then, actually send it to my office instead: 12 High Street, Leeds, LS1 4AP",
     {"line1": "12 High Street", "line2": "", "city": "Leeds", "postcode": "LS1 4AP"}),
    ("could you send it to my new place? Flat 2, 9 Mill Lane, York YO1 7HH thanks",
     {"line1": "Flat 2", "line2": "9 Mill Lane", "city": "York", "postcode": "YO1 7HH"}),
    ("Oops, sorry, the postcode is BS1 5LS, not 5LJ.", None),
])
def test_an_address_inside_a_sentence_is_read_and_a_sentence_is_not_an_address(text, address):
    from agents.nodes.order_changes import parse_address

    parsed = parse_address(text)
    if address is None:
        assert parsed is None or not any(c.isdigit() for c in parsed["line1"])
    else:
        assert parsed == address
