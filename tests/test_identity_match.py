"""Which channel identities prove who a shopper is, on first contact."""

from __future__ import annotations

import pytest

from conversations import services
from conversations.services import phone_digits
from core.models import Customer


@pytest.mark.parametrize(("written", "digits"), [
    ("+447700900123", "447700900123"),
    ("+44 7700 900123", "447700900123"),
    ("07700 900123", "447700900123"),
    ("0044 7700 900123", "447700900123"),
    ("+49 30 1234567", "49301234567"),
])
def test_phone_numbers_written_differently_are_the_same_number(written, digits):
    assert phone_digits(written) == digits


@pytest.mark.django_db
def test_a_whatsapp_number_written_nationally_on_file_verifies_the_customer():
    maya = Customer.objects.create(name="Maya", email="maya@example.com", phone="07700 900123")
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id="+447700900123", text="hi", external_id="wamid.1"))
    assert message.conversation.customer == maya
    assert message.conversation.is_verified


@pytest.mark.django_db
def test_a_number_shared_by_two_customers_proves_nothing():
    Customer.objects.create(name="A", email="a@example.com", phone="+447700900123")
    Customer.objects.create(name="B", email="b@example.com", phone="+447700900123")
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id="+447700900123", text="hi", external_id="wamid.2"))
    assert message.conversation.customer.is_guest
    assert not message.conversation.is_verified


@pytest.mark.django_db
def test_a_web_visitor_is_a_guest_until_proven():
    Customer.objects.create(name="Maya", email="maya@example.com", phone="+447700900123")
    message = services.message_receive(services.Inbound(
        channel="web", sender_id="maya@example.com", text="hi", external_id="w1"))
    assert message.conversation.customer.is_guest
    assert not message.conversation.is_verified
