"""The one file that wires the conversation graph, built from the intent registry.

understand → (the verification gate, for a request that always needs an order, unless it
would let the turn straight through: ``verify.passes``) → the step that answers → the next
request of the message, if any → end. Every hop is a LangGraph
``Command``: a step either names where the turn goes (a hand-over, e.g. to the gate when it
finds it needs the shopper's order) or returns its update and the routing table here
decides. Steps never call each other.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import import_module
from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import Command

from agents import routing
from agents.context import TurnContext
from agents.intents import GATED, INTENTS, Node
from agents.nodes import understand, verify
from agents.state import TurnState

Step = Callable[[TurnState], Any]


def step_function(path: str) -> Step:
    """The function a registry row names ("returns:return_request")."""
    module, name = path.split(":")
    return getattr(import_module(f"agents.nodes.{module}"), name)


def _gated(goto: str, update: dict[str, Any]) -> Command:
    """A request that always needs the shopper's order passes the gate first, unless the
    gate has nothing to ask (a hop of the graph less for most turns)."""
    if goto in GATED and not verify.passes(goto):
        return Command(goto=Node.VERIFY, update={**update, "route": goto})
    return Command(goto=goto, update=update)


def _then(run: Step, after: Callable[[TurnState], str]) -> Step:
    """Run a step; unless it handed over itself, go where ``after`` says."""

    def step(state: TurnState) -> Command:
        out = run(state)
        if isinstance(out, Command):
            return out
        goto = after({**state, **out})  # type: ignore[typeddict-item]
        return _gated(goto if goto not in {"done", ""} else END, out)

    step.__name__ = getattr(run, "__name__", "step")
    return step


@lru_cache(maxsize=1)
def build() -> Any:
    graph = StateGraph(TurnState, context_schema=TurnContext)
    everything = (*[n.value for n in Node], END)
    graph.add_node(Node.UNDERSTAND, _then(understand.understand, routing.route_after_understand),
                   destinations=everything)
    graph.add_node(Node.VERIFY, verify.verify, destinations=everything)
    graph.add_node(Node.ALSO, _then(understand.next_request, routing.route_after_also),
                   destinations=everything)
    for intent in INTENTS:
        graph.add_node(intent.node, _then(step_function(intent.step), routing.route_after_answer),
                       destinations=(Node.VERIFY, Node.ALSO, *[n.value for n in Node], END))
    graph.add_edge(START, Node.UNDERSTAND)
    return graph.compile()
