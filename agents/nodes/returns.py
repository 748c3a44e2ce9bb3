"""Returns, exchanges and refund status, within the return window and the final-sale rule."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from langgraph.types import Command

from agents.intents import Node
from agents.nlu.cues import excluded_part, means_all, refund_elsewhere
from agents.nlu.returns import (
    adds_to_earlier,
    asks_for_refund_now,
    asks_policy,
    gives_size_reason,
    names_a_size,
    quantity_back,
    relative_size,
    request_parts,
    target_size,
    wanted_resolution,
    wants_cheapest,
    with_letter_sizes,
    without_size_system,
)
from agents.nlu.words import said_words, says_value, words
from agents.state import TurnState
from agents.tools.actions import ask_confirmation, decide, hand_off, return_proposal
from agents.tools.context import article, conversation, memory, reply, variant_said
from agents.tools.items import item_label, pick_items, pick_named
from agents.tools.orders import order_for_turn, order_said
from commerce import policy as rules
from commerce import selectors as store
from commerce.models import (
    ExceptionKind,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    Refund,
    Return,
    ShipmentStatus,
    Variant,
    size_key,
)
from conversations.dialogue import (
    AwaitItem,
    AwaitResolution,
    BundleProposal,
    ReturnProposal,
    pending_kind,
)
from core import clock
from core import formatting as fmt
from core.formatting import Money
from replies.render import HelpArticle, Lines, Options, Say, render, render_parts


def _ask_item(mem: dict[str, Any], order: Order, items: list[OrderItem], intent: str,
              question: str) -> dict[str, Any]:
    """Which of the order's items: ``question`` is the catalogue key asking it."""
    # The names let routing recognise the answer ("the cardigan, it's itchy") however the
    # classifier reads it.
    names = sorted({w for i in items
                    for w in words(f"{i.variant.product.name} {i.variant.product.kind}")})
    mem["pending"] = AwaitItem(kind="item", intent=intent, names=names)
    return {"memory": mem, "replies": [reply(
        Say(question, number=order.number), buttons=[item_label(i) for i in items])]}


def _items_for_turn(state: TurnState, order: Order, mem: dict[str, Any], intent: str,
                    question: str) -> tuple[list[OrderItem], dict[str, Any] | None]:
    items = list(order.items.all())
    chosen = pick_items(state, items)
    if chosen and mem.get("items") and adds_to_earlier(state.get("message_text")
                                                       or state.get("text", "")):
        # "And if I send the beanie back too?": the items spoken of before, and this one.
        chosen = [i for i in items if i.pk in mem["items"] or i in chosen]
    if not chosen and mem.get("items"):
        chosen = [i for i in items if i.pk in mem["items"]]
    if not chosen and len(items) == 1:
        chosen = items
    if not chosen:
        return [], _ask_item(mem, order, items, intent, question)
    mem["items"] = [i.pk for i in chosen]
    return chosen, None


def _reason(state: TurnState, mem: dict[str, Any]) -> str:
    reason = (state.get("entities") or {}).get("reason") or mem.get("reason") or ""
    if not reason and gives_size_reason(state.get("text", "")):
        reason = "size"
    mem["reason"] = reason
    return reason


def _same_product_in_stock(item: OrderItem) -> list[Variant]:
    """Other variants of the item's product in stock: those differing only in size first,
    in size order, then the rest."""
    current = item.variant.options
    def differs_in_size_only(v: Variant) -> bool:
        return all(str(v.options.get(k, "")).lower() == str(x).lower()
                   for k, x in current.items() if k != "size")
    return sorted((v for v in store.variant_list_for_product(item.variant.product)
                   if v.pk != item.variant_id and v.stock >= item.quantity),
                  key=lambda v: (not differs_in_size_only(v), v.size_key, v.option_label()))


def _size_stepped(item: OrderItem, steps: int, variants: list[Variant]) -> str:
    """The size ``steps`` away from the item's in its product's own size run (the
    product's ``variants``), or ""."""
    current = str(item.variant.options.get("size", ""))
    sizes = sorted({str(v.options.get("size")) for v in variants if v.options.get("size")},
                   key=size_key)
    if current not in sizes:
        return ""
    index = sizes.index(current) + steps
    return sizes[index] if 0 <= index < len(sizes) else ""


