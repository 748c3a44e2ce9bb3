"""The `insights` group of `manage.py bench`: the insights page over 1,000,000 messages and
100,000 conversations (with 120,000 orders, their shipments and scans, returns and
ratings), all started within the page's default range, so the page reads every one.

The data is written with COPY inside one transaction that is rolled back at the end:
nothing is left behind (rows carry explicit ids, so no sequence moves either). The facts
are built by the same triggers and refresh as in production; then the page is rendered
through the whole Django stack, warm, and one more message per 100 conversations is
added to time keeping the facts right as messages arrive.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from core import clock
from insights.services import insights_refresh

CONVERSATIONS = 100_000
MESSAGES = 1_000_000
CUSTOMERS = 30_000
ORDERS = 120_000
PRODUCTS = 40
SIZES = ("XS", "S", "M", "L", "XL")
RENDERS = 15
CHANNELS = ("web", "whatsapp", "email", "telegram")
INTENTS = ("order_status", "order_status", "order_status", "delivery_problem",
           "return_request", "exchange_request", "refund_status", "cancel_order",
           "change_address", "product_question", "promo_question", "payment_issue",
           "account", "complaint")
REASONS = ("customer_request", "high_value", "outside_policy", "frustration",
           "not_understood", "damage_review", "payment_dispute")
CARRIERS = (("royal_mail", "Northampton Mail Centre"), ("evri", "Northampton Depot"),
            ("dpd", "Northampton Depot"), ("ups", "Northampton, GB"),
            ("dhl", "Northampton, GB"))
POSTCODES = ("SW1A 1AA", "M14 5AB", "B13 9XY", "LS6 2AB", "EH9 1QQ", "G12 8AA",
             "CF24 3DD", "BT9 5AA", "BS6 6AA", "NE6 1AA", "CB1 2AB", "NR2 1AA")
RETURN_REASONS = ("Too small", "Too small", "Too big", "Changed my mind", "Faulty",
                  "Not as described")


def _next_ids(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(max(id), 0) + 1 FROM {table}")
        return int(cursor.fetchone()[0])


def _copy(table: str, columns: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _build(rng: random.Random, now: datetime) -> dict[str, int]:
    """Write the shop's history with COPY; returns the row counts."""
    start = now - timedelta(days=29, hours=now.hour)
    span = (now - start).total_seconds() - 3600
    ids = {t: _next_ids(t) for t in (
        "core_customer", "commerce_product", "commerce_variant", "commerce_order",
        "commerce_orderitem", "commerce_shipment", "commerce_trackingevent",
        "conversations_conversation", "conversations_message", "conversations_handoff",
        "conversations_satisfactionrating", "commerce_return", "commerce_returnitem",
        "auth_user")}
    c0, p0, v0, o0 = (ids["core_customer"], ids["commerce_product"], ids["commerce_variant"],
                      ids["commerce_order"])
    counts: dict[str, int] = {}
    counts["customers"] = _copy(
        "core_customer", ["id", "name", "email", "phone", "is_guest", "tags", "language",
                          "preferred_channel", "marketing_consent", "time_zone",
                          "language_source", "created_at"],
        ((c0 + i, f"Bench Shopper {i}", f"bench-{c0 + i}@bench.invalid", "", False, "[]",
          "en", "", False, "", "", start) for i in range(CUSTOMERS)))
    _copy("commerce_product", ["id", "name", "slug", "category", "kind", "description",
                               "material", "care"],
          ((p0 + i, f"Bench Product {i}", f"bench-product-{p0 + i}", "apparel", "tee", "", "",
            "") for i in range(PRODUCTS)))
    variants = [(v0 + i * len(SIZES) + j, p0 + i, size) for i in range(PRODUCTS)
                for j, size in enumerate(SIZES)]
    _copy("commerce_variant", ["id", "product_id", "sku", "options", "price", "stock",
                               "final_sale"],
          ((vid, pid, f"BENCH-{vid}", json.dumps({"size": size}), "20.00", 5, False)
           for vid, pid, size in variants))

    orders: list[tuple[int, int, datetime, int]] = []  # id, customer, placed, variant
    for i in range(ORDERS):
        placed = start + timedelta(seconds=rng.random() * span)
        orders.append((o0 + i, c0 + rng.randrange(CUSTOMERS), placed,
                       variants[rng.randrange(len(variants))][0]))
    counts["orders"] = _copy(
        "commerce_order", ["id", "number", "customer_id", "status", "placed_at", "email",
                           "phone", "currency", "ship_name", "ship_line1", "ship_line2",
                           "ship_city", "ship_postcode", "ship_country", "shipping_cost",
                           "cancel_reason"],
        ((oid, f"B{oid}", cid, "delivered", placed, f"bench-{cid}@bench.invalid", "", "GBP",
          "", "", "", "", POSTCODES[oid % len(POSTCODES)], "GB" if oid % 9 else "IE", "0",
          "") for oid, cid, placed, _ in orders))
    i0, s0, t0 = (ids["commerce_orderitem"], ids["commerce_shipment"],
                  ids["commerce_trackingevent"])
    _copy("commerce_orderitem", ["id", "order_id", "variant_id", "quantity", "unit_price",
                                 "final_sale"],
          ((i0 + n, oid, vid, 1, "20.00", False) for n, (oid, _, _, vid) in enumerate(orders)))
    _copy("commerce_shipment", ["id", "order_id", "carrier", "tracking_number", "created_at",
                                "state"],
          ((s0 + n, oid, CARRIERS[oid % len(CARRIERS)][0], f"BENCH{oid}", placed, "")
           for n, (oid, _, placed, _) in enumerate(orders)))
    _copy("commerce_trackingevent", ["id", "shipment_id", "at", "status", "exception",
                                     "carrier_code", "location", "detail"],
          ((t0 + n, s0 + n, placed + timedelta(hours=6), "in_transit", "", "",
            CARRIERS[oid % len(CARRIERS)][1], "") for n, (oid, _, placed, _) in
           enumerate(orders)))

    conversations = list(_conversation_plan(rng, start, span, orders, c0))
    counts["conversations"] = _copy(
        "conversations_conversation", ["id", "customer_id", "status", "mode", "channel",
                                       "verified_via", "state", "created_at", "updated_at",
                                       "resolved_at", "close_reason"],
        ((ids["conversations_conversation"] + n, c["customer"],
          "resolved" if c["closed"] else "open", "bot", c["channel"], "", "{}", c["at"],
          c["at"], c["closed"], c["reason"]) for n, c in enumerate(conversations)))
    counts["messages"] = _copy(
        "conversations_message", ["id", "conversation_id", "channel", "direction", "sender",
                                  "text", "payload", "intent", "entities", "delivery",
                                  "attempts", "last_error", "created_at", "language"],
        _messages(rng, conversations, ids["conversations_conversation"],
                  ids["conversations_message"]))
    handoffs = [(ids["conversations_conversation"] + n, c) for n, c in enumerate(conversations)
                if c["handoff"]]
    counts["handoffs"] = _copy(
        "conversations_handoff", ["id", "conversation_id", "reason", "status", "packet",
                                  "expected_wait", "created_at", "closed_at", "sla_due_at",
                                  "first_reply_at", "breached_at"],
        ((ids["conversations_handoff"] + n, cid, c["handoff_reason"],
          "resolved" if c["closed"] else "waiting", "{}", "", c["at"] + timedelta(minutes=1),
          c["closed"], c["at"] + timedelta(minutes=61), c["human_reply"],
          c["at"] + timedelta(minutes=62)
          if c["human_reply"] and c["human_reply"] > c["at"] + timedelta(minutes=61) else None)
         for n, (cid, c) in enumerate(handoffs)))
    # One handed-off conversation in five goes back to the bot and on to a person again
    # after the first reply, and that second handoff is still waiting.
    again = handoffs[::5]
    h0 = ids["conversations_handoff"] + len(handoffs)
    counts["handoffs"] += _copy(
        "conversations_handoff", ["id", "conversation_id", "reason", "status", "packet",
                                  "expected_wait", "created_at", "closed_at", "sla_due_at",
                                  "first_reply_at", "breached_at"],
        ((h0 + n, cid, c["handoff_reason"], "waiting", "{}", "",
          c["human_reply"] + timedelta(minutes=1), None,
          c["human_reply"] + timedelta(minutes=61), None, None)
         for n, (cid, c) in enumerate(again)))
    rated = [(ids["conversations_conversation"] + n, c) for n, c in enumerate(conversations)
             if c["closed"] and n % 5 == 0]
    counts["ratings"] = _copy(
        "conversations_satisfactionrating", ["id", "conversation_id", "customer_id",
                                             "channel", "score", "comment", "created_at"],
        ((ids["conversations_satisfactionrating"] + n, cid, c["customer"], c["channel"],
          rng.choice((1, 3, 4, 5, 5, 5)), "", c["closed"]) for n, (cid, c) in enumerate(rated)))
    returned = orders[::15]
    counts["returns"] = _copy(
        "commerce_return", ["id", "order_id", "number", "status", "resolution", "reason",
                            "carrier", "tracking_number", "label_file", "idempotency_key",
                            "created_at"],
        ((ids["commerce_return"] + n, oid, f"BR{oid}", "received", "refund",
          RETURN_REASONS[oid % len(RETURN_REASONS)], "", "", "", f"bench-return-{oid}",
          placed + timedelta(days=3)) for n, (oid, _, placed, _) in enumerate(returned)))
    _copy("commerce_returnitem", ["id", "return_request_id", "order_item_id", "quantity"],
          ((ids["commerce_returnitem"] + n, ids["commerce_return"] + n, i0 + (oid - o0), 1)
           for n, (oid, _, _, _) in enumerate(returned)))
    counts["first_conversation_id"] = ids["conversations_conversation"]
    counts["user_id"] = ids["auth_user"]
    return counts


