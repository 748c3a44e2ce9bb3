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

from agents.nlu import lexicon
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


# The same actions in the six other languages, by their verbs' stems ("cancelar",
# "stornieren", "annuler", "annullare", "annuleren"; "devolver", "zurückschicken",
# "retourner", "restituire", "devolver", "terugsturen"; "cambiar", "umtauschen", "échanger").
_FOREIGN_ACTIONS: dict[str, str] = {
    "cancel_order": r"cancel\w*|anul\w*|annul\w*|stornier\w*|storno\w*",
    "return_request": r"devol\w*|devuel\w*|zur[üu]ck(?:schick|geb|send)\w*|retourn\w*|"
                      r"renvo\w*|restitu\w*|rimand\w*|terug(?:stur|sturen|geven)\w*|"
                      r"retour\w*|reembols\w*|rembours\w*|rimbors\w*|erstatt\w*|"
                      r"terugbetal\w*",
    "exchange_request": r"cambi\w*|camb[ií]a\w*|(?:um)?tausch\w*|[ée]chang\w*|troca\w*|"
                        r"troque\w*|ruil\w*|omruil\w*|sostitu\w*",
    "back_in_stock": r"avis[aá]\w*|aviso\w*|benachrichtig\w*|bescheid|pr[ée]ven\w*|"
                     r"avvis\w*|notific\w*",
}
# A refusal: a language's negation ("no lo canceles", "bitte nicht stornieren", "non
# annullare"), a few words before the action; or after it, where the language puts it
# there ("storniert sie nicht", "ne l'annulez pas", "annuleer hem niet").
_AFTER_NEGATORS = r"nicht|pas|niet"
_FOREIGN_KEEP = re.compile(
    r"\b(me (?:lo|la|los|las) quedo|(?:ich )?behalte (?:ihn|sie|es|die|den|das)|"
    r"je (?:le|la|les) garde|(?:lo|la|li|le) tengo|(?:me lo|me la) tengo|fico com (?:ele|ela|eles|"
    r"elas)|ik (?:hou|houd) (?:hem|het|ze)|(?:lo|la|li|le) tengo io|me lo quedo)\b", re.I)


def _foreign_negated(text: str) -> set[str]:
    negation = lexicon.pattern_for(text, "negation")
    if negation is None:
        return set()
    folded = lexicon.fold(text)
    found: set[str] = set()
    for intent, words in _FOREIGN_ACTIONS.items():
        before = re.compile(rf"(?:{negation.pattern})(?:\s+[\w']+){{0,3}}?\s+(?:\w+')?"
                            rf"(?:{words})")
        after = re.compile(rf"(?<![\w'])(?:\w+')?(?:{words})(?:\s+[\w']+){{0,2}}?\s+"
                           rf"(?:{_AFTER_NEGATORS})\b")
        if before.search(folded) or after.search(folded):
            found.add(intent)
    if _FOREIGN_KEEP.search(folded):
        found.add("return_request")
    return found


def negated_actions(text: str) -> set[str]:
    """The actions (by intent) the message refuses."""
    found = {intent for intent, pattern in NEGATED.items() if pattern.search(text)}
    found |= {intent for intent, pattern in _NO_ACTION.items() if pattern.search(text)}
    if lexicon.language_in(text) != "en":
        found |= _foreign_negated(text)
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


# Spellings of a yes the lists leave out.
_YES_TOO = re.compile(r"\s*(ouep|ouaip|ouip|jaja|sisi|s[ií] s[ií]|s[ìi] s[ìi]|simsim)\b", re.I)


def _foreign_yes_or_no(text: str) -> str:
    """A yes or no in one of the six other languages: the answer the message opens with,
    or a refusal of several words anywhere ("bueno, mejor no", "lieber nicht")."""
    if lexicon.starts_with(text, "no") is not None:
        return "no"
    inside = lexicon.find(text, "no")
    if inside is not None and " " in inside.group(0).strip():
        return "no"
    if lexicon.starts_with(text, "yes") is not None or _YES_TOO.match(text):
        return "yes"
    # "Ah super, oui merci", "ay qué bien, sí por favor": a yes after a few glad words.
    pattern = lexicon.pattern_for(text, "yes")
    glad = _POLITE | lexicon.tokens("hello") | lexicon.tokens("thanks")
    folded = lexicon.fold(text)
    for n, m in enumerate(re.finditer(r"[^\W\d_]+(?:'[^\W\d_]+)*", folded)):
        if n >= 5 or pattern is None:
            break
        if n and pattern.match(folded, m.start()):
            return "yes"
        if m.group(0) not in glad:
            break
    return ""


def yes_or_no(text: str) -> str:
    """"yes", "no" or "" for a short answer, without looking at what else it asks."""
    pressed = _proposal_buttons().get(text.strip().casefold())
    if pressed:
        return pressed
    if NO_INSIDE.search(text):
        return "no"
    if lexicon.language_in(text) != "en":
        foreign = _foreign_yes_or_no(text)
        if foreign == "no" or (foreign == "yes" and not NO.search(text)):
            return foreign
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


