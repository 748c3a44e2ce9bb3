"""Writes of the insights app: recompute the facts of the conversations marked stale.

Quality score (0–100, rule-based, kept per conversation): 100, minus 20 while it is not
resolved, 30 when it was reopened (the same customer came back about the same order or
intent within 7 days, on any channel), 40 for a policy breach (the bot acted where the
policy decision it had recorded for that order and action said no), 20 when the shopper
was frustrated (the bot counted frustration, a complaint, or a frustration handoff) and
20 when any of its handoffs waited past its service level.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection, transaction

from conversations.models import BOT_CLOSE_REASONS, NOT_SUPPORT_REASONS
from conversations.service_levels import SupportHours

BATCH = 2000
ANALYZE_AFTER = 20_000
REOPEN_WINDOW_DAYS = 7
# Intents that say nothing about what the conversation is about.
NOT_A_TOPIC = ("", "greeting", "other", "human_handoff")
# The charts' buckets of seconds (first response, resolution) and of the quality score.
FRT_EDGES = [60, 300, 900, 3600, 14400, 86400]
RESOLUTION_EDGES = [3600, 14400, 86400, 259200, 604800]
QUALITY_EDGES = [20, 40, 60, 80, 100]

# The batch is picked (and locked) first and then deleted by key, so the plan never
# depends on how many marks the statistics think there are.
_CLAIM = """
SELECT conversation_id FROM insights_staleconversation
LIMIT %(batch)s FOR UPDATE SKIP LOCKED
"""
_CLAIMED = "DELETE FROM insights_staleconversation WHERE conversation_id = ANY(%(ids)s)"

_FORGET = """
DELETE FROM insights_conversationfact f
WHERE f.conversation_id = ANY(%(ids)s)
  AND NOT EXISTS (SELECT 1 FROM conversations_conversation c WHERE c.id = f.conversation_id)
"""

_FORGET_HANDOFFS = "DELETE FROM insights_handofffact WHERE conversation_id = ANY(%(ids)s)"

# Every handoff of the batch: a person's first reply is their first message after it and
# before the next handoff; its wait is counted on the clock and in support hours. It
# carries its conversation's start, channel (where the shopper first wrote from) and
# whether that counts (a shopper wrote, and it is a request), as the conversation's
# facts do. Each lookup goes by index, one handoff at a time, whatever the statistics.
_HANDOFFS = """
WITH h AS (
    SELECT h.id, h.conversation_id, h.created_at, h.reason, h.sla_due_at, h.breached_at,
           h.first_reply_at,
           lead(h.created_at) OVER (PARTITION BY h.conversation_id
                                    ORDER BY h.created_at, h.id) AS next_at
    FROM conversations_handoff h WHERE h.conversation_id = ANY(%(ids)s)
), r AS (
    SELECT h.*, (SELECT min(m.created_at) FROM conversations_message m
                 WHERE m.conversation_id = h.conversation_id AND m.direction = 'out'
                   AND m.sender = 'agent' AND m.created_at >= h.created_at
                   AND (h.next_at IS NULL OR m.created_at < h.next_at)) AS reply
    FROM h
)
INSERT INTO insights_handofffact (handoff_id, conversation_id, started_at, channel, counted,
                                  created_at, reason, human_reply_at, sla_breached, wait_s,
                                  wait_open_s)
SELECT r.id, r.conversation_id, c.created_at, COALESCE(i.channel, c.channel),
       i.channel IS NOT NULL AND c.close_reason <> ALL(%(not_support)s),
       r.created_at, r.reason, r.reply,
       COALESCE(r.breached_at IS NOT NULL OR r.first_reply_at > r.sla_due_at
                OR r.reply > r.sla_due_at, false),
       EXTRACT(EPOCH FROM (r.reply - r.created_at)), {wait_open}
FROM r
JOIN LATERAL (SELECT created_at, channel, close_reason FROM conversations_conversation
              WHERE id = r.conversation_id) c ON true
LEFT JOIN LATERAL (SELECT channel FROM conversations_message
                   WHERE conversation_id = r.conversation_id AND direction = 'in'
                   ORDER BY created_at, id LIMIT 1) i ON true
