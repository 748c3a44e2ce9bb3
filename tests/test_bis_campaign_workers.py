"""A back-in-stock campaign of 10,000 waiting shoppers sent by real Celery workers on the
real Redis broker to a stand-in for Meta's Graph API (the HTTP boundary), with the
sending worker SIGKILLed mid-run: every eligible shopper gets exactly one message, and
nobody unsubscribed, in their quiet hours or over the weekly cap gets any."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from campaigns import services as alerts
from campaigns.models import Campaign, Recipient
from commerce import services as store
from commerce.models import BackInStockSubscription, Product, Variant
from conversations import services
from conversations.models import Message
from core.models import Customer, MarketingConsent
from tests import celery_worker

pytestmark = pytest.mark.django_db(transaction=True)

SHOPPERS = 10_000
SECRET = "bis-app-secret"
PHONE_NUMBER_ID = "106540352242922"
STALL_AT = 150


class Graph:
    """Answers like the Graph API's /messages; request number `STALL_AT` is accepted and
    then stalls, so the worker sending it can be killed while it waits."""

    def __init__(self) -> None:
        self.accepted: list[dict] = []
        self.lock = threading.Lock()
        graph = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with graph.lock:
                    graph.accepted.append(body)
                    n = len(graph.accepted)
                if n == STALL_AT:
                    time.sleep(30)
                raw = json.dumps({"messaging_product": "whatsapp",
                                  "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                  "messages": [{"id": f"wamid.BIS{n}"}]}).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the worker that asked was killed meanwhile

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for body in self.accepted:
            counts["+" + body["to"]] = counts.get("+" + body["to"], 0) + 1
        return counts


@pytest.fixture
def graph(settings):
    from agents.nlu import warm_up

    warm_up()  # trains or loads the cached model once, before the workers need it
    stand_in = Graph()
    env = {"WHATSAPP_ENABLED": "1", "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
           "WHATSAPP_ACCESS_TOKEN": "EAAGbis", "WHATSAPP_APP_SECRET": SECRET,
           "WHATSAPP_VERIFY_TOKEN": "verify", "WHATSAPP_API_BASE": stand_in.url,
           "WHATSAPP_TEMPLATES": "back_in_stock=stock_back:en_GB",
           "WHATSAPP_PER_SECOND": "1000", "WHATSAPP_MESSAGING_TIER": "unlimited"}
    for key in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET",
                "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_API_BASE"):
        setattr(settings, key, env[key])
    settings.WHATSAPP_ENABLED = True
    celery_worker.flush_broker()
    with celery_worker.redis_broker():
        yield stand_in, env
    celery_worker.flush_broker()
    stand_in.server.shutdown()


def _zone_at(hour: int) -> str:
    """A fixed-offset zone where it is `hour` o'clock now."""
    offset = (hour - timezone.now().hour + 12) % 24 - 12
    return f"Etc/GMT{'+' if offset <= 0 else '-'}{abs(offset)}"


def _store() -> tuple[Variant, dict[str, set[int]]]:
    product = Product.objects.create(name="Field Parka", slug="field-parka",
                                     category="apparel", kind="parka")
    parka = Variant.objects.create(product=product, sku="PARKA-OLV-M", price="140.00",
                                   options={"colour": "olive", "size": "M"}, stock=0)
    other = Variant.objects.create(product=product, sku="PARKA-OLV-L", price="140.00",
                                   options={"colour": "olive", "size": "L"}, stock=0)
    now = timezone.now()
    day, night = _zone_at(14), _zone_at(3)
    groups: dict[str, set[int]] = {"eligible": set(), "withdrawn": set(), "quiet": set(),
                                   "capped": set(), "stopped": set()}
    kinds = ["eligible", "withdrawn", "quiet", "capped", "withdrawn"]
    customers = Customer.objects.bulk_create([
        Customer(name=f"Shopper {i}", phone=f"+4479{i:08d}",
                 time_zone=night if kinds[i % 5] == "quiet" else day, created_at=now)
        for i in range(SHOPPERS)], batch_size=2000)
    for i, customer in enumerate(customers):
        groups[kinds[i % 5]].add(customer.pk)
    MarketingConsent.objects.bulk_create([
        MarketingConsent(customer=c, channel="whatsapp", purpose="back_in_stock",
                         wording="Tell me once", source="chat", created_at=now,
                         withdrawn_at=now if c.pk in groups["withdrawn"] else None)
        for c in customers], batch_size=2000)
    BackInStockSubscription.objects.bulk_create([
        BackInStockSubscription(customer=c, variant=parka, channel="whatsapp",
                                created_at=now - timedelta(seconds=SHOPPERS - i),
                                confirmed_at=now)
        for i, c in enumerate(customers)], batch_size=2000)
    # The capped already had this week's three marketing messages.
    for n in range(3):
        earlier = Campaign.objects.create(variant=other, trigger="restock", status="done",
                                          units=1, created_at=now - timedelta(days=n + 1))
        Recipient.objects.bulk_create([
            Recipient(campaign=earlier, customer_id=pk, channel="whatsapp", status="queued",
                      wished_at=now, created_at=now - timedelta(days=n + 1))
            for pk in groups["capped"]], batch_size=2000)
    # A few eligible ones said "stop alerts" before the restock, through the real path.
    for pk in sorted(groups["eligible"])[:25]:
        alerts.stock_alerts_stop(Customer.objects.get(pk=pk))
        groups["eligible"].discard(pk)
        groups["stopped"].add(pk)
    return parka, groups


