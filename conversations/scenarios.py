"""Conversation scenarios (../shared/contracts/SCENARIOS.md): load, build the store, run
the turns through the real inbound path, check the expectations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify

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
from conversations import services
from conversations.models import Handoff, HandoffReason, Message
from core import clock
from core.models import Customer

CHANNELS = {"web", "whatsapp", "email", "telegram"}
FROM_KEYS = {"phone", "email", "session", "chat_id"}
RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([wdhms])$")
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


@dataclass
class Outcome:
    name: str
    passed: bool
    failure: str = ""
    turns: list[TurnResult] = field(default_factory=list)
    handoff: dict[str, Any] | None = None


def load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ScenarioError("not UTF-8 text") from exc
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
        if not isinstance(turn, dict) or not isinstance(turn.get("user"), str | int | float):
            raise ScenarioError(f"turn {i} needs a 'user' message")
        if "expect" in turn and not isinstance(turn["expect"], dict):
            raise ScenarioError(f"turn {i}: 'expect' must be a mapping")
    store = data.get("store") or {}
    if not isinstance(store, dict):
        raise ScenarioError("'store' must be a mapping")
    for key in ("customers", "products", "orders"):
        if key in store and not isinstance(store[key], list):
            raise ScenarioError(f"store.{key} must be a list")
    if "expect" in data and not isinstance(data["expect"], dict):
        raise ScenarioError("'expect' must be a mapping")
    return data


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
    parsed = parse_datetime(text.replace("Z", "+00:00"))
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
    postcodes: dict[str, str] = {}
    for c in store.get("customers") or []:
        ref = c.get("ref") or c.get("email")
        if not ref:
            raise ScenarioError("store.customers: each customer needs a ref")
        customers[ref] = Customer.objects.create(
            name=c.get("name", ""), email=c.get("email", ""), phone=str(c.get("phone", "")),
            tags=list(c.get("tags") or []), language=c.get("language", "en"),
            marketing_consent=bool(c.get("marketing_consent", False)), created_at=now)
        postcodes[ref] = str(c.get("postcode", ""))
        if c.get("points"):
            LoyaltyTransaction.objects.create(customer=customers[ref], points=int(c["points"]),
                                              reason="Opening balance", created_at=now)
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
        _order(o, customers, postcodes, variants, now)
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
    for a in store.get("articles") or []:
        Article.objects.create(slug=slugify(a["title"])[:50], title=a["title"],
                               topic=a.get("topic", "shipping"), body=a["body"])
    return customers


def _kind(name: str) -> str:
    words = re.findall(r"[a-z]+", name.lower())
    return words[-1] if words else "item"


def _order(o: dict[str, Any], customers: dict[str, Customer], postcodes: dict[str, str],
           variants: dict[str, Variant], now: datetime) -> None:
    number = str(o.get("number", "")).strip()
    if not number:
        raise ScenarioError("store.orders: each order needs a number")
    customer = customers.get(o.get("customer"))
    if customer is None:
        raise ScenarioError(f"order {number}: unknown customer '{o.get('customer')}'")
    status = _choice(o.get("status", "processing"), OrderStatus, f"order {number} status")
    address = o.get("shipping_address") or {}
    placed = o.get("placed", o.get("placed_at", "-1d"))
    order = Order.objects.create(
        number=number, customer=customer, status=status,
        placed_at=moment(placed, now), email=o.get("email", customer.email),
        phone=str(o.get("phone", customer.phone)), ship_name=customer.name,
        ship_line1=address.get("line1", ""), ship_line2=address.get("line2", ""),
        ship_city=address.get("city", ""),
        ship_postcode=str(address.get("postcode", postcodes.get(o.get("customer"), ""))),
        ship_country=address.get("country", "GB"),
        shipping_cost=_money(o.get("shipping_cost", "0"), f"order {number} shipping"))
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
                               method=p.get("method", "card"),
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
    with clock.frozen_at(now):
        build_store(data, now)
        first_refund = Refund.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        first_return = Return.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        conv = data["conversation"]
        channel = conv["channel"]
        who = sender_id(conv)
        for i, turn in enumerate(conv["turns"], 1):
            text = str(turn["user"])
            attachments = [{"type": "image", "url": "scenario://photo.jpg"}] if any(
                turn.get(k) for k in ("image", "photo", "attachment", "attachments")) else []
            inbound = services.Inbound(channel=channel, sender_id=who, text=text,
                                       external_id=f"scenario-{i}",
                                       payload={"attachments": attachments})
            message = services.message_receive(inbound)
            replies = services.message_process(message.pk) if message else []
            message = Message.objects.get(pk=message.pk) if message else None
            result = TurnResult(user=text, replies=[m.text for m in replies],
                                intent=message.intent if message else "",
                                confidence=message.confidence if message else None)
            result.failures = check_turn(turn.get("expect") or {}, result)
            outcome.turns.append(result)
            if result.failures and outcome.passed:
                outcome.passed = False
                outcome.failure = f"turn {i}: {result.failures[0]}"
            clock.advance(timedelta(seconds=30))
        handoff = Handoff.objects.order_by("-pk").first()
        outcome.handoff = ({"reason": handoff.reason, "packet": handoff.packet}
                           if handoff else None)
        failures = check_final(data.get("expect") or {}, first_refund, first_return)
        if failures and outcome.passed:
            outcome.passed = False
            outcome.failure = failures[0]
    return outcome


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
    return failures


def check_final(expect: dict[str, Any], first_refund: int, first_return: int) -> list[str]:
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
    if "returns" in expect:
        actual = [
            {"order": r.order.number,
             "skus": sorted(i.order_item.variant.sku for i in r.items.all()),
             "resolution": r.resolution, "label": bool(r.label_file)}
            for r in Return.objects.filter(pk__gt=first_return).select_related("order")
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
        actual_skus = sorted(BackInStockSubscription.objects.values_list("variant__sku",
                                                                          flat=True))
        wanted_skus = sorted(str(s.get("sku")) for s in expect["subscriptions"] or [])
        if actual_skus != wanted_skus:
            failures.append(f"expected subscriptions {wanted_skus}, got {actual_skus}")
    return failures


def _return_matches(wanted: dict[str, Any], actual: dict[str, Any]) -> bool:
    if "order" in wanted and str(wanted["order"]) != actual["order"]:
        return False
    if "skus" in wanted and sorted(map(str, wanted["skus"])) != actual["skus"]:
        return False
    if "resolution" in wanted and wanted["resolution"] != actual["resolution"]:
        return False
    return not ("label" in wanted and bool(wanted["label"]) != actual["label"])
