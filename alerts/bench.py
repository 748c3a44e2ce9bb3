"""The `stall` group of `manage.py bench`: the alert scan over 1,000,000 shipments.

The shipments (and an order for every ten of them) are generated with COPY inside one
transaction that is rolled back at the end, so the bench leaves nothing behind (the
tables are vacuumed afterwards). Like a shop's history, most parcels were delivered and
checked in long ago and are no longer watched; a few percent are on their way; about 1%
stalled or are late, and about 1% were delivered and are due their check-in.
"""

from __future__ import annotations

import io
import statistics
import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction

from alerts import selectors
from commerce.models import Shipment
from core import clock
from core.models import Customer

SHIPMENTS = 1_000_000
PER_ORDER = 10
CHUNK = 100_000


class _Rollback(Exception):
    pass


def _copy(table: str, columns: str, lines: Any) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for n, line in enumerate(lines, 1):
            buffer.write(line)
            if n % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _generate(now: Any, count: int) -> tuple[int, int]:
    """COPY `count` shipments; the ids range of the orders made for them."""
    customer = Customer.objects.create(name="Bench Shopper", email="bench-stall@example.invalid")
    stamp = now.isoformat()
    orders = count // PER_ORDER
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM commerce_order")
        first_order = cursor.fetchone()[0] + 1
    _copy("commerce_order",
          "id, number, customer_id, status, placed_at, email, phone, currency, ship_name, "
          "ship_line1, ship_line2, ship_city, ship_postcode, ship_country, shipping_cost, "
          "cancel_reason",
          (f"{first_order + i}\tBENCH-STALL-{i}\t{customer.pk}\tshipped\t{stamp}\t"
           f"bench-stall@example.invalid\t\tGBP\t\t\t\t\t\tGB\t0\t\n" for i in range(orders)))

    def shipment(i: int) -> str:
        order = first_order + i // PER_ORDER
        kind = i % 100
        if kind == 0:  # stalled: no scan for five days
            scan, state, due = now - timedelta(days=5), "in_transit", now - timedelta(days=2)
        elif kind == 1:  # delivered, due its check-in
            scan, state, due = now - timedelta(hours=3), "delivered", now - timedelta(hours=1)
        elif kind < 15:  # on its way, due a look later
            scan, state = now - timedelta(hours=kind), "in_transit"
            due = scan + timedelta(hours=72)
        else:  # delivered and checked in long ago: no longer watched
            scan, state, due = now - timedelta(days=30 + kind), "delivered", None
        due_text = due.isoformat() if due is not None else "\\N"
        return (f"{order}\tevri\tBENCH{i:012d}\t\\N\t{(scan - timedelta(days=2)).isoformat()}\t"
                f"{scan.isoformat()}\t{state}\t{due_text}\t\\N\n")

    _copy("commerce_shipment",
          "order_id, carrier, tracking_number, promised_by, created_at, last_scan_at, state, "
          "next_check_at, carrier_polled_at", (shipment(i) for i in range(count)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE commerce_shipment")
        cursor.execute("ANALYZE commerce_order")
    return first_order, orders


def stall_bench(count: int = SHIPMENTS) -> dict[str, Any]:
    """stall_scan_1m_shipments_s: the scan's one indexed query finding every stalled,
    late or check-in-due shipment among `count`, run first after the load (the slower
    figure); stall_scan_1m_warm_s: the median of the 5 runs after it."""
    results: dict[str, Any] = {}
    now = clock.now()
    try:
        with transaction.atomic():
            start = time.perf_counter()
            _generate(now, count)
            results["stall_generate_1m_shipments_s"] = round(time.perf_counter() - start, 2)
            runs = []
            found: list[int] = []
            for _ in range(6):
                start = time.perf_counter()
                found = selectors.shipments_due(now)
                runs.append(time.perf_counter() - start)
            plan = _plan(now)
            results["stall_scan_1m_shipments_s"] = round(runs[0], 4)
            results["stall_scan_1m_warm_s"] = round(statistics.median(runs[1:]), 4)
            results["stall_scan_1m_found"] = len(found)
            results["stall_scan_1m_uses_index"] = int("shipment_next_check" in plan)
            raise _Rollback
    except _Rollback:
        pass
    with connection.cursor() as cursor:
        cursor.execute("VACUUM commerce_shipment")
        cursor.execute("VACUUM commerce_order")
    return results


def _plan(now: Any) -> str:
    """PostgreSQL's plan for the scan's query (it must read the partial index)."""
    sql, params = Shipment.objects.filter(next_check_at__lte=now).order_by().values_list(
        "pk", flat=True).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return " ".join(row[0] for row in cursor.fetchall())
