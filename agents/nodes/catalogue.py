"""Questions before buying, answered from the catalogue and reviews; back-in-stock alerts."""

from __future__ import annotations

from typing import Any

from agents.nlu.catalogue import (
    COLOURS_Q,
    COUNT_Q,
    IN_STOCK_NOW,
    LARGE,
    MATERIAL_Q,
    PRICE_Q,
    RETURNS_Q,
    SHIPPING_Q,
    SIZES_Q,
    SIZING_Q,
    SMALL,
    STOCK_Q,
    TRUE,
    alphanumeric_words,
    asks_which,
    describing_words,
    letter_words,
    price_limits,
    rank_asked,
    restock_wish,
    says_one_of_those,
    size_asked,
)
from agents.nlu.words import says_value, words
from agents.state import TurnState
from agents.tools import stock_alerts
from agents.tools.context import memory, reply
from commerce import selectors as store
from commerce.models import Article, Product, Variant, size_key
from commerce.selectors import stem
from conversations.dialogue import AwaitItem
from core import formatting as fmt


def _product_for_turn(state: TurnState) -> Product | None:
    entities = state.get("entities") or {}
    query = entities.get("product") or state.get("text", "")
    found = store.product_search(query) if query else []
    if not found and entities.get("product"):
        found = store.product_search(state.get("text", ""))
    if found:
        return found[0]
    mem = memory(state)
    if mem.get("product"):
        return store.product_get(int(mem["product"]))
    return None


def _matching_variants(product: Product, entities: dict[str, str]) -> list[Variant]:
    variants = store.variant_list_for_product(product)
    size = (entities.get("size") or "").upper().replace("SIZE", "").strip()
    colour = (entities.get("colour") or "").lower()
    if size:
        variants = [v for v in variants if str(v.options.get("size", "")).upper() == size]
    if colour:
        variants = [v for v in variants if str(v.options.get("colour", "")).lower() == colour]
    return variants


def _fit_summary(product: Product) -> str:
    bodies = [r.body for r in product.reviews.all()]
    small = sum(1 for b in bodies if SMALL.search(b))
    large = sum(1 for b in bodies if LARGE.search(b))
    true = sum(1 for b in bodies if TRUE.search(b))
    if not bodies:
        return "There are no reviews yet, so I can't say how it fits from experience."
    n = len(bodies)
    if small > max(large, true):
        return (f"{small} of {n} reviewers say it runs small, so consider a size up.")
    if large > max(small, true):
        return f"{large} of {n} reviewers say it runs large, so consider a size down."
    if true:
        return f"{true} of {n} reviewers say it's true to size."
    return f"Reviewers don't mention the fit much ({n} reviews)."


def _stock_text(product: Product, variants: list[Variant]) -> str:
    available = [v for v in variants if v.stock > 0]
    if not variants:
        return ""
    if len(variants) == 1:
        v = variants[0]
        label = v.option_label()
        if v.stock > 0:
            return f"{label} is in stock ({fmt.money(v.price)})."
        return f"{label} is out of stock right now — I can tell you when it's back."
    if not available:
        return "It's out of stock in every option right now."
    sizes = sorted({str(v.options.get("size", "")) for v in available} - {""}, key=size_key)
    colours = sorted({str(v.options.get("colour", "")) for v in available} - {""})
    bits = []
    if colours:
        bits.append("colours " + ", ".join(colours))
    if sizes:
        bits.append("sizes " + ", ".join(sizes))
    return "In stock now: " + "; ".join(bits) + "." if bits else "It's in stock."


def _article_answer(state: TurnState, topic: str) -> dict[str, Any] | None:
    articles = store.article_search(state.get("text", ""), topic=topic)
    if not articles:
        return None
    a: Article = articles[0]
    return {"replies": [reply(f"{a.title}: {a.body}")]}


def _product_words(product: Product) -> set[str]:
    values = " ".join(f"{k} {v}" for variant in product.variants.all()
                      for k, v in variant.options.items() if v is not True) + " " + " ".join(
        k for variant in product.variants.all() for k, v in variant.options.items()
        if v is True)
    text = f"{product.name} {product.kind} {product.description} {product.material} {values}"
    return {stem(w) for w in alphanumeric_words(text)}


def _colours(variants: list[Variant]) -> list[str]:
    return sorted({str(v.options["colour"]) for v in variants if v.options.get("colour")})


