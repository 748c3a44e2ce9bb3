"""Rule-based entity extraction for shopper messages.

Regular expressions and small word lists, no model: every value here is later used to look
something up (an order, a parcel, a customer), so a wrong value costs more than a missing
one. The extractors run from the most specific shape to the least (an e-mail address or a
UPS number cannot be mistaken for anything else; a bare number can be almost anything) and
each claims the characters it matched, so a later, looser pattern never reuses them: the
digits of a phone number are never also an order number.

Values are normalised as follows:

* ``order_number``: as written, without ``#`` ("#1042" → "1042", "ORD-1042" stays).
* ``phone``: digits only, with a leading ``+`` kept ("07700 900123" → "07700900123").
* ``postcode``: upper case; UK postcodes with one space ("sw1a1aa" → "SW1A 1AA").
* ``tracking_number``: upper case, spaces removed.
* ``size``: letter sizes upper case ("xl" → "XL", "medium" → "M"); "size 8" → "8";
  "EU 42", "UK 9", "US 10", "32W" as such.
* ``colour``: lower case as written ("light blue", "gray"); in the six other languages,
  the English colour the word names ("schwarz" → "black", "azul marino" → "navy").
* ``quantity``: digits ("two hoodies" → "2").
* ``reason``: one of ``REASONS``.
* ``discount_code``: upper case.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from agents.nlu import lexicon

ENTITY_NAMES = (
    "order_number", "email", "phone", "postcode", "tracking_number", "product", "size",
    "colour", "quantity", "reason", "discount_code",
)
REASONS = (
    "too_small", "too_big", "damaged", "wrong_item", "changed_mind", "ordered_twice", "late",
    "not_as_described", "defective",
)

_I = re.IGNORECASE


@dataclass
class _Text:
    """The message plus the character spans already claimed by an extractor."""

    raw: str
    taken: list[tuple[int, int]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in self.taken)

    def claim(self, start: int, end: int) -> None:
        self.taken.append((start, end))

    def matches(self, pattern: re.Pattern[str], group: int | str = 0) -> Iterator[re.Match[str]]:
        for m in pattern.finditer(self.raw):
            if self.free(m.start(group), m.end(group)):
                yield m


# ---------------------------------------------------------------------------- email
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", _I)


def _email(t: _Text) -> str | None:
    for m in t.matches(_EMAIL):
        t.claim(*m.span())
        return m.group(0).rstrip(".")
    return None


# ---------------------------------------------------------------------------- tracking
_TRACKING_CUE = re.compile(
    r"\b(?:track(?:ing)?|dhl|ups|usps|fedex|dpd|hermes|evri|gls|royal\s*mail|parcelforce|"
    r"courier|carrier|shipment|consignment|sendung(?:snummer)?|suivi|seguimiento|parcel\s+"
    r"(?:no|number|id))\b",
    _I,
)
_TRACKING_STRONG = re.compile(
    r"\b(?:1Z[0-9A-Z]{16}"  # UPS
    r"|[A-Z]{2}\d{9}[A-Z]{2}"  # UPU S10: Royal Mail, Deutsche Post, La Poste, USPS intl.
    r"|JJD\d{10,20}|JVGL\d{8,20}"  # DHL Paket / DHL Global
    r")\b",
    _I,
)
# USPS (20-22 digits) and other long carrier numbers, sometimes written in groups of four.
_TRACKING_LONG = re.compile(r"(?<![\d+])\d(?:[ ]?\d){11,25}(?!\d)")
# DHL Express / FedEx numbers are 10-12 digits: only with a carrier or tracking cue nearby.
_TRACKING_CUED = re.compile(r"(?<![\d+])(?:[1-9]\d{9,11})(?!\d)")


def _tracking(t: _Text) -> str | None:
    for m in t.matches(_TRACKING_STRONG):
        t.claim(*m.span())
        return m.group(0).upper()
    for m in t.matches(_TRACKING_LONG):
        digits = m.group(0).replace(" ", "")
        if len(digits) >= 13 or (_near_cue(t.raw, m.start(), _TRACKING_CUE, 60)):
            if m.group(0).startswith("0") and len(digits) < 13:
                continue  # a landline number, left for the phone extractor
            t.claim(*m.span())
            return digits
    for m in t.matches(_TRACKING_CUED):
        if _near_cue(t.raw, m.start(), _TRACKING_CUE, 60) and not _near_cue(
            t.raw, m.start(), _PHONE_CUE, 25
        ):
            t.claim(*m.span())
            return m.group(0)
    return None


def _near_cue(text: str, start: int, cue: re.Pattern[str], window: int) -> bool:
    return cue.search(text[max(0, start - window):start]) is not None


# ---------------------------------------------------------------------------- phone
_PHONE_CUE = re.compile(
    r"\b(?:call|ring|phone|tel|telephone|mobile|cell|number\s+is|whatsapp|text\s+me|"
    r"handy|telefon|portable|téléphone|teléfono|móvil)\b",
    _I,
)
_PHONE_PATTERNS = (
    # International: +44 7700 900123, +49 (0)30 1234567, +1 212-555-0199
    re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){2,5}(?!\d)"),
    # UK / DE national numbers start with 0: 07700 900123, 020 7946 0958, 030 12345678
    re.compile(r"(?<![\w+])0\d{2,4}(?:[ /-]?\d{2,8}){1,3}(?!\d)"),
    # US: (212) 555-0199, 212-555-0199, 212.555.0199
    re.compile(r"(?<![\w+])(?:\(\d{3}\)\s?|\d{3}[.-])\d{3}[ .-]\d{4}(?!\d)"),
)
_PHONE_BARE_CUED = re.compile(r"(?<![\w+])[2-9]\d{9}(?!\d)")


def _phone(t: _Text) -> str | None:
    for pattern in _PHONE_PATTERNS:
        for m in t.matches(pattern):
            digits = re.sub(r"\(0\)", "", m.group(0))
            digits = re.sub(r"[^\d+]", "", digits)
            if not 10 <= len(digits.lstrip("+")) <= 15:
                continue
            t.claim(*m.span())
            return digits
    for m in t.matches(_PHONE_BARE_CUED):
        if _near_cue(t.raw, m.start(), _PHONE_CUE, 30):
            t.claim(*m.span())
            return m.group(0)
    return None


# ---------------------------------------------------------------------------- postcode
_UK_POSTCODE = re.compile(
    r"\b([A-Z]{1,2}\d[A-Z\d]?)[ \t]{0,4}(\d[ABD-HJLNP-UW-Z]{2})\b", _I
)
_POSTCODE_CUE = re.compile(
    r"\b(?:post\s?code|postal\s+code|zip(?:\s?code)?|plz|postleitzahl|code\s+postal|"
    r"código\s+postal)\b",
    _I,
)
_CUED_ZIP = re.compile(
    r"\b(?:post\s?code|postal\s+code|zip(?:\s?code)?|plz|postleitzahl|code\s+postal|"
    r"código\s+postal)\b\W{0,3}(?:(?:is|should\s+be|was|it's|ist|est|es|to|:)\W{0,2}){0,2}"
    r"(\d{5}(?:-\d{4})?)(?!\d)",
    _I,
)
_US_STATE_ZIP = re.compile(
    r"\b(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|"
    r"PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY])\s(\d{5}(?:-\d{4})?)(?!\d)"
)
_ZIP_PLUS4 = re.compile(r"(?<!\d)\d{5}-\d{4}(?!\d)")


def _postcode(t: _Text) -> str | None:
    for m in t.matches(_UK_POSTCODE):
        outward, inward = m.group(1), m.group(2)
        # Lower-case look-alikes ("a1 1aa" is rare; "to 2nd" is not) need a letter-led
        # outward code and either capitals as written or a postcode cue before them.
        # Written as one word ("m145tq") it can hardly be anything else.
        if not m.group(0).isupper() and not m.group(0).isalnum() and not _near_cue(
                t.raw, m.start(), _POSTCODE_CUE, 40):
            continue
        t.claim(*m.span())
        return f"{outward.upper()} {inward.upper()}"
    for pattern in (_CUED_ZIP, _US_STATE_ZIP):
        for m in t.matches(pattern, 1):
            t.claim(*m.span(1))
            return m.group(1)
    for m in t.matches(_ZIP_PLUS4):
        t.claim(*m.span())
        return m.group(0)
    return None


# ---------------------------------------------------------------------------- order number
_ORDER_CUE_WORDS = (
    r"(?:order|purchase|bestellung|bestellnummer|auftrag|commande|pedido|ordine|bestelling|"
    r"encomenda|ref(?:erence)?)"
)
_ORDER_CUED = re.compile(
    r"\b" + _ORDER_CUE_WORDS
    + r"s?\s*(?:(?:no|nr|num|number|nummer|numéro|número|numero|id|ref)\b\.?\s*)?"
    r"(?:(?:is|was|in|:|=|ist|est|es|é)\s*)?(?:#\s*)?"
    r"((?:[A-Z]{2,4}-?)?\d{3,12}|[A-Z]{2,4}-[A-Z0-9]{3,12})(?![\w-])"
    r"(?!\s+(?:pairs?|pieces?|items?|units?|euros?|dollars?|pounds?)\b)",
    _I,
)
_ORDER_PREFIXED = re.compile(r"(?<![\w-])((?:ORD|ORDER|SO|OT|ON)-?\d{3,12})(?![\w-])", _I)
_ORDER_HASH = re.compile(r"(?<![\w&])#\s?(\d{3,12})(?!\d)")
_ORDER_WORD = re.compile(
    r"\b(?:order|purchase|parcel|package|delivery|shipment|bestellung|commande|pedido|"
    r"ordine|bestelling|encomenda)s?\b",
    _I,
)
_BARE_NUMBER = re.compile(r"(?<![\w.,:/£$€+-])(\d{4,9})(?![\w.,:/%-]|\s?(?:€|eur|usd|gbp))", _I)
_NOT_ORDER_BEFORE = re.compile(
    r"(?:£|\$|€|paid|pay|cost|costs|price|priced|spent|size|eu|uk|us|return|call|phone|"
    r"tel|mobile|postcode|zip|plz|in|since|from|until|year|by|box|flat|apt|house|street|"
    r"number\s+is)\W{0,3}$",
    _I,
)


def _order_number(t: _Text) -> str | None:
    for pattern in (_ORDER_CUED, _ORDER_PREFIXED, _ORDER_HASH):
        for m in t.matches(pattern, 1):
            value = m.group(1)
            if pattern is _ORDER_CUED and _looks_like_year(value, t.raw, m.start(1)):
                continue
            t.claim(*m.span(1))
            return value
    # A bare 4-9 digit number counts only in a message about an order, and only when
    # nothing around it says it is a price, a year, a size or part of an address.
    if not _ORDER_WORD.search(t.raw):
        return None
    for m in t.matches(_BARE_NUMBER, 1):
        value = m.group(1)
        if _looks_like_year(value, t.raw, m.start(1)):
            continue
        if _NOT_ORDER_BEFORE.search(t.raw[max(0, m.start(1) - 14):m.start(1)]):
            continue
        after = t.raw[m.end(1):m.end(1) + 12].lower()
        if re.match(r"\s*(?:[a-zäöüéè]+\s+)?(?:pairs?|pieces?|items?|units?|x\b|times|days|"
                    r"weeks|hours|euros?|dollars?|pounds?|quid|km|miles|total|berlin|paris|"
                    r"london|münchen|hamburg)", after):
            continue
        t.claim(*m.span(1))
        return value
    return None


def _looks_like_year(value: str, text: str, start: int) -> bool:
    if not re.fullmatch(r"(?:19|20)\d\d", value):
        return False
    before = text[max(0, start - 12):start].lower()
    return bool(re.search(r"(?:in|since|from|of|year|until|by|\d{1,2}(?:st|nd|rd|th)?\s\w+)\s*$",
                          before)) or not re.search(r"(?:order|#|no\.?|number)\s*$", before)


# ---------------------------------------------------------------------------- product
_SKU = re.compile(r"(?<![\w-])([A-Z]{2,6}(?:-[A-Z0-9]{1,6}){2,4})(?![\w-])")
_SKU_CUED = re.compile(r"\b(?:sku|item\s+(?:no|number|code)|article|artikel)\b\W{0,3}"
                       r"([A-Z0-9][A-Z0-9-]{3,20})\b", _I)
_PRODUCT_NOUNS = (
    "t-shirts?", "t shirts?", "tshirts?", "tees?", "shirts?", "blouses?", "tops?", "tank tops?",
    "hoodies?", "hoody", "sweatshirts?", "sweaters?", "jumpers?", "cardigans?", "jackets?",
    "coats?", "parkas?", "blazers?", "gilets?", "vests?", "jeans", "trousers", "pants",
    "chinos", "joggers", "leggings", "shorts", "skirts?", "dress(?:es)?", "suits?",
    "boots", "boot", "sneakers?", "trainers?", "shoes?", "sandals?", "heels", "loafers?",
    "slippers?", "flip[- ]flops", "bags?", "handbags?", "backpacks?", "rucksacks?", "totes?",
    "wallets?", "purses?", "belts?", "caps?", "hats?", "beanies?", "scarf", "scarves",
    "gloves?", "socks?", "tights", "underwear", "bras?", "swimsuits?", "bikinis?",
    "pyjamas", "pajamas", "sunglasses", "glasses", "watch(?:es)?", "mugs?", "umbrellas?",
    "jacke", "hose", "kleid", "schuhe", "stiefel", "tasche", "mütze", "socken", "pullover",
    "veste", "robe", "pantalon", "chaussures", "bottes", "baskets", "sac", "pull",
    "chaqueta", "vestido", "pantalones", "zapatos", "zapatillas", "botas", "bolso", "gorra",
    "camiseta", "sudadera", "calcetines", "giacca", "scarpe", "borsa", "jas", "schoenen",
)
_PRODUCT_MODIFIERS = (
    "hiking", "rain", "winter", "running", "leather", "denim", "wool", "woollen", "linen",
    "knit", "knitted", "puffer", "ankle", "chelsea", "baseball", "bucket", "tote",
    "cross-body", "crossbody", "party", "summer", "maxi", "midi", "mini", "skinny", "slim",
    "wide-leg", "cargo", "track", "gym", "yoga", "swim", "bomber", "trench", "suede",
    "canvas", "cashmere", "cotton", "silk", "polo", "rugby", "football", "tennis", "walking",
)
_PRODUCT = re.compile(
    r"\b((?:(?:" + "|".join(_PRODUCT_MODIFIERS) + r")\s+)?(?:"
    + "|".join(_PRODUCT_NOUNS) + r"))\b",
    _I,
)


def _product(t: _Text) -> str | None:
    for m in t.matches(_SKU, 1):
        if re.match(r"(?:ORD|ORDER|SO|OT)-", m.group(1)):
            continue
        t.claim(*m.span(1))
        return m.group(1)
    for m in t.matches(_SKU_CUED, 1):
        if any(ch.isdigit() for ch in m.group(1)):
            t.claim(*m.span(1))
            return m.group(1).upper()
    for m in t.matches(_PRODUCT, 1):
        word = m.group(1).lower()
        # "tops", "pants", "sac", "pull" etc. are also everyday words; only when they
        # are not part of a phrase that means something else.
        if word in {"top", "tops"} and (
            re.search(r"\bon\s+$", t.raw[:m.start(1)], _I)
            or re.match(r"\s+(?:up|of)\b", t.raw[m.end(1):], _I)
        ):
            continue
        if word in {"pull", "sac", "watch", "glasses", "suit", "suits"} and _is_verb_use(
            t.raw, m
        ):
            continue
        return word
    return None


def _is_verb_use(text: str, m: re.Match[str]) -> bool:
    """True when a product word is used as a verb or idiom ("pull out", "suits me")."""
    before = text[max(0, m.start(1) - 12):m.start(1)].lower()
    after = text[m.end(1):m.end(1) + 6].lower()
    return bool(
        re.search(r"\b(?:to|i|you|we|they|will|can|please|not|it|doesn't|don't)\s+$", before)
        or re.match(r"\s+(?:me|you|him|her|us|them|out|off|up)\b", after)
    )


# ---------------------------------------------------------------------------- size
_SIZE_TOKEN = r"(?:XXXS|XXS|XS|S|M|L|XL|XXL|XXXL|[2-5]XL)"
_SIZE_CUED = re.compile(
    r"\b(?:size|sz|taille|größe|grösse|talla|taglia|maat|tamanho)\b\s*:?\s*"
    r"(" + _SIZE_TOKEN + r"|\d{1,2}(?:[.,]5)?|small|medium|large|extra[- ]small|extra[- ]large)"
    r"(?![\w])",
    _I,
)
_SIZE_SYSTEM = re.compile(
    r"\b(EU|UK|US|FR|IT)\s?(\d{1,2}(?:[.,]5)?)(?![\d%])(?!\s*(?:days?|weeks?|%))"
)
_SIZE_WAIST = re.compile(r"\b(\d{2}\s?[WL](?:\s?\d{2}\s?[WL])?|[WL]\s?\d{2}(?:\s?[WL]\s?\d{2})?)\b")
_SIZE_LETTER = re.compile(
    r"(?<![\w'’-])(XXXS|XXS|XS|XL|XXL|XXXL|[2-5]XL)(?![\w'’-])", _I
)
_SIZE_SINGLE = re.compile(
    r"\b(?:a|an|the|in|for|my|your|swap|ordered|got|need|want|wear|am|i'm)\s+(S|M|L)"
    r"(?=\s*(?:$|[.,!?;)]|and\b|but\b|or\b|for\b|instead\b|to\b|in\b|please\b|size\b|then\b|"
    r"not\b|which\b|is\b|was\b|fits?\b))"
)
_SIZE_WORD = re.compile(
    r"\b(?:a|an|in|in\s+a|the|ordered\s+a|need\s+a|got\s+a)\s+(extra[- ]small|extra[- ]large|"
    r"small|medium|large)(?=\s*(?:$|[.,!?;)]|and\b|but\b|instead\b|for\b|please\b|size\b|"
    r"or\b|not\b|which\b|one\b|in\b))",
    _I,
)
_SIZE_TARGET = re.compile(
    r"\b(?:for|to|into|instead|want|need|get)\s+(?:an?\s+|the\s+|size\s+|a\s+size\s+)?$",
    _I,
)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra small": "XS",
               "extra-small": "XS", "extra large": "XL", "extra-large": "XL"}


# "en M", "in L", "une M", "maat S", "no L" ("in the L" in Portuguese): a letter size
# after a word of the six languages.
_FOREIGN_SIZE_SINGLE = re.compile(
    r"(?:^|\b(?:en|in|em|op|una|un|uno|une|eine|einen|ein|du|le|la|el|een|um|uma|per|por|"
    r"gegen|contre|auf|del|de|no|na|num|numa|nel|nella|im|al|au)\s+)(S|M|L)(?=\s|$|[.,!?;)])")


def _size(t: _Text) -> str | None:
    found: list[tuple[int, int, int, str]] = []
    if lexicon.language_in(t.raw) != "en":
        for m in t.matches(_FOREIGN_SIZE_SINGLE, 1):
            found.append((m.start(1), m.end(1), m.start(1), m.group(1)))
    for m in t.matches(_SIZE_CUED, 1):
        found.append((m.start(1), m.end(1), m.start(), _norm_size(m.group(1))))
    for m in t.matches(_SIZE_SYSTEM):
        found.append((m.start(), m.end(), m.start(), f"{m.group(1)} {m.group(2)}"))
    for m in t.matches(_SIZE_WAIST, 1):
        found.append((m.start(1), m.end(1), m.start(1), m.group(1).upper().replace(" ", "")))
    for m in t.matches(_SIZE_LETTER, 1):
        found.append((m.start(1), m.end(1), m.start(1), m.group(1).upper()))
    for pattern in (_SIZE_SINGLE, _SIZE_WORD):
        for m in t.matches(pattern, 1):
            found.append((m.start(1), m.end(1), m.start(1), _norm_size(m.group(1))))
    if not found:
        return None
    found.sort()
    # A size named as the wanted one ("swap the M for an L") wins over the one they have.
    chosen = next(
        (f for f in found if _SIZE_TARGET.search(t.raw[max(0, f[2] - 16):f[2]])), found[0]
    )
    t.claim(chosen[0], chosen[1])
    return chosen[3]


def _norm_size(value: str) -> str:
    v = value.strip()
    low = v.lower().replace("-", " ")
    if low in _SIZE_WORDS:
        return _SIZE_WORDS[low]
    if re.fullmatch(_SIZE_TOKEN, v, _I):
        return v.upper()
    return v.replace(",", ".")


# ---------------------------------------------------------------------------- colour
_COLOURS = (
    "black", "white", "red", "blue", "navy", "green", "grey", "gray", "pink", "purple",
    "yellow", "orange", "brown", "beige", "cream", "khaki", "olive", "burgundy", "maroon",
    "teal", "turquoise", "silver", "gold", "tan", "charcoal", "ivory", "camel", "mustard",
    "lilac", "lavender", "mint", "coral", "stone", "sand", "off-white", "multicolour",
    "schwarz", "weiß", "weiss", "rot", "blau", "grün", "gelb", "braun", "rosa",
    "noir", "blanc", "rouge", "bleu", "vert", "jaune", "marron", "gris",
    "negro", "blanco", "rojo", "azul", "verde", "amarillo", "marrón", "rosado",
)
_COLOUR = re.compile(
    r"\b((?:light|dark|pale|bright|navy|sky|royal|baby|forest|bottle|olive|hot)\s+)?("
    + "|".join(_COLOURS) + r")\b(?!\s+(?:friday|card|list|mail|pages|cross|carpet))",
    _I,
)
_COLOUR_TARGET = re.compile(r"\b(?:for|to|into|instead|in|want|prefer)\s+(?:the\s+|a\s+|an\s+)?$",
                            _I)


# Before the colour wanted instead: "por el verde", "gegen den grünen", "contre le vert".
_FOREIGN_COLOUR_TARGET = re.compile(
    r"\b(?:por|para|gegen|in|auf|contre|en|pour|per|con|in|pelo|pela|por|voor|naar|in)\s+"
    r"(?:(?:el|la|los|las|den|die|das|dem|le|la|les|l'|il|lo|o|a|os|as|de|het|een|un|una|"
    r"uno|um|uma|une|einen|eine)\s*)?$", _I)
_FOREIGN_EXCHANGE = re.compile(r"\b(?:cambi|camb[ií]|tausch|umtausch|[ée]chang|troc|troqu|"
                               r"ruil|prefer|pr[ée]f[ée]r|lieber|plut[oô]t|invece|en vez|statt)",
                               _I)


def _foreign_colour(t: _Text) -> str | None:
    """A colour in the six other languages, as the English colour it names."""
    found = [f for f in lexicon.values_in(t.raw, "colours") if t.free(f[1], f[2])]
    if not found:
        return None
    chosen = found[0]
    exchange = _FOREIGN_EXCHANGE.search(t.raw)
    if exchange and len(found) > 1:
        chosen = next((f for f in found if f[1] > exchange.start() and _FOREIGN_COLOUR_TARGET
                       .search(lexicon.fold(t.raw)[max(0, f[1] - 16):f[1]])), found[0])
    t.claim(chosen[1], chosen[2])
    return chosen[0]


def _colour(t: _Text) -> str | None:
    if lexicon.language_in(t.raw) != "en":
        foreign = _foreign_colour(t)
        if foreign:
            return foreign
    found = []
    for m in t.matches(_COLOUR):
        word = m.group(2).lower()
        # German "rot"/"rosa" and English "tan"/"stone"/"sand" are ordinary words elsewhere.
        if word in {"stone", "sand", "tan", "gold", "mint", "rot", "rosa"} and not _near_cue(
            t.raw, m.start(), re.compile(r"\b(?:the|in|a|colou?r|farbe)\s*$", _I), 12
        ):
            continue
        found.append(m)
    if not found:
        return None
    exchange = re.search(r"\b(?:exchange|swap|change|instead|prefer|rather)\b", t.raw, _I)
    chosen = found[0]
    if exchange and len(found) > 1:
        chosen = next(
            (m for m in found if _COLOUR_TARGET.search(t.raw[max(0, m.start() - 14):m.start()])
             and m.start() > exchange.start()),
            found[0],
        )
    t.claim(*chosen.span())
    return chosen.group(0).lower()


# ---------------------------------------------------------------------------- quantity
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a pair of": 1,
    "zwei": 2, "drei": 3, "deux": 2, "trois": 3, "dos": 2, "tres": 3,
}
_QTY_NUM = r"(\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_QUANTITY = re.compile(
    r"(?<![\w#£$€.,-])" + _QTY_NUM + r"\s+(?:(?:x|more|extra|of\s+the|identical|new|"
    r"(?:" + "|".join(_COLOURS) + r"))\s+)?(?:pairs?\b|pieces?\b|items?\b|units?\b|pcs\b|"
    r"of\s+(?:them|these|those|each|it)\b|(?:(?:" + "|".join(_PRODUCT_MODIFIERS)
    + r")\s+)?(?:" + "|".join(_PRODUCT_NOUNS) + r")\b)",
    _I,
)
_QUANTITY_CUED = re.compile(r"\b(?:qty|quantity|menge|quantité|cantidad)\s*[:=]?\s*(\d{1,3})\b"
                            r"|(?<![\w])(?:x\s?(\d{1,2})|(\d{1,2})\s?x)(?=\s+[a-z])", _I)
_NOT_QUANTITY_BEFORE = re.compile(r"(?:size|eu|uk|us|order|no\.?|number|#|age|aged)\s*$", _I)


def _quantity(t: _Text) -> str | None:
    for m in t.matches(_QUANTITY_CUED):
        value = next(g for g in m.groups() if g)
        return str(int(value))
    for m in t.matches(_QUANTITY, 1):
        if _NOT_QUANTITY_BEFORE.search(t.raw[max(0, m.start(1) - 8):m.start(1)]):
            continue
        raw = m.group(1).lower()
        value = _NUMBER_WORDS.get(raw) if not raw.isdigit() else int(raw)
        if value is None or value == 0 or value > 500:
            continue
        if raw == "a pair of":
            continue  # "a pair of jeans" is one item, not a stated quantity
        return str(value)
    return None


# ---------------------------------------------------------------------------- reason
# Each reason is a list of alternatives; the first reason with a match wins, so the more
# specific ones (ordered twice, wrong item) come before the ones they contain words of.
_REASON_ALTERNATIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ordered_twice", (
        r"\b(?:ordered|bought|placed|paid)\b[^.!?]{0,40}\btwice\b",
        r"\bduplicate\s+order", r"\bdouble\s+order", r"\bsame\s+order\s+twice",
        r"\bordered\s+(?:it\s+)?two\s+times", r"\bdoppelt\s+bestellt",
        r"\bcommandé\s+deux\s+fois", r"\bpedido\s+duplicado",
    )),
    ("wrong_item", (
        (r"\bwrong\s+(?:item|product|size|colou?r|model|thing|order|one|shoes?|article)\b"
        r"[^.!?]{0,10}(?:came|arrived|sent|received|delivered|in\s+the)"),
        r"\b(?:sent|received|got|delivered|came\s+with)\s+(?:me\s+)?(?:the\s+|a\s+)?wrong\b",
        r"\b(?:not|isn'?t)\s+what\s+i\s+ordered\b",
        r"\bfalsche[nr]?\s+artikel", r"\bmauvais\s+article", r"\bequivocad[oa]",
    )),
    ("defective", (
        r"\b(?:faulty|defective|stopped\s+working|broke\s+after|fell\s+apart|came\s+apart)\b",
        r"\b(?:zip|zipper|strap|sole|seam|button)s?\s+(?:broke|came\s+off|split)\b",
        r"\b(?:defekt|défectueux|defectuos[oa])\b",
    )),
    ("damaged", (
        (r"\b(?:damaged|broken|torn|ripped|crushed|smashed|shattered|cracked|stained|soaked|"
        r"dented)\b"),
        r"\ba\s+stain\b", r"\ba\s+hole\b", r"\bholes\s+in\b",
        r"\b(?:beschädigt|kaputt|cassée?s?|abîmée?s?|endommagée?s?|dañad[oa]s?|rot[oa]s?)\b",
    )),
    ("too_small", (
        r"\b(?:too|a\s+bit|slightly|way|much)\s+(?:small|tight|short|narrow|snug)\b",
        r"\bdoesn'?t\s+fit\b[^.!?]{0,15}\bsmall",
        r"\bzu\s+(?:klein|eng|kurz)\b", r"\btrop\s+(?:petite?s?|serrée?s?|courte?s?)\b",
        r"\b(?:demasiado|muy)\s+(?:pequeñ[oa]s?|ajustad[oa]s?)\b",
        r"\btroppo\s+piccol[oaie]\b", r"\bte\s+klein\b",
    )),
    ("too_big", (
        r"\b(?:too|a\s+bit|slightly|way|much)\s+(?:big|large|long|loose|baggy|wide|huge)\b",
        r"\bzu\s+(?:groß|gross|weit|lang)\b", r"\btrop\s+(?:grande?s?|large?s?|longue?s?)\b",
        r"\b(?:demasiado|muy)\s+grandes?\b", r"\btroppo\s+grand[ei]\b", r"\bte\s+groot\b",
    )),
    ("not_as_described", (
        r"\bnot\s+as\s+(?:described|advertised|pictured|shown)\b",
        (r"\b(?:doesn'?t|does\s+not|don'?t)\s+look\s+like\s+(?:the\s+)?"
        r"(?:photos?|pictures?|images?|website)\b"),
        r"\bnothing\s+like\s+(?:the\s+)?(?:photos?|pictures?|description)\b",
        (r"\bdifferent\s+(?:from|to|than)\s+(?:the\s+)?(?:photos?|pictures?|description|"
        r"website)\b"),
        r"\blooks?\s+different\b", r"\bnot\s+what\s+i\s+expected\b", r"\bpoor\s+quality\b",
        r"\bquality\s+is\s+(?:poor|bad|terrible)\b", r"\bfeels?\s+cheap\b",
    )),
    ("late", (
        r"\btoo\s+late\b",
        r"\b(?:won'?t|will\s+not|not|never)\s+(?:arrive|get\s+here|be\s+here)\s+in\s+time\b",
        r"\btaking\s+(?:too|so)\s+long\b", r"\btook\s+too\s+long\b",
        r"\bzu\s+spät\b", r"\btrop\s+tard\b", r"\bdemasiado\s+tarde\b",
    )),
    ("changed_mind", (
        r"\bchanged?\s+(?:my|our)\s+mind\b",
        r"\b(?:don'?t|do\s+not|no\s+longer)\s+(?:want|need)\s+(?:it|them|this|these|that|the\s+\w+)\b",
        r"\b(?:don'?t|no\s+longer)\s+(?:want|need)\s*(?:it|them)?\s*(?:any\s?more\b|[,.!]|$)",
        r"\bnot\s+needed\s+anymore\b", r"\bdon'?t\s+like\s+(?:it|them)\b",
        r"\bnot\s+my\s+style\b", r"\bdoesn'?t\s+suit\s+me\b",
        r"\bfound\s+(?:it|them|one)?\s*cheaper\b",
        r"\bumentschieden\b", r"\bchangé\s+d'avis\b", r"\bcambiado\s+de\s+opinión\b",
    )),
)
_REASON_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile("|".join(alternatives), _I)) for name, alternatives in _REASON_ALTERNATIVES
)


def _is_question(text: str, m: re.Match[str]) -> bool:
    start = max(text.rfind(p, 0, m.start()) for p in ".!?\n") + 1
    ends = [i for i in (text.find(p, m.end()) for p in ".!?\n") if i != -1]
    end = min(ends) if ends else len(text)
    return text[end:end + 1] == "?" and bool(_FIT_QUESTION.search(text[start:m.start()]))


# "doesn't work" is a product fault only when the message is not about a code, a login or a
# payment, which "doesn't work" far more often in this inbox.
_NOT_WORKING = re.compile(r"\b(?:doesn'?t|does\s+not|don'?t|isn'?t|not)\s+work(?:ing)?\b", _I)
_NON_PRODUCT_SUBJECT = re.compile(
    r"\b(?:code|coupon|voucher|promo|discount|password|log\s?in|sign\s?in|card|payment|pay|"
    r"website|site|app|link|tracking|account|checkout|gift\s+card|points)\b",
    _I,
)


# "Would the 9-10 be too big?" asks about fit before buying; it states no reason.
_FIT_QUESTION = re.compile(r"^\W*(?:would|will|is|are|does|do|could|might|should)\b", _I)
_FIT_REASONS = frozenset({"too_small", "too_big", "not_as_described"})


def _reason(t: _Text) -> str | None:
    for name, pattern in _REASON_RULES:
        for m in pattern.finditer(t.raw):
            if name in _FIT_REASONS and _is_question(t.raw, m):
                continue
            return name
    if _NOT_WORKING.search(t.raw) and not _NON_PRODUCT_SUBJECT.search(t.raw):
        return "defective"
    return None


# ---------------------------------------------------------------------------- discount code
_CODE_CUE = (
    r"(?:promo(?:tion(?:al)?)?\s*code|discount\s*code|coupon(?:\s*code)?|voucher(?:\s*code)?|"
    r"gift\s*code|code|promo|rabattcode|gutscheincode|gutschein|code\s+promo|"
    r"cupón|código(?:\s+de\s+descuento)?|codice(?:\s+sconto)?|kortingscode)"
)
_CODE_AFTER_CUE = re.compile(
    r"\b" + _CODE_CUE
    + r"\s*(?:(?:is|was|of|called|named|:|=)\s*)?[\"'“‘]?([A-Za-z][A-Za-z0-9]{3,19})\b",
    _I,
)
_CODE_BEFORE_CUE = re.compile(
    r"\b([A-Z][A-Z0-9]{3,19})[\"'”’]?\s+(?:promo\s+|discount\s+)?(?:code|coupon|voucher|"
    r"promo|offer|discount)\b"
)
_CODE_SHAPE = re.compile(r"(?<![\w-])([A-Z]{3,14}\d{1,3})(?![\w-])")
_NOT_CODES = frozenset({
    "DOESN", "DOES", "ISNT", "ISN", "WONT", "DIDN", "DIDNT", "THAT", "THIS", "THEY", "THEM",
    "WORK", "WORKS", "WORKING", "DOESNT", "JUST", "FROM", "WITH", "NEVER", "STILL", "SAYS",
    "WHEN", "WHERE", "HERE", "THERE", "EXPIRED", "INVALID", "FOR", "AND",
    "BUT", "HAS", "HAVE", "WILL", "WOULD", "COULD", "SHOULD", "SENT", "ARRIVE", "ARRIVED",
    "FUNKTIONIERT", "FONCTIONNE", "FUNCIONA", "MARCHE", "NICHT", "PAS", "APPLY", "APPLIED",
    "CODES", "ONLY", "ALSO", "THEN", "ANYMORE", "ABOUT", "BECAUSE", "SINCE",
})


def _discount_code(t: _Text) -> str | None:
    for m in t.matches(_CODE_AFTER_CUE, 1):
        value = m.group(1)
        # After a cue, a lower-case word is a code only if it carries digits ("save10");
        # otherwise it is the rest of the sentence ("code doesn't work").
        explicit = re.search(r"[:=\"'“‘]\s*$", t.raw[m.start():m.start(1)])
        if not (value.isupper() or any(ch.isdigit() for ch in value) or explicit):
            continue
        if value.upper() in _NOT_CODES:
            continue
        t.claim(*m.span(1))
        return value.upper()
    for pattern in (_CODE_BEFORE_CUE, _CODE_SHAPE):
        for m in t.matches(pattern, 1):
            value = m.group(1)
            if value in _NOT_CODES or re.fullmatch(r"(?:ORD|ORDER|EU|UK|US|SKU)\d+", value):
                continue
            t.claim(*m.span(1))
            return value
    return None


# ---------------------------------------------------------------------------- public
_EXTRACTORS: tuple[tuple[str, Callable[[_Text], str | None]], ...] = (
    ("email", _email),
    ("tracking_number", _tracking),
    ("phone", _phone),
    ("postcode", _postcode),
    ("order_number", _order_number),
    ("product", _product),
    ("discount_code", _discount_code),
    ("size", _size),
    ("colour", _colour),
    ("quantity", _quantity),
    ("reason", _reason),
)


def extract_entities(text: str) -> dict[str, str]:
    """Return the entities found in ``text``, keyed by the names in ``ENTITY_NAMES``."""
    t = _Text(text)
    found: dict[str, str] = {}
    for name, extractor in _EXTRACTORS:
        value = extractor(t)
        if value:
            found[name] = value
    return {name: found[name] for name in ENTITY_NAMES if name in found}
