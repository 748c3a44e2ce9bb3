"""The store listens to itself: a product saved or deleted changes the catalogue's name
words (commerce.selectors.product_name_words)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from commerce.models import Product
from commerce.selectors import product_names_forget


@receiver(post_save, sender=Product, dispatch_uid="commerce.product_saved")
@receiver(post_delete, sender=Product, dispatch_uid="commerce.product_deleted")
def on_product_changed(sender: type[Product], **_: Any) -> None:
    product_names_forget()
