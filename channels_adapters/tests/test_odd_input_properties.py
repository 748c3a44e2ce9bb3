"""Property tests: generated payloads for every adapter's parser (WhatsApp, Telegram,
Slack, Mailgun and the MTA pipe) and frames for the site-chat socket, through the real
view, command or consumer into the real database. Whatever arrives:

- the answer is 2xx or 4xx (exit 0 or 65 for the pipe, a frame for the socket), never a
  server error;
- nothing is stored when the answer is 4xx;
- every message stored is answered exactly once, a redelivery included.

The bot is a stand-in that answers each message once, naming it (platforms.stand_in_bot):
what is under test is the way in, not what the bot says. Payloads start from each
platform's real shape and are mutated anywhere (a value replaced by odd JSON, a key
removed, nesting thousands deep); strings carry NULs, lone surrogates and run long.
See conftest.py for the number of examples."""

from __future__ import annotations

import copy
import io
import json
import re
import uuid
from typing import Any

import hypothesis
import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.management import CommandError, call_command
from hypothesis import given
from hypothesis import strategies as st

from channels_adapters.base import capped_id, clean_text
from channels_adapters.registry import captured
from channels_adapters.tests import platforms as p
from conversations import services
from conversations.models import Conversation, Handoff, Message
from core.asgi import application
from core.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    p.platforms_on(settings)
    monkeypatch.setattr("agents.runner.bot_turn", p.stand_in_bot)
    return settings


# --- Odd values --------------------------------------------------------------------------

ODD_CHARACTERS = ["\x00", "\ud800", "\udfff", "\ud83d", "\u202e", "\ufeff", "\r", "\n",
                  "é", "😀", "<", ">", "&", "'", '"', "\\", "@", "+", " "]
odd_text = st.one_of(
    st.text(max_size=20),
    st.text(alphabet=st.sampled_from(ODD_CHARACTERS) | st.characters(), max_size=30),
    # Long: over every column's limit (255, 998, 10,000 characters).
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(100, 4000)),
)
# Text a form can carry (the test client encodes it as UTF-8: no lone surrogates).
form_text = odd_text.map(lambda s: re.sub("[\ud800-\udfff]", "", s))
odd_scalar = st.one_of(odd_text, st.integers(), st.integers(-2**80, 2**80), st.booleans(),
                       st.none(), st.floats(allow_nan=True, allow_infinity=True))


def _nested(scalar: Any) -> Any:
    return st.recursive(scalar, lambda inner: st.lists(inner, max_size=3)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                        max_leaves=8)


odd_json = _nested(odd_scalar)
# What a platform's serialiser can write: JSON has no NaN or Infinity (RFC 8259), and a
# body holding them is not JSON, so it is refused whole (see json_body). Where a test needs
# the rest of a body read (a batch's good messages), odd values are drawn from these.
platform_json = _nested(st.one_of(odd_text, st.integers(), st.integers(-2**80, 2**80),
                                  st.booleans(), st.none(),
                                  st.floats(allow_nan=False, allow_infinity=False)))
DEEP = "@@deep:{}@@"


def dumps(payload: Any) -> bytes:
    """JSON as a platform would send it, with each DEEP marker as nesting that deep."""
    body = json.dumps(payload)
    return re.sub(r'"@@deep:(\d+)@@"', lambda m: "[" * int(m[1]) + "]" * int(m[1]),
                  body).encode()


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            found += _paths(child, (*prefix, i))
    return found


@st.composite
def mutated(draw: Any, template: Any, deep: bool = True, values: Any = odd_json) -> Any:
    """The template with one to three values anywhere replaced by odd JSON (drawn from
    `values`), removed, or (when `deep`) replaced by nesting up to 5,000 deep."""
    payload = copy.deepcopy(template)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = payload
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "replace", "remove"] + ["deep"] * deep))
        if action == "remove":
            del parent[path[-1]]
        elif action == "deep":
            parent[path[-1]] = DEEP.format(draw(st.integers(1, 5000)))
        else:
            parent[path[-1]] = draw(values)
    return payload


def assert_answered_once() -> None:
    answers = p.answers_per_inbound()
    assert answers == dict.fromkeys(answers, 1)


def assert_outcome(response: Any) -> None:
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert p.stored_nothing()
    else:
        assert_answered_once()


# --- WhatsApp -----------------------------------------------------------------------------

