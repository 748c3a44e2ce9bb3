"""The shop's policy as plain functions of data.

Each function returns a Decision naming the rule that made it, so the bot can act on
it, explain it, and store it for the human inbox. Nothing here writes or reads the
database beyond the objects it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from commerce.models import (
    ExceptionKind,
    Order,
    OrderItem,
    OrderStatus,
    ShipmentStatus,
    ShopPolicy,
    TrackingEvent,
)
from core.formatting import Money
from replies.render import Say, render

# How long after a "delivered" scan a missing parcel can still be claimed.
DELIVERY_CLAIM_DAYS = 14

@dataclass(frozen=True)
class Decision:
    action: str
    allowed: bool
    rule: str
    # Why, as a catalogue message ("policy.<rule>" and its facts), said in any language.
    reason: Say
    # What follows: "proceed", "refuse", or "handoff:<reason>".
    outcome: str = "proceed"
    facts: dict[str, Any] = field(default_factory=dict)

    def explain(self, language: str) -> str:
        """Why, for the shopper: in their language, in the shop's own wording."""
        return render(self.reason, language)

    @property
    def explanation(self) -> str:
        """Why, in the catalogue's English: what the inbox stores for the shop's agents.
        A plain function of the decision, as policy is: no database read."""
        return render(self.reason, "en", overrides={})

    @property
    def handoff_reason(self) -> str | None:
        return self.outcome.split(":", 1)[1] if self.outcome.startswith("handoff:") else None


def policy_get() -> ShopPolicy:
    policy = ShopPolicy.objects.order_by("pk").first()
    return policy if policy is not None else ShopPolicy()


CHANGEABLE = {OrderStatus.PENDING, OrderStatus.PROCESSING}


def cancel_decision(order: Order) -> Decision:
    if order.status in CHANGEABLE:
        return Decision("cancel", True, "cancel.before_shipping",
                        Say("policy.cancel.before_shipping"))
    if order.status == OrderStatus.CANCELLED:
        return Decision("cancel", False, "cancel.already_cancelled",
                        Say("policy.cancel.already_cancelled"), "refuse")
    return Decision("cancel", False, "cancel.already_shipped",
                    Say("policy.cancel.already_shipped"), "refuse")


def address_change_decision(order: Order) -> Decision:
    if order.status in CHANGEABLE:
        return Decision("change_address", True, "address.before_shipping",
                        Say("policy.address.before_shipping"))
    if order.status == OrderStatus.CANCELLED:
        return Decision("change_address", False, "address.order_cancelled",
                        Say("policy.address.order_cancelled"), "refuse")
    return Decision("change_address", False, "address.already_shipped",
                    Say("policy.address.already_shipped"), "refuse")


def items_change_decision(order: Order, changes: list[tuple[Any, Any]]) -> Decision:
    """Swapping items of an order for other variants of the same products: only before it
    ships, only within a product, only into stock. ``changes`` pairs each order item with
    the variant wanted instead."""
    if order.status not in CHANGEABLE:
        if order.status == OrderStatus.CANCELLED:
            return Decision("change_items", False, "items.order_cancelled",
                            Say("policy.items.order_cancelled"), "refuse")
        return Decision("change_items", False, "items.already_shipped",
                        Say("policy.items.already_shipped"), "refuse")
    for item, variant in changes:
        if variant.product_id != item.variant.product_id:
            return Decision("change_items", False, "items.other_product",
                            Say("policy.items.other_product"), "handoff:unsupported_request")
        if variant.stock < item.quantity:
            return Decision("change_items", False, "items.out_of_stock",
                            Say("policy.items.out_of_stock", item=str(variant)), "refuse")
    difference = sum(((v.price - i.unit_price) * i.quantity for i, v in changes), Decimal(0))
    return Decision("change_items", True, "items.before_shipping",
                    Say("policy.items.before_shipping"), facts={"difference": str(difference)})


def payment_change_decision(order: Order, policy: ShopPolicy) -> Decision:
    """Paying for an order another way: before it ships, unless the shop has a person do it."""
    if order.status not in CHANGEABLE:
        return Decision("change_payment", False, "payment.already_shipped",
                        Say("policy.payment.already_shipped"), "refuse")
    if policy.payment_change_by_person:
        return Decision("change_payment", False, "payment.by_person",
                        Say("policy.payment.by_person"), "handoff:unsupported_request")
    return Decision("change_payment", True, "payment.before_shipping",
                    Say("policy.payment.before_shipping"))


def payment_method_decision(order: Order, method: Any) -> Decision:
    """Whether this saved method can pay for the whole order."""
    if method.customer_id != order.customer_id:
        return Decision("change_payment", False, "identity.not_owner",
                        Say("policy.identity.not_owner_payment_method"), "refuse")
    if method.kind == "gift_card" and (method.balance or Decimal(0)) < order.total:
        return Decision("change_payment", False, "payment.gift_card_balance",
                        Say("policy.payment.gift_card_balance",
                            balance=Money(method.balance or Decimal(0), order.currency),
                            total=Money(order.total, order.currency)), "refuse",
                        facts={"balance": str(method.balance or 0), "total": str(order.total)})
    return Decision("change_payment", True, "payment.method_ok",
                    Say("policy.payment.method_ok"))


def delivered_at(order: Order, events: list[TrackingEvent]) -> datetime | None:
    times = [e.at for e in events if e.status == ShipmentStatus.DELIVERED]
    return max(times) if times else None


