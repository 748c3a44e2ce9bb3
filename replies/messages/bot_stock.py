"""What the bot says about back-in-stock alerts: taking a wish, confirming it and
stopping alerts (agents/nodes/stock_alerts.py, agents/tools/stock_alerts.py)."""

from __future__ import annotations

from decimal import Decimal

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.stock.watching",
        "A back-in-stock wish taken on the shopper's channel (also kept as the consent's wording).",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.stock.watching_several",
        "Back-in-stock wishes for several versions taken on the shopper's channel.",
        {"items": ["Harbour Tee (Black, L)", "Harbour Tee (White, L)"]},
        required=("items",),
    ),
    MessageSpec(
        "bot.stock.watching_by_email",
        "A back-in-stock wish taken by email for a verified customer (also the consent's wording).",
        {"email": "sam@example.com", "item": "Harbour Tee (Black, M)"},
        required=("email", "item"),
    ),
    MessageSpec(
        "bot.stock.which_email",
        "A site-chat guest's wish: which email address to use.",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
    MessageSpec(
        "bot.stock.in_stock_now",
        "A version asked to be watched that is in stock.",
        {"item": "Harbour Tee (Black, M)", "count": 3, "price": Decimal("24.00")},
        required=("item", "count", "price"),
    ),
    MessageSpec(
        "bot.stock.stopped",
        "Back-in-stock alerts stopped for the items named.",
        {"items": "Harbour Tee (Black, M)"},
        required=("items",),
    ),
    MessageSpec("bot.stock.others_stay_on", "After some alerts were stopped: the others stay on."),
    MessageSpec(
        "bot.stock.stopped_all", "Every back-in-stock alert stopped; order messages still come."
    ),
    MessageSpec(
        "bot.stock.none_to_stop", "No back-in-stock alerts to stop; order messages still come."
    ),
    MessageSpec("bot.stock.lost_track", "The item an email address was for is no longer known."),
    MessageSpec("bot.stock.email_incomplete", "An email address that looks incomplete."),
    MessageSpec(
        "bot.stock.confirm_link_sent",
        "A confirmation link sent to the address a guest gave for an alert.",
        {"email": "sam@example.com", "item": "Harbour Tee (Black, M)"},
        required=("email", "item"),
    ),
    MessageSpec(
        "bot.stock.code_unknown", "A code from the site's notify-me form that matches nothing."
    ),
    MessageSpec(
        "bot.stock.confirmed",
        "An alert confirmed from the site's notify-me form.",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
    MessageSpec("bot.stock.which_product", "Asking which product a follow-up is about."),
    MessageSpec(
        "bot.stock.still_there",
        "After an alert: the item is still in stock, with a link.",
        {
            "item": "Harbour Tee (Black, M)",
            "count": 3,
            "price": Decimal("24.00"),
            "url": "https://shop.example/products/harbour-tee",
        },
        required=("item", "url"),
    ),
    MessageSpec(
        "bot.stock.sold_out_again",
        "After an alert: the item sold out again.",
        {"item": "Harbour Tee (Black, M)"},
        required=("item",),
    ),
)
