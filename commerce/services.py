"""Writes to the store's data. Every function re-checks ownership, status and policy
itself, whatever its caller already checked."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F

from commerce import policy as rules
from commerce import selectors, signals, tracking
from commerce.labels import return_label_render
from commerce.models import (
    DiscountCode,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Refund,
    Return,
    ReturnItem,
    Shipment,
    ShipmentStatus,
    TrackingEvent,
    Variant,
)
from core import clock
from core.models import Customer
from replies.render import Say


class ActionRefused(Exception):
    def __init__(self, decision: rules.Decision):
        super().__init__(decision.explanation)
        self.decision = decision


def _check_owner(order: Order, customer: Customer) -> None:
    if order.customer_id != customer.pk:
        raise ActionRefused(rules.Decision(
            "ownership", False, "identity.not_owner", Say("policy.identity.not_owner"),
            "refuse"))


# Card refunds reach the shopper's bank a few working days after we send them.
REFUND_DAYS = {Refund.Method.ORIGINAL_PAYMENT: 5, Refund.Method.STORE_CREDIT: 0}


def _refund(order: Order, amount: Decimal, method: str, reason: str, key: str,
            actor: str, ret: Return | None = None) -> Refund:
    now = clock.now()
    instant = method == Refund.Method.STORE_CREDIT
    refund, _ = Refund.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "order": order, "return_request": ret, "amount": amount, "method": method,
            "status": Refund.Status.COMPLETED if instant else Refund.Status.PROCESSING,
            "reason": reason, "decided_by": actor, "created_at": now,
            "expected_by": now + timedelta(days=REFUND_DAYS[method]),
            "completed_at": now if instant else None,
        },
    )
    return refund


@transaction.atomic
def order_cancel(order: Order, customer: Customer, *, key: str, reason: str = "",
                 actor: str = "bot") -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    decision = rules.cancel_decision(order)
    if not decision.allowed:
        raise ActionRefused(decision)
    order.status = OrderStatus.CANCELLED
    order.cancelled_at = clock.now()
    order.cancel_reason = reason[:200]
    order.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    for item in order.items.all():
        variant_stock_add(item.variant_id, item.quantity)
    paid = sum((p.amount for p in order.payments.filter(status=Payment.Status.CAPTURED)),
               Decimal(0))
    if paid > 0:
        _refund(order, paid, Refund.Method.ORIGINAL_PAYMENT, "Order cancelled",
                f"{key}:refund", actor)
    return order


@transaction.atomic
def order_items_change(order: Order, customer: Customer, changes: dict[int, Variant], *,
                       key: str, actor: str = "bot") -> Decimal:
    """Swap order items (by id) for other variants of the same products before the order
    ships: stock moves with them, and the price difference is charged to, or refunded to,
    the original payment method. Returns the difference (positive: charged). Idempotent
    by ``key``."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    done = Payment.objects.filter(reference=f"{key}:difference").first() or \
        Refund.objects.filter(idempotency_key=f"{key}:difference").first()
    items = {i.pk: i for i in order.items.select_related("variant__product")}
    if all(items.get(pk) is not None and items[pk].variant_id == v.pk
           for pk, v in changes.items()):
        return done.amount if isinstance(done, Payment) else -done.amount if done else Decimal(0)
    pairs = [(items[pk], variant) for pk, variant in changes.items() if pk in items]
    decision = rules.items_change_decision(order, pairs)
    if not decision.allowed or len(pairs) != len(changes):
        raise ActionRefused(decision)
    difference = Decimal(0)
    for item, variant in pairs:
        if Variant.objects.filter(pk=variant.pk, stock__gte=item.quantity).update(
                stock=F("stock") - item.quantity) != 1:
            raise ActionRefused(rules.Decision(
                "change_items", False, "items.out_of_stock",
                Say("policy.items.out_of_stock", item=str(variant)), "refuse"))
        variant_stock_add(item.variant_id, item.quantity)
        difference += (variant.price - item.unit_price) * item.quantity
        item.variant, item.unit_price = variant, variant.price
        item.save(update_fields=["variant", "unit_price"])
    if difference > 0:
        Payment.objects.create(order=order, amount=difference, reference=f"{key}:difference",
                               method=_payment_method(order))
    elif difference < 0:
        _refund(order, -difference, Refund.Method.ORIGINAL_PAYMENT,
                "Price difference of an item change", f"{key}:difference", actor)
    return difference


