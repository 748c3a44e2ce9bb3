"""What the shop told a shopper on its own about a parcel: one row per alert, so each is
sent once (unique per shipment, kind and key) and the inbox can see why it was sent."""

from __future__ import annotations

from django.db import models

from commerce.models import Shipment
from conversations.models import Message
from core import clock


class ShipmentAlert(models.Model):
    class Kind(models.TextChoices):
        EXCEPTION = "exception", "Carrier exception"
        DELAY = "delay", "Stalled or late"
        CHECKIN = "checkin", "Delivery check-in"

    class Outcome(models.TextChoices):
        SENT = "sent", "Put in the outbox"
        UNREACHABLE = "unreachable", "No channel could reach the shopper"
        SKIPPED = "skipped", "Too late to be useful"

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Which one of its kind: the exception ("customs_hold", "failed_attempt"), why a
    # delay was found ("stall" or "late"; one delay alert per shipment), empty otherwise.
    key = models.CharField(max_length=24, blank=True)
    reason = models.CharField(max_length=24, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    message = models.ForeignKey(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["shipment", "kind", "key"],
                                               name="one_alert_per_shipment_kind_key")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.shipment}"
