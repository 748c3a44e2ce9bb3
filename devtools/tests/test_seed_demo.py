"""The demo shop generator: the same seed and anchor always give the same shop, and the
shop holds every situation the bot is meant to handle.

The full seed is what is under test, and it takes a while, so it runs once for the
module inside a transaction that is rolled back at the end; each test runs in a
savepoint inside it.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q

from agents.nlu.language import language_of
from commerce.models import (
    Article,
    DiscountCode,
    ExceptionKind,
    LoyaltyTransaction,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Product,
    Refund,
    Return,
    ReturnItem,
    Review,
    Shipment,
    ShipmentStatus,
    ShopPolicy,
    TrackingEvent,
    Variant,
)
from conversations.models import CannedResponse
from core.formatting import LANGUAGES
from core.models import ChannelIdentity, Customer
from devtools.demo import CANNED_RESPONSES

ANCHOR = datetime(2026, 11, 20, tzinfo=UTC)
LONDON = ZoneInfo("Europe/London")
EXAMPLE_LINE = re.compile(
    r"- (?P<story>[a-z ]+): (?P<name>.+) <(?P<email>[^>]+)>, (?P<phone>\S+), "
    r"order (?P<number>\d+), postcode (?P<postcode>.+)$"
)


def seed(anchor: str = "2026-11-20") -> str:
    out = io.StringIO()
    call_command("seed_demo", "--anchor", anchor, "--seed", "7", stdout=out)
    return out.getvalue()


def shop_fingerprint() -> tuple[dict[str, int], str]:
    counts = {
        model.__name__: model.objects.count()
        for model in (
            Customer,
            Product,
            Variant,
            Review,
            Order,
            OrderItem,
            Payment,
            Shipment,
            TrackingEvent,
            Return,
            ReturnItem,
            Refund,
            DiscountCode,
            LoyaltyTransaction,
            Article,
        )
    }
    digest = hashlib.sha256()
    rows = [
        Customer.objects.order_by("email").values_list("email", "name", "phone", "tags"),
        Variant.objects.order_by("sku").values_list("sku", "price", "stock", "final_sale"),
        Order.objects.order_by("number").values_list(
            "number", "status", "placed_at", "customer__email", "ship_postcode", "shipping_cost"
        ),
        OrderItem.objects.order_by("order__number", "variant__sku").values_list(
            "order__number", "variant__sku", "quantity", "unit_price"
        ),
        Payment.objects.order_by("reference").values_list("reference", "order__number", "status"),
        TrackingEvent.objects.order_by("shipment__order__number", "at", "status").values_list(
            "shipment__order__number",
            "shipment__tracking_number",
            "status",
            "exception",
            "location",
            "at",
        ),
        Return.objects.order_by("number").values_list("number", "status", "resolution"),
        Refund.objects.order_by("idempotency_key").values_list(
            "idempotency_key", "amount", "status"
        ),
    ]
    for queryset in rows:
        for row in queryset:
            digest.update(repr(row).encode())
    return counts, digest.hexdigest()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        # Each test's teardown checks deferred foreign keys inside its own savepoint, and
        # a rolled-back savepoint leaves them pending again: check the seed's once, here.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        yield {"output": output, "fingerprint": shop_fingerprint()}
        transaction.set_rollback(True)


def latest_scans() -> dict[str, TrackingEvent]:
    """The newest scan of each shipped order's parcel, by order number."""
    latest: dict[str, TrackingEvent] = {}
    events = TrackingEvent.objects.filter(shipment__order__status=OrderStatus.SHIPPED)
    for event in events.select_related("shipment__order").order_by("at", "id"):
        latest[event.shipment.order.number] = event
    return latest


@pytest.mark.django_db
def test_it_builds_a_shop_of_the_promised_size(seeded):
    assert Variant.objects.count() >= 300
    assert Customer.objects.filter(tags__contains=["demo"]).count() == 1000
    assert Order.objects.count() == 5000
    assert ShopPolicy.objects.count() == 1
    assert Article.objects.count() >= 10
    assert "Demo shop created" in seeded["output"]


