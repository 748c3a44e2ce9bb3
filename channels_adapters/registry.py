"""Which adapter delivers a channel's messages, and a capture mode for scenarios."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from channels_adapters.base import OutputAdapter

if TYPE_CHECKING:
    from conversations.models import Message


class CaptureAdapter:
    """Records what would have been sent instead of reaching the outside service."""

    def __init__(self) -> None:
        self.sent: list[Message] = []
        self.channel = "*"

    def send(self, message: Message) -> None:
        self.sent.append(message)


_capture: list[CaptureAdapter] = []


def adapter_for(channel: str) -> OutputAdapter:
    if _capture:
        return _capture[-1]
    if channel == "web":
        from channels_adapters.web import WebAdapter

        return WebAdapter()
    raise LookupError(f"No adapter is enabled for the {channel!r} channel")


@contextlib.contextmanager
def captured() -> Iterator[CaptureAdapter]:
    adapter = CaptureAdapter()
    _capture.append(adapter)
    try:
        yield adapter
    finally:
        _capture.remove(adapter)