def _sizes(variants: list[Variant]) -> list[str]:
    return sorted({str(v.options["size"]) for v in variants if v.options.get("size")},
                  key=size_key)


def _comes_in(variants: list[Variant]) -> str:
    bits = []
    colours, sizes = _colours(variants), _sizes(variants)
    if colours:
        bits.append("colours " + ", ".join(colours))
    if sizes:
        bits.append("sizes " + ", ".join(sizes))
    for key in sorted({k for v in variants for k in v.options} - {"colour", "size"}):
        values = sorted({str(v.options[key]) for v in variants
                         if isinstance(v.options.get(key), str)})
        if len(values) > 1:
            bits.append(f"{key} " + ", ".join(values))
    return "; ".join(bits)


def browse(state: TurnState) -> dict[str, Any] | None:
    """Questions across the catalogue ("waterproof boots under £100", "the cheapest
    fleece"): filtered by the words that describe the product, price and stock, ranked
    when asked, and a plain "none" when nothing fits. None when the message isn't one."""
    text = state.get("message_text") or state.get("text", "")
    cap, floor = price_limits(text)
    rank = rank_asked(text)
    if cap is None and floor is None and not rank:
        return None
    words = {stem(w) for w in describing_words(text)}
    kinds = {stem(kind.lower()) for kind in store.product_kind_list()} & words
    mem = memory(state)
    if not kinds and says_one_of_those(text) and mem.get("kinds"):
        # "What's the cheapest waterproof one then?": of the kind asked about just before.
        kinds = set(mem["kinds"])
    mem["kinds"] = sorted(kinds)
    named = store.product_search(text) if not kinds else []
    products = (store.product_list_with_variants(kinds) if kinds else
                named if named and len(words) <= 3 else store.product_list_with_variants())
    entities = state.get("entities") or {}
    size = size_asked(text, dict(entities))
    colour = (entities.get("colour") or "").lower()
    wanted = words - kinds - {stem(size.lower()), colour} - {""}
    matches: list[tuple[Product, list[Variant]]] = []
    for product in products:
        if named and not kinds and product in named:
            describing = wanted - _product_words(product) - {
                stem(w) for w in letter_words(product.name)}
        else:
            describing = wanted - _product_words(product)
        if describing:
            continue
        variants = [v for v in product.variants.all()
                    if (cap is None or v.price <= cap) and (floor is None or v.price >= floor)
                    and (not size or str(v.options.get("size", "")).upper() == size.upper())
                    and (not colour or str(v.options.get("colour", "")).lower() == colour)]
        if variants:
            matches.append((product, variants))
    plural = [k if k.endswith("s") else f"{k}s" for k in sorted(kinds)] or ["products"]
    what = " ".join([*sorted(wanted), " or ".join(plural)])
    limits = (f" under {fmt.money(cap)}" if cap is not None else "") + (
        f" over {fmt.money(floor)}" if floor is not None else "")
    if not matches:
        return {"memory": mem, "replies": [reply(f"Sorry — we have no {what}{limits}: nothing "
                                                 "in the catalogue matches all of that.")]}
    in_stock = [(p, [v for v in vs if v.stock > 0]) for p, vs in matches]
    in_stock = [(p, vs) for p, vs in in_stock if vs]
    if not in_stock:
        names = ", ".join(p.name for p, _ in matches[:5])
        return {"memory": mem, "replies": [reply(
            f"{names} would match{limits}, but {'it is' if len(matches) == 1 else 'they are'}"
            " out of stock right now — I can tell you when it's back.")]}
    if rank == "best":
        def rating(item: tuple[Product, list[Variant]]) -> float:
            ratings = [r.rating for r in item[0].reviews.all()]
            return sum(ratings) / len(ratings) if ratings else 0.0
        in_stock.sort(key=rating, reverse=True)
    else:
        in_stock.sort(key=lambda item: min(v.price for v in item[1]),
                      reverse=rank == "dearest")
    mem["product"] = in_stock[0][0].pk
    if rank:
        product, variants = in_stock[0]
        price = min(v.price for v in variants) if rank != "dearest" else max(
            v.price for v in variants)
        label = {"cheapest": "The cheapest", "dearest": "The most expensive",
                 "best": "The best rated"}[rank]
        comes = _comes_in(variants)
        return {"memory": mem, "replies": [reply(
            f"{label} of our {what}{limits} in stock is {product.name} at {fmt.money(price)}"
            + (f". It comes in {comes}." if comes else "."))]}
    lines = "\n".join(
        f"- {p.name}: {fmt.money(min(v.price for v in vs))}"
        + (f" ({_comes_in(vs)})" if _comes_in(vs) else "") for p, vs in in_stock[:6])
    return {"memory": mem, "replies": [reply(f"In stock{limits}:\n{lines}")]}


