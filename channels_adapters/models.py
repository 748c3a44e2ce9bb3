"""What the webhooks must remember between requests."""

from __future__ import annotations

from django.db import models

from core import clock


class WebhookToken(models.Model):
    """A one-time token a platform signed (Mailgun signs timestamp+token, not the body):
    kept while its signature is still valid, so that the same signature never comes
    back with another message."""

    channel = models.CharField(max_length=16)
    token = models.CharField(max_length=128)
    # A digest of what the token came with: the platform's own retry of the same
    # request carries the same one.
    fingerprint = models.CharField(max_length=64)
    signed_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "token"], name="webhook_token_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel} token {self.token[:12]}…"
