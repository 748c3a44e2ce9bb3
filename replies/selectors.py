"""Reads of the shop's own wording."""

from __future__ import annotations

from replies.models import ReplyText


def reply_text_get(key: str, language: str) -> str | None:
    return ReplyText.objects.filter(key=key, language=language).values_list(
        "text", flat=True).first()


def reply_text_overrides() -> dict[tuple[str, str], str]:
    return {(k, lang): text for k, lang, text in
            ReplyText.objects.values_list("key", "language", "text")}
