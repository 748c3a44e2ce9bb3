"""The agent inbox's services and pages: claiming, replies on the shopper's channel,
internal notes, canned responses, approvals through the same policy-checked services the
bot uses, declines, hand-back to the bot, the priority queue and who may see any of it.

Handoffs are made by the real bot from a shopper's words, so the packet and the policy
decision the inbox reads are the ones production makes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group, User
from django.urls import reverse

from channels_adapters.registry import captured
from commerce import services as commerce_services
from commerce.models import Refund, Return
from conversations import selectors as conversation_selectors
from conversations import services
from conversations.inbox import selectors
from conversations.inbox import services as inbox
from conversations.inbox.roles import AGENTS, MARKETERS, roles_ensure
from conversations.inbox.services import InboxRefused
from conversations.models import (
    ActionRecord,
    CannedResponse,
    Conversation,
    Handoff,
    InternalNote,
    Message,
    PolicyDecision,
)
from conversations.realtime import INBOX_GROUP
from core import clock
from core.models import Customer
from devtools.scenarios import build_store

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SESSION = "inboxsession0123456789ab"
OLA = "+447700900205"
RUTH = "+447700900212"

STORE: dict[str, Any] = {
    "customers": [
        {"ref": "ola", "name": "Ola Nowak", "email": "ola.nowak@example.com", "phone": OLA,
         "postcode": "G2 3BZ"},
        {"ref": "ruth", "name": "Ruth Adams", "email": "ruth.adams@example.com", "phone": RUTH,
         "postcode": "YO1 7HH", "tags": ["vip"]},
    ],
    "products": [
        {"sku": "DRESS-SEQ-8", "name": "Sequin Party Dress",
         "options": {"colour": "gold", "size": "8"}, "price": "45.00", "stock": 1,
         "final_sale": True},
        {"sku": "BOOT-LTH-6", "name": "Chelsea Boot", "options": {"colour": "black", "size": "6"},
         "price": "180.00", "stock": 1},
    ],
    "orders": [
        {"number": "9005", "customer": "ola", "placed": "-6d", "status": "delivered",
         "items": [{"sku": "DRESS-SEQ-8", "qty": 1}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0090050050", "events": [
             {"at": "2026-11-18T11:00:00Z", "status": "delivered", "location": "Glasgow, GB"}]}},
        {"number": "8003", "customer": "ruth", "placed": "-9d", "status": "shipped",
         "items": [{"sku": "BOOT-LTH-6", "qty": 1}],
         "shipment": {"carrier": "royal_mail", "tracking_number": "RM444555666GB",
                      "promised_by": "2026-11-14T18:00:00Z", "events": [
                          {"at": "2026-11-12T09:00:00Z", "status": "label_created",
                           "location": "Northampton, GB"},
                          {"at": "2026-11-18T16:00:00Z", "status": "exception",
                           "exception": "lost", "location": "York mail centre, GB"}]}},
    ],
}


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def shop() -> dict[str, Customer]:
    return build_store({"store": STORE}, NOW)


def _staff(username: str, group: str, first_name: str = "") -> User:
    roles_ensure()
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True,
                                    first_name=first_name)
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)  # no stale permission cache


@pytest.fixture
def alice() -> User:
    return _staff("alice", AGENTS, "Alice")


@pytest.fixture
def bob() -> User:
    return _staff("bob", AGENTS, "Bob")


@pytest.fixture
def marketer() -> User:
    return _staff("mark", MARKETERS, "Mark")


def say(channel: str, sender: str, text: str) -> list[Message]:
    """The shopper writes; the bot answers (replies are stored, not delivered)."""
    message = services.message_receive(services.Inbound(
        channel=channel, sender_id=sender, text=text, external_id=uuid.uuid4().hex))
    assert message is not None
    with captured():
        sent = services.message_process(message.pk)
    clock.advance(timedelta(seconds=30))
    return sent


def handoff_of(sender: str) -> Handoff:
    return Handoff.objects.select_related("conversation__customer").get(
        conversation__customer__identities__external_id=sender)


@pytest.fixture
def final_sale(shop) -> Handoff:
    """Ola wants to return a final-sale dress: the bot may not, so it hands over."""
    say("whatsapp", OLA, "hiya, can i send the sequin dress back? it doesnt suit me at all")
    return handoff_of(OLA)


@pytest.fixture
def lost_parcel(shop) -> Handoff:
    """Ruth's £180 boots are lost: above what the bot may settle alone."""
    say("whatsapp", RUTH, "royal mail are saying my boots are LOST?? what are you going to do "
                          "about it")
    return handoff_of(RUTH)


