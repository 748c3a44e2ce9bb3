"""What a node knows about the conversation it is answering."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from agents.state import TurnState
from conversations.models import Conversation

# The conversation row the turn runs on (locked by message_process, with its customer),
# so nodes read it once per turn rather than once per node.
_turn_conversation: ContextVar[Conversation | None] = ContextVar("turn_conversation",
                                                                 default=None)


@contextlib.contextmanager
def turn_conversation(conv: Conversation) -> Iterator[None]:
    token = _turn_conversation.set(conv)
    try:
        yield
    finally:
        _turn_conversation.reset(token)


def conversation(state: TurnState) -> Conversation:
    """The conversation the turn is about: the turn's own instance (which the services
    the nodes call keep up to date, e.g. conversation_verify), else read afresh."""
    current = _turn_conversation.get()
    if current is not None and current.pk == state["conversation_id"]:
        return current
    return Conversation.objects.select_related("customer").get(pk=state["conversation_id"])


def reply(text: str, buttons: list[str] | None = None,
          attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"text": text, "buttons": buttons or [], "attachments": attachments or []}


def memory(state: TurnState) -> dict[str, Any]:
    return dict(state.get("memory") or {})
