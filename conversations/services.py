"""Writes for conversations: inbound messages, the bot's turn, outbound delivery,
verification, handoffs, policy decisions and idempotent actions.

Realtime pushes happen here, after commit, never in views or consumers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction

from commerce.policy import Decision
from conversations.models import (
    ActionRecord,
    Conversation,
    Handoff,
    Message,
    PolicyDecision,
)
from core import clock
from core.models import Channel, ChannelIdentity, Customer

logger = logging.getLogger(__name__)

# Each reply the bot sends takes a moment on a frozen (scenario) clock, to keep order.
_ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class Inbound:
    """A message as a channel adapter hands it over, after the platform's own parsing."""

    channel: str
    sender_id: str
    text: str
    external_id: str | None = None
    display_name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[str] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)


def _identity_resolve(channel: str, sender_id: str, display_name: str) -> ChannelIdentity:
    identity = ChannelIdentity.objects.select_related("customer").filter(
        channel=channel, external_id=sender_id).first()
    if identity is not None:
        return identity
    now = clock.now()
    # A phone or email already on file for one customer is proof enough on the channels
    # where the platform itself vouches for the sender's number or address.
    match: Customer | None = None
    if channel == Channel.WHATSAPP:
        match = _single(Customer.objects.filter(phone=sender_id, is_guest=False))
    elif channel == Channel.EMAIL:
        match = _single(Customer.objects.filter(email__iexact=sender_id, is_guest=False))
    customer = match or Customer.objects.create(
        is_guest=True, name=display_name[:200], created_at=now,
        email=sender_id if channel == Channel.EMAIL else "",
        phone=sender_id if channel == Channel.WHATSAPP else "",
    )
    try:
        with transaction.atomic():
            return ChannelIdentity.objects.create(
                customer=customer, channel=channel, external_id=sender_id,
                display_name=display_name[:200], created_at=now,
                verified_at=now if match else None,
                verified_via=ChannelIdentity.Verification.CONTACT_MATCH if match else "",
            )
    except IntegrityError:
        # Two first messages from one sender at once: the other request won.
        return ChannelIdentity.objects.select_related("customer").get(
            channel=channel, external_id=sender_id)


def _single(qs: Any) -> Customer | None:
    found = list(qs[:2])
    return found[0] if len(found) == 1 else None


def conversation_open_for(customer: Customer, channel: str) -> Conversation:
    conversation = Conversation.objects.filter(customer=customer, status="open").first()
    if conversation is None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.create(
                    customer=customer, channel=channel, created_at=clock.now(),
                    updated_at=clock.now())
        except IntegrityError:
            conversation = Conversation.objects.get(customer=customer, status="open")
    return conversation


def message_receive(inbound: Inbound) -> Message | None:
    """Store an inbound message once. Returns None when it was already stored."""
    if inbound.external_id and Message.objects.filter(
            channel=inbound.channel, external_id=inbound.external_id).exists():
        return None
    with transaction.atomic():
        identity = _identity_resolve(inbound.channel, inbound.sender_id, inbound.display_name)
        conversation = conversation_open_for(identity.customer, inbound.channel)
        now = clock.now()
        if identity.is_verified and not conversation.is_verified:
            conversation.verified_at = now
            conversation.verified_via = identity.verified_via
        conversation.channel = inbound.channel
        conversation.last_inbound_at = now
        conversation.updated_at = now
        conversation.save()
        ChannelIdentity.objects.filter(pk=identity.pk).update(last_seen_at=now)
        try:
            with transaction.atomic():
                return Message.objects.create(
                    conversation=conversation, channel=inbound.channel,
                    direction=Message.Direction.INBOUND, sender=Message.Sender.CUSTOMER,
                    text=inbound.text[:10000],
                    payload={"from": inbound.sender_id, **inbound.payload},
                    external_id=inbound.external_id or None,
                    delivery=Message.Delivery.RECEIVED, created_at=now,
                )
        except IntegrityError:
            return None


def message_process(message_id: int) -> list[Message]:
    """Run the bot's turn for one stored inbound message, once, in order per conversation."""
    from agents.runner import bot_turn

    with transaction.atomic():
        message = Message.objects.select_related("conversation__customer").get(pk=message_id)
        conversation = Conversation.objects.select_for_update().get(pk=message.conversation_id)
        message.refresh_from_db()
        if message.processed_at is not None:
            return []
        sent: list[Message] = []
        if conversation.mode == Conversation.Mode.BOT:
            replies = bot_turn(conversation, message)
            conversation.refresh_from_db()
            for reply in replies:
                sent.append(message_send(conversation, reply, to=message.payload.get("from", "")))
                clock.advance(_ONE_SECOND)
        message.processed_at = clock.now()
        message.save(update_fields=["processed_at", "intent", "confidence", "entities"])
        return sent


def message_send(conversation: Conversation, reply: Reply, *, to: str = "",
                 sender: str = Message.Sender.BOT, agent: Any = None) -> Message:
    """Queue one outbound message on the conversation's channel; it is delivered after commit."""
    channel = conversation.channel
    if not to:
        identity = conversation.customer.identities.filter(channel=channel).order_by(
            "-last_seen_at").first()
        to = identity.external_id if identity else ""
    message = Message.objects.create(
        conversation=conversation, channel=channel, direction=Message.Direction.OUTBOUND,
        sender=sender, agent=agent, text=reply.text,
        payload={"to": to, "buttons": reply.buttons, "attachments": reply.attachments},
        delivery=Message.Delivery.PENDING, created_at=clock.now(),
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=clock.now())
    transaction.on_commit(lambda: message_deliver(message.pk))
    return message


