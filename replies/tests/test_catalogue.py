from __future__ import annotations

import shutil
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from core.formatting import Money
from replies.checks import catalogue_check
from replies.compile import LOCALE_DIR, compile_all
from replies.messages import MESSAGES
from replies.models import ReplyText
from replies.render import (
    Either,
    HelpArticle,
    Options,
    Say,
    fill,
    overrides_read_once,
    render,
    render_parts,
)
from replies.services import reply_text_reset, reply_text_set, text_problems


def test_every_message_is_translated_into_every_language_and_used_by_the_code():
    report = catalogue_check()
    assert report.lines() == []
    assert report.ok


def test_the_command_lists_a_missing_translation_per_language(tmp_path: Path):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    po = locale / "de" / "LC_MESSAGES" / "django.po"
    po.write_text(po.read_text().replace(
        'msgid "label.download"\nmsgstr "Etikett herunterladen (PDF)"\n', ""))
    nl = locale / "nl" / "LC_MESSAGES" / "django.po"
    nl.write_text(nl.read_text().replace("binnen {minutes} minuten", "binnen {minuten} minuten"))
    compile_all(locale)

    report = catalogue_check(locale)

    assert report.lines() == [
        "de: missing label.download",
        "nl: code.text: Unknown fact: {minuten}. This message may use {code}, {why}, "
        "{minutes}, {shop}.",
        "nl: code.text: The text must keep {minutes}.",
    ]


def test_a_po_file_edited_after_compiling_is_reported_stale(tmp_path: Path):
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale)
    compile_all(locale)
    po = locale / "fr" / "LC_MESSAGES" / "django.po"
    po.write_text(po.read_text().replace('msgstr "Envoyer"', 'msgstr "Envoyez"'))

    assert catalogue_check(locale).stale == ["locale/fr/LC_MESSAGES/django.mo"]


def test_check_replies_passes_on_the_shipped_catalogue(capsys):
    call_command("check_replies")
    assert capsys.readouterr().out.strip().endswith(
        f"{len(MESSAGES)} messages, complete in every language.")


@pytest.mark.django_db
def test_check_replies_fails_when_a_key_has_no_text(monkeypatch):
    from replies import checks
    from replies.messages import MessageSpec

    monkeypatch.setitem(checks.MESSAGES, "label.new_line", MessageSpec("label.new_line", "x"))
    with pytest.raises(CommandError, match="problem"):
        call_command("check_replies")


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [
    ("en", "Your Northwind order #1042 was cancelled in a chat with us just now."),
    ("es", "Tu pedido n.º 1042 de Northwind se acaba de cancelar en un chat con nosotros."),
    ("de", "Ihre Northwind-Bestellung #1042 wurde soeben in einem Chat mit uns storniert."),
    ("fr", "Votre commande Northwind n° 1042 vient d'être annulée lors d'une conversation "
           "avec nous."),
    ("it", "Il tuo ordine Northwind n. 1042 è stato appena annullato in una chat con noi."),
    ("pt", "A sua encomenda Northwind n.º 1042 acabou de ser cancelada numa conversa "
           "connosco."),
    ("nl", "Je Northwind-bestelling #1042 is zojuist geannuleerd in een chat met ons."),
])
def test_a_message_is_said_in_the_language_asked_for(language, text):
    assert render(Say("notice.cancel.text", shop="Northwind", number="1042"), language) == text


@pytest.mark.django_db
def test_a_language_the_shop_does_not_speak_gets_english():
    assert render(Say("site.send"), "ja") == "Send"


def test_an_unknown_key_is_refused_where_it_is_said():
    with pytest.raises(KeyError, match="order.teleported"):
        Say("order.teleported", number="1")


def test_facts_are_formatted_for_the_language():
    moment = datetime(2026, 11, 17, 14, 5, tzinfo=ZoneInfo("Europe/London"))
    facts = {"amount": Money(Decimal("1234.5"), "EUR"), "at": moment, "n": 3}
    text = "{amount} / {at} / {n}"
    assert fill(text, facts, "de") == "1.234,50\u00a0€ / Dienstag, 17. November um 14:05 / 3"
    assert fill(text, facts, "en") == "€1,234.50 / Tuesday 17 November at 14:05 / 3"


def test_a_variants_colour_is_said_in_the_shoppers_language_and_a_flag_is_left_out():
    jacket = {"colour": "yellow", "size": "L", "waterproof": "yes"}
    assert fill("{o}", {"o": Options(jacket)}, "es") == "L, amarillo"
    assert fill("{o}", {"o": Options(jacket, name="Rain Jacket")}, "pt") == (
        "Rain Jacket (L, amarelo)")
    assert fill("{o}", {"o": Options({"colour": "oatmeal", "size": "M"}, " ")}, "fr") == (
        "M oatmeal")
    assert str(Options(jacket)) == "L, yellow"


