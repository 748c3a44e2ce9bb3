"""The verification gate: the one step that proves who the shopper is.

It stands before every step that needs one of the shopper's orders. The graph sends a
request that always needs one here first (``Intent.gated``); a step that finds it needs one
part-way hands the turn over (``agents.tools.orders.proof_needed``). Either way ``route``
names the step to go on to. With no ``route``, the message answers the bot's own request
for proof, and the request that was waiting is taken up again.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END
from langgraph.types import Command

from agents import routing
from agents.context import turn
from agents.intents import BY_NODE, Node
from agents.state import TurnState
from agents.tools.context import memory
from agents.tools.identity import (
    ASK_DETAILS,
    ask_verification,
    proof_given,
    step_up,
    verify_with_details,
)
from agents.tools.orders import code_needed


def passes(route: str) -> bool:
    """Whether the gate would send a request for `route` straight on, asking nothing: the
    shopper is verified, and it is not an address change (which may need a one-time code
    first, decided here)."""
    return BY_NODE[Node(route)].intent != "change_address" and turn().verified


def verify(state: TurnState) -> Command:
    ctx = turn()
    route = state.get("route") or ""
    answering = not route
    if not answering and ctx.verified:
        if BY_NODE[Node(route)].intent == "change_address" and code_needed(ctx.conversation):
            return Command(goto=END, update={**step_up(state, memory(state), "change_address"),
                                             "route": ""})
        return Command(goto=route)
    if answering or proof_given(state):
        verified, update = verify_with_details(state)
        if not verified:
            return Command(goto=END, update={**update, "route": ""})
        ctx.reload(update.get("conversation_id"))
        if answering:
            route = routing.route_after_verify({**state, **update})  # type: ignore[typeddict-item]
        else:
            # The request in this very message goes on with its own words.
            update.pop("text", None)
        update["route"] = route
        return Command(goto=route if route not in {"", "done"} else END, update=update)
    asked: dict[str, Any] = ask_verification(state, BY_NODE[Node(route)].intent,
                                             state.get("proof_prompt") or ASK_DETAILS)
    return Command(goto=END, update={**asked, "route": ""})
