"""Writes for the webhooks themselves (not for what they bring: conversations.services)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from channels_adapters.models import WebhookToken
from core import clock


def webhook_token_claim(channel: str, token: str, fingerprint: str, signed_at: datetime,
                        valid_for: timedelta) -> bool:
    """Remember a signed one-time token; False when it was already used for something
    else (a replayed signature with a new body). The same request again (the platform's
    retry) is fine: storing its message once is the pipeline's job. Tokens whose
    signature has expired are forgotten."""
    WebhookToken.objects.filter(signed_at__lt=clock.now() - valid_for).delete()
    try:
        with transaction.atomic():
            WebhookToken.objects.create(channel=channel, token=token[:128],
                                        fingerprint=fingerprint, signed_at=signed_at)
    except IntegrityError:
        seen = WebhookToken.objects.filter(channel=channel, token=token[:128]).first()
        return seen is not None and seen.fingerprint == fingerprint
    return True
