"""Conversation scenarios (../shared/contracts/SCENARIOS.md): load, build the store, run
the turns through the real inbound path, check the expectations."""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

from agents.nlu.language import DEFAULT as DEFAULT_LANGUAGE
from agents.nlu.language import language_of
from alerts.services import shipments_watch_refresh
from channels_adapters.registry import captured
from commerce import services as commerce_services
from commerce.models import (
    Article,
    BackInStockSubscription,
    DiscountCode,
    ExceptionKind,
    LoyaltyTransaction,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentMethod,
    Product,
    Refund,
    Return,
    ReturnItem,
    Review,
    Shipment,
    ShipmentStatus,
    ShopPolicy,
    TrackingEvent,
    Variant,
)
from commerce.selectors import product_name_words
from commerce.tracking import Checkpoint
from conversations import services
from conversations.models import Handoff, HandoffReason, Message
from core import clock
from core.celery import app as celery_app
from core.models import Channel, Customer, MarketingConsent
from devtools import scenario_writes, scenario_yaml

CHANNELS = {"web", "whatsapp", "email", "telegram"}
FROM_KEYS = {"phone", "email", "session", "chat_id"}
RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([wdhms])$")
DURATION = re.compile(r"^\+?(\d+(?:\.\d+)?)([wdhms])$")
EVENTS = ("restock", "tracking", "advance")
LANGUAGE = re.compile(r"^[a-z]{2}$")
# The card an order is paid with when the scenario names none and the customer has no card.
DEFAULT_CARD = {"id": "card", "kind": "card", "brand": "visa", "last4": "4242"}
UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class ScenarioError(ValueError):
    """The file is not a valid scenario."""


@dataclass
class TurnResult:
    user: str
    replies: list[str]
    intent: str
    confidence: float | None
    failures: list[str] = field(default_factory=list)
    event: dict[str, Any] | None = None
    language: str = ""


@dataclass
class Outcome:
    name: str
    passed: bool
    failure: str = ""
    turns: list[TurnResult] = field(default_factory=list)
    handoff: dict[str, Any] | None = None
    # The consequential writes made during the conversation (scenario_writes), and those
    # of them that a scenario stating `actions` did not list.
    actions: list[dict[str, Any]] = field(default_factory=list)
    wrong_writes: list[dict[str, Any]] = field(default_factory=list)
    # Outbound messages the bot sent on its own, not in reply to a shopper's message.
    sent: list[dict[str, Any]] = field(default_factory=list)


def load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
    except UnicodeDecodeError as exc:
        raise ScenarioError("not UTF-8 text") from exc
    return load_text(text)


def load_text(text: str) -> dict[str, Any]:
    try:
        data = scenario_yaml.parse(text)
    except scenario_yaml.ScalarError as exc:
        raise ScenarioError(str(exc)) from exc
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ScenarioError("the file must hold a mapping")
    for key in ("name", "now", "conversation"):
        if key not in data:
            raise ScenarioError(f"missing required key '{key}'")
    if not isinstance(data["name"], str) or not data["name"]:
        raise ScenarioError("'name' must be a non-empty string")
    moment(str(data["now"]), None)
    conv = data["conversation"]
    if not isinstance(conv, dict):
        raise ScenarioError("'conversation' must be a mapping")
    if conv.get("channel") not in CHANNELS:
        raise ScenarioError(f"conversation.channel must be one of {sorted(CHANNELS)}")
    sender = conv.get("from")
    if not isinstance(sender, dict) or not (set(sender) & FROM_KEYS):
        raise ScenarioError("conversation.from must give one of phone, email, session, chat_id")
    turns = conv.get("turns")
    if not isinstance(turns, list) or not turns:
        raise ScenarioError("conversation.turns must be a non-empty list")
    for i, turn in enumerate(turns, 1):
        if not isinstance(turn, dict):
            raise ScenarioError(f"turn {i} needs a 'user' message or an 'event'")
        if "event" in turn:
            if "user" in turn:
                raise ScenarioError(f"turn {i} has both 'user' and 'event'; give one")
            _check_event(turn["event"], f"conversation.turns[{i - 1}].event")
        elif not isinstance(turn.get("user"), str):
            raise ScenarioError(f"turn {i} needs a 'user' message or an 'event'")
        if "expect" in turn and not isinstance(turn["expect"], dict):
            raise ScenarioError(f"turn {i}: 'expect' must be a mapping")
        language = (turn.get("expect") or {}).get("language")
        if language is not None and not LANGUAGE.match(str(language)):
            raise ScenarioError(f"turn {i}: expect.language '{language}' is not a two-letter "
                                "language code")
    store = data.get("store") or {}
    if not isinstance(store, dict):
        raise ScenarioError("'store' must be a mapping")
    for key in ("customers", "products", "orders", "subscriptions"):
        if key in store and not isinstance(store[key], list):
            raise ScenarioError(f"store.{key} must be a list")
    for i, c in enumerate(store.get("customers") or []):
        if not isinstance(c, dict):
            raise ScenarioError(f"store.customers[{i}] must be a mapping")
        for key in ("payment_methods", "consents"):
            if key in c and not (isinstance(c[key], list)
                                 and all(isinstance(x, dict) for x in c[key])):
                raise ScenarioError(f"store.customers[{i}].{key} must be a list of mappings")
    if "expect" in data and not isinstance(data["expect"], dict):
        raise ScenarioError("'expect' must be a mapping")
    _check_final_expect(data.get("expect") or {})
    return data


