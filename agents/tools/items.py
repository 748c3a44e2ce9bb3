"""Which of an order's items the shopper's words point at ("everything except the jumper",
"the bigger one", "the hodie")."""

from __future__ import annotations

import difflib

from agents.nlu.cues import excluded_part, means_all, size_extreme
from agents.nlu.words import is_choice_number, said_words, says_value, words
from agents.state import TurnState
from commerce.models import OrderItem, size_key


def item_label(item: OrderItem) -> str:
    """The item as its button reads and as a tapped button is matched: "Fell Hoodie (S,
    grey)", the catalogue's words."""
    return str(item.variant)


def pick_items(state: TurnState, items: list[OrderItem]) -> list[OrderItem]:
    """The order's items the shopper's words point at, if any: "everything except the
    jumper" is every item but the jumper."""
    text = state.get("text", "").lower()
    left_out = excluded_part(text)
    if left_out and len(items) > 1:
        rest = text.replace(left_out.lower(), " ")
        named = pick_named({**state, "text": rest, "entities": {}}, items)
        out = (pick_named({**state, "text": left_out.lower(), "entities": {}}, items)
               or _by_options(left_out.lower(), items, only_named=True))
        kept = [i for i in (named or items) if i not in out]
        if kept and (out or named):
            return kept
    return pick_named(state, items)


def pick_named(state: TurnState, items: list[OrderItem]) -> list[OrderItem]:
    text = state.get("text", "").lower()
    entities = state.get("entities") or {}
    if means_all(text) and len(items) > 1:
        return items
    sku = (entities.get("product") or "").upper()
    exact = [i for i in items if i.variant.sku.upper() == sku or i.variant.sku.lower() in text]
    if exact:
        return exact
    for n, item in enumerate(items, 1):
        if is_choice_number(text, n) or item_label(item).lower() in text:
            return [item]
    said = set(said_words(text))
    scored = []
    for item in items:
        product = item.variant.product
        name_words = set(words(f"{product.name} {product.kind}"))
        singular = {w.rstrip("s") for w in said}
        # "hodie" is the hoodie: one slip of the keyboard in a longer word still names it.
        misspelt = {w for w in said - name_words if len(w) >= 4
                    and difflib.get_close_matches(w, name_words, n=1, cutoff=0.8)}
        hits = (len(name_words & said) + len({w.rstrip("s") for w in name_words} & singular)
                + len(misspelt))
        if hits:
            scored.append((hits, item))
    if scored:
        best = max(h for h, _ in scored)
        chosen = [i for h, i in scored if h == best]
        if len(chosen) > 1:
            # Two of the same product: "the white tee", "the bigger one" tell them apart.
            chosen = _by_options(text, chosen)
        return chosen
    return []


def _by_options(text: str, items: list[OrderItem], only_named: bool = False) -> list[OrderItem]:
    def said(item: OrderItem) -> int:
        return sum(1 for k, v in item.variant.options.items() if isinstance(v, str)
                   and item.variant.options and len({str(i.variant.options.get(k)) for i in
                                                     items}) > 1
                   and says_value(text, v))
    hits = {i.pk: said(i) for i in items}
    best = max(hits.values())
    if best:
        return [i for i in items if hits[i.pk] == best]
    if only_named:
        return []
    sized = [i for i in items if i.variant.options.get("size")]
    extreme = size_extreme(text)
    if len(sized) == len(items) and extreme:
        pick = max if extreme == "bigger" else min
        return [pick(items, key=lambda i: size_key(str(i.variant.options["size"])))]
    return items
