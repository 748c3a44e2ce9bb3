"""How a conversation ends: a shopper who went silent mid-flow is followed up once, then
the conversation closes with a reason; one the bot finished is resolved; and a resolved
conversation the shopper took part in gets one satisfaction question (1–5), whose answer
is stored per conversation, channel and agent."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction

from conversations.models import (
    CloseReason,
    Conversation,
    Handoff,
    Message,
    SatisfactionRating,
)
from conversations.outreach import Outreach, proactive_send, route_for
from conversations.services import Reply
from core import clock
from replies.render import Say, render

# Closings after which the shopper is asked how it went.
ASK_AFTER = {CloseReason.RESOLVED_BY_BOT, CloseReason.RESOLVED_BY_AGENT}
# The satisfaction question's answers, best first, each starting with its score.
SCORES = ("csat.score.great", "csat.score.good", "csat.score.ok", "csat.score.poor",
          "csat.score.very_poor")
CSAT_SALT = "alerts.csat"


def _minutes(name: str) -> timedelta:
    return timedelta(minutes=getattr(settings, name))


def conversation_close(conversation: Conversation, reason: str) -> Conversation:
    """Close an open conversation with its reason; ask how it went after commit when it
    was resolved (by the bot or a person)."""
    now = clock.now()
    conversation.handoffs.filter(
        status__in=[Handoff.Status.WAITING, Handoff.Status.ASSIGNED]).update(
        status=Handoff.Status.RESOLVED, closed_at=now)
    conversation.status = Conversation.Status.RESOLVED
    conversation.resolved_at = now
    conversation.close_reason = reason
    conversation.updated_at = now
    conversation.save(update_fields=["status", "resolved_at", "close_reason", "updated_at"])
    if reason in ASK_AFTER:
        from conversations.tasks import csat_ask as csat_ask_task

        pk = conversation.pk
        transaction.on_commit(lambda: csat_ask_task.delay(pk))
    return conversation


def _follow_up_text(conversation: Conversation, language: str) -> str:
    pending = (conversation.state or {}).get("pending") or {}
    kind = pending.get("kind")
    if kind == "verify":
        waiting = Say("followup.verify")
    elif kind == "confirm" and pending.get("summary"):
        waiting = Say("followup.confirm", summary=pending["summary"])
    else:
        asked = conversation.messages.filter(
            direction=Message.Direction.OUTBOUND, sender=Message.Sender.BOT).exclude(
            payload__has_key="purpose").order_by("-created_at", "-pk").first()
        waiting = (Say("followup.last_question", question=asked.text.strip())
                   if asked is not None and len(asked.text) <= 400
                   else Say("followup.waiting"))
    return render(Say("followup.text", waiting=waiting), language)


def _signed_off(conversation: Conversation, message: Message) -> bool:
    """Whether the shopper's last word signed off: the bot marks a message that thanks or
    says goodbye in the conversation's state (`signed_off`), a check-in answer "all good"
    is its own intent."""
    return message.intent == "checkin_ok" or bool((conversation.state or {}).get("signed_off"))


def conversation_idle_check(conversation_id: int) -> str:
    """Look at one open conversation the bot handles; what was done ("" for nothing)."""
    now = clock.now()
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).select_related(
            "customer").filter(pk=conversation_id, status=Conversation.Status.OPEN,
                               mode=Conversation.Mode.BOT).first()
        if conversation is None:
            return ""
        last = conversation.messages.order_by("-created_at", "-pk").first()
        if last is None or last.direction == Message.Direction.INBOUND:
            return ""  # unanswered: the outbox recovery's business, not a silence
        state = dict(conversation.state or {})
        quiet = now - last.created_at
        wrote = conversation.messages.filter(direction=Message.Direction.INBOUND)
        unanswered_outreach = not wrote.exists() or (
            last.payload.get("purpose") not in (None, "", "follow_up")
            and not wrote.filter(created_at__gt=last.created_at).exists())
        if unanswered_outreach:
            # The shop wrote first and the shopper hasn't answered: the thread stays open
            # (a reply lands here, with the order in view) for a good while before closing.
            if quiet >= _minutes("CONVERSATION_OUTREACH_OPEN_MINUTES"):
                reason = CloseReason.RESOLVED_BY_BOT if wrote.exists() else \
                    CloseReason.NO_REPLY
                conversation_close(conversation, reason)
                return reason
            return ""
        if state.get("follow_up_at"):
            if quiet >= _minutes("CONVERSATION_CLOSE_AFTER_MINUTES"):
                conversation_close(conversation, CloseReason.SHOPPER_SILENT)
                return CloseReason.SHOPPER_SILENT
            return ""
        pending = (state.get("pending") or {}).get("kind")
        if pending and quiet >= _minutes("CONVERSATION_FOLLOW_UP_AFTER_MINUTES"):
            customer = conversation.customer
            language = customer.language
            message = proactive_send(customer, Outreach(
                purpose="follow_up", text=_follow_up_text(conversation, language),
                params=[customer.name.split()[0] if customer.name
                        else render(Say("outreach.no_name"), language)]),
                conversation=conversation)
            state = dict(Conversation.objects.get(pk=conversation.pk).state or {})
            state["follow_up_at"] = now.isoformat()
            Conversation.objects.filter(pk=conversation.pk).update(state=state)
            return "follow_up" if message is not None else ""
        if not pending and quiet >= _minutes("CONVERSATION_RESOLVE_AFTER_MINUTES"):
            # Resolved when the shopper's last word signed off ("great, thanks", "that's
            # all", "all good" to a check-in); otherwise they simply left: it closes
            # without asking them to rate it.
            said = wrote.order_by("-created_at", "-pk").first()
            signed_off = said is not None and _signed_off(conversation, said)
            reason = CloseReason.RESOLVED_BY_BOT if signed_off else CloseReason.INACTIVE
            conversation_close(conversation, reason)
            return reason
    return ""


def conversations_idle_scan() -> int:
    """Beat: every open conversation the bot handles that has been quiet long enough to
    need a follow-up or a closing; how many were acted on."""
    quiet = min(_minutes(n) for n in ("CONVERSATION_FOLLOW_UP_AFTER_MINUTES",
                                      "CONVERSATION_RESOLVE_AFTER_MINUTES"))
    ids = list(Conversation.objects.filter(
        status=Conversation.Status.OPEN, mode=Conversation.Mode.BOT,
        updated_at__lte=clock.now() - quiet).order_by("pk").values_list("pk", flat=True))
    return sum(bool(conversation_idle_check(pk)) for pk in ids)


# --- The satisfaction question -------------------------------------------------------------


def csat_link(conversation_id: int, score: int | None = None) -> str:
    token = signing.TimestampSigner(salt=CSAT_SALT).sign(str(conversation_id))
    url = f"{settings.SITE_URL.rstrip('/')}/rate/{token}/"
    return f"{url}?score={score}" if score else url


def csat_conversation_from_token(token: str) -> Conversation | None:
    try:
        value = signing.TimestampSigner(salt=CSAT_SALT).unsign(
            token, max_age=timedelta(days=settings.CSAT_VALID_DAYS))
    except signing.BadSignature:
        return None
    return Conversation.objects.select_related("customer").filter(
        pk=int(value), status=Conversation.Status.RESOLVED).first()


def csat_ask(conversation_id: int) -> Message | None:
    """Ask once how a resolved conversation went: buttons on the chat channels, links in
    an email. Never for a conversation the shopper never wrote in, or one rated."""
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update(of=("self",)).select_related(
            "customer").filter(pk=conversation_id, status=Conversation.Status.RESOLVED).first()
        if conversation is None or "csat" in (conversation.state or {}) or \
                SatisfactionRating.objects.filter(conversation=conversation).exists():
            return None
        if not conversation.messages.filter(direction=Message.Direction.INBOUND).exists():
            return None
        language = conversation.customer.language
        question = render(Say("csat.question.colleague" if conversation.assigned_to_id
                              else "csat.question.team"), language)
        labels = [render(Say(key), language) for key in SCORES]
        route = route_for(conversation.customer, conversation, conversation_first=True)
        if route is not None and route[0] == "email":
            links = "\n".join(f"{label}: {csat_link(conversation.pk, score)}"
                              for score, label in zip(range(5, 0, -1), labels, strict=True))
            outreach = Outreach(purpose="csat", text=f"{question}\n\n{links}",
                                subject=render(Say("csat.subject"), language))
        else:
            outreach = Outreach(purpose="csat", text=question, buttons=labels)
        message = proactive_send(conversation.customer, outreach, conversation=conversation)
        state = dict(conversation.state or {})
        state["csat"] = {"asked_at": clock.now().isoformat(),
                         "message": message.pk if message is not None else None}
        Conversation.objects.filter(pk=conversation.pk).update(state=state)
    return message


def rating_record(conversation: Conversation, score: int, *, channel: str,
                  comment: str = "") -> SatisfactionRating | None:
    """Store the shopper's score for `conversation`, once; None when it was rated."""
    if not 1 <= score <= 5:
        raise ValueError("A rating is a whole number from 1 to 5.")
    with transaction.atomic():
        locked = Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)
        if SatisfactionRating.objects.filter(conversation=locked).exists():
            return None
        return SatisfactionRating.objects.create(
            conversation=locked, customer_id=locked.customer_id, channel=channel,
            agent_id=locked.assigned_to_id, score=score, comment=comment[:2000],
            created_at=clock.now())