def _refuse_or_handoff(state: TurnState, decision: rules.Decision, order: Order,
                       mem: dict[str, Any], what: str) -> dict[str, Any]:
    mem["pending"] = None
    if decision.handoff_reason:
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.passed_on", why=decision.reason))],
            **hand_off(state, decision.handoff_reason, order=order, decision=decision,
                       summary=f"Shopper wants {what} on order #{order.number}.",
                       suggested=_suggestion(decision),
                       tried=[f"Checked {what} against the shop's policy"],
                       proposed=return_proposal(order, mem.get("items") or [],
                                                mem.get("resolution") or "refund"))}
    if decision.rule == "return.not_delivered":
        status, last, _ = order_said(order)
        if last is not None and last.exception == ExceptionKind.LOST:
            lead = render_parts(status, conversation(state).customer.language)
            return Command(goto=Node.DELIVERY_PROBLEM, update={
                "memory": mem, "handover": {"problem": "missing", "order": order.number,
                                            "lead": f"{lead} "}})
        if last is not None and last.status == ShipmentStatus.RETURNED_TO_SENDER:
            return {"memory": mem, "replies": [reply(*status)]}
        return {"memory": mem, "replies": [reply(*status, Say("bot.returns.once_delivered"))]}
    refused = {
        "return.not_shipped": "bot.returns.refused_not_shipped",
        "return.outside_window": "bot.returns.refused_outside_window",
    }.get(decision.rule, "bot.returns.refused")
    return {"memory": mem, "replies": [reply(Say(refused, why=decision.reason))]}


def _suggestion(decision: rules.Decision) -> str:
    return {
        "high_value": "Approve the refund if the return is in order.",
        "final_sale": "Decide whether to make a final-sale exception.",
        "outside_policy": "Decide whether to accept a late return as a goodwill exception.",
    }.get(decision.handoff_reason or "", "Review and decide.")


def _policy_answer(state: TurnState) -> dict[str, Any]:
    """How returns work, from the shop's article or its policy settings: no order needed."""
    articles = store.article_search(state.get("text", ""), topic="returns")
    if articles:
        told: Say | HelpArticle = article(articles[0])
    else:
        policy = rules.policy_get()
        told = Say("bot.returns.policy_window" if policy.final_sale_returnable else
                   "bot.returns.policy_window_final_sale", days=policy.return_window_days)
    return {"replies": [reply(told, Say("bot.returns.policy_offer"))]}


def return_request(state: TurnState) -> dict[str, Any]:
    if asks_policy(state.get("message_text") or state.get("text", "")) and \
            not pending_kind(memory(state)):
        return _policy_answer(state)
    lookup = order_for_turn(state, "return_request")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    if order.status in {OrderStatus.PENDING, OrderStatus.PROCESSING}:
        # Nothing has been sent, so no item to choose: policy says what can be done instead.
        items, ask = list(order.items.all()), None
    else:
        items, ask = _items_for_turn(state, order, mem, "return_request",
                                     "bot.returns.which_item_return")
    if ask:
        return ask
    reason = _reason(state, mem)
    text = state.get("text", "")
    wanted = wanted_resolution(text, mem.get("resolution", ""))
    decision = decide(state, rules.return_decision(
        order, items, rules.policy_get(), clock.now(), store.order_events(order),
        store.returned_quantities(order), wanted or "refund",
        compensated=bool(store.missing_parcel_remedy(order)[0])), order)
    if not decision.allowed:
        return _refuse_or_handoff(state, decision, order, mem, "a return")
    quantities = {i.pk: i.quantity for i in items}
    fewer = quantity_back(state.get("message_text") or text)
    if len(items) == 1 and 0 < fewer < items[0].quantity:
        quantities[items[0].pk] = fewer  # "send 2 pairs back and keep one"
    value = sum((i.unit_price * quantities[i.pk] for i in items), Decimal("0"))
    money = Money(value, order.currency)
    names = Lines([variant_said(i.variant, quantities[i.pk]) for i in items], sep=", ")
    action = {"kind": "return", "order": order.number, "items": [i.pk for i in items],
              "reason": reason, "quantities": {str(k): v for k, v in quantities.items()}}
    if decision.outcome == "proceed:keep_it":
        return ask_confirmation(state, mem, Say("bot.returns.keep_it", items=names,
                                                amount=money),
                                {**action, "resolution": "keep_it"})
    if wanted == "exchange":
        return Command(goto=Node.EXCHANGE_REQUEST, update={"memory": mem})
    if wanted in {"refund", "store_credit"}:
        summary = Say("bot.returns.confirm_store_credit" if wanted == "store_credit" else
                      "bot.returns.confirm_refund",
                      items=names, number=order.number, amount=money)
        return ask_confirmation(state, mem, summary, {**action, "resolution": wanted})
    options = [Say("bot.returns.button_store_credit"), Say("bot.returns.button_refund")]
    offer = [Say("bot.returns.take_back", items=names, number=order.number,
                 days=decision.facts.get("window_days") or 0)]
    alternatives = _same_product_in_stock(items[0]) if len(items) == 1 else []
    if reason in {"size", "too_small", "too_big"} and alternatives:
        sizes = ", ".join(str(v.options.get("size", v.sku)) for v in alternatives[:5])
        offer.append(Say("bot.returns.swap_size", sizes=sizes))
        options = [Say("bot.returns.button_exchange"), *options]
    offer.append(Say("bot.returns.credit_or_refund", amount=money))
    mem["pending"] = AwaitResolution(kind="return_resolution", intent="return_request")
    return {"memory": mem, "replies": [reply(*offer, buttons=options)]}


