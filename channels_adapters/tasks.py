"""Celery tasks of the channel adapters: thin, take ids, idempotent and safe to retry."""

from __future__ import annotations

import logging

from celery import shared_task

from channels_adapters.base import PermanentError, TemporaryError
from channels_adapters.slack import slack_breach_post, slack_handoff_post

logger = logging.getLogger(__name__)

MAX_RETRIES = 6


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def post_handoff_to_slack(self, handoff_id: int) -> str:
    try:
        posted = slack_handoff_post(handoff_id)
    except TemporaryError as exc:
        backoff = 2 ** min(self.request.retries + 1, 5)
        raise self.retry(countdown=max(backoff, exc.retry_after or 0), exc=exc) from exc
    except PermanentError as exc:
        # The handoff still waits in the admin inbox; only the Slack notice is lost.
        logger.error("Handoff %s was not posted to Slack: %s", handoff_id, exc)
        return "failed"
    return "posted" if posted else "skipped"


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def post_breach_to_slack(self, handoff_id: int) -> str:
    try:
        posted = slack_breach_post(handoff_id)
    except TemporaryError as exc:
        backoff = 2 ** min(self.request.retries + 1, 5)
        raise self.retry(countdown=max(backoff, exc.retry_after or 0), exc=exc) from exc
    except PermanentError as exc:
        # The breach still shows in the admin inbox; only the Slack alert is lost.
        logger.error("SLA breach of handoff %s was not posted to Slack: %s", handoff_id, exc)
        return "failed"
    return "posted" if posted else "skipped"
