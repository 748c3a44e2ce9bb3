"""The platforms' webhooks at the ASGI level, served without Django's request handler.

A webhook uses no session, cookie, CSRF token or login (each request is checked by its
platform's signature instead), so it needs none of the site's middleware, and none of
what Django's ASGI handler does around a view: a thread started and joined for every
request, the request signals run on it (each a hop to that thread and back), a task
listening for a disconnect. Here a webhook costs one hop: its body is read on the event
loop, and the view runs on one of the webhook threads, which keep their database
connection from one request to the next (conversations.webhooks). Every other path
(pages, the admin, static files, the sockets) goes to the site's application.
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

from django.conf import settings
from django.http import HttpResponseBase

from conversations import webhooks

WEBHOOK_PREFIX = "/webhooks/"


def webhook_channel(path: str) -> str | None:
    """The channel a webhook path names (`/webhooks/<channel>/`), or None."""
    if not path.startswith(WEBHOOK_PREFIX) or not path.endswith("/"):
        return None
    channel = path[len(WEBHOOK_PREFIX):-1]
    return channel if channel and "/" not in channel else None


async def _read_body(receive: Any) -> Any | None:
    """The request body as a file (spilled to disk past FILE_UPLOAD_MAX_MEMORY_SIZE, as
    Django's handler does), or None when the client went away first."""
    body = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by the caller)
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            body.close()
            return None
        if "body" in message:
            body.write(message["body"])
        if not message.get("more_body", False):
            break
    body.seek(0)
    return body


async def _send_response(response: HttpResponseBase, send: Any) -> None:
    content = response.content  # type: ignore[attr-defined]
    headers = [(k.encode("ascii"), v.encode("latin1")) for k, v in response.items()]
    if not response.has_header("Content-Length"):
        # Platforms' clients keep the connection alive: say where the answer ends.
        headers.append((b"Content-Length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": response.status_code,
                "headers": headers})
    await send({"type": "http.response.body", "body": content})


async def serve_webhook(scope: dict[str, Any], receive: Any, send: Any,
                        channel: str) -> None:
    body = await _read_body(receive)
    if body is None:
        return
    try:
        response = await asyncio.get_running_loop().run_in_executor(
            webhooks.executor(), webhooks.serve, scope, body, channel)
    finally:
        body.close()
    await _send_response(response, send)


def with_webhooks(site: Any) -> Any:
    """The HTTP application: webhooks served here, every other path by `site`."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        channel = webhook_channel(scope["path"]) if scope["type"] == "http" else None
        if channel is not None:
            await serve_webhook(scope, receive, send, channel)
        else:
            await site(scope, receive, send)

    return app
