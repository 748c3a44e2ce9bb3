"""Cancel an order or change its address — only before it ships."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from agents.nlu.addresses import (
    means_usual_address,
    normal_postcode,
    on_file_source_and_target,
    parse_address,
    points_at_address_on_file,
    postcodes,
)
from agents.nlu.cues import several_orders, yes_or_no
from agents.nlu.words import has_digit
from agents.said import said_now
from agents.state import TurnState
from agents.tools.actions import ask_confirmation, decide, hand_off
from agents.tools.context import memory, reply
from agents.tools.orders import order_for_turn, orders_in_set
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import ExceptionKind, Order, OrderStatus
from conversations.dialogue import AwaitAddress, pending_kind
from core import formatting as fmt
from replies.render import Lines, Say

# Why an order can no longer be cancelled or re-addressed, by what was asked.
REFUSALS = {
    "cancel": {"delivered": "bot.order.cancel.already_delivered",
               "shipped": "bot.order.cancel.already_shipped",
               "other": "bot.order.cancel.refused"},
    "address": {"delivered": "bot.order.address.already_delivered",
                "shipped": "bot.order.address.already_shipped",
                "other": "bot.order.address.refused"},
}


def _shipped_reply(decision: rules.Decision, order: Order, what: str) -> Say:
    keys = REFUSALS[what]
    if decision.rule.endswith("already_shipped") and order.status in {
            OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED}:
        return Say(keys["delivered"], number=order.number)
    if decision.rule.endswith("already_shipped"):
        return Say(keys["shipped"], number=order.number)
    return Say(keys["other"], why=decision.reason)


def cancel_order(state: TurnState) -> dict[str, Any]:
    lookup = order_for_turn(state, "cancel_order")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    if several_orders(state.get("text", "")):
        return _cancel_several(state, mem, orders_in_set(state, "cancel_order") or [order])
    decision = decide(state, rules.cancel_decision(order), order)
    if not decision.allowed:
        return {"memory": mem, "replies": [reply(_shipped_reply(decision, order, "cancel"))]}
    return ask_confirmation(state, mem, _cancel_summary(order),
        {"kind": "cancel", "order": order.number,
         "reason": (state.get("entities") or {}).get("reason", "")})


def _cancel_several(state: TurnState, mem: dict[str, Any],
                    orders: list[Order]) -> dict[str, Any]:
    """One proposal for every order of the set that policy lets us cancel, and a plain
    word about each one it doesn't."""
    allowed, refused = [], []
    for order in orders:
        decision = decide(state, rules.cancel_decision(order), order)
        (allowed if decision.allowed else refused).append((order, decision))
    notes = [_shipped_reply(d, o, "cancel") for o, d in refused]
    if not allowed:
        return {"memory": mem, "replies": [reply(
            *(notes or [Say("bot.order.cancel.none_possible")]))]}
    if len(allowed) == 1 and not refused:
        order = allowed[0][0]
        return ask_confirmation(state, mem, _cancel_summary(order), {
            "kind": "cancel", "order": order.number,
            "reason": (state.get("entities") or {}).get("reason", "")})
    lines = Lines(Say("bot.order.cancel.summary_line", number=o.number, items=_items(o),
                      placed=_day(o)) for o, _ in allowed)
    paid = any(o.status == OrderStatus.PROCESSING for o, _ in allowed)
    proposal = said_now(Say("bot.order.cancel.summary_several_paid" if paid else
                            "bot.order.cancel.summary_several", count=len(allowed),
                            lines=lines))
    # What can't be cancelled first, then what will be.
    summary = "\n\n".join(filter(None, [" ".join(said_now(n) for n in notes), proposal]))
    return ask_confirmation(state, mem, summary, {
        "kind": "cancel", "order": allowed[0][0].number,
        "orders": [o.number for o, _ in allowed],
        "reason": (state.get("entities") or {}).get("reason", "")})


def _items(order: Order) -> str:
    return ", ".join(f"{i.quantity} × {i.variant.product.name}" for i in order.items.all())


def _day(order: Order) -> date:
    """The day the order was placed, in the shop's time zone."""
    return fmt.local(order.placed_at).date()


def _cancel_summary(order: Order) -> str:
    return said_now(Say("bot.order.cancel.summary_paid" if order.status == OrderStatus.PROCESSING
                        else "bot.order.cancel.summary", number=order.number,
                        items=_items(order), placed=_day(order)))


def _source_and_target(state: TurnState) -> tuple[str, str]:
    """With two order numbers, the one the address comes from (named after "same as") and
    the one to change."""
    return on_file_source_and_target(state.get("message_text") or state.get("text", ""))


