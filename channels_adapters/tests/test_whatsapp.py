"""The WhatsApp adapter end to end: Meta's own webhook payloads in through the real view at
/webhooks/whatsapp/, and the exact Graph API requests out. Only the HTTP boundary is
faked (an httpx.MockTransport under pywa's client); everything else is the real app."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from channels_adapters.base import StatusUpdate
from channels_adapters.whatsapp import OUTSIDE_WINDOW, WhatsAppAdapter
from conversations import services
from conversations.models import Conversation, Message
from conversations.selectors import whatsapp_window_open as window_open
from core import clock
from core.models import ChannelIdentity, Customer
from tests import shop

PAYLOADS = Path(__file__).parent / "payloads" / "whatsapp"
URL = "/webhooks/whatsapp/"
SECRET = "meta-app-secret"
TOKEN = "EAAGtesttoken"
PHONE_NUMBER_ID = "106540352242922"
SHOPPER = "+447700900123"
GRAPH_URL = f"https://graph.facebook.com/v21.0/{PHONE_NUMBER_ID}/messages"
TEXT_WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhggQTFCMkMzRDRFNUY2QTdCOEM5RDBFMUYyQTNCNEM1RDYA"
OUT_WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSQjdDMDQ5QkE4NjM2RTY5MzQ1AA=="
FAILED_WAMID = "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAERgSRDg3QTAyQzE1NUIyNzU1OTBFAA=="


class FakeGraph:
    """Meta's Graph API at the HTTP boundary: records each request, answers in turn."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.answers: list[httpx.Response | Exception] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.answers:
            answer = self.answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return httpx.Response(200, json={
            "messaging_product": "whatsapp",
            "contacts": [{"input": "447700900123", "wa_id": "447700900123"}],
            "messages": [{"id": f"wamid.OUT{len(self.requests)}"}]})

    def bodies(self) -> list[dict[str, Any]]:
        """Each request's message, without the tracker every one carries (trackers())."""
        return [{k: v for k, v in json.loads(r.content).items()
                 if k != "biz_opaque_callback_data"} for r in self.requests]

    def trackers(self) -> list[str | None]:
        return [json.loads(r.content).get("biz_opaque_callback_data") for r in self.requests]


@pytest.fixture
def whatsapp(settings: Any) -> None:
    settings.WHATSAPP_ENABLED = True
    settings.WHATSAPP_PHONE_NUMBER_ID = PHONE_NUMBER_ID
    settings.WHATSAPP_ACCESS_TOKEN = TOKEN
    settings.WHATSAPP_APP_SECRET = SECRET
    settings.WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.WHATSAPP_API_VERSION = "v21.0"
    settings.WHATSAPP_TEMPLATES = {"delay_alert": "order_delay:en_GB"}


@pytest.fixture
def graph(whatsapp: None, monkeypatch: pytest.MonkeyPatch) -> FakeGraph:
    fake = FakeGraph()
    monkeypatch.setattr(WhatsAppAdapter, "transport", httpx.MockTransport(fake))
    return fake


