"""Finding the verified shopper's orders a message is about, and saying where one stands.

Reads only, through the turn context (``agents.context``) over ``commerce.selectors``. A
step that needs an order from a shopper not verified yet is handed to the verification
gate (``proof_needed``); nothing here checks identity itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langgraph.types import Command

from agents.context import turn
from agents.intents import Node, likely_statuses, node_for
from agents.nlu.cues import (
    cheaper_one,
    dearer_one,
    excluded_part,
    order_numbers,
    other_one,
)
from agents.nlu.words import said_stems, stems
from agents.state import TurnState
from agents.tools.context import memory, reply
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import ExceptionKind, Order, OrderStatus, ShipmentStatus, TrackingEvent
from conversations.models import Conversation
from core import formatting as fmt
from core.models import KNOWLEDGE_PROOFS
from replies.render import Say, Since


def code_needed(conversation: Conversation) -> bool:
    """The shop wants a one-time code before an address change, and this shopper proved
    who they are only with what they know."""
    return (conversation.verified_via in KNOWLEDGE_PROOFS
            and rules.policy_get().address_change_requires_code)


def proof_needed(node: str, *, memory: dict[str, Any] | None = None,
                 ask: Say | str = "") -> Command:
    """Hand the turn to the verification gate, which comes back to ``node`` once the
    shopper is verified (or asks for proof, with ``ask`` if given, and ends the turn)."""
    update: dict[str, Any] = {"route": node, "proof_prompt": ask}
    if memory is not None:
        update["memory"] = memory
    return Command(goto=Node.VERIFY, update=update)


@dataclass
class OrderLookup:
    """The order found, with the memory update that keeps it in view; or no order, with
    the reply to give (or the hand-over to the gate) instead."""

    order: Order | None
    update: Any  # dict[str, Any], or a Command handing the turn to the gate


def order_for_turn_remembering(state: TurnState, intent: str, node: str,
                               **asked: Any) -> OrderLookup:
    """order_for_turn for a request that must survive the proof of identity: what was
    asked is kept in memory while the gate asks for proof, and dropped once answered."""
    ctx = turn()
    if not ctx.verified:
        mem = memory(state)
        mem.update(asked)
        return OrderLookup(None, proof_needed(node, memory=mem))
    lookup = order_for_turn(state, intent, node)
    if lookup.order is None:
        return lookup
    mem = dict(lookup.update.get("memory") or memory(state))
    for key in asked:
        mem.pop(key, None)
    return OrderLookup(lookup.order, {**lookup.update, "memory": mem})


def order_for_turn(state: TurnState, intent: str, node: str = "") -> OrderLookup:
    """The verified customer's order this turn is about. For a shopper not verified yet, or
    an address change that needs a one-time code first, the turn is handed to the
    verification gate, which comes back to ``node`` (the intent's own step by default)."""
    ctx = turn()
    entities = state.get("entities") or {}
    mem = memory(state)
    number = entities.get("order_number") or ""
    if not ctx.verified or (intent == "change_address" and code_needed(ctx.conversation)):
        return OrderLookup(None, proof_needed(node or node_for(intent)))
    if number:
        order = ctx.own_order(number)
        if order is None:
            # Same words whether the order exists or belongs to someone else.
            return OrderLookup(None, {"replies": [reply(
                Say("bot.lookup.not_found", number=number))]})
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    orders = ctx.recent_orders()
    text = state.get("message_text") or state.get("text", "")
    relative = _order_relative(orders, intent, text, mem.get("order") or "")
    if relative is not None:
        order = ctx.order(relative.number)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    left_out = excluded_part(text)
    named = _orders_named(orders, text.replace(left_out, " ") if left_out else text)
    if named:
        order = ctx.order(_likeliest(named, intent).number)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    if mem.get("order"):
        order = ctx.own_order(mem["order"])
        if order is not None:
            return OrderLookup(order, {"memory": mem})
    order = ctx.order(_likeliest(orders, intent).number) if orders else None
    if order is None:
        return OrderLookup(None, {"replies": [reply(Say("bot.lookup.no_orders"))]})
    mem["order"] = order.number
    return OrderLookup(order, {"memory": mem})


NOT_NAMES = {"order", "orders", "item", "items", "the", "and", "one", "size", "colour", "color",
             "from", "with", "for", "return", "back", "send", "cancel", "refund"}


def _order_relative(orders: list[Order], intent: str, text: str,
                    current: str) -> Order | None:
    """The order meant by "the other one" (not the one in view), or "the cheaper / dearer
    of the two" (among those this request concerns)."""
    candidates = [o for o in orders
                  if o.status in likely_statuses(intent)[:2]] or orders
    if other_one(text) and current:
        named = _orders_named([o for o in orders if o.number != current], text)
        others = named or [o for o in candidates if o.number != current]
        return _likeliest(others, intent) if others else None
    if cheaper_one(text) and len(candidates) >= 2:
        return min(candidates, key=lambda o: o.total)
    if dearer_one(text) and len(candidates) >= 2:
        return max(candidates, key=lambda o: o.total)
    return None


def orders_in_set(state: TurnState, intent: str) -> list[Order]:
    """The verified customer's orders a message names as a set: several numbers, or
    "both" / "all my unshipped orders" (those in the statuses the request concerns), less
    the ones it leaves out ("except the boots")."""
    text = state.get("text", "")
    orders = turn().recent_orders()
    left_out = excluded_part(text)
    asked = text.replace(left_out, " ") if left_out else text
    numbers = order_numbers(asked)
    if len(numbers) >= 2:
        chosen = [o for o in orders if o.number in numbers]
    else:
        statuses = likely_statuses(intent)[:2]
        chosen = [o for o in orders if o.status in statuses]
    if left_out:
        out = order_numbers(left_out)
        named = out or {o.number for o in _orders_named(chosen, left_out)}
        chosen = [o for o in chosen if o.number not in named]
    return [turn().order(o.number) for o in chosen]


def _likeliest(orders: list[Order], intent: str) -> Order:
    """The newest order in the status this request most often concerns (orders come
    newest first)."""
    for status in likely_statuses(intent):
        for order in orders:
            if order.status == status:
                return order
    return orders[0]


def _orders_named(orders: list[Order], text: str) -> list[Order]:
    """The orders holding a product the shopper names ("the tee", "my rain jacket")."""
    said = said_stems(text) - NOT_NAMES
    if not said:
        return []
    scored = []
    for order in orders:
        best = 0
        for item in order.items.all():
            product = item.variant.product
            names = stems(f"{product.name} {product.kind}") - NOT_NAMES
            best = max(best, len(names & said))
        if best:
            scored.append((best, order))
    if not scored:
        return []
    top = max(b for b, _ in scored)
    return [o for b, o in scored if b == top]



# What the carrier reports about a parcel that isn't moving, and what happens next, by the
# kind of exception it scanned.
EXCEPTION_SAID = {
    "address_issue": ("bot.order_state.exception_address", "bot.order_state.next_address"),
    "weather_delay": ("bot.order_state.exception_weather", "bot.order_state.next_weather"),
    "customs_hold": ("bot.order_state.exception_customs", "bot.order_state.next_customs"),
    "damaged": ("bot.order_state.exception_damaged", "bot.order_state.next_damaged"),
    "lost": ("bot.order_state.exception_lost", ""),
    "held_at_depot": ("bot.order_state.exception_depot", "bot.order_state.next_depot"),
    "carrier_delay": ("bot.order_state.exception_carrier_delay",
                      "bot.order_state.next_carrier_delay"),
}

STATUS_SAID = {
    OrderStatus.PENDING: "bot.order_state.status_pending",
    OrderStatus.PROCESSING: "bot.order_state.status_processing",
    OrderStatus.SHIPPED: "bot.order_state.status_shipped",
    OrderStatus.DELIVERED: "bot.order_state.status_delivered",
    OrderStatus.CANCELLED: "bot.order_state.status_cancelled",
    OrderStatus.RETURNED: "bot.order_state.status_returned",
    OrderStatus.PARTIALLY_RETURNED: "bot.order_state.status_partially_returned",
}

RETURNED_SAID = {
    OrderStatus.RETURNED: "bot.order_state.since_returned",
    OrderStatus.PARTIALLY_RETURNED: "bot.order_state.since_partly_returned",
}


def _item_names(order: Order) -> Say | str:
    names = [i.variant.product.name for i in order.items.all()]
    if not names:
        return ""
    return names[0] if len(names) == 1 else Say("bot.order_state.items_and_more",
                                                first=names[0], more=len(names) - 1)


def _your_order(order: Order, *, inside: bool = False) -> Say:
    """"Your order #1042 (Harbour Tee)": the subject of a sentence, or within one."""
    items = _item_names(order)
    key = ({True: "bot.order_state.your_order_lower_items",
            False: "bot.order_state.your_order_lower"} if inside else
           {True: "bot.order_state.your_order_items", False: "bot.order_state.your_order"})
    return Say(key[bool(items)], number=order.number, items=items)


def order_said(order: Order) -> tuple[list[Say], TrackingEvent | None, bool]:
    """Where the order stands (its messages), the latest scan, and whether something is
    wrong."""
    said, last, problem = _delivery_said(order)
    parts = [said]
    if order.status in RETURNED_SAID:
        parts.append(Say(RETURNED_SAID[order.status]))
    return parts, last, problem


def _place(location: str) -> Say | str:
    return location.strip() or Say("bot.order_state.unnamed_place")


def _delivery_said(order: Order) -> tuple[Say, TrackingEvent | None, bool]:
    label = _your_order(order)
    if order.status == OrderStatus.PENDING:
        return Say("bot.order_state.pending", order=label), None, False
    if order.status == OrderStatus.PROCESSING:
        return Say("bot.order_state.processing", order=label), None, False
    if order.status == OrderStatus.CANCELLED:
        if order.cancelled_at:
            return (Say("bot.order_state.cancelled_on", order=label,
                        day=fmt.local(order.cancelled_at).date()), None, False)
        return Say("bot.order_state.cancelled", order=label), None, False
    shipment = store.shipment_latest(order)
    if shipment is None:
        return (Say("bot.order_state.no_tracking", order=label,
                    status=Say(STATUS_SAID[OrderStatus(order.status)])), None, False)
    events = store.shipment_events(shipment)
    carrier = fmt.carrier(shipment.carrier)
    if not events:
        return (Say("bot.order_state.no_scans", order=label, carrier=carrier,
                    tracking=shipment.tracking_number), None, False)
    last = events[-1]
    scan = {"order": label, "carrier": carrier, "at": last.at, "place": _place(last.location),
            "detail": f" ({last.detail})" if last.detail else "",
            "tracking": Say("bot.order_state.tracking", carrier=carrier,
                            number=shipment.tracking_number)}
    if last.status == ShipmentStatus.DELIVERED:
        return Say("bot.order_state.delivered", **scan), last, False
    if last.status == ShipmentStatus.EXCEPTION:
        what, next_step = EXCEPTION_SAID.get(last.exception,
                                             ("bot.order_state.exception_other", ""))
        return (Say("bot.order_state.not_moving", **scan, what=Say(what), since=Since(last.at),
                    next_step=Say(next_step) if next_step else ""), last, True)
    if last.status == ShipmentStatus.FAILED_ATTEMPT:
        return (Say("bot.order_state.failed_attempt",
                    **{**scan, "order": _your_order(order, inside=True)}), last, True)
    if last.status == ShipmentStatus.RETURNED_TO_SENDER:
        return Say("bot.order_state.returning", **scan), last, True
    if last.status == ShipmentStatus.OUT_FOR_DELIVERY:
        return Say("bot.order_state.out_for_delivery", **scan), last, False
    if last.status == ShipmentStatus.LABEL_CREATED:
        return Say("bot.order_state.label_created", **scan), last, False
    return Say("bot.order_state.in_transit", **scan), last, False


def lost_event(events: list[TrackingEvent]) -> TrackingEvent | None:
    lost = [e for e in events if e.status == ShipmentStatus.EXCEPTION
            and e.exception == ExceptionKind.LOST]
    return lost[-1] if lost else None


def scan_said(order: Order, events: list[TrackingEvent]) -> Say | None:
    """What the carrier last said about a parcel that didn't arrive, from the scans."""
    lost = lost_event(events)
    delivered = [e for e in events if e.status == ShipmentStatus.DELIVERED]
    if lost is not None and (not delivered or lost.at >= delivered[-1].at):
        return Say("bot.order_state.scan_lost", number=order.number,
                   place=_place(lost.location), at=lost.at,
                   detail=f" ({lost.detail})" if lost.detail else "")
    if delivered:
        last = delivered[-1]
        return Say("bot.order_state.scan_delivered", number=order.number,
                   place=_place(last.location), at=last.at,
                   detail=f" ({last.detail})" if last.detail else "")
    return None
