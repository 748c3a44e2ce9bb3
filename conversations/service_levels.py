"""Handoff service levels: the shop's support hours, the first-reply deadline every
handoff gets, what the shopper is told about the wait, and the one alert when a deadline
passes without a person's reply.

Support hours are counted the same way here (Python) and in the insights' SQL
(`insights_open_seconds`, insights/migrations): a running total of open seconds since
a fixed Monday, so the open time between two moments is a subtraction.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from commerce.policy import policy_get
from conversations.models import Handoff
from conversations.realtime import inbox_event_on_commit
from core import clock
from core import formatting as fmt
from replies.render import Say, render

logger = logging.getLogger(__name__)

OPEN_STATUSES = (Handoff.Status.WAITING, Handoff.Status.ASSIGNED)
_EPOCH_MONDAY = date(2000, 1, 3)
_DAY = 86400
# How many recent first replies the typical wait is taken from, and how far back.
_TYPICAL_SAMPLE = 200
_TYPICAL_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class SupportHours:
    """When people answer: ISO weekdays (1 = Monday) and one daily window, in `zone`."""

    days: frozenset[int]
    opens: int  # seconds after local midnight
    closes: int  # seconds after local midnight; 86400 is midnight at the end of the day
    zone: str

    @classmethod
    def of(cls, policy: object) -> SupportHours:
        opens = _seconds(getattr(policy, "support_opens", time(9)))
        closes = _seconds(getattr(policy, "support_closes", time(17)))
        if closes <= opens:
            # 00:00–00:00 is all day; a window that ends before it starts ends at midnight.
            closes = _DAY
        days = frozenset(int(c) for c in str(getattr(policy, "support_days", "12345"))
                         if c in "1234567")
        return cls(days=days, opens=opens, closes=closes, zone=settings.TIME_ZONE)

    @classmethod
    def current(cls) -> SupportHours:
            return cls.of(policy_get())

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    @property
    def length(self) -> int:
        return self.closes - self.opens

    @property
    def cumulative(self) -> list[int]:
        """Open days before each weekday (Monday first), then the week's total."""
        counts = [0]
        for weekday in range(1, 8):
            counts.append(counts[-1] + (1 if weekday in self.days else 0))
        return counts

    def open_seconds_until(self, moment: datetime) -> float:
        """Open seconds from the fixed Monday to `moment` (the SQL function's twin)."""
        local = moment.astimezone(self.tz)
        weeks, weekday = divmod((local.date() - _EPOCH_MONDAY).days, 7)
        cumulative = self.cumulative
        total = float((weeks * cumulative[7] + cumulative[weekday]) * self.length)
        if weekday + 1 in self.days:
            since_midnight = (local.hour * 3600 + local.minute * 60 + local.second
                              + local.microsecond / 1e6)
            total += min(max(since_midnight - self.opens, 0.0), float(self.length))
        return total

    def open_seconds(self, start: datetime, end: datetime) -> float:
        return max(self.open_seconds_until(end) - self.open_seconds_until(start), 0.0)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        since_midnight = local.hour * 3600 + local.minute * 60 + local.second
        return (local.isoweekday() in self.days
                and self.opens <= since_midnight < self.closes)

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        if day.isoweekday() not in self.days:
            return None
        midnight = datetime.combine(day, time(0), tzinfo=self.tz)
        return (midnight + timedelta(seconds=self.opens),
                midnight + timedelta(seconds=self.closes))

    def add(self, start: datetime, seconds: float) -> datetime | None:
        """The moment `seconds` open seconds after `start`; None when nobody ever answers."""
        if not self.days:
            return None
        day = start.astimezone(self.tz).date()
        left = seconds
        for _ in range(800):
            window = self._window(day)
            if window is not None:
                begin, end = max(window[0], start), window[1]
                if begin < end:
                    available = (end - begin).total_seconds()
                    if left <= available:
                        return begin + timedelta(seconds=left)
                    left -= available
            day += timedelta(days=1)
        return None

    def next_open(self, moment: datetime) -> datetime | None:
        """When people are next in (`moment` itself when they are in now)."""
        if self.is_open(moment):
            return moment
        return self.add(moment, 0.001)

    def sql_params(self) -> dict[str, object]:
        return {"tz": self.zone, "opens": self.opens, "closes": self.closes,
                "days": self.cumulative}


def _seconds(value: time) -> int:
    return value.hour * 3600 + value.minute * 60 + value.second


# --- The timer and the wait the shopper is told about ------------------------------------


def handoff_sla_start(handoff: Handoff) -> Handoff:
    """Start the handoff's service level: when a person's first reply is due, and what the
    shopper is told about the wait (kept on the handoff, for the inbox too)."""
    policy = policy_get()
    hours = SupportHours.of(policy)
    handoff.sla_due_at = hours.add(handoff.created_at, policy.handoff_sla_minutes * 60)
    handoff.expected_wait = expected_wait_text(handoff, hours, policy.handoff_sla_minutes)
    handoff.save(update_fields=["sla_due_at", "expected_wait"])
    return handoff


