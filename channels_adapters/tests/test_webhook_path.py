"""The webhook path kept short: a known sender's message is stored in one statement (one
round trip), a redelivery changes nothing, and webhooks served over ASGI reuse their
database connection and are stored and queued once each."""

from __future__ import annotations

import hashlib
import hmac
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import pytest
from channels.testing import HttpCommunicator
from django.db import connection, connections
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conversations import services, webhooks
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer
from core.webhook_asgi import with_webhooks

SECRET = "meta-app-secret"
PHONE_NUMBER_ID = "106540352242922"
SENDER = "447700900777"


@pytest.fixture
def whatsapp(settings: Any) -> None:
    settings.WHATSAPP_ENABLED = True
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = "token"
    settings.WHATSAPP_APP_SECRET = SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"


def _known_sender(*, verified: bool = False) -> tuple[ChannelIdentity, Conversation]:
    then = timezone.now() - timedelta(hours=1)
    customer = Customer.objects.create(name="Noor Haddad", phone=f"+{SENDER}",
                                       created_at=then)
    identity = ChannelIdentity.objects.create(
        customer=customer, channel="whatsapp", external_id=SENDER, created_at=then,
        last_seen_at=then, verified_at=then if verified else None,
        verified_via=ChannelIdentity.Verification.CONTACT_MATCH if verified else "")
    conversation = Conversation.objects.create(customer=customer, channel="web",
                                               created_at=then, updated_at=then)
    return identity, conversation


def _inbound(external_id: str = "wamid.one", text: str = "where is my order") -> Any:
    return services.Inbound(channel="whatsapp", sender_id=SENDER, text=text,
                            external_id=external_id, display_name="Noor")


@pytest.mark.django_db
def test_a_known_senders_message_is_stored_in_one_statement():
    identity, conversation = _known_sender()

    with CaptureQueriesContext(connection) as queries:
        message = services.message_receive(_inbound())

    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["WITH"]
    stored = Message.objects.get()
    assert stored.pk == message.pk
    assert (stored.conversation_id, stored.text, stored.external_id, stored.payload) == (
        conversation.pk, "where is my order", "wamid.one", {"from": SENDER})
    assert (stored.direction, stored.sender, stored.delivery) == ("in", "customer", "received")
    conversation.refresh_from_db()
    identity.refresh_from_db()
    assert conversation.channel == "whatsapp"
    assert conversation.last_inbound_at == stored.created_at
    assert conversation.updated_at == stored.created_at
    assert identity.last_seen_at == stored.created_at
    assert conversation.verified_at is None


@pytest.mark.django_db
def test_a_verified_identity_verifies_the_open_conversation_its_message_lands_in():
    _, conversation = _known_sender(verified=True)

    message = services.message_receive(_inbound())

    conversation.refresh_from_db()
    assert conversation.verified_at == message.created_at
    assert conversation.verified_via == ChannelIdentity.Verification.CONTACT_MATCH


@pytest.mark.django_db
def test_a_redelivered_message_is_dropped_and_changes_nothing():
    identity, conversation = _known_sender()
    first = services.message_receive(_inbound())
    conversation.refresh_from_db()
    identity.refresh_from_db()
    clock.advance(timedelta(minutes=5))

    again = services.message_receive(_inbound(text="a different body, same id"))

    assert first is not None
    assert again is None
    assert list(Message.objects.values_list("pk", "text")) == [(first.pk, "where is my order")]
    before = (conversation.updated_at, conversation.last_inbound_at)
    conversation.refresh_from_db()
    assert (conversation.updated_at, conversation.last_inbound_at) == before
    seen = identity.last_seen_at
    identity.refresh_from_db()
    assert identity.last_seen_at == seen


@pytest.mark.django_db
def test_a_redelivered_first_message_leaves_no_second_customer():
    services.message_receive(_inbound())

    assert services.message_receive(_inbound()) is None

    assert Customer.objects.count() == 1
    assert ChannelIdentity.objects.count() == 1
    assert Conversation.objects.count() == 1


@pytest.mark.django_db
def test_a_message_into_a_conversation_a_person_handles_tells_the_inbox(monkeypatch):
    _, conversation = _known_sender()
    Conversation.objects.filter(pk=conversation.pk).update(mode=Conversation.Mode.HUMAN)
    events: list[tuple[str, int]] = []
    monkeypatch.setattr(services, "_inbox_event", lambda kind, pk: events.append((kind, pk)))

    services.message_receive(_inbound())

    assert events == [("message", conversation.pk)]


