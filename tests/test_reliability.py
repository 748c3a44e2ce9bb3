"""Ordering and delivery under real Celery workers with the real Redis broker."""

from __future__ import annotations

import pytest
from django.utils import timezone

from conversations import services
from conversations.models import Message
from tests import celery_worker, shop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_broker():
    from agents.nlu import warm_up

    warm_up()  # trains or loads the cached model once, before the workers need it
    celery_worker.flush_broker()
    celery_worker.use_redis_broker()
    yield
    celery_worker.flush_broker()


def test_messages_of_one_conversation_are_answered_once_each_and_in_order(redis_broker):
    shop.build(timezone.now())
    texts = ["hi", "where is my order", "1042 maya@example.com", "thanks", "bye",
             "is the classic tee in stock in L?"]
    stored = [services.message_receive(services.Inbound(
        channel="web", sender_id="reliabilitysession0001", text=t, external_id=f"r-{i}"))
        for i, t in enumerate(texts)]
    from conversations.tasks import process_message

    # Enqueued newest first, with two workers of two processes each racing for them.
    with celery_worker.worker(concurrency=2, name="a"), celery_worker.worker(
            concurrency=2, name="b"):
        for message in reversed(stored):
            process_message.delay(message.pk)
        celery_worker.wait_for(lambda: not Message.objects.filter(
            direction="in", processed_at__isnull=True).exists(), timeout=120)
    inbound = list(Message.objects.filter(direction="in").order_by("pk"))
    assert [m.text for m in inbound] == texts
    processed = [m.processed_at for m in inbound]
    assert processed == sorted(processed)
    replies = list(Message.objects.filter(direction="out").order_by("created_at", "pk"))
    assert len(replies) == len(texts)
    assert "order number" in replies[1].text
    assert "Birmingham, GB" in replies[2].text
