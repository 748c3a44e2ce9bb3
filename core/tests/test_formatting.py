from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from core import clock
from core.formatting import day, language_or_default, money, since, when

# 14:05 in London on a Tuesday.
MOMENT = datetime(2026, 11, 17, 14, 5, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(("language", "euros", "pounds"), [
    ("en", "€1,234.50", "£1,234.50"),
    ("es", "1.234,50\u00a0€", "1.234,50\u00a0GBP"),
    ("de", "1.234,50\u00a0€", "1.234,50\u00a0£"),
    ("fr", "1\u202f234,50\u00a0€", "1\u202f234,50\u00a0£GB"),
    ("it", "1.234,50\u00a0€", "1.234,50\u00a0£"),
    ("pt", "1\u00a0234,50\u00a0€", "1\u00a0234,50\u00a0£"),
    ("nl", "€\u00a01.234,50", "£\u00a01.234,50"),
])
def test_an_amount_reads_as_the_shoppers_locale_writes_it_in_the_orders_currency(
        language, euros, pounds):
    assert money(Decimal("1234.5"), "EUR", language) == euros
    assert money("1234.50", "GBP", language) == pounds


def test_an_amount_without_a_currency_is_in_the_shops(settings):
    settings.SHOP_CURRENCY = "EUR"
    assert money(Decimal("19.9"), language="de") == "19,90\u00a0€"


@pytest.mark.parametrize(("language", "the_day", "the_moment"), [
    ("en", "Tuesday 17 November", "Tuesday 17 November at 14:05"),
    ("es", "martes, 17 de noviembre", "martes, 17 de noviembre a las 14:05"),
    ("de", "Dienstag, 17. November", "Dienstag, 17. November um 14:05"),
    ("fr", "mardi 17 novembre", "mardi 17 novembre à 14:05"),
    ("it", "martedì 17 novembre", "martedì 17 novembre alle 14:05"),
    ("pt", "terça-feira, 17 de novembro", "terça-feira, 17 de novembro às 14:05"),
    ("nl", "dinsdag 17 november", "dinsdag 17 november om 14:05"),
])
def test_days_and_times_read_in_the_shoppers_language_in_the_shops_time_zone(
        settings, language, the_day, the_moment):
    settings.TIME_ZONE = "Europe/London"
    assert day(MOMENT, language) == the_day
    assert day(date(2026, 11, 17), language) == the_day
    assert when(MOMENT, language) == the_moment


@pytest.mark.parametrize(("language", "today", "this_week", "earlier"), [
    ("en", "since 14:05 today", "since Tuesday", "since 17 November"),
    ("es", "desde hoy a las 14:05", "desde el martes", "desde el 17 de noviembre"),
    ("de", "seit heute 14:05 Uhr", "seit Dienstag", "seit dem 17. November"),
    ("fr", "depuis aujourd'hui à 14:05", "depuis mardi", "depuis le 17 novembre"),
    ("it", "da oggi alle 14:05", "da martedì", "dal 17 novembre"),
    ("pt", "desde hoje às 14:05", "desde terça-feira", "desde 17 de novembro"),
    ("nl", "sinds vandaag om 14:05", "sinds dinsdag", "sinds 17 november"),
])
def test_since_says_today_a_weekday_or_a_date_by_how_long_ago(
        settings, language, today, this_week, earlier):
    settings.TIME_ZONE = "Europe/London"
    with clock.frozen_at(MOMENT + timedelta(hours=2)):
        assert since(MOMENT, language) == today
    with clock.frozen_at(MOMENT + timedelta(days=3)):
        assert since(MOMENT, language) == this_week
    with clock.frozen_at(MOMENT + timedelta(days=20)):
        assert since(MOMENT, language) == earlier


def test_an_unknown_or_regional_language_is_read_as_one_the_shop_speaks():
    assert [language_or_default(x) for x in ("pt-BR", "de_AT", "ja", "", None)] == [
        "pt", "de", "en", "en", "en"]
