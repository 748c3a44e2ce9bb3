"""What a shopper says about sending something back: the resolution they want, how many,
why, the size they want instead ("a size up", "UK 8"), and which parts of a message
concern which item."""

from __future__ import annotations

import re

from agents.nlu import lexicon

SIZE_REASON = re.compile(r"\b(too (small|big|large|tight|loose|long|short|narrow|wide)|"
                         r"(does ?n[o']?t|didn'?t|won'?t) fit|doesnt fit|runs? (small|large|big)|"
                         r"wrong size|size|fit)\b", re.I)


WANTS_EXCHANGE = re.compile(r"\b(exchange|swap|switch|change it for|different size|"
                            r"(a|the|one) size (up|down)|(?<!the )(bigger|smaller)(?! one))\b",
                            re.I)


WANTS_CREDIT = re.compile(r"\b(store credit|credit|voucher|gift card)\b", re.I)


WANTS_REFUND = re.compile(r"\b(re?fu?n?d\w*|money back|reimburse\w*|my money)\b", re.I)


# A choice spoken of only to be turned down: "not credit", "rather than a swap or voucher".
TURNED_DOWN = re.compile(r"\b(not|no|nor|never|without|than|instead of|don'?t want|do not want|"
                         r"rather not)\s+(?:[\w'’]+\s+){0,3}$", re.I)


# ... and the options listed after a turned-down one: "a different size or store credit".
LISTED_AFTER = re.compile(
    r"^\s*(?:,\s*(?:or|nor|and)?|or|nor|and)\s+(?:(?:a|an|the|any|some)\s+)?$", re.I)


# The same three in the six other languages.
_EXCHANGE_FOREIGN = re.compile(
    r"\b(cambio|cambiarl[oa]s?|cambiar(?:la|lo)?|umtausch\w*|tausch\w*|[ée]change\w*|"
    r"[ée]changer|troca\w*|trocar|ruil\w*|omruil\w*|omwissel\w*|sostituzione|otra talla|"
    r"andere gr[öo]ße|"
    r"autre taille|altra taglia|outro tamanho|andere maat)\b", re.I)
_CREDIT_FOREIGN = re.compile(
    r"\b(cr[ée]dito\w*|vale (?:de compra|regalo)|tarjeta regalo|gutschrift|guthaben|"
    r"gutschein|avoir|bon d'achat|carte cadeau|buono|credito|cr[ée]dito na loja|"
    r"vale[- ]compras?|vale[- ]presente|tegoed\w*|cadeaubon|waardebon)\b", re.I)
_REFUND_FOREIGN = re.compile(
    r"\b(reembols\w*|reembolo|(?:el|mi|mein|das|mon|l'|i|o|meu|mijn|het) ?(?:dinero|geld|"
    r"argent|soldi|dinheiro)|dinero|erstatt?\w*|r[üu]ckerstatt?\w*|geld|rembours\w*|argent|"
    r"rimbor[sz]\w*|soldi|dinheiro|estorno|terugbetal\w*)\b", re.I)
# "crédito no", "keine Gutschrift", "pas d'avoir", "plutôt qu'un échange".
_TURNED_DOWN_FOREIGN = re.compile(
    r"\b(no|ni|nada|sin|kein\w*|nicht|ohne|als (?=ein|die|das|den)|pas|non|sans|plut[oô]t|"
    r"que (?=un|una|el|la)|senza|n[ãa]o|nem|sem|niet|geen|zonder|dan (?=een|de|het)|antes que|"
    r"do que|piuttosto che|anzich[ée]|invece che|"
    r"en vez de|en lugar de|statt|au lieu d[e']|invece d[i']|em vez de|in plaats van)"
    r"\s*(?:[\w'’]+\s+){0,3}$", re.I)
# "reembolso no, ..." turns it down; "reembolso no cartão" is Portuguese for "on the card".
_REFUSED_AFTER = re.compile(r"^\s*,?\s*(no(?=\s*(?:[,.;:!?]|$|quiero|gracias|grazie|voglio))|"
                            r"nicht|non|pas|não|nao|niet|nein|nee)\b", re.I)

RESOLUTIONS = (("exchange", WANTS_EXCHANGE), ("store_credit", WANTS_CREDIT),
               ("refund", WANTS_REFUND))
FOREIGN_RESOLUTIONS = (("exchange", _EXCHANGE_FOREIGN), ("store_credit", _CREDIT_FOREIGN),
                       ("refund", _REFUND_FOREIGN))


def wanted_resolution(text: str, default: str = "") -> str:
    """The resolution the shopper asks for: the first one named and not turned down."""
    foreign = lexicon.language_in(text) != "en"
    kinds = RESOLUTIONS + FOREIGN_RESOLUTIONS if foreign else RESOLUTIONS
    mentions = sorted({(m.start(), m.end(), name) for name, pattern in kinds
                       for m in pattern.finditer(text)})
    named: list[str] = []
    refused: set[str] = set()
    previous_end, previous_refused = 0, False
    for start, end, name in mentions:
        if start < previous_end:
            continue
        before = text[max(0, start - 40):start]
        turned_down = bool(TURNED_DOWN.search(before)) or (
            previous_refused and bool(LISTED_AFTER.search(text[previous_end:start]))) or (
            foreign and bool(_TURNED_DOWN_FOREIGN.search(before)
                             or _REFUSED_AFTER.match(text[end:end + 16])))
        if turned_down:
            refused.add(name)
        else:
            named.append(name)
        previous_end, previous_refused = end, turned_down
    return next((name for name in named if name not in refused), default)


