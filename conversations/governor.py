"""The outbox's governor: how long a message must wait before it is sent, so no platform
limit is tripped (a throughput cap per channel, OUTBOUND_PER_SECOND; on WhatsApp about 6 s
between proactive messages to the same person, WHATSAPP_SAME_RECIPIENT_SECONDS).
``conversations.services.message_deliver`` asks it before claiming a row; the bulk queue of
messages the shop sends first lives in ``conversations.proactive``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection

from core import clock
from core.models import Channel

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