@transaction.atomic
def order_payment_change(order: Order, customer: Customer, method: PaymentMethod, *,
                         key: str, actor: str = "bot") -> Order:
    """Pay for an order that hasn't shipped with another method saved on the account.
    Idempotent: asking again for the method already set changes nothing."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    if order.paid_with_id == method.pk:
        return order
    for decision in (rules.payment_change_decision(order, rules.policy_get()),
                     rules.payment_method_decision(order, method)):
        if not decision.allowed:
            raise ActionRefused(decision)
    order.paid_with = method
    order.save(update_fields=["paid_with"])
    return order


def _payment_method(order: Order) -> str:
    first = order.payments.order_by("created_at").first()
    return first.method if first is not None else "card"


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    postcode: str
    line2: str = ""
    country: str = ""


@transaction.atomic
def order_address_change(order: Order, customer: Customer, address: Address, *,
                         actor: str = "bot") -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    decision = rules.address_change_decision(order)
    if not decision.allowed:
        raise ActionRefused(decision)
    if not (address.line1 and address.postcode):
        raise ActionRefused(rules.Decision("change_address", False, "address.incomplete",
                                           Say("policy.address.incomplete"), "refuse"))
    order.ship_line1 = address.line1[:200]
    order.ship_line2 = address.line2[:200]
    order.ship_city = address.city[:100]
    order.ship_postcode = address.postcode.upper()[:20]
    if address.country:
        order.ship_country = address.country[:2].upper()
    order.save()
    return order


def _return_number(order: Order) -> str:
    existing = order.returns.count()
    return f"R-{order.number}-{existing + 1}"


def _return_tracking(number: str) -> str:
    digest = hashlib.sha1(number.encode()).hexdigest()
    digits = str(int(digest[:12], 16))[:9].rjust(9, "0")
    return f"RT{digits}GB"


@dataclass(frozen=True)
class ReturnLine:
    item: OrderItem
    quantity: int = 1
    exchange_for: Variant | None = None


@transaction.atomic
def return_create(order: Order, customer: Customer, lines: list[ReturnLine], *, resolution: str,
                  reason: str, key: str, actor: str = "bot", approved: bool = False) -> Return:
    """Start a return. `approved` is a person's approval of what policy sends to a human."""
    existing = Return.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    items = [line.item for line in lines]
    if any(i.order_id != order.pk for i in items) or not items:
        raise ActionRefused(rules.Decision("return", False, "return.items_not_on_order",
                                           Say("policy.return.items_not_on_order"), "refuse"))
    policy = rules.policy_get()
    decision = rules.return_decision(
        order, items, policy, clock.now(), selectors.order_events(order),
        selectors.returned_quantities(order), resolution,
        compensated=bool(selectors.missing_parcel_remedy(order)[0]))
    if not decision.allowed and not (approved and decision.handoff_reason):
        raise ActionRefused(decision)
    if decision.outcome == "proceed:keep_it" and resolution == Return.Resolution.REFUND:
        resolution = Return.Resolution.KEEP_IT
    for line in lines:
        if line.exchange_for is not None:
            updated = Variant.objects.filter(pk=line.exchange_for.pk, stock__gte=line.quantity
                                             ).update(stock=F("stock") - line.quantity)
            if not updated:
                raise ActionRefused(rules.Decision(
                    "exchange", False, "exchange.out_of_stock",
                    Say("policy.exchange.out_of_stock", item=line.exchange_for.sku), "refuse"))
    number = _return_number(order)
    needs_label = resolution != Return.Resolution.KEEP_IT
    ret = Return.objects.create(
        order=order, number=number, resolution=resolution, reason=reason[:120],
        status=Return.Status.LABEL_SENT if needs_label else Return.Status.CLOSED,
        carrier="royal_mail" if needs_label else "",
        tracking_number=_return_tracking(number) if needs_label else "",
        idempotency_key=key, created_at=clock.now(),
    )
    for line in lines:
        ReturnItem.objects.create(return_request=ret, order_item=line.item,
                                  quantity=line.quantity, exchange_for=line.exchange_for)
    value = sum((line.item.unit_price * line.quantity for line in lines), Decimal(0))
    if resolution == Return.Resolution.KEEP_IT:
        _refund(order, value, Refund.Method.ORIGINAL_PAYMENT, "Kept: returnless refund",
                f"{key}:refund", actor, ret)
    elif resolution == Return.Resolution.STORE_CREDIT:
        _refund(order, value, Refund.Method.STORE_CREDIT, "Return for store credit",
                f"{key}:refund", actor, ret)
    if needs_label:
        path = return_label_render(ret)
        ret.label_file = str(path.relative_to(settings.MEDIA_ROOT))
        ret.save(update_fields=["label_file"])
    return ret