def return_resolution(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    mem = memory(state)
    wanted = wanted_resolution(text) or _button_pressed(state)
    if wanted:
        mem["resolution"] = wanted
    elif names_a_size(text):
        mem["resolution"] = "exchange"
    elif state.get("answer") == "yes":
        mem["resolution"] = "refund"
    elif state.get("answer") == "no":
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(Say("bot.returns.not_started"))]}
    else:
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.which_resolution"),
            buttons=[Say("bot.returns.button_exchange"), Say("bot.returns.button_store_credit"),
                     Say("bot.returns.button_refund")])]}
    mem["pending"] = None
    state = {**state, "memory": mem, "text": f"{mem['resolution'].replace('_', ' ')} {text}"}
    goto = Node.EXCHANGE_REQUEST if mem["resolution"] == "exchange" else Node.RETURN_REQUEST
    return Command(goto=goto, update={"memory": mem, "text": state["text"]})


RESOLUTION_BUTTONS = {"exchange": "bot.returns.button_exchange",
                      "store_credit": "bot.returns.button_store_credit",
                      "refund": "bot.returns.button_refund"}


def _button_pressed(state: TurnState) -> str:
    """The resolution whose button the shopper pressed (its label in their language, as
    the channel sends it back), or ""."""
    said = (state.get("message_text") or state.get("text", "")).strip().casefold()
    language = conversation(state).customer.language
    return next((resolution for resolution, key in RESOLUTION_BUTTONS.items()
                 if render(Say(key), language).casefold() == said), "")


def _target_variant(state: TurnState, item: OrderItem) -> tuple[Variant | None, str]:
    """The variant the shopper wants instead, and how they described it."""
    text = state.get("text", "")
    entities = state.get("entities") or {}
    options = dict(item.variant.options)
    variants = store.variant_list_for_product(item.variant.product)
    wanted_size = target_size(text)
    if not wanted_size and entities.get("size"):
        wanted_size = entities["size"].upper().replace("SIZE", "").strip()
    steps = relative_size(text)
    if steps:
        wanted_size = _size_stepped(item, steps, variants) or wanted_size
    wanted_colour = (entities.get("colour") or "").lower()
    if wanted_size and str(options.get("size", "")).upper() != wanted_size.upper():
        options["size"] = _size_as_listed(wanted_size, variants)
    if wanted_colour and str(options.get("colour", "")).lower() != wanted_colour:
        options["colour"] = wanted_colour
    for key in options:
        if key == "size" or (key == "colour" and wanted_colour):
            continue
        # Any other option the shopper names: "the long-sleeve one", "long leg".
        values = {str(v.options.get(key)) for v in variants if v.options.get(key) is not None}
        named = [value for value in values if value.lower() != str(options[key]).lower()
                 and says_value(text, value)]
        if len(named) == 1:
            options[key] = named[0]
    if options == item.variant.options:
        offered = _named_alternative(text, item)
        if offered is not None:
            return offered, offered.option_label()
        return None, ""
    norm = {k: str(v).lower() for k, v in options.items()}
    for v in variants:
        if {k: str(x).lower() for k, x in v.options.items()} == norm:
            return v, ", ".join(str(x) for x in options.values())
    return None, ", ".join(str(x) for x in options.values())