# --- Over ASGI, as the web server serves them -------------------------------------------

def _webhook(message_id: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": "Noor"}, "wa_id": SENDER}],
            "messages": [{"from": SENDER, "id": message_id, "timestamp": "1700000000",
                          "type": "text", "text": {"body": "where is my order"}}]}}]}]}).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, [(b"host", b"localhost"), (b"content-type", b"application/json"),
                  (b"x-hub-signature-256", signature.encode())]


async def _not_found(scope: Any, receive: Any, send: Any) -> None:
    raise AssertionError(f"{scope['path']} reached the site's application")


@pytest.fixture
def webhook_threads(monkeypatch: pytest.MonkeyPatch) -> Any:
    threads = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(webhooks, "_threads", threads)
    yield threads
    # The thread's connection would keep the test database from being dropped.
    threads.submit(connections.close_all).result()
    threads.shutdown()


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from conversations.tasks import process_message

    ids: list[int] = []
    monkeypatch.setattr(process_message, "delay", ids.append)
    return ids


@pytest.mark.django_db(transaction=True)
async def test_webhooks_over_asgi_are_stored_once_queued_once_on_one_connection(
        whatsapp, webhook_threads, queued):
    app = with_webhooks(_not_found)
    opened: list[str] = []

    def count(sender: Any, connection: Any, **kwargs: Any) -> None:
        opened.append(connection.alias)

    connection_created.connect(count)
    try:
        answers = []
        for message_id in ("wamid.a", "wamid.b", "wamid.a", "wamid.c"):
            body, headers = _webhook(message_id)
            answers.append(await HttpCommunicator(
                app, "POST", "/webhooks/whatsapp/", body=body, headers=headers,
            ).get_response(timeout=30))
    finally:
        connection_created.disconnect(count)

    assert [a["status"] for a in answers] == [200, 200, 200, 200]
    assert [json.loads(a["body"]) for a in answers] == [
        {"ok": True, "stored": 1}, {"ok": True, "stored": 1}, {"ok": True, "stored": 0},
        {"ok": True, "stored": 1}]
    assert all((b"Content-Length", str(len(a["body"])).encode()) in a["headers"]
               for a in answers)
    stored = webhook_threads.submit(lambda: list(
        Message.objects.order_by("pk").values_list("pk", "external_id"))).result()
    assert [external_id for _, external_id in stored] == ["wamid.a", "wamid.b", "wamid.c"]
    assert queued == [pk for pk, _ in stored]
    # One connection for all four, kept by the webhook thread between requests.
    assert opened == ["default"]


@pytest.mark.django_db(transaction=True)
async def test_over_asgi_a_bad_signature_is_refused_and_a_failure_is_a_500_not_a_dead_server(
        whatsapp, webhook_threads, queued, monkeypatch):
    app = with_webhooks(_not_found)
    body, headers = _webhook("wamid.x")
    forged = [(k, b"sha256=" + b"0" * 64) if k == b"x-hub-signature-256" else (k, v)
              for k, v in headers]

    refused = await HttpCommunicator(app, "POST", "/webhooks/whatsapp/", body=body,
                                     headers=forged).get_response(timeout=30)

    database_down = True
    ingest = services.webhook_ingest

    def ingest_unless_down(channel: str, events: Any) -> list[int]:
        if database_down:
            raise RuntimeError("the database went away")
        return ingest(channel, events)

    monkeypatch.setattr(services, "webhook_ingest", ingest_unless_down)
    failed = await HttpCommunicator(app, "POST", "/webhooks/whatsapp/", body=body,
                                    headers=headers).get_response(timeout=30)
    database_down = False
    body, headers = _webhook("wamid.y")
    after = await HttpCommunicator(app, "POST", "/webhooks/whatsapp/", body=body,
                                   headers=headers).get_response(timeout=30)

    assert (refused["status"], json.loads(refused["body"])) == (
        403, {"error": "invalid signature"})
    assert failed["status"] == 500
    assert after["status"] == 200
    stored = webhook_threads.submit(lambda: list(
        Message.objects.values_list("external_id", flat=True))).result()
    assert stored == ["wamid.y"]