@transaction.atomic
def missing_parcel_resolve(order: Order, customer: Customer, *, remedy: str, key: str,
                           actor: str = "bot", approved: bool = False) -> dict[str, str]:
    """A parcel that never arrived: send it again or refund it, within policy."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    _check_owner(order, customer)
    done, earlier = selectors.missing_parcel_remedy(order)
    replay = Refund.objects.filter(idempotency_key=f"{key}:refund").first()
    if replay is not None:
        return {"remedy": "refund", "amount": str(replay.amount)}
    if done:
        # One parcel, one remedy: never a refund on top of a replacement or the reverse.
        raise ActionRefused(rules.Decision(
            "missing_parcel", False, "missing.already_resolved",
            Say("policy.missing.already_refunded") if done == "refund" else
            Say("policy.missing.already_replaced", number=earlier.number), "refuse"))
    decision = rules.missing_parcel_decision(
        order, selectors.order_events(order), rules.policy_get(), clock.now())
    if not decision.allowed and not (approved and decision.handoff_reason):
        raise ActionRefused(decision)
    if remedy == "refund":
        refund = _refund(order, order.total, Refund.Method.ORIGINAL_PAYMENT,
                         selectors.MISSING_PARCEL_REFUND_REASON, f"{key}:refund", actor)
        return {"remedy": "refund", "amount": str(refund.amount)}
    replacement = reship_create(order, key=key)
    return {"remedy": "reship", "order": replacement.number}


def reship_create(order: Order, *, key: str) -> Order:
    number = f"{order.number}-R"
    existing = Order.objects.filter(number=number).first()
    if existing is not None:
        return existing
    replacement = Order.objects.create(
        number=number, customer=order.customer, status=OrderStatus.PROCESSING,
        placed_at=clock.now(), email=order.email, phone=order.phone, currency=order.currency,
        ship_name=order.ship_name, ship_line1=order.ship_line1, ship_line2=order.ship_line2,
        ship_city=order.ship_city, ship_postcode=order.ship_postcode,
        ship_country=order.ship_country,
    )
    for item in order.items.all():
        OrderItem.objects.create(order=replacement, variant=item.variant,
                                 quantity=item.quantity, unit_price=Decimal(0))
        Variant.objects.filter(pk=item.variant_id).update(stock=F("stock") - item.quantity)
    return replacement


@transaction.atomic
def refund_create(order: Order, customer: Customer, amount: Decimal, *, reason: str, key: str,
                  actor: str = "bot", approved: bool = False,
                  method: str = Refund.Method.ORIGINAL_PAYMENT) -> Refund:
    """Money back without a return, to the original payment method or as store credit.
    Idempotent by ``key``."""
    _check_owner(order, customer)
    replay = Refund.objects.filter(idempotency_key=key).first()
    if replay is not None:
        return replay
    decision = rules.refund_decision(amount, rules.policy_get())
    if not decision.allowed and not approved:
        raise ActionRefused(decision)
    return _refund(order, amount, method, reason, key, actor)


def apology_code_create(order: Order, percent: int) -> DiscountCode:
    code = f"SORRY-{order.number}"
    discount, _ = DiscountCode.objects.get_or_create(
        code=code,
        defaults={"kind": DiscountCode.Kind.PERCENT, "value": Decimal(percent),
                  "usage_limit": 1, "valid_from": clock.now(),
                  "valid_until": clock.now() + timedelta(days=90),
                  "description": f"Apology for late order #{order.number}"},
    )
    return discount


def variant_stock_add(variant_id: int, quantity: int) -> int:
    """Put units back on the shelf (a cancelled order, an item swapped out); the new stock."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE commerce_variant SET stock = stock + %s WHERE id = %s "
                       "RETURNING stock", [quantity, variant_id])
        row = cursor.fetchone()
    if row is None:
        return 0
    _stock_changed(variant_id, row[0] - quantity, row[0])
    return row[0]