@pytest.fixture
def web_human(shop) -> Handoff:
    """A site-chat shopper asks for a person."""
    say("web", SESSION, "I want to talk to a human")
    return Handoff.objects.select_related("conversation__customer").get(
        conversation__customer__identities__external_id=SESSION)


def outbound(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(direction="out").order_by("created_at", "pk"))


# --- Claim and assign -----------------------------------------------------------------


def test_a_waiting_case_is_claimed_by_one_agent_only(web_human, alice, bob):
    claimed = inbox.handoff_claim(web_human, alice)

    assert claimed.status == Handoff.Status.ASSIGNED
    assert claimed.assigned_to == alice
    assert Conversation.objects.get(pk=web_human.conversation_id).assigned_to == alice
    with pytest.raises(InboxRefused, match="Alice has already claimed this case"):
        inbox.handoff_claim(web_human, bob)
    assert inbox.handoff_claim(web_human, alice).assigned_to == alice


def test_a_case_is_assigned_to_a_colleague_with_a_note_but_never_to_a_marketer(
        web_human, alice, bob, marketer):
    inbox.handoff_assign(web_human, alice, bob)

    web_human.refresh_from_db()
    assert (web_human.status, web_human.assigned_to) == (Handoff.Status.ASSIGNED, bob)
    assert list(InternalNote.objects.values_list("author__username", "text")) == [
        ("alice", "Assigned to Bob.")]
    with pytest.raises(InboxRefused, match="Mark cannot act on conversations"):
        inbox.handoff_assign(web_human, alice, marketer)
    web_human.refresh_from_db()
    assert web_human.assigned_to == bob


# --- Replies and notes ----------------------------------------------------------------


def test_a_reply_is_delivered_on_the_shoppers_site_chat_and_claims_the_case(
        web_human, alice, django_capture_on_commit_callbacks):
    conversation = web_human.conversation

    with captured() as outbox, django_capture_on_commit_callbacks(execute=True):
        message = inbox.reply_send(conversation, alice, "Hi, Alice here — how can I help?")

    message.refresh_from_db()
    assert (message.channel, message.direction, message.sender, message.agent) == (
        "web", "out", "agent", alice)
    assert message.payload["to"] == SESSION
    assert message.payload["via"] == "inbox"
    assert message.delivery == Message.Delivery.SENT
    assert [m.pk for m in outbox.sent] == [message.pk]
    web_human.refresh_from_db()
    assert (web_human.status, web_human.assigned_to) == (Handoff.Status.ASSIGNED, alice)
    shown = conversation_selectors.message_list_for_identity("web", SESSION)
    assert shown[-1].text == "Hi, Alice here — how can I help?"


def test_a_reply_follows_the_shopper_to_the_channel_they_wrote_from_last(final_sale, alice):
    conversation = final_sale.conversation
    assert conversation.channel == "whatsapp"

    message = inbox.reply_send(conversation, alice, "Let me look at that dress for you.")

    assert (message.channel, message.payload["to"]) == ("whatsapp", OLA)
    assert "template" not in message.payload


def test_an_internal_note_is_stored_but_never_reaches_the_shopper(
        web_human, alice, django_capture_on_commit_callbacks):
    conversation = web_human.conversation
    before = conversation.messages.count()

    with captured() as outbox, django_capture_on_commit_callbacks(execute=True):
        note = inbox.note_add(conversation, alice, "Shopper sounds like a repeat customer.")

    assert (note.conversation, note.author, note.text) == (
        conversation, alice, "Shopper sounds like a repeat customer.")
    assert conversation.messages.count() == before
    assert outbox.sent == []
    shown = [m.text for m in conversation_selectors.message_list_for_identity("web", SESSION)]
    assert "Shopper sounds like a repeat customer." not in shown
    timeline = selectors.timeline_for(conversation.customer)
    assert [e.kind for e in timeline if e.kind == "note"] == ["note"]


