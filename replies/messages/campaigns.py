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
    MessageSpec("campaign.page.confirm.title", "Page of a confirmation link: its heading."),
    MessageSpec("campaign.page.confirm.text", "Page of a confirmation link: what the button does."),
    MessageSpec("campaign.page.confirm.button", "Page of a confirmation link: the button."),
    MessageSpec("campaign.page.confirmed.title", "Page after confirming an alert: its heading."),
    MessageSpec(
        "campaign.page.confirmed.text",
        "Page after confirming an alert.",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
    MessageSpec(
        "campaign.page.expired.title",
        "Page of a confirmation link that is no longer good: its heading.",
    ),
    MessageSpec(
        "campaign.page.expired.text",
        "Page of a confirmation link that is no longer good.",
    ),
    MessageSpec("campaign.page.stop.title", "Page of an unsubscribe link: its heading."),
    MessageSpec("campaign.page.stop.text", "Page of an unsubscribe link: what the button does."),
    MessageSpec("campaign.page.stop.button", "Page of an unsubscribe link: the button."),
    MessageSpec("campaign.page.stopped.title", "Page after unsubscribing: its heading."),
    MessageSpec(
        "campaign.page.stopped.text",
        "Page after unsubscribing, when nothing was being waited for.",
    ),
    MessageSpec(
        "campaign.page.stopped.text_waiting",
        "Page after unsubscribing: and what they were waiting for.",
        {"products": "Linen Shirt (M) and Chelsea Boot (8, tan)"},
        required=("products",),
    ),
    MessageSpec("campaign.page.invalid.title", "Page of a link that is not valid: its heading."),
    MessageSpec("campaign.page.invalid.text", "Page of an unsubscribe link that is not valid."),
    MessageSpec("campaign.form.choose_item", "Notify-me form: no item chosen."),
    MessageSpec(
        "campaign.form.in_stock",
        "Notify-me form: the item is in stock already.",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
    MessageSpec("campaign.form.consent", "Notify-me form: the consent box was not ticked."),
    MessageSpec(
        "campaign.form.one_contact",
        "Notify-me form: neither or both of email and WhatsApp given.",
    ),
    MessageSpec("campaign.form.bad_number", "Notify-me form: the WhatsApp number cannot be right."),
    MessageSpec(
        "campaign.form.email_sent",
        "Notify-me form: the confirmation link was emailed.",
        {"email": "maya@example.com"},
        required=("email",),
    ),
    MessageSpec(
        "campaign.form.whatsapp_code",
        "Notify-me form: the code to send on WhatsApp from the number given.",
        {"code": "ALERTS 12-3F9A2C", "number": "+447700900123"},
        required=("code", "number"),
    ),
    MessageSpec(
        "campaign.consent.form",
        "Notify-me form: what a guest agrees to (kept with their consent).",
    ),
    MessageSpec(
        "campaign.consent.email",
        "What a shopper agrees to for an alert by email (kept with their consent).",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
    MessageSpec(
        "campaign.consent.whatsapp",
        "What a shopper agrees to for an alert by WhatsApp (kept with their consent).",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
    MessageSpec(
        "campaign.consent.telegram",
        "What a shopper agrees to for an alert by Telegram (kept with their consent).",
        {"product": "Linen Shirt (M)"},
        required=("product",),
    ),
)
