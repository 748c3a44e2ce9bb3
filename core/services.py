"""Services of the core app: the writes that concern the people who run the shop, and
the proofs of who a shopper is (knowledge checks and their limits). Linking a new
identity to a customer by a one-time code sends a message, so it lives with the
conversations (conversations.identity_links)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count

from core import clock
from core.formatting import LANGUAGES
from core.models import (
    AnonymousHandoff,
    Customer,
    LanguageSource,
    VerificationFailure,
)

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


def customer_language_detect(customer_id: int) -> bool:
    """Let the customer's messages decide their language again, from the next one long
    enough to tell (a language they asked for or the shop set is let go). True when it
    changed."""
    return Customer.objects.filter(pk=customer_id).exclude(
        language_source=LanguageSource.DETECTED).update(
        language_source=LanguageSource.DETECTED) > 0