def _size_as_listed(wanted: str, variants: list[Variant]) -> str:
    """The product's own spelling (among its ``variants``) of a size the shopper gave: "8"
    or "uk 8" is "UK 8" where the shop lists UK sizes."""
    digits = without_size_system(wanted)
    for v in variants:
        size = str(v.options.get("size", ""))
        if size.upper() == wanted.upper() or without_size_system(size) == digits:
            return size
    return wanted


def _named_alternative(text: str, item: OrderItem) -> Variant | None:
    """The one other variant of the product whose differing option the shopper named,
    as in "the 10 then" or "ok the cream one"."""
    text = with_letter_sizes(text)
    named = []
    for v in store.variant_list_for_product(item.variant.product):
        if v.pk == item.variant_id:
            continue
        differing = [str(x) for k, x in v.options.items()
                     if str(item.variant.options.get(k, "")).lower() != str(x).lower()]
        if differing and all(says_value(text, d) for d in differing):
            named.append(v)
    return named[0] if len(named) == 1 else None


def exchange_request(state: TurnState) -> dict[str, Any]:
    lookup = order_for_turn(state, "exchange_request")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    mem = dict(lookup.update.get("memory") or memory(state))
    items, ask = _items_for_turn(state, order, mem, "exchange_request",
                                 "bot.returns.which_item_exchange")
    if ask:
        return ask
    other = _other_product_named(state, items)
    if other is not None:
        mem["pending"] = None
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.other_product", product=other.name))],
            **hand_off(state, "unsupported_request", order=order,
                       summary=f"Shopper wants to change an item of order #{order.number} for "
                               f"a different product ({other.name}).",
                       suggested="Cancel and reorder, or return and buy, as the shopper "
                                 "prefers.")}
    left_out = excluded_part(state.get("message_text") or state.get("text", ""))
    if left_out:
        # "The black one is fine": its colour is not the one wanted.
        state = {**state, "text": state.get("text", "").replace(left_out, " "),
                 "message_text": (state.get("message_text") or "").replace(left_out, " "),
                 "entities": {k: v for k, v in (state.get("entities") or {}).items()
                              if k not in {"colour", "size"}}}
    if order.status in {OrderStatus.PENDING, OrderStatus.PROCESSING}:
        return change_items(state, order, mem, items)
    if len(items) > 1:
        return _exchange_several(state, order, mem, items)
    item = items[0]
    decision = decide(state, rules.return_decision(
        order, [item], rules.policy_get(), clock.now(), store.order_events(order),
        store.returned_quantities(order), "exchange",
        compensated=bool(store.missing_parcel_remedy(order)[0])), order)
    if not decision.allowed:
        return _refuse_or_handoff(state, decision, order, mem, "an exchange")
    target, described = _target_variant(state, item)
    alternatives = _same_product_in_stock(item)
    alt_text = Lines([Options(v.options) for v in alternatives[:6]], sep="; ")
    if target is None or target.stock < item.quantity:
        # The option words let routing recognise the answer ("the oatmeal one in M").
        mem["pending"] = AwaitItem(kind="item", intent="exchange_request", names=sorted(
            {str(x).lower() for v in alternatives for x in v.options.values()
             if isinstance(x, str) and len(x) >= 3}))
        mem["items"] = [item.pk]
        mem["product"] = item.variant.product_id  # for "tell me when it's back"
        product = item.variant.product.name
        head = (Say("bot.returns.out_of_stock", product=product, wanted=described)
                if described else Say("bot.returns.which_instead", item=variant_said(item.variant)))
        if alternatives:
            return {"memory": mem, "replies": [reply(
                head, Say("bot.returns.in_stock_or_refund", alternatives=alt_text),
                buttons=[v.option_label() for v in alternatives[:6]])]}
        mem["pending"] = AwaitResolution(kind="return_resolution", intent="return_request")
        amount = Money(item.unit_price, order.currency)
        parts = ([head, Say("bot.returns.none_left", product=product, amount=amount)]
                 if described else
                 [Say("bot.returns.sorry_none_left", product=product, amount=amount)])
        return {"memory": mem, "replies": [reply(
            *parts, buttons=[Say("bot.returns.button_store_credit"),
                             Say("bot.returns.button_refund")])]}
    summary = Say("bot.returns.confirm_swap", item=variant_said(item.variant), number=order.number,
                  product=target.product.name, wanted=described)
    return ask_confirmation(state, mem, summary, {
        "kind": "return", "order": order.number, "items": [item.pk], "resolution": "exchange",
        "exchange": {str(item.pk): target.sku}, "reason": mem.get("reason") or "exchange"})


