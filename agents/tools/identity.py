"""Proving who the shopper is, and finding the order they mean — only theirs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from agents.nlu.cues import (
    CHEAPER_ONE,
    DEARER_ONE,
    ORDER_NUMBERS,
    OTHER_ONE,
    excluded_part,
)
from agents.nlu.entities import extract_entities
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import Order, OrderStatus
from conversations import services
from core.models import KNOWLEDGE_PROOFS, ChannelIdentity, Customer
from core.services import Guess, identity_step_up_start, knowledge_check

# After this many misses in one conversation the reply points to the confirmation email.
STILL_WRONG_AFTER = 3
# Candidates of each kind tried from one message ("1042 or 1043", two email addresses).
MAX_CANDIDATES = 3

ASK_DETAILS = ("I can help with that. First I need to check it's your order: please send "
               "the order number and the email address or postcode used at checkout.")


@dataclass
class OrderLookup:
    order: Order | None
    update: dict[str, Any]


def ask_verification(state: TurnState, intent: str, text: str = ASK_DETAILS) -> dict[str, Any]:
    mem = memory(state)
    pending_entities = dict((mem.get("pending") or {}).get("entities") or {})
    pending_entities.update(state.get("entities") or {})
    previous = (mem.get("pending") or {}).get("text", "")
    mem["pending"] = {"kind": "verify", "intent": intent, "entities": pending_entities,
                      "text": f"{previous} {state.get('text', '')}".strip()[-1000:]}
    return {"memory": mem, "replies": [reply(text)]}


def order_for_turn_remembering(state: TurnState, intent: str, **asked: Any) -> OrderLookup:
    """order_for_turn for a request that must survive the proof of identity: what was
    asked is kept in memory while the bot asks for proof, and dropped once answered."""
    lookup = order_for_turn(state, intent)
    mem = dict(lookup.update.get("memory") or memory(state))
    for key, value in asked.items():
        if lookup.order is None:
            mem[key] = value
        else:
            mem.pop(key, None)
    return OrderLookup(lookup.order, {**lookup.update, "memory": mem})


def order_for_turn(state: TurnState, intent: str) -> OrderLookup:
    """The verified customer's order this turn is about, or the reply asking for proof."""
    conv = conversation(state)
    entities = state.get("entities") or {}
    mem = memory(state)
    number = entities.get("order_number") or ""
    if not conv.is_verified:
        postcode = entities.get("postcode") or ""
        if (number and (entities.get("email") or postcode)) or (
                postcode and _names(_this_message(state), postcode)):
            verified, update = verify_with_details(state)
            if not verified:
                return OrderLookup(None, update)
            update.pop("route", None)
            # Verified now: the order is found as for any verified shopper.
            verified_state: TurnState = {**state, "memory": update["memory"],
                                         "entities": update["entities"]}
            found = order_for_turn(verified_state, intent)
            return OrderLookup(found.order, {**update, **found.update})
        return OrderLookup(None, ask_verification(state, intent))
    if intent == "change_address" and _code_needed(conv):
        return OrderLookup(None, _step_up(state, mem, intent))
    if number:
        order = store.order_get(number)
        if order is None or order.customer_id != conv.customer_id:
            # Same words whether the order exists or belongs to someone else.
            return OrderLookup(None, {"replies": [reply(
                f"I can't find order {number} on your account. I can only help with orders "
                "placed by the customer verified in this conversation — please check the "
                "number on your confirmation email.")]})
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    orders = list(store.order_list_for_customer(conv.customer, tracking=False)[:RECENT_ORDERS])
    text = state.get("message_text") or state.get("text", "")
    relative = _order_relative(orders, intent, text, mem.get("order") or "")
    if relative is not None:
        order = store.order_with_tracking(relative, conv.customer)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    left_out = excluded_part(text)
    named = _orders_named(orders, text.replace(left_out, " ") if left_out else text)
    if named:
        order = store.order_with_tracking(_likeliest(named, intent), conv.customer)
        mem["order"] = order.number
        return OrderLookup(order, {"memory": mem})
    if mem.get("order"):
        listed = next((o for o in orders if o.number == mem["order"]), None)
        order = (store.order_with_tracking(listed, conv.customer) if listed is not None
                 else store.order_get(mem["order"]))
        if order is not None and order.customer_id == conv.customer_id:
            return OrderLookup(order, {"memory": mem})
    order = (store.order_with_tracking(_likeliest(orders, intent), conv.customer)
             if orders else None)
    if order is None:
        return OrderLookup(None, {"replies": [reply(
            "I can't see any orders on your account. If you ordered as a guest with another "
            "email address, send me the order number and that email.")]})
    mem["order"] = order.number
    return OrderLookup(order, {"memory": mem})


