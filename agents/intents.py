"""Every request the bot answers, registered once: the step that answers it, whether it
needs one of the shopper's orders (and so a verified shopper), which orders it most likely
concerns, and what the bot says it can do.

``graph.py`` builds the graph from this table alone: one node per row, the verification gate
in front of every row that always needs an order, and the routing tables. Adding a request
is: training rows (``agents/nlu/data``), one row here, one step function, a scenario.
A test (``agents/tests/test_intents.py``) checks that every intent of the public contract
has a row and that the compiled graph has exactly these nodes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from commerce.models import OrderStatus


class Node(StrEnum):
    """The graph's nodes: its own steps first, then one per registered request."""

    UNDERSTAND = "understand"
    VERIFY = "verify"  # the gate: the only step that proves who the shopper is
    ALSO = "also"  # the next request of the message's agenda
    GREETING = "greeting"
    ORDER_STATUS = "order_status"
    DELIVERY_PROBLEM = "delivery_problem"
    RETURN_REQUEST = "return_request"
    EXCHANGE_REQUEST = "exchange_request"
    REFUND_STATUS = "refund_status"
    CANCEL_ORDER = "cancel_order"
    CHANGE_ADDRESS = "change_address"
    PRODUCT_QUESTION = "product_question"
    BACK_IN_STOCK = "back_in_stock"
    PROMO_QUESTION = "promo_question"
    ACCOUNT = "account"
    PAYMENT_ISSUE = "payment_issue"
    COMPLAINT = "complaint"
    OTHER = "other"
    HUMAN_REQUEST = "human_request"
    STILL_WAITING = "still_waiting"
    FRUSTRATION = "frustration"
    CLARIFY = "clarify"
    DECLINED = "declined"
    LAPSED = "lapsed"
    UNSUPPORTED = "unsupported"
    ORDER_FACTS = "order_facts"
    CHANGE_PAYMENT = "change_payment"
    INSTRUCTIONS = "instructions"
    FRAUD = "fraud"
    CONFIRM = "confirm"
    MISSING_REMEDY = "missing_remedy"
    RETURN_RESOLUTION = "return_resolution"
    STOP_ALERTS = "stop_alerts"
    ALERT_CONTACT = "alert_contact"
    ALERT_CODE = "alert_code"
    ALERT_FOLLOWUP = "alert_followup"


# The graph's own steps, which answer no request themselves.
OWN_STEPS = (Node.UNDERSTAND, Node.VERIFY, Node.ALSO)

# Most likely first; the first two are the orders "both" / "all my orders" mean.
_UNSHIPPED = (OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED)
_RECEIVED = (OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED, OrderStatus.SHIPPED)
OPEN_FIRST = (OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING)


@dataclass(frozen=True)
class Intent:
    """One request. ``name`` is the classifier's intent (``shared/contracts/INTENTS.md``)
    or, for a step the dialogue reaches on its own, the step's name; ``serves`` is the
    contract intent a step answers for (the one proof of identity is asked for)."""

    name: str
    node: Node
    step: str  # "module:function" under agents.nodes
    needs_order: bool = False  # about one of the shopper's orders
    gated: bool = False  # always needs the order: verified before the step runs
    likely: tuple[str, ...] = OPEN_FIRST
    serves: str = ""

    @property
    def intent(self) -> str:
        return self.serves or self.name


