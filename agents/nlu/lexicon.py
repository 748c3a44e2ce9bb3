"""The shop words of the six other languages the shop serves (es, de, fr, it, pt, nl), as
native speakers wrote them (``data/languages/words.<lang>.json``): yes and no, negations,
corrections, "the other one", both, all, except, cheaper and dearer, a size up or down,
colours and sizes in their native forms, stopping alerts, asking for a person, thanks,
bye and hello, with their common misspellings.

English is read by the rules of the other modules, always; a language's words are looked
for in a message written in that language. Many of them are English words too ("sorry" is
a German and Dutch correction, "top" a Dutch yes, "fora" a Portuguese "except"), so they
never change how an English message is read. A message too short to tell its language by
("sí", "nee", "oui merci") is read with the words of all six that are not English words.
The lists are read once per process, from the package's own files: nothing is fetched.
The words of each language's natively written training messages (``vocabulary``) tell a
message in that language from keyboard mash, as the encoder's vocabulary does for English.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

from agents.nlu.language import _STOPWORDS, language_of

LANGUAGES = ("es", "de", "fr", "it", "pt", "nl")
DATA = Path(__file__).resolve().parent / "data" / "languages"

CONCEPTS = (
    "yes", "no", "negation", "correction", "other_one", "both", "all", "except", "cheaper",
    "more_expensive", "bigger_size", "smaller_size", "size_words", "stop_alerts", "human",
    "thanks", "bye", "hello",
)

# English words the lists also hold, which a message too short to tell apart may mean in
# English ("top", "menu", "fine"); the yes and no that English already reads the same way
# ("ja", "non", "si") stay out of this list.
_ENGLISH_WORDS = """
a an and are as at be bye but by can do for go good hey hi i in is it me my no nope of ok
okay on or so sorry stop the to top up we yes you your premium agent operator supervisor
small medium large fine prima moment correction pardon menu camel coral nude salmon
chocolate cream sand stone ivory mint olive lavender tan navy wine gold silver rose
bordeaux plus size one p g n s m l tt td ta tot sin fora hors dat die sans none nada
"""
_ENGLISH = frozenset(_ENGLISH_WORDS.split())


def fold(text: str) -> str:
    """Lower case, curly apostrophes straightened: how phrases and messages are compared."""
    return text.lower().replace("’", "'").replace("`", "'")


@lru_cache(maxsize=len(LANGUAGES))
def words_of(language: str) -> dict[str, object]:
    """The word lists of one language, as written."""
    return json.loads((DATA / f"words.{language}.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=len(LANGUAGES))
def vocabulary(language: str) -> frozenset[str]:
    """The words (folded) shoppers of one of the six languages use: those of its natively
    written training messages about the shop (not the off-topic ones, which hold keyboard
    mash), its word lists and its stop words. What tells a word from made-up letters in a
    message the English word list cannot judge."""
    found: set[str] = set(_STOPWORDS.get(language, ()))
    with (DATA / f"train.{language}.jsonl").open(encoding="utf-8") as rows:
        for line in rows:
            row = json.loads(line)
            if row.get("intent") != "other":
                found.update(re.findall(r"[^\W\d_]+", fold(row["text"])))
    for concept in CONCEPTS:
        for phrase in words_of(language).get(concept) or []:  # type: ignore[attr-defined]
            found.update(re.findall(r"[^\W\d_]+", fold(phrase)))
    return frozenset(found)


@lru_cache(maxsize=len(LANGUAGES))
def _stems_of(language: str) -> frozenset[str]:
    return frozenset(w[:5] for w in vocabulary(language) if len(w) >= 5)


def is_word_of(word: str, language: str) -> bool:
    """Whether ``word`` is one of the language's words, or an inflection of one (the same
    first five letters: "aceitam" of "aceitar", "formas" of "forma")."""
    folded = fold(word)
    return folded in vocabulary(language) or folded.rstrip("s") in vocabulary(language) or (
        len(folded) >= 5 and folded[:5] in _stems_of(language))


# Colour words inflect ("den cremefarbenen", "la verte", "zwarte"): the endings allowed.
_COLOUR_ENDINGS = r"(?:farben|farbig|kleurig|kleurige)?(?:e|en|er|es|em|n|s)?"


def _pattern(phrases: list[str], endings: str = "") -> re.Pattern[str] | None:
    phrases = sorted({fold(p).strip() for p in phrases if p.strip()}, key=len, reverse=True)
    if not phrases:
        return None
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
    return re.compile(rf"(?<![\w'])(?:{body}){endings}(?![\w'])")


def _is_english(phrase: str) -> bool:
    return fold(phrase).strip() in _ENGLISH


def _phrases(concept: str, language: str) -> list[str]:
    if language:
        return [fold(p).strip() for p in words_of(language).get(concept) or []]  # type: ignore[attr-defined]
    return [fold(p).strip() for lang in LANGUAGES
            for p in words_of(lang).get(concept) or []  # type: ignore[attr-defined]
            if not _is_english(p)]


@cache
def _concept_pattern(concept: str, scopes: tuple[str, ...],
                     leaving_out: frozenset[str] = frozenset()) -> re.Pattern[str] | None:
    """Each scope is one of ``LANGUAGES``, or "" for the words of all six that are not
    English words."""
    return _pattern([p for scope in scopes for p in _phrases(concept, scope)
                     if p not in leaving_out])


def phrases(text: str, concept: str) -> frozenset[str]:
    """The concept's phrases in the message's language (folded)."""
    return frozenset(p for scope in _scopes(text) for p in _phrases(concept, scope))


@cache
def _value_patterns(kind: str, language: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """For "colours", "sizes" or "products": each canonical value with the pattern of its
    native forms."""
    langs = [language] if language else list(LANGUAGES)
    values: dict[str, list[str]] = {}
    for lang in langs:
        for value, phrases in (words_of(lang).get(kind) or {}).items():  # type: ignore[attr-defined]
            values.setdefault(value, []).extend(
                p for p in phrases if language or not _is_english(p))
    found = []
    for value, phrases in values.items():
        pattern = _pattern(phrases, _COLOUR_ENDINGS if kind == "colours" else "")
        if pattern is not None:
            found.append((value, pattern))
    return tuple(found)


# Function words of the six that English never uses: one in a message read as English
# ("Mandadlo a 4 Elm Close, Harrogate, HG1 2AB por favor") makes it a mixed message.
_NOT_EVIDENCE_WORDS = """
ais come con com del dia die dos est hat kan mas mes met non pas per qui tag van wat wie ook
mon den des les mia hay dove pour
"""
_NOT_EVIDENCE = frozenset(_NOT_EVIDENCE_WORDS.split())


# Words that link a short answer to what came before ("ok então o creme", "vale pues la
# crema", "ok dann die blaue"): a message holding one is not English, however the
# detector scores its few words.
_LINKING_WORDS = """
então entao entonces pues bueno dann denn alors donc allora quindi dunque ecco
daarom nou beh tá né
"""


@lru_cache(maxsize=1)
def _foreign_evidence() -> frozenset[str]:
    english = _STOPWORDS["en"]
    return frozenset(w for lang, words in _STOPWORDS.items() if lang != "en" for w in words
                     if w not in english and w not in _NOT_EVIDENCE
                     and (len(w) >= 3 or not w.isascii())) | frozenset(_LINKING_WORDS.split())


@lru_cache(maxsize=1024)
def language_in(text: str) -> str:
    """The message's language when it is one of the six; "en" when it is English; "" when
    it is too short to tell, or English mixed with words of the six."""
    found = language_of(text)
    if found is None:
        return ""
    if found in LANGUAGES:
        return found
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", fold(text))
    return "" if _foreign_evidence() & set(words) else "en"


def pattern_for(text: str, concept: str) -> re.Pattern[str] | None:
    """The pattern of the concept's phrases in the message's language (matched against
    ``fold(text)``); None for an English message."""
    scopes = _scopes(text)
    if not scopes:
        return None
    return _concept_pattern(concept, tuple(scopes))


def without(text: str, concept: str) -> str:
    """The message (folded) with the concept's phrases blanked out."""
    pattern = pattern_for(text, concept)
    folded = fold(text)
    return pattern.sub(" ", folded).strip(" ,.!") if pattern is not None else folded


