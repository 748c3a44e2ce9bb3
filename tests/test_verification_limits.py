"""Guessing who a shopper is must not work: every guess that does not match is counted in
the database per order number, per contact detail and per client, across sessions,
devices and channels, and at a limit even the right details are refused until the window
has moved on."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from channels_adapters.registry import captured
from channels_adapters.web import client_address
from conversations import services
from conversations.models import Conversation, Message
from core import clock
from core.asgi import application
from core.models import ChannelIdentity, VerificationFailure
from core.services import identity_attempts_purge
from tests import shop

pytestmark = pytest.mark.django_db

LOCKED = ("I can't check those details right now: there have been too many attempts with "
          "details that didn't match. Please try again later, or ask to talk to a person.")
NO_MATCH = ("Sorry, I couldn't match those details to an order. Please check the order "
            "number and use the email address or postcode given at checkout.")
STILL_WRONG = ("Those details still don't match an order I can show you. Please look at your "
               "order confirmation email for the exact order number and the email address it "
               "was sent to.")
NOW_LOCKED = ("Sorry, I couldn't match those details to an order. There have now been too "
              "many attempts that didn't match, so for a while I can't check any more "
              "details, even correct ones. Please try again later, or ask to talk to a "
              "person.")


@pytest.fixture(autouse=True)
def limits(settings: Any) -> Any:
    settings.VERIFY_FAILURE_WINDOW_MINUTES = 1440
    settings.VERIFY_FAILURES_PER_ORDER = 5
    settings.VERIFY_FAILURES_PER_CONTACT = 5
    settings.VERIFY_FAILURES_PER_CLIENT = 10
    return settings


@pytest.fixture
def now() -> Any:
    moment = timezone.now()
    shop.build(moment)
    return moment


def say(sender: str, text: str, *, client: str = "", channel: str = "web") -> str:
    """One shopper message through the real inbound path; the bot's replies, joined."""
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel=channel, sender_id=sender, text=text, external_id=f"{sender}:{n}",
        payload={"client": client} if client else {}))
    with captured():
        replies = services.message_process(message.pk)
    return "\n".join(m.text for m in replies)


def verified(sender: str, channel: str = "web") -> bool:
    identity = ChannelIdentity.objects.get(channel=channel, external_id=sender)
    conversation = Conversation.objects.get(customer=identity.customer, status="open")
    return conversation.is_verified


def test_guessing_order_numbers_for_a_known_email_in_one_session_is_refused_even_when_right(
        now):
    with clock.frozen_at(now):
        replies = [say("session-attacker-0001", f"where is order {n}, email maya@example.com",
                       client="ip:203.0.113.7") for n in range(1001, 1006)]
        right = say("session-attacker-0001", "where is order 1042, email maya@example.com",
                    client="ip:203.0.113.7")

    assert replies[:4] == [NO_MATCH, NO_MATCH, STILL_WRONG, STILL_WRONG]
    assert replies[4] == NOW_LOCKED
    assert right == LOCKED
    assert not verified("session-attacker-0001")


def test_guessing_from_many_sessions_and_addresses_is_refused_even_when_right(now):
    with clock.frozen_at(now):
        for i, n in enumerate(range(1001, 1006)):
            say(f"session-attacker-{i:04d}", f"where is order {n}, email maya@example.com",
                client=f"ip:198.51.100.{i}")
        right = say("session-attacker-fresh", "where is order 1042, email maya@example.com",
                    client="ip:192.0.2.200")
        on_whatsapp = say("+15550001111", "where is order 1042, email maya@example.com",
                          channel="whatsapp")

    assert right == LOCKED
    assert on_whatsapp == LOCKED
    assert "Birmingham" not in right + on_whatsapp
    assert not verified("session-attacker-fresh")
    assert not verified("+15550001111", channel="whatsapp")


def test_guessing_the_postcode_of_a_known_order_is_refused_even_when_right(now):
    with clock.frozen_at(now):
        for i, postcode in enumerate(["E1 6AN", "E1 7AA", "N1 9GU", "W1A 0AX", "EC1A 1BB"]):
            say(f"session-guess-{i:04d}", f"where is order 1042? postcode {postcode}",
                client=f"ip:198.51.100.{i}")
        right = say("session-guess-fresh", "where is order 1042? postcode SW1A 1AA",
                    client="ip:192.0.2.9")

    assert right == LOCKED


