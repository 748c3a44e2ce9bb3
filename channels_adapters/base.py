"""The one small interface every channel adapter implements (after Rasa's channels),
with the plain message objects that cross it: ``Inbound`` (what a platform brought, as
``parse`` hands it over) and ``Outbound`` (one stored reply, as ``send`` delivers it).

An adapter knows its platform's payloads and nothing of the ORM, the conversations or
the graph: what only the store knows (is WhatsApp's 24-hour window open? which email
does this reply answer?) is worked out by the outbox and handed over in the Outbound.
Adding a channel: a module here with an adapter class, a line in registry.ADAPTERS, its
settings in core/settings.py and .env.example, and tests replaying the platform's own
payloads.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Inbound:
    """A message as a channel adapter hands it over, after the platform's own parsing."""

    channel: str
    sender_id: str
    text: str
    external_id: str | None = None
    display_name: str = ""
    payload: dict[str, Any] = field(default_factory=dict)
    # The conversation the platform says this continues (an email reply naming our
    # Message-ID or signed reply address). It decides where the message is stored, never
    # who the sender is: it links and verifies nothing.
    conversation_hint: int | None = None
    # The platform's ids of earlier messages this one answers, newest first (an email's
    # In-Reply-To and References): the pipeline finds the conversation of ours it names.
    replying_to: tuple[str, ...] = ()
    # False when the channel cannot vouch that sender_id wrote this (an email without an
    # SPF/DKIM/DMARC pass for its From address): the sender is then an unknown contact,
    # whatever the address, and the message carries no verification.
    sender_authenticated: bool = True


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: list[str] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class EmailThread:
    """The shopper's email a reply answers: its Message-ID, the References before it and
    its subject, for the reply's In-Reply-To, References and "Re:" subject."""

    parent_id: str = ""
    references: tuple[str, ...] = ()
    subject: str = ""


@dataclass(frozen=True)
class Outbound:
    """One stored outbound message as an adapter delivers it. ``pk`` names the outbox row
    (the platform carries it back in receipts); ``payload`` holds ``to`` and what the
    reply carries (buttons, attachments, a template, a subject, Slack blocks)."""

    pk: int
    channel: str
    text: str
    payload: dict[str, Any]
    conversation_id: int
    sender: str = "bot"
    direction: str = "out"
    created_at: datetime | None = None
    # WhatsApp: may a free-form message reach the shopper now (they wrote within 24 hours)?
    in_window: bool = True
    thread: EmailThread | None = None
    # Email: the subject of a reply that has none of its own and answers no thread, in
    # the shopper's language (the catalogue's email.default_subject).
    default_subject: str = ""
    # WhatsApp: the label of the button that opens a list of choices, in the shopper's
    # language (the catalogue's whatsapp.list_button).
    list_button: str = ""


