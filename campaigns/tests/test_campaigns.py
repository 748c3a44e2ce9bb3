"""Back-in-stock campaigns against the real database: restock triggers, batches, the
shopper's limits, the signed webhook and links, and the marketer's console."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client, RequestFactory

from campaigns import selectors, services
from campaigns.models import Campaign, Recipient
from channels_adapters.registry import captured
from commerce.admin import VariantAdmin
from commerce.models import BackInStockSubscription, Order, OrderItem, Product, Variant
from conversations.inbox.roles import roles_ensure
from conversations.models import Message
from core import clock
from core.models import Customer, MarketingConsent

pytestmark = pytest.mark.django_db
NOON = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)
SECRET = "shop-secret"


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.BIS_SUBSCRIBERS_PER_UNIT = 2
    settings.BIS_BATCH_INTERVAL_SECONDS = 300
    settings.MARKETING_WEEKLY_CAP = 3
    settings.MARKETING_QUIET_HOURS = "21-9"
    settings.SHOP_WEBHOOK_SECRET = SECRET
    settings.SITE_URL = "https://shop.example"


@pytest.fixture
def boots() -> Variant:
    product = Product.objects.create(name="Chelsea Boot", slug="chelsea-boot",
                                     category="footwear", kind="boots")
    return Variant.objects.create(product=product, sku="BOOT-TAN-8",
                                  options={"colour": "tan", "size": "8"}, price="89.00", stock=0)


def shopper(i: int, *, phone: str = "", consent: str | None = "email", **fields) -> Customer:
    customer = Customer.objects.create(name=f"Shopper {i}", email=f"s{i}@example.com",
                                       phone=phone, **fields)
    if consent:
        MarketingConsent.objects.create(customer=customer, channel=consent,
                                        purpose="back_in_stock", wording="Tell me")
    return customer


def wish(customer: Customer, variant: Variant, minutes_ago: int, channel: str = "email"):
    return BackInStockSubscription.objects.create(
        customer=customer, variant=variant, channel=channel,
        created_at=NOON - timedelta(minutes=minutes_ago))


def restock_in_admin(variant: Variant, stock: int, on_commit) -> None:
    variant.stock = stock
    request = RequestFactory().post("/")
    request.user = User(is_superuser=True)
    with on_commit(execute=True):
        VariantAdmin(Variant, None).save_model(request, variant, None, change=True)


def alerted() -> list[str]:
    return sorted(Message.objects.filter(payload__purpose="back_in_stock").values_list(
        "payload__to", flat=True))


def test_a_restock_in_the_admin_alerts_the_oldest_wishes_first_in_proportion_to_units(
        boots, django_capture_on_commit_callbacks):
    shoppers = [shopper(i) for i in range(7)]
    for i, customer in enumerate(shoppers):
        wish(customer, boots, minutes_ago=100 - i)  # shopper 0 waited longest

    with clock.frozen_at(NOON), captured() as platform:
        restock_in_admin(boots, 2, django_capture_on_commit_callbacks)

    # 2 units x 2 per unit: the four oldest wishes, each told once, by email, now.
    assert alerted() == [f"s{i}@example.com" for i in range(4)]
    assert len(platform.sent) == 4
    campaign = Campaign.objects.get()
    assert (campaign.trigger, campaign.status, campaign.units, campaign.audience) == (
        "restock", "running", 2, 7)
    assert campaign.next_batch_at == NOON + timedelta(seconds=300)
    first = Message.objects.filter(payload__purpose="back_in_stock").order_by("pk").first()
    assert first.payload["subject"] == "Chelsea Boot (8, tan) is back in stock"
    assert "https://shop.example/alerts/stop/" in first.text  # every email can unsubscribe
    assert "Chelsea Boot (8, tan) is back in stock, £89.00" in first.text


def test_stock_is_read_again_before_each_batch_and_a_sell_out_tells_the_rest_nothing(
        boots, django_capture_on_commit_callbacks):
    for i in range(6):
        wish(shopper(i), boots, minutes_ago=100 - i)
    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 1, django_capture_on_commit_callbacks)
    assert len(alerted()) == 2
    Variant.objects.filter(pk=boots.pk).update(stock=0)  # sold meanwhile
    with clock.frozen_at(NOON + timedelta(minutes=6)), captured():
        assert services.campaign_release(Campaign.objects.get().pk) == 0
    campaign = Campaign.objects.get()
    assert campaign.status == "sold_out"
    assert len(alerted()) == 2
    assert BackInStockSubscription.objects.filter(notified_at__isnull=True).count() == 4


def test_a_second_save_of_a_stocked_variant_starts_nothing(boots,
                                                          django_capture_on_commit_callbacks):
    wish(shopper(1), boots, 10)
    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 5, django_capture_on_commit_callbacks)
        restock_in_admin(boots, 8, django_capture_on_commit_callbacks)
    assert Campaign.objects.count() == 1
    assert alerted() == ["s1@example.com"]


def test_quiet_hours_cap_consent_and_unsubscribed_shoppers_are_respected(
        boots, settings, django_capture_on_commit_callbacks):
    settings.BIS_SUBSCRIBERS_PER_UNIT = 0  # no batch limit
    ok = shopper(1)
    night = shopper(2, time_zone="Asia/Tokyo")  # 21:00 in Tokyo at noon UTC
    capped = shopper(3)
    no_consent = shopper(4, consent=None)
    stopped = shopper(5)
    for i, c in enumerate([ok, night, capped, no_consent, stopped]):
        wish(c, boots, 50 - i)
    other = Campaign.objects.create(variant=boots, trigger="manual", status="done", units=1)
    for _ in range(3):
        Recipient.objects.create(campaign=other, customer=capped, channel="email",
                                 status="queued", wished_at=NOON, created_at=NOON)
        other.pk = None
        other.save()
    services.stock_alerts_stop(stopped)

    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 10, django_capture_on_commit_callbacks)

    assert alerted() == ["s1@example.com"]
    statuses = dict(Recipient.objects.filter(campaign__status="running").values_list(
        "customer__email", "status"))
    assert statuses == {"s1@example.com": "queued", "s2@example.com": "deferred",
                        "s3@example.com": "over_cap", "s4@example.com": "no_consent"}
    deferred = Recipient.objects.get(customer=night, campaign__status="running")
    assert deferred.due_at == datetime(2026, 11, 19, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    assert MarketingConsent.objects.get(customer=stopped).withdrawn_at is not None

    # When Tokyo's morning comes, the beat's tick tells the shopper there, once.
    from campaigns.tasks import campaigns_tick

    with clock.frozen_at(datetime(2026, 11, 19, 0, 5, tzinfo=UTC)), captured():
        campaigns_tick()
        campaigns_tick()
    assert alerted() == ["s1@example.com", "s2@example.com"]


def test_whatsapp_outside_the_window_goes_as_the_template_and_counts_against_the_tier(
        boots, settings, django_capture_on_commit_callbacks):
    settings.WHATSAPP_MESSAGING_TIER = "250"
    settings.BIS_SUBSCRIBERS_PER_UNIT = 0
    maya = shopper(1, phone="+447700900123", consent="whatsapp", language="es")
    wish(maya, boots, 30, channel="whatsapp")
    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 3, django_capture_on_commit_callbacks)
        message = Message.objects.get(payload__purpose="back_in_stock")
        assert message.channel == "whatsapp"
        assert message.payload["to"] == "+447700900123"
        assert message.payload["opens_conversation"] is True
        assert message.payload["template"]["purpose"] == "back_in_stock"
        assert message.payload["template"]["language"] == "es"
        assert message.payload["template"]["params"][:3] == [
            "Shopper", "Chelsea Boot (8, tan)", "89,00\u00a0GBP"]  # as Spain writes pounds
        assert message.text.startswith("Buenas noticias, Shopper")
        from conversations import proactive as outreach

        assert outreach.business_conversations_left() == 249


def signed(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_the_stock_webhook_refuses_bad_signatures_and_bodies_and_storing_nothing(
        boots, client, django_capture_on_commit_callbacks):
    wish(shopper(1), boots, 10)
    body = json.dumps({"sku": "BOOT-TAN-8", "available": 4}).encode()
    bad = client.post("/webhooks/shop/stock/", body, content_type="application/json",
                      headers={"X-Shop-Hmac-Sha256": signed(body, "wrong")})
    assert bad.status_code == 403
    assert client.post("/webhooks/shop/stock/", body,
                       content_type="application/json").status_code == 403
    for broken in (b"{not json", b"[]", json.dumps({"sku": "BOOT-TAN-8"}).encode(),
                   json.dumps({"inventory": [{"sku": "BOOT-TAN-8", "available": "4"}]}).encode()):
        answer = client.post("/webhooks/shop/stock/", broken, content_type="application/json",
                             headers={"X-Shop-Hmac-Sha256": signed(broken)})
        assert answer.status_code == 400, broken
        assert answer.json()["error"]
    assert Variant.objects.get(pk=boots.pk).stock == 0
    assert not Campaign.objects.exists()

    with clock.frozen_at(NOON), captured(), django_capture_on_commit_callbacks(execute=True):
        ok = client.post("/webhooks/shop/stock/", body, content_type="application/json",
                         headers={"X-Shopify-Hmac-Sha256": signed(body)})
    assert ok.status_code == 200
    assert ok.json() == {"updated": ["BOOT-TAN-8"], "unknown": []}
    assert Variant.objects.get(pk=boots.pk).stock == 4
    assert alerted() == ["s1@example.com"]


def test_links_click_through_unsubscribe_and_attribution(boots, client,
                                                         django_capture_on_commit_callbacks):
    buyer = shopper(1)
    wish(buyer, boots, 10)
    with clock.frozen_at(NOON), captured():
        restock_in_admin(boots, 3, django_capture_on_commit_callbacks)
    campaign = Campaign.objects.get()
    go = client.get(services.click_link(campaign.pk, buyer.pk).removeprefix(
        "https://shop.example"))
    assert go.status_code == 302
    assert go["Location"] == "https://shop.example/?product=chelsea-boot&variant=BOOT-TAN-8"
    assert client.get("/alerts/go/forged/").status_code == 400
    order = Order.objects.create(number="9001", customer=buyer, status="processing",
                                 placed_at=NOON + timedelta(days=1))
    late = Order.objects.create(number="9002", customer=buyer, status="processing",
                                placed_at=NOON + timedelta(days=6))
    OrderItem.objects.create(order=late, variant=boots, quantity=1, unit_price="89.00")
    OrderItem.objects.create(order=order, variant=boots, quantity=2, unit_price="89.00")
    funnel = selectors.campaign_funnels([campaign.pk])[campaign.pk]
    assert (funnel.subscribed, funnel.queued, funnel.sent, funnel.clicked, funnel.ordered,
            str(funnel.revenue)) == (1, 1, 1, 1, 1, "178.00")

    stop = services.stop_link(buyer.pk).removeprefix("https://shop.example")
    assert client.get(stop).status_code == 200  # a page with a button: scanners open links
    assert MarketingConsent.objects.get(customer=buyer).withdrawn_at is None
    assert client.post(stop).status_code == 200
    assert MarketingConsent.objects.get(customer=buyer).withdrawn_at is not None


def test_a_guest_on_the_site_form_is_alerted_only_after_following_the_email_link(
        boots, client, django_capture_on_commit_callbacks):
    listed = client.get("/alerts/notify/").json()
    assert {"sku": "BOOT-TAN-8", "label": "Chelsea Boot (8, tan)"} in listed["variants"]
    assert client.post("/alerts/notify/", {"sku": "BOOT-TAN-8", "email": "g@example.com"},
                       content_type="application/json").status_code == 400  # no consent
    with clock.frozen_at(NOON), captured(), django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/alerts/notify/", {"sku": "BOOT-TAN-8", "email": "g@example.com",
                                                 "consent": True},
                             content_type="application/json")
    assert answer.status_code == 200
    confirmation = Message.objects.get(payload__purpose="stock_alert_confirmation")
    assert confirmation.payload["to"] == "g@example.com"
    subscription = BackInStockSubscription.objects.get()
    assert subscription.confirmed_at is None
    assert not MarketingConsent.objects.exists()
    link = confirmation.text.split("https://shop.example", 1)[1].split()[0]
    assert client.post(link).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    consent = MarketingConsent.objects.get()
    assert (consent.channel, consent.source) == ("email", "double_opt_in")
    assert "Chelsea Boot (8, tan)" in consent.wording


@pytest.fixture
def marketer() -> User:
    roles_ensure()
    user = User.objects.create_user("mona", "mona@example.com", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Marketers"))
    return user


def test_marketers_run_campaigns_from_the_console_and_export_them(
        boots, marketer, django_capture_on_commit_callbacks):
    wish(shopper(1), boots, 10)
    Variant.objects.filter(pk=boots.pk).update(stock=2)
    client = Client()
    client.force_login(marketer)
    page = client.get("/admin/back-in-stock/")
    assert page.status_code == 200
    assert b"Chelsea Boot (8, tan)" in page.content
    with clock.frozen_at(NOON), captured(), django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/back-in-stock/start/", {"sku": "BOOT-TAN-8"})
    campaign = Campaign.objects.get()
    assert (campaign.trigger, campaign.started_by) == ("manual", marketer)
    client.post(f"/admin/back-in-stock/{campaign.pk}/pause/")
    assert Campaign.objects.get().status == "done"  # one shopper: it finished at once
    export = client.get("/admin/back-in-stock/export.csv")
    assert export.content.decode().splitlines()[1].startswith(f"{campaign.pk},BOOT-TAN-8,")
    assert client.get("/admin/inbox/").status_code == 403  # still no conversations
