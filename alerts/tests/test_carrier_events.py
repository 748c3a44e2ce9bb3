"""Carrier events in: AfterShip's tracking webhook (signed as AfterShip signs it, shaped as
it sends it) and the reconciliation poll (faked only at AfterShip's HTTP boundary) update
shipments through the same service as every other carrier update, and an exception is
told to the shopper once, on their channel, with the order in focus."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from django.test import Client, TestCase

from alerts import services, tasks
from alerts.models import ShipmentAlert
from alerts.tests.conftest import WEBHOOK_SECRET
from channels_adapters.registry import captured
from commerce import tracking
from commerce.models import Order, Shipment, TrackingEvent
from conversations.models import Conversation, Message
from core import clock

pytestmark = pytest.mark.django_db
URL = "/webhooks/aftership/"
UPS = "1Z999AA10123456784"  # Maya's order 1042, in transit with UPS


def checkpoint(at: datetime, tag: str, subtag: str, message: str, location: str) -> dict:
    return {"slug": "ups", "city": location.split(",")[0], "country_iso3": "DEU",
            "location": location, "message": message, "tag": tag, "subtag": subtag,
            "checkpoint_time": at.isoformat(), "created_at": at.isoformat()}


def update(checkpoints: list[dict], number: str = UPS, event: str = "tracking_update") -> dict:
    return {"event": event, "event_id": "7c7b6b9a-1d8e-4b65-9b1c-2f0b0d1b7f11",
            "is_tracking_first_tag": False, "ts": 1763640000,
            "msg": {"id": "5b7658cec7c33c0e007de3c5", "tracking_number": number,
                    "slug": "ups", "tag": checkpoints[-1]["tag"] if checkpoints else "Pending",
                    "subtag": checkpoints[-1]["subtag"] if checkpoints else "Pending_001",
                    "title": number, "expected_delivery": None, "checkpoints": checkpoints}}


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def post(payload: Any, signature: str | None = None) -> Any:
    """POST as AfterShip does; what the request commits runs (tasks inline)."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return Client().post(URL, body, content_type="application/json",
                             headers={"aftership-hmac-sha256": sign(body) if signature is None
                                      else signature})


def customs(now: datetime) -> dict:
    return update([
        checkpoint(now - timedelta(days=2), "InTransit", "InTransit_002", "Departed facility",
                   "Birmingham, GB"),
        checkpoint(now - timedelta(minutes=5), "Exception", "Exception_004",
                   "Shipment held by customs for inspection", "Leipzig, DE")])


def test_a_signed_exception_update_is_stored_and_told_to_the_shopper_once(
        store: Any, now: datetime) -> None:
    # When AfterShip posts a customs hold for Maya's parcel, and then posts it again
    with captured() as sent:
        first = post(customs(now))
        again = post(customs(now))

    # Then the new scan is stored once, and Maya is told once, on WhatsApp (her phone),
    # in a conversation that has her order in focus
    assert (first.status_code, first.json()) == (200, {"ok": True, "stored": 1})
    assert again.json() == {"ok": True, "stored": 0}
    assert list(TrackingEvent.objects.filter(shipment__tracking_number=UPS).order_by("at")
                .values_list("status", "exception", "location")) == [
        ("label_created", "", "London, GB"), ("in_transit", "", "Birmingham, GB"),
        ("exception", "customs_hold", "Leipzig, DE")]
    assert len(sent.sent) == 1
    alert = sent.sent[0]
    assert (alert.channel, alert.payload["to"]) == ("whatsapp", "+447700900123")
    assert alert.payload["template"] == {"purpose": "shipment_exception",
                                         "params": ["Maya", "1042"], "language": "en"}
    assert "order #1042" in alert.text and "held at customs in Leipzig, DE" in alert.text
    assert "What you can do:" in alert.text
    conversation = Conversation.objects.get(pk=alert.conversation_id)
    assert conversation.state["order"] == "1042"
    assert conversation.state["outreach"]["exception"] == "customs_hold"
    assert list(ShipmentAlert.objects.values_list("kind", "key", "outcome")) == [
        ("exception", "customs_hold", "sent")]


def test_a_bad_signature_is_refused_and_stores_nothing(store: Any, now: datetime) -> None:
    body = json.dumps(customs(now)).encode()
    with captured() as sent:
        forged = post(body, signature=sign(body, "someone-elses-secret"))
        unsigned = post(body, signature="")

    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert TrackingEvent.objects.filter(shipment__tracking_number=UPS).count() == 2
    assert sent.sent == [] and not ShipmentAlert.objects.exists()


