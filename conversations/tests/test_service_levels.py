"""Handoff service levels: the first-reply deadline in support hours, what the shopper is
told about the wait, one breach alert (inbox and Slack), and the inbox's time left.

Support hours are the default policy's: Monday to Friday, 9:00–17:00 London time (UTC in
winter), 60 minutes to a person's first reply."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from channels_adapters.registry import captured
from channels_adapters.tests.test_slack import HANDOFF_CHANNEL, THREAD_TS, slack  # noqa: F401
from commerce.models import ShopPolicy
from conversations import services
from conversations.inbox.roles import AGENTS, roles_ensure
from conversations.models import Conversation, Handoff, Message
from conversations.service_levels import (
    SupportHours,
    handoff_time_left,
    sla_breaches_alert,
)
from core import clock
from core.models import Customer

pytestmark = pytest.mark.django_db

WEDNESDAY_10 = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
FRIDAY_16_30 = datetime(2026, 12, 4, 16, 30, tzinfo=UTC)
SATURDAY_11 = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


def open_conversation(name: str, at: datetime) -> Conversation:
    customer = Customer.objects.create(name=name, email=f"{name.lower()}@example.com")
    return Conversation.objects.create(customer=customer, channel="web", created_at=at,
                                       updated_at=at)


def hand_off(name: str, at: datetime) -> Handoff:
    with clock.frozen_at(at):
        handoff = services.handoff_create(open_conversation(name, at), "customer_request",
                                          {"reason": "customer_request"})
    assert handoff is not None
    return handoff


def test_the_deadline_counts_support_hours_only():
    during = hand_off("Ada", WEDNESDAY_10)
    over_the_weekend = hand_off("Bo", FRIDAY_16_30)
    on_saturday = hand_off("Cy", SATURDAY_11)

    assert during.sla_due_at == WEDNESDAY_10 + timedelta(minutes=60)
    # 30 minutes on Friday, the other 30 on Monday morning.
    assert over_the_weekend.sla_due_at == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert on_saturday.sla_due_at == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_the_shopper_is_told_their_place_in_the_queue_or_when_people_are_back():
    first = hand_off("Ada", WEDNESDAY_10)
    second = hand_off("Bo", WEDNESDAY_10 + timedelta(minutes=1))
    weekend = hand_off("Cy", SATURDAY_11)

    assert first.expected_wait == (
        "You're next in the queue: a colleague usually replies within about an hour.")
    assert second.expected_wait == (
        "You're number 2 in the queue: a colleague usually replies within about an hour.")
    assert weekend.expected_wait == (
        "Our team is away right now and back on Monday at 9:00. Someone will reply here "
        "then, usually within about an hour; you don't need to stay in the chat.")


def test_the_usual_wait_comes_from_recent_first_replies():
    for i in range(5):
        done = hand_off(f"Past{i}", WEDNESDAY_10 - timedelta(days=1, minutes=i))
        Handoff.objects.filter(pk=done.pk).update(
            first_reply_at=done.created_at + timedelta(minutes=12 + i), status="resolved")

    handoff = hand_off("Dee", WEDNESDAY_10)

    assert handoff.expected_wait == (
        "You're next in the queue: a colleague usually replies within about 15 minutes.")


def test_a_custom_policy_moves_the_hours_and_the_target():
    ShopPolicy.objects.create(support_days="1234567", support_opens="00:00",
                              support_closes="00:00", handoff_sla_minutes=15)

    handoff = hand_off("Eve", SATURDAY_11)

    assert handoff.sla_due_at == SATURDAY_11 + timedelta(minutes=15)
    assert SupportHours.current().is_open(SATURDAY_11)


def test_a_handoff_that_breaches_its_sla_is_alerted_once_in_the_inbox_and_slack(
        slack, monkeypatch, django_capture_on_commit_callbacks):  # noqa: F811
    import conversations.realtime as inbox

    late = hand_off("Fay", WEDNESDAY_10)
    Handoff.objects.filter(pk=late.pk).update(packet={
        **late.packet, "slack": {"channel": HANDOFF_CHANNEL, "ts": THREAD_TS}})
    answered = hand_off("Gil", WEDNESDAY_10)
    with clock.frozen_at(WEDNESDAY_10 + timedelta(minutes=20)):
        services.agent_reply_send(answered.conversation, "Hello, I'm on it.")
    events: list[dict] = []
    monkeypatch.setattr(inbox, "_push", events.append)
    slack.requests.clear()

    with clock.frozen_at(WEDNESDAY_10 + timedelta(minutes=59)):
        assert sla_breaches_alert() == []
    with clock.frozen_at(WEDNESDAY_10 + timedelta(minutes=61)), \
            django_capture_on_commit_callbacks(execute=True):
        breached = sla_breaches_alert()
        again = sla_breaches_alert()

    late.refresh_from_db()
    answered.refresh_from_db()
    assert breached == [late.pk] and again == []
    assert late.breached_at == WEDNESDAY_10 + timedelta(minutes=61)
    assert answered.first_reply_at == WEDNESDAY_10 + timedelta(minutes=20)
    assert answered.breached_at is None
    assert events == [{"kind": "sla_breach", "conversation": late.conversation_id}]
    [post] = slack.requests
    assert post["json"]["channel"] == HANDOFF_CHANNEL
    assert post["json"]["thread_ts"] == THREAD_TS
    assert post["json"]["text"].startswith(":alarm_clock: SLA breached: Fay has waited since 10:00")
    assert late.packet["slack_breach"]["ts"] == THREAD_TS


def test_the_inbox_shows_the_time_left():
    running = hand_off("Hal", WEDNESDAY_10)
    paused = hand_off("Ivy", FRIDAY_16_30)

    assert handoff_time_left(running, WEDNESDAY_10 + timedelta(minutes=15)).text == "45 min left"
    assert handoff_time_left(paused, SATURDAY_11).text == "30 min left (paused: closed)"
    assert handoff_time_left(running, WEDNESDAY_10 + timedelta(minutes=75)).text == (
        "SLA breached 15 min ago")

    roles_ensure()
    agent = User.objects.create_user("ann", password="pw-123456789", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENTS))
    client = Client()
    client.force_login(agent)
    with clock.frozen_at(WEDNESDAY_10 + timedelta(minutes=15)):
        queue = client.get("/admin/inbox/").content.decode()
        page = client.get(f"/admin/inbox/c/{running.conversation_id}/").content.decode()
    assert "45 min left" in queue
    assert 'data-testid="sla"' in page and "45 min left" in page


def test_a_real_handoff_tells_the_shopper_the_expected_wait(settings):
    with clock.frozen_at(WEDNESDAY_10):
        inbound = services.message_receive(services.Inbound(
            channel="web", sender_id="sla-session-0123456789", external_id="sla:1",
            text="I want to talk to a real person please"))
        with captured():
            services.message_process(inbound.pk)

    replies = list(Message.objects.filter(direction="out").order_by("pk")
                   .values_list("text", flat=True))
    handoff = Handoff.objects.get()
    assert handoff.sla_due_at == WEDNESDAY_10 + timedelta(minutes=60)
    assert replies[-1] == handoff.expected_wait
    assert replies[-1].startswith("You're next in the queue")
