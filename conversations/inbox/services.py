"""What an agent does in the inbox: claim and assign a case, reply on the shopper's
current channel, choose the language the shopper is answered in, leave internal notes,
approve or decline what the bot could not do alone, resolve, or hand the conversation
back to the bot.

Every write is one function here; the views only parse and call. Each one tells the
open inbox pages after commit (group "inbox"), the way Zulip's actions send their events.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from commerce.actions import ActionResult, action_with_option
from commerce.services import ActionRefused
from conversations import services as conversation_services
from conversations.actions import action_perform
from conversations.inbox import selectors
from conversations.inbox.selectors import (
    OPEN_STATUSES,
    PLACEHOLDER,
    PLACEHOLDERS,
)
from conversations.lifecycle import conversation_close
from conversations.models import (
    CloseReason,
    Conversation,
    Handoff,
    InternalNote,
    Message,
    PolicyDecision,
)
from conversations.realtime import inbox_event_on_commit
from core import clock
from core.formatting import LANGUAGES, Money, language_or_default
from core.models import LANGUAGE_CHOICES, Channel, LanguageSource
from core.services import customer_language_detect, customer_language_set
from replies.render import Say, render

logger = logging.getLogger(__name__)


class InboxRefused(ValueError):
    """What an agent asked cannot be done as it is; the message says why, for them."""


# --- Claim and assign -----------------------------------------------------------------


def handoff_claim(handoff: Handoff, agent: Any) -> Handoff:
    """Take a waiting case. Claimed with a conditional UPDATE, so two agents clicking at
    once never both own it; claiming one's own case again changes nothing."""
    with transaction.atomic():
        claimed = Handoff.objects.filter(
            pk=handoff.pk, status=Handoff.Status.WAITING, assigned_to__isnull=True,
        ).update(status=Handoff.Status.ASSIGNED, assigned_to=agent)
        handoff.refresh_from_db()
        if not claimed:
            if handoff.status not in OPEN_STATUSES:
                raise InboxRefused("This case is already closed.")
            if handoff.assigned_to_id != agent.pk:
                raise InboxRefused(f"{_name(handoff.assigned_to)} has already claimed this case.")
        Conversation.objects.filter(pk=handoff.conversation_id).update(assigned_to=agent)
        inbox_event_on_commit("claimed", handoff.conversation_id)
    return handoff


def handoff_assign(handoff: Handoff, agent: Any, assignee: Any) -> Handoff:
    """Give the case to a colleague (or take it over from one)."""
    if not selectors.user_may_act(assignee):
        raise InboxRefused(f"{_name(assignee)} cannot act on conversations.")
    with transaction.atomic():
        updated = Handoff.objects.filter(pk=handoff.pk, status__in=OPEN_STATUSES).update(
            status=Handoff.Status.ASSIGNED, assigned_to=assignee)
        if not updated:
            raise InboxRefused("This case is already closed.")
        Conversation.objects.filter(pk=handoff.conversation_id).update(assigned_to=assignee)
        if assignee.pk != agent.pk:
            InternalNote.objects.create(
                conversation_id=handoff.conversation_id, author=agent,
                text=f"Assigned to {_name(assignee)}.", created_at=clock.now())
        inbox_event_on_commit("assigned", handoff.conversation_id)
    handoff.refresh_from_db()
    return handoff


def _claim_if_waiting(conversation: Conversation, agent: Any) -> None:
    """Whoever answers or decides a waiting case owns it from then on."""
    Handoff.objects.filter(conversation=conversation, status=Handoff.Status.WAITING,
                           assigned_to__isnull=True).update(
        status=Handoff.Status.ASSIGNED, assigned_to=agent)
    Conversation.objects.filter(pk=conversation.pk, assigned_to__isnull=True).update(
        assigned_to=agent)


# --- Replies, notes, canned responses -------------------------------------------------


def reply_send(conversation: Conversation, agent: Any, text: str, *,
               template: str = "") -> Message:
    """An agent's reply, delivered on the shopper's current channel through the outbox.

    On WhatsApp outside the 24-hour window only an approved template reaches the
    shopper: the reply then needs one of the configured template purposes, and goes out
    as that template with the shopper's first name and the reply as its parameters.
    """
    text = (text or "").strip()
    if conversation.status != Conversation.Status.OPEN:
        raise InboxRefused("This conversation is resolved.")
    if conversation.mode != Conversation.Mode.HUMAN:
        raise InboxRefused("The assistant is handling this conversation.")
    unfilled = [p for p in PLACEHOLDER.findall(text) if p in PLACEHOLDERS]
    if unfilled:
        raise InboxRefused(f"Fill in {{{unfilled[0]}}} before sending.")
    reply_to = selectors.reply_channel(conversation)
    spec = None
    if reply_to.needs_template:
        if template not in reply_to.templates:
            raise InboxRefused("The shopper's WhatsApp 24-hour window is closed: choose an "
                               "approved template to reach them.")
        spec = _template_spec(conversation, template, text)
    with transaction.atomic():
        _claim_if_waiting(conversation, agent)
        try:
            message = conversation_services.agent_reply_send(conversation, text, agent=agent,
                                                             via="inbox")
        except conversation_services.ReplyRefused as exc:
            raise InboxRefused(str(exc)) from exc
        if spec is not None:
            message.payload = {**message.payload, "template": spec}
            message.save(update_fields=["payload"])
    return message


