"""Conversations: one customer's messages across channels, the handoffs to people,
the policy decisions the bot made, and the outbox of everything we send."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core import clock
from core.models import LANGUAGE_CHOICES, Channel, Customer


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    class Mode(models.TextChoices):
        BOT = "bot", "Bot"
        HUMAN = "human", "Human"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="conversations")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.BOT)
    channel = models.CharField(
        max_length=16, choices=Channel.choices, help_text="Where the shopper last wrote from."
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_via = models.CharField(max_length=32, blank=True)
    # The dialogue state the graph carries between turns (pending confirmation,
    # clarification attempts, the order in focus). Plain JSON, owned by agents.runner.
    state = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    # When and why the conversation was closed (resolved by the bot or a person, closed
    # after the shopper went silent, ...); empty while it is open.
    resolved_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(status="open"),
                name="one_open_conversation_per_customer",
            )
        ]

    def __str__(self) -> str:
        return f"Conversation #{self.pk} with {self.customer}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class CloseReason(models.TextChoices):
    """Why a conversation was closed (`Conversation.close_reason`). The insights count a
    conversation as closed by the bot for BOT_CLOSE_REASONS only."""

    RESOLVED_BY_BOT = "resolved_by_bot", "Resolved by the bot"
    RESOLVED_BY_AGENT = "resolved_by_agent", "Resolved by a person"
    SHOPPER_SILENT = "shopper_silent", "Closed after the shopper went silent mid-flow"
    INACTIVE = "inactive", "Answered, then the shopper left without signing off"
    NO_REPLY = "no_reply", "The shop wrote first and the shopper never answered"
    RATING = "rating", "Only carried a satisfaction score"
    NOTICE = "notice", "A notice, closed as it was sent"


BOT_CLOSE_REASONS = (CloseReason.RESOLVED_BY_BOT, CloseReason.SHOPPER_SILENT,
                     CloseReason.INACTIVE)
# Conversations that are no shopper's request for help: left out of the insights.
NOT_SUPPORT_REASONS = (CloseReason.RATING, CloseReason.NO_REPLY, CloseReason.NOTICE)


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "in", "Inbound"
        OUTBOUND = "out", "Outbound"

    class Sender(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        BOT = "bot", "Bot"
        AGENT = "agent", "Agent"
        SYSTEM = "system", "System"

    class Delivery(models.TextChoices):
        RECEIVED = "received", "Received"
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sender = models.CharField(max_length=10, choices=Sender.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField(blank=True)
    # Buttons, attachments, template names: whatever the channel needs beyond text.
    payload = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=255, null=True, blank=True)
    intent = models.CharField(max_length=32, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    entities = models.JSONField(default=dict, blank=True)
    # The language a shopper's message is written in, read as it is answered; empty when
    # it is too short to tell, and for what we send.
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)
    attempts = models.PositiveIntegerField(default=0)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="message_external_id_unique_per_channel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.channel}: {self.text[:40]}"


class HandoffReason(models.TextChoices):
    CUSTOMER_REQUEST = "customer_request", "Asked for a person"
    FRAUD_ALLEGATION = "fraud_allegation", "Fraud allegation"
    HIGH_VALUE = "high_value", "Refund above threshold"
    FINAL_SALE = "final_sale", "Final-sale exception"
    LOST_HIGH_VALUE = "lost_high_value", "Lost high-value parcel"
    OUTSIDE_POLICY = "outside_policy", "Outside policy"
    FRUSTRATION = "frustration", "Frustrated shopper"
    NOT_UNDERSTOOD = "not_understood", "Not understood"
    DAMAGE_REVIEW = "damage_review", "Damage review"
    PAYMENT_DISPUTE = "payment_dispute", "Payment dispute"
    VIP = "vip", "VIP with an open problem"
    UNSUPPORTED_REQUEST = "unsupported_request", "A request the bot has no action for"


class Handoff(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        ASSIGNED = "assigned", "Assigned"
        RESOLVED = "resolved", "Resolved"
        HANDED_BACK = "handed_back", "Handed back to the bot"

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="handoffs")
    reason = models.CharField(max_length=24, choices=HandoffReason.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    packet = models.JSONField(default=dict, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(default=clock.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The service level (conversations.service_levels): a person's first reply is due by
    # `sla_due_at` (support hours counted); `breached_at` is set once, when it was not.
    sla_due_at = models.DateTimeField(null=True, blank=True)
    first_reply_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    # What the shopper was told about the wait when it was handed off.
    expected_wait = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The breach scan: open handoffs past due, not yet answered nor alerted.
            models.Index(fields=["sla_due_at"], name="handoff_sla_due",
                         condition=models.Q(breached_at__isnull=True,
                                            first_reply_at__isnull=True,
                                            closed_at__isnull=True,
                                            sla_due_at__isnull=False)),
        ]


class PolicyDecision(models.Model):
    """A policy function's verdict, kept with the conversation for the human inbox."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="decisions", null=True, blank=True
    )
    order_number = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=40)
    allowed = models.BooleanField()
    outcome = models.CharField(max_length=40, blank=True)
    rule = models.CharField(max_length=80)
    explanation = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]


class ActionRecord(models.Model):
    """A consequential action taken once per idempotency key, however often it is confirmed."""

    idempotency_key = models.CharField(max_length=160, unique=True)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    kind = models.CharField(max_length=40)
    order_number = models.CharField(max_length=32, blank=True)
    result = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=60, default="bot")
    created_at = models.DateTimeField(default=clock.now)


class InternalNote(models.Model):
    """A note agents leave each other on a conversation. It never reaches the shopper:
    it is not a Message, so no outbox, adapter or chat history ever reads it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on conversation #{self.conversation_id}"


class CannedResponse(models.Model):
    """A reply agents reuse, written in one of the shop's languages: one shortcut holds
    the same reply in each language it is written in, and the inbox offers the shopper's
    first. Placeholders such as {first_name}, {order_number} and {tracking_number} are
    filled from the conversation when it is inserted."""

    title = models.CharField(max_length=80)
    shortcut = models.SlugField(max_length=40)
    language = models.CharField(max_length=8, choices=LANGUAGE_CHOICES, default="en")
    text = models.TextField(
        help_text="Placeholders: {first_name}, {name}, {order_number}, {tracking_number}, "
                  "{agent_name}, {shop_name}."
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["title", "shortcut", "language"]
        constraints = [
            models.UniqueConstraint(fields=["shortcut", "language"],
                                    name="canned_response_once_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_language_display()})"


class SatisfactionRating(models.Model):
    """A shopper's answer to "how did we do?" (1–5), at most one per conversation. `agent`
    is the person who handled the conversation; empty when the bot resolved it alone."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="rating"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="ratings")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="ratings",
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"{self.score}/5 on conversation #{self.conversation_id}"
