from __future__ import annotations

from django.apps import AppConfig


class CommerceConfig(AppConfig):
    name = "commerce"
    verbose_name = "Store"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from commerce import selectors
        from commerce.models import Product

        for signal in (post_save, post_delete):
            signal.connect(selectors.product_names_forget, sender=Product,
                           dispatch_uid=f"product_names_forget_{signal is post_save}")
