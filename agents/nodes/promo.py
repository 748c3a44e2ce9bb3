"""Discount codes that don't work, loyalty points and promotion rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.intents import Node
from agents.nlu.cues import ON_WHAT, asks_points, basket_amount, code_candidates
from agents.state import TurnState
from agents.tools.context import conversation, reply
from agents.tools.orders import proof_needed
from commerce import selectors as store
from commerce.models import DiscountCode
from core import clock
from core import formatting as fmt


def _code_problem(code: DiscountCode) -> str:
    now = clock.now()
    if not code.active:
        return f"{code.code} is no longer active."
    if code.valid_from and now < code.valid_from:
        return f"{code.code} only starts on {fmt.day(code.valid_from)}."
    if code.valid_until and now > code.valid_until:
        return f"{code.code} expired on {fmt.day(code.valid_until)}."
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        return f"{code.code} has already been used the maximum number of times."
    return ""


def _code_terms(code: DiscountCode) -> str:
    what = {
        DiscountCode.Kind.PERCENT: f"{code.value.normalize():f}% off",
        DiscountCode.Kind.FIXED: f"{fmt.money(code.value)} off",
        DiscountCode.Kind.FREE_SHIPPING: "free delivery",
    }[code.kind]
    terms = [what]
    if code.min_order_total:
        terms.append(f"on orders of {fmt.money(code.min_order_total)} or more")
    if code.category:
        terms.append(f"on {code.category} only")
    if code.excludes_sale_items:
        terms.append("excluding sale items")
    if code.valid_until:
        terms.append(f"until {fmt.day(code.valid_until)}")
    return " ".join(terms)


def _saving(code: DiscountCode, amount: Decimal) -> str:
    if code.kind == DiscountCode.Kind.PERCENT:
        off = (amount * code.value / 100).quantize(Decimal("0.01"))
        return f"{fmt.money(off)} off {fmt.money(amount)}"
    if code.kind == DiscountCode.Kind.FIXED:
        return f"{fmt.money(min(code.value, amount))} off {fmt.money(amount)}"
    return "free delivery"


def _applies_to(code: DiscountCode, text: str) -> str:
    """Whether a valid code works on the basket amount or the product the shopper names,
    by the code's own conditions; "" when they name neither."""
    amount = basket_amount(text)
    if amount is not None:
        if code.min_order_total and amount < code.min_order_total:
            return (f"No — {code.code} gives {_code_terms(code)}, so it won't work on a "
                    f"{fmt.money(amount)} basket: you'd need "
                    f"{fmt.money(code.min_order_total - amount)} more.")
        return (f"Yes — {code.code} works on a {fmt.money(amount)} basket: "
                f"{_saving(code, amount)}, as long as the items meet its terms "
                f"({_code_terms(code)}).")
    if not ON_WHAT.search(text):
        return ""
    products = store.product_search(text)
    if not products:
        return ""
    product = products[0]
    variants = store.variant_list_for_product(product)
    if code.category and product.category != code.category:
        return (f"No — {code.code} is for {code.category} only, and {product.name} is "
                f"{product.category}.")
    if code.excludes_sale_items and variants and all(v.final_sale for v in variants):
        return f"No — {code.code} excludes sale items, and {product.name} is on sale."
    price = min((v.price for v in variants), default=Decimal(0))
    short = (f" Your basket needs to come to {fmt.money(code.min_order_total)} or more for it "
             "to apply." if code.min_order_total and price < code.min_order_total else "")
    return f"Yes — {code.code} works on {product.name}: {_code_terms(code)}.{short}"


def promo_question(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    entities = state.get("entities") or {}
    raw = entities.get("discount_code") or ""
    if not raw:
        for candidate in code_candidates(text):
            if store.discount_code_get(candidate):
                raw = candidate
                break
    if raw:
        code = store.discount_code_get(raw)
        if code is None:
            return {"replies": [reply(
                f"I can't find a code called {raw.upper()}. Please check the spelling — codes "
                "are letters and numbers with no spaces.")]}
        problem = _code_problem(code)
        if problem:
            return {"replies": [reply(f"{problem} Sorry about that.")]}
        applied = _applies_to(code, text.replace(raw, " "))
        if applied:
            return {"replies": [reply(applied)]}
        return {"replies": [reply(
            f"{code.code} is valid: {_code_terms(code)}. Enter it at checkout in the "
            "\"Discount code\" box; it can't be combined with another code. If it's still "
            "refused, check your basket meets those conditions.")]}
    if asks_points(text):
        conv = conversation(state)
        if not conv.is_verified:
            return proof_needed(Node.PROMO_QUESTION, ask=(
                "I can check your points once I know it's you: please send an order number "
                "and the email address or postcode on it."))
        balance = store.loyalty_balance(conv.customer)
        how = store.article_search("loyalty points how they work", topic="promotions")
        rules = f" {how[0].body}" if how else ""
        return {"replies": [reply(f"You have {balance} loyalty points.{rules}")]}
    articles = store.article_search(text, topic="promotions")
    if articles:
        return {"replies": [reply(f"{articles[0].title}: {articles[0].body}")]}
    return {"replies": [reply(
        "I don't have a general discount code to share. If you have a code that isn't "
        "working, tell me what it is and I'll check it for you.")]}
