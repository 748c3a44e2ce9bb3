"""Shipment alerts: carrier updates watched, stalls and missed promised dates found,
exceptions told to the shopper once each in plain words, and the check-in after delivery.

Every carrier update, whatever brought it (AfterShip's webhook, the reconciliation poll,
the live refresh before the bot answers, a scenario's `tracking` event), goes through
commerce.services.shipment_checkpoints_store, which calls shipment_tracked here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction

from alerts.models import ShipmentAlert
from alerts.selectors import shipments_to_poll
from commerce import services as commerce_services
from commerce import tracking
from commerce.models import Order, OrderStatus, Shipment, ShipmentStatus, TrackingEvent
from conversations.outreach import Outreach, proactive_send
from core import clock
from core import formatting as fmt
from replies.messages import spec_get
from replies.render import Say, render

logger = logging.getLogger(__name__)

# Carrier statuses the shopper is told about as they happen, once each (per exception kind).
ALERTED = {ShipmentStatus.EXCEPTION, ShipmentStatus.FAILED_ATTEMPT,
           ShipmentStatus.RETURNED_TO_SENDER}
# Orders whose parcels are no one's concern any more.
CLOSED_ORDERS = {OrderStatus.CANCELLED, OrderStatus.RETURNED}


def stall_hours(carrier: str) -> int:
    """Hours without a scan after which a parcel of `carrier` counts as stalled."""
    return int(settings.SHIPMENT_STALL_HOURS_BY_CARRIER.get(carrier,
                                                            settings.SHIPMENT_STALL_HOURS))


# One statement recomputes what the alert scan watches, from the events themselves: the
# newest scan and its status, and when the scan must next look (the stall deadline or the
# promised date, whichever comes first, until a delay alert was sent; the check-in time
# once delivered, until the check-in was sent; never for a parcel going back to us).
_WATCH_SQL = """
WITH target AS (
    SELECT s.id FROM commerce_shipment s {where}
), latest AS (
    SELECT DISTINCT ON (e.shipment_id) e.shipment_id, e.at, e.status
    FROM commerce_trackingevent e JOIN target t ON t.id = e.shipment_id
    ORDER BY e.shipment_id, e.at DESC, e.id DESC
)
UPDATE commerce_shipment s SET
    last_scan_at = latest.at,
    state = COALESCE(latest.status, ''),
    next_check_at = CASE
        WHEN o.status IN ('cancelled', 'returned') THEN NULL
        WHEN latest.status = 'delivered' THEN CASE
            WHEN EXISTS (SELECT 1 FROM alerts_shipmentalert a
                         WHERE a.shipment_id = s.id AND a.kind = 'checkin') THEN NULL
            ELSE latest.at + make_interval(hours => %(checkin)s) END
        WHEN latest.status = 'returned_to_sender' THEN NULL
        WHEN EXISTS (SELECT 1 FROM alerts_shipmentalert a
                     WHERE a.shipment_id = s.id AND a.kind = 'delay') THEN NULL
        ELSE LEAST(COALESCE(latest.at, s.created_at) + make_interval(hours => {stall}),
                   s.promised_by)
    END