def _conversation_plan(rng: random.Random, start: datetime, span: float,
                       orders: list[tuple[int, int, datetime, int]],
                       c0: int) -> Iterator[dict[str, Any]]:
    last_open: set[int] = set()
    for n in range(CONVERSATIONS):
        at = start + timedelta(seconds=span * n / CONVERSATIONS)
        customer = c0 + (n * 7919) % CUSTOMERS
        handoff = rng.random() < 0.15
        closed = at + timedelta(minutes=5 + rng.random() * 120)
        human = None
        if handoff:
            human = at + timedelta(minutes=1 + rng.lognormvariate(3, 1.2))
            closed = max(closed, human + timedelta(minutes=5))
        reason = "resolved_by_agent" if handoff else rng.choice(
            ("resolved_by_bot", "resolved_by_bot", "shopper_silent", ""))
        if not reason:
            # One open conversation per customer at most.
            if customer in last_open:
                reason = "shopper_silent"
            else:
                last_open.add(customer)
                closed = None
        order = orders[rng.randrange(len(orders))][0] if rng.random() < 0.6 else None
        yield {"at": at, "customer": customer, "channel": CHANNELS[n % 4],
               "closed": closed, "reason": reason, "handoff": handoff, "human_reply": human,
               "handoff_reason": rng.choice(REASONS), "intent": rng.choice(INTENTS),
               "order": order}


