"""The typed state one bot turn carries through the graph."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict

from agents.nlu.reading import Reading, Request
from conversations.dialogue import Memory


class TurnState(TypedDict, total=False):
    # Given by the runner.
    conversation_id: int
    text: str
    channel: str
    sender_id: str
    client: str  # who guesses and asks for people are rationed by (conversations.services)
    waiting_for_person: bool  # handed off, not taken yet: only questions are answered
    attachments: list[dict[str, Any]]
    # Set by understand.
    message_text: str  # this message alone ("text" may gain the earlier request's words)
    intent: str
    confidence: float
    language: str
    entities: dict[str, str]
    answer: str  # "yes", "no" or "" for a reply to a pending question
    details_only: bool  # the message is only an order number, email or postcode
    first_intent: str  # the message's (first) request, recorded on the message
    negated: list[str]  # actions (by intent) the message refuses: never started this turn
    facts: list[str]  # facts of their own order the shopper asks for (agents.nlu.cues.FACTS)
    changes_payment: bool  # asks to pay for an order with another saved method
    unsupported: str  # the kind of request the bot has no action for (cues.UNSUPPORTED), or ""
    stop: str  # "declined" (an action refused) or "lapsed" (not a yes): nothing is started
    replaces_pending: bool  # a new request at a confirmation step: the proposal lapsed
    agenda: list[Request]  # the message's further requests, answered in order
    reading: Reading  # the one reading of the message (agents.nlu.reading)
    # Set by the steps that hand the turn over (agents.graph: Command hops).
    route: str  # the step the verification gate goes on to ("" for the one waiting)
    proof_prompt: Any  # how the gate asks for proof (a Say), when not in its own words
    handover: dict[str, Any] | None  # what a step hands the next (a parcel found missing)
    # Carried between turns in Conversation.state (owned by the runner).
    memory: Memory
    # What the turn produced.
    replies: Annotated[list[dict[str, Any]], operator.add]
    handoff: dict[str, Any] | None