RECENT_ORDERS = 20
# Which orders a request can be about, most likely first, when the shopper names none.
LIKELY_STATUSES: dict[str, list[str]] = {
    "cancel_order": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED],
    "change_address": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED],
    "return_request": [OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED,
                       OrderStatus.SHIPPED],
    "exchange_request": [OrderStatus.DELIVERED, OrderStatus.PARTIALLY_RETURNED,
                         OrderStatus.SHIPPED],
    "delivery_problem": [OrderStatus.DELIVERED, OrderStatus.SHIPPED,
                         OrderStatus.PARTIALLY_RETURNED],
    "payment_issue": [OrderStatus.PROCESSING, OrderStatus.PENDING, OrderStatus.SHIPPED,
                      OrderStatus.DELIVERED],
    "refund_status": [OrderStatus.RETURNED, OrderStatus.PARTIALLY_RETURNED,
                      OrderStatus.CANCELLED, OrderStatus.DELIVERED],
}
OPEN_FIRST = [OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING]
NOT_NAMES = {"order", "orders", "item", "items", "the", "and", "one", "size", "colour", "color",
             "from", "with", "for", "return", "back", "send", "cancel", "refund"}


def _order_relative(orders: list[Order], intent: str, text: str,
                    current: str) -> Order | None:
    """The order meant by "the other one" (not the one in view), or "the cheaper / dearer
    of the two" (among those this request concerns)."""
    candidates = [o for o in orders
                  if o.status in LIKELY_STATUSES.get(intent, OPEN_FIRST)[:2]] or orders
    if OTHER_ONE.search(text) and current:
        named = _orders_named([o for o in orders if o.number != current], text)
        others = named or [o for o in candidates if o.number != current]
        return _likeliest(others, intent) if others else None
    if CHEAPER_ONE.search(text) and len(candidates) >= 2:
        return min(candidates, key=lambda o: o.total)
    if DEARER_ONE.search(text) and len(candidates) >= 2:
        return max(candidates, key=lambda o: o.total)
    return None


def orders_in_set(state: TurnState, intent: str) -> list[Order]:
    """The verified customer's orders a message names as a set: several numbers, or
    "both" / "all my unshipped orders" (those in the statuses the request concerns), less
    the ones it leaves out ("except the boots")."""
    conv = conversation(state)
    text = state.get("text", "")
    orders = list(store.order_list_for_customer(conv.customer, tracking=False)[:RECENT_ORDERS])
    left_out = excluded_part(text)
    asked = text.replace(left_out, " ") if left_out else text
    numbers = set(ORDER_NUMBERS.findall(asked))
    if len(numbers) >= 2:
        chosen = [o for o in orders if o.number in numbers]
    else:
        statuses = LIKELY_STATUSES.get(intent, OPEN_FIRST)[:2]
        chosen = [o for o in orders if o.status in statuses]
    if left_out:
        out = set(ORDER_NUMBERS.findall(left_out))
        named = out or {o.number for o in _orders_named(chosen, left_out)}
        chosen = [o for o in chosen if o.number not in named]
    return [store.order_get(o.number) for o in chosen]


def _likeliest(orders: list[Order], intent: str) -> Order:
    """The newest order in the status this request most often concerns (orders come
    newest first)."""
    for status in LIKELY_STATUSES.get(intent, OPEN_FIRST):
        for order in orders:
            if order.status == status:
                return order
    return orders[0]