# The same in the six other languages: "but", "instead", "other", "change", "address",
# "size", "colour", "only", "except" and the question words.
_MORE_FOREIGN = re.compile(
    r"\b(pero|sino|en (?:vez|lugar) de|otr[oa]s?|cambi\w*|direcci[oó]n|talla|color|s[oó]lo|"
    r"aber|sondern|statt\w*|[äa]nder\w*|adresse|gr[öo]ße|farbe|nur|mais|plut[oô]t|au lieu|"
    r"autre|chang\w*|taille|couleur|seulement|ma|invece|altr[oaie]|indirizzo|taglia|colore|"
    r"solo|mas|em vez|outr[oa]s?|mud\w*|endere[cç]o|tamanho|cor|só|maar|in plaats|wijzig\w*|"
    r"adres|maat|kleur|alleen)\b", re.I)


def brings_something_else(text: str) -> bool:
    """A condition, a change or a new detail ("instead", "but", a number, an address)."""
    if _MORE.search(text):
        return True
    return lexicon.language_in(text) != "en" and bool(_MORE_FOREIGN.search(text))


def affirms_only(text: str, allowed: str = "") -> bool:
    """Whether a message that says yes asks for nothing else: no condition, no other
    action, no new details. ``allowed`` is a pattern for words that only restate the
    action being confirmed ("yes, cancel it" when a cancellation is pending)."""
    rest = text
    if allowed:
        rest = re.sub(allowed, " ", rest, flags=re.I)
    if _MORE.search(rest):
        return False
    if lexicon.language_in(text) != "en":
        # The yes itself may hold such a word ("doe maar" is Dutch for "go ahead").
        if _MORE_FOREIGN.search(lexicon.without(rest, "yes")):
            return False
        assent = _ASSENT | _foreign_assent()
        words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", lexicon.fold(rest))
        return all(w in assent or w.strip("'") in assent for w in words)
    words = re.findall(r"[a-z']+", rest.lower())
    return all(w in _ASSENT or w.strip("'") in _ASSENT for w in words)


# "Please", "go ahead" and "thanks" in the six other languages, with the words of their
# yes and thanks phrases: a yes made of them asks for nothing else.
_POLITE_WORDS = """
correcto correto corretto correct correcte korrekt juist exacto exato esatto exact genau
giusto certo klopt stimmt richtig está esta é è es ist c'est est dat is das
ouep ouaip ouip jaja simsim
porfa porfis porfavor por favor favor adelante dale venga hazlo bitte mach mal gerne gern
los danke dir ihnen schön sehr vielen svp stp s'il vous te plaît plait merci beaucoup bcp
allez vas-y vas y oui per favore grazie mille procedi vai pure avanti obrigado obrigada
pode fazer sim valeu graag alsjeblieft alstublieft aub dank je wel bedankt doe maar ga je
gang dankjewel ah oh ay qué que bien genial super top hombre pues entonces dann alors
allora então dan wie nett toll schön klasse prima cool génial parfait trop bien bene
ottimo ótimo ótima ah que bom fijn leuk mooi wat perfecto perfeito perfetto perfekt
majo maja majos majas amable amables muy sois eres estupendo fenomenal guay maravilla
buenísimo jo anda lieb nett wunderbar spitze großartig echt ach ihr seid gentil gentils
gentille gentilles sympa chouette formidable adorable trop très vraiment vous êtes che
gentile gentili carino carina carini bello bellissimo fantastico bravi bravissimi molto
davvero siete wow simpático simpática simpáticos simpáticas gentis legal maravilha show
beleza fofo fofos muito vocês são o lief aardig geweldig tof heel jullie zijn
"""
_POLITE = frozenset(_POLITE_WORDS.split())


def _foreign_assent() -> frozenset[str]:
    return _POLITE | lexicon.tokens("yes") | lexicon.tokens("thanks")


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
# offering something else. Each is named by a kind; the reply says it through the
# catalogue key bot.talk.unsupported.<kind>.
UNSUPPORTED: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("undo_cancellation", re.compile(
        r"\b(un-?cancel\w*|undo (the |my |that )?cancell?ation|reverse (the |my )?cancell?ation|"
        r"reinstate|restore (my|the) order|cancel(l?ed)? (it |that |the order )?by "
        r"(mistake|accident)|(want|need|get) (it|my order|the order) back|"
        r"didn'?t mean to cancel)\b", re.I)),
    ("price_match", re.compile(
        r"\b(price ?match\w*|match (the|their|a|that|this|amazon'?s|\w+'s) (price|offer|deal)|"
        r"(give|do) (me )?the (same|lower|cheaper) price)\b", re.I)),
    ("split_order", re.compile(
        r"\b(split (the |my |this )?(order|shipment|delivery|parcel)|ship (them|it|the items) "
        r"separately|send (the items|them) separately)\b|\b(send|ship|deliver|post)\b.{0,60}"
        r"\bseparately\b", re.I)),
    ("add_items", re.compile(
        r"\badd (an? |another |one more |a second |this |the |some )?[\w-]+( [\w-]+){0,2} to "
        r"(my|the|this|that|an?) (existing )?order\b", re.I)),
    ("delivery_slot", re.compile(
        r"\b(choose|pick|book|arrange|specify|request) (a |the )?(delivery )?(day|date|time|"
        r"slot)\b|\b(specific|particular|certain|exact) (delivery )?(day|date|time)\b", re.I)),
    ("gift_wrap", re.compile(
        r"\bgift[- ]?(wrap\w*|message|note|receipt|box)\b", re.I)),
    ("combine_orders", re.compile(
        r"\b(combine|merge|consolidate) (my |the |both |these |two )?(orders|parcels|"
        r"shipments)\b|\b(combine|merge|consolidate|put)\b.{0,40}\b(into|in) (one|a single|the "
        r"same) (parcel|delivery|shipment|box|order)\b", re.I)),
    ("price_match_order", re.compile(
        r"\b(can|could|will|would) (you|u) (match|beat) (it|that|this|the price|their price)\b|"
        r"\brefund (me )?the (price )?difference\b", re.I)),
)


