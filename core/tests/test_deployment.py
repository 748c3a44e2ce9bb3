"""Deployment settings: HTTPS switches from the environment, host names, the
Content-Security-Policy, WebSocket origins and admin login throttling."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from core import checks

ROOT = Path(__file__).resolve().parents[2]


def settings_in(env: dict[str, str], *names: str) -> dict[str, object]:
    """The named settings as a fresh process computes them from this environment."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))")
    keep = {k: v for k, v in os.environ.items()
            if k in ("PATH", "HOME", "ONETHREAD_DATA_DIR", "LANG")}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**keep, "DJANGO_SETTINGS_MODULE": "core.settings", **env}, timeout=120)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_https_settings_come_from_the_environment():
    deployed = settings_in({
        "DATABASE_URL": "postgres://onethread@db.internal:5432/onethread",
        "ALLOWED_HOSTS": "shop.example, www.shop.example",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO=https",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_SSL_REDIRECT": "true",
    }, "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")

    assert deployed == {
        "ALLOWED_HOSTS": ["shop.example", "www.shop.example"],
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SECURE_HSTS_SECONDS": 31536000, "SECURE_SSL_REDIRECT": True,
    }


def test_hosts_default_to_none_outside_the_demo_and_to_local_names_in_it():
    deployed = settings_in({"DATABASE_URL": "postgres://onethread@db.internal/onethread"},
                           "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE")
    demo = settings_in({}, "ALLOWED_HOSTS", "SESSION_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER",
                       "SECURE_HSTS_SECONDS")

    assert deployed == {"ALLOWED_HOSTS": [], "SESSION_COOKIE_SECURE": True}
    assert demo == {"ALLOWED_HOSTS": ["localhost", "127.0.0.1", "[::1]"],
                    "SESSION_COOKIE_SECURE": False, "SECURE_PROXY_SSL_HEADER": None,
                    "SECURE_HSTS_SECONDS": 0}


@pytest.mark.parametrize(("local", "debug", "hosts", "errors"), [
    pytest.param(False, False, ["*"], ["onethread.E001"], id="wildcard-deployed"),
    pytest.param(False, False, [], ["onethread.E001"], id="none-deployed"),
    pytest.param(False, False, ["shop.example"], [], id="named-deployed"),
    pytest.param(True, False, ["*"], [], id="wildcard-in-the-local-demo"),
    pytest.param(False, True, ["*"], [], id="wildcard-with-debug"),
])
def test_a_deployment_must_name_its_hosts(local, debug, hosts, errors):
    found = checks.hosts_errors(hosts, debug=debug, local=local)

    assert [e.id for e in found] == errors


def test_the_system_check_reads_the_settings(settings):
    settings.LOCAL_MODE, settings.DEBUG, settings.ALLOWED_HOSTS = False, False, ["*"]

    assert [e.id for e in checks.allowed_hosts_named()] == ["onethread.E001"]


@pytest.mark.django_db
def test_the_local_demo_answers_only_to_its_own_host_names():
    assert Client(HTTP_HOST="evil.example").get("/healthz").status_code == 400
    assert Client(HTTP_HOST="127.0.0.1:8000").get("/healthz").status_code == 200


# --- Content-Security-Policy ------------------------------------------------------------------

def assert_scripts_carry_the_nonce(response) -> None:
    policy = response.headers["Content-Security-Policy"]
    # django-csp names a nonce only on pages that used one.
    found = re.search(r"'nonce-([^']+)'", policy)
    nonce = found[1] if found else "no nonce on this page"
    assert policy.split("script-src ")[1].startswith("'self'")
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    html = response.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert ' src="' in tag or f'nonce="{nonce}"' in tag, tag
    assert re.findall(r"<[^>]+\son[a-z]+\s*=", html) == []


@pytest.mark.django_db
def test_the_site_chat_page_runs_under_the_policy():
    response = Client().get("/")

    assert response.status_code == 200
    assert_scripts_carry_the_nonce(response)
    assert '<script nonce="' in response.content.decode()


@pytest.mark.django_db
def test_the_admin_and_the_inbox_run_under_the_policy():
    admin = User.objects.create_superuser("boss", password="a-long-passphrase-1")
    client = Client()
    client.force_login(admin)

    login = Client().get("/admin/login/")
    assert login.status_code == 200
    assert_scripts_carry_the_nonce(login)
    for url in (reverse("admin:index"), reverse("inbox:queue"),
                reverse("admin:commerce_order_changelist"), reverse("admin:auth_user_add")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_scripts_carry_the_nonce(response)


# --- Admin login throttling -------------------------------------------------------------------

@pytest.mark.django_db
def test_admin_logins_are_refused_after_five_wrong_passwords_even_the_right_one():
    User.objects.create_superuser("boss", password="a-long-passphrase-1")
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": "boss", "password": "guess",
                                      "next": "/admin/"})

    response = client.post("/admin/login/", {"username": "boss",
                                             "password": "a-long-passphrase-1",
                                             "next": "/admin/"})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Someone else, from another address, is not locked out with them.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post("/admin/login/", {"username": "boss", "password": "a-long-passphrase-1",
                                        "next": "/admin/"}).status_code == 302


# --- WebSocket origins ------------------------------------------------------------------------

def _staff_cookie() -> bytes:
    admin = User.objects.create_superuser("boss", password="a-long-passphrase-1")
    client = Client()
    client.force_login(admin)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


async def _open(path: str, origin: bytes, host: bytes, cookie: bytes = b"") -> bool:
    from core.asgi import application

    headers = [(b"host", host), (b"origin", origin)] + ([(b"cookie", cookie)] if cookie else [])
    socket = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await socket.connect()
    await socket.disconnect()
    return connected


@pytest.mark.django_db(transaction=True)
async def test_the_staff_socket_opens_only_from_a_page_of_this_very_site():
    cookie = await database_sync_to_async(_staff_cookie)()

    other_port = await _open("/ws/inbox/", b"http://127.0.0.1:8194", b"127.0.0.1:8102", cookie)
    other_site = await _open("/ws/inbox/", b"http://evil.example", b"127.0.0.1:8102", cookie)
    same = await _open("/ws/inbox/", b"http://127.0.0.1:8102", b"127.0.0.1:8102", cookie)

    assert (other_port, other_site, same) == (False, False, True)


@pytest.mark.django_db(transaction=True)
async def test_the_site_chat_socket_refuses_pages_of_other_sites():
    session = b"originsession0123456789ab"
    refused = await _open(f"/ws/chat/?session={session.decode()}", b"http://evil.example",
                          b"localhost")
    accepted = await _open(f"/ws/chat/?session={session.decode()}", b"http://localhost",
                           b"localhost")

    assert (refused, accepted) == (False, True)
