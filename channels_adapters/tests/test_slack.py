"""Slack, the human side, end to end: handoffs posted through slack_sdk's WebClient, and
Slack's own Events API payloads, signed as Slack signs them, through the real webhook view.
Only HTTP is faked: Slack's Web API by a local server, Telegram's Bot API by a transport."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.utils import timezone

from channels_adapters.base import PermanentError, TemporaryError
from channels_adapters.slack import SlackAdapter
from channels_adapters.telegram import TelegramAdapter
from channels_adapters.tests import test_telegram as tg
from conversations import services
from conversations.handoff_notices import slack_handoff_post
from conversations.models import ActionRecord, Conversation, Handoff, Message
from tests import shop

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = Path(__file__).parent / "payloads" / "slack"
BOT_TOKEN = "xoxb-1234567890-0987654321-onethreadtest"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
HANDOFF_CHANNEL = "C0HANDOFFS"
THREAD_TS = "1763633000.000100"
SITE = "https://help.northwind.example"
AGENT_TEXT = ("Hi Maya, it's Sam from the support team. Your parcel is with UPS and due "
              "tomorrow: track it here (https://www.ups.com/track?tracknum=1Z999AA10123456784) "
              "& I'll keep an eye on it.")
SESSION = "slacktestsession0123456789"


class FakeSlack:
    """Slack's Web API on 127.0.0.1: records every request and answers as Slack does
    (queued answers first, then a successful chat.postMessage)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[tuple[int, dict[str, str], dict[str, Any]]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fake.requests.append({
                    "path": self.path,
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"),
                    "json": json.loads(body or b"{}"),
                })
                status, headers, answer = fake.answers.pop(0) if fake.answers else (
                    200, {}, {"ok": True, "channel": HANDOFF_CHANNEL, "ts": THREAD_TS,
                              "message": {"type": "message", "bot_id": "B0ONETHBOT",
                                          "ts": THREAD_TS}})
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slack(settings, monkeypatch) -> Iterator[FakeSlack]:
    settings.SLACK_ENABLED = True
    settings.SLACK_BOT_TOKEN = BOT_TOKEN
    settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
    settings.SLACK_HANDOFF_CHANNEL = HANDOFF_CHANNEL
    settings.SITE_URL = SITE
    settings.CELERY_TASK_ALWAYS_EAGER = True
    fake = FakeSlack()
    monkeypatch.setattr(SlackAdapter, "api_url", fake.url)
    shop.build(timezone.now())
    yield fake
    fake.close()


@pytest.fixture
def telegram(settings, monkeypatch) -> tg.FakeTelegram:
    settings.TELEGRAM_ENABLED = True
    settings.TELEGRAM_BOT_TOKEN = tg.TOKEN
    settings.TELEGRAM_SECRET_TOKEN = "tg-secret"
    fake = tg.FakeTelegram()
    monkeypatch.setattr(TelegramAdapter, "transport", httpx.MockTransport(fake))
    return fake


def event(name: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))


def signed(body: bytes, secret: str = SIGNING_SECRET, at: float | None = None) -> dict[str, str]:
    timestamp = str(int(time.time() if at is None else at))
    base = b"v0:" + timestamp.encode() + b":" + body
    return {"X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + hmac.new(secret.encode(), base,
                                                  hashlib.sha256).hexdigest()}


def deliver(client: Any, payload: dict[str, Any], secret: str = SIGNING_SECRET,
            at: float | None = None, retry: int = 0) -> Any:
    body = json.dumps(payload).encode()
    headers = signed(body, secret, at)
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return client.post("/webhooks/slack/", data=body, content_type="application/json",
                       headers=headers)


def web_conversation_with_handoff() -> tuple[Conversation, Handoff]:
    inbound = services.message_receive(services.Inbound(
        channel="web", sender_id=SESSION, text="can I speak to someone please",
        external_id=f"{SESSION}:c1"))
    conversation = inbound.conversation
    handoff = Handoff.objects.create(
        conversation=conversation, reason="customer_request",
        packet={"reason": "customer_request",
                "slack": {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}})
    return conversation, handoff


def agent_messages() -> list[Message]:
    return list(Message.objects.filter(sender="agent").order_by("pk"))


