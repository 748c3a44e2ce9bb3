"""Facts of the shopper's own order on request: how they paid, where it goes, what is in
it, what it cost, its tracking number. Every word of the answer comes from the order."""

from __future__ import annotations

from typing import Any

from agents.intents import Node
from agents.state import TurnState
from agents.tools.context import conversation, reply
from agents.tools.orders import order_for_turn_remembering
from commerce import selectors as store
from commerce.models import Order, OrderStatus
from core import formatting as fmt


def _paid_with(order: Order) -> str:
    method = order.paid_with
    if method is not None:
        return f"Order #{order.number} was paid with {method}."
    payment = next((p for p in store.payment_list_for_order(order) if p.status == "captured"),
                   None)
    if payment is None:
        return f"I can't see a payment taken for order #{order.number} yet."
    return f"Order #{order.number} was paid by {payment.method.replace('_', ' ')}."


def _address(order: Order) -> str:
    if not order.shipping_address:
        return f"Order #{order.number} has no delivery address on it."
    return f"Order #{order.number} is addressed to {order.shipping_address}."


def _variant(item: Any) -> str:
    options = ", ".join(str(v) for v in (item.variant.options or {}).values())
    return f"{item.variant.product.name} ({options})" if options else item.variant.product.name


def _items(order: Order) -> str:
    items = list(order.items.all())
    count = sum(i.quantity for i in items)
    lines = "\n".join(f"- {i.quantity} × {_variant(i)}, {fmt.money(i.unit_price, order.currency)}"
                      f"{' each' if i.quantity > 1 else ''}" for i in items)
    return (f"Order #{order.number} has {count} item{'s' if count != 1 else ''}:\n{lines}")


def _total(order: Order) -> str:
    shipping = (f" ({fmt.money(order.subtotal, order.currency)} for the items and "
                f"{fmt.money(order.shipping_cost, order.currency)} delivery)"
                if order.shipping_cost else "")
    return f"Order #{order.number} came to {fmt.money(order.total, order.currency)}{shipping}."


def _tracking(order: Order) -> str:
    shipments = [s for s in order.shipments.all() if s.tracking_number]
    if not shipments:
        return (f"Order #{order.number} hasn't been handed to a carrier yet, so it has no "
                "tracking number.")
    return " ".join(f"Order #{order.number} is with {fmt.carrier(s.carrier)}, tracking number "
                    f"{s.tracking_number}." for s in shipments)


def _cheapest(order: Order) -> str:
    items = sorted(order.items.all(), key=lambda i: i.unit_price)
    if not items:
        return f"Order #{order.number} has no items."
    return (f"The cheapest item in order #{order.number} is {_variant(items[0])} at "
            f"{fmt.money(items[0].unit_price, order.currency)}.")


def _dearest(order: Order) -> str:
    items = sorted(order.items.all(), key=lambda i: i.unit_price, reverse=True)
    if not items:
        return f"Order #{order.number} has no items."
    return (f"The most expensive item in order #{order.number} is {_variant(items[0])} at "
            f"{fmt.money(items[0].unit_price, order.currency)}.")


ANSWERS = {"paid_with": _paid_with, "address": _address, "items": _items, "total": _total,
           "tracking": _tracking, "cheapest": _cheapest, "dearest": _dearest}
OPEN = {OrderStatus.PENDING: "waiting for payment", OrderStatus.PROCESSING: "being prepared",
        OrderStatus.SHIPPED: "on its way"}


def _open_orders(state: TurnState) -> dict[str, Any]:
    """The verified shopper's orders that haven't arrived yet, each with where it stands."""
    conv = conversation(state)
    orders = [o for o in store.order_list_for_customer(conv.customer, tracking=False)[:50]
              if o.status in OPEN]
    if not orders:
        return {"replies": [reply("All your orders have arrived — none is still on its way.")]}
    lines = "\n".join(
        f"- #{o.number} ({', '.join(i.variant.product.name for i in o.items.all())}), placed "
        f"{fmt.day(o.placed_at)}: {OPEN[o.status]}" for o in orders)
    return {"replies": [reply(f"These orders haven't arrived yet:\n{lines}")]}


def order_facts(state: TurnState) -> dict[str, Any]:
    facts = [name for name in state.get("facts") or [] if name in ANSWERS]
    if "open_orders" in (state.get("facts") or []) and conversation(state).is_verified:
        return _open_orders(state)
    lookup = order_for_turn_remembering(state, "order_status", Node.ORDER_FACTS,
                                        facts=facts)
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    if not facts:
        return {**lookup.update, **_open_orders(state)}
    return {**lookup.update,
            "replies": [reply("\n".join(ANSWERS[name](order) for name in facts))]}
