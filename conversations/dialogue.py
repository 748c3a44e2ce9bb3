"""The schema of ``Conversation.state``: what the bot remembers between turns.

The bot (``agents``) writes it; the inbox and the pipeline read it (which order is in view,
which items, how frustrated the shopper is, what the bot is waiting for). It is plain JSON;
these types say exactly what may be in it. What the bot waits for is one of the ``Await*``
kinds; a proposed action is one of the ``*Proposal`` kinds.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

# Proposals: an action the bot has summarised and waits for a yes to.


class CancelProposal(TypedDict):
    kind: Literal["cancel"]
    order: str
    orders: NotRequired[list[str] | None]  # one yes for several orders
    reason: NotRequired[str]


class AddressProposal(TypedDict):
    kind: Literal["address"]
    order: str
    address: dict[str, str]  # line1, line2, city, postcode


class ReturnProposal(TypedDict):
    kind: Literal["return"]
    order: str
    items: list[int]  # order item ids
    resolution: str  # refund | store_credit | exchange | keep_it
    exchange: NotRequired[dict[str, str]]  # item id → variant sku
    quantities: NotRequired[dict[str, int]]  # item id → how many go back
    reason: NotRequired[str]


class MissingParcelProposal(TypedDict):
    kind: Literal["missing"]
    order: str
    remedy: Literal["reship", "refund"]


class ChangeItemsProposal(TypedDict):
    kind: Literal["change_items"]
    order: str
    changes: dict[str, str]  # item id → variant sku


class ChangePaymentProposal(TypedDict):
    kind: Literal["change_payment"]
    order: str
    method: int  # payment method id


class ApologyCodeProposal(TypedDict):
    kind: Literal["apology_code"]
    order: str
    percent: int


class BundleProposal(TypedDict):
    """Several actions on one order, confirmed with one yes and done one by one
    ("exchange the boots and refund the jacket")."""

    kind: Literal["bundle"]
    order: str
    actions: list[ReturnProposal]


Proposal = (CancelProposal | AddressProposal | ReturnProposal | MissingParcelProposal
            | ChangeItemsProposal | ChangePaymentProposal | ApologyCodeProposal
            | BundleProposal)


# What the bot is waiting for from the shopper.


class AwaitConfirm(TypedDict):
    """A yes or no to a proposed action."""

    kind: Literal["confirm"]
    action: Proposal
    summary: str


class AwaitVerify(TypedDict):
    """Proof of who the shopper is, for the request in ``intent`` (its words in ``text``)."""

    kind: Literal["verify"]
    intent: str
    entities: dict[str, str]
    text: str
    code_sent: NotRequired[bool]
    step_up: NotRequired[bool]  # a one-time code on top of what the shopper knows
    code_failures: NotRequired[int]


class AwaitItem(TypedDict):
    """Which item (of the order in view, or of a product) the request is about."""

    kind: Literal["item"]
    intent: str
    names: NotRequired[list[str]]  # words of the items offered, to recognise the answer


class AwaitAddress(TypedDict):
    """The new delivery address for ``order``."""

    kind: Literal["address"]
    intent: Literal["change_address"]
    order: str


class AwaitPayment(TypedDict):
    """Which saved payment method to pay ``order`` with."""

    kind: Literal["payment"]
    intent: Literal["payment_issue"]
    order: str


class AwaitResolution(TypedDict):
    """Refund, store credit or exchange, for the return under way."""

    kind: Literal["return_resolution"]
    intent: Literal["return_request"]


class AwaitRemedy(TypedDict):
    """A replacement or a refund, for a parcel that never arrived."""

    kind: Literal["missing_remedy"]
    order: str


class AwaitClarify(TypedDict):
    """What the shopper needs: the bot could not tell."""

    kind: Literal["clarify"]


class AwaitAlertContact(TypedDict):
    """A site-chat guest's email address for a back-in-stock alert on `variant`."""

    kind: Literal["alert_contact"]
    variant: int


Pending = (AwaitConfirm | AwaitVerify | AwaitItem | AwaitAddress | AwaitPayment
           | AwaitResolution | AwaitRemedy | AwaitClarify | AwaitAlertContact)
PendingKind = Literal["confirm", "verify", "item", "address", "payment", "return_resolution",
                      "missing_remedy", "clarify", "alert_contact"]


class Memory(TypedDict, total=False):
    """``Conversation.state``."""

    pending: Pending | None
    order: str  # the order in view
    items: list[int]  # the order items in view
    reason: str  # why they are going back
    resolution: str  # refund | store_credit | exchange
    proposed: Proposal | dict[str, Any]  # the proposal a correction replaced
    problem_text: str  # the words of a delivery problem, while asking which item
    facts: list[str]  # facts asked for while the shopper proves who they are
    changes_payment: bool  # a payment change asked for while they prove who they are
    product: int  # the product in view
    kinds: list[str]  # the product kinds just asked about
    agenda: list[dict[str, Any]]  # requests of a message not reached yet, in order
    frustration: int
    clarify_attempts: int
    last_intent: str
    verify_failures: int
    verified_name: str
    handed_back_at: str
    handed_back_by: str
    alert_variant: int  # the variant a back-in-stock alert just named
    outreach: dict[str, Any]  # what the shop sent first (alerts: kind, order, at)
    signed_off: bool  # the last message thanked or said goodbye


def pending_of(state: dict[str, Any] | None) -> Pending | None:
    """What the bot waits for, from a conversation's state (None when nothing)."""
    pending = (state or {}).get("pending")
    return pending if isinstance(pending, dict) and pending.get("kind") else None


def pending_kind(state: dict[str, Any] | None) -> str:
    """The kind of what the bot waits for ("" when nothing)."""
    pending = pending_of(state)
    return str(pending["kind"]) if pending is not None else ""