def _options_answer(text: str, product: Product, colour: str = "") -> str:
    """How many versions, which colours, which sizes, which ones have an option the
    shopper names ("which are long sleeve"): from the product's own variants."""
    variants = store.variant_list_for_product(product)
    if colour and any(str(v.options.get("colour", "")).lower() == colour for v in variants):
        variants = [v for v in variants if str(v.options.get("colour", "")).lower() == colour]
    available = [v for v in variants if v.stock > 0]
    parts = []
    named = [v for v in variants if any(
        k not in {"size", "colour"} and isinstance(x, str) and len(x) > 2
        and says_value(text, x)
        for k, x in v.options.items())]
    if named and asks_which(text) and len(named) < len(variants):
        parts.append("These: " + "; ".join(
            f"{v.option_label()} at {fmt.money(v.price)}"
            + ("" if v.stock > 0 else " (out of stock)") for v in named) + ".")
        return " ".join(parts)
    if COUNT_Q.search(text):
        parts.append(f"{product.name} comes in {len(variants)} version"
                     f"{'s' if len(variants) != 1 else ''}"
                     + (f" ({_comes_in(variants)})" if _comes_in(variants) else "") + ".")
    elif COLOURS_Q.search(text) and _colours(variants):
        out = [c for c in _colours(variants) if c not in _colours(available)]
        parts.append(f"{product.name} comes in {', '.join(_colours(variants))}."
                     + (f" Out of stock right now: {', '.join(out)}." if out else ""))
    if SIZES_Q.search(text) and _sizes(variants) and not COUNT_Q.search(text):
        if IN_STOCK_NOW.search(text):
            parts.append(f"In stock now: {', '.join(_sizes(available)) or 'none'}.")
        else:
            parts.append(f"Sizes: {', '.join(_sizes(variants))}; in stock now: "
                         f"{', '.join(_sizes(available)) or 'none'}.")
    return " ".join(parts)


def _price_range(product: Product) -> str:
    """"£55.00", or "£36.00–£42.00" when its versions cost different amounts; "" if none."""
    prices = sorted({v.price for v in store.variant_list_for_product(product)})
    if not prices:
        return ""
    return (fmt.money(prices[0]) if len(prices) == 1 else
            f"{fmt.money(prices[0])}–{fmt.money(prices[-1])}")


def _price_sentence(product: Product) -> str:
    price = _price_range(product)
    return f"It costs {price}." if price else ""


def _material(product: Product) -> str:
    """What it's made of: the product's own fields, else a material option of its
    variants."""
    told = " ".join(x for x in (product.material, product.care) if x)
    if told:
        return told
    values = sorted({str(v.options[k]) for v in store.variant_list_for_product(product)
                     for k in v.options if k in {"material", "fabric"}
                     and isinstance(v.options[k], str)})
    if values:
        return f"{product.name} is made of {', '.join(values)}."
    return product.description or f"I don't have material or care details for {product.name}."


