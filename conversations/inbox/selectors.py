"""Reads for the agent inbox: the queue of conversations waiting for a person, in the
order they should be picked up, and everything one conversation needs to be decided at
once (history, handoff packet, the order and its tracking, the customer's record, the
decision waiting for approval)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from channels_adapters import whatsapp
from channels_adapters.whatsapp import TEMPLATE_PURPOSES
from commerce import selectors as store
from commerce.actions import (
    Action,
    ActionInvalid,
    IssueRefund,
    OpenReturn,
    ResolveMissingParcel,
    action_from_dict,
)
from commerce.models import Order, OrderItem, OrderStatus, Refund, Return, TrackingEvent
from conversations.models import (
    ActionRecord,
    CannedResponse,
    Conversation,
    Handoff,
    HandoffReason,
    InternalNote,
    Message,
    PolicyDecision,
)
from conversations.selectors import whatsapp_window_open
from core import clock
from core.formatting import LANGUAGES, money
from core.models import LANGUAGE_CHOICES, Channel, Customer

OPEN_STATUSES = (Handoff.Status.WAITING, Handoff.Status.ASSIGNED)
QUEUE_LIMIT = 300
HISTORY_LIMIT = 400
# The actions a person can approve from the inbox when policy stopped the bot, each run
# by the same commerce.actions.action_execute the bot's confirmation uses (approved=True).
APPROVABLE = (OpenReturn, ResolveMissingParcel, IssueRefund)


def decision_key(handoff: Handoff) -> str:
    """One approval or refusal per handoff, whoever clicks and however often."""
    return f"inbox:handoff:{handoff.pk}:decision"


# --- Priority -------------------------------------------------------------------------


@dataclass(frozen=True)
class Priority:
    score: int
    level: str  # "urgent" | "high" | "normal"
    because: tuple[str, ...]


def queue_priority(*, waited: timedelta, frustration: int, order_value: Decimal | None,
                   vip: bool, currency: str = "") -> Priority:
    """How soon a waiting conversation should be picked up: a plain function of its facts.

    Points: a minute waited is 1 (up to 240), each level of frustration 60, a VIP 120,
    and the order at stake half its value in points (up to 150). An angry VIP with a big
    order comes first; otherwise the longest wait does.
    """
    minutes = max(int(waited.total_seconds() // 60), 0)
    score = min(minutes, 240)
    because: list[str] = []
    if frustration:
        score += 60 * frustration
        because.append("frustrated")
    if vip:
        score += 120
        because.append("VIP")
    if order_value:
        score += min(int(order_value / 2), 150)
        if order_value >= 100:
            because.append(f"{_money(order_value, currency)} order")
    if minutes >= 30:
        because.append(f"waiting {_duration(waited)}")
    level = "urgent" if score >= 180 else "high" if score >= 90 else "normal"
    return Priority(score, level, tuple(because))


def _duration(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 60 * 10:
        return f"{minutes // 60} h {minutes % 60:02d}"
    if minutes < 60 * 48:
        return f"{minutes // 60} h"
    return f"{minutes // (60 * 24)} days"


def _money(amount: Decimal, currency: str = "") -> str:
    return money(amount, currency or None)


# --- The queue ------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    view: str = "all"  # all | mine | unassigned
    reason: str = ""
    channel: str = ""

    @classmethod
    def parse(cls, params: Any) -> QueueFilters:
        view = params.get("view", "all")
        reason = params.get("reason", "")
        channel = params.get("channel", "")
        return cls(
            view=view if view in {"all", "mine", "unassigned"} else "all",
            reason=reason if reason in HandoffReason.values else "",
            channel=channel if channel in Channel.values else "",
        )

    def query(self, **changes: str) -> str:
        values = {"view": self.view, "reason": self.reason, "channel": self.channel, **changes}
        return "&".join(f"{k}={v}" for k, v in values.items() if v and v != "all")


@dataclass(frozen=True)
class QueueItem:
    handoff: Handoff
    conversation: Conversation
    customer: Customer
    waited: timedelta
    priority: Priority
    order_number: str
    order_value: Decimal | None
    last_text: str
    last_sender: str

    @property
    def waited_text(self) -> str:
        return _duration(self.waited)

    @property
    def order_value_text(self) -> str:
        return _money(self.order_value) if self.order_value is not None else ""

    @property
    def initials(self) -> str:
        return initials(str(self.customer))


def initials(name: str) -> str:
    words = [w for w in re.split(r"[\s@._-]+", name) if w and w[0].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def _open_handoffs() -> QuerySet[Handoff]:
    last = Message.objects.filter(conversation=OuterRef("conversation")).order_by(
        "-created_at", "-id")
    return (Handoff.objects.filter(status__in=OPEN_STATUSES,
                                   conversation__status=Conversation.Status.OPEN)
            .select_related("conversation__customer", "assigned_to")
            .annotate(last_text=Subquery(last.values("text")[:1]),
                      last_sender=Subquery(last.values("sender")[:1])))


def handoff_queue(user: Any, filters: QueueFilters | None = None,
                  now: datetime | None = None) -> list[QueueItem]:
    """Open handoffs, most urgent first (see queue_priority), then the longest waiting."""
    filters = filters or QueueFilters()
    now = now or clock.now()
    handoffs = _open_handoffs()
    if filters.view == "mine":
        handoffs = handoffs.filter(assigned_to=user)
    elif filters.view == "unassigned":
        handoffs = handoffs.filter(assigned_to__isnull=True)
    if filters.reason:
        handoffs = handoffs.filter(reason=filters.reason)
    if filters.channel:
        handoffs = handoffs.filter(conversation__channel=filters.channel)
    rows = list(handoffs.order_by("created_at", "id")[:QUEUE_LIMIT])
    values = _order_values({str(h.packet.get("order") or "") for h in rows} - {""})
    items = []
    for h in rows:
        conversation = h.conversation
        number = str(h.packet.get("order") or "")
        value, currency = values.get(number, (None, ""))
        frustration = int((conversation.state or {}).get("frustration", 0) or 0)
        if h.reason == HandoffReason.FRUSTRATION:
            frustration = max(frustration, 2)
        waited = now - h.created_at
        items.append(QueueItem(
            handoff=h, conversation=conversation, customer=conversation.customer,
            waited=waited, order_number=number, order_value=value,
            priority=queue_priority(waited=waited, frustration=frustration, order_value=value,
                                    vip=conversation.customer.is_vip, currency=currency),
            last_text=h.last_text or "", last_sender=h.last_sender or ""))
    items.sort(key=lambda i: (-i.priority.score, i.handoff.created_at, i.handoff.pk))
    return items


def _order_values(numbers: set[str]) -> dict[str, tuple[Decimal, str]]:
    if not numbers:
        return {}
    orders = Order.objects.filter(number__in=numbers).prefetch_related("items")
    return {o.number: (o.total, o.currency) for o in orders}


@dataclass(frozen=True)
class QueueCounts:
    all: int
    mine: int
    unassigned: int
    reasons: list[tuple[str, str, int]] = field(default_factory=list)
    channels: list[tuple[str, str, int]] = field(default_factory=list)


def queue_counts(user: Any) -> QueueCounts:
    rows = list(Handoff.objects.filter(status__in=OPEN_STATUSES,
                                       conversation__status=Conversation.Status.OPEN)
                .values_list("reason", "conversation__channel", "assigned_to"))
    reasons = {r for r, _, _ in rows}
    channels = {c for _, c, _ in rows}
    return QueueCounts(
        all=len(rows),
        mine=sum(1 for _, _, a in rows if a == user.pk),
        unassigned=sum(1 for _, _, a in rows if a is None),
        reasons=[(value, label, sum(1 for r, _, _ in rows if r == value))
                 for value, label in HandoffReason.choices if value in reasons],
        channels=[(value, label, sum(1 for _, c, _ in rows if c == value))
                  for value, label in Channel.choices if value in channels],
    )


# --- One conversation -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    kind: str  # message | note | event
    at: datetime
    item: Any
    conversation_id: int
    text: str = ""


@dataclass(frozen=True)
class PendingDecision:
    """What the bot could not do alone and a person may now approve or decline."""

    handoff: Handoff
    decision: PolicyDecision
    action: str
    order: Order
    title: str
    detail: str
    options: list[tuple[str, str]]
    default: str
    proposed: Action | None = None
    items: list[OrderItem] = field(default_factory=list)
    amount: Decimal | None = None
    decline_text: str = ""


@dataclass(frozen=True)
class ReplyChannel:
    channel: str
    label: str
    window_open: bool = True
    closes_at: datetime | None = None
    templates: list[str] = field(default_factory=list)

    @property
    def needs_template(self) -> bool:
        return self.channel == Channel.WHATSAPP and not self.window_open


@dataclass(frozen=True)
class CustomerFacts:
    orders: list[Order]
    order_count: int
    lifetime_value: Decimal
    returns: list[Return]
    refunded: Decimal
    tags: list[str]
    identities: list[Any]
    loyalty_points: int
    conversations: int


@dataclass(frozen=True)
class ConversationDetail:
    conversation: Conversation
    customer: Customer
    handoff: Handoff | None
    packet: dict[str, Any]
    timeline: list[TimelineEntry]
    order: Order | None
    tracking: list[TrackingEvent]
    pending: PendingDecision | None
    facts: CustomerFacts
    reply: ReplyChannel
    canned: CannedChoices
    colleagues: list[Any]
    decided: ActionRecord | None
    languages: list[tuple[str, str]] = field(default_factory=lambda: list(LANGUAGE_CHOICES))

    @property
    def is_open_handoff(self) -> bool:
        return self.handoff is not None and self.handoff.status in OPEN_STATUSES


def conversation_get(conversation_id: int) -> Conversation | None:
    return (Conversation.objects.select_related("customer", "assigned_to")
            .filter(pk=conversation_id).first())


def handoff_current(conversation: Conversation) -> Handoff | None:
    """The open handoff, else the latest one."""
    handoffs = conversation.handoffs.select_related("assigned_to").order_by("-created_at", "-id")
    return handoffs.filter(status__in=OPEN_STATUSES).first() or handoffs.first()


def conversation_detail(conversation: Conversation, user: Any) -> ConversationDetail:
    customer = conversation.customer
    handoff = handoff_current(conversation)
    packet = dict(handoff.packet or {}) if handoff else {}
    number = str(packet.get("order") or (conversation.state or {}).get("order") or "")
    order = store.order_get(number) if number else None
    if order is not None and order.customer_id != customer.pk:
        # Never show one customer's order on another's conversation (an unverified
        # shopper naming someone else's order number).
        order = None
    tracking = list(reversed(store.order_events(order))) if order is not None else []
    decided = (ActionRecord.objects.filter(idempotency_key=decision_key(handoff)).first()
               if handoff else None)
    pending = pending_decision_get(handoff) if handoff and decided is None else None
    return ConversationDetail(
        conversation=conversation, customer=customer, handoff=handoff, packet=packet,
        timeline=timeline_for(customer), order=order, tracking=tracking, pending=pending,
        facts=customer_facts(customer), reply=reply_channel(conversation),
        canned=canned_list(conversation, user), colleagues=colleague_list(), decided=decided)


def timeline_for(customer: Customer, limit: int = HISTORY_LIMIT) -> list[TimelineEntry]:
    """Every message of the customer, across channels and conversations, with the notes
    agents left and what happened to the case (handoffs, decisions), oldest first."""
    messages = list(Message.objects.filter(conversation__customer=customer)
                    .select_related("agent").order_by("-created_at", "-id")[:limit])
    if not messages:
        return []
    since = messages[-1].created_at
    entries = [TimelineEntry("message", m.created_at, m, m.conversation_id) for m in messages]
    notes = InternalNote.objects.filter(conversation__customer=customer,
                                        created_at__gte=since).select_related("author")
    entries += [TimelineEntry("note", n.created_at, n, n.conversation_id) for n in notes]
    for h in Handoff.objects.filter(conversation__customer=customer, created_at__gte=since):
        entries.append(TimelineEntry("event", h.created_at, h, h.conversation_id,
                                     f"Handed to a person: {h.get_reason_display()}"))
        if h.closed_at:
            entries.append(TimelineEntry("event", h.closed_at, h, h.conversation_id,
                                         h.get_status_display()))
    for d in PolicyDecision.objects.filter(conversation__customer=customer,
                                           created_at__gte=since):
        if d.rule.startswith("agent."):
            text = d.explanation
        else:
            verdict = "allowed" if d.allowed else (
                "needs a person" if d.outcome.startswith("handoff:") else "refused")
            text = f"Policy {d.rule}: {verdict}"
        entries.append(TimelineEntry("event", d.created_at, d, d.conversation_id or 0, text))
    order = {"message": 0, "event": 1, "note": 2}
    entries.sort(key=lambda e: (e.at, order[e.kind], getattr(e.item, "pk", 0)))
    return entries


def pending_decision_get(handoff: Handoff) -> PendingDecision | None:
    """The action the bot proposed when policy sent it to a person (a refund above the
    threshold, a final-sale or out-of-window return, a high-value missing parcel), as the
    handoff's packet carries it (``proposed``), with the policy decision that stopped the
    bot; None when there is nothing a person can approve, or it is decided already."""
    if handoff.status not in OPEN_STATUSES:
        return None
    if ActionRecord.objects.filter(idempotency_key=decision_key(handoff)).exists():
        return None
    policy = handoff.packet.get("policy") or {}
    try:
        proposed = action_from_dict(handoff.packet.get("proposed") or {})
    except ActionInvalid:
        return None
    if not policy.get("rule") or not isinstance(proposed, APPROVABLE):
        return None
    decision = (PolicyDecision.objects.filter(
        conversation_id=handoff.conversation_id, rule=policy["rule"],
        order_number=proposed.order, allowed=False, outcome__startswith="handoff:",
        created_at__lte=handoff.created_at)
        .order_by("-created_at", "-id").first())
    order = store.order_get(proposed.order)
    if decision is None or order is None or \
            order.customer_id != handoff.conversation.customer_id:
        return None
    currency = order.currency
    if isinstance(proposed, OpenReturn):
        items = _return_items(order, proposed)
        if not items:
            return None
        value = sum((i.unit_price * i.quantity for i in items), Decimal(0))
        names = ", ".join(_item_name(i) for i in items)
        options = [("refund", f"Refund {money(value, currency)} to the original payment"),
                   ("store_credit", f"{money(value, currency)} store credit")]
        return PendingDecision(
            handoff=handoff, decision=decision, action="return", order=order, items=items,
            amount=value, proposed=proposed,
            title=f"Return {names} from order #{order.number}",
            detail=decision.explanation, options=options,
            default=proposed.resolution if proposed.resolution in dict(options) else "refund",
            decline_text=(f"I've looked at your request to return {names}, and I'm sorry: we "
                          f"can't make an exception this time. {decision.explanation}"))
    if isinstance(proposed, ResolveMissingParcel):
        options = [("reship", "Send a free replacement"),
                   ("refund", f"Refund {money(order.total, currency)}")]
        return PendingDecision(
            handoff=handoff, decision=decision, action="missing_parcel", order=order,
            items=list(order.items.all()), amount=order.total, proposed=proposed,
            title=f"Parcel not received: order #{order.number}", detail=decision.explanation,
            options=options, default=proposed.remedy,
            decline_text=(f"I've looked into order #{order.number} with the carrier, and I'm "
                          "sorry: we can't replace or refund it yet. I'll update you here as "
                          "soon as the investigation has an answer."))
    amount = proposed.amount
    return PendingDecision(
        handoff=handoff, decision=decision, action="refund", order=order, amount=amount,
        proposed=proposed, title=f"Refund {money(amount, currency)} on order #{order.number}",
        detail=decision.explanation,
        options=[("refund", f"Refund {money(amount, currency)} to the original payment"),
                 ("store_credit", f"{money(amount, currency)} store credit")],
        default="store_credit" if proposed.method == "store_credit" else "refund",
        decline_text=(f"I've looked at your refund request for order #{order.number}, and "
                      "I'm sorry: we can't refund it this time."))


def _return_items(order: Order, proposed: OpenReturn) -> list[OrderItem]:
    """The proposed return's items still on the order and not already sent back."""
    wanted = {line.item for line in proposed.items}
    returned = store.returned_quantities(order)
    return [i for i in order.items.all()
            if i.pk in wanted and returned.get(i.pk, 0) < i.quantity]