def _orders_named(orders: list[Order], text: str) -> list[Order]:
    """The orders holding a product the shopper names ("the tee", "my rain jacket")."""
    words = {w.rstrip("s") for w in re.findall(r"[a-z]{3,}", text.lower())} - NOT_NAMES
    if not words:
        return []
    scored = []
    for order in orders:
        best = 0
        for item in order.items.all():
            product = item.variant.product
            names = {w.rstrip("s") for w in re.findall(
                r"[a-z]{3,}", f"{product.name} {product.kind}".lower())} - NOT_NAMES
            best = max(best, len(names & words))
        if best:
            scored.append((best, order))
    if not scored:
        return []
    top = max(b for b, _ in scored)
    return [o for b, o in scored if b == top]


def verify_with_details(state: TurnState) -> tuple[bool, dict[str, Any]]:
    """Check an order number against the email or postcode on it, or a full name against
    the postcode of one of that customer's orders. Never says which part was wrong, and
    never reveals whether an order exists. Every guess that does not match counts against
    its order number, contact details and client, across conversations, sessions and
    channels, and at a limit every check is refused, right or wrong (knowledge_check)."""
    mem = memory(state)
    pending = dict(mem.get("pending") or {})
    if pending.get("kind") != "verify":
        pending = {"kind": "verify", "intent": state.get("intent") or "order_status",
                   "entities": {}, "text": state.get("text", "")[-1000:]}
    details = dict(pending.get("entities") or {})
    details.update({k: v for k, v in (state.get("entities") or {}).items() if v})
    number, email, postcode = (details.get("order_number", ""), details.get("email", ""),
                               details.get("postcode", ""))
    pending["entities"] = details
    mem["pending"] = pending
    text = _this_message(state)
    if pending.get("code_sent") and ONE_TIME_CODE.fullmatch(text.strip()):
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
                "That code didn't work, so I've left the address as it is. Ask me again to "
                "change it and I'll send a new code.")]}
        if pending.get("step_up"):
            return False, {"memory": mem, "replies": [reply(
                "That code didn't work. Check the latest message we sent you and send the "
                "6-digit code here.")]}
        return False, {"memory": mem, "replies": [reply(
            "That code didn't work. Check the latest message we sent you, or send your order "
            "number and the email or postcode on it instead.")]}
    if pending.get("step_up") and pending.get("code_sent"):
        return False, {"memory": mem, "replies": [reply(
            "To change the delivery address I first need the 6-digit code I sent to the "
            "email address or phone number on your account. Please send it here.")]}
    if (not number and (email or details.get("phone")) and not pending.get("code_sent")
            and _send_code(state, email or details.get("phone", ""))):
        pending["code_sent"] = True
        # The same words whether or not it is a customer's, and whichever way it went.
        return False, {"memory": mem, "replies": [reply(
            "Thanks. If that's the contact on your account, I've just sent a 6-digit code "
            "to it — send it here within 10 minutes. Or send your order number and the "
            "email or postcode on it instead.")]}
    names = _names(text, postcode) if postcode and not number else []
    if not number and not names:
        return False, {"memory": mem, "replies": [reply(
            "Thanks. What's the order number? It's in your order confirmation email.")]}
    if number and not (email or postcode):
        return False, {"memory": mem, "replies": [reply(
            f"Thanks. To confirm order {number} is yours, what's the email address or the "
            "delivery postcode on it?")]}
    conv = conversation(state)
    checked = knowledge_check(_guesses(text, number, email, postcode, names),
                              _client(state), _match)
    if checked.status == "refused":
        _after_lockout(mem, pending)
        return False, {"memory": mem, "replies": [reply(
            "I can't check those details right now: there have been too many attempts with "
            f"details that didn't match. {_lockout_way_in()}")]}
    if checked.found is None:
        misses = int(mem.get("verify_failures", 0)) + checked.failures
        mem["verify_failures"] = misses
        # The number may be right and the contact detail wrong: keep only the number.
        pending["entities"] = {"order_number": number} if number else {}
        if checked.status == "locked":
            _after_lockout(mem, pending)
            return False, {"memory": mem, "replies": [reply(
                "Sorry, I couldn't match those details to an order. There have now been too "
                "many attempts that didn't match, so for a while I can't check any more "
                f"details, even correct ones. {_lockout_way_in()}")]}
        if misses >= STILL_WRONG_AFTER:
            return False, {"memory": mem, "replies": [reply(
                "Those details still don't match an order I can show you. Please look at "
                "your order confirmation email for the exact order number and the email "
                "address it was sent to.")]}
        return False, {"memory": mem, "replies": [reply(
            "Sorry, I couldn't match those details to an order. Please check the order "
            "number and use the email address or postcode given at checkout.")]}
    customer, order = checked.found
    if conv.customer_id != customer.pk and not _writes_as_owner(state, conv):
        # Someone else writing into another person's thread (an email reply): their own case.
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            "This conversation belongs to another customer, so I can't discuss that order "
            "here. Please write to us in a new message about your own order.")]}
    if conv.customer_id != customer.pk and (conv.is_verified or not conv.customer.is_guest):
        return False, {"memory": {**mem, "pending": None}, "replies": [reply(
            "This conversation is already verified for another customer, so I can't discuss "
            "that order here. The order's owner can contact us directly.")]}
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


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)


