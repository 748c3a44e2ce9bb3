"""What the bot says about returns, exchanges, item changes before shipping and refunds
(agents/nodes/returns.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.formatting import Money
from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.returns.which_item_return",
        "Asking which item of an order to return.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.returns.which_item_exchange",
        "Asking which item of an order to exchange.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.returns.passed_on",
        "Policy needs a person: why, and that a colleague will reply.",
        {"why": "The order is already cancelled."},
        required=("why",),
    ),
    MessageSpec(
        "bot.returns.once_delivered",
        "After an order's status: a return starts once it is delivered.",
    ),
    MessageSpec(
        "bot.returns.refused",
        "A return or exchange policy refuses: why.",
        {"why": "The order is already cancelled."},
        required=("why",),
    ),
    MessageSpec(
        "bot.returns.refused_not_shipped",
        "A return refused as the order hasn't shipped: offers to cancel it.",
        {"why": "The order hasn't shipped yet."},
        required=("why",),
    ),
    MessageSpec(
        "bot.returns.refused_outside_window",
        "A return refused as too late: offers help if the item is faulty.",
        {"why": "The 30-day return window ended on Wednesday 4 November."},
        required=("why",),
    ),
    MessageSpec(
        "bot.returns.policy_window",
        "How returns work: the window, final-sale items returnable too.",
        {"days": 30},
        required=("days",),
    ),
    MessageSpec(
        "bot.returns.policy_window_final_sale",
        "How returns work: the window; final-sale items can't be returned.",
        {"days": 30},
        required=("days",),
    ),
    MessageSpec("bot.returns.policy_offer", "After how returns work: an offer to start one."),
    MessageSpec(
        "bot.returns.keep_it",
        "Proposal: a refund without sending the item back (returning costs more).",
        {"items": "Harbour Tee (Black, M)", "amount": Money(Decimal("24.00"), "GBP")},
        required=("items", "amount"),
    ),
    MessageSpec(
        "bot.returns.confirm_store_credit",
        "Proposal: a return with a prepaid label, settled as store credit at once.",
        {
            "items": "Harbour Tee (Black, M)",
            "number": "1042",
            "amount": Money(Decimal("24.00"), "GBP"),
        },
        required=("items", "number", "amount"),
    ),
    MessageSpec(
        "bot.returns.confirm_refund",
        "Proposal: a return with a prepaid label, refunded once the parcel arrives.",
        {
            "items": "Harbour Tee (Black, M)",
            "number": "1042",
            "amount": Money(Decimal("24.00"), "GBP"),
        },
        required=("items", "number", "amount"),
    ),
    MessageSpec("bot.returns.button_store_credit", "Button: store credit."),
    MessageSpec("bot.returns.button_refund", "Button: a refund."),
    MessageSpec("bot.returns.button_exchange", "Button: an exchange."),
    MessageSpec(
        "bot.returns.take_back",
        "Offer: the items can be taken back, within the return window.",
        {"items": "Harbour Tee (Black, M)", "number": "1042", "days": 30},
        required=("items", "number"),
    ),
    MessageSpec(
        "bot.returns.swap_size",
        "Offer: another size instead, with the sizes in stock.",
        {"sizes": "S, L, XL"},
        required=("sizes",),
    ),
    MessageSpec(
        "bot.returns.credit_or_refund",
        "Offer: store credit now or a refund once back; which?",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec("bot.returns.not_started", "The shopper said no: no return was started."),
    MessageSpec("bot.returns.which_resolution", "Asking: exchange, store credit or refund?"),
    MessageSpec(
        "bot.returns.other_product",
        "An exchange for a different product: only a person can do that.",
        {"product": "Harbour Jumper"},
        required=("product",),
    ),
    MessageSpec(
        "bot.returns.out_of_stock",
        "The version wanted in an exchange is out of stock.",
        {"product": "Harbour Tee", "wanted": "Black, L"},
        required=("product", "wanted"),
    ),
    MessageSpec(
        "bot.returns.which_instead",
        "Asking which size or colour is wanted instead of an item.",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.in_stock_or_refund",
        "The versions in stock, or a refund or store credit instead.",
        {"alternatives": "Black, L; White, M"},
        required=("alternatives",),
    ),
    MessageSpec(
        "bot.returns.none_left",
        "No other version in stock: store credit, a refund, or a back-in-stock alert.",
        {"product": "Harbour Tee", "amount": Money(Decimal("24.00"), "GBP")},
        required=("product", "amount"),
    ),
    MessageSpec(
        "bot.returns.sorry_none_left",
        "Sorry: no other version in stock; store credit, a refund, or an alert.",
        {"product": "Harbour Tee", "amount": Money(Decimal("24.00"), "GBP")},
        required=("product", "amount"),
    ),
    MessageSpec(
        "bot.returns.confirm_swap",
        "Proposal: one item exchanged for another version.",
        {
            "item": "Harbour Tee (Black, M)",
            "number": "1042",
            "product": "Harbour Tee",
            "wanted": "Black, L",
        },
        required=("item", "number", "product"),
    ),
    MessageSpec(
        "bot.returns.missing_out_in_stock",
        "A line: the version wanted for an item is out of stock; what is in stock.",
        {"item": "Harbour Tee (Black, M)", "wanted": "Black, L", "alternatives": "White, L"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.missing_out_none",
        "A line: the version wanted for an item is out of stock, and no other.",
        {"item": "Harbour Tee (Black, M)", "wanted": "Black, L"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.missing_in_stock",
        "A line: an item and the versions in stock.",
        {"item": "Harbour Tee (Black, M)", "alternatives": "White, L"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.missing_none",
        "A line: an item with no other version in stock.",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.change_which",
        "An unshipped order can be changed: which version for each item (lines)?",
        {"number": "1042", "lines": "- Harbour Tee (Black, M) — in stock: White, L"},
        required=("number", "lines"),
    ),
    MessageSpec(
        "bot.returns.change_line",
        "A line: an item and the version it becomes.",
        {"item": "Harbour Tee (Black, M)", "wanted": "Black, L"},
        required=("item", "wanted"),
    ),
    MessageSpec("bot.returns.price_same", "An item change: the price is the same."),
    MessageSpec(
        "bot.returns.price_more",
        "An item change: the new items cost more, charged.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.returns.price_less",
        "An item change: the new items cost less, refunded.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.returns.confirm_change",
        "Proposal: an unshipped order's items changed (lines), and the price.",
        {
            "number": "1042",
            "lines": "- Harbour Tee (Black, M) → Black, L",
            "price": "The price is the same.",
        },
        required=("number", "lines", "price"),
    ),
    MessageSpec(
        "bot.returns.which_for_each",
        "Asking which version is wanted for each item (lines).",
        {"lines": "- Harbour Tee (Black, M) — in stock: White, L"},
        required=("lines",),
    ),
    MessageSpec(
        "bot.returns.swap_line",
        "A line: an item and the version it is swapped for.",
        {"item": "Harbour Tee (Black, M)", "wanted": "Black, L"},
        required=("item", "wanted"),
    ),
    MessageSpec(
        "bot.returns.confirm_swaps",
        "Proposal: several items exchanged (lines), one return label.",
        {"number": "1042", "lines": "- Harbour Tee (Black, M) for Black, L"},
        required=("number", "lines"),
    ),
    MessageSpec(
        "bot.returns.swap_item_line",
        "A line of a combined proposal: an item swapped.",
        {"item": "Harbour Tee (Black, M)", "wanted": "Black, L"},
        required=("item", "wanted"),
    ),
    MessageSpec(
        "bot.returns.return_item_line",
        "A line of a combined proposal: an item returned.",
        {"item": "Rain Jacket (Navy, M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.returns.confirm_swap_and_credit",
        "Proposal: some items swapped, others returned for store credit (lines).",
        {
            "number": "1042",
            "swaps": "- swap Boots (UK 9) for UK 10",
            "returns": "- return Rain Jacket (Navy, M)",
            "amount": Money(Decimal("24.00"), "GBP"),
        },
        required=("number", "swaps", "returns", "amount"),
    ),
    MessageSpec(
        "bot.returns.confirm_swap_and_refund",
        "Proposal: some items swapped, others returned for a refund (lines).",
        {
            "number": "1042",
            "swaps": "- swap Boots (UK 9) for UK 10",
            "returns": "- return Rain Jacket (Navy, M)",
            "amount": Money(Decimal("24.00"), "GBP"),
        },
        required=("number", "swaps", "returns", "amount"),
    ),
    MessageSpec(
        "bot.returns.refund_same_method",
        "Refunds only go back to the method the order was paid with.",
    ),
    MessageSpec(
        "bot.returns.refunds_on_order",
        "Heads the refunds of an order, each said after it.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.returns.refund_completed",
        "A refund to the original payment method, completed on a day.",
        {"amount": Money(Decimal("24.00"), "GBP"), "day": date(2026, 11, 17)},
        required=("amount", "day"),
    ),
    MessageSpec(
        "bot.returns.refund_completed_credit",
        "A refund as store credit, completed on a day.",
        {"amount": Money(Decimal("24.00"), "GBP"), "day": date(2026, 11, 17)},
        required=("amount", "day"),
    ),
    MessageSpec(
        "bot.returns.refund_failed",
        "A refund to the original payment method failed.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.returns.refund_failed_credit",
        "A refund as store credit failed.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.returns.refund_overdue",
        "A refund to the original payment method, later than expected: an apology.",
        {
            "amount": Money(Decimal("24.00"), "GBP"),
            "day": date(2026, 11, 17),
            "expected": date(2026, 11, 24),
        },
        required=("amount", "day", "expected"),
    ),
    MessageSpec(
        "bot.returns.refund_overdue_credit",
        "A refund as store credit, later than expected: an apology.",
        {
            "amount": Money(Decimal("24.00"), "GBP"),
            "day": date(2026, 11, 17),
            "expected": date(2026, 11, 24),
        },
        required=("amount", "day", "expected"),
    ),
    MessageSpec(
        "bot.returns.refund_sent_expected",
        "A refund to the original payment method, sent, with the day it should arrive.",
        {
            "amount": Money(Decimal("24.00"), "GBP"),
            "day": date(2026, 11, 17),
            "expected": date(2026, 11, 24),
        },
        required=("amount", "day", "expected"),
    ),
    MessageSpec(
        "bot.returns.refund_sent_expected_credit",
        "A refund as store credit, sent, with the day it should arrive.",
        {
            "amount": Money(Decimal("24.00"), "GBP"),
            "day": date(2026, 11, 17),
            "expected": date(2026, 11, 24),
        },
        required=("amount", "day", "expected"),
    ),
    MessageSpec(
        "bot.returns.refund_sent",
        "A refund to the original payment method, sent on a day.",
        {"amount": Money(Decimal("24.00"), "GBP"), "day": date(2026, 11, 17)},
        required=("amount", "day"),
    ),
    MessageSpec(
        "bot.returns.refund_sent_credit",
        "A refund as store credit, sent on a day.",
        {"amount": Money(Decimal("24.00"), "GBP"), "day": date(2026, 11, 17)},
        required=("amount", "day"),
    ),
    MessageSpec(
        "bot.returns.refund_chase_offer", "An overdue refund: a person can chase it if asked."
    ),
    MessageSpec("bot.returns.refund_chasing", "An overdue refund: a colleague is chasing it."),
    MessageSpec("bot.returns.card_refund_days", "Card refunds take a few working days to show."),
    MessageSpec(
        "bot.returns.return_on_its_way",
        "A return not received yet: the refund follows its arrival.",
        {"return_number": "R-1042-1", "number": "1042"},
        required=("return_number", "number"),
    ),
    MessageSpec(
        "bot.returns.return_on_its_way_tracked",
        "A return not received yet, with its tracking: the refund follows its arrival.",
        {"return_number": "R-1042-1", "number": "1042", "tracking": "RT123456789GB"},
        required=("return_number", "number", "tracking"),
    ),
    MessageSpec(
        "bot.returns.return_received",
        "A return received: the refund is being processed.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.returns.no_refund",
        "No refund or return on an order: an offer to start one.",
        {"number": "1042"},
        required=("number",),
    ),
)
