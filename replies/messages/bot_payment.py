"""What the bot says about payments: declines, double charges, fraud and paying an order
another way (agents/nodes/payment.py)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from core.formatting import Money
from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec("bot.payment.fraud", "A shopper reports fraud: passed to the payments team."),
    MessageSpec("bot.payment.declined", "A declined payment: what to check."),
    MessageSpec(
        "bot.payment.charged_twice",
        "Several charges for one order: passed to the payments team.",
        {
            "count": 2,
            "amount": Money(Decimal("45.00"), "GBP"),
            "number": "1042",
            "times": "Tuesday 17 November at 14:05, Tuesday 17 November at 14:06",
        },
        required=("count", "amount", "number"),
    ),
    MessageSpec(
        "bot.payment.comma",
        "Two moments of a list, one after the other.",
        {"first": "Tuesday 17 November at 14:05", "rest": "Tuesday 17 November at 14:06"},
        required=("first", "rest"),
    ),
    MessageSpec(
        "bot.payment.then",
        "Two saved payment methods of a list, one after the other.",
        {"first": "Visa ending 4242", "rest": "PayPal"},
        required=("first", "rest"),
    ),
    MessageSpec(
        "bot.payment.one_charge",
        "The one charge taken for an order.",
        {
            "number": "1042",
            "amount": Money(Decimal("45.00"), "GBP"),
            "at": datetime(2026, 11, 17, 14, 5),
            "reference": "pi_3Nx",
        },
        required=("number", "amount"),
    ),
    MessageSpec(
        "bot.payment.no_charge",
        "No completed payment for an order.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.payment.bank_differs",
        "After what the shop sees: a person looks if the bank shows otherwise.",
    ),
    MessageSpec(
        "bot.payment.second_amount",
        "A second amount on a statement: often an authorisation; passed on.",
    ),
    MessageSpec(
        "bot.payment.passed_on",
        "Changing the payment needs a person: why, and that a colleague will reply.",
        {"why": "Payment methods are changed by a colleague."},
        required=("why",),
    ),
    MessageSpec(
        "bot.payment.refused",
        "Changing the payment is refused: why.",
        {"why": "The order has already shipped."},
        required=("why",),
    ),
    MessageSpec(
        "bot.payment.left_as_is",
        "The shopper said no: the payment is left as it is.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.payment.paid_with",
        "How an order is paid now (said after another sentence, with a leading space).",
        {"number": "1042", "method": "Visa ending 4242"},
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.payment.none_saved",
        "No other saved payment method to switch to.",
        {"paid_with": " Order #1042 is paid with Visa ending 4242."},
    ),
    MessageSpec(
        "bot.payment.choose_saved",
        "The other saved payment methods: which one?",
        {
            "methods": "Visa ending 4242; PayPal",
            "paid_with": " Order #1042 is paid with Mastercard ending 1111.",
        },
        required=("methods",),
    ),
    MessageSpec(
        "bot.payment.confirm_change",
        "Proposal: pay for an order with another saved method.",
        {
            "number": "1042",
            "amount": Money(Decimal("45.00"), "GBP"),
            "current": "Mastercard ending 1111",
            "method": "Visa ending 4242",
        },
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.payment.confirm_change_from_original",
        "Proposal: pay for an order with another saved method, instead of the original one.",
        {"number": "1042", "amount": Money(Decimal("45.00"), "GBP"), "method": "Visa ending 4242"},
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.payment.card_ending",
        "A saved card, by brand and last four digits.",
        {"brand": "Visa", "last4": "4242"},
        required=("brand", "last4"),
    ),
    MessageSpec("bot.payment.card", "A saved card of unknown brand."),
    MessageSpec(
        "bot.payment.gift_card_left",
        "A gift card and what is left on it.",
        {"balance": "12.00"},
        required=("balance",),
    ),
    MessageSpec("bot.payment.gift_card", "A gift card."),
)