def product_question(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    answer = browse(state)
    if answer is not None:
        return answer
    product = _product_for_turn(state)
    if product is None:
        if SHIPPING_Q.search(text):
            answer = _article_answer(state, "shipping")
            if answer:
                return answer
        if RETURNS_Q.search(text):
            answer = _article_answer(state, "returns")
            if answer:
                return answer
        if SIZING_Q.search(text):
            answer = _article_answer(state, "sizing")
            if answer:
                return answer
        return {"replies": [reply(
            "Which product do you mean? Tell me its name or the code on the product page "
            "(like TEE-HARB-BLK-M) and I'll check sizes, stock and reviews.")]}
    mem = memory(state)
    mem["product"] = product.pk
    # "Does it come in a large?" asks about one size, not for the list of options.
    options = "" if size_asked(text, dict(state.get("entities") or {})) else _options_answer(
        text, product, (state.get("entities") or {}).get("colour", "").lower())
    if options:
        if PRICE_Q.search(text) and "at £" not in options:
            options += " " + _price_sentence(product)
        return {"memory": mem, "replies": [reply(options)]}
    entities = dict(state.get("entities") or {})
    size = size_asked(text, entities)
    if size:
        entities["size"] = size
    variants = _matching_variants(product, entities)
    parts = [f"{product.name}"]
    if PRICE_Q.search(text) or not (SIZING_Q.search(text) or STOCK_Q.search(text)
                                    or MATERIAL_Q.search(text)):
        price = _price_range(product)
        parts[0] += f" costs {price}." if price else "."
        if product.description:
            parts.append(product.description)
    else:
        parts[0] += ":"
    if MATERIAL_Q.search(text):
        parts.append(_material(product))
    if SIZING_Q.search(text):
        parts.append(_fit_summary(product))
    if (entities.get("size") or entities.get("colour")) and not variants:
        every = store.variant_list_for_product(product)
        asked = " ".join(x for x in (entities.get("colour", ""), entities.get("size", "")) if x)
        parts.append(f"Sorry — it doesn't come in {asked}. It comes in {_comes_in(every)}.")
    elif STOCK_Q.search(text) or entities.get("size") or entities.get("colour"):
        parts.append(_stock_text(product, variants))
    if any(v.final_sale for v in store.variant_list_for_product(product)):
        parts.append("Some options are final sale and can't be returned.")
    return {"memory": mem, "replies": [reply(" ".join(p for p in parts if p))]}


def _variants_named(text: str, variants: list[Variant]) -> list[Variant]:
    """The variants whose every option value the text names as a word ("the black L")."""
    def said(value: object) -> bool:
        return says_value(text, str(value))
    return [v for v in variants if v.options and all(said(x) for x in v.options.values())]


def back_in_stock(state: TurnState) -> dict[str, Any]:
    product = _product_for_turn(state)
    mem = memory(state)
    if product is None:
        mem["pending"] = AwaitItem(kind="item", intent="back_in_stock")
        return {"memory": mem, "replies": [reply(
            "Which product and size should I watch for you?")]}
    mem["product"] = product.pk
    entities = dict(state.get("entities") or {})
    size = size_asked(state.get("text", ""), entities)
    if size:
        entities["size"] = size
    variants = _matching_variants(product, entities)
    every = store.variant_list_for_product(product)
    wish = restock_wish(state.get("text", ""))
    listed = stock_alerts.variants_listed(wish, every)
    if listed:
        answer = stock_alerts.subscribe_many(state, listed, mem)
        if answer is not None:
            return answer
    named = _variants_named(wish, every)
    if len(named) == 1:
        variants = named
    if len(variants) != 1:
        out = [v for v in variants if v.stock <= 0]
        if len(out) == 1:
            variants = out
        else:
            # The option words let routing recognise the answer ("the green one, size M")
            # however the classifier reads it.
            names = sorted({str(x).lower() for v in out for x in v.options.values()}
                           | set(words(product.name)))
            mem["pending"] = AwaitItem(kind="item", intent="back_in_stock", names=names)
            labels = [v.option_label(" ") for v in out[:8]]
            axes = [k for k in ("size", "colour") if len({str(v.options.get(k, "")) for v in
                                                          out}) > 1] or ["option"]
            if not variants:
                every = [v.option_label(" ") for v in store.variant_list_for_product(product)]
                return {"memory": mem, "replies": [reply(
                    f"{product.name} doesn't come in that option. It comes in: "
                    f"{'; '.join(every[:12])}. Which one should I watch for you?")]}
            if not out:
                return {"memory": mem, "replies": [reply(
                    f"Every option of {product.name} is in stock right now, so there's nothing "
                    "to wait for.")]}
            return {"memory": mem, "replies": [reply(
                f"Which {' and '.join(axes)} of {product.name} should I watch for you? Sold "
                f"out now: {'; '.join(labels)}.", buttons=labels)]}
    variant = variants[0]
    label = variant.option_label()
    mem["pending"] = None
    if variant.stock > 0:
        return {"memory": mem, "replies": [reply(
            f"Good news: {product.name} ({label}) is in stock right now — {variant.stock} "
            f"left at {fmt.money(variant.price)}.")]}
    return stock_alerts.subscribe(state, variant, mem)
