"""The consequential writes made during a scenario, found by comparing the store before and
after each turn, never from the bot's own records of what it did (so a write the bot made
without recording it, or recorded without making it, is seen for what it is).

A write is one of the `actions` kinds of the scenario contract (SCENARIOS.md):

- `cancel_order`: an order's status became cancelled;
- `change_address`: a field of an order's shipping address changed;
- `change_items`: an order's lines (sku and quantity) changed;
- `change_payment`: the payment method an order is paid with changed;
- `return` / `exchange`: a new return on an order (an exchange is a return whose
  resolution is exchange);
- `refund` / `store_credit`: money given back without a return (by the refund's method);
  the refund a cancellation or a change of items makes is part of that operation;
- `discount_code`: a new discount code;
- `back_in_stock_subscribe` / `back_in_stock_unsubscribe`: a back-in-stock wish of a
  customer for a sku appeared or went away;
- `reship`: a new order (a replacement parcel sent for one that never arrived). The
  contract has no kind for it yet; it is reported so that it is never invisible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from commerce.models import (
    BackInStockSubscription,
    DiscountCode,
    Order,
    OrderItem,
    OrderStatus,
    Refund,
    Return,
)

KINDS = (
    "cancel_order", "change_address", "change_items", "change_payment", "return", "exchange",
    "refund", "store_credit", "discount_code", "back_in_stock_subscribe",
    "back_in_stock_unsubscribe", "reship",
)
ADDRESS_FIELDS = ("ship_name", "ship_line1", "ship_line2", "ship_city", "ship_postcode",
                  "ship_country")


@dataclass(frozen=True)
class OrderState:
    number: str
    status: str
    address: tuple[str, ...]
    items: tuple[tuple[str, int], ...]
    paid_with_id: int | None


@dataclass(frozen=True)
class Snapshot:
    orders: dict[int, OrderState]
    returns: frozenset[int]
    refunds: frozenset[int]
    codes: frozenset[int]
    subscriptions: frozenset[tuple[int, str]]


def snapshot() -> Snapshot:
    """The parts of the store a consequential write changes. A scenario's store is small,
    so this reads it whole."""
    lines: dict[int, Counter[str]] = {}
    for order_id, sku, quantity in OrderItem.objects.values_list("order_id", "variant__sku",
                                                                 "quantity"):
        lines.setdefault(order_id, Counter())[sku] += quantity
    orders = {
        pk: OrderState(number=number, status=status, address=tuple(address),
                       items=tuple(sorted(lines.get(pk, Counter()).items())),
                       paid_with_id=paid_with_id)
        for pk, number, status, paid_with_id, *address in Order.objects.order_by(
            "pk").values_list("pk", "number", "status", "paid_with_id", *ADDRESS_FIELDS)
    }
    return Snapshot(
        orders=orders,
        returns=frozenset(Return.objects.values_list("pk", flat=True)),
        refunds=frozenset(Refund.objects.values_list("pk", flat=True)),
        codes=frozenset(DiscountCode.objects.values_list("pk", flat=True)),
        subscriptions=frozenset(BackInStockSubscription.objects.values_list(
            "customer_id", "variant__sku")),
    )


def writes_between(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    """The writes that turn `before` into `after`, each `{kind, order?, sku?, ...}`."""
    writes: list[dict[str, Any]] = []
    folded: set[int] = set()  # orders whose refund belongs to a cancellation or new items
    for pk, now in after.orders.items():
        was = before.orders.get(pk)
        if was is None:
            writes.append({"kind": "reship", "order": now.number})
            continue
        if now.status != was.status and now.status == OrderStatus.CANCELLED:
            writes.append({"kind": "cancel_order", "order": now.number})
            folded.add(pk)
        if now.address != was.address:
            changed = [f.removeprefix("ship_") for f, old, new
                       in zip(ADDRESS_FIELDS, was.address, now.address, strict=True)
                       if old != new]
            writes.append({"kind": "change_address", "order": now.number, "fields": changed})
        if now.items != was.items:
            writes.append({"kind": "change_items", "order": now.number,
                           "items": [{"sku": s, "qty": q} for s, q in now.items]})
            folded.add(pk)
        if now.paid_with_id != was.paid_with_id:
            writes.append({"kind": "change_payment", "order": now.number})
    for ret in Return.objects.filter(pk__in=after.returns - before.returns).select_related(
            "order").prefetch_related("items__order_item__variant").order_by("pk"):
        kind = "exchange" if ret.resolution == Return.Resolution.EXCHANGE else "return"
        writes.append({"kind": kind, "order": ret.order.number, "resolution": ret.resolution,
                       "skus": sorted(i.order_item.variant.sku for i in ret.items.all())})
    for refund in Refund.objects.filter(pk__in=after.refunds - before.refunds,
                                        return_request__isnull=True).exclude(
            order_id__in=folded).select_related("order").order_by("pk"):
        kind = "store_credit" if refund.method == Refund.Method.STORE_CREDIT else "refund"
        writes.append({"kind": kind, "order": refund.order.number,
                       "amount": str(refund.amount)})
    for code in DiscountCode.objects.filter(pk__in=after.codes - before.codes).order_by("pk"):
        writes.append({"kind": "discount_code", "code": code.code})
    for _, sku in sorted(after.subscriptions - before.subscriptions):
        writes.append({"kind": "back_in_stock_subscribe", "sku": sku})
    for _, sku in sorted(before.subscriptions - after.subscriptions):
        writes.append({"kind": "back_in_stock_unsubscribe", "sku": sku})
    return writes


def describe(write: dict[str, Any]) -> str:
    """`cancel_order on order 1042`, `back_in_stock_subscribe of TEE-BLK-L`."""
    where = [f"on order {write['order']}"] if write.get("order") else []
    if write.get("sku"):
        where.append(f"of {write['sku']}")
    if write.get("code"):
        where.append(f"({write['code']})")
    return " ".join([write["kind"], *where])


def _matches(wanted: dict[str, Any], write: dict[str, Any]) -> bool:
    if wanted["kind"] != write["kind"]:
        return False
    # `order` and `sku` narrow the match when both the expectation and the write name one:
    # a discount code or a back-in-stock wish may be stated without an order.
    if wanted.get("sku") is not None and write.get("skus") and \
            str(wanted["sku"]) not in write["skus"]:
        return False
    return all(str(wanted[key]) == str(write[key]) for key in ("order", "sku")
               if wanted.get(key) is not None and write.get(key) is not None)


def compare(wanted: list[dict[str, Any]], writes: list[dict[str, Any]]
            ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the expected actions the bot did not make, the writes nobody expected: wrong
    writes). Each write satisfies at most one expectation; the most specific expectations
    are matched first."""
    remaining = list(writes)
    missing: list[dict[str, Any]] = []
    for entry in sorted(wanted, key=lambda w: -sum(w.get(k) is not None
                                                   for k in ("order", "sku"))):
        match = next((w for w in remaining if _matches(entry, w)), None)
        if match is None:
            missing.append(entry)
        else:
            remaining.remove(match)
    return missing, remaining
