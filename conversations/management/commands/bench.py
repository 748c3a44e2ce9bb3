"""python manage.py bench — one bot turn end to end on the demo shop (understand + data +
reply), measured, not asserted. Targets: WISMO p50 < 50 ms, p99 < 200 ms once warm."""

from __future__ import annotations

import json
import os
import resource
import statistics
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from channels_adapters.registry import captured
from commerce.models import Order, OrderStatus, Product
from conversations import services


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark bot turns on the demo shop."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--turns", type=int, default=300)
        parser.add_argument("--json", dest="report")

    def handle(self, *args: Any, **options: Any) -> None:
        if not Product.objects.exists():
            call_command("seed_demo")
        results: dict[str, Any] = {}
        rss_before = _rss_mb()
        from agents.nlu import understand

        t0 = time.perf_counter()
        understand("where is my order")
        results["model_load_s"] = round(time.perf_counter() - t0, 2)
        results["model_rss_mb"] = round(_rss_mb() - rss_before, 1)
        orders = list(Order.objects.filter(status=OrderStatus.SHIPPED)
                      .select_related("customer").exclude(customer__phone="")[:50])
        texts = ["where is my order", "hi, any news on my parcel? it hasn't arrived yet",
                 "when will order {n} arrive", "tracking for {n} please"]
        scenarios = {
            "wismo": texts,
            "product_question": ["does the hoodie run small?", "is the tee in stock in M?"],
            "return_request": ["I want to return order {n}, it doesn't fit"],
        }
        for name, phrasings in scenarios.items():
            latencies = self._run(orders, phrasings, options["turns"] if name == "wismo"
                                  else max(50, options["turns"] // 4))
            results[name] = {
                "turns": len(latencies),
                "p50_ms": round(statistics.median(latencies), 1),
                "p99_ms": round(_percentile(latencies, 99), 1),
                "mean_ms": round(statistics.fmean(latencies), 1),
                "turns_per_s": round(1000 / statistics.fmean(latencies), 1),
            }
        results["rss_mb"] = round(_rss_mb(), 1)
        ingest = self._ingest(2000)
        results["webhook_ingest_per_s"] = ingest
        for key, value in results.items():
            self.stdout.write(f"{key}: {value}")
        if options.get("report"):
            with open(options["report"], "w") as f:
                json.dump(results, f, indent=2)

    def _run(self, orders: list[Order], phrasings: list[str], turns: int) -> list[float]:
        latencies: list[float] = []
        try:
            with transaction.atomic(), captured():
                for i in range(turns + 20):
                    order = orders[i % len(orders)]
                    text = phrasings[i % len(phrasings)].format(n=order.number)
                    inbound = services.Inbound(channel="whatsapp",
                                               sender_id=order.customer.phone, text=text,
                                               external_id=f"bench-{time.time_ns()}-{i}")
                    start = time.perf_counter()
                    message = services.message_receive(inbound)
                    services.message_process(message.pk)
                    elapsed = (time.perf_counter() - start) * 1000
                    if i >= 20:  # the first turns warm caches and the model
                        latencies.append(elapsed)
                    message.conversation.__class__.objects.filter(
                        pk=message.conversation_id).update(mode="bot", state={})
                raise _Rollback
        except _Rollback:
            pass
        return latencies

    def _ingest(self, count: int) -> float:
        """Inbound messages stored per second (the webhook's synchronous work)."""
        try:
            with transaction.atomic():
                start = time.perf_counter()
                for i in range(count):
                    services.message_receive(services.Inbound(
                        channel="whatsapp", sender_id=f"+4479000{i % 200:05d}",
                        text="hello", external_id=f"ingest-{time.time_ns()}-{i}"))
                rate = count / (time.perf_counter() - start)
                raise _Rollback
        except _Rollback:
            pass
        return round(rate, 1)
