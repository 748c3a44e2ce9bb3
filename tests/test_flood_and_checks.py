"""Flood control, outbound throughput caps and the channel configuration checks."""

from __future__ import annotations

import pytest
from django.core.checks import run_checks

from channels_adapters.registry import captured
from conversations import services
from conversations.models import Message

pytestmark = pytest.mark.django_db


def test_a_flood_is_stored_whole_answered_once_with_a_clear_reply(settings):
    settings.INBOUND_PER_MINUTE = 3
    with captured():
        replies = []
        for i in range(6):
            message = services.message_receive(services.Inbound(
                channel="web", sender_id="floodsession000000001", text=f"hello {i}",
                external_id=f"flood-{i}"))
            replies.append([m.text for m in services.message_process(message.pk)])
    assert Message.objects.filter(direction="in").count() == 6
    assert all(len(r) == 1 for r in replies[:3])
    assert "sent a lot of messages" in replies[3][0]
    assert replies[4:] == [[], []]
    throttled = Message.objects.filter(direction="in", payload__throttled=True).count()
    assert throttled == 3


def test_outbound_sends_wait_when_a_channel_is_at_its_cap(settings):
    settings.OUTBOUND_PER_SECOND = {"telegram": 1}
    message = services.message_receive(services.Inbound(
        channel="telegram", sender_id="777", text="hi", external_id="cap-1"))
    first = services.message_send(message.conversation, services.Reply("one"))
    second = services.message_send(message.conversation, services.Reply("two"))
    with captured():
        assert services.message_deliver(first.pk).status == "sent"
        held = services.message_deliver(second.pk)
    assert held.status == "pending" and held.retry
    second.refresh_from_db()
    assert second.delivery == "pending" and second.attempts == 0


def test_an_enabled_channel_names_the_settings_it_is_missing(settings):
    settings.TELEGRAM_ENABLED = True
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.TELEGRAM_SECRET_TOKEN = ""
    errors = [e for e in run_checks() if e.id.startswith("onethread.telegram")]
    assert len(errors) == 1
    assert "TELEGRAM_BOT_TOKEN" in errors[0].msg
    assert "TELEGRAM_SECRET_TOKEN" in errors[0].msg