def _address_on_file(state: TurnState, order: Order, source: str) -> dict[str, str] | None:
    """The address of another of the shopper's orders the message points at: the one named,
    else the most recent different one (the most used, for "home" or "usual")."""
    text = state.get("message_text") or state.get("text", "")
    if not source and not points_at_address_on_file(text):
        return None
    others = [o for o in store.order_list_for_customer(order.customer, tracking=False)
              if o.pk != order.pk and o.ship_line1]
    if source:
        others = [o for o in others if o.number == source]
    candidates = [o for o in others if normal_postcode(o.ship_postcode)
                  != normal_postcode(order.ship_postcode) or o.ship_line1 != order.ship_line1]
    if not candidates:
        return None
    chosen = candidates[0]
    if means_usual_address(text) and not source:
        counts = Counter((o.ship_line1, o.ship_postcode) for o in candidates)
        top = counts.most_common(1)[0][0]
        chosen = next(o for o in candidates if (o.ship_line1, o.ship_postcode) == top)
    return {"line1": chosen.ship_line1, "line2": chosen.ship_line2, "city": chosen.ship_city,
            "postcode": chosen.ship_postcode}


def _corrected(state: TurnState, mem: dict[str, Any], order: Order) -> dict[str, str] | None:
    """The address just proposed for this order with the postcode the shopper corrects
    ("sorry, the postcode is BS1 5LS, not 5LJ")."""
    proposed = mem.pop("proposed", None) or {}
    if proposed.get("kind") != "address" or proposed.get("order") != order.number:
        return None
    text = state.get("message_text") or state.get("text", "")
    found = postcodes(text)
    old = normal_postcode(proposed["address"].get("postcode", ""))
    new = next((p for p in found if p != old), "")
    if not new:
        return None
    return {**proposed["address"], "postcode": f"{new[:-3]} {new[-3:]}"}


def _held_for_address(order: Order) -> bool:
    """The carrier holds the parcel because of a problem with its address."""
    events = sorted(store.order_events(order), key=lambda e: e.at)
    return bool(events) and events[-1].exception == ExceptionKind.ADDRESS_ISSUE


def _address_for_carrier(state: TurnState, mem: dict[str, Any], order: Order,
                         decision: rules.Decision) -> dict[str, Any]:
    """A parcel the carrier holds for an address problem: the bot can't re-address it, a
    person can, with the carrier. The corrected address goes to them, as the status
    reply promised."""
    address = None if state.get("details_only") else parse_address(
        state.get("message_text") or state.get("text", ""), order.ship_postcode)
    if address is None:
        mem["pending"] = AwaitAddress(kind="address", intent="change_address", order=order.number)
        return {"memory": mem, "replies": [reply(
            Say("bot.order.address.carrier_holds", number=order.number))]}
    mem["pending"] = None
    where = ", ".join(p for p in (address["line1"], address["line2"], address["city"],
                                  address["postcode"]) if p)
    return {"memory": mem, "replies": [reply(
        Say("bot.order.address.passed_to_colleague", address=where))],
        **hand_off(state, "unsupported_request", order=order, decision=decision,
                   summary=f"The carrier holds order #{order.number} for an address problem; "
                           f"the shopper gives the corrected address: {where}.",
                   suggested="Give the carrier the corrected address and confirm to the "
                             "shopper.")}


def change_address(state: TurnState) -> dict[str, Any]:
    source, target = _source_and_target(state)
    if target:
        state = {**state, "entities": {**(state.get("entities") or {}), "order_number": target}}
    lookup = order_for_turn(state, "change_address")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    decision = decide(state, rules.address_change_decision(order), order)
    if not decision.allowed and _held_for_address(order):
        return _address_for_carrier(state, mem, order, decision)
    if not decision.allowed:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(_shipped_reply(decision, order, "address"))]}
    # Only this message can hold the new address: proof of identity (an order number and
    # the old postcode) sent on its own is not one.
    if pending_kind(mem) == "address" and \
            yes_or_no(state.get("text", "")) == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            Say("bot.order.address.unchanged", number=order.number,
                address=order.shipping_address))]}
    address = None if state.get("details_only") else parse_address(
        state.get("message_text") or state.get("text", ""), order.ship_postcode)
    if not state.get("details_only") and (address is None
                                          or not has_digit(address["line1"])):
        # No street of its own: an address on file, or the proposal with its postcode
        # corrected ("sorry, the postcode is BS1 5LS").
        address = (_address_on_file(state, order, source) or _corrected(state, mem, order)
                   or address)
    if address is None:
        mem["pending"] = AwaitAddress(kind="address", intent="change_address", order=order.number)
        return {"memory": mem, "replies": [reply(
            Say("bot.order.address.ask_new", number=order.number))]}
    where = ", ".join(p for p in (address["line1"], address["line2"], address["city"],
                                  address["postcode"]) if p)
    return ask_confirmation(state, mem, said_now(Say(
        "bot.order.address.summary", number=order.number, old=order.shipping_address,
        new=where)),
        {"kind": "address", "order": order.number, "address": address})
