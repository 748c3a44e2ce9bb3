"""The one bridge from Django to the graph: run a turn, persist its memory and handoff."""

from __future__ import annotations

from typing import Any

from agents.context import TurnContext
from agents.graph import build
from agents.nlu import cues
from agents.nlu.reading import LOW_CONFIDENCE
from agents.outreach_replies import outreach_answer
from agents.state import TurnState
from conversations import selectors as conversation_selectors
from conversations import services
from conversations.dialogue import pending_kind
from conversations.models import Conversation, Message
from conversations.services import Reply
from core.formatting import language_or_default
from replies.render import render_parts


def bot_turn(conversation: Conversation, message: Message) -> list[Reply]:
    answered = outreach_answer(conversation, message)
    if answered is not None:
        # A satisfaction score, or "all good" to a delivery check-in: nothing to run.
        return answered
    state: TurnState = {
        "conversation_id": conversation.pk,
        "text": message.text,
        # The language the message was read as written in (conversations.services), for
        # the classifier; "" when too short to tell.
        "language": message.language or "",
        "channel": message.channel,
        "sender_id": message.payload.get("from", ""),
        "client": services.client_key(message),
        "attachments": message.payload.get("attachments", []),
        "waiting_for_person": conversation.mode == Conversation.Mode.HUMAN,
        "memory": dict(conversation.state or {}),
        "replies": [],
        "handoff": None,
    }
    customer = conversation.customer
    # The conversation as message_process locked it, with its customer: no read this turn.
    context = TurnContext(conversation_id=conversation.pk, channel=message.channel,
                          _conversation=conversation,
                          sender_id=state["sender_id"], client=state["client"])
    result: dict[str, Any] = build().invoke(state, context=context)
    # The nodes' services may have verified it or handed it to a person meanwhile; its
    # customer (maybe another one now) comes with it, for the language replies are said in.
    conversation_selectors.conversation_refresh(conversation)
    memory = dict(result.get("memory") or {})
    if result.get("confidence", 0) >= LOW_CONFIDENCE and pending_kind(memory) != "clarify":
        memory["clarify_attempts"] = 0
    if result.get("agenda") and not result.get("handoff"):
        # Requests of the message not reached yet (a question to the shopper came first):
        # taken up once it is answered, none dropped.
        memory["agenda"] = list(result["agenda"])
    if result.get("intent") and result.get("confidence", 0) >= LOW_CONFIDENCE:
        memory["last_intent"] = result["intent"]
    # A thank-you or goodbye: once the conversation goes quiet after it, the scan closes
    # it as resolved by the bot (conversations.lifecycle).
    memory["signed_off"] = cues.signs_off(message.text)
    conversation.state = memory
    conversation.save(update_fields=["state"])
    if (conversation.customer_id != customer.pk
            or customer.preferred_channel != message.channel):
        services.customer_remember(conversation.customer_id, channel=message.channel)
        conversation.customer.preferred_channel = message.channel
    message.intent = result.get("first_intent") or result.get("intent", "")
    message.confidence = result.get("confidence")
    message.entities = result.get("entities") or {}
    language = language_or_default(conversation.customer.language)
    replies = [Reply(text=render_parts(r["parts"], language),
                     buttons=[render_parts([b], language) for b in r["buttons"]],
                     attachments=r["attachments"]) for r in result.get("replies", [])]
    if result.get("handoff"):
        packet = result["handoff"]
        waiting = conversation.handoffs.filter(status__in=["waiting", "assigned"]).exists()
        handoff = services.handoff_create(conversation, packet["reason"], packet,
                                          client=state["client"])
        if handoff is None:
            # The last reply promised a person: none is coming.
            replies[-1:] = [Reply(services.handoff_refused_text(language))]
        elif not waiting and handoff.expected_wait:
            replies.append(Reply(handoff.expected_wait))
    return replies
