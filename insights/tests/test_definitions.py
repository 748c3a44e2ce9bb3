"""Every figure's definition, checked on small histories built by hand.

The shop's clock is frozen on Wednesday 2 December 2026, 12:00 London time (= UTC in
winter); support hours are the default, Monday to Friday 9:00–17:00, SLA 60 minutes.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, override_settings

from commerce.models import (
    Order,
    OrderItem,
    Product,
    Return,
    ReturnItem,
    Shipment,
    TrackingEvent,
    Variant,
)
from commerce.policy import policy_get
from conversations.inbox.roles import AGENTS, MARKETERS, roles_ensure
from conversations.models import (
    ActionRecord,
    Conversation,
    Handoff,
    Message,
    PolicyDecision,
    SatisfactionRating,
)
from core import clock
from core.models import Customer
from insights import selectors
from insights.models import ContactCount, ConversationCount, ConversationFact, StaleDay
from insights.selectors import Filters
from insights.services import day_counts_refresh

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
RANGE = {"from": "2026-11-01", "to": "2026-12-02"}


@pytest.fixture(autouse=True)
def frozen():
    with clock.frozen_at(NOW):
        yield


def customer(name: str) -> Customer:
    return Customer.objects.create(name=name, email=f"{name.lower()}@example.com")


def conversation(who: Customer, channel: str, start: datetime, turns: list[tuple],
                 *, closed: tuple[datetime, str] | None = None,
                 handoff: dict[str, Any] | None = None, state: dict | None = None,
                 agent: User | None = None) -> Conversation:
    """turns: (minutes after start, "in" | "bot" | "agent", intent, order number)."""
    conv = Conversation.objects.create(
        customer=who, channel=channel, created_at=start, updated_at=start,
        status="resolved" if closed else "open", state=state or {},
        resolved_at=closed[0] if closed else None, close_reason=closed[1] if closed else "")
    for minutes, kind, intent, order in turns:
        inbound = kind == "in"
        Message.objects.create(
            conversation=conv, channel=channel, direction="in" if inbound else "out",
            sender="customer" if inbound else kind, agent=agent if kind == "agent" else None,
            text="…", intent=intent if inbound else "",
            entities={"order_number": order} if order else {},
            delivery="received" if inbound else "sent",
            created_at=start + timedelta(minutes=minutes))
    if handoff:
        Handoff.objects.create(conversation=conv, created_at=start + timedelta(
            minutes=handoff.get("after", 2)), reason=handoff.get("reason", "customer_request"),
            sla_due_at=handoff.get("due"), breached_at=handoff.get("breached"),
            status=handoff.get("status", "waiting"))
    return conv


def figure(key: str, **params: str) -> selectors.Figure:
    [found] = selectors.figures_list(Filters.parse({**RANGE, **params}), keys=[key])
    return found


def summary_values(**params: str) -> dict[str, Any]:
    return {row[0]: (row[1], row[2]) for row in figure("summary", **params).rows}


def fact(conv: Conversation) -> ConversationFact:
    return ConversationFact.objects.get(conversation=conv)


# --- Involvement, automated resolution, deflection ------------------------------------------


def test_a_bot_close_that_holds_seven_days_is_an_automated_resolution():
    ana = customer("Ana")
    start = NOW - timedelta(days=10)
    held = conversation(ana, "web", start, [(0, "in", "order_status", "1001"),
                                            (1, "bot", "", "")],
                        closed=(start + timedelta(minutes=5), "resolved_by_bot"))

    values = summary_values()

    assert values["Involvement (bot answered)"] == (1, "100.0%")
    assert values["Automated resolution"] == (1, "100.0%")
    assert values["Deflection (not a resolution)"] == (1, "100.0%")
    assert fact(held).reopened_by is None
    assert fact(held).quality == 100


def test_a_new_conversation_on_another_channel_about_the_same_order_reopens_it():
    ben = customer("Ben")
    start = NOW - timedelta(days=12)
    first = conversation(ben, "web", start, [(0, "in", "order_status", "2002"),
                                             (1, "bot", "", "")],
                         closed=(start + timedelta(minutes=5), "resolved_by_bot"))
    # Three days later, on WhatsApp, about the same order but asked differently.
    back = conversation(ben, "whatsapp", start + timedelta(days=3),
                        [(0, "in", "delivery_problem", "2002"), (1, "bot", "", "")])

    values = summary_values()

    assert fact(first).reopened_by == back.pk
    assert values["Automated resolution"] == (0, "0.0%")
    assert values["Closed by the bot, then reopened"] == (1, "50.0%")
    assert fact(first).quality == 70
    outcomes = {row[0]: row[1] for row in figure("outcomes").rows}
    assert outcomes["Closed by the bot, then reopened"] == 1
    assert outcomes["Bot answered, not closed by it, no handoff"] == 1


def test_the_same_intent_reopens_but_an_unrelated_one_or_a_late_return_does_not():
    cleo = customer("Cleo")
    start = NOW - timedelta(days=25)
    by_intent = conversation(cleo, "email", start, [(0, "in", "refund_status", ""),
                                                   (1, "bot", "", "")],
                             closed=(start + timedelta(minutes=3), "shopper_silent"))
    conversation(cleo, "telegram", start + timedelta(days=2),
                 [(0, "in", "greeting", ""), (1, "in", "refund_status", ""),
                  (2, "bot", "", "")])
    dan = customer("Dan")
    unrelated = conversation(dan, "web", start, [(0, "in", "order_status", "3003"),
                                                (1, "bot", "", "")],
                             closed=(start + timedelta(minutes=3), "resolved_by_bot"))
    conversation(dan, "web", start + timedelta(days=1), [(0, "in", "product_question", ""),
                                                          (1, "bot", "", "")],
                 closed=(start + timedelta(days=1, minutes=3), "resolved_by_agent"))
    late = conversation(dan, "web", start + timedelta(days=2),
                        [(0, "in", "cancel_order", "3004"), (1, "bot", "", "")],
                        closed=(start + timedelta(days=2, minutes=3), "resolved_by_bot"))
    conversation(dan, "whatsapp", start + timedelta(days=10),
                 [(0, "in", "cancel_order", "3004"), (1, "bot", "", "")])

    assert selectors.figures_list(Filters.parse(RANGE), keys=["outcomes"])
    assert fact(by_intent).reopened_by is not None
    assert fact(unrelated).reopened_by is None
    assert fact(late).reopened_by is None


def test_a_bot_close_still_inside_its_seven_days_is_counted_apart():
    eve = customer("Eve")
    start = NOW - timedelta(days=2)
    conversation(eve, "web", start, [(0, "in", "order_status", "4004"), (1, "bot", "", "")],
                 closed=(start + timedelta(minutes=5), "resolved_by_bot"))

    values = summary_values()

    assert values["Automated resolution"] == (0, "0.0%")
    assert values["Closed by the bot, 7-day window still open"] == (1, "100.0%")


def test_a_handoff_is_never_an_automated_resolution_nor_deflection():
    fay = customer("Fay")
    start = NOW - timedelta(days=9)
    conversation(fay, "web", start, [(0, "in", "payment_issue", "5005"), (1, "bot", "", ""),
                                     (30, "agent", "", "")],
                 closed=(start + timedelta(hours=1), "resolved_by_bot"),
                 handoff={"after": 1, "reason": "payment_dispute", "status": "resolved"})
    gus = customer("Gus")
    conversation(gus, "web", start, [(0, "in", "other", "")])  # the bot never answered
    # Only a satisfaction score, sent after the conversation closed: nobody's request.
    conversation(customer("Hue"), "web", start, [(0, "in", "", "")],
                 closed=(start + timedelta(minutes=1), "rating"))

    values = summary_values()

    assert values["Conversations"] == (2, "")
    assert values["Involvement (bot answered)"] == (1, "50.0%")
    assert values["Automated resolution"] == (0, "0.0%")
    assert values["Deflection (not a resolution)"] == (0, "0.0%")
    assert values["Handoff rate"] == (1, "100.0%")
    reasons = figure("handoff_reasons").rows
    assert reasons == [["Payment dispute", 1, "100.0%", 0]]


# --- Times -------------------------------------------------------------------------------------


def test_first_response_human_reply_and_resolution_times_on_the_clock_and_in_support_hours():
    hal = customer("Hal")
    # Friday 27 November, 16:50: the bot answers after 30 s, a person after the weekend.
    start = datetime(2026, 11, 27, 16, 50, tzinfo=UTC)
    conversation(hal, "email", start,
                 [(0, "in", "return_request", "6006"), (0.5, "bot", "", ""),
                  (3 * 24 * 60 - 20, "agent", "", "")],
                 closed=(start + timedelta(days=3), "resolved_by_agent"),
                 handoff={"after": 1, "reason": "outside_policy", "status": "resolved"})

    clock_rows = figure("first_response").rows
    human_clock = figure("human_reply").rows
    human_support = figure("human_reply", hours="business").rows
    resolution = figure("resolution_time").rows

    assert clock_rows[0][:4] == ["Email", 1, 0.5, 0.5]
    assert clock_rows[0][4:] == [1, 0, 0, 0, 0, 0, 0, 0]  # 0–1 min
    # Handoff 16:51 Friday → reply 16:30 Monday: 71 h 39 min on the clock, but only
    # 9 min (Fri 16:51–17:00) + 7 h 30 min (Mon 9:00–16:30) = 459 min of support hours.
    assert human_clock[0][:3] == [1, 4299.0, 4299.0]
    assert human_clock[0][3:] == [0, 0, 0, 0, 0, 1, 0]  # 24 h+
    assert human_support[0][:3] == [1, 459.0, 459.0]
    assert human_support[0][3:] == [0, 0, 0, 0, 1, 0, 0]  # 4–24 h
    assert resolution[0][:2] == [1, 4320.0]


def test_first_response_is_split_by_the_channel_the_conversation_started_on():
    ida = customer("Ida")
    jon = customer("Jon")
    start = NOW - timedelta(days=3)
    conversation(ida, "whatsapp", start, [(0, "in", "order_status", ""), (2, "bot", "", "")])
    conversation(jon, "web", start, [(0, "in", "order_status", ""), (45, "bot", "", "")])
    conversation(customer("Kim"), "web", start, [(0, "in", "order_status", "")])

    rows = {row[0]: row for row in figure("first_response").rows}
    whatsapp_only = figure("first_response", channel="whatsapp").rows

    assert rows["WhatsApp"][1:4] == [1, 2.0, 2.0]
    assert rows["WhatsApp"][4:] == [0, 1, 0, 0, 0, 0, 0, 0]
    assert rows["Site chat"][1] == 1
    assert rows["Site chat"][4:] == [0, 0, 0, 1, 0, 0, 0, 1]  # 15–60 min, and no reply
    assert [r[0] for r in whatsapp_only] == ["WhatsApp"]


# --- SLA ---------------------------------------------------------------------------------------


def test_a_handoff_that_breaches_its_sla_is_counted_and_costs_quality():
    lea = customer("Lea")
    start = NOW - timedelta(days=4, hours=2)
    late = conversation(lea, "web", start, [(0, "in", "complaint", ""), (1, "bot", "", ""),
                                            (200, "agent", "", "")],
                        handoff={"after": 1, "reason": "frustration",
                                 "due": start + timedelta(minutes=61),
                                 "breached": start + timedelta(minutes=62)})
    conversation(customer("Max"), "web", start, [(0, "in", "order_status", ""),
                                                  (1, "bot", "", ""), (20, "agent", "", "")],
                 handoff={"after": 1, "due": start + timedelta(minutes=61)})

    rows = {row[0]: row for row in figure("sla").rows}

    assert rows[start.date().isoformat()][1:] == [2, 1, "50.0%"]
    assert summary_values()["SLA breaches"] == (1, "50.0%")
    # Not resolved (−20), frustrated (−20), breached (−20).
    assert fact(late).quality == 40


def test_every_handoff_of_a_conversation_counts_with_its_own_reason_reply_and_sla():
    uma = customer("Uma")
    start = NOW - timedelta(days=5, hours=3)  # Friday 27 November, 09:00
    # Handed off, answered in 10 minutes; handed back to the bot; handed off again three
    # hours later and answered only after 2 h, past its 60-minute service level.
    twice = conversation(uma, "web", start, [(0, "in", "refund_status", "8008"),
                                             (1, "bot", "", ""), (12, "agent", "", ""),
                                             (180, "in", "complaint", ""),
                                             (181, "bot", "", ""), (302, "agent", "", "")],
                         handoff={"after": 2, "reason": "high_value", "status": "handed_back",
                                  "due": start + timedelta(minutes=62)})
    Handoff.objects.create(conversation=twice, created_at=start + timedelta(minutes=182),
                           reason="frustration", sla_due_at=start + timedelta(minutes=242),
                           status="resolved")
    conversation(customer("Vera"), "web", start, [(0, "in", "order_status", ""),
                                                  (1, "bot", "", "")])

    values = summary_values()
    reasons = figure("handoff_reasons").rows
    human = figure("human_reply").rows
    sla = {row[0]: row[1:] for row in figure("sla").rows}

    assert values["Handoff rate"] == (2, "100.0%")
    assert values["Conversations handed off"] == (1, "50.0%")
    assert values["SLA breaches"] == (1, "50.0%")
    assert reasons == [["Frustrated shopper", 1, "50.0%", 1],
                       ["Refund above threshold", 1, "50.0%", 0]]
    # Waits of 10 and 120 minutes: p50 65, p90 109; one 5–15 min, one 1–4 h.
    assert human == [[2, 65.0, 109.0, 0, 1, 0, 1, 0, 0, 0]]
    assert sla[start.date().isoformat()] == [2, 1, "50.0%"]
    # Not resolved (−20), frustrated (−20), the second handoff breached (−20).
    assert fact(twice).quality == 40
    assert fact(twice).handoffs == 2


def test_a_second_handoff_and_its_reply_change_the_figures_as_they_arrive():
    wyn = customer("Wyn")
    start = NOW - timedelta(days=1, hours=2)  # Tuesday 1 December, 10:00
    conv = conversation(wyn, "whatsapp", start, [(0, "in", "return_request", ""),
                                                 (1, "bot", "", ""), (6, "agent", "", "")],
                        handoff={"after": 1, "reason": "outside_policy",
                                 "due": start + timedelta(minutes=61)})
    assert summary_values()["Handoff rate"] == (1, "100.0%")
    assert figure("human_reply").rows[0][:3] == [1, 5.0, 5.0]

    Handoff.objects.create(conversation=conv, created_at=start + timedelta(minutes=30),
                           reason="damage_review", sla_due_at=start + timedelta(minutes=90))

    assert summary_values()["Handoff rate"] == (2, "200.0%")
    # The second handoff waits: the reply to the first is not a reply to it.
    assert figure("human_reply").rows[0][:3] == [1, 5.0, 5.0]
    assert figure("human_reply").rows[0][-1] == 1  # no reply yet

    Message.objects.create(conversation=conv, channel="whatsapp", direction="out",
                           sender="agent", text="Let me look.", delivery="sent",
                           created_at=start + timedelta(minutes=50))

    assert figure("human_reply").rows[0][:3] == [2, 12.5, 18.5]
    assert figure("human_reply", hours="business").rows[0][:3] == [2, 12.5, 18.5]
    assert [r[:2] for r in figure("handoff_reasons").rows] == [
        ["Damage review", 1], ["Outside policy", 1]]


def test_support_hour_durations_are_counted_again_when_the_shop_changes_its_hours():
    xan = customer("Xan")
    # Monday 30 November, 8:00: the bot answers at once, a person at 10:00.
    start = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    conversation(xan, "web", start, [(0, "in", "order_status", ""), (0.5, "bot", "", ""),
                                     (120, "agent", "", "")],
                 handoff={"after": 1, "reason": "customer_request"})
    assert figure("human_reply", hours="business").rows[0][:3] == [1, 60.0, 60.0]

    policy = policy_get()
    policy.support_opens = policy.support_opens.replace(hour=8)
    policy.save()

    assert figure("human_reply", hours="business").rows[0][:3] == [1, 119.0, 119.0]


# --- Quality --------------------------------------------------------------------------------------


def test_a_bot_action_against_its_own_refusal_is_a_policy_breach():
    nia = customer("Nia")
    start = NOW - timedelta(days=20)
    conv = conversation(nia, "web", start, [(0, "in", "cancel_order", "7007"),
                                            (1, "bot", "", "")],
                        closed=(start + timedelta(minutes=3), "resolved_by_bot"))
    PolicyDecision.objects.create(conversation=conv, order_number="7007", action="cancel",
                                  allowed=False, rule="cancel.already_shipped",
                                  created_at=start + timedelta(seconds=30))
    ActionRecord.objects.create(idempotency_key="k1", conversation=conv, kind="cancel",
                                order_number="7007", created_at=start + timedelta(minutes=1))
    fine = conversation(customer("Oli"), "web", start, [(0, "in", "cancel_order", "7008"),
                                                        (1, "bot", "", "")],
                        closed=(start + timedelta(minutes=3), "resolved_by_bot"))
    PolicyDecision.objects.create(conversation=fine, order_number="7008", action="cancel",
                                  allowed=True, rule="cancel.before_shipping",
                                  created_at=start + timedelta(seconds=30))
    ActionRecord.objects.create(idempotency_key="k2", conversation=fine, kind="cancel",
                                order_number="7008", created_at=start + timedelta(minutes=1))

    rows = figure("quality").rows

    assert (fact(conv).policy_breach, fact(conv).quality) == (True, 60)
    assert (fact(fine).policy_breach, fact(fine).quality) == (False, 100)
    assert rows[3] == ["60–79", 1] and rows[5] == ["100", 1]


def test_facts_follow_new_messages_as_they_arrive():
    pia = customer("Pia")
    start = NOW - timedelta(days=1)
    conv = conversation(pia, "web", start, [(0, "in", "greeting", "")])
    assert summary_values()["Involvement (bot answered)"] == (0, "0.0%")

    Message.objects.create(conversation=conv, channel="web", direction="out", sender="bot",
                           text="Hello!", delivery="sent", created_at=start + timedelta(seconds=5))
    Message.objects.filter(conversation=conv, direction="in").update(intent="order_status")

    assert summary_values()["Involvement (bot answered)"] == (1, "100.0%")
    assert fact(conv).topic_intent == "order_status"


# --- Contact rates, returns, intents, CSAT, back in stock -------------------------------------


def _order(number: str, who: Customer, variant: Variant, carrier: str, postcode: str,
           placed: datetime, origin: str = "Northampton Depot") -> Order:
    order = Order.objects.create(number=number, customer=who, status="delivered",
                                 placed_at=placed, email=who.email, ship_postcode=postcode)
    item = OrderItem.objects.create(order=order, variant=variant, unit_price=Decimal("20"))
    shipment = Shipment.objects.create(order=order, carrier=carrier,
                                       tracking_number=f"T{number}")
    TrackingEvent.objects.create(shipment=shipment, at=placed + timedelta(hours=5),
                                 status="in_transit", location=origin)
    order.item = item
    return order


def test_contact_rates_per_100_orders_by_carrier_lane_and_product_and_return_reasons():
    tee = Product.objects.create(name="Classic Tee", slug="tee", category="apparel", kind="tee")
    boot = Product.objects.create(name="Trail Boot", slug="boot", category="footwear",
                                  kind="boots")
    tee_m = Variant.objects.create(product=tee, sku="TEE-M", options={"size": "M"},
                                   price=Decimal("20"))
    boot_8 = Variant.objects.create(product=boot, sku="BOOT-8", options={"size": "8"},
                                    price=Decimal("90"))
    who = customer("Quin")
    placed = NOW - timedelta(days=6)
    orders = [_order(f"90{i}", who, tee_m if i < 3 else boot_8,
                     "evri" if i % 2 else "dpd", "SW1A 1AA" if i < 2 else "EH9 1AA", placed)
              for i in range(4)]
    conversation(who, "web", NOW - timedelta(days=2), [(0, "in", "order_status", "900"),
                                                      (1, "bot", "", "")])
    conversation(customer("Ray"), "web", NOW - timedelta(days=1),
                 [(0, "in", "order_status", "903"), (1, "bot", "", "")])
    ret = Return.objects.create(order=orders[0], number="R1", status="received",
                                resolution="refund", reason="Too small", idempotency_key="r1",
                                created_at=NOW - timedelta(days=1))
    ReturnItem.objects.create(return_request=ret, order_item=orders[0].item)

    carriers = {row[0]: row[1:] for row in figure("contact_carrier").rows}
    lanes = {row[0]: row[1:] for row in figure("contact_lane").rows}
    products = {row[0]: row[1:] for row in figure("contact_product").rows}
    returns = figure("return_reasons").rows

    assert carriers == {"Dpd": [2, 1, 50.0], "Evri": [2, 1, 50.0]}
    assert lanes == {"Northampton → London": [2, 1, 50.0],
                     "Northampton → Scotland": [2, 1, 50.0]}
    assert products == {"Classic Tee": [3, 1, 33.3], "Trail Boot": [1, 1, 100.0]}
    assert returns == [["Classic Tee", "M", "too small", 1]]


def _rates(key: str, **params: str) -> dict[str, list[Any]]:
    return {row[0]: row[1:] for row in figure(key, **params).rows}


def _day_counts() -> list[tuple[Any, ...]]:
    return sorted(ContactCount.objects.values_list(
        "day", "figure", "key", "channel", "orders", "contacts")) + sorted(
        ConversationCount.objects.values_list("day", "channel", "figure", "key", "n"))


def test_contact_rates_and_returns_follow_orders_scans_and_conversations_as_they_arrive():
    tee = Product.objects.create(name="Classic Tee", slug="tee", category="apparel", kind="tee")
    tee_m = Variant.objects.create(product=tee, sku="TEE-M", options={"size": "M"},
                                   price=Decimal("20"))
    who = customer("Lou")
    placed = NOW - timedelta(days=6)
    order = Order.objects.create(number="950", customer=who, status="paid", placed_at=placed,
                                 email=who.email, ship_postcode="SW1A 1AA")
    item = OrderItem.objects.create(order=order, variant=tee_m, unit_price=Decimal("20"))
    first = conversation(who, "web", NOW - timedelta(days=5),
                         [(0, "in", "order_status", "950"), (1, "bot", "", "")],
                         closed=(NOW - timedelta(days=5), "resolved_by_bot"))
    assert _rates("contact_carrier") == {}
    assert _rates("contact_lane") == {" → London": [1, 1, 100.0]}  # no scan yet
    assert _rates("contact_product") == {"Classic Tee": [1, 1, 100.0]}

    # The parcel ships and is scanned; a second order ships with the same carrier.
    shipment = Shipment.objects.create(order=order, carrier="evri", tracking_number="T950")
    TrackingEvent.objects.create(shipment=shipment, at=placed + timedelta(hours=5),
                                 status="in_transit", location="Northampton Depot")
    _order("951", who, tee_m, "evri", "EH9 1AA", NOW - timedelta(days=2))
    assert _rates("contact_carrier") == {"Evri": [2, 1, 50.0]}
    assert _rates("contact_lane") == {"Northampton → London": [1, 1, 100.0],
                                      "Northampton → Scotland": [1, 0, 0.0]}

    # A second contact about it on another channel and day; a rating is no contact.
    conversation(customer("Lou's partner"), "whatsapp", NOW - timedelta(days=1),
                 [(0, "in", "delivery_problem", "950"), (1, "bot", "", "")])
    conversation(who, "web", NOW - timedelta(hours=2), [(0, "in", "order_status", "950")],
                 closed=(NOW - timedelta(hours=1), "rating"))
    assert _rates("contact_carrier") == {"Evri": [2, 2, 100.0]}
    assert _rates("contact_carrier", channel="whatsapp") == {"Evri": [2, 1, 50.0]}

    # The first conversation is gone; the shopper returns the tee.
    first.delete()
    ret = Return.objects.create(order=order, number="R950", status="requested",
                                resolution="refund", reason="Too big", idempotency_key="r950",
                                created_at=NOW - timedelta(hours=3))
    ReturnItem.objects.create(return_request=ret, order_item=item)
    assert _rates("contact_carrier") == {"Evri": [2, 1, 50.0]}
    assert _rates("contact_product") == {"Classic Tee": [2, 1, 50.0]}
    assert figure("return_reasons").rows == [["Classic Tee", "M", "too big", 1]]


def test_day_counts_kept_as_things_arrive_are_those_counted_afresh():
    tee = Product.objects.create(name="Classic Tee", slug="tee", category="apparel", kind="tee")
    tee_m = Variant.objects.create(product=tee, sku="TEE-M", options={"size": "M"},
                                   price=Decimal("20"))
    who = customer("Mo")
    intents = ["order_status", "return_request", "refund_status", "cancel_order"]
    for i, intent in enumerate(intents):
        _order(f"97{i}", who, tee_m, "dpd" if i % 2 else "ups", "M14 5AB",
               NOW - timedelta(days=i + 1, hours=3))
        conversation(who, "web" if i % 2 else "email", NOW - timedelta(days=i + 8),
                     [(0, "in", intent, f"97{3 - i}"), (1, "bot", "", "")],
                     closed=(NOW - timedelta(days=i + 8, minutes=-5), "resolved_by_bot"))
        figure("outcomes")
    assert summary_values()["Automated resolution"] == (4, "100.0%")

    # Mo comes back about order 973 two days after its close: that earlier day's counts
    # change with the conversation that reopened it.
    conversation(who, "whatsapp", NOW - timedelta(days=6),
                 [(0, "in", "delivery_problem", "973"), (1, "bot", "", "")])
    assert summary_values()["Automated resolution"] == (3, "60.0%")
    assert summary_values()["Closed by the bot, then reopened"] == (1, "20.0%")
    kept = _day_counts()

    days = {row[0] for row in kept}
    ContactCount.objects.all().delete()
    ConversationCount.objects.all().delete()
    StaleDay.objects.bulk_create(StaleDay(day=d) for d in days)
    assert day_counts_refresh() == len(days) == 9

    assert _day_counts() == kept


def test_days_follow_the_shops_time_zone_and_are_counted_again_when_it_changes():
    who = customer("Noa")
    tee = Product.objects.create(name="Classic Tee", slug="tee", category="apparel", kind="tee")
    tee_m = Variant.objects.create(product=tee, sku="TEE-M", options={"size": "M"},
                                   price=Decimal("20"))
    # 23:30 on Monday 30 November in London is already Tuesday 1 December in Berlin.
    late = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    _order("980", who, tee_m, "evri", "SW1A 1AA", late - timedelta(minutes=10))
    conversation(who, "web", late, [(0, "in", "order_status", "980"), (1, "bot", "", "")])
    monday, tuesday = ({"from": d, "to": d} for d in ("2026-11-30", "2026-12-01"))

    assert sum(figure("volume", **monday).rows[0][1:]) == 1
    assert _rates("contact_carrier", **monday) == {"Evri": [1, 1, 100.0]}
    assert figure("intents").rows == [["2026-11-30", "order_status", 1]]

    with override_settings(TIME_ZONE="Europe/Berlin"):
        assert sum(figure("volume", **monday).rows[0][1:]) == 0
        assert sum(figure("volume", **tuesday).rows[0][1:]) == 1
        assert _rates("contact_carrier", **monday) == {}
        assert _rates("contact_carrier", **tuesday) == {"Evri": [1, 1, 100.0]}
        assert figure("intents").rows == [["2026-11-30", "order_status", 1]]


def test_top_intents_over_time_count_each_conversation_once_by_what_it_was_about():
    sam = customer("Sam")
    monday = datetime(2026, 11, 23, 10, tzinfo=UTC)
    conversation(sam, "web", monday, [(0, "in", "greeting", ""), (1, "in", "return_request", ""),
                                      (2, "in", "order_status", ""), (3, "bot", "", "")])
    conversation(customer("Tia"), "web", monday + timedelta(days=8),
                 [(0, "in", "human_handoff", ""), (1, "in", "return_request", "")])

    rows = figure("intents").rows

    assert rows == [["2026-11-23", "return_request", 1], ["2026-11-30", "return_request", 1]]


def test_csat_by_channel_agent_and_bot():
    roles_ensure()
    agent = User.objects.create_user("uma", first_name="Uma", last_name="Reed")
    start = NOW - timedelta(days=3)
    for i, (channel, who_answered, score) in enumerate(
            [("web", None, 5), ("web", None, 2), ("email", agent, 4)]):
        shopper = customer(f"Shopper{i}")
        conv = conversation(shopper, channel, start, [(0, "in", "order_status", ""),
                                                      (1, "bot", "", "")])
        SatisfactionRating.objects.create(conversation=conv, customer=shopper, channel=channel,
                                          agent=who_answered, score=score, created_at=start)

    by_channel = {row[0]: row[1:] for row in figure("csat_channel").rows}
    by_agent = {row[0]: row[1:] for row in figure("csat_agent").rows}

    assert by_channel == {"Site chat": [2, 50.0, 3.5], "Email": [1, 100.0, 4.0]}
    assert by_agent == {"The bot": [2, 50.0, 3.5], "Uma Reed": [1, 100.0, 4.0]}


def test_back_in_stock_funnel_says_so_when_there_are_no_campaigns():
    found = figure("back_in_stock")

    assert [row[1] for row in found.rows] == [0, 0, 0]
    assert found.chart is not None and found.chart.empty == "No back-in-stock campaigns yet."
    assert found.chart.series == []


# --- The page, its drill-down, CSV and who may see what ----------------------------------------


def _staff(username: str, group: str) -> Client:
    roles_ensure()
    user = User.objects.create_user(username, password="pw-123456789", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_the_drill_down_lists_the_conversations_behind_a_bar_and_exports_them():
    vic = customer("Vic")
    start = NOW - timedelta(days=9)
    conv = conversation(vic, "web", start, [(0, "in", "payment_issue", ""), (1, "bot", "", "")],
                        handoff={"after": 1, "reason": "payment_dispute"})
    conversation(customer("Wes"), "web", start, [(0, "in", "order_status", ""),
                                                 (1, "bot", "", "")])
    client = _staff("ava", AGENTS)

    page = client.get("/admin/insights/", RANGE)
    drill = client.get("/admin/insights/conversations/",
                       {**RANGE, "figure": "handoff_reasons", "key": "payment_dispute"})
    exported = client.get("/admin/insights/conversations/",
                          {**RANGE, "figure": "handoff_reasons", "key": "payment_dispute",
                           "format": "csv"})

    assert page.status_code == 200
    assert page.content.count(b'class="ins-card') >= 12
    assert b"key=payment_dispute" in page.content
    assert drill.status_code == 200
    assert f"/admin/inbox/c/{conv.pk}/".encode() in drill.content
    lines = exported.content.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{conv.pk},")


def test_every_table_exports_as_csv():
    client = _staff("bea", AGENTS)

    for key in selectors.FIGURES:
        response = client.get(f"/admin/insights/export/{key}.csv", RANGE)
        assert response.status_code == 200, key
        assert response["Content-Type"].startswith("text/csv")
        header = next(csv.reader(io.StringIO(response.content.decode())))
        assert header == figure(key).columns, key


def test_marketers_see_only_the_marketing_part_and_no_conversations():
    client = _staff("mia", MARKETERS)

    page = client.get("/admin/insights/", RANGE)
    shown = {card["figure"].key for card in page.context["cards"]}

    assert shown == set(selectors.MARKETING)
    assert client.get("/admin/insights/export/summary.csv", RANGE).status_code == 403
    assert client.get("/admin/insights/export/intents.csv", RANGE).status_code == 200
    assert client.get("/admin/insights/conversations/",
                      {"figure": "outcomes", "key": "automated"}).status_code == 403


def test_staff_without_a_role_are_refused_and_the_admin_index_links_to_both():
    plain = User.objects.create_user("ned", password="pw-123456789", is_staff=True)
    client = Client()
    client.force_login(plain)
    assert client.get("/admin/insights/").status_code == 403

    agent = _staff("cal", AGENTS)
    index = agent.get("/admin/").content
    assert b'href="/admin/inbox/"' in index and b'href="/admin/insights/"' in index
