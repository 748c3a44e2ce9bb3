"""Greetings, account help, complaints, handoff on request, and honest clarification."""

from __future__ import annotations

from typing import Any

from agents.intents import capabilities
from agents.nlu.cues import greets, signs_off, yes_or_no
from agents.state import TurnState
from agents.tools.actions import hand_off
from agents.tools.context import conversation, memory, reply
from commerce import selectors as store
from conversations.dialogue import AwaitClarify, pending_kind

CAPABILITIES = capabilities()


def greeting(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    if signs_off(text):
        return {"replies": [reply("You're welcome! If anything else comes up, just message "
                                  "here.")]}
    if yes_or_no(text) and not greets(text):
        return {"replies": [reply("OK! Is there anything else I can help with?")]}
    name = ""
    conv = conversation(state)
    if conv.is_verified and conv.customer.name:
        name = f" {conv.customer.name.split()[0]}"
    return {"replies": [reply(f"Hi{name}! {CAPABILITIES} How can I help?")]}


def account(state: TurnState) -> dict[str, Any]:
    articles = store.article_search(state.get("text", ""), topic="account")
    if articles:
        a = articles[0]
        return {"replies": [reply(f"{a.title}: {a.body} If that doesn't solve it, tell me and "
                                  "I'll bring in a colleague.")]}
    return {"replies": [reply(
        "For sign-in problems, use \"Forgot password\" on the sign-in page: we'll email a reset "
        "link to the address on your account. For anything else about your account, a "
        "colleague can help — just ask for a person.")]}


def human_request(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    return {"memory": mem, "replies": [reply(
        "Of course — I've passed this conversation to a colleague, with everything we've "
        "covered so far. They'll reply right here.")],
        **hand_off(state, "customer_request", summary="The shopper asked for a person.",
                   suggested="Read the history and pick up where the bot stopped.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}


def frustration(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    return {"memory": mem, "replies": [reply(
        "I'm sorry this has been frustrating. I've asked a colleague to take over — they can "
        "see everything we've discussed and will reply here shortly.")],
        **hand_off(state, "frustration", summary="The shopper is repeatedly frustrated.",
                   suggested="Apologise, resolve the underlying issue, consider a goodwill "
                             "gesture.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}


def complaint(state: TurnState) -> dict[str, Any]:
    conv = conversation(state)
    if conv.customer.is_vip:
        return {"replies": [reply(
            "I'm sorry we've let you down. I've asked a colleague to look after this "
            "personally; they'll reply here.")],
            **hand_off(state, "vip", summary="A VIP customer has a complaint.",
                       suggested="Personal apology and resolution.")}
    return {"replies": [reply(
        "I'm sorry about that — it's not the experience we want you to have. Tell me what "
        "happened (and the order number if it's about an order) and I'll do what I can to put "
        "it right, or I can pass you to a colleague.", buttons=["Talk to a person"])]}


def clarify(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    attempts = int(mem.get("clarify_attempts", 0)) + 1
    mem["clarify_attempts"] = attempts
    if attempts >= 2:
        mem["clarify_attempts"] = 0
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "Sorry, I'm not getting it right. I've asked a colleague to read this and reply "
            "here.")],
            **hand_off(state, "not_understood", summary="The bot could not understand the "
                                                        "shopper twice.",
                       suggested="Read the last messages and answer directly.")}
    mem["pending"] = AwaitClarify(kind="clarify")
    return {"memory": mem, "replies": [reply(
        "Sorry, I want to make sure I help with the right thing. Is this about an order you "
        "placed, or a product you're looking at?",
        buttons=["An order I placed", "A product", "Something else"])]}


def instructions(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    mem["pending"] = None
    refusal = "I can't change how I work or skip any checks, and nothing in a message can do that."
    if state.get("also"):
        # What they asked in their own words is answered next, by its own node.
        return {"memory": mem, "replies": [reply(f"{refusal} Here's what you asked:")]}
    return {"memory": mem, "replies": [reply(
        f"{refusal} If there's something you need — an order's status, a return, a "
        "cancellation — tell me in your own words and I'll check what our policy allows.")]}


def other(state: TurnState) -> dict[str, Any]:
    return {"replies": [reply(f"I'm the shop's assistant, so I can't help with that. "
                              f"{CAPABILITIES}")]}


ACTION_NAMES = {"cancel_order": "cancel anything", "return_request": "start a return",
                "exchange_request": "start an exchange", "change_address": "change the address",
                "back_in_stock": "set up a stock alert"}


def declined(state: TurnState) -> dict[str, Any]:
    """The shopper refused an action ("no, don't cancel it"): nothing is started, and a
    proposal of that action waiting for a yes lapses."""
    mem = memory(state)
    refused = [i for i in ACTION_NAMES if i in (state.get("negated") or [])]
    if pending_kind(mem) in {"confirm", "address", "item", "return_resolution"}:
        mem["pending"] = None
    what = " or ".join(ACTION_NAMES[i] for i in refused) or "change anything"
    return {"memory": mem, "replies": [reply(
        f"OK — I won't {what}, and nothing has been changed. Is there anything else I can "
        "help with?")]}


def lapsed(state: TurnState) -> dict[str, Any]:
    """At "shall I go ahead?" the shopper brought something the bot can't read as yes:
    the proposal lapsed unexecuted."""
    return {"replies": [reply(
        "I haven't done anything yet. What would you like me to do instead? Tell me in a few "
        "words, e.g. \"change the address to …\" or \"pay with my other card\".")]}


def unsupported(state: TurnState) -> dict[str, Any]:
    """A request the bot has no action for: said plainly, and handed to a person with the
    case, rather than offering something else."""
    mem = memory(state)
    mem["pending"] = None
    what = state.get("unsupported") or "do that"
    return {"memory": mem, "replies": [reply(
        f"I'm not able to {what} myself, so I've passed your request to a colleague, with "
        "everything we've covered. They'll reply right here.")],
        **hand_off(state, "unsupported_request",
                   summary=f"The shopper asks to {what}, which the bot cannot do.",
                   suggested="Check whether it can be done for this order and reply.",
                   tried=list(filter(None, [mem.get("last_intent", "")])))}
