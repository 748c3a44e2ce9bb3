"""A shopper handed to a person is told the wait in the language they speak."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from channels_adapters.registry import captured
from conversations import services
from conversations.models import Handoff, Message
from core import clock
from core.models import Customer
from tests import shop

pytestmark = pytest.mark.django_db

# Support hours are the default policy's: Monday to Friday, 9:00–17:00 London time.
WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
SATURDAY_11 = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


def say(text: str) -> list[str]:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id="+447700900123", text=text, external_id=f"wa-{n}"))
    return [m.text for m in services.message_process(message.pk)]


@pytest.mark.parametrize(("at", "wait"), [
    (WEDNESDAY_10, "Vous êtes le prochain dans la file : un collègue répond généralement "
                   "sous environ une heure."),
    (SATURDAY_11, "Notre équipe est absente pour le moment et revient lundi à 9:00. "
                  "Quelqu'un vous répondra ici à ce moment-là, généralement sous environ une "
                  "heure ; inutile de rester dans la conversation."),
])
def test_a_french_shopper_handed_to_a_person_is_told_the_wait_in_french(at, wait):
    # Given Maya chose French as her language
    shop.build(at)
    Customer.objects.filter(email="maya@example.com").update(language="fr",
                                                             language_source="shopper")

    # When she asks for a person
    with clock.frozen_at(at), captured():
        replies = say("Can I talk to a real person please?")

    # Then she is handed off and told the wait in French
    handoff = Handoff.objects.get()
    assert handoff.expected_wait == wait
    assert replies[-1] == wait
