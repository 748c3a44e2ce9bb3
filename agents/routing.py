"""Pure routing: which node answers this turn, from the understood message and memory."""

from __future__ import annotations

import re

from agents.nlu.cues import UK_POSTCODE, yes_or_no
from agents.nodes import stock_alerts
from agents.nodes.confirm import REMEDY_REFUND, REMEDY_RESHIP
from agents.nodes.payment import is_fraud_claim
from agents.nodes.talk import is_instruction
from agents.state import TurnState

# Below this the bot asks one clarifying question instead of guessing.
LOW_CONFIDENCE = 0.4
# A new request this confident overrides a question the bot is waiting on.
SWITCH_CONFIDENCE = 0.7

INTENT_NODES = {
    "greeting", "order_status", "delivery_problem", "return_request", "exchange_request",
    "refund_status", "cancel_order", "change_address", "product_question", "back_in_stock",
    "promo_question", "account", "payment_issue", "complaint", "other",
}
ASKS_FOR_PERSON = re.compile(
    r"\b(human( being)?|real person|a person|actual person|someone real|"
    r"(live |real |customer service |support )(agent|representative|rep|operator)|"
    r"(an? |the )(agent|representative|operator)|speak (to|with) (someone|somebody|a)|"
    r"talk (to|with) (someone|somebody|a)|call me|manager|supervisor)\b", re.I)
# What a question about a fact of the shopper's own order may be classified as.
FACT_INTENTS = {"order_status", "other", "greeting", "product_question", "complaint",
                "payment_issue", "human_handoff", "delivery_problem", "refund_status",
                "account", "promo_question", "back_in_stock"}
# A question about the address that asks to change it.
CHANGE_WORDS = re.compile(r"\b(change|update|correct|instead|redirect|send it to|ship it to|"
                          r"deliver it to)\b", re.I)
VERIFY_ENTITIES = ("order_number", "email", "postcode")
ACKNOWLEDGEMENT_WORDS = 4


def _switches(state: TurnState) -> bool:
    return (state.get("confidence", 0) >= SWITCH_CONFIDENCE
            and state.get("intent") not in {"greeting", "other", "human_handoff", None})


def wants_person(state: TurnState) -> bool:
    """Asked for a person in words; the classifier alone is not enough, because short
    answers ("yes please") sit close to "get me someone" in its eyes."""
    if ASKS_FOR_PERSON.search(state.get("text", "")):
        return True
    return (state.get("intent") == "human_handoff"
            and state.get("confidence", 0) >= SWITCH_CONFIDENCE
            and not state.get("answer") and not state.get("details_only"))


def route_after_understand(state: TurnState) -> str:
    memory = state.get("memory") or {}
    pending = memory.get("pending") or {}
    kind = pending.get("kind")
    intent = state.get("intent", "other")
    confidence = state.get("confidence", 0.0)
    text = state.get("text", "")
    entities = state.get("entities") or {}

    if is_instruction(text):
        return "instructions"
    if is_fraud_claim(text):
        return "fraud"
    if wants_person(state):
        return "human_request"
    if stock_alerts.is_alert_code(state):
        return "alert_code"
    if stock_alerts.wants_no_alerts(text):
        return "stop_alerts"
    if stock_alerts.wants_contact(state):
        return "alert_contact"
    if stock_alerts.asks_about_alert(state):
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
    asked = state.get("message_text") or text
    if state.get("facts") and kind in {None, "verify", "clarify"} and (
            intent in FACT_INTENTS
            or (intent == "change_address" and not CHANGE_WORDS.search(asked)
                and not UK_POSTCODE.search(asked))):
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
    if kind == "missing_remedy" and (state.get("answer") or REMEDY_REFUND.search(text)
                                     or REMEDY_RESHIP.search(text) or not _switches(state)):
        return "missing_remedy"
    if kind == "return_resolution" and (state.get("answer") or re.search(
            r"exchange|swap|credit|voucher|refund|money|size", text, re.I)
            or not _switches(state)):
        return "return_resolution"
    if kind == "address" and not _switches(state):
        return "change_address"
    if kind == "item" and intent == "back_in_stock" and confidence >= 0.5 and \
            pending.get("intent") != "back_in_stock":
        # "Just tell me when the black L is back" instead of choosing an alternative.
        return "back_in_stock"
    if kind == "item" and (not _switches(state) or _names_one(text, pending.get("names"))):
        return _intent_node(pending.get("intent", intent))
    if kind == "clarify" and confidence < SWITCH_CONFIDENCE:
        if re.search(r"\border", text, re.I):
            return "order_status"
        if re.search(r"\bproduct|item|size|stock", text, re.I):
            return "product_question"
    if state.get("details_only"):
        return _intent_node(intent)
    if yes_or_no(text) and len(text.split()) <= ACKNOWLEDGEMENT_WORDS and (
            intent in {"greeting", "other", "human_handoff"} or confidence < SWITCH_CONFIDENCE):
        # "ok", "yes", "no thanks" with nothing waiting: an acknowledgement, not a puzzle.
        return "greeting"
    if entities.get("order_number") and confidence < LOW_CONFIDENCE:
        # Unsure what they want, sure which order: its status is the useful first answer.
        return "order_status"
    if confidence < LOW_CONFIDENCE or intent == "human_handoff":
        return "clarify"
    return _intent_node(intent)


def _names_one(text: str, names: list[str] | None) -> bool:
    """The answer names one of the items the bot offered to choose from."""
    words = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", text.lower())}
    return bool(names) and bool(words & {n.rstrip("s") for n in names})


def _intent_node(intent: str) -> str:
    if intent == "human_handoff":
        return "human_request"
    return intent if intent in INTENT_NODES else "other"


def route_after_verify(state: TurnState) -> str:
    route = state.get("route") or ""
    if route == "order_status" and state.get("facts"):
        return "order_facts"
    if route == "payment_issue" and state.get("changes_payment"):
        return "change_payment"
    return _intent_node(route) if route else "done"


def route_after_answer(state: TurnState) -> str:
    """A second request in the message is answered once the first needs nothing more
    from the shopper: no question pending, nobody handed the conversation."""
    if not state.get("also") or state.get("handoff"):
        return "done"
    if ((state.get("memory") or {}).get("pending") or {}).get("kind"):
        return "done"
    return "also"


def route_after_also(state: TurnState) -> str:
    return _intent_node(state.get("intent", "other"))
