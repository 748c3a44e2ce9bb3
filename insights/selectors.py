"""Reads of the insights section: every figure on the page, each with its definition,
its table (what the CSV export writes) and its chart, and the conversations behind
any bar (the drill-down).

Figures are counted from the per-conversation, per-handoff and per-order facts
(insights.models), refreshed first, so each is one aggregate query over small rows; the
conversation charts and the contact rates from the counts kept per day over those facts,
and the percentiles, which need every duration, from the facts in one pass.
Durations are in seconds, kept on the facts both on the calendar and in support hours
only (the business-hours toggle picks the column), so both read the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from commerce.models import Product, size_key
from conversations.models import NOT_SUPPORT_REASONS, HandoffReason
from core import clock
from core.models import Channel
from insights.services import FRT_EDGES, QUALITY_EDGES, RESOLUTION_EDGES, insights_refresh

DEFAULT_DAYS = 30
MAX_DAYS = 366
DRILL_LIMIT = 200
REOPEN_DAYS = 7

FRT_LABELS = ["0–1 min", "1–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "24 h+"]
WAIT_EDGES = [300, 900, 3600, 14400, 86400]
WAIT_LABELS = ["0–5 min", "5–15 min", "15–60 min", "1–4 h", "4–24 h", "24 h+"]
RESOLUTION_LABELS = ["under 1 h", "1–4 h", "4–24 h", "1–3 days", "3–7 days", "7 days+"]
QUALITY_LABELS = ["0–19", "20–39", "40–59", "60–79", "80–99", "100"]

OUTCOMES = {
    "automated": "Automated resolution",
    "provisional": "Closed by the bot, 7 days not over yet",
    "reopened": "Closed by the bot, then reopened",
    "deflected": "Bot answered, not closed by it, no handoff",
    "handed_off": "Handed off to a person",
    "unanswered": "Not answered by the bot",
}


# --- Filters -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    business_hours: bool = False
    channel: str = ""

    @classmethod
    def parse(cls, params: Any, today: date | None = None) -> Filters:
        today = today or clock.now().astimezone(ZoneInfo(settings.TIME_ZONE)).date()
        end = _date(params.get("to")) or today
        start = _date(params.get("from")) or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            start, end = end, start
        start = max(start, end - timedelta(days=MAX_DAYS - 1))
        channel = params.get("channel", "")
        return cls(start=start, end=end, business_hours=params.get("hours") == "business",
                   channel=channel if channel in Channel.values else "")

    def query(self, **changes: Any) -> str:
        values = {"from": self.start.isoformat(), "to": self.end.isoformat(),
                  "hours": "business" if self.business_hours else "",
                  "channel": self.channel, **changes}
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[datetime, datetime]:
        tz = ZoneInfo(settings.TIME_ZONE)
        return (datetime.combine(self.start, datetime.min.time(), tzinfo=tz),
                datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=tz))


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


# --- Figures -------------------------------------------------------------------------------


@dataclass
class Chart:
    """What charts.svg draws: `kind` "bars" (one horizontal bar per row) or "columns"
    (one column per x, stacked by series). Each value may carry a drill key."""

    kind: str
    labels: list[str] = field(default_factory=list)
    series: list[tuple[str, list[float]]] = field(default_factory=list)
    drill: list[list[str]] = field(default_factory=list)  # per series, per label
    unit: str = ""
    empty: str = "No conversations in this range."


@dataclass
class Figure:
    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[list[Any]]
    chart: Chart | None = None
    marketing: bool = False
    kpis: list[tuple[str, str, str]] = field(default_factory=list)  # label, value, note


class Context:
    """The filters turned into SQL pieces and parameters, shared by every figure."""

    def __init__(self, filters: Filters) -> None:
        self.filters = filters
        start, end = filters.bounds()
        self.now = clock.now()
        self.memo: dict[str, Any] = {}
        self.params: dict[str, Any] = {
            "start": start, "end": end, "channel": filters.channel,
            "first_day": filters.start, "last_day": filters.end,
            "settled": self.now - timedelta(days=REOPEN_DAYS), "tz": settings.TIME_ZONE,
            "not_support": [str(r) for r in NOT_SUPPORT_REASONS],
        }

    where = ("f.started_at >= %(start)s AND f.started_at < %(end)s "
             "AND f.first_inbound_at IS NOT NULL AND f.close_reason <> ALL(%(not_support)s) "
             "AND (%(channel)s = '' OR f.channel = %(channel)s)")
    # The handoffs of the same conversations (their facts carry the conversation's).
    handoff_where = ("h.started_at >= %(start)s AND h.started_at < %(end)s AND h.counted "
                     "AND (%(channel)s = '' OR h.channel = %(channel)s)")

    def seconds(self, measure: str, alias: str = "f") -> str:
        """The kept duration `measure` (first_response, resolution, wait), on the clock
        or in support hours."""
        return f"{alias}.{measure}_open_s" if self.filters.business_hours else (
            f"{alias}.{measure}_s")

    def rows(self, sql: str, extra: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, {**self.params, **(extra or {})})
            return cursor.fetchall()

    @cached_property
    def cube(self) -> dict[str, dict[tuple[Any, ...], int]]:
        """Every count the conversation charts group by, keyed by the chart's name and then
        its values, from the counts kept per day and channel (a few hundred rows); only
        whether the bot's closes are 7 days old yet is read from the facts."""
        hours = "_open" if self.filters.business_hours else ""
        stored = {"volume": "volume", "intents": "intents", "quality": "quality",
                  f"first_response{hours}": "first_response",
                  f"resolution_time{hours}": "resolution_time"}
        found = self.rows("""
            SELECT figure, CASE WHEN figure = 'volume' THEN day END,
                   CASE WHEN figure LIKE 'first_response%%' THEN channel END,
                   CASE WHEN figure = 'intents'
                        THEN day - (EXTRACT(ISODOW FROM day)::int - 1) END,
                   key, sum(n)
            FROM insights_conversationcount
            WHERE day >= %(first_day)s AND day <= %(last_day)s
              AND (%(channel)s = '' OR channel = %(channel)s) AND figure = ANY(%(figures)s)
            GROUP BY 1, 2, 3, 4, 5""", {"figures": list(stored)})
        cube: dict[str, dict[tuple[Any, ...], int]] = {name: {} for name in CUBE_SETS}
        for figure, day, channel, week, key, n in found:
            name = stored[figure]
            if name == "volume":
                cube[name][(day, key)] = int(n)
            elif name == "intents":
                cube[name][(week, key)] = int(n)
            else:
                bucket = int(key) if key else None
                cube[name][(channel, bucket) if name == "first_response" else (bucket,)] = int(n)
        provisional = dict(self.rows(f"""
            SELECT f.day, count(*) FROM insights_conversationfact f
            WHERE {self.where} AND f.bot_closed AND f.resolved_at > %(settled)s
              AND f.handoff_at IS NULL AND f.involved AND f.reopened_by IS NULL
            GROUP BY 1"""))
        volume = cube["volume"]
        for day in {d for d, o in volume if o == "bot_closed"}:
            closed = volume.pop((day, "bot_closed"))
            recent = min(provisional.get(day, 0), closed)
            for outcome, n in (("provisional", recent), ("automated", closed - recent)):
                if n:
                    volume[(day, outcome)] = n
        return cube

    @cached_property
    def handoff_cube(self) -> dict[str, dict[tuple[Any, ...], int]]:
        """The same for every handoff of those conversations."""
        return _grouped(self, HANDOFF_COLUMNS, HANDOFF_SETS, f"""
            SELECT h.reason, h.sla_breached,
                   (h.created_at AT TIME ZONE %(tz)s)::date AS hd,
                   CASE WHEN h.human_reply_at IS NULL THEN -1
                        ELSE {_bucket(self.seconds("wait", "h"), WAIT_EDGES)} END AS hb
            FROM insights_handofffact h WHERE {self.handoff_where}""")

    @cached_property
    def stats(self) -> dict[str, tuple[Any, ...]]:
        """Counts and percentiles of all channels (under ""), and per channel where the
        conversation started what the first response chart shows of it: how many got a
        reply and its p50 and p90. One pass, and no grouping: each channel's durations are
        sorted apart (FILTER), so every duration is sorted once per figure that shows it."""
        frt, res = self.seconds("first_response"), self.seconds("resolution")
        channels = list(Channel.values)
        per_channel = ", ".join(
            f"count(*) FILTER (WHERE f.channel = %(ch{i})s), "
            f"count(f.first_response_at) FILTER (WHERE f.channel = %(ch{i})s), "
            f"percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {frt}) "
            f"FILTER (WHERE f.channel = %(ch{i})s)" for i in range(len(channels)))
        [found] = self.rows(f"""
            SELECT count(*), count(*) FILTER (WHERE f.involved),
                   count(*) FILTER (WHERE f.involved AND f.handoff_at IS NULL),
                   count(*) FILTER (WHERE f.handoff_at IS NOT NULL),
                   count(*) FILTER (WHERE f.sla_breached), avg(f.quality),
                   count(f.first_response_at),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {frt}),
                   count(f.resolved_at),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY {res}),
                   {per_channel}
            FROM insights_conversationfact f WHERE {self.where}""",
                            {f"ch{i}": c for i, c in enumerate(channels)})
        stats: dict[str, tuple[Any, ...]] = {"": tuple(found[:10])}
        for i, channel in enumerate(channels):
            total, answered, percentiles = found[10 + 3 * i:13 + 3 * i]
            if total:
                stats[channel] = (answered, percentiles)
        return stats

    @cached_property
    def handoff_stats(self) -> tuple[Any, ...]:
        """Every handoff's count, breaches, and the p50 and p90 of a person's first reply."""
        [found] = self.rows(f"""
            SELECT count(*), count(*) FILTER (WHERE h.sla_breached), count(h.human_reply_at),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (
                       ORDER BY {self.seconds("wait", "h")})
            FROM insights_handofffact h WHERE {self.handoff_where}""")
        return tuple(found)


