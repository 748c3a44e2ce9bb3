"""Messages the shop sends first (back-in-stock alerts, shipment alerts, check-ins): how
they go into the outbox in bulk, and the governor that paces what the outbox sends so no
platform limit is tripped.

The governor, per channel:
- a throughput cap per sending number or account (OUTBOUND_PER_SECOND: WhatsApp 80/s by
  default, up to 1,000; email and Telegram their own);
- on WhatsApp, a proactive message waits until about 6 s have passed since the last
  message to the same person (WHATSAPP_SAME_RECIPIENT_SECONDS, Meta's pair rate);
- on WhatsApp, a message that opens a business-initiated conversation (a template to
  someone outside the 24-hour window) counts against the number's daily tier
  (WHATSAPP_MESSAGING_TIER): `business_conversations_left` says how many remain, and
  senders hold back the rest for later.
The platform's own rate errors (WhatsApp 130429, Telegram's retry_after) come back as
temporary errors: the row goes back to pending and is sent again later, once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, Model
from psycopg.types.json import Jsonb

from channels_adapters.registry import is_captured
from conversations import services
from conversations.models import Conversation, Message
from conversations.tasks import deliver_messages
from core import clock
from core.models import Channel

# Messages handed to one delivery task; a dead worker's chunk is picked up by the outbox
# recovery, message by message, and what it had sent is never sent again.
CHUNK = 100
TIERS: dict[str, int | None] = {"250": 250, "2000": 2000, "2k": 2000, "10000": 10000,
                                "10k": 10000, "100000": 100000, "100k": 100000,
                                "unlimited": None}
WINDOW = timedelta(hours=24)


@dataclass(frozen=True)
class Proactive:
    """One message the shop sends on its own to a customer."""

    customer_id: int
    channel: str
    to: str
    text: str
    purpose: str
    subject: str = ""
    # WhatsApp: the approved template that carries it outside the 24-hour window,
    # {"purpose": ..., "params": [...], "language": "en"}.
    template: dict[str, Any] | None = None
    opens_conversation: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def proactive_queue(items: list[Proactive]) -> list[Message]:
    """Put messages in the outbox, each in its customer's open conversation (opened for
    them when they have none, so a reply lands in the bot with the message in view). They
    are sent after commit, in chunks, by the delivery workers."""
    if not items:
        return []
    now = clock.now()
    conversations = _open_conversations({i.customer_id: i.channel for i in items}, now)
    messages = copy_insert(Message, [
        Message(conversation_id=conversations[i.customer_id], channel=i.channel,
                direction=Message.Direction.OUTBOUND, sender=Message.Sender.SYSTEM,
                text=i.text, delivery=Message.Delivery.PENDING, created_at=now,
                payload={"to": i.to, "buttons": [], "attachments": [], "proactive": True,
                         "purpose": i.purpose,
                         **({"subject": i.subject} if i.subject else {}),
                         **({"template": i.template} if i.template else {}),
                         **({"opens_conversation": True} if i.opens_conversation else {}),
                         **i.extra})
        for i in items])
    ids = [m.pk for m in messages]
    transaction.on_commit(lambda: deliver_later(ids))
    return messages


_OPEN = "SELECT customer_id, id FROM conversations_conversation " \
        "WHERE status = 'open' AND customer_id = ANY(%s)"


def _open_conversations(customers: dict[int, str], now: datetime) -> dict[int, int]:
    found = dict(rows(_OPEN, [list(customers)]))
    missing = [c for c in customers if c not in found]
    if missing:
        # Two senders may open one customer's conversation at once: the unique "one open
        # conversation" index keeps one, and both read it back.
        fresh = [Conversation(customer_id=c, channel=customers[c], created_at=now,
                              updated_at=now) for c in missing]
        try:
            with transaction.atomic():
                copy_insert(Conversation, fresh)
        except IntegrityError:
            Conversation.objects.bulk_create(fresh, batch_size=5000, ignore_conflicts=True)
        found.update(rows(_OPEN, [missing]))
    return found


def copy_insert(model: type[Model], objects: list[Any]) -> list[Any]:
    """Insert model instances with COPY, ids drawn from the table's sequence first (so
    they come back set): for tens of thousands of rows, bulk_create spends most of its
    time preparing and quoting each value in Python. Every concrete field is written as
    the instance holds it (defaults applied by the model), JSON as JSON."""
    if not objects:
        return objects
    table = model._meta.db_table
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    ids = [pk for (pk,) in rows(
        "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
        [table, len(objects)])]
    columns = ", ".join(["id", *(connection.ops.quote_name(f.column) for f in fields)])
    is_json = [isinstance(f, JSONField) for f in fields]
    with connection.wrap_database_errors, connection.connection.cursor() as cursor, \
            cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
                        ) as copy:
        for pk, obj in zip(ids, objects, strict=True):
            values = [getattr(obj, f.attname) for f in fields]
            copy.write_row([pk, *(Jsonb(v) if j and v is not None else v
                                  for v, j in zip(values, is_json, strict=True))])
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = "default"
    return objects


def rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """A query with large lists of ids as parameters: on the database connection's own
    cursor, which sends them bound, in binary (Django's cursor spells each id out in the
    query text, which for 100,000 ids costs seconds)."""
    connection.ensure_connection()
    with connection.wrap_database_errors, connection.connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def deliver_later(ids: list[int]) -> None:
    """Hand outbox rows to the delivery workers in chunks (inline when sends are
    captured, as in scenarios and benchmarks)."""
    if is_captured():
        for pk in ids:
            services.message_deliver(pk)
        return
    for start in range(0, len(ids), CHUNK):
        deliver_messages.delay(ids[start:start + CHUNK])


def business_conversations_left(now: datetime | None = None) -> int | None:
    """How many more business-initiated WhatsApp conversations the number's tier allows
    in the rolling 24 hours; None when it is unlimited."""
    limit = TIERS.get(settings.WHATSAPP_MESSAGING_TIER, 250)
    if limit is None:
        return None
    now = now or clock.now()
    used = (Message.objects.filter(channel=Channel.WHATSAPP,
                                   direction=Message.Direction.OUTBOUND,
                                   created_at__gte=now - WINDOW,
                                   payload__opens_conversation=True)
            .exclude(delivery=Message.Delivery.FAILED)
            .values("payload__to").distinct().count())
    return max(0, limit - used)


def whatsapp_windows_open(numbers: Iterable[str], now: datetime | None = None) -> set[str]:
    """Of these WhatsApp numbers, the ones that wrote to us within 24 hours (a free-form
    message reaches them; anything else needs a template and opens a conversation)."""
    now = now or clock.now()
    return {number for (number,) in rows(
        "SELECT external_id FROM core_channelidentity WHERE channel = %s AND "
        "external_id = ANY(%s) AND last_seen_at >= %s",
        [Channel.WHATSAPP.value, list(numbers), now - WINDOW])}
