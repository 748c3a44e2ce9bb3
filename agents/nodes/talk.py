"""Greetings, account help, complaints, handoff on request, and honest clarification."""

from __future__ import annotations

from typing import Any

from agents.nlu.cues import greets, signs_off, yes_or_no
from agents.state import TurnState
from agents.tools.actions import hand_off
from agents.tools.context import article, conversation, memory, reply
from commerce import selectors as store
from conversations.dialogue import AwaitClarify, pending_kind
from replies.render import Either, Say, render

CAPABILITIES = Say("bot.talk.capabilities")


def greeting(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    if signs_off(text):
        return {"replies": [reply(Say("bot.talk.you_are_welcome"))]}
    if yes_or_no(text) and not greets(text):
        return {"replies": [reply(Say("bot.talk.ok_anything_else"))]}
    conv = conversation(state)
    if conv.is_verified and conv.customer.name:
        return {"replies": [reply(Say("bot.talk.hello_name", name=conv.customer.name.split()[0],
                                      capabilities=CAPABILITIES))]}
    return {"replies": [reply(Say("bot.talk.hello", capabilities=CAPABILITIES))]}


def still_waiting(state: TurnState) -> dict[str, Any]:
    """A shopper waiting for a person asks if anyone is there (or for a person again)."""
    return {"replies": [reply(Say("bot.talk.still_waiting"))]}


def account(state: TurnState) -> dict[str, Any]:
    articles = store.article_search(state.get("text", ""), topic="account")
    if articles:
        a = articles[0]
        # The article in the shop's own words, then the bot's.
        return {"replies": [reply(article(a), Say("bot.talk.article_followup"))]}
    return {"replies": [reply(Say("bot.talk.account_help"))]}


def human_request(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    return {"memory": mem, "replies": [reply(Say("bot.talk.handed_to_person"))],
        **hand_off(state, "customer_request", summary="The shopper asked for a person.",
                   suggested="Read the history and pick up where the bot stopped.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}


def frustration(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    return {"memory": mem, "replies": [reply(Say("bot.talk.frustration"))],
        **hand_off(state, "frustration", summary="The shopper is repeatedly frustrated.",
                   suggested="Apologise, resolve the underlying issue, consider a goodwill "
                             "gesture.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}


def complaint(state: TurnState) -> dict[str, Any]:
    conv = conversation(state)
    if conv.customer.is_vip:
        return {"replies": [reply(Say("bot.talk.complaint_vip"))],
            **hand_off(state, "vip", summary="A VIP customer has a complaint.",
                       suggested="Personal apology and resolution.")}
    return {"replies": [reply(Say("bot.talk.complaint"),
                              buttons=[Say("bot.talk.button_person")])]}


def clarify(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    attempts = int(mem.get("clarify_attempts", 0)) + 1
    mem["clarify_attempts"] = attempts
    if attempts >= 2:
        mem["clarify_attempts"] = 0
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.talk.not_understood_twice"))],
            **hand_off(state, "not_understood", summary="The bot could not understand the "
                                                        "shopper twice.",
                       suggested="Read the last messages and answer directly.")}
    mem["pending"] = AwaitClarify(kind="clarify")
    return {"memory": mem, "replies": [reply(
        Say("bot.talk.clarify"),
        buttons=[Say("bot.talk.button_an_order"), Say("bot.talk.button_a_product"),
                 Say("bot.talk.button_something_else")])]}


def instructions(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    if state.get("also"):
        # What they asked in their own words is answered next, by its own node.
        return {"memory": mem,
                "replies": [reply(Say("bot.talk.instructions_then_answer"))]}
    return {"memory": mem, "replies": [reply(Say("bot.talk.instructions"))]}


def other(state: TurnState) -> dict[str, Any]:
    return {"replies": [reply(Say("bot.talk.out_of_scope", capabilities=CAPABILITIES))]}


# What the shopper may refuse, as "I won't ..." says it.
ACTION_NAMES = {"cancel_order": "bot.talk.declined.cancel_order",
                "return_request": "bot.talk.declined.return_request",
                "exchange_request": "bot.talk.declined.exchange_request",
                "change_address": "bot.talk.declined.change_address",
                "back_in_stock": "bot.talk.declined.back_in_stock"}


def declined(state: TurnState) -> dict[str, Any]:
    """The shopper refused an action ("no, don't cancel it"): nothing is started, and a
    proposal of that action waiting for a yes lapses."""
    mem = memory(state)
    refused = [i for i in ACTION_NAMES if i in (state.get("negated") or [])]
    if pending_kind(mem) in {"confirm", "address", "item", "return_resolution"}:
        mem["pending"] = None
    what = (Either(Say(ACTION_NAMES[i]) for i in refused) if refused
            else Say("bot.talk.declined.anything"))
    return {"memory": mem, "replies": [reply(Say("bot.talk.declined", what=what))]}


def lapsed(state: TurnState) -> dict[str, Any]:
    """At "shall I go ahead?" the shopper brought something the bot can't read as yes:
    the proposal lapsed unexecuted."""
    return {"replies": [reply(Say("bot.talk.lapsed"))]}


# What the bot cannot do, as its reply names it, by the kind nlu reads (cues.UNSUPPORTED).
UNSUPPORTED_NAMES = {
    "undo_cancellation": "bot.talk.unsupported.undo_cancellation",
    "price_match": "bot.talk.unsupported.price_match",
    "split_order": "bot.talk.unsupported.split_order",
    "add_items": "bot.talk.unsupported.add_items",
    "delivery_slot": "bot.talk.unsupported.delivery_slot",
    "gift_wrap": "bot.talk.unsupported.gift_wrap",
    "combine_orders": "bot.talk.unsupported.combine_orders",
    "price_match_order": "bot.talk.unsupported.price_match_order",
}


def unsupported(state: TurnState) -> dict[str, Any]:
    """A request the bot has no action for: said plainly, and handed to a person with the
    case, rather than offering something else."""
    mem = memory(state)
    mem["pending"] = None
    named = store.product_search(state.get("message_text") or state.get("text", ""))
    if named:
        # "Can you price-match the Ridge jacket?": while a colleague looks at it, "is the
        # blue one in stock?" is about that jacket.
        mem["product"] = named[0].pk
    what = Say(UNSUPPORTED_NAMES.get(state.get("unsupported") or "",
                                     "bot.talk.unsupported.anything"))
    return {"memory": mem, "replies": [reply(Say("bot.talk.unsupported", what=what))],
        **hand_off(state, "unsupported_request",
                   summary=f"The shopper asks to {render(what, 'en')}, which the bot cannot do.",
                   suggested="Check whether it can be done for this order and reply.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}