def _grouped(ctx: Context, columns: list[str], sets: dict[str, tuple[str, ...]],
             source: str) -> dict[str, dict[tuple[Any, ...], int]]:
    """Counts of `source`'s rows by each grouping set, keyed by its name, then its values."""
    grouping = ", ".join(f"({', '.join(cols)})" for cols in sets.values())
    found = ctx.rows(f"""
        SELECT GROUPING({', '.join(columns)}), {', '.join(columns)}, count(*)
        FROM ({source}) s GROUP BY GROUPING SETS ({grouping})""")
    masks = {_mask(columns, cols): name for name, cols in sets.items()}
    cube: dict[str, dict[tuple[Any, ...], int]] = {name: {} for name in sets}
    for mask, *values, count in found:
        name = masks[mask]
        cube[name][tuple(values[columns.index(c)] for c in sets[name])] = count
    return cube


CUBE_SETS: dict[str, tuple[str, ...]] = {
    "volume": ("d", "o"), "first_response": ("channel", "fb"), "resolution_time": ("rb",),
    "intents": ("w", "topic_intent"), "quality": ("qb",),
}
HANDOFF_COLUMNS = ["reason", "sla_breached", "hd", "hb"]
HANDOFF_SETS: dict[str, tuple[str, ...]] = {
    "reasons": ("reason", "sla_breached"), "sla": ("hd", "sla_breached"),
    "human_reply": ("hb",),
}
# All channels' stats: where each duration's count and percentiles are.
STAT_COLUMNS = {"first_response": 6, "resolution_time": 8}


