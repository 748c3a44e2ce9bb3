"""Telegram in webhook mode, with python-telegram-bot: its types read the update, its Bot
sends the reply.

Register the webhook once, with the secret Telegram then echoes on every call:
    https://api.telegram.org/bot<TELEGRAM_BOT_TOKEN>/setWebhook
        ?url=<SITE_URL>/webhooks/telegram/&secret_token=<TELEGRAM_SECRET_TOKEN>
        &allowed_updates=["message","callback_query"]
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import httpx
from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpRequest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram import Message as TelegramMessage
from telegram import error as tg
from telegram.request import HTTPXRequest

from channels_adapters.base import (
    Inbound,
    Outbound,
    PermanentError,
    TemporaryError,
    WebhookEvents,
    json_body,
)

if TYPE_CHECKING:
    from telegram import CallbackQuery

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# The Bot API's limit on an inline button's callback_data.
CALLBACK_DATA_BYTES = 64


class TelegramAdapter:
    channel = "telegram"
    needs_window = False
    needs_thread = False
    # The Bot's HTTP transport. None is the real network; tests put an httpx.MockTransport
    # here, so only the HTTP boundary is faked.
    transport: httpx.AsyncBaseTransport | None = None

    def enabled(self) -> bool:
        return settings.TELEGRAM_ENABLED

    def missing_settings(self) -> list[str]:
        return [name for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN")
                if not getattr(settings, name)]

    def verify(self, request: HttpRequest) -> bool:
        expected = settings.TELEGRAM_SECRET_TOKEN
        given = request.headers.get(SECRET_HEADER, "")
        return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())

    def challenge(self, request: HttpRequest) -> None:
        return None

    def parse(self, request: HttpRequest) -> WebhookEvents:
        data = json_body(request.body, "The Telegram update")
        if not isinstance(data, dict):
            raise ValueError("Not a Telegram update: not a JSON object.")
        # python-telegram-bot reads what it is given without checking it: a field of the
        # wrong type or a message without its chat fails anywhere from here on.
        try:
            return _events(Update.de_json(data, bot=None))
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
            raise ValueError(f"Not a Telegram update: {exc!r}"[:300]) from exc

    def send(self, message: Outbound) -> str:
        chat_id = message.payload.get("to", "")
        if not chat_id:
            raise PermanentError("The message has no Telegram chat to go to.")
        params: dict[str, Any] = {"chat_id": chat_id, "text": _text(message)}
        buttons = message.payload.get("buttons") or []
        if buttons:
            params["reply_markup"] = InlineKeyboardMarkup(
                [[InlineKeyboardButton(label, callback_data=callback_data(label))]
                 for label in buttons])
        try:
            sent = self._send_message(params)
        except tg.RetryAfter as exc:
            seconds = _seconds(exc.retry_after)
            raise TemporaryError(f"Telegram flood control: retry after {seconds:g}s",
                                 retry_after=seconds) from exc
        except (tg.Forbidden, tg.BadRequest, tg.InvalidToken, tg.ChatMigrated) as exc:
            # 403 is a shopper who blocked the bot; 400 a chat or text Telegram rejects.
            raise PermanentError(f"Telegram refused the message: {exc}") from exc
        except tg.TelegramError as exc:
            # Timeouts, connection errors and 5xx (python-telegram-bot's NetworkError).
            raise TemporaryError(f"Telegram did not take the message: {exc}") from exc
        # Message ids are only unique within a chat, and the outbox is unique per channel.
        return f"{chat_id}:{sent.message_id}"

    def _send_message(self, params: dict[str, Any]) -> TelegramMessage:
        async def call() -> TelegramMessage:
            request = HTTPXRequest(
                connection_pool_size=1,
                httpx_kwargs={"transport": self.transport} if self.transport else None)
            # Bot.initialize() would call getMe first; sending needs only the request open.
            bot = Bot(settings.TELEGRAM_BOT_TOKEN, request=request,
                      get_updates_request=request)
            try:
                return await bot.send_message(**params)
            finally:
                await request.shutdown()

        return async_to_sync(call)()


def callback_data(label: str) -> str:
    """The label itself, cut to the Bot API's 64 bytes; the press is read back as the
    label (see _button_label), so a cut label still arrives whole."""
    return label.encode()[:CALLBACK_DATA_BYTES].decode(errors="ignore")


def _text(message: Outbound) -> str:
    links = [f"{a.get('title') or a.get('name') or 'Link'}: {a['url']}"
             for a in message.payload.get("attachments") or [] if a.get("url")]
    return "\n\n".join(filter(None, [message.text, "\n".join(links)]))


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _events(update: Update) -> WebhookEvents:
    if update.message is not None:
        inbound = _from_message(update.message)
        return WebhookEvents(messages=[inbound] if inbound else [])
    if update.callback_query is not None:
        query = update.callback_query
        inbound = _from_button(query)
        # Telegram shows a spinner on the button until the query is answered. Answering
        # in the webhook's own reply costs no API call and never delays the webhook.
        return WebhookEvents(messages=[inbound] if inbound else [], response={
            "method": "answerCallbackQuery", "callback_query_id": str(query.id)})
    return WebhookEvents()


def _from_message(message: TelegramMessage) -> Inbound | None:
    # Only one-to-one chats: in a group, one chat id would be many people sharing a
    # verified identity and its orders.
    user = message.from_user
    if message.chat.type != "private" or user is None or user.is_bot:
        return None
    attachments = []
    if message.photo:
        largest = max(message.photo, key=lambda size: size.width * size.height)
        attachments.append({"type": "image", "file_id": largest.file_id})
    text = message.text or message.caption or ""
    if not isinstance(text, str) or not isinstance(message.chat.id, int | str):
        raise TypeError("the text or the chat id is of the wrong type")
    if not text and not attachments:
        return None
    return Inbound(
        channel="telegram", sender_id=str(message.chat.id), text=text,
        # Telegram redelivers an update until it gets a 2xx; the message id is stable
        # across redeliveries, and unique within its chat.
        external_id=f"{message.chat.id}:{message.message_id}",
        display_name=user.full_name,
        payload={"attachments": attachments} if attachments else {},
    )


def _from_button(query: CallbackQuery) -> Inbound | None:
    chat = query.message.chat if query.message is not None else None
    if not query.data or query.from_user.is_bot or (chat is not None and chat.type != "private"):
        return None
    return Inbound(
        channel="telegram", sender_id=str(chat.id if chat is not None else query.from_user.id),
        text=_button_label(query), external_id=f"callback:{query.id}",
        display_name=query.from_user.full_name,
    )


def _button_label(query: CallbackQuery) -> str:
    markup = getattr(query.message, "reply_markup", None)
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if button.callback_data == query.data:
                return button.text
    return query.data or ""
