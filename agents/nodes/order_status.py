"""Where is my order: the latest scan, where and when, the promised date, exceptions in
plain words, and what policy offers when it is late. Never an estimate of our own."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from django.conf import settings

from agents.nodes.delivery_problem import NOT_RECEIVED, missing
from agents.state import TurnState
from agents.tools.actions import decide, hand_off
from agents.tools.context import conversation, reply
from agents.tools.identity import order_for_turn
from commerce import policy as rules
from commerce import selectors as store
from commerce import services as store_services
from commerce import tracking
from commerce.models import ExceptionKind, Order, OrderStatus, ShipmentStatus, TrackingEvent
from core import clock
from core import formatting as fmt

logger = logging.getLogger(__name__)

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


def _with_live_tracking(order: Order) -> tuple[Order, str]:
    """The order with the carrier's newest scans, when live tracking is on; and the
    carrier's name when it couldn't be reached in time."""
    shipment = store.shipment_latest(order)
    if not tracking.is_enabled() or shipment is None or order.status != OrderStatus.SHIPPED:
        return order, ""
    try:
        if store_services.shipment_tracking_refresh(shipment):
            order = store.order_get(order.number) or order
    except tracking.TrackingUnavailable:
        logger.warning("Live tracking unavailable for order %s", order.number, exc_info=True)
        return order, fmt.carrier(shipment.carrier)
    return order, ""


ABOUT_A_RETURN = re.compile(r"\b(my return|the return|returned|return label|the label|"
                            r"sent (it|them|the \w+) back|posted (it|them) back)\b", re.I)


def order_status(state: TurnState) -> dict[str, Any]:
    lookup = order_for_turn(state, "order_status")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    said = state.get("message_text") or state.get("text", "")
    if ABOUT_A_RETURN.search(said) and order.returns.exists():
        # "Has my return arrived?" asks about the parcel going back, not the order's.
        from agents.nodes.returns import refund_status

        return refund_status({**state, "memory": lookup.update.get("memory")
                              or state.get("memory") or {}})
    update = dict(lookup.update)
    order, unreachable = _with_live_tracking(order)
    text, last, problem = describe_order(order)
    parts = [text]
    shipment = store.shipment_latest(order)
    now = clock.now()
    delivered = last is not None and last.status == ShipmentStatus.DELIVERED
    late = False
    apology: dict[str, Any] | None = None
    if shipment is not None and shipment.promised_by and order.status in {
            OrderStatus.SHIPPED, OrderStatus.DELIVERED}:
        if not delivered:
            parts.append(f"We promised it by {fmt.day(shipment.promised_by)}.")
        decision = rules.late_decision(shipment.promised_by, last.at if delivered else None,
                                       now, rules.policy_get())
        if decision.allowed:
            late = not delivered
            decide(state, decision, order)
            sorry = ("It's late against that date, and I'm sorry." if not delivered else
                     f"It arrived after the {fmt.day(shipment.promised_by)} we promised, and "
                     "I'm sorry.")
            # A code is made only when the shopper takes up the offer: a status question
            # never writes anything by itself.
            apology = {"kind": "apology_code", "order": order.number,
                       "percent": decision.facts["percent"]}
            parts.append(
                f"{sorry} As an apology, I can give you {decision.facts['percent']}% off your "
                "next order — shall I create the code for you?")
    stale_after = timedelta(hours=settings.CARRIER_STALE_AFTER_HOURS)
    if unreachable:
        parts.append(f"I couldn't reach {unreachable}'s tracking just now, so that is the "
                     "latest scan I have, and I won't guess a delivery date.")
    elif last is not None and not delivered and now - last.at > stale_after:
        problem = True
        parts.append(
            f"The tracking hasn't been updated since {fmt.when(last.at)}: there's been no "
            "new scan from the carrier, so I won't guess a new delivery date.")
    said = " ".join(p.strip() for p in parts if p)
    mem = dict(update.get("memory") or state.get("memory") or {})
    lost = last is not None and last.exception == ExceptionKind.LOST
    if lost or (delivered and NOT_RECEIVED.search(state.get("text", ""))):
        # Lost, or delivered but not received: what policy offers for a missing parcel.
        return {**update, **missing(state, order, mem, lead=f"{said} ")}
    update["replies"] = [reply(said, ["Yes, send the code"] if apology else None)]
    if apology:
        mem["pending"] = {"kind": "confirm", "action": apology,
                          "summary": f"I'll create a {apology['percent']}% code for your next "
                                     "order."}
        update["memory"] = mem
    if (problem or late) and conversation(state).customer.is_vip:
        update.update(hand_off(state, "vip", order=order,
                               summary=f"VIP customer asking about order #{order.number}, "
                                       "which has a delivery problem.",
                               suggested="Personal follow-up with the carrier; consider "
                                         "a goodwill gesture.",
                               tried=["Gave the latest tracking status"]))
    return update
