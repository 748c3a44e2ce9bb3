"""Small formatting filters for the agent inbox templates (conversations/inbox)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from conversations.inbox.selectors import initials as name_initials
from core.formatting import money as format_money
from core.models import LANGUAGE_CHOICES, LanguageSource

register = template.Library()


@register.filter
def money(amount: Decimal | str | float | None, currency: str = "") -> str:
    if amount in (None, ""):
        return ""
    return format_money(amount, currency or None)


@register.filter
def initials(value: Any) -> str:
    if value is None:
        return "?"
    name = value.get_full_name() if hasattr(value, "get_full_name") else ""
    return name_initials(name or str(value))


@register.filter
def person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.filter
def words(value: Any) -> str:
    """'order_details' -> 'order details'."""
    return str(value or "").replace("_", " ")


_LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
_CHOSEN_BY = {LanguageSource.DETECTED: "detected", LanguageSource.SHOPPER: "asked by the shopper",
              LanguageSource.SHOP: "set by the shop"}


@register.filter
def language_name(code: str) -> str:
    """'es' -> 'Spanish'."""
    return _LANGUAGE_NAMES.get(code, code)


@register.filter
def chosen_by(language_source: str) -> str:
    """Where a customer's language came from, in a few words: 'asked by the shopper'."""
    return _CHOSEN_BY.get(language_source, "detected")
