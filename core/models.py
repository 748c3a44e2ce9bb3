"""The customer and their channel identities: one person, however many places they write from."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models

from core import clock


class Channel(models.TextChoices):
    WEB = "web", "Site chat"
    WHATSAPP = "whatsapp", "WhatsApp"
    EMAIL = "email", "Email"
    TELEGRAM = "telegram", "Telegram"
    SLACK = "slack", "Slack"


class LanguageSource(models.TextChoices):
    DETECTED = "", "Detected from their messages"
    SHOPPER = "shopper", "Asked for by the customer"
    SHOP = "shop", "Set by the shop"


# The shop's languages (core.formatting.LANGUAGES), by the names staff read them by.
LANGUAGE_CHOICES = [("en", "English"), ("es", "Spanish"), ("de", "German"), ("fr", "French"),
                    ("it", "Italian"), ("pt", "Portuguese"), ("nl", "Dutch")]


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True, db_index=True)
    phone = models.CharField(max_length=32, blank=True, db_index=True)
    # A guest is someone who wrote to us before proving who they are.
    is_guest = models.BooleanField(default=False)
    tags = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, default="en", choices=LANGUAGE_CHOICES)
    # Who chose `language`: a choice the customer or the shop made is not changed by
    # what the next message seems to be written in.
    language_source = models.CharField(
        "language chosen by", max_length=16, choices=LanguageSource.choices, blank=True,
        default=LanguageSource.DETECTED,
        help_text="Detected: follows the language of their messages. Set by the shop or "
                  "asked for by the customer: kept until changed here.")
    preferred_channel = models.CharField(max_length=16, choices=Channel.choices, blank=True)
    # An IANA zone ("Europe/Madrid"), for quiet hours; empty: the shop's own (TIME_ZONE).
    time_zone = models.CharField(max_length=64, blank=True)
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
    # Where it was given: "chat" (asked in a conversation), "form" (the site's notify-me
    # form), "double_opt_in" (a confirmation link followed), "code" (a code read back).
    source = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    # When the customer took it back ("stop alerts", STOP, an unsubscribe link).
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["customer", "created_at", "pk"]
        indexes = [models.Index(fields=["customer", "channel", "purpose"],
                                name="consent_lookup")]

    def __str__(self) -> str:
        return f"{self.purpose} on {self.get_channel_display()}"


class ChannelIdentity(models.Model):
    class Verification(models.TextChoices):
        NONE = "", "Not verified"
        CONTACT_MATCH = "contact_match", "Matches a contact on file"
        ORDER_DETAILS = "order_details", "Order number and email or postcode"
        ONE_TIME_CODE = "one_time_code", "One-time code"
        NAME_POSTCODE = "name_postcode", "Full name and postcode"
        AGENT = "agent", "Confirmed by an agent"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    external_id = models.CharField(max_length=255)
    display_name = models.CharField(max_length=200, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_via = models.CharField(max_length=32, choices=Verification.choices, blank=True)
    # Set when the proof holds for that one conversation only (what the shopper knew, or a
    # code read back in the site chat, where a browser is no one's own device); empty when
    # the identity itself is proven (a number or address the platform vouches for).
    verified_in_conversation = models.BigIntegerField(null=True, blank=True)
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
        """The identity itself is proven, for as long as it exists."""
        return (self.verified_at is not None and self.verified_in_conversation is None
                and self.verified_via in LASTING_PROOFS and self.channel != Channel.WEB)

    def proof_for(self, conversation_id: int, now: datetime,
                  ttl: timedelta) -> tuple[datetime, str] | None:
        """When and how this sender proved they are the customer, if that proof still
        holds in the conversation `conversation_id` at `now`: a lasting proof of the
        identity, or one given in that very conversation less than `ttl` ago."""
        if self.verified_at is None:
            return None
        if self.is_verified:
            return self.verified_at, self.verified_via
        if (self.verified_in_conversation == conversation_id
                and self.verified_at > now - ttl):
            return self.verified_at, self.verified_via
        return None

    @property
    def proven_for_one_conversation(self) -> bool:
        """It was linked to its customer by a proof that lasts one conversation."""
        return self.verified_at is not None and not self.is_verified


# Proofs that make the identity itself the customer's: the platform vouches for the number
# or address, a code reached the contact on file, or a person checked.
LASTING_PROOFS = {ChannelIdentity.Verification.CONTACT_MATCH,
                  ChannelIdentity.Verification.ONE_TIME_CODE,
                  ChannelIdentity.Verification.AGENT}
# Proofs made of what a shopper knows: anyone who learnt them can give them.
KNOWLEDGE_PROOFS = {ChannelIdentity.Verification.ORDER_DETAILS,
                    ChannelIdentity.Verification.NAME_POSTCODE}


class VerificationFailure(models.Model):
    """A guess that did not match: an order number with an email, phone or postcode, or a
    full name with a postcode, that do not belong together. One row per thing guessed
    (the order number, each contact detail) and one for the client that guessed (an IP
    address in the site chat, the channel identity elsewhere), so that guessing is
    limited per order, per contact and per client, over every conversation, session,
    device and channel (see core.services.knowledge_check)."""

    class Kind(models.TextChoices):
        ORDER = "order", "Order number"
        CONTACT = "contact", "Email, phone, postcode or name"
        CLIENT = "client", "Client"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["kind", "key", "created_at"],
                                name="verification_failure_lookup")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.key}"


class AnonymousHandoff(models.Model):
    """A handoff to a person asked for by a shopper who had not proven who they are,
    kept per client to ration them (see conversations.services.handoff_create)."""

    client = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["client", "created_at"],
                                name="anonymous_handoff_lookup")]


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
