"""The whole product under `manage.py run`, with WhatsApp webhooks coming in over real HTTP
while its Celery worker and then its PostgreSQL are killed: once both are back, every
message the webhook accepted is stored once and answered once.

Meta is played by a stand-in on loopback: it answers sends with a message id, posts the
status callback for each (with the tag the message carried, as Meta does), and, like
Meta, delivers each webhook again until it is answered 200.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import psutil
import psycopg
import pytest

from core import embedded_db
from tests import celery_worker
from tests.test_run_smoke import Run, _free_port

SECRET = "chaos-app-secret"
PHONE_NUMBER_ID = "106540352242922"
SHOPPERS = 24
SETTLE_SECONDS = 420


class Meta:
    """The Graph API's /messages, and Meta's webhook deliveries to the product."""

    def __init__(self) -> None:
        self.sends: list[dict] = []
        self.lock = threading.Lock()
        self.webhook_url = ""
        meta = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with meta.lock:
                    meta.sends.append(body)
                    wamid = f"wamid.OUT{len(meta.sends)}"
                raw = json.dumps({"messaging_product": "whatsapp",
                                  "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                                  "messages": [{"id": wamid}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
                threading.Thread(target=meta.deliver, daemon=True, args=(_status(
                    wamid, body["to"], body.get("biz_opaque_callback_data", "")),)).start()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deliver(self, body: bytes, deadline_seconds: float = SETTLE_SECONDS) -> int:
        """Post one webhook until the product answers 200 (Meta retries anything else);
        returns how many attempts it took."""
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        deadline = time.monotonic() + deadline_seconds
        attempts = 0
        while True:
            attempts += 1
            request = urllib.request.Request(
                self.webhook_url, data=body, method="POST",
                headers={"Content-Type": "application/json",
                         "X-Hub-Signature-256": signature})
            try:
                with _opener.open(request, timeout=10) as response:
                    if response.status == 200:
                        return attempts
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the product never accepted {body[:120]!r}")
            time.sleep(0.5)

    def recipients(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for body in self.sends:
            counts[body["to"]] = counts.get(body["to"], 0) + 1
        return counts

    def close(self) -> None:
        self.server.shutdown()


_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _envelope(value: dict) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881",
                         "phone_number_id": PHONE_NUMBER_ID}, **value}}]}]}).encode()


def _message(digits: str, wamid: str, text: str) -> bytes:
    return _envelope({
        "contacts": [{"profile": {"name": "Shopper"}, "wa_id": digits}],
        "messages": [{"from": digits, "id": wamid, "timestamp": str(int(time.time())),
                      "type": "text", "text": {"body": text}}]})


def _status(wamid: str, to: str, tracker: str) -> bytes:
    return _envelope({"statuses": [{
        "id": wamid, "status": "sent", "timestamp": str(int(time.time())),
        "recipient_id": to, "biz_opaque_callback_data": tracker}]})


@pytest.fixture
def meta():
    stand_in = Meta()
    yield stand_in
    stand_in.close()


def test_killing_the_worker_and_the_database_under_load_loses_and_doubles_nothing(
        tmp_path: Path, meta: Meta) -> None:
    celery_worker.flush_broker()
    data_dir = tmp_path / "data"
    port = _free_port()
    meta.webhook_url = f"http://127.0.0.1:{port}/webhooks/whatsapp/"
    run = Run(data_dir, port, workers=True, extra_env={
        "REDIS_URL": celery_worker.REDIS_URL, "WHATSAPP_ENABLED": "1",
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID, "WHATSAPP_ACCESS_TOKEN": "EAAGchaos",
        "WHATSAPP_APP_SECRET": SECRET, "WHATSAPP_VERIFY_TOKEN": "verify",
        "WHATSAPP_API_BASE": meta.url})
    shoppers = [f"4477009{i:05d}" for i in range(SHOPPERS)]
    try:
        run.wait_until_serving()
        uri = embedded_db.server(data_dir).get_uri("onethread")
        worker = run.child(" worker ")
        postmaster = psutil.Process(embedded_db.server(data_dir).get_pid())

        # Given a stream of shoppers writing, each message delivered until it is accepted
        attempts: list[int] = []

        def send(i: int) -> None:
            attempts.append(meta.deliver(_message(shoppers[i], f"wamid.IN{i}", "hello")))

        threads = []
        for i in range(SHOPPERS):
            thread = threading.Thread(target=send, args=(i,), daemon=True)
            thread.start()
            threads.append(thread)
            # When, a third of the way in, the worker is killed, and two thirds of the
            # way in, the database
            if i == SHOPPERS // 3:
                worker.kill()
            if i == 2 * SHOPPERS // 3:
                postmaster.kill()
            time.sleep(0.25)
        for thread in threads:
            thread.join(SETTLE_SECONDS)
        assert len(attempts) == SHOPPERS

        # Then run brought both back
        run.wait_for_output("Celery worker was killed by SIGKILL; restarting it")
        run.wait_for_output("The embedded PostgreSQL restarted.")

        # And, once beat's recovery has run, every accepted message is stored once and
        # answered once, and every answer reached Meta once and is recorded as sent
        def settled() -> tuple | None:
            with psycopg.connect(uri, connect_timeout=5) as conn:
                inbound = conn.execute(
                    "SELECT external_id, processed_at IS NOT NULL FROM conversations_message"
                    " WHERE direction = 'in' ORDER BY external_id").fetchall()
                outbound = conn.execute(
                    "SELECT payload->>'to', delivery FROM conversations_message"
                    " WHERE direction = 'out' ORDER BY 1").fetchall()
            done = (len(inbound) == SHOPPERS and all(p for _, p in inbound)
                    and len(outbound) >= SHOPPERS
                    and all(d == "sent" for _, d in outbound))
            return (inbound, outbound) if done else None

        inbound, outbound = celery_worker.wait_for(settled, timeout=SETTLE_SECONDS,
                                                   interval=3)
        assert [wamid for wamid, _ in inbound] == sorted(
            f"wamid.IN{i}" for i in range(SHOPPERS))
        assert sorted(to for to, _ in outbound) == sorted(f"+{s}" for s in shoppers)
        assert sorted(meta.recipients().values()) == [1] * SHOPPERS
        assert "stopped the rest" not in run.output
        assert run.interrupt() == 0, run.output
    finally:
        run.kill()
        embedded_db.stop(data_dir)
        celery_worker.flush_broker()
