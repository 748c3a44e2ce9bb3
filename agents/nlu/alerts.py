"""What a shopper's words say about back-in-stock alerts: stopping them (all, or the ones
for a product they name), the code the site's notify-me form gave, "is it still there?"
after an alert, and several variants listed in one wish."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from agents.nlu import lexicon

STOP_ALERTS = re.compile(
    r"^\s*(stop|unsubscribe|stop all|cancel)\s*[.!]*\s*$|"
    r"\b(stop|cancel|end|turn off|switch off|unsubscribe\w*|opt(?:ing)? out|no more|"
    r"remove me)\b[^.?!]{0,40}\b(alerts?|notifications?|notify\w*|messages?|texts?|emails?|"
    r"list|back.in.stock)\b|"
    r"\b(unsubscribe|opt out)\b", re.I)
NOT_STOPPING = re.compile(r"\b(don'?t|do not|never)\s+(stop|cancel|unsubscribe)", re.I)
STOP_EVERYTHING = re.compile(r"\s*(stop|unsubscribe|stop all)\s*[.!]*\s*")
ALERT_CODE = re.compile(r"^\s*alerts\s+\d+-[0-9a-f]{6}\s*$", re.I)
STILL_THERE = re.compile(
    r"\b(still (there|available|in stock|left|around)|is it (there|available|in stock|back)|"
    r"any (left|still)|can i (still )?(get|buy|order) it|how many (are )?left)\b", re.I)
CLAUSE = re.compile(r"\s*(?:,|\band\b|&|\+)\s*", re.I)


# "Don't stop them" in the six other languages.
NOT_STOPPING_FOREIGN = re.compile(r"\b(no (?:quiero )?(?:dejar|cancelar|parar)|nicht "
                                  r"(?:abmelden|abbestellen|stoppen)|ne pas (?:arr[êe]ter|"
                                  r"d[ée]sabonner)|non (?:disiscriv|cancell)|n[ãa]o (?:cancel|"
                                  r"parar)|niet (?:afmelden|stoppen|uitschrijven))", re.I)


def wants_no_alerts(text: str) -> bool:
    """"stop alerts", "unsubscribe me from the boots one", a bare STOP; "darme de baja",
    "abmelden", "me désabonner", "disiscrivimi", "descadastrar", "afmelden"."""
    if STOP_ALERTS.search(text) and not NOT_STOPPING.search(text):
        return True
    return lexicon.says(text, "stop_alerts") and not NOT_STOPPING_FOREIGN.search(text)


def stops_everything(text: str) -> bool:
    """A bare "STOP" / "unsubscribe": every alert, whatever else was named before."""
    return bool(STOP_EVERYTHING.fullmatch(text.lower()))


def names_product(text: str, product_name: str) -> bool:
    """Whether the message names the product (any word of four letters or more)."""
    words = set(re.findall(r"[a-z]{4,}", product_name.lower()))
    return any(re.search(rf"\b{re.escape(w)}", text, re.I) for w in words)


def is_alert_code(text: str) -> bool:
    """The code the notify-me form shows ("ALERTS 12-ab34cd"), sent back from WhatsApp."""
    return bool(ALERT_CODE.match(text))


def asks_still_there(text: str) -> bool:
    """"Is it still there?", "any left?" after an alert."""
    return bool(STILL_THERE.search(text))


def listed_options(text: str, options: Sequence[Mapping[str, object]]) -> list[int]:
    """The variants (by index into `options`, each a variant's option values) a message
    lists one after another ("the black tee in L and the white one in L and M"): each part
    names an option value, and the colour (or size) said last carries on to the parts that
    leave it out. Fewer than two: not a list."""
    def said(part: str, value: object) -> bool:
        return bool(re.search(rf"(?<![\w.]){re.escape(str(value))}(?![\w.])", part, re.I))

    axes = sorted({k for o in options for k in o})
    carried: dict[str, str] = {}
    found: list[int] = []
    for part in CLAUSE.split(text):
        named = {axis: str(value) for axis in axes for value in
                 {o.get(axis) for o in options if o.get(axis)} if said(part, value)}
        if not named:
            continue
        carried.update(named)
        match = [i for i, o in enumerate(options)
                 if all(str(o.get(a, "")).lower() == carried[a].lower()
                        for a in carried if a in o) and all(a in carried for a in o)]
        if len(match) == 1 and match[0] not in found:
            found.append(match[0])
    return found if len(found) >= 2 else []
