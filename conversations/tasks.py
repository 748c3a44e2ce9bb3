"""Celery tasks: thin, take ids, idempotent and safe to retry."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import shared_task

from channels_adapters.base import PermanentError, TemporaryError
from conversations import lifecycle, services
from conversations.handoff_notices import slack_breach_post, slack_handoff_post
from conversations.service_levels import sla_breaches_alert

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def process_message(message_id: int) -> int:
    return len(services.message_process(message_id))


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS)
def deliver_message(self, message_id: int) -> str:
    result = services.message_deliver(message_id)
    if result.retry:
        # Exponential backoff for temporary platform errors: 2, 4, 8, 16, 32 s, or longer
        # when the platform named its own wait (Telegram's retry_after, Slack's Retry-After).
        backoff = 2 ** min(self.request.retries + 1, 5)
        raise self.retry(countdown=max(backoff, result.retry_after or 0))
    return result.status


@shared_task
def recover_outbox() -> int:
    """Beat, every minute: what a crashed worker or a lost broker message left behind."""
    unanswered = services.inbound_recover()
    for message_id in unanswered:
        process_message.delay(message_id)
    pending = services.outbox_recover()
    for message_id in pending:
        deliver_message.delay(message_id)
    return len(unanswered) + len(pending)


# The name it had in the adapters' app, so a notice queued before an upgrade still runs.
@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS,
             name="channels_adapters.tasks.post_handoff_to_slack")
def post_handoff_to_slack(self, handoff_id: int) -> str:
    # The handoff still waits in the admin inbox if this fails; only the notice is lost.
    return _slack_post(self, slack_handoff_post, handoff_id, "Handoff %s was not posted")


def _slack_post(task: Any, post: Callable[[int], object], handoff_id: int,
                failure: str) -> str:
    """Post to Slack for a handoff, retried with backoff on a temporary error; a permanent
    one is logged (the inbox still shows everything)."""
    try:
        posted = post(handoff_id)
    except TemporaryError as exc:
        backoff = 2 ** min(task.request.retries + 1, 5)
        raise task.retry(countdown=max(backoff, exc.retry_after or 0), exc=exc) from exc
    except PermanentError as exc:
        logger.error(failure + " to Slack: %s", handoff_id, exc)
        return "failed"
    return "posted" if posted else "skipped"


@shared_task
def scan_conversations() -> int:
    """Beat: silent shoppers followed up once, then closed; conversations the bot
    finished resolved, with the satisfaction question."""
    return lifecycle.conversations_idle_scan()


@shared_task(acks_late=True)
def csat_ask(conversation_id: int) -> bool:
    return lifecycle.csat_ask(conversation_id) is not None


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS)
def post_breach_to_slack(self, handoff_id: int) -> str:
    # The breach still shows in the admin inbox if this fails; only the Slack alert is lost.
    return _slack_post(self, slack_breach_post, handoff_id,
                       "SLA breach of handoff %s was not posted")


@shared_task
def alert_sla_breaches() -> int:
    """Beat, every minute: handoffs whose first reply is overdue, alerted once each."""
    return len(sla_breaches_alert())


@shared_task(acks_late=True)
def deliver_messages(message_ids: list[int], attempt: int = 0) -> int:
    """Send a chunk of outbox rows in order (proactive messages, queued in bulk). A row
    the governor holds back for under a second waits here; a platform's temporary error
    (a rate error such as WhatsApp's 130429) sends the rest of the chunk back to the
    queue after a pause, so nothing is lost, and every row is claimed before it is sent,
    so nothing goes twice."""
    sent = 0
    for i, pk in enumerate(message_ids):
        for _ in range(50):
            result = services.message_deliver(pk)
            if not (result.retry and result.error == "channel rate limit"
                    and (result.retry_after or 0) <= 1):
                break
            time.sleep(result.retry_after or 0.05)
        if result.retry:
            backoff = 2 ** min(attempt + 1, 6)
            deliver_messages.apply_async((message_ids[i:], attempt + 1),
                                         countdown=max(backoff, result.retry_after or 0))
            return sent
        sent += result.status == "sent"
    return sent
