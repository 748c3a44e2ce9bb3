"""Delivered but not here, lost, damaged on arrival, wrong item received."""

from __future__ import annotations

import re
from typing import Any

from agents import format as fmt
from agents.nodes.confirm import ask_confirmation
from agents.state import TurnState
from agents.tools.actions import decide, hand_off
from agents.tools.context import conversation, memory, reply
from agents.tools.identity import order_for_turn
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import Order, ShipmentStatus
from core import clock

DAMAGED = re.compile(r"\b(damag\w*|broken|broke|smashed|crushed|torn|ripped|cracked|stain\w*|"
                     r"faulty|defect\w*|hole|holes|dented|wet|leak\w*|split|snapped)\b", re.I)
WRONG = re.compile(r"\b(wrong|incorrect|not what i ordered|different (item|size|colou?r|"
                   r"product)|someone else'?s|mix(ed)?[- ]?up|sent me (a|the) )\b", re.I)


def _kind(text: str) -> str:
    if WRONG.search(text):
        return "wrong_item"
    if DAMAGED.search(text):
        return "damaged"
    return "missing"


def delivery_problem(state: TurnState) -> dict[str, Any]:
    lookup = order_for_turn(state, "delivery_problem")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    text = " ".join([(mem.get("problem_text") or ""), state.get("text", "")])
    kind = _kind(text)
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
    return {"memory": mem, "replies": [reply(text)],
            **hand_off(state, "damage_review", order=order,
                       summary=f"Shopper reports order #{order.number} arrived damaged.",
                       suggested="Review the photo; offer a replacement or refund.",
                       tried=["Asked for a photo of the damage"])}


def wrong_item(state: TurnState, order: Order, mem: dict[str, Any]) -> dict[str, Any]:
    items = list(order.items.all())
    from agents.nodes.returns import pick_items

    chosen = pick_items(state, items)
    if not chosen:
        chosen = items[:1] if len(items) == 1 else []
    if not chosen:
        mem["pending"] = {"kind": "item", "intent": "delivery_problem"}
        mem["problem_text"] = state.get("text", "")
        names = [f"{i.variant.product.name} ({', '.join(map(str, i.variant.options.values()))})"
                 for i in items]
        return {"memory": mem, "replies": [reply(
            f"I'm sorry about that. Which item on order #{order.number} was wrong?", names)]}
    item = chosen[0]
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


def missing(state: TurnState, order: Order, mem: dict[str, Any]) -> dict[str, Any]:
    events = store.order_events(order)
    decision = decide(state, rules.missing_parcel_decision(order, events, rules.policy_get(),
                                                           clock.now()), order)
    delivered = [e for e in events if e.status == ShipmentStatus.DELIVERED]
    scan = ""
    if delivered:
        last = delivered[-1]
        detail = f" ({last.detail})" if last.detail else ""
        scan = (f"The carrier marked order #{order.number} delivered on {fmt.when(last.at)} in "
                f"{fmt.place(last.location)}{detail}. ")
    if decision.rule == "missing.not_delivered_yet":
        from agents.nodes.order_status import describe_order

        text, _, _ = describe_order(order)
        return {"memory": mem, "replies": [reply(
            f"{text} It hasn't been marked delivered yet, so it's still on its way.")]}
    if decision.handoff_reason:
        return {"memory": mem, "replies": [reply(
            f"{scan}I'm sorry it hasn't reached you. {decision.explanation} I've passed this "
            "to a colleague who will open an investigation with the carrier and reply here.")],
            **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                       summary=f"Order #{order.number} ({fmt.money(order.total)}) reported "
                               "not received.",
                       suggested="Open a carrier claim; reship or refund once confirmed.",
                       tried=["Checked the delivery scan"])}
    conv = conversation(state)
    if conv.customer.is_vip:
        return {"memory": mem, "replies": [reply(
            f"{scan}I'm sorry it hasn't reached you — I've asked a colleague to look after "
            "this personally and reply here.")],
            **hand_off(state, "vip", order=order, decision=decision,
                       summary=f"VIP reports order #{order.number} not received.",
                       suggested="Reship or refund.", tried=["Checked the delivery scan"])}
    mem["pending"] = {"kind": "missing_remedy", "order": order.number}
    hint = ("It's worth checking with neighbours and any safe place first. " if delivered
            else "")
    return {"memory": mem, "replies": [reply(
        f"{scan}{hint}If it hasn't turned up, I can send a replacement or refund "
        f"{fmt.money(order.total)} to your original payment method. Which would you prefer?",
        ["Send a replacement", "Refund me"])]}
