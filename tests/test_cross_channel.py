"""One customer across channels: the history, verification and open cases follow them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from channels_adapters.registry import captured
from commerce.models import Return
from conversations import services
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer
from tests import shop

pytestmark = pytest.mark.django_db


def say(channel: str, sender: str, text: str) -> str:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel=channel, sender_id=sender, text=text, external_id=f"{channel}-{n}"))
    return "\n".join(m.text for m in services.message_process(message.pk))


def test_a_return_started_on_whatsapp_is_followed_up_by_email():
    now = timezone.now()
    shop.build(now)
    with clock.frozen_at(now), captured():
        say("whatsapp", "+447700900123", "hi I'd like to return the boots from order 1043, "
                                          "they're too big")
        say("whatsapp", "+447700900123", "a refund please")
        done = say("whatsapp", "+447700900123", "yes")
    ret = Return.objects.get()
    assert ret.number in done
    with clock.frozen_at(now + timedelta(days=1)), captured():
        answer = say("email", "maya@example.com",
                     "Hello, about the label I got yesterday - has the return arrived yet?")
    assert ret.number in answer
    assert ret.tracking_number in answer
    conversation = Conversation.objects.get(customer__email="maya@example.com")
    assert set(conversation.messages.values_list("channel", flat=True)) == {"whatsapp",
                                                                            "email"}
    maya = Customer.objects.get(email="maya@example.com")
    assert maya.preferred_channel == "email"
    assert maya.language == "en"


def test_a_telegram_shopper_proves_who_they_are_with_a_code_sent_to_the_email_on_file(
        settings):
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SUPPORT_EMAIL = "support@shop.example"
    now = timezone.now()
    shop.build(now)
    with captured():
        asked = say("telegram", "5551234", "where is my order?")
        assert "order number" in asked
        offered = say("telegram", "5551234", "my email is maya@example.com")
        assert "6-digit code" in offered
        code_message = Message.objects.get(channel="email", direction="out")
        assert code_message.payload["to"] == "maya@example.com"
        code = next(w for w in code_message.text.split() if w.strip(".").isdigit()
                    and len(w.strip(".")) == 6).strip(".")
        status = say("telegram", "5551234", code)
    assert "#1042" in status or "#1043" in status
    identity = ChannelIdentity.objects.get(channel="telegram", external_id="5551234")
    assert identity.customer.email == "maya@example.com"
    assert identity.verified_via == "one_time_code"


def test_a_claimed_email_that_is_not_on_file_proves_nothing(settings):
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    shop.build(timezone.now())
    with captured():
        say("telegram", "5559999", "where is my order?")
        offered = say("telegram", "5559999", "my email is nobody@example.net")
        wrong = say("telegram", "5559999", "123456")
    assert "6-digit code" in offered  # the same words, whether or not it is on file
    assert "didn't work" in wrong
    identity = ChannelIdentity.objects.get(channel="telegram", external_id="5559999")
    assert identity.customer.is_guest
    assert identity.verified_at is None
