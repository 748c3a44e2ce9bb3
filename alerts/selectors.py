"""Reads for the alert scans."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from commerce.models import OrderStatus, Shipment, ShipmentStatus


def shipments_due(now: datetime, limit: int | None = None) -> list[int]:
    """The shipments the alert scan must look at now: stalled (no scan for their
    carrier's hours), past their promised date, or delivered long enough ago for a
    check-in. One range read of the partial index on next_check_at, which holds only
    the shipments still watched."""
    ids = Shipment.objects.filter(next_check_at__lte=now).order_by().values_list(
        "pk", flat=True)
    return list(ids[:limit] if limit else ids)


# Parcels older than this are no longer asked about: the carrier has long given up too.
POLL_WITHIN = timedelta(days=60)


def shipments_to_poll(now: datetime, quiet_since: datetime, polled_before: datetime,
                      limit: int) -> list[Shipment]:
    """Parcels on their way (alerted about or not) whose carrier has said nothing since
    `quiet_since` and that were not asked about since `polled_before`: a webhook may have
    been missed. The ones asked about longest ago first."""
    return list(Shipment.objects.exclude(
        state__in=[ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED_TO_SENDER]).exclude(
        order__status__in=[OrderStatus.CANCELLED, OrderStatus.RETURNED]).filter(
        Q(last_scan_at__isnull=True) | Q(last_scan_at__lt=quiet_since),
        Q(carrier_polled_at__isnull=True) | Q(carrier_polled_at__lt=polled_before),
        created_at__lte=now, created_at__gte=now - POLL_WITHIN,
    ).order_by("carrier_polled_at", "pk")[:limit])
