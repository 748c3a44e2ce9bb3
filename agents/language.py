"""The language each customer is answered in, kept up to date from what they write.

Every inbound message is read once, as it is answered: a request ("in English please",
"auf Deutsch bitte") sets the customer's language for good; otherwise a message long
enough to tell updates it, unless the customer or the shop chose one."""

from __future__ import annotations

from agents.nlu.language import language_of, language_requested
from core.models import Customer, LanguageSource
from core.services import customer_language_set


def customer_language_note(customer: Customer, text: str) -> str | None:
    """Keep the language `text` asks for or is written in; returns it when the customer's
    language changed (None: unchanged). Nothing is written when it is already so, nor
    for a detected language when the customer or the shop chose one."""
    requested = language_requested(text)
    if requested is not None:
        if (customer.language, customer.language_source) == (requested,
                                                               LanguageSource.SHOPPER):
            return None
        if not customer_language_set(customer.pk, requested, source=LanguageSource.SHOPPER):
            return None
        customer.language, customer.language_source = requested, LanguageSource.SHOPPER
        return requested
    if customer.language_source != LanguageSource.DETECTED:
        return None
    detected = language_of(text)
    if detected is None or detected == customer.language:
        return None
    if not customer_language_set(customer.pk, detected):
        return None
    customer.language = detected
    return detected
