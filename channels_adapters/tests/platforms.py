"""Every platform's webhook as the platform calls it (real-shaped payloads, signed as each
signs them) and a stand-in bot, for the tests of odd input. Not a test module itself."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from typing import Any

from django.test import Client

from conversations import services
from conversations.models import ActionRecord, Message
from core.models import Customer

WA_SECRET = "meta-app-secret"
PHONE_NUMBER_ID = "106540352242922"
SHOPPER_WA_ID = "447700900123"
TG_SECRET = "tg-webhook-secret-5f1d8c"
TG_CHAT = 5550001234
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
MAILGUN_KEY = "key-3ax6xnjp29jd6fds4gc373sgvjxteol0"


def platforms_on(settings: Any) -> None:
    """Every channel on with test secrets; the bot's work runs inline after the webhook."""
    settings.WHATSAPP_ENABLED = True
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = "EAAGtesttoken"
    settings.WHATSAPP_APP_SECRET = WA_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.TELEGRAM_ENABLED = True
    settings.TELEGRAM_BOT_TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    settings.TELEGRAM_SECRET_TOKEN = TG_SECRET
    settings.SLACK_ENABLED = True
    settings.SLACK_BOT_TOKEN = "xoxb-1234567890-0987654321-onethreadtest"
    settings.SLACK_SIGNING_SECRET = SLACK_SECRET
    settings.SLACK_HANDOFF_CHANNEL = "C0HANDOFFS"
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    settings.DEFAULT_FROM_EMAIL = "support@shop.example"
    settings.EMAIL_INBOUND_SIGNING_KEY = MAILGUN_KEY
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Generated examples write from one sender many times a minute; flood control is
    # tested elsewhere and would only hold their answers back here.
    settings.INBOUND_PER_MINUTE = 1_000_000


def body_of(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


# --- WhatsApp ----------------------------------------------------------------------------

def wa_text(message_id: str, body: Any = "where is order 1042",
            wa_id: Any = SHOPPER_WA_ID) -> dict[str, Any]:
    return {"from": wa_id, "id": message_id, "timestamp": "1763632800", "type": "text",
            "text": {"body": body}}


def wa_status(message_id: str, status: str, **extra: Any) -> dict[str, Any]:
    return {"id": message_id, "status": status, "timestamp": "1763632900",
            "recipient_id": SHOPPER_WA_ID, **extra}


def wa_webhook(messages: list[Any] | None = None, statuses: list[Any] | None = None,
               contacts: Any = None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
        "contacts": [{"profile": {"name": "Maya Patel"}, "wa_id": SHOPPER_WA_ID}]
        if contacts is None else contacts}
    if messages is not None:
        value["messages"] = messages
    if statuses is not None:
        value["statuses"] = statuses
    return {"object": "whatsapp_business_account", "entry": [
        {"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


def wa_post(payload: Any, client: Client | None = None) -> Any:
    body = body_of(payload)
    signature = "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return (client or Client()).post("/webhooks/whatsapp/", data=body,
                                     content_type="application/json",
                                     headers={"X-Hub-Signature-256": signature})


# --- Telegram ----------------------------------------------------------------------------

def tg_update(update_id: int = 648392101, **message: Any) -> dict[str, Any]:
    person = {"id": TG_CHAT, "is_bot": False, "first_name": "Maya", "last_name": "Patel",
              "username": "mayapatel", "language_code": "en"}
    fields: dict[str, Any] = {
        "message_id": 512, "from": person,
        "chat": {"id": TG_CHAT, "first_name": "Maya", "last_name": "Patel",
                 "username": "mayapatel", "type": "private"},
        "date": 1763632800, "text": "hi"}
    fields.update(message)
    return {"update_id": update_id, "message": fields}


def tg_post(payload: Any, client: Client | None = None) -> Any:
    return (client or Client()).post("/webhooks/telegram/", data=body_of(payload),
                                     content_type="application/json",
                                     headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET})


# --- Slack -------------------------------------------------------------------------------

def slack_reply(thread_ts: Any = "1763633000.000100", text: Any = "Hi Maya, it's Sam.",
                event_id: Any = "Ev0AGENTREPLY1", **event: Any) -> dict[str, Any]:
    fields = {"user": "U0AGENTSAM", "type": "message", "ts": "1763633100.000200",
              "text": text, "thread_ts": thread_ts, "channel": "C0HANDOFFS",
              "event_ts": "1763633100.000200", "channel_type": "channel"}
    fields.update(event)
    return {"token": "XXYYZZ0onethread", "team_id": "T0NORTHWND", "api_app_id": "A0ONETHRD1",
            "event": fields, "type": "event_callback", "event_id": event_id,
            "event_time": 1763633100}


def slack_post(payload: Any, client: Client | None = None) -> Any:
    body = body_of(payload)
    timestamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SLACK_SECRET.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                 hashlib.sha256).hexdigest()
    return (client or Client()).post("/webhooks/slack/", data=body,
                                     content_type="application/json",
                                     headers={"X-Slack-Request-Timestamp": timestamp,
                                              "X-Slack-Signature": signature})


# --- Email (Mailgun) ---------------------------------------------------------------------

def mailgun_fields(**overrides: Any) -> dict[str, Any]:
    """A Mailgun routes POST, signed with a token of its own (Mailgun never reuses one)."""
    timestamp = str(int(time.time()))
    token = uuid.uuid4().hex + uuid.uuid4().hex[:18]
    fields: dict[str, Any] = {
        "recipient": "support@shop.example", "sender": "maya@example.com",
        "from": "Maya Patel <maya@example.com>", "subject": "Where is my order?",
        "body-plain": "Hello, where is order 1042?", "stripped-text": "",
        "Message-Id": f"<{uuid.uuid4().hex}@mail.example.com>",
        "timestamp": timestamp, "token": token,
        "signature": hmac.new(MAILGUN_KEY.encode(), f"{timestamp}{token}".encode(),
                              hashlib.sha256).hexdigest()}
    fields.update(overrides)
    return fields


def mailgun_post(fields: dict[str, Any], client: Client | None = None) -> Any:
    return (client or Client()).post("/webhooks/email/", fields)


# --- The stand-in bot and what it answered --------------------------------------------------

def stand_in_bot(conversation: Any, message: Message) -> list[services.Reply]:
    """One reply naming the message it answers: what was answered, and how often, can be
    read back from the outbox."""
    return [services.Reply(f"answer to {message.pk}")]


def answers_per_inbound() -> dict[int, int]:
    """For each stored inbound message, how many replies answer it."""
    counts = dict.fromkeys(Message.objects.filter(
        direction=Message.Direction.INBOUND).values_list("pk", flat=True), 0)
    for text in Message.objects.filter(direction=Message.Direction.OUTBOUND,
                                       text__startswith="answer to ").values_list(
            "text", flat=True):
        pk = int(text.removeprefix("answer to "))
        counts[pk] = counts.get(pk, 0) + 1
    return counts


def stored_nothing() -> bool:
    return not (Message.objects.exists() or Customer.objects.exists())


def wipe() -> None:
    """Forget every customer and message (between generated examples)."""
    ActionRecord.objects.all().delete()
    Customer.objects.all().delete()
