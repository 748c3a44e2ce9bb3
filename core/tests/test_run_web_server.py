"""How `manage.py run` starts the web server: Uvicorn, with a process per core where the
sockets can reach across processes, and pooled database connections."""

from __future__ import annotations

import os
import sys

import pytest

from core.management.commands.run import (
    WEB_SERVER,
    _commands,
    web_processes,
    web_server_command,
    web_server_env,
)


@pytest.fixture
def cores(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    monkeypatch.delenv("WEB_PROCESSES", raising=False)
    return 3


def test_with_redis_there_is_a_web_process_per_core(cores, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    assert web_processes() == 3


def test_with_the_in_memory_channel_layer_there_is_one_web_process(cores, settings):
    settings.REDIS_URL = ""

    assert web_processes() == 1


def test_web_processes_says_how_many(cores, settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setenv("WEB_PROCESSES", "4")

    assert web_processes() == 4


def test_the_web_server_is_uvicorn_with_that_many_workers_on_the_host_and_port():
    assert web_server_command("0.0.0.0", 8001, 2) == [
        sys.executable, "-m", "uvicorn", "core.asgi:application",
        "--host", "0.0.0.0", "--port", "8001", "--workers", "2",
        "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        "--timeout-graceful-shutdown", "10", "--timeout-worker-healthcheck", "60",
    ]


def test_run_starts_the_web_server_first_then_the_worker_and_beat(cores, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"

    commands = _commands("127.0.0.1", 8000, workers=True)

    assert [name for name, _ in commands] == [WEB_SERVER, "Celery worker", "Celery beat"]
    assert commands[0][1] == web_server_command("127.0.0.1", 8000, 3)


def test_the_web_server_pools_its_database_connections_unless_told_otherwise():
    assert web_server_env({"PATH": "/bin"}) == {"PATH": "/bin", "DATABASE_POOL_SIZE": "8"}
    assert web_server_env({"DATABASE_POOL_SIZE": "20"}) == {"DATABASE_POOL_SIZE": "20"}
