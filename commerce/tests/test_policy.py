"""The shop's policy functions: each branch returns the decision, the rule that made it and
what follows. The functions are plain functions of data, so these tests hand them plain
stand-ins for orders, items and scans and need no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from commerce import policy as rules
from commerce.models import ExceptionKind, OrderStatus, ShipmentStatus, ShopPolicy

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def order(status: str = OrderStatus.DELIVERED, total: str = "25.00") -> Any:
    return SimpleNamespace(status=status, total=Decimal(total))


def item(pk: int = 1, price: str = "25.00", qty: int = 1, final_sale: bool = False,
         sku: str = "TEE-BLK-M") -> Any:
    return SimpleNamespace(pk=pk, unit_price=Decimal(price), quantity=qty,
                           final_sale=final_sale, variant=SimpleNamespace(sku=sku))


def scan(status: str, days_ago: float, exception: str = "") -> Any:
    return SimpleNamespace(status=status, at=NOW - timedelta(days=days_ago),
                           exception=exception)


def policy(**overrides: Any) -> ShopPolicy:
    return ShopPolicy(**overrides)


def returning(items: list[Any], *, status: str = OrderStatus.DELIVERED,
              delivered_days_ago: float | None = 5, resolution: str = "refund",
              returned: dict[int, int] | None = None, compensated: bool = False,
              **policy_overrides: Any) -> rules.Decision:
    events = ([] if delivered_days_ago is None
              else [scan(ShipmentStatus.DELIVERED, delivered_days_ago)])
    return rules.return_decision(order(status), items, policy(**policy_overrides), NOW, events,
                                 returned or {}, resolution, compensated)


# Cancel

@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.PROCESSING])
def test_it_allows_cancelling_an_order_that_has_not_shipped(status: str) -> None:
    decision = rules.cancel_decision(order(status))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "cancel.before_shipping", "proceed")


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED,
                                    OrderStatus.RETURNED])
def test_it_refuses_to_cancel_an_order_that_has_shipped(status: str) -> None:
    decision = rules.cancel_decision(order(status))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "cancel.already_shipped", "refuse")
    assert decision.handoff_reason is None


def test_it_refuses_to_cancel_an_order_twice() -> None:
    decision = rules.cancel_decision(order(OrderStatus.CANCELLED))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "cancel.already_cancelled", "refuse")


# Address change

@pytest.mark.parametrize("status", [OrderStatus.PENDING, OrderStatus.PROCESSING])
def test_it_allows_an_address_change_before_shipping(status: str) -> None:
    decision = rules.address_change_decision(order(status))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "address.before_shipping", "proceed")


def test_it_refuses_an_address_change_once_shipped() -> None:
    decision = rules.address_change_decision(order(OrderStatus.SHIPPED))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "address.already_shipped", "refuse")


def test_it_refuses_an_address_change_on_a_cancelled_order() -> None:
    decision = rules.address_change_decision(order(OrderStatus.CANCELLED))

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "address.order_cancelled", "refuse")


# Returns

def test_it_allows_a_return_within_the_window() -> None:
    decision = returning([item(price="25.00")], delivered_days_ago=10)

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "return.within_window", "proceed")
    assert decision.facts["window_days"] == 30
    assert decision.facts["value"] == "25.00"


def test_it_allows_a_return_on_the_last_day_of_the_window() -> None:
    decision = returning([item()], delivered_days_ago=30)

    assert (decision.allowed, decision.rule) == (True, "return.within_window")


def test_it_refunds_without_a_return_when_the_item_is_worth_no_more_than_the_postage() -> None:
    decision = returning([item(price="6.50")])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "return.keep_it", "proceed:keep_it")


def test_it_wants_the_item_back_when_it_is_worth_more_than_the_postage() -> None:
    decision = returning([item(price="6.51")])

    assert (decision.rule, decision.outcome) == ("return.within_window", "proceed")


def test_an_exchange_of_a_cheap_item_is_not_turned_into_a_keep_it_refund() -> None:
    decision = returning([item(price="5.00")], resolution="exchange")

    assert (decision.rule, decision.outcome) == ("return.within_window", "proceed")


def test_it_sends_a_final_sale_return_to_a_person() -> None:
    decision = returning([item(final_sale=True)])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.final_sale", "handoff:final_sale")
    assert decision.handoff_reason == "final_sale"


def test_final_sale_items_return_like_any_other_when_the_shop_allows_it() -> None:
    decision = returning([item(final_sale=True)], final_sale_returnable=True)

    assert (decision.allowed, decision.rule) == (True, "return.within_window")


def test_it_sends_a_refund_above_the_threshold_to_a_person() -> None:
    decision = returning([item(price="100.00", qty=2)])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "refund.above_threshold", "handoff:high_value")
    assert "£150.00" in decision.explanation


def test_a_refund_exactly_at_the_threshold_needs_no_person() -> None:
    decision = returning([item(price="150.00")])

    assert (decision.allowed, decision.rule) == (True, "return.within_window")


def test_an_exchange_above_the_threshold_needs_no_person() -> None:
    decision = returning([item(price="210.00")], resolution="exchange")

    assert (decision.allowed, decision.rule) == (True, "return.within_window")


def test_it_sends_a_late_return_to_a_person_when_the_shop_allows_exceptions() -> None:
    decision = returning([item()], delivered_days_ago=46, allow_exceptions=True)

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.outside_window", "handoff:outside_policy")
    assert "Wednesday 4 November" in decision.explanation


def test_it_refuses_a_late_return_when_the_shop_allows_no_exceptions() -> None:
    decision = returning([item()], delivered_days_ago=46, allow_exceptions=False)

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.outside_window", "refuse")
    assert decision.handoff_reason is None


def test_it_uses_the_shops_own_window() -> None:
    decision = returning([item()], delivered_days_ago=20, return_window_days=14,
                         allow_exceptions=False)

    assert (decision.rule, decision.outcome) == ("return.outside_window", "refuse")


def test_it_refuses_a_return_before_delivery() -> None:
    decision = returning([item()], status=OrderStatus.SHIPPED, delivered_days_ago=None)

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.not_delivered", "refuse")


@pytest.mark.parametrize(("status", "rule"), [
    (OrderStatus.PROCESSING, "return.not_shipped"),
    (OrderStatus.CANCELLED, "return.order_cancelled"),
    (OrderStatus.RETURNED, "return.already_returned"),
])
def test_it_refuses_a_return_of_an_order_in_the_wrong_state(status: str, rule: str) -> None:
    decision = returning([item()], status=status)

    assert (decision.allowed, decision.rule, decision.outcome) == (False, rule, "refuse")


def test_it_refuses_to_return_an_item_twice() -> None:
    decision = returning([item(pk=7)], returned={7: 1})

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.item_already_returned", "refuse")


# Missing parcels

def missing(events: list[Any], total: str = "25.00", **policy_overrides: Any
            ) -> rules.Decision:
    return rules.missing_parcel_decision(order(OrderStatus.DELIVERED, total), events,
                                         policy(**policy_overrides), NOW)


def test_it_offers_a_remedy_for_a_delivered_parcel_that_did_not_arrive() -> None:
    decision = missing([scan(ShipmentStatus.DELIVERED, 1)])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "missing.within_policy", "proceed")


def test_it_offers_a_remedy_for_a_low_value_parcel_the_carrier_lost() -> None:
    decision = missing([scan(ShipmentStatus.EXCEPTION, 1, ExceptionKind.LOST)])

    assert (decision.allowed, decision.rule) == (True, "missing.within_policy")


def test_it_sends_a_lost_high_value_parcel_to_a_person() -> None:
    decision = missing([scan(ShipmentStatus.EXCEPTION, 1, ExceptionKind.LOST)], total="180.00")

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "missing.high_value", "handoff:lost_high_value")


def test_it_sends_a_high_value_delivered_but_missing_parcel_to_a_person() -> None:
    decision = missing([scan(ShipmentStatus.DELIVERED, 1)], total="240.00")

    assert (decision.rule, decision.outcome) == ("missing.high_value",
                                                 "handoff:lost_high_value")


def test_a_parcel_still_on_its_way_is_not_missing() -> None:
    decision = missing([scan(ShipmentStatus.IN_TRANSIT, 1)])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "missing.not_delivered_yet", "refuse")


def test_a_claim_long_after_the_delivery_scan_goes_to_a_person() -> None:
    decision = missing([scan(ShipmentStatus.DELIVERED, rules.DELIVERY_CLAIM_DAYS + 1)])

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "missing.claim_window", "handoff:outside_policy")


# Late delivery

def test_it_offers_the_apology_code_when_a_parcel_is_late() -> None:
    decision = rules.late_decision(NOW - timedelta(days=2), None, NOW, policy())

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "late.apology_code", "proceed")
    assert decision.facts == {"percent": 10}


def test_a_parcel_delivered_after_the_promise_was_late() -> None:
    decision = rules.late_decision(NOW - timedelta(days=3), NOW - timedelta(days=1), NOW,
                                   policy(late_delivery_discount_percent=15))

    assert (decision.rule, decision.facts) == ("late.apology_code", {"percent": 15})


def test_a_parcel_before_its_promised_date_is_on_time() -> None:
    decision = rules.late_decision(NOW + timedelta(days=1), None, NOW, policy())

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "late.on_time", "refuse")


def test_without_a_promise_nothing_is_late() -> None:
    decision = rules.late_decision(None, None, NOW, policy())

    assert (decision.allowed, decision.rule) == (False, "late.no_promise")


# Refund approval

def test_a_refund_within_the_threshold_needs_no_person() -> None:
    decision = rules.refund_decision(Decimal("150.00"), policy())

    assert (decision.allowed, decision.rule, decision.outcome) == (
        True, "refund.within_threshold", "proceed")


def test_a_refund_above_the_threshold_needs_a_person() -> None:
    decision = rules.refund_decision(Decimal("150.01"), policy())

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "refund.above_threshold", "handoff:high_value")


def test_it_refuses_a_return_of_a_parcel_already_compensated_as_missing() -> None:
    decision = returning([item()], compensated=True)

    assert (decision.allowed, decision.rule, decision.outcome) == (
        False, "return.already_compensated", "refuse")
