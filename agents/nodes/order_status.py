"""Where is my order: the latest scan, where and when, the promised date, exceptions in
plain words, and what policy offers when it is late. Never an estimate of our own."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from langgraph.types import Command

from agents.intents import Node
from agents.nlu.cues import about_a_return, not_received
from agents.said import said_now
from agents.state import TurnState
from agents.tools.actions import decide, hand_off
from agents.tools.context import conversation, reply
from agents.tools.orders import order_for_turn, order_said
from commerce import policy as rules
from commerce import selectors as store
from commerce import services as store_services
from commerce import tracking
from commerce.models import ExceptionKind, Order, OrderStatus, ShipmentStatus
from conversations.dialogue import ApologyCodeProposal, AwaitConfirm
from core import clock
from core import formatting as fmt
from replies.render import Part, Say

logger = logging.getLogger(__name__)

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


def order_status(state: TurnState) -> dict[str, Any]:
    lookup = order_for_turn(state, "order_status")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    said = state.get("message_text") or state.get("text", "")
    if about_a_return(said) and store.return_list_for_order(order):
        # "Has my return arrived?" asks about the parcel going back, not the order's.
        return Command(goto=Node.REFUND_STATUS, update={
            "memory": lookup.update.get("memory") or state.get("memory") or {}})
    update = dict(lookup.update)
    order, unreachable = _with_live_tracking(order)
    said, last, problem = order_said(order)
    parts: list[Part] = [*said]
    shipment = store.shipment_latest(order)
    now = clock.now()
    delivered = last is not None and last.status == ShipmentStatus.DELIVERED
    late = False
    apology: ApologyCodeProposal | None = None
    if shipment is not None and shipment.promised_by and order.status in {
            OrderStatus.SHIPPED, OrderStatus.DELIVERED}:
        # A promise is of a day: its time of day is said nowhere.
        promised = fmt.local(shipment.promised_by).date()
        if not delivered:
            parts.append(Say("bot.order.promised_by", date=promised))
        decision = rules.late_decision(shipment.promised_by, last.at if delivered else None,
                                       now, rules.policy_get())
        if decision.allowed:
            late = not delivered
            decide(state, decision, order)
            # A code is made only when the shopper takes up the offer: a status question
            # never writes anything by itself.
            apology = ApologyCodeProposal(kind="apology_code", order=order.number,
                                          percent=int(decision.facts["percent"]))
            parts.append(Say("bot.order.late_offer", percent=apology["percent"])
                         if not delivered else
                         Say("bot.order.arrived_late_offer", date=promised,
                             percent=apology["percent"]))
    stale_after = timedelta(hours=settings.CARRIER_STALE_AFTER_HOURS)
    if unreachable:
        parts.append(Say("bot.order.tracking_unreachable", carrier=unreachable))
    elif last is not None and not delivered and now - last.at > stale_after:
        problem = True
        parts.append(Say("bot.order.tracking_stale", when=last.at))
    said = [p.strip() if isinstance(p, str) else p for p in parts if p]
    mem = dict(update.get("memory") or state.get("memory") or {})
    lost = last is not None and last.exception == ExceptionKind.LOST
    if lost or (delivered and not_received(state.get("text", ""))):
        # Lost, or delivered but not received: what policy offers for a missing parcel.
        return Command(goto=Node.DELIVERY_PROBLEM, update={
            **update, "memory": mem,
            "handover": {"problem": "missing", "order": order.number, "lead": said}})
    update["replies"] = [reply(*said, buttons=[Say("bot.order.button_send_code")]
                               if apology else None)]
    if apology:
        mem["pending"] = AwaitConfirm(
            kind="confirm", action=apology,
            summary=said_now(Say("bot.order.apology_summary", percent=apology["percent"])))
        update["memory"] = mem
    if (problem or late) and conversation(state).customer.is_vip:
        update.update(hand_off(state, "vip", order=order,
                               summary=f"VIP customer asking about order #{order.number}, "
                                       "which has a delivery problem.",
                               suggested="Personal follow-up with the carrier; consider "
                                         "a goodwill gesture.",
                               tried=["Gave the latest tracking status"]))
    return update
