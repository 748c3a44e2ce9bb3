"""One typed action path for the bot and for people: the shopper's "yes" and an agent's
approval in the inbox run the same action through commerce.actions.action_execute, so they
make the same writes; a repeated yes or approval writes once; a refusal writes nothing.

The handoffs are made by the real bot from a shopper's words, so the proposed action the
inbox approves is the one production stores in the handoff packet.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import transaction
from langgraph.graph import END, START, StateGraph

from agents.context import TurnContext
from agents.nodes.confirm import execute as confirm_execute
from agents.state import TurnState
from channels_adapters.registry import captured
from commerce import actions
from commerce.models import Order, Refund, Return, ShopPolicy
from commerce.services import ActionRefused
from conversations import services
from conversations.inbox import selectors
from conversations.inbox import services as inbox
from conversations.inbox.roles import AGENTS, roles_ensure
from conversations.models import ActionRecord, Conversation, Handoff, PolicyDecision
from core import clock
from core.models import Customer
from devtools import scenario_writes
from devtools.scenarios import build_store
from replies.render import render_parts


def execute(state: dict[str, Any], action: dict[str, Any]) -> dict[str, Any]:
    """The confirmation step's execute, run as the graph runs it: inside a turn, with the
    turn's context."""
    conversation = Conversation.objects.select_related("customer").get(
        pk=state["conversation_id"])
    graph = StateGraph(TurnState, context_schema=TurnContext)
    graph.add_node("execute", lambda s: {"replies": confirm_execute(s, action)["replies"]})
    graph.add_edge(START, "execute")
    graph.add_edge("execute", END)
    result = graph.compile().invoke({**state, "replies": []},
                                    context=TurnContext(conversation_id=conversation.pk))
    return {"replies": [{**r, "text": render_parts(r["parts"], "en")}
                        for r in result["replies"]]}

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
OLA = "+447700900205"

STORE: dict[str, Any] = {
    "customers": [
        {"ref": "ola", "name": "Ola Nowak", "email": "ola.nowak@example.com", "phone": OLA,
         "postcode": "G2 3BZ"},
        {"ref": "tom", "name": "Tom Baker", "email": "tom@example.org",
         "phone": "+447700900456", "postcode": "M1 1AE"},
    ],
    "products": [
        {"sku": "DRESS-SEQ-8", "name": "Sequin Party Dress",
         "options": {"colour": "gold", "size": "8"}, "price": "45.00", "stock": 1,
         "final_sale": True},
        {"sku": "TEE-BLK-M", "name": "Classic Tee", "options": {"colour": "black", "size": "M"},
         "price": "25.00", "stock": 10},
    ],
    "orders": [
        {"number": "9005", "customer": "ola", "placed": "-6d", "status": "delivered",
         "items": [{"sku": "DRESS-SEQ-8", "qty": 1}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0090050050", "events": [
             {"at": "2026-11-18T11:00:00Z", "status": "delivered", "location": "Glasgow, GB"}]}},
        {"number": "9007", "customer": "ola", "placed": "-6d", "status": "delivered",
         "items": [{"sku": "TEE-BLK-M", "qty": 2}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0090070070", "events": [
             {"at": "2026-11-18T11:00:00Z", "status": "delivered", "location": "Glasgow, GB"}]}},
        {"number": "9006", "customer": "ola", "placed": "-1d", "status": "processing",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}]},
        {"number": "7001", "customer": "tom", "placed": "-1d", "status": "processing",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}]},
    ],
}


class Undo(Exception):
    """Raised to roll a path back, so the other path starts from the same store."""


@pytest.fixture(autouse=True)
def frozen(settings: Any, tmp_path: Path) -> Any:
    settings.MEDIA_ROOT = str(tmp_path)
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def shop() -> dict[str, Customer]:
    return build_store({"store": STORE}, NOW)


@pytest.fixture
def alice(shop: dict[str, Customer]) -> User:
    roles_ensure()
    user = User.objects.create_user("alice", password="pw-alice", is_staff=True)
    user.groups.add(Group.objects.get(name=AGENTS))
    return User.objects.get(pk=user.pk)


def say(text: str) -> None:
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=OLA, text=text, external_id=uuid.uuid4().hex))
    assert message is not None
    with captured():
        services.message_process(message.pk)
    clock.advance(timedelta(seconds=30))


