"""Consequential actions: recorded decisions, handoffs and confirmed typed actions.

A node proposes an action as the plain dict ``commerce.actions.action_to_dict`` makes (it
waits in the conversation's memory until the shopper says yes); ``action_confirm`` runs it
through ``conversations.actions.action_perform``, the same path an agent's approval in the
inbox takes. A handoff that asks a person to approve what policy would not let the bot do
carries the proposed action in its packet (``proposed``), so the inbox approves exactly it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agents.state import TurnState
from agents.tools.context import conversation, reply
from commerce.actions import (
    Action,
    ActionResult,
    OpenReturn,
    ReturnItem,
    action_from_dict,
    action_key,
    action_to_dict,
)
from commerce.models import Order
from commerce.policy import Decision
from conversations import services
from conversations.actions import action_perform
from conversations.dialogue import AwaitConfirm, Proposal
from conversations.models import Conversation
from replies.render import Say, render


def ask_confirmation(state: TurnState, mem: dict[str, Any], summary: Say | str,
                     action: Proposal | dict[str, Any]) -> dict[str, Any]:
    """Summarise a consequential action and wait for a plain yes (``confirm`` runs it).
    The summary is kept as said, in the shopper's language, to repeat it if the answer
    is unclear."""
    mem = dict(mem)
    said = summary if isinstance(summary, str) else render(
        summary, conversation(state).customer.language)
    mem["pending"] = AwaitConfirm(kind="confirm", action=action, summary=said)
    return {"memory": mem, "replies": [reply(Say("bot.proposal.shall_i", summary=summary),
                                             buttons=[Say("bot.proposal.yes"),
                                                      Say("bot.proposal.no")])]}


def decide(state: TurnState, decision: Decision, order: Order | None = None) -> Decision:
    services.decision_record(conversation(state), decision, order.number if order else "")
    return decision


def actions_from_pending(action: dict[str, Any]) -> list[Action]:
    """The typed actions a confirmed proposal stands for: one per order when one yes
    covers several ("cancel both"), each checked and done on its own. Raises
    ``commerce.actions.ActionInvalid`` for a proposal that cannot be read."""
    orders = action.get("orders") or []
    if len(orders) > 1:
        return [action_from_dict({**action, "order": number}) for number in orders]
    return [action_from_dict(action)]


def action_confirm(state: TurnState, conv: Conversation, action: Action) -> ActionResult:
    """Run what the shopper has just confirmed, once per conversation and action (a second
    "yes" replays the first result). Raises ``ActionRefused`` with nothing written."""
    result, _ = action_perform(action, conversation=conv,
                               key=action_key(str(state["conversation_id"]), action))
    return result


def return_proposal(order: Order, item_ids: Iterable[int], resolution: str) -> OpenReturn:
    """The return a person may approve when policy stops the bot: the items the shopper
    chose (all of the order's when none was), with the resolution they asked for."""
    ids = [int(pk) for pk in item_ids] or [i.pk for i in order.items.all()]
    return OpenReturn(order.number, tuple(ReturnItem(pk) for pk in ids),
                      resolution=resolution or "refund")


def handoff_packet(state: TurnState, reason: str, *, summary: str, suggested: str = "",
                   order: Order | None = None, decision: Decision | None = None,
                   tried: list[str] | None = None,
                   proposed: Action | None = None) -> dict[str, Any]:
    conv = conversation(state)
    customer = conv.customer
    packet = {
        "reason": reason,
        "summary": summary,
        "suggested_resolution": suggested,
        "intent": state.get("intent", ""),
        "verified": conv.is_verified,
        "verified_via": conv.verified_via,
        "customer": {"id": customer.pk, "name": customer.name, "email": customer.email,
                     "phone": customer.phone, "tags": customer.tags},
        "order": order.number if order else "",
        "policy": ({"rule": decision.rule, "explanation": decision.explanation,
                    "outcome": decision.outcome} if decision else None),
        "tried": tried or [],
        "last_message": state.get("text", ""),
    }
    if proposed is not None:
        packet["proposed"] = action_to_dict(proposed)
    return packet


def hand_off(state: TurnState, reason: str, **packet: Any) -> dict[str, Any]:
    return {"handoff": handoff_packet(state, reason, **packet)}