def message_deliver(message_id: int) -> None:
    from channels_adapters.registry import adapter_for

    message = Message.objects.get(pk=message_id)
    claimed = Message.objects.filter(
        pk=message_id, delivery=Message.Delivery.PENDING).update(
        delivery=Message.Delivery.SENDING, attempts=message.attempts + 1)
    if not claimed:
        return
    try:
        adapter_for(message.channel).send(message)
    except Exception as exc:  # noqa: BLE001 - any platform failure is recorded, not raised
        logger.warning("delivery of message %s failed: %s", message_id, exc)
        Message.objects.filter(pk=message_id).update(
            delivery=Message.Delivery.PENDING, last_error=str(exc)[:2000])
        return
    Message.objects.filter(pk=message_id).update(delivery=Message.Delivery.SENT, last_error="")


def conversation_verify(conversation: Conversation, customer: Customer, via: str,
                        identity_channel: str, identity_external_id: str) -> Conversation:
    """The shopper proved they are `customer`: this conversation and the channel identity
    they wrote from now belong to that customer. If the customer already had an open
    conversation elsewhere, its messages join this one, so their history stays one thread
    and the conversation in hand keeps its id."""
    now = clock.now()
    identity = ChannelIdentity.objects.get(channel=identity_channel,
                                           external_id=identity_external_id)
    guest = conversation.customer if conversation.customer_id != customer.pk else None
    if guest is not None:
        existing = Conversation.objects.select_for_update().filter(
            customer=customer, status="open").exclude(pk=conversation.pk).first()
        if existing is not None:
            Message.objects.filter(conversation=existing).update(conversation=conversation)
            Handoff.objects.filter(conversation=existing).update(conversation=conversation)
            PolicyDecision.objects.filter(conversation=existing).update(conversation=conversation)
            if existing.mode == Conversation.Mode.HUMAN:
                conversation.mode = Conversation.Mode.HUMAN
                conversation.assigned_to_id = existing.assigned_to_id
            conversation.created_at = min(conversation.created_at, existing.created_at)
            existing.delete()
        conversation.customer = customer
        conversation.save(update_fields=["customer", "mode", "assigned_to", "created_at"])
        ChannelIdentity.objects.filter(customer=guest).update(customer=customer)
        if guest.is_guest and not guest.orders.exists():
            guest.delete()
    identity.refresh_from_db()
    identity.verified_at = identity.verified_at or now
    identity.verified_via = identity.verified_via or via
    identity.save(update_fields=["verified_at", "verified_via"])
    conversation.verified_at = now
    conversation.verified_via = via
    conversation.updated_at = now
    conversation.save(update_fields=["verified_at", "verified_via", "updated_at"])
    return conversation


def decision_record(conversation: Conversation, decision: Decision,
                    order_number: str = "") -> PolicyDecision:
    return PolicyDecision.objects.create(
        conversation=conversation, order_number=order_number, action=decision.action,
        allowed=decision.allowed, outcome=decision.outcome, rule=decision.rule,
        explanation=decision.explanation, created_at=clock.now())


def action_run(key: str, kind: str, conversation: Conversation | None, order_number: str,
               run: Callable[[], dict[str, Any]], actor: str = "bot") -> tuple[dict[str, Any], bool]:
    """Run a consequential action once per key. Returns its result and whether it ran now."""
    existing = ActionRecord.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing.result, False
    with transaction.atomic():
        result = run()
        ActionRecord.objects.create(idempotency_key=key, kind=kind, conversation=conversation,
                                    order_number=order_number, result=result, actor=actor,
                                    created_at=clock.now())
    return result, True


def handoff_create(conversation: Conversation, reason: str, packet: dict[str, Any]) -> Handoff:
    """Hand the conversation to a person; the bot stays silent until it is handed back."""
    open_handoff = conversation.handoffs.filter(
        status__in=[Handoff.Status.WAITING, Handoff.Status.ASSIGNED]).first()
    Conversation.objects.filter(pk=conversation.pk).update(mode=Conversation.Mode.HUMAN,
                                                           updated_at=clock.now())
    conversation.mode = Conversation.Mode.HUMAN
    if open_handoff is not None:
        return open_handoff
    return Handoff.objects.create(conversation=conversation, reason=reason, packet=packet,
                                  created_at=clock.now())


def conversation_hand_back(conversation: Conversation, *, by: Any = None) -> Conversation:
    """A person gives the conversation back to the bot, with an explicit marker in its state."""
    now = clock.now()
    conversation.handoffs.filter(
        status__in=[Handoff.Status.WAITING, Handoff.Status.ASSIGNED]).update(
        status=Handoff.Status.HANDED_BACK, closed_at=now)
    conversation.mode = Conversation.Mode.BOT
    state = dict(conversation.state or {})
    state["handed_back_at"] = now.isoformat()
    state.pop("pending", None)
    state["clarify_attempts"] = 0
    state["frustration"] = 0
    conversation.state = state
    conversation.updated_at = now
    conversation.save(update_fields=["mode", "state", "updated_at"])
    return conversation