def unsupported_request(text: str) -> str:
    """The kind of request in the message that the bot cannot do, or ""."""
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




FINE_AS_IS = re.compile(r"\b((?:the )?(?:[\w-]+ ){0,3}(?:one|ones|[\w-]+))\s+(?:is|are|was|were)\s+"
                        r"(?:fine|ok|okay|good|great|perfect|alright|all right)\b|"
                        r"\b(?:i'?ll |i will |i'?m )?keep(?:ing)? (the [\w-]+(?: [\w-]+)?)", re.I)




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


# The same in the six other languages: "pagar el 3801 con PayPal en vez de con la tarjeta",
# "mit PayPal statt mit Karte bezahlen", "payer avec PayPal au lieu de ma carte".
CHANGES_PAYMENT_FOREIGN = re.compile(
    r"\b(pag\w*|bezahl\w*|zahl\w*|pay\w*|pagar\w*|betal\w*)\b.{0,40}\b(con|mit|avec|par|"
    r"per|com|met|via|por)\s+(?:mi |mein\w* |ma |mon |la mia |il mio |meu |minha |mijn )?"
    r"(paypal|apple ?pay|google ?pay|klarna|otra tarjeta|andere[nr]? karte|autre carte|"
    r"altra carta|outro cart[ãa]o|andere kaart)|\b(paypal|apple ?pay|klarna)\b.{0,30}"
    r"\b(pag\w*|bezahl\w*|zahl\w*|pay\w*|betal\w*)\b", re.I)
ASKS_CHANGE_FOREIGN = re.compile(
    r"\b(en (?:vez|lugar) de|statt|stattdessen|anstatt|au lieu de|plut[oô]t|invece|anzich[ée]|"
    r"em vez de|ao inv[ée]s de|in plaats van|puedo|podr[ií]a|kann ich|k[öo]nnte ich|je peux|"
    r"je pourrais|posso|potrei|kan ik|cambiar|[äa]ndern|changer|cambiare|mudar|trocar|"
    r"wijzigen|veranderen)\b", re.I)
_CHARGE_GONE_WRONG_FOREIGN = re.compile(
    r"\b(dos veces|zweimal|doppelt|deux fois|due volte|duas vezes|twee keer|rechaz\w*|"
    r"abgelehnt|refus[ée]e?|rifiutat\w*|recusad\w*|geweigerd|reembols\w*|erstatt\w*|"
    r"rembours\w*|rimbors\w*|terugbetal\w*)\b", re.I)


def changes_payment(text: str) -> bool:
    """The shopper asks to pay for an order another way (not about a charge gone wrong)."""
    if bool(CHANGES_PAYMENT.search(text) and ASKS_CHANGE.search(text)) and not re.search(
            r"\b(charged (twice|two|double)|double[- ]charged|declined|refund)\b", text, re.I):
        return True
    return _foreign(text) and bool(
        CHANGES_PAYMENT_FOREIGN.search(text) and ASKS_CHANGE_FOREIGN.search(text)
        and not _CHARGE_GONE_WRONG_FOREIGN.search(text))


ASKS_CHANGE = re.compile(r"\b(instead|rather|can (i|you|we)|could (i|you|we)|please|pls|switch|"
                         r"change|swap|want to|wanna|i'?d like|would like|use|prefer)\b", re.I)


# "It never came", "not here", "can't find it": a parcel the shopper has not got.
NOT_RECEIVED = re.compile(
    r"\b(never (got|received|arrived|came|turned up|showed up)|(not|n'?t) (here|received|"
    r"arrived|got it|turned up|come|showed up|there)|nothing (here|at|in|on|was)|no sign of|"
    r"can'?t find|isn'?t here|wasn'?t there|missing|stolen|do(n'?t| not) have (it|them)|"
    r"haven'?t (got|had|received) (it|them|anything)|(has|have|had) no record of (it|them)|"
    r"(doesn'?t|don'?t|didn'?t) (have|get) (it|them|the parcel|my parcel))\b", re.I)


def refund_elsewhere(text: str) -> bool:
    """"Send my refund to my new card" (in any of the shop's languages)."""
    return bool(REFUND_ELSEWHERE.search(text)) or (
        _foreign(text) and bool(REFUND_ELSEWHERE_FOREIGN.search(text)))


