"""Reads of conversations and their messages."""

from __future__ import annotations

from conversations.models import Conversation, Message
from core.models import ChannelIdentity, Customer


def conversation_open_get(customer: Customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer, status="open").first()


def message_list_for_identity(channel: str, external_id: str, limit: int = 200) -> list[Message]:
    identity = ChannelIdentity.objects.filter(channel=channel, external_id=external_id).first()
    if identity is None:
        return []
    conversation = conversation_open_get(identity.customer)
    if conversation is None:
        return []
    messages = conversation.messages.order_by("-created_at", "-id")[:limit]
    return list(reversed(messages))


def message_history_for_customer(customer: Customer) -> list[Message]:
    return list(Message.objects.filter(conversation__customer=customer)
                .order_by("created_at", "id"))
