"""Back-in-stock alerts, their confirmations and the notify-me form."""

from __future__ import annotations

from decimal import Decimal

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "campaign.alert.named",
        "Back-in-stock alert to a shopper whose first name is known.",
        {
            "name": "Maya",
            "product": "Linen Shirt (M)",
            "price": Decimal("24.00"),
            "stock": 3,
            "link": "https://shop.example/alerts/go/1.2.abc/",
        },
        required=("product", "link"),
    ),
    MessageSpec(
        "campaign.alert.anonymous",
        "Back-in-stock alert to a shopper whose name is unknown.",
        {
            "product": "Linen Shirt (M)",
            "price": Decimal("24.00"),
            "stock": 3,
            "link": "https://shop.example/alerts/go/1.2.abc/",
        },
        required=("product", "link"),
    ),
    MessageSpec(
        "campaign.stop.chat",
        "Closes a back-in-stock alert in a chat: how to stop them (the words 'stop "
        "alerts' are what the shop reads).",
    ),
    MessageSpec(
        "campaign.stop.email",
        "Closes a back-in-stock alert email: why it came and the unsubscribe link.",
        {"link": "https://shop.example/alerts/stop/2.abc/"},
        required=("link",),
    ),
    MessageSpec(
        "campaign.subject",
        "Email subject of a back-in-stock alert.",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
    MessageSpec(
        "campaign.confirm.subject",
        "Email subject: confirm a back-in-stock alert asked for on the site.",
        {"product": "Linen Shirt (M)", "shop": "Northwind"},
        required=("product",),
    ),
    MessageSpec(
        "campaign.confirm.text",
        "Email: confirm a back-in-stock alert asked for on the site (double opt-in).",
        {
            "product": "Linen Shirt (M)",
            "shop": "Northwind",
            "link": "https://shop.example/alerts/confirm/abc/",
        },
        required=("product", "link"),
    ),
)
