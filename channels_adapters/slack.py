"""Slack, the human side: each handoff is posted to a channel, and a person's reply in
that post's thread reaches the shopper on whichever channel they last wrote from.

Slack app setup: a bot token with chat:write; Event Subscriptions on
<SITE_URL>/webhooks/slack/ with message.channels (message.groups for a private channel);
the bot invited to SLACK_HANDOFF_CHANNEL.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.signature import SignatureVerifier

from channels_adapters.base import PermanentError, TemporaryError, WebhookEvents, json_body

if TYPE_CHECKING:
    from conversations.models import Handoff, Message

# Block Kit's limits: a section's text, and each of its fields.
SECTION_CHARS = 3000
FIELD_CHARS = 2000
# <target> or <target|label>: links, mentions and channels in a Slack message's text.
SLACK_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


class SlackAdapter:
    channel = "slack"
    # Slack's Web API root. Tests point it at a local HTTP server, so only the HTTP
    # boundary is faked.
    api_url = WebClient.BASE_URL

    def enabled(self) -> bool:
        return settings.SLACK_ENABLED

    def missing_settings(self) -> list[str]:
        return [name for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET",
                                  "SLACK_HANDOFF_CHANNEL") if not getattr(settings, name)]

    def verify(self, request: HttpRequest) -> bool:
        """Slack's signing secret: v0= HMAC-SHA256 of "v0:{timestamp}:{body}", and a
        timestamp within five minutes, so a captured request cannot be replayed later."""
        try:
            return SignatureVerifier(settings.SLACK_SIGNING_SECRET).is_valid(
                body=request.body,
                timestamp=request.headers.get("X-Slack-Request-Timestamp"),
                signature=request.headers.get("X-Slack-Signature"))
        except ValueError:
            return False

    def challenge(self, request: HttpRequest) -> None:
        return None

    def parse(self, request: HttpRequest) -> WebhookEvents:
        body = json_body(request.body, "The Slack event")
        if not isinstance(body, dict):
            # The webhook view answers a ValueError with a 400.
            raise ValueError("The Slack event is not a JSON object.")
        if body.get("type") == "url_verification":
            return WebhookEvents(response={"challenge": str(body.get("challenge", ""))})
        event = body.get("event") if body.get("type") == "event_callback" else None
        if not isinstance(event, dict) or not _is_agent_reply(event):
            return WebhookEvents()
        # Slack retries an event it thinks was missed (X-Slack-Retry-Num); the event id is
        # the same on every attempt, and the reply is sent once per id. Without one, a
        # retry could not be told apart from a new reply.
        event_id = body.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            raise ValueError("The Slack event has no event_id.")
        return WebhookEvents(agent_replies=[{
            "thread": event["thread_ts"], "channel": str(event.get("channel", "")),
            "text": plain_text(event["text"]), "user": event["user"], "event_id": event_id,
        }])

    def send(self, message: Message) -> str:
        return self.post(message.text, message.payload.get("blocks"))["ts"]

    def post(self, text: str, blocks: list[dict[str, Any]] | None = None, *,
             thread: dict[str, str] | None = None) -> dict[str, str]:
        """chat.postMessage to the handoff channel, or into the thread `thread` (a post's
        channel and ts) with a copy to the channel; returns its channel id and ts, which
        the replies in its thread carry."""
        client = WebClient(token=settings.SLACK_BOT_TOKEN, base_url=self.api_url, timeout=10)
        where: dict[str, Any] = {"channel": settings.SLACK_HANDOFF_CHANNEL}
        if thread:
            where = {"channel": thread["channel"], "thread_ts": thread["ts"],
                     "reply_broadcast": True}
        try:
            response = client.chat_postMessage(text=text, blocks=blocks, **where)
        except SlackApiError as exc:
            status = exc.response.status_code
            error = exc.response.get("error", "") if isinstance(exc.response.data, dict) else ""
            if status == 429 or status >= 500:
                wait = exc.response.headers.get("Retry-After") or exc.response.headers.get(
                    "retry-after")
                raise TemporaryError(f"Slack answered {status} {error}".strip(),
                                     retry_after=float(wait) if wait else None) from exc
            raise PermanentError(f"Slack refused the post: {error or status}") from exc
        except (OSError, SlackRequestError) as exc:
            # Connection errors and timeouts (urllib's URLError is an OSError).
            raise TemporaryError(f"Slack is unreachable: {exc}") from exc
        return {"channel": response["channel"], "ts": response["ts"]}


def slack_handoff_post(handoff_id: int) -> dict[str, str] | None:
    """Post one handoff to the handoff channel and keep where it went in
    `packet["slack"]`; None when it had been posted already or Slack is off.

    The one place this module touches a row: the handoff is locked while it is posted, so
    a task delivered twice posts it once."""
    from conversations.models import Handoff

    adapter = SlackAdapter()
    if not adapter.enabled() or adapter.missing_settings():
        return None
    with transaction.atomic():
        handoff = (Handoff.objects.select_for_update().select_related("conversation")
                   .filter(pk=handoff_id).first())
        if handoff is None or handoff.packet.get("slack"):
            return None
        posted = adapter.post(*handoff_message(handoff))
        handoff.packet = {**handoff.packet, "slack": posted}
        handoff.save(update_fields=["packet"])
    return posted


def slack_breach_post(handoff_id: int) -> dict[str, str] | None:
    """Say in the handoff's Slack thread (or the channel, when it was never posted) that
    its first reply is overdue; once per handoff, kept in `packet["slack_breach"]`."""
    from conversations.models import Handoff

    adapter = SlackAdapter()
    if not adapter.enabled() or adapter.missing_settings():
        return None
    with transaction.atomic():
        handoff = (Handoff.objects.select_for_update().select_related("conversation__customer")
                   .filter(pk=handoff_id).first())
        if handoff is None or handoff.packet.get("slack_breach"):
            return None
        customer = handoff.conversation.customer
        since = timezone.localtime(handoff.created_at)
        text = (f":alarm_clock: SLA breached: {_escape(str(customer))} has waited since "
                f"{since:%H:%M} ({handoff.get_reason_display()}) and no one has replied yet.")
        posted = adapter.post(text, thread=handoff.packet.get("slack"))
        handoff.packet = {**handoff.packet, "slack_breach": posted}
        handoff.save(update_fields=["packet"])
    return posted


def handoff_message(handoff: Handoff) -> tuple[str, list[dict[str, Any]]]:
    """The handoff as a Slack message: fallback text, and blocks with what a person needs
    to pick it up without reading the whole history."""
    packet = handoff.packet
    conversation = handoff.conversation
    customer = packet.get("customer") or {}
    policy = packet.get("policy") or {}
    reason = handoff.get_reason_display()
    who = " · ".join(filter(None, [customer.get("name") or "Guest", customer.get("email"),
                                   customer.get("phone")]))
    if customer.get("tags"):
        who += f" ({', '.join(customer['tags'])})"
    verified = _verified(packet)
    order = f"#{packet['order']}" if packet.get("order") else "—"
    rule = f"{policy['rule']}: {policy.get('explanation', '')}" if policy.get("rule") else "—"
    fields = [("Reason", reason), ("Customer", who), ("Verified identity", verified),
              ("Order", order), ("Policy rule", rule),
              ("Suggested resolution", packet.get("suggested_resolution") or "—")]
    summary = packet.get("summary") or reason
    link = (f"{settings.SITE_URL.rstrip('/')}/admin/conversations/conversation/"
            f"{conversation.pk}/change/")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Handoff: {reason}"[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _clip(_escape(summary))}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": _clip(f"*{label}*\n{_escape(value)}", FIELD_CHARS)}
            for label, value in fields]},
    ]
    if packet.get("last_message"):
        quoted = "\n".join(f">{line}" for line in _escape(packet["last_message"]).splitlines())
        blocks.append({"type": "section",
                       "text": {"type": "mrkdwn", "text": _clip(f"*Last message*\n{quoted}")}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"<{link}|Open conversation #{conversation.pk} in the inbox> · The shopper is on "
        f"{conversation.get_channel_display()}; reply in this thread to answer them.")}]})
    return f"Handoff ({reason}): {summary}", blocks


def plain_text(text: str) -> str:
    """A Slack message as the shopper should read it: links spelled out, mentions of
    colleagues dropped, Slack's three HTML escapes undone."""
    def token(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "!")):
            return label or ""
        if target.startswith("#"):
            return f"#{label}" if label else ""
        if target.startswith("mailto:"):
            return label or target.removeprefix("mailto:")
        return f"{label} ({target})" if label and label != target else target

    text = SLACK_TOKEN.sub(token, text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()


def _verified(packet: dict[str, Any]) -> str:
    from core.models import ChannelIdentity

    if not packet.get("verified"):
        return "No"
    how = dict(ChannelIdentity.Verification.choices).get(packet.get("verified_via") or "")
    return f"Yes: {how}" if packet.get("verified_via") and how else "Yes"


def _is_agent_reply(event: dict[str, Any]) -> bool:
    # A person's reply in a thread. thread_broadcast is the same reply also sent to the
    # channel; other subtypes are edits, deletions and joins; bot_id is our own posts.
    return (event.get("type") == "message"
            and event.get("subtype") in (None, "thread_broadcast")
            and not event.get("bot_id")
            and isinstance(event.get("thread_ts"), str) and bool(event["thread_ts"])
            and event.get("thread_ts") != event.get("ts")
            and isinstance(event.get("user"), str) and bool(event["user"])
            and isinstance(event.get("text"), str) and bool(event["text"].strip()))


def _escape(text: str) -> str:
    # Shopper text must not become Slack markup (<!channel>, fake links).
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int = SECTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
