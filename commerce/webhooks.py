"""Carrier events in: AfterShip's tracking webhook, `<SITE_URL>/webhooks/aftership/`.

Verified first (a bad signature is a 403 and stores nothing), read second (a malformed
body is a 400), then stored through the same service as every other carrier update."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce import services, tracking

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def aftership_webhook(request: HttpRequest) -> HttpResponse:
    if not tracking.webhook_secret():
        return JsonResponse({"error": "the AfterShip webhook is not enabled"}, status=404)
    if not tracking.webhook_verify(request.body,
                                   request.headers.get(tracking.SIGNATURE_HEADER, "")):
        return JsonResponse({"error": "invalid signature"}, status=403)
    try:
        update = tracking.webhook_parse(request.body)
    except ValueError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    if update.event not in tracking.UPDATE_EVENTS:
        return JsonResponse({"ok": True, "stored": 0, "ignored": update.event})
    stored = services.shipment_carrier_update(services.CarrierUpdate(
        carrier=update.carrier, tracking_number=update.tracking_number,
        checkpoints=update.checkpoints))
    if stored is None:
        logger.info("AfterShip update for an unknown tracking number %s", update.tracking_number)
        return JsonResponse({"ok": True, "stored": 0, "unknown_tracking_number": True})
    return JsonResponse({"ok": True, "stored": stored})