def _check_event(event: Any, where: str) -> None:
    if not isinstance(event, dict) or len(event) != 1 or next(iter(event)) not in EVENTS:
        raise ScenarioError(f"{where} must be one of {{restock: ...}}, {{tracking: ...}}, "
                            "{advance: ...}")
    kind, body = next(iter(event.items()))
    if kind == "advance":
        duration(body, f"{where}.advance")
        return
    if not isinstance(body, dict):
        raise ScenarioError(f"{where}.{kind} must be a mapping")
    needed = ("sku", "stock") if kind == "restock" else ("order", "status")
    for key in needed:
        if body.get(key) is None:
            raise ScenarioError(f"{where}.{kind} needs '{key}'")
    if kind == "restock" and (isinstance(body["stock"], bool)
                              or not isinstance(body["stock"], int) or body["stock"] < 0):
        raise ScenarioError(f"{where}.restock.stock must be a whole number, 0 or more")


def _check_final_expect(expect: dict[str, Any]) -> None:
    actions = expect.get("actions")
    if "actions" in expect:
        if not isinstance(actions, list):
            raise ScenarioError("expect.actions must be a list ([] for none)")
        for i, a in enumerate(actions):
            if not isinstance(a, dict) or a.get("kind") not in scenario_writes.KINDS:
                raise ScenarioError(f"expect.actions[{i}] needs a kind, one of "
                                    f"{', '.join(scenario_writes.KINDS)}")
    if "sent" in expect:
        sent = expect["sent"]
        if not isinstance(sent, list) or not all(isinstance(x, dict) for x in sent):
            raise ScenarioError("expect.sent must be a list of mappings ([] for none)")
    orders = expect.get("orders") or {}
    if not isinstance(orders, dict) or not all(isinstance(v, dict) for v in orders.values()):
        raise ScenarioError("expect.orders must map order numbers to what is expected of "
                            "each, e.g. {\"1042\": {status: shipped}}")


def duration(value: Any, what: str) -> timedelta:
    """`3d`, `+12h`, `90m`: how far the clock moves on."""
    match = DURATION.match(str(value).strip())
    if match is None or isinstance(value, bool):
        raise ScenarioError(f"{what}: '{value}' is not a duration such as 3d, 12h or 30m")
    amount, unit = match.groups()
    return timedelta(**{UNITS[unit]: float(amount)})


def moment(value: Any, now: datetime | None) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=_utc())
    text = str(value).strip()
    rel = RELATIVE.match(text)
    if rel:
        if now is None:
            raise ScenarioError(f"'{text}' is relative, but 'now' must be an absolute time")
        sign, amount, unit = rel.groups()
        delta = timedelta(**{UNITS[unit]: float(amount)})
        return now + delta if sign == "+" else now - delta
    try:
        parsed = parse_datetime(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ScenarioError(f"'{text}' is not a valid time: {exc}") from exc
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ScenarioError(f"'{text}' is neither a relative time (-5d) nor an ISO "
                                "time") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=_utc())


def _utc() -> Any:
    from datetime import UTC

    return UTC


