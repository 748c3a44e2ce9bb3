"""Consequential actions: recorded decisions, handoffs and idempotent writes."""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.state import TurnState
from agents.tools.context import conversation, reply
from commerce.models import Order
from commerce.policy import Decision
from conversations import services
from conversations.dialogue import AwaitConfirm, Proposal


def ask_confirmation(state: TurnState, mem: dict[str, Any], summary: str,
                     action: Proposal | dict[str, Any]) -> dict[str, Any]:
    """Summarise a consequential action and wait for a plain yes (``confirm`` runs it)."""
    mem = dict(mem)
    mem["pending"] = AwaitConfirm(kind="confirm", action=action, summary=summary)
    return {"memory": mem, "replies": [reply(f"{summary}\n\nShall I go ahead?",
                                             ["Yes, go ahead", "No"])]}


def decide(state: TurnState, decision: Decision, order: Order | None = None) -> Decision:
    services.decision_record(conversation(state), decision, order.number if order else "")
    return decision


def action_key(state: TurnState, kind: str, *parts: str) -> str:
    return ":".join([str(state["conversation_id"]), kind, *[p for p in parts if p]])


def run_once(state: TurnState, kind: str, key: str, order: Order | None,
             run: Any) -> tuple[dict[str, Any], bool]:
    result = services.action_run(key, kind, conversation(state),
                                 order.number if order else "", run)
    # The write changed the orders: read afresh when next needed this turn.
    turn().forget_orders()
    return result


def handoff_packet(state: TurnState, reason: str, *, summary: str, suggested: str = "",
                   order: Order | None = None, decision: Decision | None = None,
                   tried: list[str] | None = None) -> dict[str, Any]:
    conv = conversation(state)
    customer = conv.customer
    return {
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


def hand_off(state: TurnState, reason: str, **packet: Any) -> dict[str, Any]:
    return {"handoff": handoff_packet(state, reason, **packet)}
