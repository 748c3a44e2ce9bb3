"""Which adapter serves a channel, and a capture mode for scenarios and benchmarks."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib import import_module
from typing import Any

from channels_adapters.base import Outbound

ADAPTERS = {
    "web": "channels_adapters.web.WebAdapter",
    "whatsapp": "channels_adapters.whatsapp.WhatsAppAdapter",
    "email": "channels_adapters.email.EmailAdapter",
    "telegram": "channels_adapters.telegram.TelegramAdapter",
    "slack": "channels_adapters.slack.SlackAdapter",
}


class CaptureAdapter:
    """Records what would have been sent instead of reaching the outside service."""

    channel = "*"
    # What reaches no platform needs none of what only a platform does.
    needs_window = False
    needs_thread = False

    def __init__(self) -> None:
        self.sent: list[Outbound] = []

    def send(self, message: Outbound) -> str:
        self.sent.append(message)
        return f"captured-{message.pk}"


_capture: list[CaptureAdapter] = []


def adapter_class(channel: str) -> Any:
    path = ADAPTERS.get(channel)
    if path is None:
        raise LookupError(f"Unknown channel {channel!r}")
    module, name = path.rsplit(".", 1)
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError) as exc:
        raise LookupError(f"The {channel!r} channel is not available: {exc}") from exc


def resendable_channels() -> list[str]:
    """Channels on which sending a message again cannot show the shopper two messages
    (their adapter says `resend_after_crash`)."""
    return [c for c in ADAPTERS if _resendable(c)]


def _resendable(channel: str) -> bool:
    try:
        return bool(getattr(adapter_class(channel), "resend_after_crash", False))
    except LookupError:
        return False


def adapter_for(channel: str) -> Any:
    if _capture:
        return _capture[-1]
    return adapter_class(channel)()


def is_captured() -> bool:
    return bool(_capture)


@contextlib.contextmanager
def captured() -> Iterator[CaptureAdapter]:
    adapter = CaptureAdapter()
    _capture.append(adapter)
    try:
        yield adapter
    finally:
        _capture.remove(adapter)
