"""Proving who the shopper is, and finding the order they mean — only theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agents.nlu.cues import (
    CHEAPER_ONE,
    DEARER_ONE,
    ORDER_NUMBERS,
    OTHER_ONE,
    excluded_part,
)
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from commerce import selectors as store
from commerce.models import Order, OrderStatus
from conversations import services
from core.models import ChannelIdentity

MAX_VERIFY_ATTEMPTS = 3

ASK_DETAILS = ("I can help with that. First I need to check it's your order: please send "
               "the order number and the email address or postcode used at checkout.")


@dataclass
class OrderLookup:
    order: Order | None
    update: dict[str, Any]


def ask_verification(state: TurnState, intent: str, text: str = ASK_DETAILS) -> dict[str, Any]:
    mem = memory(state)
    pending_entities = dict((mem.get("pending") or {}).get("entities") or {})
    pending_entities.update(state.get("entities") or {})
    previous = (mem.get("pending") or {}).get("text", "")
    mem["pending"] = {"kind": "verify", "intent": intent, "entities": pending_entities,
                      "text": f"{previous} {state.get('text', '')}".strip()[-1000:]}
    return {"memory": mem, "replies": [reply(text)]}


def order_for_turn(state: TurnState, intent: str) -> OrderLookup:
    """The verified customer's order this turn is about, or the reply asking for proof."""
    conv = conversation(state)
    entities = state.get("entities") or {}
    mem = memory(state)
    number = entities.get("order_number") or ""
    if not conv.is_verified:
        if number and (entities.get("email") or entities.get("postcode")):
            verified, update = verify_with_details(state)
            if not verified:
                return OrderLookup(None, update)
            update.pop("route", None)
            return OrderLookup(store.order_get(number), update)
        return OrderLookup(None, ask_verification(state, intent))
    if number:
        order = store.order_get(number)
        if order is None or order.customer_id != conv.customer_id:
            # Same words whether the order exists or belongs to someone else.
            return OrderLookup(None, {"replies": [reply(
                f"I can't find order {number} on your account. I can only help with orders "
                "placed by the customer verified in this conversation — please check the "
                "number on your confirmation email.")]})
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    orders = list(store.order_list_for_customer(conv.customer, tracking=False)[:RECENT_ORDERS])
    text = state.get("message_text") or state.get("text", "")
    relative = _order_relative(orders, intent, text, mem.get("order") or "")
    if relative is not None:
        order = store.order_get(relative.number)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    left_out = excluded_part(text)
    named = _orders_named(orders, text.replace(left_out, " ") if left_out else text)
    if named:
        order = store.order_get(_likeliest(named, intent).number)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    if mem.get("order"):
        order = store.order_get(mem["order"])
        if order is not None and order.customer_id == conv.customer_id:
            return OrderLookup(order, {"memory": mem})
    order = store.order_get(_likeliest(orders, intent).number) if orders else None
    if order is None:
        return OrderLookup(None, {"replies": [reply(
            "I can't see any orders on your account. If you ordered as a guest with another "
            "email address, send me the order number and that email.")]})
    mem["order"] = order.number
    return OrderLookup(order, {"memory": mem})


RECENT_ORDERS = 20
# Which orders a request can be about, most likely first, when the shopper names none.
LIKELY_STATUSES: dict[str, list[str]] = {
    "cancel_order": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED],
    "change_address": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED],
    "return_request": [OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED,
                       OrderStatus.SHIPPED],
    "exchange_request": [OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED,
                         OrderStatus.SHIPPED],
    "delivery_problem": [OrderStatus.DELIVERED, OrderStatus.SHIPPED,
                         OrderStatus.PARTIALLY_RETURNED],
    "payment_issue": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED,
                      OrderStatus.DELIVERED],
    "refund_status": [OrderStatus.RETURNED, OrderStatus.PARTIALLY_RETURNED,
                      OrderStatus.CANCELLED, OrderStatus.DELIVERED],
}
OPEN_FIRST = [OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING]
NOT_NAMES = {"order", "orders", "item", "items", "the", "and", "one", "size", "colour", "color",
             "from", "with", "for", "return", "back", "send", "cancel", "refund"}