"""

# Set-based over the batch (one pass over its messages, whatever the table's statistics
# say): every message with the conversation's first inbound time beside it, then one row
# of aggregates per conversation, with its handoffs' facts (just written, so by index,
# whatever the statistics think of that table) summed up beside it.
_UPSERT = """
WITH msg AS (
    SELECT m.id, m.conversation_id, m.channel, m.direction, m.sender, m.intent,
           m.entities ->> 'order_number' AS order_number, m.created_at,
           min(m.created_at) FILTER (WHERE m.direction = 'in')
               OVER (PARTITION BY m.conversation_id) AS fi
    FROM conversations_message m
    WHERE m.conversation_id = ANY(%(ids)s)
), agg AS (
    SELECT conversation_id, min(fi) AS first_inbound_at,
           (array_agg(channel ORDER BY created_at, id)
               FILTER (WHERE direction = 'in'))[1] AS first_channel,
           min(created_at) FILTER (WHERE direction = 'out' AND sender IN ('bot', 'agent')
                                   AND created_at >= fi) AS first_response_at,
           (array_agg(sender ORDER BY created_at, id)
               FILTER (WHERE direction = 'out' AND sender IN ('bot', 'agent')
                       AND created_at >= fi))[1] AS first_response_by,
           count(*) FILTER (WHERE direction = 'in') AS inbound,
           (array_agg(intent ORDER BY created_at, id)
               FILTER (WHERE direction = 'in' AND intent <> ALL(%(not_topic)s)))[1] AS topic,
           (array_agg(order_number ORDER BY created_at, id)
               FILTER (WHERE direction = 'in' AND COALESCE(order_number, '') <> ''))[1]
               AS order_number,
           bool_or(direction = 'in' AND intent = 'complaint') AS complained,
           bool_or(direction = 'out' AND sender = 'bot') AS involved
    FROM msg GROUP BY conversation_id
)
INSERT INTO insights_conversationfact (
    conversation_id, customer_id, channel, started_at, first_inbound_at, first_response_at,
    first_response_by, involved, inbound_count, topic_intent, order_number, handoff_at,
    handoff_reason, handoffs, sla_breached, resolved_at, close_reason, bot_closed,
    reopened_by, frustrated, policy_breach, quality, first_response_s, first_response_open_s,
    resolution_s, resolution_open_s, day, week)
SELECT c.id, c.customer_id, COALESCE(m.first_channel, c.channel), c.created_at,
       m.first_inbound_at, m.first_response_at, COALESCE(m.first_response_by, ''),
       COALESCE(m.involved, false), COALESCE(m.inbound, 0), COALESCE(m.topic, ''),
       LEFT(COALESCE(m.order_number, ''), 32), h.created_at, COALESCE(h.reason, ''),
       COALESCE(h.handoffs, 0), COALESCE(h.breached, false),
       c.resolved_at, c.close_reason,
       c.close_reason = ANY(%(bot_reasons)s),
       NULL,
       COALESCE((c.state ->> 'frustration') ~ '^[1-9]', false)
           OR COALESCE(h.frustration, false) OR COALESCE(m.complained, false),
       EXISTS (
           SELECT 1 FROM conversations_actionrecord a
           WHERE a.conversation_id = c.id AND a.actor = 'bot'
             AND (SELECT d.allowed FROM conversations_policydecision d
                  WHERE d.conversation_id = c.id AND d.action = a.kind
                    AND d.order_number = a.order_number AND d.created_at <= a.created_at
                  ORDER BY d.created_at DESC, d.id DESC LIMIT 1) IS FALSE),
       100,
       EXTRACT(EPOCH FROM (m.first_response_at - m.first_inbound_at)), {response_open},
       EXTRACT(EPOCH FROM (c.resolved_at - m.first_inbound_at)), {resolution_open},
       (c.created_at AT TIME ZONE %(day_tz)s)::date,
       date_trunc('week', c.created_at AT TIME ZONE %(day_tz)s)::date
FROM conversations_conversation c
LEFT JOIN agg m ON m.conversation_id = c.id
LEFT JOIN LATERAL (
    SELECT min(created_at) AS created_at,
           (array_agg(reason ORDER BY created_at, handoff_id))[1] AS reason,
           count(*) AS handoffs, bool_or(sla_breached) AS breached,
           bool_or(reason = 'frustration') AS frustration
    FROM insights_handofffact WHERE conversation_id = c.id) h ON true
