"""The language each shopper's message is written in, and the language each customer is
answered in, kept up to date from what they write.

Every inbound message is read once, as it is answered, whoever answers it (the bot or a
person in the inbox): a request ("in English please", "auf Deutsch bitte") sets the
customer's language for good; otherwise a message long enough to tell updates it, unless
the customer or the shop chose one."""

from __future__ import annotations

from agents.nlu.language import language_of, language_requested
from commerce.selectors import product_name_words
from core.formatting import DEFAULT_LANGUAGE
from core.models import Customer, LanguageSource
from core.services import customer_language_set


def message_language_note(customer: Customer, text: str) -> str:
    """The language `text` is written in ("" when it is too short to tell), once the
    customer's language is kept up to date from it: the language it asks for, else the
    one it is written in unless the customer or the shop chose one. Nothing is written
    when it is already so; `customer` is left as the store now holds it."""
    # English is every customer's language until they write: not evidence of anything.
    known = customer.language if customer.language != DEFAULT_LANGUAGE else None
    written_in = language_of(text, known=known, ignore=product_name_words()) or ""
    requested = language_requested(text)
    if requested is not None:
        if ((customer.language, customer.language_source)
                != (requested, LanguageSource.SHOPPER)
                and customer_language_set(customer.pk, requested,
                                          source=LanguageSource.SHOPPER)):
            customer.language, customer.language_source = requested, LanguageSource.SHOPPER
    elif (written_in and written_in != customer.language
          and customer.language_source == LanguageSource.DETECTED
          and customer_language_set(customer.pk, written_in)):
        customer.language = written_in
    return written_in
