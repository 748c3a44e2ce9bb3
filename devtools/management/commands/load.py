"""python manage.py load — drive a running OneThread with site-chat shoppers and signed
WhatsApp webhooks at once, then report messages per second, reply latency and what was
lost or doubled.

Start OneThread first with WhatsApp on (`WHATSAPP_ENABLED`, its app secret and phone
number id) and run this with the same environment: it signs with the same secret and
reads the same database to check what became of every webhook it sent. Replies to
WhatsApp are counted when the bot has queued them (Meta is not called for real unless
the server is configured to).
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from conversations.models import Message
from devtools.load import percentile, read_response, signed_post, whatsapp_webhook

CHAT_TEXTS = ("where is my order", "does the hoodie run small?", "hi there",
              "what is your returns policy?", "thanks")


@dataclass
class Tally:
    sent: int = 0
    answered: int = 0
    lost: int = 0
    doubled: int = 0
    latencies_ms: list[float] = field(default_factory=list)


@dataclass
class WebhookTally:
    accepted: list[str] = field(default_factory=list)
    redelivered: int = 0
    refused: int = 0
    ack_ms: list[float] = field(default_factory=list)


class Command(BaseCommand):
    help = "Load a running OneThread with site-chat shoppers and WhatsApp webhooks together."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=settings.SITE_URL)
        parser.add_argument("--seconds", type=float, default=30)
        parser.add_argument("--chats", type=int, default=10, help="Site-chat shoppers.")
        parser.add_argument("--whatsapp", type=int, default=20,
                            help="WhatsApp numbers sending webhooks concurrently.")
        parser.add_argument("--redeliver", type=float, default=0.05,
                            help="Share of messages delivered twice, as platforms do.")
        parser.add_argument("--reply-timeout", type=float, default=60)
        parser.add_argument("--json", dest="report")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["whatsapp"] and not (settings.WHATSAPP_ENABLED
                                        and settings.WHATSAPP_APP_SECRET):
            raise CommandError("Set WHATSAPP_ENABLED and WHATSAPP_APP_SECRET (as the server "
                               "has them), or pass --whatsapp 0.")
        url = urlparse(options["url"])
        host, port = url.hostname or "127.0.0.1", url.port or 80
        run_id = secrets.token_hex(4)
        start = time.perf_counter()
        chat, hooks = asyncio.run(_drive(host, port, run_id, options))
        seconds = time.perf_counter() - start
        whatsapp = _whatsapp_outcome(hooks, options["reply_timeout"])
        report = {
            "seconds": round(seconds, 1),
            "messages_per_s": round((chat.sent + len(hooks.accepted)) / seconds, 1),
            "chat_sent": chat.sent, "chat_answered": chat.answered,
            "chat_lost": chat.lost, "chat_doubled": chat.doubled,
            "chat_reply_p50_ms": round(_p50(chat.latencies_ms), 1),
            "chat_reply_p99_ms": round(percentile(chat.latencies_ms, 99), 1),
            "whatsapp_accepted": len(hooks.accepted),
            "whatsapp_redelivered": hooks.redelivered, "whatsapp_refused": hooks.refused,
            "whatsapp_ack_p50_ms": round(_p50(hooks.ack_ms), 1),
            "whatsapp_ack_p99_ms": round(percentile(hooks.ack_ms, 99), 1),
            **whatsapp,
        }
        replies = chat.latencies_ms + report.pop("whatsapp_reply_latencies_ms")
        report["reply_p50_ms"] = round(_p50(replies), 1)
        report["reply_p99_ms"] = round(percentile(replies, 99), 1)
        report["lost"] = chat.lost + report["whatsapp_lost"]
        report["doubled"] = chat.doubled + report["whatsapp_doubled"]
        for key, value in report.items():
            self.stdout.write(f"{key}: {value}")
        if options.get("report") == "-":
            self.stdout.write(json.dumps(report))
        elif options.get("report"):
            Path(options["report"]).write_text(json.dumps(report, indent=2) + "\n")


def _p50(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


async def _drive(host: str, port: int, run_id: str,
                 options: dict[str, Any]) -> tuple[Tally, WebhookTally]:
    deadline = time.monotonic() + options["seconds"]
    chat, hooks = Tally(), WebhookTally()
    await asyncio.gather(
        *(_shopper(host, port, f"load{run_id}chat{i:04d}", deadline, options, chat)
          for i in range(options["chats"])),
        *(_whatsapp_number(host, port, f"4478{run_id[:4]}{i:04d}", deadline, options, hooks)
          for i in range(options["whatsapp"])),
    )
    return chat, hooks


async def _shopper(host: str, port: int, session: str, deadline: float,
                   options: dict[str, Any], tally: Tally) -> None:
    """One shopper in the site chat: a message, wait for the bot's answer, the next."""
    from websockets.asyncio.client import connect

    async with connect(f"ws://{host}:{port}/ws/chat/?session={session}",
                       origin=f"http://{host}:{port}", open_timeout=30) as socket:
        json.loads(await asyncio.wait_for(socket.recv(), 30))  # hello, with the history
        seen: set[int] = set()
        n = 0
        while time.monotonic() < deadline:
            client_id = f"{session}-{n}"
            text = CHAT_TEXTS[n % len(CHAT_TEXTS)]
            sent_at = time.perf_counter()
            tally.sent += 1
            await socket.send(json.dumps({"type": "message", "text": text,
                                          "client_id": client_id}))
            if random.random() < options["redeliver"]:
                # A resent message (a flaky connection): stored and answered once.
                await socket.send(json.dumps({"type": "message", "text": text,
                                              "client_id": client_id}))
            answered = await _answer(socket, sent_at, seen, options["reply_timeout"], tally)
            if answered:
                tally.answered += 1
            else:
                tally.lost += 1
            n += 1