def _order_relative(orders: list[Order], intent: str, text: str,
                    current: str) -> Order | None:
    """The order meant by "the other one" (not the one in view), or "the cheaper / dearer
    of the two" (among those this request concerns)."""
    candidates = [o for o in orders
                  if o.status in LIKELY_STATUSES.get(intent, OPEN_FIRST)[:2]] or orders
    if OTHER_ONE.search(text) and current:
        named = _orders_named([o for o in orders if o.number != current], text)
        others = named or [o for o in candidates if o.number != current]
        return _likeliest(others, intent) if others else None
    if CHEAPER_ONE.search(text) and len(candidates) >= 2:
        return min(candidates, key=lambda o: o.total)
    if DEARER_ONE.search(text) and len(candidates) >= 2:
        return max(candidates, key=lambda o: o.total)
    return None


def orders_in_set(state: TurnState, intent: str) -> list[Order]:
    """The verified customer's orders a message names as a set: several numbers, or
    "both" / "all my unshipped orders" (those in the statuses the request concerns), less
    the ones it leaves out ("except the boots")."""
    conv = conversation(state)
    text = state.get("text", "")
    orders = list(store.order_list_for_customer(conv.customer, tracking=False)[:RECENT_ORDERS])
    left_out = excluded_part(text)
    asked = text.replace(left_out, " ") if left_out else text
    numbers = set(ORDER_NUMBERS.findall(asked))
    if len(numbers) >= 2:
        chosen = [o for o in orders if o.number in numbers]
    else:
        statuses = LIKELY_STATUSES.get(intent, OPEN_FIRST)[:2]
        chosen = [o for o in orders if o.status in statuses]
    if left_out:
        out = set(ORDER_NUMBERS.findall(left_out))
        named = out or {o.number for o in _orders_named(chosen, left_out)}
        chosen = [o for o in chosen if o.number not in named]
    return [store.order_get(o.number) for o in chosen]


def _likeliest(orders: list[Order], intent: str) -> Order:
    """The newest order in the status this request most often concerns (orders come
    newest first)."""
    for status in LIKELY_STATUSES.get(intent, OPEN_FIRST):
        for order in orders:
            if order.status == status:
                return order
    return orders[0]


def _orders_named(orders: list[Order], text: str) -> list[Order]:
    """The orders holding a product the shopper names ("the tee", "my rain jacket")."""
    words = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", text.lower())} - NOT_NAMES
    if not words:
        return []
    scored = []
    for order in orders:
        best = 0
        for item in order.items.all():
            product = item.variant.product
            names = {w.rstrip("s") for w in re.findall(
                r"[a-z]{3,}", f"{product.name} {product.kind}".lower())} - NOT_NAMES
            best = max(best, len(names & words))
        if best:
            scored.append((best, order))
    if not scored:
        return []
    top = max(b for b, _ in scored)
    return [o for b, o in scored if b == top]