def test_one_client_trying_many_different_details_is_refused_even_for_other_customers(now):
    with clock.frozen_at(now):
        for i in range(10):
            say(f"session-spray-{i:04d}", f"where is order {3000 + i}, email "
                                          f"someone{i}@example.net", client="ip:203.0.113.50")
        toms = say("session-spray-tom", "where is order 2001, email tom@example.org",
                   client="ip:203.0.113.50")
        elsewhere = say("session-tom-home", "where is order 2001, email tom@example.org",
                        client="ip:192.0.2.77")

    assert toms == LOCKED
    assert "held at customs" in elsewhere


def test_the_refusal_reads_the_same_whether_the_order_exists_or_not(now):
    with clock.frozen_at(now):
        for i in range(5):
            say("session-probe-0001", f"where is order {5000 + i}, email maya@example.com",
                client="ip:203.0.113.8")
        real = say("session-probe-0002", "where is order 1042, email maya@example.com",
                   client="ip:192.0.2.1")
        invented = say("session-probe-0003", "where is order 9999, email maya@example.com",
                       client="ip:192.0.2.2")

    assert real == invented == LOCKED


def test_the_right_details_work_again_once_the_window_has_passed(now):
    with clock.frozen_at(now):
        for n in range(1001, 1006):
            say("session-typo-0001", f"where is order {n}, email maya@example.com",
                client="ip:203.0.113.9")
    with clock.frozen_at(now + timedelta(minutes=1441)):
        answer = say("session-typo-0001", "where is order 1042, email maya@example.com",
                     client="ip:203.0.113.9")

    assert "#1042" in answer
    assert "Birmingham, GB" in answer
    assert verified("session-typo-0001")


def test_every_candidate_in_one_message_is_tried_and_each_miss_counts(now):
    with clock.frozen_at(now):
        first = say("session-many-0001", "where is my order? it's order 1001 or order 1002, "
                                         "email maya@example.com", client="ip:203.0.113.10")
        both = say("session-many-0002", "where is order 2001? my email is tom@example.net "
                                        "or tom@example.org", client="ip:203.0.113.11")

    assert first == NO_MATCH
    assert VerificationFailure.objects.filter(kind="contact",
                                              key="email:maya@example.com").count() == 2
    assert sorted(VerificationFailure.objects.filter(kind="order").values_list(
        "key", flat=True)) == ["order:1001", "order:1002", "order:2001"]
    assert "held at customs" in both
    assert verified("session-many-0002")


def test_a_full_name_with_the_postcode_of_their_orders_proves_who_the_shopper_is(now):
    with clock.frozen_at(now):
        asked = say("session-name-0001", "where is my order?", client="ip:203.0.113.12")
        answer = say("session-name-0001", "My name is Maya Patel, postcode SW1A 1AA",
                     client="ip:203.0.113.12")

    assert "order number" in asked
    assert "#1042" in answer
    assert "Birmingham, GB" in answer
    identity = ChannelIdentity.objects.get(external_id="session-name-0001")
    assert (identity.customer.email, identity.verified_via) == ("maya@example.com",
                                                                "name_postcode")


def test_a_name_with_the_wrong_postcode_proves_nothing_and_counts(now):
    with clock.frozen_at(now):
        say("session-name-0002", "where is my order?", client="ip:203.0.113.13")
        answer = say("session-name-0002", "My name is Maya Patel, postcode M1 1AE",
                     client="ip:203.0.113.13")

    assert answer == NO_MATCH
    assert not verified("session-name-0002")
    assert sorted(VerificationFailure.objects.values_list("kind", "key")) == [
        ("client", "ip:203.0.113.13"), ("contact", "name:maya patel"),
        ("contact", "postcode:M11AE")]


def test_guesses_older_than_the_window_are_forgotten(now):
    with clock.frozen_at(now):
        say("session-old-0001", "where is order 1001, email maya@example.com",
            client="ip:203.0.113.14")
    with clock.frozen_at(now + timedelta(minutes=1439)):
        kept = identity_attempts_purge()
    with clock.frozen_at(now + timedelta(minutes=1441)):
        removed = identity_attempts_purge()

    assert (kept, removed) == (0, 3)
    assert not VerificationFailure.objects.exists()


async def _chat(app: Any, session: str, text: str) -> str:
    communicator = WebsocketCommunicator(app, f"/ws/chat/?session={session}",
                                         headers=[(b"host", b"localhost"),
                                                  (b"origin", b"http://localhost")])
    connected, _ = await communicator.connect()
    assert connected
    await communicator.receive_json_from(timeout=10)  # hello
    await communicator.send_json_to({"type": "message", "text": text,
                                     "client_id": uuid.uuid4().hex})
    await communicator.receive_json_from(timeout=30)  # the shopper's own message
    reply = await communicator.receive_json_from(timeout=30)
    await communicator.disconnect()
    return reply["message"]["text"]