def test_a_handoff_is_posted_to_the_handoff_channel_with_its_packet(slack):
    maya = services.message_receive(services.Inbound(
        channel="telegram", sender_id=tg.CHAT, text="I want my money back", display_name="Maya",
        external_id=f"{tg.CHAT}:40")).conversation
    packet = {
        "reason": "high_value",
        "summary": "Refund of £240.00 for order 1043 is above the £150.00 limit.",
        "suggested_resolution": "Approve the refund to the original payment method.",
        "intent": "return_request",
        "verified": True,
        "verified_via": "order_details",
        "customer": {"id": maya.customer_id, "name": "Maya Patel", "email": "maya@example.com",
                     "phone": "+447700900123", "tags": ["vip"]},
        "order": "1043",
        "policy": {"rule": "refund.above_auto_limit",
                   "explanation": "Refunds above £150.00 need a person.",
                   "outcome": "needs_human"},
        "tried": ["return_request"],
        "last_message": "<!channel> I want my money back for the boots & the tee",
    }

    handoff = services.handoff_create(maya, "high_value", packet)

    assert slack.requests == [{
        "path": "/api/chat.postMessage",
        "authorization": f"Bearer {BOT_TOKEN}",
        "content_type": "application/json;charset=utf-8",
        "json": {
            "channel": HANDOFF_CHANNEL,
            "text": "Handoff (Refund above threshold): Refund of £240.00 for order 1043 is "
                    "above the £150.00 limit.",
            "blocks": [
                {"type": "header",
                 "text": {"type": "plain_text", "text": "Handoff: Refund above threshold"}},
                {"type": "section", "text": {
                    "type": "mrkdwn",
                    "text": "Refund of £240.00 for order 1043 is above the £150.00 limit."}},
                {"type": "section", "fields": [
                    {"type": "mrkdwn", "text": "*Reason*\nRefund above threshold"},
                    {"type": "mrkdwn", "text": "*Customer*\nMaya Patel · maya@example.com · "
                                               "+447700900123 (vip)"},
                    {"type": "mrkdwn", "text": "*Verified identity*\nYes: Order number and "
                                               "email or postcode"},
                    {"type": "mrkdwn", "text": "*Order*\n#1043"},
                    {"type": "mrkdwn", "text": "*Policy rule*\nrefund.above_auto_limit: "
                                               "Refunds above £150.00 need a person."},
                    {"type": "mrkdwn", "text": "*Suggested resolution*\nApprove the refund to "
                                               "the original payment method."},
                ]},
                {"type": "section", "text": {
                    "type": "mrkdwn",
                    "text": "*Last message*\n>&lt;!channel&gt; I want my money back for the "
                            "boots &amp; the tee"}},
                {"type": "context", "elements": [{"type": "mrkdwn", "text": (
                    f"<{SITE}/admin/conversations/conversation/{maya.pk}/change/|Open "
                    f"conversation #{maya.pk} in the inbox> · The shopper is on Telegram; "
                    "reply in this thread to answer them.")}]},
            ],
        },
    }]
    handoff.refresh_from_db()
    assert handoff.packet == {**packet, "slack": {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}}


def test_a_handoff_is_posted_once_however_often_its_task_runs(slack):
    _, handoff = web_conversation_with_handoff()
    handoff.packet = {"reason": "customer_request", "summary": "Asked for a person."}
    handoff.save()

    first = slack_handoff_post(handoff.pk)
    again = slack_handoff_post(handoff.pk)

    assert first == {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}
    assert again is None
    assert len(slack.requests) == 1


def test_nothing_is_posted_while_slack_is_disabled(slack, settings):
    settings.SLACK_ENABLED = False
    conversation = services.message_receive(services.Inbound(
        channel="web", sender_id=SESSION, text="a person please",
        external_id=f"{SESSION}:d1")).conversation

    handoff = services.handoff_create(conversation, "customer_request", {"summary": "x"})

    assert slack.requests == []
    assert handoff.packet == {"summary": "x"}


def test_a_telegram_shopper_hands_off_and_a_reply_in_the_slack_thread_reaches_them(
        client, slack, telegram):
    telegram_post = client.post(
        "/webhooks/telegram/", data=json.dumps(tg.update(
            "text", text="I want to talk to a real person")),
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})
    assert telegram_post.status_code == 200
    handoff = Handoff.objects.get()
    conversation = handoff.conversation
    assert handoff.packet["slack"] == {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}
    assert [r["path"] for r in slack.requests] == ["/api/chat.postMessage"]
    assert slack.requests[0]["json"]["channel"] == HANDOFF_CHANNEL
    assert conversation.mode == "human"
    bot_said = len(telegram.requests)

    response = deliver(client, event("thread_reply"))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 0}
    [reply] = agent_messages()
    assert (reply.conversation_id, reply.channel, reply.direction, reply.text) == (
        conversation.pk, "telegram", "out", AGENT_TEXT)
    assert reply.payload == {"to": tg.CHAT, "buttons": [], "attachments": [], "via": "slack"}
    assert reply.delivery == "sent"
    assert telegram.sent()[bot_said:] == [{
        "method": "POST", "url": tg.SEND_MESSAGE,
        "content_type": "application/x-www-form-urlencoded",
        "form": {"chat_id": tg.CHAT, "text": AGENT_TEXT}}]
    assert Conversation.objects.count() == 1