def return_decision(
    order: Order,
    items: list[OrderItem],
    policy: ShopPolicy,
    now: datetime,
    events: list[TrackingEvent],
    already_returned: dict[int, int],
    resolution: str = "refund",
    compensated: bool = False,
) -> Decision:
    """May these items of this order be returned, and who decides?

    `compensated`: the order's parcel was already refunded or replaced as missing."""
    if order.status not in {
        OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED, OrderStatus.SHIPPED
    }:
        if order.status == OrderStatus.CANCELLED:
            return Decision("return", False, "return.order_cancelled",
                            Say("policy.return.order_cancelled"), "refuse")
        if order.status == OrderStatus.RETURNED:
            return Decision("return", False, "return.already_returned",
                            Say("policy.return.already_returned"), "refuse")
        return Decision("return", False, "return.not_shipped",
                        Say("policy.return.not_shipped"), "refuse")
    arrived = delivered_at(order, events)
    if arrived is None:
        return Decision("return", False, "return.not_delivered",
                        Say("policy.return.not_delivered"), "refuse")
    if compensated:
        return Decision("return", False, "return.already_compensated",
                        Say("policy.return.already_compensated"), "refuse")
    for item in items:
        if already_returned.get(item.pk, 0) >= item.quantity:
            return Decision("return", False, "return.item_already_returned",
                            Say("policy.return.item_already_returned", item=item.variant.sku),
                            "refuse")
    value = sum((i.unit_price * i.quantity for i in items), Decimal(0))
    facts = {"value": str(value), "delivered_at": arrived.isoformat(),
             "window_days": policy.return_window_days}
    if any(i.final_sale for i in items) and not policy.final_sale_returnable:
        return Decision("return", False, "return.final_sale",
                        Say("policy.return.final_sale"), "handoff:final_sale", facts)
    deadline = arrived + timedelta(days=policy.return_window_days)
    facts["deadline"] = deadline.isoformat()
    if now > deadline:
        ended = {"days": policy.return_window_days,
                 "deadline": timezone.localtime(deadline).date()}
        if policy.allow_exceptions:
            return Decision("return", False, "return.outside_window",
                            Say("policy.return.outside_window_exception", **ended),
                            "handoff:outside_policy", facts)
        return Decision("return", False, "return.outside_window",
                        Say("policy.return.outside_window", **ended), "refuse", facts)
    if resolution in {"refund", "keep_it"} and value > policy.refund_approval_threshold:
        return Decision("return", False, "refund.above_threshold", _above_threshold(policy),
                        "handoff:high_value", facts)
    if resolution in {"refund", "keep_it"} and value <= policy.return_shipping_cost:
        return Decision("return", True, "return.keep_it",
                        Say("policy.return.keep_it"), "proceed:keep_it", facts)
    return Decision("return", True, "return.within_window",
                    Say("policy.return.within_window", days=policy.return_window_days),
                    "proceed", facts)


def missing_parcel_decision(
    order: Order, events: list[TrackingEvent], policy: ShopPolicy, now: datetime
) -> Decision:
    """A parcel marked delivered but not received, or reported lost by the carrier."""
    value = order.total
    facts = {"value": str(value)}
    lost = any(e.status == ShipmentStatus.EXCEPTION and e.exception == ExceptionKind.LOST
               for e in events)
    arrived = delivered_at(order, events)
    if not lost and arrived is None:
        return Decision("missing_parcel", False, "missing.not_delivered_yet",
                        Say("policy.missing.not_delivered_yet"), "refuse", facts)
    if arrived is not None and not lost and now - arrived > timedelta(days=DELIVERY_CLAIM_DAYS):
        return Decision("missing_parcel", False, "missing.claim_window",
                        Say("policy.missing.claim_window", days=DELIVERY_CLAIM_DAYS),
                        "handoff:outside_policy", facts)
    if value > policy.lost_parcel_value_threshold:
        return Decision("missing_parcel", False, "missing.high_value",
                        Say("policy.missing.high_value"), "handoff:lost_high_value", facts)
    return Decision("missing_parcel", True, "missing.within_policy",
                    Say("policy.missing.within_policy"), "proceed", facts)


def refund_decision(amount: Decimal, policy: ShopPolicy) -> Decision:
    if amount > policy.refund_approval_threshold:
        return Decision("refund", False, "refund.above_threshold", _above_threshold(policy),
                        "handoff:high_value", {"amount": str(amount)})
    return Decision("refund", True, "refund.within_threshold",
                    Say("policy.refund.within_threshold"), "proceed", {"amount": str(amount)})


def _above_threshold(policy: ShopPolicy) -> Say:
    return Say("policy.refund.above_threshold",
               limit=Money(policy.refund_approval_threshold, policy.currency))


def late_decision(promised_by: datetime | None, delivered: datetime | None, now: datetime,
                  policy: ShopPolicy) -> Decision:
    if promised_by is None:
        return Decision("late", False, "late.no_promise", Say("policy.late.no_promise"),
                        "refuse")
    arrived_or_now = delivered or now
    if arrived_or_now <= promised_by:
        return Decision("late", False, "late.on_time", Say("policy.late.on_time"), "refuse")
    return Decision("late", True, "late.apology_code",
                    Say("policy.late.apology_code",
                        percent=policy.late_delivery_discount_percent), "proceed",
                    {"percent": policy.late_delivery_discount_percent})
