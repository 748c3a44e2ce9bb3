"""The store's write services re-check ownership, order status and policy themselves,
whatever the caller (the bot, an agent, a task) already checked, and never act twice for
one idempotency key. The shop is built with the scenario format's store builder."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core import signing

from commerce import services
from commerce.labels_url import SALT, label_number, label_url
from commerce.models import Order, OrderStatus, Refund, Return, Variant
from core import clock
from core.models import Customer
from devtools.scenarios import build_store

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

STORE: dict[str, Any] = {
    "customers": [
        {"ref": "maya", "name": "Maya Patel", "email": "maya@example.com",
         "phone": "+447700900123", "postcode": "SW1A 1AA"},
        {"ref": "tom", "name": "Tom Baker", "email": "tom@example.org",
         "phone": "+447700900456", "postcode": "M1 1AE"},
    ],
    "products": [
        {"sku": "TEE-BLK-M", "name": "Classic Tee", "options": {"size": "M"},
         "price": "25.00", "stock": 10},
        {"sku": "TEE-BLK-L", "name": "Classic Tee", "options": {"size": "L"},
         "price": "25.00", "stock": 3},
        {"sku": "SOCK-WHT", "name": "Ankle Socks", "price": "5.50", "stock": 40},
        {"sku": "DRESS-SEQ-8", "name": "Sequin Dress", "price": "45.00", "stock": 1,
         "final_sale": True},
        {"sku": "COAT-CML-M", "name": "Wool Overcoat", "price": "240.00", "stock": 2},
    ],
    "orders": [
        {"number": "1001", "customer": "maya", "status": "processing", "placed": "-1d",
         "shipping_cost": "4.95", "items": [{"sku": "TEE-BLK-M", "qty": 2}],
         "shipping_address": {"line1": "1 Example Road", "city": "London",
                              "postcode": "SW1A 1AA"}},
        {"number": "1002", "customer": "maya", "status": "shipped", "placed": "-3d",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}],
         "shipment": {"carrier": "ups", "tracking_number": "1Z1002",
                      "events": [{"at": "-1d", "status": "in_transit",
                                  "location": "Birmingham, GB"}]}},
        {"number": "1003", "customer": "maya", "status": "delivered", "placed": "-8d",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}, {"sku": "SOCK-WHT", "qty": 1},
                   {"sku": "DRESS-SEQ-8", "qty": 1}, {"sku": "COAT-CML-M", "qty": 1}],
         "shipment": {"carrier": "dpd", "tracking_number": "DPD1003",
                      "events": [{"at": "-5d", "status": "delivered",
                                  "location": "London, GB"}]}},
        {"number": "1004", "customer": "maya", "status": "delivered", "placed": "-60d",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}],
         "shipment": {"carrier": "dpd", "tracking_number": "DPD1004",
                      "events": [{"at": "-50d", "status": "delivered",
                                  "location": "London, GB"}]}},
        {"number": "1005", "customer": "maya", "status": "delivered", "placed": "-4d",
         "items": [{"sku": "TEE-BLK-M", "qty": 1}],
         "shipment": {"carrier": "dpd", "tracking_number": "DPD1005",
                      "events": [{"at": "-1d", "status": "delivered",
                                  "location": "London, GB"}]}},
        {"number": "2001", "customer": "tom", "status": "processing", "placed": "-1d",
         "items": [{"sku": "TEE-BLK-L", "qty": 1}]},
    ],
}


@pytest.fixture
def shop(settings: Any, tmp_path: Path) -> Iterator[dict[str, Customer]]:
    settings.MEDIA_ROOT = str(tmp_path)
    with clock.frozen_at(NOW):
        yield build_store({"store": STORE}, NOW)


def order(number: str) -> Order:
    return Order.objects.get(number=number)


def line(number: str, sku: str, **kwargs: Any) -> services.ReturnLine:
    item = order(number).items.get(variant__sku=sku)
    return services.ReturnLine(item=item, quantity=item.quantity, **kwargs)


# Cancel

@pytest.mark.django_db
def test_it_cancels_a_processing_order_and_refunds_what_was_paid(shop: dict) -> None:
    services.order_cancel(order("1001"), shop["maya"], key="k-cancel")

    cancelled = order("1001")
    assert cancelled.status == OrderStatus.CANCELLED
    assert cancelled.cancelled_at == NOW
    assert [(r.amount, r.method) for r in cancelled.refunds.all()] == [
        (Decimal("54.95"), Refund.Method.ORIGINAL_PAYMENT)]
    assert Variant.objects.get(sku="TEE-BLK-M").stock == 12


@pytest.mark.django_db
def test_it_refuses_to_cancel_another_customers_order(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.order_cancel(order("2001"), shop["maya"], key="k-other")

    assert refused.value.decision.rule == "identity.not_owner"
    assert order("2001").status == OrderStatus.PROCESSING
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_cancel_a_shipped_order_even_when_called_directly(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.order_cancel(order("1002"), shop["maya"], key="k-shipped")

    assert refused.value.decision.rule == "cancel.already_shipped"
    assert order("1002").status == OrderStatus.SHIPPED
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_second_cancel_refunds_nothing_more(shop: dict) -> None:
    services.order_cancel(order("1001"), shop["maya"], key="k-cancel")

    with pytest.raises(services.ActionRefused) as refused:
        services.order_cancel(order("1001"), shop["maya"], key="k-cancel")

    assert refused.value.decision.rule == "cancel.already_cancelled"
    assert Refund.objects.count() == 1
    assert Variant.objects.get(sku="TEE-BLK-M").stock == 12


# Address change

NEW_ADDRESS = services.Address(line1="12 High Street", city="Leeds", postcode="ls1 4ap")


@pytest.mark.django_db
def test_it_changes_the_address_of_an_order_that_has_not_shipped(shop: dict) -> None:
    services.order_address_change(order("1001"), shop["maya"], NEW_ADDRESS)

    changed = order("1001")
    assert (changed.ship_line1, changed.ship_city, changed.ship_postcode) == (
        "12 High Street", "Leeds", "LS1 4AP")


@pytest.mark.django_db
def test_it_refuses_to_change_the_address_of_a_shipped_order(shop: dict) -> None:
    before = order("1002").ship_postcode

    with pytest.raises(services.ActionRefused) as refused:
        services.order_address_change(order("1002"), shop["maya"], NEW_ADDRESS)

    assert refused.value.decision.rule == "address.already_shipped"
    assert order("1002").ship_postcode == before


@pytest.mark.django_db
def test_it_refuses_to_change_the_address_of_another_customers_order(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.order_address_change(order("2001"), shop["maya"], NEW_ADDRESS)

    assert refused.value.decision.rule == "identity.not_owner"
    assert order("2001").ship_postcode == "M1 1AE"


# Returns

@pytest.mark.django_db
def test_the_same_idempotency_key_twice_makes_one_return_and_one_refund(shop: dict) -> None:
    first = services.return_create(order("1003"), shop["maya"], [line("1003", "TEE-BLK-M")],
                                   resolution="store_credit", reason="size", key="k-ret")
    second = services.return_create(order("1003"), shop["maya"], [line("1003", "TEE-BLK-M")],
                                    resolution="store_credit", reason="size", key="k-ret")

    assert second.pk == first.pk
    assert Return.objects.count() == 1
    assert [(r.amount, r.method, r.status) for r in Refund.objects.all()] == [
        (Decimal("25.00"), Refund.Method.STORE_CREDIT, Refund.Status.COMPLETED)]


@pytest.mark.django_db
def test_a_refund_return_refunds_nothing_until_the_parcel_is_back(shop: dict) -> None:
    ret = services.return_create(order("1003"), shop["maya"], [line("1003", "TEE-BLK-M")],
                                 resolution="refund", reason="", key="k-ret")

    assert (ret.number, ret.resolution, ret.status) == (
        "R-1003-1", Return.Resolution.REFUND, Return.Status.LABEL_SENT)
    assert re.fullmatch(r"RT\d{9}GB", ret.tracking_number)
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_the_return_label_is_a_pdf_carrying_the_tracking_number(shop: dict,
                                                               settings: Any) -> None:
    ret = services.return_create(order("1003"), shop["maya"], [line("1003", "TEE-BLK-M")],
                                 resolution="refund", reason="", key="k-label")

    pdf = (Path(settings.MEDIA_ROOT) / ret.label_file).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 500
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    text = b"".join(_inflate(s) for s in streams)
    assert ret.tracking_number.encode() in text
    assert b"R-1003-1" in text


@pytest.mark.django_db
def test_a_returns_label_link_is_the_same_each_time_and_cannot_be_forged(shop: dict) -> None:
    ret = services.return_create(order("1003"), shop["maya"], [line("1003", "TEE-BLK-M")],
                                 resolution="refund", reason="", key="k-link")
    first = label_url(ret)
    clock.advance(timedelta(seconds=5))

    assert label_url(ret) == first
    token = first.rsplit("/", 1)[-1].removesuffix(".pdf")
    assert label_number(token) == ret.number
    assert label_number(signing.dumps(ret.number, salt=SALT)) == ret.number  # older links
    assert label_number(token.replace(token[-3:], "abc")) is None
    assert label_number(signing.Signer(salt="other").sign_object(ret.number)) is None


def _inflate(stream: bytes) -> bytes:
    try:
        return zlib.decompress(stream)
    except zlib.error:
        return stream


@pytest.mark.django_db
def test_a_cheap_item_is_refunded_without_a_return_label(shop: dict) -> None:
    ret = services.return_create(order("1003"), shop["maya"], [line("1003", "SOCK-WHT")],
                                 resolution="refund", reason="", key="k-keep")

    assert (ret.resolution, ret.status, ret.label_file, ret.tracking_number) == (
        Return.Resolution.KEEP_IT, Return.Status.CLOSED, "", "")
    assert [r.amount for r in Refund.objects.all()] == [Decimal("5.50")]


@pytest.mark.django_db
def test_it_refuses_a_return_of_another_customers_order(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1003"), shop["tom"], [line("1003", "TEE-BLK-M")],
                               resolution="refund", reason="", key="k-tom")

    assert refused.value.decision.rule == "identity.not_owner"
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_it_refuses_items_from_another_order(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1003"), shop["maya"], [line("1004", "TEE-BLK-M")],
                               resolution="refund", reason="", key="k-mixed")

    assert refused.value.decision.rule == "return.items_not_on_order"


@pytest.mark.django_db
def test_it_refuses_a_return_outside_the_window_unless_a_person_approved_it(shop: dict
                                                                           ) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1004"), shop["maya"], [line("1004", "TEE-BLK-M")],
                               resolution="refund", reason="", key="k-late")
    assert refused.value.decision.rule == "return.outside_window"
    assert not Return.objects.exists()

    approved = services.return_create(order("1004"), shop["maya"],
                                      [line("1004", "TEE-BLK-M")], resolution="refund",
                                      reason="", key="k-late-approved", actor="agent:1",
                                      approved=True)
    assert approved.number == "R-1004-1"


@pytest.mark.django_db
def test_it_refuses_a_final_sale_return_even_when_called_directly(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1003"), shop["maya"], [line("1003", "DRESS-SEQ-8")],
                               resolution="store_credit", reason="", key="k-final")

    assert refused.value.decision.rule == "return.final_sale"
    assert not Return.objects.exists()
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_refund_above_the_threshold_without_approval(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1003"), shop["maya"], [line("1003", "COAT-CML-M")],
                               resolution="refund", reason="", key="k-coat")

    assert refused.value.decision.rule == "refund.above_threshold"
    assert not Return.objects.exists()


@pytest.mark.django_db
def test_an_exchange_takes_the_new_size_out_of_stock_once(shop: dict) -> None:
    target = Variant.objects.get(sku="TEE-BLK-L")
    exchange = [line("1003", "TEE-BLK-M", exchange_for=target)]

    services.return_create(order("1003"), shop["maya"], exchange, resolution="exchange",
                           reason="size", key="k-swap")
    services.return_create(order("1003"), shop["maya"], exchange, resolution="exchange",
                           reason="size", key="k-swap")

    assert Variant.objects.get(sku="TEE-BLK-L").stock == 2
    assert Return.objects.get().items.get().exchange_for == target


@pytest.mark.django_db
def test_it_refuses_an_exchange_to_a_size_that_is_out_of_stock(shop: dict) -> None:
    Variant.objects.filter(sku="TEE-BLK-L").update(stock=0)
    target = Variant.objects.get(sku="TEE-BLK-L")

    with pytest.raises(services.ActionRefused) as refused:
        services.return_create(order("1003"), shop["maya"],
                               [line("1003", "TEE-BLK-M", exchange_for=target)],
                               resolution="exchange", reason="size", key="k-none")

    assert refused.value.decision.rule == "exchange.out_of_stock"
    assert not Return.objects.exists()


# Refunds and missing parcels

@pytest.mark.django_db
def test_it_refuses_a_direct_refund_above_the_threshold(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.refund_create(order("1003"), shop["maya"], Decimal("150.01"), reason="",
                               key="k-big")

    assert refused.value.decision.rule == "refund.above_threshold"
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_direct_refund_on_another_customers_order(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.refund_create(order("2001"), shop["maya"], Decimal("5.00"), reason="",
                               key="k-steal")

    assert refused.value.decision.rule == "identity.not_owner"
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_a_missing_parcel_is_refunded_once_per_key(shop: dict) -> None:
    first = services.missing_parcel_resolve(order("1005"), shop["maya"], remedy="refund",
                                            key="k-missing")
    again = services.missing_parcel_resolve(order("1005"), shop["maya"], remedy="refund",
                                            key="k-missing")

    assert first == again == {"remedy": "refund", "amount": "25.00"}
    assert Refund.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_to_resolve_a_high_value_missing_parcel_alone(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.missing_parcel_resolve(order("1003"), shop["maya"], remedy="refund",
                                        key="k-coat-missing")

    assert refused.value.decision.rule == "missing.high_value"
    assert not Refund.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_resolve_a_parcel_that_is_still_on_its_way(shop: dict) -> None:
    with pytest.raises(services.ActionRefused) as refused:
        services.missing_parcel_resolve(order("1002"), shop["maya"], remedy="reship",
                                        key="k-early")

    assert refused.value.decision.rule == "missing.not_delivered_yet"
    assert not Order.objects.filter(number="1002-R").exists()


@pytest.mark.django_db
def test_a_refunded_missing_parcel_is_not_also_replaced(shop: dict) -> None:
    services.missing_parcel_resolve(order("1005"), shop["maya"], remedy="refund", key="k-a")

    with pytest.raises(services.ActionRefused) as refused:
        services.missing_parcel_resolve(order("1005"), shop["maya"], remedy="reship",
                                        key="k-b")

    assert refused.value.decision.rule == "missing.already_resolved"
    assert not Order.objects.filter(number="1005-R").exists()
    assert Refund.objects.count() == 1


# Change items

@pytest.mark.django_db
def test_it_changes_an_unshipped_orders_item_for_another_size_and_moves_the_stock(
        shop: dict) -> None:
    item = order("1001").items.get()
    large = Variant.objects.get(sku="TEE-BLK-L")

    difference = services.order_items_change(order("1001"), shop["maya"], {item.pk: large},
                                             key="k-items")

    assert difference == Decimal("0.00")
    assert [(i.variant.sku, i.quantity) for i in order("1001").items.all()] == [("TEE-BLK-L", 2)]
    assert Variant.objects.get(sku="TEE-BLK-L").stock == 1
    assert Variant.objects.get(sku="TEE-BLK-M").stock == 12
    # The same key again changes nothing more.
    services.order_items_change(order("1001"), shop["maya"], {item.pk: large}, key="k-items")
    assert Variant.objects.get(sku="TEE-BLK-L").stock == 1


@pytest.mark.django_db
def test_it_refuses_to_change_items_of_a_shipped_order_or_into_another_product(
        shop: dict) -> None:
    shipped = order("1002").items.get()
    with pytest.raises(services.ActionRefused) as refused:
        services.order_items_change(order("1002"), shop["maya"],
                                    {shipped.pk: Variant.objects.get(sku="TEE-BLK-L")}, key="k1")
    assert refused.value.decision.rule == "items.already_shipped"

    item = order("1001").items.get()
    with pytest.raises(services.ActionRefused) as refused:
        services.order_items_change(order("1001"), shop["maya"],
                                    {item.pk: Variant.objects.get(sku="SOCK-WHT")}, key="k2")
    assert refused.value.decision.rule == "items.other_product"
    assert order("1001").items.get().variant.sku == "TEE-BLK-M"


@pytest.mark.django_db
def test_it_refuses_to_change_another_customers_order(shop: dict) -> None:
    item = order("2001").items.get()
    with pytest.raises(services.ActionRefused):
        services.order_items_change(order("2001"), shop["maya"],
                                    {item.pk: Variant.objects.get(sku="TEE-BLK-M")}, key="k3")
    assert order("2001").items.get().variant.sku == "TEE-BLK-L"