def _mask(columns: list[str], grouped: tuple[str, ...]) -> int:
    """GROUPING()'s bits for a grouping set: 1 for each column not grouped by."""
    n = len(columns)
    return sum(1 << (n - 1 - i) for i, c in enumerate(columns) if c not in grouped)


# The counts kept per day sort conversations in the same order, with the bot's closes
# not reopened kept together (insights.services._CONVERSATION_COUNTS).
OUTCOME_SQL = """CASE
    WHEN f.handoff_at IS NOT NULL THEN 'handed_off'
    WHEN NOT f.involved THEN 'unanswered'
    WHEN f.bot_closed AND f.reopened_by IS NOT NULL THEN 'reopened'
    WHEN f.bot_closed AND f.resolved_at > %(settled)s THEN 'provisional'
    WHEN f.bot_closed THEN 'automated'
    ELSE 'deflected' END"""


def _bucket(expr: str, edges: list[int]) -> str:
    return f"width_bucket({expr}, ARRAY{edges}::float8[])"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _dur(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = float(seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(float(seconds) / 60, 1)


def summary(ctx: Context) -> Figure:
    empty = (0, 0, 0, 0, 0, None, 0, None, 0, None)
    total, involved, deflected, handed, _, quality, _, frt, _, res = ctx.stats.get("", empty)
    handoffs, breached, _, human = ctx.handoff_stats
    outcomes = _outcome_totals(ctx)
    automated, provisional, reopened = (outcomes.get(k, 0) for k in (
        "automated", "provisional", "reopened"))
    (frt50, frt90), (human50, human90), (res50, res90) = (p or (None, None)
                                                          for p in (frt, human, res))
    rows = [
        ["Conversations", total, ""],
        ["Involvement (bot answered)", involved, _pct(involved, total)],
        ["Automated resolution", automated, _pct(automated, involved)],
        ["Closed by the bot, 7-day window still open", provisional, _pct(provisional, involved)],
        ["Closed by the bot, then reopened", reopened, _pct(reopened, involved)],
        ["Deflection (not a resolution)", deflected, _pct(deflected, involved)],
        ["Handoff rate", handoffs, _pct(handoffs, involved)],
        ["Conversations handed off", handed, _pct(handed, involved)],
        ["SLA breaches", breached, _pct(breached, handoffs)],
        ["First response p50 / p90 (min)", _minutes(frt50), _minutes(frt90)],
        ["Human first reply after handoff p50 / p90 (min)", _minutes(human50),
         _minutes(human90)],
        ["Resolution time p50 / p90 (min)", _minutes(res50), _minutes(res90)],
        ["Average quality score", round(float(quality), 1) if quality is not None else None, ""],
    ]
    kpis = [
        ("Conversations", f"{total:,}", "shoppers' conversations started in the range"),
        ("Involvement", _pct(involved, total), f"{involved:,} the bot answered"),
        ("Automated resolution", _pct(automated, involved),
         f"{automated:,} of {involved:,} involved; {provisional:,} more still inside "
         "their 7 days"),
        ("Deflection (not resolution)", _pct(deflected, involved),
         f"{deflected:,} involved, never handed off: includes shoppers who gave up"),
        ("Handoff rate", _pct(handoffs, involved),
         f"{handoffs:,} handoffs per {involved:,} involved, in {handed:,} conversations"),
        ("Human first reply p50 / p90", f"{_dur(human50)} / {_dur(human90)}",
         "from handoff to a person's first reply"),
        ("First response p50 / p90", f"{_dur(frt50)} / {_dur(frt90)}",
         "from the shopper's first message to the first reply"),
        ("Resolution time p50 / p90", f"{_dur(res50)} / {_dur(res90)}",
         "from the first message to the close"),
        ("SLA breaches", f"{breached:,}", f"{_pct(breached, handoffs)} of handoffs"),
        ("Quality score", f"{float(quality):.0f}" if quality is not None else "–",
         "average, 0–100"),
    ]
    return Figure(
        "summary", "Summary",
        "Involvement: conversations the bot answered at least once. Automated resolution: "
        "involved conversations the bot closed, with no handoff, and no new conversation "
        f"from the same customer on any channel within {REOPEN_DAYS} days about the same "
        "order or intent; those closed less than 7 days ago are counted apart until their "
        "7 days are over. Deflection is a different, weaker figure: involved conversations "
        "that never reached a person, whatever became of them. Handoff rate: every handoff "
        "(a conversation handed to a person twice counts twice) per involved conversation.",
        ["figure", "value", "share or p90"], rows, kpis=kpis)


def _outcome_totals(ctx: Context) -> dict[str, int]:
    totals: dict[str, int] = {}
    for (_, outcome), n in ctx.cube["volume"].items():
        totals[outcome] = totals.get(outcome, 0) + n
    return totals


def outcomes(ctx: Context) -> Figure:
    found = _outcome_totals(ctx)
    total = sum(found.values())
    rows = [[label, found.get(key, 0), _pct(found.get(key, 0), total)]
            for key, label in OUTCOMES.items()]
    return Figure(
        "outcomes", "What became of each conversation",
        "Each conversation counted once, in the first of: handed off; not answered by the "
        "bot; closed by the bot and reopened (same customer, any channel, within 7 days, "
        "same order or intent); closed by the bot less than 7 days ago; automated "
        "resolution; deflected (answered by the bot, not closed by it, never handed off).",
        ["outcome", "conversations", "share"], rows,
        Chart("bars", [r[0] for r in rows], [("Conversations", [r[1] for r in rows])],
              [list(OUTCOMES)]))


def volume(ctx: Context) -> Figure:
    days = [ctx.filters.start + timedelta(days=i) for i in range(ctx.filters.days)]
    counts = ctx.cube["volume"]
    series = [(label, [float(counts.get((d, key), 0)) for d in days])
              for key, label in OUTCOMES.items()]
    rows = [[d.isoformat(), *[counts.get((d, key), 0) for key in OUTCOMES]] for d in days]
    return Figure(
        "volume", "Conversations per day, by outcome",
        "Conversations by the day they started (shop time), split by what became of them "
        "(see the outcome definitions).",
        ["day", *OUTCOMES.values()], rows,
        Chart("columns", [d.strftime("%d %b") for d in days], series,
              [[f"{d.isoformat()}|{key}" for d in days] for key in OUTCOMES]))


def handoff_reasons(ctx: Context) -> Figure:
    by_reason: dict[str, list[int]] = {}
    for (reason, breached), n in ctx.handoff_cube["reasons"].items():
        counts = by_reason.setdefault(reason, [0, 0])
        counts[0] += n
        counts[1] += n if breached else 0
    found = sorted(((r, n, b) for r, (n, b) in by_reason.items()), key=lambda r: (-r[1], r[0]))
    labels = dict(HandoffReason.choices)
    total = sum(n for _, n, _ in found)
    rows = [[labels.get(r, r or "unknown"), n, _pct(n, total), b] for r, n, b in found]
    return Figure(
        "handoff_reasons", "Handoff reasons",
        "Every handoff to a person, by its reason (a conversation handed off twice counts "
        "twice), and those of them that waited past their service level. Handoff rate (in "
        "the summary): handoffs per involved conversation.",
        ["reason", "handoffs", "share", "SLA breaches"], rows,
        Chart("bars", [r[0] for r in rows], [("Handoffs", [r[1] for r in rows])],
              [[r for r, _, _ in found]]))


def _distribution(ctx: Context, key: str, title: str, definition: str,
                  labels: list[str], by_channel: bool = False, missing: str = "") -> Figure:
    counts: dict[tuple[str, int], int] = {}
    cube = ctx.handoff_cube if key == "human_reply" else ctx.cube
    for values, n in cube[key].items():
        group, bucket = values if by_channel else ("", values[0])
        if bucket is not None:
            counts[(group, bucket)] = counts.get((group, bucket), 0) + n
    if key == "human_reply":
        _, _, measured, percentiles = ctx.handoff_stats
        found = {"": (measured, percentiles)}
    else:
        column = STAT_COLUMNS[key]
        found = {g: (row[column], row[column + 1]) if g == "" else row
                 for g, row in ctx.stats.items()}
    stats = [(g, n, *(percentiles or (None, None)))
             for g, (n, percentiles) in sorted(found.items())
             if (g != "") == by_channel and (n or not by_channel
                                             or any(c[0] == g for c in counts))]
    bucket_keys = list(range(len(labels))) + ([-1] if missing else [])
    bucket_labels = labels + ([missing] if missing else [])
    groups = [g for g, *_ in stats] or ([""] if not by_channel else [])
    names = dict(Channel.choices)
    series = [(names.get(g, g) or "Conversations", [float(counts.get((g, b), 0))
                                                    for b in bucket_keys]) for g in groups]
    drill = [[f"{b}|{g}" for b in bucket_keys] for g in groups]
    columns = (["channel"] if by_channel else []) + ["measured", "p50 (min)", "p90 (min)",
                                                     *bucket_labels]
    rows = [([names.get(g, g)] if by_channel else [])
            + [n, _minutes(p50), _minutes(p90), *[counts.get((g, b), 0) for b in bucket_keys]]
            for g, n, p50, p90 in stats]
    if not by_channel and not any(counts.values()):
        rows = []
    unit = " Times count support hours only." if ctx.filters.business_hours else ""
    return Figure(key, title, definition + unit, columns, rows,
                  Chart("columns", bucket_labels, series, drill))


def first_response(ctx: Context) -> Figure:
    return _distribution(
        ctx, "first_response", "First response time by channel",
        "From the shopper's first message to the first reply by the bot or a person, by "
        "the channel the conversation started on, with its distribution.",
        FRT_LABELS, by_channel=True, missing="no reply")


def human_reply(ctx: Context) -> Figure:
    return _distribution(
        ctx, "human_reply", "Human first reply after handoff",
        "From each handoff to the first message a person sent the shopper after it (and "
        "before any later handoff); p50 and p90 of those answered, and those still waiting.",
        WAIT_LABELS, missing="no reply yet")


def resolution_time(ctx: Context) -> Figure:
    return _distribution(
        ctx, "resolution_time", "Resolution time",
        "From the shopper's first message to the conversation's close, by whoever closed "
        "it, for the conversations closed so far.",
        RESOLUTION_LABELS)


def sla_breaches(ctx: Context) -> Figure:
    counts: dict[date, tuple[int, int]] = {}
    for (day, breached), n in ctx.handoff_cube["sla"].items():
        if day is not None:
            total, late = counts.get(day, (0, 0))
            counts[day] = (total + n, late + (n if breached else 0))
    days = [ctx.filters.start + timedelta(days=i) for i in range(ctx.filters.days)]
    rows = [[d.isoformat(), *counts.get(d, (0, 0)),
             _pct(counts.get(d, (0, 0))[1], counts.get(d, (0, 0))[0])] for d in days]
    return Figure(
        "sla", "SLA breaches",
        "Handoffs whose first reply by a person came after the service level (the shop "
        "policy's minutes of support hours), or has not come and is overdue; by the day "
        "of the handoff.",
        ["day", "handoffs", "breached", "breach rate"], rows,
        Chart("columns", [d.strftime("%d %b") for d in days],
              [("Breached", [float(r[2]) for r in rows]),
               ("In time", [float(r[1] - r[2]) for r in rows])],
              [[f"{d.isoformat()}|1" for d in days], [f"{d.isoformat()}|0" for d in days]]))


# Contact rates by carrier, lane and product, from the contact counts kept per day
# (insights.services.contact_counts_refresh): a few rows per day and figure. An order's
# products are distinct and a conversation has one order, so a count is a count of
# conversations (or orders).
def _contacts(ctx: Context) -> dict[str, tuple[dict[Any, int], dict[Any, int]]]:
    if "contacts" not in ctx.memo:
        found: dict[str, tuple[dict[Any, int], dict[Any, int]]] = {
            k: ({}, {}) for k in ("contact_carrier", "contact_lane", "contact_product")}
        for figure, key, orders, contacts in ctx.rows("""
                SELECT figure, key, sum(orders), sum(contacts) FILTER (
                    WHERE %(channel)s = '' OR channel = %(channel)s)
                FROM insights_contactcount
                WHERE day >= %(first_day)s AND day <= %(last_day)s
                GROUP BY 1, 2"""):
            if contacts:
                found[figure][0][key] = int(contacts)
            if orders:
                found[figure][1][key] = int(orders)
        ctx.memo["contacts"] = found
    return ctx.memo["contacts"]


def _contact_rate(ctx: Context, key: str, title: str, definition: str,
                  label: Callable[[Any], str] | None = None, top: int = 15,
                  marketing: bool = False) -> Figure:
    contacts, orders = _contacts(ctx)[key]
    table = sorted(((g, n, contacts.get(g, 0)) for g, n in orders.items()
                    if g not in (None, "")),
                   key=lambda r: (-(r[2] / r[1] if r[1] else 0), -r[1]))
    names = label or (lambda g: str(g))
    table = [(g, n, c) for g, n, c in table if n >= 1][:top] if top else table
    rows = [[names(g), n, c, round(100 * c / n, 1) if n else None] for g, n, c in table]
    return Figure(
        key, title, definition + " Contacts: conversations started in the range about an "
        "order (the first order number the shopper gave); orders: orders placed in the range.",
        [key.removeprefix("contact_"), "orders", "contacts", "per 100 orders"], rows,
        Chart("bars", [r[0] for r in rows], [("Contacts per 100 orders", [
            float(r[3] or 0) for r in rows])], [[str(g) for g, _, _ in table]]),
        marketing=marketing)


def contact_carrier(ctx: Context) -> Figure:
    return _contact_rate(ctx, "contact_carrier", "Contact rate per 100 orders, by carrier",
                         "Contacts per 100 orders shipped by each carrier.",
                         lambda g: str(g).replace("_", " ").title(), top=0)


def contact_lane(ctx: Context) -> Figure:
    return _contact_rate(ctx, "contact_lane", "Contact rate per 100 orders, by lane",
                         "Lane: where the carrier's first scan was → the destination region.")


def contact_product(ctx: Context) -> Figure:
    figure = _contact_rate(ctx, "contact_product", "Contact rate per 100 orders, by product",
                           "Contacts per 100 orders containing the product.",
                           marketing=True)
    names = dict(Product.objects.filter(pk__in=[int(k) for k in figure.chart.drill[0]])
                 .values_list("pk", "name")) if figure.chart else {}
    for row, pk in zip(figure.rows, figure.chart.drill[0] if figure.chart else [],
                       strict=False):
        row[0] = names.get(int(pk), row[0])
    if figure.chart:
        figure.chart.labels = [r[0] for r in figure.rows]
    return figure


def return_reasons(ctx: Context) -> Figure:
    # Each returned item's variant is looked up by key (a few thousand lookups, not a
    # pass over every item ever ordered), and the items are summed per variant before
    # its product and size are read.
    found = ctx.rows("""
        WITH items AS (
            SELECT (SELECT oi.variant_id FROM commerce_orderitem oi
                    WHERE oi.id = ri.order_item_id) AS variant_id,
                   lower(r.reason) AS reason, ri.quantity
            FROM commerce_return r
            JOIN commerce_returnitem ri ON ri.return_request_id = r.id
            WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
        ), per_variant AS (
            SELECT variant_id, reason, sum(quantity) AS quantity FROM items GROUP BY 1, 2
        )
        SELECT p.name, COALESCE(v.options ->> 'size', ''), i.reason, sum(i.quantity)
        FROM per_variant i
        JOIN commerce_variant v ON v.id = i.variant_id
        JOIN commerce_product p ON p.id = v.product_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 4 DESC, 3""")
    rows = [[name, size, reason or "(none given)", int(n)] for name, size, reason, n in found]
    by_size: dict[str, list[int]] = {}
    for _, size, reason, n in found:
        counts = by_size.setdefault(size or "one size", [0, 0, 0])
        counts[0 if "small" in (reason or "") else 1 if "big" in (reason or "") else 2] += int(n)
    sizes = sorted(by_size, key=size_key)
    return Figure(
        "return_reasons", "Return reasons by product and size",
        "Items returned in the range, by product, size and the reason given. The chart "
        "shows each size's returns for \"too small\" and \"too big\" against the rest: a "
        "size where \"too small\" leads runs small.",
        ["product", "size", "reason", "items"], rows,
        Chart("columns", sizes, [
            ("Too small", [float(by_size[s][0]) for s in sizes]),
            ("Too big", [float(by_size[s][1]) for s in sizes]),
            ("Other reasons", [float(by_size[s][2]) for s in sizes])], [],
            empty="No returns in this range."),
        marketing=True)


def top_intents(ctx: Context) -> Figure:
    found = [(w, i, n) for (w, i), n in ctx.cube["intents"].items() if i]
    totals: dict[str, int] = {}
    for _, intent, n in found:
        totals[intent] = totals.get(intent, 0) + n
    top = sorted(totals, key=lambda i: (-totals[i], i))[:6]
    weeks = sorted({w for w, _, _ in found})
    counts = {(w, i): n for w, i, n in found}
    other = {w: sum(n for (ww, i), n in counts.items() if ww == w and i not in top)
             for w in weeks}
    series = [(i.replace("_", " "), [float(counts.get((w, i), 0)) for w in weeks]) for i in top]
    drill = [[f"{w.isoformat()}|{i}" for w in weeks] for i in top]
    if any(other.values()):
        series.append(("others", [float(other[w]) for w in weeks]))
        drill.append([f"{w.isoformat()}|" for w in weeks])
    rows = [[w.isoformat(), i, n] for (w, i), n in sorted(counts.items())]
    return Figure(
        "intents", "Top intents over time",
        "Conversations per week (starting Monday) by what they were about: the first "
        "intent the bot classified that names a need (greetings, \"other\" and plain "
        "requests for a person do not).",
        ["week", "intent", "conversations"], rows,
        Chart("columns", [w.strftime("%d %b") for w in weeks], series, drill),
        marketing=True)


def _csat(ctx: Context, key: str, title: str, group: str,
          label: Callable[[Any], str]) -> Figure:
    found = ctx.rows(f"""
        SELECT {group}, count(*), count(*) FILTER (WHERE r.score >= 4), avg(r.score)
        FROM conversations_satisfactionrating r
        WHERE r.created_at >= %(start)s AND r.created_at < %(end)s
          AND (%(channel)s = '' OR r.channel = %(channel)s)
        GROUP BY 1 ORDER BY 2 DESC""")
    rows = [[label(g), n, round(100 * good / n, 1), round(float(avg), 2)]
            for g, n, good, avg in found]
    return Figure(
        key, title,
        "CSAT: the share of ratings of 4 or 5 out of 5, over the ratings given in the "
        "range; the bot is the conversations no person handled.",
        [key.removeprefix("csat_"), "ratings", "CSAT %", "average score"], rows,
        Chart("bars", [r[0] for r in rows], [("CSAT %", [float(r[2]) for r in rows])],
              [["" if g is None else str(g) for g, *_ in found]], unit="%",
              empty="No ratings in this range."))


def csat_channel(ctx: Context) -> Figure:
    names = dict(Channel.choices)
    return _csat(ctx, "csat_channel", "CSAT by channel", "r.channel", lambda g: names.get(g, g))


def csat_agent(ctx: Context) -> Figure:
    from django.contrib.auth import get_user_model

    figure = _csat(ctx, "csat_agent", "CSAT by agent and the bot", "r.agent_id", str)
    assert figure.chart is not None
    ids = [int(k) for k in figure.chart.drill[0] if k]
    names = {u.pk: u.get_full_name() or u.get_username()
             for u in get_user_model().objects.filter(pk__in=ids)}
    for row, key in zip(figure.rows, figure.chart.drill[0], strict=True):
        row[0] = names.get(int(key), f"User #{key}") if key else "The bot"
    figure.chart.labels = [r[0] for r in figure.rows]
    return figure


def back_in_stock(ctx: Context) -> Figure:
    [row] = ctx.rows("""
        SELECT count(*), count(s.notified_at),
               count(*) FILTER (WHERE s.notified_at IS NOT NULL AND EXISTS (
                   SELECT 1 FROM commerce_order o JOIN commerce_orderitem i ON i.order_id = o.id
                   WHERE o.customer_id = s.customer_id AND i.variant_id = s.variant_id
                     AND o.placed_at >= s.notified_at
                     AND o.placed_at < s.notified_at + interval '14 days'))
        FROM commerce_backinstocksubscription s
        WHERE s.created_at >= %(start)s AND s.created_at < %(end)s""")
    subscribed, notified, bought = row
    steps = [("Asked to be told", subscribed), ("Told it is back", notified),
             ("Bought it within 14 days", bought)]
    rows = [[label, n, _pct(n, subscribed)] for label, n in steps]
    chart = Chart("bars", [s for s, _ in steps], [("Shoppers", [float(n) for _, n in steps])],
                  [], empty="No back-in-stock campaigns yet.")
    if not subscribed:
        chart.series = []
    return Figure(
        "back_in_stock", "Back-in-stock funnel",
        "Back-in-stock requests made in the range: how many were told the item is back, "
        "and how many of those bought that very item within 14 days of being told.",
        ["step", "shoppers", "share"], rows, chart, marketing=True)


def quality(ctx: Context) -> Figure:
    found = {bucket: n for (bucket,), n in ctx.cube["quality"].items()}
    rows = [[label, found.get(i, 0)] for i, label in enumerate(QUALITY_LABELS)]
    return Figure(
        "quality", "Conversation quality score",
        "Every conversation gets a rule-based score: 100, minus 20 while it is not "
        "resolved, 30 when it was reopened within 7 days, 40 for a policy breach (the bot "
        "acted where its own recorded policy decision said no), 20 when the shopper was "
        "frustrated and 20 when a handoff waited past its service level.",
        ["score", "conversations"], rows,
        Chart("columns", QUALITY_LABELS, [("Conversations", [float(r[1]) for r in rows])],
              [[str(i) for i in range(len(QUALITY_LABELS))]]))


FIGURES: dict[str, Callable[[Context], Figure]] = {
    "summary": summary, "outcomes": outcomes, "volume": volume,
    "handoff_reasons": handoff_reasons, "human_reply": human_reply,
    "first_response": first_response, "resolution_time": resolution_time,
    "sla": sla_breaches, "intents": top_intents, "contact_carrier": contact_carrier,
    "contact_lane": contact_lane, "contact_product": contact_product,
    "return_reasons": return_reasons, "csat_channel": csat_channel,
    "csat_agent": csat_agent, "back_in_stock": back_in_stock, "quality": quality,
}
TITLES = {
    "outcomes": "What became of each conversation", "volume": "Conversations per day",
    "handoff_reasons": "Handoff reasons", "human_reply": "Human first reply after handoff",
    "first_response": "First response time", "resolution_time": "Resolution time",
    "sla": "SLA breaches", "intents": "Top intents over time",
    "contact_carrier": "Contact rate by carrier", "contact_lane": "Contact rate by lane",
    "contact_product": "Contact rate by product", "csat_channel": "CSAT by channel",
    "csat_agent": "CSAT by agent and the bot", "quality": "Conversation quality score",
}
MARKETING = ("intents", "contact_product", "return_reasons", "back_in_stock")


def figures_list(filters: Filters, *, marketing_only: bool = False,
                 keys: Iterable[str] | None = None) -> list[Figure]:
    """The page's figures (the marketing part only for marketers), counted after the
    facts are brought up to date."""
    insights_refresh()
    ctx = Context(filters)
    wanted = list(keys) if keys is not None else list(FIGURES)
    if marketing_only:
        wanted = [k for k in wanted if k in MARKETING]
    with _reading():
        return [FIGURES[k](ctx) for k in wanted if k in FIGURES]


@contextmanager
def _reading() -> Iterator[None]:
    """One transaction with room to hash every grouping set in memory (the default
    work_mem makes PostgreSQL sort 100,000 rows once per chart instead), and no parallel
    workers: on a small machine they take the cores the bot and the webhooks need."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


# --- Drill-down ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrillRow:
    conversation_id: int
    started_at: datetime
    channel: str
    customer: str
    topic_intent: str
    order_number: str
    outcome: str
    handoff_reason: str
    first_response_s: float | None
    quality: int


def _drill_condition(ctx: Context, figure: str, key: str) -> tuple[str, dict[str, Any]]:
    """The SQL condition that picks the conversations behind one bar."""
    first, _, second = key.partition("|")
    day = "f.day = %(d)s::date"
    duration_buckets = {
        "first_response": ("first_response", "f.first_response_at", FRT_EDGES),
        "resolution_time": ("resolution", "f.resolved_at", RESOLUTION_EDGES),
    }
    handoff = ("EXISTS (SELECT 1 FROM insights_handofffact h "
               "WHERE h.conversation_id = f.conversation_id AND {})")
    if figure == "outcomes":
        return f"{OUTCOME_SQL} = %(k)s", {"k": key}
    if figure == "volume":
        return f"{day} AND {OUTCOME_SQL} = %(k)s", {"d": first, "k": second}
    if figure == "handoff_reasons":
        return handoff.format("h.reason = %(k)s"), {"k": key}
    if figure == "human_reply":
        if first == "-1":
            return handoff.format("h.human_reply_at IS NULL"), {}
        bucket = _bucket(ctx.seconds("wait", "h"), WAIT_EDGES)
        return handoff.format(f"h.human_reply_at IS NOT NULL AND {bucket} = %(b)s"), {
            "b": int(first) if first.lstrip("-").isdigit() else 0}
    if figure in duration_buckets:
        measure, end, edges = duration_buckets[figure]
        bucket = _bucket(ctx.seconds(measure), edges)
        extra = " AND f.channel = %(g)s" if second else ""
        if first == "-1":
            return f"{end} IS NULL{extra}", {"g": second}
        return (f"{end} IS NOT NULL AND {bucket} = %(b)s{extra}",
                {"b": int(first) if first.lstrip("-").isdigit() else 0, "g": second})
    if figure == "sla":
        return handoff.format("(h.created_at AT TIME ZONE %(tz)s)::date = %(d)s::date "
                              "AND h.sla_breached = %(k)s"), {"d": first, "k": second == "1"}
    if figure == "intents":
        week = "f.week = %(d)s::date"
        if second:
            return f"{week} AND f.topic_intent = %(k)s", {"d": first, "k": second}
        return f"{week} AND f.topic_intent <> ''", {"d": first}
    if figure in ("contact_carrier", "contact_lane", "contact_product"):
        column = {"contact_carrier": "o.carrier = %(k)s",
                  "contact_lane": "o.origin || ' → ' || o.destination = %(k)s",
                  "contact_product": "%(k)s::bigint = ANY(o.product_ids)"}[figure]
        return (f"EXISTS (SELECT 1 FROM insights_orderfact o WHERE o.number = f.order_number "
                f"AND {column})"), {"k": key}
    if figure in ("csat_channel", "csat_agent"):
        column = "r.channel = %(k)s" if figure == "csat_channel" else (
            "r.agent_id IS NULL" if not key else "r.agent_id = %(k)s::bigint")
        return (f"EXISTS (SELECT 1 FROM conversations_satisfactionrating r "
                f"WHERE r.conversation_id = f.conversation_id AND {column})"), {"k": key}
    if figure == "quality":
        return f"{_bucket('f.quality', QUALITY_EDGES)} = %(b)s", {
            "b": int(key) if key.isdigit() else 0}
    raise ValueError(f"Nothing to drill into in {figure!r}.")


def drill_conversations(filters: Filters, figure: str, key: str,
                        limit: int = DRILL_LIMIT) -> list[DrillRow]:
    """The conversations behind one bar of `figure` (lowest quality first)."""
    insights_refresh()
    ctx = Context(filters)
    condition, extra = _drill_condition(ctx, figure, key)
    if figure in ("csat_channel", "csat_agent"):
        # Ratings are counted by when they were given; the conversation may be older.
        where = "f.first_inbound_at IS NOT NULL"
        condition = condition.replace(
            "WHERE r.conversation_id", "WHERE r.created_at >= %(start)s AND r.created_at < "
            "%(end)s AND (%(channel)s = '' OR r.channel = %(channel)s) AND r.conversation_id")
    else:
        where = ctx.where
    frt = ctx.seconds("first_response")
    found = ctx.rows(f"""
        SELECT f.conversation_id, f.started_at, f.channel,
               COALESCE(NULLIF(c.name, ''), NULLIF(c.email, ''), 'Guest #' || c.id),
               f.topic_intent, f.order_number, {OUTCOME_SQL}, f.handoff_reason, {frt},
               f.quality
        FROM insights_conversationfact f JOIN core_customer c ON c.id = f.customer_id
        WHERE {where} AND {condition}
        ORDER BY f.quality, f.started_at DESC LIMIT %(limit)s""", {**extra, "limit": limit})
    return [DrillRow(*row) for row in found]


DRILL_COLUMNS = ["conversation", "started", "channel", "customer", "intent", "order",
                 "outcome", "handoff reason", "first response (s)", "quality"]


def drill_table(rows: list[DrillRow]) -> list[list[Any]]:
    return [[r.conversation_id, r.started_at.isoformat(), r.channel, r.customer,
             r.topic_intent, r.order_number, OUTCOMES.get(r.outcome, r.outcome),
             r.handoff_reason, None if r.first_response_s is None else round(
                 float(r.first_response_s)), r.quality] for r in rows]


def figure_drillable(figure: Figure) -> bool:
    return figure.key not in ("summary", "return_reasons", "back_in_stock")


def filters_with(filters: Filters, **changes: Any) -> Filters:
    return replace(filters, **changes)
