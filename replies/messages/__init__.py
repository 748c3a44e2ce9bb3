"""Every message the shop sends in its own words, by key: what it may say and an example.

The words themselves live in the gettext catalogues under ``locale/<language>/`` (English
included), so translators work on ordinary .po files, and a shop owner can override any of
them per language (``ReplyText``). This table is what the code promises about each key:
the facts a text may use (``example`` names them, with a value for previews) and the ones
it must keep (``required``: without them the message no longer does its job, e.g. a
one-time code without the code).

The specs live by area in this package's modules, each a ``SPECS`` tuple; adding a message:
a row in its area's module (a new module is listed in ``AREAS``), its msgid in every
``locale/*/LC_MESSAGES/django.po``, and ``manage.py check_replies`` says what is still
missing.
"""

from __future__ import annotations

from importlib import import_module

from replies.messages.spec import MessageSpec

# The modules of this package that hold specs, each for one part of the product.
AREAS = ("shop", "alerts", "campaigns", "conversation", "bot_orders", "bot_talk", "bot_tools",
         "bot_returns", "bot_catalogue", "bot_payment", "bot_promo", "bot_stock", "bot_identity",
         "bot_order_state")


MESSAGES: dict[str, MessageSpec] = {
    spec.key: spec
    for area in AREAS
    for spec in import_module(f"replies.messages.{area}").SPECS
}


def spec_get(key: str) -> MessageSpec:
    try:
        return MESSAGES[key]
    except KeyError:
        raise KeyError(f"No message '{key}' in the catalogue (replies/messages/).") from None
