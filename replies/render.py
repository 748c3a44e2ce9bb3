"""Say a keyed message in a language: the shop owner's wording if they changed it, else the
catalogue's; facts formatted for that language.

Nodes and services return ``Say(key, **facts)``; the one place that knows the shopper calls
``render(say, language)``. Facts may be plain text and numbers, or typed values that are
formatted here, by language: ``Money`` (and a bare ``Decimal``, in the shop's currency),
``datetime`` (a day and a time), ``date`` (a day) and ``HelpArticle`` (the shop's article,
in the shopper's language when the shop wrote one).
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from core import formatting
from core.formatting import Money
from replies.messages import spec_get
from replies.selectors import reply_text_get, reply_text_overrides

Overrides = Mapping[tuple[str, str], str]


@dataclass(frozen=True)
class Say:
    """A message to send, by key, with the facts its text may use."""

    key: str
    facts: dict[str, Any] = field(default_factory=dict)

    def __init__(self, key: str, **facts: Any) -> None:
        spec_get(key)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "facts", facts)


def catalogue_text(key: str, language: str) -> str:
    """The catalogue's text of `key` in `language` (English where it has none yet, which
    ``manage.py check_replies`` reports)."""
    with translation.override(formatting.language_or_default(language)):
        return translation.gettext(key)


_READ_ONCE: ContextVar[dict[str, Overrides] | None] = ContextVar("reply_overrides",
                                                                 default=None)


@contextmanager
def overrides_read_once() -> Iterator[None]:
    """Within this block (one message answered), the shop's overrides of a language are
    read once, on its first message, instead of once per message said."""
    token = _READ_ONCE.set({})
    try:
        yield
    finally:
        _READ_ONCE.reset(token)


def language_overrides(language: str) -> Overrides:
    """The shop's overrides of `language`: read now, or once for the block in
    ``overrides_read_once`` (the words of one message answered)."""
    read = _READ_ONCE.get()
    if read is None:
        return reply_text_overrides(language)
    if language not in read:
        read[language] = reply_text_overrides(language)
    return read[language]


def text_for(key: str, language: str, overrides: Overrides | None = None) -> str:
    """The text the shop uses for `key` in `language`: its override, else the catalogue's.

    `overrides` maps (key, language) to text, for rendering many messages with one query;
    without it the shop's override of this one key is read now (or once for the block, in
    ``overrides_read_once``), so an edit takes effect from the next message on."""
    language = formatting.language_or_default(language)
    if overrides is None and _READ_ONCE.get() is not None:
        overrides = language_overrides(language)
    if overrides is None:
        override = reply_text_get(key, language)
    else:
        override = overrides.get((key, language))
    return override if override is not None else catalogue_text(key, language)


@dataclass(frozen=True)
class Either:
    """Facts said as alternatives: 'S, M or L'."""

    items: tuple[Any, ...]

    def __init__(self, items: Any) -> None:
        object.__setattr__(self, "items", tuple(items))


@dataclass(frozen=True)
class Lines:
    """Facts said one after another, each on its own line (``sep`` for another separator;
    ``bullet`` before each, e.g. '- ' for the items of a proposal): the lines of a list in a
    reply, each a whole message of its own."""

    items: tuple[Any, ...]
    sep: str = "\n"
    bullet: str = ""

    def __init__(self, items: Any, sep: str = "\n", bullet: str = "") -> None:
        object.__setattr__(self, "items", tuple(items))
        object.__setattr__(self, "sep", sep)
        object.__setattr__(self, "bullet", bullet)


@dataclass(frozen=True)
class Since:
    """A moment said as how long ago it began: 'since 14:05 today', 'since Tuesday'."""

    moment: datetime


@dataclass(frozen=True)
class HelpArticle:
    """A help-centre article the shop wrote, said as the answer: in the shopper's language
    when the shop wrote it in that one (its own, LANGUAGE_CODE, or a translation);
    otherwise the bot says, in the shopper's language, that it is not translated yet, and
    quotes it as the shop wrote it. Never a translation the shop did not write."""

    title: str
    body: str
    translations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def written_in(self, language: str) -> tuple[str, str] | None:
        if language == formatting.language_or_default(settings.LANGUAGE_CODE):
            return self.title, self.body
        written = self.translations.get(language) or {}
        if str(written.get("body") or "").strip():
            return str(written.get("title") or self.title), str(written["body"])
        return None


@dataclass(frozen=True)
class Options:
    """A variant's options ("M, green"), said in the shopper's language ("M, verde");
    with the product's `name`, the variant ("Linen Shirt (M, bianco)")."""

    values: Mapping[str, Any]
    sep: str = ", "
    name: str = ""

    def said(self, language: str) -> str:
        options = formatting.options(dict(self.values), language, self.sep)
        if not self.name:
            return options
        return f"{self.name} ({options})" if options else self.name

    def __str__(self) -> str:
        return self.said(formatting.DEFAULT_LANGUAGE)


