"""What a warm bot turn costs the database: the statements of answering a known shopper's
WISMO question, pinned, so a change that adds a round trip to every turn is seen here
(the benchmark, `manage.py bench --only turn`, times the same turn)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from channels_adapters.registry import captured
from conversations import services
from conversations.models import Message
from core import clock
from tests import shop

pytestmark = pytest.mark.django_db

MAYA = "+447700900123"  # verified on WhatsApp by her phone; order 1042 is on its way


def _turn(text: str) -> tuple[str, list[str]]:
    """One message from Maya answered; the reply and the statements it took."""
    n = Message.objects.count()
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=MAYA, text=text, external_id=f"wamid.queries-{n}"))
    with CaptureQueriesContext(connection) as queries:
        sent = services.message_process(message.pk)
    return "\n".join(m.text for m in sent), [q["sql"] for q in queries.captured_queries]


def _tables(statements: list[str]) -> list[str]:
    """Each statement as its verb and first table, in order."""
    said = []
    for sql in statements:
        words = sql.replace('"', " ").split()
        verb = words[0]
        table = next((w for w in words[1:] if "_" in w and not w[0].isdigit()), "")
        said.append(f"{verb} {table}" if verb in {"SELECT", "INSERT", "UPDATE"} else verb)
    return said


@pytest.fixture
def maya_has_asked_before() -> None:
    now = timezone.now().replace(microsecond=0)
    shop.build(now)
    with clock.frozen_at(now), captured():
        # Her first message makes her conversation and notes her channel and language.
        _turn("hello, I have a question about my order")


def test_a_warm_wismo_turn_naming_the_order_makes_these_statements(maya_has_asked_before):
    with captured():
        answer, statements = _turn("where is my order 1042?")

    assert "Birmingham" in answer
    assert _tables(statements) == [
        "SAVEPOINT",
        "SELECT conversations_conversation",  # locked, with its customer
        "SELECT conversations_message",  # the backlog, its sender and recent messages
        "SELECT commerce_order",  # the order, with its customer
        "SELECT commerce_orderitem",
        "SELECT commerce_shipment",
        "SELECT commerce_trackingevent",
        "SELECT commerce_shoppolicy",
        "SELECT conversations_conversation",  # as the turn left it, with its customer
        "UPDATE conversations_conversation",  # the bot's memory
        "SELECT replies_replytext",  # the shop's wording, once for the message
        "INSERT conversations_message",  # the reply, queued
        "UPDATE conversations_conversation",
        "UPDATE conversations_message",  # the message, answered
        "RELEASE",
    ]


def test_a_warm_wismo_turn_naming_no_order_reads_the_one_it_picks_once(
        maya_has_asked_before):
    with captured():
        answer, statements = _turn("where is my order?")

    assert "Birmingham" in answer
    reads = _tables(statements)
    # Her recent orders with their items, then only the picked one's shipments and scans.
    assert reads.count("SELECT commerce_order") == 1
    assert reads.count("SELECT commerce_orderitem") == 1
    assert reads.count("SELECT commerce_shipment") == 1
    assert len(statements) == 15


def test_a_warm_spanish_wismo_turn_reads_the_shops_wording_once(maya_has_asked_before):
    with captured():
        answer, statements = _turn("¿dónde está mi pedido 1042?")

    assert "Birmingham" in answer
    reads = _tables(statements)
    assert reads.count("SELECT replies_replytext") == 1
    assert reads.count("SELECT core_customer") == 0