def test_an_empty_reply_or_note_is_refused(web_human, alice):
    with pytest.raises(InboxRefused, match="The reply is empty"):
        inbox.reply_send(web_human.conversation, alice, "   ")
    with pytest.raises(InboxRefused, match="The note is empty"):
        inbox.note_add(web_human.conversation, alice, "")


def test_canned_placeholders_are_filled_from_the_case(lost_parcel, alice, settings):
    settings.SHOP_NAME = "Northwind Outfitters"
    canned = CannedResponse.objects.create(
        title="Tracking", shortcut="tracking-test",
        text="Hi {first_name}, {agent_name} from {shop_name}: order #{order_number} is "
             "{tracking_number}. {unknown} stays.")

    values = selectors.placeholder_values(lost_parcel.conversation, alice)
    rendered = selectors.canned_render(canned.text, values)

    assert rendered == ("Hi Ruth, Alice from Northwind Outfitters: order #8003 is "
                        "RM444555666GB. {unknown} stays.")
    listed = {c.shortcut: text for c, text in
              selectors.canned_list(lost_parcel.conversation, alice)}
    assert listed["tracking-test"] == rendered


def test_a_reply_with_an_unfilled_placeholder_is_refused(web_human, alice):
    values = selectors.placeholder_values(web_human.conversation, alice)
    draft = selectors.canned_render("Hi {first_name}, about order #{order_number}…", values)

    assert draft == "Hi {first_name}, about order #{order_number}…"
    with pytest.raises(InboxRefused, match=r"Fill in \{first_name\} before sending"):
        inbox.reply_send(web_human.conversation, alice, draft)


def test_outside_the_whatsapp_window_only_a_configured_template_is_offered_and_sent(
        final_sale, alice, settings):
    settings.WHATSAPP_TEMPLATES = {"return_update": "return_update:en_GB",
                                   "one_time_code": "code:en_GB"}
    conversation = final_sale.conversation

    with clock.frozen_at(NOW + timedelta(hours=25)):
        reply_to = selectors.reply_channel(conversation)
        with pytest.raises(InboxRefused, match="24-hour window is closed"):
            inbox.reply_send(conversation, alice, "We can make an exception.")
        message = inbox.reply_send(conversation, alice, "We can make an exception.",
                                   template="return_update")

    assert (reply_to.needs_template, reply_to.templates) == (True, ["return_update"])
    assert message.payload["template"] == {"purpose": "return_update",
                                           "params": ["Ola", "We can make an exception."],
                                           "language": "en"}
    assert message.text == "We can make an exception."
    inside = selectors.reply_channel(conversation)
    assert (inside.needs_template, inside.closes_at) == (False, NOW + timedelta(hours=24))


# --- Approve and decline --------------------------------------------------------------


