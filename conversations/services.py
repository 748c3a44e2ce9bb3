"""Writes for conversations: inbound messages, the bot's turn, outbound delivery,
verification, handoffs, policy decisions and idempotent actions.

Realtime pushes happen here, after commit, never in views or consumers.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F, JSONField, Q
from django.db.models.constants import OnConflict
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.sql import InsertQuery
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string

from channels_adapters.base import (
    Inbound,
    Outbound,
    PermanentError,
    Reply,
    TemporaryError,
    inbound_clean,
    outbound_key_id,
)
from channels_adapters.registry import adapter_for, is_captured, resendable_channels
from commerce.models import Order
from commerce.policy import Decision
from conversations import governor, selectors
from conversations.models import (
    ActionRecord,
    Conversation,
    Handoff,
    Message,
    PolicyDecision,
)
from conversations.realtime import inbox_event_on_commit
from conversations.selectors import verification_ttl
from conversations.service_levels import handoff_first_reply, handoff_sla_start
from core import clock
from core.models import (
    KNOWLEDGE_PROOFS,
    AnonymousHandoff,
    Channel,
    ChannelIdentity,
    Customer,
)
from replies.render import Say, overrides_read_once, render

logger = logging.getLogger(__name__)

# Each reply the bot sends takes a moment on a frozen (scenario) clock, to keep order.
_ONE_SECOND = timedelta(seconds=1)


def _identity_resolve(channel: str, sender_id: str, display_name: str,
                      vouched: bool = True) -> ChannelIdentity:
    # Two first messages from one sender can arrive at once. The guest customer and the
    # identity are created together in one savepoint: the request that loses the race
    # fails on a unique key (the identity's, or a guest's email), both its rows are rolled
    # back, so it leaves no orphan guest behind, and its next lookup finds the winner's.
    for _ in range(2):
        try:
            return _identity_get_or_create(channel, sender_id, display_name, vouched)
        except IntegrityError:
            continue
    return _identity_get_or_create(channel, sender_id, display_name, vouched)


def _identity_get_or_create(channel: str, sender_id: str, display_name: str,
                            vouched: bool) -> ChannelIdentity:
    identity = ChannelIdentity.objects.select_related("customer").filter(
        channel=channel, external_id=sender_id).first()
    if identity is not None:
        return identity
    now = clock.now()
    # A phone or email already on file for one customer is proof enough on the channels
    # where the platform itself vouches for the sender's number or address.
    match: Customer | None = None
    if channel == Channel.WHATSAPP:
        match = _phone_match(sender_id)
    elif channel == Channel.EMAIL and vouched:
        # Only an authenticated sender (SPF/DKIM/DMARC) is proof of the address; anyone
        # else using a customer's address is a guest without that address.
        match = _email_match(sender_id)
    with transaction.atomic():
        customer = match or _guest_for(channel, sender_id, display_name, now)
        return ChannelIdentity.objects.create(
            customer=customer, channel=channel, external_id=sender_id,
            display_name=display_name[:200], created_at=now,
            verified_at=now if match else None,
            verified_via=ChannelIdentity.Verification.CONTACT_MATCH if match else "",
        )


def _guest_for(channel: str, sender_id: str, display_name: str, now: Any) -> Customer:
    """The guest customer a new sender starts as, with their address or number when it
    fits its column and (an email) is on no other customer."""
    email = sender_id if channel == Channel.EMAIL and len(sender_id) <= 254 else ""
    if email and Customer.objects.filter(email__iexact=email).exists():
        email = ""
    phone = sender_id if channel == Channel.WHATSAPP and len(sender_id) <= 32 else ""
    return Customer.objects.create(is_guest=True, name=display_name[:200], created_at=now,
                                   email=email, phone=phone)


def phone_digits(phone: str) -> str:
    """A phone number in international digits: "+44 7700 900123" and "07700900123" (a UK
    number written nationally, the shop's home country) are the same number."""
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("00"):
        digits = digits[2:]
    elif digits.startswith("0") and not phone.strip().startswith("+"):
        digits = "44" + digits[1:]
    return digits


def _phone_match(sender_id: str) -> Customer | None:
    wanted = phone_digits(sender_id)
    if len(wanted) < 8:
        return None
    # Numbers are stored as written; the last digits rarely hold a space.
    candidates = Customer.objects.filter(phone__endswith=wanted[-6:], is_guest=False)
    return _single([c for c in candidates[:50] if phone_digits(c.phone) == wanted])


def _email_match(sender_id: str) -> Customer | None:
    return _single(Customer.objects.filter(email__iexact=sender_id, is_guest=False))


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


# A payment card number as people type it: in groups of four (a card, even mistyped), or
# 13-19 digits in one run that pass the cards' checksum (order and tracking numbers don't).
_CARD_GROUPED = re.compile(r"(?<![\w-])(?:\d{4}[ -]){3}\d{1,7}(?![\w-])")
_CARD_RUN = re.compile(r"(?<![\w-])[3-6]\d{12,18}(?![\w-])")


def _luhn_valid(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def mask_card_numbers(text: str) -> str:
    """Card numbers never reach the database, the inbox or the bot: only the last four
    digits are kept."""
    def grouped(m: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        return f"[card ending {digits[-4:]}]" if 13 <= len(digits) <= 19 else m.group(0)

    def run(m: re.Match[str]) -> str:
        digits = m.group(0)
        return f"[card ending {digits[-4:]}]" if _luhn_valid(digits) else digits

    return _CARD_RUN.sub(run, _CARD_GROUPED.sub(grouped, text))


def _identity_lapse(identity: ChannelIdentity, now: datetime) -> ChannelIdentity:
    """An identity that became a customer's by a proof lasting one conversation (what the
    shopper knew; a code read back in the site chat) stays theirs only while that proof
    holds in the customer's open conversation. After that it is a new guest's again, so
    whoever writes from it next starts a conversation of their own: they neither write
    into the customer's history nor read it, and they must prove who they are anew."""
    if not identity.proven_for_one_conversation or identity.customer.is_guest:
        return identity
    identity = ChannelIdentity.objects.select_for_update().select_related("customer").get(
        pk=identity.pk)
    if not identity.proven_for_one_conversation or identity.customer.is_guest:
        return identity
    conversation = Conversation.objects.filter(customer_id=identity.customer_id,
                                               status="open").first()
    if conversation is not None and identity.proof_for(conversation.pk, now,
                                                       verification_ttl()) is not None:
        return identity
    identity.customer = Customer.objects.create(is_guest=True, name=identity.display_name,
                                                created_at=now)
    identity.verified_at = None
    identity.verified_via = ""
    identity.verified_in_conversation = None
    identity.save(update_fields=["customer", "verified_at", "verified_via",
                                 "verified_in_conversation"])
    return identity


def _sender_proof(conversation: Conversation, identity: ChannelIdentity | None,
                  now: datetime) -> list[str]:
    """Make the conversation's verified flag say whether `identity`, who wrote its newest
    message, has proven they are the conversation's customer, now. Every check of
    `conversation.is_verified` (the bot's, the inbox's) is then about that sender, never
    about someone else who wrote in the same conversation before. Returns the fields
    changed."""
    proof = None
    if identity is not None and identity.customer_id == conversation.customer_id:
        proof = identity.proof_for(conversation.pk, now, verification_ttl())
    verified_at, via = proof if proof is not None else (None, "")
    if (conversation.verified_at, conversation.verified_via) == (verified_at, via):
        return []
    conversation.verified_at = verified_at
    conversation.verified_via = via
    return ["verified_at", "verified_via"]


def message_receive(inbound: Inbound) -> Message | None:
    """Store an inbound message once. Returns None when it was already stored; raises
    InboundRejected (a ValueError) for a message that cannot be stored as it is.

    As few round trips as the webhook can have: for a known sender whose identity is
    theirs for good (a number the platform vouches for, a code), writing into their open
    conversation (nearly every message), one statement checks the message is new, touches
    the identity and the conversation, and inserts the message (_known_sender_store). A
    redelivery finds its message stored and changes nothing. Anything else (a new sender,
    email, whose sender's proof depends on each mail's authentication, identities proven
    for one conversation only) takes the general path, in one transaction, which checks
    them; a duplicate there is rolled back with everything it touched.
    """
    inbound = inbound_clean(inbound)
    if inbound.replying_to:
        # One of our own messages the reply names follows the message if conversations
        # were merged since: it comes before any other hint.
        named = selectors.conversation_id_for_reply(inbound.channel, list(inbound.replying_to))
        if named is not None:
            inbound = dataclasses.replace(inbound, conversation_hint=named)
    now = clock.now()
    message = Message(
        channel=inbound.channel, direction=Message.Direction.INBOUND,
        sender=Message.Sender.CUSTOMER, text=mask_card_numbers(inbound.text[:10000]),
        payload={"from": inbound.sender_id, **{
            k: mask_card_numbers(v) if isinstance(v, str) else v
            for k, v in inbound.payload.items()}},
        external_id=inbound.external_id or None,
        delivery=Message.Delivery.RECEIVED, created_at=now,
    )
    if not inbound.conversation_hint and inbound.channel != Channel.EMAIL:
        outcome = _known_sender_store(inbound, message, now)
        if outcome is not _UNKNOWN_SENDER:
            return outcome
    with transaction.atomic():
        conversation = _conversation_for_inbound(inbound, now)
        message.conversation_id = conversation.pk
        stored = _message_insert_once(message)
        if stored is None:
            transaction.set_rollback(True)
            return None
        if conversation.mode == Conversation.Mode.HUMAN:
            _inbox_event("message", conversation.pk)
        if inbound.channel == Channel.EMAIL:
            message_replied_to(inbound)
        return stored


def message_replied_to(inbound: Inbound) -> int:
    """A reply naming one of our mails proves that mail arrived: a row a crash left
    "sending", or waiting to be sent again, is marked delivered rather than resent, and
    a sent one moves on to delivered. Returns the rows settled."""
    named = [inbound.payload.get("in_reply_to"), *(inbound.payload.get("references") or [])]
    named = [str(n) for n in named if n]
    if not named:
        return 0
    return Message.objects.filter(
        channel=inbound.channel, direction=Message.Direction.OUTBOUND,
        external_id__in=named[-50:],
        delivery__in=[Message.Delivery.PENDING, Message.Delivery.SENDING,
                      Message.Delivery.SENT],
    ).exclude(attempts=0).update(delivery=Message.Delivery.DELIVERED, sending_since=None,
                                 last_error="", sent_at=Coalesce("sent_at", clock.now()))


_UNKNOWN_SENDER: Any = object()

# One statement, so one round trip and its own transaction: nothing is written for a
# message already stored; the identity is touched first and the conversation second, the
# same lock order as the general path, so two messages of one sender never deadlock; a
# verified identity verifies the conversation it writes into (the same customer's). Two
# deliveries of one new message racing each other both touch the timestamps (to the same
# moment, give or take), and the unique index keeps the second from being stored.
_KNOWN_SENDER_STORE = """
WITH stored AS (
    SELECT 1 FROM conversations_message
    WHERE channel = %s AND external_id = %s
), identity AS (
    UPDATE core_channelidentity SET last_seen_at = %s
    WHERE channel = %s AND external_id = %s
      AND verified_in_conversation IS NULL AND NOT EXISTS (SELECT 1 FROM stored)
    RETURNING customer_id, verified_at, verified_via
), conversation AS (
    UPDATE conversations_conversation AS c
    SET channel = %s, last_inbound_at = %s, updated_at = %s,
        verified_at = CASE WHEN c.verified_at IS NULL AND identity.verified_at IS NOT NULL
                           THEN %s ELSE c.verified_at END,
        verified_via = CASE WHEN c.verified_at IS NULL AND identity.verified_at IS NOT NULL
                            THEN identity.verified_via ELSE c.verified_via END
    FROM identity
    WHERE c.customer_id = identity.customer_id AND c.status = 'open'
    RETURNING c.id, c.mode
), message AS (
    INSERT INTO conversations_message ({columns})
    SELECT conversation.id, {values} FROM conversation
    ON CONFLICT DO NOTHING
    RETURNING id
)
SELECT EXISTS (SELECT 1 FROM stored), conversation.id, conversation.mode, message.id
FROM (SELECT 1) AS one
LEFT JOIN conversation ON true LEFT JOIN message ON true
"""


@functools.cache
def _known_sender_store_sql() -> tuple[str, list[Any]]:
    """The statement, with the message's columns as the model has them, and those fields."""
    fields = [f for f in Message._meta.local_concrete_fields
              if not f.primary_key and f.attname != "conversation_id"]
    columns = ", ".join(connection.ops.quote_name(f.column)
                        for f in [Message._meta.get_field("conversation"), *fields])
    return (_KNOWN_SENDER_STORE.format(columns=columns,
                                       values=", ".join(["%s"] * len(fields))), fields)


def _known_sender_store(inbound: Inbound, message: Message, now: Any) -> Any:
    """Store a known sender's message into their open conversation in one statement:
    the message, None when it was stored already, or _UNKNOWN_SENDER when the sender is
    new, has no open conversation or an identity proven for one conversation only."""
    sql, fields = _known_sender_store_sql()
    values = [f.get_db_prep_save(f.pre_save(message, True), connection) for f in fields]
    params = [inbound.channel, message.external_id, now, inbound.channel,
              inbound.sender_id, inbound.channel, now, now, now, *values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        already_stored, conversation_id, mode, message_id = cursor.fetchone()
    if already_stored:
        return None
    if conversation_id is None:
        return _UNKNOWN_SENDER
    if message_id is None:  # a redelivery racing the first delivery stored it
        return None
    message.pk, message.conversation_id = message_id, conversation_id
    message._state.adding = False
    message._state.db = DEFAULT_DB_ALIAS
    if mode == Conversation.Mode.HUMAN:
        _inbox_event("message", conversation_id)
    return message


def _conversation_for_inbound(inbound: Inbound, now: Any) -> Conversation:
    identity = _identity_resolve(inbound.channel, inbound.sender_id, inbound.display_name,
                                 vouched=inbound.sender_authenticated)
    identity = _identity_lapse(identity, now)
    hinted = None
    if inbound.conversation_hint:
        hinted = Conversation.objects.filter(pk=inbound.conversation_hint,
                                             status="open").first()
    conversation = hinted or conversation_open_for(identity.customer, inbound.channel)
    if (inbound.channel == Channel.EMAIL and inbound.sender_authenticated
            and not identity.is_verified and identity.customer.is_guest):
        # The customer's own address, now authenticated (its first mail was not).
        match = _email_match(inbound.sender_id)
        if match is not None and conversation.customer_id == identity.customer_id:
            conversation = conversation_verify(
                conversation, match, ChannelIdentity.Verification.CONTACT_MATCH,
                inbound.channel, inbound.sender_id)
            identity.refresh_from_db()
    # The answer goes to whoever wrote this message, so it rests on their own proof:
    # never on what someone else proved in this thread, nor on an address alone.
    _sender_proof(conversation, identity if inbound.sender_authenticated else None, now)
    conversation.channel = inbound.channel
    conversation.last_inbound_at = now
    conversation.updated_at = now
    conversation.save(update_fields=["verified_at", "verified_via", "channel",
                                     "last_inbound_at", "updated_at"])
    ChannelIdentity.objects.filter(pk=identity.pk).update(last_seen_at=now)
    return conversation


def _message_insert_once(message: Message) -> Message | None:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id: the message, or None when its
    (channel, external id) is stored already. One round trip, where a savepoint around
    a plain INSERT takes three; built by Django's own compiler from the model's fields,
    so it keeps up with the model."""
    fields = [f for f in Message._meta.local_concrete_fields if not f.primary_key]
    query = InsertQuery(Message, on_conflict=OnConflict.IGNORE)
    query.insert_values(fields, [message])
    compiler = query.get_compiler(using=DEFAULT_DB_ALIAS)
    compiler.returning_fields = [Message._meta.pk]
    [(sql, params)] = compiler.as_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    message.pk = row[0]
    message._state.adding = False
    message._state.db = DEFAULT_DB_ALIAS
    return message


def message_process(message_id: int) -> list[Message]:
    """Run the bot for one stored inbound message, once. Messages of one conversation are
    handled one at a time and in order, whichever worker gets them: the conversation row
    is locked, and every earlier unprocessed message of it is answered first."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).select_related(
            "customer").get(messages__pk=message_id)
        backlog = list(conversation.messages.filter(
            direction=Message.Direction.INBOUND, processed_at__isnull=True,
            pk__lte=message_id).annotate(sender_identity=_SENDER_IDENTITY,
                                         recent_inbound=_RECENT_INBOUND)
            .order_by("created_at", "pk"))
        sent: list[Message] = []
        for i, inbound in enumerate(backlog):
            with overrides_read_once():
                sent.extend(_answer(conversation, inbound))
            if inbound.payload.get("throttled"):
                # Throttled after the backlog was read: the later messages it precedes
                # by less than a minute count it as their flood's first.
                for later in backlog[i + 1:]:
                    if (inbound.pk < later.pk
                            and inbound.created_at >= later.created_at - _FLOOD_WINDOW):
                        later.recent_inbound["throttled"] = True
        return sent


# The identity each backlog message came from, read with the backlog (one round trip):
# what _sender_proof needs of it.
_SENDER_IDENTITY = RawSQL(
    "(SELECT json_build_object('id', i.id, 'customer_id', i.customer_id, 'verified_at', "
    "i.verified_at, 'verified_via', i.verified_via, 'verified_in_conversation', "
    "i.verified_in_conversation)::text FROM core_channelidentity i "
    "WHERE i.channel = conversations_message.channel "
    "AND i.external_id = conversations_message.payload->>'from')", [],
    output_field=JSONField())


_FLOOD_WINDOW = timedelta(minutes=1)
# What flood control needs of each backlog message, read with the backlog: how many
# inbound messages of its conversation came in the minute up to it (itself included), and
# whether one before it was already throttled.
_RECENT_INBOUND = RawSQL(
    "(SELECT json_build_object('count', count(*), 'throttled', coalesce(bool_or("
    "r.payload @> '{\"throttled\": true}') FILTER (WHERE r.id < conversations_message.id), "
    "false))::text FROM conversations_message r "
    "WHERE r.conversation_id = conversations_message.conversation_id "
    "AND r.direction = 'in' AND r.id <= conversations_message.id "
    "AND r.created_at >= conversations_message.created_at - interval '1 minute')", [],
    output_field=JSONField())


def _message_sender(message: Message) -> ChannelIdentity | None:
    """The identity a stored inbound message came from."""
    if not hasattr(message, "sender_identity"):
        return ChannelIdentity.objects.filter(
            channel=message.channel, external_id=message.payload.get("from", "")).first()
    found = message.sender_identity
    if not found:
        return None
    return ChannelIdentity(
        id=found["id"], channel=message.channel, external_id=message.payload.get("from", ""),
        customer_id=found["customer_id"], verified_via=found["verified_via"],
        verified_at=parse_datetime(found["verified_at"]) if found["verified_at"] else None,
        verified_in_conversation=found["verified_in_conversation"])


def _answer(conversation: Conversation, message: Message) -> list[Message]:
    bot_turn = responder()
    sent: list[Message] = []
    sender = _message_sender(message)
    if (message.payload.get("authentication") or {}).get("verdict", "pass") != "pass":
        # An email whose sender SPF/DKIM/DMARC don't vouch for proves nothing.
        sender = None
    changed = _sender_proof(conversation, sender, clock.now())
    if changed:
        conversation.save(update_fields=changed)
    flooding = _flooding(message)
    if flooding is not None:
        message.payload = {**message.payload, "throttled": True}
        message.processed_at = clock.now()
        message.save(update_fields=["processed_at", "payload"])
        if flooding:
            sent.append(message_send(conversation, Reply(render(
                Say("flood.slow_down"), conversation.customer.language)),
                to=message.payload.get("from", "")))
        return sent
    # Read whoever answers: the inbox shows each message's language, and a person is
    # offered replies in the customer's.
    message.language = language_reader()(conversation.customer, message.text)
    if conversation.mode == Conversation.Mode.BOT or _waiting_for_person(conversation):
        # While nobody has taken a handed-off conversation, the bot still answers the
        # shopper's questions about products (agents.routing.ANSWERED_WHILE_WAITING).
        replies = bot_turn(conversation, message)  # leaves `conversation` up to date
        for reply in replies:
            sent.append(message_send(conversation, reply, to=message.payload.get("from", "")))
            clock.advance(_ONE_SECOND)
    message.processed_at = clock.now()
    message.save(update_fields=["processed_at", "intent", "confidence", "entities",
                                "language"])
    return sent


def _waiting_for_person(conversation: Conversation) -> bool:
    """Handed to a person who has neither taken the conversation nor written in it."""
    waiting = conversation.handoffs.filter(status=Handoff.Status.WAITING).order_by(
        "-created_at").values_list("created_at", flat=True).first()
    return waiting is not None and not conversation.messages.filter(
        sender=Message.Sender.AGENT, created_at__gte=waiting).exists()


def _flooding(message: Message) -> bool | None:
    """None when within the limit; True for the first message over it (which gets the
    explanation), False for the ones after it (a backlog message, read with
    ``_RECENT_INBOUND``)."""
    recent = message.recent_inbound
    if recent["count"] <= settings.INBOUND_PER_MINUTE:
        return None
    return not recent["throttled"]


def message_send(conversation: Conversation, reply: Reply, *, to: str = "",
                 sender: str = Message.Sender.BOT, agent: Any = None,
                 channel: str = "") -> Message:
    """Put one outbound message in the outbox on the conversation's current channel; it is
    delivered after commit (the site chat at once, other channels by a Celery task)."""
    channel = channel or conversation.channel
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
    if sender == Message.Sender.AGENT:
        handoff_first_reply(conversation.pk)
    transaction.on_commit(lambda: _dispatch(message.pk, channel))
    return message


def _dispatch(message_id: int, channel: str) -> None:
    if channel == "web" or is_captured():
        message_deliver(message_id)
        return
    from conversations.tasks import deliver_message

    deliver_message.delay(message_id)


@dataclass(frozen=True)
class DeliveryResult:
    status: str
    retry: bool = False
    error: str = ""
    retry_after: float | None = None


def responder() -> Callable[..., Any]:
    """What answers a shopper's message: the bot (settings.ONETHREAD_RESPONDER), plugged
    in from the app above by name, as Django plugs in its backends."""
    return import_string(settings.ONETHREAD_RESPONDER)


def language_reader() -> Callable[[Customer, str], str]:
    """What reads the language a shopper's message is written in and keeps the customer's
    up to date (settings.ONETHREAD_LANGUAGE_READER), plugged in from the bot's app."""
    return import_string(settings.ONETHREAD_LANGUAGE_READER)


def outbound_for(message: Message, adapter: Any = None) -> Outbound:
    """The stored message as its adapter delivers it, with what only the store knows and
    the adapter says it needs (``needs_window``: whether WhatsApp's 24-hour window is
    open; ``needs_thread``: which email the reply answers). Without an adapter, all of it."""
    payload = message.payload or {}
    window = getattr(adapter, "needs_window", True) and message.channel == Channel.WHATSAPP
    thread = getattr(adapter, "needs_thread", True) and message.channel == Channel.EMAIL
    language = message.conversation.customer.language
    return Outbound(
        pk=message.pk, channel=message.channel, text=message.text, payload=payload,
        conversation_id=message.conversation_id, sender=message.sender,
        direction=message.direction, created_at=message.created_at,
        in_window=selectors.whatsapp_window_open(str(payload.get("to") or ""))
        if window else True,
        thread=selectors.email_thread(message.conversation_id) if thread else None,
        default_subject=render(Say("email.default_subject", shop=settings.SHOP_NAME),
                               language)
        if message.channel == Channel.EMAIL and not payload.get("subject") else "",
        list_button=render(Say("whatsapp.list_button"), language)
        if message.channel == Channel.WHATSAPP and len(payload.get("buttons") or []) > 3
        else "")


def message_deliver(message_id: int) -> DeliveryResult:
    """Send one outbox row. It is claimed with a conditional UPDATE first, so two workers
    (or a restart resending what is pending) never send the same message twice."""
    pending = Message.objects.select_related("conversation").filter(
        pk=message_id, direction=Message.Direction.OUTBOUND, delivery=Message.Delivery.PENDING)
    message = pending.first()
    if message is None:
        return DeliveryResult("not_pending")
    wait = (governor.send_wait(message.channel, message.conversation_id, message.payload)
            if message.channel != "web" else 0.0)
    if wait:
        return DeliveryResult("pending", retry=True, error="channel rate limit",
                              retry_after=wait)
    now = clock.now()
    if not pending.update(delivery=Message.Delivery.SENDING, attempts=F("attempts") + 1,
                          sending_since=now):
        return DeliveryResult("not_pending")
    message.delivery, message.attempts, message.sending_since = (
        Message.Delivery.SENDING, message.attempts + 1, now)
    adapter = adapter_for(message.channel)
    planned = getattr(adapter, "planned_external_id", None)
    if planned is not None and message.external_id is None:
        message.external_id = planned(message.pk)
        Message.objects.filter(pk=message_id).update(external_id=message.external_id)
    try:
        external_id = adapter.send(outbound_for(message, adapter))
    except TemporaryError as exc:
        give_up = message.attempts >= MAX_ATTEMPTS
        Message.objects.filter(pk=message_id).update(
            delivery=Message.Delivery.FAILED if give_up else Message.Delivery.PENDING,
            last_error=str(exc)[:2000], sending_since=None)
        return DeliveryResult("failed" if give_up else "pending", retry=not give_up,
                              error=str(exc), retry_after=exc.retry_after)
    except (PermanentError, LookupError, ValueError) as exc:
        Message.objects.filter(pk=message_id).update(
            delivery=Message.Delivery.FAILED, last_error=str(exc)[:2000], sending_since=None)
        return DeliveryResult("failed", error=str(exc))
    # Unless the platform's receipt got here first and settled the row (a later state).
    receipt = getattr(adapter, "receipt", "")
    Message.objects.filter(pk=message_id, delivery=Message.Delivery.SENDING).update(
        delivery=Message.Delivery.SENT, last_error="", sending_since=None,
        external_id=external_id or None, sent_at=clock.now(),
        **({"payload": {**message.payload, "receipt": receipt}} if receipt else {}))
    return DeliveryResult("sent")


MAX_ATTEMPTS = 6
# A row left "sending" this long belongs to a worker that died mid-send. Where a second
# copy cannot reach the shopper as a second message (the site chat shows each message id
# once; an email keeps its Message-ID, which mailboxes keep once) it is sent again.
# Elsewhere the platform may or may not have it: WhatsApp's status callback, which names
# the row, settles it as soon as it comes (see message_status_update); a row no callback
# settled is marked failed for a person to check, not resent blindly.
# SMTP cannot be asked whether a server took a mail, so an email row is settled by what
# names its Message-ID (recorded before sending): a bounce marks it failed, and the
# shopper's reply to it marks it delivered (message_replied_to), either of which stops
# the resend; an SMTP server's queue id, once it answers, is logged and kept in the row's
# payload ("receipt") for tracing the mail in the server's own log.
STUCK_AFTER = timedelta(minutes=10)
STUCK_FAILED = "The sending worker stopped mid-send; not resent to avoid a duplicate."


def outbox_recover(older_than: timedelta = timedelta(seconds=30)) -> list[int]:
    """After a crash or restart: the outbound messages still waiting to be sent."""
    now = clock.now()
    stuck = Message.objects.filter(direction=Message.Direction.OUTBOUND,
                                   delivery=Message.Delivery.SENDING,
                                   sending_since__lt=now - STUCK_AFTER)
    resendable = resendable_channels()
    stuck.filter(channel__in=resendable).update(
        delivery=Message.Delivery.PENDING, sending_since=None,
        last_error="The sending worker stopped mid-send; sent again, as the same message.")
    stuck.exclude(channel__in=resendable).update(
        delivery=Message.Delivery.FAILED, last_error=STUCK_FAILED)
    return list(Message.objects.filter(
        direction=Message.Direction.OUTBOUND, delivery=Message.Delivery.PENDING,
        created_at__lt=now - older_than).order_by("pk")
        .values_list("pk", flat=True)[:500])


def inbound_recover(older_than: timedelta = timedelta(seconds=60)) -> list[int]:
    """After a crash or restart: stored shopper messages the bot never got to, on every
    channel. A site-chat message is answered by the socket that received it; when that
    process or the database died first, a worker answers it like any other channel's and
    the reply goes to the chat session's group."""
    return list(Message.objects.filter(
        direction=Message.Direction.INBOUND, processed_at__isnull=True,
        created_at__lt=clock.now() - older_than).order_by("pk")
        .values_list("pk", flat=True)[:500])


# Receipts arrive late, twice or out of order, so a message's state only moves forward.
# A failure ranks above "sent" and below "delivered": a late "failed" after "read" is
# noise, and a "delivered" after "failed" shows the message got there after all.
STATUS_RANK = {"pending": 0, "sending": 0, "sent": 1, "failed": 2, "delivered": 3, "read": 4}


def message_status_update(channel: str, external_id: str, status: str, error: str = "",
                          callback_data: str = "") -> bool:
    """A platform's receipt for something we sent (sent → delivered → read, or failed).
    One conditional UPDATE, so two receipts handled at once cannot step it back; a receipt
    for a message whose id a crash kept us from recording is matched by its tag."""
    rank = STATUS_RANK.get(status, 0)
    if not rank:
        return False
    earlier = [state for state, r in STATUS_RANK.items() if r < rank]
    outbound = Message.objects.filter(channel=channel, external_id=external_id,
                                      direction=Message.Direction.OUTBOUND)
    if outbound.filter(delivery__in=earlier).update(
            delivery=status, last_error=error[:2000] if status == "failed" else ""):
        return True
    if callback_data and not outbound.exists():
        return _message_reconcile(channel, external_id, status, error, callback_data)
    return False


def _message_reconcile(channel: str, external_id: str, status: str, error: str,
                       callback_data: str) -> bool:
    """A receipt for a message whose id we never recorded: the worker sending it died
    after the platform took it. The tag we sent with it names the row, which now learns
    its id and state instead of waiting to be marked failed."""
    row = outbound_key_id(callback_data)
    if row is None or not external_id or status not in STATUS_RANK:
        return False
    # Left "sending" by the crash, or already marked failed for it by outbox_recover.
    return bool(Message.objects.filter(
        Q(delivery=Message.Delivery.SENDING)
        | Q(delivery=Message.Delivery.FAILED, last_error=STUCK_FAILED),
        pk=row, channel=channel, direction=Message.Direction.OUTBOUND, external_id=None,
    ).update(
        external_id=external_id, delivery=status, sending_since=None,
        last_error=error[:2000] if status == "failed" else "",
        sent_at=clock.now()))


def webhook_ingest(channel: str, events: Any) -> list[int]:
    """Store what a webhook brought, once each, and queue the bot's work after commit."""
    stored: list[int] = []
    for inbound in events.messages:
        message = message_receive(inbound)
        if message is not None:
            stored.append(message.pk)
    for status in events.statuses:
        message_status_update(channel, status.external_id, status.status, status.error,
                              getattr(status, "callback_data", ""))
    if stored:
        from conversations.tasks import process_message

        transaction.on_commit(lambda: [process_message.delay(pk) for pk in stored])
    return stored


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
    if guest is not None and (not guest.is_guest or identity.customer_id != guest.pk):
        # Only a guest's own conversation is handed to the customer they proved to be:
        # someone writing into another person's thread never moves it, nor that person's
        # identities, elsewhere.
        raise ValueError("The conversation belongs to another customer: it cannot be "
                         "verified for this one.")
    if guest is not None:
        existing = Conversation.objects.select_for_update().filter(
            customer=customer, status="open").exclude(pk=conversation.pk).first()
        if existing is not None:
            Message.objects.filter(conversation=existing).update(conversation=conversation)
            Handoff.objects.filter(conversation=existing).update(conversation=conversation)
            PolicyDecision.objects.filter(conversation=existing).update(conversation=conversation)
            ChannelIdentity.objects.filter(verified_in_conversation=existing.pk).update(
                verified_in_conversation=conversation.pk)
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
    if identity.customer_id != customer.pk and identity.customer.is_guest:
        # A guest writing into a conversation they were not in from the start (an email
        # reply to a thread) becomes its customer's only now, with this proof.
        identity.customer = customer
        identity.save(update_fields=["customer"])
    if not identity.is_verified:
        # What the shopper knew, or a code read back in a browser, proves who is writing
        # now, in this conversation, not who will write from this identity next time.
        lasting = via not in KNOWLEDGE_PROOFS and identity.channel != Channel.WEB
        identity.verified_at = now
        identity.verified_via = via
        identity.verified_in_conversation = None if lasting else conversation.pk
        identity.save(update_fields=["verified_at", "verified_via",
                                     "verified_in_conversation"])
    conversation.verified_at = identity.verified_at
    conversation.verified_via = identity.verified_via
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
               run: Callable[[], dict[str, Any]],
               actor: str = "bot") -> tuple[dict[str, Any], bool]:
    """Run a consequential action once per key. Returns its result and whether it ran now.

    A cancellation or address change asked for by a shopper who proved who they are only
    with what they know is also told to the contact on file (owner_notice_send)."""
    existing = ActionRecord.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing.result, False
    with transaction.atomic():
        result = run()
        ActionRecord.objects.create(idempotency_key=key, kind=kind, conversation=conversation,
                                    order_number=order_number, result=result, actor=actor,
                                    created_at=clock.now())
        if (conversation is not None and kind in OWNER_NOTICES
                and conversation.verified_via in KNOWLEDGE_PROOFS):
            owner_notice_send(conversation, kind, order_number)
    return result, True


# The subject and the text of the notice of each change (replies/messages/).
OWNER_NOTICES = {
    "cancel": ("notice.cancel.subject", "notice.cancel.text"),
    "change_address": ("notice.change_address.subject", "notice.change_address.text"),
}
NOTICE_CHANNELS = (Channel.EMAIL, Channel.WHATSAPP, Channel.TELEGRAM)


def owner_notice_send(conversation: Conversation, kind: str, order_number: str) -> Message | None:
    """Tell the customer, at a contact already on file (never at the sender who asked),
    that a change that matters was made to their order, so that if it was not them they
    can say so: through the outbox, on their preferred channel when it can carry it, else
    by email, WhatsApp or a Telegram chat linked by proof. None when no channel that can
    reach them is switched on."""
    order = Order.objects.select_related("customer").filter(number=order_number).first()
    if order is None:
        return None
    customer = order.customer
    contacts = {Channel.EMAIL: order.email or customer.email,
                Channel.WHATSAPP: customer.phone or order.phone,
                Channel.TELEGRAM: next((i.external_id for i in customer.identities.filter(
                    channel=Channel.TELEGRAM) if i.is_verified), "")}
    preferred = [c for c in NOTICE_CHANNELS if c == customer.preferred_channel]
    route = next(((c, contacts[c]) for c in [*preferred, *NOTICE_CHANNELS]
                  if contacts[c] and getattr(settings, f"{c.upper()}_ENABLED", False)), None)
    if route is None:
        logger.warning("No channel to tell customer %s about the %s of order %s",
                       customer.pk, kind, order_number)
        return None
    channel, to = route
    subject, text = OWNER_NOTICES[kind]
    facts = {"shop": settings.SHOP_NAME, "number": order.number,
             "address": order.shipping_address}
    language = customer.language
    message = message_send(conversation, Reply(
        f"{render(Say(text, **facts), language)}\n\n{render(Say('notice.not_you'), language)}"),
        to=to, sender=Message.Sender.SYSTEM, channel=channel)
    message.payload = {**message.payload, "purpose": "owner_notice",
                       "subject": render(Say(subject, **facts), language)}
    if channel == Channel.WHATSAPP:
        # Outside the 24-hour window only an approved template reaches the number
        # (WHATSAPP_TEMPLATES: owner_notice=<name>:<language>, the order number its parameter).
        message.payload["template"] = {"purpose": "owner_notice", "params": [order.number],
                                       "language": language}
    message.save(update_fields=["payload"])
    return message


def client_key(message: Message) -> str:
    """Who is on the other end of `message`, for rationing what anyone may try: the IP
    address the site chat saw, or the channel identity (a WhatsApp number, a Telegram
    chat, an email address) on the other channels."""
    return str(message.payload.get("client") or
               f"{message.channel}:{message.payload.get('from', '')}")[:255]


def handoff_refused_text(language: str) -> str:
    """What the shopper is told, in their language, when handoff_create refused them a
    person."""
    return render(Say("handoff.refused"), language)


def handoff_create(conversation: Conversation, reason: str, packet: dict[str, Any], *,
                   client: str = "") -> Handoff | None:
    """Hand the conversation to a person; the bot stays silent until it is handed back.

    A shopper who has not proven who they are may start ANONYMOUS_HANDOFFS_PER_CLIENT
    handoffs per ANONYMOUS_HANDOFF_WINDOW_MINUTES from one `client` (client_key): more
    would bury the agents' queue. Over that, nothing is handed off and None is returned,
    so the caller must not tell the shopper that a person is coming."""
    open_handoff = conversation.handoffs.filter(
        status__in=[Handoff.Status.WAITING, Handoff.Status.ASSIGNED]).first()
    if open_handoff is None and client and not conversation.is_verified:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                           [f"handoff:{client}"])
        since = clock.now() - timedelta(minutes=settings.ANONYMOUS_HANDOFF_WINDOW_MINUTES)
        if AnonymousHandoff.objects.filter(
                client=client[:255],
                created_at__gt=since).count() >= settings.ANONYMOUS_HANDOFFS_PER_CLIENT:
            return None
        AnonymousHandoff.objects.create(client=client[:255], created_at=clock.now())
    Conversation.objects.filter(pk=conversation.pk).update(mode=Conversation.Mode.HUMAN,
                                                           updated_at=clock.now())
    conversation.mode = Conversation.Mode.HUMAN
    if open_handoff is not None:
        return open_handoff
    handoff = Handoff.objects.create(conversation=conversation, reason=reason, packet=packet,
                                     created_at=clock.now())
    handoff_sla_start(handoff)
    _inbox_event("handoff", conversation.pk)

    if settings.SLACK_ENABLED:
        from conversations.tasks import post_handoff_to_slack

        transaction.on_commit(lambda: post_handoff_to_slack.delay(handoff.pk))
    return handoff


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




class ReplyRefused(ValueError):
    """An agent's reply that cannot be sent as it is."""


def agent_reply_send(conversation: Conversation, text: str, *, agent: Any = None,
                     via: str = "inbox") -> Message:
    """A person answers the shopper on the shopper's current channel, in the same history."""
    text = (text or "").strip()
    if not text:
        raise ReplyRefused("The reply is empty.")
    with transaction.atomic():
        message = message_send(conversation, Reply(text), sender=Message.Sender.AGENT,
                               agent=agent)
        message.payload = {**message.payload, "via": via}
        message.save(update_fields=["payload"])
        _inbox_event("message", conversation.pk)
    return message


def _inbox_event(kind: str, conversation_id: int) -> None:
    inbox_event_on_commit(kind, conversation_id)


def agent_reply_from_platform(channel: str, reply: dict[str, str]) -> Message | None:
    """A reply written by an agent on another platform (a Slack thread under a handoff).
    Platforms redeliver events they think were missed, so a reply that carries the
    platform's event id is sent once per id (an ActionRecord keyed on it); returns None
    when nothing was sent."""
    handoff = None
    if channel == "slack":
        handoffs = Handoff.objects.select_related("conversation__customer").filter(
            packet__slack__ts=reply.get("thread", ""))
        if reply.get("channel"):
            handoffs = handoffs.filter(packet__slack__channel=reply["channel"])
        handoff = handoffs.first()
    if handoff is None or not reply.get("text"):
        return None
    conversation = handoff.conversation
    event_id = reply.get("event_id")
    if not event_id:
        return agent_reply_send(conversation, reply["text"], via=channel)
    try:
        result, ran = action_run(
            f"{channel}:event:{event_id}", "agent_reply", conversation, "",
            lambda: {"message_id": agent_reply_send(conversation, reply["text"], via=channel).pk},
            actor=f"{channel}:{reply.get('user', '')}"[:60])
    except IntegrityError:
        # A concurrent delivery of the same event holds the key and sends the reply.
        return None
    return Message.objects.get(pk=result["message_id"]) if ran else None


def customer_remember(customer_id: int, *, channel: str) -> None:
    """Keep the channel the shopper uses, for outreach. Their language is kept as each
    message is answered (agents/language.py)."""
    Customer.objects.filter(pk=customer_id).update(preferred_channel=channel)
