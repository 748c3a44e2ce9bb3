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


def test_a_spanish_guest_asks_on_the_form_and_confirms_in_spanish(
        boots, client, django_capture_on_commit_callbacks):  # noqa: F811
    # Given a guest on the Spanish site asks to be told about the boots by email
    with clock.frozen_at(NOON), captured(), django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/alerts/notify/", {
            "sku": "BOOT-TAN-8", "email": "g@example.com", "consent": True,
            "language": "es"}, content_type="application/json")

    # Then the form, the confirmation email and the link's pages speak Spanish
    assert answer.json()["message"] == (
        "Hemos enviado un enlace a g@example.com: ábrelo para confirmar el aviso.")
    confirmation = Message.objects.get(payload__purpose="stock_alert_confirmation")
    assert confirmation.payload["subject"] == "Confirma tu aviso para Chelsea Boot (8, tan)"
    assert confirmation.text.startswith("Confirma que quieres recibir un correo de ")
    link = confirmation.text.split("https://shop.example", 1)[1].split()[0]
    page = client.get(link).content.decode()
    assert '<html lang="es">' in page and "Confirma tu aviso de disponibilidad" in page
    done = client.post(link).content.decode()
    assert ("Te enviaremos un único correo cuando Chelsea Boot (8, tan) vuelva a estar "
            "disponible.") in done
    # and a refusal is said in Spanish too
    refused = client.post("/alerts/notify/", {"sku": "BOOT-TAN-8", "email": "g@example.com",
                                              "language": "es"},
                          content_type="application/json")
    assert refused.json() == {"error": "Marca la casilla para aceptar el aviso."}
