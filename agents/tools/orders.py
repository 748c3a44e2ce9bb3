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
    ORDER_NUMBERS,
    cheaper_one,
    dearer_one,
    excluded_part,
    other_one,
)
from agents.nlu.words import stems
from agents.state import TurnState
from agents.tools.context import memory, reply
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import ExceptionKind, Order, OrderStatus, ShipmentStatus, TrackingEvent
from conversations.models import Conversation
from core import formatting as fmt
from core.models import KNOWLEDGE_PROOFS


def code_needed(conversation: Conversation) -> bool:
    """The shop wants a one-time code before an address change, and this shopper proved
    who they are only with what they know."""
    return (conversation.verified_via in KNOWLEDGE_PROOFS
            and rules.policy_get().address_change_requires_code)


def proof_needed(node: str, *, memory: dict[str, Any] | None = None,
                 ask: str = "") -> Command:
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
                f"I can't find order {number} on your account. I can only help with orders "
                "placed by the customer verified in this conversation — please check the "
                "number on your confirmation email.")]})
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
        return OrderLookup(None, {"replies": [reply(
            "I can't see any orders on your account. If you ordered as a guest with another "
            "email address, send me the order number and that email.")]})
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
    numbers = set(ORDER_NUMBERS.findall(asked))
    if len(numbers) >= 2:
        chosen = [o for o in orders if o.number in numbers]
    else:
        statuses = likely_statuses(intent)[:2]
        chosen = [o for o in orders if o.status in statuses]
    if left_out:
        out = set(ORDER_NUMBERS.findall(left_out))
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
    said = stems(text) - NOT_NAMES
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



EXCEPTION_WORDS = {
    "address_issue": ("the carrier has a problem with the delivery address",
                      "They'll hold it while the address is confirmed — reply here if the "
                      "address on the order needs correcting and I'll pass it on."),
    "weather_delay": ("it's delayed by bad weather",
                      "The carrier will move it on as soon as it's safe to."),
    "customs_hold": ("it's held at customs",
                     "Customs checks usually clear without anything needed from you; the "
                     "carrier will contact you if duties or documents are required."),
    "damaged": ("the carrier reports it was damaged in transit",
                "We'll make sure you get your items: tell me if you'd like a replacement "
                "or a refund once the carrier confirms."),
    "lost": ("the carrier reports it as lost", ""),
    "held_at_depot": ("it's being held at the carrier's depot",
                      "It can usually be collected there, or it will go out again on the next "
                      "delivery round."),
    "carrier_delay": ("the carrier has reported a delay in its network",
                      "It will continue on the next available route."),
}


def _item_names(order: Order) -> str:
    names = [i.variant.product.name for i in order.items.all()]
    if not names:
        return ""
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


RETURNED_WORDS = {
    OrderStatus.RETURNED: "It has since been returned to us.",
    OrderStatus.PARTIALLY_RETURNED: "Part of it has since been returned to us.",
}


def describe_order(order: Order) -> tuple[str, TrackingEvent | None, bool]:
    """The status sentence, the latest scan, and whether something is wrong."""
    text, last, problem = _describe_delivery(order)
    if order.status in RETURNED_WORDS:
        text = f"{text} {RETURNED_WORDS[order.status]}"
    return text, last, problem


def _describe_delivery(order: Order) -> tuple[str, TrackingEvent | None, bool]:
    label = f"Your order #{order.number}"
    items = _item_names(order)
    if items:
        label += f" ({items})"
    if order.status == OrderStatus.PENDING:
        return (f"{label} is waiting for payment to be confirmed; it hasn't been packed yet.",
                None, False)
    if order.status == OrderStatus.PROCESSING:
        return (f"{label} is being prepared in our warehouse and hasn't been handed to the "
                "carrier yet.", None, False)
    if order.status == OrderStatus.CANCELLED:
        when = f" on {fmt.day(order.cancelled_at)}" if order.cancelled_at else ""
        return f"{label} was cancelled{when}.", None, False
    shipment = store.shipment_latest(order)
    if shipment is None:
        return (f"{label} is marked {order.get_status_display().lower()}, but I have no "
                "tracking for it, so I can't tell you more than that.", None, False)
    events = store.shipment_events(shipment)
    if not events:
        return (f"{label} has a {fmt.carrier(shipment.carrier)} label "
                f"({shipment.tracking_number}) but no scans yet.", None, False)
    last = events[-1]
    where = fmt.place(last.location)
    carrier = fmt.carrier(shipment.carrier)
    tracking = f"{carrier} tracking {shipment.tracking_number}"
    detail = f" ({last.detail})" if last.detail else ""
    if last.status == ShipmentStatus.DELIVERED:
        return (f"{label} was delivered on {fmt.when(last.at)} in {where}{detail} — "
                f"{tracking}.", last, False)
    if last.status == ShipmentStatus.EXCEPTION:
        words, next_step = EXCEPTION_WORDS.get(last.exception, ("the carrier reported a problem",
                                                                 ""))
        text = (f"{label} is not moving right now: {words} in {where} "
                f"{fmt.since(last.at)} ({fmt.when(last.at)}){detail}. {next_step} "
                f"{tracking}.")
        return text, last, True
    if last.status == ShipmentStatus.FAILED_ATTEMPT:
        return (f"{carrier} tried to deliver {label.replace('Your', 'your')} on "
                f"{fmt.when(last.at)} in {where} but couldn't{detail}. They normally try "
                f"again on the next working day — {tracking}.", last, True)
    if last.status == ShipmentStatus.RETURNED_TO_SENDER:
        return (f"{label} is being returned to us by {carrier}: the last scan was on "
                f"{fmt.when(last.at)} in {where}{detail} — {tracking}. Once it's back in our "
                "warehouse we'll be in touch about sending it out again or refunding it.",
                last, True)
    if last.status == ShipmentStatus.OUT_FOR_DELIVERY:
        return (f"{label} is out for delivery with {carrier}: scanned in {where} on "
                f"{fmt.when(last.at)}{detail} — {tracking}.", last, False)
    if last.status == ShipmentStatus.LABEL_CREATED:
        return (f"{label} has been packed and labelled for {carrier} in {where} on "
                f"{fmt.when(last.at)}; the carrier hasn't scanned it in yet — {tracking}.",
                last, False)
    return (f"{label} is in transit with {carrier}: the latest scan was in {where} on "
            f"{fmt.when(last.at)}{detail} — {tracking}.", last, False)



def lost_event(events: list[TrackingEvent]) -> TrackingEvent | None:
    lost = [e for e in events if e.status == ShipmentStatus.EXCEPTION
            and e.exception == ExceptionKind.LOST]
    return lost[-1] if lost else None


def scan_text(order: Order, events: list[TrackingEvent]) -> str:
    """What the carrier last said about a parcel that didn't arrive, from the scans."""
    lost = lost_event(events)
    delivered = [e for e in events if e.status == ShipmentStatus.DELIVERED]
    if lost is not None and (not delivered or lost.at >= delivered[-1].at):
        detail = f" ({lost.detail})" if lost.detail else ""
        return (f"The carrier reported order #{order.number} lost in {fmt.place(lost.location)} "
                f"on {fmt.when(lost.at)}{detail}. ")
    if delivered:
        last = delivered[-1]
        detail = f" ({last.detail})" if last.detail else ""
        return (f"The carrier marked order #{order.number} delivered on {fmt.when(last.at)} in "
                f"{fmt.place(last.location)}{detail}. ")
    return ""


