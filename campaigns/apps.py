from __future__ import annotations

from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Back-in-stock campaigns"

    def ready(self) -> None:
        # Django's convention: receivers connect once the apps are loaded.
        from campaigns import receivers  # noqa: F401
