"""Pure routing: which node answers this turn, from the understood message and memory."""

from __future__ import annotations

import re

from agents.nodes.payment import is_fraud_claim
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
    r"\b(human|real person|a person|someone real|(live |real |customer service |support )?"
    r"(agent|representative|rep|operator)|speak to (someone|somebody)|talk to (someone|somebody)"
    r"|call me|manager|supervisor)\b", re.I)
VERIFY_ENTITIES = ("order_number", "email", "postcode")


def _switches(state: TurnState) -> bool:
    return (state.get("confidence", 0) >= SWITCH_CONFIDENCE
            and state.get("intent") not in {"greeting", "other", None})


def route_after_understand(state: TurnState) -> str:
    memory = state.get("memory") or {}
    pending = memory.get("pending") or {}
    kind = pending.get("kind")
    intent = state.get("intent", "other")
    confidence = state.get("confidence", 0.0)
    text = state.get("text", "")
    entities = state.get("entities") or {}

    if is_fraud_claim(text):
        return "fraud"
    if intent == "human_handoff" and (confidence >= LOW_CONFIDENCE or ASKS_FOR_PERSON.search(text)):
        return "human_request"
    if int(memory.get("frustration", 0)) >= 2:
        return "frustration"
    if kind == "confirm":
        if state.get("answer"):
            return "confirm"
        return _intent_node(intent) if _switches(state) else "confirm"
    if kind == "verify":
        if any(entities.get(k) for k in VERIFY_ENTITIES):
            return "verify"
        return _intent_node(intent) if _switches(state) else "verify"
    if kind == "missing_remedy" and (state.get("answer") or re.search(
            r"refund|replace|reship|resend|send|money|new one", text, re.I)):
        return "missing_remedy"
    if kind == "return_resolution" and (state.get("answer") or re.search(
            r"exchange|swap|credit|voucher|refund|money|size", text, re.I)):
        return "return_resolution"
    if kind == "address" and not _switches(state):
        return "change_address"
    if kind == "item" and not _switches(state):
        return _intent_node(pending.get("intent", intent))
    if kind == "clarify" and confidence < SWITCH_CONFIDENCE:
        if re.search(r"\border", text, re.I):
            return "order_status"
        if re.search(r"\bproduct|item|size|stock", text, re.I):
            return "product_question"
    if entities.get("order_number") and (entities.get("email") or entities.get("postcode")) \
            and (confidence < LOW_CONFIDENCE or intent in {"greeting", "other"}):
        return "order_status"
    if confidence < LOW_CONFIDENCE:
        return "clarify"
    return _intent_node(intent)


def _intent_node(intent: str) -> str:
    if intent == "human_handoff":
        return "human_request"
    return intent if intent in INTENT_NODES else "other"


def route_after_verify(state: TurnState) -> str:
    route = state.get("route") or ""
    return _intent_node(route) if route else "done"
