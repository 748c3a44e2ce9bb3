"""Parcel alerts and the check-in after delivery, sent to the shopper first."""

from __future__ import annotations

from datetime import date, datetime

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "alert.update",
        "A parcel alert: greeting, the order, what happened and what the shopper can do.",
        {
            "greeting": "Hi Maya",
            "number": "1042",
            "items": " (Linen Shirt)",
            "what": "it's being held at customs.",
            "can_do": "There's nothing you need to do.",
            "hint": "Just reply to this message.",
        },
        required=("number", "what", "can_do"),
    ),
    MessageSpec(
        "alert.greeting.name",
        "Opens a parcel alert or check-in, with the shopper's first name.",
        {"name": "Maya"},
        required=("name",),
    ),
    MessageSpec(
        "alert.greeting.anonymous",
        "Opens a parcel alert or check-in when the shopper's name is unknown.",
    ),
    MessageSpec(
        "alert.items.one",
        "After the order number: the one item of the order (keep the leading space).",
        {"product": "Linen Shirt"},
        required=("product",),
    ),
    MessageSpec(
        "alert.items.more",
        "After the order number: its first item and how many more (keep the leading space).",
        {"product": "Linen Shirt", "count": 2},
        required=("product", "count"),
    ),
    MessageSpec("alert.reply_hint", "Closes a parcel alert: the shopper can simply reply."),
    MessageSpec("alert.order_address", "The delivery address when the order has none written out."),
    MessageSpec(
        "alert.near",
        "Where the parcel is, after what happened (keep the leading space).",
        {"place": "Leeds"},
        required=("place",),
    ),
    MessageSpec(
        "alert.on_when",
        "When the carrier tried to deliver (keep the leading space).",
        {"when": datetime(2026, 11, 17, 14, 5)},
        required=("when",),
    ),
    MessageSpec(
        "alert.unnamed_location",
        "Where the latest scan was, when the carrier named no place.",
    ),
    MessageSpec(
        "alert.exception.address_issue.what",
        "Exception: the carrier has a problem with the delivery address.",
        {"carrier": "DPD", "address": "12 Elm Street, Leeds"},
        required=("carrier",),
    ),
    MessageSpec("alert.exception.address_issue.can_do", "What to do about an address problem."),
    MessageSpec(
        "alert.exception.weather_delay.what",
        "Exception: delayed by bad weather.",
        {"carrier": "DPD", "near": " in Leeds"},
    ),
    MessageSpec("alert.exception.weather_delay.can_do", "Nothing to do: a weather delay."),
    MessageSpec(
        "alert.exception.customs_hold.what",
        "Exception: held at customs.",
        {"near": " in Leeds"},
    ),
    MessageSpec(
        "alert.exception.customs_hold.can_do",
        "What to do about a customs hold.",
        {"carrier": "DPD"},
    ),
    MessageSpec(
        "alert.exception.damaged.what",
        "Exception: damaged on the way.",
        {"carrier": "DPD"},
    ),
    MessageSpec("alert.exception.damaged.can_do", "What to do about a damaged parcel."),
    MessageSpec("alert.exception.lost.what", "Exception: lost by the carrier.", {"carrier": "DPD"}),
    MessageSpec("alert.exception.lost.can_do", "What to do about a lost parcel."),
    MessageSpec(
        "alert.exception.held_at_depot.what",
        "Exception: held at the carrier's depot.",
        {"carrier": "DPD", "near": " in Leeds"},
    ),
    MessageSpec(
        "alert.exception.held_at_depot.can_do",
        "What to do about a parcel held at a depot.",
    ),
    MessageSpec(
        "alert.exception.carrier_delay.what",
        "Exception: a delay in the carrier's network.",
        {"carrier": "DPD", "near": " in Leeds"},
    ),
    MessageSpec("alert.exception.carrier_delay.can_do", "Nothing to do: a carrier delay."),
    MessageSpec(
        "alert.exception.failed_attempt.what",
        "Exception: a delivery attempt failed.",
        {"carrier": "DPD", "today": " on Tuesday 17 November at 14:05", "detail": " (no one home)"},
    ),
    MessageSpec(
        "alert.exception.failed_attempt.can_do",
        "What to do after a failed delivery attempt.",
    ),
    MessageSpec(
        "alert.exception.returned_to_sender.what",
        "Exception: the carrier is sending it back to the shop.",
        {"carrier": "DPD", "detail": " (refused)"},
    ),
    MessageSpec(
        "alert.exception.returned_to_sender.can_do",
        "What to do about a parcel going back to the shop.",
    ),
    MessageSpec(
        "alert.exception.other.what",
        "Exception of any other kind.",
        {"carrier": "DPD", "detail": " (parcel held)"},
    ),
    MessageSpec("alert.exception.other.can_do", "What to do about any other exception."),
    MessageSpec(
        "alert.delay.late",
        "Delay: the parcel is past the day it was promised by.",
        {
            "day": date(2026, 11, 17),
            "scan": "The latest scan was in Leeds on Tuesday 17 November at 14:05.",
        },
        required=("day",),
    ),
    MessageSpec(
        "alert.delay.stall",
        "Delay: the carrier has not scanned the parcel for longer than usual.",
        {
            "carrier": "DPD",
            "since": datetime(2026, 11, 17, 14, 5),
            "scan": "The latest scan was in Leeds on Tuesday 17 November at 14:05.",
        },
        required=("since",),
    ),
    MessageSpec(
        "alert.delay.scan",
        "Delay: where and when the parcel was last scanned.",
        {"place": "Leeds", "when": datetime(2026, 11, 17, 14, 5)},
        required=("place", "when"),
    ),
    MessageSpec(
        "alert.delay.no_scan",
        "Delay: the carrier never scanned the parcel.",
        {"carrier": "DPD"},
    ),
    MessageSpec("alert.delay.can_do", "Delay: what the shopper can do (after 'What you can do:')."),
    MessageSpec(
        "alert.checkin",
        "After delivery: did everything arrive OK?",
        {
            "greeting": "Hi Maya",
            "carrier": "DPD",
            "number": "1042",
            "items": " (Linen Shirt)",
            "when": datetime(2026, 11, 17, 14, 5),
        },
        required=("number",),
    ),
    MessageSpec("checkin.all_good", "Check-in button: everything arrived fine."),
    MessageSpec("checkin.problem", "Check-in button: something is wrong."),
    MessageSpec(
        "alert.subject.exception",
        "Email subject of a parcel exception alert.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "alert.subject.delay",
        "Email subject of a delay alert.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "alert.subject.checkin",
        "Email subject of the check-in after delivery.",
        {"number": "1042"},
        required=("number",),
    ),
)
