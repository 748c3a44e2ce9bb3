"""What the insights figures are counted from: one row of facts per conversation, kept
up to date from its messages, handoffs and close (insights.services.facts_refresh), so
the page reads about 100,000 small rows instead of millions of messages.

Database triggers (see the migrations) put the id of every conversation whose messages,
handoffs or status change into `StaleConversation`; the refresh recomputes exactly those
(and the earlier conversations of the same customers whose reopen they may decide), in
one set-based statement, before the page is read and every minute from beat."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models


class ConversationFact(models.Model):
    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, primary_key=True,
        related_name="fact", db_constraint=False)
    customer_id = models.BigIntegerField()
    # Where the shopper first wrote from.
    channel = models.CharField(max_length=16)
    started_at = models.DateTimeField()
    first_inbound_at = models.DateTimeField(null=True)
    # The first reply by the bot or a person after the shopper's first message.
    first_response_at = models.DateTimeField(null=True)
    first_response_by = models.CharField(max_length=10, blank=True)
    # The bot answered the shopper at least once.
    involved = models.BooleanField(default=False)
    inbound_count = models.PositiveIntegerField(default=0)
    # What it was about: the first classified intent that names a need (not a greeting,
    # "other" or a plain request for a person), and the first order number mentioned.
    topic_intent = models.CharField(max_length=32, blank=True)
    order_number = models.CharField(max_length=32, blank=True)
    handoff_at = models.DateTimeField(null=True)
    handoff_reason = models.CharField(max_length=24, blank=True)
    human_reply_at = models.DateTimeField(null=True)
    sla_breached = models.BooleanField(default=False)
    resolved_at = models.DateTimeField(null=True)
    close_reason = models.CharField(max_length=32, blank=True)
    bot_closed = models.BooleanField(default=False)
    # The later conversation of the same customer, on any channel, within 7 days of the
    # close and about the same order or intent, that reopened this one.
    reopened_by = models.BigIntegerField(null=True)
    frustrated = models.BooleanField(default=False)
    policy_breach = models.BooleanField(default=False)
    quality = models.PositiveSmallIntegerField(default=100)

    class Meta:
        indexes = [
            models.Index(fields=["started_at"], name="fact_started"),
            models.Index(fields=["customer_id", "started_at"], name="fact_customer_started"),
            models.Index(fields=["order_number"], name="fact_order",
                         condition=~models.Q(order_number="")),
        ]

    def __str__(self) -> str:
        return f"Facts of conversation #{self.conversation_id}"


class StaleConversation(models.Model):
    """A conversation whose facts must be recomputed (filled by database triggers)."""

    conversation_id = models.BigIntegerField(primary_key=True)


class OrderFact(models.Model):
    """One row per order, for contact rates per 100 orders: its carrier, its lane (where
    the first carrier scan was → the destination region) and the products in it."""

    order = models.OneToOneField("commerce.Order", on_delete=models.CASCADE,
                                 primary_key=True, related_name="fact", db_constraint=False)
    number = models.CharField(max_length=32, unique=True)
    placed_at = models.DateTimeField(db_index=True)
    carrier = models.CharField(max_length=30, blank=True)
    origin = models.CharField(max_length=120, blank=True)
    destination = models.CharField(max_length=60, blank=True)
    product_ids = ArrayField(models.BigIntegerField(), default=list)

    def __str__(self) -> str:
        return f"Facts of order #{self.number}"


class StaleOrder(models.Model):
    """An order whose facts must be recomputed (filled by database triggers)."""

    order_id = models.BigIntegerField(primary_key=True)