def _item_name(item: OrderItem) -> str:
    options = ", ".join(str(v) for v in (item.variant.options or {}).values())
    return f"{item.variant.product.name} ({options})" if options else item.variant.product.name


def customer_facts(customer: Customer) -> CustomerFacts:
    orders = list(store.order_list_for_customer(customer)[:10])
    kept = ~Q(order__status=OrderStatus.CANCELLED)
    line = ExpressionWrapper(F("unit_price") * F("quantity"),
                             output_field=DecimalField(max_digits=12, decimal_places=2))
    goods = OrderItem.objects.filter(kept, order__customer=customer).aggregate(
        total=Sum(line))["total"] or Decimal(0)
    shipping = Order.objects.filter(customer=customer).exclude(
        status=OrderStatus.CANCELLED).aggregate(total=Sum("shipping_cost"))["total"] or Decimal(0)
    refunded = Refund.objects.filter(order__customer=customer).exclude(
        status=Refund.Status.FAILED).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    returns = list(Return.objects.filter(order__customer=customer).select_related("order")
                   .order_by("-created_at")[:10])
    return CustomerFacts(
        orders=orders, order_count=Order.objects.filter(customer=customer).count(),
        lifetime_value=goods + shipping, returns=returns, refunded=refunded,
        tags=list(customer.tags or []),
        identities=list(customer.identities.order_by("channel", "-last_seen_at")),
        loyalty_points=store.loyalty_balance(customer),
        conversations=customer.conversations.count())