@pytest.fixture
def spy(monkeypatch) -> list[tuple[str, dict[str, Any]]]:
    """Record how the commerce services are called, and still run them."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for name in ("return_create", "missing_parcel_resolve", "refund_create"):
        real = getattr(commerce_services, name)

        def wrapper(*args: Any, _real: Any = real, _name: str = name, **kwargs: Any) -> Any:
            calls.append((_name, kwargs))
            return _real(*args, **kwargs)

        monkeypatch.setattr(commerce_services, name, wrapper)
    return calls


def test_the_pending_decision_is_the_policy_rule_that_stopped_the_bot(final_sale):
    pending = selectors.pending_decision_get(final_sale)

    assert final_sale.reason == "final_sale"
    assert (pending.action, pending.decision.rule, pending.order.number) == (
        "return", "return.final_sale", "9005")
    assert pending.title == "Return Sequin Party Dress (8, gold) from order #9005"
    assert [i.variant.sku for i in pending.items] == ["DRESS-SEQ-8"]
    assert pending.options == [("refund", "Refund £45.00 to the original payment"),
                               ("store_credit", "£45.00 store credit")]


def test_approving_a_final_sale_exception_runs_the_return_service_as_the_agent(
        final_sale, alice, spy):
    message = inbox.decision_approve(final_sale, alice, option="refund",
                                     note="Loyal customer, one-off.")

    assert [(name, kw["approved"], kw["actor"], kw["resolution"]) for name, kw in spy] == [
        ("return_create", True, "alice", "refund")]
    ret = Return.objects.get(order__number="9005")
    assert (ret.number, ret.status, ret.resolution) == ("R-9005-1", "label_sent", "refund")
    record = ActionRecord.objects.get(idempotency_key=f"inbox:handoff:{final_sale.pk}:decision")
    assert (record.kind, record.actor, record.order_number) == ("approve_return", "alice", "9005")
    assert {k: record.result[k] for k in ("return", "resolution", "amount", "note")} == {
        "return": "R-9005-1", "resolution": "refund", "amount": "45.00",
        "note": "Loyal customer, one-off."}
    decision = PolicyDecision.objects.filter(conversation=final_sale.conversation).last()
    assert (decision.rule, decision.allowed, decision.outcome, decision.action) == (
        "agent.approved", True, "approved", "return")
    assert decision.explanation == (
        "alice approved: Return Sequin Party Dress (8, gold) from order #9005 — Refund £45.00 "
        "to the original payment (an exception to return.final_sale). Note: Loyal customer, "
        "one-off.")
    assert (message.sender, message.agent, message.channel) == ("agent", alice, "whatsapp")
    assert "approved your return for order #9005" in message.text
    assert "Return R-9005-1 is open" in message.text
    assert message.payload["attachments"][0]["title"] == "Return label R-9005-1"
    final_sale.refresh_from_db()
    assert (final_sale.status, final_sale.assigned_to) == (Handoff.Status.ASSIGNED, alice)
    assert selectors.pending_decision_get(final_sale) is None
    with pytest.raises(InboxRefused, match="Nothing on this case is waiting for approval"):
        inbox.decision_approve(final_sale, alice, option="refund")
    assert Return.objects.filter(order__number="9005").count() == 1


def test_approving_a_lost_high_value_parcel_refunds_it_in_the_agents_name(
        lost_parcel, alice, spy):
    pending = selectors.pending_decision_get(lost_parcel)
    assert (pending.action, pending.decision.rule, pending.default) == (
        "missing_parcel", "missing.high_value", "reship")

    message = inbox.decision_approve(lost_parcel, alice, option="refund")

    assert [(name, kw["approved"], kw["actor"], kw["remedy"]) for name, kw in spy] == [
        ("missing_parcel_resolve", True, "alice", "refund")]
    refund = Refund.objects.get(order__number="8003")
    assert (refund.amount, refund.decided_by, refund.status) == (
        Decimal("180.00"), "alice", "processing")
    assert message.text == ("Good news: I've refunded £180.00 for order #8003 to your original "
                            "payment method; banks usually show it within 3–5 working days.")


def test_an_approval_still_goes_through_the_policy(final_sale, alice):
    order = final_sale.conversation.customer.orders.get()
    order.status = "cancelled"
    order.save(update_fields=["status"])

    with pytest.raises(InboxRefused, match="policy still refuses this: The order was cancelled"):
        inbox.decision_approve(final_sale, alice, option="refund")
    with pytest.raises(InboxRefused, match="Choose one of the offered resolutions"):
        inbox.decision_approve(final_sale, alice, option="keep_everything")

    assert not Return.objects.exists()
    assert not ActionRecord.objects.filter(actor="alice").exists()


def test_declining_tells_the_shopper_and_records_the_agents_decision(final_sale, alice, spy):
    message = inbox.decision_decline(
        final_sale, alice, message="I'm sorry, final-sale items can't come back.",
        note="Worn, tags off.")

    assert spy == []
    assert not Return.objects.exists()
    assert (message.sender, message.agent, message.text) == (
        "agent", alice, "I'm sorry, final-sale items can't come back.")
    record = ActionRecord.objects.get(idempotency_key=f"inbox:handoff:{final_sale.pk}:decision")
    assert (record.kind, record.actor) == ("decline_return", "alice")
    decision = PolicyDecision.objects.filter(conversation=final_sale.conversation).last()
    assert (decision.rule, decision.allowed, decision.explanation) == (
        "agent.declined", False,
        "alice declined: Return Sequin Party Dress (8, gold) from order #9005. Note: Worn, "
        "tags off.")
    with pytest.raises(InboxRefused, match="Nothing on this case is waiting"):
        inbox.decision_approve(final_sale, alice, option="refund")


def test_a_plain_request_for_a_person_has_nothing_to_approve(web_human):
    assert web_human.reason == "customer_request"
    assert selectors.pending_decision_get(web_human) is None


# --- Resolve and hand back ------------------------------------------------------------


def test_handing_back_marks_it_tells_the_shopper_and_the_bot_answers_the_next_message(
        web_human, alice):
    conversation = web_human.conversation
    inbox.reply_send(conversation, alice, "Sorted — anything else, the assistant can help.")

    told = inbox.conversation_return_to_bot(conversation, alice)

    conversation.refresh_from_db()
    web_human.refresh_from_db()
    assert conversation.mode == Conversation.Mode.BOT
    assert conversation.state["handed_back_at"] == clock.now().isoformat()
    assert conversation.state["handed_back_by"] == "alice"
    assert web_human.status == Handoff.Status.HANDED_BACK
    assert (told.sender, told.text, told.channel) == (
        "bot", "You're back with the assistant — our team has finished here. Ask me anything "
        "about an order, a return or our products.", "web")

    replies = say("web", SESSION, "where is my order")

    assert len(replies) == 1
    assert replies[0].sender == "bot"
    assert "order number" in replies[0].text
    with pytest.raises(InboxRefused, match="The assistant is already handling"):
        inbox.conversation_return_to_bot(conversation, alice)


def test_a_shopper_waiting_for_a_person_who_asks_if_anyone_is_there_is_told_they_still_wait(
        web_human):
    replies = say("web", SESSION, "hello? anyone there?")

    assert [r.text for r in replies] == [
        "I'm here — you're still in the queue for someone from our team, who will reply right "
        "here. Meanwhile I can answer questions about our products."]
    web_human.refresh_from_db()
    assert web_human.status == Handoff.Status.WAITING


def test_the_bot_stays_silent_while_a_person_has_the_conversation(web_human, alice):
    inbox.handoff_claim(web_human, alice)

    assert say("web", SESSION, "hello? anyone there?") == []


def test_while_nobody_has_taken_the_case_the_bot_answers_product_questions_only(web_human):
    asked = say("web", SESSION, "is the Chelsea Boot in stock in size 6?")

    assert len(asked) == 1 and "Chelsea Boot" in asked[0].text
    assert say("web", SESSION, "cancel my order please") == []
    assert say("web", SESSION, "thanks") == []
    web_human.refresh_from_db()
    assert web_human.status == Handoff.Status.WAITING
    assert Conversation.objects.get(pk=web_human.conversation_id).mode == "human"


def test_once_a_person_takes_the_case_the_bot_answers_nothing(web_human, alice):
    inbox.handoff_claim(web_human, alice)

    assert say("web", SESSION, "is the Chelsea Boot in stock in size 6?") == []


def test_resolving_closes_the_case_and_the_next_message_starts_afresh_with_the_bot(
        web_human, alice):
    conversation = inbox.conversation_resolve(web_human.conversation, alice)

    web_human.refresh_from_db()
    assert (conversation.status, conversation.mode) == ("resolved", "bot")
    assert (web_human.status, web_human.closed_at) == (Handoff.Status.RESOLVED, clock.now())
    assert selectors.handoff_queue(alice) == []
    replies = say("web", SESSION, "where is my order")
    assert "order number" in replies[0].text
    assert replies[0].conversation_id != conversation.pk


# --- The queue ------------------------------------------------------------------------


def test_priority_weighs_frustration_vip_order_value_and_waiting_time():
    assert selectors.queue_priority(waited=timedelta(minutes=5), frustration=0,
                                    order_value=None, vip=False) == selectors.Priority(
        5, "normal", ())
    assert selectors.queue_priority(waited=timedelta(minutes=40), frustration=2,
                                    order_value=Decimal("180.00"), vip=True,
                                    currency="GBP") == selectors.Priority(
        40 + 120 + 120 + 90, "urgent", ("frustrated", "VIP", "£180.00 order", "waiting 40 min"))
    assert selectors.queue_priority(waited=timedelta(hours=10), frustration=0,
                                    order_value=None, vip=False).score == 240


def _case(customer: Customer, channel: str, reason: str, minutes_ago: int,
          order: str = "", frustration: int = 0, assigned: User | None = None) -> Handoff:
    conversation = Conversation.objects.create(
        customer=customer, channel=channel, mode="human", state={"frustration": frustration})
    return Handoff.objects.create(
        conversation=conversation, reason=reason, packet={"order": order},
        created_at=NOW - timedelta(minutes=minutes_ago), assigned_to=assigned,
        status="assigned" if assigned else "waiting")


def test_the_queue_is_ordered_by_priority_and_filtered(shop, alice, bob):
    ola, ruth = shop["ola"], shop["ruth"]
    plain = Customer.objects.create(name="Sam Lee")
    angry = Customer.objects.create(name="Ada Byron")
    waiting_long = _case(plain, "email", "not_understood", 70)
    vip_lost = _case(ruth, "whatsapp", "lost_high_value", 10, order="8003", assigned=bob)
    frustrated = _case(angry, "web", "frustration", 2, assigned=alice)
    small = _case(ola, "whatsapp", "final_sale", 20, order="9005")

    queue = selectors.handoff_queue(alice)

    assert [i.handoff for i in queue] == [vip_lost, frustrated, waiting_long, small]
    assert [i.priority.score for i in queue] == [10 + 120 + 90, 2 + 120, 70, 20 + 22]
    assert queue[0].order_value == Decimal("180.00")
    assert queue[0].waited_text == "10 min"
    mine = selectors.handoff_queue(alice, selectors.QueueFilters(view="mine"))
    assert [i.handoff for i in mine] == [frustrated]
    unassigned = selectors.handoff_queue(alice, selectors.QueueFilters(view="unassigned"))
    assert [i.handoff for i in unassigned] == [waiting_long, small]
    by_reason = selectors.handoff_queue(alice, selectors.QueueFilters(reason="final_sale"))
    assert [i.handoff for i in by_reason] == [small]
    by_channel = selectors.handoff_queue(alice, selectors.QueueFilters(channel="whatsapp"))
    assert [i.handoff for i in by_channel] == [vip_lost, small]
    counts = selectors.queue_counts(alice)
    assert (counts.all, counts.mine, counts.unassigned) == (4, 1, 2)
    assert selectors.QueueFilters.parse({"view": "nonsense", "reason": "x",
                                         "channel": "web"}) == selectors.QueueFilters(
        "all", "", "web")


def test_a_new_handoff_and_a_shopper_message_to_a_person_are_pushed_to_the_inbox(
        shop, django_capture_on_commit_callbacks):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(INBOX_GROUP, channel)

    with django_capture_on_commit_callbacks(execute=True):
        say("web", SESSION, "I want to talk to a human")
    first = async_to_sync(layer.receive)(channel)
    with django_capture_on_commit_callbacks(execute=True):
        say("web", SESSION, "are you there?")
    second = async_to_sync(layer.receive)(channel)
    async_to_sync(layer.group_discard)(INBOX_GROUP, channel)

    conversation = Conversation.objects.get(customer__identities__external_id=SESSION)
    assert first == {"type": "inbox.event",
                     "event": {"kind": "handoff", "conversation": conversation.pk}}
    assert second == {"type": "inbox.event",
                      "event": {"kind": "message", "conversation": conversation.pk}}


# --- Roles and pages ------------------------------------------------------------------


def test_agents_read_policy_but_only_admins_change_it(alice, marketer):
    assert alice.has_perm("commerce.view_shoppolicy")
    assert not alice.has_perm("commerce.change_shoppolicy")
    assert alice.has_perm("conversations.change_conversation")
    assert not marketer.has_perm("conversations.view_conversation")
    assert not any(p.startswith("conversations.") for p in marketer.get_all_permissions())


def test_marketers_get_403_on_inbox_pages_and_agents_200(client, final_sale, alice, marketer):
    pages = [reverse("inbox:queue"), reverse("inbox:queue-fragment"),
             reverse("inbox:conversation", args=[final_sale.conversation_id]),
             reverse("inbox:timeline", args=[final_sale.conversation_id])]

    client.force_login(marketer)
    assert [client.get(p).status_code for p in pages] == [403, 403, 403, 403]
    assert client.post(reverse("inbox:reply", args=[final_sale.conversation_id]),
                       {"text": "hi"}).status_code == 403

    client.force_login(alice)
    responses = [client.get(p) for p in pages]
    assert [r.status_code for r in responses] == [200, 200, 200, 200]
    assert "Ola Nowak" in responses[0].content.decode()
    page = responses[2].content.decode()
    for expected in ("Needs your decision", "return.final_sale", "Sequin Party Dress",
                     "JJD0090050050", "Final-sale exception", "Lifetime value"):
        assert expected in page


def test_people_who_are_not_staff_are_sent_to_the_login(client, final_sale):
    response = client.get(reverse("inbox:queue"))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_reply_page_action_sends_through_the_service(client, final_sale, alice):
    client.force_login(alice)

    response = client.post(reverse("inbox:reply", args=[final_sale.conversation_id]),
                           {"text": "Looking into it now."})

    assert response.status_code == 302
    assert outbound(final_sale.conversation)[-1].text == "Looking into it now."
    assert outbound(final_sale.conversation)[-1].agent == alice


@pytest.mark.django_db(transaction=True)
async def test_the_inbox_socket_refuses_marketers_and_forwards_events_to_agents():
    from conversations.inbox.consumers import InboxConsumer

    agent = await database_sync_to_async(_staff)("alice", AGENTS)
    outsider = await database_sync_to_async(_staff)("mark", MARKETERS)

    refused = WebsocketCommunicator(InboxConsumer.as_asgi(), "/ws/inbox/")
    refused.scope["user"] = outsider
    connected, code = await refused.connect()
    assert (connected, code) == (False, 4403)

    socket = WebsocketCommunicator(InboxConsumer.as_asgi(), "/ws/inbox/")
    socket.scope["user"] = agent
    connected, _ = await socket.connect()
    assert connected
    assert await socket.receive_json_from() == {"type": "hello"}
    await get_channel_layer().group_send(INBOX_GROUP, {
        "type": "inbox.event", "event": {"kind": "handoff", "conversation": 7}})
    assert await socket.receive_json_from() == {"type": "event", "kind": "handoff",
                                                "conversation": 7}
    await socket.disconnect()


# ------------------------------------------------------------------ card numbers
@pytest.mark.parametrize(("typed", "stored"), [
    ("send it to my new card 4929 1234 5678 9012 please",
     "send it to my new card [card ending 9012] please"),  # grouped: a card, even mistyped
    ("my new card is 4929123456789012", "my new card is 4929123456789012"),  # checksum fails
    ("my card is 4111 1111 1111 1111, exp 09/28", "my card is [card ending 1111], exp 09/28"),
    ("card 4111-1111-1111-1111", "card [card ending 1111]"),
    ("new card 5555555555554444 thanks", "new card [card ending 4444] thanks"),
    ("order 104844, tracking 15507601760176, RM110600001GB",
     "order 104844, tracking 15507601760176, RM110600001GB"),
])
def test_a_card_number_is_kept_only_as_its_last_four_digits(typed: str, stored: str) -> None:
    assert services.mask_card_numbers(typed) == stored


@pytest.mark.django_db
def test_an_inbound_card_number_never_reaches_the_database() -> None:
    message = services.message_receive(services.Inbound(
        channel="email", sender_id="pat@example.com", external_id="card-1",
        text="Please refund to 4111 1111 1111 1111",
        payload={"raw_text": "Please refund to 4111 1111 1111 1111\n> quoted", "to": []}))

    stored = Message.objects.get(pk=message.pk)
    assert stored.text == "Please refund to [card ending 1111]"
    assert stored.payload["raw_text"] == "Please refund to [card ending 1111]\n> quoted"
    assert "4111 1111" not in str(stored.payload)
