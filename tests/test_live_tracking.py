"""Live carrier tracking through AfterShip, faked only at its HTTP boundary with payloads
shaped like its Tracking API v4: new checkpoints reach the shopper and the database, and
a carrier that doesn't answer in time is named as such, with no estimate."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from django.core.checks import run_checks
from django.utils import timezone

from channels_adapters.registry import captured
from commerce import tracking
from commerce.models import ExceptionKind, ShipmentStatus, TrackingEvent
from conversations import services
from conversations.models import Message
from core import clock
from tests import shop

pytestmark = pytest.mark.django_db

MAYA = "+447700900123"  # verified on WhatsApp by her phone; order 1042 is with UPS


def _say(text: str) -> str:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=MAYA, text=text, external_id=f"wamid.live-{n}"))
    return "\n".join(m.text for m in services.message_process(message.pk))


def _aftership(checkpoints: list[dict]) -> dict:
    return {"meta": {"code": 200}, "data": {"tracking": {
        "id": "5b7658cec7c33c0e007de3c5", "slug": "ups", "tracking_number": "1Z999AA10123456784",
        "tag": checkpoints[-1]["tag"], "subtag": checkpoints[-1]["subtag"],
        "expected_delivery": None, "checkpoints": checkpoints}}}


def _checkpoint(at: datetime, tag: str, subtag: str, message: str, city: str,
                location: str) -> dict:
    return {"slug": "ups", "city": city, "country_iso3": "GBR", "location": location,
            "message": message, "tag": tag, "subtag": subtag,
            "checkpoint_time": at.isoformat(), "created_at": at.isoformat()}


@pytest.fixture
def live(settings: Any, monkeypatch: pytest.MonkeyPatch) -> list:
    settings.AFTERSHIP_ENABLED = True
    settings.AFTERSHIP_API_KEY = "as-test-key"
    settings.AFTERSHIP_API_BASE = "https://api.aftership.com/v4"
    settings.AFTERSHIP_TIMEOUT_SECONDS = 0.5
    requests: list[httpx.Request] = []
    monkeypatch.setattr(tracking, "transport", None)
    return requests


def test_the_carriers_newest_checkpoint_is_stored_and_told(live: list,
                                                          monkeypatch: pytest.MonkeyPatch):
    now = timezone.now().replace(microsecond=0)
    shop.build(now)
    newest = now - timedelta(hours=2)

    def carrier(request: httpx.Request) -> httpx.Response:
        live.append(request)
        return httpx.Response(200, json=_aftership([
            _checkpoint(now - timedelta(days=2), "InTransit", "InTransit_002",
                        "Departed facility", "Birmingham", "Birmingham, GB"),
            _checkpoint(newest, "OutForDelivery", "OutForDelivery_001",
                        "Out for delivery", "Croydon", "Croydon, GB"),
        ]))

    monkeypatch.setattr(tracking, "transport", httpx.MockTransport(carrier))
    with clock.frozen_at(now), captured():
        answer = _say("where is my order 1042?")

    assert [str(r.url) for r in live] == [
        "https://api.aftership.com/v4/trackings/ups/1Z999AA10123456784"]
    assert live[0].headers["as-api-key"] == "as-test-key"
    assert "out for delivery" in answer and "Croydon" in answer
    events = list(TrackingEvent.objects.filter(shipment__order__number="1042")
                  .values_list("status", "location"))
    # The checkpoint already stored is not stored twice.
    assert events == [("label_created", "London, GB"), ("in_transit", "Birmingham, GB"),
                      ("out_for_delivery", "Croydon, GB")]


def test_a_carrier_that_times_out_is_named_and_nothing_is_estimated(
        live: list, monkeypatch: pytest.MonkeyPatch):
    now = timezone.now().replace(microsecond=0)
    shop.build(now)

    def carrier(request: httpx.Request) -> httpx.Response:
        live.append(request)
        raise httpx.ReadTimeout("timed out", request=request)

    monkeypatch.setattr(tracking, "transport", httpx.MockTransport(carrier))
    with clock.frozen_at(now), captured():
        answer = _say("where is my order 1042?")

    assert len(live) == 1
    assert "couldn't reach UPS's tracking just now" in answer
    assert "Birmingham" in answer  # the latest scan we have
    assert "won't guess a delivery date" in answer
    assert TrackingEvent.objects.filter(shipment__order__number="1042").count() == 2


def test_an_error_answer_is_treated_like_no_answer(live: list,
                                                   monkeypatch: pytest.MonkeyPatch):
    now = timezone.now().replace(microsecond=0)
    shop.build(now)
    monkeypatch.setattr(tracking, "transport", httpx.MockTransport(
        lambda request: httpx.Response(500, json={"meta": {"code": 500}})))
    with clock.frozen_at(now), captured():
        answer = _say("where is my order 1042?")

    assert "couldn't reach UPS's tracking just now" in answer


def test_with_live_tracking_off_the_carrier_is_never_called(monkeypatch: pytest.MonkeyPatch):
    now = timezone.now().replace(microsecond=0)
    shop.build(now)
    calls: list[httpx.Request] = []
    monkeypatch.setattr(tracking, "transport", httpx.MockTransport(
        lambda request: calls.append(request) or httpx.Response(200, json={})))
    with clock.frozen_at(now), captured():
        answer = _say("where is my order 1042?")

    assert calls == []
    assert "Birmingham" in answer and "couldn't reach" not in answer


def test_aftership_checkpoints_map_to_the_bots_statuses_and_exceptions():
    at = timezone.now()
    cases = [
        (_checkpoint(at, "Exception", "Exception_007", "Held by customs", "", "Leipzig, DE"),
         (ShipmentStatus.EXCEPTION, ExceptionKind.CUSTOMS_HOLD)),
        (_checkpoint(at, "Exception", "Exception_011", "Returning to shipper", "", "Leeds, GB"),
         (ShipmentStatus.RETURNED_TO_SENDER, "")),
        (_checkpoint(at, "AvailableForPickup", "AvailableForPickup_001",
                     "Ready for collection", "", "Leeds, GB"),
         (ShipmentStatus.EXCEPTION, ExceptionKind.HELD_AT_DEPOT)),
        (_checkpoint(at, "AttemptFail", "AttemptFail_001", "Nobody home", "", "Leeds, GB"),
         (ShipmentStatus.FAILED_ATTEMPT, "")),
        (_checkpoint(at, "Exception", "Exception_001", "Unexpected delay", "", "Leeds, GB"),
         (ShipmentStatus.EXCEPTION, ExceptionKind.CARRIER_DELAY)),
    ]
    for raw, (status, exception) in cases:
        checkpoint = tracking._checkpoint(raw)
        assert checkpoint is not None
        assert (checkpoint.status, checkpoint.exception) == (status, exception), raw["message"]
    assert tracking._checkpoint({"tag": "Pending", "checkpoint_time": at.isoformat()}) is None


def test_live_tracking_switched_on_without_a_key_stops_the_checks(settings: Any) -> None:
    settings.AFTERSHIP_ENABLED = True
    settings.AFTERSHIP_API_KEY = ""

    errors = [e for e in run_checks() if e.id == "onethread.aftership.E001"]

    assert len(errors) == 1
    assert "AFTERSHIP_API_KEY" in errors[0].msg
