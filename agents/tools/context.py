"""What a step knows about the conversation it is answering: the turn context's."""

from __future__ import annotations

from typing import Any

from agents.context import turn
from agents.state import TurnState
from commerce.models import Article, Variant
from conversations.models import Conversation
from replies.render import HelpArticle, Options, Say


def conversation(state: TurnState) -> Conversation:
    """The conversation (with its customer) as loaded for this turn."""
    return turn().conversation


def reply(*parts: Say | HelpArticle | str, buttons: list[Say | str] | None = None,
          attachments: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """One reply of the bot: its messages by key (``Say``), said in the shopper's language
    when the turn ends (agents.runner). A plain string is said as it is, for words that
    are not the bot's own (a help article the shop wrote)."""
    return {"parts": list(parts), "buttons": buttons or [], "attachments": attachments or []}


def article(a: Article) -> HelpArticle:
    """The shop's help article as an answer, said in the shopper's language when the shop
    wrote it in that one."""
    return HelpArticle(a.title, a.body, a.translations or {})


def memory(state: TurnState) -> dict[str, Any]:
    return dict(state.get("memory") or {})


def variant_said(v: Variant, count: int = 1) -> Options:
    """A variant as a reply names it, its options in the shopper's language ("2 × Fell
    Hoodie (S, gris)" for `count` 2)."""
    name = v.product.name
    return Options(v.options, name=f"{count} × {name}" if count > 1 else name)