def payload(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_webhook(body: bytes, sig: str | None = None) -> Any:
    headers = {"X-Hub-Signature-256": signature(body) if sig is None else sig}
    if sig == "":
        headers = {}
    return Client().post(URL, data=body, content_type="application/json", headers=headers)


def text_request(text: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual",
            "to": "447700900123", "type": "text", "text": {"body": text, "preview_url": True}}


def assert_graph_headers(request: httpx.Request) -> None:
    assert request.method == "POST"
    assert str(request.url) == GRAPH_URL
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"


def shopper_wrote(at: Any, text: str = "hello") -> Conversation:
    """Given the shopper's last WhatsApp message arrived at `at`."""
    with clock.frozen_at(at):
        message = services.message_receive(services.Inbound(
            channel="whatsapp", sender_id=SHOPPER, text=text,
            external_id=f"wamid.in-{at.timestamp()}", display_name="Maya Patel"))
    assert message is not None
    return message.conversation


def outbound(conversation: Conversation, text: str, **payload: Any) -> Message:
    return Message.objects.create(
        conversation=conversation, channel="whatsapp", direction=Message.Direction.OUTBOUND,
        sender=Message.Sender.BOT, text=text,
        payload={"to": SHOPPER, "buttons": [], "attachments": [], **payload},
        delivery=Message.Delivery.PENDING, created_at=clock.now())


# --- Meta's verification handshake -----------------------------------------------------

@pytest.mark.django_db
def test_the_verification_handshake_echoes_the_challenge_for_the_right_token(whatsapp):
    response = Client().get(URL, {"hub.mode": "subscribe", "hub.verify_token": "verify-me",
                                  "hub.challenge": "1158201444"})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content == b"1158201444"


@pytest.mark.django_db
def test_the_verification_handshake_is_refused_with_a_wrong_token(whatsapp):
    response = Client().get(URL, {"hub.mode": "subscribe", "hub.verify_token": "guess",
                                  "hub.challenge": "1158201444"})

    assert response.status_code == 403
    assert b"1158201444" not in response.content


@pytest.mark.django_db
def test_the_webhook_is_not_there_while_the_channel_is_disabled(whatsapp, settings):
    settings.WHATSAPP_ENABLED = False

    response = deliver_webhook(payload("text.json"))

    assert response.status_code == 404
    assert Message.objects.count() == 0


def test_it_names_the_settings_it_still_needs(settings):
    settings.WHATSAPP_PHONE_NUMBER_ID = "123"
    settings.WHATSAPP_ACCESS_TOKEN = ""
    settings.WHATSAPP_APP_SECRET = ""
    settings.WHATSAPP_VERIFY_TOKEN = "v"

    assert WhatsAppAdapter().missing_settings() == ["WHATSAPP_ACCESS_TOKEN",
                                                    "WHATSAPP_APP_SECRET"]


# --- Signatures ------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("sig", [
    "",  # no header at all
    "sha256=" + "0" * 64,
    signature(b'{"object": "whatsapp_business_account"}'),  # another body's signature
    signature((PAYLOADS / "text.json").read_bytes(), secret="someone-elses-secret"),
    hmac.new(SECRET.encode(), (PAYLOADS / "text.json").read_bytes(),
             hashlib.sha256).hexdigest(),  # the right digest without the "sha256=" prefix
    "sha256=é",
])
def test_a_webhook_without_a_valid_signature_is_refused_and_nothing_is_stored(graph, sig):
    response = deliver_webhook(payload("text.json"), sig=sig)

    assert response.status_code == 403
    assert Message.objects.count() == 0
    assert ChannelIdentity.objects.count() == 0
    assert graph.requests == []


@pytest.mark.django_db
def test_a_signed_body_that_is_not_json_is_a_bad_request(whatsapp):
    response = deliver_webhook(b"not json")

    assert response.status_code == 400
    assert Message.objects.count() == 0


# --- A text message, end to end --------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_a_known_shopper_asking_for_an_order_is_verified_and_answered_on_whatsapp(
        graph, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    customers = shop.build(timezone.now())

    response = deliver_webhook(payload("text.json"))

    assert response.status_code == 200
    assert response.json() == {"ok": True, "stored": 1}
    inbound = Message.objects.get(direction=Message.Direction.INBOUND)
    assert inbound.channel == "whatsapp"
    assert inbound.payload == {"from": SHOPPER}
    assert inbound.text == "where is order 1042"
    assert inbound.external_id == TEXT_WAMID
    assert inbound.processed_at is not None
    identity = ChannelIdentity.objects.get(channel="whatsapp", external_id=SHOPPER)
    assert identity.customer == customers["maya"]
    assert identity.display_name == "Maya Patel"
    assert identity.verified_via == ChannelIdentity.Verification.CONTACT_MATCH
    assert inbound.conversation.customer == customers["maya"]
    assert inbound.conversation.is_verified

    reply = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert "#1042" in reply.text
    assert "in transit" in reply.text
    assert "Birmingham, GB" in reply.text
    assert reply.payload["to"] == SHOPPER
    assert reply.delivery == Message.Delivery.SENT
    assert reply.external_id == "wamid.OUT1"
    assert len(graph.requests) == 1
    assert_graph_headers(graph.requests[0])
    assert graph.bodies() == [text_request(reply.text)]