async def _answer(socket: Any, sent_at: float, seen: set[int], timeout: float,
                  tally: Tally) -> bool:
    """Read until the bot's first reply to the message just sent; then whatever else comes
    within a moment (a reply of several parts, or a doubled echo or answer)."""
    echoes = 0
    first_reply = False
    until = time.monotonic() + timeout
    while time.monotonic() < until:
        wait = until - time.monotonic() if not first_reply else 0.3
        try:
            event = json.loads(await asyncio.wait_for(socket.recv(), max(wait, 0.01)))
        except TimeoutError:
            break
        message = event.get("message") or {}
        if event.get("type") != "message":
            continue
        if message.get("id") in seen:
            tally.doubled += 1
            continue
        seen.add(message.get("id"))
        if message.get("direction") == "in":
            echoes += 1
            if echoes > 1:
                tally.doubled += 1
        elif not first_reply:
            first_reply = True
            tally.latencies_ms.append((time.perf_counter() - sent_at) * 1000)
    return first_reply


async def _whatsapp_number(host: str, port: int, number: str, deadline: float,
                           options: dict[str, Any], tally: WebhookTally) -> None:
    """One WhatsApp number writing as fast as the webhook is acknowledged."""
    reader, writer = await asyncio.open_connection(host, port)
    n = 0
    try:
        while time.monotonic() < deadline:
            wamid = f"wamid.{number}.{n}"
            body = whatsapp_webhook(number, wamid, CHAT_TEXTS[n % len(CHAT_TEXTS)],
                                    settings.WHATSAPP_PHONE_NUMBER_ID)
            request = signed_post(host, port, "/webhooks/whatsapp/", body,
                                  settings.WHATSAPP_APP_SECRET)
            deliveries = 2 if random.random() < options["redeliver"] else 1
            for delivery in range(deliveries):
                started = time.perf_counter()
                writer.write(request)
                status = await read_response(reader)
                if 200 <= status < 300:
                    tally.ack_ms.append((time.perf_counter() - started) * 1000)
                    if delivery == 0:
                        tally.accepted.append(wamid)
                    else:
                        tally.redelivered += 1
                else:
                    tally.refused += 1
            n += 1
    finally:
        writer.close()


def _whatsapp_outcome(hooks: WebhookTally, timeout: float) -> dict[str, Any]:
    """From the database: every accepted webhook stored once and answered once."""
    from django.db.models import Count

    inbound = Message.objects.filter(channel="whatsapp", direction=Message.Direction.INBOUND,
                                     external_id__in=hooks.accepted)
    deadline = time.monotonic() + timeout
    while (time.monotonic() < deadline
           and inbound.filter(processed_at__isnull=True).exists()):
        time.sleep(1)
    counts = dict(inbound.values_list("external_id").annotate(n=Count("id")))
    answered = list(inbound.filter(processed_at__isnull=False)
                    .values_list("created_at", "processed_at"))
    latencies = [(done - stored).total_seconds() * 1000 for stored, done in answered]
    return {
        "whatsapp_stored": len(counts),
        "whatsapp_answered": len(answered),
        # Acknowledged but never stored: lost. Stored but not answered by the end of the
        # wait (--reply-timeout): behind, not lost; said apart so a slow run isn't a lossy one.
        "whatsapp_lost": sum(1 for wamid in hooks.accepted if wamid not in counts),
        "whatsapp_unanswered": len(counts) - len(answered),
        "whatsapp_doubled": sum(n - 1 for n in counts.values()),
        "whatsapp_reply_p50_ms": round(_p50(latencies), 1),
        "whatsapp_reply_p99_ms": round(percentile(latencies, 99), 1),
        "whatsapp_reply_latencies_ms": latencies,
    }