def reply_channel(conversation: Conversation) -> ReplyChannel:
    """Where a reply goes (the shopper's current channel) and, on WhatsApp, whether the
    24-hour window is open, or which approved templates can reach them instead."""
    channel = conversation.channel
    label = Channel(channel).label if channel in Channel.values else channel
    if channel != Channel.WHATSAPP:
        return ReplyChannel(channel, label)
    identity = (conversation.customer.identities.filter(channel=channel)
                .order_by("-last_seen_at").first())
    is_open = bool(identity) and whatsapp_window_open(identity.external_id)
    last = (Message.objects.filter(conversation=conversation, channel=channel,
                                   direction=Message.Direction.INBOUND)
            .order_by("-created_at").values_list("created_at", flat=True).first())
    return ReplyChannel(channel, label, window_open=is_open,
                        closes_at=last + whatsapp.WINDOW if last and is_open else None,
                        templates=whatsapp_templates())


def whatsapp_templates() -> list[str]:
    """The template purposes an agent may send: those configured in WHATSAPP_TEMPLATES
    (the documented purposes first), never the one-time code, which only identity
    linking sends."""
    configured = [p for p in settings.WHATSAPP_TEMPLATES if p != "one_time_code"]
    return ([p for p in TEMPLATE_PURPOSES if p in configured]
            + [p for p in configured if p not in TEMPLATE_PURPOSES])


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
PLACEHOLDERS = ("first_name", "name", "order_number", "tracking_number", "agent_name",
                "shop_name")


