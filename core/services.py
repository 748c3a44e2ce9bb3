"""Services of the core app: the writes that concern the people who run the shop, and
the customers' channel identities (linking a new one to a customer only with proof)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils.crypto import constant_time_compare, salted_hmac

from core import clock
from core.formatting import LANGUAGES
from core.models import (
    AnonymousHandoff,
    Channel,
    ChannelIdentity,
    Customer,
    IdentityLinkCode,
    LanguageSource,
    VerificationFailure,
)
from replies.render import Say, render

T = TypeVar("T")


@transaction.atomic
def admin_user_ensure(username: str) -> str | None:
    """Create the superuser `username`, or give the active one a fresh random password;
    return the password. None when that user was deactivated: it stays so.

    `make run` calls this on every start and prints the password, so a demo
    install never has a fixed password and whoever started it can always log in. A
    deactivated `admin` was switched off by someone on purpose; a restart must not
    bring it back (with a new password in the service's log).
    """
    user_model = get_user_model()
    password = secrets.token_urlsafe(16)
    user, created = user_model.objects.select_for_update().get_or_create(
        **{user_model.USERNAME_FIELD: username}
    )
    if not created and not user.is_active:
        return None
    user.is_active = True
    user.is_staff = True
    user.is_superuser = True
    user.set_password(password)
    user.save()
    return password


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


def identity_step_up_start(identity: ChannelIdentity, purpose: str) -> LinkAttempt:
    """Send a one-time code to the contact on file of the customer `identity` already
    belongs to: a stronger proof before something that matters (`purpose`, e.g. "change
    a delivery address"), asked of a shopper who proved who they are only with what they
    know. Read back through identity_link_confirm."""
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
    from conversations import services as conversation_services
    from conversations.models import Conversation, Message

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
                                         created_at=now, updated_at=now)
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
    from conversations import selectors as conversation_selectors
    from conversations import services as conversation_services

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


@dataclass(frozen=True)
class Guess:
    """One try at proving who a shopper is with what they know: an order number with a
    contact detail, or contact details alone (a full name with a postcode). Contacts are
    (what, value) pairs, `what` one of email, phone, postcode, name."""

    order: str = ""
    contacts: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class KnowledgeCheck(Generic[T]):
    """What knowledge_check found. `status` is one of:

    - matched: a guess matched (`found` says what it matched);
    - failed: none matched, and more guesses may still be checked;
    - locked: none matched, and a limit is now reached: the next guesses on the same order
      number, contact or client are refused, right or wrong, until the window moves on;
    - refused: a limit was already reached, so nothing (or nothing more) was checked."""

    status: str
    found: T | None = None
    failures: int = 0


def _proof_key(what: str, value: str) -> str:
    value = value.strip()
    if what == "email":
        value = value.lower()
    elif what == "phone":
        digits = "".join(c for c in value if c.isdigit())
        value = digits[2:] if value.startswith("00") else digits
        value = "44" + value[1:] if value.startswith("0") else value
    elif what == "postcode":
        value = re.sub(r"\s+", "", value).upper()
    elif what == "order":
        value = re.sub(r"^(?:#|ord(?:er)?[-\s]?)", "", value, flags=re.I).upper()
    else:
        value = " ".join(value.casefold().split())
    return f"{what}:{value}"[:255]


def _guess_keys(guess: Guess, client: str) -> list[tuple[str, str]]:
    keys = [(VerificationFailure.Kind.CONTACT.value, _proof_key(what, value))
            for what, value in guess.contacts if value]
    if guess.order:
        keys.append((VerificationFailure.Kind.ORDER.value, _proof_key("order", guess.order)))
    if client:
        keys.append((VerificationFailure.Kind.CLIENT.value, client[:255]))
    return keys


def _failure_limits() -> dict[str, int]:
    return {VerificationFailure.Kind.ORDER: settings.VERIFY_FAILURES_PER_ORDER,
            VerificationFailure.Kind.CONTACT: settings.VERIFY_FAILURES_PER_CONTACT,
            VerificationFailure.Kind.CLIENT: settings.VERIFY_FAILURES_PER_CLIENT}


def knowledge_check(guesses: Sequence[Guess], client: str,
                    match: Callable[[Guess], T | None]) -> KnowledgeCheck[T]:
    """Try each guess with `match`, in order, until one matches, counting every one that
    does not against its order number, each of its contact details and the client.

    The limits (VERIFY_FAILURES_PER_ORDER, _PER_CONTACT, _PER_CLIENT over the last
    VERIFY_FAILURE_WINDOW_MINUTES) are looked at BEFORE a guess is checked: once one of
    its keys is at its limit the guess is refused unchecked, even when it would match, so
    a right answer found by trying is worth nothing. The counts are rows in the database,
    shared by every conversation, session, device and channel, and the keys are locked
    for the check, so parallel tries cannot all slip under a limit at once. A guess that
    names an order that does not exist counts the same as one that names someone else's:
    the limits never tell whether an order exists."""
    client = client[:255]
    limits = _failure_limits()
    since = clock.now() - timedelta(minutes=settings.VERIFY_FAILURE_WINDOW_MINUTES)
    all_keys = sorted({key for guess in guesses for key in _guess_keys(guess, client)})
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One key at a time, in one order for everyone, so two checks never deadlock.
            for kind, key in all_keys:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
                               [f"verify:{kind}:{key}"])
        counts: dict[tuple[str, str], int] = {
            (row["kind"], row["key"]): row["n"] for row in VerificationFailure.objects.filter(
                key__in={key for _, key in all_keys}, created_at__gt=since)
            .values("kind", "key").annotate(n=Count("id"))}
        failures = 0
        for guess in guesses:
            keys = _guess_keys(guess, client)
            if any(counts.get(k, 0) >= limits[k[0]] for k in keys):
                return KnowledgeCheck("refused", failures=failures)
            found = match(guess)
            if found is not None:
                return KnowledgeCheck("matched", found, failures)
            now = clock.now()
            VerificationFailure.objects.bulk_create(
                [VerificationFailure(kind=kind, key=key, created_at=now) for kind, key in keys])
            failures += 1
            for k in keys:
                counts[k] = counts.get(k, 0) + 1
        locked = any(counts.get(k, 0) >= limits[k[0]] for k in all_keys)
    return KnowledgeCheck("locked" if locked else "failed", failures=failures)


def identity_attempts_purge() -> int:
    """Delete the verification failures and anonymous handoffs that have left their
    windows: they no longer count towards any limit. Returns how many rows went."""
    now = clock.now()
    failures, _ = VerificationFailure.objects.filter(created_at__lte=now - timedelta(
        minutes=settings.VERIFY_FAILURE_WINDOW_MINUTES)).delete()
    handoffs, _ = AnonymousHandoff.objects.filter(created_at__lte=now - timedelta(
        minutes=settings.ANONYMOUS_HANDOFF_WINDOW_MINUTES)).delete()
    return failures + handoffs


def customer_language_set(customer_id: int, language: str, *,
                          source: str = LanguageSource.DETECTED) -> bool:
    """Speak `language` to the customer from now on. A language detected from a message
    never replaces one the customer asked for or the shop set; theirs replace any.
    True when it changed (nothing is written when it is already so)."""
    if language not in LANGUAGES:
        raise ValueError(f"'{language}' is not one of the shop's languages "
                         f"({', '.join(LANGUAGES)}).")
    customers = Customer.objects.filter(pk=customer_id)
    if source == LanguageSource.DETECTED:
        customers = customers.filter(language_source=LanguageSource.DETECTED)
    return customers.exclude(language=language, language_source=source).update(
        language=language, language_source=source) > 0
