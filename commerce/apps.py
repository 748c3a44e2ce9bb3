from __future__ import annotations

from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Store"

    def ready(self) -> None:
        # Django's convention: receivers connect once the apps are loaded.
        from commerce import receivers  # noqa: F401