def _awaiting_rating(customer_id: int) -> Conversation | None:
    since = clock.now() - timedelta(days=settings.CSAT_VALID_DAYS)
    return Conversation.objects.filter(
        customer_id=customer_id, status=Conversation.Status.RESOLVED, state__has_key="csat",
        rating__isnull=True, resolved_at__gte=since).order_by("-resolved_at").first()


def rating_reply(conversation: Conversation, message: Message, score: int, *,
                 comment: str = "", in_words: bool = False) -> list[Reply] | None:
    """A shopper's message that answers the satisfaction question with `score` (read by
    agents.nlu.ratings): stored against the conversation it rates; None when there is
    none to rate (the bot answers the message). A score in words counts only as the first
    thing said after the question."""
    if in_words and conversation.messages.filter(
            direction=Message.Direction.INBOUND).exclude(pk=message.pk).exists():
        return None
    rated = _awaiting_rating(conversation.customer_id)
    if rated is None or rated.pk == conversation.pk:
        return None
    if rating_record(rated, score, channel=message.channel, comment=comment) is None:
        return None
    if not conversation.messages.exclude(pk=message.pk).exists():
        # The score was all this new conversation carried: it ends with the thanks, and
        # is not itself asked about. (One the shop opened meanwhile, with an alert, stays.)
        conversation_close(conversation, CloseReason.RATING)
    return [Reply(render(Say("csat.thanks"), conversation.customer.language))]
