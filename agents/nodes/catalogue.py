"""Questions before buying, answered from the catalogue and reviews; back-in-stock alerts."""

from __future__ import annotations

import re
from typing import Any

from agents import format as fmt
from agents.state import TurnState
from agents.tools.context import conversation, memory, reply
from commerce import selectors as store
from commerce import services as store_services
from commerce.models import Article, Product, Variant

SMALL = re.compile(r"runs? small|size up|too small|tight|snug|narrow|order a size up", re.I)
LARGE = re.compile(r"runs? (large|big)|size down|too big|roomy|loose|baggy", re.I)
TRUE = re.compile(r"true to size|fits? (perfectly|well|as expected)|normal size|usual size",
                  re.I)
# About fit, not about whether a size exists: "does it run small", "how does it fit".
SIZING_Q = re.compile(r"\b(sizing|fit|fits|fitting|runs?( \w+)? (small|large|big|true)|"
                      r"true to size|size (up|down)|too (small|big|large|tight|loose)|tight|"
                      r"snug|loose|baggy|roomy|what size)\b", re.I)
STOCK_Q = re.compile(r"\b(stock|available|availability|have|get|left|sold out|back)\b", re.I)
PRICE_Q = re.compile(r"\b(price|cost|how much|expensive|cheap)\b", re.I)
MATERIAL_Q = re.compile(r"\b(material|made of|fabric|cotton|wool|leather|wash|care|"
                        r"waterproof|vegan)\b", re.I)
SHIPPING_Q = re.compile(r"\b(deliver\w*|shipping|ship|postage|dispatch|arrive|international|"
                        r"abroad|next day|express)\b", re.I)
RETURNS_Q = re.compile(r"\b(return|refund|exchange)\w*\b", re.I)


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
        return Product.objects.filter(pk=mem["product"]).first()
    return None


SIZE_WORD = re.compile(r"\b(xxs|xs|xl|xxl|extra small|extra large|small|medium|large|"
                       r"size \d{1,2}(?:\.5)?)\b", re.I)
SIZE_NAMES = {"small": "S", "medium": "M", "large": "L", "extra small": "XS",
              "extra large": "XL"}


def size_asked(text: str, entities: dict[str, str]) -> str:
    """The size a question names: the classifier's entity, else a size word that isn't
    part of a question about fit ("does it run small")."""
    if entities.get("size"):
        return entities["size"].upper().replace("SIZE", "").strip()
    if SIZING_Q.search(text):
        return ""
    m = SIZE_WORD.search(text)
    if not m:
        return ""
    word = m.group(1).lower()
    return SIZE_NAMES.get(word, word.replace("size", "").strip().upper())


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
    sizes = sorted({str(v.options.get("size", "")) for v in available} - {""})
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


def product_question(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
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
    entities = dict(state.get("entities") or {})
    size = size_asked(text, entities)
    if size:
        entities["size"] = size
    variants = _matching_variants(product, entities)
    price_range = sorted({v.price for v in store.variant_list_for_product(product)})
    parts = [f"{product.name}"]
    if PRICE_Q.search(text) or not (SIZING_Q.search(text) or STOCK_Q.search(text)
                                    or MATERIAL_Q.search(text)):
        price = (fmt.money(price_range[0]) if len(price_range) == 1 else
                 f"{fmt.money(price_range[0])}–{fmt.money(price_range[-1])}") if price_range else ""
        parts[0] += f" costs {price}." if price else "."
        if product.description:
            parts.append(product.description)
    else:
        parts[0] += ":"
    if MATERIAL_Q.search(text):
        parts.append(" ".join(x for x in (product.material, product.care) if x)
                     or product.description
                     or f"I don't have material or care details for {product.name}.")
    if SIZING_Q.search(text):
        parts.append(_fit_summary(product))
    if STOCK_Q.search(text) or entities.get("size") or entities.get("colour"):
        parts.append(_stock_text(product, variants))
    if any(v.final_sale for v in store.variant_list_for_product(product)):
        parts.append("Some options are final sale and can't be returned.")
    return {"memory": mem, "replies": [reply(" ".join(p for p in parts if p))]}


def _wish(text: str) -> str:
    """The sentence that asks to be told, without the ones turning other options down."""
    sentences = re.split(r"(?<=[.?!])\s+", text)
    asking = [s for s in sentences if BACK_WISH.search(s)]
    return " ".join(asking) or text


BACK_WISH = re.compile(r"\b(let me know|tell me|notify|message me|email me|text me|alert|"
                       r"back in stock|restock\w*|available again|comes? back)\b", re.I)


def _variants_named(text: str, variants: list[Variant]) -> list[Variant]:
    """The variants whose every option value the text names as a word ("the black L")."""
    def said(value: object) -> bool:
        return bool(re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", text, re.I))
    return [v for v in variants if v.options and all(said(x) for x in v.options.values())]


def back_in_stock(state: TurnState) -> dict[str, Any]:
    product = _product_for_turn(state)
    mem = memory(state)
    if product is None:
        mem["pending"] = {"kind": "item", "intent": "back_in_stock"}
        return {"memory": mem, "replies": [reply(
            "Which product and size should I watch for you?")]}
    mem["product"] = product.pk
    entities = dict(state.get("entities") or {})
    size = size_asked(state.get("text", ""), entities)
    if size:
        entities["size"] = size
    variants = _matching_variants(product, entities)
    named = _variants_named(_wish(state.get("text", "")),
                            store.variant_list_for_product(product))
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
                           | set(re.findall(r"[a-z]{3,}", product.name.lower())))
            mem["pending"] = {"kind": "item", "intent": "back_in_stock", "names": names}
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
                f"out now: {'; '.join(labels)}.", labels)]}
    variant = variants[0]
    label = variant.option_label()
    mem["pending"] = None
    if variant.stock > 0:
        return {"memory": mem, "replies": [reply(
            f"Good news: {product.name} ({label}) is in stock right now — {variant.stock} "
            f"left at {fmt.money(variant.price)}.")]}
    conv = conversation(state)
    store_services.back_in_stock_subscribe(conv.customer, variant, state.get("channel", "web"))
    return {"memory": mem, "replies": [reply(
        f"Done — I'll message you here as soon as {product.name} ({label}) is back in stock. "
        "You can say \"stop alerts\" at any time.")]}
