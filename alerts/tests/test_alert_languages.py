"""A parcel alert is said in the language the customer speaks, with their days and times
written the way that language writes them, and its WhatsApp template asked for in it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from babel.dates import format_date
from django.test import TestCase
from django.utils import timezone

from alerts import tasks
from channels_adapters.registry import captured
from commerce.models import Shipment
from core import clock
from core.models import Customer

pytestmark = pytest.mark.django_db


def test_a_spanish_customer_is_told_of_a_late_parcel_in_spanish_with_a_spanish_date(
        store: Any, now: datetime) -> None:
    # Given Maya reads Spanish, and her UPS parcel (order 1042) was promised for tomorrow
    Customer.objects.filter(email="maya@example.com").update(language="es")
    promised = timezone.localtime(Shipment.objects.get(
        tracking_number="1Z999AA10123456784").promised_by).date()

    # When the alert scan runs the day after it was due
    with clock.frozen_at(now + timedelta(days=1, hours=1)), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        tasks.scan_shipments()

    # Then she is told in Spanish, the day as Spain writes it ("martes, 8 de diciembre")
    [alert] = sent.sent
    day = format_date(promised, "EEEE, d 'de' MMMM", locale="es_ES")
    assert alert.payload["purpose"] == "delay_alert"
    assert alert.text.startswith(
        f"Hola, Maya, novedades sobre tu pedido n.º 1042 (Classic Tee): tenía que llegar a "
        f"más tardar el {day} y todavía no ha llegado. Lo siento mucho. El último escaneo "
        f"fue en Birmingham, GB el ")
    assert " a las " in alert.text
    assert alert.text.endswith(
        "\n\nQué puedes hacer: por ahora nada. Si en unos días no se ha movido, responde "
        "aquí y te organizo un reemplazo o un reembolso. Responde a este mensaje sin más: "
        "tengo tu pedido delante.")
    # and the WhatsApp template that carries it outside the window is the Spanish one
    assert alert.payload["template"] == {"purpose": "delay_alert", "params": ["Maya", "1042"],
                                         "language": "es"}


def test_a_german_customer_gets_the_check_in_and_its_buttons_in_german(
        store: Any, now: datetime, settings: Any) -> None:
    # Given Maya reads German and her DPD parcel (order 1043) was delivered just now
    settings.DELIVERY_CHECKIN_AFTER_HOURS = 1
    Customer.objects.filter(email="maya@example.com").update(language="de")
    delivered = now - timedelta(hours=2)
    Shipment.objects.filter(tracking_number="15501234567890").update(
        last_scan_at=delivered, state="delivered", next_check_at=now - timedelta(hours=1))

    with clock.frozen_at(now), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        tasks.scan_shipments()

    [checkin] = sent.sent
    assert checkin.text.startswith(
        "Hallo Maya, laut DPD wurde Ihre Bestellung #1043 (Fell Walking Boot) am ")
    assert " um " in checkin.text and "Ist alles gut angekommen?" in checkin.text
    assert checkin.payload["buttons"] == ["Ja, alles gut", "Es gibt ein Problem"]


def test_a_german_customer_is_asked_to_rate_by_email_and_rates_on_a_german_page(
        store: Any, now: datetime, settings: Any) -> None:
    from django.test import Client

    from alerts.tests.test_conversation_ends import say
    from conversations import lifecycle
    from conversations.models import Conversation

    # Given Maya chose German, and asked about her order by email
    settings.SITE_URL = "https://shop.example"
    Customer.objects.filter(email="maya@example.com").update(language="de",
                                                             language_source="shopper")
    say("where is my order 1042?", now, channel="email", sender="maya@example.com")
    conversation = Conversation.objects.get()

    # When the bot's conversation is closed as resolved
    with clock.frozen_at(now + timedelta(minutes=40)), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        lifecycle.conversation_close(conversation, "resolved_by_bot")

    # Then she is asked in German, each score a link, and the page it opens is German
    [question] = sent.sent
    assert question.payload["subject"] == "Wie waren wir?"
    assert question.text.startswith(
        "Danke für Ihre Nachricht. Wie waren wir? Bitte bewerten Sie dieses Gespräch von 1 "
        "(sehr schlecht) bis 5 (sehr gut).\n\n5 – Sehr gut: https://shop.example/rate/")
    path = lifecycle.csat_link(conversation.pk, 4).removeprefix("https://shop.example")
    assert f"4 – Gut: https://shop.example{path}" in question.text
    page = Client().get(path).content.decode()
    assert '<html lang="de">' in page
    assert "Wie waren wir? 1 ist sehr schlecht, 5 ist sehr gut." in page
    assert "Möchten Sie uns noch etwas sagen? (optional)" in page
