"""What a shopper asks about the catalogue: which product facts (fit, stock, price, material,
delivery, returns), which size, price limits and rankings ("the cheapest", "under £100"),
colours, sizes and counts of versions, and a wish to be told of a restock."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

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


PRICE_CAP = re.compile(r"\b(?:under|below|less than|cheaper than|max(?:imum)?|up to|no more than|"
                       r"within|at most)\s*(?:£|\$|€)?\s*(\d+(?:\.\d{1,2})?)", re.I)


PRICE_FLOOR = re.compile(r"\b(?:over|above|more than|at least)\s*(?:£|\$|€)?\s*(\d+(?:\.\d{1,2})?)",
                         re.I)


RANKS = (("cheapest", re.compile(r"\b(cheapest|least expensive|lowest[- ]price\w*|most "
                                 r"affordable|cheaper (one|of))\b", re.I)),
         ("dearest", re.compile(r"\b(most expensive|priciest|dearest|pricier (one|of))\b", re.I)),
         ("best", re.compile(r"\b(best[- ]rated|highest[- ]rated|best reviewed|top[- ]rated|"
                             r"best reviews)\b", re.I)))


COLOURS_Q = re.compile(r"\b(what|which|any other|other|how many) colou?rs?\b|"
                       r"\bcolou?rs? (does|do|is|are|can)\b|\bcome in\b", re.I)


SIZES_Q = re.compile(r"\b(what|which|how many) sizes?\b|\bsizes? (does|do|are|is|can)\b",
                     re.I)


COUNT_Q = re.compile(r"\bhow many (versions|variants|options|colou?rs|sizes|kinds|types|"
                     r"styles|different)\b", re.I)


# Words of a browsing question that describe nothing about the product.
_BROWSE_STOP_WORDS = """
any have got you do does under below less than over above cheapest least most expensive price
priced prices quid pounds pound gbp pair pairs something anything looking look find show need
want buy get sell sold there some which one ones what best rated top highest lowest reviewed
reviews cheap cheaper affordable much how many the and for with your are is it its can could
would will please thanks hi hello hey also me my i im i'm a an of in on to up at or that this
these those max maximum within most come comes available stock options option version versions
sort kind kinds type types different also them they their top tops clothing clothes gear
thing things stuff wear small medium large xs xl xxl extra then ok okay so well
"""


_BROWSE_STOP = frozenset(_BROWSE_STOP_WORDS.split())


def _price_limits(text: str) -> tuple[Decimal | None, Decimal | None]:
    cap, floor = PRICE_CAP.search(text), PRICE_FLOOR.search(text)
    return (Decimal(cap.group(1)) if cap else None, Decimal(floor.group(1)) if floor else None)


def _rank(text: str) -> str:
    return next((name for name, pattern in RANKS if pattern.search(text)), "")


IN_STOCK_NOW = re.compile(r"\b(got|have|in stock|available|at the moment|right now|left|now)\b",
                          re.I)


def _wish(text: str) -> str:
    """The sentence that asks to be told, without the ones turning other options down."""
    sentences = re.split(r"(?<=[.?!])\s+", text)
    asking = [s for s in sentences if BACK_WISH.search(s)]
    return " ".join(asking) or text


BACK_WISH = re.compile(r"\b(let me know|tell me|notify|message me|email me|text me|alert|"
                       r"back in stock|restock\w*|available again|comes? back)\b", re.I)


def price_limits(text: str) -> tuple[Decimal | None, Decimal | None]:
    """The most and the least the shopper wants to pay ("under £100", "over 50")."""
    return _price_limits(text)


def rank_asked(text: str) -> str:
    """"cheapest", "dearest" or "best" (rated) when the shopper asks for one; else ""."""
    return _rank(text)


def restock_wish(text: str) -> str:
    """The sentence that asks to be told of a restock, without the ones turning other
    options down."""
    return _wish(text)


def describing_words(text: str) -> list[str]:
    """The words of a catalogue question that may describe a product (not "the", "under",
    sizes or filler)."""
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w not in _BROWSE_STOP and len(w) > 2]


def letter_words(text: str) -> list[str]:
    """Every run of letters, lower-cased."""
    return re.findall(r"[a-z]+", text.lower())


def alphanumeric_words(text: str) -> list[str]:
    """Every run of letters and digits, lower-cased."""
    return re.findall(r"[a-z0-9]+", text.lower())


def says_one_of_those(text: str) -> bool:
    """"The cheapest waterproof one": of the kind spoken of just before."""
    return bool(re.search(r"\b(one|ones)\b", text, re.I))


def asks_which(text: str) -> bool:
    return bool(re.search(r"\b(which|what)\b", text, re.I))


@dataclass(frozen=True)
class ProductAsk:
    """What a question about a product asks, read once: the catalogue step answers by it."""

    sizing: bool  # how it fits, runs small or large
    stock: bool  # whether it is in stock, or left
    in_stock_now: bool  # in stock right now (not "when is it back")
    price: bool
    material: bool  # what it is made of, how to wash it
    shipping: bool
    returns: bool
    colours: bool  # which colours it comes in
    sizes: bool  # which sizes it comes in
    count: bool  # how many versions there are


def product_ask(text: str) -> ProductAsk:
    return ProductAsk(
        sizing=bool(SIZING_Q.search(text)), stock=bool(STOCK_Q.search(text)),
        in_stock_now=bool(IN_STOCK_NOW.search(text)), price=bool(PRICE_Q.search(text)),
        material=bool(MATERIAL_Q.search(text)), shipping=bool(SHIPPING_Q.search(text)),
        returns=bool(RETURNS_Q.search(text)), colours=bool(COLOURS_Q.search(text)),
        sizes=bool(SIZES_Q.search(text)), count=bool(COUNT_Q.search(text)))


def fit_votes(reviews: list[str]) -> tuple[int, int, int]:
    """How many reviews say it runs small, runs large, and is true to size."""
    return (sum(1 for r in reviews if SMALL.search(r)), sum(1 for r in reviews if LARGE.search(r)),
            sum(1 for r in reviews if TRUE.search(r)))
