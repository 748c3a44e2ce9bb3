"""Questions before buying, answered from the catalogue and reviews; back-in-stock alerts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from agents.nlu.catalogue import (
    alphanumeric_words,
    asks_which,
    describing_words,
    fit_votes,
    letter_words,
    price_limits,
    product_ask,
    rank_asked,
    restock_wish,
    says_one_of_those,
    size_asked,
)
from agents.nlu.words import says_value, words
from agents.state import TurnState
from agents.tools import stock_alerts
from agents.tools.context import article, memory, reply
from commerce import selectors as store
from commerce.models import Article, Product, Variant, size_key
from commerce.selectors import stem
from conversations.dialogue import AwaitItem
from replies.render import Either, Lines, Options, Say


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


def _fit_summary(product: Product) -> Say:
    bodies = [r.body for r in product.reviews.all()]
    small, large, true = fit_votes(bodies)
    if not bodies:
        return Say("bot.catalogue.fit_no_reviews")
    n = len(bodies)
    if small > max(large, true):
        return Say("bot.catalogue.fit_small", count=small, reviews=n)
    if large > max(small, true):
        return Say("bot.catalogue.fit_large", count=large, reviews=n)
    if true:
        return Say("bot.catalogue.fit_true", count=true, reviews=n)
    return Say("bot.catalogue.fit_unmentioned", reviews=n)


def _stock_text(product: Product, variants: list[Variant]) -> Say | None:
    available = [v for v in variants if v.stock > 0]
    if not variants:
        return None
    if len(variants) == 1:
        v = variants[0]
        label = Options(v.options)
        if v.stock > 0:
            return Say("bot.catalogue.option_in_stock", option=label, price=v.price)
        return Say("bot.catalogue.option_out_of_stock", option=label)
    if not available:
        return Say("bot.catalogue.all_out_of_stock")
    options = _options_said(_colours(available), _sizes(available))
    return Say("bot.catalogue.in_stock_now", options=options) if options else Say(
        "bot.catalogue.in_stock")


def _options_said(colours: list[str], sizes: list[str],
                  others: tuple[tuple[str, list[str]], ...] = ()) -> Say | None:
    """"colours Black, White; sizes S, M": the options a product comes in, by kind."""
    bits = []
    if colours:
        bits.append(Say("bot.catalogue.colours", values=", ".join(colours)))
    if sizes:
        bits.append(Say("bot.catalogue.sizes", values=", ".join(sizes)))
    bits += [Say("bot.catalogue.other_option", option=key, values=", ".join(values))
             for key, values in others]
    return _one_after_another(bits)


def _one_after_another(says: list[Say]) -> Say | None:
    """Several phrases said one after another, a semicolon between each."""
    if not says:
        return None
    if len(says) == 1:
        return says[0]
    return Say("bot.catalogue.then", first=says[0], rest=_one_after_another(says[1:]))


def _article_answer(state: TurnState, topic: str) -> dict[str, Any] | None:
    articles = store.article_search(state.get("text", ""), topic=topic)
    if not articles:
        return None
    a: Article = articles[0]
    return {"replies": [reply(article(a))]}


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


def _comes_in(variants: list[Variant]) -> Say | None:
    others = []
    for key in sorted({k for v in variants for k in v.options} - {"colour", "size"}):
        values = sorted({str(v.options[key]) for v in variants
                         if isinstance(v.options.get(key), str)})
        if len(values) > 1:
            others.append((key, values))
    return _options_said(_colours(variants), _sizes(variants), tuple(others))


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
    plural = [k if k.endswith("s") else f"{k}s" for k in sorted(kinds)]
    kinds_said: Say | Either = Either(plural) if plural else Say("bot.catalogue.products")
    what = (Say("bot.catalogue.described", words=" ".join(sorted(wanted)), kinds=kinds_said)
            if wanted else kinds_said)
    limits: Say | str = (
        Say("bot.catalogue.between", low=floor, high=cap)
        if cap is not None and floor is not None else
        Say("bot.catalogue.under", amount=cap) if cap is not None else
        Say("bot.catalogue.over", amount=floor) if floor is not None else "")
    if not matches:
        return {"memory": mem, "replies": [reply(
            Say("bot.catalogue.none_match", what=what, limits=limits))]}
    in_stock = [(p, [v for v in vs if v.stock > 0]) for p, vs in matches]
    in_stock = [(p, vs) for p, vs in in_stock if vs]
    if not in_stock:
        names = ", ".join(p.name for p, _ in matches[:5])
        return {"memory": mem, "replies": [reply(Say(
            "bot.catalogue.one_match_sold_out" if len(matches) == 1 else
            "bot.catalogue.matches_sold_out", products=names, limits=limits))]}
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
        comes = _comes_in(variants)
        key = ({"cheapest": "bot.catalogue.cheapest_comes_in",
                "dearest": "bot.catalogue.dearest_comes_in",
                "best": "bot.catalogue.best_rated_comes_in"} if comes else
               {"cheapest": "bot.catalogue.cheapest", "dearest": "bot.catalogue.dearest",
                "best": "bot.catalogue.best_rated"})[rank]
        return {"memory": mem, "replies": [reply(Say(
            key, what=what, limits=limits,
            product=product.name, price=price, options=comes or ""))]}
    lines = Lines([
        Say("bot.catalogue.line_with_options", product=p.name, price=min(v.price for v in vs),
            options=_comes_in(vs)) if _comes_in(vs) else
        Say("bot.catalogue.line", product=p.name, price=min(v.price for v in vs))
        for p, vs in in_stock[:6]], bullet="- ")
    return {"memory": mem, "replies": [reply(
        Say("bot.catalogue.in_stock_list", limits=limits, lines=lines))]}


def _options_answer(text: str, product: Product, colour: str = "") -> list[Say]:
    """How many versions, which colours, which sizes, which ones have an option the
    shopper names ("which are long sleeve"): from the product's own variants."""
    variants = store.variant_list_for_product(product)
    if colour and any(str(v.options.get("colour", "")).lower() == colour for v in variants):
        variants = [v for v in variants if str(v.options.get("colour", "")).lower() == colour]
    available = [v for v in variants if v.stock > 0]
    parts: list[Say] = []
    named = [v for v in variants if any(
        k not in {"size", "colour"} and isinstance(x, str) and len(x) > 2
        and says_value(text, x)
        for k, x in v.options.items())]
    if named and asks_which(text) and len(named) < len(variants):
        parts.append(Say("bot.catalogue.these", options=_one_after_another([
            Say("bot.catalogue.option_at" if v.stock > 0 else "bot.catalogue.option_at_sold_out",
                option=Options(v.options), price=v.price) for v in named])))
        return parts
    ask = product_ask(text)
    if ask.count:
        comes = _comes_in(variants)
        key = ({True: "bot.catalogue.versions_one_options",
                False: "bot.catalogue.versions_options"} if comes else
               {True: "bot.catalogue.versions_one", False: "bot.catalogue.versions"}
               )[len(variants) == 1]
        parts.append(Say(key, product=product.name,
                         count=len(variants), options=comes or ""))
    elif ask.colours and _colours(variants):
        out = [c for c in _colours(variants) if c not in _colours(available)]
        parts.append(Say("bot.catalogue.comes_in_colours", product=product.name,
                         colours=", ".join(_colours(variants))))
        if out:
            parts.append(Say("bot.catalogue.colours_sold_out", colours=", ".join(out)))
    if ask.sizes and _sizes(variants) and not ask.count:
        in_stock = ", ".join(_sizes(available))
        if ask.in_stock_now:
            parts.append(Say("bot.catalogue.sizes_in_stock", sizes=in_stock) if in_stock else
                         Say("bot.catalogue.no_sizes_in_stock"))
        else:
            every = ", ".join(_sizes(variants))
            parts.append(Say("bot.catalogue.sizes_and_stock", sizes=every, available=in_stock)
                         if in_stock else Say("bot.catalogue.sizes_none_in_stock", sizes=every))
    return parts