def _order_numbers(text: str, first: str) -> list[str]:
    """The order number understood, then any others written in the same message."""
    found = [first] if first else []
    rest = text
    for _ in range(MAX_CANDIDATES):
        number = extract_entities(rest).get("order_number")
        if not number:
            break
        if number not in found:
            found.append(number)
        rest = rest.replace(number, " ", 1)
    return found[:MAX_CANDIDATES]


def _guesses(text: str, number: str, email: str, postcode: str,
             names: list[str]) -> list[Guess]:
    """Each order number with each contact detail given, and each full name with the
    postcode: several candidates in one message are each tried, and each one that does
    not match counts."""
    if names:
        return [Guess(contacts=(("name", name), ("postcode", postcode))) for name in names]
    emails = list(dict.fromkeys([e for e in [email, *(m.group(0).rstrip(".") for m in
                                                      EMAIL.finditer(text))] if e]))
    contacts = [("email", e) for e in emails[:MAX_CANDIDATES]]
    if postcode:
        contacts.append(("postcode", postcode))
    return [Guess(order=n, contacts=(contact,))
            for n in _order_numbers(text, number) for contact in contacts]


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


NAME_CUE = re.compile(r"\b(?P<cue>my (?:full )?name is|name(?:\s+is|:)|i am|i'm|i’m|this is|"
                      r"it's|it’s)\s+(?P<name>[^\W\d_]+(?:[ '’-]+[^\W\d_]+){1,4})", re.I)
NOT_NAME = {"and", "my", "postcode", "post", "code", "zip", "the", "at", "from", "with",
            "order", "email", "i", "live", "in", "here", "a", "customer", "of", "on", "is"}


def _names(text: str, postcode: str) -> list[str]:
    """Full names (two to four words) the shopper gives with a postcode: after "my name
    is", or, from someone who writes "I'm"/"this is", in capitals; or a message that is
    nothing but a capitalised name and the postcode ("Maya Patel, SW1A 1AA")."""
    found: list[str] = []
    for m in NAME_CUE.finditer(text):
        # "it's ellie brennan, EH3 9DR": a name written in lower case right before the
        # postcode is as clear as one after "my name is".
        strong = m.group("cue").lower().startswith(("my", "name")) or bool(postcode and re.match(
            r"\s*,?\s*(?:postcode\s*)?" + r"\s*".join(re.escape(c) for c in
                                                   postcode.replace(" ", "")),
            text[m.end():], re.I))
        words: list[str] = []
        for word in m.group("name").split():
            if word.lower() in NOT_NAME or not (strong or word[0].isupper()):
                break
            words.append(word)
        if 2 <= len(words) <= 4:
            found.append(" ".join(words))
    if not found and postcode:
        spaced = r"\s*".join(re.escape(c) for c in postcode.replace(" ", ""))
        # "…i'll reorder later. tom hughes, M14 5TQ": a sentence of its own, a name and
        # the postcode.
        signed = re.search(r"(?:^|[.!?;]\s*|,\s*)([^\W\d_]+(?:\s+[^\W\d_]+){1,2})\s*,?\s*"
                           + spaced + r"\W*$", text, re.I)
        if signed and not {w.lower() for w in signed.group(1).split()} & NOT_NAME:
            found.append(signed.group(1))
        rest = re.sub(spaced, " ", text, flags=re.I)
        rest = re.sub(r"\b(postcode|post code|zip|name|is|my|and)\b", " ", rest, flags=re.I)
        words = re.sub(r"[,.;:!()\-]", " ", rest).split()
        # Capitalised, so that "can you cancel order" is not taken for a name.
        if 2 <= len(words) <= 4 and all(re.fullmatch(r"[^\W\d_]+(?:['’][^\W\d_]+)?", w)
                                        and w[0].isupper() for w in words):
            found.append(" ".join(words))
    return list(dict.fromkeys(found))[:MAX_CANDIDATES]


