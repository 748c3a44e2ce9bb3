"""The back-in-stock group of `manage.py bench` (BENCH.md: `bis_*`).

On 100,000 shoppers waiting for one variant (made in bulk, in a transaction that is
rolled back, so nothing is left behind), through the same services a restock runs:

- `bis_first_batch_sent_s`: a restock of 20 units (with the default batch settings) to
  its first batch handed to the channel (the outbox rows claimed and passed to the
  capturing adapter, as a worker would pass them to the platform);
- `bis_queued_100k_s`: a restock with the batch limits lifted to every eligible message
  of the 100,000 in the outbox.

Both run in this process, so broker pickup (milliseconds on Redis) is not in them.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test.utils import override_settings

from campaigns import services
from campaigns.models import Recipient
from channels_adapters.registry import captured
from commerce import services as store
from commerce.models import BackInStockSubscription, Product, Variant
from conversations import services as outbox
from conversations.models import Message
from core.models import Customer, MarketingConsent

SHOPPERS = 100_000


def bis() -> dict[str, Any]:

    results: dict[str, Any] = {}
    with transaction.atomic(), override_settings(WHATSAPP_MESSAGING_TIER="unlimited",
                                                 MARKETING_QUIET_HOURS=""):
        variant = _store()
        with transaction.atomic():
            start = time.perf_counter()
            store.variant_stock_set(variant, 20)
            campaign = services.campaign_start(variant)
            assert campaign is not None
            services.campaign_release(campaign.pk)
            batch = list(Message.objects.filter(payload__campaign=campaign.pk).values_list(
                "pk", flat=True))
            with captured():
                for pk in batch:
                    outbox.message_deliver(pk)
            results["bis_first_batch_sent_s"] = round(time.perf_counter() - start, 2)
            results["bis_first_batch_size"] = len(batch)
            transaction.set_rollback(True)
        variant.stock = 0
        with transaction.atomic(), override_settings(BIS_SUBSCRIBERS_PER_UNIT=0):
            start = time.perf_counter()
            store.variant_stock_set(variant, 500)
            campaign = services.campaign_start(variant)
            assert campaign is not None
            services.campaign_release(campaign.pk)
            results["bis_queued_100k_s"] = round(time.perf_counter() - start, 2)
            results["bis_queued_100k_messages"] = Recipient.objects.filter(
                campaign=campaign, status="queued").count()
            transaction.set_rollback(True)
        transaction.set_rollback(True)  # the shoppers and their wishes go too
    return results


def _store() -> Any:
    """One sold-out variant and SHOPPERS customers waiting for it, a third on email and
    the rest on WhatsApp, every one with consent, wishes made over the last month."""
    from django.utils import timezone


    now = timezone.now()
    product = Product.objects.create(name="Bench Parka", slug=f"bench-parka-{time.time_ns()}",
                                     category="apparel", kind="parka")
    variant = Variant.objects.create(product=product, sku=f"BENCH-{time.time_ns()}",
                                     options={"size": "M"}, price="140.00", stock=0)
    customers = Customer.objects.bulk_create([
        Customer(name=f"Bench Shopper {i}", email=f"bench{i}.{now.timestamp():.0f}@example.com",
                 phone=f"+4478{i:08d}", language="en", created_at=now)
        for i in range(SHOPPERS)], batch_size=5000)
    channels = ["email" if i % 3 == 0 else "whatsapp" for i in range(SHOPPERS)]
    MarketingConsent.objects.bulk_create([
        MarketingConsent(customer=c, channel=channels[i], purpose="back_in_stock",
                         wording="Tell me once", source="chat", created_at=now)
        for i, c in enumerate(customers)], batch_size=5000)
    BackInStockSubscription.objects.bulk_create([
        BackInStockSubscription(customer=c, variant=variant, channel=channels[i],
                                created_at=now - timedelta(seconds=SHOPPERS - i),
                                confirmed_at=now)
        for i, c in enumerate(customers)], batch_size=5000)
    return variant
