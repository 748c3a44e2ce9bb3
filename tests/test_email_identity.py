"""On email, the answer rests on the sender's own proof: an address is proof only when the
mail is authenticated for it, and a reply in someone else's thread proves nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from channels_adapters.registry import captured
from commerce.models import Order
from conversations import services
from conversations.models import Conversation, Message
from core import clock
from tests import shop

pytestmark = pytest.mark.django_db


def mail(sender: str, text: str, *, authenticated: bool = True,
         thread: int | None = None) -> list[Message]:
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="email", sender_id=sender, text=text, external_id=f"<mail-{n}@test>",
        conversation_hint=thread, sender_authenticated=authenticated))
    return services.message_process(message.pk)


def test_a_spoofed_customer_address_cannot_change_her_delivery_address():
    now = timezone.now()
    shop.build(now)
    with clock.frozen_at(now), captured():
        asked = mail("maya@example.com", "Please change the delivery address on order 1042 "
                     "to 2 Attacker Road, London E1 6AN", authenticated=False)
        then = mail("maya@example.com", "yes", authenticated=False)

    # The new address's postcode is taken as proof offered, and it isn't the order's.
    assert [m.text for m in asked] == [
        "Sorry, I couldn't match those details to an order. Please check the order number "
        "and use the email address or postcode given at checkout."]
    assert "Attacker" not in " ".join(m.text for m in then)
    assert Order.objects.get(number="1042").ship_line1 == "1 Example Road"


def test_a_reply_in_a_verified_customers_thread_is_answered_as_the_sender_who_wrote_it():
    now = timezone.now()
    shop.build(now)
    with clock.frozen_at(now), captured():
        hers = mail("maya@example.com", "Where is order 1042?")
        thread = Conversation.objects.get(customer__email="maya@example.com")
        assert "1042" in hers[0].text
        answer = mail("attacker@evil.example", "Where is my order?", thread=thread.pk)

    assert [(m.payload["to"], m.text) for m in answer] == [(
        "attacker@evil.example",
        "I can help with that. First I need to check it's your order: please send the order "
        "number and the email address or postcode used at checkout.")]
    assert answer[0].conversation_id == thread.pk


def test_proving_another_order_inside_a_customers_thread_moves_nothing():
    now = timezone.now()
    shop.build(now)
    with clock.frozen_at(now), captured():
        mail("maya@example.com", "Where is order 1042?")
        thread = Conversation.objects.get(customer__email="maya@example.com")
        answer = mail("tom@example.org", "order 2001, postcode M1 1AE", thread=thread.pk)

    assert [m.text for m in answer] == [
        "This conversation belongs to another customer, so I can't discuss that order here. "
        "Please write to us in a new message about your own order."]
    thread.refresh_from_db()
    assert thread.customer.email == "maya@example.com"
    assert sorted(thread.customer.identities.values_list("external_id", flat=True)) == [
        "maya@example.com"]


def test_proving_an_order_inside_a_strangers_thread_takes_over_neither_thread_nor_stranger():
    now = timezone.now()
    shop.build(now)
    with clock.frozen_at(now), captured():
        mail("new.shopper@example.net", "Where is my order?")
        thread = Conversation.objects.get(messages__payload__from="new.shopper@example.net")
        answer = mail("tom@example.org", "order 2001, postcode M1 1AE", thread=thread.pk)

    assert [m.text for m in answer] == [
        "This conversation belongs to another customer, so I can't discuss that order here. "
        "Please write to us in a new message about your own order."]
    thread.refresh_from_db()
    assert thread.customer.is_guest
    assert thread.customer.identities.get().external_id == "new.shopper@example.net"