def _messages(rng: random.Random, conversations: list[dict[str, Any]], c0: int,
              m0: int) -> Iterator[tuple[Any, ...]]:
    mid = m0
    per = MESSAGES // CONVERSATIONS
    for n, c in enumerate(conversations):
        at = c["at"]
        entities = json.dumps({"order_number": f"B{c['order']}"} if c["order"] else {})
        for k in range(per):
            inbound = k % 2 == 0
            if c["human_reply"] and k == per - 1:
                sender, when = "agent", c["human_reply"]
            else:
                sender = "customer" if inbound else "bot"
                when = at + timedelta(seconds=k * 20 + (rng.random() * 15 if not inbound else 0))
            yield (mid, c0 + n, c["channel"], "in" if inbound else "out", sender, "…", "{}",
                   c["intent"] if inbound else "", entities if inbound else "{}",
                   "received" if inbound else "sent", 0, "", when, "en" if inbound else "")
            mid += 1


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _cpu_ms(backend: int) -> float:
    """CPU milliseconds used so far by this process and the database backend `backend`."""
    fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (time.process_time() + (int(fields[11]) + int(fields[12])) / ticks) * 1000


def _analyze(*tables: str) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _renders(client: Client, url: str, backend: int, name: str) -> dict[str, float]:
    """The page rendered once to warm up, then RENDERS times: the median and the worst
    wall time, and the median CPU time the render took in this process and its database
    backend (what it would take on idle cores, whatever else the machine is running)."""
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    renders, cpu = [], []
    for _ in range(RENDERS):
        began, cpu_began = time.perf_counter(), _cpu_ms(backend)
        response = client.get(url)
        renders.append((time.perf_counter() - began) * 1000)
        cpu.append(_cpu_ms(backend) - cpu_began)
        assert response.status_code == 200
    return {f"{name}_ms": round(statistics.median(renders), 1),
            f"{name}_max_ms": round(max(renders), 1),
            f"{name}_cpu_ms": round(statistics.median(cpu), 1)}


