"""python manage.py watch_shipments — recompute, for every shipment, when the alert scan
must next look at it: after a bulk import of shipments or scans that went around the
services, or after SHIPMENT_STALL_HOURS(_BY_CARRIER) or DELIVERY_CHECKIN_AFTER_HOURS
changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from alerts.services import shipments_watch_refresh


class Command(BaseCommand):
    help = "Recompute when the alert scan next looks at each shipment."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{shipments_watch_refresh()} shipments watched anew.")
