"""Back-in-stock alerts in the conversation: taking a wish with its consent (and, for a
site-chat guest, the address to tell them at), and stopping alerts ("stop alerts", STOP
on WhatsApp), saying exactly what was stopped."""

from __future__ import annotations

from typing import Any

from agents.nlu.alerts import names_product, stops_everything
from agents.nlu.identity import emails
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply, variant_said
from campaigns import services as alerts
from commerce.models import BackInStockSubscription, Variant
from conversations.dialogue import pending_of
from replies.render import Say


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
        others_stay = bool(named and not whole) and len(named) != len(wishes)
        said = [Say("bot.stock.stopped", items=what)]
        if others_stay:
            said.append(Say("bot.stock.others_stay_on"))
    elif stopped.channels:
        said = [Say("bot.stock.stopped_all")]
    else:
        said = [Say("bot.stock.none_to_stop")]
    return {"memory": mem, "replies": [reply(*said)]}


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
        return {"memory": mem, "replies": [reply(Say("bot.stock.lost_track"))]}
    if not found:
        mem["pending"] = pending
        return {"memory": mem, "replies": [reply(Say("bot.stock.email_incomplete"))]}
    address = found[0]
    alerts.stock_alert_request_by_email(conv.customer, variant, address, source="chat")
    return {"memory": mem, "replies": [reply(
        Say("bot.stock.confirm_link_sent", email=address, item=variant_said(variant)))]}


def alert_code(state: TurnState) -> dict[str, Any]:
    """The code the site's notify-me form gave, sent from the number it was given for."""
    conv = conversation(state)
    subscription = alerts.stock_alert_confirm_by_message(
        state.get("text", ""), state.get("sender_id", ""), conv.customer)
    if subscription is None:
        return {"replies": [reply(Say("bot.stock.code_unknown"))]}
    return {"replies": [reply(
        Say("bot.stock.confirmed", item=variant_said(subscription.variant)))]}


def alert_followup(state: TurnState) -> dict[str, Any]:
    """"Is it still there?" after a back-in-stock alert: about the item the alert named."""
    mem = memory(state)
    variant = Variant.objects.select_related("product").filter(
        pk=mem.get("alert_variant")).first()
    if variant is None:
        return {"memory": mem, "replies": [reply(Say("bot.stock.which_product"))]}
    if variant.stock > 0:
        said = Say("bot.stock.still_there", item=variant_said(variant), count=variant.stock,
                   price=variant.price, url=alerts.product_url(variant))
    else:
        said = Say("bot.stock.sold_out_again", item=variant_said(variant))
    return {"memory": mem, "replies": [reply(said)]}
