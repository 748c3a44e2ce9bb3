"""A proof of what a shopper knows lasts one conversation; a session sees only its own
messages; changes that matter are told to the owner; offers and handoffs give nothing
away and cannot be flooded."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from channels_adapters.registry import captured
from commerce.models import Order, ShopPolicy
from conversations import selectors, services
from conversations.models import Conversation, Handoff, Message
from core import clock
from core.models import ChannelIdentity
from devtools.scenarios import build_store
from tests import shop

pytestmark = pytest.mark.django_db

SESSION = "session-maya-laptop-01"
STORE: dict[str, Any] = copy.deepcopy(shop.STORE)
STORE["orders"].append(
    {"number": "1050", "customer": "maya", "placed": "-1d", "status": "processing",
     "items": [{"sku": "TEE-BLK-L", "qty": 1}],
     "shipping_address": {"line1": "1 Example Road", "city": "London",
                          "postcode": "SW1A 1AA"}})


@pytest.fixture
def now() -> Any:
    moment = timezone.now()
    build_store({"store": STORE}, moment)
    return moment


@pytest.fixture
def email_on(settings: Any) -> Any:
    settings.EMAIL_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    settings.SHOP_NAME = "Northwind Outfitters"
    return settings


def say(sender: str, text: str, *, channel: str = "web", client: str = "") -> str:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel=channel, sender_id=sender, text=text, external_id=f"{sender}:{n}",
        payload={"client": client} if client else {}))
    with captured():
        replies = services.message_process(message.pk)
    return "\n".join(m.text for m in replies)


def outbox(purpose: str) -> list[Message]:
    return list(Message.objects.filter(direction="out", payload__purpose=purpose)
                .order_by("pk"))


# --- Verification lasts one conversation -------------------------------------------------

def test_a_site_chat_verified_by_order_details_must_prove_it_again_in_its_next_conversation(
        now):
    with clock.frozen_at(now):
        assert "#1042" in say(SESSION, "where is order 1042? email maya@example.com")
        Conversation.objects.filter(status="open").update(status="resolved")
        again = say(SESSION, "where is my order?")

    assert "order number" in again
    assert "Birmingham" not in again
    identity = ChannelIdentity.objects.get(external_id=SESSION)
    assert identity.customer.is_guest
    assert not Conversation.objects.get(customer=identity.customer, status="open").is_verified


def test_a_proof_of_order_details_runs_out_after_the_configured_time(now, settings):
    settings.VERIFICATION_TTL_MINUTES = 60
    with clock.frozen_at(now):
        say(SESSION, "where is order 1042? email maya@example.com")
    with clock.frozen_at(now + timedelta(minutes=59)):
        still = say(SESSION, "and where is order 1043?")
    with clock.frozen_at(now + timedelta(minutes=61)):
        later = say(SESSION, "where is order 1042 now?")

    assert "was delivered on" in still
    assert "order number" in later or "email" in later
    assert "Birmingham" not in later
    maya_conversation = Conversation.objects.get(customer__email="maya@example.com",
                                                 status="open")
    assert "where is order 1042 now?" not in maya_conversation.messages.values_list(
        "text", flat=True)


def test_reconnecting_a_site_chat_shows_only_that_sessions_own_messages(now):
    with clock.frozen_at(now):
        say(SESSION, "where is order 1042? email maya@example.com")
        say("+447700900123", "The PIN for the parcel locker is 4821", channel="whatsapp")

    shown = [m.text for m in selectors.message_list_for_identity("web", SESSION)]

    assert shown[0] == "where is order 1042? email maya@example.com"
    assert len(shown) == 2
    assert not any("4821" in text for text in shown)
    # The customer's one history still holds both, for the agents.
    conversation = Conversation.objects.get(customer__email="maya@example.com", status="open")
    assert {"web", "whatsapp"} <= set(conversation.messages.values_list("channel", flat=True))


def test_another_device_never_receives_the_history_of_the_customers_other_channels(now):
    with clock.frozen_at(now):
        say("+447700900123", "The PIN for the parcel locker is 4821", channel="whatsapp")
        say(SESSION, "where is order 1042? email maya@example.com")
        say("session-maya-phone-02", "hello, order 1043 postcode SW1A 1AA")

    phone = [m.text for m in selectors.message_list_for_identity("web", "session-maya-phone-02")]
    laptop = [m.text for m in selectors.message_list_for_identity("web", SESSION)]

    assert phone[0] == "hello, order 1043 postcode SW1A 1AA"
    assert not any("4821" in t or "1042" in t for t in phone)
    assert not any("4821" in t or "1043" in t for t in laptop)


def test_once_the_proof_runs_out_the_session_shows_nothing_of_the_customers_history(
        now, settings):
    settings.VERIFICATION_TTL_MINUTES = 60
    with clock.frozen_at(now):
        say(SESSION, "where is order 1042? email maya@example.com")
    with clock.frozen_at(now + timedelta(minutes=61)):
        shown = selectors.message_list_for_identity("web", SESSION)

    assert shown == []


# --- Writes that matter are visible to the owner -----------------------------------------

def test_a_cancellation_after_order_details_is_told_to_the_email_on_file(now, email_on):
    with clock.frozen_at(now):
        say("session-stranger-01", "please cancel order 1050, postcode SW1A 1AA")
        done = say("session-stranger-01", "yes")

    assert "cancelled" in done
    [notice] = outbox("owner_notice")
    assert (notice.channel, notice.payload["to"], notice.sender) == (
        "email", "maya@example.com", "system")
    assert notice.payload["subject"] == "Order #1050 cancelled"
    assert notice.text == (
        "Your Northwind Outfitters order #1050 was cancelled in a chat with us just now.\n\n"
        "If this wasn't you, reply to this message and we'll look into it straight away.")
    assert notice.delivery == Message.Delivery.PENDING  # in the outbox, sent after commit
    # Not in the session that asked.
    assert notice.pk not in [m.pk for m in selectors.message_list_for_identity(
        "web", "session-stranger-01")]


def test_an_address_change_after_order_details_is_told_to_the_email_on_file(now, email_on):
    with clock.frozen_at(now):
        say("session-stranger-02", "order 1050, maya@example.com - please change the delivery "
                                   "address to 7 Station Road, Cambridge, CB1 2JW")
        done = say("session-stranger-02", "yes")

    assert "CB1 2JW" in done
    [notice] = outbox("owner_notice")
    assert notice.payload["to"] == "maya@example.com"
    assert notice.text.startswith(
        "The delivery address of your Northwind Outfitters order #1050 was changed to "
        "7 Station Road, Cambridge, CB1 2JW in a chat with us just now.")
    assert "If this wasn't you, reply" in notice.text


def test_a_change_by_a_number_the_platform_vouches_for_needs_no_notice(now, email_on):
    with clock.frozen_at(now):
        say("+447700900123", "please cancel order 1050", channel="whatsapp")
        done = say("+447700900123", "yes", channel="whatsapp")

    assert "cancelled" in done
    assert outbox("owner_notice") == []


def test_the_shop_can_require_a_code_before_an_address_change(now, email_on):
    ShopPolicy.objects.update(address_change_requires_code=True)
    with clock.frozen_at(now):
        asked = say("session-stranger-03", "order 1050, postcode SW1A 1AA - please change the "
                                           "delivery address")
        code_message = outbox("one_time_code")
        address_first = say("session-stranger-03", "7 Station Road, Cambridge, CB1 2JW")
        wrong = say("session-stranger-03", "000000" if "000000" not in code_message[0].text
                    else "111111")
        unchanged = Order.objects.get(number="1050").ship_postcode
        code = re.search(r"\b(\d{6})\b", code_message[0].text)[1]
        accepted = say("session-stranger-03", code)
        summary = say("session-stranger-03", "7 Station Road, Cambridge, CB1 2JW")
        done = say("session-stranger-03", "yes")

    assert asked == (
        "For your security, changing a delivery address needs one more check: I've sent a "
        "6-digit code to the email address or phone number on your account. Please send it "
        "here within 10 minutes.")
    assert [(m.channel, m.payload["to"]) for m in code_message] == [
        ("email", "maya@example.com")]
    assert "asked to change a delivery address in a" in code_message[0].text
    assert address_first == (
        "To change the delivery address I first need the 6-digit code I sent to the email "
        "address or phone number on your account. Please send it here.")
    assert wrong == ("That code didn't work. Check the latest message we sent you and send "
                     "the 6-digit code here.")
    assert unchanged == "SW1A 1AA"
    assert "new address" in accepted
    assert "CB1 2JW" in summary
    assert "CB1 2JW" in done
    assert Order.objects.get(number="1050").ship_postcode == "CB1 2JW"
    # Proven by a code sent to the contact on file: the owner already heard from us.
    assert outbox("owner_notice") == []


def test_two_wrong_codes_leave_the_address_as_it_is(now, email_on):
    ShopPolicy.objects.update(address_change_requires_code=True)
    with clock.frozen_at(now):
        say("session-stranger-04", "order 1050, postcode SW1A 1AA - please change the "
                                   "delivery address")
        code = re.search(r"\b(\d{6})\b", outbox("one_time_code")[0].text)[1]
        wrong = [c for c in ("000000", "111111", "222222") if c != code][:2]
        say("session-stranger-04", wrong[0])
        gave_up = say("session-stranger-04", wrong[1])
        late = say("session-stranger-04", code)

    assert gave_up == ("That code didn't work, so I've left the address as it is. Ask me "
                       "again to change it and I'll send a new code.")
    assert "new address" not in late
    assert Order.objects.get(number="1050").ship_postcode == "SW1A 1AA"


# --- Offers and handoffs give nothing away and cannot be flooded -------------------------

@pytest.mark.parametrize("contact", ["maya@example.com", "+447700900123"])
def test_the_code_offer_reads_the_same_for_a_customers_contact_and_an_unknown_one(
        now, email_on, contact):
    email_on.WHATSAPP_ENABLED = True
    unknown = "nobody@example.net" if "@" in contact else "+447700900999"
    with clock.frozen_at(now):
        say("session-offer-0001", "where is my order?")
        known_offer = say("session-offer-0001", f"I don't have the order number, it's {contact}")
        say("session-offer-0002", "where is my order?")
        unknown_offer = say("session-offer-0002",
                            f"I don't have the order number, it's {unknown}")

    assert known_offer == unknown_offer == (
        "Thanks. If that's the contact on your account, I've just sent a 6-digit code to it "
        "— send it here within 10 minutes. Or send your order number and the email or "
        "postcode on it instead.")
    assert len(outbox("one_time_code")) == 1


def test_anonymous_requests_for_a_person_are_rationed_per_client(now, settings):
    settings.ANONYMOUS_HANDOFFS_PER_CLIENT = 3
    settings.ANONYMOUS_HANDOFF_WINDOW_MINUTES = 60
    with clock.frozen_at(now):
        granted = [say(f"session-flood-{i:04d}", "I want to talk to a human",
                       client="ip:203.0.113.66") for i in range(3)]
        refused = say("session-flood-0003", "I want to talk to a human",
                      client="ip:203.0.113.66")
        other_client = say("session-flood-0004", "I want to talk to a human",
                           client="ip:192.0.2.66")
        say(SESSION, "where is order 1042? email maya@example.com", client="ip:203.0.113.66")
        verified = say(SESSION, "I want to talk to a human", client="ip:203.0.113.66")

    assert all("passed this conversation to a colleague" in g for g in granted)
    assert refused == services.handoff_refused_text("en")
    assert "colleague" in other_client
    assert "colleague" in verified
    assert Handoff.objects.count() == 5
    flooder = ChannelIdentity.objects.get(external_id="session-flood-0003")
    assert Conversation.objects.get(customer=flooder.customer).mode == "bot"


def test_anonymous_handoffs_are_allowed_again_after_the_window(now, settings):
    settings.ANONYMOUS_HANDOFFS_PER_CLIENT = 1
    settings.ANONYMOUS_HANDOFF_WINDOW_MINUTES = 60
    with clock.frozen_at(now):
        say("session-later-0001", "I want to talk to a human", client="ip:203.0.113.70")
        refused = say("session-later-0002", "I want to talk to a human",
                      client="ip:203.0.113.70")
    with clock.frozen_at(now + timedelta(minutes=61)):
        later = say("session-later-0003", "I want to talk to a human", client="ip:203.0.113.70")

    assert refused == services.handoff_refused_text("en")
    assert "colleague" in later
    assert Handoff.objects.count() == 2
