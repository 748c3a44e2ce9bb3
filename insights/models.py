"""What the insights figures are counted from: one row of facts per conversation and one
per handoff, kept up to date from its messages, handoffs and close
(insights.services.facts_refresh), so the page reads about 100,000 small rows instead of
millions of messages.

Database triggers (see the migrations) put the id of every conversation whose messages,
handoffs or status change into `StaleConversation`; the refresh recomputes exactly those
(and the earlier conversations of the same customers whose reopen they may decide), in
one set-based statement, before the page is read and every minute from beat.

On top of the facts, counts per day in the shop's time zone (`ConversationCount`,
`ContactCount`): the refresh marks the days of every fact it writes, decides a reopen of
or deletes (`StaleDay`) and counts those days again, whole, from the facts, so the
charts and contact rates read a few thousand rows whatever the shop's size."""

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
    # The first handoff (for the outcome and the drill-down), how many there were and
    # whether any of them waited past its service level (see HandoffFact).
    handoff_at = models.DateTimeField(null=True)
    handoff_reason = models.CharField(max_length=24, blank=True)
    handoffs = models.PositiveSmallIntegerField(default=0)
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
    # Seconds from the first message to the first reply and to the close, on the clock
    # and in support hours (`HoursBasis` says which hours those were counted in).
    first_response_s = models.FloatField(null=True)
    first_response_open_s = models.FloatField(null=True)
    resolution_s = models.FloatField(null=True)
    resolution_open_s = models.FloatField(null=True)
    # The day and the week (its Monday) it started on, in the shop's time zone: what the
    # charts group by and the contact counts are kept per (`HoursBasis` says which zone).
    day = models.DateField(null=True)
    week = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["started_at"], name="fact_started"),
            models.Index(fields=["day"], name="fact_day"),
            models.Index(fields=["resolved_at"], name="fact_bot_closed",
                         condition=models.Q(bot_closed=True)),
            models.Index(fields=["customer_id", "started_at"], name="fact_customer_started"),
            models.Index(fields=["order_number"], name="fact_order",
                         condition=~models.Q(order_number="")),
        ]

    def __str__(self) -> str:
        return f"Facts of conversation #{self.conversation_id}"


class HandoffFact(models.Model):
    """One row per handoff (a conversation handed back to the bot and on to a person
    again has two), recomputed with its conversation's facts. It carries the
    conversation's start, channel and whether it counts, so handoff figures filter the
    way the conversation figures do without a join."""

    handoff = models.OneToOneField(
        "conversations.Handoff", on_delete=models.CASCADE, primary_key=True,
        related_name="fact", db_constraint=False)
    conversation_id = models.BigIntegerField(db_index=True)
    started_at = models.DateTimeField(null=True)
    channel = models.CharField(max_length=16, blank=True)
    # The conversation is a shopper's request (it counts in the figures).
    counted = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    reason = models.CharField(max_length=24, blank=True)
    # A person's first message to the shopper after this handoff, before the next one.
    human_reply_at = models.DateTimeField(null=True)
    sla_breached = models.BooleanField(default=False)
    wait_s = models.FloatField(null=True)
    wait_open_s = models.FloatField(null=True)

    class Meta:
        indexes = [models.Index(fields=["started_at"], name="handoff_fact_started")]

    def __str__(self) -> str:
        return f"Facts of handoff #{self.handoff_id}"


class HoursBasis(models.Model):
    """The support hours the facts' support-hour durations were counted in, and the time
    zone of their days (one row); when either changes, the next refresh counts them
    again."""

    hours = models.TextField()


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
    # The day it was placed on, in the shop's time zone.
    day = models.DateField(null=True, db_index=True)

    def __str__(self) -> str:
        return f"Facts of order #{self.number}"


class ContactCount(models.Model):
    """Orders placed and contacts about them on one day (the shop's), per carrier, lane or
    product of the order (`figure` names which, `key` which one): orders on rows without
    a channel, contacts on the rows of the channel the conversation started on. Counted
    again, a whole day at a time, for every day whose order or conversation facts changed
    (`StaleDay`), so the contact rates read a few rows per day."""

    day = models.DateField()
    figure = models.CharField(max_length=16)
    key = models.CharField(max_length=200)
    channel = models.CharField(max_length=16, blank=True)
    orders = models.PositiveIntegerField(default=0)
    contacts = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day"], name="contact_count_day")]

    def __str__(self) -> str:
        return f"{self.figure} {self.key} on {self.day}"


class ConversationCount(models.Model):
    """How many conversations the figures count started on one day (the shop's) on one
    channel, by what each chart groups them by: `figure` names the chart ("volume",
    "first_response", "first_response_open", "resolution_time", "resolution_time_open",
    "intents", "quality") and `key` the outcome, bucket or intent. Counted again with the
    day's contact counts. The outcome of a conversation the bot closed and nobody
    reopened is kept as "bot_closed": whether its 7 days are over depends on when the
    page is read."""

    day = models.DateField()
    channel = models.CharField(max_length=16)
    figure = models.CharField(max_length=24)
    key = models.CharField(max_length=32)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="conversation_count_day")]

    def __str__(self) -> str:
        return f"{self.figure} {self.key} on {self.day}"


class StaleDay(models.Model):
    """A day whose contact and conversation counts must be counted again (marked by the
    facts' refresh)."""

    day = models.DateField(primary_key=True)


class StaleOrder(models.Model):
    """An order whose facts must be recomputed (filled by database triggers)."""

    order_id = models.BigIntegerField(primary_key=True)
