"""Where an order stands, as the bot says it: its status, the carrier's latest scan and
what happens next (agents/tools/orders.py)."""

from __future__ import annotations

from datetime import date, datetime

from replies.messages.spec import MessageSpec

SPECS = (
    MessageSpec(
        "bot.order_state.your_order",
        "An order, as the subject of a sentence.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order_state.your_order_items",
        "An order and what is in it, as the subject of a sentence.",
        {"number": "1042", "items": "Harbour Tee"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order_state.your_order_lower",
        "An order, inside a sentence.",
        {"number": "1042"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order_state.your_order_lower_items",
        "An order and what is in it, inside a sentence.",
        {"number": "1042", "items": "Harbour Tee"},
        required=("number",),
    ),
    MessageSpec(
        "bot.order_state.items_and_more",
        "The first item of an order and how many more.",
        {"first": "Harbour Tee", "more": 2},
        required=("first", "more"),
    ),
    MessageSpec(
        "bot.order_state.pending",
        "An order waiting for its payment.",
        {"order": "Your order #1042 (Harbour Tee)"},
        required=("order",),
    ),
    MessageSpec(
        "bot.order_state.processing",
        "An order being prepared.",
        {"order": "Your order #1042 (Harbour Tee)"},
        required=("order",),
    ),
    MessageSpec(
        "bot.order_state.cancelled",
        "A cancelled order.",
        {"order": "Your order #1042 (Harbour Tee)"},
        required=("order",),
    ),
    MessageSpec(
        "bot.order_state.cancelled_on",
        "An order cancelled on a day.",
        {"order": "Your order #1042 (Harbour Tee)", "day": date(2026, 11, 17)},
        required=("order", "day"),
    ),
    MessageSpec(
        "bot.order_state.no_tracking",
        "An order with a status but no tracking.",
        {"order": "Your order #1042 (Harbour Tee)", "status": "shipped"},
        required=("order", "status"),
    ),
    MessageSpec("bot.order_state.status_pending", "An order's status: pending payment."),
    MessageSpec("bot.order_state.status_processing", "An order's status: processing."),
    MessageSpec("bot.order_state.status_shipped", "An order's status: shipped."),
    MessageSpec("bot.order_state.status_delivered", "An order's status: delivered."),
    MessageSpec("bot.order_state.status_cancelled", "An order's status: cancelled."),
    MessageSpec("bot.order_state.status_returned", "An order's status: returned."),
    MessageSpec(
        "bot.order_state.status_partially_returned", "An order's status: partially returned."
    ),
    MessageSpec(
        "bot.order_state.no_scans",
        "A parcel labelled but not scanned yet.",
        {"order": "Your order #1042 (Harbour Tee)", "carrier": "DHL", "tracking": "JJD0099"},
        required=("order", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.tracking",
        "A parcel's carrier and tracking number.",
        {"carrier": "DHL", "number": "JJD0099"},
        required=("carrier", "number"),
    ),
    MessageSpec("bot.order_state.unnamed_place", "A carrier's scan without a place."),
    MessageSpec(
        "bot.order_state.delivered",
        "A parcel delivered: when and where.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "at", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.not_moving",
        "A parcel stopped by a problem: what, where, since when, and what next.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "what": "it's held at customs",
            "place": "Leeds, GB",
            "since": "since Tuesday",
            "at": datetime(2026, 11, 17, 14, 5),
            "detail": "",
            "next_step": "The carrier will move it on as soon as it's safe to.",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "what", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.exception_address",
        "What the carrier reports about a parcel that isn't moving: address.",
    ),
    MessageSpec(
        "bot.order_state.exception_weather",
        "What the carrier reports about a parcel that isn't moving: weather.",
    ),
    MessageSpec(
        "bot.order_state.exception_customs",
        "What the carrier reports about a parcel that isn't moving: customs.",
    ),
    MessageSpec(
        "bot.order_state.exception_damaged",
        "What the carrier reports about a parcel that isn't moving: damaged.",
    ),
    MessageSpec(
        "bot.order_state.exception_lost",
        "What the carrier reports about a parcel that isn't moving: lost.",
    ),
    MessageSpec(
        "bot.order_state.exception_depot",
        "What the carrier reports about a parcel that isn't moving: depot.",
    ),
    MessageSpec(
        "bot.order_state.exception_carrier_delay",
        "What the carrier reports about a parcel that isn't moving: carrier delay.",
    ),
    MessageSpec(
        "bot.order_state.exception_other",
        "What the carrier reports about a parcel that isn't moving: other.",
    ),
    MessageSpec(
        "bot.order_state.next_address",
        "What happens next with a parcel that isn't moving: address.",
    ),
    MessageSpec(
        "bot.order_state.next_weather",
        "What happens next with a parcel that isn't moving: weather.",
    ),
    MessageSpec(
        "bot.order_state.next_customs",
        "What happens next with a parcel that isn't moving: customs.",
    ),
    MessageSpec(
        "bot.order_state.next_damaged",
        "What happens next with a parcel that isn't moving: damaged.",
    ),
    MessageSpec(
        "bot.order_state.next_depot", "What happens next with a parcel that isn't moving: depot."
    ),
    MessageSpec(
        "bot.order_state.next_carrier_delay",
        "What happens next with a parcel that isn't moving: carrier delay.",
    ),
    MessageSpec(
        "bot.order_state.failed_attempt",
        "The carrier tried to deliver and couldn't.",
        {
            "order": "your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("carrier", "order", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.returning",
        "A parcel on its way back to the shop.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.out_for_delivery",
        "A parcel out for delivery.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.label_created",
        "A parcel packed and labelled, not yet scanned by the carrier.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.in_transit",
        "A parcel in transit: its latest scan.",
        {
            "order": "Your order #1042 (Harbour Tee)",
            "carrier": "DHL",
            "at": datetime(2026, 11, 17, 14, 5),
            "place": "Leeds, GB",
            "detail": " (left with a neighbour)",
            "tracking": "DHL tracking JJD0099",
        },
        required=("order", "carrier", "tracking"),
    ),
    MessageSpec(
        "bot.order_state.since_returned", "After an order's status: it was returned since."
    ),
    MessageSpec(
        "bot.order_state.since_partly_returned",
        "After an order's status: part of it was returned since.",
    ),
    MessageSpec(
        "bot.order_state.scan_lost",
        "The carrier's scan reporting a parcel lost.",
        {"number": "1042", "place": "Leeds, GB", "at": datetime(2026, 11, 17, 14, 5), "detail": ""},
        required=("number", "at"),
    ),
    MessageSpec(
        "bot.order_state.scan_delivered",
        "The carrier's scan marking a parcel delivered.",
        {"number": "1042", "place": "Leeds, GB", "at": datetime(2026, 11, 17, 14, 5), "detail": ""},
        required=("number", "at"),
    ),
)
