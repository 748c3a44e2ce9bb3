"""`make run`: start the whole product in one terminal, and stop all of it on Ctrl-C.

On start: the database (importing settings starts the embedded PostgreSQL when
DATABASE_URL is unset), migrations, the demo shop on the first start only, a
fresh password for the `admin` superuser, then Daphne, a Celery worker and
Celery beat as child processes with the same environment. On Ctrl-C or SIGTERM
it stops every child (terminate, wait, kill) and then the embedded PostgreSQL;
if a child dies on its own it stops the rest and exits non-zero.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core import embedded_db
from core.services import admin_user_ensure

ADMIN_USERNAME = "admin"
STARTUP_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.25


class StopRequested(BaseException):
    """Raised from the signal handler so that whatever is running unwinds to the cleanup."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None


class Command(BaseCommand):
    help = (
        "Run OneThread: migrate, seed the demo shop on first start, print an admin login, "
        "then supervise Daphne, a Celery worker and Celery beat until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-workers", action="store_true", help="Run Daphne only, no Celery worker or beat."
        )
        parser.add_argument(
            "--skip-seed", action="store_true", help="Do not load the demo shop into an empty store."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        embedded = not os.environ.get("DATABASE_URL")
        data_dir: Path = settings.DATA_DIR
        children: list[Child] = []

        lock = _lock_data_dir(data_dir)
        previous = _catch_signals()
        try:
            self._prepare(skip_seed=options["skip_seed"], verbosity=verbosity)
            password = admin_user_ensure(ADMIN_USERNAME)
            shoppers = _example_shoppers()
            # The children open their own connections; this process keeps none.
            connections.close_all()

            _refuse_busy_port(host, port)
            children = _children(host, port, workers=not options["no_workers"])
            env = _child_env(data_dir)
            for child in children:
                child.process = _spawn(child.argv, env)
            _wait_until_listening(host, port, children)

            self._print_banner(host, port, password, shoppers, workers=not options["no_workers"])
            failed = _watch(children)
            raise CommandError(
                f"{failed.name} exited unexpectedly with code {_returncode(failed)}; "
                "stopped the rest of OneThread.",
                returncode=1,
            )
        except StopRequested as stop:
            self.stdout.write(f"\nReceived {stop.signal_name}, stopping OneThread…")
        finally:
            _ignore_signals()
            _stop_children(children)
            connections.close_all()
            if embedded:
                embedded_db.stop(data_dir)
            _restore_signals(previous)
            lock.close()
            self.stdout.write("OneThread stopped.")

    def _prepare(self, *, skip_seed: bool, verbosity: int) -> None:
        from commerce.models import Product

        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write("Applying database migrations…")
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        if skip_seed or Product.objects.exists():
            return
        if "seed_demo" not in get_commands():
            self.stderr.write("No seed_demo command is installed; starting with an empty shop.")
            return
        self.stdout.write("First start: loading the demo shop…")
        call_command("seed_demo")

    def _print_banner(
        self, host: str, port: int, password: str, shoppers: list[str], *, workers: bool
    ) -> None:
        shown_host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host
        if ":" in shown_host:
            shown_host = f"[{shown_host}]"
        site = f"http://{shown_host}:{port}/"
        lines = [
            "",
            f"OneThread is running ({settings.SHOP_NAME}).",
            f"  Site chat:      {site}",
            f"  Admin:          {site}admin/",
            f"  Admin username: {ADMIN_USERNAME}",
            f"  Admin password: {password}",
            "  (a new admin password is generated on every start)",
        ]
        if not workers:
            lines.append("  Celery worker and beat are not running (--no-workers).")
        if shoppers:
            lines.append("  Example shoppers to try in the chat:")
            lines.extend(f"    - {line}" for line in shoppers)
        lines.extend(["Press Ctrl-C to stop.", ""])
        self.stdout.write("\n".join(lines))
        self.stdout.flush()


_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _raise_stop(signum: int, frame: Any) -> None:
    # One stop is enough: a second Ctrl-C must not interrupt the cleanup.
    _ignore_signals()
    raise StopRequested(signal.Signals(signum).name)


def _catch_signals() -> dict[int, Any]:
    return {signum: signal.signal(signum, _raise_stop) for signum in _SIGNALS}


def _ignore_signals() -> None:
    for signum in _SIGNALS:
        signal.signal(signum, signal.SIG_IGN)


def _restore_signals(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _lock_data_dir(data_dir: Path) -> IO[str]:
    # Two supervisors on one data folder would each stop the shared PostgreSQL on exit.
    lock = (data_dir / "run.lock").open("a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        holder = lock.read().strip() or "another process"
        lock.close()
        raise CommandError(
            f"OneThread is already running from {data_dir} (pid {holder}). "
            "Stop it first, or set ONETHREAD_DATA_DIR to another folder."
        ) from None
    lock.truncate(0)
    lock.write(str(os.getpid()))
    lock.flush()
    return lock


def _refuse_busy_port(host: str, port: int) -> None:
    if _accepts_connections(host, port):
        raise CommandError(
            f"Something is already listening on {host}:{port}. "
            "Stop it, or choose another port with PORT=… or --port."
        )


def _accepts_connections(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in {"", "0.0.0.0"} else "::1" if host == "::" else host
    try:
        with socket.create_connection((target, port), timeout=0.5):
            return True
    except OSError:
        return False


def _children(host: str, port: int, *, workers: bool) -> list[Child]:
    python = sys.executable
    children = [
        Child("Daphne", [python, "-m", "daphne", "-b", host, "-p", str(port), "core.asgi:application"])
    ]
    if workers:
        celery = [python, "-m", "celery", "-A", "core"]
        children += [
            Child(
                "Celery worker",
                [*celery, "worker", "--pool", "solo", "--concurrency", "1", "-l", "warning"],
            ),
            Child(
                "Celery beat",
                [*celery, "beat", "-l", "warning", "--schedule",
                 str(settings.CELERY_BEAT_SCHEDULE_FILENAME)],
            ),
        ]
    return children


def _child_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Absolute, so every child attaches to the same embedded server and broker folder.
    env["ONETHREAD_DATA_DIR"] = str(data_dir)
    env.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _die_with_parent() -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_pdeathsig = 1

    # If the supervisor is killed outright (SIGKILL, OOM killer) there is no cleanup:
    # the kernel then sends the children SIGTERM, so none is left serving a database
    # that nobody will stop.
    def setup() -> None:
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)

    return setup


def _spawn(argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # A process group of their own: Ctrl-C reaches only the supervisor, which then
    # stops the children in order instead of racing them. preexec_fn is safe here:
    # the supervisor runs no other threads.
    return subprocess.Popen(
        argv,
        env=env,
        cwd=settings.BASE_DIR,
        stdin=subprocess.DEVNULL,
        process_group=0,
        preexec_fn=_die_with_parent(),  # noqa: PLW1509
    )


def _wait_until_listening(host: str, port: int, children: list[Child]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not _accepts_connections(host, port):
        if failed := _first_exited(children):
            raise CommandError(
                f"{failed.name} exited during startup with code {_returncode(failed)}.",
                returncode=1,
            )
        if time.monotonic() > deadline:
            raise CommandError(
                f"Daphne did not accept connections on {host}:{port} within "
                f"{STARTUP_TIMEOUT_SECONDS:.0f} seconds.",
                returncode=1,
            )
        time.sleep(POLL_SECONDS)


def _watch(children: list[Child]) -> Child:
    while True:
        if failed := _first_exited(children):
            return failed
        time.sleep(POLL_SECONDS)


def _first_exited(children: list[Child]) -> Child | None:
    for child in children:
        if child.process is not None and child.process.poll() is not None:
            return child
    return None


def _returncode(child: Child) -> int | None:
    return child.process.returncode if child.process is not None else None


def _stop_children(children: list[Child]) -> None:
    running = [c.process for c in children if c.process is not None and c.process.poll() is None]
    for process in running:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _example_shoppers() -> list[str]:
    from commerce.models import Order, OrderStatus

    lines = []
    for status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.PROCESSING):
        order = (
            Order.objects.filter(status=status).select_related("customer").order_by("id").first()
        )
        if order is not None:
            lines.append(
                f"{order.customer} <{order.email}>, order #{order.number} "
                f"({order.get_status_display().lower()}, postcode {order.ship_postcode})"
            )
    return lines