def _code_needed(conv: Any) -> bool:
    """The shop wants a one-time code before an address change, and this shopper proved
    who they are only with what they know."""
    return conv.verified_via in KNOWLEDGE_PROOFS and rules.policy_get().address_change_requires_code


def _step_up(state: TurnState, mem: dict[str, Any], intent: str) -> dict[str, Any]:
    identity = _identity(state)
    attempt = (identity_step_up_start(identity, "change a delivery address")
               if identity is not None else None)
    mem = dict(mem)
    if attempt is None or not attempt.sent:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            "For your security, I can only change a delivery address after you read back a "
            "one-time code sent to the email or phone number on your account, and I can't "
            "send one right now. Please try again later, or ask to talk to a person.")]}
    mem["pending"] = {"kind": "verify", "intent": intent, "entities": {},
                      "text": state.get("text", "")[-1000:], "code_sent": True,
                      "step_up": True}
    return {"memory": mem, "replies": [reply(
        "For your security, changing a delivery address needs one more check: I've sent a "
        "6-digit code to the email address or phone number on your account. Please send it "
        "here within 10 minutes.")]}


ONE_TIME_CODE = re.compile(r"\d{3}\s?\d{3}")
CODE_ROUTES = {"email": "email", "whatsapp": "WhatsApp"}


def _identity(state: TurnState) -> ChannelIdentity | None:
    return ChannelIdentity.objects.filter(channel=state.get("channel", ""),
                                          external_id=state.get("sender_id", "")).first()


def _writes_as_owner(state: TurnState, conv: Any) -> bool:
    """Whether the sender is the conversation's own guest, whose case becomes the proven
    customer's; never someone who replied into another person's thread."""
    identity = _identity(state)
    return (conv.customer.is_guest and identity is not None
            and identity.customer_id == conv.customer_id)


def _codes_can_go() -> bool:
    """Whether any channel that carries one-time codes is switched on."""
    from django.conf import settings

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


def _lockout_way_in() -> str:
    if _codes_can_go():
        return ("If it's your order, send me just the email address or phone number on your "
                "account: a one-time code to the contact on file is not affected by this "
                "limit. Or try again later, or ask to talk to a person.")
    return "Please try again later, or ask to talk to a person."


def _send_code(state: TurnState, contact: str) -> bool:
    """Offer a one-time code to the contact on file. Whether or not the contact is a
    customer's, and whether or not a code could go (no channel for that customer, too
    many asked for), the shopper hears the same words: False only when no channel could
    carry a code for anyone, in which case the order-number check is the way."""
    from core.services import identity_link_start

    if not _codes_can_go():
        return False
    identity = _identity(state)
    if identity is None:
        return False
    identity_link_start(identity, contact)
    return True


def _confirm_code(state: TurnState, code: str) -> tuple[bool, dict[str, Any]] | None:
    from core.services import identity_link_confirm

    identity = _identity(state)
    customer = identity_link_confirm(identity, code) if identity is not None else None
    if customer is None:
        return None
    # Verified (and perhaps given to the customer) on its own copy of the row.
    conversation(state).refresh_from_db()
    mem = memory(state)
    pending = dict(mem.get("pending") or {})
    mem.update({"pending": None, "verify_failures": 0, "verified_name": customer.name})
    return True, {"memory": mem, "route": pending.get("intent") or "order_status",
                  "entities": {}, "conversation_id": state["conversation_id"],
                  "text": pending.get("text", "")}
