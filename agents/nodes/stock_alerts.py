"""Back-in-stock alerts in the conversation: taking a wish with its consent (and, for a
site-chat guest, the address to tell them at), and stopping alerts ("stop alerts", STOP
on WhatsApp), saying exactly what was stopped."""

from __future__ import annotations

from typing import Any

from agents.nlu.alerts import names_product, stops_everything
from agents.nlu.identity import emails
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from campaigns import services as alerts
from commerce.models import BackInStockSubscription, Variant
from conversations.dialogue import pending_of
from core import formatting as fmt


def stop_alerts(state: TurnState) -> dict[str, Any]:
    conv = conversation(state)
    mem = memory(state)
    mem["pending"] = None
    text = state.get("text", "")
    wishes = list(BackInStockSubscription.objects.filter(
        customer=conv.customer, notified_at__isnull=True).select_related("variant__product"))
    named = [w.variant_id for w in wishes if names_product(text, w.variant.product.name)]
    whole = stops_everything(text)
    if named and not whole:
        stopped = alerts.stock_alerts_stop(conv.customer, variant_ids=named)
    else:
        stopped = alerts.stock_alerts_stop(conv.customer)
    if stopped.labels:
        what = "; ".join(stopped.labels)
        more = ("" if not (named and not whole) or len(named) == len(wishes) else
                " Your other back-in-stock alerts stay on.")
        text = (f"Done: I've stopped the back-in-stock alert for {what}. You won't get a "
                f"message about it.{more}")
    elif stopped.channels:
        text = ("Done: you won't get back-in-stock alerts from us any more. Messages about "
                "your orders still come.")
    else:
        text = ("You have no back-in-stock alerts with us, so there's nothing to stop. "
                "Messages about your orders still come.")
    return {"memory": mem, "replies": [reply(text)]}


def alert_contact(state: TurnState) -> dict[str, Any]:
    """The address a site-chat guest gave for their alert: the wish waits for its
    confirmation link (double opt-in)."""
    conv = conversation(state)
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    mem["pending"] = None
    variant = Variant.objects.select_related("product").filter(pk=pending.get("variant")).first()
    found = emails(state.get("text", ""))
    if variant is None:
        return {"memory": mem, "replies": [reply(
            "Sorry, I lost track of which item that was for. Which product should I watch?")]}
    if not found:
        mem["pending"] = pending
        return {"memory": mem, "replies": [reply(
            "That email address looks incomplete. What's the full address, like "
            "name@example.com?")]}
    address = found[0]
    alerts.stock_alert_request_by_email(conv.customer, variant, address, source="chat")
    return {"memory": mem, "replies": [reply(
        f"Thanks. I've sent a link to {address}: follow it to confirm, and I'll email you "
        f"as soon as {variant} is back in stock.")]}


def alert_code(state: TurnState) -> dict[str, Any]:
    """The code the site's notify-me form gave, sent from the number it was given for."""
    conv = conversation(state)
    subscription = alerts.stock_alert_confirm_by_message(
        state.get("text", ""), state.get("sender_id", ""), conv.customer)
    if subscription is None:
        return {"replies": [reply(
            "That code doesn't match an alert for this number. Please ask for the alert "
            "again on our site.")]}
    return {"replies": [reply(
        f"Confirmed: I'll message you here once when {subscription.variant} is back in "
        "stock. Say \"stop alerts\" at any time.")]}


def alert_followup(state: TurnState) -> dict[str, Any]:
    """"Is it still there?" after a back-in-stock alert: about the item the alert named."""
    mem = memory(state)
    variant = Variant.objects.select_related("product").filter(
        pk=mem.get("alert_variant")).first()
    if variant is None:
        return {"memory": mem, "replies": [reply("Which product do you mean?")]}
    if variant.stock > 0:
        text = (f"Yes, {variant} is in stock right now: {variant.stock} left at "
                f"{fmt.money(variant.price)}. Link: {alerts.product_url(variant)}")
    else:
        text = (f"Sorry, {variant} has sold out again. Say \"tell me when it's back\" and "
                "I'll let you know next time.")
    return {"memory": mem, "replies": [reply(text)]}
