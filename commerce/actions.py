"""The consequential operations on the store, as typed actions with one executor.

An action is a small frozen value that says exactly what is to change ("cancel order
1042", "return item 7 for a refund, exchange item 8 for TEE-BLK-L"). It serialises to a
plain dict (``action_to_dict``) so it can wait in a conversation's pending state or in a
handoff packet, and comes back with ``action_from_dict``, which rejects anything malformed
with a clear ``ActionInvalid``.

``action_execute`` is the one composer of business operations: the bot's confirmation and
an agent's approval in the inbox both call it, so the same action makes the same writes
whoever asks. Each action has its policy check, made under the order's row lock by the
service it calls (cancel_decision, address_change_decision, items_change_decision,
payment_change_decision and payment_method_decision, return_decision, refund_decision,
missing_parcel_decision) or here (late_decision for an apology code); its idempotency
key (``action_key``); and an ``ActionResult`` with every fact a reply needs, so callers
never read the rows back. A refusal raises ``services.ActionRefused`` and writes
nothing. The once-per-key record of an action run (ActionRecord) is kept one level up, in
``conversations.actions``, next to the conversation that asked for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from django.db import transaction

from commerce import policy as rules
from commerce import selectors, services
from commerce.labels_url import label_url
from commerce.models import Order, Refund, ShipmentStatus
from core import clock
from core.models import Customer
from replies.render import Say


class ActionInvalid(ValueError):
    """A serialised action that cannot be read: the message says which field and why."""


# --- The actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class CancelOrder:
    order: str
    reason: str = ""
    kind: ClassVar[str] = "cancel"
    name: ClassVar[str] = "cancel"


@dataclass(frozen=True)
class ChangeAddress:
    order: str
    line1: str
    city: str
    postcode: str
    line2: str = ""
    country: str = ""
    kind: ClassVar[str] = "address"
    name: ClassVar[str] = "change_address"


@dataclass(frozen=True)
class ChangeItems:
    """Swap order items (by id) for other variants (by sku) before the order ships."""

    order: str
    changes: tuple[tuple[int, str], ...]
    kind: ClassVar[str] = "change_items"
    name: ClassVar[str] = "change_items"


@dataclass(frozen=True)
class ChangePaymentMethod:
    order: str
    method: int  # a PaymentMethod of the same customer
    kind: ClassVar[str] = "change_payment"
    name: ClassVar[str] = "change_payment"


@dataclass(frozen=True)
class ReturnItem:
    """One item of a return: how many come back (None: all of them) and, for an
    exchange, the sku sent in its place."""

    item: int
    quantity: int | None = None
    exchange_for: str = ""


RESOLUTIONS = ("refund", "store_credit", "exchange", "keep_it")


@dataclass(frozen=True)
class OpenReturn:
    """A return or exchange of several items of one order, each with its own target."""

    order: str
    items: tuple[ReturnItem, ...]
    resolution: str = "refund"
    reason: str = ""
    kind: ClassVar[str] = "return"
    name: ClassVar[str] = "return"


@dataclass(frozen=True)
class IssueRefund:
    """Money back without a return: to the original payment method or as store credit."""

    order: str
    amount: Decimal
    method: str = Refund.Method.ORIGINAL_PAYMENT
    reason: str = ""
    kind: ClassVar[str] = "refund"
    name: ClassVar[str] = "refund"


@dataclass(frozen=True)
class GiveApologyCode:
    order: str
    percent: int
    kind: ClassVar[str] = "apology_code"
    name: ClassVar[str] = "apology_code"


@dataclass(frozen=True)
class ResolveMissingParcel:
    order: str
    remedy: str = "reship"  # reship | refund
    kind: ClassVar[str] = "missing"
    name: ClassVar[str] = "missing_parcel"


Action = (CancelOrder | ChangeAddress | ChangeItems | ChangePaymentMethod | OpenReturn
          | IssueRefund | GiveApologyCode | ResolveMissingParcel)


@dataclass(frozen=True)
class ActionResult:
    """What an action did, with the facts a reply needs (all plain strings, so the result
    is stored as it is in the action's record and read back the same on a replay)."""

    kind: str
    order: str
    facts: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "order": self.order, **self.facts}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionResult:
        facts = {k: str(v) for k, v in data.items() if k not in {"kind", "order"}}
        return cls(str(data.get("kind", "")), str(data.get("order", "")), facts)


# --- Serialisation --------------------------------------------------------------------


