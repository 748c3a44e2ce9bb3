from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from alerts.models import ShipmentAlert


@admin.register(ShipmentAlert)
class ShipmentAlertAdmin(admin.ModelAdmin):
    """What the shop told shoppers on its own about their parcels; written by the alert
    services only."""

    list_display = ("created_at", "shipment", "kind", "key", "reason", "outcome")
    list_filter = ("kind", "outcome")
    search_fields = ("shipment__tracking_number", "shipment__order__number")
    raw_id_fields = ("shipment", "message")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