def insights_bench() -> dict[str, float]:
    """Build, measure, roll back. Returns the figures for the report."""
    from django.contrib.auth import get_user_model


    results: dict[str, float] = {}
    rng = random.Random(13)
    now = clock.now()
    with transaction.atomic():
        began = time.perf_counter()
        counts = _build(rng, now)
        results["insights_bench_copy_s"] = round(time.perf_counter() - began, 1)
        # What autovacuum would have done by now on a real shop's tables.
        _analyze("conversations_message", "conversations_conversation",
                 "conversations_handoff", "conversations_satisfactionrating", "commerce_order",
                 "commerce_shipment", "commerce_trackingevent", "commerce_orderitem",
                 "commerce_return", "commerce_returnitem")
        began = time.perf_counter()
        insights_refresh(batch=CONVERSATIONS * 2)
        results["insights_facts_build_s"] = round(time.perf_counter() - began, 1)
        _analyze("insights_conversationfact", "insights_handofffact", "insights_orderfact")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM conversations_message")
            results["insights_messages"] = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM insights_conversationfact")
            results["insights_conversations"] = cursor.fetchone()[0]
        user = get_user_model()(id=counts["user_id"], username=f"bench-{counts['user_id']}",
                                is_staff=True, is_superuser=True)
        user.set_unusable_password()
        user.save(force_insert=True)
        client = Client()
        client.force_login(user)
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            backend = _backend_pid()
            for name, query in (("insights_1m_messages", ""),
                                ("insights_1m_messages_business_hours", "?hours=business")):
                results.update(_renders(client, f"/admin/insights/{query}", backend, name))
            # New messages arrive: one in each of 1,000 conversations, then the page again.
            c0 = counts["first_conversation_id"]
            m0 = _next_ids("conversations_message")
            _copy("conversations_message", ["id", "conversation_id", "channel", "direction",
                                            "sender", "text", "payload", "intent",
                                            "entities", "delivery", "attempts", "last_error",
                                            "created_at", "language"],
                  ((m0 + i, c0 + i * 97, "web", "in", "customer", "…", "{}", "order_status",
                    "{}", "received", 0, "", now, "en") for i in range(1000)))
            began = time.perf_counter()
            response = client.get("/admin/insights/")
            results["insights_after_1k_new_messages_ms"] = round(
                (time.perf_counter() - began) * 1000, 1)
            assert response.status_code == 200
        transaction.set_rollback(True)
    return results