def action_to_dict(action: Action) -> dict[str, Any]:
    """The action as plain JSON values, in the shape ``action_from_dict`` reads."""
    data: dict[str, Any] = {"kind": action.kind, "order": action.order}
    if isinstance(action, CancelOrder):
        data["reason"] = action.reason
    elif isinstance(action, ChangeAddress):
        data["address"] = {"line1": action.line1, "line2": action.line2, "city": action.city,
                           "postcode": action.postcode, "country": action.country}
    elif isinstance(action, ChangeItems):
        data["changes"] = {str(pk): sku for pk, sku in action.changes}
    elif isinstance(action, ChangePaymentMethod):
        data["method"] = action.method
    elif isinstance(action, OpenReturn):
        data.update(items=[i.item for i in action.items], resolution=action.resolution,
                    reason=action.reason)
        quantities = {str(i.item): i.quantity for i in action.items if i.quantity is not None}
        exchange = {str(i.item): i.exchange_for for i in action.items if i.exchange_for}
        if quantities:
            data["quantities"] = quantities
        if exchange:
            data["exchange"] = exchange
    elif isinstance(action, IssueRefund):
        data.update(amount=str(action.amount), method=action.method, reason=action.reason)
    elif isinstance(action, GiveApologyCode):
        data["percent"] = action.percent
    elif isinstance(action, ResolveMissingParcel):
        data["remedy"] = action.remedy
    return data


def action_from_dict(data: Mapping[str, Any]) -> Action:
    """Read a serialised action back; ``ActionInvalid`` names what is wrong with it."""
    if not isinstance(data, Mapping):
        raise ActionInvalid("An action must be a mapping.")
    kind = data.get("kind")
    order = _text(data, "order", required=True)
    if kind == CancelOrder.kind:
        return CancelOrder(order, reason=_text(data, "reason"))
    if kind == ChangeAddress.kind:
        address = data.get("address")
        if not isinstance(address, Mapping):
            raise ActionInvalid("A change of address needs an address.")
        return ChangeAddress(order, line1=_text(address, "line1", required=True),
                             city=_text(address, "city"),
                             postcode=_text(address, "postcode", required=True),
                             line2=_text(address, "line2"), country=_text(address, "country"))
    if kind == ChangeItems.kind:
        changes = _mapping(data, "changes")
        if not changes:
            raise ActionInvalid("A change of items needs at least one change.")
        return ChangeItems(order, tuple(sorted((_int(pk, "changes"), str(sku))
                                               for pk, sku in changes.items())))
    if kind == ChangePaymentMethod.kind:
        return ChangePaymentMethod(order, _int(data.get("method"), "method"))
    if kind == OpenReturn.kind:
        ids = data.get("items")
        if not isinstance(ids, list | tuple) or not ids:
            raise ActionInvalid("A return needs at least one item.")
        quantities = _mapping(data, "quantities")
        exchange = _mapping(data, "exchange")
        resolution = _text(data, "resolution") or "refund"
        if resolution not in RESOLUTIONS:
            raise ActionInvalid(f"Unknown resolution {resolution!r}: one of "
                                + ", ".join(RESOLUTIONS) + ".")
        items = []
        for raw in ids:
            pk = _int(raw, "items")
            quantity = quantities.get(str(pk))
            items.append(ReturnItem(pk, None if quantity is None else _int(quantity,
                                                                             "quantities"),
                                    str(exchange.get(str(pk)) or "")))
        return OpenReturn(order, tuple(items), resolution=resolution,
                          reason=_text(data, "reason"))
    if kind == IssueRefund.kind:
        try:
            amount = Decimal(str(data.get("amount")))
        except InvalidOperation as exc:
            raise ActionInvalid("A refund needs an amount.") from exc
        if not amount.is_finite() or amount <= 0:
            raise ActionInvalid("A refund's amount must be more than zero.")
        method = _text(data, "method") or Refund.Method.ORIGINAL_PAYMENT
        if method not in Refund.Method.values:
            raise ActionInvalid(f"Unknown refund method {method!r}.")
        return IssueRefund(order, amount, method=method, reason=_text(data, "reason"))
    if kind == GiveApologyCode.kind:
        return GiveApologyCode(order, _int(data.get("percent"), "percent"))
    if kind == ResolveMissingParcel.kind:
        remedy = _text(data, "remedy") or "reship"
        if remedy not in {"reship", "refund"}:
            raise ActionInvalid(f"Unknown remedy {remedy!r}: reship or refund.")
        return ResolveMissingParcel(order, remedy=remedy)
    raise ActionInvalid(f"Unknown action kind {kind!r}.")


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise ActionInvalid(f"The action needs {key!r}.")
        return ""
    if not isinstance(value, str | int):
        raise ActionInvalid(f"{key!r} must be text.")
    return str(value)


