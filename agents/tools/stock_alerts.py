"""Back-in-stock wishes taken in the conversation: on the channel the shopper writes from
(with the consent's wording), or, for a site-chat guest, once they give an email address;
several variants in one message at once."""

from __future__ import annotations

from typing import Any

from agents.nlu.alerts import listed_options
from agents.state import TurnState
from agents.tools.context import conversation, reply
from campaigns import services as alerts
from commerce.models import Variant
from conversations.dialogue import AwaitAlertContact
from core import formatting as fmt
from core.models import Channel


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
    mem["pending"] = AwaitAlertContact(kind="alert_contact", variant=variant.pk)
    return {"memory": mem, "replies": [reply(
        f"I can email you when {label} is back in stock. Which email address should I use? "
        "I'll send you a link to confirm it first.")]}


def variants_listed(text: str, variants: list[Variant]) -> list[Variant]:
    """The variants a message lists one after another ("the black tee in L and the white
    one in L and M"); fewer than two: not a list."""
    return [variants[i] for i in listed_options(text, [v.options for v in variants])]


def subscribe_many(state: TurnState, variants: list[Variant],
                   mem: dict[str, Any]) -> dict[str, Any] | None:
    """Several variants asked for at once: the sold-out ones are watched, the ones in
    stock are said to be there. None when the channel cannot be told later (the one-by-one
    path asks for an address)."""
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