def _scopes(text: str) -> list[str]:
    lang = language_in(text)
    if lang == "en":
        return []
    # A short message's language is often mistaken for a neighbour's: the words of all
    # six that are not English words are looked for too.
    return [lang, ""] if lang else [""]


def find(text: str, concept: str,
         leaving_out: frozenset[str] = frozenset()) -> re.Match[str] | None:
    """The first of the concept's phrases in the message (in its language), or None;
    ``leaving_out`` are phrases of the list not to count here."""
    scopes = tuple(_scopes(text))
    if not scopes:
        return None
    pattern = _concept_pattern(concept, scopes, frozenset(fold(p) for p in leaving_out))
    return pattern.search(fold(text)) if pattern is not None else None


def says(text: str, concept: str) -> bool:
    """Whether the message says one of the concept's phrases ("beide" for "both")."""
    return find(text, concept) is not None


def starts_with(text: str, concept: str) -> re.Match[str] | None:
    """The concept's phrase the message opens with ("nein, ..."), or None."""
    m = find(text, concept)
    if m is None:
        return None
    return m if not re.search(r"\w", fold(text)[:m.start()]) else None


def whole(text: str, concept: str) -> bool:
    """The message is nothing but the concept's phrases and punctuation ("sí, claro")."""
    pattern = pattern_for(text, concept)
    folded = fold(text)
    return pattern is not None and bool(folded.strip()) and not re.search(
        r"\w", pattern.sub(" ", folded))