@transaction.atomic
def variant_stock_set(variant: Variant, stock: int) -> Variant:
    """The stock count as the shop says it is now (the admin, the shop platform)."""
    old = Variant.objects.select_for_update().filter(pk=variant.pk).values_list(
        "stock", flat=True).first()
    variant.stock = stock
    variant.save()
    _stock_changed(variant.pk, old if old is not None else 0, stock)
    return variant


def _stock_changed(variant_id: int, old: int, new: int) -> None:
    # A variant back from nothing starts the back-in-stock campaign of its waiting shoppers
    # (campaigns listens: the store announces, the apps above it act).
    signals.stock_changed.send(sender=Variant, variant_id=variant_id, old=old, new=new)


def shipment_tracking_refresh(shipment: Shipment) -> int:
    """Store the carrier's checkpoints this shipment doesn't have yet; how many were new.
    Raises tracking.TrackingUnavailable when the carrier can't be read in time."""
    checkpoints = tracking.checkpoints_fetch(shipment.carrier, shipment.tracking_number)
    return shipment_checkpoints_store(shipment, checkpoints)


@transaction.atomic
def shipment_checkpoints_store(shipment: Shipment, checkpoints: list[tracking.Checkpoint]) -> int:
    """A carrier's update (its webhook, the reconciliation poll, a live refresh): store
    the checkpoints the shipment doesn't have yet, mark a shipped order delivered once the
    carrier delivered it, and hand the shipment to the alerts; how many were new."""
    known = {(e.at, e.status, e.location) for e in shipment.events.all()}
    new = [TrackingEvent(shipment=shipment, at=c.at, status=c.status, exception=c.exception,
                         location=c.location, detail=c.detail, carrier_code=c.code)
           for c in checkpoints if (c.at, c.status, c.location) not in known]
    TrackingEvent.objects.bulk_create(new)
    if not new:
        return 0
    latest = shipment.events.order_by("-at", "-pk").first()
    if latest is not None and latest.status == ShipmentStatus.DELIVERED:
        Order.objects.filter(pk=shipment.order_id, status=OrderStatus.SHIPPED).update(
            status=OrderStatus.DELIVERED)
    signals.shipment_tracked.send(sender=Shipment, shipment=shipment, new=new)
    return len(new)


@dataclass(frozen=True)
class CarrierUpdate:
    """A carrier's news about one parcel, as its tracking service sent it."""

    carrier: str
    tracking_number: str
    checkpoints: list[tracking.Checkpoint]


def shipment_carrier_update(update: CarrierUpdate) -> int | None:
    """Store a carrier's webhook update; None when no shipment has that tracking number
    (someone else's parcel on the same tracking account: nothing to store)."""
    shipment = Shipment.objects.filter(tracking_number=update.tracking_number).first()
    if shipment is None:
        return None
    return shipment_checkpoints_store(shipment, update.checkpoints)
