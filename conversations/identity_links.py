"""Linking a shopper's new channel identity to a customer on file, only with proof: a
one-time code sent to a contact the customer already has (never into the asking
shopper's conversation), read back in the chat that asked for it. The same code proves
an identity already the customer's before a change that needs more than what the
shopper knows (identity_step_up_start)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare, salted_hmac

from conversations import selectors as conversation_selectors
from conversations import services as conversation_services
from conversations.models import CloseReason, Conversation, Message
from core import clock
from core.models import Channel, ChannelIdentity, Customer, IdentityLinkCode
from replies.render import Say, render

LINK_CODE_TTL = timedelta(minutes=10)
LINK_CODE_MAX_TRIES = 5
# Codes one identity may ask for, and one customer may be sent, per hour: with five tries
# each, guessing stays hopeless, and nobody can flood a customer's inbox with codes.
LINK_CODES_PER_IDENTITY_HOUR = 3
LINK_CODES_PER_CUSTOMER_HOUR = 5
_CODE_SALT = "onethread.identity-link-code"


@dataclass(frozen=True)
class LinkAttempt:
    """What identity_link_start did. The shopper must be told the same thing whatever
    `sent` says ("if that is the contact on your account, a code is on its way"), so that
    nobody learns from us whether an address or number belongs to a customer."""

    sent: bool
    reason: str  # sent | not_on_file | already_linked | too_many | no_channel
    channel: str = ""
    expires_at: datetime | None = None


def identity_link_start(identity: ChannelIdentity, contact: str) -> LinkAttempt:
    """Send a one-time code to the contact ON FILE for the one customer whose email or
    phone `contact` is. The code never goes to what the shopper typed unless that is
    exactly the customer's own contact, and it proves nothing until read back through
    identity_link_confirm from the same identity."""
    with transaction.atomic():
        identity = ChannelIdentity.objects.select_for_update().select_related("customer").get(
            pk=identity.pk)
        if not identity.customer.is_guest:
            return LinkAttempt(False, "already_linked")
        customer, routes = _customer_for_contact(contact)
        if customer is None:
            return LinkAttempt(False, "not_on_file")
        return _code_send(identity, customer, routes,
                          Say("code.why_link", channel=identity.get_channel_display()))


def identity_step_up_start(identity: ChannelIdentity, purpose: Say) -> LinkAttempt:
    """Send a one-time code to the contact on file of the customer `identity` already
    belongs to: a stronger proof before something that matters (`purpose`, said in the
    customer's language, e.g. Say("code.purpose.change_address")), asked of a shopper who
    proved who they are only with what they know. Read back through identity_link_confirm."""
    with transaction.atomic():
        identity = ChannelIdentity.objects.select_for_update().select_related("customer").get(
            pk=identity.pk)
        customer = identity.customer
        if customer.is_guest:
            return LinkAttempt(False, "not_on_file")
        routes = [(Channel.EMAIL.value, customer.email), (Channel.WHATSAPP.value, customer.phone)]
        return _code_send(identity, customer, routes,
                          Say("code.why_step_up", purpose=purpose,
                              channel=identity.get_channel_display()))


def _code_send(identity: ChannelIdentity, customer: Customer, routes: list[tuple[str, str]],
               why: Say) -> LinkAttempt:
    now = clock.now()
    route = next(((channel, to) for channel, to in routes
                  if to and getattr(settings, f"{channel.upper()}_ENABLED", False)), None)
    if route is None:
        return LinkAttempt(False, "no_channel")
    recent = IdentityLinkCode.objects.filter(created_at__gt=now - timedelta(hours=1))
    if (recent.filter(identity=identity).count() >= LINK_CODES_PER_IDENTITY_HOUR
            or recent.filter(customer=customer).count() >= LINK_CODES_PER_CUSTOMER_HOUR):
        return LinkAttempt(False, "too_many")
    # Only the newest code counts.
    IdentityLinkCode.objects.filter(identity=identity, used_at__isnull=True,
                                    expires_at__gt=now).update(expires_at=now)
    channel, to = route
    code = f"{secrets.randbelow(10**6):06d}"
    link = IdentityLinkCode.objects.create(
        identity=identity, customer=customer, channel=channel, contact=to,
        code_hash=_code_hash(identity.pk, customer.pk, code), expires_at=now + LINK_CODE_TTL,
        created_at=now)
    # The code goes in a conversation of the customer's own, closed at once: never into
    # the asking shopper's conversation, whose history they can read back.
    notice = Conversation.objects.create(customer=customer, channel=channel,
                                         status=Conversation.Status.RESOLVED,
                                         created_at=now, updated_at=now, resolved_at=now,
                                         close_reason=CloseReason.NOTICE)
    minutes = int(LINK_CODE_TTL.total_seconds() // 60)
    language = customer.language
    message = conversation_services.message_send(
        notice, conversation_services.Reply(render(Say(
            "code.text", shop=settings.SHOP_NAME, code=code, minutes=minutes,
            why=render(why, language)), language)),
        to=to, sender=Message.Sender.SYSTEM, channel=channel)
    message.payload = {**message.payload, "purpose": "one_time_code",
                       "subject": render(Say("code.subject", shop=settings.SHOP_NAME),
                                         language)}
    if channel == Channel.WHATSAPP:
        # Outside the 24-hour window only an approved template reaches the number
        # (WHATSAPP_TEMPLATES: one_time_code=<name>:<language>, the code its parameter).
        message.payload["template"] = {"purpose": "one_time_code", "params": [code],
                                       "language": language}
    message.save(update_fields=["payload"])
    return LinkAttempt(True, "sent", channel, link.expires_at)


def identity_link_confirm(identity: ChannelIdentity, code: str) -> Customer | None:
    """The shopper read back the code: link the identity to the customer (verified by
    one-time code) and move their conversation into the customer's one history; or, for
    an identity already the customer's (identity_step_up_start), prove it by code now.
    None when there is no live code, it is wrong, expired or locked after
    LINK_CODE_MAX_TRIES."""
    digits = "".join(ch for ch in code if ch in "0123456789")
    now = clock.now()
    with transaction.atomic():
        link = (IdentityLinkCode.objects.select_for_update().select_related("customer")
                .filter(identity_id=identity.pk, used_at__isnull=True)
                .order_by("-created_at", "-id").first())
        if link is None or link.expires_at <= now or link.attempts >= LINK_CODE_MAX_TRIES:
            return None
        if len(digits) != 6:
            return None
        if not constant_time_compare(link.code_hash,
                                     _code_hash(identity.pk, link.customer_id, digits)):
            IdentityLinkCode.objects.filter(pk=link.pk).update(attempts=F("attempts") + 1)
            return None
        link.used_at = now
        link.save(update_fields=["used_at"])
        identity = ChannelIdentity.objects.select_related("customer").get(pk=identity.pk)
        if not identity.customer.is_guest and identity.customer_id != link.customer_id:
            return None
        customer = link.customer
        conversation = conversation_selectors.conversation_open_get(identity.customer)
        if conversation is not None:
            conversation_services.conversation_verify(
                conversation, customer, ChannelIdentity.Verification.ONE_TIME_CODE,
                identity.channel, identity.external_id)
        else:
            ChannelIdentity.objects.filter(pk=identity.pk).update(
                customer=customer, verified_at=now,
                verified_via=ChannelIdentity.Verification.ONE_TIME_CODE,
                verified_in_conversation=None)
    return customer


def _customer_for_contact(contact: str) -> tuple[Customer | None, list[tuple[str, str]]]:
    """The one non-guest customer with this email or phone on file, and where a code can
    reach them (the kind of contact given first)."""
    contact = contact.strip()
    if "@" in contact:
        customer = _single(Customer.objects.filter(email__iexact=contact, is_guest=False))
    else:
        digits = "".join(ch for ch in contact if ch.isdigit())
        if contact.startswith("00"):
            digits = digits[2:]
        customer = _single(Customer.objects.filter(
            phone__in=[f"+{digits}", digits], is_guest=False)) if len(digits) >= 7 else None
    if customer is None:
        return None, []
    by_email = [(Channel.EMAIL.value, customer.email), (Channel.WHATSAPP.value, customer.phone)]
    return customer, by_email if "@" in contact else by_email[::-1]


def _single(queryset: object) -> Customer | None:
    found = list(queryset[:2])  # type: ignore[index]
    return found[0] if len(found) == 1 else None


def _code_hash(identity_id: int, customer_id: int, code: str) -> str:
    # Keyed with SECRET_KEY: a copy of the table alone cannot be searched for the code.
    return salted_hmac(_CODE_SALT, f"{identity_id}:{customer_id}:{code}",
                       algorithm="sha256").hexdigest()