def asks_points(text: str) -> bool:
    """Loyalty points: "points", "puntos", "Treuepunkte", "points fidélité", "punti"."""
    return bool(POINTS.search(text)) or (_foreign(text) and bool(POINTS_FOREIGN.search(text)))


POINTS_FOREIGN = re.compile(r"(puntos|punkte|points?|punti|pontos|punten|fidelidad|treue|"
                            r"fid[ée]lit[ée]|fedelt[àa]|fidelidade|loyalty|spaarpunten)", re.I)
# "a la nueva", "auf meine neue Karte", "sur ma nouvelle carte", "sulla nuova carta",
# "para o meu novo cartão", "op mijn nieuwe kaart".
_CARD_WORDS = (r"(?:tarjeta|cuenta|karte|konto|carte|compte|carta|conto|cart[ãa]o|conta|kaart|"
               r"rekening)")
REFUND_ELSEWHERE_FOREIGN = re.compile(
    r"\b(?:a|en|auf|sur|sulla|sul|su|alla|para|pra|pro|no|na|op|naar)\s+(?:la |el |mi |meine?n? |"
    r"die |ma |mon |la mia |il mio |o meu |a minha |meu |minha |mijn |de |mia |il |o |a )?"
    r"(?:(?:nueva|nuevo|neue\w*|nouvelle|nouveau|nuova|nuovo|novo|nova|nieuwe)\b(?:\s+" +
    _CARD_WORDS + r")?|(?:otra|andere\w*|autre|altra|outro|outra)\s+" + _CARD_WORDS + r"|" +
    _CARD_WORDS +
    # The adjective after the card: "sulla carta nuova", "pro meu cartão novo".
    r"\s+(?:nueva|nuevo|nouvelle|nouveau|nuova|nuovo|novo|nova|diferente|distint[ao]|"
    r"differente|diversa|diverso))\b", re.I)


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


# A way to settle a return in the six other languages: exchange, credit, refund, a size.
_RESOLUTION_FOREIGN = re.compile(
    r"cambi|tausch|[ée]chang|troca|ruil|cr[ée]dit|gutschrift|guthaben|gutschein|avoir|buono|"
    r"tegoed|reembols|erstatt|rembours|rimbors|terugbetal|dinero|geld|argent|soldi|dinheiro|"
    r"talla|gr[öo]ße|taille|taglia|tamanho|maat", re.I)
_ORDER_FOREIGN = re.compile(r"\b(pedido|bestellung|commande|ordine|encomenda|bestelling)", re.I)
_PRODUCT_FOREIGN = re.compile(r"\b(producto|produkt|produit|prodotto|produto|artikel|article|"
                              r"articolo|artigo|art[íi]culo|talla|gr[öo]ße|taille|taglia|"
                              r"tamanho|maat|stock|lager|dispo|disponib|voorraad|estoque)",
                              re.I)


def _foreign(text: str) -> bool:
    return lexicon.language_in(text) != "en"


def names_a_resolution(text: str) -> bool:
    """The answer names a way to settle a return: exchange, credit, refund, a size."""
    return bool(re.search(r"exchange|swap|credit|voucher|refund|money|size", text, re.I)) or (
        _foreign(text) and bool(_RESOLUTION_FOREIGN.search(text)))


def mentions_an_order(text: str) -> bool:
    return bool(re.search(r"\border", text, re.I)) or (
        _foreign(text) and bool(_ORDER_FOREIGN.search(text)))


def mentions_a_product(text: str) -> bool:
    return bool(re.search(r"\bproduct|item|size|stock", text, re.I)) or (
        _foreign(text) and bool(_PRODUCT_FOREIGN.search(text)))


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


# The same in the six other languages.
DECLINED_FOREIGN = re.compile(r"\b(rechaz\w*|denegad\w*|abgelehnt|refus[ée]e?s?|rifiutat\w*|"
                              r"recusad\w*|negad\w*|geweigerd|afgewezen)\b", re.I)
DOUBLE_FOREIGN = re.compile(r"\b(dos veces|doble|zweimal|doppelt|deux fois|en double|due volte|"
                            r"doppi\w*|duas vezes|em dobro|twee keer|dubbel)\b", re.I)
TAKEN_FOREIGN = re.compile(r"\b(cobr\w*|cargad\w*|abgebucht|belastet|d[ée]bit[ée]\w*|"
                           r"pr[ée]lev[ée]\w*|addebitat\w*|cobrad\w*|debitad\w*|"
                           r"afgeschreven)\b", re.I)
PAYING_IN_GENERAL_FOREIGN = re.compile(
    r"\b(formas? de pago|m[ée]todos? de pago|acept[aá]is|aceptan|zahlungsarten|"
    r"zahlungsmethoden|zahlungsm[öo]glichkeiten|nehmt ihr|moyens? de paiement|acceptez|"
    r"metodi di pagamento|accettate|formas? de pagamento|m[ée]todos? de pagamento|aceitam|"
    r"betaalmethoden|betaalmogelijkheden|accepteren jullie)\b", re.I)


def payment_declined(text: str) -> bool:
    return bool(DECLINED.search(text)) or (_foreign(text) and bool(DECLINED_FOREIGN.search(text)))


