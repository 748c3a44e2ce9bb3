"""`make run`: start the whole product in one terminal, and stop all of it on Ctrl-C.

On start: the database (importing settings starts the embedded PostgreSQL when
DATABASE_URL is unset), migrations, the demo shop on the first start only, a
fresh password for the `admin` superuser, then the web server (Uvicorn, one worker
process per core when a Redis channel layer is configured), a Celery worker and
Celery beat as child processes with the same environment. On Ctrl-C or SIGTERM
it stops every child (terminate, wait, kill) and then the embedded PostgreSQL.

A child that dies on its own is started again after a pause that doubles with each
death (1 s up to 30 s), and so is the embedded PostgreSQL; each restart is logged.
Only a part that keeps dying (more than MAX_RAPID_RESTARTS times within
RAPID_RESTART_WINDOW_SECONDS) stops the product, with an error naming it.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from core import embedded_db

ADMIN_USERNAME = "admin"
STARTUP_TIMEOUT_SECONDS = 60.0
WARM_UP_TIMEOUT_SECONDS = 300.0
STOP_TIMEOUT_SECONDS = 15.0
POLL_SECONDS = 0.25
RESTART_FIRST_DELAY_SECONDS = 1.0
RESTART_MAX_DELAY_SECONDS = 30.0
MAX_RAPID_RESTARTS = 5
RAPID_RESTART_WINDOW_SECONDS = 120.0


class StopRequested(BaseException):
    """Raised from the signal handler so that whatever is running unwinds to the cleanup."""

    def __init__(self, signal_name: str) -> None:
        super().__init__(signal_name)
        self.signal_name = signal_name


@dataclass
class Restarts:
    """When a supervised part died lately, and how long to wait before starting it again."""

    name: str
    deaths: list[float] = field(default_factory=list)

    def next_delay(self, now: float, cause: str) -> float:
        self.deaths = [t for t in self.deaths if now - t < RAPID_RESTART_WINDOW_SECONDS]
        self.deaths.append(now)
        if len(self.deaths) > MAX_RAPID_RESTARTS:
            raise CommandError(
                f"{self.name} died {len(self.deaths)} times within "
                f"{RAPID_RESTART_WINDOW_SECONDS:.0f} s (last: {cause}); not restarting it "
                "again. Stopped OneThread: see the output above for why it dies.",
                returncode=1,
            )
        return min(RESTART_FIRST_DELAY_SECONDS * 2 ** (len(self.deaths) - 1),
                   RESTART_MAX_DELAY_SECONDS)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None  # its own environment, when not the shared one
    restart_at: float | None = None
    restarts: Restarts = field(init=False)

    def __post_init__(self) -> None:
        self.restarts = Restarts(self.name)


class Command(BaseCommand):
    help = (
        "Run OneThread: migrate, seed the demo shop on first start, print an admin login, "
        "then supervise the web server, a Celery worker and Celery beat until Ctrl-C."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--no-workers", action="store_true",
            help="Run the web server only, no Celery worker or beat."
        )
        parser.add_argument(
            "--skip-seed", action="store_true",
            help="Do not load the demo shop into an empty store.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Imported here, not at the top: the seed child imports this module before
        # Django is set up, and core.services imports models.
        from core.services import admin_user_ensure

        host: str = options["host"]
        port: int = options["port"]
        verbosity: int = options["verbosity"]
        embedded = not os.environ.get("DATABASE_URL")
        data_dir: Path = settings.DATA_DIR
        children: list[Child] = []

        lock = _lock_data_dir(data_dir)
        previous = _catch_signals()
        try:
            _refuse_busy_port(host, port)
            self._prepare(skip_seed=options["skip_seed"], verbosity=verbosity)
            password = admin_user_ensure(ADMIN_USERNAME)
            shoppers = _example_shoppers(data_dir)
            # The children open their own connections; this process keeps none.
            connections.close_all()

            env = _child_env(data_dir)
            env.setdefault("SITE_URL", _site_url(host, port))
            for name, argv in _commands(host, port, workers=not options["no_workers"]):
                child_env = web_server_env(env) if name == WEB_SERVER else env
                children.append(Child(name, _spawn(argv, child_env), argv, child_env))
            _wait_until_listening(host, port, children)
            self.stdout.write("Warming up the bot…")
            self.stdout.flush()
            _wait_until_healthy(host, port, children)

            self._print_banner(host, port, password, shoppers, workers=not options["no_workers"])
            _supervise(children, env, [DatabaseWatch(data_dir)] if embedded else [])
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
        self.stdout.write("First start: loading the demo shop (seed_demo)…")
        self.stdout.flush()
        _seed_demo_in_child(settings.DATA_DIR)

    def _print_banner(
        self, host: str, port: int, password: str | None, shoppers: list[str], *,
        workers: bool,
    ) -> None:
        site = f"{_site_url(host, port)}/"
        lines = [
            "",
            f"OneThread is running ({settings.SHOP_NAME}).",
            f"  Site chat:      {site}",
            f"  Admin:          {site}admin/",
            f"  Agent inbox:    {site}admin/inbox/",
        ]
        if password is None:
            lines.append(f"  Admin user:     {ADMIN_USERNAME} is deactivated; log in with your "
                         "own staff account")
        else:
            lines += [f"  Admin username: {ADMIN_USERNAME}",
                      f"  Admin password: {password}",
                      "  (a new admin password is generated on every start)"]
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


def _commands(host: str, port: int, *, workers: bool) -> list[tuple[str, list[str]]]:
    python = sys.executable
    commands = [(WEB_SERVER, web_server_command(host, port, web_processes()))]
    if workers:
        celery = [python, "-m", "celery", "-A", "core"]
        schedule = str(settings.CELERY_BEAT_SCHEDULE_FILENAME)
        commands += [
            ("Celery worker",
             [*celery, "worker", "--pool", "solo", "--concurrency", "1", "-l", "warning"]),
            ("Celery beat", [*celery, "beat", "-l", "warning", "--schedule", schedule]),
        ]
    return commands


WEB_SERVER = "Web server"


def web_processes() -> int:
    """How many processes serve HTTP and the sockets: WEB_PROCESSES, or one per core.

    Several need a channel layer that reaches across processes (Redis): an agent's
    reply sent from one process must reach the shopper's chat socket held by another.
    The in-memory layer of the embedded mode reaches only its own process, so there it
    is one process unless WEB_PROCESSES says otherwise.
    """
    if configured := os.environ.get("WEB_PROCESSES", "").strip():
        return max(1, int(configured))
    if not settings.REDIS_URL:
        return 1
    return max(1, len(os.sched_getaffinity(0)))


def web_server_command(host: str, port: int, processes: int) -> list[str]:
    """Uvicorn for HTTP and the WebSockets: one parent holding the socket and `processes`
    workers accepting from it (the parent replaces a worker that dies). A worker loading
    the language model on a busy machine can take a while to answer the parent's health
    check; it is not hung, so it gets a minute rather than Uvicorn's five seconds."""
    return [
        sys.executable, "-m", "uvicorn", "core.asgi:application",
        "--host", host, "--port", str(port), "--workers", str(processes),
        "--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio",
        "--lifespan", "off", "--no-access-log", "--log-level", "warning",
        "--timeout-graceful-shutdown", "10", "--timeout-worker-healthcheck", "60",
    ]