def placeholder_values(conversation: Conversation, agent: Any) -> dict[str, str]:
    """What a canned response's placeholders stand for in this conversation. A value
    that is unknown is left out, so its placeholder stays visible in the draft."""
    customer = conversation.customer
    handoff = handoff_current(conversation)
    number = str((handoff.packet.get("order") if handoff else "")
                 or (conversation.state or {}).get("order") or "")
    order = store.order_get(number) if number else None
    if order is not None and order.customer_id != customer.pk:
        order = None
    shipment = store.shipment_latest(order) if order is not None else None
    values = {
        "first_name": customer.name.split()[0] if customer.name.strip() else "",
        "name": customer.name.strip(),
        "order_number": order.number if order is not None else "",
        "tracking_number": shipment.tracking_number if shipment is not None else "",
        "agent_name": (getattr(agent, "first_name", "") or agent.get_username()) if agent else "",
        "shop_name": settings.SHOP_NAME,
    }
    return {k: v for k, v in values.items() if v}


def canned_render(text: str, values: dict[str, str]) -> str:
    """Fill {placeholders} from `values`; unknown or missing ones stay as written, so the
    agent sees what is left to fill in before sending."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


@dataclass(frozen=True)
class CannedChoices:
    """The canned responses an agent may insert, filled in for the conversation: those
    written in the shopper's language first, then the others, each as (response, text)."""

    language: str
    theirs: list[tuple[CannedResponse, str]]
    others: list[tuple[CannedResponse, str]]

    def __bool__(self) -> bool:
        return bool(self.theirs or self.others)

    def __iter__(self) -> Iterator[tuple[CannedResponse, str]]:
        return iter(self.theirs + self.others)


def canned_list(conversation: Conversation, agent: Any) -> CannedChoices:
    language = conversation.customer.language
    values = placeholder_values(conversation, agent)
    rank = {code: i for i, code in enumerate(LANGUAGES)}
    responses = sorted(CannedResponse.objects.all(),
                       key=lambda c: (c.title.casefold(), c.shortcut, rank.get(c.language, 99)))
    filled = [(c, canned_render(c.text, values)) for c in responses]
    return CannedChoices(language=language,
                         theirs=[(c, t) for c, t in filled if c.language == language],
                         others=[(c, t) for c, t in filled if c.language != language])


def colleague_list() -> list[Any]:
    """Active staff who may act on conversations: whom a case can be assigned to."""
    user_model = get_user_model()
    can_act = (Q(groups__permissions__codename="change_conversation",
                 groups__permissions__content_type__app_label="conversations")
               | Q(user_permissions__codename="change_conversation",
                   user_permissions__content_type__app_label="conversations"))
    return list(user_model.objects.filter(is_active=True, is_staff=True)
                .filter(Q(is_superuser=True) | can_act).distinct().order_by("username"))


def user_may_act(user: Any) -> bool:
    return bool(user.is_active and user.is_staff
                and user.has_perm("conversations.change_conversation"))