def charged_twice(text: str) -> bool:
    """Money taken twice ("charged twice", "zweimal abgebucht"), not a card declined twice."""
    if DOUBLE.search(text) and TAKEN.search(text):
        return True
    return _foreign(text) and bool(DOUBLE_FOREIGN.search(text) and TAKEN_FOREIGN.search(text))


def paying_in_general(text: str) -> str:
    """For a question about paying in general, not about one order: the words to look it
    up by in the help centre (written in English); "" otherwise."""
    if PAYING_IN_GENERAL.search(text):
        return text
    if _foreign(text) and PAYING_IN_GENERAL_FOREIGN.search(text):
        return "what payment methods do you accept"
    return ""


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


# The same in the six other languages.
WRONG_FOREIGN = re.compile(
    r"\b(equivocad[oa]s?|err[oó]ne[oa]|no (?:es|era) lo que ped[íi]|lo que no era|"
    r"no (?:es|era) (?:lo )?m[íi][oa]|nicht meins|pas le mien|non (?:è|era) (?:il )?mio|"
    r"n[ãa]o (?:é|era) (?:o )?meu|niet van mij|otr[oa] (?:talla|color|art[íi]culo)|"
    r"falsch\w*|das falsche|den falschen|die falsche|nicht (?:das|was) ich bestellt|"
    r"mauvais\w*|mauvaise|pas (?:ce|celui) que j'ai command[ée]|sbagliat[oaie]|non (?:è )?"
    r"quello che ho ordinato|errad[oa]s?|trocad[oa]s?|n[ãa]o (?:é|foi) o que (?:eu )?pedi|"
    r"verkeerd\w*|niet wat ik (?:heb )?besteld)\b", re.I)
DAMAGED_FOREIGN = re.compile(
    r"\b(rot[oa]s?|dañad[oa]s?|estropead[oa]s?|rasgad[oa]s?|agujero|mancha\w*|defectuos[oa]s?|"
    r"kaputt\w*|besch[äa]digt\w*|eingerissen|gerissen|loch|fleck\w*|defekt\w*|cass[ée]e?s?|"
    r"ab[îi]m[ée]e?s?|d[ée]chir[ée]e?s?|trou|tach[ée]e?s?|d[ée]fectueu\w*|rott[oaie]|"
    r"danneggiat[oaie]|strappat[oaie]|buco|macchia\w*|difettos[oaie]|quebrad[oa]s?|"
    r"estragad[oa]s?|furo|manchad[oa]s?|kapot\w*|beschadigd\w*|gescheurd|gat|vlek\w*|"
    r"defect\w*)\b", re.I)
# "Pedí el negro y me llegó uno rosa", "ich hab das schwarze bestellt und ein pinkes bekommen".
ORDERED_GOT_FOREIGN = re.compile(
    r"\b(ped[íi]|bestellt|command[ée]|ordinato|pedi|encomendei|besteld)\b.{1,80}\b(lleg[oó]|"
    r"llegado|recib[íi]|recibido|mandado|enviado|bekommen|erhalten|geliefert|geschickt|"
    r"gekommen|re[çc]u|arriv[ée]e?|envoy[ée]e?|ricevuto|arrivat[oa]|mandato|spedito|recebi|"
    r"chegou|veio|mandaram|enviaram|gekregen|ontvangen|gestuurd|gekomen)\b", re.I)


def _kind(text: str) -> str:
    if WRONG.search(text):
        return "wrong_item"
    if DAMAGED.search(text):
        return "damaged"
    if ORDERED_GOT.search(text):
        return "wrong_item"
    if _foreign(text):
        if WRONG_FOREIGN.search(text):
            return "wrong_item"
        if DAMAGED_FOREIGN.search(text):
            return "damaged"
        if ORDERED_GOT_FOREIGN.search(text):
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




CHECKIN_PROBLEM = re.compile(r"\b(problem|issue|wrong|missing|damaged|broken|torn|not|no|"
                             r"never|didn'?t|haven'?t|hasn'?t|but)\b", re.I)
CHECKIN_ALL_GOOD = re.compile(r"\b(all good|arrived|fine|perfect|great|love|lovely|yes|yep|"
                              r"yeah|ok|okay|thanks|thank you)\b", re.I)


def checkin_answer(text: str) -> str:
    """The answer to "did your order arrive OK?": "named_problem" (damaged, wrong, not
    received: the delivery-problem flow takes it), "problem" (something is wrong, not
    said what), "all_good", or "" (not an answer to the check-in)."""
    foreign = _foreign(text)
    if CHECKIN_PROBLEM.search(text) or yes_or_no(text) == "no" or (foreign and (
            CHECKIN_PROBLEM_FOREIGN.search(text) or lexicon.says(text, "negation"))):
        if any(cue.search(text) for cue in (WRONG, DAMAGED, ORDERED_GOT, NOT_RECEIVED)) or (
                foreign and NAMED_PROBLEM_FOREIGN.search(text)):
            return "named_problem"
        return "problem"
    if yes_or_no(text) == "yes" or CHECKIN_ALL_GOOD.search(text) or (
            foreign and (CHECKIN_ALL_GOOD_FOREIGN.search(text) or lexicon.says(text, "thanks"))):
        return "all_good"
    return ""