def typical_first_reply(hours: SupportHours, now: datetime) -> float | None:
    """The median open seconds from handoff to a person's first reply, over the recent
    handoffs that got one; None with fewer than five to go by."""
    rows = list(Handoff.objects.filter(first_reply_at__isnull=False,
                                       created_at__gte=now - _TYPICAL_WINDOW)
                .order_by("-created_at").values_list("created_at", "first_reply_at")
                [:_TYPICAL_SAMPLE])
    if len(rows) < 5:
        return None
    waits = sorted(hours.open_seconds(a, b) for a, b in rows)
    return waits[len(waits) // 2]


def queue_ahead(handoff: Handoff) -> int:
    """Open handoffs still waiting for a first reply that came in before this one."""
    return Handoff.objects.filter(status__in=OPEN_STATUSES, first_reply_at__isnull=True,
                                  created_at__lt=handoff.created_at).exclude(
        pk=handoff.pk).count()


def expected_wait_text(handoff: Handoff, hours: SupportHours, sla_minutes: int) -> str:
    """What the shopper is told about the wait, in their language, from the queue as it is
    now and the shop's hours: their place in the queue and the usual reply time while
    people are in, or when they are back while they are not."""
    language = handoff.conversation.customer.language
    now = handoff.created_at
    typical = typical_first_reply(hours, now)
    usual = _minutes_said(typical if typical is not None else sla_minutes * 60)
    if not hours.is_open(now):
        back = hours.next_open(now)
        if back is None:
            return render(Say("handoff.wait.away_no_time"), language)
        return render(Say("handoff.wait.away", back=_when(back, now, hours, language),
                          usual=usual), language)
    ahead = queue_ahead(handoff)
    if ahead == 0:
        return render(Say("handoff.wait.next", usual=usual), language)
    return render(Say("handoff.wait.place", place=ahead + 1, usual=usual), language)


def _minutes_said(seconds: float) -> Say:
    minutes = max(5, int(math.ceil(seconds / 60 / 5) * 5))
    if minutes < 60:
        return Say("handoff.about_minutes", minutes=minutes)
    hours = round(minutes / 60)
    return Say("handoff.about_an_hour") if hours <= 1 else Say("handoff.about_hours",
                                                                 hours=hours)


def _when(moment: datetime, now: datetime, hours: SupportHours, language: str) -> Say:
    local, today = moment.astimezone(hours.tz), now.astimezone(hours.tz).date()
    at = f"{local.hour}:{local.minute:02d}"
    if local.date() == today:
        return Say("handoff.back.today", time=at)
    if local.date() == today + timedelta(days=1):
        return Say("handoff.back.tomorrow", time=at)
    if local.date() - today < timedelta(days=7):
        return Say("handoff.back.weekday", weekday=fmt.weekday(local.date(), language),
                   time=at)
    return Say("handoff.back.day", day=fmt.day_of_month(local.date(), language), time=at)


def handoff_first_reply(conversation_id: int) -> int:
    """A person answered the shopper: the open handoff's timer stops (once)."""
    return Handoff.objects.filter(conversation_id=conversation_id, status__in=OPEN_STATUSES,
                                  first_reply_at__isnull=True).update(
        first_reply_at=clock.now())


# --- Breaches ----------------------------------------------------------------------------

# One indexed statement (the partial index handoff_sla_due) claims every handoff past its
# deadline with no reply and no alert yet; SKIP LOCKED lets two beat runs overlap safely,
# and each handoff is returned, so alerted, once.
_BREACH_CLAIM = """
UPDATE conversations_handoff SET breached_at = %(now)s
WHERE id IN (
    SELECT id FROM conversations_handoff
    WHERE breached_at IS NULL AND first_reply_at IS NULL AND closed_at IS NULL
      AND sla_due_at IS NOT NULL AND sla_due_at <= %(now)s
    ORDER BY sla_due_at LIMIT 500
    FOR UPDATE SKIP LOCKED)
RETURNING id, conversation_id
"""


def sla_breaches_alert() -> list[int]:
    """Mark the handoffs whose first reply is overdue and alert once for each: the inbox
    (live) and, when it is on, the handoff's Slack thread. Returns the handoff ids."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_BREACH_CLAIM, {"now": clock.now()})
            claimed = cursor.fetchall()
        for _, conversation_id in claimed:
            inbox_event_on_commit("sla_breach", conversation_id)
        if claimed and settings.SLACK_ENABLED:
            from conversations.tasks import post_breach_to_slack

            ids = [handoff_id for handoff_id, _ in claimed]
            transaction.on_commit(lambda: [post_breach_to_slack.delay(i) for i in ids])
    if claimed:
        logger.warning("%d handoff(s) breached their first-reply SLA", len(claimed))
    return [handoff_id for handoff_id, _ in claimed]


@dataclass(frozen=True)
class TimeLeft:
    state: str  # "running" | "paused" | "breached" | "met" | "none"
    text: str


def handoff_time_left(handoff: Handoff, now: datetime | None = None,
                      hours: SupportHours | None = None) -> TimeLeft:
    """The SLA timer as the inbox shows it."""
    now = now or clock.now()
    if handoff.sla_due_at is None:
        return TimeLeft("none", "")
    if handoff.first_reply_at is not None:
        met = handoff.first_reply_at <= handoff.sla_due_at
        return TimeLeft("met" if met else "breached",
                        "Answered in time" if met else "Answered late")
    if handoff.breached_at is not None or now >= handoff.sla_due_at:
        late = _short((now - handoff.sla_due_at).total_seconds())
        return TimeLeft("breached", f"SLA breached {late} ago")
    hours = hours or SupportHours.current()
    left = hours.open_seconds(now, handoff.sla_due_at)
    if not hours.is_open(now):
        return TimeLeft("paused", f"{_short(left)} left (paused: closed)")
    return TimeLeft("running", f"{_short(left)} left")


def _short(seconds: float) -> str:
    minutes = max(int(seconds // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // (60 * 24)} days"