def _price_range(product: Product) -> Say | Decimal | None:
    """£55.00, or £36.00–£42.00 when its versions cost different amounts; None if none."""
    prices = sorted({v.price for v in store.variant_list_for_product(product)})
    if not prices:
        return None
    return (prices[0] if len(prices) == 1 else
            Say("bot.catalogue.price_range", low=prices[0], high=prices[-1]))


def _price_sentence(product: Product) -> Say | None:
    price = _price_range(product)
    return Say("bot.catalogue.it_costs", price=price) if price is not None else None


def _material(product: Product) -> Say | str:
    """What it's made of: the product's own fields, else a material option of its
    variants."""
    told = " ".join(x for x in (product.material, product.care) if x)
    if told:
        return told
    values = sorted({str(v.options[k]) for v in store.variant_list_for_product(product)
                     for k in v.options if k in {"material", "fabric"}
                     and isinstance(v.options[k], str)})
    if values:
        return Say("bot.catalogue.made_of", product=product.name, materials=", ".join(values))
    return product.description or Say("bot.catalogue.no_material", product=product.name)


def product_question(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    answer = browse(state)
    if answer is not None:
        return answer
    product = _product_for_turn(state)
    ask = product_ask(text)
    if product is None:
        if ask.shipping:
            answer = _article_answer(state, "shipping")
            if answer:
                return answer
        if ask.returns:
            answer = _article_answer(state, "returns")
            if answer:
                return answer
        if ask.sizing:
            answer = _article_answer(state, "sizing")
            if answer:
                return answer
        return {"replies": [reply(Say("bot.catalogue.which_product"))]}
    mem = memory(state)
    mem["product"] = product.pk
    # "Does it come in a large?" asks about one size, not for the list of options.
    options = "" if size_asked(text, dict(state.get("entities") or {})) else _options_answer(
        text, product, (state.get("entities") or {}).get("colour", "").lower())
    if options:
        priced = any(o.key == "bot.catalogue.these" for o in options)
        price_said = _price_sentence(product)
        if ask.price and not priced and price_said is not None:
            options.append(price_said)
        return {"memory": mem, "replies": [reply(*options)]}
    entities = dict(state.get("entities") or {})
    size = size_asked(text, entities)
    if size:
        entities["size"] = size
    variants = _matching_variants(product, entities)
    parts: list[Say | str | None] = []
    if ask.price or not (ask.sizing or ask.stock or ask.material):
        price = _price_range(product)
        parts.append(Say("bot.catalogue.product_costs", product=product.name, price=price)
                     if price is not None else Say("bot.catalogue.product", product=product.name))
        if product.description:
            parts.append(product.description)
    else:
        parts.append(Say("bot.catalogue.product_heading", product=product.name))
    if ask.material:
        parts.append(_material(product))
    if ask.sizing:
        parts.append(_fit_summary(product))
    if (entities.get("size") or entities.get("colour")) and not variants:
        every = store.variant_list_for_product(product)
        asked = " ".join(x for x in (entities.get("colour", ""), entities.get("size", "")) if x)
        parts.append(Say("bot.catalogue.not_in_option", asked=asked,
                         options=_comes_in(every) or ""))
    elif ask.stock or entities.get("size") or entities.get("colour"):
        parts.append(_stock_text(product, variants))
    if any(v.final_sale for v in store.variant_list_for_product(product)):
        parts.append(Say("bot.catalogue.final_sale_options"))
    return {"memory": mem, "replies": [reply(*(p for p in parts if p))]}


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
        return {"memory": mem, "replies": [reply(Say("bot.catalogue.which_to_watch"))]}
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
            axes = tuple(k for k in ("size", "colour")
                         if len({str(v.options.get(k, "")) for v in out}) > 1)
            if not variants:
                every = [Options(v.options, " ")
                         for v in store.variant_list_for_product(product)]
                return {"memory": mem, "replies": [reply(Say(
                    "bot.catalogue.no_such_option_watch", product=product.name,
                    options=Lines(every[:12], sep="; ")))]}
            if not out:
                return {"memory": mem, "replies": [reply(
                    Say("bot.catalogue.all_in_stock", product=product.name))]}
            key = {("size",): "bot.catalogue.which_size_watch",
                   ("colour",): "bot.catalogue.which_colour_watch",
                   ("size", "colour"): "bot.catalogue.which_size_colour_watch"}.get(
                axes, "bot.catalogue.which_option_watch")
            return {"memory": mem, "replies": [reply(
                Say(key, product=product.name,
                    options=Lines([Options(v.options, " ") for v in out[:8]], sep="; ")),
                buttons=labels)]}
    variant = variants[0]
    label = Options(variant.options)
    mem["pending"] = None
    if variant.stock > 0:
        return {"memory": mem, "replies": [reply(Say(
            "bot.catalogue.back_already", product=product.name, option=label,
            count=variant.stock, price=variant.price))]}
    return stock_alerts.subscribe(state, variant, mem)
