"""Charged twice, declined, fraud: the data decides, people handle disputes."""

from __future__ import annotations

from typing import Any

from langgraph.types import Command

from agents.intents import Node
from agents.nlu.cues import (
    charged_twice,
    is_fraud_claim,
    means_another_card,
    paying_in_general,
    payment_declined,
    says_word,
    yes_or_no,
)
from agents.state import TurnState
from agents.tools.actions import ask_confirmation, decide, hand_off
from agents.tools.context import memory, reply
from agents.tools.orders import order_for_turn, order_for_turn_remembering
from commerce import policy as rules
from commerce import selectors as store
from conversations.dialogue import AwaitPayment, pending_kind
from core import formatting as fmt


def fraud(state: TurnState) -> dict[str, Any]:
    return {"memory": memory(state), "replies": [reply(
        "Thank you for telling us — I take that seriously. I've passed this to our payments "
        "team, who handle suspected fraud personally and will reply here. Please also contact "
        "your bank or card issuer. For your security I won't discuss order details further "
        "in this chat.")],
        **hand_off(state, "fraud_allegation",
                   summary="Shopper alleges fraud or an unauthorised payment.",
                   suggested="Check the payment and account activity; freeze if needed.",
                   tried=[])}


def payment_issue(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    if is_fraud_claim(text):
        return Command(goto=Node.FRAUD)
    double = charged_twice(text)
    if not double and payment_declined(text):
        return {"replies": [reply(
            "Sorry your payment didn't go through. Declines come from the card issuer, not "
            "from us: please check the billing address matches your card exactly, that the card "
            "hasn't expired, and whether your bank app asks you to approve the payment. "
            "PayPal and Apple Pay are accepted too. A declined attempt doesn't take any money; "
            "a pending authorisation disappears within a few days.")]}
    question = paying_in_general(text)
    if not double and question and not state.get("entities", {}).get("order_number"):
        articles = store.article_search(question, topic="payments")
        if articles:
            return {"replies": [reply(f"{articles[0].title}: {articles[0].body}")]}
    lookup = order_for_turn(state, "payment_issue")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    update = dict(lookup.update)
    payments = store.payment_list_for_order(order)
    captured = [p for p in payments if p.status == "captured"]
    duplicates = store.duplicate_charges(order)
    evidence = [{"reference": p.reference, "amount": str(p.amount),
                 "at": p.created_at.isoformat(), "status": p.status} for p in payments]
    if duplicates:
        first = payments[0]
        update["replies"] = [reply(
            f"You're right — I can see {len(duplicates) + 1} charges of "
            f"{fmt.money(first.amount, order.currency)} for order #{order.number} "
            f"({', '.join(fmt.when(p.created_at) for p in captured)})."
            " I've passed this to our payments team with the details so the extra charge is "
            "refunded; they'll confirm here.")]
        update.update(hand_off(state, "payment_dispute", order=order,
                               summary=f"Double charge on order #{order.number}.",
                               suggested=f"Refund {fmt.money(duplicates[0].amount)} "
                                         f"(payment {duplicates[0].reference}).",
                               tried=["Checked the payments on the order"]))
        update["handoff"]["evidence"] = evidence
        return update
    if captured:
        p = captured[0]
        seen = (f"I can see one charge for order #{order.number}: "
                f"{fmt.money(p.amount, order.currency)} on {fmt.when(p.created_at)} "
                f"(reference {p.reference}).")
    else:
        seen = (f"I can't see a completed payment for order #{order.number} yet, so nothing "
                "has been taken for it on our side.")
    if not double:
        update["replies"] = [reply(f"{seen} If your bank shows something different, tell me "
                                   "and I'll get a person to look into it.")]
        return update
    # Only the payment provider shows what the bank sees; a person checks it with them.
    update["replies"] = [reply(
        f"{seen} A second amount on your statement is often a temporary authorisation that "
        "your bank releases within a few working days, but I've passed this to our payments "
        "team with these details so they can check it with our payment provider. If you were "
        "charged twice, they'll refund the duplicate and confirm here.")]
    update.update(hand_off(state, "payment_dispute", order=order,
                           summary=f"Shopper reports a double charge on order #{order.number}; "
                                   f"our records show {len(captured)} captured payment(s).",
                           suggested="Check the payment provider for a second capture or a "
                                     "lingering authorisation; refund a duplicate if found.",
                           tried=["Checked the payments on the order"]))
    update["handoff"]["evidence"] = evidence
    return update


def _method_named(text: str, methods: list[Any], current: Any) -> Any | None:
    """The saved payment method the shopper names: by kind, brand or last four, or "my
    other card" when exactly one other card is saved."""
    lowered = text.lower()
    named = []
    for method in methods:
        words = {method.kind.replace("_", " "), method.kind.replace("_", "")}
        if method.brand:
            words |= {method.brand.lower(), {"amex": "american express"}.get(
                method.brand.lower(), method.brand.lower())}
        if any(says_word(lowered, w) for w in words if w) or (
                method.last4 and method.last4 in lowered):
            named.append(method)
    named = [m for m in named if m != current] or named
    if len(named) == 1:
        return named[0]
    if means_another_card(lowered):
        cards = [m for m in methods if m.kind == "card" and m != current]
        return cards[0] if len(cards) == 1 else None
    return None


def change_payment(state: TurnState) -> dict[str, Any]:
    """Pay for an order that hasn't shipped with another method saved on the account."""
    lookup = order_for_turn_remembering(state, "payment_issue", Node.CHANGE_PAYMENT,
                                        changes_payment=True)
    if lookup.order is None:
        return lookup.update
    mem = dict(lookup.update["memory"])
    order = lookup.order
    decision = decide(state, rules.payment_change_decision(order, rules.policy_get()), order)
    if not decision.allowed:
        mem["pending"] = None
        if decision.handoff_reason:
            return {"memory": mem, "replies": [reply(
                f"{decision.explanation} I've passed your request to a colleague, who will "
                "reply here.")],
                **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                           summary=f"Shopper asks to pay for order #{order.number} another "
                                   "way.", suggested="Change the payment method if possible.")}
        return {"memory": mem, "replies": [reply(f"I can't do that: {decision.explanation}")]}
    if pending_kind(mem) == "payment" and \
            yes_or_no(state.get("text", "")) == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            f"OK — I've left the payment for order #{order.number} as it is.")]}
    methods = store.payment_method_list(order.customer)
    current = order.paid_with
    target = _method_named(state.get("message_text") or state.get("text", ""), methods, current)
    others = [m for m in methods if m != current]
    if target is None or target == current:
        mem["pending"] = AwaitPayment(kind="payment", intent="payment_issue", order=order.number)
        saved = "; ".join(str(m) for m in others)
        now = f" Order #{order.number} is paid with {current}." if current else ""
        if not others:
            mem["pending"] = None
            return {"memory": mem, "replies": [reply(
                f"I can only switch an order to a payment method saved on your account, and "
                f"you have no other one saved.{now} You can add one in your account settings, "
                "then message me again.")]}
        return {"memory": mem, "replies": [reply(
            f"I can only switch an order to a payment method already saved on your account: "
            f"{saved}.{now} Which one would you like?", buttons=[str(m) for m in others])]}
    check = rules.payment_method_decision(order, target)
    if not check.allowed:
        decide(state, check, order)
        return {"memory": mem, "replies": [reply(f"I can't do that: {check.explanation}")]}
    return ask_confirmation(state, mem, (
        f"I'll change the payment for order #{order.number} "
        f"({fmt.money(order.total, order.currency)}) from {current or 'the original method'} "
        f"to {target}."), {"kind": "change_payment", "order": order.number,
                           "method": target.pk})
