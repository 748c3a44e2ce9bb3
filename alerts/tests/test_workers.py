"""The alert scan under real Celery workers on the real Redis: beat's scan (run twice, as
an overlapping tick would) hands the stalled parcels to the workers, which send each
shopper exactly one alert, through the outbox, to a stand-in for Meta's Graph API on
loopback (the HTTP boundary), as the approved template (no one wrote in 24 hours)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from alerts import services, tasks
from alerts.models import ShipmentAlert
from commerce.models import Order, Shipment, TrackingEvent
from conversations.models import Message
from core.models import Customer
from tests import celery_worker
from tests.test_reliability import GraphStandIn, _env

pytestmark = pytest.mark.django_db(transaction=True)
PARCELS = 24


@pytest.fixture
def graph(settings: Any) -> Any:
    from agents.nlu import warm_up

    warm_up()
    stand_in = GraphStandIn()
    celery_worker.flush_broker()
    with celery_worker.redis_broker():
        yield stand_in
    celery_worker.flush_broker()
    stand_in.close()


def test_stalled_parcels_are_alerted_once_each_by_the_workers(graph: Any, settings: Any) -> None:
    now = timezone.now()
    for i in range(PARCELS):
        customer = Customer.objects.create(name=f"Shopper {i}", email=f"s{i}@example.com",
                                           phone=f"+4477009{i:05d}", preferred_channel="whatsapp")
        order = Order.objects.create(number=f"W{i}", customer=customer, status="shipped",
                                     placed_at=now - timedelta(days=9), email=customer.email)
        shipment = Shipment.objects.create(order=order, carrier="evri",
                                           tracking_number=f"H00{i:08d}",
                                           created_at=now - timedelta(days=8))
        TrackingEvent.objects.create(shipment=shipment, at=now - timedelta(days=6),
                                     status="in_transit", location="Barnsley, GB")
    services.shipments_watch_refresh()
    env = {**_env(graph), "WHATSAPP_TEMPLATES": "delay_alert=order_delay:en_GB"}

    with celery_worker.worker(concurrency=2, extra_env=env, name="alerts"):
        found = [tasks.stall_scan(), tasks.stall_scan()]
        celery_worker.wait_for(lambda: Message.objects.filter(
            direction="out", delivery="sent").count() >= PARCELS, timeout=180, interval=1)
        # Whatever was still queued has run: nothing more is sent.
        celery_worker.wait_for(lambda: not Shipment.objects.filter(
            next_check_at__isnull=False).exists(), timeout=60)

    assert found[0] == PARCELS and found[1] in range(PARCELS + 1)
    assert ShipmentAlert.objects.filter(kind="delay", outcome="sent").count() == PARCELS
    assert set(graph.accepted_per_recipient().values()) == {1}
    assert len(graph.accepted_per_recipient()) == PARCELS
    body, _ = graph.requests[0]
    assert body["type"] == "template" and body["template"]["name"] == "order_delay"
    assert Message.objects.filter(direction="out").count() == PARCELS
