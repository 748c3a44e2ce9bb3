"""What the bot says about discount codes, loyalty points and promotions
(agents/nodes/promo.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.promo.inactive",
        "A discount code no longer active.",
        {"code": "WELCOME10"},
        required=("code",),
    ),
    MessageSpec(
        "bot.promo.not_started",
        "A discount code that starts later.",
        {"code": "WELCOME10", "day": date(2026, 11, 30)},
        required=("code", "day"),
    ),
    MessageSpec(
        "bot.promo.expired",
        "A discount code that has expired.",
        {"code": "WELCOME10", "day": date(2026, 11, 30)},
        required=("code", "day"),
    ),
    MessageSpec(
        "bot.promo.used_up",
        "A discount code used as often as it may be.",
        {"code": "WELCOME10"},
        required=("code",),
    ),
    MessageSpec("bot.promo.sorry", "An apology after why a code doesn't work."),
    MessageSpec(
        "bot.promo.percent_off",
        "What a code gives: a percentage off.",
        {"percent": "10"},
        required=("percent",),
    ),
    MessageSpec(
        "bot.promo.amount_off",
        "What a code gives: an amount off.",
        {"amount": Decimal("5.00")},
        required=("amount",),
    ),
    MessageSpec("bot.promo.free_delivery", "What a code gives: free delivery."),
    MessageSpec(
        "bot.promo.min_total",
        "A code's condition: a minimum order.",
        {"amount": Decimal("50.00")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.promo.category_only",
        "A code's condition: one category only.",
        {"category": "outerwear"},
        required=("category",),
    ),
    MessageSpec("bot.promo.no_sale_items", "A code's condition: not on sale items."),
    MessageSpec(
        "bot.promo.until",
        "A code's condition: until a day.",
        {"day": date(2026, 11, 30)},
        required=("day",),
    ),
    MessageSpec(
        "bot.promo.and_then",
        "Two terms of a code, one after the other.",
        {"first": "10% off", "rest": "on orders of £50.00 or more"},
        required=("first", "rest"),
    ),
    MessageSpec(
        "bot.promo.saving",
        "What a code takes off an amount.",
        {"off": Decimal("6.00"), "amount": Decimal("60.00")},
        required=("off", "amount"),
    ),
    MessageSpec(
        "bot.promo.basket_too_small",
        "A code that won't work on a basket below its minimum.",
        {
            "code": "WELCOME10",
            "terms": "10% off on orders of £50.00 or more",
            "amount": Decimal("40.00"),
            "short": Decimal("10.00"),
        },
        required=("code", "amount", "short"),
    ),
    MessageSpec(
        "bot.promo.basket_works",
        "A code that works on a basket: the saving.",
        {
            "code": "WELCOME10",
            "amount": Decimal("60.00"),
            "saving": "£6.00 off £60.00",
            "terms": "10% off on orders of £50.00 or more",
        },
        required=("code", "amount", "saving"),
    ),
    MessageSpec(
        "bot.promo.other_category",
        "A code for another category than the product's.",
        {
            "code": "WELCOME10",
            "category": "outerwear",
            "product": "Harbour Tee",
            "product_category": "tops",
        },
        required=("code", "category", "product"),
    ),
    MessageSpec(
        "bot.promo.on_sale",
        "A code that excludes sale items, for a product on sale.",
        {"code": "WELCOME10", "product": "Harbour Tee"},
        required=("code", "product"),
    ),
    MessageSpec(
        "bot.promo.works_on_product_with_minimum",
        "A code that works on a product, with the basket minimum it needs.",
        {
            "code": "WELCOME10",
            "product": "Fell Boot",
            "terms": "10% off on orders of £50.00 or more",
            "amount": Decimal("50.00"),
        },
        required=("code", "product", "amount"),
    ),
    MessageSpec(
        "bot.promo.works_on_product",
        "A code that works on a product.",
        {
            "code": "WELCOME10",
            "product": "Fell Boot",
            "terms": "10% off on orders of £50.00 or more",
        },
        required=("code", "product"),
    ),
    MessageSpec(
        "bot.promo.unknown_code",
        "No discount code by that name.",
        {"code": "WELCOME10"},
        required=("code",),
    ),
    MessageSpec(
        "bot.promo.valid",
        "A valid code: its terms and how to use it.",
        {"code": "WELCOME10", "terms": "10% off on orders of £50.00 or more"},
        required=("code", "terms"),
    ),
    MessageSpec("bot.promo.points_need_proof", "Loyalty points need proof of who the shopper is."),
    MessageSpec(
        "bot.promo.points", "The shopper's loyalty points.", {"points": 240}, required=("points",)
    ),
    MessageSpec("bot.promo.no_general_code", "No general discount code to share."),
)
