"""The one small interface every channel adapter implements (after Rasa's channels).

An adapter knows its platform's payloads and nothing of the ORM or the graph beyond
the outbound Message it is handed to deliver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from conversations.models import Message


class OutputAdapter(Protocol):
    channel: str

    def send(self, message: Message) -> None:
        """Deliver one stored outbound message; raise on failure so it is retried."""


def numbered_text(text: str, buttons: list[str]) -> str:
    """Buttons degrade to numbered choices on channels that have none."""
    if not buttons:
        return text
    choices = "\n".join(f"{i}. {label}" for i, label in enumerate(buttons, 1))
    return f"{text}\n{choices}"