@pytest.mark.django_db
def test_order_numbers_count_up_from_100001_in_the_order_they_were_placed(seeded):
    # Two orders can be placed in the same second; among them the number decides.
    numbers = list(Order.objects.order_by("placed_at", "number")
                   .values_list("number", flat=True))

    assert numbers == [str(n) for n in range(100001, 105001)]
    first = Order.objects.order_by("placed_at").first()
    last = Order.objects.order_by("placed_at").last()
    assert ANCHOR - timedelta(days=90) < first.placed_at < last.placed_at < ANCHOR


@pytest.mark.django_db
def test_every_order_status_is_present_and_most_orders_are_delivered(seeded):
    statuses = dict(Order.objects.values_list("status").annotate(n=Count("id")))

    assert set(statuses) == set(OrderStatus.values)
    assert statuses[OrderStatus.DELIVERED] > 0.7 * 5000
    recent = Order.objects.filter(placed_at__gte=ANCHOR - timedelta(days=2))
    assert (
        recent.filter(status__in=["pending", "processing", "shipped"]).count() > recent.count() / 2
    )


@pytest.mark.django_db
def test_orders_copy_prices_contacts_and_final_sale_from_the_catalogue(seeded):
    items = OrderItem.objects.select_related("variant", "order__customer")[:500]

    for item in items:
        assert item.unit_price == item.variant.price
        assert item.final_sale == item.variant.final_sale
        assert item.order.email == item.order.customer.email
        assert item.order.phone == item.order.customer.phone
    assert all(
        1 <= n <= 4 for n in Order.objects.annotate(n=Count("items")).values_list("n", flat=True)
    )


@pytest.mark.django_db
def test_the_catalogue_has_sold_out_and_final_sale_variants_with_house_skus(seeded):
    variants = Variant.objects.all()

    assert variants.filter(stock=0).count() > 0.08 * variants.count()
    assert variants.filter(final_sale=True).exists()
    assert variants.filter(options={"colour": "black", "size": "M"}, sku="TEE-HARB-BLK-M").exists()
    assert variants.filter(options__size="One size").exists()
    assert (
        variants.filter(options__size="UK 3").exists()
        and variants.filter(options__size="UK 12").exists()
    )
    assert variants.get(sku="BOO-ASHD-TAN-8").options == {
        "colour": "tan",
        "size": "UK 8",
        "eu_size": "42",
    }
    assert set(Product.objects.values_list("category", flat=True)) == {
        "apparel",
        "footwear",
        "accessories",
    }
    assert all(
        re.fullmatch(r"[A-Z]{3}-[A-Z]{4}-[A-Z]{3}-[0-9A-Z-]+", sku)
        for sku in variants.values_list("sku", flat=True)
    )


@pytest.mark.django_db
def test_reviews_talk_about_fit(seeded):
    reviews = Review.objects.all()

    assert reviews.count() >= 3 * Product.objects.count()
    for phrase in ("runs small", "size up", "runs large", "true to size"):
        assert reviews.filter(body__icontains=phrase).exists(), phrase
    assert set(reviews.values_list("rating", flat=True)) == {1, 2, 3, 4, 5}


@pytest.mark.django_db
def test_customers_have_unique_example_emails_and_fake_e164_phones(seeded):
    customers = Customer.objects.filter(tags__contains=["demo"])
    emails = list(customers.values_list("email", flat=True))
    phones = [p for p in customers.values_list("phone", flat=True) if p]

    assert len(set(emails)) == 1000
    assert {e.split("@")[1] for e in emails} <= {"example.com", "example.org", "example.net"}
    assert len(set(phones)) == len(phones)
    assert all(re.fullmatch(r"\+447700900\d{3}|\+1\d{3}55501\d{2}", p) for p in phones)
    assert customers.filter(tags__contains=["vip"]).exists()
    assert customers.filter(marketing_consent=True).exists()
    assert not ChannelIdentity.objects.exists()
    postcodes = Order.objects.filter(ship_country="GB").values_list("ship_postcode", flat=True)
    assert all(re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}", p) for p in postcodes)


@pytest.mark.django_db
def test_paid_orders_have_one_captured_payment_except_a_few_double_charges(seeded):
    captured = Count("payments", filter=Q(payments__status=Payment.Status.CAPTURED))
    declined = Count("payments", filter=Q(payments__status=Payment.Status.DECLINED))
    paid = Order.objects.filter(status__in=["processing", "shipped", "delivered"]).annotate(
        captured=captured, declined=declined
    )

    per_order = Counter(paid.values_list("captured", flat=True))
    assert set(per_order) == {1, 2}
    assert 0 < per_order[2] <= 10
    for order in paid.filter(captured=2):
        first, second = order.payments.filter(status="captured").order_by("created_at")
        assert first.amount == second.amount == order.total
        assert timedelta(0) < second.created_at - first.created_at < timedelta(minutes=10)
    assert paid.filter(captured=1, declined=1).exists()
    assert not Order.objects.filter(status="pending", payments__status="captured").exists()


