"""Addresses in the shopper's words: a new address inside a sentence, a postcode corrected,
the address of another order pointed at ("same as order 3804", "my usual address")."""

from __future__ import annotations

import re

from agents.nlu.cues import ORDER_NUMBERS, UK_POSTCODE

US_ZIP = re.compile(r"\b(\d{5}(?:-\d{4})?)\b")


def normal_postcode(value: str) -> str:
    """A postcode without spaces, in capitals: how two spellings of one are compared."""
    return re.sub(r"\s+", "", value).upper()


def parse_address(text: str, old_postcode: str = "") -> dict[str, str] | None:
    """A street, a town and a postcode out of a free-text address, or None.

    With several postcodes in the message ("order 7401, postcode YO1 7HH, send it to 4 Elm
    Close, Harrogate HG1 2AB") the new address is the last one that isn't the old one."""
    matches = list(UK_POSTCODE.finditer(text)) or list(US_ZIP.finditer(text))
    if not matches:
        return None
    if len(matches) > 1 and old_postcode:
        matches = [m for m in matches
                   if normal_postcode(m.group(1)) != normal_postcode(old_postcode)] or matches
    match = matches[-1]
    start = max((m.end() for m in matches if m.end() <= match.start()), default=0)
    postcode = match.group(1).upper()
    if " " not in postcode and UK_POSTCODE.fullmatch(postcode):
        postcode = f"{postcode[:-3]} {postcode[-3:]}"
    # An address ends with its postcode; what follows is the shopper talking.
    rest = text[start:match.start()]
    if not re.search(r"[A-Za-z0-9]", rest):
        rest = text[match.end():]
    # "could you send it to my new place? 14 Harbour Street, ...": the question is the
    # shopper talking, the address is what follows it.
    rest = re.split(r"[?!]+|\.\s+(?=\d|(?:flat|unit|apartment|apt)\b)", rest, flags=re.I)[-1]
    # "it's 12 High Street", "send it to Flat 2, 9 Mill Lane": the address starts at the
    # house number (or a flat/unit word) that follows the shopper's own words.
    rest = re.sub(r"(?i)^.*?(\b(to|is|its|it'?s|address|at|now|be|instead)\b:?|:)\s+"
                  r"(?=\d|(flat|unit|apartment|apt)\b)", "", rest, flags=re.S)
    # The same in the six other languages, whose sentences often hold an address written
    # the English way: "Mandadlo a 4 Elm Close", "es 12 High Street", "Bitte an 4 Elm Close".
    rest = re.sub(r"(?i)^.*?(?<![\w'])(a|al|es|ist|an|nach|au|à|est|c'est|è|para|pra|é|naar|"
                  r"adresse|direcci[oó]n|indirizzo|endere[çc]o|adres)(?![\w']):?\s+(?=\d)", "",
                  rest, flags=re.S)
    parts = [p.strip(" .:-") for p in re.split(r"[,\n]+", rest) if p.strip(" .:-")]
    parts = [p for p in parts if re.search(r"[A-Za-z0-9]", p)]
    if not parts or any(len(p) > 60 or len(p.split()) > 8 or "?" in p for p in parts):
        # A sentence, not an address line.
        return None
    line1 = parts[0]
    city = parts[-1] if len(parts) > 1 else ""
    line2 = ", ".join(parts[1:-1]) if len(parts) > 2 else ""
    if not re.search(r"\d", line1) and len(parts) == 1:
        return None
    return {"line1": line1[:200], "line2": line2[:200], "city": city[:100], "postcode": postcode}


# "The same address as order 3804", "my home address like last time".
ON_FILE = re.compile(
    r"\b(same (address )?as|address (from|on|of|used (for|on|with))|like last time|"
    r"as (last time|before)|(my )?(home|usual|old|previous|other|normal|regular|last) "
    r"(address|order)|address on file)\b", re.I)


def on_file_source_and_target(text: str) -> tuple[str, str]:
    """With two order numbers, the one the address comes from (named after "same as") and
    the one to change; ("", "") otherwise."""
    m = ON_FILE.search(text)
    numbers = ORDER_NUMBERS.findall(text)
    if m is None or len(set(numbers)) != 2:
        return "", ""
    after = ORDER_NUMBERS.findall(text[m.start():])
    source = after[0] if after else numbers[-1]
    return source, next(n for n in numbers if n != source)


def points_at_address_on_file(text: str) -> bool:
    """"The same address as order 3804", "my home address like last time"."""
    return bool(ON_FILE.search(text))


def means_usual_address(text: str) -> bool:
    """"Home", "usual", "normal": the address used most, not just the latest."""
    return bool(re.search(r"\b(home|usual|normal|regular)\b", text, re.I))


def postcodes(text: str) -> list[str]:
    """Every UK postcode in the text, normalised (no spaces, capitals), in order."""
    return [normal_postcode(m.group(1)) for m in UK_POSTCODE.finditer(text)]


def has_postcode(text: str) -> bool:
    return UK_POSTCODE.search(text) is not None
