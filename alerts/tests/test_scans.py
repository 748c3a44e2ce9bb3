"""The alert scan: parcels with no scan for their carrier's hours, or past their promised
date, are found and told once; a delivered parcel gets one check-in a little later, and a
problem in reply goes into the bot's normal flows with the order in view."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import TestCase

from alerts import selectors, services, tasks
from alerts.models import ShipmentAlert
from channels_adapters.registry import captured
from commerce import services as commerce_services
from commerce.models import Shipment
from commerce.tracking import Checkpoint
from conversations import services as conversation_services
from conversations.models import Message
from core import clock

pytestmark = pytest.mark.django_db


def scan(at: datetime) -> list[Message]:
    """Beat's scan at `at`, its work done inline; what it sent."""
    with clock.frozen_at(at), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        tasks.scan_shipments()
    return sent.sent


def carrier_scan(tracking_number: str, at: datetime, status: str, location: str) -> None:
    shipment = Shipment.objects.get(tracking_number=tracking_number)
    with clock.frozen_at(at), TestCase.captureOnCommitCallbacks(execute=True):
        commerce_services.shipment_checkpoints_store(shipment, [Checkpoint(
            at=at, status=status, exception="", location=location, detail="", code="")])


def test_a_parcel_with_no_scan_for_its_carriers_hours_is_told_once(
        store: Any, now: datetime, settings: Any) -> None:
    # Given DHL parcels count as stalled after 48 hours, the others after 96; Tom's DHL
    # parcel was last scanned a day ago, Maya's UPS parcel two days ago (promised in five)
    settings.SHIPMENT_STALL_HOURS_BY_CARRIER = {"dhl": 48}
    settings.SHIPMENT_STALL_HOURS = 96
    Shipment.objects.filter(tracking_number="1Z999AA10123456784").update(
        promised_by=now + timedelta(days=5))
    services.shipments_watch_refresh()

    # When the scan runs through the next day
    quiet = scan(now + timedelta(hours=12))
    tom = scan(now + timedelta(hours=25))
    later = scan(now + timedelta(hours=30))

    # Then only Tom's parcel is found, after 48 hours without a scan, and told once
    assert quiet == [] and later == []
    assert [(m.payload["to"], m.payload["purpose"]) for m in tom] == [
        ("+447700900456", "delay_alert")]
    assert "order #2001" in tom[0].text
    assert "DHL hasn't updated its tracking since" in tom[0].text
    assert list(ShipmentAlert.objects.filter(kind="delay").values_list(
        "shipment__tracking_number", "reason")) == [("JJD0099887766", "stall")]
    assert Shipment.objects.get(tracking_number="JJD0099887766").next_check_at is None


def test_a_parcel_past_its_promised_date_is_told_once_even_as_it_keeps_moving(
        store: Any, now: datetime) -> None:
    # Maya's UPS parcel was promised for tomorrow
    day_after = now + timedelta(days=1, hours=1)
    carrier_scan("1Z999AA10123456784", now + timedelta(hours=20), "in_transit", "Croydon, GB")

    late = scan(day_after)
    carrier_scan("1Z999AA10123456784", day_after + timedelta(hours=1), "out_for_delivery",
                 "Croydon, GB")
    after = scan(day_after + timedelta(hours=3))

    assert [m.payload["purpose"] for m in late] == ["delay_alert"]
    assert "was due by" in late[0].text and "Sorry" in late[0].text
    assert after == []
    assert list(ShipmentAlert.objects.filter(kind="delay").values_list(
        "shipment__order__number", "reason")) == [("1042", "late")]


def test_a_delivered_parcel_gets_one_check_in_and_a_problem_reply_goes_to_the_damage_flow(
        store: Any, now: datetime, settings: Any) -> None:
    settings.DELIVERY_CHECKIN_AFTER_HOURS = 2
    delivered = now + timedelta(hours=3)
    carrier_scan("1Z999AA10123456784", delivered, "delivered", "London, GB")

    early = scan(delivered + timedelta(hours=1))
    checkin = scan(delivered + timedelta(hours=2, minutes=10))
    again = scan(delivered + timedelta(days=1))

    assert early == [] and again == []
    assert [m.payload["purpose"] for m in checkin] == ["delivery_checkin"]
    assert "Did everything arrive OK?" in checkin[0].text
    assert checkin[0].payload["buttons"] == ["Yes, all good", "There's a problem"]
    # When Maya answers that something is wrong, without naming the order
    with clock.frozen_at(delivered + timedelta(hours=3)), captured():
        message = conversation_services.message_receive(conversation_services.Inbound(
            channel="whatsapp", sender_id="+447700900123", external_id="wamid.checkin-1",
            text="no, the box was crushed and the tee inside is torn"))
        replies = conversation_services.message_process(message.pk)
    # Then the damage flow answers, about order 1042
    assert Message.objects.get(pk=message.pk).intent == "delivery_problem"
    said = " ".join(r.text for r in replies)
    assert "1042" in said and "photo" in said.lower()


def test_a_check_in_that_would_come_days_late_is_not_sent(store: Any, now: datetime) -> None:
    # Maya's boots (order 1043) were delivered nine days ago, before alerts were watched
    assert scan(now) == []
    assert list(ShipmentAlert.objects.values_list("shipment__tracking_number", "kind",
                                                  "outcome")) == [
        ("15501234567890", "checkin", "skipped")]


def test_the_scan_finds_only_what_is_due(store: Any, now: datetime) -> None:
    due = selectors.shipments_due(now + timedelta(days=3))
    assert sorted(Shipment.objects.get(pk=pk).tracking_number for pk in due) == [
        "15501234567890", "1Z999AA10123456784", "JJD0099887766"]
    assert selectors.shipments_due(now - timedelta(days=30)) == []


def test_an_exception_that_has_moved_on_is_not_alerted(store: Any, now: datetime) -> None:
    shipment = Shipment.objects.get(tracking_number="1Z999AA10123456784")
    with clock.frozen_at(now), captured() as sent, \
            TestCase.captureOnCommitCallbacks(execute=True):
        commerce_services.shipment_checkpoints_store(shipment, [
            Checkpoint(at=now - timedelta(hours=2), status="exception",
                       exception="weather_delay", location="Carlisle, GB", detail="", code=""),
            Checkpoint(at=now - timedelta(hours=1), status="in_transit", exception="",
                       location="Glasgow, GB", detail="", code="")])

    assert sent.sent == []
    assert not ShipmentAlert.objects.exists()
