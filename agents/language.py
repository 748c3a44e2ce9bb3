"""The language each customer is answered in, kept up to date from what they write.

Every inbound message is read once, as it is answered: a request ("in English please",
"auf Deutsch bitte") sets the customer's language for good; otherwise a message long
enough to tell updates it, unless the customer or the shop chose one."""

from __future__ import annotations

from agents.nlu.language import language_of, language_requested
from core.models import LanguageSource
from core.services import customer_language_set


def customer_language_note(customer_id: int, text: str) -> str | None:
    """Keep the language `text` asks for or is written in; returns it when the customer's
    language changed (None: unchanged)."""
    requested = language_requested(text)
    if requested is not None:
        changed = customer_language_set(customer_id, requested, source=LanguageSource.SHOPPER)
        return requested if changed else None
    detected = language_of(text)
    if detected is not None and customer_language_set(customer_id, detected):
        return detected
    return None
