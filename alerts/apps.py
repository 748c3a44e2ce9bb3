from __future__ import annotations

from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Shipment alerts, check-ins and satisfaction"

    def ready(self) -> None:
        # Django's convention: receivers connect once the apps are loaded.
        from alerts import receivers  # noqa: F401
