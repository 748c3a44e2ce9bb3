"""The one small interface every channel adapter implements (after Rasa's channels).

An adapter knows its platform's payloads and nothing of the ORM or the graph beyond the
outbound Message it is handed to deliver. Adding a channel: a module here with an
adapter class, a line in registry.ADAPTERS, its settings in core/settings.py and
.env.example, and tests replaying the platform's own payloads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from conversations.models import Message
    from conversations.services import Inbound


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


@dataclass
class WebhookEvents:
    messages: list[Inbound] = field(default_factory=list)
    statuses: list[StatusUpdate] = field(default_factory=list)
    # Platform events that are not shopper messages (e.g. a Slack agent reply).
    agent_replies: list[dict[str, str]] = field(default_factory=list)
    # The body to answer the webhook with, when the platform expects one: Slack's
    # url_verification challenge, or a Bot API call Telegram makes from the reply.
    response: dict[str, Any] | None = None


class ChannelAdapter(Protocol):
    channel: str

    def enabled(self) -> bool:
        """Is the channel switched on (its <NAME>_ENABLED setting)?"""

    def missing_settings(self) -> list[str]:
        """Names of the settings this channel needs and does not have (when enabled)."""

    def verify(self, request: HttpRequest) -> bool:
        """Is this request really from the platform (signature, secret token)?"""

    def challenge(self, request: HttpRequest) -> HttpResponse | None:
        """Answer a platform's GET verification handshake, if it has one."""

    def parse(self, request: HttpRequest) -> WebhookEvents:
        """The platform's payload as normalised events; ValueError if malformed."""

    def send(self, message: Message) -> str:
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
