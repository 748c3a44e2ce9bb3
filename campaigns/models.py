"""Back-in-stock campaigns: a restock of a variant tells the shoppers waiting for it, in
batches, and what each of them was sent, and did with it, is kept for the funnel."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from commerce.models import BackInStockSubscription, Variant
from conversations.models import Message
from core import clock
from core.models import Channel, Customer


class Campaign(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        CANCELLED = "cancelled", "Cancelled"
        SOLD_OUT = "sold_out", "Stopped: sold out again"
        DONE = "done", "Done"

    class Trigger(models.TextChoices):
        RESTOCK = "restock", "Restock"
        MANUAL = "manual", "Started by hand"

    ACTIVE = (Status.RUNNING, Status.PAUSED)

    variant = models.ForeignKey(Variant, on_delete=models.CASCADE, related_name="campaigns")
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    units = models.IntegerField(help_text="Units in stock when it started.")
    # Shoppers waiting for the variant when it started (the funnel's "subscribed").
    audience = models.IntegerField(default=0)
    batches = models.PositiveIntegerField(default=0)
    next_batch_at = models.DateTimeField(null=True, blank=True, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["variant"],
                                    condition=models.Q(status__in=["running", "paused"]),
                                    name="one_active_campaign_per_variant"),
        ]

    def __str__(self) -> str:
        return f"Back in stock: {self.variant.sku} ({self.get_status_display()})"


class Recipient(models.Model):
    """One waiting shopper in one campaign: queued once (its outbox message), or held
    back for a reason, or deferred until their quiet hours end."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Message queued"
        DEFERRED = "deferred", "Waiting for the end of quiet hours"
        OVER_CAP = "over_cap", "Over the weekly marketing cap"
        NO_CONSENT = "no_consent", "No consent on file for the channel"
        NO_CONTACT = "no_contact", "No way to reach them"
        DAILY_LIMIT = "daily_limit", "Held: WhatsApp's daily conversation limit"
        WITHDRAWN = "withdrawn", "Stopped alerts before it was sent"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    subscription = models.ForeignKey(BackInStockSubscription, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(max_length=12, choices=Status.choices)
    due_at = models.DateTimeField(null=True, blank=True)
    message = models.OneToOneField(Message, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="campaign_recipient")
    wished_at = models.DateTimeField()
    created_at = models.DateTimeField(default=clock.now)
    clicked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["wished_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "customer"],
                                    name="one_message_per_customer_per_campaign"),
        ]
        indexes = [
            models.Index(fields=["customer", "status", "created_at"], name="recipient_cap"),
            models.Index(fields=["campaign", "status"], name="recipient_progress"),
        ]
