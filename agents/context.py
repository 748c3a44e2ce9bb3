"""What one bot turn knows about the world, loaded once by the runner and handed to every
step as LangGraph's runtime context: the conversation, its customer, and the orders in view.

Steps and tools read it through ``turn()`` instead of re-reading rows; the verification gate
reloads it when the shopper proves who they are (the conversation may move to the customer
they proved to be). Orders are read through ``commerce.selectors`` once per turn and number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langgraph.runtime import get_runtime

from commerce import selectors as store
from commerce.models import Order
from conversations import selectors as conversation_selectors
from conversations.models import Conversation
from core.models import ChannelIdentity, Customer

# The shopper's orders a request may be about when they name none, newest first.
RECENT_ORDERS = 20


@dataclass
class TurnContext:
    conversation_id: int
    channel: str = ""
    sender_id: str = ""
    client: str = ""  # who guesses and asks for people are rationed by
    _orders: dict[str, Order | None] = field(default_factory=dict)
    _recent: list[Order] | None = None
    _identity: list[ChannelIdentity | None] = field(default_factory=list)
    _conversation: Conversation | None = None

    @property
    def conversation(self) -> Conversation:
        """The conversation with its customer, read on first use (a product question
        needs neither)."""
        if self._conversation is None:
            self._conversation = conversation_selectors.conversation_get(self.conversation_id)
        return self._conversation

    @property
    def customer(self) -> Customer:
        return self.conversation.customer

    @property
    def verified(self) -> bool:
        return self.conversation.is_verified

    def reload(self, conversation_id: int | None = None) -> None:
        """After a change of who the shopper is: the conversation as it now stands."""
        self.conversation_id = conversation_id or self.conversation_id
        self._conversation = None
        self._orders.clear()
        self._recent = None
        self._identity.clear()

    def identity(self) -> ChannelIdentity | None:
        """The channel identity the shopper writes from, read once (until a reload)."""
        if not self._identity:
            self._identity.append(conversation_selectors.identity_get(self.channel,
                                                                      self.sender_id))
        return self._identity[0]

    def order(self, number: str) -> Order | None:
        """An order by number (anyone's: callers check whose), read once this turn."""
        if number not in self._orders:
            # One of the shopper's recent orders, already read with its items this turn:
            # only its shipments and scans are left to read.
            recent = next((o for o in self._recent or () if o.number == number), None)
            self._orders[number] = (store.order_with_tracking(recent, self.customer)
                                    if recent is not None else store.order_get(number))
        return self._orders[number]

    def own_order(self, number: str) -> Order | None:
        """The verified customer's order by number; None for anyone else's."""
        order = self.order(number) if number else None
        if order is None or order.customer_id != self.conversation.customer_id:
            return None
        return order

    def recent_orders(self) -> list[Order]:
        """The customer's recent orders, newest first, read once this turn."""
        if self._recent is None:
            self._recent = list(store.order_list_for_customer(self.customer,
                                                              tracking=False)[:RECENT_ORDERS])
        return self._recent

    def forget_orders(self) -> None:
        """After a write: the orders are read afresh when next needed."""
        self._orders.clear()
        self._recent = None


def turn() -> TurnContext:
    """The context of the turn being answered."""
    context: Any = get_runtime(TurnContext).context
    return context