class TemporaryError(Exception):
    """The platform may accept the same message later (timeouts, 5xx, rate limits).
    `retry_after` is the wait in seconds the platform asked for, when it named one."""

    def __init__(self, message: str = "", retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """The platform will never accept this message as it is (bad number, closed window)."""


@dataclass(frozen=True)
class StatusUpdate:
    """What the platform says became of a message we sent."""

    external_id: str
    status: str  # sent | delivered | read | failed
    error: str = ""
    # What we attached to the message when sending it (WhatsApp's biz_opaque_callback_data):
    # names our row even when a crash kept us from recording the platform's id.
    callback_data: str = ""


@dataclass(frozen=True)
class OneTimeToken:
    """A token a platform signed instead of the body (Mailgun signs timestamp+token): the
    webhook accepts it once, with what it first came with, while the signature is valid."""

    channel: str
    token: str
    fingerprint: str  # a digest of what the token came with
    signed_at: datetime
    valid_for: timedelta


@dataclass
class WebhookEvents:
    messages: list[Inbound] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    # Platform events that are not shopper messages (e.g. a Slack agent reply).
    agent_replies: list[dict[str, str]] = field(default_factory=list)
    # The body to answer the webhook with, when the platform expects one: Slack's
    # url_verification challenge, or a Bot API call Telegram makes from the reply.
    response: dict[str, Any] | None = None
    # The items of the payload that could not be read, each with why. The rest of the
    # batch is still stored: platforms do not resend a batch they got a 4xx for.
    rejected: list[str] = field(default_factory=list)

    def screened(self) -> WebhookEvents:
        """The same events with every message put through inbound_clean (one that fails
        moves to `rejected`), and every field of an agent reply cleaned (its ids capped)."""
        messages = []
        for inbound in self.messages:
            try:
                messages.append(inbound_clean(inbound))
            except ValueError as exc:
                self.rejected.append(f"message {str(inbound.external_id)[:80]!r}: {exc}")
        self.messages = messages
        self.agent_replies = [{str(k): capped_id(clean_text(str(v)), AGENT_REPLY_FIELD_MAX)
                               if k != "text" else clean_text(str(v))
                               for k, v in reply.items()} for reply in self.agent_replies]
        return self

    @property
    def only_rejected(self) -> bool:
        """Nothing in the payload could be read: answered 4xx, with nothing stored."""
        return bool(self.rejected) and not (self.messages or self.statuses
                                            or self.agent_replies or self.response)


class ChannelAdapter(Protocol):
    channel: str
    # What the outbox works out before send, only for adapters that use it.
    needs_window: bool  # Outbound.in_window (WhatsApp's 24-hour window)
    needs_thread: bool  # Outbound.thread (the email a reply answers)

    def enabled(self) -> bool:
        """Is the channel switched on (its <NAME>_ENABLED setting)?"""

    def missing_settings(self) -> list[str]:
        """Names of the settings this channel needs and does not have (when enabled)."""

    def verify(self, request: HttpRequest) -> bool:
        """Is this request really from the platform (signature, secret token)?"""

    def challenge(self, request: HttpRequest) -> HttpResponse | None:
        """Answer a platform's GET verification handshake, if it has one.

        An adapter whose platform signs a one-time token rather than the body also has
        ``one_time_token(request) -> OneTimeToken``; the webhook remembers it."""

    def parse(self, request: HttpRequest) -> WebhookEvents:
        """The platform's payload as normalised events; ValueError if malformed."""

    def send(self, message: Outbound) -> str:
        """Deliver one stored outbound message; return the platform's message id.
        Raise TemporaryError to retry later, PermanentError to give up."""


OUTBOUND_KEY_PREFIX = "onethread:out:"


def outbound_key(message_id: int) -> str:
    """The tag an outbound message carries to the platform, naming its outbox row."""
    return f"{OUTBOUND_KEY_PREFIX}{message_id}"


def outbound_key_id(key: str) -> int | None:
    """The outbox row a platform's callback names, if it carries our tag."""
    suffix = key[len(OUTBOUND_KEY_PREFIX):] if key.startswith(OUTBOUND_KEY_PREFIX) else ""
    return int(suffix) if suffix.isdigit() and len(suffix) < 19 else None


def numbered_text(text: str, buttons: list[str]) -> str:
    """Buttons degrade to numbered choices on channels that have none."""
    if not buttons:
        return text
    choices = "\n".join(f"{i}. {label}" for i, label in enumerate(buttons, 1))
    return f"{text}\n{choices}"


# --- Odd input ---------------------------------------------------------------------------
# Platforms pass on whatever their users typed, and PostgreSQL refuses some of it: a NUL
# in text or JSON, a lone UTF-16 surrogate (which is not UTF-8 at all), a value longer
# than its column. Every inbound message is cleaned here before it is stored, so odd
# input is kept as well as it can be, or refused as a bad request, never a server error.

# Columns an inbound message fills: Message.external_id and ChannelIdentity.external_id,
# Customer.email, and names.
EXTERNAL_ID_MAX = 255
SENDER_MAX = 255
EMAIL_MAX = 254
NAME_MAX = 200
# Earlier messages an inbound one may name (an email's References can run long).
MAX_REPLYING_TO = 50
# Ids an agent reply carries (a Slack event id is part of a 160-character key).
AGENT_REPLY_FIELD_MAX = 120
# No platform nests its payloads anywhere near this deep; Python's parser would give up
# (RecursionError) at about a thousand.
JSON_MAX_DEPTH = 64

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class InboundRejected(ValueError):
    """An inbound message that cannot be stored as it is (a bad request, not a fault)."""


def clean_text(value: str) -> str:
    """Text PostgreSQL can store: NULs removed, lone surrogates replaced by U+FFFD."""
    if _UNSTORABLE.search(value) is None:
        return value
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def clean_json(value: Any) -> Any:
    """A JSON value (a message's payload) with every string and key cleaned, and the
    non-finite numbers JSONB refuses (NaN, Infinity) as null."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_json(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, bool | int | float):
        return value
    return clean_text(str(value))


def capped_id(value: str, limit: int = EXTERNAL_ID_MAX) -> str:
    """An id that fits its column. A longer one keeps its start and ends in a digest of
    the whole, so the same id always maps to the same value (a redelivery is still seen
    as one) and two long ids that share a start stay apart."""
    if len(value) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{value[:limit - len(digest) - 1]}~{digest}"


def json_body(body: bytes | str, what: str = "The body") -> Any:
    """Strict JSON, or ValueError: nesting deeper than JSON_MAX_DEPTH and the NaN and
    Infinity literals (which JSON does not have) are refused like any malformed body."""
    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        data = json.loads(body, parse_constant=no_constant)
    except RecursionError as exc:
        raise ValueError(f"{what} is nested too deeply.") from exc
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{what} is not JSON.") from exc
    # Only a body with more brackets than the limit can nest deeper than it: the usual
    # webhook is never walked.
    opens = (body.count(b"[") + body.count(b"{") if isinstance(body, bytes)
             else body.count("[") + body.count("{"))
    if opens > JSON_MAX_DEPTH and _depth_over(data, JSON_MAX_DEPTH):
        raise ValueError(f"{what} is nested too deeply.")
    return data


def _depth_over(data: Any, limit: int) -> bool:
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > limit:
                return True
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, depth + 1) for child in children
                         if isinstance(child, dict | list))
    return False


def inbound_clean(inbound: Inbound) -> Inbound:
    """The message as it can be stored, or InboundRejected saying why it cannot: fields
    of the wrong type, no sender, or a sender too long to be an address or id. Text is
    cleaned; an over-long message id is capped (see capped_id), a name cut."""
    for name in ("channel", "sender_id", "text", "display_name"):
        if not isinstance(getattr(inbound, name), str):
            raise InboundRejected(f"{name} is not a string")
    external_id = inbound.external_id
    if isinstance(external_id, int) and not isinstance(external_id, bool):
        external_id = str(external_id)
    if external_id is not None and not isinstance(external_id, str):
        raise InboundRejected("the message id is not a string")
    if not isinstance(inbound.payload, dict):
        raise InboundRejected("payload is not an object")
    sender = clean_text(inbound.sender_id).strip()
    if not sender:
        raise InboundRejected("no sender")
    limit = EMAIL_MAX if inbound.channel == "email" else SENDER_MAX
    if len(sender) > limit:
        raise InboundRejected(f"the sender is longer than {limit} characters")
    hint = inbound.conversation_hint
    replying_to = inbound.replying_to if isinstance(inbound.replying_to, list | tuple) else ()
    try:
        payload = clean_json(inbound.payload)
    except RecursionError as exc:
        raise InboundRejected("payload is nested too deeply") from exc
    return dataclasses.replace(
        inbound, sender_id=sender, text=clean_text(inbound.text),
        external_id=capped_id(clean_text(external_id)) if external_id else None,
        display_name=clean_text(inbound.display_name).strip()[:NAME_MAX], payload=payload,
        replying_to=tuple(capped_id(clean_text(r)) for r in replying_to
                          if isinstance(r, str) and r)[:MAX_REPLYING_TO],
        conversation_hint=hint if isinstance(hint, int) and not isinstance(hint, bool)
        else None)
