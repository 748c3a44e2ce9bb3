"""The customer and their channel identities: one person, however many places they write from."""

from __future__ import annotations

from django.db import models

from core import clock


class Channel(models.TextChoices):
    WEB = "web", "Site chat"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", "Email"
    TELEGRAM = "telegram", "Telegram"
    SLACK = "slack", "Slack"


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    # A guest is someone who wrote to us before proving who they are.
    is_guest = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, default="en")
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    marketing_consent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=~models.Q(email=""),
                name="customer_email_unique_when_set",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email or f"Guest #{self.pk}"

    @property
    def is_vip(self) -> bool:
        return "vip" in (self.tags or [])


class MarketingConsent(models.Model):
    """What a customer agreed to be sent, on which channel, and the words they agreed to."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consents")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    purpose = models.CharField(max_length=40, help_text="e.g. back_in_stock, newsletter")
    wording = models.TextField(blank=True, help_text="The text the customer agreed to.")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["customer", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.get_channel_display()}"


class ChannelIdentity(models.Model):
    class Verification(models.TextChoices):
        NONE = "", "Not verified"
        CONTACT_MATCH = "contact_match", "Matches a contact on file"
        ORDER_DETAILS = "order_details", "Order number and email or postcode"
        ONE_TIME_CODE = "one_time_code", "One-time code"
        AGENT = "agent", "Confirmed by an agent"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    external_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_via = models.CharField(max_length=32, choices=Verification.choices, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "channel identities"
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="identity_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.external_id}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class IdentityLinkCode(models.Model):
    """A one-time code sent to a contact already on file for `customer`: whoever reads it
    back from `identity` proves that identity is that customer. Only a keyed hash of the
    code is kept."""

    identity = models.ForeignKey(ChannelIdentity, on_delete=models.CASCADE,
                                 related_name="link_codes")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    contact = models.CharField(max_length=254, help_text="The contact on file it was sent to.")
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"Code for {self.identity} to {self.channel}"
