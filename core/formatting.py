"""Amounts, days and times as the shopper reads them: the one formatter, by language.

Every reply, notice, label and inbox figure formats money and moments here, with the
conventions of the shopper's language (CLDR data, through Babel) and in the order's own
currency. The shop sells in one market, so each language maps to the locale of that market
where the language is spoken (British English, European Portuguese); times are shown in
the shop's time zone (TIME_ZONE), which is the one its promises are made in.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from babel.dates import format_date, format_datetime, format_skeleton, format_time, get_date_format
from babel.lists import format_list
from babel.numbers import format_currency
from django.conf import settings
from django.utils import timezone, translation

from core import clock

LANGUAGES = ("en", "es", "de", "fr", "it", "pt", "nl")
DEFAULT_LANGUAGE = "en"
LOCALES = {"en": "en_GB", "es": "es_ES", "de": "de_DE", "fr": "fr_FR", "it": "it_IT",
           "pt": "pt_PT", "nl": "nl_NL"}


class Money(NamedTuple):
    """An amount in a currency: how an order's totals travel to the words that say them."""

    amount: Decimal
    currency: str


def language_or_default(language: str | None) -> str:
    """One of LANGUAGES: a regional code ("pt-BR") is read as its language."""
    code = (language or "").lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def locale_of(language: str | None) -> str:
    return LOCALES[language_or_default(language)]


# English replies have always written these with the bare symbol ('$12.00', not 'US$12.00');
# any other currency in English reads '12.00 CHF'.
CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def money(amount: Decimal | str | float | int, currency: str | None = None,
          language: str | None = None) -> str:
    """'£1,234.50' in English, '1.234,50 £' in German; the shop's currency when none given."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    code = (currency or settings.SHOP_CURRENCY).upper()
    if language_or_default(language) == DEFAULT_LANGUAGE:
        symbol = CURRENCY_SYMBOLS.get(code)
        return f"{symbol}{value:,}" if symbol else f"{value:,} {code}"
    return format_currency(value, code, locale=locale_of(language))


def listing(items: list[str], language: str | None = None, *, either: bool = False) -> str:
    """'a, b and c' in English, 'a, b y c' in Spanish; with `either`, 'a, b or c'."""
    if not items:
        return ""
    return format_list(list(items), style="or" if either else "standard",
                       locale=locale_of(language))


def local(moment: datetime) -> datetime:
    """The moment in the shop's time zone."""
    return timezone.localtime(moment)


def _local(moment: datetime | date) -> datetime | date:
    if isinstance(moment, datetime):
        return timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return moment


def day(moment: datetime | date, language: str | None = None) -> str:
    """'Tuesday 17 November', 'Dienstag, 17. November', 'martes, 17 de noviembre'."""
    locale = locale_of(language)
    return format_date(_local(moment), _day_pattern(locale), locale=locale)


def weekday(moment: datetime | date, language: str | None = None) -> str:
    """'Monday', 'lunes', 'Montag'."""
    return format_date(moment, "EEEE", locale=locale_of(language))


def day_of_month(moment: datetime | date, language: str | None = None) -> str:
    """'14 December', '14 de diciembre', '14. Dezember': a day without its weekday."""
    return format_skeleton("MMMMd", moment, locale=locale_of(language))


@cache
def _day_pattern(locale: str) -> str:
    # The locale's full date, weekday and month written out, without the year: a reply
    # speaks of days close to today.
    if locale in _DAY_PATTERNS:
        return _DAY_PATTERNS[locale]
    return _YEAR.sub("", get_date_format("full", locale=locale).pattern).strip(" ,")


# Where the shop's own usage differs from CLDR's: British replies say 'Tuesday 17 November'.
_DAY_PATTERNS = {"en_GB": "EEEE d MMMM"}


_YEAR = re.compile(r"[,\s]*(?:'de'\s*)?y+")


def time_of_day(moment: datetime, language: str | None = None) -> str:
    """'14:05'."""
    return format_time(_local(moment), "HH:mm", locale=locale_of(language))


def when(moment: datetime, language: str | None = None) -> str:
    """'Tuesday 17 November at 14:05', 'Dienstag, 17. November um 14:05'."""
    language = language_or_default(language)
    with translation.override(language):
        return translation.gettext("time.day_at_time").format(
            day=day(moment, language), time=time_of_day(moment, language))


def since(moment: datetime, language: str | None = None) -> str:
    """'since 14:05 today', 'since Tuesday' within the last week, else 'since 3 November'."""
    language = language_or_default(language)
    now = timezone.localtime(clock.now())
    local = timezone.localtime(moment)
    locale = locale_of(language)
    with translation.override(language):
        if local.date() == now.date():
            return translation.gettext("time.since_today").format(
                time=time_of_day(local, language))
        if now - local < timedelta(days=6):
            return translation.gettext("time.since_weekday").format(
                weekday=format_datetime(local, "EEEE", locale=locale))
        return translation.gettext("time.since_day").format(
            day=format_skeleton("MMMMd", local, locale=locale))


