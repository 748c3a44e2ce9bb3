"""Odd input never costs a message: NUL characters, lone surrogates, over-long ids and
addresses, deep nesting and wrong types, each through the real webhook view (or the real
MTA pipe and site-chat socket) into the real database. The platforms' HTTP is faked only
where a reply goes out (a capturing outbox, a real SMTP server on loopback)."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command

from channels_adapters.base import capped_id
from channels_adapters.registry import captured
from channels_adapters.tests import platforms as p
from conversations import services
from conversations.models import Conversation, Handoff, Message
from core.asgi import application
from core.models import ChannelIdentity, Customer

pytestmark = pytest.mark.django_db

SHOPPER = "+447700900123"
OUT_WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQjdDMDQ5QkE4NjM2RTY5MzQ1AA=="


@pytest.fixture
def on(settings: Any) -> Any:
    p.platforms_on(settings)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def inbound() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.INBOUND).order_by("pk"))


# --- NUL characters and lone surrogates ------------------------------------------------------

def test_nul_and_a_lone_surrogate_in_a_whatsapp_message_are_cleaned_and_it_is_stored(on):
    payload = p.wa_webhook([p.wa_text("wamid.NUL1", "hello\u0000world \ud800!")],
                           contacts=[{"profile": {"name": "Ma\u0000ya"},
                                      "wa_id": p.SHOPPER_WA_ID}])

    response = p.wa_post(payload)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1}
    [message] = inbound()
    assert message.text == "helloworld \ufffd!"
    assert ChannelIdentity.objects.get(external_id=SHOPPER).display_name == "Maya"


def test_nul_in_a_telegram_text_and_name_is_removed_and_the_message_stored(on):
    update = p.tg_update(text="where is\u0000 my order")
    update["message"]["from"]["first_name"] = "Ma\u0000ya"

    response = p.tg_post(update)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1}
    [message] = inbound()
    assert message.text == "where is my order"
    assert ChannelIdentity.objects.get(channel="telegram").display_name == "Maya Patel"


def test_nul_in_a_mailgun_body_is_removed_and_the_mail_stored(on):
    response = p.mailgun_post(p.mailgun_fields(**{"body-plain": "Where is\u0000 order 1042?"}))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1}
    [message] = inbound()
    assert message.text == "Where is order 1042?"
    assert message.payload["raw_text"] == "Where is order 1042?"


def test_nul_in_a_piped_email_is_removed_and_the_mail_stored(on, monkeypatch):
    raw = (b"From: Maya Patel <maya@example.com>\nTo: support@shop.example\n"
           b"Subject: Order\x00 1042\nMessage-ID: <nul-1@mail.example.com>\n"
           b"Content-Type: text/plain; charset=utf-8\n\nWhere is\x00 it?\n")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()

    call_command("ingest_email", stdout=out)

    [message] = inbound()
    assert out.getvalue().strip() == f"Stored message {message.pk}."
    assert message.text == "Where is it?"
    assert message.payload["subject"] == "Order 1042"


# --- Over-long ids, addresses and subjects ------------------------------------------------------

def test_an_over_long_whatsapp_message_id_is_capped_and_a_redelivery_is_still_one(on):
    long_id = "wamid." + "A" * 300
    payload = p.wa_webhook([p.wa_text(long_id)])

    first = p.wa_post(payload)
    again = p.wa_post(payload)

    assert first.json() == {"ok": True, "stored": 1}
    assert again.json() == {"ok": True, "stored": 0}
    [message] = inbound()
    assert message.external_id == capped_id(long_id)
    assert len(message.external_id) == 255
    assert message.external_id.startswith("wamid.AAAA")


def test_a_whatsapp_number_too_long_for_any_phone_is_a_bad_request(on):
    response = p.wa_post(p.wa_webhook([p.wa_text("wamid.LONGFROM", wa_id="4" * 300)],
                                      contacts=[]))

    assert response.status_code == 400
    assert "longer than 255 characters" in response.json()["error"]
    assert p.stored_nothing()


def test_an_over_long_mailgun_message_id_gets_one_made_from_the_mail(on):
    fields = p.mailgun_fields(**{"Message-Id": "<" + "x" * 400 + "@mail.example.com>"})

    first = p.mailgun_post(fields)
    again = p.mailgun_post({**fields, **{k: v for k, v in p.mailgun_fields().items()
                                         if k in ("timestamp", "token", "signature")}})

    assert first.json() == {"ok": True, "stored": 1}
    assert again.json() == {"ok": True, "stored": 0}
    [message] = inbound()
    assert message.external_id.endswith("@onethread.invalid>")
    assert message.payload["message_id"] == message.external_id


def test_a_sender_address_longer_than_an_address_can_be_is_a_bad_request(on):
    sender = "a" * 300 + "@example.com"

    response = p.mailgun_post(p.mailgun_fields(sender=sender, **{"from": sender}))

    assert response.status_code == 400
    assert response.json() == {
        "error": "The sender address is longer than 254 characters."}
    assert p.stored_nothing()


def test_an_over_long_subject_is_stored_cut_to_one_header_line(on):
    response = p.mailgun_post(p.mailgun_fields(subject="x" * 100_000))

    assert response.status_code == 200
    [message] = inbound()
    assert message.payload["subject"] == "x" * 998


# --- Deep nesting and wrong types ---------------------------------------------------------------

DEEP = b'{"object": "whatsapp_business_account", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


@pytest.mark.parametrize(("post", "body"), [
    pytest.param(p.wa_post, DEEP, id="whatsapp"),
    pytest.param(p.wa_post, b"[" * 1_000_000, id="whatsapp-unclosed"),
    pytest.param(p.wa_post, b'{"object": "whatsapp_business_account", "entry": '
                 + b"[" * 70 + b"]" * 70 + b"}", id="whatsapp-just-over-the-limit"),
    pytest.param(p.tg_post, b'{"update_id": 1, "message": ' + b"[" * 100_000 + b"]" * 100_000
                 + b"}", id="telegram"),
    pytest.param(p.slack_post, b'{"type": "event_callback", "event": ' + b"[" * 100_000
                 + b"]" * 100_000 + b"}", id="slack"),
])
def test_deeply_nested_json_is_a_bad_request(on, post, body):
    response = post(body)

    assert response.status_code == 400
    assert "nested too deeply" in response.json()["error"]
    assert p.stored_nothing()


def test_deeply_nested_mailgun_headers_are_ignored_and_the_mail_stored(on):
    nested = "[" * 100_000 + "]" * 100_000

    response = p.mailgun_post(p.mailgun_fields(**{"message-headers": nested}))

    assert response.json() == {"ok": True, "stored": 1}
    assert inbound()[0].text == "Hello, where is order 1042?"


@pytest.mark.parametrize("body", [42, {"text": "hi"}, ["hi"], None])
def test_a_whatsapp_text_body_of_the_wrong_type_is_a_bad_request(on, body):
    response = p.wa_post(p.wa_webhook([p.wa_text("wamid.TYPE1", body)]))

    assert response.status_code == 400
    assert response.json() == {"error": "message 'wamid.TYPE1': body is not a string"}
    assert p.stored_nothing()


def test_a_telegram_message_without_its_chat_is_a_bad_request(on):
    update = p.tg_update()
    del update["message"]["chat"]

    response = p.tg_post(update)

    assert response.status_code == 400
    assert response.json()["error"].startswith("Not a Telegram update:")
    assert p.stored_nothing()


@pytest.mark.parametrize("text", [42, {"a": 1}])
def test_a_telegram_text_of_the_wrong_type_is_a_bad_request(on, text):
    response = p.tg_post(p.tg_update(text=text))

    assert response.status_code == 400
    assert p.stored_nothing()


def test_an_unreadable_mailgun_timestamp_is_refused_like_a_bad_signature(on):
    response = p.mailgun_post(p.mailgun_fields(timestamp="9" * 5000))
    superscript = p.mailgun_post(p.mailgun_fields(timestamp="1²"))

    assert response.status_code == 403
    assert superscript.status_code == 403
    assert p.stored_nothing()


def test_a_slack_agent_reply_without_an_event_id_is_a_bad_request_and_nothing_is_sent(on):
    customer = Customer.objects.create(name="Maya Patel", email="maya@example.com")
    conversation = Conversation.objects.create(customer=customer, channel="web",
                                               mode=Conversation.Mode.HUMAN)
    Handoff.objects.create(conversation=conversation, reason="customer_request",
                           packet={"slack": {"ts": "1763633000.000100", "channel": "C0HANDOFFS"}})
    reply = p.slack_reply()
    del reply["event_id"]

    with captured() as outbox:
        first = p.slack_post(reply)
        again = p.slack_post(reply)

    assert (first.status_code, again.status_code) == (400, 400)
    assert first.json() == {"error": "The Slack event has no event_id."}
    assert outbox.sent == []
    assert not Message.objects.filter(direction="out").exists()


# --- A batch with one bad message --------------------------------------------------------------

def test_a_batch_with_one_malformed_message_still_stores_the_good_one(on):
    malformed = {"from": p.SHOPPER_WA_ID, "id": "wamid.BAD1", "type": "text",
                 "timestamp": "1763632800"}
    payload = p.wa_webhook([p.wa_text("wamid.GOOD1", "where is order 1042"), malformed,
                            p.wa_text("wamid.GOOD2", 42), p.wa_text("wamid.GOOD3", "thanks")])

    response = p.wa_post(payload)

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 2, "rejected": 2}
    assert [(m.external_id, m.text) for m in inbound()] == [
        ("wamid.GOOD1", "where is order 1042"), ("wamid.GOOD3", "thanks")]


def test_a_whatsapp_message_without_an_id_is_refused_and_a_redelivery_stores_nothing(on):
    """Without an id a redelivery could not be told from a new message: it would be stored
    and answered again each time Meta resent the batch."""
    payload = p.wa_webhook([p.wa_text(""), p.wa_text("\x00"), p.wa_text("wamid.GOOD1")])

    response = p.wa_post(payload)
    again = p.wa_post(payload)

    assert response.json() == {"ok": True, "stored": 1, "rejected": 2}
    assert again.json() == {"ok": True, "stored": 0, "rejected": 2}
    assert [m.external_id for m in inbound()] == ["wamid.GOOD1"]


def test_a_batch_with_one_malformed_entry_still_stores_the_other_entries(on):
    payload = p.wa_webhook([p.wa_text("wamid.GOOD1")])
    payload["entry"] = [5, {"id": "1", "changes": "nope"}, *payload["entry"]]

    response = p.wa_post(payload)

    assert response.json() == {"ok": True, "stored": 1, "rejected": 2}
    assert [m.external_id for m in inbound()] == ["wamid.GOOD1"]


def test_a_malformed_status_does_not_stop_the_others_in_its_batch(on):
    conversation = _shopper_conversation()
    sent = _sent(conversation, OUT_WAMID)
    payload = p.wa_webhook(statuses=[{"status": "delivered"}, p.wa_status(OUT_WAMID, "read")])

    response = p.wa_post(payload)

    assert response.json() == {"ok": True, "stored": 0, "rejected": 1}
    sent.refresh_from_db()
    assert sent.delivery == "read"


# --- WhatsApp delivery statuses never go backwards ----------------------------------------------

def _shopper_conversation() -> Conversation:
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=SHOPPER, text="hello", external_id="wamid.in-1"))
    assert message is not None
    return message.conversation


def _sent(conversation: Conversation, external_id: str) -> Message:
    return Message.objects.create(
        conversation=conversation, channel="whatsapp", direction=Message.Direction.OUTBOUND,
        sender=Message.Sender.BOT, text="Your order is on its way.", payload={"to": SHOPPER},
        delivery=Message.Delivery.SENT, external_id=external_id)


def _receipts(message: Message, *statuses: str) -> list[tuple[str, str]]:
    seen = []
    for status in statuses:
        extra = {"errors": [{"code": 131026, "title": "Message undeliverable"}]} if (
            status == "failed") else {}
        assert p.wa_post(p.wa_webhook(statuses=[p.wa_status(
            OUT_WAMID, status, **extra)])).status_code == 200
        message.refresh_from_db()
        seen.append((message.delivery, message.last_error))
    return seen


def test_a_late_failed_receipt_never_undoes_a_read_one(on):
    message = _sent(_shopper_conversation(), OUT_WAMID)

    assert _receipts(message, "read", "failed", "delivered", "sent") == [
        ("read", ""), ("read", ""), ("read", ""), ("read", "")]


def test_a_delivered_receipt_after_a_failed_one_shows_it_arrived_after_all(on):
    message = _sent(_shopper_conversation(), OUT_WAMID)

    assert _receipts(message, "failed", "delivered", "read") == [
        ("failed", "Message undeliverable (131026)"), ("delivered", ""), ("read", "")]


def test_a_late_sent_receipt_does_not_hide_a_failure(on):
    message = _sent(_shopper_conversation(), OUT_WAMID)

    assert _receipts(message, "failed", "sent", "failed") == [
        ("failed", "Message undeliverable (131026)"),
        ("failed", "Message undeliverable (131026)"),
        ("failed", "Message undeliverable (131026)")]


# --- An over-long email subject is folded, not failed --------------------------------------------

class RawInbox:
    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(on: Any) -> Iterator[RawInbox]:
    inbox = RawInbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    on.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    on.EMAIL_PORT = port
    on.EMAIL_USE_TLS = on.EMAIL_USE_SSL = False
    on.EMAIL_HOST_USER = on.EMAIL_HOST_PASSWORD = ""
    try:
        yield inbox
    finally:
        controller.stop()


def _reply_to_mail_with_subject(subject: str) -> Message:
    assert p.mailgun_post(p.mailgun_fields(subject=subject)).status_code == 200
    conversation = Conversation.objects.get()
    outbound = services.message_send(conversation, services.Reply("It's on its way."),
                                     to="maya@example.com")
    services.message_deliver(outbound.pk)
    outbound.refresh_from_db()
    return outbound


def _header_lines(raw: bytes, name: bytes) -> list[bytes]:
    """A header as sent: its first line and the folded lines that continue it."""
    lines = raw.replace(b"\r\n", b"\n").split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.lower().startswith(name + b":"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i][:1] not in (b" ", b"\t"))
    return lines[start:end]


def test_a_reply_to_a_mail_with_a_100k_word_subject_goes_out_folded(smtp):
    outbound = _reply_to_mail_with_subject("word " * 20_000)

    assert (outbound.delivery, outbound.last_error) == ("sent", "")
    [raw] = smtp.received
    lines = _header_lines(raw, b"subject")
    assert len(lines) > 1
    assert max(len(line) for line in lines) <= 78
    subject = b"".join(lines).decode().removeprefix("Subject: ")
    assert subject == ("Re: " + " ".join(["word"] * 20_000))[:197] + "..."
    assert len(subject) == 200


def test_a_reply_to_a_mail_with_a_100k_subject_in_one_word_goes_out(smtp):
    outbound = _reply_to_mail_with_subject("x" * 100_000)

    assert (outbound.delivery, outbound.last_error) == ("sent", "")
    [raw] = smtp.received
    assert b"".join(_header_lines(raw, b"subject")).decode().strip() == (
        "Subject: Re: " + "x" * 193 + "...")
    assert max(len(line) for line in raw.splitlines()) <= 998


# --- The site-chat socket ---------------------------------------------------------------------

SESSION = "oddinputsession0123456789"


async def _connect() -> WebsocketCommunicator:
    chat = WebsocketCommunicator(application, f"/ws/chat/?session={SESSION}",
                                 headers=[(b"host", b"localhost"),
                                          (b"origin", b"http://localhost")])
    connected, _ = await chat.connect()
    assert connected
    assert (await chat.receive_json_from(timeout=10))["type"] == "hello"
    return chat


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("frame", "error"), [
    pytest.param({"text_data": "{not json"}, "The message is not JSON.", id="bad-json"),
    pytest.param({"bytes_data": b"\x00\x01"}, "Send JSON as a text frame.", id="binary"),
    pytest.param({"text_data": "[" * 100_000 + "]" * 100_000},
                 "The message is nested too deeply.", id="deep"),
    pytest.param({"text_data": '{"type": "message", "text": "\\u0000"}'},
                 "The message is empty.", id="only-nul"),
])
async def test_an_odd_frame_gets_an_error_frame_and_the_socket_stays_open(frame, error):
    chat = await _connect()

    await chat.send_to(**frame)

    assert await chat.receive_json_from(timeout=5) == {"type": "error", "error": error}
    await chat.send_json_to({"type": "message", "text": "hello", "client_id": "after-odd-1"})
    echo = await chat.receive_json_from(timeout=30)
    assert echo["message"]["text"] == "hello"
    assert await database_sync_to_async(Message.objects.filter(direction="in").count)() == 1
    await chat.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_nul_and_a_lone_surrogate_in_a_chat_message_are_cleaned_and_it_is_stored():
    chat = await _connect()

    await chat.send_to(text_data='{"type": "message", "text": "hel\\u0000lo \\ud800!", '
                                 '"client_id": "odd-chars-1"}')

    echo = await chat.receive_json_from(timeout=30)
    assert echo["type"] == "message"
    assert echo["message"]["text"] == "hello \ufffd!"
    stored = await database_sync_to_async(Message.objects.get)(direction="in")
    assert stored.text == "hello \ufffd!"
    await chat.disconnect()


# --- Direct callers are held to the same rules ------------------------------------------------

def test_a_message_of_the_wrong_shape_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="text is not a string"):
        services.message_receive(services.Inbound(channel="web", sender_id="s" * 20,
                                                  text=42))  # type: ignore[arg-type]

    assert Customer.objects.count() == 0


def test_a_batch_of_only_malformed_messages_is_refused_and_nothing_is_sent(on):
    with captured() as outbox:
        response = p.wa_post(p.wa_webhook([{"type": "text"}]))

    assert response.status_code == 400
    assert outbox.sent == []
    assert json.loads(response.content)["error"] == "message without an id: missing 'id'"
