"""Charged twice, declined, fraud: the data decides, people handle disputes."""

from __future__ import annotations

import re
from typing import Any

from agents import format as fmt
from agents.state import TurnState
from agents.tools.actions import hand_off
from agents.tools.context import memory, reply
from agents.tools.identity import order_for_turn
from commerce import selectors as store

FRAUD = re.compile(r"\b(fraud\w*|scam(med|mer)?|stolen card|card (was|has been) stolen|"
                   r"unauthori[sz]ed|(didn'?t|did not|never) authori[sz]e|someone (else )?used my|"
                   r"hack(ed|er)|identity theft|wasn'?t me who|without my (permission|consent|"
                   r"knowledge|authori[sz]ation)|(didn'?t|did not|never) (make|place|authori[sz]e)"
                   r" (this|that|the|these|an?|any) (order|purchase|payment|charge|transaction)s?|"
                   r"do(n'?t| not) recogni[sz]e (this|the|that|a|an) (charge|payment|order|"
                   r"transaction|purchase))\b", re.I)
DECLINED = re.compile(r"\b(declin\w*|rejected|won'?t go through|fail(ed|s|ing)?|not accept\w*|"
                      r"doesn'?t (work|go through)|error)\b", re.I)


def is_fraud_claim(text: str) -> bool:
    return bool(FRAUD.search(text))


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
        return fraud(state)
    if DECLINED.search(text) and not re.search(r"\b(twice|double|two|2x|again)\b", text, re.I):
        return {"replies": [reply(
            "Sorry your payment didn't go through. Declines come from the card issuer, not "
            "from us: please check the billing address matches your card exactly, that the card "
            "hasn't expired, and whether your bank app asks you to approve the payment. "
            "PayPal and Apple Pay are accepted too. A declined attempt doesn't take any money; "
            "a pending authorisation disappears within a few days.")]}
    lookup = order_for_turn(state, "payment_issue")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    update = dict(lookup.update)
    payments = store.payment_list_for_order(order)
    duplicates = store.duplicate_charges(order)
    if duplicates:
        evidence = [{"reference": p.reference, "amount": str(p.amount),
                     "at": p.created_at.isoformat(), "status": p.status} for p in payments]
        first = payments[0]
        update["replies"] = [reply(
            f"You're right — I can see {len(duplicates) + 1} charges of "
            f"{fmt.money(first.amount, order.currency)} for order #{order.number} "
            f"({', '.join(fmt.when(p.created_at) for p in payments if p.status == 'captured')})."
            " I've passed this to our payments team with the details so the extra charge is "
            "refunded; they'll confirm here.")]
        update.update(hand_off(state, "payment_dispute", order=order,
                               summary=f"Double charge on order #{order.number}.",
                               suggested=f"Refund {fmt.money(duplicates[0].amount)} "
                                         f"(payment {duplicates[0].reference}).",
                               tried=["Checked the payments on the order"]))
        update["handoff"]["evidence"] = evidence
        return update
    captured = [p for p in payments if p.status == "captured"]
    if captured:
        p = captured[0]
        update["replies"] = [reply(
            f"I can see one charge for order #{order.number}: "
            f"{fmt.money(p.amount, order.currency)} on {fmt.when(p.created_at)} "
            f"(reference {p.reference}). If your statement shows a second amount, it's usually "
            "a temporary authorisation that your bank releases within a few working days. If "
            "it's still there after that, tell me and I'll get a person to look into it.")]
        return update
    update["replies"] = [reply(
        f"I can't see a completed payment for order #{order.number} yet, so nothing has been "
        "taken for it. If your bank shows a pending amount, it will be released automatically.")]
    return update
