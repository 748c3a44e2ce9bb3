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

FRAUD = re.compile(r"\b(stolen card|card (was|has been) stolen|"
                   r"unauthori[sz]ed|(didn'?t|did not|never) authori[sz]e|someone (else )?used my|"
                   r"hack(ed|er)|identity theft|wasn'?t me who|without my (permission|consent|"
                   r"knowledge|authori[sz]ation)|(didn'?t|did not|never) (make|place|authori[sz]e)"
                   r" (this|that|the|these|an?|any) (order|purchase|payment|charge|transaction)s?|"
                   r"do(n'?t| not) recogni[sz]e (this|the|that|a|an) (charge|payment|order|"
                   r"transaction|purchase))\b", re.I)
# "Scam" and "fraud" are how angry shoppers talk about a shop; they claim fraud only when
# they say a payment was made without them.
FRAUD_WORD = re.compile(r"\b(fraud\w*|scam\w*)\b", re.I)
WITHOUT_CONSENT = re.compile(
    r"\b(charg\w*|took|taken|debit\w*|payment|transaction)\b.{0,40}\b(without|not me|"
    r"(didn'?t|did not|never) (buy|order|make|place|ask)|wasn'?t me)\b|"
    r"\b(didn'?t|did not|never) (buy|order|make|place)\b.{0,40}\b(charg\w*|took|taken|"
    r"debit\w*|payment)", re.I)
DECLINED = re.compile(r"\b(declin\w*|rejected|won'?t go through|fail(ed|s|ing)?|not accept\w*|"
                      r"doesn'?t (work|go through)|error)\b", re.I)


def is_fraud_claim(text: str) -> bool:
    return bool(FRAUD.search(text) or (FRAUD_WORD.search(text) and WITHOUT_CONSENT.search(text)))


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


# Twice, and about money taken: "card declined twice" is a decline, not a double charge.
DOUBLE = re.compile(r"\b(twice|two times|2 ?x|double\w*|duplicate\w*|again|two (charges|payments|"
                    r"transactions|debits))\b", re.I)
TAKEN = re.compile(r"\b(charg\w*|paid|pay(ment)?s?|bill\w*|taken|debit\w*|transactions?|"
                   r"statement)\b", re.I)
# About paying in general, not about one of the shopper's orders.
PAYING_IN_GENERAL = re.compile(
    r"\b(what|which) (payment|ways|methods|cards?)\b|\b(do|can) (you|i) (accept|take|pay (with|by|"
    r"using|in))\b|\bpayment (methods?|options)\b|\b(accept|take) (paypal|amex|american express|"
    r"apple pay|google pay|klarna|visa|mastercard)", re.I)


def payment_issue(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    if is_fraud_claim(text):
        return fraud(state)
    double = bool(DOUBLE.search(text) and TAKEN.search(text))
    if not double and DECLINED.search(text):
        return {"replies": [reply(
            "Sorry your payment didn't go through. Declines come from the card issuer, not "
            "from us: please check the billing address matches your card exactly, that the card "
            "hasn't expired, and whether your bank app asks you to approve the payment. "
            "PayPal and Apple Pay are accepted too. A declined attempt doesn't take any money; "
            "a pending authorisation disappears within a few days.")]}
    if not double and PAYING_IN_GENERAL.search(text) and not state.get("entities", {}).get(
            "order_number"):
        articles = store.article_search(text, topic="payments")
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
