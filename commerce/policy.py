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

# How long after a "delivered" scan a missing parcel can still be claimed.
DELIVERY_CLAIM_DAYS = 14

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def _money(amount: Decimal, currency: str) -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    value = Decimal(amount).quantize(Decimal("0.01"))
    return f"{symbol}{value:,}" if symbol else f"{value:,} {currency}"


def _day(moment: datetime) -> str:
    """The shop's local date, as the shopper reads it: 'Wednesday 4 November'."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B}"


@dataclass(frozen=True)
class Decision:
    action: str
    allowed: bool
    rule: str
    explanation: str
    # What follows: "proceed", "refuse", or "handoff:<reason>".
    outcome: str = "proceed"
    facts: dict[str, Any] = field(default_factory=dict)

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
                        "Orders can be cancelled until they are handed to the carrier.")
    if order.status == OrderStatus.CANCELLED:
        return Decision("cancel", False, "cancel.already_cancelled",
                        "The order is already cancelled.", "refuse")
    return Decision("cancel", False, "cancel.already_shipped",
                    "The order has left our warehouse, so it can no longer be cancelled; "
                    "it can be returned once it arrives.", "refuse")


def address_change_decision(order: Order) -> Decision:
    if order.status in CHANGEABLE:
        return Decision("change_address", True, "address.before_shipping",
                        "The address can be changed until the order is handed to the carrier.")
    if order.status == OrderStatus.CANCELLED:
        return Decision("change_address", False, "address.order_cancelled",
                        "The order is cancelled.", "refuse")
    return Decision("change_address", False, "address.already_shipped",
                    "The parcel is already with the carrier, so its address can't be changed "
                    "from here.", "refuse")


def items_change_decision(order: Order, changes: list[tuple[Any, Any]]) -> Decision:
    """Swapping items of an order for other variants of the same products: only before it
    ships, only within a product, only into stock. ``changes`` pairs each order item with
    the variant wanted instead."""
    if order.status not in CHANGEABLE:
        return Decision("change_items", False, "items.already_shipped" if order.status not in {
            OrderStatus.CANCELLED} else "items.order_cancelled",
            "The order has left our warehouse, so its items can't be changed; it can be "
            "returned or exchanged once it arrives." if order.status != OrderStatus.CANCELLED
            else "The order is cancelled.", "refuse")
    for item, variant in changes:
        if variant.product_id != item.variant.product_id:
            return Decision("change_items", False, "items.other_product",
                            "An item can only be changed for another size or colour of the "
                            "same product.", "handoff:unsupported_request")
        if variant.stock < item.quantity:
            return Decision("change_items", False, "items.out_of_stock",
                            f"{variant} is out of stock.", "refuse")
    difference = sum(((v.price - i.unit_price) * i.quantity for i, v in changes), Decimal(0))
    return Decision("change_items", True, "items.before_shipping",
                    "Items can be changed for another size or colour until the order is "
                    "handed to the carrier; the price difference is charged or refunded to the "
                    "original payment method.", facts={"difference": str(difference)})


def payment_change_decision(order: Order, policy: ShopPolicy) -> Decision:
    """Paying for an order another way: before it ships, unless the shop has a person do it."""
    if order.status not in CHANGEABLE:
        return Decision("change_payment", False, "payment.already_shipped",
                        "The order has already been handed to the carrier, so its payment "
                        "can't be changed any more.", "refuse")
    if policy.payment_change_by_person:
        return Decision("change_payment", False, "payment.by_person",
                        "A colleague changes payment methods for us.",
                        "handoff:unsupported_request")
    return Decision("change_payment", True, "payment.before_shipping",
                    "The payment method can be changed until the order is handed to the "
                    "carrier, to another method saved on the account.")


def payment_method_decision(order: Order, method: Any) -> Decision:
    """Whether this saved method can pay for the whole order."""
    if method.customer_id != order.customer_id:
        return Decision("change_payment", False, "identity.not_owner",
                        "That payment method isn't on your account.", "refuse")
    if method.kind == "gift_card" and (method.balance or Decimal(0)) < order.total:
        return Decision("change_payment", False, "payment.gift_card_balance",
                        f"the gift card has {method.balance or Decimal(0):.2f} left, less "
                        f"than the order's {order.total:.2f}.", "refuse",
                        facts={"balance": str(method.balance or 0), "total": str(order.total)})
    return Decision("change_payment", True, "payment.method_ok",
                    "The method is saved on the account and can pay for the order.")


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
                            "The order was cancelled, so there is nothing to return.", "refuse")
        if order.status == OrderStatus.RETURNED:
            return Decision("return", False, "return.already_returned",
                            "Everything on this order has already been returned.", "refuse")
        return Decision("return", False, "return.not_shipped",
                        "The order hasn't shipped yet; it can be cancelled instead.", "refuse")
    arrived = delivered_at(order, events)
    if arrived is None:
        return Decision("return", False, "return.not_delivered",
                        "A return can start once the parcel has been delivered.", "refuse")
    if compensated:
        return Decision("return", False, "return.already_compensated",
                        "This parcel was reported missing and has already been refunded or "
                        "replaced, so there's nothing to return; a person can help if it has "
                        "since turned up.", "refuse")
    for item in items:
        if already_returned.get(item.pk, 0) >= item.quantity:
            return Decision("return", False, "return.item_already_returned",
                            f"{item.variant.sku} has already been returned.", "refuse")
    value = sum((i.unit_price * i.quantity for i in items), Decimal(0))
    facts = {"value": str(value), "delivered_at": arrived.isoformat(),
             "window_days": policy.return_window_days}
    if any(i.final_sale for i in items) and not policy.final_sale_returnable:
        return Decision("return", False, "return.final_sale",
                        "Final-sale items can't be returned; only a person can make an exception.",
                        "handoff:final_sale", facts)
    deadline = arrived + timedelta(days=policy.return_window_days)
    facts["deadline"] = deadline.isoformat()
    if now > deadline:
        if policy.allow_exceptions:
            return Decision("return", False, "return.outside_window",
                            f"The {policy.return_window_days}-day return window ended on "
                            f"{_day(deadline)}; a person can consider an exception.",
                            "handoff:outside_policy", facts)
        return Decision("return", False, "return.outside_window",
                        f"The {policy.return_window_days}-day return window ended on "
                        f"{_day(deadline)}.", "refuse", facts)
    limit = _money(policy.refund_approval_threshold, policy.currency)
    if resolution in {"refund", "keep_it"} and value > policy.refund_approval_threshold:
        return Decision("return", False, "refund.above_threshold",
                        f"Refunds above {limit} "
                        "need a person's approval.", "handoff:high_value", facts)
    if resolution in {"refund", "keep_it"} and value <= policy.return_shipping_cost:
        return Decision("return", True, "return.keep_it",
                        "Sending this back would cost more than the item; it is refunded "
                        "without a return.", "proceed:keep_it", facts)
    return Decision("return", True, "return.within_window",
                    f"Within the {policy.return_window_days}-day return window.", "proceed", facts)


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
                        "The carrier has not marked it delivered yet.", "refuse", facts)
    if arrived is not None and not lost and now - arrived > timedelta(days=DELIVERY_CLAIM_DAYS):
        return Decision("missing_parcel", False, "missing.claim_window",
                        f"Missing parcels must be reported within {DELIVERY_CLAIM_DAYS} days "
                        "of the delivery scan.", "handoff:outside_policy", facts)
    if value > policy.lost_parcel_value_threshold:
        return Decision("missing_parcel", False, "missing.high_value",
                        "A missing parcel of this value is investigated by a person.",
                        "handoff:lost_high_value", facts)
    return Decision("missing_parcel", True, "missing.within_policy",
                    "We can send a replacement or refund a missing parcel of this value.",
                    "proceed", facts)


def refund_decision(amount: Decimal, policy: ShopPolicy) -> Decision:
    if amount > policy.refund_approval_threshold:
        limit = _money(policy.refund_approval_threshold, policy.currency)
        return Decision("refund", False, "refund.above_threshold",
                        f"Refunds above {limit} "
                        "need a person's approval.", "handoff:high_value", {"amount": str(amount)})
    return Decision("refund", True, "refund.within_threshold",
                    "Within what the bot may refund alone.", "proceed", {"amount": str(amount)})


def late_decision(promised_by: datetime | None, delivered: datetime | None, now: datetime,
                  policy: ShopPolicy) -> Decision:
    if promised_by is None:
        return Decision("late", False, "late.no_promise", "No delivery date was promised.",
                        "refuse")
    arrived_or_now = delivered or now
    if arrived_or_now <= promised_by:
        return Decision("late", False, "late.on_time", "On time against the promise.", "refuse")
    return Decision("late", True, "late.apology_code",
                    f"Late against the promised date: a {policy.late_delivery_discount_percent}% "
                    "apology code.", "proceed",
                    {"percent": policy.late_delivery_discount_percent})