# Damaged, wrong or never received, in the six other languages.
NAMED_PROBLEM_FOREIGN = re.compile(
    r"\b(roto|rota|rotos|dañad[oa]s?|defekt|kaputt|besch[äa]digt|eingerissen|cass[ée]e?s?|"
    r"ab[îi]m[ée]e?s?|d[ée]chir[ée]e?s?|rott[oaie]|danneggiat[oaie]|quebrad[oa]s?|rasgad[oa]s?|"
    r"estragad[oa]s?|kapot|beschadigd|gescheurd|equivocad[oa]|falsch\w*|mauvais\w*|"
    r"sbagliat[oa]|errad[oa]|verkeerd\w*|no (?:me )?ha llegado|nunca lleg[oó]|nicht "
    r"angekommen|nie angekommen|pas re[çc]u|jamais re[çc]u|non (?:è|e) arrivat[oa]|mai "
    r"arrivat[oa]|n[ãa]o chegou|nunca chegou|niet aangekomen|nooit aangekomen|niet ontvangen)"
    r"\b", re.I)
# The check-in's answers in the six other languages (with their negations and thanks).
CHECKIN_PROBLEM_FOREIGN = re.compile(
    r"\b(problema\w*|problem\w*|probl[èe]me\w*|roto|rota|defekt|kaputt|besch[äa]digt|cass[ée]e?|"
    r"ab[îi]m[ée]e?|rott[oa]|quebrad[oa]|estragad[oa]|kapot|beschadigd|falta|fehlt|manque|"
    r"manca|ontbreekt|equivocad[oa]|falsch\w*|mauvais\w*|sbagliat[oa]|errad[oa]|verkeerd\w*|"
    r"pero|aber|mais|ma|mas|maar)\b", re.I)
CHECKIN_ALL_GOOD_FOREIGN = re.compile(
    r"\b(todo bien|todo perfecto|perfecto|genial|alles gut|alles super|alles bestens|passt|"
    r"tout va bien|tout est bien|parfait|nickel|impeccable|tutto bene|tutto ok|perfetto|"
    r"tudo bem|tudo certo|tudo ótimo|perfeito|alles goed|alles prima|prima|perfect|top|"
    r"llegó|angekommen|arriv[ée]e?s?|arrivat[oaie]|chegou|aangekomen)\b", re.I)


# ---------------------------------------------------------------------------- six languages
# The readers below answer for English and for the six other languages' word lists
# (``lexicon``), each in the message's own language.

# Apologies and discourse markers ("sorry", "en fait", "eigentlich", "o sea") open many
# messages that correct nothing; only the words of a correction itself count as one.
_NOT_CORRECTIONS = frozenset("""
perdón|perdona|perdone|perdon|en realidad|de hecho|o sea|osea|digo|enrealidad|sorry|sory|sorri|
entschuldigung|entschuldigug|entschuldigun|pardon|eigentlich|eigendlich|eigntlich|
genauer gesagt|besser gesagt|doch nicht|halt, stopp|moment|désolé|désolée|desolé|desole|dsl|
enfin|plutôt|en fait|en faite|enfaite|correction|oups|oupss|c'est-à-dire|cad|c-a-d|pardons|
scusa|scusate|scusi|cioè|cioe|cioé|anzi|in realtà|in realta|inrealtà|scusa tanto|scusatemi|
no aspetta|desculpa|desculpe|perdão|perdao|ou melhor|na verdade|na verdadi|aliás|alias|
ou seja|quer dizer|desculpa ai|descupa|discupa|não, é|excuus|eigenlijk|eigelijk|eigenlyk|
oeps|oepsie|of liever|dat is|nee wacht|sorrie|non, c'est
""".replace("\n", "").split("|"))


def corrects(text: str) -> bool:
    """"No, I meant…", "the other one", "quise decir", "ich meinte", "je voulais dire"."""
    if CORRECTION.search(text):
        return True
    m = lexicon.find(text, "correction", leaving_out=_NOT_CORRECTIONS)
    return m is not None or other_one(text)


def other_one(text: str) -> bool:
    """"The other one": "el otro", "die andere", "l'autre", "l'altro", "o outro", "de andere"."""
    return bool(OTHER_ONE.search(text)) or lexicon.says(text, "other_one")


def cheaper_one(text: str) -> bool:
    return bool(CHEAPER_ONE.search(text)) or lexicon.says(text, "cheaper")


def dearer_one(text: str) -> bool:
    return bool(DEARER_ONE.search(text)) or lexicon.says(text, "more_expensive")


_ORDERS_WORD = re.compile(r"\b(pedidos|bestellungen|commandes|ordini|encomendas|bestellingen)\b",
                          re.I)


def several_orders(text: str) -> bool:
    """The message is about a set of orders rather than one: "both", "all my orders",
    "beide", "los dos pedidos", "toutes mes commandes", two order numbers."""
    if ORDER_SET.search(text) or len(set(ORDER_NUMBERS.findall(text))) >= 2:
        return True
    return lexicon.says(text, "both") or (lexicon.says(text, "all")
                                          and bool(_ORDERS_WORD.search(text)))


