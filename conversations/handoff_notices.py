"""A handoff told to the people who pick it up outside the inbox: posted to the Slack
handoff channel, once, with what they need to answer without reading the whole history.
A reply in the post's thread comes back through the Slack adapter as an agent reply
(services.agent_reply_from_platform)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from channels_adapters.slack import FIELD_CHARS, SlackAdapter, clip, escape
from conversations.models import Handoff
from core.models import ChannelIdentity


def slack_handoff_post(handoff_id: int) -> dict[str, str] | None:
    """Post one handoff to the handoff channel and keep where it went in
    `packet["slack"]`; None when it had been posted already or Slack is off.

    The handoff is locked while it is posted, so a task delivered twice posts it once."""
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
        text = (f":alarm_clock: SLA breached: {escape(str(customer))} has waited since "
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
        {"type": "section", "text": {"type": "mrkdwn", "text": clip(escape(summary))}},
        {"type": "section", "fields": [
            {"type": "mrkdwn", "text": clip(f"*{label}*\n{escape(value)}", FIELD_CHARS)}
            for label, value in fields]},
    ]
    if packet.get("last_message"):
        quoted = "\n".join(f">{line}" for line in escape(packet["last_message"]).splitlines())
        blocks.append({"type": "section",
                       "text": {"type": "mrkdwn", "text": clip(f"*Last message*\n{quoted}")}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"<{link}|Open conversation #{conversation.pk} in the inbox> · The shopper is on "
        f"{conversation.get_channel_display()}; reply in this thread to answer them.")}]})
    return f"Handoff ({reason}): {summary}", blocks


def _verified(packet: dict[str, Any]) -> str:
    if not packet.get("verified"):
        return "No"
    how = dict(ChannelIdentity.Verification.choices).get(packet.get("verified_via") or "")
    return f"Yes: {how}" if packet.get("verified_via") and how else "Yes"
