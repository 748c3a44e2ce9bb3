"""What a message says about the bot's actions: which ones it refuses, and whether an
answer to "shall I go ahead?" affirms and asks for nothing else.

The classifier tells what a message is about; it cannot tell "cancel it" from "don't
cancel it", and "OK then, send it to my office instead" starts like a yes. These cues
decide that, so that a refused action is never started and a yes that brings a new
request is not taken as consent.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import cache

from django.utils import translation

from core.formatting import LANGUAGES

# The actions a shopper can ask for or refuse, by the intent that starts them.
ACTION_WORDS: dict[str, str] = {
    "cancel_order": r"can[cs](?:el|le|l)\w*|cancellation",
    "return_request": r"return\w*|send (?:it|them|\w+) back|refund\w*",
    "exchange_request": r"exchang\w*|swap\w*|change (?:it|them|anything)(?! to)",
    "change_address": r"change (?:the |my )?(?:delivery |shipping )?address|"
                      r"(?:re)?direct\w*|(?:send|ship|deliver|post) (?:it|them) (?:to|somewhere)",
    "back_in_stock": r"sign (?:me )?up|subscrib\w*|alert\w*|notif\w*|let me know|tell me when|"
                     r"email me|message me|text me",
}

# Words that refuse what follows ("don't cancel", "I'd rather not return them"); not
# "can't" or "won't let me", which complain that the shopper could not do it themselves.
_NEGATOR = (r"(?:don'?t|dont|do not|(?:i'?d|i would|would) rather not|rather not|"
            r"no need to|(?:do|did)n'?t (?:want|need)|not (?:want|wanting|going|looking|trying) to|"
            r"no longer (?:want|need) to|decided not to|not to|never mind|nevermind|"
            r"shouldn'?t|please don'?t|stop)")
# What may stand between the negator and the action in one clause.
_BETWEEN = (r"(?:(?:want|wanna|need|to|it|them|that|this|the|my|order|you|go|ahead|and|"
            r"actually|really|be|get|have|any ?more|please|just|bother|with|a|an|anything|"
            r"making|make|start|starting|do|doing|the|whole)\s+){0,5}")

NEGATED = {intent: re.compile(rf"\b{_NEGATOR}\s+{_BETWEEN}(?:{words})\b", re.I)
           for intent, words in ACTION_WORDS.items()}
# "No cancellation", "no return needed", "keep the order".
_NO_ACTION = {
    "cancel_order": re.compile(r"\b(no cancell?ation|keep (the|my) order|leave (the|my) "
                               r"order|(don'?t|do not) cancel)\b", re.I),
    "return_request": re.compile(r"\b(no return|i'?ll keep (it|them)|keeping (it|them))\b",
                                 re.I),
}


def negated_actions(text: str) -> set[str]:
    """The actions (by intent) the message refuses."""
    found = {intent for intent, pattern in NEGATED.items() if pattern.search(text)}
    found |= {intent for intent, pattern in _NO_ACTION.items() if pattern.search(text)}
    return found


# A UK postcode as shoppers write it, with or without the space ("LS1 4AP", "ls14ap").
UK_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2})\b", re.I)

CLAUSE = re.compile(r"[^,.;!?\n]+(?:[,.;!?\n]+|$)")
_CLAUSE_BREAK = re.compile(r"\s+\b(but|instead|rather|so|just)\b\s+", re.I)


def without_negated(text: str) -> str:
    """The message without its clauses that refuse an action: what is left is what the
    shopper does want ("don't cancel it, just send it to my office")."""
    pieces: list[str] = []
    for clause in CLAUSE.findall(_CLAUSE_BREAK.sub(r", \1 ", text)):
        if not negated_actions(clause):
            pieces.append(clause)
    rest = "".join(pieces).strip(" ,;")
    return re.sub(r"^(but|instead|rather|so|just)\b[\s,]*", "", rest, flags=re.I).strip()


YES = re.compile(r"^\s*(y|ya|yes+|yeah|yep|yup|yas|sure|ok(ay)?|k|please do|go ahead|do it|"
                 r"do that|confirm(ed)?|correct|that'?s (right|fine|correct|great|perfect|ok)|"
                 r"absolutely|definitely|please|yes please|ja|oui|s[ií]|sounds good|perfect|"
                 r"great|fine|lovely|brilliant|cool|alright|all right)\b", re.I)
NO = re.compile(r"^\s*(n|no+|nope|nah|don'?t|do not|stop|cancel that|never ?mind|not now|"
                r"wait|hold on|nein|non)\b", re.I)
# Anywhere in the answer: a change of mind outweighs a polite "ok".
NO_INSIDE = re.compile(r"\b(actually no|no thanks|no thank you|no,? (don'?t|leave|keep)|"
                       r"don'?t (do|bother|go ahead|want (it|that|to))|changed my mind|"
                       r"never ?mind|leave it|i'?ll keep (it|them)|not any ?more|"
                       r"forget (it|that)|(don'?t|do not) change (it|them|anything)|"
                       r"just (asking|wondering|curious)|only asking)\b", re.I)
YES_INSIDE = re.compile(r"\b(yes|yeah|yep|yup|go ahead|do it|do that|please do|sounds good|"
                        r"that'?s (right|fine|correct|great|perfect)|i confirm|confirmed|"
                        r"go for it|let'?s do (it|that))\b", re.I)
FILLER_OPENER = re.compile(r"^\s*((oh|ah|um+|erm|hmm+|well|so|actually|ok so|right|lovely|"
                           r"great|perfect|brilliant|cool|thanks|thank you)\b[\s,!.]*)+", re.I)


def yes_or_no(text: str) -> str:
    """"yes", "no" or "" for a short answer, without looking at what else it asks."""
    pressed = _proposal_buttons().get(text.strip().casefold())
    if pressed:
        return pressed
    if NO_INSIDE.search(text):
        return "no"
    rest = FILLER_OPENER.sub("", text) if FILLER_OPENER.match(text) else text
    for candidate in (text, rest):
        if NO.search(candidate):
            return "no"
        if YES.search(candidate):
            return "yes"
    if YES_INSIDE.search(text):
        return "yes"
    if rest.strip(" !.") == "" and FILLER_OPENER.match(text):
        # "Perfect!" or "Lovely, thanks" on its own is a yes.
        return "yes"
    return ""


@cache
def _proposal_buttons() -> dict[str, str]:
    """The labels of the yes and no buttons under a proposal, in every language, as a
    channel sends a pressed one back."""
    labels = {}
    for language in LANGUAGES:
        with translation.override(language):
            for key, answer in (("bot.proposal.yes", "yes"), ("bot.proposal.no", "no")):
                labels[translation.gettext(key).casefold()] = answer
    return labels


# Words that only affirm, thank or soften: a yes made of them asks for nothing else.
_ASSENT = frozenset({
    "y", "ya", "yes", "yess", "yesss", "yeah", "yep", "yup", "yas", "sure", "ok", "okay", "k",
    "please", "pls", "plz", "do", "it", "that", "go", "ahead", "confirm", "confirmed", "correct",
    "thats", "that's", "right", "fine", "great", "perfect", "absolutely", "definitely", "sounds",
    "good", "lovely", "brilliant", "cool", "alright", "all", "thanks", "thank", "you", "thx",
    "cheers", "ta", "mate", "then", "oh", "ah", "well", "just", "for", "let's", "lets", "sorted",
    "now", "much", "very", "a", "lot", "appreciated", "i", "would", "be", "is", "was", "amazing",
    "wonderful", "super", "excellent", "one", "the", "both", "of", "them", "those", "these",
    "everything", "can", "spot", "on", "exactly", "proceed", "yea", "aye", "please.", "with",
})
# Words that bring something else: a change, a condition or a different thing.
_MORE = re.compile(
    r"\?|\b(instead|rather|actually|but|though|only|except|apart from|change|different|"
    r"another|other|wait|also|and can|can you|could you|what|which|when|where|how|why|"
    r"send|ship|deliver|address|return|exchange|swap|refund|cancel\w*|size|colou?r|"
    r"office|work|home)\b|@|\d", re.I)


# "No, I meant the other one", "the one with the boots", "wrong order": the same request,
# about another order or item.
CORRECTION = re.compile(r"\b(i meant|i mean|meant|the other (one|order)|not (that|this) one|wrong "
                        r"(one|order)|the one (with|for|from)|the \w+ one)\b", re.I)
OTHER_ONE = re.compile(r"\b(the )?other (one|order)\b", re.I)
CHEAPER_ONE = re.compile(r"\b(the )?(cheaper|cheapest|less expensive|smaller)( one| order)?\b",
                         re.I)
DEARER_ONE = re.compile(r"\b(the )?(dearer|more expensive|pricier|bigger)( one| order)?\b", re.I)


def brings_something_else(text: str) -> bool:
    """A condition, a change or a new detail ("instead", "but", a number, an address)."""
    return bool(_MORE.search(text))


def affirms_only(text: str, allowed: str = "") -> bool:
    """Whether a message that says yes asks for nothing else: no condition, no other
    action, no new details. ``allowed`` is a pattern for words that only restate the
    action being confirmed ("yes, cancel it" when a cancellation is pending)."""
    rest = text
    if allowed:
        rest = re.sub(allowed, " ", rest, flags=re.I)
    if _MORE.search(rest):
        return False
    words = re.findall(r"[a-z']+", rest.lower())
    return all(w in _ASSENT or w.strip("'") in _ASSENT for w in words)


# Pending action kinds and the words that restate them.
RESTATES: dict[str, str] = {
    "cancel": r"\b(can[cs](?:el|le|l)\w*( (it|them|the order|my order|order))?( #?\d+)?)\b",
    "address": r"\b(change (it|the address)|update (it|the address))\b",
    "return": r"\b(return (it|them)|send (it|them) back|start (the|my) return)\b",
    "missing": r"\b(send (a|the) replacement|replace (it|them))\b",
}


def confirmation(text: str, pending_kind: str, pending_intent: str = "") -> str:
    """The answer to "shall I go ahead?": "yes" only when the message affirms and asks for
    nothing else; "no" when it refuses (or refuses the very action pending); "" when it
    brings something else or is unclear."""
    if pending_intent and pending_intent in negated_actions(text):
        return "no"
    pressed = _proposal_buttons().get(text.strip().casefold())
    if pressed:
        return pressed
    answer = yes_or_no(text)
    if answer == "no":
        return "no"
    if answer == "yes" and affirms_only(text, RESTATES.get(pending_kind, "")):
        return "yes"
    return ""


# Requests the bot has no action for: it says so and hands them to a person, instead of
# offering something else. Each names what cannot be done, in the words of the reply.
UNSUPPORTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("undo a cancellation", re.compile(
        r"\b(un-?cancel\w*|undo (the |my |that )?cancell?ation|reverse (the |my )?cancell?ation|"
        r"reinstate|restore (my|the) order|cancel(l?ed)? (it |that |the order )?by "
        r"(mistake|accident)|(want|need|get) (it|my order|the order) back|"
        r"didn'?t mean to cancel)\b", re.I)),
    ("match another shop's price", re.compile(
        r"\b(price ?match\w*|match (the|their|a|that|this|amazon'?s|\w+'s) (price|offer|deal)|"
        r"(give|do) (me )?the (same|lower|cheaper) price)\b", re.I)),
    ("split an order into separate deliveries", re.compile(
        r"\b(split (the |my |this )?(order|shipment|delivery|parcel)|ship (them|it|the items) "
        r"separately|send (the items|them) separately)\b|\b(send|ship|deliver|post)\b.{0,60}"
        r"\bseparately\b", re.I)),
    ("add items to an order", re.compile(
        r"\badd (an? |another |one more |a second |this |the |some )?[\w-]+( [\w-]+){0,2} to "
        r"(my|the|this|that|an?) (existing )?order\b", re.I)),
    ("book a delivery day or time", re.compile(
        r"\b(choose|pick|book|arrange|specify|request) (a |the )?(delivery )?(day|date|time|"
        r"slot)\b|\b(specific|particular|certain|exact) (delivery )?(day|date|time)\b", re.I)),
    ("add gift wrapping or a gift message", re.compile(
        r"\bgift[- ]?(wrap\w*|message|note|receipt|box)\b", re.I)),
    ("combine orders", re.compile(
        r"\b(combine|merge|consolidate) (my |the |both |these |two )?(orders|parcels|"
        r"shipments)\b|\b(combine|merge|consolidate|put)\b.{0,40}\b(into|in) (one|a single|the "
        r"same) (parcel|delivery|shipment|box|order)\b", re.I)),
    ("match another shop's price on an order", re.compile(
        r"\b(can|could|will|would) (you|u) (match|beat) (it|that|this|the price|their price)\b|"
        r"\brefund (me )?the (price )?difference\b", re.I)),
)


def unsupported_request(text: str) -> str:
    """What the message asks that the bot cannot do (for the reply), or ""."""
    for what, pattern in UNSUPPORTED:
        if pattern.search(text):
            return what
    return ""


# "Both orders", "all my unshipped orders", "cancel everything that hasn't shipped".
ORDER_SET = re.compile(
    r"\b(both|all|every|each)\b( of)?( my| the| these| those)?( \w+){0,2} (orders|ones)\b|"
    r"\bboth( of them)?\b|\ball (of )?(them|those|these|three|four|my orders)\b|"
    r"\b(all|everything) (that|which) (hasn'?t|has not|haven'?t|isn'?t|"
    r"aren'?t|not)\b|\b(orders|ones) (that|which) (haven'?t|have not|aren'?t) (shipped|been "
    r"sent|gone out|dispatched)", re.I)
EXCEPT = re.compile(r"\b(except|apart from|but not|other than|not the|excluding|besides)\b(.*)$",
                    re.I | re.S)
ORDER_NUMBERS = re.compile(r"(?<![\w£$€.,/-])#?(\d{3,10})(?![\w%£$€/-]|[.,]\d)")


def several_orders(text: str) -> bool:
    """The message is about a set of orders rather than one."""
    return bool(ORDER_SET.search(text)) or len(set(ORDER_NUMBERS.findall(text))) >= 2


FINE_AS_IS = re.compile(r"\b((?:the )?(?:[\w-]+ ){0,3}(?:one|ones|[\w-]+))\s+(?:is|are|was|were)\s+"
                        r"(?:fine|ok|okay|good|great|perfect|alright|all right)\b|"
                        r"\b(?:i'?ll |i will |i'?m )?keep(?:ing)? (the [\w-]+(?: [\w-]+)?)", re.I)


def excluded_part(text: str) -> str:
    """What the shopper leaves out of a set: the words after "except" / "apart from", or
    the thing they say is fine as it is ("the black one is fine", "keeping the jumper")."""
    m = EXCEPT.search(text)
    if m:
        return m.group(2)
    fine = FINE_AS_IS.search(text)
    return (fine.group(1) or fine.group(2) or "") if fine else ""


# Questions about facts of the shopper's own order, answered from the data.
FACTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paid_with", re.compile(
        r"\b(what|which|how) (did i|have i|do i)\b.{0,25}\b(pay|paid|use|used)\b|"
        r"\b(what|which) (card|payment( method)?|method)\b.{0,30}\b(use|used|pay|paid|"
        r"charged|on (it|that|the order))\b|\bpaid (with|by|using|on) (what|which)\b|"
        r"\bwhich card (was|did|got|is)\b|\bhow (was|did) (it|that|the order) (get )?paid\b|"
        r"\bdid i (pay|use) (with |by |using )?(paypal|my card|card|a card|the card|my gift|"
        r"gift|my voucher|apple|klarna|visa|master)", re.I)),
    ("address", re.compile(
        r"\b(which|what) address\b|\bwhere (is|was|will|did) (it|that|they|the order|my order|"
        r"the parcel|that order) (going|being sent|sent|being delivered|delivered|shipped|"
        r"go|get sent)( to)?\b|\baddress (is|was|does) (it|that|the order) (going|sent|"
        r"shipped|go)\b|\bwhere (are|were) (you|u) (sending|shipping|delivering) (it|them)\b",
        re.I)),
    ("items", re.compile(
        r"\bwhat('?s| is| was| did i (order|put|get))? (in|inside) (it|the order|that order|"
        r"my order|the parcel|that parcel|that one)\b|\bwhat did i (\w+ )?(order|buy|get)\b|"
        r"\bwhich (items|things|products)\b|\bhow many (things|items|pieces|products|units|"
        r"pairs|of (them|those|these|the \w+))\b|\bhow many \w+ (was it|were there|did i "
        r"(order|buy|get))\b|\bwhat (items|things|products) (are|were|did)\b|"
        r"\bhow much (was|were|is|did) (each|every)( \w+)?\b", re.I)),
    ("cheapest", re.compile(r"\b(cheapest|least expensive) (thing|item|one)? ?(in|on|from) "
                            r"(my|the|that|this) order\b", re.I)),
    ("dearest", re.compile(r"\b(most expensive|priciest|dearest) (thing|item|one)? ?(in|on|"
                           r"from) (my|the|that|this) order\b", re.I)),
    ("open_orders", re.compile(
        r"\bwhich (of my )?orders?\b.{0,30}\b(not|n'?t|still|yet|open|on (the|their) way|"
        r"outstanding|arrived|come)\b|\b(list|show) (me )?(all )?my orders\b|"
        r"\bwhat orders (do i have|have i got)\b", re.I)),
    ("total", re.compile(
        r"\bhow much (did i|have i|was i) (pay|spend|paid|spent|charged)\b|\b(order|the) total\b|"
        r"\bhow much (was|did) (it|the order|that order|my order|that)( cost)?\b|"
        r"\bhow much is (the|my|that) order\b|"
        r"\bwhat did (it|the order|that order|that) cost\b", re.I)),
    ("tracking", re.compile(r"\btracking (number|no|code|id|ref\w*)\b|\b(who|which|what)('?s| is| "
                            r"was)? (the )?(courier|carrier|delivery company)\b", re.I)),
)


def asked_facts(text: str) -> list[str]:
    """Which facts of their order the shopper asks for, in the order listed above."""
    return [name for name, pattern in FACTS if pattern.search(text)]


# Paying for an order another way: "can I pay for 3801 with PayPal instead", "charge it to
# my other card", "switch the payment to my Mastercard".
_METHOD_WORDS = (r"(paypal|apple ?pay|google ?pay|klarna|gift ?card|(other|different|another|"
                 r"new|second|\w+'s) card|visa|master ?card|amex|american express|debit card|"
                 r"credit card|card ending( in)? \d{4})")
CHANGES_PAYMENT = re.compile(
    rf"\b(change|switch|update|swap|move)\b.{{0,30}}\b(payment( method)?|card|pay(ing)? "
    rf"method)\b|\b(pay|paid|charge|bill|put)\b.{{0,40}}\b(with|by|on|to|using|onto|via)\s+"
    rf"(my |the |a )?{_METHOD_WORDS}|\buse (my |the |a )?{_METHOD_WORDS}.{{0,30}}\b(pay|for)\b",
    re.I)


def changes_payment(text: str) -> bool:
    """The shopper asks to pay for an order another way (not about a charge gone wrong)."""
    return bool(CHANGES_PAYMENT.search(text) and ASKS_CHANGE.search(text)) and not re.search(
        r"\b(charged (twice|two|double)|double[- ]charged|declined|refund)\b", text, re.I)


ASKS_CHANGE = re.compile(r"\b(instead|rather|can (i|you|we)|could (i|you|we)|please|pls|switch|"
                         r"change|swap|want to|wanna|i'?d like|would like|use|prefer)\b", re.I)


# "It never came", "not here", "can't find it": a parcel the shopper has not got.
NOT_RECEIVED = re.compile(
    r"\b(never (got|received|arrived|came|turned up|showed up)|(not|n'?t) (here|received|"
    r"arrived|got it|turned up|come|showed up|there)|nothing (here|at|in|on|was)|no sign of|"
    r"can'?t find|isn'?t here|wasn'?t there|missing|stolen|do(n'?t| not) have (it|them)|"
    r"haven'?t (got|had|received) (it|them|anything)|(has|have|had) no record of (it|them)|"
    r"(doesn'?t|don'?t|didn'?t) (have|get) (it|them|the parcel|my parcel))\b", re.I)


# "Send my refund to my new card": refunds only ever go back where the money came from.
REFUND_ELSEWHERE = re.compile(
    r"\b(to|into|onto|on|via) (my |a |the )?(new|different|another|other|second|replacement|"
    r"\w+'s) (card|bank|bank account|account|paypal)\b", re.I)


# Words aimed at the bot's instructions rather than at the shop. Such a message never starts
# or confirms anything: the shopper is asked to say plainly what they need.
INSTRUCTIONS = re.compile(
    r"(\bignore (all |any |your |the |my |previous |prior |above |earlier )*(rules|"
    r"instructions|polic(y|ies)|prompt|guidelines|restrictions)|\bdisregard (your|all|the|any|"
    r"previous)\b|\b(system|admin|developer|debug|god|maintenance) (mode|override|prompt|"
    r"message|command)|^\W*(system|assistant|admin|developer)\W*:|\[(system|admin|assistant)\]|"
    r"\byou are now\b|\bact as (an? |the )?(admin|administrator|developer|manager)|"
    r"\bnew instructions\b|\boverride (your|the|all|any)\b|\bjailbreak|"
    r"\bconfirmation (is |was )?(already|has been) (given|provided)|\bno need to (ask|confirm|"
    r"check|verify)|\bwithout (asking|confirm\w*|checking|verif\w*))", re.I | re.M)


def is_instruction(text: str) -> bool:
    return bool(INSTRUCTIONS.search(text))


FRAUD = re.compile(r"\b(stolen card|card (was|has been) stolen|"
                   r"unauthori[sz]ed|(didn'?t|did not|never) authori[sz]e|someone (else )?used my|"
                   r"hack(ed|er)|identity theft|wasn'?t me who|without my (permission|consent|"
                   r"knowledge|authori[sz]ation)|(didn'?t|did not|never) (make|place|authori[sz]e)"
                   r" (this|that|the|these|an?|any) (order|purchase|payment|charge|transaction)s?|"
                   r"do(n'?t| not) recogni[sz]e (this|the|that|a|an) (charge|payment|order|"
                   r"transaction|purchase))\b", re.I)


# "Scam" and "fraud" are how angry shoppers talk about a shop; they claim fraud only when
# they say a payment was made without them.
FRAUD_WORD = re.compile(r"\b(fraud\w*|scam\w*)\b", re.I)


WITHOUT_CONSENT = re.compile(
    r"\b(charg\w*|took|taken|debit\w*|payment|transaction)\b.{0,40}\b(without|not me|"
    r"(didn'?t|did not|never) (buy|order|make|place|ask)|wasn'?t me)\b|"
    r"\b(didn'?t|did not|never) (buy|order|make|place)\b.{0,40}\b(charg\w*|took|taken|"
    r"debit\w*|payment)", re.I)


def is_fraud_claim(text: str) -> bool:
    return bool(FRAUD.search(text) or (FRAUD_WORD.search(text) and WITHOUT_CONSENT.search(text)))


REMEDY_REFUND = re.compile(r"\b(refund|money back|my money|reimburse|pay me back)", re.I)


REMEDY_RESHIP = re.compile(r"\b(replace\w*|reship|re-?send|re-?deliver|send (it|them|one|another|"
                           r"a new|new ones?|out)|new one|another one|again)\b", re.I)


ALL_ITEMS = re.compile(r"\b(all|everything|whole order|both|all of (it|them))\b", re.I)


BIGGER_ONE = re.compile(r"\b(the )?(bigger|larger|biggest|largest)( one| size)?\b", re.I)


SMALLER_ONE = re.compile(r"\b(the )?(smaller|smallest)( one| size)?\b", re.I)


def means_all(text: str) -> bool:
    """"All of them", "everything", "the whole order", "both"."""
    return bool(ALL_ITEMS.search(text))


def size_extreme(text: str) -> str:
    """"bigger" for "the bigger one", "smaller" for "the smaller one", else ""."""
    if BIGGER_ONE.search(text):
        return "bigger"
    return "smaller" if SMALLER_ONE.search(text) else ""


ASKS_FOR_PERSON = re.compile(
    r"\b(human( being)?|real person|a person|actual person|someone real|"
    r"(live |real |customer service |support )(agent|representative|rep|operator)|"
    r"(an? |the )(agent|representative|operator)|speak (to|with) (someone|somebody|a)|"
    r"talk (to|with) (someone|somebody|a)|call me|manager|supervisor)\b", re.I)


# A question about the address that asks to change it.
CHANGE_WORDS = re.compile(r"\b(change|update|correct|instead|redirect|send it to|ship it to|"
                          r"deliver it to)\b", re.I)


THANKS = re.compile(r"\b(thanks?|thank you|thx|ty|cheers|appreciate)\b", re.I)


GREETING_WORD = re.compile(r"\b(hi|hello|hey|hiya|morning|afternoon|evening)\b", re.I)


BYE = re.compile(r"\b(bye|goodbye|that'?s all|nothing else|have a good)\b", re.I)


ABOUT_A_RETURN = re.compile(r"\b(my return|the return|returned|return label|the label|"
                            r"sent (it|them|the \w+) back|posted (it|them) back)\b", re.I)


POINTS = re.compile(r"\b(points?|loyalty|rewards?)\b", re.I)


CODE = re.compile(r"\b([A-Z][A-Z0-9-]{3,19})\b")


BASKET = re.compile(
    r"(?:£|\$|€)\s?(\d+(?:\.\d{1,2})?)|\b(\d+(?:\.\d{1,2})?)\s?(?:quid|pounds|gbp)\b", re.I)


ON_WHAT = re.compile(r"\b(on|for|with|to)\b", re.I)


def names_a_resolution(text: str) -> bool:
    """The answer names a way to settle a return: exchange, credit, refund, a size."""
    return bool(re.search(r"exchange|swap|credit|voucher|refund|money|size", text, re.I))


def mentions_an_order(text: str) -> bool:
    return bool(re.search(r"\border", text, re.I))


def mentions_a_product(text: str) -> bool:
    return bool(re.search(r"\bproduct|item|size|stock", text, re.I))


def basket_amount(text: str) -> Decimal | None:
    """A basket value the shopper names ("on a £60 basket", "60 quid")."""
    m = BASKET.search(text)
    return Decimal(m.group(1) or m.group(2)) if m else None


def code_candidates(text: str) -> list[str]:
    """Words shaped like a discount code ("WINTER15", "SAVE-10")."""
    return CODE.findall(text)


DECLINED = re.compile(r"\b(declin\w*|rejected|won'?t go through|fail(ed|s|ing)?|not accept\w*|"
                      r"doesn'?t (work|go through)|error)\b", re.I)


# Twice, and about money taken: "card declined twice" is a decline, not a double charge.
DOUBLE = re.compile(r"\b(twice|two times|2 ?x|double\w*|duplicate\w*|again|two (charges|payments|"
                    r"transactions|debits))\b", re.I)


TAKEN = re.compile(r"\b(charg\w*|paid|pay(ment)?s?|bill\w*|taken|debit\w*|transactions?|"
                   r"statement)\b", re.I)


# About paying in general, not about one of the shopper's orders.
PAYING_IN_GENERAL = re.compile(
    r"\b(what|which) (payment|ways|methods|cards?)\b|\b(do|can) (you|i) (accept|take|pay (with|by|"
    r"using|in))\b|\bpayment (methods?|options)\b|\b(accept|take) (paypal|amex|american express|"
    r"apple pay|google pay|klarna|visa|mastercard)", re.I)


DAMAGED = re.compile(r"\b(damag\w*|broken|broke|smashed|crushed|torn|ripped|cracked|stain\w*|"
                     r"faulty|defect\w*|hole|holes|dented|wet|leak\w*|split|snapped|"
                     r"shattered|bent|scratched|missing (a |the )?(button|part|piece)s?)\b", re.I)


WRONG = re.compile(r"\b(wrong|incorrect|not what i (ordered|asked for|paid for)|"
                   r"(completely |totally |a )?different (\w+ )?(item|size|colou?r|product|"
                   r"model|style|one|thing|shirt|top|shoes?|pair)|someone else'?s|"
                   r"mix(ed)?[- ]?up|sent me (a|the|an) \w+ (one )?instead)\b", re.I)


# "I ordered black and got pink": a swap told as a story.
ORDERED_GOT = re.compile(r"\bordered\b.{1,80}\b(got|received|came|arrived|sent( me)?)\b.{1,80}"
                         r"\b(instead|one|in|a|an)\b", re.I)


def _kind(text: str) -> str:
    if WRONG.search(text):
        return "wrong_item"
    if DAMAGED.search(text):
        return "damaged"
    if ORDERED_GOT.search(text):
        return "wrong_item"
    return "missing"


def problem_kind(text: str) -> str:
    """What went wrong with a delivery: "wrong_item", "damaged" or "missing"."""
    return _kind(text)


def says_word(text: str, word: str) -> bool:
    """Whether ``word`` (or phrase) stands in the text as whole words, any case."""
    return bool(re.search(rf"\b{re.escape(word.lower())}\b", text.lower()))


def means_another_card(text: str) -> bool:
    """"My other card", "a different card"."""
    return bool(re.search(r"\b(other|different|another|second) card\b", text, re.I))


def signs_off(text: str) -> bool:
    """"thanks", "that's all", "bye": the shopper is done for now."""
    return bool(THANKS.search(text) or BYE.search(text))


CHECKIN_PROBLEM = re.compile(r"\b(problem|issue|wrong|missing|damaged|broken|torn|not|no|"
                             r"never|didn'?t|haven'?t|hasn'?t|but)\b", re.I)
CHECKIN_ALL_GOOD = re.compile(r"\b(all good|arrived|fine|perfect|great|love|lovely|yes|yep|"
                              r"yeah|ok|okay|thanks|thank you)\b", re.I)


def checkin_answer(text: str) -> str:
    """The answer to "did your order arrive OK?": "named_problem" (damaged, wrong, not
    received: the delivery-problem flow takes it), "problem" (something is wrong, not
    said what), "all_good", or "" (not an answer to the check-in)."""
    if CHECKIN_PROBLEM.search(text) or yes_or_no(text) == "no":
        if any(cue.search(text) for cue in (WRONG, DAMAGED, ORDERED_GOT, NOT_RECEIVED)):
            return "named_problem"
        return "problem"
    if yes_or_no(text) == "yes" or CHECKIN_ALL_GOOD.search(text):
        return "all_good"
    return ""