def _targets(state: TurnState, items: list[OrderItem]) -> tuple[dict[int, Variant], list[Say]]:
    """The variant wanted for each item, from its own part of the message when there are
    several ("the tee for an L and the shorts for a M"), and a line for each item whose
    wish can't be met (with what is in stock instead)."""
    text = state.get("message_text") or state.get("text", "")
    parts = request_parts(text)
    targets: dict[int, Variant] = {}
    missing: list[Say] = []
    for item in items:
        own = text if len(items) == 1 else " ".join(
            p for p in parts if pick_named({**state, "text": p, "entities": {}}, [item]))
        if len(items) > 1 and not own and not means_all(text):
            target, described = None, ""
        else:
            item_state = state if len(items) == 1 else {**state, "text": own or text,
                                                         "entities": {}}
            target, described = _target_variant(item_state, item)
            if target is None and wants_cheapest(own or text):
                target = _cheapest_alternative(item)
                described = target.option_label() if target is not None else ""
        if target is None or target.stock < item.quantity:
            alternatives = Lines([Options(v.options) for v in _same_product_in_stock(item)[:6]],
                                 sep="; ")
            key = ({(True, True): "bot.returns.missing_out_in_stock",
                    (True, False): "bot.returns.missing_out_none",
                    (False, True): "bot.returns.missing_in_stock",
                    (False, False): "bot.returns.missing_none"}
                   [(bool(described), bool(alternatives.items))])
            missing.append(Say(key, item=variant_said(item.variant), wanted=described,
                               alternatives=alternatives))
        else:
            targets[item.pk] = target
    return targets, missing


def _cheapest_alternative(item: OrderItem) -> Variant | None:
    """The cheapest other variant in stock of the same size (or any size if none)."""
    size = item.variant.options.get("size")
    others = _same_product_in_stock(item)
    same_size = [v for v in others if v.options.get("size") == size] or others
    cheaper = sorted(same_size, key=lambda v: (v.price, v.option_label()))
    return cheaper[0] if cheaper else None


def _other_product_named(state: TurnState, items: list[OrderItem]) -> Product | None:
    """A product other than the chosen items' that the message asks for instead ("swap the
    fleece for the Harbour Jumper"), named by at least two words of its name."""
    text = (state.get("message_text") or state.get("text", "")).lower()
    mine = {i.variant.product_id for i in items}
    said = set(said_words(text))
    for product in store.product_search(text):
        name_words = set(words(product.name))
        if product.pk not in mine and len(name_words & said) >= min(2, len(name_words)):
            return product
    return None


def change_items(state: TurnState, order: Order, mem: dict[str, Any],
                 items: list[OrderItem]) -> dict[str, Any]:
    """Another size or colour of items of an order that hasn't shipped: the order itself
    is changed, with the price difference stated before the yes."""
    targets, missing = _targets(state, items)
    mem["items"] = [i.pk for i in items]
    if missing:
        mem["pending"] = AwaitItem(kind="item", intent="exchange_request")
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.change_which", number=order.number,
                lines=Lines(missing, bullet="- ")))]}
    decision = decide(state, rules.items_change_decision(
        order, [(i, targets[i.pk]) for i in items]), order)
    if not decision.allowed:
        return _refuse_or_handoff(state, decision, order, mem, "an item change")
    difference = Decimal(decision.facts.get("difference", "0"))
    lines = Lines([Say("bot.returns.change_line", item=variant_said(i.variant),
                      wanted=Options(targets[i.pk].options)) for i in items], bullet="- ")
    money = Money(abs(difference), order.currency)
    price = (Say("bot.returns.price_same") if difference == 0 else
             Say("bot.returns.price_more", amount=money) if difference > 0 else
             Say("bot.returns.price_less", amount=money))
    return ask_confirmation(state, mem, Say("bot.returns.confirm_change", number=order.number,
                                            lines=lines, price=price), {
        "kind": "change_items", "order": order.number,
        "changes": {str(i.pk): targets[i.pk].sku for i in items}})


