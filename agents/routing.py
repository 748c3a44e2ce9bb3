"""Pure routing: which step answers this turn, from the message's typed reading, what the
bot is waiting for (``conversations.dialogue``) and the intent registry. No words are read
here: ``agents/nlu`` has done that."""

from __future__ import annotations

from typing import Any

from agents.intents import node_for
from agents.nlu.reading import LOW_CONFIDENCE, SWITCH_CONFIDENCE, Reading
from agents.state import TurnState
from conversations.dialogue import pending_kind, pending_of

# What a question about a fact of the shopper's own order may be classified as.
FACT_INTENTS = {"order_status", "other", "greeting", "product_question", "complaint",
                "payment_issue", "human_handoff", "delivery_problem", "refund_status",
                "account", "promo_question", "back_in_stock"}
VERIFY_ENTITIES = ("order_number", "email", "postcode")
# What a reply to a parcel alert may be, when the classifier is unsure: its own guess.
ORDER_FLOW_INTENTS = {"order_status", "delivery_problem", "return_request",
                      "exchange_request", "cancel_order", "change_address", "refund_status"}
ACKNOWLEDGEMENT_WORDS = 4
# What the bot still answers while the shopper waits for a person who has not taken the
# conversation yet: questions about the shop's products and offers, which change nothing.
# A hello, "anyone there?" or a person asked for again is told they are still in the
# queue; everything else (an action, a yes to an old proposal, a thank-you) waits for the
# person.
ANSWERED_WHILE_WAITING = {"product_question", "promo_question"}
STILL_WAITING_FOR = {"greeting", "human_request"}


def _while_waiting(state: TurnState, goto: str) -> str:
    if not state.get("waiting_for_person") or goto in ANSWERED_WHILE_WAITING:
        return goto
    reading = _reading(state)
    if reading.asks_if_anyone_there or reading.asks_for_person or (
            goto in STILL_WAITING_FOR and not reading.signs_off and not reading.yes_no):
        return "still_waiting"
    return "done"


def _switches(state: TurnState) -> bool:
    return (state.get("confidence", 0) >= SWITCH_CONFIDENCE
            and state.get("intent") not in {"greeting", "other", "human_handoff", None})


def wants_person(state: TurnState) -> bool:
    """Asked for a person in words; the classifier alone is not enough, because short
    answers ("yes please") sit close to "get me someone" in its eyes."""
    reading = _reading(state)
    if reading.asks_for_person:
        return True
    # "M por favor" to "which size?" answers the question.
    names_option = pending_kind(state.get("memory") or {}) == "item" and bool(
        reading.variant.size or reading.variant.colour)
    return (state.get("intent") == "human_handoff"
            and state.get("confidence", 0) >= SWITCH_CONFIDENCE
            and not state.get("answer") and not state.get("details_only")
            and not names_option)


def route_after_understand(state: TurnState) -> str:
    return _while_waiting(state, _route_after_understand(state))


