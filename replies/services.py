"""Writes of the shop's own wording: checked before it is kept, so a reply never breaks."""

from __future__ import annotations

import string

from django.core.exceptions import ValidationError

from core import clock
from core.formatting import LANGUAGES
from replies.messages import spec_get
from replies.models import ReplyText


def text_problems(key: str, text: str) -> list[str]:
    """What is wrong with `text` as the wording of `key`; empty when it can be used."""
    spec = spec_get(key)
    if not text.strip():
        return ["The text is empty."]
    try:
        fields = [(name, fmt, conv) for _lit, name, fmt, conv in string.Formatter().parse(text)
                  if name is not None]
    except ValueError as exc:
        return [f"The braces don't pair up ({exc}); write {{{{ and }}}} for a literal brace."]
    problems: list[str] = []
    names = {name for name, _fmt, _conv in fields}
    allowed = ", ".join(f"{{{p}}}" for p in spec.params) or "none"
    for name, fmt, conv in fields:
        if name == "":
            problems.append(f"Empty braces {{}}: name a fact. This message may use {allowed}.")
        elif fmt or conv:
            problems.append(f"Write {{{name}}} alone, without a format or conversion.")
    unknown = sorted(n for n in names if n and n not in spec.params)
    if unknown:
        problems.append(f"Unknown {'facts' if len(unknown) > 1 else 'fact'}: "
                        f"{', '.join('{' + n + '}' for n in unknown)}. "
                        f"This message may use {allowed}.")
    missing = [p for p in spec.required if p not in names]
    if missing:
        problems.append(f"The text must keep {', '.join('{' + p + '}' for p in missing)}.")
    return problems


def reply_text_set(key: str, language: str, text: str, *, by: str = "") -> ReplyText:
    """The shop's own wording of `key` in `language`, used from the next message on."""
    if language not in LANGUAGES:
        raise ValidationError(f"'{language}' is not one of the shop's languages "
                              f"({', '.join(LANGUAGES)}).")
    problems = text_problems(key, text)
    if problems:
        raise ValidationError(problems)
    row, _ = ReplyText.objects.update_or_create(
        key=key, language=language,
        defaults={"text": text, "updated_at": clock.now(), "updated_by": by[:150]})
    return row


def reply_text_reset(key: str, language: str) -> bool:
    """Back to the catalogue's wording. True when there was an override."""
    deleted, _ = ReplyText.objects.filter(key=key, language=language).delete()
    return deleted > 0