SIZES = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL"]


SIZE_WORDS = {"small": "S", "medium": "M", "large": "L", "extra large": "XL",
              "extra small": "XS"}


TARGET_SIZE = re.compile(
    r"\b(?:for|to|into|with|an?|in|need|want|get|try|take|prefer|have)\s+(?:an?\s+|the\s+)?"
    r"(?:size\s+|uk\s+|eu\s+|us\s+)?"
    r"(xxs|xs|s|m|l|xl|xxl|3xl|extra large|extra small|small|medium|large|\d{1,2}(?:\.5)?)\b"
    r"(?!\s*(?:days?|weeks?|items?|pairs?|of|x\b))", re.I)


_COUNT = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}


_COUNT_WORD = r"(\d{1,2}|" + "|".join(_COUNT) + r")"


QUANTITY_BACK = re.compile(
    r"\b(?:return|retrun|retrn|reutrn|send|sending|post|posting|returning)\s+(?:back\s+)?"
    + _COUNT_WORD
    + r"\b(?!\s*(?:days?|weeks?|months?))|\b" + _COUNT_WORD
    + r"\s+(?:pairs?\s+|items?\s+|of\s+(?:them|these|those|the\s+\w+)\s+|\w+\s+)?back\b",
    re.I)


def _quantity_back(text: str) -> int:
    """How many of an item the shopper says they are sending back; 0 when they don't say."""
    m = QUANTITY_BACK.search(text)
    if m is None:
        return 0
    word = (m.group(1) or m.group(2)).lower()
    return _COUNT.get(word) or int(word)


# "A size up", "one size smaller", "two sizes bigger", "size down".
RELATIVE_SIZE = re.compile(
    r"\b(?:(a|one|1|two|2|half a) )?sizes? (up|down|bigger|smaller|larger)\b|"
    r"\b(?:the )?(next|one) (size )?(up|down)\b|\b(bigger|smaller|larger) size\b|"
    r"\bsize (bigger|smaller|larger)\b", re.I)


_STEPS = {"two": 2, "2": 2}


def relative_size(text: str) -> int:
    """How many sizes up (positive) or down (negative) the shopper asks for; 0 if none
    ("una talla más", "eine Nummer kleiner", "la taille au-dessus")."""
    m = RELATIVE_SIZE.search(text)
    if m is None:
        if lexicon.says(text, "bigger_size"):
            return 1
        return -1 if lexicon.says(text, "smaller_size") else 0
    words = [w.lower() for w in m.groups() if w]
    steps = next((_STEPS[w] for w in words if w in _STEPS), 1)
    return -steps if {"down", "smaller"} & set(words) else steps


POLICY_Q = re.compile(r"\b(polic(y|ies)|how (do|does) (returns?|refunds?|it) work|how long do i "
                      r"have|how many days|what are the rules)\b", re.I)


PARTS = re.compile(r"\s*(?:,|;|\band\b|\bplus\b|\bthen\b|\balso\b)\s*", re.I)


CHEAPEST = re.compile(r"\b(cheapest|cheaper|least expensive|lower price)\b", re.I)


# "I want my money back" asks for a refund; "where's my refund" asks after one.
ASKS_FOR_REFUND = re.compile(
    r"\b(want|would like|like|need|give me|can i (get|have)|i'?d rather( have)?|just)\b"
    r"[^.?!]{0,30}\b(money back|refund)|\brefund (me|it|this|them)\b", re.I)


ASKS_AFTER_REFUND = re.compile(
    r"\b(where|when|status|still|yet|received|haven'?t|hasn'?t|not (got|seen|had)|no sign|"
    r"how long|gone through|come through|processed)\b", re.I)


# The same in the six other languages, typos of the verb included: the count after the verb
# ("devolver 2", "retourner deux", "restituire 2 paia") or, in German and Dutch, before it
# in the same clause ("2 von den Shorts zurückschicken", "2 van de shirts retourneren").
_COUNT_FOREIGN = {"dos": 2, "deux": 2, "due": 2, "dois": 2, "duas": 2, "zwei": 2, "twee": 2,
                  "tres": 3, "trois": 3, "tre": 3, "três": 3, "drei": 3, "drie": 3}
