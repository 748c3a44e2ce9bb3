"""The agent inbox in a real browser, against a real Daphne.

pytest-django's live_server is WSGI and serves no WebSockets, so Daphne runs in a
subprocess on a free port, on the test database, with the in-memory channel layer: one
process holds both the shopper's chat socket and the agent's inbox socket.

The story: a shopper in the site chat asks for a person; the case appears in the agent's
open inbox without a reload; the agent claims it and replies; the reply reaches the chat;
the agent hands back and the bot answers the shopper's next message. Then the agent
approves a final-sale exception with one click. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connections
from django.utils import timezone

from channels_adapters.registry import captured
from commerce.models import Return
from conversations import services
from conversations.inbox.roles import AGENTS, roles_ensure
from conversations.models import Conversation, Handoff, Message
from devtools.scenarios import build_store
from tests import shop
from tests.celery_worker import database_url

pytestmark = pytest.mark.django_db(transaction=True)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "inbox-agent-pass-1"
OLA = "+447700900205"
SECONDS = 1000  # Playwright counts milliseconds

EXTRA = {
    "customers": [
        {"ref": "ola", "name": "Ola Nowak", "email": "ola.nowak@example.com", "phone": OLA,
         "postcode": "G2 3BZ", "tags": ["repeat-buyer"]},
    ],
    "products": [
        {"sku": "DRESS-SEQ-8", "name": "Sequin Party Dress",
         "options": {"colour": "gold", "size": "8"}, "price": "45.00", "stock": 1,
         "final_sale": True},
    ],
    "orders": [
        {"number": "9005", "customer": "ola", "placed": "-6d", "status": "delivered",
         "items": [{"sku": "DRESS-SEQ-8", "qty": 1}],
         "shipment": {"carrier": "dhl", "tracking_number": "JJD0090050050", "events": [
             {"at": "-5d", "status": "label_created", "location": "Northampton, GB"},
             {"at": "-4d", "status": "in_transit", "location": "Coventry, GB",
              "detail": "Departed hub"},
             {"at": "-2d", "status": "delivered", "location": "Glasgow, GB",
              "detail": "Signed for by OLA"}]}},
    ],
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def daphne() -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "SERVE_STATIC": "true",
           "ONETHREAD_DATA_DIR": str(settings.DATA_DIR), "PYTHONUNBUFFERED": "1",
           "SITE_URL": f"http://127.0.0.1:{port}",
           # A DATABASE_URL makes it a deployment, which must name its host; and this one
           # is served over plain HTTP.
           "ALLOWED_HOSTS": "127.0.0.1", "SESSION_COOKIE_SECURE": "false",
           "CSRF_COOKIE_SECURE": "false"}
    for name in ("REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    log = (Path(settings.DATA_DIR) / f"daphne-inbox-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
         "core.asgi:application"],
        cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                raise RuntimeError("Daphne did not start:\n" + Path(log.name).read_text())
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def agent() -> User:
    roles_ensure()
    user = User.objects.create_user("alex", password=PASSWORD, is_staff=True,
                                    first_name="Alex", last_name="Morgan")
    user.groups.add(Group.objects.get(name=AGENTS))
    return user


@pytest.fixture
def cases() -> dict[str, Any]:
    """Cases already waiting: a final-sale return the bot had to stop (made by the real
    bot) and a frustrated shopper from half an hour ago."""
    now = timezone.now()
    customers = shop.build(now)
    customers.update(build_store({"store": EXTRA}, now))
    message = services.message_receive(services.Inbound(
        channel="whatsapp", sender_id=OLA, external_id=uuid.uuid4().hex,
        text="hiya, can i send the sequin dress back? it doesnt suit me at all"))
    with captured():
        services.message_process(message.pk)
    final_sale = Handoff.objects.get(conversation__customer=customers["ola"])

    tom = customers["tom"]
    earlier = now - timedelta(minutes=34)
    conversation = Conversation.objects.create(
        customer=tom, channel="email", mode="human", verified_at=earlier,
        verified_via="order_details", created_at=earlier, state={"frustration": 2,
                                                                 "order": "2001"})
    for minutes, direction, sender, text in [
        (36, "in", "customer", "Where is order 2001? It was meant to be here days ago."),
        (35, "out", "bot", "Order #2001 is held at customs in Leipzig, DE since yesterday."),
        (34, "in", "customer", "This is ridiculous, nobody tells me anything!!"),
    ]:
        Message.objects.create(
            conversation=conversation, channel="email", direction=direction, sender=sender,
            text=text, delivery="received" if direction == "in" else "sent",
            created_at=now - timedelta(minutes=minutes))
    Handoff.objects.create(
        conversation=conversation, reason="frustration", created_at=earlier, packet={
            "reason": "frustration", "summary": "The shopper is repeatedly frustrated.",
            "suggested_resolution": "Apologise, resolve the customs hold, consider a "
                                    "goodwill gesture.",
            "intent": "order_status", "verified": True, "verified_via": "order_details",
            "order": "2001", "tried": ["order_status"], "policy": None,
            "last_message": "This is ridiculous, nobody tells me anything!!"})
    return {"final_sale": final_sale, "customers": customers}


@pytest.fixture
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"No Chromium at {CHROMIUM} (make test installs it when run as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def test_a_handoff_is_answered_from_the_inbox_and_handed_back_to_the_bot(
        monkeypatch, daphne, agent, cases, browser):
    # Playwright's sync API keeps an event loop in this thread; the test's own ORM reads
    # are still plain synchronous code, but Django gives them a connection of their own
    # (its connections are per context), which must be closed before the database is
    # flushed and dropped.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        _story(daphne, agent, cases, browser)
    finally:
        connections.close_all()


def _story(daphne: str, agent: User, cases: dict[str, Any], browser: Any) -> None:

    # The agent logs in and keeps the inbox open.
    desk = browser.new_context(viewport={"width": 1440, "height": 900})
    inbox = desk.new_page()
    inbox.goto(f"{daphne}/admin/login/?next=/admin/inbox/")
    inbox.fill("#id_username", "alex")
    inbox.fill("#id_password", PASSWORD)
    inbox.click("input[type=submit]")
    inbox.wait_for_url(re.compile(r"/admin/inbox/$"))
    inbox.wait_for_selector("#ib-live.on", timeout=15 * SECONDS)
    assert inbox.locator(".ib-row").count() == 2

    # A shopper asks for a person in the site chat.
    shopper = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    shopper.goto(daphne + "/")
    shopper.click("#chat-toggle")
    shopper.wait_for_selector("#log .msg.out")
    shopper.fill("#text", "I want to talk to a human")
    shopper.press("#text", "Enter")
    shopper.wait_for_selector("#log .msg.out:has-text('colleague')", timeout=90 * SECONDS)
    guest = Conversation.objects.get(channel="web", mode="human")

    # It appears in the open inbox, live (the page's fallback poll is 20 s away).
    row = inbox.locator(f".ib-row[data-conversation='{guest.pk}']")
    row.wait_for(timeout=10 * SECONDS)
    assert inbox.locator(".ib-row").count() == 3
    assert "Asked for a person" in row.inner_text()
    inbox.wait_for_timeout(400)
    inbox.screenshot(path=str(SCREENSHOTS / "inbox-queue.png"), full_page=True)

    # The agent opens it, claims it and replies.
    row.click()
    inbox.wait_for_url(re.compile(rf"/admin/inbox/c/{guest.pk}/"))
    inbox.click("#claim")
    inbox.wait_for_selector("[data-testid=assignee]:has-text('Alex Morgan')")
    inbox.click(".ib-composer-tabs [data-tab=note]")
    inbox.fill("#note-text", "Guest, not verified yet: ask for the order number first.")
    inbox.click("#note-form button[type=submit]")
    inbox.wait_for_selector(".ib-note:has-text('ask for the order number first')")
    inbox.fill("#reply-text", "Hi, I'm Alex from the support team. How can I help?")
    inbox.click("#send-reply")
    inbox.wait_for_selector(".ib-msg.sender-agent:has-text('Alex from the support team')")

    # The reply reaches the shopper's chat.
    shopper.wait_for_selector("#log .msg.agent:has-text('Alex from the support team')",
                              timeout=10 * SECONDS)
    assert "order number first" not in shopper.inner_text("#log")
    shopper.fill("#text", "Thanks! Nothing else for now.")
    shopper.press("#text", "Enter")
    inbox.wait_for_selector(".ib-msg.from-customer:has-text('Nothing else for now')",
                            timeout=10 * SECONDS)
    inbox.screenshot(path=str(SCREENSHOTS / "inbox-conversation.png"))
    shopper.screenshot(path=str(SCREENSHOTS / "shopper-chat.png"))

    # The agent hands back; the shopper is told and the bot answers the next message.
    inbox.click("#hand-back")
    inbox.wait_for_url(re.compile(r"/admin/inbox/$"))
    assert inbox.locator(f".ib-row[data-conversation='{guest.pk}']").count() == 0
    shopper.wait_for_selector("#log .msg.out:has-text(\"You're back with the assistant\")",
                              timeout=10 * SECONDS)
    guest.refresh_from_db()
    assert guest.mode == "bot"
    assert guest.state["handed_back_by"] == "alex"
    shopper.fill("#text", "where is my order")
    shopper.press("#text", "Enter")
    shopper.wait_for_selector("#log .msg.out:has-text('order number')", timeout=30 * SECONDS)
    last = guest.messages.filter(direction="out").order_by("-created_at", "-pk").first()
    assert last.sender == "bot"
    assert "order number" in last.text

    # A final-sale exception: everything to decide on one page, approved with one click.
    final_sale = cases["final_sale"]
    inbox.click(f".ib-row[data-conversation='{final_sale.conversation_id}']")
    inbox.wait_for_selector("#decision")
    assert "return.final_sale" in inbox.inner_text("#decision")
    assert "Signed for by OLA" in inbox.inner_text("#order")
    inbox.wait_for_timeout(300)
    inbox.screenshot(path=str(SCREENSHOTS / "inbox-decision.png"))
    inbox.click("#approve")
    inbox.wait_for_selector(".ib-toast:has-text('Approved')")
    inbox.wait_for_selector(".ib-msg.sender-agent:has-text('Return R-9005-1 is open')")
    inbox.screenshot(path=str(SCREENSHOTS / "inbox-approved.png"))
    ret = Return.objects.get(order__number="9005")
    assert ret.status == "label_sent"
    approval = final_sale.conversation.messages.filter(sender="agent").get()
    assert approval.agent == agent
    assert "Return R-9005-1 is open" in approval.text
    desk.close()