@pytest.mark.django_db(transaction=True)
def test_the_same_webhook_delivered_twice_stores_one_message_and_sends_one_reply(
        graph, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    shop.build(timezone.now())

    first = deliver_webhook(payload("text.json"))
    again = deliver_webhook(payload("text.json"))

    assert first.json() == {"ok": True, "stored": 1}
    assert again.status_code == 200
    assert again.json() == {"ok": True, "stored": 0}
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
    assert Message.objects.filter(direction=Message.Direction.OUTBOUND).count() == 1
    assert len(graph.requests) == 1


# --- Replies, buttons, photos and other kinds of message -------------------------------

@pytest.mark.django_db
def test_a_tapped_reply_button_is_stored_as_its_title_with_its_id(whatsapp):
    response = deliver_webhook(payload("interactive_button_reply.json"))

    assert response.status_code == 200
    message = Message.objects.get()
    assert message.text == "Yes, go ahead"
    assert message.payload == {"from": SHOPPER, "reply_id": "Yes, go ahead"}
    assert message.external_id == (
        "wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhggNzBBMzlGQzBFMjVFNTY1QjlBNjAxRDk4MDE4NTE0RjYA")


@pytest.mark.django_db
def test_a_photo_is_stored_with_its_media_id_type_and_caption(whatsapp):
    response = deliver_webhook(payload("image.json"))

    assert response.status_code == 200
    message = Message.objects.get()
    assert message.text == "The box arrived crushed"
    assert message.payload == {"from": SHOPPER, "attachments": [
        {"type": "image", "media_id": "1003383421387256", "mime_type": "image/jpeg",
         "caption": "The box arrived crushed"}]}


def _parse(name: str) -> Any:
    request = RequestFactory().post(URL, data=payload(name), content_type="application/json")
    return WhatsAppAdapter().parse(request)


def test_a_chosen_list_row_parses_as_its_title_with_its_id(whatsapp):
    [message] = _parse("interactive_list_reply.json").messages

    assert message.text == "Order #1043 (delivered)"
    assert message.payload == {"reply_id": "Order #1043 (delivered)"}


def test_a_template_quick_reply_parses_as_its_text_with_its_payload(whatsapp):
    [message] = _parse("button.json").messages

    assert message.text == "Track my order"
    assert message.payload == {"reply_id": "track_order"}
    assert message.sender_id == SHOPPER


def test_a_sticker_is_kept_with_a_clear_text_and_a_reaction_is_ignored(whatsapp):
    [sticker] = _parse("sticker.json").messages
    reaction = _parse("reaction.json")

    assert sticker.text == "[unsupported message: sticker]"
    assert sticker.payload == {"unsupported": "sticker", "attachments": [
        {"type": "sticker", "media_id": "1228627195134963", "mime_type": "image/webp",
         "caption": ""}]}
    assert reaction.messages == []
    assert reaction.statuses == []


def test_a_webhook_for_another_number_of_the_business_is_ignored(whatsapp, settings):
    settings.WHATSAPP_PHONE_NUMBER_ID = "999999999999999"

    events = _parse("text.json")

    assert events.messages == []


def test_a_failed_status_carries_the_platforms_reason(whatsapp):
    assert _parse("status_failed.json").statuses == [StatusUpdate(
        external_id=FAILED_WAMID, status="failed",
        error="Re-engagement message (131047): Message failed to send because more than "
              "24 hours have passed since the customer last replied to this number.")]


# --- Status callbacks ------------------------------------------------------------------

@pytest.mark.django_db
def test_status_callbacks_move_a_sent_message_forward_and_never_back(whatsapp):
    conversation = shopper_wrote(clock.now())
    sent = outbound(conversation, "Your order is on its way.")
    Message.objects.filter(pk=sent.pk).update(delivery=Message.Delivery.SENT,
                                               external_id=OUT_WAMID)
    seen = []

    for name in ("status_sent.json", "status_delivered.json", "status_read.json",
                 "status_delivered.json"):
        assert deliver_webhook(payload(name)).json() == {"ok": True, "stored": 0}
        sent.refresh_from_db()
        seen.append(sent.delivery)

    assert seen == ["sent", "delivered", "read", "read"]
    assert sent.last_error == ""


@pytest.mark.django_db
def test_a_failed_status_marks_the_message_failed_with_the_reason(whatsapp):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Your order is on its way.")
    Message.objects.filter(pk=message.pk).update(delivery=Message.Delivery.SENT,
                                                  external_id=FAILED_WAMID)

    deliver_webhook(payload("status_failed.json"))

    message.refresh_from_db()
    assert message.delivery == Message.Delivery.FAILED
    assert message.last_error == (
        "Re-engagement message (131047): Message failed to send because more than 24 hours "
        "have passed since the customer last replied to this number.")


# --- Sending inside the 24-hour window -------------------------------------------------

@pytest.mark.django_db
def test_up_to_three_choices_go_out_as_reply_buttons(graph):
    conversation = shopper_wrote(clock.now() - timedelta(hours=23, minutes=59))
    message = outbound(conversation, "Shall I open the return?",
                       buttons=["Yes, go ahead", "No", "Talk to a person, please"])

    result = services.message_deliver(message.pk)

    assert result.status == "sent"
    assert_graph_headers(graph.requests[0])
    assert graph.bodies() == [{
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "447700900123", "type": "interactive",
        "interactive": {
            "type": "button", "body": {"text": "Shall I open the return?"},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": "Yes, go ahead", "title": "Yes, go ahead"}},
                {"type": "reply", "reply": {"id": "No", "title": "No"}},
                {"type": "reply", "reply": {"id": "Talk to a person, please",
                                            "title": "Talk to a person, p…"}}]}}}]


