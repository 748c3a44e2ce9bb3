"""Which of the shop's languages a shopper writes in, per message, offline.

A statistical detector (lingua, restricted to the shop's seven languages, in its
low-accuracy mode: trigram models of ~25 MB that load in a fraction of a second, where its
high-accuracy mode costs ~215 MB and would take the loaded models past their 600 MB
budget) weighs each language; common function words, which decide short messages, are
added as evidence of their own. Below ten characters nothing is decided: the caller keeps
the language it knew. `language_requested` reads a shopper's own request ("in English
please", "auf Deutsch bitte"), which outranks any guess.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from agents.nlu.addresses import US_ZIP, parse_address
from agents.nlu.cues import UK_POSTCODE

DEFAULT = "en"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
# Shorter messages ("ok", "danke", "merci!") say too little to tell a language by.
MIN_CHARS = 10
# How much the share of a message's words that are a language's function words adds to
# the detector's confidence in it (0 to 1); 3 was best on the held-out sets.
WORD_WEIGHT = 3.0
# Without one function word, the detector alone decides only when this sure (0 to 1):
# letters typed at random read as some language at 0.6 to 0.8.
SURE_WITHOUT_WORDS = 0.9
# A message from a writer whose language is known keeps that language when it scores at
# least this share of the best one (close languages share short phrases: "por favor",
# "no", "la tengo"); a longer message must be closer to switch.
SHORT_WORDS = 8
STILL_PLAUSIBLE = 0.5
STILL_LIKELY = 0.7


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent words that are distinctive enough; words shared by several languages ("a", "in",
# "die" in English text, "de") are left out or appear in each list they belong to.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is it my i you to of for with this that was have has not can what where "
        "when how please thanks thank hi hello order would could me your are be do did "
        "don't can't i'm it's yet still just want need like get got from an at on will "
        "there they them our we hey yes no a which does any "
        # Shop words an English message is made of when it has few function words ("is the
        # linen shirt in stock in medium").
        "stock size sizes medium large small refund return delivery parcel "
        "cancel under cheapest waterproof item items name email postcode"
    ),
    "de": _words(
        "der die das und ist ich nicht mein meine meinen sie ein eine einen mit für auf "
        "wie wo wann bitte danke hallo bestellung noch kann können möchte habe hat zu "
        "es wir ihr mir mich dem den des von zum zur aber oder auch schon wurde wieder "
        "guten tag tschüss paket"
    ),
    "fr": _words(
        "le la les et est je ne pas mon ma mes vous un une des du pour avec sur comment "
        "où quand merci bonjour commande colis encore puis-je je voudrais suis ai "
        "il elle nous votre vos ce cette qui que au aux été reçu toujours s'il "
        "plaît n'ai j'ai c'est y a allô quelqu'un"
    ),
    "es": _words(
        "el la los las y es de no mi mis usted un una unos para con por cómo dónde cuándo "
        "gracias hola pedido todavía puedo quiero he ha tengo que del al se lo le muy "
        "pero ya está están buenos buenas días mí su tienen algún alguna hay puede favor "
        # Words Portuguese writes otherwise ("quiero"/"quero", "talla"/"tamanho"), also
        # typed without accents.
        "también tambien talla tienda tarjeta quería queria devolución devolucion hoy "
        "ayer ahora esto eso esa ese mucho hacer gustaría gustaria vale "
        # A word English shares ("me"), and question words typed without accents.
        "me te cuando donde estar haber"
    ),
    "it": _words(
        "il lo la gli le e è io non mio mia miei un una per con come dove quando grazie "
        "ciao ordine ancora posso vorrei ho ha che del della sono di mi ti si al "
        "buongiorno pacco dai lascia stare tengo voglio sì anche però più"
    ),
    "nl": _words(
        "de het een en is ik niet mijn u je met voor op hoe waar wanneer bedankt dank "
        "hallo bestelling nog kan wil heb heeft dat van te er maar ook al geen wat "
        "goedemorgen pakket"
    ),
    "pt": _words(
        "o a os as e é eu não meu minha um uma para com por como onde quando obrigado "
        "obrigada olá encomenda pedido ainda posso quero tenho que do da dos das se "
        "mas já está você bom dia sim pode favor "
        # Words Spanish writes otherwise ("quero"/"quiero", "loja"/"tienda"), also typed
        # without accents, and the usual abbreviations.
        "na nas ao à até ficar também tambem tamanho loja cartão cartao queria isso essa "
        "esse muito fazer agora ontem hoje não nao vocês voces pfv obg vc seu sua me"
    ),
}

_NOT_WORDS = re.compile(r"\S+@\S+|\bhttps?://\S+|\bwww\.\S+", re.I)
# Order numbers, house numbers, SKUs and amounts: any token with a digit or a currency
# sign in it ("45,00 £GB").
_WITH_DIGITS = re.compile(r"\S*[\d£€$]\S*")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


@cache
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return (LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH,
        Language.ITALIAN, Language.DUTCH, Language.PORTUGUESE)
        .with_low_accuracy_mode().build())


def language_of(text: str, known: str | None = None,
                ignore: frozenset[str] = frozenset()) -> str | None:
    """The ISO 639-1 code of the language `text` is written in; None when it is too short
    to tell (the caller keeps what it knew).

    `known` is the language the writer is known to write in: a short message that reads
    as well in it ("Sim, por favor" from a Portuguese shopper, which Spanish shares words
    with) is taken as written in it, not as a switch. Words in `ignore` (the shop's
    product names: "tem a packable rain jacket no tamanho L?") are no evidence."""
    text = without_addresses(text)
    if ignore:
        text = _WORD.sub(lambda m: " " if m.group(0).lower() in ignore else m.group(0), text)
    scores = _scores(text)
    if scores is None:
        return None
    best = max(LANGUAGES, key=lambda lang: scores.get(lang, 0.0))
    share = STILL_PLAUSIBLE if len(_WORD.findall(text)) < SHORT_WORDS else STILL_LIKELY
    if known in LANGUAGES and known != best and scores.get(known, 0.0) >= share * scores[best]:
        return known
    return best


@lru_cache(maxsize=256)
def without_addresses(text: str) -> str:
    """`text` less what is written the same in every language: email addresses and links,
    a postal address ("4 Elm Close, Harrogate, HG1 2AB" inside a Spanish sentence: a
    British street's English words say nothing of its writer), postcodes, and numbers."""
    text = _NOT_WORDS.sub(" ", text)
    address = parse_address(text)
    # A street starts with its house number; without one the "address" may be the
    # shopper's own sentence ("My name is Maya Patel, postcode M1 1AE").
    if address is not None and re.search(r"\d", address["line1"]):
        for part in filter(None, address.values()):
            text = re.sub(re.escape(part), " ", text, flags=re.I)
    text = UK_POSTCODE.sub(" ", text)
    text = US_ZIP.sub(" ", text)
    return _WITH_DIGITS.sub(" ", text)


@lru_cache(maxsize=256)
def _scores(text: str) -> dict[str, float] | None:
    """Each language's score for `text` (not to be changed: the same dict is handed to
    every caller). A turn asks about one message several times (the customer's language,
    the classifier's weights, the word lists); the detector reads it once."""
    if len(text.strip()) < MIN_CHARS:
        return None
    scores = {str(c.language.iso_code_639_1.name).lower(): c.value
              for c in _detector().compute_language_confidence_values(text)}
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if not any(w in stop for stop in _STOPWORDS.values() for w in words) \
            and max(scores.values(), default=0.0) < SURE_WITHOUT_WORDS:
        # No word of any language and no clear winner: keyboard mash ("asdfgh jkl").
        return None
    if words:
        for lang, stop in _STOPWORDS.items():
            scores[lang] = scores.get(lang, 0.0) + WORD_WEIGHT * sum(
                w in stop for w in words) / len(words)
    return scores


def detect_language(text: str, default: str = DEFAULT) -> str:
    """`language_of(text)`, or `default` when the text is too short to tell."""
    return language_of(text) or default


# What each language is called in each of the shop's languages (and in plain ASCII).
_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "englisch", "inglés", "ingles", "anglais", "inglese", "inglês", "engels"),
    "de": ("german", "deutsch", "alemán", "aleman", "allemand", "tedesco", "alemão", "alemao",
           "duits"),
    "es": ("spanish", "spanisch", "español", "espanol", "castellano", "espagnol", "spagnolo",
           "espanhol", "spaans"),
    "fr": ("french", "französisch", "franzosisch", "francés", "frances", "français",
           "francais", "francese", "francês", "frans"),
    "it": ("italian", "italienisch", "italiano", "italien", "italiaans"),
    "pt": ("portuguese", "portugiesisch", "portugués", "portugues", "portugais", "portoghese",
           "português", "portugees"),
    "nl": ("dutch", "niederländisch", "niederlandisch", "holländisch", "neerlandés",
           "holandés", "holandes", "néerlandais", "neerlandais", "olandese", "holandês",
           "nederlands", "vlaams"),
}
_LANGUAGE_OF_NAME = {name: lang for lang, names in _NAMES.items() for name in names}
_NAME = "|".join(sorted(map(re.escape, _LANGUAGE_OF_NAME), key=len, reverse=True))
# "in English please", "auf Deutsch bitte", "en español por favor", "em português",
# "in het Nederlands", "can you speak French?", "sprechen Sie Englisch?", "reply in Dutch".
_REQUEST = re.compile(
    r"(?:^|[\s,.!¡¿(])(?:in(?:\s+het)?|auf|en|em|na|op|speak|talk|write|reply|answer|"
    r"sprechen|sprichst|spreche|schreiben|parlez|parles|parler|hablas|habla|hablar|parli|"
    r"parla|parlare|falas|fala|falar|spreek|spreekt|praten)(?:-(?:vous|tu)\s+|\s+(?:(?:sie|du|you|usted|"
    r"vous|lei)\s+)?)(" + _NAME + r")\b(?!\s+(?:leather|size|sizes|style|shoes?|boots?|"
    r"edition|version|brand|product|products|wool|cotton|cut|fit|made|design))",
    re.IGNORECASE)
# A request for a language is a short message; longer ones mention languages in passing.
_REQUEST_MAX_WORDS = 9


def language_requested(text: str) -> str | None:
    """The language the shopper asks to be answered in, if this message asks for one."""
    if len(text.split()) > _REQUEST_MAX_WORDS:
        return None
    match = _REQUEST.search(text)
    return _LANGUAGE_OF_NAME[match.group(1).lower()] if match else None
