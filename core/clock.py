"""The one clock every service and the bot read, so scenarios can freeze it."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.utils import timezone

_frozen: list[datetime] = []


def now() -> datetime:
    if _frozen:
        return _frozen[-1]
    return timezone.now()


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    _frozen.append(moment)
    try:
        yield
    finally:
        _frozen.pop()


def advance(delta: timedelta) -> None:
    """Move a frozen clock on (a scenario's bot work takes a moment too)."""
    if _frozen:
        _frozen[-1] = _frozen[-1] + delta
