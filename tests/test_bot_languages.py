"""The bot answers each shopper in their language end to end: their message in, through the
conversation pipeline and the graph, to the words sent, with days and amounts written as
that language writes them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels_adapters.registry import captured
from commerce.models import Order, OrderStatus
from conversations import services
from conversations.models import Message
from core import clock
from core.models import Customer
from devtools.scenarios import build_store
from tests import shop

pytestmark = pytest.mark.django_db

# A Wednesday: order 1042 of the test shop was promised for the next day.
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
MAYA = "+447700900123"  # verified on WhatsApp by her phone
LENA = "+4915112345678"


def _say(sender: str, text: str) -> str:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=sender, text=text, external_id=f"wamid.lang-{n}"))
    return "\n".join(m.text for m in services.message_process(message.pk))


def test_a_spanish_shopper_asking_where_their_order_is_is_told_the_promised_day_in_spanish():
    shop.build(NOW)

    with clock.frozen_at(NOW), captured():
        answer = _say(MAYA, "Hola, ¿dónde está mi pedido 1042? Debía llegar ya.")

    assert Customer.objects.get(phone=MAYA).language == "es"
    assert "Te prometimos que llegaría el jueves, 19 de noviembre." in answer
    assert "We promised" not in answer


def test_a_german_shoppers_cancellation_is_confirmed_in_german_with_the_amount_in_euros():
    build_store({"store": {
        "customers": [{"ref": "lena", "name": "Lena Vogel", "email": "lena@example.de",
                       "phone": LENA, "postcode": "10115"}],
        "products": [{"sku": "TEE-BLK-M", "name": "Classic Tee",
                      "options": {"colour": "black", "size": "M"}, "price": "25.00",
                      "stock": 10}],
        "orders": [{"number": "3001", "customer": "lena", "placed": "-1d",
                    "status": "processing", "items": [{"sku": "TEE-BLK-M", "qty": 1}],
                    "shipping_address": {"line1": "Invalidenstraße 1", "city": "Berlin",
                                         "postcode": "10115", "country": "DE"}}],
    }}, NOW)
    Order.objects.filter(number="3001").update(currency="EUR")

    with clock.frozen_at(NOW), captured():
        proposal = _say(LENA, "Bitte stornieren Sie meine Bestellung 3001, ich brauche sie "
                              "nicht mehr.")
        done = _say(LENA, "Ja, fortfahren")  # the button under the proposal

    assert "Ich storniere Bestellung #3001 (1 × Classic Tee) vom Dienstag, 17. November." \
        in proposal
    # German writes the euro sign after the amount, kept on its line by a no-break space.
    assert done == ("Erledigt – Bestellung #3001 ist storniert. 25,00\u00a0€ werden auf Ihre "
                    "ursprüngliche Zahlungsart zurückerstattet; Banken zeigen das meist "
                    "innerhalb von 3–5 Werktagen an.")
    assert Order.objects.get(number="3001").status == OrderStatus.CANCELLED


GIA = "+393401234567"
PASSWORD_ARTICLE = {
    "title": "Resetting your password", "topic": "account",
    "body": "Click 'Forgot password' on the sign-in page and we'll email you a reset link "
            "valid for 60 minutes."}


def _gia_store(article: dict) -> None:
    build_store({"store": {
        "customers": [{"ref": "gia", "name": "Gia Rossi", "email": "gia@example.it",
                       "phone": GIA, "postcode": "SW1A 1AA", "language": "it"}],
        "articles": [article]}}, NOW)


def test_an_italian_shopper_is_answered_from_the_italian_text_of_the_shops_article():
    _gia_store({**PASSWORD_ARTICLE, "translations": {"it": {
        "title": "Reimpostare la password",
        "body": "Clicca su 'Password dimenticata' nella pagina di accesso: ti mandiamo un "
                "link valido per 60 minuti."}}})

    with clock.frozen_at(NOW), captured():
        answer = _say(GIA, "non riesco ad accedere al mio account, ho dimenticato la password")

    assert answer.startswith("Reimpostare la password: Clicca su 'Password dimenticata' nella "
                             "pagina di accesso: ti mandiamo un link valido per 60 minuti.")
    assert "Forgot password" not in answer


def test_an_article_the_shop_wrote_only_in_english_is_quoted_with_a_word_in_italian():
    _gia_store(PASSWORD_ARTICLE)

    with clock.frozen_at(NOW), captured():
        answer = _say(GIA, "non riesco ad accedere al mio account, ho dimenticato la password")

    assert answer.startswith("Il nostro centro assistenza risponde a questa domanda in un "
                             "articolo che non abbiamo ancora tradotto in italiano; eccolo come "
                             "l'abbiamo scritto: «Resetting your password: Click 'Forgot "
                             "password' on the sign-in page")
