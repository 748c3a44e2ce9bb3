"""Celery tasks of the alerts: thin, take ids, idempotent and safe to retry. Beat runs
the scans (settings.CELERY_BEAT_SCHEDULE); workers send what they find."""

from __future__ import annotations

from celery import shared_task

from alerts import selectors, services
from core import clock

# Shipments handed to one worker task by the scan.
CHUNK = 200


@shared_task(acks_late=True)
def shipment_exception_alert(shipment_id: int) -> bool:
    return services.shipment_exception_alert(shipment_id) is not None


@shared_task(acks_late=True)
def shipment_checks_run(shipment_ids: list[int]) -> int:
    return sum(services.shipment_check(pk) is not None for pk in shipment_ids)


def stall_scan() -> int:
    """Find every shipment due a look (one indexed query) and hand them to the workers
    in chunks; how many were found."""
    due = selectors.shipments_due(clock.now())
    for start in range(0, len(due), CHUNK):
        shipment_checks_run.delay(due[start:start + CHUNK])
    return len(due)


@shared_task
def scan_shipments() -> int:
    """Beat: stalled, late and delivered parcels."""
    return stall_scan()


@shared_task
def reconcile_shipments() -> int:
    """Beat: ask the carrier about quiet parcels, in case a webhook was missed."""
    return services.shipments_reconcile()
