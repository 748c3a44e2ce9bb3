"""The proactive-send service: the one way the shop writes to a shopper first (a parcel
alert, a delivery check-in, a follow-up, a satisfaction question).

It picks the channel that reaches the shopper (their preferred one when it can carry the
message), opens their conversation or continues the open one, puts the order the message
is about in focus in the conversation's state (so "what do I need to do?" in reply is
about that order), and puts the message in the outbox like any other, where it is
claimed, retried and never doubled. On WhatsApp the message carries its approved
template, in the shopper's language, which the adapter uses only once the 24-hour window
has closed. Its words are said in the shopper's language by the caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from channels_adapters.registry import is_captured
from conversations import services as conversation_services
from conversations.models import Conversation, Message
from core import clock
from core.formatting import language_or_default
from core.models import Channel, Customer

logger = logging.getLogger(__name__)

# The order in which channels are tried after the shopper's preferred one.
FALLBACK = (Channel.WHATSAPP, Channel.EMAIL, Channel.TELEGRAM)
# A site chat reaches the shopper only while its page is likely still open.
WEB_RECENT = timedelta(minutes=30)


@dataclass(frozen=True)
class Outreach:
    purpose: str  # its WhatsApp template purpose (WHATSAPP_TEMPLATES), e.g. delay_alert
    text: str
    params: list[str] = field(default_factory=list)  # the template's parameters
    buttons: list[str] = field(default_factory=list)
    subject: str = ""  # an email's subject
    order_number: str = ""  # the order the message is about: put in focus
    context: dict[str, Any] = field(default_factory=dict)  # kept in the state as "outreach"


def channel_live(channel: str) -> bool:
    """A channel can carry a message: it is switched on (or, in a scenario or bench run,
    what is sent is captured anyway)."""
    return is_captured() or bool(getattr(settings, f"{channel.upper()}_ENABLED", False))


def _contact(customer: Customer, channel: str, open_conversation: Conversation | None) -> str:
    if channel == Channel.EMAIL:
        return customer.email
    if channel == Channel.WHATSAPP:
        identity = customer.identities.filter(channel=channel).order_by("-last_seen_at").first()
        return identity.external_id if identity is not None else customer.phone
    if channel == Channel.TELEGRAM:
        # A chat proven to be the customer's for good, or one whose proof still holds in
        # the open conversation the message goes into (once it lapses, the chat is no
        # longer theirs: a reply from it would start a stranger's conversation).
        now, ttl = clock.now(), conversation_services.verification_ttl()
        return next((i.external_id for i in customer.identities.filter(channel=channel)
                     if i.is_verified or (open_conversation is not None
                                          and open_conversation.status == "open"
                                          and i.proof_for(open_conversation.pk, now, ttl))),
                    "")
    if channel == Channel.WEB and open_conversation is not None and \
            open_conversation.channel == Channel.WEB:
        identity = customer.identities.filter(
            channel=channel, last_seen_at__gte=clock.now() - WEB_RECENT).order_by(
            "-last_seen_at").first()
        return identity.external_id if identity is not None else ""
    return ""


def route_for(customer: Customer, open_conversation: Conversation | None = None, *,
              conversation_first: bool = False) -> tuple[str, str] | None:
    """The channel and address a message to `customer` goes to, or None: their preferred
    channel first (the conversation's own, for a question about that conversation)."""
    order = [customer.preferred_channel] if customer.preferred_channel else []
    if open_conversation is not None:
        if conversation_first:
            order.insert(0, open_conversation.channel)
        else:
            order.append(open_conversation.channel)
    for channel in [*order, *FALLBACK]:
        if not channel or not channel_live(channel):
            continue
        to = _contact(customer, channel, open_conversation)
        if to:
            return channel, to
    return None


def proactive_send(customer: Customer, outreach: Outreach, *,
                   conversation: Conversation | None = None) -> Message | None:
    """Put `outreach` in the outbox for `customer`, in `conversation` when given (a
    closed one being asked how it went), else their open conversation or a new one;
    None when no channel that is switched on can reach them."""
    with transaction.atomic():
        open_conversation = conversation or Conversation.objects.select_for_update().filter(
            customer=customer, status=Conversation.Status.OPEN).first()
        route = route_for(customer, open_conversation,
                          conversation_first=conversation is not None)
        if route is None:
            logger.info("No channel reaches customer %s for %s", customer.pk, outreach.purpose)
            return None
        channel, to = route
        conversation = open_conversation or conversation_services.conversation_open_for(
            customer, channel)
        state = dict(conversation.state or {})
        if outreach.order_number:
            state["order"] = outreach.order_number
        state["outreach"] = {"purpose": outreach.purpose, "order": outreach.order_number,
                             "at": clock.now().isoformat(), **outreach.context}
        conversation.state = state
        conversation.save(update_fields=["state"])
        message = conversation_services.message_send(
            conversation, conversation_services.Reply(outreach.text, buttons=outreach.buttons),
            to=to, channel=channel)
        payload = {**message.payload, "purpose": outreach.purpose}
        if outreach.subject:
            payload["subject"] = outreach.subject
        if channel == Channel.WHATSAPP:
            # Sent in the shopper's language where the template is approved in it.
            payload["template"] = {"purpose": outreach.purpose, "params": outreach.params,
                                   "language": language_or_default(customer.language)}
        message.payload = payload
        message.save(update_fields=["payload"])
    return message