def means_all(text: str) -> bool:
    """"All of them", "everything", "the whole order", "both" (and "todo", "alles",
    "tout", "tutto", "tudo", "allebei")."""
    return bool(ALL_ITEMS.search(text)) or lexicon.says(text, "both") or lexicon.says(
        text, "all")


# "Without" on its own says how, not what is left out ("sin querer", "ohne Grund").
_NOT_EXCEPT = frozenset({"sin", "ohne", "sans", "senza", "sem", "zonder", "fora", "hors", "menos",
                         "meno", "pero no", "a part", "apart"})


def excluded_part(text: str) -> str:
    """What the shopper leaves out of a set: the words after "except" / "apart from"
    ("außer", "sauf", "excepto", "tranne", "exceto", "behalve"), or the thing they say is
    fine as it is ("the black one is fine", "keeping the jumper")."""
    m = EXCEPT.search(text)
    if m:
        return m.group(2)
    foreign = lexicon.find(text, "except", leaving_out=_NOT_EXCEPT)
    if foreign is not None:
        return text[foreign.end():]
    fine = FINE_AS_IS.search(text)
    return (fine.group(1) or fine.group(2) or "") if fine else ""


def size_extreme(text: str) -> str:
    """"bigger" for "the bigger one", "smaller" for "the smaller one", else ""."""
    if BIGGER_ONE.search(text):
        return "bigger"
    return "smaller" if SMALLER_ONE.search(text) else ""


# Service and role names alone are what complaints are about ("your customer service is
# slow"); asking for a person takes words that ask.
_NOT_ASKING = frozenset({
    "agente", "ajente", "operador", "operadora", "asesor", "atención al cliente",
    "atencion al cliente", "supervisor", "encargao", "mitarbeiter", "mitarbeiterin",
    "kundenservice", "kundendienst", "berater", "sachbearbeiter", "weiterleiten", "hotline",
    "mitarbieter", "mitarbeter", "kundenserivce", "kundenservis", "vorgesetzten",
    "teamleiter", "service client", "service clien", "conseillé", "conseiler",
    "servizio clienti", "assistenza clienti", "addetto", "servizio clieni", "atendente",
    "sac", "apoio ao cliente", "transfere", "gerente", "atendenti", "atendende",
    "klantenservice", "leidinggevende", "teamleider", "manager", "klantenserivce",
    "klanteservice", "een medewerker", "operatre", "operatorre",
})


# The lists' phrases as the sentence inflects them: "mit einem echten Menschen sprechen".
_PERSON_FOREIGN = re.compile(
    r"\b(mit (?:einem|einer|jemandem) (?:echten |richtigen )?(?:menschen|person|mitarbeiter\w*)"
    r"|(?:echten|richtigen) (?:menschen|person)|hablar con (?:una|un|alguien)|"
    r"parler (?:à|a) (?:un|une|quelqu)|parlare con (?:una|un|qualcuno)|"
    r"falar com (?:uma|um|algu)|(?:spreken|praten) met (?:een|iemand))", re.I)


def asks_for_person(text: str) -> bool:
    """A person asked for in words: "a real person", "hablar con una persona",
    "mit einem Menschen sprechen", "parler à un humain"."""
    if ASKS_FOR_PERSON.search(text):
        return True
    if lexicon.language_in(text) == "en":
        return False
    return bool(_PERSON_FOREIGN.search(text)) or lexicon.find(
        text, "human", leaving_out=_NOT_ASKING) is not None


# A shopper checking someone is there: "hello? anyone there", "ist da jemand?", "¿hay
# alguien?", "y a quelqu'un ?", "c'è qualcuno?", "is daar iemand?", "tem alguém aí?".
ANYONE_THERE = re.compile(
    r"\b(?:(?:is )?(?:any ?one|any ?body|someone|somebody) (?:there|here|around)|"
    r"are you (?:still )?there|still there\?|ist da (?:jemand|wer)|jemand da\b|"
    r"hay alguien|(?:il )?y a quelqu.un|quelqu.un (?:est )?l[àa]|c.è qualcuno|"
    r"ce qualcuno|is (?:daar|er) iemand|iemand (?:daar|aanwezig)|tem (?:algu[ée]m|ningu[ée]m)|"
    r"est[aá] a[ií] algu[ée]m|algu[ée]m a[ií])", re.I)


def asks_if_anyone_there(text: str) -> bool:
    """The shopper checks someone is there, in any of the shop's languages."""
    return bool(ANYONE_THERE.search(text))


def greets(text: str) -> bool:
    """"Hi", "hola", "hallo", "bonjour", "ciao", "olá", "hoi"."""
    return bool(GREETING_WORD.search(text)) or lexicon.says(text, "hello")


def thanks(text: str) -> bool:
    return bool(THANKS.search(text)) or lexicon.says(text, "thanks")


def says_bye(text: str) -> bool:
    """"Bye", "that's all"; a word that also greets ("salut", "bom dia") is a hello."""
    return bool(BYE.search(text)) or lexicon.find(
        text, "bye", leaving_out=lexicon.phrases(text, "hello")) is not None


def signs_off(text: str) -> bool:
    """"thanks", "that's all", "bye": the shopper is done for now."""
    return thanks(text) or says_bye(text)


