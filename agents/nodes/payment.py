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
from agents.tools.context import article, memory, reply
from agents.tools.orders import order_for_turn, order_for_turn_remembering
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import PaymentMethod
from conversations.dialogue import AwaitPayment, pending_kind
from core import formatting as fmt
from core.formatting import Money
from replies.render import Say


def fraud(state: TurnState) -> dict[str, Any]:
    return {"memory": memory(state), "replies": [reply(Say("bot.payment.fraud"))],
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
        return {"replies": [reply(Say("bot.payment.declined"))]}
    question = paying_in_general(text)
    if not double and question and not state.get("entities", {}).get("order_number"):
        articles = store.article_search(question, topic="payments")
        if articles:
            return {"replies": [reply(article(articles[0]))]}
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
        update["replies"] = [reply(Say(
            "bot.payment.charged_twice", count=len(duplicates) + 1,
            amount=Money(first.amount, order.currency), number=order.number,
            times=_commas([p.created_at for p in captured])))]
        update.update(hand_off(state, "payment_dispute", order=order,
                               summary=f"Double charge on order #{order.number}.",
                               suggested=f"Refund {fmt.money(duplicates[0].amount)} "
                                         f"(payment {duplicates[0].reference}).",
                               tried=["Checked the payments on the order"]))
        update["handoff"]["evidence"] = evidence
        return update
    if captured:
        p = captured[0]
        seen = Say("bot.payment.one_charge", number=order.number,
                   amount=Money(p.amount, order.currency), at=p.created_at,
                   reference=p.reference)
    else:
        seen = Say("bot.payment.no_charge", number=order.number)
    if not double:
        update["replies"] = [reply(seen, Say("bot.payment.bank_differs"))]
        return update
    # Only the payment provider shows what the bank sees; a person checks it with them.
    update["replies"] = [reply(seen, Say("bot.payment.second_amount"))]
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
                Say("bot.payment.passed_on", why=decision.reason))],
                **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                           summary=f"Shopper asks to pay for order #{order.number} another "
                                   "way.", suggested="Change the payment method if possible.")}
        return {"memory": mem, "replies": [reply(Say("bot.payment.refused",
                                                     why=decision.reason))]}
    if pending_kind(mem) == "payment" and \
            yes_or_no(state.get("text", "")) == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            Say("bot.payment.left_as_is", number=order.number))]}
    methods = store.payment_method_list(order.customer)
    current = order.paid_with
    target = _method_named(state.get("message_text") or state.get("text", ""), methods, current)
    others = [m for m in methods if m != current]
    if target is None or target == current:
        mem["pending"] = AwaitPayment(kind="payment", intent="payment_issue", order=order.number)
        now = (Say("bot.payment.paid_with", number=order.number, method=method_said(current))
               if current else "")
        if not others:
            mem["pending"] = None
            return {"memory": mem, "replies": [reply(
                Say("bot.payment.none_saved", paid_with=now))]}
        saved = _one_after_another([method_said(m) for m in others], "bot.payment.then")
        return {"memory": mem, "replies": [reply(
            Say("bot.payment.choose_saved", methods=saved, paid_with=now),
            buttons=[method_said(m) for m in others])]}
    check = rules.payment_method_decision(order, target)
    if not check.allowed:
        decide(state, check, order)
        return {"memory": mem, "replies": [reply(Say("bot.payment.refused", why=check.reason))]}
    total = Money(order.total, order.currency)
    summary = (Say("bot.payment.confirm_change", number=order.number, amount=total,
                   current=method_said(current), method=method_said(target)) if current else
               Say("bot.payment.confirm_change_from_original", number=order.number,
                   amount=total, method=method_said(target)))
    return ask_confirmation(state, mem, summary, {"kind": "change_payment",
                                                  "order": order.number, "method": target.pk})


def method_said(method: PaymentMethod) -> Say | str:
    """A saved payment method as the shopper knows it: "Visa ending 4242", "PayPal"."""
    if method.kind == PaymentMethod.Kind.CARD:
        if not method.brand:
            return (Say("bot.payment.card_ending", brand=Say("bot.payment.card"),
                        last4=method.last4) if method.last4 else Say("bot.payment.card"))
        brand = method.brand.title()
        return Say("bot.payment.card_ending", brand=brand, last4=method.last4) \
            if method.last4 else brand
    if method.kind == PaymentMethod.Kind.GIFT_CARD:
        return (Say("bot.payment.gift_card_left", balance=str(method.balance))
                if method.balance is not None else Say("bot.payment.gift_card"))
    return method.get_kind_display()


def _commas(facts: list[Any]) -> Any:
    """Facts said one after another, a comma between each."""
    return _one_after_another(facts, "bot.payment.comma")


def _one_after_another(facts: list[Any], key: str) -> Any:
    if len(facts) <= 1:
        return facts[0] if facts else ""
    return Say(key, first=facts[0], rest=_one_after_another(facts[1:], key))