WHERE c.id = ANY(%(ids)s)
ON CONFLICT (conversation_id) DO UPDATE SET
    customer_id = EXCLUDED.customer_id, channel = EXCLUDED.channel,
    started_at = EXCLUDED.started_at, first_inbound_at = EXCLUDED.first_inbound_at,
    first_response_at = EXCLUDED.first_response_at,
    first_response_by = EXCLUDED.first_response_by, involved = EXCLUDED.involved,
    inbound_count = EXCLUDED.inbound_count, topic_intent = EXCLUDED.topic_intent,
    order_number = EXCLUDED.order_number, handoff_at = EXCLUDED.handoff_at,
    handoff_reason = EXCLUDED.handoff_reason, handoffs = EXCLUDED.handoffs,
    sla_breached = EXCLUDED.sla_breached, resolved_at = EXCLUDED.resolved_at,
    close_reason = EXCLUDED.close_reason, bot_closed = EXCLUDED.bot_closed,
    frustrated = EXCLUDED.frustrated, policy_breach = EXCLUDED.policy_breach,
    first_response_s = EXCLUDED.first_response_s,
    first_response_open_s = EXCLUDED.first_response_open_s,
    resolution_s = EXCLUDED.resolution_s, resolution_open_s = EXCLUDED.resolution_open_s,
    day = EXCLUDED.day, week = EXCLUDED.week
