"""The scenario contract's extensions (shared/contracts/SCENARIOS.md, "Extensions"): payment
methods, languages, consents and back-in-stock wishes in the store; events as turns; the
final `orders.items`, `paid_with`, `exchange_skus`, `sent` and `actions` checks; the
wrong-write count; and values YAML turned into booleans.

Where a test needs the bot to write something, a stand-in bot does exactly that write, so
what is under test is the runner, whatever the real bot says."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command

from campaigns import services as alert_services
from commerce import services as commerce_services
from commerce.models import (
    BackInStockSubscription,
    DiscountCode,
    Order,
    OrderItem,
    PaymentMethod,
    Refund,
    Return,
    ReturnItem,
    TrackingEvent,
    Variant,
)
from conversations import services as conversation_services
from conversations.models import Conversation, Handoff, Message
from conversations.services import Reply
from core.models import Customer, MarketingConsent
from devtools import scenario_writes, scenarios
from devtools.management.commands import run_scenarios

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

STORE = """\
now: "2026-11-20T10:00:00Z"
store:
  customers:
    - ref: maya
      name: Maya Patel
      email: maya@example.com
      phone: "+447700900123"
      postcode: "SW1A 1AA"
      language: es
      payment_methods:
        - {id: visa-4242, kind: card, brand: visa, last4: "4242"}
        - {id: pp-maya, kind: paypal}
        - {id: gc-maya, kind: gift_card, balance: "40.00"}
      consents: [{channel: whatsapp, purpose: back_in_stock}]
  products:
    - {sku: TEE-BLK-M, name: Classic Tee, options: {size: M}, price: "25.00", stock: 10}
    - {sku: TEE-BLK-S, name: Classic Tee, options: {size: S}, price: "25.00", stock: 4}
    - {sku: TEE-BLK-L, name: Classic Tee, options: {size: L}, price: "25.00", stock: 0}
  orders:
    - number: "1042"
      customer: maya
      placed: "-1d"
      status: processing
      paid_with: pp-maya
      items: [{sku: TEE-BLK-M, qty: 2}]
      shipping_address: {line1: "1 Example Road", city: London, postcode: "SW1A 2AA"}
    - number: "1043"
      customer: maya
      placed: "-5d"
      status: shipped
      items: [{sku: TEE-BLK-S, qty: 1}]
      shipment:
        carrier: ups
        tracking_number: "1Z999AA10123456784"
        events: [{at: "-4d", status: label_created, location: "London, GB"}]
    - number: "1044"
      customer: maya
      placed: "-20d"
      status: delivered
      items: [{sku: TEE-BLK-S, qty: 1}]
  subscriptions: [{customer: maya, sku: TEE-BLK-L}]
"""


def scenario(name: str, turns: str, expect: str = "", channel: str = "whatsapp") -> str:
    return (f"name: {name}\n" + STORE + f"conversation:\n  channel: {channel}\n"
            '  from: {phone: "+447700900123"}\n  turns:\n' + turns
            + (f"expect:\n{expect}" if expect else ""))


def _run(monkeypatch: pytest.MonkeyPatch, *paths: Path,
         report: Path | None = None) -> tuple[int, str, str]:
    # The test database is already migrated and empty; each scenario rolls itself back.
    monkeypatch.setattr(run_scenarios, "scenario_database", lambda: None)
    out, err = StringIO(), StringIO()
    extra = ["--json", str(report)] if report else []
    with pytest.raises(SystemExit) as exit_:
        call_command("run_scenarios", *map(str, paths), *extra, stdout=out, stderr=err)
    return int(exit_.value.code), out.getvalue(), err.getvalue()


def stand_in_bot(monkeypatch: pytest.MonkeyPatch,
                 act: Callable[[str], str | None] = lambda text: None) -> None:
    """The bot replies with what `act` returns for the shopper's text (after doing it)."""
    def bot_turn(conversation: Conversation, message: Message) -> list[Reply]:
        return [Reply(act(message.text) or "Thanks, noted.")]

    monkeypatch.setattr("agents.runner.bot_turn", bot_turn)


def cancel_1042(text: str) -> str | None:
    if text == "cancel 1042":
        order = Order.objects.get(number="1042")
        commerce_services.order_cancel(order, order.customer, key="test:cancel:1042")
        return "Order 1042 is cancelled."
    return None


def run_file(tmp_path: Path, text: str) -> scenarios.Outcome:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return scenarios.run(scenarios.load(path))


