"""Concurrent first messages from a new sender, each on its own thread and database
connection through the real webhook view, against the real PostgreSQL.

Each request is held right after its lookup found no identity for the sender (at its first
reading of the clock), until all of them are there: every request then tries to create
the sender's customer at the same moment, which is the race live traffic runs into."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections

from channels_adapters.tests import platforms as p
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer

pytestmark = pytest.mark.django_db(transaction=True)

SENDERS = 8


def race(monkeypatch: pytest.MonkeyPatch, request: Callable[[int], Any]) -> list[Any]:
    """Run request(0..SENDERS-1) on threads of their own, all held at their first
    reading of the clock until every one has reached it; return the responses."""
    gate = threading.Barrier(SENDERS, timeout=30)
    local = threading.local()
    real_now = clock.now

    def now() -> Any:
        if getattr(local, "racing", False) and not getattr(local, "held", False):
            local.held = True
            gate.wait()
        return real_now()

    monkeypatch.setattr(clock, "now", now)
    results: list[Any] = [None] * SENDERS

    def run(i: int) -> None:
        local.racing = True
        try:
            results[i] = request(i)
        except Exception as exc:  # the test reports what each thread met
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def on(settings: Any) -> Any:
    p.platforms_on(settings)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return settings


def test_concurrent_first_emails_from_a_new_address_make_one_guest_and_store_every_mail(
        on, monkeypatch):
    fields = [p.mailgun_fields(sender="new.shopper@example.org",
                               **{"from": "New Shopper <new.shopper@example.org>",
                                  "Message-Id": f"<race-{i}@mail.example.org>",
                                  "body-plain": f"Question number {i}"})
              for i in range(SENDERS)]

    responses = race(monkeypatch, lambda i: p.mailgun_post(fields[i]))

    assert [(r.status_code, r.json()) for r in responses] == [
        (200, {"ok": True, "stored": 1})] * SENDERS
    [customer] = Customer.objects.all()
    assert (customer.email, customer.is_guest) == ("new.shopper@example.org", True)
    [identity] = ChannelIdentity.objects.all()
    assert (identity.customer, identity.external_id) == (customer, "new.shopper@example.org")
    [conversation] = Conversation.objects.all()
    assert conversation.customer == customer
    assert sorted(Message.objects.filter(conversation=conversation).values_list(
        "text", flat=True)) == [f"Question number {i}" for i in range(SENDERS)]


def test_concurrent_first_whatsapp_messages_from_a_new_number_leave_no_orphan_guest(
        on, monkeypatch):
    number = "447700900999"
    bodies = [p.wa_webhook([p.wa_text(f"wamid.RACE{i}", f"Question number {i}", number)],
                           contacts=[{"profile": {"name": "New Shopper"}, "wa_id": number}])
              for i in range(SENDERS)]

    responses = race(monkeypatch, lambda i: p.wa_post(bodies[i]))

    assert [(r.status_code, r.json()) for r in responses] == [
        (200, {"ok": True, "stored": 1})] * SENDERS
    [customer] = Customer.objects.all()
    assert (customer.phone, customer.name, customer.is_guest) == (
        "+447700900999", "New Shopper", True)
    [identity] = ChannelIdentity.objects.all()
    assert identity.customer == customer
    [conversation] = Conversation.objects.all()
    assert Message.objects.filter(conversation=conversation).count() == SENDERS
