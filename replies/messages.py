"""Every message the shop sends in its own words, by key: what it may say and an example.

The words themselves live in the gettext catalogues under ``locale/<language>/`` (English
included), so translators work on ordinary .po files, and a shop owner can override any of
them per language (``ReplyText``). This table is what the code promises about each key:
the facts a text may use (``example`` names them, with a value for previews) and the ones
it must keep (``required``: without them the message no longer does its job, e.g. a
one-time code without the code).

Adding a message: a row here, its msgid in every ``locale/*/LC_MESSAGES/django.po``, and
``manage.py check_replies`` says what is still missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MessageSpec:
    key: str
    note: str
    example: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(self.example)


_SHOP = {"shop": "Northwind"}

MESSAGES: dict[str, MessageSpec] = {spec.key: spec for spec in (
    # Moments, as core.formatting.when and since say them.
    MessageSpec("time.day_at_time", "A day and a time ('Tuesday 17 November at 14:05').",
                {"day": "Tuesday 17 November", "time": "14:05"}, required=("day", "time")),
    MessageSpec("time.since_today", "A moment earlier today ('since 14:05 today').",
                {"time": "14:05"}, required=("time",)),
    MessageSpec("time.since_weekday", "A moment in the last week ('since Tuesday').",
                {"weekday": "Tuesday"}, required=("weekday",)),
    MessageSpec("time.since_day", "An older moment ('since 3 November').",
                {"day": "3 November"}, required=("day",)),
    # Notices sent to the contact on file after a change a shopper asked for in a chat.
    MessageSpec("notice.cancel.subject", "Email subject: an order was cancelled in a chat.",
                {"number": "1042", **_SHOP}, required=("number",)),
    MessageSpec("notice.cancel.text", "Notice: an order was cancelled in a chat.",
                {"number": "1042", **_SHOP}, required=("number",)),
    MessageSpec("notice.change_address.subject",
                "Email subject: an order's delivery address was changed in a chat.",
                {"number": "1042", **_SHOP}, required=("number",)),
    MessageSpec("notice.change_address.text",
                "Notice: an order's delivery address was changed in a chat.",
                {"number": "1042", "address": "12 Elm Street, Leeds, LS1 4AB", **_SHOP},
                required=("number", "address")),
    MessageSpec("notice.not_you", "Closes every notice: what to do if it wasn't them."),
    # One-time codes.
    MessageSpec("code.subject", "Email subject of a one-time code.", dict(_SHOP)),
    MessageSpec("code.text", "A one-time code sent to the contact on file.",
                {"code": "482913", "why": "Someone asked to link a WhatsApp chat to your "
                 "account.", "minutes": 15, **_SHOP}, required=("code", "minutes")),
    MessageSpec("code.why_link", "Why a code was sent: linking a chat to an account.",
                {"channel": "WhatsApp"}),
    MessageSpec("code.why_step_up", "Why a code was sent: proving it before a change.",
                {"purpose": "change a delivery address", "channel": "WhatsApp"}),
    # The conversation pipeline's own words.
    MessageSpec("flood.slow_down", "Said once when a shopper sends too many messages a minute."),
    MessageSpec("email.default_subject", "Subject of an email reply to a mail without one.",
                dict(_SHOP)),
    # The return label (a PDF; Helvetica, so Western European letters only).
    MessageSpec("label.title", "Return label heading.", {"number": "R-1042-1"},
                required=("number",)),
    MessageSpec("label.carrier", "Return label: the carrier, prepaid.", {"carrier": "DPD"},
                required=("carrier",)),
    MessageSpec("label.from", "Return label: sender's address heading."),
    MessageSpec("label.to", "Return label: recipient's address heading."),
    MessageSpec("label.returns_department", "Return label: the shop's returns department.",
                dict(_SHOP)),
    MessageSpec("label.order", "Return label: the order it belongs to.", {"number": "1042"},
                required=("number",)),
    MessageSpec("label.download", "Site chat: the link to a return label."),
    # The site chat widget.
    MessageSpec("site.open_chat", "Site chat: the button that opens it."),
    MessageSpec("site.support", "Site chat: its title.", dict(_SHOP)),
    MessageSpec("site.answers_fast", "Site chat: the line under its title."),
    MessageSpec("site.placeholder", "Site chat: the empty message box."),
    MessageSpec("site.send", "Site chat: the send button."),
    MessageSpec("site.reconnecting", "Site chat: while the connection is being restored."),
)}


def spec_get(key: str) -> MessageSpec:
    try:
        return MESSAGES[key]
    except KeyError:
        raise KeyError(f"No message '{key}' in the catalogue (replies/messages.py).") from None