def value_in(text: str, kind: str) -> tuple[str, int, int] | None:
    """The first colour or size (``kind`` "colours" or "sizes") named in the message's
    language, as the canonical value ("black", "M") with where it stands; None if none."""
    folded = fold(text)
    best: tuple[str, int, int] | None = None
    for scope in _scopes(text):
        for value, pattern in _value_patterns(kind, scope):
            for m in pattern.finditer(folded):
                if best is None or m.start() < best[1] or (
                        m.start() == best[1] and m.end() > best[2]):
                    best = (value, m.start(), m.end())
                break
    return best


# The lists file cream under beige; the catalogue tells them apart.
_CREAM = re.compile(r"cr[eè]m|panna|nata\b")


def values_in(text: str, kind: str) -> list[tuple[str, int, int]]:
    """Every colour or size named in the message's language, in order of position."""
    folded = fold(text)
    found: list[tuple[str, int, int]] = []
    for scope in _scopes(text):
        for value, pattern in _value_patterns(kind, scope):
            found.extend(("cream" if value == "beige" and _CREAM.match(m.group(0)) else value,
                          m.start(), m.end()) for m in pattern.finditer(folded))
    found.sort(key=lambda f: (f[1], -f[2]))
    kept: list[tuple[str, int, int]] = []
    for f in found:
        if not kept or f[1] >= kept[-1][2]:
            kept.append(f)
    return kept


@lru_cache(maxsize=len(CONCEPTS))
def tokens(concept: str) -> frozenset[str]:
    """Every word of the concept's phrases, in all six languages ("por", "favor", "bitte")."""
    return frozenset(w for lang in LANGUAGES for p in words_of(lang).get(concept) or []  # type: ignore[attr-defined]
                     for w in re.findall(r"[\w']+", fold(p)))


# How the shop's catalogue may name a kind of product the lists name by one word.
_PRODUCT_SPELLINGS = {"tee": ("tee", "t-shirt", "tshirt"), "jumper": ("jumper", "sweater"),
                      "hoodie": ("hoodie", "hoody"), "trainers": ("trainers", "sneakers"),
                      "trousers": ("trousers", "pants"), "tote": ("tote", "bag"),
                      "beanie": ("beanie", "hat")}


# Native product words that are another garment's name, or an English word, elsewhere
# ("vest" is a Dutch cardigan, "gilet" a French one, "rock" a German skirt): they count only
# in a message told to be in their language.
_GARMENTS_ELSEWHERE_WORDS = """
vest vestje gilet gilets sweat pull pulls jack pet rock hose robe mantel tenis jersey sac
mala saco tas cap boots tote shopper sneaker sneakers hoodie cardigan sweater pullover parka
mug t-shirt tshirt t-shirts blouse malha veste bota bone medias abito
"""
_GARMENTS_ELSEWHERE = frozenset(_GARMENTS_ELSEWHERE_WORDS.split())


@lru_cache(maxsize=256)
def products_named(text: str) -> tuple[str, ...]:
    """The kinds of product a message in one of the six languages names, in English as a
    catalogue names them ("la rebeca" → cardigan, "die Strickjacke" → cardigan, "het
    vest" → cardigan), in order; none for an English message."""
    found: list[str] = []
    folded = fold(text)
    hits = sorted((m.start(), -m.end(), value)
                  for scope in _scopes(text)
                  for value, pattern in _value_patterns("products", scope)
                  for m in pattern.finditer(folded)
                  if scope or m.group(0) not in _GARMENTS_ELSEWHERE)
    for _, _, value in hits:
        for spelling in _PRODUCT_SPELLINGS.get(value, (value,)):
            if spelling not in found:
                found.append(spelling)
    return tuple(found)


# How the shop's catalogue may spell a colour the lists name by one word.
_CATALOGUE_SPELLINGS = {"beige": ("beige", "cream"), "cream": ("cream", "beige"),
                        "grey": ("grey", "gray"),
                        "multicolour": ("multicolour", "multicolor"),
                        "burgundy": ("burgundy", "maroon")}


@lru_cache(maxsize=256)
def colours_named(text: str) -> tuple[str, ...]:
    """The colours a message in one of the six languages names, in English as the
    catalogue spells them ("negro" → black, "azul marino" → navy, "crema" → beige and
    cream), in order; none for an English message."""
    found: list[str] = []
    for value, _, _ in values_in(text, "colours"):
        for spelling in _CATALOGUE_SPELLINGS.get(value, (value,)):
            if spelling not in found:
                found.append(spelling)
    return tuple(found)
