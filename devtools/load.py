"""Load over real HTTP: signed WhatsApp webhooks from concurrent senders, for `manage.py
bench` and `manage.py load`.

The sender is plain asyncio streams with keep-alive and requests built beforehand, so on
a two-core machine it takes as little CPU as possible from the server it measures.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import statistics
import time
from dataclasses import dataclass, field


def whatsapp_webhook(sender: str, message_id: str, text: str,
                     phone_number_id: str) -> bytes:
    """One inbound text message as Meta's Cloud API posts it."""
    return json.dumps({"object": "whatsapp_business_account", "entry": [{
        "id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "1", "phone_number_id": phone_number_id},
            "contacts": [{"profile": {"name": "Load"}, "wa_id": sender}],
            "messages": [{"from": sender, "id": message_id, "timestamp": "1700000000",
                          "type": "text", "text": {"body": text}}]}}]}]}).encode()


def signed_post(host: str, port: int, path: str, body: bytes, secret: str) -> bytes:
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"X-Hub-Signature-256: sha256={signature}\r\n\r\n")
    return head.encode() + body


@dataclass
class LoadResult:
    sent: int = 0
    accepted: int = 0
    refused: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length, chunked = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    elif length:
        await reader.readexactly(length)
    return status


async def _sender(host: str, port: int, requests: list[bytes], result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for request in requests:
            start = time.perf_counter()
            result.sent += 1
            try:
                writer.write(request)
                status = await read_response(reader)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies_ms.append((time.perf_counter() - start) * 1000)
            if 200 <= status < 300:
                result.accepted += 1
            else:
                result.refused[status] = result.refused.get(status, 0) + 1
    finally:
        writer.close()


async def send_all(host: str, port: int, requests: list[bytes], concurrency: int) -> LoadResult:
    """Send every request once, `concurrency` connections at a time, each keeping alive."""
    result = LoadResult()
    shares = [requests[i::concurrency] for i in range(concurrency)]
    start = time.perf_counter()
    await asyncio.gather(*(_sender(host, port, share, result) for share in shares if share))
    result.seconds = time.perf_counter() - start
    return result


def webhook_load(host: str, port: int, *, count: int, concurrency: int, secret: str,
                 phone_number_id: str, run_id: str, senders: int = 200) -> tuple[
                     LoadResult, list[str]]:
    """Post `count` signed WhatsApp webhooks; returns the result and the message ids."""
    ids = [f"wamid.{run_id}.{i}" for i in range(count)]
    requests = [
        signed_post(host, port, "/webhooks/whatsapp/",
                    whatsapp_webhook(f"4479{i % senders:08d}", ids[i], "where is my order",
                                     phone_number_id), secret)
        for i in range(count)
    ]
    return asyncio.run(send_all(host, port, requests, concurrency)), ids