@pytest.fixture
def final_sale(shop: dict[str, Customer]) -> Handoff:
    """Ola wants to send back the final-sale dress: the bot may not, so it hands over
    with the return it would have made."""
    say("hiya, can i send the sequin dress from order 9005 back? it doesnt suit me at all")
    return Handoff.objects.select_related("conversation__customer").get(
        conversation__customer__identities__external_id=OLA)


def conversation_of(handoff: Handoff) -> Conversation:
    return Conversation.objects.select_related("customer").get(pk=handoff.conversation_id)


def store_writes(run: Any) -> tuple[list[dict[str, Any]], list[tuple[Any, ...]]]:
    """The consequential writes `run` makes (as the scenario runner sees them) and the
    returns and refunds it creates, field by field; then everything is rolled back."""
    before = scenario_writes.snapshot()
    returns_before = set(Return.objects.values_list("pk", flat=True))
    refunds_before = set(Refund.objects.values_list("pk", flat=True))
    try:
        with transaction.atomic():
            run()
            writes = scenario_writes.writes_between(before, scenario_writes.snapshot())
            rows = [
                *[("return", r.number, r.resolution, r.status, r.tracking_number,
                   sorted((i.order_item.variant.sku, i.quantity) for i in r.items.all()))
                  for r in Return.objects.exclude(pk__in=returns_before)],
                *[("refund", r.order.number, r.amount, r.method, r.status)
                  for r in Refund.objects.exclude(pk__in=refunds_before)],
            ]
            raise Undo
    except Undo:
        pass
    return writes, rows


def test_the_handoff_carries_the_return_the_bot_would_have_made(final_sale):
    dress = Order.objects.get(number="9005").items.get(variant__sku="DRESS-SEQ-8")

    assert final_sale.packet["proposed"] == {
        "kind": "return", "order": "9005", "items": [dress.pk], "resolution": "refund",
        "reason": ""}
    pending = selectors.pending_decision_get(final_sale)
    assert pending.proposed == actions.OpenReturn("9005", (actions.ReturnItem(dress.pk),),
                                                  resolution="refund",
                                                  reason=pending.proposed.reason)
    assert [i.variant.sku for i in pending.items] == ["DRESS-SEQ-8"]


def test_an_agents_approval_writes_what_the_shoppers_own_yes_writes(final_sale, alice):
    pending = selectors.pending_decision_get(final_sale)
    action = actions.action_with_option(pending.proposed, "store_credit")
    conversation = conversation_of(final_sale)

    approved = store_writes(lambda: inbox.decision_approve(final_sale, alice,
                                                           option="store_credit"))

    def shopper_says_yes() -> None:
        # The same return, where the shop's policy lets the bot take final-sale items back.
        ShopPolicy.objects.update(final_sale_returnable=True)
        execute({"conversation_id": conversation.pk}, actions.action_to_dict(action))

    confirmed = store_writes(shopper_says_yes)

    assert approved == confirmed
    assert approved[0] == [{"kind": "return", "order": "9005", "resolution": "store_credit",
                            "skus": ["DRESS-SEQ-8"]}]
    assert approved[1] == [
        ("return", "R-9005-1", "store_credit", "label_sent", approved[1][0][4],
         [("DRESS-SEQ-8", 1)]),
        ("refund", "9005", Decimal("45.00"), "store_credit", "completed")]


def test_a_second_yes_replays_the_first_and_writes_nothing_more(shop):
    conversation = _verified_conversation(shop["ola"])
    state = {"conversation_id": conversation.pk}
    cancel = actions.action_to_dict(actions.CancelOrder("9006", reason="changed my mind"))

    first = execute(state, cancel)
    before = scenario_writes.snapshot()
    again = execute(state, cancel)

    assert first == again
    assert first["replies"][0]["text"] == (
        "Done — order #9006 is cancelled. £25.00 is on its way back to your original payment "
        "method; banks usually show it within 3–5 working days.")
    assert scenario_writes.writes_between(before, scenario_writes.snapshot()) == []
    assert Refund.objects.filter(order__number="9006").count() == 1
    assert ActionRecord.objects.filter(kind="cancel", order_number="9006").count() == 1


def test_an_approval_clicked_twice_runs_once(final_sale, alice):
    inbox.decision_approve(final_sale, alice, option="refund")
    before = scenario_writes.snapshot()

    with pytest.raises(inbox.InboxRefused, match="Nothing on this case is waiting"):
        inbox.decision_approve(final_sale, alice, option="store_credit")

    assert scenario_writes.writes_between(before, scenario_writes.snapshot()) == []
    assert Return.objects.filter(order__number="9005").count() == 1