@pytest.mark.django_db
def test_every_customer_has_a_card_and_every_order_names_the_method_it_was_paid_with(seeded):
    cards = PaymentMethod.objects.filter(kind=PaymentMethod.Kind.CARD)
    assert cards.count() == Customer.objects.count() == 1000
    assert cards.values("customer").distinct().count() == 1000
    assert all(re.fullmatch(r"(visa|mastercard|amex)-\d{4}", ref)
               for ref in cards.values_list("ref", flat=True))
    assert set(PaymentMethod.objects.values_list("kind", flat=True)) == {
        "card", "paypal", "apple_pay", "google_pay"}
    assert not Order.objects.filter(paid_with=None).exists()
    assert not Order.objects.exclude(paid_with__customer=F("customer")).exists()
    # The method an order was finally paid with is the one it names.
    for order in Order.objects.filter(payments__status="captured").select_related(
        "paid_with"
    ).distinct()[:500]:
        assert {p.method for p in order.payments.filter(status="captured")} == {
            order.paid_with.kind
        }


@pytest.mark.django_db
def test_parcels_are_scanned_at_plausible_places_and_times(seeded):
    assert Shipment.objects.values("carrier").distinct().count() >= 4
    assert not Order.objects.filter(
        status__in=["shipped", "delivered", "returned", "partially_returned"], shipments=None
    ).exists()
    for shipment in Shipment.objects.prefetch_related("events")[:300]:
        events = list(shipment.events.all())
        assert events[0].status == ShipmentStatus.LABEL_CREATED
        assert events[0].location == "Northampton, GB"
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].at < ANCHOR
        assert timedelta(days=2) <= shipment.promised_by - events[0].at <= timedelta(days=6)
        assert all(e.carrier_code and e.location for e in events)
    delivered = TrackingEvent.objects.filter(status="delivered", shipment__order__ship_country="GB")
    hours = {e.at.astimezone(LONDON).hour for e in delivered[:500]}
    assert hours <= set(range(9, 19))


@pytest.mark.django_db
def test_every_kind_of_parcel_trouble_is_open_on_some_shipped_order(seeded):
    latest = latest_scans()
    statuses = Counter(e.status for e in latest.values())
    kinds = Counter(e.exception for e in latest.values() if e.status == "exception")

    assert set(kinds) == set(ExceptionKind.values)
    assert statuses["failed_attempt"] >= 1 and statuses["returned_to_sender"] >= 1
    shipped = Shipment.objects.filter(order__status=OrderStatus.SHIPPED)
    late = [
        s
        for s in shipped
        if s.promised_by < ANCHOR and latest[s.order.number].status == "in_transit"
    ]
    stale = [n for n, e in latest.items() if ANCHOR - e.at > timedelta(days=4)]
    assert len(late) >= 5 and len(stale) >= 3
    assert TrackingEvent.objects.filter(
        status="exception", shipment__order__status=OrderStatus.DELIVERED
    ).exists()


@pytest.mark.django_db
def test_returned_orders_have_returns_and_refunds_in_every_state(seeded):
    for order in Order.objects.filter(status__in=["returned", "partially_returned"]):
        ret = order.returns.get()
        assert ret.number == f"R-{order.number}"
        assert ret.items.exists()
        assert ret.tracking_number
    resolutions = set(Return.objects.values_list("resolution", flat=True))
    assert {"refund", "exchange", "store_credit"} <= resolutions
    assert (
        ReturnItem.objects.filter(return_request__resolution="exchange", exchange_for=None).count()
        == 0
    )
    completed = Refund.objects.filter(status="completed")
    processing = Refund.objects.filter(status="processing")
    assert completed.exists() and not completed.filter(completed_at=None).exists()
    assert processing.exists() and not processing.filter(expected_by=None).exists()
    assert Refund.objects.filter(method="store_credit").exists()
    assert not ReturnItem.objects.filter(order_item__final_sale=True).exists()


