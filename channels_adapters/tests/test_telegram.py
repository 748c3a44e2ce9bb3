"""Telegram end to end: Telegram's own update payloads through the real webhook view, the
real bot, the real outbox and python-telegram-bot's Bot; only Telegram's HTTP is faked."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from django.utils import timezone

from channels_adapters.base import Outbound, PermanentError, TemporaryError
from channels_adapters.telegram import TelegramAdapter, callback_data
from conversations import services
from conversations.models import Conversation, Message
from tests import shop

pytestmark = pytest.mark.django_db(transaction=True)

PAYLOADS = Path(__file__).parent / "payloads" / "telegram"
TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SECRET = "tg-webhook-secret-5f1d8c"
SEND_MESSAGE = f"https://api.telegram.org/bot{TOKEN}/sendMessage"
CHAT = "5550001234"
BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Northwind Outfitters",
            "username": "northwind_help_bot"}
CLARIFY = ("Sorry, I want to make sure I help with the right thing. Is this about an order you "
           "placed, or a product you're looking at?")


class FakeTelegram:
    """The Bot API at the HTTP boundary: records every request and answers as Telegram
    does (queued answers first, then a successful sendMessage)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response] = []
        self.message_id = 900

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answers:
            return self.answers.pop(0)
        self.message_id += 1
        form = dict(parse_qsl(request.content.decode()))
        return httpx.Response(200, json={"ok": True, "result": {
            "message_id": self.message_id, "from": BOT_USER,
            "chat": {"id": int(form["chat_id"]), "type": "private"},
            "date": 1763632801, "text": form["text"]}})

    def sent(self) -> list[dict[str, Any]]:
        """Each request as method, URL, content type and form fields (reply_markup decoded)."""
        out = []
        for request in self.requests:
            form: dict[str, Any] = dict(parse_qsl(request.content.decode()))
            if "reply_markup" in form:
                form["reply_markup"] = json.loads(form["reply_markup"])
            out.append({"method": request.method, "url": str(request.url),
                        "content_type": request.headers["content-type"], "form": form})
        return out


@pytest.fixture
def telegram(settings, monkeypatch) -> FakeTelegram:
    settings.TELEGRAM_ENABLED = True
    settings.TELEGRAM_BOT_TOKEN = TOKEN
    settings.TELEGRAM_SECRET_TOKEN = SECRET
    settings.CELERY_TASK_ALWAYS_EAGER = True
    fake = FakeTelegram()
    monkeypatch.setattr(TelegramAdapter, "transport", httpx.MockTransport(fake))
    shop.build(timezone.now())
    return fake


def update(name: str, **changes: Any) -> dict[str, Any]:
    """A payload file, with message fields (text, message_id) or the update_id changed."""
    payload = copy.deepcopy(json.loads((PAYLOADS / f"{name}.json").read_text()))
    if "update_id" in changes:
        payload["update_id"] = changes.pop("update_id")
    payload.get("message", {}).update(changes)
    return payload


