"""Live updates for open inbox pages (the Channels group "inbox"), sent after commit the
way Zulip's actions send their events. Pages fetch what they show again, so an event
carries only what changed where."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

INBOX_GROUP = "inbox"


def inbox_event_on_commit(kind: str, conversation_id: int) -> None:
    """Tell every open inbox page that something changed, once the change is committed.
    Pages fetch what they show again, so the event carries only what changed where."""
    event = {"kind": kind, "conversation": conversation_id}
    transaction.on_commit(lambda: _push(event))


def _push(event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(INBOX_GROUP, {"type": "inbox.event", "event": event})
    except Exception:  # a live update is a courtesy: the pages also poll
        logger.warning("Could not push an inbox event", exc_info=True)
