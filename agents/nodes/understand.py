"""The graph's first step: one reading of the message (``agents.nlu.reading``), and what it
changes in the conversation's memory (a question that lapses, frustration counted).

And the agenda's step: the next request of the message becomes the one answered.
"""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.intents import ORDER_INTENTS
from agents.nlu.reading import Reading, read
from agents.state import TurnState
from agents.tools.catalogue import is_discount_code
from agents.tools.context import memory
from conversations.dialogue import pending_of
from core.formatting import language_or_default
from replies.messages import MESSAGES
from replies.render import catalogue_text, language_overrides, text_for


def understand(state: TurnState) -> dict[str, Any]:
    mem = memory(state)
    text = button_tapped(state.get("text", ""),
                         language_or_default(turn().conversation.customer.language))
    reading = read(text, mem, order_intents=ORDER_INTENTS, is_code=is_discount_code,
                   language=state.get("language") or None)
    if reading.frustrated:
        mem["frustration"] = int(mem.get("frustration", 0)) + 1
    if reading.replaces_pending:
        if reading.retargets:
            # Proposed afresh: the old proposal fills in only what isn't said again.
            mem["proposed"] = (pending_of(mem) or {}).get("action") or {}
        mem["pending"] = None
    # Requests of an earlier message still waiting their turn come after this one's.
    carried = list(mem.pop("agenda", None) or [])
    return {**as_state(reading), "agenda": [*reading.agenda, *carried], "reading": reading,
            "memory": mem, "text": text}


# The bot's buttons: every catalogue message whose name starts so ("bot.confirm.button_yes").
BUTTON_KEYS = tuple(key for key in MESSAGES if key.rsplit(".", 1)[-1].startswith("button_"))
# A label longer than this is no button's.
LONGEST_LABEL = 40


def button_tapped(text: str, language: str) -> str:
    """What the shopper said, read as the catalogue's English wording when it is one of the
    bot's button labels in their language: a tapped button comes back as its label ("Ja,
    fortfahren"), and the cues read English answers ("Yes, go ahead")."""
    said = text.strip().casefold()
    if language == "en" or not said or len(said) > LONGEST_LABEL:
        return text
    overrides = language_overrides(language)
    for key in BUTTON_KEYS:
        if text_for(key, language, overrides).strip().casefold() == said:
            return catalogue_text(key, "en")
    return text


def as_state(reading: Reading) -> dict[str, Any]:
    """The reading's fields the steps and routing use, as the turn's state."""
    return {
        "intent": reading.intent, "confidence": reading.confidence,
        "language": reading.language, "entities": dict(reading.entities),
        "answer": reading.answer, "details_only": reading.details_only,
        "message_text": reading.message_text, "first_intent": reading.first_intent,
        "negated": list(reading.negated), "replaces_pending": reading.replaces_pending,
        "stop": reading.stop, "unsupported": reading.unsupported, "facts": list(reading.facts),
        "changes_payment": reading.changes_payment, "agenda": list(reading.agenda)}


def next_request(state: TurnState) -> dict[str, Any]:
    """Make the next request of the message's agenda the one the next step answers."""
    agenda = list(state.get("agenda") or [])
    if not agenda:
        return {"agenda": []}
    request = agenda.pop(0)
    return {"text": request["text"], "message_text": request["text"],
            "intent": request["intent"], "confidence": float(request["confidence"]),
            "entities": dict(request["entities"]), "details_only": False, "answer": "",
            "agenda": agenda}