@pytest.mark.django_db
def test_four_to_ten_choices_go_out_as_a_list(graph):
    conversation = shopper_wrote(clock.now())
    labels = ["Order #1042", "Order #1043", "Order #2001",
              "Order #2002 — Fell Walking Boot, brown, 9"]
    message = outbound(conversation, "Which order is it about?", buttons=labels)

    services.message_deliver(message.pk)

    assert graph.bodies() == [{
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "447700900123", "type": "interactive",
        "interactive": {
            "type": "list", "body": {"text": "Which order is it about?"},
            "action": {"button": "Choose an option", "sections": [{"rows": [
                {"id": "Order #1042", "title": "Order #1042"},
                {"id": "Order #1043", "title": "Order #1043"},
                {"id": "Order #2001", "title": "Order #2001"},
                {"id": "Order #2002 — Fell Walking Boot, brown, 9",
                 "title": "Order #2002 — Fell Walk…",
                 "description": "Order #2002 — Fell Walking Boot, brown, 9"}]}]}}}]


@pytest.mark.django_db
def test_more_than_ten_choices_degrade_to_numbered_text(graph):
    conversation = shopper_wrote(clock.now())
    labels = [f"Size {n}" for n in range(1, 12)]
    message = outbound(conversation, "Which size?", buttons=labels)

    services.message_deliver(message.pk)

    numbered = "\n".join(f"{n}. Size {n}" for n in range(1, 12))
    assert graph.bodies() == [text_request(f"Which size?\n{numbered}")]


@pytest.mark.django_db
def test_a_return_label_link_goes_out_as_a_document_with_the_text_as_caption(graph):
    conversation = shopper_wrote(clock.now())
    url = "https://shop.example.com/returns/label/abc123/"
    message = outbound(conversation, f"Done — return R-1001 is open. Here's your label: {url}",
                       attachments=[{"type": "document", "url": url,
                                     "title": "Return label R-1001"}])

    result = services.message_deliver(message.pk)

    assert result.status == "sent"
    assert graph.bodies() == [{
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "447700900123", "type": "document",
        "document": {"link": url, "filename": "Return label R-1001",
                     "caption": f"Done — return R-1001 is open. Here's your label: {url}"}}]
    message.refresh_from_db()
    assert message.external_id == "wamid.OUT1"


# --- Outside the 24-hour window --------------------------------------------------------

@pytest.mark.django_db
def test_free_text_outside_the_window_is_refused_without_calling_meta(graph):
    conversation = shopper_wrote(clock.now() - timedelta(hours=24, minutes=1))
    message = outbound(conversation, "Your parcel is running a day late.")

    result = services.message_deliver(message.pk)

    assert result.status == "failed"
    assert not result.retry
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.FAILED
    assert message.last_error == OUTSIDE_WINDOW
    assert graph.requests == []
    assert not window_open(SHOPPER)


