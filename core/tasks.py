"""Periodic work of the core app."""

from __future__ import annotations

from celery import shared_task

from core import services


@shared_task
def purge_identity_attempts() -> int:
    """Beat, hourly: forget the guesses and anonymous handoffs older than their windows
    (they hold what shoppers typed, and count for nothing any more)."""
    return services.identity_attempts_purge()
