"""Reads of the shop's own wording."""

from __future__ import annotations

from replies.models import ReplyText


def reply_text_get(key: str, language: str) -> str | None:
    return ReplyText.objects.filter(key=key, language=language).values_list(
        "text", flat=True).first()


def reply_text_overrides(language: str | None = None) -> dict[tuple[str, str], str]:
    """The shop's overrides, (key, language) to text; only `language`'s when given."""
    rows = ReplyText.objects.all()
    if language is not None:
        rows = rows.filter(language=language)
    return {(k, lang): text for k, lang, text in rows.values_list("key", "language", "text")}
