"""Back-in-stock wishes taken in the conversation: on the channel the shopper writes from
(with the consent's wording), or, for a site-chat guest, once they give an email address;
several variants in one message at once."""

from __future__ import annotations

from typing import Any

from agents.nlu.alerts import listed_options
from agents.state import TurnState
from agents.tools.context import conversation, reply, variant_said
from campaigns import services as alerts
from commerce.models import Variant
from conversations.dialogue import AwaitAlertContact
from conversations.models import Conversation
from core.models import Channel
from replies.render import Say, render


def subscribe(state: TurnState, variant: Variant, mem: dict[str, Any]) -> dict[str, Any]:
    """Take the wish on the channel the shopper writes from; a site-chat guest is asked
    for an email address first (a browser cannot be told anything later)."""
    conv = conversation(state)
    mem["pending"] = None
    channel = state.get("channel", "web")
    label = variant_said(variant)
    if channel in alerts.REACHABLE:
        said = Say("bot.stock.watching", item=label)
        alerts.stock_alert_subscribe(conv.customer, variant, channel,
                                     wording=_as_read(conv, said), source="chat")
        return {"memory": mem, "replies": [reply(said)]}
    customer = conv.customer
    if not customer.is_guest and customer.email and conv.is_verified:
        said = Say("bot.stock.watching_by_email", email=customer.email, item=label)
        alerts.stock_alert_subscribe(customer, variant, Channel.EMAIL,
                                     wording=_as_read(conv, said), source="chat")
        return {"memory": mem, "replies": [reply(said)]}
    mem["pending"] = AwaitAlertContact(kind="alert_contact", variant=variant.pk)
    return {"memory": mem, "replies": [reply(Say("bot.stock.which_email", item=label))]}


def _as_read(conv: Conversation, said: Say) -> str:
    """The words of a consent as the shopper read them, kept with the wish."""
    return render(said, conv.customer.language)


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
    parts: list[Say] = []
    if out:
        said = (Say("bot.stock.watching", item=variant_said(out[0])) if len(out) == 1 else
                Say("bot.stock.watching_several", items=[variant_said(v) for v in out]))
        wording = _as_read(conv, said)
        for variant in out:
            alerts.stock_alert_subscribe(conv.customer, variant, channel, wording=wording,
                                         source="chat")
        parts.append(said)
    for variant in available:
        parts.append(Say("bot.stock.in_stock_now", item=variant_said(variant), count=variant.stock,
                         price=variant.price))
    return {"memory": mem, "replies": [reply(*parts)]}