"""

# The reopen of a conversation is decided by its customer's later conversations: those
# just recomputed decide it for every conversation of the same customer closed in the
# 7 days before they started (and for themselves). The quality score follows, and the
# days of the conversations it was decided for are counted again.
_REOPEN_AND_QUALITY = """
WITH touched AS (
    SELECT customer_id, min(started_at) AS since FROM insights_conversationfact
    WHERE conversation_id = ANY(%(ids)s) GROUP BY customer_id
), affected AS (
    SELECT f.conversation_id FROM insights_conversationfact f
    JOIN touched t ON f.customer_id = t.customer_id
    WHERE f.resolved_at >= t.since - make_interval(days => %(window)s)
    UNION
    SELECT unnest(%(ids)s::bigint[])
), decided AS (
    SELECT DISTINCT ON (f.conversation_id) f.conversation_id, g.conversation_id AS reopened_by
    FROM insights_conversationfact f JOIN affected USING (conversation_id)
    LEFT JOIN insights_conversationfact g
      ON g.customer_id = f.customer_id AND g.conversation_id <> f.conversation_id
     AND g.started_at > f.resolved_at
     AND g.started_at <= f.resolved_at + make_interval(days => %(window)s)
     AND g.first_inbound_at IS NOT NULL
     AND ((f.order_number <> '' AND g.order_number = f.order_number)
          OR (f.topic_intent <> '' AND g.topic_intent = f.topic_intent))
    ORDER BY f.conversation_id, g.started_at, g.conversation_id
), updated AS (
UPDATE insights_conversationfact f
SET reopened_by = d.reopened_by,
    quality = GREATEST(0, 100
        - CASE WHEN f.resolved_at IS NULL THEN 20 ELSE 0 END
        - CASE WHEN d.reopened_by IS NOT NULL THEN 30 ELSE 0 END
        - CASE WHEN f.policy_breach THEN 40 ELSE 0 END
        - CASE WHEN f.frustrated THEN 20 ELSE 0 END
        - CASE WHEN f.sla_breached THEN 20 ELSE 0 END)
FROM decided d WHERE f.conversation_id = d.conversation_id
RETURNING f.day
)
INSERT INTO insights_staleday (day)
SELECT DISTINCT day FROM updated WHERE day IS NOT NULL
ON CONFLICT DO NOTHING
"""


def _open_seconds(moment: str) -> str:
    """SQL for the support-hour seconds before `moment` (the shop's hours as parameters)."""
    return (f"insights_open_seconds({moment}, %(bh_tz)s, %(bh_opens)s, %(bh_closes)s, "
            "%(bh_days)s)")


def _open_between(start: str, end: str) -> str:
    return f"({_open_seconds(end)} - {_open_seconds(start)})"


_HANDOFFS_SQL = _HANDOFFS.format(wait_open=_open_between("r.created_at", "r.reply"))
_UPSERT_SQL = _UPSERT.format(
    response_open=_open_between("m.first_inbound_at", "m.first_response_at"),
    resolution_open=_open_between("m.first_inbound_at", "c.resolved_at"))

# The shop's support hours or time zone changed: every support-hour duration and every
# day is counted again, and so are every day's contact and conversation counts.
_RECOUNT_OPEN = [
    f"""UPDATE insights_conversationfact SET
        first_response_open_s = {_open_between("first_inbound_at", "first_response_at")},
        resolution_open_s = {_open_between("first_inbound_at", "resolved_at")},
        day = (started_at AT TIME ZONE %(day_tz)s)::date,
        week = date_trunc('week', started_at AT TIME ZONE %(day_tz)s)::date""",
    f"""UPDATE insights_handofffact SET
        wait_open_s = {_open_between("created_at", "human_reply_at")}""",
    "UPDATE insights_orderfact SET day = (placed_at AT TIME ZONE %(day_tz)s)::date",
    "DELETE FROM insights_contactcount",
    "DELETE FROM insights_conversationcount",
    """INSERT INTO insights_staleday (day)
       SELECT day FROM insights_conversationfact WHERE day IS NOT NULL
       UNION SELECT day FROM insights_orderfact WHERE day IS NOT NULL
       ON CONFLICT DO NOTHING""",
]


def _hours_params() -> dict[str, object]:
    """The support hours, and the shop's time zone the facts' days are counted in."""
    return {**{f"bh_{k}": v for k, v in SupportHours.current().sql_params().items()},
            "day_tz": settings.TIME_ZONE}


def hours_basis_refresh() -> bool:
    """Count the support-hour durations and the days again if the shop's hours or time
    zone changed since they were counted. Returns whether they were."""
    params = _hours_params()
    basis = json.dumps(params, sort_keys=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT hours FROM insights_hoursbasis")
        if cursor.fetchone() == (basis,):
            return False
    with transaction.atomic(), connection.cursor() as cursor:
        # One recount at a time; a refresh that waited finds it done.
        cursor.execute("LOCK TABLE insights_hoursbasis IN EXCLUSIVE MODE")
        cursor.execute("SELECT hours FROM insights_hoursbasis")
        if cursor.fetchone() == (basis,):
            return False
        for sql in _RECOUNT_OPEN:
            cursor.execute(sql, params)
        cursor.execute("DELETE FROM insights_hoursbasis")
        cursor.execute("INSERT INTO insights_hoursbasis (hours) VALUES (%s)", [basis])
    return True


_MARK_DAYS = """
INSERT INTO insights_staleday (day)
SELECT DISTINCT day FROM insights_conversationfact
WHERE conversation_id = ANY(%(ids)s) AND day IS NOT NULL
ON CONFLICT DO NOTHING
"""


def facts_refresh(batch: int = BATCH) -> int:
    """Recompute the facts of every conversation marked stale, and of its handoffs, a batch
    per transaction (a batch's marks come back if it fails). Returns how many were
    recomputed."""
    done = 0
    hours = _hours_params()
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLAIM, {"batch": batch})
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return done
            cursor.execute(_CLAIMED, {"ids": ids})
            params = {"ids": ids, "bot_reasons": [str(r) for r in BOT_CLOSE_REASONS],
                      "not_topic": list(NOT_A_TOPIC), "window": REOPEN_WINDOW_DAYS,
                      "not_support": [str(r) for r in NOT_SUPPORT_REASONS], **hours}
            # The days they started on before and after: their contact counts change.
            cursor.execute(_MARK_DAYS, params)
            cursor.execute(_FORGET, params)
            cursor.execute(_FORGET_HANDOFFS, params)
            cursor.execute(_HANDOFFS_SQL, params)
            cursor.execute(_UPSERT_SQL, params)
            cursor.execute(_MARK_DAYS, params)
            if len(ids) >= ANALYZE_AFTER:
                # A first build: the reopen self-join is planned on what was just written.
                cursor.execute("ANALYZE insights_conversationfact")
            cursor.execute(_REOPEN_AND_QUALITY, params)
        done += len(ids)


# UK postcode areas by region (the ITL1 regions, Greater London on its own).
_UK_AREAS = {
    "London": "E EC N NW SE SW W WC CR DA KT SM TW BR",
    "South East": "BN CT GU HP ME MK OX PO RG RH SL SO TN",
    "South West": "BA BH BS DT EX GL PL SN SP TA TQ TR",
    "East": "AL CB CM CO EN HA IG IP LU NR PE RM SG SS UB WD",
    "West Midlands": "B CV DY HR ST SY TF WR WS WV",
    "East Midlands": "DE DN LE LN NG NN S",
    "Yorkshire": "BB BD HD HG HU HX LS WF YO",
    "North West": "BL CA CH CW FY L LA M OL PR SK WA WN",
    "North East": "DH DL NE SR TS",
    "Wales": "CF LD LL NP SA",
    "Scotland": "AB DD DG EH FK G HS IV KA KW KY ML PA PH TD ZE",
    "Northern Ireland": "BT",
}
UK_REGIONS: dict[str, str] = {area: region for region, areas in _UK_AREAS.items()
                              for area in areas.split()}

_CLAIM_ORDERS = """
SELECT order_id FROM insights_staleorder LIMIT %(batch)s FOR UPDATE SKIP LOCKED
"""
_CLAIMED_ORDERS = "DELETE FROM insights_staleorder WHERE order_id = ANY(%(ids)s)"

# Origin: the first carrier scan's place, without the carrier's name for its building
# ("Northampton Mail Centre" and "Northampton, GB" are both Northampton).
_UPSERT_ORDERS = r"""
INSERT INTO insights_orderfact (order_id, number, placed_at, carrier, origin, destination,
                                product_ids, day)
SELECT o.id, o.number, o.placed_at, COALESCE(s.carrier, ''),
       COALESCE(regexp_replace(split_part(e.location, ',', 1),
           '\s+(National Distribution Centre|Distribution Centre|Mail Centre|Depot|Hub)$',
           ''), ''),
       CASE WHEN o.ship_country = 'GB' THEN COALESCE(r.region, 'UK (other)')
            WHEN o.ship_country = 'IE' THEN 'Ireland'
            WHEN o.ship_country = 'US' THEN 'United States'
            ELSE 'Europe' END,
       COALESCE((SELECT array_agg(DISTINCT v.product_id) FROM commerce_orderitem i
                 JOIN commerce_variant v ON v.id = i.variant_id WHERE i.order_id = o.id),
                '{}'),
       (o.placed_at AT TIME ZONE %(day_tz)s)::date
FROM commerce_order o
LEFT JOIN LATERAL (SELECT id, carrier FROM commerce_shipment WHERE order_id = o.id
                   ORDER BY created_at, id LIMIT 1) s ON true
LEFT JOIN LATERAL (SELECT location FROM commerce_trackingevent WHERE shipment_id = s.id
                   ORDER BY at, id LIMIT 1) e ON true
LEFT JOIN unnest(%(areas)s::text[], %(regions)s::text[]) AS r(area, region)
       ON r.area = substring(upper(o.ship_postcode) from '^[A-Z]{1,2}')
WHERE o.id = ANY(%(ids)s)
ON CONFLICT (order_id) DO UPDATE SET
    number = EXCLUDED.number, placed_at = EXCLUDED.placed_at, carrier = EXCLUDED.carrier,
    origin = EXCLUDED.origin, destination = EXCLUDED.destination,
    product_ids = EXCLUDED.product_ids, day = EXCLUDED.day
"""

# The days an order was placed on and the days its contacts started on (before and after
# its facts change): their contact counts change with its carrier, lane and products.
_MARK_ORDER_DAYS = """
INSERT INTO insights_staleday (day)
SELECT day FROM insights_orderfact WHERE order_id = ANY(%(ids)s) AND day IS NOT NULL
UNION
SELECT f.day FROM insights_orderfact o
JOIN insights_conversationfact f ON f.order_number = o.number
WHERE o.order_id = ANY(%(ids)s) AND f.order_number <> '' AND f.day IS NOT NULL
ON CONFLICT DO NOTHING
"""


def order_facts_refresh(batch: int = BATCH * 5) -> int:
    """Recompute the facts of every order marked stale. Returns how many."""
    done = 0
    params: dict[str, object] = {"areas": list(UK_REGIONS), "regions": list(UK_REGIONS.values()),
                                 "day_tz": settings.TIME_ZONE}
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_CLAIM_ORDERS, {"batch": batch})
            ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                return done
            cursor.execute(_CLAIMED_ORDERS, {"ids": ids})
            cursor.execute(_MARK_ORDER_DAYS, {"ids": ids})
            cursor.execute(_UPSERT_ORDERS, {**params, "ids": ids})
            cursor.execute(_MARK_ORDER_DAYS, {"ids": ids})
        done += len(ids)


