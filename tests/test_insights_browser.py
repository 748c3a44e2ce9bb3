"""The insights page in a real browser, against a real Daphne (the inbox browser test's
fixtures): a manager opens it, changes the date range, the channel and the times to
support hours, drills from a bar down to the conversations behind it, opens one in the
inbox and exports a table as CSV. Screenshots of the page in the admin's light and dark
themes go to artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import timezone

from commerce.models import Product, Return, ReturnItem, Variant
from conversations.inbox.roles import AGENTS, roles_ensure
from conversations.models import Conversation, SatisfactionRating
from core.models import Customer
from insights.tests.test_definitions import _order, conversation
from tests.test_inbox_browser import (  # noqa: F401
    SCREENSHOTS,
    SECONDS,
    browser,
    daphne,
)

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "insights-manager-pass-1"


@pytest.fixture
def manager() -> User:
    roles_ensure()
    user = User.objects.create_user("morgan", password=PASSWORD, is_staff=True,
                                    first_name="Morgan", last_name="Lee")
    user.groups.add(Group.objects.get(name=AGENTS))
    return user


@pytest.fixture
def history() -> dict[str, Conversation]:
    """Three weeks of a small shop's conversations on four channels."""
    now = timezone.now()
    made: dict[str, Conversation] = {}
    plan = [
        ("web", 2, "order_status", "resolved_by_bot", None),
        ("web", 3, "return_request", "resolved_by_bot", None),
        ("whatsapp", 4, "delivery_problem", None, "damage_review"),
        ("whatsapp", 5, "order_status", "shopper_silent", None),
        ("email", 6, "payment_issue", None, "payment_dispute"),
        ("email", 9, "refund_status", "resolved_by_bot", None),
        ("telegram", 12, "order_status", "resolved_by_bot", None),
        ("web", 15, "complaint", None, "frustration"),
        ("whatsapp", 18, "cancel_order", "resolved_by_bot", None),
        ("web", 20, "product_question", "resolved_by_bot", None),
    ]
    tee = Product.objects.create(name="Classic Tee", slug="tee", category="apparel", kind="tee")
    sizes = [Variant.objects.create(product=tee, sku=f"TEE-{size}", options={"size": size},
                                    price=Decimal("20")) for size in ("S", "M", "L")]
    for n, (channel, days, intent, closed, reason) in enumerate(plan):
        start = now - timedelta(days=days, minutes=n)
        who = Customer.objects.create(name=f"Shopper {n}", email=f"shopper{n}@example.com")
        for k in range(3):
            order = _order(f"80{n}" if k == 0 else f"7{n}{k}", who, sizes[(n + k) % 3],
                           ("evri", "dpd", "royal_mail")[(n + k) % 3],
                           ("SW1A 1AA", "M14 5AB", "EH9 1QQ")[n % 3], now - timedelta(days=25))
            if k == 0 and n % 3 == 0:
                ret = Return.objects.create(
                    order=order, number=f"R{n}", status="received", resolution="refund",
                    reason=("Too small", "Too big", "Changed my mind")[(n // 3) % 3],
                    idempotency_key=f"r{n}", created_at=now - timedelta(days=days))
                ReturnItem.objects.create(return_request=ret, order_item=order.item)
        turns: list[tuple] = [(0, "in", intent, f"80{n}"), (0.2 + n, "bot", "", "")]
        if reason:
            turns.append((40 + 30 * n, "agent", "", ""))
        made[f"{channel}-{n}"] = conversation(
            who, channel, start, turns,
            closed=(start + timedelta(minutes=10), closed) if closed else None,
            handoff={"after": 1, "reason": reason,
                     "due": start + timedelta(minutes=61)} if reason else None)
        if closed:
            SatisfactionRating.objects.create(
                conversation=made[f"{channel}-{n}"], customer=who, channel=channel,
                score=(5, 4, 2, 5, 3)[n % 5], created_at=start + timedelta(minutes=12))
    return made


def test_a_manager_filters_drills_down_and_exports_the_insights(
        monkeypatch, daphne, manager, history, browser):  # noqa: F811
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _story(daphne, history, browser)
    finally:
        connections.close_all()


def _story(base: str, history: dict[str, Conversation], chromium: Any) -> None:
    desk = chromium.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = desk.new_page()
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "morgan")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/$"))

    # From the admin's front page to the insights.
    page.click("#insights-link a.section")
    page.wait_for_url(re.compile(r"/admin/insights/$"))
    assert page.locator(".ins-card").count() >= 12
    assert page.locator("#figure-outcomes .ins-def").inner_text().startswith("Definition.")
    kpis = page.inner_text("#insights-kpis")
    assert "Automated resolution" in kpis and "Deflection (not resolution)" in kpis
    assert "10" in page.inner_text("#insights-kpis .ins-kpi >> nth=0")
    page.screenshot(path=str(SCREENSHOTS / "insights-light.png"), full_page=True)

    # The admin's dark theme: the same page, its charts drawn in the dark palette.
    page.evaluate("localStorage.setItem('theme', 'dark')")
    page.reload()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    bar_fill = page.evaluate(
        "getComputedStyle(document.querySelector('#figure-outcomes rect.ins-s0')).fill")
    assert bar_fill == "rgb(129, 140, 248)"
    page.screenshot(path=str(SCREENSHOTS / "insights-dark.png"), full_page=True)
    page.evaluate("localStorage.setItem('theme', 'light')")
    page.reload()

    # The last 7 days only: fewer conversations.
    page.click(".ins-presets a:has-text('7 days')")
    page.wait_for_load_state()
    assert page.inner_text("#insights-kpis .ins-kpi >> nth=0").split("\n")[1] == "5"

    # Back to 30 days, WhatsApp only, times in support hours.
    today = timezone.localdate()
    page.fill("input[name=from]", (today - timedelta(days=29)).isoformat())
    page.fill("input[name=to]", today.isoformat())
    page.select_option("select[name=channel]", "whatsapp")
    page.check("input[name=hours][value=business]")
    page.click("#insights-filters button[type=submit]")
    page.wait_for_url(re.compile(r"channel=whatsapp"))
    assert "hours=business" in page.url
    assert page.inner_text("#insights-kpis .ins-kpi >> nth=0").split("\n")[1] == "3"
    assert "times in support hours" in page.inner_text(".ins-lede")

    # Drill down from the "Handed off" bar to the conversation behind it.
    page.click("#figure-outcomes a.ins-drill[data-drill=handed_off]")
    page.wait_for_url(re.compile(r"/admin/insights/conversations/\?"))
    rows = page.locator("#drill-table tbody tr")
    assert rows.count() == 1
    behind = history["whatsapp-2"]
    assert f"#{behind.pk}" in rows.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "insights-drill-down.png"), full_page=True)

    # Its CSV, then the conversation itself in the inbox.
    with page.expect_download() as download:
        page.click("a.ins-csv")
    lines = _csv(download.value.path())
    assert lines[0][:3] == ["conversation", "started", "channel"]
    assert [line[0] for line in lines[1:]] == [str(behind.pk)]
    page.click(f"#drill-table a:has-text('#{behind.pk}')")
    page.wait_for_url(re.compile(rf"/admin/inbox/c/{behind.pk}/"))

    # Every table of the page exports; the handoff reasons one, for the whole range.
    page.go_back()
    page.go_back()
    page.wait_for_url(re.compile(r"/admin/insights/\?"))
    with page.expect_download() as download:
        page.click("#figure-handoff_reasons a.ins-csv")
    rows = _csv(download.value.path())
    assert rows == [["reason", "handoffs", "share", "SLA breaches"],
                    ["Damage review", "1", "100.0%", "1"]]


def _csv(path: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
