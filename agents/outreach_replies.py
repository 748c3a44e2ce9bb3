"""Answers to what the shop sent first, before the bot reads a message: a satisfaction
score, or "yes, all good" to a delivery check-in. Anything else (a problem with the
parcel, a question about the alert) goes to the bot, which has the order in focus."""

from __future__ import annotations

from datetime import datetime, timedelta

from agents.nlu.cues import checkin_answer
from agents.nlu.ratings import read_rating
from conversations.lifecycle import rating_reply
from conversations.models import Conversation, Message
from conversations.services import Reply
from core import clock
from core.formatting import language_or_default
from replies.render import Say, render

# A check-in's answer counts as one for this long.
CHECKIN_ANSWER_WITHIN = timedelta(days=7)


def outreach_answer(conversation: Conversation, message: Message) -> list[Reply] | None:
    """The replies to `message` when it answers something the shop sent first; None when
    the bot should answer it."""
    answer = read_rating(message.text)
    rated = None if answer is None else rating_reply(
        conversation, message, answer.score, comment=answer.comment, in_words=answer.in_words)
    if rated is not None:
        message.intent = "rating"
        return rated
    return _checkin_answer(conversation, message)


def _checkin_answer(conversation: Conversation, message: Message) -> list[Reply] | None:
    state = dict(conversation.state or {})
    outreach = state.get("outreach") or {}
    if outreach.get("kind") != "checkin":
        return None
    try:
        sent_at = datetime.fromisoformat(str(outreach.get("at")))
    except ValueError:
        return None
    text = message.text or ""
    if clock.now() - sent_at > CHECKIN_ANSWER_WITHIN or len(text.split()) > 8:
        return None
    answer = checkin_answer(text)
    if answer == "named_problem":
        return None  # the bot's delivery-problem flow takes it, with the order in view
    if answer == "problem":
        message.intent = "delivery_problem"
        return [_said(conversation, Say("bot.delivery.checkin_problem",
                                        number=outreach.get("order")))]
    if answer != "all_good":
        return None
    state.pop("outreach", None)
    conversation.state = state
    Conversation.objects.filter(pk=conversation.pk).update(state=state)
    message.intent = "checkin_ok"
    return [_said(conversation, Say("bot.delivery.checkin_all_good"))]


def _said(conversation: Conversation, say: Say) -> Reply:
    return Reply(render(say, language_or_default(conversation.customer.language)))
