"""What a node knows about the conversation it is answering."""

from __future__ import annotations

from typing import Any

from agents.state import TurnState
from conversations.models import Conversation


def conversation(state: TurnState) -> Conversation:
    return Conversation.objects.select_related("customer").get(pk=state["conversation_id"])


def reply(text: str, buttons: list[str] | None = None,
          attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"text": text, "buttons": buttons or [], "attachments": attachments or []}


def memory(state: TurnState) -> dict[str, Any]:
    return dict(state.get("memory") or {})