def verify_with_details(state: TurnState) -> tuple[bool, dict[str, Any]]:
    """Check an order number against the email or postcode on it. Never says which part
    was wrong, and never reveals whether an order exists."""
    mem = memory(state)
    pending = dict(mem.get("pending") or {})
    if pending.get("kind") != "verify":
        pending = {"kind": "verify", "intent": state.get("intent") or "order_status",
                   "entities": {}, "text": state.get("text", "")[-1000:]}
    details = dict(pending.get("entities") or {})
    details.update({k: v for k, v in (state.get("entities") or {}).items() if v})
    number, email, postcode = (details.get("order_number", ""), details.get("email", ""),
                               details.get("postcode", ""))
    pending["entities"] = details
    mem["pending"] = pending
    text = state.get("message_text") or state.get("text", "")
    if pending.get("code_sent") and ONE_TIME_CODE.fullmatch(text.strip()):
        linked = _confirm_code(state, text.strip())
        if linked is not None:
            return linked
        details.pop("order_number", None)
        number = ""
        pending["code_failures"] = int(pending.get("code_failures", 0)) + 1
        if pending["code_failures"] >= 2:
            pending["code_sent"] = False
        return False, {"memory": mem, "replies": [reply(
            "That code didn't work. Check the latest message we sent you, or send your order "
            "number and the email or postcode on it instead.")]}
    if not number and (email or details.get("phone")) and not pending.get("code_sent"):
        attempt = _send_code(state, email or details.get("phone", ""))
        if attempt is not None:
            pending["code_sent"] = True
            return False, {"memory": mem, "replies": [reply(
                "Thanks. If that's the contact on your account, I've just sent a 6-digit code "
                f"to it by {attempt} — send it here within 10 minutes. Or send your order "
                "number and the email or postcode on it instead.")]}
    if not number:
        return False, {"memory": mem, "replies": [reply(
            "Thanks. What's the order number? It's in your order confirmation email.")]}
    if not (email or postcode):
        return False, {"memory": mem, "replies": [reply(
            f"Thanks. To confirm order {number} is yours, what's the email address or the "
            "delivery postcode on it?")]}
    conv = conversation(state)
    order = store.order_get(number)
    matches = order is not None and store.order_matches_contact(order, email=email,
                                                                  postcode=postcode)
    if matches and conv.is_verified and order.customer_id != conv.customer_id:
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            "This conversation is already verified for another customer, so I can't discuss "
            "that order here. The order's owner can contact us directly.")]}
    if matches and order.customer_id != conv.customer_id and not _writes_as_owner(state, conv):
        # Someone else writing into another person's thread (an email reply): their own case.
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            "This conversation belongs to another customer, so I can't discuss that order "
            "here. Please write to us in a new message about your own order.")]}
    if not matches:
        attempts = int(mem.get("verify_failures", 0)) + 1
        mem["verify_failures"] = attempts
        # The number may be right and the contact detail wrong: keep only the number.
        pending["entities"] = {"order_number": number}
        if attempts >= MAX_VERIFY_ATTEMPTS:
            mem["pending"] = None
            return False, {"memory": mem, "replies": [reply(
                "Those details still don't match an order I can show you, so for your "
                "security I'll stop checking here. Please look at your order confirmation "
                "email for the exact order number and the email address it was sent to.")]}
        return False, {"memory": mem, "replies": [reply(
            "Sorry, I couldn't match those details to an order. Please check the order "
            "number and use the email address or postcode given at checkout.")]}
    target = services.conversation_verify(conv, order.customer, "order_details",
                                          state["channel"], state["sender_id"])
    mem["verify_failures"] = 0
    mem["order"] = order.number
    mem["pending"] = None
    mem["verified_name"] = order.customer.name
    return True, {"memory": mem, "route": pending.get("intent") or "order_status",
                  "entities": details, "conversation_id": target.pk,
                  "text": f"{pending.get('text', '')} {state.get('text', '')}".strip()}


ONE_TIME_CODE = re.compile(r"\d{3}\s?\d{3}")
CODE_ROUTES = {"email": "email", "whatsapp": "WhatsApp"}


def _identity(state: TurnState) -> ChannelIdentity | None:
    return ChannelIdentity.objects.filter(channel=state.get("channel", ""),
                                          external_id=state.get("sender_id", "")).first()


def _writes_as_owner(state: TurnState, conv: Any) -> bool:
    """Whether the sender is the conversation's own guest, whose case becomes the proven
    customer's; never someone who replied into another person's thread."""
    identity = _identity(state)
    return (conv.customer.is_guest and identity is not None
            and identity.customer_id == conv.customer_id)


def _send_code(state: TurnState, contact: str) -> str | None:
    """Offer a one-time code to the contact on file. Says the same whether or not the
    contact is a customer's (None only when no channel could carry a code at all, in
    which case the order-number check is the way)."""
    from django.conf import settings

    from core.services import identity_link_start

    if not any(getattr(settings, f"{c.upper()}_ENABLED", False) for c in CODE_ROUTES):
        return None
    identity = _identity(state)
    if identity is None:
        return None
    attempt = identity_link_start(identity, contact)
    if attempt.reason == "no_channel":
        return None
    return CODE_ROUTES.get(attempt.channel, "email or WhatsApp") if attempt.sent else (
        "email or WhatsApp")


def _confirm_code(state: TurnState, code: str) -> tuple[bool, dict[str, Any]] | None:
    from core.services import identity_link_confirm

    identity = _identity(state)
    customer = identity_link_confirm(identity, code) if identity is not None else None
    if customer is None:
        return None
    mem = memory(state)
    pending = dict(mem.get("pending") or {})
    mem.update({"pending": None, "verify_failures": 0, "verified_name": customer.name})
    return True, {"memory": mem, "route": pending.get("intent") or "order_status",
                  "entities": {}, "conversation_id": state["conversation_id"],
                  "text": pending.get("text", "")}
