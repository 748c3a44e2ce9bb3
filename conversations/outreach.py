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
from django.db import connection, transaction

from conversations.models import Conversation, Message
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
    messages = Message.objects.bulk_create([
        Message(conversation_id=conversations[i.customer_id], channel=i.channel,
                direction=Message.Direction.OUTBOUND, sender=Message.Sender.SYSTEM,
                text=i.text, delivery=Message.Delivery.PENDING, created_at=now,
                payload={"to": i.to, "buttons": [], "attachments": [], "proactive": True,
                         "purpose": i.purpose,
                         **({"subject": i.subject} if i.subject else {}),
                         **({"template": i.template} if i.template else {}),
                         **({"opens_conversation": True} if i.opens_conversation else {}),
                         **i.extra})
        for i in items], batch_size=2000)
    ids = [m.pk for m in messages]
    transaction.on_commit(lambda: deliver_later(ids))
    return messages


def _open_conversations(customers: dict[int, str], now: datetime) -> dict[int, int]:
    found = dict(Conversation.objects.filter(customer_id__in=list(customers), status="open")
                 .values_list("customer_id", "pk"))
    missing = [c for c in customers if c not in found]
    if missing:
        # Two senders may open one customer's conversation at once: the unique "one open
        # conversation" index keeps one, and both read it back.
        Conversation.objects.bulk_create(
            [Conversation(customer_id=c, channel=customers[c], created_at=now, updated_at=now)
             for c in missing], batch_size=2000, ignore_conflicts=True)
        found.update(Conversation.objects.filter(customer_id__in=missing, status="open")
                     .values_list("customer_id", "pk"))
    return found


def deliver_later(ids: list[int]) -> None:
    """Hand outbox rows to the delivery workers in chunks (inline when sends are
    captured, as in scenarios and benchmarks)."""
    from channels_adapters.registry import is_captured
    from conversations import services

    if is_captured():
        for pk in ids:
            services.message_deliver(pk)
        return
    from conversations.tasks import deliver_messages

    for start in range(0, len(ids), CHUNK):
        deliver_messages.delay(ids[start:start + CHUNK])


# One round trip for both checks: sends on the channel in the last second, and the last
# send to this conversation within the same-person gap (NULL when it needs none).
_GOVERNOR = """
SELECT (SELECT COUNT(*) FROM conversations_message
        WHERE channel = %(channel)s AND direction = 'out' AND sent_at >= %(second)s),
       (SELECT MAX(sent_at) FROM conversations_message
        WHERE %(spaced)s AND conversation_id = %(conversation)s AND channel = %(channel)s
          AND direction = 'out' AND sent_at >= %(gap)s)
"""


def send_wait(channel: str, conversation_id: int, payload: dict[str, Any]) -> float:
    """Seconds this outbox row must wait before it may be sent (0: now)."""
    now = clock.now()
    cap = settings.OUTBOUND_PER_SECOND.get(channel)
    spacing = settings.WHATSAPP_SAME_RECIPIENT_SECONDS
    spaced = channel == Channel.WHATSAPP and bool(payload.get("proactive")) and spacing > 0
    if not cap and not spaced:
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute(_GOVERNOR, {"channel": channel, "second": now - timedelta(seconds=1),
                                   "spaced": spaced, "conversation": conversation_id,
                                   "gap": now - timedelta(seconds=spacing)})
        recent, last = cursor.fetchone()
    if cap and recent >= cap:
        return 1.0 / cap * 10
    if last is not None:
        return max(0.1, (last + timedelta(seconds=spacing) - now).total_seconds())
    return 0.0


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
    from core.models import ChannelIdentity

    now = now or clock.now()
    return set(ChannelIdentity.objects.filter(
        channel=Channel.WHATSAPP, external_id__in=list(numbers),
        last_seen_at__gte=now - WINDOW).values_list("external_id", flat=True))