def _exchange_several(state: TurnState, order: Order, mem: dict[str, Any],
                      items: list[OrderItem]) -> dict[str, Any]:
    """Several items swapped at once, each for the variant named in its own part of the
    message ("the tee for an L and the shorts for a M"); one proposal for all of them."""
    decision = decide(state, rules.return_decision(
        order, items, rules.policy_get(), clock.now(), store.order_events(order),
        store.returned_quantities(order), "exchange",
        compensated=bool(store.missing_parcel_remedy(order)[0])), order)
    if not decision.allowed:
        return _refuse_or_handoff(state, decision, order, mem, "an exchange")
    text = state.get("message_text") or state.get("text", "")
    parts = request_parts(text)
    back = [i for i in items if wanted_resolution(" ".join(
        p for p in parts if pick_named({**state, "text": p, "entities": {}}, [i])))
        in {"refund", "store_credit"}]
    if back and len(back) < len(items):
        return _swap_and_return(state, order, mem, [i for i in items if i not in back], back)
    targets, missing = _targets(state, items)
    mem["items"] = [i.pk for i in items]
    if missing:
        mem["pending"] = AwaitItem(kind="item", intent="exchange_request")
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.which_for_each", lines=Lines(missing, bullet="- ")))]}
    lines = Lines([Say("bot.returns.swap_line", item=variant_said(i.variant),
                      wanted=Options(targets[i.pk].options)) for i in items], bullet="- ")
    return ask_confirmation(state, mem, Say("bot.returns.confirm_swaps", number=order.number,
                                            lines=lines), {
        "kind": "return", "order": order.number, "items": [i.pk for i in items],
        "resolution": "exchange", "exchange": {str(i.pk): targets[i.pk].sku for i in items},
        "reason": mem.get("reason") or "exchange"})


def _swap_and_return(state: TurnState, order: Order, mem: dict[str, Any],
                     swapped: list[OrderItem], back: list[OrderItem]) -> dict[str, Any]:
    """"Exchange the boots for a UK 10 and refund the jacket": each item with its own
    resolution, checked against policy on its own, proposed together for one yes."""
    text = state.get("message_text") or state.get("text", "")
    wanted = next((w for w in (wanted_resolution(p) for p in request_parts(text))
                   if w in {"refund", "store_credit"}), "refund")
    refused = decide(state, rules.return_decision(
        order, back, rules.policy_get(), clock.now(), store.order_events(order),
        store.returned_quantities(order), wanted,
        compensated=bool(store.missing_parcel_remedy(order)[0])), order)
    if not refused.allowed:
        return _refuse_or_handoff(state, refused, order, mem, "a return")
    targets, missing = _targets(state, swapped)
    mem["items"] = [i.pk for i in [*swapped, *back]]
    if missing:
        mem["pending"] = AwaitItem(kind="item", intent="exchange_request")
        return {"memory": mem, "replies": [reply(
            Say("bot.returns.which_for_each", lines=Lines(missing, bullet="- ")))]}
    value = sum((i.unit_price * i.quantity for i in back), Decimal("0"))
    money = Money(value, order.currency)
    swaps = Lines([Say("bot.returns.swap_item_line", item=variant_said(i.variant),
                      wanted=Options(targets[i.pk].options)) for i in swapped],
                  bullet="- ")
    returns = Lines([Say("bot.returns.return_item_line", item=variant_said(i.variant))
                     for i in back], bullet="- ")
    key = ("bot.returns.confirm_swap_and_credit" if wanted == "store_credit" else
           "bot.returns.confirm_swap_and_refund")
    reason = mem.get("reason") or "exchange"
    summary = Say(key, number=order.number, swaps=swaps, returns=returns, amount=money)
    return ask_confirmation(state, mem, summary, BundleProposal(
        kind="bundle", order=order.number, actions=[
            ReturnProposal(kind="return", order=order.number, items=[i.pk for i in swapped],
                           resolution="exchange", reason=reason,
                           exchange={str(i.pk): targets[i.pk].sku for i in swapped}),
            ReturnProposal(kind="return", order=order.number, items=[i.pk for i in back],
                           resolution=wanted, reason=mem.get("reason") or "")]))


