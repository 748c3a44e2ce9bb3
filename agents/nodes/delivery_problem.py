"""Delivered but not here, lost, damaged on arrival, wrong item received."""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.nlu.cues import problem_kind
from agents.nlu.words import words
from agents.state import TurnState
from agents.tools.actions import ask_confirmation, decide, hand_off
from agents.tools.context import conversation, memory, reply
from agents.tools.items import pick_items
from agents.tools.orders import describe_order, lost_event, order_for_turn, scan_text
from commerce import policy as rules
from commerce import selectors as store
from commerce.actions import ResolveMissingParcel
from commerce.models import Order, OrderStatus, ShipmentStatus
from conversations.dialogue import AwaitItem, AwaitRemedy
from core import clock
from core import formatting as fmt


def delivery_problem(state: TurnState) -> dict[str, Any]:
    handover = state.get("handover") or {}
    order = turn().own_order(handover.get("order", "")) if handover else None
    if order is not None and handover.get("problem") == "missing":
        # Handed over by a step that found the parcel lost or not received.
        return {**missing(state, order, memory(state), lead=handover.get("lead", "")),
                "handover": None}
    lookup = order_for_turn(state, "delivery_problem")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    text = " ".join([(mem.get("problem_text") or ""), state.get("text", "")])
    kind = problem_kind(text)
    if kind in {"damaged", "wrong_item"} and order.status in {OrderStatus.PENDING,
                                                              OrderStatus.PROCESSING}:
        status, _, _ = describe_order(order)
        return {"memory": mem, "replies": [reply(
            f"{status} So nothing from it has reached you yet — if you mean a different order, "
            "tell me its number.")]}
    if kind == "damaged":
        return damaged(state, order, mem)
    if kind == "wrong_item":
        return wrong_item(state, order, mem)
    return missing(state, order, mem)


def damaged(state: TurnState, order: Order, mem: dict[str, Any]) -> dict[str, Any]:
    has_photo = any(a.get("type") == "image" for a in state.get("attachments") or [])
    text = (f"I'm sorry your order #{order.number} arrived damaged. "
            + ("Thank you for the photo. " if has_photo else
               "Please send a photo of the damage and of the packaging here. ")
            + "A colleague reviews damage claims and will get back to you in this conversation "
            "with a replacement or refund.")
    # A VIP with a problem is looked after personally; the packet still says what to review.
    reason = "vip" if conversation(state).customer.is_vip else "damage_review"
    return {"memory": mem, "replies": [reply(text)],
            **hand_off(state, reason, order=order,
                       summary=f"Shopper reports order #{order.number} arrived damaged.",
                       suggested="Review the photo; offer a replacement or refund.",
                       tried=["Asked for a photo of the damage"])}


def wrong_item(state: TurnState, order: Order, mem: dict[str, Any]) -> dict[str, Any]:
    items = list(order.items.all())
    chosen = pick_items(state, items)
    if not chosen:
        chosen = items[:1] if len(items) == 1 else []
    if not chosen:
        mem["pending"] = AwaitItem(kind="item", intent="delivery_problem", names=sorted({
            w for i in items for w in words(f"{i.variant.product.name} {i.variant.product.kind}")}))
        mem["problem_text"] = state.get("text", "")
        names = [f"{i.variant.product.name} ({i.variant.option_label()})"
                 for i in items]
        return {"memory": mem, "replies": [reply(
            f"I'm sorry about that. Which item on order #{order.number} was wrong?",
            buttons=names)]}
    item = chosen[0]
    if conversation(state).customer.is_vip:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            f"I'm sorry you received the wrong item on order #{order.number}. I've asked a "
            "colleague to look after this personally; they'll reply here shortly.")],
            **hand_off(state, "vip", order=order,
                       summary=f"VIP received the wrong item instead of {item.variant}.",
                       suggested="Send the right item with a prepaid return label.",
                       tried=["Identified the item"])}
    in_stock = item.variant.stock >= item.quantity
    if not in_stock:
        summary = (f"I'm sorry you received the wrong item. The {item.variant} you ordered is "
                   "out of stock right now, so I can send you a free return label for what "
                   f"arrived and refund {fmt.money(item.unit_price * item.quantity)}.")
        action = {"kind": "return", "order": order.number, "items": [item.pk],
                  "resolution": "refund", "reason": "wrong_item"}
    else:
        summary = (f"I'm sorry you received the wrong item. I can send you a free return label "
                   f"for what arrived and send the {item.variant} you ordered now, at no cost.")
        action = {"kind": "return", "order": order.number, "items": [item.pk],
                  "resolution": "exchange", "exchange": {str(item.pk): item.variant.sku},
                  "reason": "wrong_item"}
    return ask_confirmation(state, mem, summary, action)


def missing(state: TurnState, order: Order, mem: dict[str, Any], lead: str = ""
            ) -> dict[str, Any]:
    """A parcel marked delivered but not received, or reported lost by the carrier."""
    done, earlier = store.missing_parcel_remedy(order)
    if done:
        mem["pending"] = None
        what = (f"we've already refunded {fmt.money(earlier.amount, order.currency)} for it"
                if done == "refund" else
                f"we've already sent a replacement as order #{earlier.number}")
        return {"memory": mem, "replies": [reply(
            f"{lead}For order #{order.number}, {what}. If something's still wrong, just ask "
            "for a person and a colleague will look into it.")]}
    events = store.order_events(order)
    decision = decide(state, rules.missing_parcel_decision(order, events, rules.policy_get(),
                                                           clock.now()), order)
    if decision.rule == "missing.not_delivered_yet":
        text, _, _ = describe_order(order)
        return {"memory": mem, "replies": [reply(
            f"{text} It hasn't been marked delivered yet, so it's still on its way.")]}
    scan = lead or scan_text(order, events)
    mem["pending"] = None
    if decision.handoff_reason:
        return {"memory": mem, "replies": [reply(
            f"{scan}I'm sorry it hasn't reached you. {decision.explanation} I've passed this "
            "to a colleague who will open an investigation with the carrier and reply here.")],
            **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                       summary=f"Order #{order.number} ({fmt.money(order.total)}) reported "
                               "not received.",
                       suggested="Open a carrier claim; reship or refund once confirmed.",
                       tried=["Checked the carrier scans"],
                       proposed=ResolveMissingParcel(order.number))}
    conv = conversation(state)
    if conv.customer.is_vip:
        return {"memory": mem, "replies": [reply(
            f"{scan}I'm sorry it hasn't reached you — I've asked a colleague to look after "
            "this personally and reply here.")],
            **hand_off(state, "vip", order=order, decision=decision,
                       summary=f"VIP reports order #{order.number} not received.",
                       suggested="Reship or refund.", tried=["Checked the carrier scans"])}
    mem["pending"] = AwaitRemedy(kind="missing_remedy", order=order.number)
    delivered = any(e.status == ShipmentStatus.DELIVERED for e in events) and \
        lost_event(events) is None
    hint = ("It's worth checking with neighbours and any safe place first. " if delivered
            else "")
    return {"memory": mem, "replies": [reply(
        f"{scan}{hint}I'm sorry it hasn't reached you. I can send a replacement or refund "
        f"{fmt.money(order.total, order.currency)} to your original payment method. Which "
        "would you prefer?", buttons=["Send a replacement", "Refund me"])]}
