"""Ordering and delivery under real Celery workers with the real Redis broker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from conversations import services
from conversations.models import Message
from tests import celery_worker, shop

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis_broker():
    from agents.nlu import warm_up

    warm_up()  # trains or loads the cached model once, before the workers need it
    celery_worker.flush_broker()
    with celery_worker.redis_broker():
        yield
    celery_worker.flush_broker()


def test_messages_of_one_conversation_are_answered_once_each_and_in_order(redis_broker):
    shop.build(timezone.now())
    texts = ["hi", "where is my order", "1042 maya@example.com", "thanks", "bye",
             "is the classic tee in stock in L?"]
    stored = [services.message_receive(services.Inbound(
        channel="web", sender_id="reliabilitysession0001", text=t, external_id=f"r-{i}"))
        for i, t in enumerate(texts)]
    from conversations.tasks import process_message

    # Enqueued newest first, with two workers of two processes each racing for them.
    with celery_worker.worker(concurrency=2, name="a"), celery_worker.worker(
            concurrency=2, name="b"):
        for message in reversed(stored):
            process_message.delay(message.pk)
        celery_worker.wait_for(lambda: not Message.objects.filter(
            direction="in", processed_at__isnull=True).exists(), timeout=120)
    inbound = list(Message.objects.filter(direction="in").order_by("pk"))
    assert [m.text for m in inbound] == texts
    processed = [m.processed_at for m in inbound]
    assert processed == sorted(processed)
    replies = list(Message.objects.filter(direction="out").order_by("created_at", "pk"))
    assert len(replies) == len(texts)
    assert "order number" in replies[1].text
    assert "Birmingham, GB" in replies[2].text


# --- A webhook storm through the real WhatsApp view, workers sending to a stand-in for
# Meta's Graph API on loopback (the HTTP boundary), with duplicates, temporary errors and
# a worker killed mid-send.

import hashlib  # noqa: E402
import hmac  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402

from django.test import Client  # noqa: E402

from core.models import Customer  # noqa: E402

SECRET = "storm-app-secret"
PHONE_NUMBER_ID = "106540352242922"


class GraphStandIn:
    """Answers like the Graph API's /messages. The first request is accepted but stalls
    (so a worker can be killed while it waits); the next `fail_first` get a 503."""

    def __init__(self, fail_first: int = 0, stall_first: float = 0.0) -> None:
        self.requests: list[tuple[dict, int]] = []
        self.fail_first = fail_first
        self.stall_first = stall_first
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with stand_in.lock:
                    n = len(stand_in.requests) + 1
                    status = 503 if 1 < n <= stand_in.fail_first + 1 else 200
                    stand_in.requests.append((body, status))
                if n == 1 and stand_in.stall_first:
                    time.sleep(stand_in.stall_first)
                if status == 503:
                    self._answer(503, {"error": {"message": "Service temporarily unavailable",
                                                 "type": "OAuthException", "code": 2}})
                    return
                self._answer(200, {"messaging_product": "whatsapp",
                                   "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                   "messages": [{"id": f"wamid.STORM{n}"}]})

            def _answer(self, status: int, data: dict) -> None:
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass  # the worker that asked was killed meanwhile

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def accepted_per_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for body, status in self.requests:
            if status == 200:
                counts[body["to"]] = counts.get(body["to"], 0) + 1
        return counts

    def close(self) -> None:
        self.server.shutdown()


def _env(graph: GraphStandIn) -> dict[str, str]:
    return {"WHATSAPP_ENABLED": "1", "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
            "WHATSAPP_ACCESS_TOKEN": "EAAGstorm", "WHATSAPP_APP_SECRET": SECRET,
            "WHATSAPP_VERIFY_TOKEN": "verify", "WHATSAPP_API_BASE": graph.url,
            "INBOUND_PER_MINUTE": "1000"}


def _webhook(phone: str, wamid: str, text: str) -> bytes:
    digits = phone.lstrip("+")
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID},
            "contacts": [{"profile": {"name": "Shopper"}, "wa_id": digits}],
            "messages": [{"from": digits, "id": wamid, "timestamp": str(int(time.time())),
                          "type": "text", "text": {"body": text}}]}}]}]}).encode()


def _status(tracker: str, wamid: str) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [{"id": wamid, "status": "sent", "timestamp": str(int(time.time())),
                          "recipient_id": "447700900000",
                          "biz_opaque_callback_data": tracker}]}}]}]}).encode()


def _post(client: Client, body: bytes) -> int:
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/webhooks/whatsapp/", body, content_type="application/json",
                       headers={"X-Hub-Signature-256": signature}).status_code


@pytest.fixture
def storm(settings, redis_broker):
    graph = GraphStandIn(fail_first=4, stall_first=6.0)
    for key, value in _env(graph).items():
        setattr(settings, key, value == "1" if key == "WHATSAPP_ENABLED" else value)
    settings.INBOUND_PER_MINUTE = 1000
    yield graph
    graph.close()


def test_a_webhook_storm_with_duplicates_and_a_killed_worker_loses_and_doubles_nothing(storm):
    shoppers = [Customer.objects.create(name=f"Shopper {i}", email=f"s{i}@example.com",
                                        phone=f"+4477009{i:05d}") for i in range(12)]
    deliveries = [(c.phone, f"wamid.IN{i}", "hello") for i, c in enumerate(shoppers)]
    storm_bodies = [_webhook(*d) for d in deliveries] * 2  # every webhook delivered twice
    random.Random(4).shuffle(storm_bodies)
    client = Client()

    with celery_worker.worker(concurrency=1, extra_env=_env(storm), name="doomed") as doomed:
        assert all(_post(client, body) == 200 for body in storm_bodies)
        # The first send stalls at the platform; kill the worker while it waits.
        celery_worker.wait_for(lambda: len(storm.requests) >= 1, timeout=120)
        celery_worker.stop(doomed, kill=True)
    # The one worker process was inside that send: its row, and only its row, is left
    # "sending" (the platform has the message; we never heard its id).
    stuck_ids = list(Message.objects.filter(direction="out", delivery="sending")
                     .values_list("pk", flat=True))
    assert len(stuck_ids) == 1

    with celery_worker.worker(concurrency=2, extra_env=_env(storm), name="after"):
        from conversations.tasks import recover_outbox

        def settled() -> bool:
            # What beat does every minute, sooner: re-queue what the dead worker left.
            for pk in services.inbound_recover(older_than=timedelta(0)):
                from conversations.tasks import process_message

                process_message.delay(pk)
            for pk in services.outbox_recover(older_than=timedelta(seconds=5)):
                from conversations.tasks import deliver_message

                deliver_message.delay(pk)
            # Settled means no send in flight either: stopping the worker mid-send would
            # leave a second row "sending" (its pool processes end on SIGTERM), which made
            # this test fail now and then.
            return (not Message.objects.filter(direction="in", processed_at=None).exists()
                    and not Message.objects.filter(direction="out", delivery="pending")
                    .exists()
                    and not Message.objects.filter(direction="out", delivery="sending")
                    .exclude(pk__in=stuck_ids).exists())

        assert recover_outbox  # the beat task that does the same in production
        celery_worker.wait_for(settled, timeout=240, interval=3)

    inbound = Message.objects.filter(direction="in")
    assert sorted(inbound.values_list("external_id", flat=True)) == sorted(
        d[1] for d in deliveries)
    outbound = list(Message.objects.filter(direction="out"))
    assert len(outbound) == len(deliveries)  # one answer per message, none twice
    assert sorted(m.payload["to"] for m in outbound) == sorted(d[0] for d in deliveries)
    per_recipient = storm.accepted_per_recipient()
    # The platform accepted at most one message per shopper: nothing was sent twice...
    assert set(per_recipient.values()) == {1}
    # ...and every shopper's answer reached it, including the one in flight when the
    # worker died (the platform had it; our row still says "sending", and is not resent).
    assert len(per_recipient) == len(deliveries)
    assert sorted((m.pk, m.delivery) for m in outbound) == sorted(
        (m.pk, "sending" if m.pk in stuck_ids else "sent") for m in outbound)

    # When Meta's status callback for the message the dead worker sent arrives, naming the
    # tag it was sent with, that row learns its id: every answer is now "sent", once.
    stalled, _ = storm.requests[0]
    assert _post(client, _status(stalled["biz_opaque_callback_data"], "wamid.STORM1")) == 200
    assert sorted(Message.objects.filter(direction="out").values_list("pk", "delivery")) == \
        sorted((m.pk, "sent") for m in outbound)
    assert Message.objects.get(pk=stuck_ids[0]).external_id == "wamid.STORM1"