# A day's contact counts, from its orders and from its conversations about an order (those
# the figures count), under the order's carrier, its lane (where it has one) and each of
# its products.
_CONTACT_COUNTS = """
WITH s AS (
    SELECT o.day, '' AS channel, 1 AS orders, 0 AS contacts, o.carrier, o.origin,
           o.destination, o.product_ids
    FROM insights_orderfact o WHERE o.day = ANY(%(days)s)
    UNION ALL
    SELECT f.day, f.channel, 0, 1, o.carrier, o.origin, o.destination, o.product_ids
    FROM insights_conversationfact f JOIN insights_orderfact o ON o.number = f.order_number
    WHERE f.day = ANY(%(days)s) AND f.order_number <> '' AND f.first_inbound_at IS NOT NULL
      AND f.close_reason <> ALL(%(not_support)s)
)
INSERT INTO insights_contactcount (day, figure, key, channel, orders, contacts)
SELECT s.day, k.figure, k.key, s.channel, sum(s.orders), sum(s.contacts)
FROM s CROSS JOIN LATERAL (
    SELECT 'contact_carrier', s.carrier
    UNION ALL
    SELECT 'contact_lane', s.origin || ' → ' || s.destination
    WHERE s.origin <> '' OR s.destination <> ''
    UNION ALL
    SELECT 'contact_product', p::text FROM unnest(s.product_ids) p
) k(figure, key)
GROUP BY 1, 2, 3, 4
"""


