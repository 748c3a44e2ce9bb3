"""Real Celery workers for integration tests: separate processes, the real Redis on this
machine as broker, the test database over the real connection."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import redis
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def flush_broker() -> None:
    redis.Redis.from_url(REDIS_URL).flushdb()


@contextmanager
def redis_broker() -> Iterator[None]:
    """Point this (test) process's Celery app at the same Redis as the workers, and put
    it back afterwards so later tests see the configured broker and eager mode again."""
    from core.celery import app

    keys = ("broker_url", "task_always_eager", "broker_transport_options")
    _reset_pool(app)
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False,
                    broker_transport_options={})
    try:
        yield
    finally:
        _reset_pool(app)
        # Drop the overrides rather than write the old values back: later tests change
        # Django's settings, which Celery reads through underneath them.
        for key in keys:
            app.conf.changes.pop(key, None)


def _reset_pool(app: Any) -> None:
    # Celery and kombu keep connection and producer pools for the process (kombu's keyed
    # by broker, globally); drop them so the next send connects to the broker now set.
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def worker(concurrency: int = 2, extra_env: dict[str, str] | None = None,
           name: str = "w1") -> Iterator[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": REDIS_URL,
           "ONETHREAD_DATA_DIR": str(settings.DATA_DIR), "PYTHONUNBUFFERED": "1",
           **(extra_env or {})}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "core", "worker", "--pool", "prefork",
         "--concurrency", str(concurrency), "-l", "info", "-n", f"{name}@%h",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, text=True)
    try:
        _wait_ready(proc)
        _drain(proc)
        yield proc
    finally:
        stop(proc)


def _drain(proc: subprocess.Popen) -> None:
    """Keep reading the worker's log once it is ready: a pipe nobody reads fills after
    64 KB, and a worker logging each send would then block on its next line."""
    assert proc.stdout is not None
    stream = proc.stdout
    proc.log = collections.deque(maxlen=2000)  # type: ignore[attr-defined]

    def read() -> None:
        for line in stream:
            proc.log.append(line)  # type: ignore[attr-defined]

    threading.Thread(target=read, daemon=True).start()


def _wait_ready(proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                raise RuntimeError("celery worker exited:\n" + "".join(lines))
            continue
        lines.append(line)
        if "ready." in line:
            return
    raise RuntimeError("celery worker did not start:\n" + "".join(lines))


def stop(proc: subprocess.Popen, kill: bool = False) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGKILL if kill else signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_for(predicate, timeout: float = 60, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {predicate}")