@pytest.mark.django_db
def test_promotions_and_points_are_in_place(seeded):
    codes = {c.code: c for c in DiscountCode.objects.all()}

    assert codes["WELCOME10"].value == Decimal("10.00") and codes["WELCOME10"].active
    assert codes["SAVE20"].min_order_total == Decimal("100.00")
    assert codes["SUMMER25"].valid_until < ANCHOR
    assert codes["FREESHIP"].kind == "free_shipping"
    assert "VIP15" in codes
    assert any(c.usage_limit and c.times_used >= c.usage_limit for c in codes.values())
    assert any(c.excludes_sale_items for c in codes.values())
    loyalty = LoyaltyTransaction.objects.all()
    assert loyalty.values("customer").distinct().count() > 300
    assert loyalty.filter(points__lt=0, reason__startswith="Redeemed").exists()


@pytest.mark.django_db
def test_articles_cover_every_topic_and_everything_is_embedded(seeded):
    assert set(Article.objects.values_list("topic", flat=True)) == set(Article.Topic.values)
    returns = Article.objects.get(slug="refund-timings").body
    assert "3–5 working days after we receive it" in returns and "instantly" in returns
    for row in list(Product.objects.all()) + list(Article.objects.all()):
        assert row.embedding is not None and len(row.embedding) == 384
        assert math.isclose(sum(x * x for x in row.embedding), 1.0, rel_tol=1e-3)


@pytest.mark.django_db
def test_the_three_example_shoppers_match_their_orders(seeded):
    examples = [
        m.groupdict()
        for line in seeded["output"].splitlines()
        if (m := EXAMPLE_LINE.search(line.strip()))
    ]

    assert [e["story"] for e in examples] == ["in transit", "delivered", "shipment exception"]
    latest = latest_scans()
    for example in examples:
        order = Order.objects.select_related("customer").get(number=example["number"])
        assert order.customer.name == example["name"]
        assert order.customer.email == order.email == example["email"]
        assert order.customer.phone == example["phone"]
        assert order.ship_postcode == example["postcode"]
        if example["story"] == "in transit":
            assert order.status == "shipped" and latest[order.number].status == "in_transit"
        elif example["story"] == "delivered":
            assert order.status == "delivered"
        else:
            assert order.status == "shipped" and latest[order.number].status == "exception"
    assert len({e["email"] for e in examples}) == 3


PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@pytest.mark.parametrize("shortcut", [shortcut for shortcut, _ in CANNED_RESPONSES])
def test_each_canned_response_is_written_in_every_language_with_the_same_placeholders(
        shortcut):
    texts = next(t for (s, _), t in CANNED_RESPONSES.items() if s == shortcut)

    assert sorted(texts) == sorted(LANGUAGES)
    assert [language_of(PLACEHOLDER.sub("", texts[lang])) for lang in LANGUAGES] \
        == list(LANGUAGES)
    placeholders = {lang: sorted(PLACEHOLDER.findall(text)) for lang, text in texts.items()}
    assert placeholders == dict.fromkeys(LANGUAGES, placeholders["en"])


@pytest.mark.django_db
def test_the_agents_have_every_canned_response_in_every_language(seeded):
    written = {(shortcut, lang): text for (shortcut, _), texts in CANNED_RESPONSES.items()
               for lang, text in texts.items()}

    stored = {(c.shortcut, c.language): c.text for c in CannedResponse.objects.all()}

    assert len(written) == 4 * 7
    assert {key: stored.get(key) for key in written} == written


@pytest.mark.django_db
def test_running_it_again_with_the_same_anchor_changes_nothing(seeded):
    output = seed()

    assert "nothing to do" in output
    assert shop_fingerprint() == seeded["fingerprint"]


@pytest.mark.django_db
def test_another_anchor_replaces_the_demo_and_the_first_comes_back_identical(seeded):
    shopper = Customer.objects.create(name="Real Shopper", email="real@example.com")

    output = seed("2026-12-01")
    moved = shop_fingerprint()
    assert "Demo shop replaced" in output
    assert moved[0]["Customer"] == 1001 and moved[0]["Order"] == 5000
    assert moved != seeded["fingerprint"]
    assert Order.objects.order_by("placed_at").last().placed_at > ANCHOR + timedelta(days=10)

    seed("2026-11-20")
    shopper.delete()
    assert shop_fingerprint() == seeded["fingerprint"]