def _int(value: Any, key: str) -> int:
    if isinstance(value, bool):
        raise ActionInvalid(f"{key!r} must be a whole number.")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ActionInvalid(f"{key!r} must be a whole number.") from exc


def _mapping(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise ActionInvalid(f"{key!r} must be a mapping.")
    return value


# --- Keys -----------------------------------------------------------------------------


def action_key(scope: str, action: Action) -> str:
    """The idempotency key of ``action`` asked for within ``scope`` (a conversation, a
    handoff): the same request confirmed twice has the same key and runs once, while a
    different request on the same order (another address, other items) has its own."""
    parts: list[str] = [action.kind, action.order]
    if isinstance(action, ChangeAddress):
        parts.append(action.postcode.replace(" ", "").upper())
    elif isinstance(action, ChangeItems):
        parts.append("-".join(f"{pk}x{sku}" for pk, sku in action.changes))
    elif isinstance(action, ChangePaymentMethod):
        parts.append(str(action.method))
    elif isinstance(action, OpenReturn):
        parts += [action.resolution, "-".join(
            f"{i.item}x{i.quantity if i.quantity is not None else 'all'}"
            + (f">{i.exchange_for}" if i.exchange_for else "") for i in action.items)]
    elif isinstance(action, IssueRefund):
        parts += [action.method, str(action.amount)]
    elif isinstance(action, ResolveMissingParcel):
        parts.append(action.remedy)
    return ":".join([scope, *[p for p in parts if p]])[:160]


# --- Checks ---------------------------------------------------------------------------


def _refused(action: str, rule: str, reason: Say) -> services.ActionRefused:
    return services.ActionRefused(rules.Decision(action, False, rule, reason, "refuse"))


def _order(action: Action, customer: Customer) -> Order:
    order = selectors.order_get(action.order)
    if order is None or order.customer_id != customer.pk:
        raise _refused(action.kind, "identity.not_owner", Say("policy.identity.not_owner"))
    return order


def apology_decision(order: Order) -> rules.Decision:
    """Whether the order was late against its promised date, and so earns the shop's
    apology code (the percentage is the policy's, whatever was asked)."""
    shipment = selectors.shipment_latest(order)
    delivered = next((e.at for e in reversed(selectors.order_events(order))
                      if e.status == ShipmentStatus.DELIVERED), None)
    return rules.late_decision(shipment.promised_by if shipment is not None else None,
                               delivered, clock.now(), rules.policy_get())


def _resolve(action: Action, order: Order, customer: Customer) -> dict[str, Any]:
    """The rows an action names (items, variants, the payment method), or a refusal that
    says which one is not there."""
    if isinstance(action, ChangeItems):
        items = {i.pk for i in order.items.all()}
        changes = {}
        for pk, sku in action.changes:
            variant = selectors.variant_get(sku)
            if pk not in items or variant is None:
                raise _refused("change_items", "items.not_on_order",
                               Say("policy.return.items_not_on_order"))
            changes[pk] = variant
        return {"changes": changes}
    if isinstance(action, ChangePaymentMethod):
        method = selectors.payment_method_get(customer, action.method)
        if method is None:
            raise _refused("change_payment", "payment.method_unknown",
                           Say("policy.payment.method_unknown"))
        return {"method": method}
    if isinstance(action, OpenReturn):
        items = {i.pk: i for i in order.items.all()}
        lines = []
        for wanted in action.items:
            item = items.get(wanted.item)
            if item is None:
                raise _refused("return", "return.items_not_on_order",
                               Say("policy.return.items_not_on_order"))
            target = None
            if wanted.exchange_for:
                target = selectors.variant_get(wanted.exchange_for)
                if target is None:
                    raise _refused("exchange", "exchange.unknown_variant",
                                   Say("policy.exchange.unknown_variant",
                                       item=wanted.exchange_for))
            quantity = item.quantity if wanted.quantity is None else wanted.quantity
            if not 0 < quantity <= item.quantity:
                raise _refused("return", "return.quantity",
                               Say("policy.return.quantity", number=order.number,
                                   quantity=item.quantity))
            lines.append(services.ReturnLine(item=item, quantity=quantity,
                                             exchange_for=target))
        return {"lines": lines}
    return {}


# --- The executor ---------------------------------------------------------------------


def action_execute(action: Action, *, customer: Customer, actor: str,
                   approved: bool = False, key: str) -> ActionResult:
    """Carry out ``action`` for ``customer`` (who must own the order), as ``actor``.

    ``approved`` is a person's approval of what policy sends to a human (a final-sale
    return, a refund above the threshold, a high-value missing parcel); it never lifts a
    plain refusal. The writes are keyed on ``key``: the money and the rows an action
    creates (a refund, a return, a replacement order, a charge for a price difference,
    a code) are made once per key, so a retry after a lost answer does not pay twice.
    Raises ``services.ActionRefused``, with nothing written, when policy or the data
    refuse it."""
    with transaction.atomic():
        order = _order(action, customer)
        resolved = _resolve(action, order, customer)
        if isinstance(action, GiveApologyCode):
            decision = apology_decision(order)
            if not decision.allowed:
                raise services.ActionRefused(decision)
            resolved["percent"] = int(decision.facts["percent"])
        return _run(action, order, customer, resolved, actor=actor, approved=approved,
                    key=key)


def _run(action: Action, order: Order, customer: Customer, resolved: dict[str, Any], *,
         actor: str, approved: bool, key: str) -> ActionResult:
    currency = order.currency
    facts: dict[str, str] = {"currency": currency}
    if isinstance(action, CancelOrder):
        services.order_cancel(order, customer, key=key, reason=action.reason, actor=actor)
        refund = Refund.objects.filter(idempotency_key=f"{key}:refund").first()
        facts["refund"] = str(refund.amount) if refund is not None else ""
    elif isinstance(action, ChangeAddress):
        address = services.Address(line1=action.line1, city=action.city,
                                   postcode=action.postcode, line2=action.line2,
                                   country=action.country)
        changed = services.order_address_change(order, customer, address, actor=actor)
        facts.update(line1=changed.ship_line1, city=changed.ship_city,
                     postcode=changed.ship_postcode)
    elif isinstance(action, ChangeItems):
        changes = resolved["changes"]
        difference = services.order_items_change(order, customer, changes, key=key,
                                                  actor=actor)
        facts["difference"] = str(difference)
        facts["items"] = ", ".join(f"{v.product.name} ({v.option_label()})"
                                   for v in changes.values())
    elif isinstance(action, ChangePaymentMethod):
        services.order_payment_change(order, customer, resolved["method"], key=key,
                                      actor=actor)
        facts["method"] = str(resolved["method"])
    elif isinstance(action, OpenReturn):
        lines = resolved["lines"]
        ret = services.return_create(order, customer, lines, resolution=action.resolution,
                                     reason=action.reason, key=key, actor=actor,
                                     approved=approved)
        value = sum((line.item.unit_price * line.quantity for line in lines), Decimal(0))
        facts.update(**{"return": ret.number}, resolution=ret.resolution, amount=str(value),
                     tracking_number=ret.tracking_number,
                     label_url=label_url(ret) if ret.tracking_number else "")
    elif isinstance(action, IssueRefund):
        refund = services.refund_create(order, customer, action.amount,
                                        reason=action.reason or f"Approved by {actor}",
                                        key=key, actor=actor, approved=approved,
                                        method=action.method)
        facts.update(amount=str(refund.amount), method=refund.method)
    elif isinstance(action, GiveApologyCode):
        code = services.apology_code_create(order, resolved["percent"])
        facts.update(code=code.code, percent=str(int(code.value)))
    elif isinstance(action, ResolveMissingParcel):
        outcome = services.missing_parcel_resolve(order, customer, remedy=action.remedy,
                                                  key=key, actor=actor, approved=approved)
        facts.update(remedy=outcome["remedy"], amount=outcome.get("amount", ""),
                     replacement=outcome.get("order", ""))
    return ActionResult(action.kind, order.number, facts)


def action_with_option(action: Action, option: str) -> Action:
    """The action with the resolution a person chose among those offered for it (a
    refund or store credit for a return, a replacement or a refund for a lost parcel)."""
    if isinstance(action, OpenReturn):
        return replace(action, resolution=option)
    if isinstance(action, ResolveMissingParcel):
        return replace(action, remedy=option)
    if isinstance(action, IssueRefund):
        return replace(action, method=option if option != "refund" else
                       Refund.Method.ORIGINAL_PAYMENT)
    return action
