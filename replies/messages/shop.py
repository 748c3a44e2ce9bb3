"""The messages of the shop's own pipeline: moments, notices, codes, the return label,
the site chat, policy decisions and the inbox's decisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.formatting import Money
from replies.messages.spec import SHOP as _SHOP
from replies.messages.spec import MessageSpec

SPECS = (
    # Moments, as core.formatting.when and since say them.
    MessageSpec(
        "time.day_at_time",
        "A day and a time ('Tuesday 17 November at 14:05').",
        {"day": "Tuesday 17 November", "time": "14:05"},
        required=("day", "time"),
    ),
    MessageSpec(
        "time.since_today",
        "A moment earlier today ('since 14:05 today').",
        {"time": "14:05"},
        required=("time",),
    ),
    MessageSpec(
        "time.since_weekday",
        "A moment in the last week ('since Tuesday').",
        {"weekday": "Tuesday"},
        required=("weekday",),
    ),
    MessageSpec(
        "time.since_day",
        "An older moment ('since 3 November').",
        {"day": "3 November"},
        required=("day",),
    ),
    # Notices sent to the contact on file after a change a shopper asked for in a chat.
    MessageSpec(
        "notice.cancel.subject",
        "Email subject: an order was cancelled in a chat.",
        {"number": "1042", **_SHOP},
        required=("number",),
    ),
    MessageSpec(
        "notice.cancel.text",
        "Notice: an order was cancelled in a chat.",
        {"number": "1042", **_SHOP},
        required=("number",),
    ),
    MessageSpec(
        "notice.change_address.subject",
        "Email subject: an order's delivery address was changed in a chat.",
        {"number": "1042", **_SHOP},
        required=("number",),
    ),
    MessageSpec(
        "notice.change_address.text",
        "Notice: an order's delivery address was changed in a chat.",
        {"number": "1042", "address": "12 Elm Street, Leeds, LS1 4AB", **_SHOP},
        required=("number", "address"),
    ),
    MessageSpec("notice.not_you", "Closes every notice: what to do if it wasn't them."),
    # One-time codes.
    MessageSpec("code.subject", "Email subject of a one-time code.", dict(_SHOP)),
    MessageSpec(
        "code.text",
        "A one-time code sent to the contact on file.",
        {
            "code": "482913",
            "why": "Someone asked to link a WhatsApp chat to your account.",
            "minutes": 15,
            **_SHOP,
        },
        required=("code", "minutes"),
    ),
    MessageSpec(
        "code.why_link",
        "Why a code was sent: linking a chat to an account.",
        {"channel": "WhatsApp"},
    ),
    MessageSpec(
        "code.why_step_up",
        "Why a code was sent: proving it before a change.",
        {"purpose": "change a delivery address", "channel": "WhatsApp"},
    ),
    MessageSpec(
        "code.purpose.change_address",
        "What a code proves, in code.why_step_up: an address change.",
    ),
    # The conversation pipeline's own words.
    MessageSpec(
        "flood.slow_down", "Said once when a shopper sends too many messages a minute."
    ),
    MessageSpec(
        "email.default_subject", "Subject of an email reply to a mail without one.", dict(_SHOP)
    ),
    # The return label (a PDF; Helvetica, so Western European letters only).
    MessageSpec(
        "label.title", "Return label heading.", {"number": "R-1042-1"}, required=("number",)
    ),
    MessageSpec(
        "label.carrier",
        "Return label: the carrier, prepaid.",
        {"carrier": "DPD"},
        required=("carrier",),
    ),
    MessageSpec("label.from", "Return label: sender's address heading."),
    MessageSpec("label.to", "Return label: recipient's address heading."),
    MessageSpec(
        "label.returns_department", "Return label: the shop's returns department.", dict(_SHOP)
    ),
    MessageSpec(
        "label.order",
        "Return label: the order it belongs to.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec("label.download", "Site chat: the link to a return label."),
    # The site chat widget.
    MessageSpec("site.open_chat", "Site chat: the button that opens it."),
    MessageSpec("site.support", "Site chat: its title.", dict(_SHOP)),
    MessageSpec("site.answers_fast", "Site chat: the line under its title."),
    MessageSpec("site.placeholder", "Site chat: the empty message box."),
    MessageSpec("site.send", "Site chat: the send button."),
    MessageSpec("site.reconnecting", "Site chat: while the connection is being restored."),
    # Policy decisions: why something may or may not be done (commerce/policy.py).
    MessageSpec("policy.cancel.before_shipping", "Before it ships, an order can be cancelled."),
    MessageSpec(
        "policy.cancel.already_cancelled", "Cancelling an order that is already cancelled."
    ),
    MessageSpec("policy.cancel.already_shipped", "Cancelling an order that has shipped."),
    MessageSpec(
        "policy.address.before_shipping", "Before it ships, an order's address can be changed."
    ),
    MessageSpec("policy.address.order_cancelled", "Changing the address of a cancelled order."),
    MessageSpec(
        "policy.address.already_shipped", "Changing the address of an order that has shipped."
    ),
    MessageSpec("policy.address.incomplete", "A new address without a street or a postcode."),
    MessageSpec(
        "policy.items.already_shipped", "Changing the items of an order that has shipped."
    ),
    MessageSpec("policy.items.order_cancelled", "Changing the items of a cancelled order."),
    MessageSpec("policy.items.other_product", "Changing an item for a different product."),
    MessageSpec(
        "policy.items.out_of_stock",
        "Changing an item for a version that is out of stock.",
        {"item": "Classic Tee / Black / L"},
        required=("item",),
    ),
    MessageSpec(
        "policy.items.before_shipping", "Before it ships, an order's items can be changed."
    ),
    MessageSpec(
        "policy.payment.already_shipped", "Changing the payment of an order that has shipped."
    ),
    MessageSpec("policy.payment.by_person", "The shop has a person change payment methods."),
    MessageSpec(
        "policy.payment.before_shipping", "Before it ships, an order's payment can be changed."
    ),
    MessageSpec(
        "policy.identity.not_owner_payment_method",
        "Paying with a method saved on someone else's account.",
    ),
    MessageSpec(
        "policy.payment.gift_card_balance",
        "A gift card that can't pay for the whole order.",
        {"balance": Money(Decimal("12.00"), "GBP"), "total": Money(Decimal("45.00"), "GBP")},
        required=("balance", "total"),
    ),
    MessageSpec("policy.payment.method_ok", "A saved method that can pay for the order."),
    MessageSpec("policy.return.order_cancelled", "Returning a cancelled order."),
    MessageSpec(
        "policy.return.already_returned", "Returning an order that was returned in full."
    ),
    MessageSpec("policy.return.not_shipped", "Returning an order that hasn't shipped."),
    MessageSpec(
        "policy.return.not_delivered", "Returning a parcel that hasn't been delivered."
    ),
    MessageSpec(
        "policy.return.already_compensated",
        "Returning a parcel already refunded or replaced as missing.",
    ),
    MessageSpec(
        "policy.return.item_already_returned",
        "Returning an item already returned.",
        {"item": "TEE-BLK-L"},
        required=("item",),
    ),
    MessageSpec("policy.return.final_sale", "Returning a final-sale item."),
    MessageSpec(
        "policy.return.outside_window",
        "A return after the return window.",
        {"days": 30, "deadline": date(2026, 11, 4)},
        required=("days", "deadline"),
    ),
    MessageSpec(
        "policy.return.outside_window_exception",
        "A return after the return window, where a person may make an exception.",
        {"days": 30, "deadline": date(2026, 11, 4)},
        required=("days", "deadline"),
    ),
    MessageSpec(
        "policy.refund.above_threshold",
        "A refund above what the bot may give alone.",
        {"limit": Money(Decimal("100.00"), "GBP")},
        required=("limit",),
    ),
    MessageSpec(
        "policy.return.keep_it",
        "An item refunded without a return, as sending it back costs more.",
    ),
    MessageSpec(
        "policy.return.within_window",
        "A return within the return window.",
        {"days": 30},
        required=("days",),
    ),
    MessageSpec(
        "policy.return.items_not_on_order", "Returning items that are not on the order."
    ),
    MessageSpec(
        "policy.exchange.out_of_stock",
        "Exchanging for a version that is out of stock.",
        {"item": "TEE-BLK-XL"},
        required=("item",),
    ),
    MessageSpec(
        "policy.missing.not_delivered_yet",
        "Reporting a parcel missing before the carrier marked it delivered.",
    ),
    MessageSpec(
        "policy.missing.claim_window",
        "Reporting a parcel missing too long after its delivery scan.",
        {"days": 14},
        required=("days",),
    ),
    MessageSpec(
        "policy.missing.high_value",
        "A missing parcel worth more than the bot may resolve alone.",
    ),
    MessageSpec("policy.missing.within_policy", "A missing parcel the bot may resolve."),
    MessageSpec(
        "policy.missing.already_refunded", "A missing parcel that was already refunded."
    ),
    MessageSpec(
        "policy.missing.already_replaced",
        "A missing parcel that was already replaced.",
        {"number": "1043"},
        required=("number",),
    ),
    MessageSpec("policy.refund.within_threshold", "A refund the bot may give alone."),
    MessageSpec(
        "policy.late.no_promise", "A late-delivery claim on an order without a promised date."
    ),
    MessageSpec("policy.late.on_time", "A late-delivery claim on an order that was on time."),
    MessageSpec(
        "policy.late.apology_code",
        "A late delivery: an apology code.",
        {"percent": 10},
        required=("percent",),
    ),
    MessageSpec("policy.identity.not_owner", "Acting on an order of another customer."),
    MessageSpec(
        "policy.payment.method_unknown",
        "Paying with a saved method that is no longer on the account.",
    ),
    MessageSpec(
        "policy.exchange.unknown_variant",
        "Exchanging for a product code the catalogue does not have.",
        {"item": "TEE-BLK-XXXL"},
        required=("item",),
    ),
    MessageSpec(
        "policy.return.quantity",
        "Returning more of an item than the order has.",
        {"number": "1042", "quantity": 2},
        required=("number", "quantity"),
    ),
    # Told to the shopper when an agent decides in the inbox (conversations/inbox).
    MessageSpec(
        "inbox.back_with_the_bot",
        "Told to the shopper when an agent hands the conversation back to the bot.",
    ),
    MessageSpec(
        "inbox.approved.keep_it",
        "An agent approved a refund without a return.",
        {"number": "1042", "amount": Money(Decimal("24.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "inbox.approved.return",
        "An agent approved a return: the label and how it is refunded.",
        {
            "number": "1042",
            "return_number": "R-1042-1",
            "tracking": "RT123456789GB",
            "url": "https://shop.example/labels/R-1042-1.pdf",
            "how": "We'll refund £24.00 to your original payment method once the parcel "
            "reaches us.",
        },
        required=("number", "return_number", "url"),
    ),
    MessageSpec(
        "inbox.approved.refund_when_back",
        "How an approved return is refunded: to the original payment method.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "inbox.approved.store_credit",
        "How an approved return is refunded: store credit.",
        {"amount": Money(Decimal("24.00"), "GBP")},
        required=("amount",),
    ),
    MessageSpec(
        "inbox.approved.reship",
        "An agent approved a replacement for a missing parcel.",
        {"number": "1042", "new_number": "1043"},
        required=("number", "new_number"),
    ),
    MessageSpec(
        "inbox.approved.refund",
        "An agent approved a refund.",
        {"number": "1042", "amount": Money(Decimal("89.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "inbox.approved.exchange",
        "How an approved return is settled: an exchange, sent once the parcel is scanned.",
    ),
    MessageSpec(
        "inbox.approved.refund_store_credit",
        "An agent approved a refund as store credit.",
        {"number": "1042", "amount": Money(Decimal("89.00"), "GBP")},
        required=("number", "amount"),
    ),
    MessageSpec(
        "label.attachment_title",
        "The name of a return label sent as an attachment.",
        {"number": "R-1042-1"},
        required=("number",),
    ),
)
