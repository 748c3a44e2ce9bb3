"""The one webhook view for every platform: verify, store, queue, answer 2xx fast.

Under an ASGI server a plain (sync) view runs in a new thread per request, with a new
database connection (or one taken from the pool and set up again) each time: most of
what a webhook cost. Webhooks run instead on a few long-lived threads, each keeping its
own connection from one request to the next and dropping it only once it has failed.
The web server hands them the request directly (core.webhook_asgi.serve_webhook);
Django's test client goes through the URL and the `webhook` view.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.core.handlers.exception import response_for_exception
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseBase,
    JsonResponse,
)
from django.urls import set_script_prefix
from django.views.decorators.csrf import csrf_exempt

from channels_adapters.registry import adapter_class
from channels_adapters.services import webhook_token_claim
from conversations import services

logger = logging.getLogger(__name__)


# Each thread holds one connection of the process's pool: half of it, the rest for pages.
_threads = ThreadPoolExecutor(max_workers=max(settings.DATABASE_POOL_SIZE // 2, 2),
                              thread_name_prefix="webhook")


def executor() -> ThreadPoolExecutor:
    return _threads


@csrf_exempt
async def webhook(request: HttpRequest, channel: str) -> HttpResponse:
    # Django's test client (the web server calls `serve` instead): stay on the caller's
    # thread and its test transaction.
    return await sync_to_async(_webhook)(request, channel)


def serve(scope: dict[str, Any], body: Any, channel: str) -> HttpResponseBase:
    """One webhook request, on a webhook thread: the view's answer, or the answer
    Django gives for what the view raised (logged, 500 for an unexpected error)."""
    # What Django does at a request's start, without closing a healthy connection: one
    # that failed (the database restarted) is dropped, and the next query reconnects.
    if connection.errors_occurred:
        if connection.is_usable():
            connection.errors_occurred = False
        else:
            connection.close()
    set_script_prefix(get_script_prefix(scope))
    try:
        request = ASGIRequest(scope, body)
    except UnicodeDecodeError:
        return HttpResponseBadRequest()
    try:
        return _webhook(request, channel)
    except Exception as exc:
        return response_for_exception(request, exc)


def _webhook(request: HttpRequest, channel: str) -> HttpResponse:
    try:
        adapter = adapter_class(channel)()
    except LookupError:
        return JsonResponse({"error": f"unknown channel {channel}"}, status=404)
    if channel == "web" or adapter.missing_settings() or not adapter.enabled():
        return JsonResponse({"error": f"the {channel} channel is not enabled"}, status=404)
    if request.method == "GET":
        answer = adapter.challenge(request)
        return answer if answer is not None else HttpResponse(status=405)
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        verified = adapter.verify(request)
    except ValueError:
        # A signature header or timestamp too odd to even check is not a valid one.
        verified = False
    if verified and hasattr(adapter, "one_time_token"):
        token = adapter.one_time_token(request)
        verified = webhook_token_claim(token.channel, token.token, token.fingerprint,
                                       token.signed_at, token.valid_for)
    if not verified:
        return JsonResponse({"error": "invalid signature"}, status=403)
    try:
        events = adapter.parse(request).screened()
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if events.rejected:
        logger.warning("Unreadable items in a %s webhook: %s", channel,
                       "; ".join(events.rejected)[:2000])
    if events.only_rejected:
        return JsonResponse({"error": "; ".join(events.rejected)[:1000]}, status=400)
    stored = services.webhook_ingest(channel, events)
    for reply in events.agent_replies:
        services.agent_reply_from_platform(channel, reply)
    if events.response is not None:
        return JsonResponse(events.response)
    answer: dict[str, object] = {"ok": True, "stored": len(stored)}
    if events.rejected:
        answer["rejected"] = len(events.rejected)
    return JsonResponse(answer)
