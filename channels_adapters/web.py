"""The site chat's adapter: a WebSocket per browser tab, identified by a session token the
page keeps in localStorage (the socket itself is conversations.consumers.SiteChatConsumer,
which stores and answers what the page sends)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Protocol

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings

from channels_adapters.base import Outbound

SESSION_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 2000


def group_for(session: str) -> str:
    return f"web.{session}"


class ChatMessage(Protocol):
    """What the page shows of a message, stored (history) or being sent (Outbound)."""

    pk: int
    direction: str
    sender: str
    channel: str
    text: str
    payload: dict[str, Any]
    created_at: datetime | None


def message_event(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "direction": message.direction,
        "sender": message.sender,
        "channel": message.channel,
        "text": message.text,
        "buttons": message.payload.get("buttons", []),
        "attachments": message.payload.get("attachments", []),
        "at": message.created_at.isoformat() if message.created_at else "",
    }


def client_address(scope: dict[str, Any]) -> str:
    """The address the browser connected from: what verification guesses and anonymous
    handoffs are rationed by, whatever session token the page makes up. Behind a reverse
    proxy every visitor comes from the proxy, so CLIENT_IP_HEADER names the header it
    writes the visitor's address into (the last address in it is the one the proxy saw;
    the ones before it are whatever the client claimed)."""
    header = settings.CLIENT_IP_HEADER.strip().lower().encode("latin-1")
    if header:
        for name, value in scope.get("headers") or []:
            if name.lower() == header:
                return value.decode("latin-1").split(",")[-1].strip()[:64]
    return str((scope.get("client") or [""])[0])[:64]


class WebAdapter:
    """The site chat needs no configuration and no webhook: it has its own WebSocket."""

    channel = "web"
    needs_window = False
    needs_thread = False
    # The page shows each message id once, so a second push of a reply is harmless.
    resend_after_crash = True

    def enabled(self) -> bool:
        return True

    def missing_settings(self) -> list[str]:
        return []

    def verify(self, request: Any) -> bool:
        return False

    def challenge(self, request: Any) -> None:
        return None

    def parse(self, request: Any) -> Any:
        raise ValueError("The site chat has no webhook.")

    def send(self, message: Outbound) -> str:
        session = message.payload.get("to", "")
        if not SESSION_RE.match(session):
            raise ValueError("web message has no session to deliver to")
        async_to_sync(get_channel_layer().group_send)(
            group_for(session), {"type": "chat.message", "message": message_event(message)})
        return f"web-{message.pk}"
