"""A small offline language guesser for the languages shops in our market write in.

Shopper messages are short, so a character n-gram model would need more text than it gets;
common function words (and a few letters only one language uses) decide almost every real
message. Anything too short or too evenly split is reported as English, the shop's
default language, because a wrong non-English guess makes the bot answer in a language the
shopper never used.
"""

from __future__ import annotations

import re

DEFAULT = "en"
LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent words that are distinctive enough; words shared by several languages ("a", "in",
# "die" in English text, "de") are left out or appear in each list they belong to.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": _words(
        "the and is it my i you to of for with this that was have has not can what where "
        "when how please thanks thank hi hello order would could me your are be do did "
        "don't can't i'm it's yet still just want need like get got from an at on will "
        "there they them our we hey yes no a"
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
        "plaît n'ai j'ai c'est"
    ),
    "es": _words(
        "el la los las y es de no mi mis usted un una unos para con por cómo dónde cuándo "
        "gracias hola pedido todavía puedo quiero he ha tengo que del al se lo le muy "
        "pero ya está están buenos buenas días mí su tienen algún alguna hay puede favor"
    ),
    "it": _words(
        "il lo la gli le e è io non mio mia miei un una per con come dove quando grazie "
        "ciao ordine ancora posso vorrei ho ha che del della sono di mi ti si al "
        "buongiorno pacco"
    ),
    "nl": _words(
        "de het een en is ik niet mijn u je met voor op hoe waar wanneer bedankt dank "
        "hallo bestelling nog kan wil heb heeft dat van te er maar ook al geen wat "
        "goedemorgen pakket"
    ),
    "pt": _words(
        "o a os as e é eu não meu minha um uma para com por como onde quando obrigado "
        "obrigada olá encomenda pedido ainda posso quero tenho que do da dos das se "
        "mas já está você bom dia"
    ),
}

# Letters that (within these seven languages) point strongly at one of them.
_LETTERS: dict[str, str] = {
    "ß": "de", "ä": "de", "ö": "de", "ü": "de",
    "ñ": "es", "¿": "es", "¡": "es", "á": "es", "í": "es", "ó": "es", "ú": "es",
    "ç": "fr", "è": "fr", "ê": "fr", "à": "fr", "œ": "fr", "ë": "fr", "î": "fr", "û": "fr",
    "ã": "pt", "õ": "pt",
    "ò": "it", "ì": "it",
    "ĳ": "nl",
}

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the most likely language, ``"en"`` when unsure."""
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    if not words:
        return DEFAULT
    scores = dict.fromkeys(LANGUAGES, 0.0)
    for word in words:
        for lang, stop in _STOPWORDS.items():
            if word in stop:
                # A word shared by several languages is weak evidence for each of them.
                scores[lang] += 1.0
    for ch in text.lower():
        lang = _LETTERS.get(ch)
        if lang is not None:
            scores[lang] += 0.75
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if best == DEFAULT or top < 1.0:
        return DEFAULT
    # English text is full of short words that collide with other lists ("die", "a");
    # require a clear margin before leaving the default.
    if top - second < 1.0 and scores[DEFAULT] >= second:
        return DEFAULT
    if top <= scores[DEFAULT]:
        return DEFAULT
    return best
