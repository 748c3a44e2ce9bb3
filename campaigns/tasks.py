"""Celery tasks of back-in-stock campaigns: thin, take ids, idempotent."""

from __future__ import annotations

from celery import shared_task

from campaigns import services
from commerce.models import Variant


@shared_task(acks_late=True)
def restock_campaign_start(variant_id: int) -> int | None:
    variant = Variant.objects.filter(pk=variant_id).first()
    if variant is None or variant.stock <= 0:
        return None
    campaign = services.campaign_start(variant)
    return campaign.pk if campaign else None


@shared_task(acks_late=True)
def campaign_release(campaign_id: int) -> int:
    return services.campaign_release(campaign_id)


@shared_task
def campaigns_tick() -> int:
    """Beat, every 10 s: release the batches that are due (the next of a running campaign,
    shoppers whose quiet hours ended, a first batch whose task was lost)."""
    return sum(services.campaign_release(pk) for pk in services.campaigns_due())
