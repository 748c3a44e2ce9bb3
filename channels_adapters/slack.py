"""Slack, the human side: each handoff is posted to a channel (the post itself is made
by conversations.handoff_notices), and a person's reply in that post's thread reaches the
shopper on whichever channel they last wrote from.

Slack app setup: a bot token with chat:write; Event Subscriptions on
<SITE_URL>/webhooks/slack/ with message.channels (message.groups for a private channel);
the bot invited to SLACK_HANDOFF_CHANNEL.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.signature import SignatureVerifier

from channels_adapters.base import (
    Outbound,
    PermanentError,
    TemporaryError,
    WebhookEvents,
    json_body,
)

# Block Kit's limits: a section's text, and each of its fields.
SECTION_CHARS = 3000
FIELD_CHARS = 2000
# <target> or <target|label>: links, mentions and channels in a Slack message's text.
SLACK_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


class SlackAdapter:
    channel = "slack"
    needs_window = False
    needs_thread = False
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

    def send(self, message: Outbound) -> str:
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


def escape(text: str) -> str:
    # Shopper text must not become Slack markup (<!channel>, fake links).
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int = SECTION_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"
