"""The shop's catalogue as the steps read it."""

from __future__ import annotations

from commerce import selectors as store


def is_discount_code(code: str) -> bool:
    """Whether the shop has a discount code of that name."""
    return store.discount_code_get(code) is not None