def refund_status(state: TurnState) -> dict[str, Any]:
    if refund_elsewhere(state.get("message_text") or state.get("text", "")):
        return {"replies": [reply(Say("bot.returns.refund_same_method"))]}
    lookup = order_for_turn(state, "refund_status")
    if lookup.order is None:
        return lookup.update
    order = lookup.order
    update = dict(lookup.update)
    refunds = store.refund_list_for_order(order)
    returns = store.return_list_for_order(order)
    text = state.get("message_text") or state.get("text", "")
    if not refunds and not returns and asks_for_refund_now(text):
        # Nothing to report on: they are asking for a refund, which starts as a return.
        return return_request({**state, "memory": update.get("memory") or state.get("memory")})
    if refunds:
        said: list[Say] = [Say("bot.returns.refunds_on_order", number=order.number)]
        overdue: list[Refund] = []
        for r in refunds:
            credit = r.method == Refund.Method.STORE_CREDIT
            amount = Money(r.amount, order.currency)
            sent = _day(r.created_at)
            if r.status == Refund.Status.COMPLETED:
                said.append(Say("bot.returns.refund_completed_credit" if credit else
                                "bot.returns.refund_completed", amount=amount,
                                day=_day(r.completed_at or r.created_at)))
            elif r.status == Refund.Status.FAILED:
                said.append(Say("bot.returns.refund_failed_credit" if credit else
                                "bot.returns.refund_failed", amount=amount))
            elif r.expected_by and r.expected_by < clock.now():
                overdue.append(r)
                said.append(Say("bot.returns.refund_overdue_credit" if credit else
                                "bot.returns.refund_overdue", amount=amount, day=sent,
                                expected=_day(r.expected_by)))
            elif r.expected_by:
                said.append(Say("bot.returns.refund_sent_expected_credit" if credit else
                                "bot.returns.refund_sent_expected", amount=amount, day=sent,
                                expected=_day(r.expected_by)))
            else:
                said.append(Say("bot.returns.refund_sent_credit" if credit else
                                "bot.returns.refund_sent", amount=amount, day=sent))
        if overdue and not conversation(state).customer.is_vip:
            said.append(Say("bot.returns.refund_chase_offer"))
        elif overdue:
            said.append(Say("bot.returns.refund_chasing"))
            update.update(hand_off(
                state, "vip", order=order,
                summary=f"Refund of {fmt.money(overdue[0].amount, order.currency)} on order "
                        f"#{order.number} is overdue (expected by "
                        f"{fmt.day(overdue[0].expected_by)}).",
                suggested="Check the refund with the payment provider.",
                tried=["Checked the refund's status"]))
        if any(r.status == Refund.Status.COMPLETED and r.method != Refund.Method.STORE_CREDIT
               for r in refunds):
            said.append(Say("bot.returns.card_refund_days"))
        update["replies"] = [reply(*said)]
        return update
    open_returns = [r for r in returns if r.status in {Return.Status.LABEL_SENT,
                                                       Return.Status.IN_TRANSIT}]
    if open_returns:
        r = open_returns[0]
        update["replies"] = [reply(Say(
            "bot.returns.return_on_its_way_tracked" if r.tracking_number else
            "bot.returns.return_on_its_way", return_number=r.number, number=order.number,
            tracking=r.tracking_number))]
        return update
    if any(r.status == Return.Status.RECEIVED for r in returns):
        update["replies"] = [reply(Say("bot.returns.return_received", number=order.number))]
        return update
    update["replies"] = [reply(Say("bot.returns.no_refund", number=order.number))]
    return update


def _day(moment: datetime) -> date:
    """The shop's calendar day of a moment, said as a day (no time)."""
    return fmt.local(moment).date()
