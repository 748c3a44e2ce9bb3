"""The site chat end to end, through the real WebSocket consumer and the real database."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from conversations.models import Message
from core.asgi import application
from tests import shop

pytestmark = pytest.mark.django_db(transaction=True)

SESSION = "testsession0123456789abcd"


async def _connect(session: str = SESSION) -> tuple[WebsocketCommunicator, dict]:
    communicator = WebsocketCommunicator(application, f"/ws/chat/?session={session}",
                                         headers=[(b"host", b"localhost"),
                                                  (b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    assert connected
    hello = await communicator.receive_json_from(timeout=10)
    assert hello["type"] == "hello"
    return communicator, hello


async def _say(communicator: WebsocketCommunicator, text: str,
               client_id: str | None = None) -> list[dict]:
    """Send a message; return the bot's replies (after the echo of the shopper's message)."""
    await communicator.send_json_to({"type": "message", "text": text,
                                     "client_id": client_id or uuid.uuid4().hex})
    echo = await communicator.receive_json_from(timeout=30)
    assert echo["message"]["direction"] == "in"
    assert echo["message"]["text"] == text
    replies = [await communicator.receive_json_from(timeout=30)]
    while not await communicator.receive_nothing(timeout=0.3):
        replies.append(await communicator.receive_json_from(timeout=5))
    return [r["message"] for r in replies]


@pytest.fixture
async def store():
    await database_sync_to_async(shop.build)(timezone.now())


async def test_an_unverified_shopper_is_asked_to_verify_then_gets_the_in_transit_status(store):
    chat, hello = await _connect()
    assert hello["session"] == SESSION

    asked = await _say(chat, "hi, where is my order?")
    assert "order number" in asked[0]["text"]
    assert "email" in asked[0]["text"]
    assert "Birmingham" not in asked[0]["text"]

    answer = await _say(chat, "it's 1042 and my email is maya@example.com")
    text = answer[0]["text"]
    assert "#1042" in text
    assert "in transit" in text
    assert "Birmingham, GB" in text
    assert "Departed facility" in text
    assert "1Z999AA10123456784" in text
    assert "We promised it by" in text
    await chat.disconnect()


async def test_a_verified_shopper_hears_a_delivered_order_with_its_delivery_scan(store):
    chat, _ = await _connect()
    await _say(chat, "where is my order 1043")
    text = (await _say(chat, "1043 maya@example.com"))[0]["text"]
    assert "was delivered on" in text
    assert "Left with neighbour at 12" in text
    assert "London, GB" in text
    await chat.disconnect()


async def test_a_customs_hold_is_explained_in_plain_words(store):
    chat, _ = await _connect()
    text = (await _say(chat, "Where's order 2001? postcode M1 1AE"))[0]["text"]
    assert "held at customs in Leipzig, DE since" in text
    assert "Held for customs inspection" in text
    await chat.disconnect()


async def test_a_wrong_email_is_refused_without_revealing_anything(store):
    chat, _ = await _connect()
    await _say(chat, "where is my parcel")
    text = (await _say(chat, "order 1042, email someone@else.com"))[0]["text"]
    assert "couldn't match" in text
    for secret in ("Birmingham", "Classic Tee", "ups", "UPS", "Maya", "1Z999"):
        assert secret not in text
    await chat.disconnect()


async def test_a_verified_shopper_cannot_see_another_customers_order(store):
    chat, _ = await _connect()
    await _say(chat, "where is order 1042, my email is maya@example.com")
    text = (await _say(chat, "and where is order 2001?"))[0]["text"]
    assert "can't find order 2001 on your account" in text
    assert "Leipzig" not in text
    await chat.disconnect()


async def test_the_same_client_message_id_is_stored_and_answered_once(store):
    chat, _ = await _connect()
    await _say(chat, "hello", client_id="dupe-0001")
    await chat.send_json_to({"type": "message", "text": "hello", "client_id": "dupe-0001"})
    assert await chat.receive_nothing(timeout=1)
    count = await database_sync_to_async(
        Message.objects.filter(direction="in", external_id=f"{SESSION}:dupe-0001").count)()
    assert count == 1
    await chat.disconnect()


async def test_reloading_the_page_shows_the_history(store):
    chat, _ = await _connect()
    await _say(chat, "hello there")
    await chat.disconnect()
    again, hello = await _connect()
    texts = [m["text"] for m in hello["history"]]
    assert texts[0] == "hello there"
    assert len(texts) == 2
    await again.disconnect()


async def test_bad_input_gets_a_clear_error_and_stores_nothing(store):
    chat, _ = await _connect()
    await chat.send_json_to({"type": "message", "text": "   "})
    error = await chat.receive_json_from(timeout=5)
    assert error == {"type": "error", "error": "The message is empty."}
    await chat.send_json_to({"type": "message", "text": "x" * 2001})
    error = await chat.receive_json_from(timeout=5)
    assert "2000 characters" in error["error"]
    assert await database_sync_to_async(Message.objects.count)() == 0
    await chat.disconnect()
