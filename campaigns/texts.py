"""What a back-in-stock alert says, per channel, in the shopper's language (the catalogue's
campaign.* messages). The WhatsApp template `back_in_stock` carries the same four
parameters: first name, product, price, link."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.formatting import Money, money
from replies.render import Say, render


@dataclass(frozen=True)
class Alert:
    text: str
    subject: str
    params: list[str]


def alert(channel: str, language: str, *, first_name: str, product: str,
          price: Decimal | Money, stock: int, link: str, unsubscribe: str = "") -> Alert:
    """The alert for one shopper: `price` in the shop's currency (a bare Decimal) or its
    own, said as the shopper's language writes amounts."""
    facts = {"product": product, "price": price, "stock": stock, "link": link}
    body = (Say("campaign.alert.named", name=first_name, **facts) if first_name
            else Say("campaign.alert.anonymous", **facts))
    footer = (Say("campaign.stop.email", link=unsubscribe) if channel == "email"
              else Say("campaign.stop.chat"))
    amount = money(price.amount, price.currency, language) if isinstance(price, Money) \
        else money(price, None, language)
    return Alert(text=f"{render(body, language)}\n\n{render(footer, language)}",
                 subject=render(Say("campaign.subject", product=product), language),
                 params=[first_name or render(Say("outreach.no_name"), language), product,
                         amount, link])


# What a shopper agrees to, by the channel the alert goes by (kept with their consent).
CONSENT_KEYS = {"email": "campaign.consent.email", "whatsapp": "campaign.consent.whatsapp",
                "telegram": "campaign.consent.telegram"}


def consent_wording(channel: str, product: str, language: str) -> str:
    """The words a shopper agrees to for an alert about `product` by `channel`, in the
    language they read them in."""
    return render(Say(CONSENT_KEYS.get(channel, "campaign.consent.email"), product=product),
                  language)


def form_wording(language: str) -> str:
    """What the site's notify-me form asks a guest to agree to."""
    return render(Say("campaign.consent.form"), language)
