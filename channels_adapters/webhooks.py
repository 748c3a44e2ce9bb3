"""The one webhook view for every platform: verify, store, queue, answer 2xx fast."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from channels_adapters.registry import adapter_class
from conversations import services

logger = logging.getLogger(__name__)


@csrf_exempt
def webhook(request: HttpRequest, channel: str) -> HttpResponse:
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