@pytest.mark.django_db
def test_a_help_article_is_quoted_in_the_shoppers_language_when_the_shop_wrote_it_so():
    article = HelpArticle("Resetting your password", "Click 'Forgot password'.", {
        "it": {"title": "Reimpostare la password", "body": "Clicca su 'Password dimenticata'."}})

    assert render_parts([article], "it") == (
        "Reimpostare la password: Clicca su 'Password dimenticata'.")
    assert render_parts([article], "en") == "Resetting your password: Click 'Forgot password'."


@pytest.mark.django_db
def test_an_article_the_shop_wrote_only_in_english_is_said_to_be_untranslated_then_quoted():
    article = HelpArticle("Resetting your password", "Click 'Forgot password'.")

    assert render_parts([article], "it") == (
        "Il nostro centro assistenza risponde a questa domanda in un articolo che non abbiamo "
        "ancora tradotto in italiano; eccolo come l'abbiamo scritto: «Resetting your password: "
        "Click 'Forgot password'.»")


@pytest.mark.django_db
def test_lists_alternatives_and_nested_messages_are_said_in_the_language():
    facts = {"sizes": ["S", "M", "L"], "either": Either(["S", "M"]),
             "since": Say("time.since_weekday", weekday="martes")}
    text = "{sizes} / {either} / {since}"
    assert fill(text, facts, "es") == "S, M y L / S o M / desde el martes"
    assert fill(text, facts, "en").startswith("S, M and L / S or M / ")
    assert render_parts([Say("time.since_weekday", weekday="Montag"), "Hilfe-Artikel."],
                        "de") == f"{render(Say('time.since_weekday', weekday='Montag'), 'de')} " \
        "Hilfe-Artikel."


@pytest.mark.django_db
def test_the_shops_wording_is_used_from_the_next_message_on_and_can_be_reset():
    say = Say("notice.cancel.subject", number="1042", shop="Northwind")
    assert render(say, "de") == "Bestellung #1042 storniert"

    reply_text_set("notice.cancel.subject", "de", "Stornierung Ihrer Bestellung {number}",
                   by="owner")
    assert render(say, "de") == "Stornierung Ihrer Bestellung 1042"
    assert render(say, "en") == "Order #1042 cancelled"  # other languages unchanged

    assert reply_text_reset("notice.cancel.subject", "de") is True
    assert render(say, "de") == "Bestellung #1042 storniert"
    assert ReplyText.objects.count() == 0


@pytest.mark.django_db
def test_answering_one_message_reads_the_shops_wording_once_per_language(
        django_assert_num_queries):
    reply_text_set("notice.cancel.subject", "de", "Storno {number}", by="owner")
    cancel = Say("notice.cancel.subject", number="1042", shop="Northwind")
    moved = Say("notice.change_address.subject", number="1042", shop="Northwind")

    with overrides_read_once(), django_assert_num_queries(2):
        assert render(cancel, "de") == "Storno 1042"
        render(moved, "de")
        render(cancel, "en")
        render(moved, "en")
    with django_assert_num_queries(2):  # outside a message, each is read when said
        render(cancel, "de")
        render(moved, "de")


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "problems"), [
    ("Your code: {code}, valid {minutes} min, for {customer}",
     ["Unknown fact: {customer}. This message may use {code}, {why}, {minutes}, {shop}."]),
    ("Your {shop} code arrived.",
     ["The text must keep {code}, {minutes}."]),
    ("Code {code} for {minutes:>5} min",
     ["Write {minutes} alone, without a format or conversion."]),
    ("Code {code} for {minutes} min {",
     ["The braces don't pair up (Single '{' encountered in format string); write {{ and }} "
      "for a literal brace."]),
    ("Code {code}.{} {minutes}",
     ["Empty braces {}: name a fact. This message may use {code}, {why}, {minutes}, "
      "{shop}."]),
    ("Code {code.__class__} {minutes}",
     ["Unknown fact: {code.__class__}. This message may use {code}, {why}, {minutes}, "
      "{shop}.", "The text must keep {code}."]),
    ("   ", ["The text is empty."]),
])
def test_an_override_that_would_break_the_message_is_refused_and_nothing_is_kept(
        text, problems):
    assert text_problems("code.text", text) == problems
    with pytest.raises(ValidationError) as refused:
        reply_text_set("code.text", "en", text)
    assert refused.value.messages == problems
    assert ReplyText.objects.count() == 0


@pytest.mark.django_db
def test_an_override_in_a_language_the_shop_does_not_speak_is_refused():
    with pytest.raises(ValidationError, match="'ja' is not one of the shop's languages"):
        reply_text_set("site.send", "ja", "送信")
