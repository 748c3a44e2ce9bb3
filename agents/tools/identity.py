"""Proving who the shopper is: the verification gate's tools (agents.nodes.verify is the
only caller)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from agents.context import turn
from agents.nlu.identity import (
    MAX_CANDIDATES,
    emails,
    full_names,
    is_one_time_code,
    order_numbers,
)
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from commerce import selectors as store
from commerce.models import Order
from conversations import services
from conversations.dialogue import AwaitVerify, pending_of
from conversations.identity_links import (
    identity_link_confirm,
    identity_link_start,
    identity_step_up_start,
)
from core.models import ChannelIdentity, Customer
from core.services import Guess, knowledge_check
from replies.render import Say

# After this many misses in one conversation the reply points to the confirmation email.
STILL_WRONG_AFTER = 3

ASK_DETAILS = Say("bot.identity.ask_details")


def ask_verification(state: TurnState, intent: str,
                     text: Say | str = ASK_DETAILS) -> dict[str, Any]:
    mem = memory(state)
    waiting = pending_of(mem)
    earlier = waiting if waiting is not None and waiting["kind"] == "verify" else None
    pending_entities = dict(earlier["entities"] if earlier else {})
    pending_entities.update(state.get("entities") or {})
    previous = earlier["text"] if earlier else ""
    mem["pending"] = AwaitVerify(
        kind="verify", intent=intent, entities=pending_entities,
        text=f"{previous} {state.get('text', '')}".strip()[-1000:])
    return {"memory": mem, "replies": [reply(text)]}


def proof_given(state: TurnState) -> bool:
    """The message holds enough to check who the shopper is: an order number with the
    email or postcode on it, or a full name with a postcode."""
    entities = state.get("entities") or {}
    number, postcode = entities.get("order_number") or "", entities.get("postcode") or ""
    return bool((number and (entities.get("email") or postcode))
                or (postcode and full_names(_this_message(state), postcode)))


def verify_with_details(state: TurnState) -> tuple[bool, dict[str, Any]]:
    """Check an order number against the email or postcode on it, or a full name against
    the postcode of one of that customer's orders. Never says which part was wrong, and
    never reveals whether an order exists. Every guess that does not match counts against
    its order number, contact details and client, across conversations, sessions and
    channels, and at a limit every check is refused, right or wrong (knowledge_check)."""
    mem = memory(state)
    waiting = pending_of(mem)
    pending: AwaitVerify = (AwaitVerify(**waiting)  # type: ignore[typeddict-item]
                            if waiting is not None and waiting["kind"] == "verify" else
                            AwaitVerify(kind="verify",
                                        intent=state.get("intent") or "order_status",
                                        entities={}, text=state.get("text", "")[-1000:]))
    details = dict(pending.get("entities") or {})
    details.update({k: v for k, v in (state.get("entities") or {}).items() if v})
    number, email, postcode = (details.get("order_number", ""), details.get("email", ""),
                               details.get("postcode", ""))
    pending["entities"] = details
    mem["pending"] = pending
    text = _this_message(state)
    if pending.get("code_sent") and is_one_time_code(text):
        linked = _confirm_code(state, text.strip())
        if linked is not None:
            return linked
        details.pop("order_number", None)
        number = ""
        pending["code_failures"] = int(pending.get("code_failures", 0)) + 1
        if pending["code_failures"] >= 2:
            pending["code_sent"] = False
        if pending.get("step_up") and not pending["code_sent"]:
            mem["pending"] = None
            return False, {"memory": mem, "replies": [reply(
                Say("bot.identity.code_failed_address"))]}
        if pending.get("step_up"):
            return False, {"memory": mem, "replies": [reply(
                Say("bot.identity.code_failed_step_up"))]}
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.code_failed"))]}
    if pending.get("step_up") and pending.get("code_sent"):
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.step_up_waiting"))]}
    if (not number and (email or details.get("phone")) and not pending.get("code_sent")
            and _send_code(state, email or details.get("phone", ""))):
        pending["code_sent"] = True
        # The same words whether or not it is a customer's, and whichever way it went.
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.code_sent"))]}
    names = full_names(text, postcode) if postcode and not number else []
    if not number and not names:
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.ask_number"))]}
    if number and not (email or postcode):
        return False, {"memory": mem, "replies": [reply(
            Say("bot.identity.ask_contact", number=number))]}
    conv = conversation(state)
    checked = knowledge_check(_guesses(text, number, email, postcode, names),
                              _client(state), _match)
    if checked.status == "refused":
        _after_lockout(mem, pending)
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.checks_refused",
                                                            way_in=_lockout_way_in()))]}
    if checked.found is None:
        misses = int(mem.get("verify_failures", 0)) + checked.failures
        mem["verify_failures"] = misses
        # The number may be right and the contact detail wrong: keep only the number.
        pending["entities"] = {"order_number": number} if number else {}
        if checked.status == "locked":
            _after_lockout(mem, pending)
            return False, {"memory": mem, "replies": [reply(Say("bot.identity.locked",
                                                                way_in=_lockout_way_in()))]}
        if misses >= STILL_WRONG_AFTER:
            return False, {"memory": mem, "replies": [reply(Say("bot.identity.still_wrong"))]}
        return False, {"memory": mem, "replies": [reply(Say("bot.identity.no_match"))]}
    customer, order = checked.found
    if conv.customer_id != customer.pk and not _writes_as_owner(state, conv):
        # Someone else writing into another person's thread (an email reply): their own case.
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            Say("bot.identity.others_thread"))]}
    if conv.customer_id != customer.pk and (conv.is_verified or not conv.customer.is_guest):
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            Say("bot.identity.verified_for_other"))]}
    via = (ChannelIdentity.Verification.ORDER_DETAILS if order is not None
           else ChannelIdentity.Verification.NAME_POSTCODE)
    target = services.conversation_verify(conv, customer, via, state["channel"],
                                          state["sender_id"])
    mem["verify_failures"] = 0
    if order is not None:
        mem["order"] = order.number
    else:
        mem.pop("order", None)
    mem["pending"] = None
    mem["verified_name"] = customer.name
    return True, {"memory": mem, "route": pending.get("intent") or "order_status",
                  "entities": details, "conversation_id": target.pk,
                  "text": f"{pending.get('text', '')} {state.get('text', '')}".strip()}


def _this_message(state: TurnState) -> str:
    return state.get("message_text") or state.get("text", "")


def _client(state: TurnState) -> str:
    return state.get("client") or f"{state.get('channel', '')}:{state.get('sender_id', '')}"


def _guesses(text: str, number: str, email: str, postcode: str,
             names: list[str]) -> list[Guess]:
    """Each order number with each contact detail given, and each full name with the
    postcode: several candidates in one message are each tried, and each one that does
    not match counts."""
    if names:
        return [Guess(contacts=(("name", name), ("postcode", postcode))) for name in names]
    given = list(dict.fromkeys([e for e in [email, *emails(text)] if e]))
    contacts = [("email", e) for e in given[:MAX_CANDIDATES]]
    if postcode:
        contacts.append(("postcode", postcode))
    return [Guess(order=n, contacts=(contact,))
            for n in order_numbers(text, number) for contact in contacts]


def _match(guess: Guess) -> tuple[Customer, Order | None] | None:
    contacts = dict(guess.contacts)
    if guess.order:
        order = store.order_get(guess.order)
        if order is not None and store.order_matches_contact(
                order, email=contacts.get("email", ""), postcode=contacts.get("postcode", "")):
            return order.customer, order
        return None
    customer = store.customer_by_name_and_postcode(contacts.get("name", ""),
                                                   contacts.get("postcode", ""))
    return (customer, None) if customer is not None else None


def step_up(state: TurnState, mem: dict[str, Any], intent: str) -> dict[str, Any]:
    identity = _identity(state)
    attempt = (identity_step_up_start(identity, Say("code.purpose.change_address"))
               if identity is not None else None)
    mem = dict(mem)
    if attempt is None or not attempt.sent:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.identity.step_up_unavailable"))]}
    mem["pending"] = AwaitVerify(kind="verify", intent=intent, entities={},
                                 text=state.get("text", "")[-1000:], code_sent=True,
                                 step_up=True)
    return {"memory": mem, "replies": [reply(Say("bot.identity.step_up_sent"))]}


CODE_ROUTES = {"email": "email", "whatsapp": "WhatsApp"}


def _identity(state: TurnState) -> ChannelIdentity | None:
    return turn().identity()


def _writes_as_owner(state: TurnState, conv: Any) -> bool:
    """Whether the sender is the conversation's own guest, whose case becomes the proven
    customer's; never someone who replied into another person's thread."""
    identity = _identity(state)
    return (conv.customer.is_guest and identity is not None
            and identity.customer_id == conv.customer_id)


def _codes_can_go() -> bool:
    """Whether any channel that carries one-time codes is switched on."""
    return any(getattr(settings, f"{c.upper()}_ENABLED", False) for c in CODE_ROUTES)


def _after_lockout(mem: dict[str, Any], pending: dict[str, Any]) -> None:
    """Knowledge checks are locked for these details, which a stranger's guesses can do to
    the real owner. A one-time code to the contact on file is not locked by them (only
    the owner can read it back): where codes can go, the conversation stays ready for a
    contact detail, so the owner's next message with it gets the code offer."""
    if _codes_can_go():
        pending["entities"] = {}
        pending["code_sent"] = False
        mem["pending"] = pending
    else:
        mem["pending"] = None


