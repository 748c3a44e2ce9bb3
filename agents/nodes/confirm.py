"""Every consequential action is summarised first and runs only on an explicit yes, once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents import format as fmt
from agents.nlu.cues import REMEDY_REFUND, REMEDY_RESHIP
from agents.state import TurnState
from agents.tools.actions import action_key, ask_confirmation, decide, hand_off, run_once
from agents.tools.context import conversation, memory, reply
from commerce import policy as rules
from commerce import selectors as store
from commerce import services as store_services
from commerce.labels_url import label_url
from commerce.models import Return
from conversations.dialogue import pending_of
from core import clock


def confirm(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    answer = state.get("answer", "")
    if answer == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "OK, I haven't changed anything. Is there anything else I can help with?")]}
    if answer != "yes":
        summary = pending.get("summary") or ""
        return {"memory": mem, "replies": [reply(
            f"Just to check: {summary}\n\nShall I go ahead? Please answer yes or no."
            if summary else "Just to check — shall I go ahead? Please answer yes or no.",
            ["Yes, go ahead", "No"])]}
    mem["pending"] = None
    action = pending.get("action") or {}
    if action.get("kind") == "bundle":
        # One yes for several actions: each is checked and done on its own, in order.
        replies: list[dict[str, Any]] = []
        for part in action.get("actions") or []:
            replies += execute(state, part)["replies"]
        return {"memory": mem, "replies": replies}
    return {"memory": mem, **execute(state, action)}


def execute(state: TurnState, action: dict[str, Any]) -> dict[str, Any]:
    if action.get("orders") and len(action["orders"]) > 1:
        # One yes for several orders: each is checked and done on its own.
        replies: list[dict[str, Any]] = []
        for number in action["orders"]:
            replies += execute(state, {**action, "order": number, "orders": None})["replies"]
        return {"replies": replies}
    conv = conversation(state)
    order = store.order_get(action.get("order", ""))
    if order is None or order.customer_id != conv.customer_id or not conv.is_verified:
        return {"replies": [reply("I can't act on that order from this conversation.")]}
    kind = action.get("kind")
    try:
        if kind == "cancel":
            return _cancel(state, conv, order, action)
        if kind == "address":
            return _address(state, conv, order, action)
        if kind == "return":
            return _return(state, conv, order, action)
        if kind == "missing":
            return _missing(state, conv, order, action)
        if kind == "change_items":
            return _change_items(state, conv, order, action)
        if kind == "change_payment":
            return _change_payment(state, conv, order, action)
        if kind == "apology_code":
            return _apology_code(state, order, action)
    except store_services.ActionRefused as refused:
        decide(state, refused.decision, order)
        return {"replies": [reply(f"I couldn't do that: {refused.decision.explanation}")]}
    return {"replies": [reply("Sorry, I've lost track of what we were doing. "
                              "Could you tell me again what you need?")]}


def _cancel(state: TurnState, conv: Any, order: Any, action: dict[str, Any]) -> dict[str, Any]:
    key = action_key(state, "cancel", order.number)

    def run() -> dict[str, Any]:
        store_services.order_cancel(order, conv.customer, key=key,
                                    reason=action.get("reason", ""))
        refund = order.refunds.filter(idempotency_key=f"{key}:refund").first()
        return {"refund": str(refund.amount) if refund else ""}

    result, _ = run_once(state, "cancel", key, order, run)
    text = f"Done — order #{order.number} is cancelled."
    if result.get("refund"):
        text += (f" {fmt.money(result['refund'], order.currency)} is on its way back to your "
                 "original payment method; banks usually show it within 3–5 working days.")
    return {"replies": [reply(text)]}


def _address(state: TurnState, conv: Any, order: Any, action: dict[str, Any]) -> dict[str, Any]:
    address = store_services.Address(**action["address"])
    key = action_key(state, "address", order.number, address.postcode.replace(" ", ""))

    def run() -> dict[str, Any]:
        store_services.order_address_change(order, conv.customer, address)
        return {"address": action["address"]}

    run_once(state, "change_address", key, order, run)
    return {"replies": [reply(
        f"Done — order #{order.number} will now go to {address.line1}, {address.city} "
        f"{address.postcode}.".replace(" ,", ","))]}


def _return(state: TurnState, conv: Any, order: Any, action: dict[str, Any]) -> dict[str, Any]:
    items = {i.pk: i for i in order.items.all()}
    exchange = action.get("exchange") or {}
    lines = []
    for pk in action.get("items", []):
        item = items.get(int(pk))
        if item is None:
            continue
        target = store.variant_get(exchange[str(pk)]) if str(pk) in exchange else None
        quantity = int((action.get("quantities") or {}).get(str(pk), item.quantity))
        lines.append(store_services.ReturnLine(item=item, quantity=quantity,
                                               exchange_for=target))
    resolution = action.get("resolution", "refund")
    key = action_key(state, "return", order.number, resolution,
                     "-".join(f"{line.item.pk}x{line.quantity}" for line in lines))

    def run() -> dict[str, Any]:
        ret = store_services.return_create(order, conv.customer, lines, resolution=resolution,
                                           reason=action.get("reason", ""), key=key)
        return {"return": ret.number}

    result, _ = run_once(state, "return", key, order, run)
    ret = Return.objects.get(number=result["return"])
    value = sum((line.item.unit_price * line.quantity for line in lines), Decimal("0"))
    money = fmt.money(value, order.currency)
    if ret.resolution == Return.Resolution.KEEP_IT:
        return {"replies": [reply(
            f"Done — please keep the item. I've refunded {money} to your original payment "
            f"method (return {ret.number}); banks usually show it within 3–5 working days.")]}
    url = label_url(ret)
    attachments = [{"type": "document", "url": url, "title": f"Return label {ret.number}"}]
    how = {
        Return.Resolution.EXCHANGE: "We'll send the replacement as soon as the carrier scans "
                                    "your parcel.",
        Return.Resolution.STORE_CREDIT: f"I've added {money} store credit to your account "
                                        "already.",
        Return.Resolution.REFUND: f"Your refund of {money} goes to your original payment method "
                                  "once we receive the parcel.",
    }[ret.resolution]
    return {"replies": [reply(
        f"Done — return {ret.number} is open. Here's your prepaid Royal Mail return label "
        f"(tracking {ret.tracking_number}): {url}\nPrint it, stick it on the parcel and drop it "
        f"at any Post Office within 14 days. {how}", attachments=attachments)]}


def _change_items(state: TurnState, conv: Any, order: Any,
                  action: dict[str, Any]) -> dict[str, Any]:
    changes = {int(pk): store.variant_get(sku) for pk, sku in action["changes"].items()}
    key = action_key(state, "change_items", order.number,
                     "-".join(f"{pk}x{v.sku}" for pk, v in sorted(changes.items())))

    def run() -> dict[str, Any]:
        difference = store_services.order_items_change(order, conv.customer, changes, key=key)
        return {"difference": str(difference)}

    result, _ = run_once(state, "change_items", key, order, run)
    difference = Decimal(result.get("difference") or "0")
    money = fmt.money(abs(difference), order.currency)
    tail = ("" if difference == 0 else
            f" {money} has been charged to your original payment method." if difference > 0
            else f" {money} is on its way back to your original payment method; banks usually "
                 "show it within 3–5 working days.")
    return {"replies": [reply(f"Done — order #{order.number} now has "
                              + ", ".join(f"{v.product.name} ({v.option_label()})"
                                          for v in changes.values()) + f".{tail}")]}


def _change_payment(state: TurnState, conv: Any, order: Any,
                    action: dict[str, Any]) -> dict[str, Any]:
    method = store.payment_method_get(conv.customer, int(action["method"]))
    if method is None:
        return {"replies": [reply("That payment method is no longer on your account.")]}
    key = action_key(state, "change_payment", order.number, str(method.pk))

    def run() -> dict[str, Any]:
        store_services.order_payment_change(order, conv.customer, method, key=key)
        return {"method": str(method)}

    run_once(state, "change_payment", key, order, run)
    return {"replies": [reply(f"Done — order #{order.number} is now paid with {method}.")]}


def _apology_code(state: TurnState, order: Any, action: dict[str, Any]) -> dict[str, Any]:
    key = action_key(state, "apology_code", order.number)

    def run() -> dict[str, Any]:
        code = store_services.apology_code_create(order, int(action["percent"]))
        return {"code": code.code}

    result, _ = run_once(state, "apology_code", key, order, run)
    return {"replies": [reply(f"Here's your code: {result['code']} — {action['percent']}% off "
                              "your next order.")]}


def _missing(state: TurnState, conv: Any, order: Any, action: dict[str, Any]) -> dict[str, Any]:
    remedy = action.get("remedy", "reship")
    key = action_key(state, "missing", order.number, remedy)

    def run() -> dict[str, Any]:
        return store_services.missing_parcel_resolve(order, conv.customer, remedy=remedy,
                                                     key=key)

    result, _ = run_once(state, "missing_parcel", key, order, run)
    if result.get("remedy") == "refund":
        return {"replies": [reply(
            f"Done — I've refunded {fmt.money(result['amount'], order.currency)} to your "
            "original payment method; banks usually show it within 3–5 working days.")]}
    return {"replies": [reply(
        f"Done — a replacement is being prepared as order #{result['order']}. You'll get "
        "tracking as soon as it ships.")]}


def missing_remedy(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    text = state.get("text", "")
    remedy = ("refund" if REMEDY_REFUND.search(text) else
              "reship" if REMEDY_RESHIP.search(text) else "")
    if not remedy and state.get("answer") == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "OK, I'll leave it for now. If it still hasn't turned up, just message me here.")]}
    if not remedy:
        return {"memory": mem, "replies": [reply(
            "Would you like a replacement or a refund?", ["Send a replacement", "Refund me"])]}
    order = store.order_get(pending.get("order", ""))
    if order is None:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply("Which order is this about?")]}
    decision = decide(state, rules.missing_parcel_decision(
        order, store.order_events(order), rules.policy_get(), clock.now()), order)
    if not decision.allowed:
        mem["pending"] = None
        if decision.handoff_reason:
            return {"memory": mem, "replies": [reply(
                f"{decision.explanation} I've passed this to a colleague, who will reply here.")],
                **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                           summary=f"Shopper asks for a {remedy} for order #{order.number}, "
                                   "not received.", suggested=remedy)}
        return {"memory": mem, "replies": [reply(
            f"I'm sorry, I can't do that: {decision.explanation}")]}
    if conversation(state).customer.is_vip:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "Thank you — I've asked a colleague to look after this personally.")],
            **hand_off(state, "vip", order=order, summary="VIP: parcel not received.",
                       suggested=remedy)}
    summary = (f"I'll refund {fmt.money(order.total, order.currency)} for order #{order.number} "
               "to your original payment method." if remedy == "refund" else
               f"I'll send a free replacement of order #{order.number} to "
               f"{order.shipping_address}.")
    return ask_confirmation(state, mem, summary,
                            {"kind": "missing", "order": order.number, "remedy": remedy})
