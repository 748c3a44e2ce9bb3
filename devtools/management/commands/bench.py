"""python manage.py bench — the product's speed, measured, not asserted (targets and the
JSON keys: the benchmark contract, BENCH.md).

Groups (`--only`, the key prefixes): `model` (load time and memory of the classifier),
`floor` (one encoding, one primary-key SELECT: what a turn cannot be faster than),
`turn` (bot turns end to end on the demo shop, the WISMO ones in English and in
Spanish), `ingest` (signed WhatsApp webhooks over real HTTP, from concurrent senders, to
the web server `manage.py run` starts),
`stall` (the alert scan over a million shipments, alerts/bench.py), `insights` (the
insights page over a million messages, insights/bench.py) and `bis` (back-in-stock
campaigns on 100,000 waiting shoppers: campaigns/bench.py).
Turns run in a transaction that is rolled back; the webhooks' rows are deleted again.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from alerts.bench import stall_bench
from campaigns.bench import bis
from channels_adapters.registry import captured
from commerce.models import Order, OrderStatus, Product
from conversations import services
from core.health import heap_freeze
from devtools.load import percentile, webhook_load
from insights.bench import insights_bench

GROUPS = ("model", "floor", "turn", "ingest", "stall", "insights", "bis")
INGEST_SECRET = "bench-secret"
INGEST_PHONE_NUMBER_ID = "bench"
INGEST_SENDERS = 200
WISMO = ["where is my order", "hi, any news on my parcel? it hasn't arrived yet",
         "when will order {n} arrive", "tracking for {n} please"]
WISMO_ES = ["dónde está mi pedido", "hola, ¿alguna novedad de mi paquete? aún no ha llegado",
            "cuándo llegará el pedido {n}", "el seguimiento del pedido {n}, por favor"]


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p50(values: list[float]) -> float:
    return round(statistics.median(values), 2)


class Command(BaseCommand):
    help = "Benchmark bot turns and webhook ingest on the demo shop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--turns", type=int, default=300)
        parser.add_argument("--json", dest="report",
                            help="Write the figures as one flat JSON object ('-': stdout).")
        parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS))
        parser.add_argument("--webhooks", type=int, default=4000,
                            help="Signed webhooks to send in the ingest group.")
        parser.add_argument("--senders", type=int, default=64,
                            help="Concurrent HTTP connections sending them.")
        parser.add_argument("--port", type=int, default=0,
                            help="Port for the ingest group's web server (default: any free).")

    def handle(self, *args: Any, **options: Any) -> None:
        only = set(options["only"])
        results: dict[str, Any] = {}
        if "model" in only or "floor" in only or "turn" in only:
            rss_before = _rss_mb()
            from agents.nlu import understand

            # Before anything else loads the encoder (seeding embeds the catalogue with it).
            t0 = time.perf_counter()
            understand("where is my order")
            if "model" in only:
                results["model_load_s"] = round(time.perf_counter() - t0, 2)
                results["model_rss_mb"] = round(_rss_mb() - rss_before, 1)
            # As the web server's and the worker's processes do once warmed up.
            heap_freeze()
        # `make bench` may be the first thing run in a fresh clone.
        call_command("migrate", verbosity=0, interactive=False)
        if ("turn" in only or "floor" in only) and not Product.objects.exists():
            call_command("seed_demo")
        if "floor" in only:
            results.update(self._floors())
        if "turn" in only:
            results.update(self._turns(options["turns"]))
        if "ingest" in only:
            results.update(self._ingest(options["webhooks"], options["senders"],
                                        options["port"]))
        if "stall" in only:
            results.update(stall_bench())
        if "insights" in only:
            results.update(insights_bench())
        if "bis" in only:
            results.update(bis())
        for key, value in results.items():
            self.stdout.write(f"{key}: {value}")
        report = options.get("report")
        if report == "-":
            self.stdout.write(json.dumps(results))
        elif report:
            Path(report).write_text(json.dumps(results, indent=2) + "\n")

    # --- floors and turns ---------------------------------------------------------------

    def _floors(self) -> dict[str, float]:
        from core.encoder import get_encoder
        from core.models import Customer

        encoder = get_encoder()
        encodes = []
        for _ in range(200):
            start = time.perf_counter()
            encoder.encode(["where is my order"])
            encodes.append((time.perf_counter() - start) * 1000)
        pk = Customer.objects.values_list("pk", flat=True).first()
        queries = []
        for _ in range(500):
            start = time.perf_counter()
            Customer.objects.filter(pk=pk).first()
            queries.append((time.perf_counter() - start) * 1000)
        return {"floor_encode_ms": _p50(encodes[20:]), "floor_query_ms": _p50(queries[50:])}

    def _turns(self, turns: int) -> dict[str, float]:
        shipped = list(Order.objects.filter(status=OrderStatus.SHIPPED)
                       .select_related("customer").exclude(customer__phone="")
                       .order_by("pk")[:100])
        # Shoppers who write English and shoppers who write Spanish: one customer keeps
        # to one language, as they do, so no turn records a change of language.
        orders, orders_es = shipped[: len(shipped) // 2], shipped[len(shipped) // 2:]
        scenarios = {
            # The same WISMO turns in Spanish, taken in turn with the English ones so
            # that both meet the same load on a shared machine.
            "wismo": [(orders, WISMO), (orders_es, WISMO_ES)],
            "product_question": [(orders, ["does the hoodie run small?",
                                           "is the tee in stock in M?"])],
            "return_request": [(orders, ["I want to return order {n}, it doesn't fit"])],
        }
        results: dict[str, float] = {}
        for name, groups in scenarios.items():
            runs = self._run(groups, turns if name == "wismo" else max(50, turns // 4))
            latencies, bot_only = runs[0]
            results.update({
                f"turn_{name}_p50_ms": _p50(latencies),
                f"turn_{name}_p99_ms": round(percentile(latencies, 99), 1),
                f"turn_{name}_per_s": round(1000 / statistics.fmean(latencies), 1),
            })
            if name == "wismo":
                # The same turns without storing the inbound message (the webhook's part).
                results["turn_bot_p50_ms"] = _p50(bot_only)
                results["turn_bot_p99_ms"] = round(percentile(bot_only, 99), 1)
                bot_es = runs[1][1]
                results["turn_bot_es_p50_ms"] = _p50(bot_es)
                results["turn_bot_es_p99_ms"] = round(percentile(bot_es, 99), 1)
        return results

    def _run(self, groups: list[tuple[list[Order], list[str]]],
             turns: int) -> list[tuple[list[float], list[float]]]:
        """`turns` turns of each group (its shoppers' orders, its phrasings), the groups
        taking turns; each group's whole-turn and bot-only latencies, in order."""
        runs: list[tuple[list[float], list[float]]] = [([], []) for _ in groups]
        with transaction.atomic(), captured():
            for i in range(turns + 20):
                for (orders, phrasings), (latencies, bot_only) in zip(groups, runs,
                                                                      strict=True):
                    order = orders[i % len(orders)]
                    text = phrasings[i % len(phrasings)].format(n=order.number)
                    inbound = services.Inbound(channel="whatsapp",
                                               sender_id=order.customer.phone, text=text,
                                               external_id=f"bench-{time.time_ns()}-{i}")
                    start = time.perf_counter()
                    message = services.message_receive(inbound)
                    stored = time.perf_counter()
                    services.message_process(message.pk)
                    end = time.perf_counter()
                    if i >= 20:  # the first turns warm caches and the model
                        latencies.append((end - start) * 1000)
                        bot_only.append((end - stored) * 1000)
                    message.conversation.__class__.objects.filter(
                        pk=message.conversation_id).update(mode="bot", state={})
            transaction.set_rollback(True)  # the demo shop is left as it was
        return runs

    # --- ingest over HTTP ---------------------------------------------------------------

    def _ingest(self, count: int, senders: int, port: int) -> dict[str, Any]:
        """Signed WhatsApp webhooks accepted (verified, stored once, queued) per second,
        over real HTTP, by the web server processes `manage.py run` starts: as many as
        the machine has cores (WEB_PROCESSES), on this database, with the broker in a
        folder of its own so no running worker picks the work up."""
        from core.management.commands.run import web_server_command, web_server_env

        host = "127.0.0.1"
        port = port or _free_port()
        processes = int(os.environ.get("WEB_PROCESSES") or len(os.sched_getaffinity(0)))
        data_dir = Path(tempfile.mkdtemp(prefix="onethread-bench-"))
        _give_trained_model(data_dir)
        run_id = uuid.uuid4().hex[:12]
        env = web_server_env(_ingest_env(data_dir, processes))
        server = subprocess.Popen(web_server_command(host, port, processes), env=env,
                                  cwd=settings.BASE_DIR, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
        try:
            _wait_for_port(host, port, server)
            _wait_until_idle(server.pid, processes)
            # Every sender's first message makes their customer; real traffic is mostly
            # shoppers already known, so those first ones are not measured.
            webhook_load(host, port, count=INGEST_SENDERS, concurrency=8,
                         secret=INGEST_SECRET, phone_number_id=INGEST_PHONE_NUMBER_ID,
                         run_id=f"{run_id}-warm", senders=INGEST_SENDERS)
            result, ids = webhook_load(host, port, count=count, concurrency=senders,
                                       secret=INGEST_SECRET,
                                       phone_number_id=INGEST_PHONE_NUMBER_ID,
                                       run_id=run_id, senders=INGEST_SENDERS)
        finally:
            _stop(server)
        stored = _stored(ids)
        queued = _queued(data_dir)
        _ingest_cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)
        if result.refused or result.errors:
            self.stderr.write(f"Webhooks refused {result.refused}, failed {result.errors}.")
        return {
            "ingest_webhook_per_s": round(result.per_s, 1),
            "ingest_webhook_p50_ms": round(result.p50_ms, 1),
            "ingest_webhook_p99_ms": round(result.percentile(99), 1),
            "ingest_webhook_sent": result.sent,
            "ingest_webhook_refused": sum(result.refused.values()) + result.errors,
            "ingest_webhook_stored": stored,
            "ingest_webhook_queued": queued,
            "ingest_web_processes": processes,
            "ingest_senders": senders,
        }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    host = quote(db["HOST"] or "127.0.0.1", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _ingest_env(data_dir: Path, processes: int) -> dict[str, str]:
    env = {**os.environ, "ONETHREAD_DATA_DIR": str(data_dir),
           "DATABASE_URL": _database_url(), "WEB_PROCESSES": str(processes),
           "WHATSAPP_ENABLED": "true", "WHATSAPP_APP_SECRET": INGEST_SECRET,
           "WHATSAPP_PHONE_NUMBER_ID": INGEST_PHONE_NUMBER_ID,
           "WHATSAPP_ACCESS_TOKEN": "bench", "WHATSAPP_VERIFY_TOKEN": "bench",
           "DJANGO_SETTINGS_MODULE": "core.settings", "PYTHONUNBUFFERED": "1"}
    # The data-folder broker, in the bench's own folder: nothing is left queued.
    for name in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        env.pop(name, None)
    return env


def _wait_for_port(host: str, port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"The web server exited with code {server.returncode}.")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.25)
    raise CommandError("The web server did not start within 120 seconds.")


def _give_trained_model(data_dir: Path) -> None:
    """The server's processes load the language model from their data folder as they
    start, as `manage.py run`'s do from the product's; in a folder without it, each
    would train its own while the webhooks are measured."""
    from agents.nlu.model import cache_dir, load_or_train

    if not any(cache_dir().glob("intent-*.pkl")):
        load_or_train()
    shutil.copytree(cache_dir(), data_dir / "nlu")


def _wait_until_idle(pid: int, workers: int, timeout: float = 180) -> None:
    """The server's worker processes load the classifier as they start; measure once
    they have all started and have been quiet for two seconds in a row."""
    import psutil

    parent = psutil.Process(pid)
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 2:
        processes = [parent, *parent.children(recursive=True)]
        for process in processes:
            process.cpu_percent(interval=None)
        time.sleep(1.0)
        busy = sum(p.cpu_percent(interval=None) for p in processes if p.is_running())
        started = len(processes) > workers or workers == 1
        quiet = quiet + 1 if started and busy < 15 else 0


def _stop(server: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


def _stored(ids: list[str]) -> int:
    from conversations.models import Message

    stored = list(Message.objects.filter(channel="whatsapp", external_id__in=ids)
                  .values_list("external_id", flat=True))
    if len(stored) != len(set(stored)):
        raise CommandError("A webhook was stored twice.")
    return len(stored)


def _queued(data_dir: Path) -> int:
    return sum(1 for p in (data_dir / "celery-queue").glob("*.msg"))


def _ingest_cleanup() -> None:
    from core.models import ChannelIdentity, Customer

    senders = [f"4479{i:08d}" for i in range(INGEST_SENDERS)]
    customers = ChannelIdentity.objects.filter(
        channel="whatsapp", external_id__in=senders).values_list("customer_id", flat=True)
    # Deleting the guests the bench made deletes their identities, conversations and
    # messages with them.
    Customer.objects.filter(pk__in=list(customers), is_guest=True).delete()
