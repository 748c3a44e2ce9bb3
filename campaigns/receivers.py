"""Campaigns listen to the store: a variant back from nothing has shoppers waiting."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from campaigns.services import stock_changed
from commerce.models import Variant
from commerce.signals import stock_changed as changed


@receiver(changed, sender=Variant, dispatch_uid="campaigns.stock_changed")
def on_stock_changed(sender: type[Variant], *, variant_id: int, old: int, new: int,
                     **_: Any) -> None:
    stock_changed(variant_id, old, new)
