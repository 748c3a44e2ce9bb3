"""Linking a new channel identity to a customer only with proof: a one-time code sent to a
contact already on file, or the platform-vouched sender matching that contact. Never a
name, never an address the shopper merely typed."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conversations import services
from conversations.identity_links import LinkAttempt, identity_link_confirm, identity_link_start
from conversations.models import Conversation, Message
from core import clock
from core.models import ChannelIdentity, Customer, IdentityLinkCode

pytestmark = pytest.mark.django_db

SESSION = "websession0123456789abcdef"


@pytest.fixture(autouse=True)
def channels_on(settings: Any) -> Any:
    settings.EMAIL_ENABLED = True
    settings.WHATSAPP_ENABLED = True
    settings.SUPPORT_EMAIL = "support@shop.example"
    settings.SHOP_NAME = "Northwind Outfitters"
    return settings


@pytest.fixture
def maya() -> Customer:
    return Customer.objects.create(name="Maya Patel", email="maya@example.com",
                                   phone="+447700900123")


@pytest.fixture
def guest() -> ChannelIdentity:
    """A shopper in the site chat who has not proven who they are."""
    services.message_receive(services.Inbound(channel="web", sender_id=SESSION,
                                              text="I'm Maya, where is my order?",
                                              external_id=f"{SESSION}:1"))
    return ChannelIdentity.objects.select_related("customer").get(external_id=SESSION)


def code_outbox() -> list[Message]:
    return list(Message.objects.filter(direction=Message.Direction.OUTBOUND,
                                       payload__purpose="one_time_code").order_by("pk"))


def code_in(message: Message) -> str:
    return re.search(r"\b(\d{6})\b", message.text)[1]


def test_a_code_goes_only_to_the_email_on_file(maya, guest):
    now = timezone.now()
    with clock.frozen_at(now):
        attempt = identity_link_start(guest, "  MAYA@Example.com ")

    assert attempt == LinkAttempt(sent=True, reason="sent", channel="email",
                                  expires_at=now + timedelta(minutes=10))
    [outbox] = code_outbox()
    assert outbox.channel == "email"
    assert outbox.payload["to"] == "maya@example.com"
    assert outbox.payload["subject"] == "Your Northwind Outfitters code"
    assert outbox.delivery == "pending"
    assert outbox.sender == "system"
    # In a closed conversation of Maya's own, never in the asking shopper's history.
    assert outbox.conversation.customer == maya
    assert outbox.conversation.status == "resolved"
    assert list(Message.objects.filter(conversation__customer=guest.customer)
                .values_list("text", flat=True)) == ["I'm Maya, where is my order?"]
    link = IdentityLinkCode.objects.get()
    assert (link.identity, link.customer, link.channel, link.contact, link.attempts) == (
        guest, maya, "email", "maya@example.com", 0)
    assert link.expires_at == now + timedelta(minutes=10)
    assert code_in(outbox) not in link.code_hash


def test_a_phone_on_file_gets_its_code_on_whatsapp(maya, guest):
    attempt = identity_link_start(guest, "+44 7700 900123")

    assert (attempt.sent, attempt.channel) == (True, "whatsapp")
    [outbox] = code_outbox()
    assert (outbox.channel, outbox.payload["to"]) == ("whatsapp", "+447700900123")
    assert outbox.payload["template"] == {"purpose": "one_time_code",
                                          "params": [code_in(outbox)], "language": "en"}


@pytest.mark.parametrize("claimed", ["maya.patel@other.example", "Maya Patel",
                                     "+44 7700 900999", ""])
def test_a_contact_not_on_file_gets_nothing_and_links_nothing(maya, guest, claimed):
    attempt = identity_link_start(guest, claimed)

    assert attempt == LinkAttempt(sent=False, reason="not_on_file")
    assert code_outbox() == []
    assert IdentityLinkCode.objects.count() == 0
    guest.refresh_from_db()
    assert guest.customer != maya
    assert guest.verified_at is None


def test_a_phone_shared_by_two_customers_proves_nothing(maya, guest):
    Customer.objects.create(name="Raj Patel", email="raj@example.com", phone="+447700900123")

    assert identity_link_start(guest, "+447700900123").reason == "not_on_file"
    assert code_outbox() == []


def test_the_right_code_links_the_identity_and_merges_the_history(maya, guest):
    services.message_receive(services.Inbound(
        channel="email", sender_id="maya@example.com", text="Earlier: is 1042 shipped?",
        external_id="<earlier@mail.example.com>"))
    her_old = Conversation.objects.get(customer=maya, status="open")
    guest_customer_id = guest.customer_id
    guest_conversation = Conversation.objects.get(customer_id=guest_customer_id)
    identity_link_start(guest, "maya@example.com")
    now = timezone.now()

    with clock.frozen_at(now):
        linked = identity_link_confirm(guest, code_in(code_outbox()[0]))

    assert linked == maya
    guest.refresh_from_db()
    assert guest.customer == maya
    assert guest.verified_via == "one_time_code"
    assert guest.verified_at == now
    guest_conversation.refresh_from_db()
    assert guest_conversation.customer == maya
    assert guest_conversation.verified_via == "one_time_code"
    assert list(guest_conversation.messages.order_by("created_at", "pk")
                .values_list("text", flat=True)) == ["I'm Maya, where is my order?",
                                                     "Earlier: is 1042 shipped?"]
    assert not Conversation.objects.filter(pk=her_old.pk).exists()
    assert not Customer.objects.filter(pk=guest_customer_id).exists()
    assert IdentityLinkCode.objects.get().used_at == now


def test_a_used_code_does_not_work_twice(maya, guest):
    identity_link_start(guest, "maya@example.com")
    code = code_in(code_outbox()[0])
    identity_link_confirm(guest, code)
    guest.refresh_from_db()

    assert identity_link_confirm(guest, code) is None


def test_five_wrong_codes_lock_it_even_for_the_right_one(maya, guest):
    identity_link_start(guest, "maya@example.com")
    code = code_in(code_outbox()[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    results = [identity_link_confirm(guest, wrong) for _ in range(5)]

    assert results == [None] * 5
    assert IdentityLinkCode.objects.get().attempts == 5
    assert identity_link_confirm(guest, code) is None
    guest.refresh_from_db()
    assert guest.customer.is_guest
    assert guest.verified_at is None


def test_an_expired_code_is_refused(maya, guest):
    start = timezone.now()
    with clock.frozen_at(start):
        identity_link_start(guest, "maya@example.com")
    code = code_in(code_outbox()[0])

    with clock.frozen_at(start + timedelta(minutes=10, seconds=1)):
        assert identity_link_confirm(guest, code) is None
    guest.refresh_from_db()
    assert guest.customer.is_guest


def test_only_the_newest_code_counts(maya, guest):
    identity_link_start(guest, "maya@example.com")
    identity_link_start(guest, "maya@example.com")
    first, second = (code_in(m) for m in code_outbox())
    earlier, newest = IdentityLinkCode.objects.order_by("pk")

    assert earlier.expires_at <= newest.created_at
    if first != second:
        assert identity_link_confirm(guest, first) is None
    assert identity_link_confirm(guest, second) == maya


def test_codes_are_rationed_per_hour(maya, guest):
    attempts = [identity_link_start(guest, "maya@example.com").reason for _ in range(4)]

    assert attempts == ["sent", "sent", "sent", "too_many"]
    assert len(code_outbox()) == 3


def test_an_identity_of_a_real_customer_is_not_relinked(maya):
    tom = Customer.objects.create(name="Tom Baker", email="tom@example.org")
    toms = ChannelIdentity.objects.create(customer=tom, channel="web", external_id=SESSION)

    assert identity_link_start(toms, "maya@example.com") == LinkAttempt(
        sent=False, reason="already_linked")
    assert code_outbox() == []


def test_an_email_from_the_address_on_file_verifies_automatically(maya):
    message = services.message_receive(services.Inbound(
        channel="email", sender_id="maya@example.com", text="Where is 1042?",
        display_name="Maya", external_id="<m1@mail.example.com>"))

    identity = ChannelIdentity.objects.get(channel="email", external_id="maya@example.com")
    assert identity.customer == maya
    assert identity.verified_via == "contact_match"
    assert identity.verified_at is not None
    assert message.conversation.customer == maya
    assert message.conversation.verified_via == "contact_match"


def test_a_whatsapp_number_on_file_verifies_automatically(maya):
    services.message_receive(services.Inbound(
        channel="whatsapp", sender_id="+447700900123", text="hi", external_id="wamid.1"))

    identity = ChannelIdentity.objects.get(channel="whatsapp")
    assert (identity.customer, identity.verified_via) == (maya, "contact_match")


def test_the_same_name_from_another_address_links_nothing(maya):
    message = services.message_receive(services.Inbound(
        channel="email", sender_id="maya.patel@other.example", display_name="Maya Patel",
        text="It's Maya, my order 1042 please", external_id="<m2@other.example>"))

    identity = ChannelIdentity.objects.get(external_id="maya.patel@other.example")
    assert identity.customer != maya
    assert identity.customer.is_guest
    assert identity.verified_at is None
    assert message.conversation.customer != maya
    assert not message.conversation.is_verified