# --- Store ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_payment_methods_language_consents_and_wishes_are_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)

    outcome = run_file(tmp_path, scenario("store", '    - user: "hola"\n'))

    assert outcome.passed, outcome.failure
    maya = Customer.objects.get(email="maya@example.com")
    assert maya.language == "es"
    assert maya.marketing_consent is True
    assert list(MarketingConsent.objects.values_list("customer__email", "channel", "purpose")) \
        == [("maya@example.com", "whatsapp", "back_in_stock")]
    assert list(PaymentMethod.objects.order_by("pk").values_list(
        "ref", "kind", "brand", "last4", "balance")) == [
        ("visa-4242", "card", "visa", "4242", None), ("pp-maya", "paypal", "", "", None),
        ("gc-maya", "gift_card", "", "", Decimal("40.00"))]
    # paid_with names a method; without it an order is paid with the customer's card.
    assert dict(Order.objects.values_list("number", "paid_with__ref")) == {
        "1042": "pp-maya", "1043": "visa-4242", "1044": "visa-4242"}
    assert list(Order.objects.get(number="1042").payments.values_list("method", "amount")) == [
        ("paypal", Decimal("50.00"))]
    assert list(BackInStockSubscription.objects.values_list(
        "customer__email", "variant__sku", "channel")) == [
        ("maya@example.com", "TEE-BLK-L", "whatsapp")]


@pytest.mark.django_db
def test_an_order_of_a_customer_without_payment_methods_is_paid_with_a_default_card(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    text = scenario("no-methods", '    - user: "hi"\n').replace(
        "      payment_methods:\n", "      old_payment_methods:\n").replace(
        "      paid_with: pp-maya\n", "")

    outcome = run_file(tmp_path, text)

    assert outcome.passed, outcome.failure
    assert list(PaymentMethod.objects.values_list("ref", "kind", "brand", "last4")) == [
        ("card", "card", "visa", "4242")]
    assert set(Order.objects.values_list("paid_with__ref", flat=True)) == {"card"}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "message"), [
    (("paid_with: pp-maya", "paid_with: amex-1005"),
     "order 1042: paid_with 'amex-1005' is not one of the customer's payment methods "
     "(visa-4242, pp-maya, gc-maya)"),
    (("kind: paypal}", "kind: cheque}"),
     "store.customers[0].payment_methods[1].kind: 'cheque' is not one of"),
    (("language: es", "language: spanish"),
     "store.customers[0].language: 'spanish' is not a two-letter language code"),
    (("sku: TEE-BLK-L}]", "sku: TEE-BLK-XL}]"),
     "store.subscriptions[0]: unknown sku 'TEE-BLK-XL'"),
])
def test_a_store_extension_that_cannot_be_built_is_a_clear_error(
        tmp_path: Path, change: tuple[str, str], message: str) -> None:
    text = scenario("bad", '    - user: "hi"\n').replace(*change)

    with pytest.raises(scenarios.ScenarioError) as error:
        run_file(tmp_path, text)

    assert str(error.value).startswith(message)


@pytest.mark.django_db
def test_an_article_carries_the_translations_the_shop_wrote() -> None:
    from commerce.models import Article

    scenarios.build_store({"store": {"articles": [{
        "title": "Resetting your password", "topic": "account", "body": "Click 'Forgot'.",
        "translations": {"it": {"title": "Reimpostare la password",
                                "body": "Clicca su 'Dimenticata'."}}}]}},
        scenarios.moment("2026-11-20T10:00:00Z", None))

    assert Article.objects.get().translations == {
        "it": {"title": "Reimpostare la password", "body": "Clicca su 'Dimenticata'."}}
    with pytest.raises(scenarios.ScenarioError, match=r"store.articles\[0\].translations.it"):
        scenarios.build_store({"store": {"articles": [{
            "title": "Other", "body": "x", "translations": {"it": {"title": "Altro"}}}]}},
            scenarios.moment("2026-11-20T10:00:00Z", None))


