"""The bot's own replies reach a Spanish- or German-speaking shopper in their language, with
amounts in the order's currency and days as their locale says them, through the real turn
(message in, graph, reply out)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from channels_adapters.registry import captured
from commerce.models import Order, Refund, Return
from conversations import services
from conversations.models import Message
from core import clock
from core.models import Customer, LanguageSource
from devtools.scenarios import build_store

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
LUCIA = "+34600111222"
JONAS = "+4915100111222"

STORE: dict[str, Any] = {
    "customers": [
        {"ref": "lucia", "name": "Lucía García", "email": "lucia@example.es", "phone": LUCIA,
         "postcode": "28001", "language": "es"},
        {"ref": "jonas", "name": "Jonas Weber", "email": "jonas@example.de", "phone": JONAS,
         "postcode": "10115", "language": "de"},
    ],
    "products": [
        {"sku": "TEE-BLK-M", "name": "Classic Tee", "options": {"colour": "black", "size": "M"},
         "price": "12.00", "stock": 10},
        {"sku": "SHIRT-LIN-WHT-M", "name": "Linen Shirt",
         "options": {"colour": "white", "size": "M"}, "price": "45.00", "stock": 4},
        {"sku": "SHIRT-LIN-WHT-L", "name": "Linen Shirt",
         "options": {"colour": "white", "size": "L"}, "price": "45.00", "stock": 0},
    ],
    "orders": [
        {"number": "9107", "customer": "lucia", "placed": "-6d", "status": "delivered",
         "items": [{"sku": "TEE-BLK-M", "qty": 2}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0091070070", "events": [
             {"at": "2026-11-17T11:00:00Z", "status": "delivered", "location": "Madrid, ES"}]}},
        {"number": "9108", "customer": "lucia", "placed": "-4d", "status": "shipped",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0091080080", "events": [
             {"at": "2026-11-17T11:00:00Z", "status": "in_transit",
              "location": "Zaragoza, ES"}]}},
    ],
}


@pytest.fixture(autouse=True)
def shop(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    with clock.frozen_at(NOW):
        build_store({"store": STORE}, NOW)
        Order.objects.update(currency="EUR")
        Customer.objects.update(language_source=LanguageSource.SHOP)
        yield


def say(phone: str, text: str) -> str:
    """What the bot answers the shopper writing from `phone`."""
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=phone, text=text, external_id=uuid.uuid4().hex))
    assert message is not None
    with captured():
        services.message_process(message.pk)
    clock.advance(timedelta(seconds=30))
    return Message.objects.filter(direction="out").order_by("pk").last().text


def test_a_spanish_shopper_returns_two_tees_and_is_told_the_refund_in_euros():
    offer = say(LUCIA, "Hola, quiero devolver las camisetas del pedido 9107")
    chosen = say(LUCIA, "Reembolso")
    say(LUCIA, "Sí, adelante")

    assert offer == (
        "Puedo aceptar la devolución de 2 × Classic Tee (M, negro) (pedido n.º 9107, dentro "
        "del plazo de 30 días). O puedo darte 24,00\u00a0€ de saldo en la tienda al instante, "
        "o reembolsarte 24,00\u00a0€ en tu método de pago original cuando nos llegue. "
        "¿Qué prefieres?")
    assert chosen == (
        "Abriré una devolución de 2 × Classic Tee (M, negro) del pedido n.º 9107 y te "
        "enviaré una etiqueta de devolución prepagada. Te reembolsaremos 24,00\u00a0€ en tu "
        "método de pago original cuando nos llegue el paquete.\n\n¿Lo hago?")
    assert Return.objects.get(order__number="9107").resolution == "refund"


def test_a_spanish_shopper_hears_when_their_refund_was_completed_as_a_spanish_day():
    order = Order.objects.get(number="9107")
    Refund.objects.create(order=order, amount=Decimal("24.00"),
                          method=Refund.Method.ORIGINAL_PAYMENT, status=Refund.Status.COMPLETED,
                          created_at=NOW - timedelta(days=4),
                          completed_at=datetime(2026, 11, 17, 9, 0, tzinfo=UTC))

    answer = say(LUCIA, "where is my refund for order 9107?")

    assert answer == (
        "Reembolsos del pedido n.º 9107: 24,00\u00a0€ a tu método de pago original: "
        "completado el martes, 17 de noviembre. Los reembolsos a tarjeta pueden tardar unos "
        "días hábiles en aparecer en tu extracto después de que los enviemos.")


def test_a_spanish_shopper_told_where_an_undelivered_order_is_hears_it_in_spanish():
    answer = say(LUCIA, "quiero devolver el pedido 9108")

    assert answer == (
        "Tu pedido n.º 9108 (Classic Tee) está en tránsito con DHL: el último escaneo fue en "
        "Zaragoza, ES el martes, 17 de noviembre a las 11:00 — seguimiento de DHL "
        "JJD0091080080. La devolución se puede iniciar cuando se haya entregado: escríbeme "
        "entonces por aquí y te enviaré una etiqueta de devolución gratuita.")


def test_a_german_shopper_asks_about_a_shirt_and_hears_its_price_in_euros(settings):
    settings.SHOP_CURRENCY = "EUR"

    answer = say(JONAS, "Ist das Linen Shirt in Größe M vorrätig?")
    sold_out = say(JONAS, "is the linen shirt in stock in large")

    # The catalogue's colour is said in German.
    assert answer == "Linen Shirt kostet 45,00\u00a0€. M, weiß ist vorrätig (45,00\u00a0€)."
    assert sold_out == ("Linen Shirt: L, weiß ist im Moment nicht vorrätig – ich kann Ihnen "
                        "Bescheid geben, sobald es wieder da ist.")