def web_server_env(env: dict[str, str]) -> dict[str, str]:
    """The web server's processes share a few pooled database connections each instead
    of opening one per request (see DATABASE_POOL_SIZE in the settings)."""
    return {**env, "DATABASE_POOL_SIZE": env.get("DATABASE_POOL_SIZE") or "8"}


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
    # the supervisor runs no other threads (the demo is seeded in a child process).
    return subprocess.Popen(
        argv,
        env=env,
        cwd=settings.BASE_DIR,
        stdin=subprocess.DEVNULL,
        process_group=0,
        preexec_fn=_die_with_parent(),
    )


def _wait_until_listening(host: str, port: int, children: list[Child]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while not _accepts_connections(host, port):
        if failed := _first_exited(children):
            raise CommandError(
                f"{failed.name} exited during startup with code {failed.process.returncode}.",
                returncode=1,
            )
        if time.monotonic() > deadline:
            raise CommandError(
                f"The web server did not accept connections on {host}:{port} within "
                f"{STARTUP_TIMEOUT_SECONDS:.0f} seconds.",
                returncode=1,
            )
        time.sleep(POLL_SECONDS)


def _supervise(children: list[Child], env: dict[str, str],
               watches: Iterable[Callable[[float], None]] = ()) -> NoReturn:
    """Keep every child (and whatever `watches` look after) running until a stop signal,
    or until one part dies too often (CommandError)."""
    while True:
        now = time.monotonic()
        for child in children:
            _tend(child, env, now)
        for watch in watches:
            watch(now)
        time.sleep(POLL_SECONDS)


def _tend(child: Child, env: dict[str, str], now: float) -> None:
    if child.restart_at is None:
        code = child.process.poll()
        if code is None:
            return
        cause = _exit_cause(code)
        delay = child.restarts.next_delay(now, cause)
        child.restart_at = now + delay
        _log(f"{child.name} {cause}; restarting it in {delay:g} s.")
    elif now >= child.restart_at:
        child.process = _spawn(child.argv, child.env or env)
        child.restart_at = None
        _log(f"{child.name} restarted (pid {child.process.pid}).")


def _exit_cause(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with code {code}"


class DatabaseWatch:
    """Starts the embedded PostgreSQL again when its postmaster dies. Daphne and the
    workers keep running meanwhile: their next query reconnects to the same socket."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.restarts = Restarts("The embedded PostgreSQL")
        self.restart_at: float | None = None

    def __call__(self, now: float) -> None:
        if self.restart_at is None:
            if embedded_db.is_running(self.data_dir):
                return
            delay = self.restarts.next_delay(now, "its postmaster stopped")
            self.restart_at = now + delay
            _log(f"The embedded PostgreSQL stopped; restarting it in {delay:g} s.")
        elif now >= self.restart_at:
            self.restart_at = None
            try:
                embedded_db.start(self.data_dir)
            except Exception as exc:  # retried with backoff, then given up
                delay = self.restarts.next_delay(now, f"it failed to start: {exc}")
                self.restart_at = now + delay
                _log(f"The embedded PostgreSQL did not start ({exc}); "
                     f"trying again in {delay:g} s.")
                return
            _log("The embedded PostgreSQL restarted.")


def _log(line: str) -> None:
    sys.stderr.write(f"[run {time.strftime('%H:%M:%S')}] {line}\n")
    sys.stderr.flush()


def _site_url(host: str, port: int) -> str:
    """The address the site answers on, as a browser on this machine reaches it: return
    labels and Slack links use it when SITE_URL is not set."""
    shown_host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    return f"http://{shown_host}:{port}"


def _wait_until_healthy(host: str, port: int, children: list[Child]) -> None:
    """Until /healthz says the database, the broker and the warmed-up bot are ready."""
    deadline = time.monotonic() + WARM_UP_TIMEOUT_SECONDS
    report = "no answer"
    while True:
        healthy, report = _healthz(host, port)
        if healthy:
            return
        if failed := _first_exited(children):
            raise CommandError(
                f"{failed.name} exited during startup with code {failed.process.returncode}.",
                returncode=1,
            )
        if time.monotonic() > deadline:
            raise CommandError(
                f"OneThread was not ready within {WARM_UP_TIMEOUT_SECONDS:.0f} seconds: "
                f"/healthz answered {report}.",
                returncode=1,
            )
        time.sleep(POLL_SECONDS)


def _healthz(host: str, port: int) -> tuple[bool, str]:
    # Straight to this machine, whatever proxy the environment names.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{_site_url(host, port)}/healthz", timeout=10) as response:
            return response.status == 200, response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return False, error.read().decode(errors="replace")
    except OSError as error:
        return False, str(error)


def _first_exited(children: list[Child]) -> Child | None:
    return next((c for c in children if c.process.poll() is not None), None)


def _stop_children(children: list[Child]) -> None:
    running = [c for c in children if c.process.poll() is None]
    for child in running:
        _signal_group(child.process, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for child in running:
        try:
            child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            sys.stderr.write(
                f"{child.name} did not stop within {STOP_TIMEOUT_SECONDS:.0f} s; killing it.\n"
            )
            _signal_group(child.process, signal.SIGKILL)
            child.process.wait()


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _seed_demo_in_child(data_dir: Path) -> None:
    # The seeder loads the embedding model (PyTorch and its thread pools). In a fresh
    # interpreter of its own that memory goes back when it ends, instead of staying
    # with the supervisor until Ctrl-C, and the supervisor forks its children with no
    # other thread running.
    process = multiprocessing.get_context("spawn").Process(
        target=_seed_demo, args=(str(data_dir),), name="seed_demo"
    )
    process.start()
    try:
        process.join()
    finally:
        if process.is_alive():
            process.terminate()
            process.join(STOP_TIMEOUT_SECONDS)
        if process.is_alive():
            process.kill()
            process.join()
    if process.exitcode != 0:
        raise CommandError(f"seed_demo failed with exit code {process.exitcode}.", returncode=1)


def _seed_demo(data_dir: str) -> None:
    # Ctrl-C reaches this process too; the supervisor decides when it stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import django

    django.setup()
    from devtools.demo import demo_shop_seed, shoppers_save

    summary = demo_shop_seed(stdout=sys.stdout)
    print(summary.render(), flush=True)
    shoppers_save(Path(data_dir), [asdict(e) for e in summary.examples])


def _example_shoppers(data_dir: Path) -> list[str]:
    from commerce.models import Order
    from devtools.demo import SHOPPERS_FILE

    path = data_dir / SHOPPERS_FILE
    saved: list[dict[str, str]] = json.loads(path.read_text()) if path.exists() else []
    present = set(
        Order.objects.filter(number__in=[s["order_number"] for s in saved])
        .values_list("number", "customer__email")
    )
    lines = [shopper_line(s) for s in saved if (s["order_number"], s["email"]) in present]
    return lines or _shoppers_from_orders()


def shopper_line(s: dict[str, str]) -> str:
    """One example shopper as `run` prints it (and README.md shows it)."""
    return (f"{s['story']}: {s['name']} <{s['email']}>, {s['phone'] or 'no phone'}, "
            f"order {s['order_number']}, postcode {s['postcode']}")


def _shoppers_from_orders() -> list[str]:
    """Three shoppers to try, when the demo's own picks are unknown or gone."""
    from commerce.models import Order, OrderStatus

    lines = []
    for status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.PROCESSING):
        order = (
            Order.objects.filter(status=status).select_related("customer").order_by("-id").first()
        )
        if order is not None:
            lines.append(
                f"{order.get_status_display().lower()}: {order.customer} <{order.email}>, "
                f"order {order.number}, postcode {order.ship_postcode}"
            )
    return lines