# Refund or replacement for a parcel that never came, in the six other languages.
_REMEDY_REFUND_FOREIGN = re.compile(
    r"\b(reembols\w*|devolv\w* (?:el|mi) dinero|devuelv\w* (?:el|mi) dinero|mi dinero|"
    r"erstatt\w*|geld zur[üu]ck|mein geld|r[üu]ckerstatt\w*|rembours\w*|mon argent|"
    r"rimbors\w*|i (?:miei )?soldi|reembols\w*|dinheiro de volta|meu dinheiro|estorno|"
    r"terugbetal\w*|geld terug|mijn geld)", re.I)
_REMEDY_RESHIP_FOREIGN = re.compile(
    r"\b(volver a (?:mandar|enviar)\w*|reenvi\w*|otr[oa] vez|de nuevo|uno nuevo|una nueva|"
    r"nochmal|noch ?mal|erneut|neu (?:schicken|senden)|ersatz\w*|renvoy\w*|renvoi\w*|"
    r"r[ée]exp[ée]di\w*|remplac\w*|rimand\w*|rispedi\w*|di nuovo|sostitu\w*|reenvi\w*|"
    r"mand\w* de novo|enviar de novo|outra vez|substitu\w*|opnieuw|nog een keer|"
    r"nieuwe sturen|vervang\w*)", re.I)


def remedy(text: str) -> str:
    """"refund" or "reship" for a parcel that never came, or ""."""
    if REMEDY_REFUND.search(text):
        return "refund"
    if REMEDY_RESHIP.search(text):
        return "reship"
    if lexicon.language_in(text) == "en":
        return ""
    if _REMEDY_REFUND_FOREIGN.search(text):
        return "refund"
    return "reship" if _REMEDY_RESHIP_FOREIGN.search(text) else ""


def order_numbers(text: str) -> set[str]:
    """Every order number a message names ("1042 and 1043")."""
    return set(ORDER_NUMBERS.findall(text))


def about_a_return(text: str) -> bool:
    """"Has my return arrived?": about the parcel going back, not the order's."""
    return bool(ABOUT_A_RETURN.search(text))


# The same in the six other languages: "no me ha llegado nada", "ich hab nix bekommen",
# "j'ai jamais rien reçu", "non ho ricevuto niente", "nunca recebi", "ik heb niks gekregen".
NOT_RECEIVED_FOREIGN = re.compile(
    r"\b(no (?:me |nos )?(?:ha|han) llegado|nunca (?:me )?(?:ha )?lleg\w*|no (?:lo |la |los |las )?"
    r"(?:he )?recibid\w*|no he recibido|no hay nada|no est[aá] aqu[íi]|no lo encuentro|"
    r"nicht angekommen|nie angekommen|nicht (?:bekommen|erhalten|da)|(?:nichts|nix) "
    r"(?:bekommen|erhalten|angekommen|da)|(?:ist|war) (?:hier |da )?(?:echt |aber |gar )?"
    r"(?:nichts|nix)|kein paket|pas re[çc]u|(?:jamais|rien) (?:rien )?re[çc]u|jamais arriv\w*|"
    r"pas arriv\w*|(?:il )?n'y a rien|y a rien|je (?:ne )?(?:le |la |les )?trouve pas|"
    r"non (?:ho )?ricevut\w*|mai (?:arrivat\w*|ricevut\w*)|non (?:è |sono )?arrivat\w*|"
    r"non c'[èe] (?:niente|nulla)|non (?:lo |la |li |le )?trovo|n[ãa]o (?:recebi|chegou)|"
    r"nunca (?:recebi|chegou)|n[ãa]o tem nada|nada (?:aqui|chegou)|n[ãa]o (?:o |a )?encontro|"
    r"niet (?:ontvangen|aangekomen|gekregen)|nooit (?:ontvangen|aangekomen|gekregen)|"
    r"(?:niks|niets) (?:ontvangen|gekregen|aangekomen)|er is (?:hier )?(?:echt )?(?:niks|niets)|"
    r"kan (?:het|ze|hem) niet vinden)", re.I)
# "Delivered", as the tracking says it, in the six other languages.
SAYS_DELIVERED_FOREIGN = re.compile(
    r"\b(entregad[oa]s?|entregaron|zugestellt|geliefert|livr[ée]e?s?|consegnat[oaie]|"
    r"entregues?|bezorgd|geleverd|afgeleverd)\b", re.I)


def not_received(text: str) -> bool:
    """"It says delivered but I never got it"."""
    return bool(NOT_RECEIVED.search(text)) or (
        _foreign(text) and bool(NOT_RECEIVED_FOREIGN.search(text)))


def delivered_not_received(text: str) -> bool:
    """A message in one of the six other languages saying the tracking shows the parcel
    delivered, and it is not there ("dice consegnato ma non ho ricevuto niente")."""
    return _foreign(text) and bool(SAYS_DELIVERED_FOREIGN.search(text)) and bool(
        NOT_RECEIVED_FOREIGN.search(text))


def names_what_for(text: str) -> bool:
    """"Does it work on the boots?": the code is asked about for something."""
    return bool(ON_WHAT.search(text))