def format_fact(value: Any, language: str, overrides: Overrides | None = None) -> str:
    """One fact in `language`: a nested ``Say`` is rendered, a list is said as a list
    ('a, b and c'; ``Either`` for 'a, b or c'; ``Lines`` one per line)."""
    if isinstance(value, Say):
        return render(value, language, overrides)
    if isinstance(value, Options):
        return value.said(language)
    if isinstance(value, HelpArticle):
        written = value.written_in(language)
        if written is None:
            return render(Say("bot.article.untranslated", title=value.title, body=value.body),
                          language, overrides)
        return render(Say("bot.article", title=written[0], body=written[1]), language,
                      overrides)
    if isinstance(value, Since):
        return formatting.since(value.moment, language)
    if isinstance(value, Lines):
        return value.sep.join(f"{value.bullet}{format_fact(v, language, overrides)}"
                              for v in value.items)
    if isinstance(value, Either):
        return formatting.listing([format_fact(v, language, overrides) for v in value.items],
                                  language, either=True)
    if isinstance(value, (list, tuple)) and not isinstance(value, Money):
        return formatting.listing([format_fact(v, language, overrides) for v in value],
                                  language)
    if isinstance(value, Money):
        return formatting.money(value.amount, value.currency, language)
    if isinstance(value, Decimal):
        return formatting.money(value, None, language)
    if isinstance(value, datetime):
        return formatting.when(value, language)
    if isinstance(value, date):
        return formatting.day(value, language)
    return str(value)


def fill(text: str, facts: Mapping[str, Any], language: str,
         overrides: Overrides | None = None) -> str:
    """`text` with each ``{name}`` replaced by its fact; ``{{``/``}}`` are literal braces.
    Only plain names are read (validate_text keeps it so), never attributes or indexes."""
    out: list[str] = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(format_fact(facts[name], language, overrides) if name in facts else "")
    return "".join(out)


def render(say: Say, language: str, overrides: Overrides | None = None) -> str:
    language = formatting.language_or_default(language)
    return fill(text_for(say.key, language, overrides), say.facts, language, overrides)


Part = Say | Lines | HelpArticle | str


def render_parts(parts: list[Part] | tuple[Part, ...], language: str,
                 overrides: Overrides | None = None) -> str:
    """Several messages said as one reply, each rendered in `language`, joined by a space
    (``Lines`` for messages on lines of their own). A plain string is said as it is: what
    the shopper or the shop wrote (a help article, an agent's words), never the bot's own
    wording."""
    said = [part if isinstance(part, str) else format_fact(part, language, overrides)
            for part in parts]
    return " ".join(s for s in said if s)


SITE_CHAT_KEYS = {"open_chat": "site.open_chat", "support": "site.support",
                  "answers_fast": "site.answers_fast", "placeholder": "site.placeholder",
                  "send": "site.send", "reconnecting": "site.reconnecting",
                  "download_label": "label.download"}


def site_chat_texts(language: str) -> dict[str, str]:
    """The site chat widget's own words, by the name the page uses for each."""
    overrides = reply_text_overrides()
    return {name: render(Say(key, shop=settings.SHOP_NAME), language, overrides)
            for name, key in SITE_CHAT_KEYS.items()}
