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
from core.formatting import Money
from replies.render import Lines, Say


def _paid_with(order: Order) -> Say:
    method = order.paid_with
    if method is not None:
        return Say("bot.facts.paid_with", number=order.number, method=str(method))
    payment = next((p for p in store.payment_list_for_order(order) if p.status == "captured"),
                   None)
    if payment is None:
        return Say("bot.facts.no_payment", number=order.number)
    return Say("bot.facts.paid_by", number=order.number,
               method=payment.method.replace("_", " "))


def _address(order: Order) -> Say:
    if not order.shipping_address:
        return Say("bot.facts.no_address", number=order.number)
    return Say("bot.facts.address", number=order.number, address=order.shipping_address)


def _variant(item: Any) -> str:
    options = ", ".join(str(v) for v in (item.variant.options or {}).values())
    return f"{item.variant.product.name} ({options})" if options else item.variant.product.name


def _items(order: Order) -> Say:
    items = list(order.items.all())
    count = sum(i.quantity for i in items)
    lines = Lines(Say("bot.facts.item_line_each" if i.quantity > 1 else "bot.facts.item_line",
                      quantity=i.quantity, item=_variant(i),
                      price=Money(i.unit_price, order.currency)) for i in items)
    if count == 1:
        return Say("bot.facts.items_one", number=order.number, lines=lines)
    return Say("bot.facts.items_many", number=order.number, count=count, lines=lines)


def _total(order: Order) -> Say:
    total = Money(order.total, order.currency)
    if order.shipping_cost:
        return Say("bot.facts.total_with_delivery", number=order.number, total=total,
                   subtotal=Money(order.subtotal, order.currency),
                   delivery=Money(order.shipping_cost, order.currency))
    return Say("bot.facts.total", number=order.number, total=total)


def _tracking(order: Order) -> Say | Lines:
    shipments = [s for s in order.shipments.all() if s.tracking_number]
    if not shipments:
        return Say("bot.facts.no_tracking", number=order.number)
    return Lines((Say("bot.facts.tracking", number=order.number, carrier=fmt.carrier(s.carrier),
                      tracking=s.tracking_number) for s in shipments), sep=" ")


def _cheapest(order: Order) -> Say:
    items = sorted(order.items.all(), key=lambda i: i.unit_price)
    if not items:
        return Say("bot.facts.no_items", number=order.number)
    return Say("bot.facts.cheapest", number=order.number, item=_variant(items[0]),
               price=Money(items[0].unit_price, order.currency))


def _dearest(order: Order) -> Say:
    items = sorted(order.items.all(), key=lambda i: i.unit_price, reverse=True)
    if not items:
        return Say("bot.facts.no_items", number=order.number)
    return Say("bot.facts.dearest", number=order.number, item=_variant(items[0]),
               price=Money(items[0].unit_price, order.currency))


ANSWERS = {"paid_with": _paid_with, "address": _address, "items": _items, "total": _total,
           "tracking": _tracking, "cheapest": _cheapest, "dearest": _dearest}
# Where an order that hasn't arrived yet stands.
OPEN = {OrderStatus.PENDING: "bot.facts.open_line.pending",
        OrderStatus.PROCESSING: "bot.facts.open_line.processing",
        OrderStatus.SHIPPED: "bot.facts.open_line.shipped"}


def _open_orders(state: TurnState) -> dict[str, Any]:
    """The verified shopper's orders that haven't arrived yet, each with where it stands."""
    conv = conversation(state)
    orders = [o for o in store.order_list_for_customer(conv.customer, tracking=False)[:50]
              if o.status in OPEN]
    if not orders:
        return {"replies": [reply(Say("bot.facts.all_arrived"))]}
    lines = Lines(
        Say(OPEN[o.status], number=o.number,
            items=", ".join(i.variant.product.name for i in o.items.all()),
            placed=fmt.local(o.placed_at).date()) for o in orders)
    return {"replies": [reply(Say("bot.facts.open_orders", lines=lines))]}


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
            "replies": [reply(Lines(ANSWERS[name](order) for name in facts))]}
