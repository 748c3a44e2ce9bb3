"""Periodic work of the insights app."""

from __future__ import annotations

from celery import shared_task

from insights import services


@shared_task
def refresh_insights() -> int:
    """Beat, every minute: recompute the facts of the conversations changed since."""
    return services.insights_refresh()
