"""The site chat's WebSocket: one per browser tab, identified by a session token the page
keeps in localStorage, so reloading the page shows the same history. What the page
sends is stored and answered through the pipeline; replies reach the tab through the web
adapter's group (channels_adapters.web)."""

from __future__ import annotations

import secrets
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from channels_adapters.base import Inbound, InboundRejected, clean_text, json_body
from channels_adapters.web import (
    CLIENT_ID_RE,
    MAX_TEXT,
    SESSION_RE,
    client_address,
    group_for,
    message_event,
)
from conversations import selectors as conversation_selectors
from conversations import services as conversation_services


class SiteChatConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        query = self.scope.get("query_string", b"").decode()
        requested = dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("session", "")
        self.session = requested if SESSION_RE.match(requested) else secrets.token_urlsafe(24)
        await self.channel_layer.group_add(group_for(self.session), self.channel_name)
        await self.accept()
        history = await database_sync_to_async(self._history)()
        await self.send_json({"type": "hello", "session": self.session, "history": history})
        # A message this session sent just before a crash (of this process, or of the
        # database) is answered now, as the page reconnects, rather than by beat's
        # recovery a minute later; answering is idempotent, so the two never both reply.
        leftover = await database_sync_to_async(
            conversation_selectors.message_unanswered_last)("web", self.session)
        if leftover is not None:
            await database_sync_to_async(conversation_services.message_process)(leftover)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(group_for(self.session), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None,
                      **kwargs: Any) -> None:
        # Channels' own JSON decoding lets a bad frame escape as an exception, which closes
        # the socket (1011); the shopper gets an error frame instead and may go on.
        if text_data is None:
            await self.send_json({"type": "error", "error": "Send JSON as a text frame."})
            return
        try:
            content = json_body(text_data, "The message")
        except ValueError as exc:
            await self.send_json({"type": "error", "error": str(exc)})
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or content.get("type") != "message":
            await self.send_json({"type": "error", "error": "Expected {type: 'message', text}."})
            return
        text = content.get("text")
        client_id = content.get("client_id")
        if isinstance(text, str):
            text = clean_text(text)
        if not isinstance(text, str) or not text.strip():
            await self.send_json({"type": "error", "error": "The message is empty."})
            return
        if len(text) > MAX_TEXT:
            await self.send_json(
                {"type": "error", "error": f"Messages are limited to {MAX_TEXT} characters."})
            return
        if client_id is not None and not (isinstance(client_id, str)
                                          and CLIENT_ID_RE.match(client_id)):
            await self.send_json({"type": "error", "error": "Invalid client_id."})
            return
        external_id = f"{self.session}:{client_id}" if client_id else None
        address = client_address(self.scope)
        try:
            message = await database_sync_to_async(conversation_services.message_receive)(
                Inbound(
                    channel="web", sender_id=self.session, text=text.strip(),
                    external_id=external_id,
                    payload={"client": f"ip:{address}"} if address else {}))
        except InboundRejected as exc:
            await self.send_json({"type": "error", "error": f"The message was refused: {exc}."})
            return
        if message is None:
            return
        await self.send_json({"type": "message", "message": message_event(message)})
        await database_sync_to_async(conversation_services.message_process)(message.pk)

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "message", "message": event["message"]})

    def _history(self) -> list[dict[str, Any]]:
        return [message_event(m) for m in
                conversation_selectors.message_list_for_identity("web", self.session)]
