"""Back-in-stock alerts in the conversation: taking a wish with its consent (and, for a
site-chat guest, the address to tell them at), and stopping alerts ("stop alerts", STOP
on WhatsApp), saying exactly what was stopped."""

from __future__ import annotations

import re
from typing import Any

from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from campaigns import services as alerts
from commerce.models import BackInStockSubscription, Variant
from core.models import Channel

STOP_ALERTS = re.compile(
    r"^\s*(stop|unsubscribe|stop all|cancel)\s*[.!]*\s*$|"
    r"\b(stop|cancel|end|turn off|switch off|unsubscribe\w*|opt(?:ing)? out|no more|"
    r"remove me)\b[^.?!]{0,40}\b(alerts?|notifications?|notify\w*|messages?|texts?|emails?|"
    r"list|back.in.stock)\b|"
    r"\b(unsubscribe|opt out)\b", re.I)
NOT_STOPPING = re.compile(r"\b(don'?t|do not|never)\s+(stop|cancel|unsubscribe)", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def wants_no_alerts(text: str) -> bool:
    return bool(STOP_ALERTS.search(text)) and not NOT_STOPPING.search(text)


def stop_alerts(state: TurnState) -> dict[str, Any]:
    conv = conversation(state)
    mem = memory(state)
    mem["pending"] = None
    text = state.get("text", "")
    wishes = list(BackInStockSubscription.objects.filter(
        customer=conv.customer, notified_at__isnull=True).select_related("variant__product"))
    named = [w.variant_id for w in wishes if _names(text, w.variant)]
    whole = bool(re.fullmatch(r"\s*(stop|unsubscribe|stop all)\s*[.!]*\s*", text, re.I))
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


def _names(text: str, variant: Variant) -> bool:
    words = set(re.findall(r"[a-z]{4,}", variant.product.name.lower()))
    return any(re.search(rf"\b{re.escape(w)}", text, re.I) for w in words)


def subscribe(state: TurnState, variant: Variant, mem: dict[str, Any]) -> dict[str, Any]:
    """Take the wish on the channel the shopper writes from; a site-chat guest is asked
    for an email address first (a browser cannot be told anything later)."""
    conv = conversation(state)
    mem["pending"] = None
    channel = state.get("channel", "web")
    label = f"{variant.product.name} ({variant.option_label()})" if variant.options else \
        variant.product.name
    if channel in alerts.REACHABLE:
        text = (f"Done — I'll message you here as soon as {label} is back in stock. "
                "You can say \"stop alerts\" at any time.")
        alerts.stock_alert_subscribe(conv.customer, variant, channel, wording=text,
                                     source="chat")
        return {"memory": mem, "replies": [reply(text)]}
    customer = conv.customer
    if not customer.is_guest and customer.email and conv.is_verified:
        text = (f"Done — I'll email you at {customer.email} as soon as {label} is back in "
                "stock. Every email has a link to stop these alerts.")
        alerts.stock_alert_subscribe(customer, variant, Channel.EMAIL, wording=text,
                                     source="chat")
        return {"memory": mem, "replies": [reply(text)]}
    mem["pending"] = {"kind": "alert_contact", "variant": variant.pk}
    return {"memory": mem, "replies": [reply(
        f"I can email you when {label} is back in stock. Which email address should I use? "
        "I'll send you a link to confirm it first.")]}


def wants_contact(state: TurnState) -> bool:
    pending = (state.get("memory") or {}).get("pending") or {}
    return pending.get("kind") == "alert_contact" and "@" in state.get("text", "")


def alert_contact(state: TurnState) -> dict[str, Any]:
    """The address a site-chat guest gave for their alert: the wish waits for its
    confirmation link (double opt-in)."""
    conv = conversation(state)
    mem = memory(state)
    pending = mem.get("pending") or {}
    mem["pending"] = None
    variant = Variant.objects.select_related("product").filter(pk=pending.get("variant")).first()
    found = EMAIL.search(state.get("text", ""))
    if variant is None:
        return {"memory": mem, "replies": [reply(
            "Sorry, I lost track of which item that was for. Which product should I watch?")]}
    if found is None:
        mem["pending"] = pending
        return {"memory": mem, "replies": [reply(
            "That email address looks incomplete. What's the full address, like "
            "name@example.com?")]}
    address = found.group(0)
    alerts.stock_alert_request_by_email(conv.customer, variant, address, source="chat")
    return {"memory": mem, "replies": [reply(
        f"Thanks. I've sent a link to {address}: follow it to confirm, and I'll email you "
        f"as soon as {variant} is back in stock.")]}


ALERT_CODE = re.compile(r"^\s*alerts\s+\d+-[0-9a-f]{6}\s*$", re.I)


def is_alert_code(state: TurnState) -> bool:
    return state.get("channel") == Channel.WHATSAPP and bool(
        ALERT_CODE.match(state.get("text", "")))


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


STILL_THERE = re.compile(
    r"\b(still (there|available|in stock|left|around)|is it (there|available|in stock|back)|"
    r"any (left|still)|can i (still )?(get|buy|order) it|how many (are )?left)\b", re.I)


def asks_about_alert(state: TurnState) -> bool:
    memory_ = state.get("memory") or {}
    return bool(memory_.get("alert_variant")) and bool(STILL_THERE.search(state.get("text", "")))


def alert_followup(state: TurnState) -> dict[str, Any]:
    """"Is it still there?" after a back-in-stock alert: about the item the alert named."""
    from agents import format as fmt

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


CLAUSE = re.compile(r"\s*(?:,|\band\b|&|\+)\s*", re.I)


def variants_listed(text: str, variants: list[Variant]) -> list[Variant]:
    """The variants a message lists one after another ("the black tee in L and the white
    one in L and M"): each part names an option value, and the colour (or size) said last
    carries on to the parts that leave it out. Fewer than two: not a list."""
    def said(part: str, value: object) -> bool:
        return bool(re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", part, re.I))

    axes = sorted({k for v in variants for k in v.options})
    carried: dict[str, str] = {}
    found: list[Variant] = []
    for part in CLAUSE.split(text):
        named = {axis: str(value) for axis in axes for value in
                 {v.options.get(axis) for v in variants if v.options.get(axis)}
                 if said(part, value)}
        if not named:
            continue
        carried.update(named)
        match = [v for v in variants if all(str(v.options.get(a, "")).lower() == carried[a].lower()
                                            for a in carried if a in v.options)
                 and all(a in carried for a in v.options)]
        if len(match) == 1 and match[0] not in found:
            found.append(match[0])
    return found if len(found) >= 2 else []


def subscribe_many(state: TurnState, variants: list[Variant],
                   mem: dict[str, Any]) -> dict[str, Any] | None:
    """Several variants asked for at once: the sold-out ones are watched, the ones in
    stock are said to be there. None when the channel cannot be told later (the one-by-one
    path asks for an address)."""
    from agents import format as fmt

    channel = state.get("channel", "web")
    if channel not in alerts.REACHABLE:
        return None
    conv = conversation(state)
    mem["pending"] = None
    out = [v for v in variants if v.stock <= 0]
    available = [v for v in variants if v.stock > 0]
    parts = []
    if out:
        labels = " and ".join(str(v) for v in out)
        text = (f"Done — I'll message you here as soon as {labels} "
                f"{'is' if len(out) == 1 else 'are'} back in stock. You can say \"stop alerts\" "
                "at any time.")
        for variant in out:
            alerts.stock_alert_subscribe(conv.customer, variant, channel, wording=text,
                                         source="chat")
        parts.append(text)
    for variant in available:
        parts.append(f"{variant} is in stock right now: {variant.stock} left at "
                     f"{fmt.money(variant.price)}, so there's nothing to wait for.")
    return {"memory": mem, "replies": [reply(" ".join(parts))]}