@st.composite
def good_whatsapp_message(draw: Any, i: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """A message Meta could send (with odd but valid content), and its contact."""
    message_id = f"wamid.{i}." + draw(odd_text)
    wa_id = draw(st.from_regex(r"[1-9][0-9]{7,14}", fullmatch=True))
    kind = draw(st.sampled_from(["text", "image", "button", "interactive"]))
    text = draw(odd_text)
    message: dict[str, Any] = {"from": wa_id, "id": message_id, "timestamp": "1763632800",
                               "type": kind}
    if kind == "text":
        message["text"] = {"body": text}
    elif kind == "image":
        message["image"] = {"caption": text, "mime_type": "image/jpeg",
                            "sha256": "x", "id": draw(odd_text)}
    elif kind == "button":
        message["button"] = {"text": text, "payload": draw(platform_json)}
    else:
        message["interactive"] = {"type": "button_reply",
                                  "button_reply": {"id": draw(platform_json), "title": text}}
    contact = {"profile": {"name": draw(odd_text)}, "wa_id": wa_id}
    return message, contact


@st.composite
def whatsapp_batch(draw: Any) -> tuple[dict[str, Any], list[str]]:
    """A batch of good messages and malformed ones, in any order; and the good ones' ids.
    (A body nested too deeply, or holding NaN or Infinity, anywhere cannot be read at all:
    that is the next tests'.)"""
    goods = [draw(good_whatsapp_message(i)) for i in range(draw(st.integers(1, 3)))]
    bads = [draw(mutated(message, deep=False, values=platform_json) | platform_json)
            for message, _ in
            [draw(good_whatsapp_message(10 + i)) for i in range(draw(st.integers(0, 3)))]]
    messages = draw(st.permutations([m for m, _ in goods] + bads))
    contacts = [c for _, c in goods]
    return p.wa_webhook(messages, contacts=contacts), [m["id"] for m, _ in goods]


# Batches are the slowest examples (up to six messages, each stored and answered twice).
@hypothesis.settings(max_examples=hypothesis.settings.default.max_examples * 3 // 5)
@given(batch=whatsapp_batch())
def test_a_whatsapp_batch_stores_every_good_message_once_whatever_else_it_holds(on, batch):
    p.wipe()
    payload, good_ids = batch
    with captured():
        response = p.wa_post(dumps(payload))
        again = p.wa_post(dumps(payload))

    assert response.status_code == 200, response.content[:500]
    assert again.json()["stored"] == 0
    stored = set(Message.objects.filter(direction="in").values_list("external_id", flat=True))
    assert {capped_id(clean_text(i)) for i in good_ids} <= stored
    assert response.json()["stored"] == len(stored)
    assert_answered_once()


@given(payload=mutated(p.wa_webhook([p.wa_text("wamid.HBgMNDQ3NzAwOTAwMTIzFQIAEhgg")])))
def test_a_mutated_whatsapp_webhook_is_stored_and_answered_once_or_refused(on, payload):
    p.wipe()
    with captured():
        response = p.wa_post(dumps(payload))
        again = p.wa_post(dumps(payload))

    assert_outcome(response)
    assert again.status_code == response.status_code
    assert_answered_once()


@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode)
       | st.integers(1, 200_000).map(lambda n: b"[" * n))
def test_any_signed_whatsapp_body_is_answered_2xx_or_4xx(on, body):
    p.wipe()
    with captured():
        response = p.wa_post(body)

    assert_outcome(response)


# --- Telegram -----------------------------------------------------------------------------

@given(payload=mutated(p.tg_update()), text=odd_text, name=odd_text)
def test_a_mutated_telegram_update_is_stored_and_answered_once_or_refused(on, payload,
                                                                           text, name):
    p.wipe()
    if isinstance(payload.get("message"), dict):
        payload["message"].setdefault("text", text)
        if isinstance(payload["message"].get("from"), dict):
            payload["message"]["from"].setdefault("first_name", name)
    with captured():
        response = p.tg_post(dumps(payload))
        again = p.tg_post(dumps(payload))

    assert_outcome(response)
    assert again.status_code == response.status_code
    assert_answered_once()


# --- Slack --------------------------------------------------------------------------------

@given(payload=mutated(p.slack_reply()), text=odd_text)
def test_a_mutated_slack_event_is_sent_on_once_or_refused(on, payload, text):
    p.wipe()
    customer = Customer.objects.create(name="Maya Patel", email="maya@example.com")
    conversation = Conversation.objects.create(customer=customer, channel="web",
                                               mode=Conversation.Mode.HUMAN)
    Handoff.objects.create(conversation=conversation, reason="customer_request",
                           packet={"slack": {"ts": "1763633000.000100",
                                             "channel": "C0HANDOFFS"}})
    if isinstance(payload.get("event"), dict) and "text" in payload["event"]:
        payload["event"]["text"] = text
    with captured():
        response = p.slack_post(dumps(payload))
        again = p.slack_post(dumps(payload))

    assert response.status_code in (200, 400)
    assert again.status_code == response.status_code
    sent = Message.objects.filter(direction="out").count()
    assert sent <= 1
    if response.status_code == 400:
        assert sent == 0


# --- Email: Mailgun and the MTA pipe ------------------------------------------------------------

MAILGUN_FIELDS = ["recipient", "sender", "from", "subject", "body-plain", "body-html",
                  "stripped-text", "Message-Id", "In-Reply-To", "References", "To", "Cc",
                  "Auto-Submitted", "message-headers"]


@given(changes=st.dictionaries(st.sampled_from(MAILGUN_FIELDS), form_text | st.just(None),
                               max_size=6),
       headers=st.none() | odd_json.map(json.dumps) | st.integers(1, 5000).map(
           lambda n: "[" * n + "]" * n))
