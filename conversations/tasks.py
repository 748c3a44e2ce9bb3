"""Celery tasks: thin, take ids, idempotent and safe to retry."""

from __future__ import annotations

from celery import shared_task

from conversations import services


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


@shared_task
def alert_sla_breaches() -> int:
    """Beat, every minute: handoffs whose first reply is overdue, alerted once each."""
    from conversations.service_levels import sla_breaches_alert

    return len(sla_breaches_alert())
