"""The bot's words about the shopper's orders: where a parcel is, what is in an order and
what it cost, cancelling and re-addressing it, a parcel that went wrong, and what the
shopper is told once a confirmed action is done."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from core.formatting import Money
from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.order.promised_by",
        "Where is my order: the delivery date the shop promised.",
        {"date": date(2026, 11, 19)},
        required=("date",),
    ),
    MessageSpec(
        "bot.order.late_offer",
        "A parcel late against the promised date: sorry, and a discount code offered.",
        {"percent": 10},
        required=("percent",),
    ),
    MessageSpec(
        "bot.order.arrived_late_offer",
        "A parcel that arrived after the promised date: sorry, and a discount code offered.",
        {"date": date(2026, 11, 19), "percent": 10},
        required=("date", "percent"),
    ),
    MessageSpec(
        "bot.order.tracking_unreachable",
        "Live tracking could not be reached: the last scan known is all there is.",
        {"carrier": "DPD"},
        required=("carrier",),
    ),
    MessageSpec(
        "bot.order.tracking_stale",
        "No new carrier scan for too long.",
        {"when": datetime(2026, 11, 17, 14, 5)},
        required=("when",),
    ),
    MessageSpec(
        "bot.order.button_send_code",
        "Button: take up the offered apology code.",
    ),
    MessageSpec(
        "bot.order.apology_summary",
        "Proposal: create an apology discount code.",
        {"percent": 10},
        required=("percent",),
    ),
    MessageSpec(
        "bot.order.cancel.already_delivered",
        "Cancel refused: the order was delivered.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.cancel.already_shipped",
        "Cancel refused: the order has shipped.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.cancel.refused",
        "Cancel refused for another reason (the policy's words).",
        {"why": "The order is already cancelled."},
        required=("why",),
    ),
    MessageSpec(
        "bot.order.address.already_delivered",
        "Address change refused: the order was delivered.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.address.already_shipped",
        "Address change refused: the order has shipped.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.address.refused",
        "Address change refused for another reason (the policy's words).",
        {"why": "The order is cancelled."},
        required=("why",),
    ),
    MessageSpec(
        "bot.order.cancel.none_possible",
        "None of the orders named can be cancelled.",
    ),
    MessageSpec(
        "bot.order.cancel.summary",
        "Proposal: cancel one order (not paid yet).",
        {"number": "1042", "items": "1 × Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.cancel.summary_paid",
        "Proposal: cancel one paid order, refunded.",
        {"number": "1042", "items": "1 × Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.cancel.summary_line",
        "Proposal to cancel several orders: one order's line.",
        {"number": "1042", "items": "1 × Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.cancel.summary_several",
        "Proposal: cancel several orders, one per line.",
        {"count": 2, "lines": "- #1042 (1 × Linen shirt), placed on Tuesday 3 November"},
        required=("count", "lines"),
    ),
    MessageSpec(
        "bot.order.cancel.summary_several_paid",
        "Proposal: cancel several orders, some paid.",
        {"count": 2, "lines": "- #1042 (1 × Linen shirt), placed on Tuesday 3 November"},
        required=("count", "lines"),
    ),
    MessageSpec(
        "bot.order.address.carrier_holds",
        "The carrier holds the parcel for an address problem: asks for the corrected address.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.address.passed_to_colleague",
        "The corrected address went to a person, who gives it to the carrier.",
        {"address": "12 Elm Street, Leeds, LS1 4AB"},
        required=("address",),
    ),
    MessageSpec(
        "bot.order.address.unchanged",
        "The shopper keeps the address after all.",
        {"number": "1042", "address": "12 Elm Street, Leeds, LS1 4AB"},
        required=("number", "address"),
    ),
    MessageSpec(
        "bot.order.address.ask_new",
        "Before it ships: asks for the new delivery address.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order.address.summary",
        "Proposal: change an order's delivery address.",
        {
            "number": "1042",
            "old": "1 Park Road, York, YO1 7HH",
            "new": "12 Elm Street, Leeds, LS1 4AB",
        },
        required=("number", "new"),
    ),
    MessageSpec(
        "bot.confirm.nothing_changed",
        "The shopper said no to a proposal.",
    ),
    MessageSpec(
        "bot.confirm.just_to_check",
        "Asks again for a plain yes or no to the proposal.",
        {"summary": "I'll cancel order #1042 (1 × Linen shirt), placed on Tuesday 3 November."},
        required=("summary",),
    ),
    MessageSpec(
        "bot.confirm.just_to_check_plain",
        "Asks again for a yes or no, the proposal unknown.",
    ),
    MessageSpec(
        "bot.confirm.button_yes",
        "Button: yes to a proposal.",
    ),
    MessageSpec(
        "bot.confirm.button_no",
        "Button: no to a proposal.",
    ),
    MessageSpec(
        "bot.confirm.lost_track",
        "A proposal that can no longer be read.",
    ),
    MessageSpec(
        "bot.confirm.not_your_order",
        "An action on an order this conversation may not act on.",
    ),
    MessageSpec(
        "bot.confirm.refused",
        "A confirmed action policy refused at the last moment (the policy's words).",
        {"why": "The order has already shipped."},
        required=("why",),
    ),
    MessageSpec(
        "bot.confirm.cancelled",
        "Done: an unpaid order is cancelled.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.confirm.cancelled_refund",
        "Done: an order is cancelled and its payment refunded.",
        {"number": "1042", "amount": Money(Decimal("25.00"), "EUR")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "bot.confirm.address_changed",
        "Done: an order's delivery address is changed.",
        {"number": "1042", "address": "12 Elm Street, Leeds LS1 4AB"},
        required=("number", "address"),
    ),
    MessageSpec(
        "bot.confirm.items_changed",
        "Done: an order's items are changed, same price.",
        {"number": "1042", "items": "1 × Linen shirt (M)"},
        required=("number", "items"),
    ),
    MessageSpec(
        "bot.confirm.items_changed_charged",
        "Done: an order's items are changed, the difference charged.",
        {"number": "1042", "items": "1 × Linen shirt (M)", "amount": Money(Decimal("5.00"), "GBP")},
        required=("number", "items", "amount"),
    ),
    MessageSpec(
        "bot.confirm.items_changed_refunded",
        "Done: an order's items are changed, the difference refunded.",
        {"number": "1042", "items": "1 × Linen shirt (M)", "amount": Money(Decimal("5.00"), "GBP")},
        required=("number", "items", "amount"),
    ),
    MessageSpec(
        "bot.confirm.payment_changed",
        "Done: an order is paid another way.",
        {"number": "1042", "method": "Visa ending 4242"},
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.confirm.apology_code",
        "Done: the apology discount code.",
        {"code": "SORRY-7KQ2", "percent": 10},
        required=("code", "percent"),
    ),
    MessageSpec(
        "bot.confirm.store_credit_added",
        "Done: a refund as store credit.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.confirm.refunded",
        "Done: a refund to the original payment method.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.confirm.replacement_sent",
        "Done: a free replacement order for a missing parcel.",
        {"replacement": "1057"},
        required=("replacement",),
    ),
    MessageSpec(
        "bot.confirm.return_keep_it",
        "Done: a return where the shopper keeps the item, refunded.",
        {"number": "R-1042-1", "amount": Money(Decimal("24.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "bot.confirm.return_open",
        "Done: a return is open, with its prepaid label and what happens next.",
        {
            "number": "R-1042-1",
            "tracking": "RT123456789GB",
            "url": "https://shop.example/labels/R-1042-1.pdf",
            "how": "We'll send the replacement as soon as the carrier scans your parcel.",
        },
        required=("number", "url"),
    ),
    MessageSpec(
        "bot.confirm.return_how.exchange",
        "After a return opens: the exchange is sent once the parcel is scanned.",
    ),
    MessageSpec(
        "bot.confirm.return_how.store_credit",
        "After a return opens: store credit given already.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.confirm.return_how.refund",
        "After a return opens: refunded once the parcel is back.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.confirm.missing_leave_it",
        "A missing parcel: the shopper wants neither remedy now.",
    ),
    MessageSpec(
        "bot.confirm.missing_which_remedy",
        "A missing parcel: replacement or refund?",
    ),
    MessageSpec(
        "bot.confirm.which_order",
        "Asks which order a request is about.",
    ),
    MessageSpec(
        "bot.confirm.missing_handed_over",
        "A missing-parcel remedy needs a person (the policy's words first).",
        {"why": "This order is worth more than the bot may refund."},
        required=("why",),
    ),
    MessageSpec(
        "bot.confirm.missing_refused",
        "A missing-parcel remedy policy refused (the policy's words).",
        {"why": "The parcel is still on its way."},
        required=("why",),
    ),
    MessageSpec(
        "bot.confirm.vip_personally",
        "A VIP's missing parcel: a person looks after it.",
    ),
    MessageSpec(
        "bot.confirm.missing_refund_summary",
        "Proposal: refund a missing parcel's order.",
        {"number": "1042", "amount": Money(Decimal("24.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "bot.confirm.missing_reship_summary",
        "Proposal: send a free replacement of a missing parcel's order.",
        {"number": "1042", "address": "12 Elm Street, Leeds, LS1 4AB"},
        required=("number", "address"),
    ),
    MessageSpec(
        "bot.delivery.nothing_reached_yet",
        "A damaged or wrong item reported for an order not shipped yet (after its status).",
    ),
    MessageSpec(
        "bot.delivery.damaged_with_photo",
        "A damaged parcel reported with a photo: a person reviews it.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.delivery.damaged_ask_photo",
        "A damaged parcel reported without a photo: asks for one; a person reviews it.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.delivery.which_item_wrong",
        "A wrong item received: which one?",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.delivery.wrong_item_vip",
        "A VIP received a wrong item: a person looks after it.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.delivery.wrong_item_refund_summary",
        "Proposal: a wrong item received, the right one out of stock: return label and refund.",
        {"item": "Linen shirt (M)", "amount": Money(Decimal("24.00"), "GBP")},
        required=("item", "amount"),
    ),
    MessageSpec(
        "bot.delivery.wrong_item_exchange_summary",
        "Proposal: a wrong item received: return label, and the right one sent now.",
        {"item": "Linen shirt (M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.delivery.already_refunded",
        "A missing parcel already refunded.",
        {"number": "1042", "amount": Money(Decimal("24.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "bot.delivery.already_reshipped",
        "A missing parcel already replaced.",
        {"number": "1042", "replacement": "1057"},
        required=("number", "replacement"),
    ),
    MessageSpec(
        "bot.delivery.still_on_its_way",
        "Reported missing, but not marked delivered yet (after its status).",
    ),
    MessageSpec(
        "bot.delivery.investigation",
        "A missing parcel a person investigates with the carrier (the policy's words in the "
        "middle).",
        {"why": "Parcels worth this much are checked with the carrier first."},
        required=("why",),
    ),
    MessageSpec(
        "bot.delivery.missing_vip",
        "A VIP's missing parcel: a person looks after it.",
    ),
    MessageSpec(
        "bot.delivery.check_neighbours",
        "Marked delivered but not received: check with neighbours first.",
    ),
    MessageSpec(
        "bot.delivery.missing_offer",
        "A missing parcel: replacement or refund offered.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "bot.delivery.button_replacement",
        "Button: a replacement for a missing parcel.",
    ),
    MessageSpec(
        "bot.delivery.button_refund",
        "Button: a refund for a missing parcel.",
    ),
    MessageSpec(
        "bot.delivery.checkin_problem",
        "Answer to 'something went wrong' after a delivery check-in.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.delivery.checkin_all_good",
        "Answer to 'all good' after a delivery check-in.",
    ),
    MessageSpec(
        "bot.facts.paid_with",
        "How an order was paid: the method on file.",
        {"number": "1042", "method": "Visa ending 4242"},
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.facts.paid_by",
        "How an order was paid: the kind of payment taken.",
        {"number": "1042", "method": "paypal"},
        required=("number", "method"),
    ),
    MessageSpec(
        "bot.facts.no_payment",
        "How an order was paid: no payment taken yet.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.no_address",
        "Where an order goes: no address on it.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.address",
        "Where an order goes.",
        {"number": "1042", "address": "12 Elm Street, Leeds, LS1 4AB"},
        required=("number", "address"),
    ),
    MessageSpec(
        "bot.facts.items_one",
        "What is in an order: one item, its line below.",
        {"number": "1042", "lines": "- 1 × Linen shirt (M), £24.00"},
        required=("number", "lines"),
    ),
    MessageSpec(
        "bot.facts.items_many",
        "What is in an order: several items, one line each.",
        {"number": "1042", "count": 2, "lines": "- 2 × Linen shirt (M), £24.00 each"},
        required=("number", "count", "lines"),
    ),
    MessageSpec(
        "bot.facts.item_line",
        "One line of an order's items: one at that price.",
        {"quantity": 1, "item": "Linen shirt (M)", "price": Money(Decimal("24.00"), "GBP")},
        required=("quantity", "item", "price"),
    ),
    MessageSpec(
        "bot.facts.item_line_each",
        "One line of an order's items: several at that price each.",
        {"quantity": 2, "item": "Linen shirt (M)", "price": Money(Decimal("24.00"), "GBP")},
        required=("quantity", "item", "price"),
    ),
    MessageSpec(
        "bot.facts.total",
        "What an order cost, with free delivery.",
        {"number": "1042", "total": Money(Decimal("28.95"), "GBP")},
        required=("number", "total"),
    ),
    MessageSpec(
        "bot.facts.total_with_delivery",
        "What an order cost: the items and the delivery.",
        {
            "number": "1042",
            "total": Money(Decimal("28.95"), "GBP"),
            "subtotal": Money(Decimal("24.00"), "GBP"),
            "delivery": Money(Decimal("4.95"), "GBP"),
        },
        required=("number", "total"),
    ),
    MessageSpec(
        "bot.facts.no_tracking",
        "An order's tracking number: not with a carrier yet.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.tracking",
        "An order's tracking number, one per parcel.",
        {"number": "1042", "carrier": "Royal Mail", "tracking": "RM123456789GB"},
        required=("number", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.facts.no_items",
        "An order without items.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.cheapest",
        "The cheapest item of an order.",
        {"number": "1042", "item": "Linen shirt (M)", "price": Money(Decimal("24.00"), "GBP")},
        required=("number", "item", "price"),
    ),
    MessageSpec(
        "bot.facts.dearest",
        "The most expensive item of an order.",
        {"number": "1042", "item": "Linen shirt (M)", "price": Money(Decimal("24.00"), "GBP")},
        required=("number", "item", "price"),
    ),
    MessageSpec(
        "bot.facts.all_arrived",
        "Open orders asked for: none left.",
    ),
    MessageSpec(
        "bot.facts.open_orders",
        "Open orders asked for: one line each.",
        {"lines": "- #1042 (Linen shirt), placed Tuesday 3 November: being prepared"},
        required=("lines",),
    ),
    MessageSpec(
        "bot.facts.open_line.pending",
        "An open order's line: waiting for payment.",
        {"number": "1042", "items": "Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.open_line.processing",
        "An open order's line: being prepared.",
        {"number": "1042", "items": "Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
    MessageSpec(
        "bot.facts.open_line.shipped",
        "An open order's line: on its way.",
        {"number": "1042", "items": "Linen shirt", "placed": date(2026, 11, 3)},
        required=("number",),
    ),
)
