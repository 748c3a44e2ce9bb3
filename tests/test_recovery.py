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
