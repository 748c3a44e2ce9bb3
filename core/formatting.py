"""How dates, money and places read in a reply. Every value comes from the data."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from core import clock

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal | str | float, currency: str | None = None) -> str:
    currency = currency or settings.SHOP_CURRENCY
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{value:,}" if symbol else f"{value:,} {currency}"


def local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def day(moment: datetime) -> str:
    """'Tuesday 17 November'."""
    m = local(moment)
    return f"{m:%A} {m.day} {m:%B}"


def when(moment: datetime) -> str:
    """'Tuesday 17 November at 14:05'."""
    return f"{day(moment)} at {local(moment):%H:%M}"


def since(moment: datetime) -> str:
    """'since Tuesday' within the last week, else 'since 3 November'."""
    now = local(clock.now())
    m = local(moment)
    if m.date() == now.date():
        return f"since {m:%H:%M} today"
    if now - m < timedelta(days=6):
        return f"since {m:%A}"
    return f"since {m.day} {m:%B}"


def place(location: str) -> str:
    return location.strip() or "an unnamed carrier location"


CARRIER_NAMES = {"ups": "UPS", "dhl": "DHL", "dpd": "DPD", "royal_mail": "Royal Mail",
                 "evri": "Evri", "fedex": "FedEx", "usps": "USPS", "gls": "GLS"}


def carrier(code: str) -> str:
    return CARRIER_NAMES.get(code.lower(), code.replace("_", " ").title())