def _route_after_understand(state: TurnState) -> str:
    memory = state.get("memory") or {}
    pending: dict[str, Any] = dict(pending_of(memory) or {})
    kind = pending_kind(memory) or None
    intent = state.get("intent", "other")
    confidence = state.get("confidence", 0.0)
    entities = state.get("entities") or {}
    reading = _reading(state)

    if reading.instruction:
        return "instructions"
    if reading.fraud_claim:
        return "fraud"
    if wants_person(state):
        return "human_request"
    if reading.alert_code and state.get("channel") == "whatsapp":
        return "alert_code"
    if reading.stops_alerts:
        return "stop_alerts"
    if kind == "alert_contact" and reading.mentions_email:
        return "alert_contact"
    if memory.get("alert_variant") and reading.asks_still_there:
        return "alert_followup"
    if int(memory.get("frustration", 0)) >= 2:
        return "frustration"
    if state.get("stop"):
        return state["stop"]
    if state.get("unsupported"):
        return "unsupported"
    if state.get("changes_payment") and kind in {None, "verify", "clarify", "payment"}:
        return "verify" if kind == "verify" and state.get("details_only") else "change_payment"
    if kind == "payment" and not _switches(state):
        return "change_payment"
    if state.get("facts") and kind in {None, "verify", "clarify"} and (
            intent in FACT_INTENTS
            or (intent == "change_address" and not reading.asks_change
                and not reading.gives_postcode)):
        return "verify" if kind == "verify" and state.get("details_only") else "order_facts"
    if kind == "confirm":
        if state.get("answer"):
            return "confirm"
        return _intent_node(intent) if _switches(state) else "confirm"
    if kind == "verify":
        if any(entities.get(k) for k in VERIFY_ENTITIES):
            return "verify"
        return _intent_node(intent) if _switches(state) else "verify"
    # A question the bot asked is answered, or asked again, unless a new request is clear.
    if kind == "missing_remedy" and (state.get("answer") or reading.remedy
                                     or not _switches(state)):
        return "missing_remedy"
    if kind == "return_resolution" and (state.get("answer") or reading.names_resolution
                                        or not _switches(state)):
        return "return_resolution"
    if kind == "address" and not _switches(state):
        return "change_address"
    if kind == "item" and intent == "back_in_stock" and confidence >= 0.5 and \
            pending.get("intent") != "back_in_stock":
        # "Just tell me when the black L is back" instead of choosing an alternative.
        return "back_in_stock"
    if kind == "item" and (not _switches(state)
                           or _names_one(_option_words(reading), pending.get("names"))):
        return _intent_node(pending.get("intent", intent))
    if kind == "clarify" and confidence < SWITCH_CONFIDENCE:
        if reading.topic == "order":
            return "order_status"
        if reading.topic == "product":
            return "product_question"
    if state.get("details_only"):
        return _intent_node(intent)
    if reading.yes_no and reading.word_count <= ACKNOWLEDGEMENT_WORDS and (
            intent in {"greeting", "other", "human_handoff"} or confidence < SWITCH_CONFIDENCE):
        # "ok", "yes", "no thanks" with nothing waiting: an acknowledgement, not a puzzle.
        return "greeting"
    if entities.get("order_number") and confidence < LOW_CONFIDENCE:
        # Unsure what they want, sure which order: its status is the useful first answer.
        return "order_status"
    outreach = (memory.get("outreach") or {}).get("kind")
    if outreach == "checkin" and intent == "complaint":
        # "There's a problem" in answer to "did everything arrive OK?": with the parcel.
        return "delivery_problem"
    if outreach and (confidence < LOW_CONFIDENCE or (
            confidence < SWITCH_CONFIDENCE and intent in {"other", "greeting",
                                                          "human_handoff"})):
        # "What do I need to do?" in reply to a parcel alert is about that parcel.
        if intent in ORDER_FLOW_INTENTS:
            return intent
        return "delivery_problem" if outreach == "checkin" else "order_status"
    if confidence < LOW_CONFIDENCE or intent == "human_handoff":
        return "clarify"
    return _intent_node(intent)


def _option_words(reading: Reading) -> frozenset[str]:
    """The answer's words, and the size and colour it names as the catalogue writes them
    ("le vert, en taille M" names green and M)."""
    named = {v.lower() for v in (reading.variant.size, reading.variant.colour) if v}
    return reading.stems | named


def _names_one(said: frozenset[str], names: list[str] | None) -> bool:
    """The answer names one of the items the bot offered to choose from."""
    return bool(names) and bool(said & {n.rstrip("s") for n in names})


def _reading(state: TurnState) -> Reading:
    return state.get("reading") or Reading(intent=state.get("intent", "other"), confidence=0.0)


def _intent_node(intent: str) -> str:
    return node_for(intent).value


def route_after_verify(state: TurnState) -> str:
    route = state.get("route") or ""
    if route == "order_status" and state.get("facts"):
        return "order_facts"
    if route == "payment_issue" and state.get("changes_payment"):
        return "change_payment"
    return _intent_node(route) if route else "done"


def route_after_answer(state: TurnState) -> str:
    """The message's next request is answered once the one before needs nothing more
    from the shopper: no question pending, nobody handed the conversation."""
    if not state.get("agenda") or state.get("handoff"):
        return "done"
    if pending_kind(state.get("memory")):
        return "done"
    return "also"


def route_after_also(state: TurnState) -> str:
    return _while_waiting(state, _intent_node(state.get("intent", "other")))