_COUNT_WORD_FOREIGN = r"(\d{1,2}|" + "|".join(_COUNT_FOREIGN) + r")"
QUANTITY_BACK_FOREIGN = re.compile(
    r"\b(?:devol\w*|devuel\w*|devov\w*|retou\w*|renvo\w*|rendre|restitu\w*|rimand\w*|"
    r"rispedi\w*|mandar de volta)\s+" + _COUNT_WORD_FOREIGN + r"\b(?!\s*(?:d[íi]as|jours|"
    r"giorni|dias))|\b" + _COUNT_WORD_FOREIGN + r"\s+(?:von|van|st[üu]c?k\w*)\b[^,.;!?]{0,60}?"
    r"\b(?:zur[üu]ck\w*|retou\w*|terug\w*)", re.I)


def quantity_back(text: str) -> int:
    """How many of an item the shopper says they are sending back; 0 when they don't say."""
    count = _quantity_back(text)
    if count or lexicon.language_in(text) == "en":
        return count
    m = QUANTITY_BACK_FOREIGN.search(text)
    if m is None:
        return 0
    word = (m.group(1) or m.group(2)).lower()
    return _COUNT_FOREIGN.get(word) or int(word)


# The same in the six other languages: "por una L", "gegen L", "contre un L", "talla M",
# "Größe 38", "em M", "maat M", and a size alone with a please ("M bitte", "una M porfa").
TARGET_SIZE_FOREIGN = re.compile(
    r"(?:^|\b(?:por|para|una|un|uno|en|la|el|gegen|in|eine|einen|ein|auf|contre|pour|du|"
    r"une|le|en|per|in|em|um|uma|pelo|pela|een|voor|naar|op)\s+|\b)(?:(?:talla|tallas|"
    r"gr[öo]ße|gr\.|taille|taglia|tamanho|tam\.|maat|numero|número|nummer|pointure)\s+)"
    r"(xxs|xs|s|m|l|xl|xxl|3xl|\d{1,2}(?:[.,]5)?)\b|"
    r"(?:^|\b(?:por|una|un|gegen|eine|einen|contre|une|du|per|em|um|uma|een|voor)\s+)"
    r"(XXS|XS|S|M|L|XL|XXL|3XL)\b|^\W*(XXS|XS|S|M|L|XL|XXL|3XL)\W*$", re.I)


def target_size(text: str) -> str:
    """The size the shopper asks for ("for an L", "in a medium", "size 10", "una M",
    "Größe 38"), as a letter size or the number written; "" when none is named."""
    wanted, at = "", -1
    for m in TARGET_SIZE.finditer(text):
        value = m.group(1).lower()
        wanted, at = SIZE_WORDS.get(value, value.upper()), m.start(1)
    if lexicon.language_in(text) == "en":
        return wanted
    bare = lexicon.without(text, "thanks")
    for word in ("porfa", "por favor", "bitte", "svp", "stp", "s'il vous plaît", "per favore",
                 "por favor", "graag", "alsjeblieft", "aub"):
        bare = re.sub(rf"(?<![\w']){re.escape(word)}(?![\w'])", " ", bare)
    for m in TARGET_SIZE_FOREIGN.finditer(text):
        value = next(g for g in m.groups() if g)
        if (value.islower() and not m.group(1)) or m.start() < at:
            continue
        wanted, at = value.upper().replace(",", "."), m.start()
    if not wanted:
        m = TARGET_SIZE_FOREIGN.search(bare.strip(" ,.!"))
        if m is not None and (m.group(1) or not next(g for g in m.groups() if g).islower()):
            wanted = next(g for g in m.groups() if g).upper().replace(",", ".")
    return wanted


def names_a_size(text: str) -> bool:
    """The answer is about a size ("size", "the M")."""
    return bool(re.search(r"\bsize\b|(?<!['’])\b(xs|s|m|l|xl)\b", text, re.I))


def without_size_system(size: str) -> str:
    """"UK 8" as "8": how a size given with or without its system is compared."""
    return re.sub(r"^(UK|EU|US)\s*", "", size.strip(), flags=re.I).upper()


def with_letter_sizes(text: str) -> str:
    """The text with size words as letters ("the large one" → "the L one")."""
    return re.sub(r"\b(extra large|extra small|small|medium|large)\b",
                  lambda m: SIZE_WORDS[m.group(1).lower()], text, flags=re.I)


def request_parts(text: str) -> list[str]:
    """The parts of a message joined by "and", "then", commas: one item's wish each."""
    return [p for p in PARTS.split(text) if p.strip()]


def asks_policy(text: str) -> bool:
    """"How do returns work?", "how long do I have?": the rules, not a return."""
    return bool(POLICY_Q.search(text))


def wants_cheapest(text: str) -> bool:
    return bool(CHEAPEST.search(text))


def gives_size_reason(text: str) -> bool:
    return bool(SIZE_REASON.search(text))


def asks_for_refund_now(text: str) -> bool:
    """Asks for money back now, not about a refund already under way."""
    return bool(ASKS_FOR_REFUND.search(text)) and not ASKS_AFTER_REFUND.search(text)


def adds_to_earlier(text: str) -> bool:
    """"The beanie too", "that as well": this item with the ones spoken of before."""
    return bool(re.search(r"\b(too|as well|also|in addition)\b[\s?.!]*$|\bboth\b", text, re.I))
