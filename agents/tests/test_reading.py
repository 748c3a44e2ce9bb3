"""The one reading of a message: refusals, corrections, sets and exclusions, relative
choices, details inside sentences, and several requests as an agenda."""

from __future__ import annotations

from decimal import Decimal

import pytest

from agents.nlu.reading import read

ORDER_INTENTS = frozenset({"order_status", "delivery_problem", "return_request",
                           "exchange_request", "refund_status", "cancel_order",
                           "change_address", "payment_issue"})


def reading(text, memory=None, codes=()):
    return read(text, memory or {}, order_intents=ORDER_INTENTS, is_code=lambda c: c in codes)


CONFIRMING_CANCEL = {"pending": {"kind": "confirm", "action": {"kind": "cancel",
                                                                "order": "3801"}}}


def test_a_refused_cancellation_is_read_as_refused_and_starts_nothing():
    r = reading("No, don't cancel it")
    assert r.polarity == "refuses"
    assert r.negated == ("cancel_order",)
    assert r.stop == "declined"


def test_a_plain_yes_confirms_and_a_yes_with_a_change_does_not():
    assert reading("yes please", CONFIRMING_CANCEL).answer == "yes"
    changed = reading("OK then, send it to my office instead: 4 Elm Close, Leeds LS1 4AP",
                      CONFIRMING_CANCEL)
    assert changed.answer == ""
    assert changed.replaces_pending


def test_a_correction_about_another_order_retargets_the_proposal():
    r = reading("no, I meant order 3802", CONFIRMING_CANCEL)
    assert r.correction and r.retargets
    assert r.intent == "cancel_order"
    assert r.entities["order_number"] == "3802"


def test_sets_of_orders_and_items_with_exclusions():
    both = reading("cancel both orders that haven't shipped")
    assert both.orders.several
    parcel = reading("I want to return everything in that parcel except the jumper")
    assert parcel.items.everything
    assert parcel.items.excluded.strip() == "the jumper"
    numbers = reading("please cancel 3810 and 3811")
    assert numbers.orders.numbers == ("3810", "3811")


@pytest.mark.parametrize(("text", "relative"), [
    ("not that one, the other one", "other"),
    ("the cheaper of the two", "cheaper"),
    ("the more expensive one", "dearer"),
])
def test_orders_referred_to_relatively(text, relative):
    assert reading(text).orders.relative == relative


def test_relative_and_absolute_variant_targets():
    assert reading("can I swap the boots for a size up").variant.steps == 1
    assert reading("could I get them two sizes smaller").variant.steps == -2
    assert reading("can I exchange the tee for an L").variant.size == "L"


def test_an_address_inside_a_sentence():
    r = reading("could you send it to my new place? 14 Harbour Street, Leeds LS1 4AP thanks")
    assert r.address == {"line1": "14 Harbour Street", "line2": "", "city": "Leeds",
                         "postcode": "LS1 4AP"}
    assert r.postcodes == ("LS14AP",)


def test_every_email_name_amount_and_code_is_read():
    r = reading("try ann@example.com or ann.lee@example.org")
    assert r.emails == ("ann@example.com", "ann.lee@example.org")
    named = reading("my name is Maya Patel, postcode SW1A 1AA")
    assert named.names == ("Maya Patel",)
    promo = reading("does WINTER15 work on a £60 basket?", codes={"WINTER15"})
    assert promo.intent == "promo_question"
    assert promo.codes == ("WINTER15",)
    assert promo.amounts == (Decimal("60"),)


def test_several_requests_form_an_agenda_in_order():
    r = reading("Where is order 1601? Also, how much is the rain jacket? "
                "And also can I change the address on order 1602 please?")
    assert r.intent == "order_status"
    assert [a["intent"] for a in r.agenda] == ["product_question", "change_address"]


def test_one_request_has_no_agenda():
    assert reading("where is my order 1601?").agenda == ()


def test_the_shop_words_of_a_return_of_both_items_count_when_the_classifier_is_unsure():
    from agents.nlu.reading import shop_words_intent

    assert shop_words_intent("can i return both?") == "return_request"
    assert shop_words_intent("I'd like to return all of them") == "return_request"
