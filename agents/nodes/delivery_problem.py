"""Delivered but not here, lost, damaged on arrival, wrong item received."""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.nlu.cues import problem_kind
from agents.nlu.words import words
from agents.said import REMEDY_BUTTONS, said_now
from agents.state import TurnState
from agents.tools.actions import ask_confirmation, decide, hand_off
from agents.tools.context import conversation, memory, reply, variant_said
from agents.tools.items import pick_items
from agents.tools.orders import lost_event, order_for_turn, order_said, scan_said
from commerce import policy as rules
from commerce import selectors as store
from commerce.actions import ResolveMissingParcel
from commerce.models import Order, OrderStatus, ShipmentStatus
from conversations.dialogue import AwaitItem, AwaitRemedy
from core import clock
from core import formatting as fmt
from core.formatting import Money
from replies.render import Part, Say


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
        status, _, _ = order_said(order)
        return {"memory": mem, "replies": [reply(
            *status, Say("bot.delivery.nothing_reached_yet"))]}
    if kind == "damaged":
        return damaged(state, order, mem)
    if kind == "wrong_item":
        return wrong_item(state, order, mem)
    return missing(state, order, mem)


def damaged(state: TurnState, order: Order, mem: dict[str, Any]) -> dict[str, Any]:
    has_photo = any(a.get("type") == "image" for a in state.get("attachments") or [])
    text = Say("bot.delivery.damaged_with_photo" if has_photo else
               "bot.delivery.damaged_ask_photo", number=order.number)
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
            Say("bot.delivery.which_item_wrong", number=order.number), buttons=names)]}
    item = chosen[0]
    if conversation(state).customer.is_vip:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            Say("bot.delivery.wrong_item_vip", number=order.number))],
            **hand_off(state, "vip", order=order,
                       summary=f"VIP received the wrong item instead of {item.variant}.",
                       suggested="Send the right item with a prepaid return label.",
                       tried=["Identified the item"])}
    in_stock = item.variant.stock >= item.quantity
    if not in_stock:
        summary = said_now(Say("bot.delivery.wrong_item_refund_summary",
                               item=variant_said(item.variant),
                               amount=Money(item.unit_price * item.quantity,
                                            order.currency)))
        action = {"kind": "return", "order": order.number, "items": [item.pk],
                  "resolution": "refund", "reason": "wrong_item"}
    else:
        summary = said_now(Say("bot.delivery.wrong_item_exchange_summary",
                               item=variant_said(item.variant)))
        action = {"kind": "return", "order": order.number, "items": [item.pk],
                  "resolution": "exchange", "exchange": {str(item.pk): item.variant.sku},
                  "reason": "wrong_item"}
    return ask_confirmation(state, mem, summary, action)


def missing(state: TurnState, order: Order, mem: dict[str, Any],
            lead: str | list[Part] = "") -> dict[str, Any]:
    """A parcel marked delivered but not received, or reported lost by the carrier; `lead`
    is what the step that handed it over had said about the parcel."""
    leading = [p.strip() if isinstance(p, str) else p
               for p in ([lead] if isinstance(lead, str) else lead) if p]
    done, earlier = store.missing_parcel_remedy(order)
    if done:
        mem["pending"] = None
        what = (Say("bot.delivery.already_refunded", number=order.number,
                    amount=Money(earlier.amount, order.currency))
                if done == "refund" else
                Say("bot.delivery.already_reshipped", number=order.number,
                    replacement=earlier.number))
        return {"memory": mem, "replies": [reply(*leading, what)]}
    events = store.order_events(order)
    decision = decide(state, rules.missing_parcel_decision(order, events, rules.policy_get(),
                                                           clock.now()), order)
    if decision.rule == "missing.not_delivered_yet":
        status, _, _ = order_said(order)
        return {"memory": mem, "replies": [reply(
            *status, Say("bot.delivery.still_on_its_way"))]}
    scan = leading or [said for said in [scan_said(order, events)] if said is not None]
    mem["pending"] = None
    if decision.handoff_reason:
        return {"memory": mem, "replies": [reply(
            *scan, Say("bot.delivery.investigation", why=decision.reason))],
            **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                       summary=f"Order #{order.number} ({fmt.money(order.total)}) reported "
                               "not received.",
                       suggested="Open a carrier claim; reship or refund once confirmed.",
                       tried=["Checked the carrier scans"],
                       proposed=ResolveMissingParcel(order.number))}
    conv = conversation(state)
    if conv.customer.is_vip:
        return {"memory": mem, "replies": [reply(*scan, Say("bot.delivery.missing_vip"))],
            **hand_off(state, "vip", order=order, decision=decision,
                       summary=f"VIP reports order #{order.number} not received.",
                       suggested="Reship or refund.", tried=["Checked the carrier scans"])}
    mem["pending"] = AwaitRemedy(kind="missing_remedy", order=order.number)
    delivered = any(e.status == ShipmentStatus.DELIVERED for e in events) and \
        lost_event(events) is None
    hint = [Say("bot.delivery.check_neighbours")] if delivered else []
    return {"memory": mem, "replies": [reply(
        *scan, *hint, Say("bot.delivery.missing_offer", amount=Money(order.total, order.currency)),
        buttons=list(REMEDY_BUTTONS))]}
