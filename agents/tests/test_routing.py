"""Routing is a pure table over the typed reading and what the bot waits for."""

from __future__ import annotations

import pytest

from agents import routing
from agents.nlu.reading import Reading, VariantTarget


def state(intent="other", confidence=0.9, pending=None, memory=None, **fields):
    reading = Reading(intent=intent, confidence=confidence, **{
        k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()
        if k in Reading.__dataclass_fields__})
    return {"intent": intent, "confidence": confidence, "reading": reading,
            "memory": {**(memory or {}), "pending": pending},
            **fields}


CONFIRM = {"kind": "confirm", "action": {"kind": "cancel", "order": "1"}, "summary": "x"}
VERIFY = {"kind": "verify", "intent": "order_status", "entities": {}, "text": "where"}


@pytest.mark.parametrize(("given", "step"), [
    (state("cancel_order", instruction=True), "instructions"),
    (state("payment_issue", fraud_claim=True), "fraud"),
    (state("order_status", asks_for_person=True), "human_request"),
    (state("order_status", memory={"frustration": 2}), "frustration"),
    (state("cancel_order", stop="declined"), "declined"),
    (state("other", unsupported="combine orders"), "unsupported"),
    (state("other", pending=CONFIRM, answer="yes"), "confirm"),
    (state("other", confidence=0.3, pending=CONFIRM), "confirm"),
    (state("return_request", confidence=0.95, pending=CONFIRM), "return_request"),
    (state("other", pending=VERIFY, entities={"order_number": "1042"}), "verify"),
    (state("order_status", pending=VERIFY, facts=["paid_with"], details_only=True), "verify"),
    (state("order_status", facts=["paid_with"]), "order_facts"),
    (state("change_address", facts=["address"]), "order_facts"),
    (state("change_address", facts=["address"], asks_change=True), "change_address"),
    (state("other", pending={"kind": "missing_remedy", "order": "1"}, remedy="refund"),
     "missing_remedy"),
    (state("other", confidence=0.2, pending={"kind": "clarify"}, topic="order"),
     "order_status"),
    (state("other", confidence=0.3, yes_no="yes", word_count=2), "greeting"),
    (state("other", confidence=0.2, entities={"order_number": "1042"}), "order_status"),
    (state("other", confidence=0.2), "clarify"),
    (state("human_handoff", confidence=0.95), "human_request"),
    # "M por favor" to "which size instead?": the size, not a person.
    (state("human_handoff", confidence=0.8, variant=VariantTarget(size="M"),
           pending={"kind": "item", "intent": "exchange_request", "names": ["grey"]}),
     "exchange_request"),
    (state("human_handoff", confidence=0.8, variant=VariantTarget(size="M"),
           asks_for_person=True,
           pending={"kind": "item", "intent": "exchange_request", "names": ["grey"]}),
     "human_request"),
    (state("exchange_request", confidence=0.8), "exchange_request"),
    (state("no_such_intent", confidence=0.8), "other"),
])
def test_the_step_for_each_reading(given, step):
    assert routing.route_after_understand(given) == step


def test_the_agenda_goes_on_only_when_nothing_waits_and_nobody_took_over():
    agenda = [{"text": "how much is the mug", "intent": "product_question",
               "confidence": 0.9, "entities": {}}]
    assert routing.route_after_answer(state(agenda=agenda)) == "also"
    assert routing.route_after_answer(state(agenda=agenda, pending=CONFIRM)) == "done"
    assert routing.route_after_answer(state(agenda=agenda, handoff={"reason": "x"})) == "done"
    assert routing.route_after_answer(state(agenda=[])) == "done"


@pytest.mark.parametrize(("given", "step"), [
    (state("greeting", waiting_for_person=True), "still_waiting"),
    (state("other", confidence=0.0, waiting_for_person=True, asks_if_anyone_there=True),
     "still_waiting"),
    (state("human_handoff", confidence=0.95, waiting_for_person=True), "still_waiting"),
    (state("greeting", waiting_for_person=True, signs_off=True), "done"),
    (state("greeting", waiting_for_person=True, yes_no="yes", word_count=1), "done"),
    (state("cancel_order", confidence=0.95, waiting_for_person=True), "done"),
    (state("product_question", confidence=0.95, waiting_for_person=True),
     "product_question"),
])
def test_while_waiting_for_a_person_a_shopper_checking_in_is_told_they_still_wait(
        given, step):
    assert routing.route_after_understand(given) == step


def test_an_answer_naming_a_size_and_colour_in_its_own_language_picks_the_option():
    which = {"kind": "item", "intent": "back_in_stock", "names": ["green", "m", "s"]}
    reading = Reading(intent="product_question", confidence=0.8, stems=frozenset({"vert"}),
                      variant=VariantTarget(size="M", colour="green"))
    given = {"intent": "product_question", "confidence": 0.8, "reading": reading,
             "memory": {"pending": which}}

    assert routing.route_after_understand(given) == "back_in_stock"
