"""Reads of conversations and their messages."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max, Q

from channels_adapters import whatsapp
from channels_adapters.base import EmailThread
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer


def verification_ttl() -> timedelta:
    """How long a proof lasting one conversation holds (VERIFICATION_TTL_MINUTES)."""
    return timedelta(minutes=settings.VERIFICATION_TTL_MINUTES)


def conversation_get(conversation_id: int) -> Conversation:
    return Conversation.objects.select_related("customer").get(pk=conversation_id)


def conversation_refresh(conversation: Conversation) -> None:
    """`conversation` as the store now holds it, its customer read with it (one query)."""
    conversation.refresh_from_db(from_queryset=Conversation.objects.select_related("customer"))


def identity_get(channel: str, external_id: str) -> ChannelIdentity | None:
    return ChannelIdentity.objects.filter(channel=channel, external_id=external_id).first()


def conversation_open_get(customer: Customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer, status="open").first()


def message_list_for_identity(channel: str, external_id: str, limit: int = 200) -> list[Message]:
    """What this identity itself wrote and was sent in its open conversation, for a site
    chat that reconnects: never what the customer said or was told on their other
    channels or devices, and nothing once a proof that lasted one conversation has run
    out (whoever holds the session now may not be who proved it)."""
    identity = ChannelIdentity.objects.select_related("customer").filter(
        channel=channel, external_id=external_id).first()
    if identity is None:
        return []
    conversation = conversation_open_get(identity.customer)
    if conversation is None:
        return []
    if (identity.proven_for_one_conversation and not identity.customer.is_guest
            and identity.proof_for(conversation.pk, clock.now(), verification_ttl()) is None):
        return []
    own = (Q(direction=Message.Direction.INBOUND, payload__from=external_id)
           | Q(direction=Message.Direction.OUTBOUND, payload__to=external_id))
    messages = conversation.messages.filter(own, channel=channel).order_by(
        "-created_at", "-id")[:limit]
    return list(reversed(messages))


def message_unanswered_last(channel: str, sender_id: str) -> int | None:
    """The newest message this sender sent on this channel that the bot never answered
    (answering it answers every earlier one of its conversation too)."""
    return (Message.objects.filter(channel=channel, direction=Message.Direction.INBOUND,
                                   payload__from=sender_id, processed_at__isnull=True)
            .order_by("-created_at", "-id").values_list("pk", flat=True).first())


def message_history_for_customer(customer: Customer) -> list[Message]:
    return list(Message.objects.filter(conversation__customer=customer)
                .order_by("created_at", "id"))


def last_inbound_at(channel: str, external_id: str) -> datetime | None:
    """When this sender last wrote to us on this channel (WhatsApp's 24-hour window)."""
    identity = ChannelIdentity.objects.filter(channel=channel, external_id=external_id).first()
    if identity is None:
        return None
    return Message.objects.filter(
        conversation__customer_id=identity.customer_id, channel=channel,
        direction=Message.Direction.INBOUND, payload__from=external_id,
    ).aggregate(last=Max("created_at"))["last"]


def conversation_id_for_reply(channel: str, external_ids: list[str]) -> int | None:
    """The conversation of the newest of our outbound messages a platform reply names."""
    if not external_ids:
        return None
    return (Message.objects.filter(channel=channel, direction=Message.Direction.OUTBOUND,
                                   external_id__in=external_ids)
            .order_by("-created_at", "-id").values_list("conversation_id", flat=True).first())


def message_last_inbound(conversation_id: int, channel: str) -> Message | None:
    return (Message.objects.filter(conversation_id=conversation_id, channel=channel,
                                   direction=Message.Direction.INBOUND)
            .order_by("-created_at", "-id").first())


def whatsapp_window_open(external_id: str) -> bool:
    """May a free-form WhatsApp message reach this shopper now (they wrote within 24
    hours)? Outside it only an approved template does."""
    last = last_inbound_at(whatsapp.CHANNEL, whatsapp.e164(external_id))
    return last is not None and clock.now() - last < whatsapp.WINDOW


def email_thread(conversation_id: int) -> EmailThread | None:
    """The shopper's last email in the conversation, which a reply answers."""
    parent = message_last_inbound(conversation_id, "email")
    if parent is None:
        return None
    return EmailThread(
        parent_id=str(parent.payload.get("message_id") or parent.external_id or ""),
        references=tuple(str(r) for r in parent.payload.get("references") or []),
        subject=str(parent.payload.get("subject") or ""))