def _template_spec(conversation: Conversation, purpose: str, text: str) -> dict[str, Any]:
    first_name = (conversation.customer.name.split() or [""])[0]
    # In the shopper's language where the template is approved in it.
    return {"purpose": purpose, "params": [p for p in (first_name, text) if p],
            "language": language_or_default(conversation.customer.language)}


def note_add(conversation: Conversation, agent: Any, text: str) -> InternalNote:
    """A note for colleagues. It is stored apart from messages and is never sent."""
    text = (text or "").strip()
    if not text:
        raise InboxRefused("The note is empty.")
    with transaction.atomic():
        note = InternalNote.objects.create(conversation=conversation, author=agent,
                                           text=text[:10000], created_at=clock.now())
        inbox_event_on_commit("note", conversation.pk)
    return note


def customer_language_choose(conversation: Conversation, agent: Any, language: str) -> bool:
    """Answer the shopper in `language` from now on, whatever their next messages are
    written in: the shop's choice, as on the customer page. An empty `language` lets
    their messages decide again. A note tells colleagues who changed it; True when it
    changed (nothing is written when it is already so)."""
    if language and language not in LANGUAGES:
        raise InboxRefused("Choose one of the shop's languages.")
    with transaction.atomic():
        if language:
            changed = customer_language_set(conversation.customer_id, language,
                                            source=LanguageSource.SHOP)
            text = f"Answer in {dict(LANGUAGE_CHOICES)[language]} from now on."
        else:
            changed = customer_language_detect(conversation.customer_id)
            text = "The language follows their messages again."
        if changed:
            conversation.customer.refresh_from_db(fields=["language", "language_source"])
            InternalNote.objects.create(conversation=conversation, author=agent, text=text,
                                        created_at=clock.now())
            inbox_event_on_commit("language", conversation.pk)
    return changed


# --- Approve or decline what the bot could not do alone -------------------------------


def decision_approve(handoff: Handoff, agent: Any, *, option: str,
                     note: str = "") -> Message:
    """Run the action the bot proposed when policy sent it to a person (the handoff
    packet's ``proposed``, with the resolution the agent chose among those offered),
    through the same action path as the bot's confirmation, with approved=True and the
    agent as actor. The approval is recorded (a PolicyDecision and the ActionRecord of
    the run) and the shopper told. Returns the message sent to the shopper."""
    actor = agent.get_username()[:60]
    with transaction.atomic():
        handoff = Handoff.objects.select_for_update().select_related(
            "conversation__customer").get(pk=handoff.pk)
        pending = selectors.pending_decision_get(handoff)
        if pending is None:
            raise InboxRefused("Nothing on this case is waiting for approval.")
        if option not in dict(pending.options):
            raise InboxRefused("Choose one of the offered resolutions.")
        conversation = handoff.conversation
        try:
            result, _ = action_perform(
                action_with_option(pending.proposed, option), conversation=conversation,
                key=selectors.decision_key(handoff), actor=actor, approved=True,
                kind=f"approve_{pending.action}", note=note)
        except ActionRefused as exc:
            raise InboxRefused(f"The shop's policy still refuses this: "
                               f"{exc.decision.explanation}") from exc
        except IntegrityError as exc:
            raise InboxRefused("This case was decided a moment ago.") from exc
        label = dict(pending.options)[option]
        _decision_record(conversation, pending, allowed=True, actor=actor, text=(
            f"{actor} approved: {pending.title} — {label} (an exception to "
            f"{pending.decision.rule})." + (f" Note: {note.strip()}" if note.strip() else "")))
        text, attachments = _approval_text(pending, result)
        message = _tell_shopper(conversation, agent, text, attachments)
        _claim_if_waiting(conversation, agent)
        inbox_event_on_commit("decided", conversation.pk)
    return message


def decision_decline(handoff: Handoff, agent: Any, *, message: str,
                     note: str = "") -> Message:
    """Refuse what the bot could not do alone, with a reply to the shopper saying so."""
    actor = agent.get_username()[:60]
    message = (message or "").strip()
    if not message:
        raise InboxRefused("Write the shopper a short explanation.")
    with transaction.atomic():
        handoff = Handoff.objects.select_for_update().select_related(
            "conversation__customer").get(pk=handoff.pk)
        pending = selectors.pending_decision_get(handoff)
        if pending is None:
            raise InboxRefused("Nothing on this case is waiting for approval.")
        conversation = handoff.conversation
        try:
            conversation_services.action_run(
                selectors.decision_key(handoff), f"decline_{pending.action}", conversation,
                pending.order.number, lambda: {"declined": pending.title, "note": note},
                actor=actor)
        except IntegrityError as exc:
            raise InboxRefused("This case was decided a moment ago.") from exc
        _decision_record(conversation, pending, allowed=False, actor=actor, text=(
            f"{actor} declined: {pending.title}."
            + (f" Note: {note.strip()}" if note.strip() else "")))
        sent = _tell_shopper(conversation, agent, message, [])
        _claim_if_waiting(conversation, agent)
        inbox_event_on_commit("decided", conversation.pk)
    return sent