@pytest.mark.parametrize(("body", "error"), [
    (b"{not json", "The body is not JSON"),
    (json.dumps({"event": "tracking_update", "msg": "x"}).encode(),
     "Not an AfterShip webhook: msg is not an object"),
    (json.dumps({"event": "tracking_update", "msg": {"checkpoints": []}}).encode(),
     "msg.tracking_number is missing"),
    (json.dumps({"event": "tracking_update", "msg": {"tracking_number": UPS,
                                                      "checkpoints": "soon"}}).encode(),
     "msg.checkpoints is not a list"),
])
def test_a_malformed_update_is_a_400_that_says_why(store: Any, body: bytes, error: str) -> None:
    answer = post(body)

    assert answer.status_code == 400
    assert answer.json()["error"].startswith(error)
    assert TrackingEvent.objects.filter(shipment__tracking_number=UPS).count() == 2


def test_an_unknown_parcel_or_another_event_is_acknowledged_and_stores_nothing(
        store: Any, now: datetime) -> None:
    unknown = post(update(customs(now)["msg"]["checkpoints"], number="1ZUNKNOWN0000001"))
    revised = post(update([], event="edd_revise"))

    assert unknown.json() == {"ok": True, "stored": 0, "unknown_tracking_number": True}
    assert revised.json() == {"ok": True, "stored": 0, "ignored": "edd_revise"}
    assert TrackingEvent.objects.count() == 7  # the shop's own, unchanged


def test_the_webhook_is_off_without_its_secret(store: Any, settings: Any,
                                               now: datetime) -> None:
    settings.AFTERSHIP_WEBHOOK_SECRET = ""

    assert post(customs(now)).status_code == 404


def test_a_delivered_scan_marks_the_order_delivered_and_plans_the_check_in(
        store: Any, now: datetime, settings: Any) -> None:
    with captured() as sent:
        post(update([checkpoint(now - timedelta(minutes=1), "Delivered", "Delivered_001",
                                "Delivered, left in porch", "London, GB")]))

    shipment = Shipment.objects.get(tracking_number=UPS)
    assert Order.objects.get(number="1042").status == "delivered"
    assert (shipment.state, shipment.last_scan_at) == ("delivered", now - timedelta(minutes=1))
    assert shipment.next_check_at == now - timedelta(minutes=1) + timedelta(
        hours=settings.DELIVERY_CHECKIN_AFTER_HOURS)
    assert sent.sent == []  # the check-in waits for its time


def test_the_reconciliation_poll_finds_a_missed_update(
        store: Any, now: datetime, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given live tracking on, and a parcel quiet for longer than the poll's threshold
    # whose exception webhook never came
    settings.AFTERSHIP_ENABLED = True
    settings.AFTERSHIP_API_KEY = "as-test-key"
    asked: list[str] = []

    def aftership(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        body = customs(now)["msg"]
        return httpx.Response(200, json={"meta": {"code": 200}, "data": {"tracking": body}})

    monkeypatch.setattr(tracking, "transport", httpx.MockTransport(aftership))
    Shipment.objects.exclude(tracking_number=UPS).update(carrier_polled_at=now)

    # When the hourly poll runs
    with clock.frozen_at(now), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        stored = tasks.reconcile_shipments()
        again = tasks.reconcile_shipments()

    # Then AfterShip was asked about that parcel once, its scan stored and told once
    assert asked == [f"https://api.aftership.com/v4/trackings/ups/{UPS}"]
    assert (stored, again) == (1, 0)
    assert [m.payload["purpose"] for m in sent.sent] == ["shipment_exception"]
    assert Shipment.objects.get(tracking_number=UPS).carrier_polled_at == now


def test_the_poll_does_nothing_without_live_tracking(store: Any) -> None:
    assert services.shipments_reconcile() == 0


def test_a_shopper_no_channel_reaches_is_recorded_and_not_retried(
        store: Any, now: datetime, settings: Any) -> None:
    settings.WHATSAPP_ENABLED = False
    settings.EMAIL_ENABLED = False

    post(customs(now))
    post(update([*customs(now)["msg"]["checkpoints"],
                 checkpoint(now, "Exception", "Exception_004", "Still held by customs",
                            "Leipzig, DE")]))

    assert list(ShipmentAlert.objects.values_list("key", "outcome")) == [
        ("customs_hold", "unreachable")]
    assert not Message.objects.exists()