def place(location: str) -> str:
    return location.strip() or "an unnamed carrier location"


CARRIER_NAMES = {"ups": "UPS", "dhl": "DHL", "dpd": "DPD", "royal_mail": "Royal Mail",
                 "evri": "Evri", "fedex": "FedEx", "usps": "USPS", "gls": "GLS"}


def carrier(code: str) -> str:
    return CARRIER_NAMES.get(code.lower(), code.replace("_", " ").title())


# The catalogue's colours as each language says them (the shop names its variants in
# English); a colour not listed is said as the shop wrote it.
COLOURS: dict[str, dict[str, str]] = {
    "es": {"black": "negro", "white": "blanco", "grey": "gris", "gray": "gris", "blue": "azul",
           "navy": "azul marino", "red": "rojo", "green": "verde", "yellow": "amarillo",
           "orange": "naranja", "pink": "rosa", "purple": "morado", "brown": "marrón",
           "gold": "dorado", "silver": "plateado", "burgundy": "burdeos",
           "turquoise": "turquesa", "cream": "crema", "olive": "verde oliva",
           "charcoal": "gris marengo", "multicolour": "multicolor"},
    "de": {"black": "schwarz", "white": "weiß", "grey": "grau", "gray": "grau", "blue": "blau",
           "navy": "marineblau", "red": "rot", "green": "grün", "yellow": "gelb",
           "orange": "orange", "pink": "rosa", "purple": "lila", "brown": "braun",
           "gold": "gold", "silver": "silber", "burgundy": "bordeaux", "turquoise": "türkis",
           "cream": "creme", "olive": "oliv", "charcoal": "anthrazit", "multicolour": "bunt"},
    "fr": {"black": "noir", "white": "blanc", "grey": "gris", "gray": "gris", "blue": "bleu",
           "navy": "bleu marine", "red": "rouge", "green": "vert", "yellow": "jaune",
           "orange": "orange", "pink": "rose", "purple": "violet", "brown": "marron",
           "gold": "doré", "silver": "argent", "burgundy": "bordeaux",
           "turquoise": "turquoise", "cream": "crème", "olive": "olive",
           "charcoal": "gris anthracite", "multicolour": "multicolore"},
    "it": {"black": "nero", "white": "bianco", "grey": "grigio", "gray": "grigio", "blue": "blu",
           "navy": "blu navy", "red": "rosso", "green": "verde", "yellow": "giallo",
           "orange": "arancione", "pink": "rosa", "purple": "viola", "brown": "marrone",
           "gold": "oro", "silver": "argento", "burgundy": "bordeaux", "turquoise": "turchese",
           "cream": "panna", "olive": "verde oliva", "charcoal": "antracite",
           "multicolour": "multicolore"},
    "pt": {"black": "preto", "white": "branco", "grey": "cinzento", "gray": "cinzento",
           "blue": "azul", "navy": "azul-marinho", "red": "vermelho", "green": "verde",
           "yellow": "amarelo", "orange": "laranja", "pink": "cor-de-rosa", "purple": "roxo",
           "brown": "castanho", "gold": "dourado", "silver": "prateado",
           "burgundy": "bordeaux", "turquoise": "turquesa", "cream": "creme",
           "olive": "verde-azeitona", "charcoal": "antracite", "multicolour": "multicolor"},
    "nl": {"black": "zwart", "white": "wit", "grey": "grijs", "gray": "grijs", "blue": "blauw",
           "navy": "marineblauw", "red": "rood", "green": "groen", "yellow": "geel",
           "orange": "oranje", "pink": "roze", "purple": "paars", "brown": "bruin",
           "gold": "goud", "silver": "zilver", "burgundy": "bordeauxrood",
           "turquoise": "turquoise", "cream": "crème", "olive": "olijfgroen",
           "charcoal": "antraciet", "multicolour": "veelkleurig"},
}
# An option that only says a variant has a feature ("waterproof: yes") names no choice.
_FLAGS = {"yes", "no", "true", "false", "y", "n"}


def options(values: dict[str, object], language: str | None = None, sep: str = ", ") -> str:
    """A variant's options as the shopper reads them: "M, verde" for a Spanish shopper
    where the shop wrote "M, green"; in the order ``Variant.option_label`` uses, without
    flags such as "waterproof: yes"."""
    colours = COLOURS.get(language_or_default(language), {})
    said = []
    for key in sorted(values, key=lambda k: (len(k), k)):
        value = str(values[key]).strip()
        if not value or value.lower() in _FLAGS:
            continue
        if key.lower() in {"colour", "color"}:
            value = colours.get(value.lower(), value)
        said.append(value)
    return sep.join(said)
