"""Discount codes that don't work, loyalty points and promotion rules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from agents.intents import Node
from agents.nlu.cues import asks_points, basket_amount, code_candidates, names_what_for
from agents.state import TurnState
from agents.tools.context import article, conversation, reply
from agents.tools.orders import proof_needed
from commerce import selectors as store
from commerce.models import DiscountCode
from core import clock
from core import formatting as fmt
from replies.render import Say


def _code_problem(code: DiscountCode) -> Say | None:
    now = clock.now()
    if not code.active:
        return Say("bot.promo.inactive", code=code.code)
    if code.valid_from and now < code.valid_from:
        return Say("bot.promo.not_started", code=code.code, day=_day(code.valid_from))
    if code.valid_until and now > code.valid_until:
        return Say("bot.promo.expired", code=code.code, day=_day(code.valid_until))
    if code.usage_limit is not None and code.times_used >= code.usage_limit:
        return Say("bot.promo.used_up", code=code.code)
    return None


def _day(moment: datetime) -> date:
    return fmt.local(moment).date()


def _code_terms(code: DiscountCode) -> Say:
    """What a code gives and on what conditions: "10% off on orders of £50.00 or more"."""
    terms = [{
        DiscountCode.Kind.PERCENT: Say("bot.promo.percent_off",
                                       percent=f"{code.value.normalize():f}"),
        DiscountCode.Kind.FIXED: Say("bot.promo.amount_off", amount=code.value),
        DiscountCode.Kind.FREE_SHIPPING: Say("bot.promo.free_delivery"),
    }[code.kind]]
    if code.min_order_total:
        terms.append(Say("bot.promo.min_total", amount=code.min_order_total))
    if code.category:
        terms.append(Say("bot.promo.category_only", category=code.category))
    if code.excludes_sale_items:
        terms.append(Say("bot.promo.no_sale_items"))
    if code.valid_until:
        terms.append(Say("bot.promo.until", day=_day(code.valid_until)))
    return _together(terms)


def _together(terms: list[Say]) -> Say:
    """The terms of a code said one after another."""
    if len(terms) == 1:
        return terms[0]
    return Say("bot.promo.and_then", first=terms[0], rest=_together(terms[1:]))


def _saving(code: DiscountCode, amount: Decimal) -> Say:
    if code.kind == DiscountCode.Kind.PERCENT:
        off = (amount * code.value / 100).quantize(Decimal("0.01"))
        return Say("bot.promo.saving", off=off, amount=amount)
    if code.kind == DiscountCode.Kind.FIXED:
        return Say("bot.promo.saving", off=min(code.value, amount), amount=amount)
    return Say("bot.promo.free_delivery")


def _applies_to(code: DiscountCode, text: str) -> Say | None:
    """Whether a valid code works on the basket amount or the product the shopper names,
    by the code's own conditions; None when they name neither."""
    amount = basket_amount(text)
    if amount is not None:
        if code.min_order_total and amount < code.min_order_total:
            return Say("bot.promo.basket_too_small", code=code.code, terms=_code_terms(code),
                       amount=amount, short=code.min_order_total - amount)
        return Say("bot.promo.basket_works", code=code.code, amount=amount,
                   saving=_saving(code, amount), terms=_code_terms(code))
    if not names_what_for(text):
        return None
    products = store.product_search(text)
    if not products:
        return None
    product = products[0]
    variants = store.variant_list_for_product(product)
    if code.category and product.category != code.category:
        return Say("bot.promo.other_category", code=code.code, category=code.category,
                   product=product.name, product_category=product.category)
    if code.excludes_sale_items and variants and all(v.final_sale for v in variants):
        return Say("bot.promo.on_sale", code=code.code, product=product.name)
    price = min((v.price for v in variants), default=Decimal(0))
    if code.min_order_total and price < code.min_order_total:
        return Say("bot.promo.works_on_product_with_minimum", code=code.code,
                   product=product.name, terms=_code_terms(code), amount=code.min_order_total)
    return Say("bot.promo.works_on_product", code=code.code, product=product.name,
               terms=_code_terms(code))


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
            return {"replies": [reply(Say("bot.promo.unknown_code", code=raw.upper()))]}
        problem = _code_problem(code)
        if problem:
            return {"replies": [reply(problem, Say("bot.promo.sorry"))]}
        applied = _applies_to(code, text.replace(raw, " "))
        if applied:
            return {"replies": [reply(applied)]}
        return {"replies": [reply(Say("bot.promo.valid", code=code.code,
                                      terms=_code_terms(code)))]}
    if asks_points(text):
        conv = conversation(state)
        if not conv.is_verified:
            return proof_needed(Node.PROMO_QUESTION, ask=Say("bot.promo.points_need_proof"))
        balance = store.loyalty_balance(conv.customer)
        how = store.article_search("loyalty points how they work", topic="promotions")
        said = Say("bot.promo.points", points=balance)
        return {"replies": [reply(said, how[0].body) if how else reply(said)]}
    articles = store.article_search(text, topic="promotions")
    if articles:
        return {"replies": [reply(article(articles[0]))]}
    return {"replies": [reply(Say("bot.promo.no_general_code"))]}
