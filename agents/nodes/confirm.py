"""Every consequential action is summarised first and runs only on an explicit yes, once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.context import turn
from agents.nlu.cues import remedy as remedy_asked
from agents.state import TurnState
from agents.tools.actions import (
    action_confirm,
    actions_from_pending,
    ask_confirmation,
    decide,
    hand_off,
)
from agents.tools.context import conversation, memory, reply
from commerce import policy as rules
from commerce import selectors as store
from commerce.actions import ActionInvalid, ActionResult, ResolveMissingParcel
from commerce.services import ActionRefused
from conversations.dialogue import pending_of
from core import clock
from core import formatting as fmt


def confirm(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    answer = state.get("answer", "")
    if answer == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "OK, I haven't changed anything. Is there anything else I can help with?")]}
    if answer != "yes":
        summary = pending.get("summary") or ""
        return {"memory": mem, "replies": [reply(
            f"Just to check: {summary}\n\nShall I go ahead? Please answer yes or no."
            if summary else "Just to check — shall I go ahead? Please answer yes or no.",
            buttons=["Yes, go ahead", "No"])]}
    mem["pending"] = None
    action = pending.get("action") or {}
    if action.get("kind") == "bundle":
        # One yes for several actions: each is checked and done on its own, in order.
        replies: list[dict[str, Any]] = []
        for part in action.get("actions") or []:
            replies += execute(state, part)["replies"]
        return {"memory": mem, "replies": replies}
    return {"memory": mem, **execute(state, action)}


def execute(state: TurnState, action: dict[str, Any]) -> dict[str, Any]:
    """Run the confirmed proposal (one action, or one per order when a yes covers
    several), each through the one typed action path, and say what was done."""
    try:
        actions = actions_from_pending(action)
    except ActionInvalid:
        return {"replies": [reply("Sorry, I've lost track of what we were doing. "
                                  "Could you tell me again what you need?")]}
    conv = conversation(state)
    replies: list[dict[str, Any]] = []
    for typed in actions:
        if not conv.is_verified:
            replies.append(reply("I can't act on that order from this conversation."))
            continue
        try:
            result = action_confirm(state, conv, typed)
        except ActionRefused as refused:
            if refused.decision.rule == "identity.not_owner":
                replies.append(reply("I can't act on that order from this conversation."))
                continue
            decide(state, refused.decision, store.order_get(typed.order))
            replies.append(reply(f"I couldn't do that: {refused.decision.explanation}"))
            continue
        replies.append(done(result))
        # The write changed the orders: read afresh when next needed this turn.
        turn().forget_orders()
    return {"replies": replies}


BANK_DAYS = "banks usually show it within 3–5 working days."


def done(result: ActionResult) -> dict[str, Any]:
    """What the shopper is told once an action is done, from its result alone."""
    facts, number = result.facts, result.order
    currency = facts.get("currency") or None
    if result.kind == "cancel":
        text = f"Done — order #{number} is cancelled."
        if facts.get("refund"):
            text += (f" {fmt.money(facts['refund'], currency)} is on its way back to your "
                     f"original payment method; {BANK_DAYS}")
        return reply(text)
    if result.kind == "address":
        return reply(f"Done — order #{number} will now go to {facts['line1']}, "
                     f"{facts['city']} {facts['postcode']}.".replace(" ,", ","))
    if result.kind == "return":
        return _return_done(facts, currency)
    if result.kind == "change_items":
        difference = Decimal(facts.get("difference") or "0")
        money = fmt.money(abs(difference), currency)
        tail = ("" if difference == 0 else
                f" {money} has been charged to your original payment method." if difference > 0
                else f" {money} is on its way back to your original payment method; {BANK_DAYS}")
        return reply(f"Done — order #{number} now has {facts['items']}.{tail}")
    if result.kind == "change_payment":
        return reply(f"Done — order #{number} is now paid with {facts['method']}.")
    if result.kind == "apology_code":
        return reply(f"Here's your code: {facts['code']} — {facts['percent']}% off your next "
                     "order.")
    if result.kind == "refund":
        money = fmt.money(facts["amount"], currency)
        if facts.get("method") == "store_credit":
            return reply(f"Done — I've added {money} store credit to your account.")
        return reply(f"Done — I've refunded {money} to your original payment method; "
                     f"{BANK_DAYS}")
    if facts.get("remedy") == "refund":
        return reply(f"Done — I've refunded {fmt.money(facts['amount'], currency)} to your "
                     f"original payment method; {BANK_DAYS}")
    return reply(f"Done — a replacement is being prepared as order #{facts['replacement']}. "
                 "You'll get tracking as soon as it ships.")


def _return_done(facts: dict[str, str], currency: str | None) -> dict[str, Any]:
    money = fmt.money(facts["amount"], currency)
    number = facts["return"]
    if facts["resolution"] == "keep_it":
        return reply(f"Done — please keep the item. I've refunded {money} to your original "
                     f"payment method (return {number}); {BANK_DAYS}")
    url = facts["label_url"]
    how = {
        "exchange": "We'll send the replacement as soon as the carrier scans your parcel.",
        "store_credit": f"I've added {money} store credit to your account already.",
        "refund": f"Your refund of {money} goes to your original payment method once we "
                  "receive the parcel.",
    }[facts["resolution"]]
    return reply(
        f"Done — return {number} is open. Here's your prepaid Royal Mail return label "
        f"(tracking {facts['tracking_number']}): {url}\nPrint it, stick it on the parcel and "
        f"drop it at any Post Office within 14 days. {how}",
        attachments=[{"type": "document", "url": url, "title": f"Return label {number}"}])


def missing_remedy(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    text = state.get("text", "")
    remedy = remedy_asked(text)
    if not remedy and state.get("answer") == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "OK, I'll leave it for now. If it still hasn't turned up, just message me here.")]}
    if not remedy:
        return {"memory": mem, "replies": [reply(
            "Would you like a replacement or a refund?",
            buttons=["Send a replacement", "Refund me"])]}
    order = store.order_get(pending.get("order", ""))
    if order is None:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply("Which order is this about?")]}
    decision = decide(state, rules.missing_parcel_decision(
        order, store.order_events(order), rules.policy_get(), clock.now()), order)
    if not decision.allowed:
        mem["pending"] = None
        if decision.handoff_reason:
            return {"memory": mem, "replies": [reply(
                f"{decision.explanation} I've passed this to a colleague, who will reply here.")],
                **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                           summary=f"Shopper asks for a {remedy} for order #{order.number}, "
                                   "not received.", suggested=remedy,
                           proposed=ResolveMissingParcel(order.number, remedy))}
        return {"memory": mem, "replies": [reply(
            f"I'm sorry, I can't do that: {decision.explanation}")]}
    if conversation(state).customer.is_vip:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "Thank you — I've asked a colleague to look after this personally.")],
            **hand_off(state, "vip", order=order, summary="VIP: parcel not received.",
                       suggested=remedy)}
    summary = (f"I'll refund {fmt.money(order.total, order.currency)} for order #{order.number} "
               "to your original payment method." if remedy == "refund" else
               f"I'll send a free replacement of order #{order.number} to "
               f"{order.shipping_address}.")
    return ask_confirmation(state, mem, summary,
                            {"kind": "missing", "order": order.number, "remedy": remedy})