def test_the_executor_keys_its_writes_whoever_calls_it_again(shop):
    tee = Order.objects.get(number="9007").items.get()
    ret = actions.OpenReturn("9007", (actions.ReturnItem(tee.pk, quantity=1),),
                             resolution="store_credit")
    refund = actions.IssueRefund("9007", Decimal("5.00"), reason="Gesture")

    results = [actions.action_execute(a, customer=shop["ola"], actor="bot", key=f"k:{a.kind}")
               for a in (ret, refund, ret, refund)]

    assert results[0] == results[2] and results[1] == results[3]
    assert results[0].facts["return"] == "R-9007-1"
    assert Return.objects.count() == 1
    assert list(Refund.objects.values_list("amount", "method").order_by("pk")) == [
        (Decimal("25.00"), "store_credit"), (Decimal("5.00"), "original_payment")]


def test_a_refused_action_writes_nothing_and_the_refusal_is_recorded(final_sale, shop):
    conversation = conversation_of(final_sale)
    proposed = selectors.pending_decision_get(final_sale).proposed
    before = scenario_writes.snapshot()

    said = execute({"conversation_id": conversation.pk}, actions.action_to_dict(proposed))

    assert said["replies"][0]["text"].startswith("I couldn't do that: ")
    assert scenario_writes.writes_between(before, scenario_writes.snapshot()) == []
    assert not ActionRecord.objects.exists()
    assert PolicyDecision.objects.filter(conversation=conversation).last().rule == \
        "return.final_sale"
    with pytest.raises(ActionRefused) as refused:
        actions.action_execute(actions.CancelOrder("7001"), customer=shop["ola"],
                               actor="bot", key="k:not-hers")
    assert refused.value.decision.rule == "identity.not_owner"
    with pytest.raises(ActionRefused) as refused:
        actions.action_execute(actions.ChangeAddress("9005", "2 New St", "Leeds", "LS1 1AA"),
                               customer=shop["ola"], actor="bot", key="k:address")
    assert refused.value.decision.rule == "address.already_shipped"
    assert scenario_writes.writes_between(before, scenario_writes.snapshot()) == []


@pytest.mark.parametrize("action", [
    actions.CancelOrder("1042", reason="too late"),
    actions.ChangeAddress("1042", "1 New St", "Leeds", "LS1 1AA", line2="Flat 2",
                          country="GB"),
    actions.ChangeItems("1042", ((3, "TEE-BLK-L"), (7, "TEE-BLK-S"))),
    actions.ChangePaymentMethod("1042", 12),
    actions.OpenReturn("1042", (actions.ReturnItem(3), actions.ReturnItem(4, 1, "TEE-BLK-L")),
                       resolution="exchange", reason="size"),
    actions.IssueRefund("1042", Decimal("12.50"), method="store_credit", reason="gesture"),
    actions.GiveApologyCode("1042", 10),
    actions.ResolveMissingParcel("1042", "refund"),
])
def test_an_action_comes_back_from_its_serialised_form_unchanged(action):
    assert actions.action_from_dict(actions.action_to_dict(action)) == action


@pytest.mark.parametrize(("data", "error"), [
    ({"kind": "teleport", "order": "1"}, "Unknown action kind 'teleport'"),
    ({"kind": "cancel"}, "The action needs 'order'"),
    ({"kind": "return", "order": "1", "items": []}, "A return needs at least one item"),
    ({"kind": "return", "order": "1", "items": [3], "resolution": "swap"},
     "Unknown resolution 'swap'"),
    ({"kind": "refund", "order": "1", "amount": "-5"}, "must be more than zero"),
    ({"kind": "change_payment", "order": "1", "method": True}, "'method' must be a whole"),
    ({"kind": "address", "order": "1", "address": {"city": "Leeds"}}, "needs 'line1'"),
])
def test_a_malformed_action_is_refused_with_what_is_wrong(data, error):
    with pytest.raises(actions.ActionInvalid, match=error):
        actions.action_from_dict(data)


def _verified_conversation(customer: Customer) -> Conversation:
    return Conversation.objects.create(customer=customer, channel="whatsapp",
                                       verified_at=NOW, verified_via="phone")
