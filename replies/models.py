"""A shop owner's own wording of a catalogue message, in one language."""

from __future__ import annotations

from django.db import models

from core import clock


class ReplyText(models.Model):
    key = models.CharField(max_length=100)
    language = models.CharField(max_length=8)
    text = models.TextField()
    updated_at = models.DateTimeField(default=clock.now)
    updated_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["key", "language"]
        constraints = [models.UniqueConstraint(fields=["key", "language"],
                                               name="reply_text_unique")]

    def __str__(self) -> str:
        return f"{self.key} [{self.language}]"
