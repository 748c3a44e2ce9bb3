"""Every consequential action is summarised first and runs only on an explicit yes, once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.context import turn
from agents.nlu.cues import remedy as remedy_asked
from agents.said import REMEDY_BUTTONS, said_now
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
from core.formatting import Money
from replies.render import Say


def confirm(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    answer = state.get("answer", "")
    if answer == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.confirm.nothing_changed"))]}
    if answer != "yes":
        summary = pending.get("summary") or ""
        return {"memory": mem, "replies": [reply(
            Say("bot.confirm.just_to_check", summary=summary)
            if summary else Say("bot.confirm.just_to_check_plain"),
            buttons=[Say("bot.confirm.button_yes"), Say("bot.confirm.button_no")])]}
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
        return {"replies": [reply(Say("bot.confirm.lost_track"))]}
    conv = conversation(state)
    replies: list[dict[str, Any]] = []
    for typed in actions:
        if not conv.is_verified:
            replies.append(reply(Say("bot.confirm.not_your_order")))
            continue
        try:
            result = action_confirm(state, conv, typed)
        except ActionRefused as refused:
            if refused.decision.rule == "identity.not_owner":
                replies.append(reply(Say("bot.confirm.not_your_order")))
                continue
            decide(state, refused.decision, store.order_get(typed.order))
            replies.append(reply(Say("bot.confirm.refused", why=refused.decision.reason)))
            continue
        replies.append(done(result))
        # The write changed the orders: read afresh when next needed this turn.
        turn().forget_orders()
    return {"replies": replies}


def done(result: ActionResult) -> dict[str, Any]:
    """What the shopper is told once an action is done, from its result alone."""
    facts, number = result.facts, result.order
    currency = facts.get("currency") or None
    if result.kind == "cancel":
        if facts.get("refund"):
            return reply(Say("bot.confirm.cancelled_refund", number=number,
                             amount=Money(facts["refund"], currency)))
        return reply(Say("bot.confirm.cancelled", number=number))
    if result.kind == "address":
        address = f"{facts['line1']}, {facts['city']} {facts['postcode']}".replace(" ,", ",")
        return reply(Say("bot.confirm.address_changed", number=number, address=address))
    if result.kind == "return":
        return _return_done(facts, currency)
    if result.kind == "change_items":
        difference = Decimal(facts.get("difference") or "0")
        amount = Money(abs(difference), currency)
        key = ("bot.confirm.items_changed" if difference == 0 else
               "bot.confirm.items_changed_charged" if difference > 0 else
               "bot.confirm.items_changed_refunded")
        return reply(Say(key, number=number, items=facts["items"], amount=amount))
    if result.kind == "change_payment":
        return reply(Say("bot.confirm.payment_changed", number=number, method=facts["method"]))
    if result.kind == "apology_code":
        return reply(Say("bot.confirm.apology_code", code=facts["code"],
                         percent=facts["percent"]))
    if result.kind == "refund":
        amount = Money(facts["amount"], currency)
        if facts.get("method") == "store_credit":
            return reply(Say("bot.confirm.store_credit_added", amount=amount))
        return reply(Say("bot.confirm.refunded", amount=amount))
    if facts.get("remedy") == "refund":
        return reply(Say("bot.confirm.refunded", amount=Money(facts["amount"], currency)))
    return reply(Say("bot.confirm.replacement_sent", replacement=facts["replacement"]))


RETURN_HOW = {"exchange": "bot.confirm.return_how.exchange",
              "store_credit": "bot.confirm.return_how.store_credit",
              "refund": "bot.confirm.return_how.refund"}


def _return_done(facts: dict[str, str], currency: str | None) -> dict[str, Any]:
    amount = Money(facts["amount"], currency)
    number = facts["return"]
    if facts["resolution"] == "keep_it":
        return reply(Say("bot.confirm.return_keep_it", number=number, amount=amount))
    url = facts["label_url"]
    how = Say(RETURN_HOW[facts["resolution"]], amount=amount)
    return reply(
        Say("bot.confirm.return_open", number=number, tracking=facts["tracking_number"],
            url=url, how=how),
        attachments=[{"type": "document", "url": url,
                      "title": said_now(Say("label.attachment_title", number=number))}])


def missing_remedy(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    text = state.get("text", "")
    remedy = remedy_asked(text)
    if not remedy and state.get("answer") == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.confirm.missing_leave_it"))]}
    if not remedy:
        return {"memory": mem, "replies": [reply(
            Say("bot.confirm.missing_which_remedy"), buttons=list(REMEDY_BUTTONS))]}
    order = store.order_get(pending.get("order", ""))
    if order is None:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.confirm.which_order"))]}
    decision = decide(state, rules.missing_parcel_decision(
        order, store.order_events(order), rules.policy_get(), clock.now()), order)
    if not decision.allowed:
        mem["pending"] = None
        if decision.handoff_reason:
            return {"memory": mem, "replies": [reply(
                Say("bot.confirm.missing_handed_over", why=decision.reason))],
                **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                           summary=f"Shopper asks for a {remedy} for order #{order.number}, "
                                   "not received.", suggested=remedy,
                           proposed=ResolveMissingParcel(order.number, remedy))}
        return {"memory": mem, "replies": [reply(
            Say("bot.confirm.missing_refused", why=decision.reason))]}
    if conversation(state).customer.is_vip:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.confirm.vip_personally"))],
            **hand_off(state, "vip", order=order, summary="VIP: parcel not received.",
                       suggested=remedy)}
    summary = said_now(
        Say("bot.confirm.missing_refund_summary", number=order.number,
            amount=Money(order.total, order.currency)) if remedy == "refund" else
        Say("bot.confirm.missing_reship_summary", number=order.number,
            address=order.shipping_address))
    return ask_confirmation(state, mem, summary,
                            {"kind": "missing", "order": order.number, "remedy": remedy})
