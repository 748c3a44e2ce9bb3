"""The shop's own messages outside the bot's replies go out in the customer's language."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.utils import timezone

from channels_adapters.registry import captured
from conversations import services
from conversations.models import Message
from core import clock
from core.models import Customer, LanguageSource
from devtools.scenarios import build_store
from replies.services import reply_text_set
from tests import shop

pytestmark = pytest.mark.django_db

STORE: dict[str, Any] = copy.deepcopy(shop.STORE)
STORE["orders"].append(
    {"number": "1050", "customer": "maya", "placed": "-1d", "status": "processing",
     "items": [{"sku": "TEE-BLK-L", "qty": 1}],
     "shipping_address": {"line1": "1 Example Road", "city": "London",
                          "postcode": "SW1A 1AA"}})


@pytest.fixture
def now(settings: Any) -> Any:
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    settings.SHOP_NAME = "Northwind Outfitters"
    moment = timezone.now()
    build_store({"store": STORE}, moment)
    return moment


def say(sender: str, text: str) -> None:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="web", sender_id=sender, text=text, external_id=f"{sender}:{n}"))
    with captured():
        services.message_process(message.pk)


def test_the_notice_of_a_cancellation_goes_out_in_the_language_of_the_customer_on_file(now):
    Customer.objects.filter(email="maya@example.com").update(
        language="de", language_source=LanguageSource.SHOP)

    with clock.frozen_at(now):
        say("session-stranger-01", "please cancel order 1050, postcode SW1A 1AA")
        say("session-stranger-01", "yes")

    notice = Message.objects.get(direction="out", payload__purpose="owner_notice")
    assert notice.payload["subject"] == "Bestellung #1050 storniert"
    assert notice.text == (
        "Ihre Northwind Outfitters-Bestellung #1050 wurde soeben in einem Chat mit uns "
        "storniert.\n\nFalls Sie das nicht waren, antworten Sie auf diese Nachricht, und wir "
        "kümmern uns sofort darum.")


def test_the_notice_uses_the_shops_own_wording_once_saved(now):
    reply_text_set("notice.cancel.subject", "en", "We cancelled order {number}")

    with clock.frozen_at(now):
        say("session-stranger-02", "please cancel order 1050, postcode SW1A 1AA")
        say("session-stranger-02", "yes")

    notice = Message.objects.get(direction="out", payload__purpose="owner_notice")
    assert notice.payload["subject"] == "We cancelled order 1050"


def test_the_site_chat_speaks_the_browsers_language(client, settings):
    settings.SHOP_NAME = "Northwind"

    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5").content.decode()

    assert '<html lang="fr">' in page
    assert '<button id="chat-toggle" type="button">Discuter avec nous</button>' in page
    assert "<strong>Service client Northwind</strong>" in page
    assert 'data-reconnecting="Reconnexion…"' in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<button id="chat-toggle" type="button">Chat with us</button>' in english
