"""A back-in-stock alert is said in the language the shopper speaks, the price written as
that language writes amounts."""

from __future__ import annotations

import pytest

from campaigns.tests.test_campaigns import (  # noqa: F401
    NOON,
    _settings,
    boots,
    restock_in_admin,
    shopper,
    wish,
)
from channels_adapters.registry import captured
from commerce.models import Variant
from conversations.models import Message
from core import clock
from core.models import Customer

pytestmark = pytest.mark.django_db


def test_a_german_customer_is_told_in_german_with_the_price_in_euros(
        boots, settings, django_capture_on_commit_callbacks):  # noqa: F811
    # Given a shop selling in euros, and Lena, who reads German, waiting for the boots
    settings.SHOP_CURRENCY = "EUR"
    Variant.objects.filter(pk=boots.pk).update(price="1289.50")
    boots.refresh_from_db()
    lena = shopper(1, consent="email", language="de")
    Customer.objects.filter(pk=lena.pk).update(name="Lena Vogel")
    wish(lena, boots, 30)

    # When three come back in and the campaign goes out
    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 3, django_capture_on_commit_callbacks)
        message = Message.objects.get(payload__purpose="back_in_stock")

    # Then the email is in German, the price as Germans write euros
    assert message.payload["subject"] == "Chelsea Boot (8, tan) ist wieder vorrätig"
    assert message.text.startswith(
        "Gute Nachricht, Lena: Chelsea Boot (8, tan) ist wieder vorrätig, 1.289,50\u00a0€. "
        "Nur 3 Stück verfügbar: http")
    assert "\n\nSie wollten benachrichtigt werden. Von diesen Hinweisen abmelden: http" \
        in message.text