@pytest.mark.django_db
def test_a_configured_template_goes_out_outside_the_window(graph):
    conversation = shopper_wrote(clock.now() - timedelta(days=3))
    message = outbound(conversation, "Your order #1042 is running late; new date Friday.",
                       template={"purpose": "delay_alert", "params": ["1042", "Friday"]})

    result = services.message_deliver(message.pk)

    assert result.status == "sent"
    assert_graph_headers(graph.requests[0])
    assert graph.bodies() == [{
        "messaging_product": "whatsapp", "recipient_type": "individual",
        "to": "447700900123", "type": "template",
        "template": {"name": "order_delay", "language": {"code": "en_GB"},
                     "components": [{"type": "body", "parameters": [
                         {"type": "text", "text": "1042"},
                         {"type": "text", "text": "Friday"}]}]}}]
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.SENT
    assert message.external_id == "wamid.OUT1"


@pytest.mark.django_db
def test_a_template_purpose_without_a_configured_template_fails_naming_it(graph):
    conversation = shopper_wrote(clock.now() - timedelta(days=3))
    message = outbound(conversation, "The Classic Tee in L is back.",
                       template={"purpose": "back_in_stock", "params": ["Classic Tee"]})

    services.message_deliver(message.pk)

    message.refresh_from_db()
    assert message.delivery == Message.Delivery.FAILED
    assert "'back_in_stock'" in message.last_error
    assert graph.requests == []


@pytest.mark.django_db
def test_a_shopper_who_never_wrote_on_whatsapp_has_no_open_window(whatsapp):
    Customer.objects.create(name="Tom", phone="+447700900456")

    assert not window_open("+447700900456")


# --- Platform errors -------------------------------------------------------------------

@pytest.mark.django_db
def test_a_refused_message_fails_with_the_platforms_message(graph):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Hello")
    graph.answers.append(httpx.Response(400, json={"error": {
        "message": "(#131030) Recipient phone number not in allowed list",
        "type": "OAuthException", "code": 131030,
        "error_data": {"messaging_product": "whatsapp",
                       "details": "Recipient phone number not in allowed list"},
        "fbtrace_id": "AbCdEf"}}))

    result = services.message_deliver(message.pk)

    assert result.status == "failed"
    assert not result.retry
    message.refresh_from_db()
    assert message.last_error == (
        "WhatsApp error 131030: (#131030) Recipient phone number not in allowed list "
        "(Recipient phone number not in allowed list)")


@pytest.mark.django_db
@pytest.mark.parametrize("answer", [
    httpx.Response(503, text="<html>Service Unavailable</html>"),
    httpx.Response(429, json={"error": {"message": "(#4) Application request limit reached",
                                         "type": "OAuthException", "code": 4}}),
    httpx.Response(400, json={"error": {"message": "(#130429) Rate limit hit",
                                        "type": "OAuthException", "code": 130429}}),
    httpx.ReadTimeout("timed out"),
    httpx.ConnectError("connection refused"),
])
def test_outages_and_rate_limits_are_retried_later(graph, answer):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Hello")
    graph.answers.append(answer)

    result = services.message_deliver(message.pk)

    assert result.status == "pending"
    assert result.retry
    message.refresh_from_db()
    assert message.delivery == Message.Delivery.PENDING
    assert message.attempts == 1
    assert len(graph.requests) == 1


@pytest.mark.django_db
def test_a_rate_limit_with_a_named_wait_is_retried_no_sooner(graph):
    conversation = shopper_wrote(clock.now())
    message = outbound(conversation, "Hello")
    graph.answers.append(httpx.Response(429, headers={"Retry-After": "30"}, json={"error": {
        "message": "(#4) Application request limit reached", "type": "OAuthException",
        "code": 4}}))

    result = services.message_deliver(message.pk)

    assert result.retry
    assert result.retry_after == 30
    assert result.error == "WhatsApp error 4: (#4) Application request limit reached"


@pytest.mark.parametrize(("language", "code"), [("de", "de"), ("es", "es_ES"), ("it", "en_GB"),
                                                ("", "en_GB")])
def test_a_template_approved_in_several_languages_goes_out_in_the_customers(
        settings, language, code):
    from channels_adapters.whatsapp import _template

    settings.WHATSAPP_TEMPLATES = {"owner_notice": "order_changed:en_GB|de|es_ES"}

    template = _template({"purpose": "owner_notice", "params": ["1042"], "language": language})

    assert template["language"] == {"code": code}
    assert template["name"] == "order_changed"
