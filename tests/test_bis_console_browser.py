"""The marketer's back-in-stock console in a real browser, against a real Daphne (the
`daphne` and `browser` fixtures of the inbox's browser test).

The story: a marketer logs in and sees how many shoppers wait for each variant, by
channel; starts a campaign for a restocked variant; watches its progress bar and funnel
move without reloading as its batches are released (the release a worker runs is run
here); pauses and resumes it; previews the alert on WhatsApp in Spanish and sends a test
to herself; exports the campaigns as CSV. She still cannot open the inbox. Screenshots go
to artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign
from commerce.models import BackInStockSubscription, Product, Variant
from conversations.inbox.roles import MARKETERS, roles_ensure
from conversations.models import Message
from core.models import Customer, MarketingConsent
from tests.test_inbox_browser import SCREENSHOTS, SECONDS, browser, daphne  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "bis-marketer-pass-1"


@pytest.fixture
def marketer() -> User:
    roles_ensure()
    user = User.objects.create_user("mona", "mona@example.com", PASSWORD, is_staff=True,
                                    first_name="Mona")
    user.groups.add(Group.objects.get(name=MARKETERS))
    return user


@pytest.fixture
def waiting() -> Variant:
    """Ten shoppers wait for the tan boots in 8 (six on WhatsApp, four by email); the
    boots are back: two pairs."""
    now = timezone.now().replace(hour=12)
    product = Product.objects.create(name="Chelsea Boot", slug="chelsea-boot",
                                     category="footwear", kind="boots")
    boots = Variant.objects.create(product=product, sku="BOOT-TAN-8", price="89.00",
                                   options={"colour": "tan", "size": "8"}, stock=2)
    Variant.objects.create(product=product, sku="BOOT-TAN-9", price="89.00",
                           options={"colour": "tan", "size": "9"}, stock=0)
    for i in range(10):
        channel = "whatsapp" if i < 6 else "email"
        customer = Customer.objects.create(name=f"Shopper {i}", email=f"s{i}@example.com",
                                           phone=f"+4477009{i:05d}", time_zone="UTC")
        MarketingConsent.objects.create(customer=customer, channel=channel,
                                        purpose="back_in_stock", wording="Tell me once")
        BackInStockSubscription.objects.create(customer=customer, variant=boots,
                                               channel=channel,
                                               created_at=now - timedelta(hours=10 - i))
    return boots


def test_a_marketer_runs_a_back_in_stock_campaign_from_the_console(
        monkeypatch, settings, daphne, marketer, waiting, browser):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.MARKETING_QUIET_HOURS = ""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _story(daphne, browser, waiting)
    finally:
        connections.close_all()


def _story(base: str, chromium: Any, boots: Variant) -> None:
    desk = chromium.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = desk.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/back-in-stock/")
    page.fill("#id_username", "mona")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/back-in-stock/$"))

    # Demand per variant and channel.
    row = page.locator("#demand tr[data-sku='BOOT-TAN-8']")
    assert row.locator("td").nth(2).inner_text() == "10"
    assert row.locator("td").nth(3).inner_text() == "6"
    assert row.locator("td").nth(4).inner_text() == "4"
    page.screenshot(path=str(SCREENSHOTS / "bis-console-demand.png"), full_page=True)

    # She starts the campaign; the first batch (2 pairs x 3 shoppers each) is released.
    row.get_by_role("button", name="Start campaign").click()
    page.wait_for_selector("text=started")
    campaign = Campaign.objects.get()
    assert (campaign.trigger, campaign.started_by.username) == ("manual", "mona")
    services.campaign_release(campaign.pk)  # what the worker does at once
    bar = page.locator(f"tr[data-campaign='{campaign.pk}'] .bar")
    bar.and_(page.locator("[aria-valuenow='60']")).wait_for(timeout=15 * SECONDS)
    line = page.locator(f"tr[data-campaign='{campaign.pk}']")
    assert line.locator(".queued").inner_text() == "6"
    assert line.locator(".subscribed").inner_text() == "10"
    page.screenshot(path=str(SCREENSHOTS / "bis-console-progress.png"), full_page=True)

    # Paused, it releases nothing; resumed, the rest go (stock is read again first).
    line.get_by_role("button", name="Pause").click()
    page.wait_for_selector("text=paused")
    assert Campaign.objects.get().status == "paused"
    page.locator(f"tr[data-campaign='{campaign.pk}']").get_by_role(
        "button", name="Resume").click()
    page.wait_for_selector("text=resumed")
    Campaign.objects.filter(pk=campaign.pk).update(next_batch_at=timezone.now())
    services.campaign_release(campaign.pk)
    bar.and_(page.locator("[aria-valuenow='100']")).wait_for(timeout=15 * SECONDS)
    assert page.locator(f"tr[data-campaign='{campaign.pk}'] .status").inner_text() == "Done"
    assert Message.objects.filter(payload__purpose="back_in_stock").count() == 10

    # The alert as WhatsApp shows it in Spanish, and a test sent to herself by email.
    page.select_option("select[name=sku]", "BOOT-TAN-8")
    page.select_option("select[name=channel]", "whatsapp")
    page.select_option("select[name=language]", "es")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#preview .preview")
    assert "Chelsea Boot (8, tan) vuelve a estar disponible" in page.inner_text(
        "#preview .preview")
    page.screenshot(path=str(SCREENSHOTS / "bis-console-preview.png"), full_page=True)
    page.select_option("select[name=channel]", "email")
    page.select_option("select[name=language]", "en")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_selector("#test-send")
    assert page.input_value("#test-send input[name=to]") == "mona@example.com"
    page.get_by_role("button", name="Send test").click()
    page.wait_for_selector("text=queued to mona@example.com")
    test = Message.objects.get(payload__test=True)
    assert (test.channel, test.payload["to"]) == ("email", "mona@example.com")
    assert test.payload["subject"] == "[TEST] Chelsea Boot (8, tan) is back in stock"

    # The CSV export.
    with page.expect_download() as download:
        page.click("#export-csv")
    rows = list(csv.reader(Path(download.value.path()).read_text().splitlines()))
    assert rows[0][:5] == ["campaign", "sku", "product", "trigger", "status"]
    assert rows[1][:5] == [str(campaign.pk), "BOOT-TAN-8", "Chelsea Boot (8, tan)", "manual",
                           "done"]
    assert rows[1][rows[0].index("subscribed")] == "10"

    # Marketers never read conversations.
    assert page.goto(f"{base}/admin/inbox/").status == 403