def _decision_record(conversation: Conversation, pending: selectors.PendingDecision, *,
                     allowed: bool, actor: str, text: str) -> PolicyDecision:
    return PolicyDecision.objects.create(
        conversation=conversation, order_number=pending.order.number, action=pending.action,
        allowed=allowed, outcome="approved" if allowed else "declined",
        rule="agent.approved" if allowed else "agent.declined",
        explanation=text[:2000], created_at=clock.now())


def _approval_text(pending: selectors.PendingDecision,
                   result: ActionResult) -> tuple[str, list[dict[str, str]]]:
    facts, number = result.facts, result.order
    currency = facts.get("currency") or pending.order.currency
    language = pending.order.customer.language
    if result.kind == "return":
        amount = Money(Decimal(str(facts["amount"])), currency)
        if facts["resolution"] == "keep_it":
            return render(Say("inbox.approved.keep_it", number=number, amount=amount),
                          language), []
        url = facts["label_url"]
        how = (Say("inbox.approved.store_credit", amount=amount)
               if facts["resolution"] == "store_credit" else
               Say("inbox.approved.exchange")
               if facts["resolution"] == "exchange" else
               Say("inbox.approved.refund_when_back", amount=amount))
        return render(Say("inbox.approved.return", number=number,
                          return_number=facts["return"], tracking=facts["tracking_number"],
                          url=url, how=render(how, language)), language), [
            {"type": "document", "url": url,
             "title": render(Say("label.attachment_title", number=facts["return"]),
                             language)}]
    if result.kind == "missing" and facts.get("remedy") == "reship":
        return render(Say("inbox.approved.reship", number=number,
                          new_number=facts["replacement"]), language), []
    amount = Money(Decimal(str(facts["amount"])), currency)
    if result.kind == "refund" and facts.get("method") == "store_credit":
        return render(Say("inbox.approved.refund_store_credit", number=number, amount=amount),
                      language), []
    return render(Say("inbox.approved.refund", number=number, amount=amount), language), []


def _tell_shopper(conversation: Conversation, agent: Any, text: str,
                  attachments: list[dict[str, str]]) -> Message:
    message = conversation_services.message_send(
        conversation, conversation_services.Reply(text, attachments=attachments),
        sender=Message.Sender.AGENT, agent=agent)
    payload = {**message.payload, "via": "inbox"}
    if conversation.channel == Channel.WHATSAPP and "return_update" in \
            settings.WHATSAPP_TEMPLATES:
        # Used only if the 24-hour window has closed by the time it is sent.
        payload["template"] = _template_spec(conversation, "return_update", text)
    message.payload = payload
    message.save(update_fields=["payload"])
    return message


# --- Resolve or hand back -------------------------------------------------------------


def conversation_resolve(conversation: Conversation, agent: Any) -> Conversation:
    """Close the case and the conversation; the shopper's next message starts a new one,
    with the bot."""
    now = clock.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status != Conversation.Status.OPEN:
            raise InboxRefused("This conversation is already resolved.")
        conversation.handoffs.filter(status__in=OPEN_STATUSES).update(
            status=Handoff.Status.RESOLVED, closed_at=now)
        conversation.mode = Conversation.Mode.BOT
        conversation.assigned_to = conversation.assigned_to or agent
        conversation.save(update_fields=["mode", "assigned_to"])
        conversation_close(conversation, CloseReason.RESOLVED_BY_AGENT)
        inbox_event_on_commit("resolved", conversation.pk)
    return conversation


def conversation_return_to_bot(conversation: Conversation, agent: Any) -> Message:
    """Hand the conversation back to the bot (with the explicit marker in its state that
    conversation_hand_back sets) and tell the shopper they are back with the assistant."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().select_related(
            "customer").get(pk=conversation.pk)
        if conversation.status != Conversation.Status.OPEN:
            raise InboxRefused("This conversation is resolved.")
        if conversation.mode != Conversation.Mode.HUMAN:
            raise InboxRefused("The assistant is already handling this conversation.")
        conversation = conversation_services.conversation_hand_back(conversation, by=agent)
        conversation.state = {**conversation.state, "handed_back_by": agent.get_username()}
        conversation.save(update_fields=["state"])
        message = conversation_services.message_send(
            conversation, conversation_services.Reply(render(
                Say("inbox.back_with_the_bot"), conversation.customer.language)),
            sender=Message.Sender.BOT)
        inbox_event_on_commit("handed_back", conversation.pk)
    return message


def _name(user: Any) -> str:
    if user is None:
        return "Someone"
    return user.get_full_name() or user.get_username()

