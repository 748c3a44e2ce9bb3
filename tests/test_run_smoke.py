"""`make run` end to end, and the admin it serves.

The smoke test starts `manage.py run` in a subprocess with a data folder of its own,
so it initialises, migrates and stops its own embedded PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import psutil
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import authenticate, get_user_model
from django.test import Client
from django.urls import reverse

from conversations.models import Conversation, Message
from core import embedded_db
from core.models import Channel, ChannelIdentity, Customer
from core.services import admin_user_ensure

STARTUP_SECONDS = 90
STOP_SECONDS = 30
PASSWORD_LINE = re.compile(r"^\s*Admin password: (\S+)\s*$", re.MULTILINE)


class Run:
    """One `manage.py run` in a subprocess, its output collected as it comes."""

    def __init__(self, data_dir: Path, port: int, extra_env: dict[str, str] | None = None,
                 ) -> None:
        env = {**os.environ, "ONETHREAD_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1",
               **(extra_env or {})}
        # Self-contained: its own embedded database and in-memory channel layer, never
        # the database or Redis the test session may have been pointed at.
        for name in ("DATABASE_URL", "REDIS_URL", "HOST", "PORT"):
            env.pop(name, None)
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run", "--no-workers", "--skip-seed",
             "--port", str(port)],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self._lines)

    def get(self, path: str) -> int:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body,
                                         headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"run exited early:\n{self.output}"
            if PASSWORD_LINE.search(self.output):
                return
            time.sleep(0.2)
        pytest.fail(f"run did not come up within {STARTUP_SECONDS} s:\n{self.output}")

    def interrupt(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            pytest.fail(f"run did not stop within {STOP_SECONDS} s of SIGINT:\n{self.output}")
        self._reader.join(timeout=5)
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_using(data_dir: Path) -> list[str]:
    found = []
    for process in psutil.process_iter(["pid", "cmdline"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        if str(data_dir) in cmdline:
            found.append(f"{process.info['pid']}: {cmdline}")
    return found


def test_run_serves_the_site_and_admin_and_stops_everything_on_ctrl_c(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    passwords = []
    try:
        for _ in range(2):
            # Given a data folder (fresh the first time, reused the second)
            run = Run(data_dir, _free_port())
            try:
                # When it starts
                run.wait_until_serving()

                # Then the site, the admin and the admin's static files are served
                assert run.get("/healthz") == 200
                assert run.get("/admin/login/") == 200
                assert run.get("/static/admin/css/base.css") == 200
                if (settings.BASE_DIR / "templates" / "site" / "index.html").exists():
                    assert run.get("/") == 200
                passwords.append(PASSWORD_LINE.findall(run.output)[-1])

                # And Ctrl-C stops it cleanly
                assert run.interrupt() == 0, run.output
                assert "OneThread stopped." in run.output
            finally:
                run.kill()
            # With nothing left running on its data folder, PostgreSQL included
            assert _processes_using(data_dir) == []
    finally:
        embedded_db.stop(data_dir)

    # And each start printed a new, random admin password
    assert len(passwords) == 2
    assert passwords[0] != passwords[1]
    assert all(len(p) >= 20 for p in passwords)


WHATSAPP_ENV = {"WHATSAPP_ENABLED": "true", "WHATSAPP_APP_SECRET": "smoke-secret",
                "WHATSAPP_PHONE_NUMBER_ID": "1065", "WHATSAPP_ACCESS_TOKEN": "token",
                "WHATSAPP_VERIFY_TOKEN": "verify"}


def _signed_whatsapp(message_id: str) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": "1065"},
            "contacts": [{"profile": {"name": "Noor"}, "wa_id": "447700900777"}],
            "messages": [{"from": "447700900777", "id": message_id, "timestamp": "1700000000",
                          "type": "text", "text": {"body": "hello"}}]}}]}]}).encode()
    digest = hmac.new(b"smoke-secret", body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


def test_run_stores_each_signed_webhook_once_and_answers_on_the_site_chat_socket(
        tmp_path: Path) -> None:
    from websockets.sync.client import connect

    from agents.nlu import warm_up
    from agents.nlu.model import cache_dir

    # The language model trained once for the test session, so the server loads it
    # instead of training it again in a new data folder.
    warm_up()
    data_dir = tmp_path / "data"
    shutil.copytree(cache_dir(), data_dir / "nlu")
    run = Run(data_dir, _free_port(), extra_env={**WHATSAPP_ENV, "WEB_PROCESSES": "2"})
    try:
        run.wait_until_serving()

        # A signed webhook is stored once, however often the platform delivers it
        body, headers = _signed_whatsapp("wamid.smoke1")
        answers = [run.post("/webhooks/whatsapp/", body, headers) for _ in range(3)]
        assert answers == [(200, {"ok": True, "stored": 1}), (200, {"ok": True, "stored": 0}),
                           (200, {"ok": True, "stored": 0})]
        # and one with a bad signature is refused
        assert run.post("/webhooks/whatsapp/", body, {**headers, "X-Hub-Signature-256":
                                                      "sha256=" + "0" * 64})[0] == 403

        # The site chat's socket is served by the same server, and the bot answers on it
        with connect(f"ws://127.0.0.1:{run.port}/ws/chat/?session=smokesession0123456",
                     origin=f"http://127.0.0.1:{run.port}", open_timeout=30) as socket_:
            hello = json.loads(socket_.recv(timeout=30))
            assert (hello["type"], hello["session"], hello["history"]) == (
                "hello", "smokesession0123456", [])
            socket_.send(json.dumps({"type": "message", "text": "hello",
                                     "client_id": "smokeclient1"}))
            echo = json.loads(socket_.recv(timeout=30))
            assert (echo["message"]["direction"], echo["message"]["text"]) == ("in", "hello")
            reply = json.loads(socket_.recv(timeout=120))
            assert (reply["type"], reply["message"]["direction"],
                    reply["message"]["sender"]) == ("message", "out", "bot")
            assert reply["message"]["text"]

        assert run.interrupt() == 0, run.output
    finally:
        run.kill()
        embedded_db.stop(data_dir)
    assert _processes_using(data_dir) == []


@pytest.mark.django_db
def test_admin_user_ensure_creates_a_superuser_whose_password_authenticates() -> None:
    password = admin_user_ensure("admin")

    user = get_user_model().objects.get(username="admin")
    assert (user.is_superuser, user.is_staff, user.is_active) == (True, True, True)
    assert authenticate(username="admin", password=password) == user


@pytest.mark.django_db
def test_admin_user_ensure_replaces_the_password_on_every_call() -> None:
    first = admin_user_ensure("admin")

    second = admin_user_ensure("admin")

    assert first != second
    assert authenticate(username="admin", password=first) is None
    assert authenticate(username="admin", password=second) is not None
    assert get_user_model().objects.filter(username="admin").count() == 1


@pytest.mark.django_db
def test_admin_user_ensure_restores_rights_taken_from_the_admin_user() -> None:
    get_user_model().objects.create_user("admin", is_staff=False, is_active=False)

    password = admin_user_ensure("admin")

    user = authenticate(username="admin", password=password)
    assert user is not None
    assert (user.is_superuser, user.is_staff) == (True, True)


@pytest.fixture
def staff_client() -> Client:
    client = Client()
    client.login(username="admin", password=admin_user_ensure("admin"))
    return client


@pytest.mark.django_db
def test_every_admin_list_renders_and_searches(staff_client: Client) -> None:
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert staff_client.get(changelist).status_code == 200, changelist
        assert staff_client.get(changelist, {"q": "x"}).status_code == 200, changelist


@pytest.mark.django_db
def test_customer_page_shows_one_escaped_history_across_channels(staff_client: Client) -> None:
    customer = Customer.objects.create(name="Ada Shopper", email="ada@example.com")
    ChannelIdentity.objects.create(customer=customer, channel=Channel.WHATSAPP,
                                   external_id="447700900123")
    old = Conversation.objects.create(customer=customer, channel=Channel.EMAIL,
                                      status=Conversation.Status.RESOLVED)
    new = Conversation.objects.create(customer=customer, channel=Channel.WHATSAPP)
    Message.objects.create(conversation=old, channel=Channel.EMAIL, direction="in",
                           sender="customer", text="Where is <b>my</b> order?",
                           delivery="received")
    Message.objects.create(conversation=new, channel=Channel.WHATSAPP, direction="in",
                           sender="customer", text="Hello again", intent="greeting",
                           delivery="received")

    response = staff_client.get(reverse("admin:core_customer_change", args=[customer.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Where is &lt;b&gt;my&lt;/b&gt; order?" in page
    assert "Where is <b>my</b> order?" not in page
    assert page.index("Where is &lt;b&gt;my") < page.index("Hello again")
    assert "<td>Email</td>" in page
    assert "<td>WhatsApp</td>" in page
    assert "447700900123" in page