def post(client: Any, payload: dict[str, Any], secret: str | None = SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return client.post("/webhooks/telegram/", data=json.dumps(payload),
                       content_type="application/json", headers=headers)


def send_message(text: str, reply_markup: dict[str, Any] | None = None) -> dict[str, Any]:
    form: dict[str, Any] = {"chat_id": CHAT, "text": text}
    if reply_markup is not None:
        form["reply_markup"] = reply_markup
    return {"method": "POST", "url": SEND_MESSAGE,
            "content_type": "application/x-www-form-urlencoded", "form": form}


def test_a_text_message_is_stored_and_answered_once_even_when_telegram_redelivers_it(
        client, telegram):
    payload = update("text", text="where is my order")

    first = post(client, payload)
    again = post(client, payload)

    assert first.status_code == 200
    assert first.json() == {"ok": True, "stored": 1}
    assert again.json() == {"ok": True, "stored": 0}
    inbound = Message.objects.get(direction="in")
    assert (inbound.channel, inbound.text, inbound.external_id) == (
        "telegram", "where is my order", f"{CHAT}:512")
    assert inbound.conversation.customer.name == "Maya Patel"
    assert inbound.conversation.customer.identities.get().external_id == CHAT
    assert len(telegram.requests) == 1


def test_where_is_my_order_asks_for_verification_as_a_plain_send_message(client, telegram):
    post(client, update("text", text="where is my order"))

    reply = Message.objects.get(direction="out")
    assert reply.delivery == "sent"
    assert reply.external_id == f"{CHAT}:901"
    assert reply.payload["buttons"] == []
    assert "order number" in reply.text
    assert telegram.sent() == [send_message(reply.text)]


def uncaptioned_photo() -> dict[str, Any]:
    payload = update("photo")
    del payload["message"]["caption"]
    return payload


def test_a_clarifying_question_is_sent_with_an_inline_keyboard(client, telegram):
    # A photo with no words gives the bot nothing to understand: it asks, with buttons.
    post(client, uncaptioned_photo())

    reply = Message.objects.get(direction="out")
    assert reply.text == CLARIFY
    assert telegram.sent() == [send_message(CLARIFY, {"inline_keyboard": [
        [{"text": "An order I placed", "callback_data": "An order I placed"}],
        [{"text": "A product", "callback_data": "A product"}],
        [{"text": "Something else", "callback_data": "Something else"}],
    ]})]


def test_a_button_press_is_the_shoppers_next_message_and_is_answered_in_the_webhook_reply(
        client, telegram):
    post(client, uncaptioned_photo())

    pressed = post(client, update("callback_query"))

    assert pressed.status_code == 200
    assert pressed.json() == {"method": "answerCallbackQuery",
                              "callback_query_id": "4382bfdwdsb323b2d9"}
    button = Message.objects.filter(direction="in").order_by("pk").last()
    assert (button.text, button.external_id, button.payload) == (
        "A product", "callback:4382bfdwdsb323b2d9", {"from": CHAT})
    assert Conversation.objects.count() == 1
    assert button.processed_at is not None
    assert len(telegram.requests) == 2
    assert all(r.url == SEND_MESSAGE for r in telegram.requests)


def test_a_long_button_label_is_cut_to_64_bytes_and_read_back_whole(client, telegram):
    label = "Yes please, send a replacement pair in the same size — the brown ones"
    payload = update("callback_query")
    query = payload["callback_query"]
    query["data"] = callback_data(label)
    query["message"]["reply_markup"] = {"inline_keyboard": [
        [{"text": label, "callback_data": callback_data(label)}]]}

    post(client, payload)

    assert len(callback_data(label).encode()) <= 64
    assert label.startswith(callback_data(label))
    assert Message.objects.get(direction="in").text == label


def test_a_photo_is_stored_as_its_largest_image_with_the_caption_as_text(client, telegram):
    post(client, update("photo"))

    photo = Message.objects.get(direction="in")
    assert photo.text == "the box arrived crushed"
    assert photo.external_id == f"{CHAT}:514"
    assert photo.payload == {"from": CHAT, "attachments": [
        {"type": "image", "file_id": "AgACAgQAAxkBAAIBAmdCx1large0AAQ9fGQABHgQ"}]}


@pytest.mark.parametrize("secret", ["not-the-secret", "", None])
def test_a_wrong_or_missing_secret_token_is_refused_and_nothing_is_stored(
        client, telegram, secret):
    response = post(client, update("text"), secret=secret)

    assert response.status_code == 403
    assert Message.objects.count() == 0
    assert telegram.requests == []


def test_a_group_chat_is_ignored(client, telegram):
    response = post(client, update("group_text"))

    assert response.json() == {"ok": True, "stored": 0}
    assert Message.objects.count() == 0
    assert telegram.requests == []


def test_a_malformed_update_is_a_400(client, telegram):
    response = post(client, {"update_id": 1, "message": {"text": "no chat, no date"}})

    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_the_webhook_is_404_while_telegram_is_disabled(client, telegram, settings):
    settings.TELEGRAM_ENABLED = False

    assert post(client, update("text")).status_code == 404


def test_an_attachment_with_a_url_goes_as_a_link_in_the_text(telegram):
    message = Outbound(pk=1, conversation_id=1, channel="telegram",
                       text="Here is your return label.", payload={
        "to": CHAT, "buttons": [], "attachments": [
            {"type": "document", "url": "https://shop.example/labels/abc.pdf",
             "title": "Return label R-1001"}]})

    external_id = TelegramAdapter().send(message)

    assert external_id == f"{CHAT}:901"
    assert telegram.sent() == [send_message(
        "Here is your return label.\n\nReturn label R-1001: https://shop.example/labels/abc.pdf")]


def _error(status: int, description: str, **parameters: Any) -> httpx.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return httpx.Response(status, json=body)


def _hello() -> Outbound:
    return Outbound(pk=1, conversation_id=1, channel="telegram", text="Hello",
                    payload={"to": CHAT, "buttons": [], "attachments": []})


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_flood_control_is_temporary_and_keeps_telegrams_retry_after(telegram):
    telegram.answers.append(_error(429, "Too Many Requests: retry after 7", retry_after=7))

    with pytest.raises(TemporaryError) as raised:
        TelegramAdapter().send(_hello())

    assert raised.value.retry_after == 7.0


@pytest.mark.parametrize("answer", [
    _error(500, "Internal Server Error"),
    _error(502, "Bad Gateway"),
])
def test_server_errors_are_temporary(telegram, answer):
    telegram.answers.append(answer)

    with pytest.raises(TemporaryError):
        TelegramAdapter().send(_hello())


def test_a_timeout_is_temporary(telegram, monkeypatch):
    def times_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    monkeypatch.setattr(TelegramAdapter, "transport", httpx.MockTransport(times_out))

    with pytest.raises(TemporaryError):
        TelegramAdapter().send(_hello())


@pytest.mark.parametrize("answer", [
    _error(403, "Forbidden: bot was blocked by the user"),
    _error(400, "Bad Request: chat not found"),
])
def test_a_blocked_bot_or_a_bad_request_is_permanent(telegram, answer):
    telegram.answers.append(answer)

    with pytest.raises(PermanentError):
        TelegramAdapter().send(_hello())


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
def test_a_rate_limited_outbox_row_waits_as_long_as_telegram_asks(telegram):
    inbound = services.message_receive(services.Inbound(
        channel="telegram", sender_id=CHAT, text="hi", external_id=f"{CHAT}:1"))
    row = Message.objects.create(
        conversation=inbound.conversation, channel="telegram", direction="out", sender="bot",
        text="Hello", payload={"to": CHAT, "buttons": [], "attachments": []},
        delivery="pending")
    telegram.answers.append(_error(429, "Too Many Requests: retry after 30", retry_after=30))

    result = services.message_deliver(row.pk)

    assert (result.status, result.retry, result.retry_after) == ("pending", True, 30.0)
    row.refresh_from_db()
    assert (row.delivery, row.attempts) == ("pending", 1)
