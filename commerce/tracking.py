"""Live carrier tracking through AfterShip's Tracking API (v4), when it is switched on.

`AFTERSHIP_ENABLED` off (the default, and the demo): the bot reads the scans stored with
each shipment, as the shop's own systems put them there. On: before answering about a
parcel that hasn't been delivered, the bot asks AfterShip for the carrier's latest
checkpoints, `GET {AFTERSHIP_API_BASE}/trackings/{slug}/{tracking_number}` with the
`as-api-key` header, and stores the new ones. The wait is bounded
(`AFTERSHIP_TIMEOUT_SECONDS`): a carrier that doesn't answer in time makes the bot say so
and keep to the scans it has, never estimate.

This module knows AfterShip's payloads and nothing of the ORM; the service
`shipment_tracking_refresh` (commerce.services) stores what it returns.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from django.conf import settings
from django.utils.dateparse import parse_datetime

from commerce.models import ExceptionKind, ShipmentStatus

# Our carrier codes and AfterShip's courier slugs.
SLUGS = {"royal_mail": "royal-mail", "dpd": "dpd-uk", "evri": "hermes", "ups": "ups",
         "dhl": "dhl"}
# AfterShip's tags (delivery statuses) and the tracking statuses the bot speaks of.
TAGS = {
    "InfoReceived": ShipmentStatus.LABEL_CREATED,
    "InTransit": ShipmentStatus.IN_TRANSIT,
    "OutForDelivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "AttemptFail": ShipmentStatus.FAILED_ATTEMPT,
    "Delivered": ShipmentStatus.DELIVERED,
    "AvailableForPickup": ShipmentStatus.EXCEPTION,
    "Exception": ShipmentStatus.EXCEPTION,
}
# Exception kinds from the checkpoint's words; the first that matches wins.
EXCEPTION_WORDS = [
    (("customs",), ExceptionKind.CUSTOMS_HOLD),
    (("weather", "storm", "snow", "flood"), ExceptionKind.WEATHER_DELAY),
    (("address", "incorrect", "insufficient"), ExceptionKind.ADDRESS_ISSUE),
    (("damage",), ExceptionKind.DAMAGED),
    (("lost", "missing", "cannot be located"), ExceptionKind.LOST),
    (("pickup", "collect", "held", "depot"), ExceptionKind.HELD_AT_DEPOT),
]
# AfterShip's own subtag for a parcel on its way back to the sender.
RETURNED_SUBTAGS = {"Exception_011"}

# Tests replace this with an httpx.MockTransport; None is httpx's own (the network).
transport: httpx.BaseTransport | None = None


class TrackingUnavailable(Exception):
    """The carrier's tracking could not be read just now (timeout, error, bad answer)."""


@dataclass(frozen=True)
class Checkpoint:
    at: datetime
    status: str
    exception: str
    location: str
    detail: str
    code: str


def is_enabled() -> bool:
    return bool(settings.AFTERSHIP_ENABLED)


def missing_settings() -> list[str]:
    return [] if settings.AFTERSHIP_API_KEY else ["AFTERSHIP_API_KEY"]


def checkpoints_fetch(carrier: str, tracking_number: str) -> list[Checkpoint]:
    """The carrier's checkpoints for one parcel, oldest first."""
    slug = SLUGS.get(carrier, carrier.replace("_", "-"))
    url = f"{settings.AFTERSHIP_API_BASE.rstrip('/')}/trackings/{slug}/{tracking_number}"
    try:
        with httpx.Client(transport=transport,
                          timeout=settings.AFTERSHIP_TIMEOUT_SECONDS) as client:
            response = client.get(url, headers={"as-api-key": settings.AFTERSHIP_API_KEY,
                                                "Content-Type": "application/json"})
        response.raise_for_status()
        body = response.json()
        raw = body["data"]["tracking"].get("checkpoints") or []
    except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
        raise TrackingUnavailable(f"{carrier} {tracking_number}: {exc!r}") from exc
    found = [c for c in (_checkpoint(item) for item in raw) if c is not None]
    return sorted(found, key=lambda c: c.at)


def _checkpoint(item: dict) -> Checkpoint | None:
    try:
        at = parse_datetime(str(item.get("checkpoint_time") or ""))
    except ValueError:
        return None
    status = TAGS.get(str(item.get("tag") or ""))
    if at is None or status is None:
        return None  # Pending or Expired: nothing the carrier scanned
    if at.tzinfo is None:
        # A checkpoint time without an offset: read as UTC rather than the server's zone.
        at = at.replace(tzinfo=UTC)
    detail = str(item.get("message") or "")[:300]
    exception = ""
    if item.get("subtag") in RETURNED_SUBTAGS or "return to sender" in detail.lower() or \
            "returned to sender" in detail.lower():
        status = ShipmentStatus.RETURNED_TO_SENDER
    elif status == ShipmentStatus.EXCEPTION:
        words = detail.lower()
        exception = next((kind for cues, kind in EXCEPTION_WORDS
                          if any(c in words for c in cues)), ExceptionKind.CARRIER_DELAY)
        if item.get("tag") == "AvailableForPickup":
            exception = ExceptionKind.HELD_AT_DEPOT
    location = str(item.get("location") or ", ".join(
        str(p) for p in (item.get("city"), item.get("country_iso3")) if p))[:120]
    return Checkpoint(at=at, status=str(status), exception=str(exception), location=location,
                      detail=detail, code=str(item.get("subtag") or "")[:20])


# --- AfterShip's tracking webhook -------------------------------------------------------
# AfterShip POSTs {"event": "tracking_update", "event_id": ..., "msg": <the tracking, as
# the Tracking API returns it, with every checkpoint so far>, "ts": ...}, signed with the
# account's webhook secret: `aftership-hmac-sha256` is the base64 HMAC-SHA256 of the raw
# body. Other events (an estimated date revised, say) carry no scan and are acknowledged.

SIGNATURE_HEADER = "aftership-hmac-sha256"
UPDATE_EVENTS = {"tracking_update"}
CARRIERS = {slug: carrier for carrier, slug in SLUGS.items()}


def webhook_secret() -> str:
    return str(settings.AFTERSHIP_WEBHOOK_SECRET)


def webhook_verify(body: bytes, signature: str) -> bool:
    secret = webhook_secret()
    if not secret or not signature:
        return False
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    return hmac.compare_digest(digest, signature.strip().encode(errors="replace"))


@dataclass(frozen=True)
class WebhookUpdate:
    event: str
    carrier: str
    tracking_number: str
    checkpoints: list[Checkpoint]


def webhook_parse(body: bytes) -> WebhookUpdate:
    """Read one webhook; ValueError, with what is wrong, for a body that isn't one."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"The body is not JSON: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("event"), str):
        raise ValueError("Not an AfterShip webhook: no event.")
    msg = data.get("msg")
    if not isinstance(msg, dict):
        raise ValueError("Not an AfterShip webhook: msg is not an object.")
    number = msg.get("tracking_number")
    if not isinstance(number, str) or not number.strip() or len(number) > 64:
        raise ValueError("msg.tracking_number is missing or not a tracking number.")
    raw = msg.get("checkpoints") or []
    if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
        raise ValueError("msg.checkpoints is not a list of objects.")
    slug = str(msg.get("slug") or "")
    checkpoints = [c for c in (_checkpoint(item) for item in raw) if c is not None]
    return WebhookUpdate(event=data["event"], carrier=CARRIERS.get(slug, slug.replace("-", "_")),
                         tracking_number=number.strip(),
                         checkpoints=sorted(checkpoints, key=lambda c: c.at))