def _money(value: Any, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ScenarioError(f"{what}: '{value}' is not an amount") from exc


def _choice(value: Any, allowed: Any, what: str) -> str:
    values = {c.value for c in allowed}
    if value not in values:
        raise ScenarioError(f"{what}: '{value}' is not one of {sorted(values)}")
    return str(value)


# Scenario authors name the shop's rules in their own words; each alias means one setting.
POLICY_ALIASES = {
    "return_window": "return_window_days",
    "returns_window_days": "return_window_days",
    "refund_threshold": "refund_approval_threshold",
    "approval_threshold": "refund_approval_threshold",
    "high_value_threshold": "refund_approval_threshold",
    "refund_approval_limit": "refund_approval_threshold",
    "max_auto_refund": "refund_approval_threshold",
    "exceptions_allowed": "allow_exceptions",
    "allow_return_exceptions": "allow_exceptions",
    "allow_policy_exceptions": "allow_exceptions",
    "final_sale_returns": "final_sale_returnable",
    "allow_final_sale_returns": "final_sale_returnable",
    "return_cost": "return_shipping_cost",
    "return_label_cost": "return_shipping_cost",
    "keep_it_threshold": "return_shipping_cost",
    "returnless_refund_threshold": "return_shipping_cost",
    "lost_parcel_threshold": "lost_parcel_value_threshold",
    "lost_high_value_threshold": "lost_parcel_value_threshold",
    "lost_value_threshold": "lost_parcel_value_threshold",
    "high_value_parcel_threshold": "lost_parcel_value_threshold",
    "late_delivery_discount": "late_delivery_discount_percent",
    "late_discount_percent": "late_delivery_discount_percent",
}
BOOLEAN_WORDS = {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}
POLICY_SETTINGS = {f.name: f for f in ShopPolicy._meta.concrete_fields if not f.primary_key}


def build_policy(overrides: dict[str, Any]) -> ShopPolicy:
    if not isinstance(overrides, dict):
        raise ScenarioError("store.policy must be a mapping")
    policy = ShopPolicy()
    for key, value in overrides.items():
        name = POLICY_ALIASES.get(str(key), str(key))
        field_ = POLICY_SETTINGS.get(name)
        if field_ is None:
            raise ScenarioError(f"store.policy: unknown setting '{key}' (known: "
                                f"{', '.join(sorted(POLICY_SETTINGS))})")
        if isinstance(value, str) and value.strip().lower() in BOOLEAN_WORDS:
            value = BOOLEAN_WORDS[value.strip().lower()]
        try:
            setattr(policy, name, field_.to_python(value))
        except ValidationError as exc:
            raise ScenarioError(f"store.policy.{key}: {'; '.join(exc.messages)}") from exc
    policy.save()
    return policy


def build_store(data: dict[str, Any], now: datetime) -> dict[str, Customer]:
    store = data.get("store") or {}
    build_policy(store.get("policy") or {})
    customers: dict[str, Customer] = {}
    conversation_channel = (data.get("conversation") or {}).get("channel", "")
    postcodes: dict[str, str] = {}
    methods: dict[str, dict[str, PaymentMethod]] = {}
    for i, c in enumerate(store.get("customers") or []):
        ref = c.get("ref") or c.get("email")
        if not ref:
            raise ScenarioError("store.customers: each customer needs a ref")
        language = str(c.get("language", "en")).lower()
        if not LANGUAGE.match(language):
            raise ScenarioError(f"store.customers[{i}].language: '{language}' is not a "
                                "two-letter language code (ISO 639-1)")
        consents = c.get("consents") or []
        # The channel the shopper writes on is the one they prefer, unless told otherwise.
        preferred = c.get("preferred_channel") or conversation_channel
        if preferred:
            _choice(preferred, Channel, f"store.customers[{i}].preferred_channel")
        customers[ref] = Customer.objects.create(
            name=c.get("name", ""), email=c.get("email", ""), phone=str(c.get("phone", "")),
            tags=list(c.get("tags") or []), language=language, preferred_channel=preferred,
            marketing_consent=bool(c.get("marketing_consent", bool(consents))), created_at=now)
        postcodes[ref] = str(c.get("postcode", ""))
        if c.get("points"):
            LoyaltyTransaction.objects.create(customer=customers[ref], points=int(c["points"]),
                                              reason="Opening balance", created_at=now)
        for j, consent in enumerate(consents):
            where = f"store.customers[{i}].consents[{j}]"
            MarketingConsent.objects.create(
                customer=customers[ref],
                channel=_choice(consent.get("channel"), Channel, f"{where}.channel"),
                purpose=str(consent.get("purpose") or "marketing")[:40],
                wording=str(consent.get("wording", "")), created_at=now)
        methods[ref] = {}
        for j, method in enumerate(c.get("payment_methods") or []):
            _payment_method(customers[ref], method, methods[ref],
                            f"store.customers[{i}].payment_methods[{j}]", now)
    variants: dict[str, Variant] = {}
    for p in store.get("products") or []:
        if not p.get("sku"):
            raise ScenarioError("store.products: each product needs a sku")
        name = p.get("name") or p["sku"]
        product = Product.objects.filter(name=name).first()
        if product is None:
            base = slugify(name) or slugify(p["sku"])
            product = Product.objects.create(
                name=name, slug=f"{base}-{Product.objects.count() + 1}",
                category=p.get("category", "apparel"), kind=p.get("kind", _kind(name)),
                description=p.get("description", ""), material=p.get("material", ""))
        for r in p.get("reviews") or []:
            review = r if isinstance(r, dict) else {"body": str(r)}
            Review.objects.create(product=product, rating=int(review.get("rating", 4)),
                                  body=review.get("body", ""), created_at=now)
        variants[p["sku"]] = Variant.objects.create(
            product=product, sku=p["sku"], options=dict(p.get("options") or {}),
            price=_money(p.get("price", "0"), f"product {p['sku']} price"),
            stock=int(p.get("stock", 0)), final_sale=bool(p.get("final_sale", False)))
    for o in store.get("orders") or []:
        _order(o, customers, postcodes, variants, methods, now)
    channel = (data.get("conversation") or {}).get("channel", "web")
    wishes: set[tuple[str, str]] = set()
    for i, wish in enumerate(store.get("subscriptions") or []):
        where = f"store.subscriptions[{i}]"
        if not isinstance(wish, dict):
            raise ScenarioError(f"{where} must be a mapping")
        customer = customers.get(wish.get("customer"))
        if customer is None:
            raise ScenarioError(f"{where}: unknown customer '{wish.get('customer')}'")
        variant = variants.get(wish.get("sku"))
        if variant is None:
            raise ScenarioError(f"{where}: unknown sku '{wish.get('sku')}'")
        if (wish["customer"], wish["sku"]) in wishes:
            raise ScenarioError(f"{where}: {wish['customer']} already waits for {wish['sku']}")
        wishes.add((wish["customer"], wish["sku"]))
        BackInStockSubscription.objects.create(
            customer=customer, variant=variant,
            channel=_choice(wish.get("channel", channel), Channel, f"{where}.channel"),
            created_at=now)
    for code in store.get("discount_codes") or []:
        DiscountCode.objects.create(
            code=code["code"], kind=code.get("kind", "percent"),
            value=_money(code.get("value", "0"), "discount value"),
            min_order_total=_money(code.get("min_order_total", "0"), "discount minimum"),
            valid_from=moment(code["valid_from"], now) if code.get("valid_from") else None,
            valid_until=moment(code["valid_until"], now) if code.get("valid_until") else None,
            usage_limit=code.get("usage_limit"), times_used=int(code.get("times_used", 0)),
            active=bool(code.get("active", True)),
            excludes_sale_items=bool(code.get("excludes_sale_items", False)),
            category=code.get("category", ""))
    for i, a in enumerate(store.get("articles") or []):
        Article.objects.create(slug=slugify(a["title"])[:50], title=a["title"],
                               topic=a.get("topic", "shipping"), body=a["body"],
                               translations=_article_translations(
                                   a.get("translations"), f"store.articles[{i}]"))
    return customers


def _article_translations(spec: Any, where: str) -> dict[str, dict[str, str]]:
    """An article's `translations: {es: {title: ..., body: ...}}`: its text in other
    languages, as the shop wrote it."""
    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise ScenarioError(f"{where}.translations must be a mapping of language to "
                            "{title, body}")
    out: dict[str, dict[str, str]] = {}
    for language, text in spec.items():
        if not LANGUAGE.match(str(language)) or not isinstance(text, dict) \
                or not str(text.get("body") or "").strip():
            raise ScenarioError(f"{where}.translations.{language}: needs a two-letter "
                                "language code and a body")
        out[str(language)] = {"title": str(text.get("title") or ""),
                              "body": str(text["body"])}
    return out


def _payment_method(customer: Customer, spec: dict[str, Any],
                    held: dict[str, PaymentMethod], where: str, now: datetime) -> PaymentMethod:
    ref = str(spec.get("id") or "")
    if not ref or len(ref) > 40:
        raise ScenarioError(f"{where}: needs an id of at most 40 characters")
    if ref in held:
        raise ScenarioError(f"{where}: the id '{ref}' is already used for this customer")
    last4 = str(spec.get("last4", ""))
    if last4 and not re.fullmatch(r"\d{4}", last4):
        raise ScenarioError(f"{where}.last4: '{last4}' is not four digits")
    balance = spec.get("balance")
    held[ref] = PaymentMethod.objects.create(
        customer=customer, ref=ref,
        kind=_choice(spec.get("kind", "card"), PaymentMethod.Kind, f"{where}.kind"),
        brand=str(spec.get("brand", "")).lower()[:20], last4=last4,
        balance=None if balance is None else _money(balance, f"{where}.balance"),
        created_at=now)
    return held[ref]


def _paid_with(o: dict[str, Any], number: str, customer: Customer,
               held: dict[str, PaymentMethod], now: datetime) -> PaymentMethod:
    wanted = o.get("paid_with")
    if wanted is not None:
        method = held.get(str(wanted))
        if method is None:
            raise ScenarioError(f"order {number}: paid_with '{wanted}' is not one of the "
                                f"customer's payment methods ({', '.join(held) or 'none'})")
        return method
    card = next((m for m in held.values() if m.kind == PaymentMethod.Kind.CARD), None)
    return card or _payment_method(customer, DEFAULT_CARD, held, f"order {number} card", now)


def _kind(name: str) -> str:
    words = re.findall(r"[a-z]+", name.lower())
    return words[-1] if words else "item"


def _order(o: dict[str, Any], customers: dict[str, Customer], postcodes: dict[str, str],
           variants: dict[str, Variant], methods: dict[str, dict[str, PaymentMethod]],
           now: datetime) -> None:
    number = str(o.get("number", "")).strip()
    if not number:
        raise ScenarioError("store.orders: each order needs a number")
    customer = customers.get(o.get("customer"))
    if customer is None:
        raise ScenarioError(f"order {number}: unknown customer '{o.get('customer')}'")
    status = _choice(o.get("status", "processing"), OrderStatus, f"order {number} status")
    address = o.get("shipping_address") or {}
    placed = o.get("placed", o.get("placed_at", "-1d"))
    paid_with = _paid_with(o, number, customer, methods[o["customer"]], now)
    order = Order.objects.create(
        number=number, customer=customer, status=status,
        placed_at=moment(placed, now), email=o.get("email", customer.email),
        phone=str(o.get("phone", customer.phone)), ship_name=customer.name,
        ship_line1=address.get("line1", ""), ship_line2=address.get("line2", ""),
        ship_city=address.get("city", ""),
        ship_postcode=str(address.get("postcode", postcodes.get(o.get("customer"), ""))),
        ship_country=address.get("country", "GB"),
        shipping_cost=_money(o.get("shipping_cost", "0"), f"order {number} shipping"),
        paid_with=paid_with)
    items: dict[str, OrderItem] = {}
    for item in o.get("items") or []:
        variant = variants.get(item.get("sku"))
        if variant is None:
            raise ScenarioError(f"order {number}: unknown sku '{item.get('sku')}'")
        items[variant.sku] = OrderItem.objects.create(
            order=order, variant=variant, quantity=int(item.get("qty", item.get("quantity", 1))),
            unit_price=_money(item.get("price", variant.price), f"order {number} price"),
            final_sale=variant.final_sale)
    total = order.total
    payments = o.get("payments")
    if payments is None and status != OrderStatus.PENDING:
        payments = [{"amount": str(total), "at": placed}]
    for i, p in enumerate(payments or [], 1):
        Payment.objects.create(order=order, amount=_money(p.get("amount", total), "payment"),
                               method=p.get("method", paid_with.kind),
                               status=p.get("status", "captured"),
                               reference=p.get("reference", f"PAY-{number}-{i}"),
                               created_at=moment(p.get("at", placed), now))
    shipment = o.get("shipment")
    if shipment:
        ship = Shipment.objects.create(
            order=order, carrier=shipment.get("carrier", "royal_mail"),
            tracking_number=str(shipment.get("tracking_number", f"TRK{number}")),
            promised_by=moment(shipment["promised_by"], now) if shipment.get("promised_by")
            else None, created_at=order.placed_at)
        for e in shipment.get("events") or []:
            event_status = _choice(e.get("status"), ShipmentStatus, f"order {number} event")
            exception = e.get("exception", "")
            if exception:
                _choice(exception, ExceptionKind, f"order {number} exception")
            elif event_status == ShipmentStatus.EXCEPTION:
                raise ScenarioError(f"order {number}: an exception event needs 'exception'")
            TrackingEvent.objects.create(
                shipment=ship, at=moment(e.get("at", "-1d"), now), status=event_status,
                exception=exception, location=e.get("location", ""),
                detail=e.get("detail", e.get("description", "")),
                carrier_code=e.get("code", ""))
        shipments_watch_refresh([ship.pk])
    for i, r in enumerate(o.get("returns") or [], 1):
        ret = Return.objects.create(
            order=order, number=r.get("number", f"R-{number}-{i}"),
            status=r.get("status", "label_sent"), resolution=r.get("resolution", "refund"),
            reason=r.get("reason", ""), carrier=r.get("carrier", "royal_mail"),
            tracking_number=r.get("tracking_number", ""),
            idempotency_key=f"scenario:{number}:{i}",
            created_at=moment(r.get("created", "-3d"), now))
        for sku in r.get("skus") or list(items):
            if sku not in items:
                raise ScenarioError(f"order {number} return: sku '{sku}' is not on the order")
            ReturnItem.objects.create(return_request=ret, order_item=items[sku],
                                      quantity=items[sku].quantity)
    for i, r in enumerate(o.get("refunds") or [], 1):
        Refund.objects.create(
            order=order, amount=_money(r.get("amount", total), "refund"),
            method=r.get("method", "original_payment"), status=r.get("status", "processing"),
            reason=r.get("reason", ""), idempotency_key=f"scenario:{number}:refund:{i}",
            created_at=moment(r.get("created", "-2d"), now),
            expected_by=moment(r["expected_by"], now) if r.get("expected_by") else None,
            completed_at=moment(r["completed"], now) if r.get("completed") else None,
            decided_by="store")


def sender_id(conv: dict[str, Any]) -> str:
    sender = conv["from"]
    for key in ("phone", "email", "session", "chat_id"):
        if sender.get(key):
            return str(sender[key])
    raise ScenarioError("conversation.from is empty")


def run(data: dict[str, Any]) -> Outcome:
    """Run one loaded scenario. The caller provides the empty store and rolls it back."""
    now = moment(str(data["now"]), None)
    outcome = Outcome(name=data["name"], passed=True)
    failures: list[str] = []
    with clock.frozen_at(now):
        customers = build_store(data, now)
        refs = {customer.pk: ref for ref, customer in customers.items()}
        first_refund = Refund.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first_return = Return.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first_message = _last_message_pk()
        replies_to_shopper: set[int] = set()
        conv = data["conversation"]
        for i, turn in enumerate(conv["turns"], 1):
            # An event itself (stock, a carrier scan, the time) is none of the write kinds:
            # what changes beyond it during the turn is the shop's software reacting.
            before = scenario_writes.snapshot()
            if "event" in turn:
                result = _event_turn(turn["event"], f"conversation.turns[{i - 1}].event",
                                     sender_id(conv))
            else:
                result, replies = _user_turn(turn, i, conv)
                replies_to_shopper.update(m.pk for m in replies)
            outcome.actions.extend(
                scenario_writes.writes_between(before, scenario_writes.snapshot()))
            result.failures = check_turn(turn.get("expect") or {}, result)
            outcome.turns.append(result)
            failures.extend(f"turn {i}: {f}" for f in result.failures[:1])
            clock.advance(timedelta(seconds=30))
        handoff = Handoff.objects.order_by("-pk").first()
        outcome.handoff = ({"reason": handoff.reason, "packet": handoff.packet}
                           if handoff else None)
        outcome.sent = _sent_unprompted(first_message, replies_to_shopper, refs)
        expect = data.get("expect") or {}
        failures.extend(check_final(expect, first_refund, first_return, outcome.sent))
        if "actions" in expect:
            missing, outcome.wrong_writes = scenario_writes.compare(expect["actions"] or [],
                                                                    outcome.actions)
            made = ", ".join(map(scenario_writes.describe, outcome.actions)) or "none"
            failures.extend(f"expected the action {scenario_writes.describe(m)}, which was "
                            f"not made (writes made: {made})" for m in missing)
    wrong = [scenario_writes.describe(w) for w in outcome.wrong_writes]
    if wrong:
        failures.insert(0, f"wrong write{'s' if len(wrong) > 1 else ''}: {', '.join(wrong)} "
                           "(not in expect.actions)")
    if failures:
        outcome.passed = False
        outcome.failure = failures[0] if not wrong or len(failures) == 1 else \
            f"{failures[0]}; and {failures[1]}"
    return outcome


def _last_message_pk() -> int:
    return Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _user_turn(turn: dict[str, Any], i: int, conv: dict[str, Any]
               ) -> tuple[TurnResult, list[Message]]:
    text = str(turn["user"])
    attachments = [{"type": "image", "url": "scenario://photo.jpg"}] if any(
        turn.get(k) for k in ("image", "photo", "attachment", "attachments")) else []
    inbound = services.Inbound(channel=conv["channel"], sender_id=sender_id(conv), text=text,
                               external_id=f"scenario-{i}",
                               payload={"attachments": attachments})
    message = services.message_receive(inbound)
    replies = services.message_process(message.pk) if message else []
    message = Message.objects.get(pk=message.pk) if message else None
    texts = [m.text for m in replies]
    return TurnResult(user=text, replies=texts, intent=message.intent if message else "",
                      confidence=message.confidence if message else None,
                      language=_language(texts)), replies


def _language(texts: list[str]) -> str:
    """The language the bot's text is written in. The store's product names are proper
    nouns, no evidence of a language ("Heavyweight Hoodie" inside an Italian sentence),
    and so are addresses and numbers (agents.nlu.language)."""
    said = "\n".join(t for t in texts if t.strip())
    if not said:
        return ""
    return language_of(said, ignore=product_name_words()) or DEFAULT_LANGUAGE


def _same_contact(to: str, shopper: str) -> bool:
    if "@" in shopper or not any(c.isdigit() for c in shopper):
        return to.strip().lower() == shopper.strip().lower()
    return services.phone_digits(to) == services.phone_digits(shopper)


def _event_turn(event: dict[str, Any], where: str, shopper: str) -> TurnResult:
    """Something happens in the world, through the same code as its real source; what the
    bot sends on its own meanwhile is the turn's reply."""
    mark = _last_message_pk()
    kind, body = next(iter(event.items()))
    with _world_at_work():
        if kind == "restock":
            _restock(body, f"{where}.restock")
        elif kind == "tracking":
            _tracking_update(body, f"{where}.tracking")
        else:
            delta = duration(body, f"{where}.advance")
            clock.advance(delta)
            _scheduled_work_run(delta)
    # What the scenario's shopper was sent: messages to other customers of the store (a
    # restock tells everyone waiting) are checked by the final `sent`, not by this turn.
    sent = [text for text, to in Message.objects.filter(
        pk__gt=mark, direction=Message.Direction.OUTBOUND).order_by("pk").values_list(
        "text", "payload__to") if _same_contact(str(to or ""), shopper)]
    return TurnResult(user="", replies=sent, intent="", confidence=None, event=event,
                      language=_language(sent))


_EAGER_KEYS = ("task_always_eager", "task_eager_propagates")


@contextlib.contextmanager
def _world_at_work() -> Iterator[None]:
    """Outside the scenario's own transaction an event's after-commit work (a task queued,
    a message delivered) would run once it commits; here it runs at the end of the event,
    tasks run inline, and anything sent is captured instead of reaching a platform."""
    queued = len(connection.run_on_commit)
    # Set for the event only, then put back as it was: an override Celery did not have
    # before is removed, not written back as a fixed value, or it would hide the
    # CELERY_TASK_ALWAYS_EAGER setting from everything that runs after (its tasks queued
    # for a worker, or run inline, whatever the setting says).
    overridden = {key: celery_app.conf.changes[key] for key in _EAGER_KEYS
                  if key in celery_app.conf.changes}
    celery_app.conf.update(dict.fromkeys(_EAGER_KEYS, True))
    try:
        with captured():
            yield
            while len(connection.run_on_commit) > queued:
                _, callback, _ = connection.run_on_commit.pop(queued)
                callback()
    finally:
        for key in _EAGER_KEYS:
            celery_app.conf.changes.pop(key, None)
        celery_app.conf.update(overridden)


def _restock(body: dict[str, Any], where: str) -> None:
    variant = Variant.objects.filter(sku=str(body["sku"])).first()
    if variant is None:
        raise ScenarioError(f"{where}: unknown sku '{body['sku']}'")
    variant.stock = int(body["stock"])
    # A stock change is saved the way the admin saves it: the registered ModelAdmin's
    # save_model, so whatever the shop hooks there runs here too.
    request = HttpRequest()
    request.user = AnonymousUser()
    model_admin = admin.site.get_model_admin(Variant)
    model_admin.save_model(request, variant, None, change=True)


def _tracking_update(body: dict[str, Any], where: str) -> None:
    order = Order.objects.filter(number=str(body["order"])).first()
    if order is None:
        raise ScenarioError(f"{where}: unknown order '{body['order']}'")
    shipment = order.shipments.order_by("-created_at", "-pk").first()
    if shipment is None:
        raise ScenarioError(f"{where}: order {order.number} has no shipment")
    status = _choice(body["status"], ShipmentStatus, f"{where}.status")
    exception = body.get("exception") or ""
    if exception:
        _choice(exception, ExceptionKind, f"{where}.exception")
    elif status == ShipmentStatus.EXCEPTION:
        raise ScenarioError(f"{where}: an exception event needs 'exception'")
    at = moment(body["at"], clock.now()) if body.get("at") else clock.now()
    commerce_services.shipment_checkpoints_store(shipment, [Checkpoint(
        at=at, status=status, exception=str(exception), location=str(body.get("location", "")),
        detail=str(body.get("detail", "")), code=str(body.get("code", "")))])


def _scheduled_work_run(delta: timedelta) -> None:
    """The beat schedule's tasks that fall due within `delta`, each once (they are
    idempotent, so once covers every tick missed). A task on a crontab or other calendar
    schedule runs once whatever the advance."""
    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        every = entry["schedule"]
        every = getattr(every, "run_every", every)
        if isinstance(every, int | float):
            every = timedelta(seconds=every)
        if isinstance(every, timedelta) and every > delta:
            continue
        celery_app.tasks[entry["task"]].apply(args=entry.get("args", ()),
                                             kwargs=entry.get("kwargs", {}), throw=True)


def _sent_unprompted(first_message: int, replies: set[int], refs: dict[int, str]
                     ) -> list[dict[str, Any]]:
    """Outbound messages of the scenario that were not a reply to a shopper's message."""
    sent = []
    for message in Message.objects.filter(
            pk__gt=first_message, direction=Message.Direction.OUTBOUND).exclude(
            pk__in=replies).select_related("conversation__customer").order_by("pk"):
        customer = message.conversation.customer
        template = message.payload.get("template") or ""
        if isinstance(template, dict):
            template = template.get("purpose") or template.get("name") or ""
        sent.append({"customer": refs.get(customer.pk, str(customer)),
                     "channel": message.channel, "template": str(template),
                     "text": message.text})
    return sent


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def check_turn(expect: dict[str, Any], result: TurnResult) -> list[str]:
    failures = []
    said = "\n".join(result.replies)
    lowered = said.lower()
    if "intent" in expect and result.intent != expect["intent"]:
        failures.append(f"expected intent {expect['intent']}, got {result.intent or 'none'}")
    for phrase in _as_list(expect.get("says")):
        if phrase.lower() not in lowered:
            failures.append(f"expected the reply to say {phrase!r}, it said {said!r}")
    any_of = _as_list(expect.get("says_any"))
    if any_of and not any(p.lower() in lowered for p in any_of):
        failures.append(f"expected the reply to say one of {any_of!r}, it said {said!r}")
    for phrase in _as_list(expect.get("never_says")):
        if phrase.lower() in lowered:
            failures.append(f"expected the reply never to say {phrase!r}, it said {said!r}")
    if "language" in expect:
        wanted = str(expect["language"]).lower()
        if not result.language:
            failures.append(f"expected a reply in {wanted}, there was no reply")
        elif result.language != wanted:
            failures.append(f"expected the reply in {wanted}, it was in {result.language}: "
                            f"{said!r}")
    return failures


def check_final(expect: dict[str, Any], first_refund: int, first_return: int,
                sent: list[dict[str, Any]] | None = None) -> list[str]:
    failures: list[str] = []
    if "handoff" in expect:
        wanted = expect["handoff"]
        handoffs = list(Handoff.objects.order_by("pk"))
        if wanted in (False, None):
            if handoffs:
                failures.append(f"expected no handoff, got handoff {handoffs[-1].reason}")
        else:
            reason = wanted.get("reason") if isinstance(wanted, dict) else None
            if reason and reason not in HandoffReason.values:
                failures.append(f"expect.handoff.reason '{reason}' is not a known reason")
            elif not handoffs:
                failures.append(f"expected handoff {reason or ''}, got no handoff".strip())
            elif reason and reason not in [h.reason for h in handoffs]:
                failures.append(f"expected handoff {reason}, got handoff {handoffs[-1].reason}")
    for number, fields in (expect.get("orders") or {}).items():
        order = Order.objects.filter(number=str(number)).first()
        if order is None:
            failures.append(f"expected order {number} to exist")
            continue
        if "status" in fields and order.status != fields["status"]:
            failures.append(f"expected order {number} status {fields['status']}, "
                            f"got {order.status}")
        address = {"line1": order.ship_line1, "line2": order.ship_line2,
                   "city": order.ship_city, "postcode": order.ship_postcode,
                   "country": order.ship_country}
        for key, value in (fields.get("shipping_address") or {}).items():
            got = address.get(key, "")
            if re.sub(r"\s+", "", str(got)).lower() != re.sub(r"\s+", "", str(value)).lower():
                failures.append(f"expected order {number} shipping_address.{key} {value!r}, "
                                f"got {got!r}")
        if "items" in fields:
            got_items = _lines((i.variant.sku, i.quantity)
                               for i in order.items.select_related("variant"))
            wanted_items = _lines((str(i.get("sku")), int(i.get("qty", i.get("quantity", 1))))
                                  for i in fields["items"] or [])
            if got_items != wanted_items:
                failures.append(f"expected order {number} items {_show_lines(wanted_items)}, "
                                f"got {_show_lines(got_items)}")
        if "paid_with" in fields:
            paid_with = order.paid_with.ref if order.paid_with else None
            if paid_with != str(fields["paid_with"]):
                failures.append(f"expected order {number} paid_with {fields['paid_with']}, "
                                f"got {paid_with or 'nothing'}")
    if "returns" in expect:
        actual = [
            {"order": r.order.number,
             "skus": sorted(i.order_item.variant.sku for i in r.items.all()),
             "resolution": r.resolution, "label": bool(r.label_file),
             "exchange_skus": sorted(i.exchange_for.sku for i in r.items.all()
                                     if i.exchange_for is not None)}
            for r in Return.objects.filter(pk__gt=first_return).select_related(
                "order").prefetch_related("items__order_item__variant", "items__exchange_for")
        ]
        wanted = expect["returns"] or []
        if len(actual) != len(wanted):
            failures.append(f"expected {len(wanted)} return(s), got {len(actual)}: {actual}")
        else:
            remaining = list(actual)
            for w in wanted:
                match = next((a for a in remaining if _return_matches(w, a)), None)
                if match is None:
                    failures.append(f"expected a return {w}, got {actual}")
                    break
                remaining.remove(match)
    if "refunded_total" in expect:
        total = sum((r.amount for r in Refund.objects.filter(pk__gt=first_refund)),
                    Decimal("0"))
        if total != Decimal(str(expect["refunded_total"])):
            failures.append(f"expected refunded_total {expect['refunded_total']}, got {total}")
    if "subscriptions" in expect:
        # The wishes still waiting: one a restock alert has answered is no longer a wish.
        actual_skus = sorted(BackInStockSubscription.objects.filter(
            notified_at__isnull=True).values_list("variant__sku", flat=True))
        wanted_skus = sorted(str(s.get("sku")) for s in expect["subscriptions"] or [])
        if actual_skus != wanted_skus:
            failures.append(f"expected subscriptions {wanted_skus}, got {actual_skus}")
    if "sent" in expect:
        failures.extend(_check_sent(expect["sent"] or [], sent or []))
    return failures


def _lines(pairs: Any) -> list[tuple[str, int]]:
    total: Counter[str] = Counter()
    for sku, qty in pairs:
        total[sku] += qty
    return sorted(total.items())


def _show_lines(lines: list[tuple[str, int]]) -> str:
    return "[" + ", ".join(f"{qty} x {sku}" for sku, qty in lines) + "]"


def _check_sent(wanted: list[dict[str, Any]], sent: list[dict[str, Any]]) -> list[str]:
    shown = [{k: v for k, v in m.items() if k != "text" and v} for m in sent]
    if len(wanted) != len(sent):
        return [f"expected {len(wanted)} message(s) sent unprompted, got {len(sent)}: {shown}"]
    remaining = list(sent)
    for w in wanted:
        match = next((m for m in remaining
                      if all(str(w[k]) == str(m[k]) for k in ("customer", "channel", "template")
                             if w.get(k) is not None)), None)
        if match is None:
            return [f"expected a message sent unprompted {w}, got {shown}"]
        remaining.remove(match)
    return []


def _return_matches(wanted: dict[str, Any], actual: dict[str, Any]) -> bool:
    if "order" in wanted and str(wanted["order"]) != actual["order"]:
        return False
    if "skus" in wanted and sorted(map(str, wanted["skus"])) != actual["skus"]:
        return False
    if "resolution" in wanted and wanted["resolution"] != actual["resolution"]:
        return False
    if "exchange_skus" in wanted and sorted(map(str, wanted["exchange_skus"] or [])) != \
            actual["exchange_skus"]:
        return False
    return not ("label" in wanted and bool(wanted["label"]) != actual["label"])
