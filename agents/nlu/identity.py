"""Who the shopper says they are: every email address, order number and full name given
in one message (several candidates are each tried, up to a few), and a one-time code."""

from __future__ import annotations

import re

from agents.nlu.entities import extract_entities

# Candidates of each kind tried from one message ("1042 or 1043", two email addresses).
MAX_CANDIDATES = 3


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


ONE_TIME_CODE = re.compile(r"\d{3}\s?\d{3}")


def emails(text: str) -> list[str]:
    """Every email address in the message, in order, once each."""
    return list(dict.fromkeys(m.group(0).rstrip(".") for m in EMAIL.finditer(text)))


def order_numbers(text: str, first: str = "") -> list[str]:
    """The order number understood, then any others written in the same message."""
    return _order_numbers(text, first)


def full_names(text: str, postcode: str) -> list[str]:
    """Full names (two to four words) given with a postcode."""
    return _names(text, postcode)


def is_one_time_code(text: str) -> bool:
    """The message is just a 6-digit code ("123 456")."""
    return ONE_TIME_CODE.fullmatch(text.strip()) is not None
