"""Reads of back-in-stock: what shoppers wait for, and how each campaign is doing, from
subscribed to revenue. Nothing here shows a conversation or a message's text to anyone
but its recipient: marketers read counts, products and campaign settings only."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q

from campaigns.models import Campaign, Recipient
from commerce.models import BackInStockSubscription, Variant
from conversations.models import Message

CHANNELS = ("whatsapp", "email", "telegram", "web")
SENT = [Message.Delivery.SENT, Message.Delivery.DELIVERED, Message.Delivery.READ]


def sold_out_variants(limit: int = 200) -> list[dict[str, str]]:
    return [{"sku": v.sku, "label": str(v)} for v in Variant.objects.filter(
        stock__lte=0).select_related("product").order_by("product__name", "sku")[:limit]]


@dataclass
class Demand:
    variant: Variant
    by_channel: dict[str, int]
    unconfirmed: int
    active: Campaign | None = None

    @property
    def waiting(self) -> int:
        return sum(self.by_channel.values())


def demand_list(limit: int = 100) -> list[Demand]:
    """Variants shoppers wait for, most wanted first: waiting wishes by channel, those
    still to be confirmed, and the campaign running for it, if any."""
    rows = (BackInStockSubscription.objects.filter(notified_at__isnull=True)
            .values("variant_id").annotate(
                total=Count("pk", filter=Q(confirmed_at__isnull=False)),
                unconfirmed=Count("pk", filter=Q(confirmed_at__isnull=True)),
                **{c: Count("pk", filter=Q(channel=c, confirmed_at__isnull=False))
                   for c in CHANNELS})
            .order_by("-total", "variant_id")[:limit])
    rows = list(rows)
    variants = Variant.objects.select_related("product").in_bulk([r["variant_id"] for r in rows])
    active = {c.variant_id: c for c in Campaign.objects.filter(
        variant_id__in=list(variants), status__in=Campaign.ACTIVE)}
    return [Demand(variant=variants[r["variant_id"]],
                   by_channel={c: r[c] for c in CHANNELS if r[c]},
                   unconfirmed=r["unconfirmed"], active=active.get(r["variant_id"]))
            for r in rows]


@dataclass
class Funnel:
    subscribed: int = 0
    queued: int = 0
    sent: int = 0
    delivered: int = 0
    read: int = 0
    clicked: int = 0
    ordered: int = 0
    revenue: Decimal = Decimal("0")
    held: dict[str, int] = field(default_factory=dict)

    @property
    def progress(self) -> int:
        """Per cent of the audience dealt with (told, or held back for good)."""
        done = self.queued + sum(n for s, n in self.held.items()
                                 if s not in (Recipient.Status.DEFERRED,
                                              Recipient.Status.DAILY_LIMIT))
        return min(100, round(100 * done / self.subscribed)) if self.subscribed else 100


# An order counts for an alert when the customer ordered that variant within 5 days of an
# email, or 24 hours of a chat message (WhatsApp, Telegram), after it was sent.
_ORDERED = """
SELECT r.campaign_id, COUNT(DISTINCT r.id), COALESCE(SUM(i.quantity * i.unit_price), 0)
FROM campaigns_recipient r
JOIN campaigns_campaign c ON c.id = r.campaign_id
JOIN conversations_message m ON m.id = r.message_id
JOIN commerce_order o ON o.customer_id = r.customer_id AND o.status <> 'cancelled'
 AND o.placed_at >= m.sent_at
 AND o.placed_at < m.sent_at + CASE WHEN r.channel = 'email' THEN INTERVAL '5 days'
                                    ELSE INTERVAL '24 hours' END
JOIN commerce_orderitem i ON i.order_id = o.id AND i.variant_id = c.variant_id
WHERE r.campaign_id = ANY(%s) AND m.sent_at IS NOT NULL
GROUP BY r.campaign_id
"""


def campaign_funnels(campaign_ids: list[int]) -> dict[int, Funnel]:
    funnels = {pk: Funnel() for pk in campaign_ids}
    for pk, audience in Campaign.objects.filter(pk__in=campaign_ids).values_list(
            "pk", "audience"):
        funnels[pk].subscribed = audience
    queued = Q(status=Recipient.Status.QUEUED)
    for row in (Recipient.objects.filter(campaign_id__in=campaign_ids)
                .values("campaign_id").annotate(
                    queued=Count("pk", filter=queued),
                    sent=Count("pk", filter=queued & Q(message__delivery__in=SENT)),
                    delivered=Count("pk", filter=queued & Q(message__delivery__in=[
                        Message.Delivery.DELIVERED, Message.Delivery.READ])),
                    read=Count("pk", filter=queued & Q(message__delivery=Message.Delivery.READ)),
                    clicked=Count("pk", filter=Q(clicked_at__isnull=False)))):
        funnel = funnels[row["campaign_id"]]
        for key in ("queued", "sent", "delivered", "read", "clicked"):
            setattr(funnel, key, row[key])
    for pk, status, n in (Recipient.objects.filter(campaign_id__in=campaign_ids)
                          .exclude(status=Recipient.Status.QUEUED)
                          .values_list("campaign_id", "status").annotate(n=Count("pk"))):
        funnels[pk].held[status] = n
    with connection.cursor() as cursor:
        cursor.execute(_ORDERED, [list(campaign_ids)])
        for pk, ordered, revenue in cursor.fetchall():
            funnels[pk].ordered = ordered
            funnels[pk].revenue = Decimal(revenue)
    return funnels


def campaign_list(limit: int = 50) -> list[tuple[Campaign, Funnel]]:
    campaigns = list(Campaign.objects.select_related("variant__product")[:limit])
    funnels = campaign_funnels([c.pk for c in campaigns])
    return [(c, funnels[c.pk]) for c in campaigns]


def variant_funnels() -> list[dict[str, Any]]:
    """The funnel summed over every campaign of each variant."""
    totals: dict[int, dict[str, Any]] = {}
    for campaign, funnel in campaign_list(limit=1000):
        row = totals.setdefault(campaign.variant_id, {
            "variant": campaign.variant, "campaigns": 0, **dict.fromkeys(FUNNEL_KEYS, 0)})
        row["campaigns"] += 1
        for key in FUNNEL_KEYS:
            row[key] += getattr(funnel, key)
    return sorted(totals.values(), key=lambda r: -r["subscribed"])


FUNNEL_KEYS = ("subscribed", "sent", "delivered", "read", "clicked", "ordered", "revenue")


def csv_rows() -> list[list[str]]:
    """One line per campaign: the variant, its state and its funnel."""
    header = ["campaign", "sku", "product", "trigger", "status", "started", "finished",
              "units", "batches", *FUNNEL_KEYS]
    rows = [header]
    for campaign, funnel in campaign_list(limit=10000):
        rows.append([str(campaign.pk), campaign.variant.sku, str(campaign.variant),
                     campaign.trigger, campaign.status, campaign.created_at.isoformat(),
                     campaign.finished_at.isoformat() if campaign.finished_at else "",
                     str(campaign.units), str(campaign.batches),
                     *[str(getattr(funnel, k)) for k in FUNNEL_KEYS]])
    return rows