def test_a_mutated_mailgun_post_is_stored_and_answered_once_or_refused(on, changes,
                                                                       headers):
    p.wipe()
    fields = p.mailgun_fields()
    if headers is not None:
        fields["message-headers"] = headers
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    signature = {k: fields[k] for k in ("timestamp", "token", "signature")}
    with captured():
        response = p.mailgun_post(fields)
        again = p.mailgun_post({**fields, **{k: v for k, v in p.mailgun_fields().items()
                                            if k in signature}})

    assert_outcome(response)
    assert again.status_code == response.status_code
    assert_answered_once()


header_name = st.sampled_from(["From", "To", "Subject", "Message-ID", "In-Reply-To",
                               "References", "Content-Type", "Content-Transfer-Encoding",
                               "Auto-Submitted", "Date", "MIME-Version"])


@st.composite
def raw_mail(draw: Any) -> bytes:
    """An RFC 822 message with odd headers and body, or not an email at all."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    headers = [("From", "Maya Patel <maya@example.com>"), ("To", "support@shop.example"),
               ("Message-ID", f"<{uuid.uuid4().hex}@mail.example.com>")]
    for _ in range(draw(st.integers(0, 4))):
        headers.append((draw(header_name), draw(odd_text)))
    if draw(st.booleans()):
        boundary = draw(st.sampled_from(["b1", "", "=?x?="]))
        headers.append(("Content-Type", f'multipart/mixed; boundary="{boundary}"'))
    head = "".join(f"{name}: {value}\n" for name, value in headers)
    body = draw(odd_text) + draw(st.sampled_from(["", "\x00", "\ud800", "\x00\ud800"])) + draw(
        odd_text)
    # A lone surrogate goes out as the invalid UTF-8 a broken mailer would write.
    return (head + "\n" + body).encode("utf-8", "surrogatepass")


def _pipe(raw: bytes, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    try:
        call_command("ingest_email", stdout=io.StringIO())
    except CommandError as exc:
        return exc.returncode
    return 0


@given(raw=raw_mail())
def test_any_piped_email_is_stored_and_answered_once_or_bounced(on, monkeypatch, raw):
    p.wipe()
    with captured():
        code = _pipe(raw, monkeypatch)
        again = _pipe(raw, monkeypatch)

    assert code in (0, 65)
    assert again == code
    if code == 65:
        assert p.stored_nothing()
    assert_answered_once()


# --- The site-chat socket -----------------------------------------------------------------

good_frame = st.builds(lambda text: {"type": "message", "text": text,
                                     "client_id": uuid.uuid4().hex}, odd_text)
odd_frame = st.one_of(
    good_frame.map(json.dumps),
    st.fixed_dictionaries({"type": st.just("message") | odd_json, "text": odd_json},
                          optional={"client_id": odd_json}).map(json.dumps),
    odd_json.map(json.dumps),
    # (A frame is never empty: the test client could not send one.)
    st.text(min_size=1, max_size=50),
    st.integers(1, 5000).map(lambda n: "[" * n + "]" * n),
    st.binary(min_size=1, max_size=50),
)


@given(frames=st.lists(odd_frame, min_size=1, max_size=4))
def test_any_chat_frame_gets_an_answer_and_what_is_stored_is_answered_once(on, frames):
    p.wipe()

    async def chat() -> list[str]:
        socket = WebsocketCommunicator(application, "/ws/chat/", headers=[
            (b"host", b"localhost"), (b"origin", b"http://localhost")])
        connected, _ = await socket.connect()
        assert connected
        assert (await socket.receive_json_from(timeout=10))["type"] == "hello"
        kinds = []
        for frame in frames:
            if isinstance(frame, bytes):
                await socket.send_to(bytes_data=frame)
            else:
                await socket.send_to(text_data=frame)
            answer = await socket.receive_json_from(timeout=10)
            kinds.append(answer["type"])
            if answer["type"] == "message":
                assert answer["message"]["direction"] == "in"
                reply = await socket.receive_json_from(timeout=10)
                assert reply["message"]["text"] == f"answer to {answer['message']['id']}"
            else:
                assert answer["type"] == "error"
        # Still open after whatever came before.
        await socket.send_json_to({"type": "message", "text": "still there?"})
        assert (await socket.receive_json_from(timeout=10))["type"] == "message"
        assert (await socket.receive_json_from(timeout=10))["type"] == "message"
        await socket.disconnect()
        return kinds

    kinds = async_to_sync(chat)()

    assert Message.objects.filter(direction="in").count() == kinds.count("message") + 1
    assert_answered_once()


def test_the_stand_in_bot_answers_a_stored_message_once(on):
    """The properties above lean on it: a message stored and processed twice is answered
    once."""
    message = services.message_receive(services.Inbound(
        channel="web", sender_id="standinsession0123456", text="hi", external_id="s:1"))
    assert message is not None
    with captured():
        services.message_process(message.pk)
        services.message_process(message.pk)

    assert p.answers_per_inbound() == {message.pk: 1}