def _bucket(expr: str, edges: list[int]) -> str:
    return f"width_bucket({expr}, ARRAY{edges}::float8[])::text"


# A day's conversations that the figures count, per channel, under each chart's grouping
# (a missing bucket is an empty key); the outcomes as insights.selectors.OUTCOME_SQL
# sorts them, with the bot's closes not reopened together, whatever their age.
_CONVERSATION_COUNTS = f"""
INSERT INTO insights_conversationcount (day, channel, figure, key, n)
SELECT f.day, f.channel, k.figure, COALESCE(k.key, ''), count(*)
FROM insights_conversationfact f CROSS JOIN LATERAL (VALUES
    ('volume', CASE WHEN f.handoff_at IS NOT NULL THEN 'handed_off'
                    WHEN NOT f.involved THEN 'unanswered'
                    WHEN f.bot_closed AND f.reopened_by IS NOT NULL THEN 'reopened'
                    WHEN f.bot_closed THEN 'bot_closed'
                    ELSE 'deflected' END),
    ('first_response', CASE WHEN f.first_response_at IS NULL THEN '-1'
                            ELSE {_bucket("f.first_response_s", FRT_EDGES)} END),
    ('first_response_open', CASE WHEN f.first_response_at IS NULL THEN '-1'
                                 ELSE {_bucket("f.first_response_open_s", FRT_EDGES)} END),
    ('resolution_time', CASE WHEN f.resolved_at IS NOT NULL
                             THEN {_bucket("f.resolution_s", RESOLUTION_EDGES)} END),
    ('resolution_time_open', CASE WHEN f.resolved_at IS NOT NULL
                                  THEN {_bucket("f.resolution_open_s", RESOLUTION_EDGES)} END),
    ('intents', f.topic_intent),
    ('quality', {_bucket("f.quality", QUALITY_EDGES)})
) k(figure, key)
WHERE f.day = ANY(%(days)s) AND f.first_inbound_at IS NOT NULL
  AND f.close_reason <> ALL(%(not_support)s)
GROUP BY 1, 2, 3, 4
"""


def day_counts_refresh() -> int:
    """Count again the contact and conversation counts of every day marked stale.
    Returns how many days."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM insights_staleday LIMIT 1")
        if cursor.fetchone() is None:
            return 0
    with transaction.atomic(), connection.cursor() as cursor:
        # One count at a time (the page reads meanwhile): two counting the same day would
        # both write its rows.
        cursor.execute("LOCK TABLE insights_contactcount, insights_conversationcount "
                       "IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM insights_staleday RETURNING day")
        days = [row[0] for row in cursor.fetchall()]
        if days:
            params = {"days": days, "not_support": [str(r) for r in NOT_SUPPORT_REASONS]}
            for table in ("insights_contactcount", "insights_conversationcount"):
                cursor.execute(f"DELETE FROM {table} WHERE day = ANY(%(days)s)", params)
            cursor.execute(_CONTACT_COUNTS, params)
            cursor.execute(_CONVERSATION_COUNTS, params)
    return len(days)


def insights_refresh(batch: int = BATCH) -> int:
    """Everything the insights read, brought up to date (a first build of a big shop
    passes a big batch: a few large statements beat many small ones there)."""
    hours_basis_refresh()
    done = facts_refresh(batch) + order_facts_refresh(batch * 5)
    day_counts_refresh()
    return done
