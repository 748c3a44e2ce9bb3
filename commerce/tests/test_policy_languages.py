"""A policy decision says why in the shopper's language, with the shop's own facts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from commerce import policy as rules
from commerce.models import ShopPolicy
from commerce.tests.test_policy import item, returning
from replies.services import reply_text_set


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "why"), [
    ("en", "The 30-day return window ended on Wednesday 4 November; a person can consider "
           "an exception."),
    ("de", "Die Rückgabefrist von 30 Tagen endete am Mittwoch, 4. November; ein Kollege kann "
           "eine Ausnahme prüfen."),
    ("es", "El plazo de devolución de 30 días terminó el miércoles, 4 de noviembre; una "
           "persona puede valorar una excepción."),
])
def test_a_late_return_says_when_the_window_ended_in_the_shoppers_language(language, why):
    decision = returning([item()], delivered_days_ago=46, allow_exceptions=True)

    assert decision.explain(language) == why


@pytest.mark.django_db
def test_a_refund_limit_is_said_in_the_shops_currency_as_the_locale_writes_it():
    policy = ShopPolicy(refund_approval_threshold=Decimal("1500"), currency="EUR")

    decision = rules.refund_decision(Decimal("1600"), policy)

    assert decision.explain("fr") == (
        "Les remboursements de plus de 1\u202f500,00\u00a0€ doivent être approuvés par une "
        "personne.")
    assert decision.explanation == "Refunds above €1,500.00 need a person's approval."


@pytest.mark.django_db
def test_the_shopper_reads_the_shops_wording_and_the_inbox_keeps_the_catalogues():
    reply_text_set("policy.refund.above_threshold", "en",
                   "Anything over {limit} is checked by our team first.")
    decision = rules.refund_decision(Decimal("200"), ShopPolicy(
        refund_approval_threshold=Decimal("150"), currency="GBP"))

    assert decision.explain("en") == "Anything over £150.00 is checked by our team first."
    assert decision.explanation == "Refunds above £150.00 need a person's approval."