def _lockout_way_in() -> Say:
    return Say("bot.identity.way_in_code" if _codes_can_go() else "bot.identity.way_in_later")


def _send_code(state: TurnState, contact: str) -> bool:
    """Offer a one-time code to the contact on file. Whether or not the contact is a
    customer's, and whether or not a code could go (no channel for that customer, too
    many asked for), the shopper hears the same words: False only when no channel could
    carry a code for anyone, in which case the order-number check is the way."""
    if not _codes_can_go():
        return False
    identity = _identity(state)
    if identity is None:
        return False
    identity_link_start(identity, contact)
    return True


def _confirm_code(state: TurnState, code: str) -> tuple[bool, dict[str, Any]] | None:
    identity = _identity(state)
    customer = identity_link_confirm(identity, code) if identity is not None else None
    if customer is None:
        return None
    # Verified (and perhaps given to the customer) on its own copy of the row.
    conversation(state).refresh_from_db()
    mem = memory(state)
    pending: dict[str, Any] = dict(pending_of(mem) or {})
    mem.update({"pending": None, "verify_failures": 0, "verified_name": customer.name})
    return True, {"memory": mem, "route": pending.get("intent") or "order_status",
                  "entities": {}, "conversation_id": state["conversation_id"],
                  "text": pending.get("text", "")}