@pytest.mark.django_db(transaction=True)
async def test_the_site_chat_counts_guesses_by_the_address_the_browser_connects_from(
        settings):
    settings.VERIFY_FAILURES_PER_CLIENT = 2
    await database_sync_to_async(shop.build)(timezone.now())

    def connecting_from(address: str) -> Any:
        async def app(scope: Any, receive: Any, send: Any) -> Any:
            return await application({**scope, "client": [address, 50123]}, receive, send)
        return app

    attacker = connecting_from("203.0.113.99")
    await _chat(attacker, "sessionAAAAAAAAAAAAAAAA1", "where is order 3001, email a@example.net")
    await _chat(attacker, "sessionAAAAAAAAAAAAAAAA2", "where is order 3002, email b@example.net")
    refused = await _chat(attacker, "sessionAAAAAAAAAAAAAAAA3",
                          "where is order 2001, email tom@example.org")
    tom = await _chat(connecting_from("192.0.2.44"), "sessionTOMTOMTOMTOMTOM01",
                      "where is order 2001, email tom@example.org")

    assert refused == LOCKED
    assert "held at customs" in tom
    keys = await database_sync_to_async(lambda: sorted(set(
        VerificationFailure.objects.filter(kind="client").values_list("key", flat=True))))()
    assert keys == ["ip:203.0.113.99"]


def test_behind_a_proxy_the_visitor_address_is_the_last_one_the_proxy_wrote(settings):
    scope = {"client": ["10.0.0.2", 41000],
             "headers": [(b"host", b"shop.example"),
                         (b"x-forwarded-for", b"6.6.6.6, 203.0.113.5")]}

    settings.CLIENT_IP_HEADER = ""
    direct = client_address(scope)
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    proxied = client_address(scope)

    assert (direct, proxied) == ("10.0.0.2", "203.0.113.5")


# --- A stranger's guesses never lock the real owner out ----------------------------------

LOCKED_WITH_CODES = (
    "I can't check those details right now: there have been too many attempts with details "
    "that didn't match. If it's your order, send me just the email address or phone number "
    "on your account: a one-time code to the contact on file is not affected by this limit. "
    "Or try again later, or ask to talk to a person.")


def test_after_a_stranger_locks_an_order_and_email_the_owner_gets_in_with_a_code(
        now, settings):
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    with clock.frozen_at(now):
        for i, n in enumerate(range(1001, 1006)):
            say(f"session-stranger-{i:04d}", f"where is order {n}, email maya@example.com",
                client=f"ip:198.51.100.{i}")
        refused = say("session-maya-home", "where is order 1042, email maya@example.com",
                      client="ip:192.0.2.10")
        offered = say("session-maya-home", "maya@example.com", client="ip:192.0.2.10")
        [code_message] = Message.objects.filter(direction="out",
                                                payload__purpose="one_time_code")
        code = re.search(r"\b(\d{6})\b", code_message.text)[1]
        answered = say("session-maya-home", code, client="ip:192.0.2.10")

    assert refused == LOCKED_WITH_CODES
    assert offered.startswith("Thanks. If that's the contact on your account, I've just sent")
    # The code went to the address on file, in a conversation of the owner's own.
    assert code_message.payload["to"] == "maya@example.com"
    assert code_message.conversation.customer.email == "maya@example.com"
    assert verified("session-maya-home")
    assert "Birmingham" in answered
    # The guesses still count: knowledge checks on that order stay refused for others.
    assert say("session-stranger-late", "where is order 1042, email maya@example.com",
               client="ip:198.51.100.99") == LOCKED_WITH_CODES


def test_a_stranger_who_locked_an_order_cannot_read_the_owners_code(now, settings):
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    with clock.frozen_at(now):
        for n in range(1001, 1006):
            say("session-stranger-0001", f"where is order {n}, email maya@example.com",
                client="ip:198.51.100.1")
        say("session-stranger-0001", "maya@example.com", client="ip:198.51.100.1")
        guesses = [say("session-stranger-0001", code, client="ip:198.51.100.1")
                   for code in ("123456", "654321")]

    assert all("didn't work" in g for g in guesses)
    assert not verified("session-stranger-0001")


def test_without_a_channel_for_codes_the_lockout_offers_no_code(now, settings):
    settings.EMAIL_ENABLED = False
    settings.WHATSAPP_ENABLED = False
    with clock.frozen_at(now):
        for i, n in enumerate(range(1001, 1006)):
            say(f"session-stranger-{i:04d}", f"where is order {n}, email maya@example.com",
                client=f"ip:198.51.100.{i}")
        refused = say("session-maya-home", "where is order 1042, email maya@example.com",
                      client="ip:192.0.2.10")

    assert refused == LOCKED