def test_a_reply_in_the_thread_reaches_a_site_chat_shopper_in_the_same_history(client, slack):
    conversation, _ = web_conversation_with_handoff()

    deliver(client, event("thread_reply"))

    [reply] = agent_messages()
    assert (reply.conversation_id, reply.channel, reply.text, reply.delivery) == (
        conversation.pk, "web", AGENT_TEXT, "sent")
    assert [m.sender for m in conversation.messages.order_by("pk")] == ["customer", "agent"]


def test_a_retried_event_sends_the_shopper_one_reply(client, slack, telegram):
    services.message_receive(services.Inbound(
        channel="telegram", sender_id=tg.CHAT, text="a person please", external_id=f"{tg.CHAT}:7"))
    conversation = Conversation.objects.get()
    Handoff.objects.create(conversation=conversation, reason="customer_request",
                           packet={"slack": {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}})
    payload = event("thread_reply")

    first = deliver(client, payload)
    retried = deliver(client, payload, retry=1)
    again = deliver(client, payload, retry=2)

    assert [r.status_code for r in (first, retried, again)] == [200, 200, 200]
    assert len(agent_messages()) == 1
    assert len(telegram.requests) == 1
    assert ActionRecord.objects.get().idempotency_key == "slack:event:Ev0AGENTREPLY1"


@pytest.mark.parametrize("name", ["bot_thread_message", "channel_message", "message_changed"])
def test_bot_messages_top_level_messages_and_edits_are_ignored(client, slack, name):
    web_conversation_with_handoff()

    response = deliver(client, event(name))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 0}
    assert agent_messages() == []


def test_a_reply_in_a_thread_that_is_not_a_handoff_is_ignored(client, slack):
    web_conversation_with_handoff()
    payload = event("thread_reply")
    payload["event"]["thread_ts"] = "1763630000.000999"

    deliver(client, payload)

    assert agent_messages() == []


def test_the_url_verification_handshake_is_answered_with_its_challenge(client, slack):
    response = deliver(client, event("url_verification"))

    assert response.status_code == 200
    assert response.json() == {
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}


@pytest.mark.parametrize("signing", [
    {"secret": "not-the-signing-secret"},
    {"at": time.time() - 6 * 60},
], ids=["wrong secret", "stale timestamp"])
def test_a_bad_signature_is_refused_and_nothing_is_sent(client, slack, signing):
    web_conversation_with_handoff()

    response = deliver(client, event("thread_reply"), **signing)

    assert response.status_code == 403
    assert agent_messages() == []
    assert ActionRecord.objects.count() == 0


def test_an_unsigned_request_is_refused(client, slack):
    response = client.post("/webhooks/slack/", data=json.dumps(event("url_verification")),
                           content_type="application/json")

    assert response.status_code == 403


def test_the_webhook_is_404_while_slack_is_disabled(client, slack, settings):
    settings.SLACK_ENABLED = False

    assert deliver(client, event("url_verification")).status_code == 404


def test_slack_rate_limits_and_outages_are_temporary(slack):
    slack.answers += [(429, {"Retry-After": "30"}, {"ok": False, "error": "ratelimited"}),
                      (503, {}, {"ok": False, "error": "service_unavailable"})]

    with pytest.raises(TemporaryError) as limited:
        SlackAdapter().post("Handoff")
    with pytest.raises(TemporaryError) as down:
        SlackAdapter().post("Handoff")

    assert limited.value.retry_after == 30.0
    assert down.value.retry_after is None


def test_a_channel_slack_cannot_post_to_is_permanent(slack):
    slack.answers.append((200, {}, {"ok": False, "error": "not_in_channel"}))

    with pytest.raises(PermanentError, match="not_in_channel"):
        SlackAdapter().post("Handoff")


def test_an_unreachable_slack_is_temporary(slack, monkeypatch):
    monkeypatch.setattr(SlackAdapter, "api_url", "http://127.0.0.1:9/api/")

    with pytest.raises(TemporaryError):
        SlackAdapter().post("Handoff")
