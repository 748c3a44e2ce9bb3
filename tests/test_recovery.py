"""After a crash: what was stored and never answered is answered once, on every channel,
and `/healthz` names the part that is down."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.utils import timezone

from conversations import services
from conversations.models import Message
from conversations.tasks import recover_outbox
from core.asgi import application
from core.celery import app as celery_app
from tests import shop
from tests.celery_worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)

SESSION = "recoverysession0123456789"


@pytest.fixture
def eager_tasks():
    # What beat's worker would run, in this process: the queued tasks run at once.
    celery_app.conf.update(task_always_eager=True)
    yield
    celery_app.conf.changes.pop("task_always_eager", None)


def _store_unanswered(text: str, *, minutes_ago: int) -> Message:
    """A site-chat message stored just before the process answering it died."""
    message = services.message_receive(services.Inbound(
        channel="web", sender_id=SESSION, text=text, external_id=f"{SESSION}:c0000001"))
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return message


async def test_a_site_chat_message_left_unanswered_by_a_crash_is_answered_once_into_the_chat(
        eager_tasks):
    await database_sync_to_async(shop.build)(timezone.now())
    chat = WebsocketCommunicator(application, f"/ws/chat/?session={SESSION}",
                                 headers=[(b"host", b"localhost"),
                                          (b"origin", b"http://localhost")])
    assert (await chat.connect())[0]
    await chat.receive_json_from(timeout=10)  # hello
    stored = await database_sync_to_async(_store_unanswered)(
        "hi, where is my order?", minutes_ago=2)

    # When beat's recovery runs, twice (as it does every minute)
    await database_sync_to_async(recover_outbox)()
    await database_sync_to_async(recover_outbox)()

    # Then the shopper's open chat gets the answer
    reply = await chat.receive_json_from(timeout=60)
    assert reply["message"]["direction"] == "out"
    assert "order number" in reply["message"]["text"]
    assert await chat.receive_nothing(timeout=0.5)
    await chat.disconnect()

    # And the message was answered exactly once, and the answer is marked sent
    def outcome() -> tuple:
        message = Message.objects.get(pk=stored.pk)
        replies = list(Message.objects.filter(direction="out").values_list(
            "channel", "delivery"))
        return message.processed_at is not None, replies

    assert await database_sync_to_async(outcome)() == (True, [("web", "sent")])


def test_a_fresh_site_chat_message_is_left_to_the_socket_that_is_answering_it():
    shop.build(timezone.now())
    stored = _store_unanswered("hello", minutes_ago=0)

    assert stored.pk not in services.inbound_recover()


def _bot_warmed_up() -> None:
    # Importing core.asgi (above) warms the bot up in this process, as in a server.
    from core import health

    wait_for(lambda: health._bot_state.get("bot") not in (None, "warming"), timeout=300)


def test_healthz_says_the_database_the_broker_and_the_bot_are_up():
    _bot_warmed_up()

    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"ok": True, "database": "ok", "broker": "ok", "bot": "ok"}


def test_healthz_answers_503_naming_the_broker_when_it_is_unreachable():
    # A Redis broker on a port where nothing listens.
    _bot_warmed_up()
    celery_app.conf.update(broker_url="redis://127.0.0.1:1/0")
    try:
        response = Client().get("/healthz")
    finally:
        celery_app.conf.changes.pop("broker_url", None)

    assert response.status_code == 503
    body = response.json()
    assert (body["ok"], body["database"]) == (False, "ok")
    assert body["broker"].startswith("down: OperationalError: ")


def test_healthz_answers_503_naming_the_database_when_it_is_unreachable():
    # The database server gone: its connection closed and its socket nowhere to be found.
    _bot_warmed_up()
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-socket-dir"
    try:
        response = Client().get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)

    assert response.status_code == 503
    body = json.loads(response.content)
    assert (body["ok"], body["broker"]) == (False, "ok")
    assert body["database"].startswith("down: OperationalError: ")


# --- A reply left "sending" by a crash is settled with the platform --------------------

from channels_adapters.base import outbound_key  # noqa: E402
from channels_adapters.email import outbound_message_id  # noqa: E402
from channels_adapters.tests import test_whatsapp as whatsapp_tests  # noqa: E402
from channels_adapters.tests.test_whatsapp import (  # noqa: E402
    deliver_webhook,
    outbound,
    shopper_wrote,
)
from core import clock  # noqa: E402

# The WhatsApp channel switched on, and Meta's Graph API faked at the HTTP boundary.
whatsapp = whatsapp_tests.whatsapp
graph = whatsapp_tests.graph


def _status_callback(wamid: str, status: str, tracker: str) -> bytes:
    """Meta's status webhook for a message sent with `biz_opaque_callback_data`."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": "106540352242922"},
            "statuses": [{"id": wamid, "status": status, "timestamp": "1764976000",
                          "recipient_id": "447700900123", "biz_opaque_callback_data": tracker,
                          "conversation": {"id": "c0ffee", "origin": {"type": "service"}},
                          "pricing": {"billable": True, "pricing_model": "PMP",
                                      "category": "service", "type": "free_customer_service"}}],
        }}]}]}).encode()


