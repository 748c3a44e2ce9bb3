"""The alerts listen to the store: a carrier update it stored may be news for the shopper."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from alerts.services import shipment_tracked
from commerce.models import Shipment, TrackingEvent
from commerce.signals import shipment_tracked as tracked


@receiver(tracked, sender=Shipment, dispatch_uid="alerts.shipment_tracked")
def on_shipment_tracked(sender: type[Shipment], *, shipment: Shipment,
                        new: list[TrackingEvent], **_: Any) -> None:
    shipment_tracked(shipment, new)