INTENTS: tuple[Intent, ...] = (
    # The classifier's intents (the public contract).
    Intent("greeting", Node.GREETING, "talk:greeting"),
    Intent("order_status", Node.ORDER_STATUS, "order_status:order_status", needs_order=True,
           gated=True),
    Intent("delivery_problem", Node.DELIVERY_PROBLEM, "delivery_problem:delivery_problem",
           needs_order=True, gated=True,
           likely=(OrderStatus.DELIVERED, OrderStatus.SHIPPED, OrderStatus.PARTIALLY_RETURNED)),
    Intent("return_request", Node.RETURN_REQUEST, "returns:return_request", needs_order=True,
           likely=_RECEIVED),
    Intent("exchange_request", Node.EXCHANGE_REQUEST, "returns:exchange_request",
           needs_order=True, gated=True, likely=_RECEIVED),
    Intent("refund_status", Node.REFUND_STATUS, "returns:refund_status", needs_order=True,
           likely=(OrderStatus.RETURNED, OrderStatus.PARTIALLY_RETURNED, OrderStatus.CANCELLED,
                   OrderStatus.DELIVERED)),
    Intent("cancel_order", Node.CANCEL_ORDER, "order_changes:cancel_order", needs_order=True,
           gated=True, likely=_UNSHIPPED),
    Intent("change_address", Node.CHANGE_ADDRESS, "order_changes:change_address",
           needs_order=True, likely=_UNSHIPPED),
    Intent("product_question", Node.PRODUCT_QUESTION, "catalogue:product_question"),
    Intent("back_in_stock", Node.BACK_IN_STOCK, "catalogue:back_in_stock"),
    Intent("promo_question", Node.PROMO_QUESTION, "promo:promo_question"),
    Intent("account", Node.ACCOUNT, "talk:account"),
    Intent("payment_issue", Node.PAYMENT_ISSUE, "payment:payment_issue", needs_order=True,
           likely=(OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED,
                   OrderStatus.DELIVERED)),
    Intent("human_handoff", Node.HUMAN_REQUEST, "talk:human_request"),
    Intent("complaint", Node.COMPLAINT, "talk:complaint"),
    Intent("other", Node.OTHER, "talk:other"),
    # Steps the dialogue reaches from what it knows, not from the classifier alone.
    Intent("frustration", Node.FRUSTRATION, "talk:frustration"),
    Intent("clarify", Node.CLARIFY, "talk:clarify"),
    Intent("declined", Node.DECLINED, "talk:declined"),
    Intent("lapsed", Node.LAPSED, "talk:lapsed"),
    Intent("still_waiting", Node.STILL_WAITING, "talk:still_waiting"),
    Intent("unsupported", Node.UNSUPPORTED, "talk:unsupported"),
    Intent("instructions", Node.INSTRUCTIONS, "talk:instructions"),
    Intent("fraud", Node.FRAUD, "payment:fraud"),
    Intent("order_facts", Node.ORDER_FACTS, "facts:order_facts", needs_order=True,
           serves="order_status"),
    Intent("change_payment", Node.CHANGE_PAYMENT, "payment:change_payment", needs_order=True,
           likely=(OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED,
                   OrderStatus.DELIVERED), serves="payment_issue"),
    Intent("confirm", Node.CONFIRM, "confirm:confirm", needs_order=True),
    Intent("missing_remedy", Node.MISSING_REMEDY, "confirm:missing_remedy", needs_order=True),
    Intent("return_resolution", Node.RETURN_RESOLUTION, "returns:return_resolution",
           needs_order=True),
    # Back-in-stock alerts: stopping them, a guest's address, the notify-me form's code,
    # "is it still there?" after an alert.
    Intent("stop_alerts", Node.STOP_ALERTS, "stock_alerts:stop_alerts", serves="back_in_stock"),
    Intent("alert_contact", Node.ALERT_CONTACT, "stock_alerts:alert_contact",
           serves="back_in_stock"),
    Intent("alert_code", Node.ALERT_CODE, "stock_alerts:alert_code", serves="back_in_stock"),
    Intent("alert_followup", Node.ALERT_FOLLOWUP, "stock_alerts:alert_followup",
           serves="product_question"),
)

BY_NAME: dict[str, Intent] = {i.name: i for i in INTENTS}
BY_NODE: dict[Node, Intent] = {i.node: i for i in INTENTS}
# The classifier's intents that are about one of the shopper's orders.
ORDER_INTENTS: frozenset[str] = frozenset(
    i.name for i in INTENTS if i.needs_order and not i.serves and i.node not in {
        Node.CONFIRM, Node.MISSING_REMEDY, Node.RETURN_RESOLUTION})
# Steps that always need a verified shopper's order: the gate runs first.
GATED: frozenset[Node] = frozenset(i.node for i in INTENTS if i.gated)


def node_for(intent: str) -> Node:
    """The step that answers a classified intent; "other" for anything unregistered."""
    row = BY_NAME.get(intent)
    return row.node if row is not None else Node.OTHER


def likely_statuses(intent: str) -> tuple[str, ...]:
    """The order statuses a request most likely concerns, most likely first."""
    row = BY_NAME.get(intent)
    return row.likely if row is not None else OPEN_FIRST