def _status_webhook(tracker: str, wamid: str) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [{"id": wamid, "status": "sent", "timestamp": str(int(time.time())),
                          "recipient_id": "447900000000",
                          "biz_opaque_callback_data": tracker}]}}]}]}).encode()


def test_a_killed_worker_neither_loses_nor_doubles_an_alert_of_a_10000_campaign(graph):
    stand_in, env = graph
    parka, groups = _store()
    phones = dict(Customer.objects.values_list("pk", "phone"))

    with celery_worker.worker(concurrency=1, extra_env=env, name="doomed") as doomed:
        store.variant_stock_set(parka, 5000)  # the restock: its campaign starts on commit
        celery_worker.wait_for(lambda: len(stand_in.accepted) >= STALL_AT, timeout=180)
        celery_worker.stop(doomed, kill=True)
    stuck = list(Message.objects.filter(direction="out", delivery="sending")
                 .values_list("pk", flat=True))
    assert len(stuck) == 1  # the one the platform took while the worker died

    with celery_worker.worker(concurrency=2, extra_env=env, name="after"):
        from conversations.tasks import deliver_message

        recovered = [0.0]

        def settled() -> bool:
            # What beat's outbox recovery does every minute, sooner: the rows the dead
            # worker's chunk still held.
            if time.monotonic() - recovered[0] > 15:
                recovered[0] = time.monotonic()
                for pk in services.outbox_recover(older_than=timedelta(seconds=10)):
                    deliver_message.delay(pk)
            outbound = Message.objects.filter(direction="out")
            return not outbound.filter(delivery="pending").exists() and not outbound.filter(
                delivery="sending").exclude(pk__in=stuck).exists()

        celery_worker.wait_for(settled, timeout=400, interval=2)

    # Meta's status callback names the stalled message's row: it learns its id.
    stalled = next(b for b in stand_in.accepted[STALL_AT - 1:STALL_AT])
    signature = "sha256=" + hmac.new(SECRET.encode(), body := _status_webhook(
        stalled["biz_opaque_callback_data"], f"wamid.BIS{STALL_AT}"), hashlib.sha256).hexdigest()
    assert Client().post("/webhooks/whatsapp/", body, content_type="application/json",
                         headers={"X-Hub-Signature-256": signature}).status_code == 200

    eligible = {phones[pk] for pk in groups["eligible"]}
    received = stand_in.per_recipient()
    assert set(received) == eligible  # nobody withdrawn, asleep, capped or stopped
    assert set(received.values()) == {1}  # and each eligible shopper exactly once
    assert all(b["type"] == "template" and b["template"]["name"] == "stock_back"
               for b in stand_in.accepted)
    alerts_sent = Message.objects.filter(payload__purpose="back_in_stock")
    assert sorted(alerts_sent.values_list("payload__to", flat=True)) == sorted(eligible)
    assert set(alerts_sent.values_list("delivery", flat=True)) == {"sent"}
    campaign = Campaign.objects.get(variant=parka)
    statuses: dict[str, set[int]] = {}
    for customer_id, status in Recipient.objects.filter(campaign=campaign).values_list(
            "customer_id", "status"):
        statuses.setdefault(status, set()).add(customer_id)
    assert statuses == {"queued": groups["eligible"], "no_consent": groups["withdrawn"],
                        "deferred": groups["quiet"], "over_cap": groups["capped"]}
