"""The inbox's live updates: a staff-only WebSocket that forwards the events the inbox
services push after commit (group "inbox"). Pages then fetch what changed; nothing is
read or written here."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from conversations.realtime import INBOX_GROUP

# Close codes in the 4000 range are the application's own (RFC 6455, 7.4.2).
FORBIDDEN = 4403


class InboxConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(_may_read)(user):
            await self.close(code=FORBIDDEN)
            return
        await self.channel_layer.group_add(INBOX_GROUP, self.channel_name)
        await self.accept()
        await self.send_json({"type": "hello"})

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(INBOX_GROUP, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The socket only listens; actions go through the pages' forms.
        return

    async def inbox_event(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "event", **event["event"]})


def _may_read(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff
                and user.has_perm("conversations.view_conversation"))