# --- Events --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_restock_is_saved_the_way_the_admin_saves_it_and_what_the_bot_sends_is_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a shopper waiting for the tee in L, with consent on WhatsApp, who wrote today
    stand_in_bot(monkeypatch)
    turns = ('    - user: "hola"\n'
             "    - event: {restock: {sku: TEE-BLK-L, stock: 5}}\n"
             '      expect: {says: ["Classic Tee (L)"]}\n')

    # When the restock is saved (through the admin's save, which starts its campaign)
    outcome = run_file(tmp_path, scenario("restock", turns,
                                          "  sent: [{customer: maya, channel: whatsapp, "
                                          "template: back_in_stock}]\n"))

    # Then the stock is saved, and the alert, in her language, counts as sent on its own
    assert outcome.passed, outcome.failure
    assert Variant.objects.get(sku="TEE-BLK-L").stock == 5
    [alert] = outcome.turns[1].replies
    assert alert.startswith("Buenas noticias, Maya: Classic Tee (L) vuelve a estar "
                            "disponible, 25,00\xa0GBP. Solo quedan 5 por ahora: ")
    assert [(m["customer"], m["channel"], m["template"]) for m in outcome.sent] == [
        ("maya", "whatsapp", "back_in_stock")]


@pytest.mark.django_db
def test_an_event_after_which_the_bot_sends_nothing_fails_a_says_and_a_sent_expectation(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    # A variant already in stock gets more: no rise from 0, nobody to tell.
    turns = ("    - event: {restock: {sku: TEE-BLK-S, stock: 9}}\n"
             '      expect: {says: ["Classic Tee"]}\n')

    outcome = run_file(tmp_path, scenario(
        "silent", turns, "  sent: [{customer: maya, channel: whatsapp, template: "
                         "back_in_stock}]\n"))

    assert not outcome.passed
    assert outcome.failure == "turn 1: expected the reply to say 'Classic Tee', it said ''"
    assert outcome.sent == []
    assert Variant.objects.get(sku="TEE-BLK-S").stock == 9


@pytest.mark.django_db
def test_a_tracking_event_is_stored_as_a_carrier_update(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    turns = ('    - user: "hola"\n'
             '    - event: {tracking: {order: 1043, status: exception, exception: customs_hold,'
             ' location: "Leipzig, DE", detail: "Held for inspection"}}\n')

    outcome = run_file(tmp_path, scenario("tracking", turns))

    assert outcome.passed, outcome.failure
    assert list(TrackingEvent.objects.order_by("at").values_list(
        "at", "status", "exception", "location", "detail")) == [
        (NOW - timedelta(days=4), "label_created", "", "London, GB", ""),
        # the clock moved on 30 s after the first turn, and the bot took a second to reply
        (NOW + timedelta(seconds=31), "exception", "customs_hold", "Leipzig, DE",
         "Held for inspection")]


@pytest.mark.django_db
@pytest.mark.parametrize(("advance", "delivery"), [("3d", "sent"), ("20s", "pending")])
def test_advancing_the_clock_runs_the_scheduled_work_that_falls_due(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, advance: str, delivery: str) -> None:
    # Given a WhatsApp reply still waiting in the outbox (nothing commits in a scenario)
    stand_in_bot(monkeypatch)
    turns = ('    - user: "hola"\n'
             f"    - event: {{advance: {advance}}}\n"
             '    - user: "sigues ahí?"\n')

    # When the clock moves on
    outcome = run_file(tmp_path, scenario("advance", turns))

    # Then the minute-by-minute outbox recovery has delivered it (captured), or not yet
    assert outcome.passed, outcome.failure
    first_reply = Message.objects.filter(direction="out").order_by("pk").first()
    assert first_reply.delivery == delivery
    later = Message.objects.filter(direction="in").order_by("pk").last()
    assert later.created_at == NOW + timedelta(seconds=61) + scenarios.duration(advance, "")


@pytest.mark.django_db
def test_a_reply_is_checked_for_its_language(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch, lambda text: "¡Gracias! Tu pedido está en camino, hasta pronto."
                 if text == "gracias" else "Thank you, your order is on its way.")
    turns = ('    - user: "gracias"\n      expect: {language: es}\n'
             '    - user: "thanks"\n      expect: {language: es}\n')

    outcome = run_file(tmp_path, scenario("language", turns))

    assert [t.language for t in outcome.turns] == ["es", "en"]
    assert outcome.failure == ("turn 2: expected the reply in es, it was in en: "
                               "'Thank you, your order is on its way.'")


# --- Final expectations --------------------------------------------------------------


@pytest.mark.django_db
def test_order_items_and_payment_method_are_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    good = ('  orders: {"1042": {status: processing, paid_with: pp-maya, '
            "items: [{sku: TEE-BLK-M, qty: 2}]}}\n")
    bad = ('  orders: {"1042": {paid_with: visa-4242, '
           "items: [{sku: TEE-BLK-S, qty: 1}]}}\n")

    passing = run_file(tmp_path, scenario("good", '    - user: "hi"\n', good))
    expect = scenarios.load_text(scenario("bad", '    - user: "hi"\n', bad))["expect"]
    failing = scenarios.check_final(expect, 0, 0)

    assert passing.passed, passing.failure
    assert failing == ["expected order 1042 items [1 x TEE-BLK-S], got [2 x TEE-BLK-M]",
                       "expected order 1042 paid_with visa-4242, got pp-maya"]


@pytest.mark.django_db
def test_a_return_is_checked_for_the_skus_it_exchanges_for(tmp_path: Path) -> None:
    scenarios.build_store(scenarios.load_text(scenario("x", '    - user: "hi"\n')), NOW)
    order = Order.objects.get(number="1042")
    ret = Return.objects.create(order=order, number="R-1042-1", status="label_sent",
                                resolution="exchange", idempotency_key="test:exchange")
    ReturnItem.objects.create(return_request=ret, order_item=order.items.get(),
                              exchange_for=Variant.objects.get(sku="TEE-BLK-S"))

    right = scenarios.check_final({"returns": [
        {"order": "1042", "skus": ["TEE-BLK-M"], "resolution": "exchange",
         "exchange_skus": ["TEE-BLK-S"]}]}, 0, 0)
    wrong = scenarios.check_final({"returns": [
        {"order": "1042", "exchange_skus": ["TEE-BLK-L"]}]}, 0, 0)

    assert right == []
    assert wrong == [
        "expected a return {'order': '1042', 'exchange_skus': ['TEE-BLK-L']}, got "
        "[{'order': '1042', 'skus': ['TEE-BLK-M'], 'resolution': 'exchange', 'label': False, "
        "'exchange_skus': ['TEE-BLK-S']}]"]


@pytest.mark.django_db
def test_a_handoff_for_an_unsupported_request_is_a_known_reason(tmp_path: Path) -> None:
    customers = scenarios.build_store(scenarios.load_text(scenario("x", '    - user: "hi"\n')), NOW)
    conversation = conversation_services.conversation_open_for(customers["maya"], "whatsapp")
    Handoff.objects.create(conversation=conversation, reason="unsupported_request")

    assert scenarios.check_final({"handoff": {"reason": "unsupported_request"}}, 0, 0) == []
    assert scenarios.check_final({"handoff": {"reason": "customer_request"}}, 0, 0) == [
        "expected handoff customer_request, got handoff unsupported_request"]


# --- Actions and wrong writes --------------------------------------------------------


@pytest.mark.django_db
def test_a_write_not_in_actions_is_a_wrong_write_and_fails_the_scenario(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a bot that cancels order 1042 when asked
    stand_in_bot(monkeypatch, cancel_1042)
    turns = '    - user: "cancel 1042"\n'
    (tmp_path / "a-none-allowed.yaml").write_text(scenario("none-allowed", turns,
                                                           "  actions: []\n"))
    (tmp_path / "b-listed.yaml").write_text(scenario(
        "listed", turns, '  actions: [{kind: cancel_order, order: "1042"}]\n'))
    (tmp_path / "c-unstated.yaml").write_text(scenario("unstated", turns,
                                                       "  handoff: false\n"))
    (tmp_path / "d-other-order.yaml").write_text(scenario(
        "other-order", turns, '  actions: [{kind: cancel_order, order: "1043"}]\n'))
    report = tmp_path / "report.json"

    # When the scenarios run
    code, out, err = _run(monkeypatch, *sorted(tmp_path.glob("*.yaml")), report=report)

    # Then only the scenarios stating actions count the cancellation they didn't list
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        "FAIL none-allowed: wrong write: cancel_order on order 1042 (not in expect.actions)",
        "PASS listed",
        "PASS unstated",
        "FAIL other-order: wrong write: cancel_order on order 1042 (not in expect.actions); "
        "and expected the action cancel_order on order 1043, which was not made (writes "
        "made: cancel_order on order 1042)",
        "2 passed, 2 failed, 2 wrong writes",
    ]
    written = json.loads(report.read_text())
    assert [(s["name"], s["actions"], s["wrong_writes"]) for s in written] == [
        ("none-allowed", [{"kind": "cancel_order", "order": "1042"}],
         [{"kind": "cancel_order", "order": "1042"}]),
        ("listed", [{"kind": "cancel_order", "order": "1042"}], []),
        ("unstated", [{"kind": "cancel_order", "order": "1042"}], []),
        ("other-order", [{"kind": "cancel_order", "order": "1042"}],
         [{"kind": "cancel_order", "order": "1042"}]),
    ]
    assert written[0]["turns"][0]["user"] == "cancel 1042"


@pytest.mark.django_db
def test_events_are_not_writes_but_what_the_shop_does_in_reaction_to_one_is(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    turns = ("    - event: {restock: {sku: TEE-BLK-L, stock: 5}}\n"
             '    - event: {tracking: {order: "1043", status: in_transit}}\n'
             "    - event: {advance: 2d}\n")
    quiet = tmp_path / "quiet.yaml"
    quiet.write_text(scenario("quiet-world", turns, "  actions: []\n"))

    # Given nothing reacts to the events, they are no writes at all
    assert _run(monkeypatch, quiet)[:2] == (0, "PASS quiet-world\n1 passed, 0 failed, "
                                               "0 wrong writes\n")

    # Given a restock that hands out a discount code, that code is a write
    model_admin = admin.site.get_model_admin(Variant)
    saved = model_admin.save_model

    def save_model(request: object, obj: Variant, form: object, change: bool) -> None:
        saved(request, obj, form, change)
        DiscountCode.objects.create(code="BACK10", kind="percent", value=Decimal(10))

    monkeypatch.setattr(model_admin, "save_model", save_model)
    assert _run(monkeypatch, quiet)[:2] == (
        1, "FAIL quiet-world: wrong write: discount_code (BACK10) (not in expect.actions)\n"
           "0 passed, 1 failed, 1 wrong writes\n")


@pytest.mark.django_db
def test_an_action_the_bot_did_not_make_fails_without_a_wrong_write(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    (tmp_path / "s.yaml").write_text(scenario(
        "missing", '    - user: "cancel 1042"\n',
        '  actions: [{kind: cancel_order, order: "1042"}]\n'))

    code, out, _ = _run(monkeypatch, tmp_path / "s.yaml")

    assert code == 1
    assert out.splitlines() == [
        "FAIL missing: expected the action cancel_order on order 1042, which was not made "
        "(writes made: none)",
        "0 passed, 1 failed, 0 wrong writes"]


@pytest.mark.django_db
def test_each_consequential_write_is_found_by_comparing_the_store() -> None:
    # Given a store
    customers = scenarios.build_store(scenarios.load_text(scenario("x", '    - user: "hi"\n')), NOW)
    maya = customers["maya"]
    before = scenario_writes.snapshot()
    first, second, third = (Order.objects.get(number=n) for n in ("1042", "1043", "1044"))

    # When every kind of consequential write is made
    commerce_services.order_cancel(first, maya, key="t:cancel")  # refunds what was paid
    Order.objects.filter(pk=second.pk).update(ship_line1="2 New Street", ship_postcode="E1 6AN",
                                              paid_with=PaymentMethod.objects.get(ref="gc-maya"))
    OrderItem.objects.filter(order=second).update(quantity=2)
    for number, resolution in (("R-1044-1", "exchange"), ("R-1044-2", "store_credit")):
        Return.objects.create(order=third, number=number, status="label_sent",
                              resolution=resolution, idempotency_key=number)
    returned = Return.objects.get(number="R-1044-2")
    Refund.objects.create(order=third, return_request=returned, amount=Decimal("25.00"),
                          method="store_credit", status="completed", idempotency_key="t:r1")
    for key, method in (("t:r2", "original_payment"), ("t:r3", "store_credit")):
        Refund.objects.create(order=third, amount=Decimal("5.00"), method=method,
                              status="processing", idempotency_key=key)
    Refund.objects.create(order=second, amount=Decimal("1.00"), method="original_payment",
                          status="processing", idempotency_key="t:items-difference")
    DiscountCode.objects.create(code="SORRY-1043", kind="percent", value=Decimal(10))
    BackInStockSubscription.objects.filter(variant__sku="TEE-BLK-L").delete()
    alert_services.stock_alert_subscribe(maya, Variant.objects.get(sku="TEE-BLK-S"),
                                         "whatsapp", wording="Tell me", source="chat")
    commerce_services.reship_create(second, key="t:reship")

    # Then each is found once; the refunds a cancellation or a change of items makes are
    # part of that operation
    writes = scenario_writes.writes_between(before, scenario_writes.snapshot())
    assert writes == [
        {"kind": "cancel_order", "order": "1042"},
        {"kind": "change_address", "order": "1043", "fields": ["line1", "postcode"]},
        {"kind": "change_items", "order": "1043", "items": [{"sku": "TEE-BLK-S", "qty": 2}]},
        {"kind": "change_payment", "order": "1043"},
        {"kind": "reship", "order": "1043-R"},
        {"kind": "exchange", "order": "1044", "resolution": "exchange", "skus": []},
        {"kind": "return", "order": "1044", "resolution": "store_credit", "skus": []},
        {"kind": "refund", "order": "1044", "amount": "5.00"},
        {"kind": "store_credit", "order": "1044", "amount": "5.00"},
        {"kind": "discount_code", "code": "SORRY-1043"},
        {"kind": "back_in_stock_subscribe", "sku": "TEE-BLK-S"},
        {"kind": "back_in_stock_unsubscribe", "sku": "TEE-BLK-L"},
    ]
    assert Refund.objects.filter(order=first).count() == 1


def test_expected_actions_match_writes_by_kind_order_and_sku() -> None:
    writes = [{"kind": "cancel_order", "order": "1042"},
              {"kind": "cancel_order", "order": "1043"},
              {"kind": "back_in_stock_subscribe", "sku": "TEE-BLK-L"},
              {"kind": "return", "order": "1043", "skus": ["TEE-BLK-S"]}]

    missing, extra = scenario_writes.compare(
        [{"kind": "cancel_order"}, {"kind": "cancel_order", "order": "1042"},
         {"kind": "back_in_stock_subscribe"}, {"kind": "return", "order": "1043",
                                               "sku": "TEE-BLK-M"}], writes)

    assert missing == [{"kind": "return", "order": "1043", "sku": "TEE-BLK-M"}]
    assert extra == [{"kind": "return", "order": "1043", "skus": ["TEE-BLK-S"]}]


# --- Values YAML turned into booleans --------------------------------------------------


@pytest.mark.django_db
def test_a_country_yaml_read_as_false_makes_the_file_invalid_and_the_others_still_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in_bot(monkeypatch)
    (tmp_path / "a-norway.yaml").write_text(scenario("norway", '    - user: "hi"\n').replace(
        'postcode: "SW1A 2AA"}', 'postcode: "0150", country: NO}'))
    (tmp_path / "b-fine.yaml").write_text(scenario("fine", '    - user: "hi"\n'))

    code, out, err = _run(monkeypatch, tmp_path)

    assert code == 2
    assert out.splitlines() == ["PASS fine", "1 passed, 0 failed, 0 wrong writes"]
    assert err.splitlines() == [
        f"{tmp_path / 'a-norway.yaml'}: not a valid scenario: store.orders[0]."
        'shipping_address.country: got the boolean false; quote it ("NO")']


@pytest.mark.parametrize(("change", "message"), [
    (('postcode: "SW1A 2AA"}', "postcode: no}"),
     'store.orders[0].shipping_address.postcode: got the boolean false; quote it ("no")'),
    (("{sku: TEE-BLK-L, name", "{sku: ON, name"),
     'store.products[2].sku: got the boolean true; quote it ("ON")'),
    (('- user: "hi"', "- user: yes"),
     'conversation.turns[0].user: got the boolean true; quote it ("yes")'),
    (('- user: "hi"', '- user: "hi"\n      expect: {never_says: [no]}'),
     'conversation.turns[0].expect.never_says[0]: got the boolean false; quote it ("no")'),
    (("  handoff: false", '  orders: {"1042": cancelled}'),
     'expect.orders must map order numbers to what is expected of each, e.g. '
     '{"1042": {status: shipped}}'),
    (('phone: "+447700900123"\n      postcode', "phone:\n      postcode"),
     "store.customers[0].phone: got nothing (null); give it a value"),
])
def test_a_value_where_it_cannot_be_used_is_named_by_its_path(
        change: tuple[str, str], message: str) -> None:
    text = scenario("flags", '    - user: "hi"\n', "  handoff: false\n").replace(*change)

    with pytest.raises(scenarios.ScenarioError) as error:
        scenarios.load_text(text)

    assert str(error.value) == message


def test_numbers_where_text_belongs_are_taken_as_written_and_booleans_kept_where_they_belong(
        ) -> None:
    text = scenario("numbers", '    - user: 1042\n', "  handoff: no\n").replace(
        'last4: "4242"', "last4: 0042").replace('phone: "+447700900123"', "phone: +447700900123")

    data = scenarios.load_text(text)

    assert data["conversation"]["turns"][0]["user"] == "1042"
    customer = data["store"]["customers"][0]
    assert (customer["phone"], customer["payment_methods"][0]["last4"]) == (
        "+447700900123", "0042")
    assert data["expect"]["handoff"] is False
    assert data["store"]["products"][0]["stock"] == 10
