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

# Starting includes warming the bot up (loading the language model) before "running".
STARTUP_SECONDS = 300
STOP_SECONDS = 30
PASSWORD_LINE = re.compile(r"^\s*Admin password: (\S+)\s*$", re.MULTILINE)


class Run:
    """One `manage.py run` in a subprocess, its output collected as it comes."""

    def __init__(self, data_dir: Path, port: int, *, workers: bool = False,
                 extra_env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "ONETHREAD_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
        # Self-contained: its own embedded database and in-memory channel layer, never
        # the database or Redis the test session may have been pointed at.
        for name in ("DATABASE_URL", "REDIS_URL", "HOST", "PORT", "SITE_URL"):
            env.pop(name, None)
        env.update(extra_env or {})
        _reuse_language_model(data_dir)
        self.port = port
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run", *([] if workers else ["--no-workers"]),
             "--skip-seed", "--port", str(port)],
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

    def get_json(self, path: str) -> tuple[int, dict]:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")
        except OSError:
            return 0, {}

    def wait_for_output(self, text: str, timeout: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.output:
            assert self.process.poll() is None, f"run exited:\n{self.output}"
            if time.monotonic() > deadline:
                pytest.fail(f"run never printed {text!r}:\n{self.output}")
            time.sleep(0.2)

    def child(self, marker: str) -> psutil.Process:
        """The running child process whose command line holds `marker`."""
        for child in psutil.Process(self.process.pid).children():
            if marker in " ".join(child.cmdline()) and child.status() != psutil.STATUS_ZOMBIE:
                return child
        raise LookupError(f"no running child with {marker!r}")

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


def _reuse_language_model(data_dir: Path) -> None:
    """The test session trained (or loaded) the language model already: a new data folder
    starts with that cache instead of training it again while `run` warms the bot up."""
    import shutil

    from agents.nlu.model import cache_dir

    cache = cache_dir()
    if cache.is_dir() and not (data_dir / "nlu").exists():
        shutil.copytree(cache, data_dir / "nlu")


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
                # And links in replies (return labels) name the address it really serves
                assert run.child("uvicorn").environ()["SITE_URL"] == (
                    f"http://127.0.0.1:{run.port}")
                # And the first start printed no warning (a missing static folder, say)
                assert "WARNING" not in run.output and "?: (" not in run.output

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


def test_run_restarts_a_killed_worker_and_a_killed_database_and_stays_up(
        tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    run = Run(data_dir, _free_port(), workers=True)
    try:
        # Given OneThread running, with its Celery worker
        run.wait_until_serving()
        assert run.get_json("/healthz") == (
            200, {"ok": True, "database": "ok", "broker": "ok", "bot": "ok"})
        worker = run.child(" worker ")

        # When the worker is killed outright
        worker.kill()

        # Then run starts a new one, and says so
        run.wait_for_output("Celery worker was killed by SIGKILL; restarting it in 1 s.")
        run.wait_for_output("Celery worker restarted (pid ")
        assert run.child(" worker ").pid != worker.pid

        # When the embedded PostgreSQL is killed outright
        postmaster = embedded_db.server(data_dir).get_postmaster_info().pid
        old_postmaster = psutil.Process(postmaster)
        old_postmaster.kill()

        # Then run starts it again, and the site reports everything healthy again
        run.wait_for_output("The embedded PostgreSQL restarted.")
        deadline = time.monotonic() + 60
        while run.get_json("/healthz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert run.get_json("/healthz") == (
            200, {"ok": True, "database": "ok", "broker": "ok", "bot": "ok"})
        assert embedded_db.is_running(data_dir)
        assert run.get("/admin/login/") == 200
        assert "stopped the rest" not in run.output

        # And Ctrl-C still stops everything
        assert run.interrupt() == 0, run.output
    finally:
        run.kill()
        embedded_db.stop(data_dir)
    assert _processes_using(data_dir) == []


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
def test_admin_user_ensure_restores_rights_taken_from_the_active_admin_user() -> None:
    get_user_model().objects.create_user("admin", is_staff=False, is_active=True)

    password = admin_user_ensure("admin")

    user = authenticate(username="admin", password=password)
    assert user is not None
    assert (user.is_superuser, user.is_staff) == (True, True)


@pytest.mark.django_db
def test_admin_user_ensure_never_reenables_a_deactivated_admin_user() -> None:
    get_user_model().objects.create_user("admin", password="old-secret-1234",
                                         is_staff=False, is_active=False)

    password = admin_user_ensure("admin")

    assert password is None
    user = get_user_model().objects.get(username="admin")
    assert (user.is_active, user.is_staff, user.is_superuser) == (False, False, False)
    assert user.check_password("old-secret-1234")


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


@pytest.mark.django_db
def test_the_admin_front_page_links_to_the_agents_inbox(staff_client: Client) -> None:
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{reverse("inbox:queue")}">Conversations waiting for a person</a>' in page
    # And the usual list of models is still there below it
    assert page.index("Agent inbox") < page.index("Customers")
