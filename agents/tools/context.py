"""What a step knows about the conversation it is answering: the turn context's."""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.state import TurnState
from conversations.models import Conversation


def conversation(state: TurnState) -> Conversation:
    """The conversation (with its customer) as loaded for this turn."""
    return turn().conversation


def reply(text: str, buttons: list[str] | None = None,
          attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"text": text, "buttons": buttons or [], "attachments": attachments or []}


def memory(state: TurnState) -> dict[str, Any]:
    return dict(state.get("memory") or {})
