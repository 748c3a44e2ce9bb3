"""How conversations end: one follow-up for a shopper silent mid-flow, then a close with
its reason; a conversation resolved by the bot or a person asked about once (buttons on
WhatsApp, links in an email), the answer stored per conversation, channel and agent. And
a proactive message outside WhatsApp's 24-hour window goes out as its approved template."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from django.contrib.auth.models import User
from django.test import Client, TestCase

from alerts import tasks
from channels_adapters.registry import captured
from channels_adapters.tests.test_whatsapp import FakeGraph
from channels_adapters.whatsapp import WhatsAppAdapter
from commerce.models import Shipment
from conversations import lifecycle, services
from conversations import tasks as conversation_tasks
from conversations.inbox.services import conversation_resolve
from conversations.models import Conversation, Message, SatisfactionRating
from core import clock

pytestmark = pytest.mark.django_db
MAYA = "+447700900123"


def say(text: str, at: datetime, channel: str = "whatsapp", sender: str = MAYA) -> list[str]:
    with clock.frozen_at(at), captured():
        message = services.message_receive(services.Inbound(
            channel=channel, sender_id=sender, text=text,
            external_id=f"ext-{Message.objects.count()}"))
        return [m.text for m in services.message_process(message.pk)]


def idle_scan(at: datetime) -> list[Message]:
    with clock.frozen_at(at), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        conversation_tasks.scan_conversations()
    return sent.sent


def test_a_shopper_silent_mid_flow_gets_one_follow_up_then_the_conversation_closes(
        store: Any, now: datetime) -> None:
    # Given a shopper who asked about an order and was asked to prove it is theirs,
    # then went quiet
    say("where is my order?", now, channel="email", sender="someone@example.net")
    assert Conversation.objects.get().state["pending"]["kind"] == "verify"

    early = idle_scan(now + timedelta(minutes=30))
    follow_up = idle_scan(now + timedelta(hours=2))
    still = idle_scan(now + timedelta(hours=3))
    closed = idle_scan(now + timedelta(days=2))

    assert early == [] and still == [] and closed == []
    assert [m.payload["purpose"] for m in follow_up] == ["follow_up"]
    assert follow_up[0].text.startswith("Are you still there? I still need your order "
                                        "number")
    assert follow_up[0].payload["to"] == "someone@example.net"
    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.close_reason) == ("resolved", "shopper_silent")
    assert conversation.resolved_at == now + timedelta(days=2)
    # A silent shopper is not asked to rate a conversation they left
    assert not Message.objects.filter(payload__purpose="csat").exists()


def test_a_conversation_the_bot_finished_is_resolved_and_asked_about_once(
        store: Any, now: datetime) -> None:
    say("where is my order 1042?", now)
    say("great, thanks!", now + timedelta(minutes=1))

    asked = idle_scan(now + timedelta(hours=2))
    again = idle_scan(now + timedelta(days=3))

    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.close_reason) == ("resolved", "resolved_by_bot")
    assert [m.payload["purpose"] for m in asked] == ["csat"]
    assert asked[0].payload["buttons"] == ["5 – Great", "4 – Good", "3 – OK", "2 – Poor",
                                           "1 – Very poor"]
    assert asked[0].payload["template"] == {"purpose": "csat", "params": [],
                                            "language": "en"}
    assert again == []
    # When Maya taps "4 – Good" a day later
    answer = say("4 – Good", now + timedelta(days=1))
    assert answer == ["Thank you for your rating! If there's anything else I can help with, "
                      "just write."]
    rating = SatisfactionRating.objects.get()
    assert (rating.conversation_id, rating.score, rating.channel, rating.agent,
            rating.comment) == (conversation.pk, 4, "whatsapp", None, "")
    # The score's own little conversation is closed, and never asked about
    assert list(Conversation.objects.order_by("pk").values_list("close_reason", flat=True)) \
        == ["resolved_by_bot", "rating"]
    assert idle_scan(now + timedelta(days=2)) == []
    # A second score changes nothing
    say("1", now + timedelta(days=1, hours=1))
    assert SatisfactionRating.objects.get().score == 4


def test_a_conversation_a_person_resolved_is_asked_about_by_email_with_links(
        store: Any, now: datetime, settings: Any) -> None:
    settings.SITE_URL = "https://shop.example"
    agent = User.objects.create_user("sam", first_name="Sam")
    say("my parcel is late, order 1042", now, channel="email", sender="maya@example.com")
    conversation = Conversation.objects.get()
    Conversation.objects.filter(pk=conversation.pk).update(mode="human", assigned_to=agent)

    with clock.frozen_at(now + timedelta(minutes=10)), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        conversation_resolve(conversation, agent)

    conversation.refresh_from_db()
    assert (conversation.close_reason, conversation.resolved_at) == (
        "resolved_by_agent", now + timedelta(minutes=10))
    [question] = sent.sent
    assert (question.channel, question.payload["to"]) == ("email", "maya@example.com")
    assert "How did my colleague do?" in question.text
    link = lifecycle.csat_link(conversation.pk, 5)
    assert f"5 – Great: {link}" in question.text
    path = link.removeprefix("https://shop.example")
    # Opening the link (a mail scanner does) stores nothing; sending the form stores it
    client = Client()
    assert client.get(path).status_code == 200
    assert not SatisfactionRating.objects.exists()
    with clock.frozen_at(now + timedelta(hours=1)):
        posted = client.post(path.split("?")[0], {"score": "5", "comment": "Sam was great"})
        twice = client.post(path.split("?")[0], {"score": "1"})
    assert posted.status_code == 200 and b"Thank you for your rating" in twice.content
    rating = SatisfactionRating.objects.get()
    assert (rating.score, rating.channel, rating.agent, rating.comment) == (
        5, "email", agent, "Sam was great")


def test_a_bad_rating_link_or_score_is_refused_and_stores_nothing(
        store: Any, now: datetime) -> None:
    say("where is my order 1042?", now)
    conversation = Conversation.objects.get()
    lifecycle.conversation_close(conversation, "resolved_by_bot")
    path = lifecycle.csat_link(conversation.pk).split("/rate/")[1]

    forged = Client().get(f"/rate/{conversation.pk}:forged/")
    bad_score = Client().post(f"/rate/{path}", {"score": "9"})

    assert forged.status_code == 404
    assert bad_score.status_code == 400
    assert not SatisfactionRating.objects.exists()


def test_an_alert_outside_the_whatsapp_window_goes_out_as_its_template(
        store: Any, now: datetime, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given approved templates, and Maya not having written on WhatsApp for days
    settings.WHATSAPP_PHONE_NUMBER_ID = "106540352242922"
    settings.WHATSAPP_ACCESS_TOKEN = "EAAGtesttoken"
    settings.WHATSAPP_APP_SECRET = "meta-app-secret"
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.WHATSAPP_API_VERSION = "v21.0"
    settings.WHATSAPP_TEMPLATES = {"delay_alert": "order_delay:en_GB"}
    graph = FakeGraph()
    monkeypatch.setattr(WhatsAppAdapter, "transport", httpx.MockTransport(graph))
    Shipment.objects.filter(tracking_number="1Z999AA10123456784").update(
        next_check_at=now - timedelta(minutes=1))

    # When the scan finds her parcel late and a worker delivers the alert
    with clock.frozen_at(now), TestCase.captureOnCommitCallbacks(execute=True):
        tasks.shipment_checks_run([Shipment.objects.get(
            tracking_number="1Z999AA10123456784").pk])
        alert = Message.objects.get(payload__purpose="delay_alert")
        services.message_deliver(alert.pk)

    # Then the Graph API got the approved template with her name and the order number
    [request] = graph.requests
    body = json.loads(request.content)
    assert body["type"] == "template"
    assert body["template"] == {"name": "order_delay", "language": {"code": "en_GB"},
                                "components": [{"type": "body", "parameters": [
                                    {"type": "text", "text": "Maya"},
                                    {"type": "text", "text": "1042"}]}]}
    assert Message.objects.get(pk=alert.pk).delivery == "sent"


def test_a_number_that_starts_a_request_is_not_taken_for_a_score(
        store: Any, now: datetime) -> None:
    say("where is my order 1042?", now)
    idle_scan(now + timedelta(hours=2))  # resolved, and the rating question asked

    answer = say("2 items are missing from my other order", now + timedelta(hours=3))

    assert not SatisfactionRating.objects.exists()
    assert "rating" not in " ".join(answer).lower()


def test_a_shopper_who_leaves_without_signing_off_is_not_asked_to_rate(
        store: Any, now: datetime) -> None:
    say("where is my order 1042?", now)

    sent = idle_scan(now + timedelta(hours=2))

    conversation = Conversation.objects.get()
    assert (conversation.status, conversation.close_reason) == ("resolved", "inactive")
    assert sent == []


def test_a_rating_sent_after_an_alert_opened_a_new_conversation_leaves_it_open(
        store: Any, now: datetime) -> None:
    from commerce import services as commerce_services
    from commerce.tracking import Checkpoint

    say("where is my order 1042?", now)
    say("thanks!", now + timedelta(minutes=1))
    idle_scan(now + timedelta(hours=2))  # resolved, rating asked
    shipment = Shipment.objects.get(tracking_number="1Z999AA10123456784")
    with clock.frozen_at(now + timedelta(hours=3)), captured(), \
            TestCase.captureOnCommitCallbacks(execute=True):
        commerce_services.shipment_checkpoints_store(shipment, [Checkpoint(
            at=now + timedelta(hours=3), status="exception", exception="weather_delay",
            location="Carlisle, GB", detail="", code="")])

    say("5", now + timedelta(hours=4))

    assert SatisfactionRating.objects.get().score == 5
    alerted = Conversation.objects.get(status="open")
    assert alerted.state["order"] == "1042"
    assert alerted.messages.filter(payload__purpose="shipment_exception").exists()
