"""What a shopper says about sending something back: the resolution they want, how many,
why, the size they want instead ("a size up", "UK 8"), and which parts of a message
concern which item."""

from __future__ import annotations

import re

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


RESOLUTIONS = (("exchange", WANTS_EXCHANGE), ("store_credit", WANTS_CREDIT),
               ("refund", WANTS_REFUND))


def wanted_resolution(text: str, default: str = "") -> str:
    """The resolution the shopper asks for: the first one named and not turned down."""
    mentions = sorted((m.start(), m.end(), name) for name, pattern in RESOLUTIONS
                      for m in pattern.finditer(text))
    named: list[str] = []
    refused: set[str] = set()
    previous_end, previous_refused = 0, False
    for start, end, name in mentions:
        turned_down = bool(TURNED_DOWN.search(text[max(0, start - 40):start])) or (
            previous_refused and bool(LISTED_AFTER.search(text[previous_end:start])))
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
    """How many sizes up (positive) or down (negative) the shopper asks for; 0 if none."""
    m = RELATIVE_SIZE.search(text)
    if m is None:
        return 0
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


def quantity_back(text: str) -> int:
    """How many of an item the shopper says they are sending back; 0 when they don't say."""
    return _quantity_back(text)


def target_size(text: str) -> str:
    """The size the shopper asks for ("for an L", "in a medium", "size 10"), as a letter
    size or the number written; "" when none is named."""
    wanted = ""
    for m in TARGET_SIZE.finditer(text):
        value = m.group(1).lower()
        wanted = SIZE_WORDS.get(value, value.upper())
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