FROM target
LEFT JOIN latest ON latest.shipment_id = target.id, commerce_order o
WHERE s.id = target.id AND o.id = s.order_id
"""


def shipments_watch_refresh(ids: list[int] | None = None) -> int:
    """Recompute the watched fields of the shipments `ids` (all of them when None: after
    a bulk load, or when the stall hours changed); how many rows were updated."""
    params: dict[str, object] = {"checkin": settings.DELIVERY_CHECKIN_AFTER_HOURS,
                                 "default": settings.SHIPMENT_STALL_HOURS}
    cases = []
    for i, (carrier, hours) in enumerate(sorted(settings.SHIPMENT_STALL_HOURS_BY_CARRIER
                                                .items())):
        params[f"carrier{i}"], params[f"hours{i}"] = carrier, int(hours)
        cases.append(f"WHEN %(carrier{i})s THEN %(hours{i})s")
    stall = (f"(CASE s.carrier {' '.join(cases)} ELSE %(default)s END)" if cases
             else "%(default)s")
    where = ""
    if ids is not None:
        if not ids:
            return 0
        where = "WHERE s.id = ANY(%(ids)s)"
        params["ids"] = list(ids)
    sql = _WATCH_SQL.format(where=where, stall=stall)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def shipment_tracked(shipment: Shipment, new: list[TrackingEvent]) -> None:
    """A carrier update stored `new` events for `shipment`: watch it anew, and tell the
    shopper about an exception once its update is committed."""
    shipments_watch_refresh([shipment.pk])
    if any(e.status in ALERTED for e in new):
        from alerts.tasks import shipment_exception_alert

        transaction.on_commit(lambda: shipment_exception_alert.delay(shipment.pk))


# --- What the shopper is told ------------------------------------------------------------

# For each exception: what happened, and what the shopper can do.
EXCEPTIONS: dict[str, tuple[str, str]] = {
    "address_issue": ("alert.exception.address_issue.what", "alert.exception.address_issue.can_do"),
    "weather_delay": ("alert.exception.weather_delay.what", "alert.exception.weather_delay.can_do"),
    "customs_hold": ("alert.exception.customs_hold.what", "alert.exception.customs_hold.can_do"),
    "damaged": ("alert.exception.damaged.what", "alert.exception.damaged.can_do"),
    "lost": ("alert.exception.lost.what", "alert.exception.lost.can_do"),
    "held_at_depot": ("alert.exception.held_at_depot.what", "alert.exception.held_at_depot.can_do"),
    "carrier_delay": ("alert.exception.carrier_delay.what", "alert.exception.carrier_delay.can_do"),
    "failed_attempt": ("alert.exception.failed_attempt.what",
                      "alert.exception.failed_attempt.can_do"),
    "returned_to_sender": ("alert.exception.returned_to_sender.what",
                          "alert.exception.returned_to_sender.can_do"),
}
# Any other exception, said in general terms.
OTHER_EXCEPTION = ("alert.exception.other.what", "alert.exception.other.can_do")


def _first_name(order: Order) -> str:
    name = (order.customer.name or order.ship_name or "").split()
    return name[0] if name else ""


def _greeting(order: Order) -> Say:
    name = _first_name(order)
    return Say("alert.greeting.name", name=name) if name else Say("alert.greeting.anonymous")


def _params(order: Order, language: str) -> list[str]:
    """The WhatsApp template's parameters: the shopper's first name and the order."""
    return [_first_name(order) or render(Say("outreach.no_name"), language), order.number]


def _items(order: Order) -> Say | str:
    names = [i.variant.product.name for i in order.items.select_related("variant__product")]
    if not names:
        return ""
    if len(names) == 1:
        return Say("alert.items.one", product=names[0])
    return Say("alert.items.more", product=names[0], count=len(names) - 1)


def _update(order: Order, what: Say, can_do: Say, language: str) -> str:
    return render(Say("alert.update", greeting=_greeting(order), number=order.number,
                      items=_items(order), what=what, can_do=can_do,
                      hint=Say("alert.reply_hint")), language)


def _exception_text(order: Order, shipment: Shipment, event: TrackingEvent, key: str,
                    language: str) -> str:
    facts = {
        "carrier": fmt.carrier(shipment.carrier),
        "address": order.shipping_address or Say("alert.order_address"),
        "near": Say("alert.near", place=event.location) if event.location else "",
        "detail": f" ({event.detail})" if event.detail else "",
        "today": Say("alert.on_when", when=event.at),
    }
    what, can_do = EXCEPTIONS.get(key, OTHER_EXCEPTION)
    return _update(order, _said(what, facts), _said(can_do, facts), language)


def _said(key: str, facts: dict[str, object]) -> Say:
    """`key` with those of `facts` its text may use."""
    return Say(key, **{name: facts[name] for name in spec_get(key).params})


def _record(shipment: Shipment, kind: str, key: str, outreach: Outreach | None,
            reason: str = "", outcome: str = "") -> ShipmentAlert | None:
    """Record the alert and send it, together and once: a second try for the same
    shipment, kind and key (a redelivered webhook, two workers) finds the row and sends
    nothing."""
    try:
        with transaction.atomic():
            alert = ShipmentAlert.objects.create(
                shipment=shipment, kind=kind, key=key, reason=reason,
                outcome=outcome or ShipmentAlert.Outcome.SENT, created_at=clock.now())
            if outreach is not None:
                message = proactive_send(shipment.order.customer, outreach)
                if message is None:
                    alert.outcome = ShipmentAlert.Outcome.UNREACHABLE
                alert.message = message
                alert.save(update_fields=["outcome", "message"])
    except IntegrityError:
        return None
    return alert


def shipment_exception_alert(shipment_id: int) -> ShipmentAlert | None:
    """Tell the shopper about the exception their parcel is in now, once per exception
    (kind); nothing when it has moved on since, or when it was already told."""
    shipment = Shipment.objects.select_related("order__customer").filter(
        pk=shipment_id).first()
    if shipment is None or shipment.order.status in CLOSED_ORDERS:
        return None
    last = shipment.events.order_by("-at", "-pk").first()
    if last is None or last.status not in ALERTED:
        return None
    key = last.exception if last.status == ShipmentStatus.EXCEPTION else last.status
    key = key or "exception"
    if ShipmentAlert.objects.filter(shipment=shipment, kind=ShipmentAlert.Kind.EXCEPTION,
                                    key=key).exists():
        return None
    order = shipment.order
    language = order.customer.language
    outreach = Outreach(
        purpose="shipment_exception",
        text=_exception_text(order, shipment, last, key, language),
        params=_params(order, language), order_number=order.number,
        subject=render(Say("alert.subject.exception", number=order.number), language),
        context={"kind": "exception", "exception": key})
    return _record(shipment, ShipmentAlert.Kind.EXCEPTION, key, outreach)


def _delay_text(order: Order, shipment: Shipment, reason: str, language: str) -> str:
    carrier = fmt.carrier(shipment.carrier)
    last = shipment.events.order_by("-at", "-pk").first()
    scan = (Say("alert.delay.scan",
                place=last.location.strip() or Say("alert.unnamed_location"), when=last.at)
            if last is not None else Say("alert.delay.no_scan", carrier=carrier))
    if reason == "late":
        what = Say("alert.delay.late", day=fmt.local(shipment.promised_by).date(), scan=scan)
    else:
        since = last.at if last is not None else shipment.created_at
        what = Say("alert.delay.stall", carrier=carrier, since=since, scan=scan)
    return _update(order, what, Say("alert.delay.can_do"), language)


def _checkin_text(order: Order, shipment: Shipment, language: str) -> str:
    return render(Say("alert.checkin", greeting=_greeting(order),
                      carrier=fmt.carrier(shipment.carrier), number=order.number,
                      items=_items(order), when=shipment.last_scan_at), language)


# The check-in's answers, as buttons.
CHECKIN_BUTTONS = ("checkin.all_good", "checkin.problem")


def shipment_check(shipment_id: int, now: datetime | None = None) -> ShipmentAlert | None:
    """The alert scan's look at one due shipment: a delay alert (stalled, or past its
    promised date) or the check-in after delivery, once each. Idempotent: a shipment
    no longer due (alerted meanwhile, or scanned again) is left alone."""
    now = now or clock.now()
    shipment = Shipment.objects.select_related("order__customer").filter(
        pk=shipment_id, next_check_at__lte=now).first()
    if shipment is None:
        return None
    order = shipment.order
    language = order.customer.language
    if shipment.state == ShipmentStatus.DELIVERED:
        delivered = shipment.last_scan_at or now
        if now - delivered > timedelta(hours=settings.DELIVERY_CHECKIN_AFTER_HOURS
                                       + settings.DELIVERY_CHECKIN_WITHIN_HOURS):
            alert = _record(shipment, ShipmentAlert.Kind.CHECKIN, "", None,
                            outcome=ShipmentAlert.Outcome.SKIPPED)
        else:
            alert = _record(shipment, ShipmentAlert.Kind.CHECKIN, "", Outreach(
                purpose="delivery_checkin", text=_checkin_text(order, shipment, language),
                buttons=[render(Say(key), language) for key in CHECKIN_BUTTONS],
                params=_params(order, language), order_number=order.number,
                subject=render(Say("alert.subject.checkin", number=order.number), language),
                context={"kind": "checkin"}))
    else:
        if _refreshed_from_carrier(shipment):
            return None
        late = shipment.promised_by is not None and shipment.promised_by <= now
        reason = "late" if late else "stall"
        alert = _record(shipment, ShipmentAlert.Kind.DELAY, "", Outreach(
            purpose="delay_alert", text=_delay_text(order, shipment, reason, language),
            params=_params(order, language), order_number=order.number,
            subject=render(Say("alert.subject.delay", number=order.number), language),
            context={"kind": "delay", "reason": reason}), reason=reason)
    shipments_watch_refresh([shipment.pk])
    return alert


def _refreshed_from_carrier(shipment: Shipment) -> bool:
    """Before calling a parcel stalled, ask the carrier (when live tracking is on): a
    missed webhook is no delay. True when new scans came and the shipment is no longer
    due."""

    if not tracking.is_enabled():
        return False
    try:
        new = commerce_services.shipment_tracking_refresh(shipment)
    except tracking.TrackingUnavailable:
        logger.warning("Carrier unreachable before a delay alert for %s", shipment,
                       exc_info=True)
        return False
    Shipment.objects.filter(pk=shipment.pk).update(carrier_polled_at=clock.now())
    return bool(new) and not Shipment.objects.filter(pk=shipment.pk,
                                                     next_check_at__lte=clock.now()).exists()


def shipments_reconcile(limit: int = 200) -> int:
    """The reconciliation poll: ask the carrier about parcels that have been quiet for a
    while, in case a webhook was missed. Returns how many new scans were stored."""

    if not tracking.is_enabled():
        return 0
    now = clock.now()
    every = timedelta(hours=settings.CARRIER_POLL_QUIET_HOURS)
    stored = 0
    for shipment in shipments_to_poll(now, now - every, now - every, limit):
        try:
            with transaction.atomic():
                stored += commerce_services.shipment_tracking_refresh(shipment)
        except tracking.TrackingUnavailable:
            logger.warning("Carrier unreachable for %s", shipment, exc_info=True)
        Shipment.objects.filter(pk=shipment.pk).update(carrier_polled_at=now)
    return stored