def _crashed_mid_send(message: Message, *, minutes_ago: int = 0) -> None:
    """The worker claimed the row and died before it heard the platform's answer."""
    Message.objects.filter(pk=message.pk).update(
        delivery=Message.Delivery.SENDING, attempts=1,
        created_at=clock.now() - timedelta(minutes=minutes_ago),
        sending_since=clock.now() - timedelta(minutes=minutes_ago))


def test_every_whatsapp_message_carries_a_tag_naming_its_outbox_row(graph):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")

    assert services.message_deliver(message.pk).status == "sent"

    assert graph.trackers() == [f"onethread:out:{message.pk}"]


def test_a_whatsapp_reply_left_sending_by_a_crash_is_settled_by_metas_status_callback(
        whatsapp):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")
    _crashed_mid_send(message)

    response = deliver_webhook(_status_callback("wamid.CRASHED1", "sent",
                                                outbound_key(message.pk)))

    assert response.status_code == 200
    message.refresh_from_db()
    assert (message.delivery, message.external_id, message.sending_since,
            message.last_error) == ("sent", "wamid.CRASHED1", None, "")
    # And later receipts move it on as for any other message
    deliver_webhook(_status_callback("wamid.CRASHED1", "delivered", outbound_key(message.pk)))
    message.refresh_from_db()
    assert message.delivery == "delivered"


def test_a_receipt_that_comes_before_the_send_returns_is_not_undone(whatsapp, monkeypatch):
    import httpx

    from channels_adapters.whatsapp import WhatsAppAdapter

    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")

    def meta(request: httpx.Request) -> httpx.Response:
        # Meta delivers the message and posts its receipt before our request returns.
        tracker = json.loads(request.content)["biz_opaque_callback_data"]
        deliver_webhook(_status_callback("wamid.FAST", "delivered", tracker))
        return httpx.Response(200, json={"messaging_product": "whatsapp",
                                         "messages": [{"id": "wamid.FAST"}]})

    monkeypatch.setattr(WhatsAppAdapter, "transport", httpx.MockTransport(meta))

    assert services.message_deliver(message.pk).status == "sent"

    message.refresh_from_db()
    assert (message.delivery, message.external_id) == ("delivered", "wamid.FAST")


def test_a_late_callback_settles_a_whatsapp_reply_the_recovery_had_marked_failed(whatsapp):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")
    _crashed_mid_send(message, minutes_ago=11)
    services.outbox_recover()
    message.refresh_from_db()
    assert (message.delivery, message.last_error) == ("failed", services.STUCK_FAILED)

    deliver_webhook(_status_callback("wamid.LATE1", "read", outbound_key(message.pk)))

    message.refresh_from_db()
    assert (message.delivery, message.external_id, message.last_error) == (
        "read", "wamid.LATE1", "")


def test_a_callback_cannot_rename_a_message_whose_id_is_known(whatsapp):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")
    Message.objects.filter(pk=message.pk).update(delivery="sent", external_id="wamid.REAL")

    deliver_webhook(_status_callback("wamid.OTHER", "read", outbound_key(message.pk)))

    message.refresh_from_db()
    assert (message.delivery, message.external_id) == ("sent", "wamid.REAL")


def test_a_site_chat_or_email_reply_left_sending_is_sent_again_and_telegram_is_not(whatsapp):
    shop.build(timezone.now())
    conversation = shopper_wrote(clock.now())
    rows = {channel: Message.objects.create(
        conversation=conversation, channel=channel, direction="out", sender="bot",
        text="Your order is on its way.", payload={"to": "x"}, delivery="pending")
        for channel in ("web", "email", "telegram")}
    for row in rows.values():
        _crashed_mid_send(row, minutes_ago=11)

    queued = services.outbox_recover()

    assert queued == [rows["web"].pk, rows["email"].pk]
    assert {c: Message.objects.get(pk=r.pk).delivery for c, r in rows.items()} == {
        "web": "pending", "email": "pending", "telegram": "failed"}


def test_an_email_sent_again_keeps_its_message_id(settings):
    settings.SUPPORT_EMAIL = "support@shop.example"

    first, again, other = outbound_message_id(41), outbound_message_id(41), \
        outbound_message_id(42)

    assert first == again
    assert first != other
    assert first.startswith("<onethread.41.") and first.endswith("@shop.example>")


async def test_a_site_chat_message_left_unanswered_is_answered_when_the_page_reconnects():
    await database_sync_to_async(shop.build)(timezone.now())
    # Given a message stored just before the process answering it died
    stored = await database_sync_to_async(_store_unanswered)("hi, where is my order?",
                                                             minutes_ago=0)

    # When the page reconnects to its session
    chat = WebsocketCommunicator(application, f"/ws/chat/?session={SESSION}",
                                 headers=[(b"host", b"localhost"),
                                          (b"origin", b"http://localhost")])
    assert (await chat.connect())[0]
    hello = await chat.receive_json_from(timeout=10)

    # Then its history holds the message, and the answer follows at once, once
    assert [m["text"] for m in hello["history"]] == ["hi, where is my order?"]
    reply = await chat.receive_json_from(timeout=60)
    assert reply["message"]["direction"] == "out"
    assert "order number" in reply["message"]["text"]
    assert await chat.receive_nothing(timeout=0.5)
    await chat.disconnect()
    processed = await database_sync_to_async(
        lambda: Message.objects.get(pk=stored.pk).processed_at)()
    assert processed is not None
