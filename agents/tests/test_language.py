from __future__ import annotations

import pytest

from agents.language import message_language_note
from agents.nlu.language import language_of, language_requested
from channels_adapters.registry import captured
from conversations import services
from core.models import Customer, LanguageSource

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "language"), [
    ("Wo bleibt meine Bestellung? Sie sollte gestern ankommen.", "de"),
    ("¿Dónde está mi pedido? Debía llegar ayer.", "es"),
    ("Où est ma commande ? Elle devait arriver hier.", "fr"),
    ("Dov'è il mio ordine? Doveva arrivare ieri.", "it"),
    ("Onde está a minha encomenda? Devia ter chegado ontem.", "pt"),
    ("Waar blijft mijn bestelling? Die zou gisteren komen.", "nl"),
    ("Where is my order? It should have arrived yesterday.", "en"),
    # Few function words, many shop words: still English.
    ("is the linen shirt in stock in medium", "en"),
    ("waterproof boots under 100", "en"),
    ("il tracking è fermo da 3 giorni, ordine 2290", "it"),
    ("My name is Maya Patel, postcode M1 1AE", "en"),
    # Portuguese typed without accents reads much like Spanish; its own words tell it.
    ("reembolso no cartao, nada de credito", "pt"),
    ("me avisas cuando vuelva a estar?", "es"),
    ("quiero cambiar la talla de la camiseta, me queda pequeña", "es"),
])
def test_the_language_of_a_message_is_detected(text, language):
    assert language_of(text) == language


@pytest.mark.parametrize(("text", "known", "language"), [
    ("Mandadlo a 4 Elm Close, Harrogate, HG1 2AB por favor", "es", "es"),
    ("Mandatelo a 4 Elm Close, Harrogate, HG1 2AB per favore", "it", "it"),
    ("Por favor mandem para 4 Elm Close, Harrogate, HG1 2AB", "pt", "pt"),
    ("Bitte an 4 Elm Close, Harrogate, HG1 2AB schicken", "de", "de"),
    ("M por favor", "pt", "pt"),
    ("allô ? y a quelqu'un ?", "fr", "fr"),
])
def test_an_address_a_postcode_or_a_number_is_no_evidence_of_a_language(text, known, language):
    assert language_of(text, known=known) == language


def test_an_address_alone_decides_nothing():
    assert language_of("is 12 High Street, Leeds, LS1 4AP", known="nl") is None
    assert language_of("order 7401, YO1 7HH") is None


def test_amounts_say_nothing_of_the_text_around_them():
    assert language_of("Linen Shirt coûte 45,00 £GB. Il est disponible en M, blanc "
                       "(45,00 £GB).", ignore=frozenset({"linen", "shirt"})) == "fr"


def test_an_email_address_alone_decides_nothing():
    assert language_of("maya@example.com") is None
    assert language_of("https://shop.example/orders/1042") is None


@pytest.mark.parametrize("text", ["ok", "danke!", "merci", "1042", "  gracias  "])
def test_a_message_under_ten_characters_decides_nothing(text):
    assert language_of(text) is None


@pytest.mark.parametrize("text", ["asdfgh jkl", "qwerty uiop zxcv", "sdfkjh sdkfjh"])
def test_letters_typed_at_random_decide_nothing(text):
    assert language_of(text) is None


@pytest.mark.parametrize(("text", "language"), [
    ("in English please", "en"),
    ("Can you answer in English?", "en"),
    ("auf Deutsch bitte", "de"),
    ("Sprechen Sie Englisch?", "en"),
    ("en español, por favor", "es"),
    ("¿hablas español?", "es"),
    ("parlez-vous anglais ?", "en"),
    ("in italiano per favore", "it"),
    ("em português, por favor", "pt"),
    ("in het Nederlands alstublieft", "nl"),
    ("do you have boots in italian leather", None),
    ("Is the French navy jumper in stock?", None),
    ("I ordered the jacket in size M, but I live in Germany now and need it sent to "
     "Berlin instead, can you write to me in English", None),
])
def test_a_request_for_a_language_is_told_from_a_mention_of_one(text, language):
    assert language_requested(text) == language


def customer(**fields) -> Customer:
    return Customer.objects.create(name="Ana", email="ana@example.com", **fields)


def test_a_long_enough_message_sets_the_customers_language_and_a_short_one_keeps_it():
    ana = customer()

    assert message_language_note(Customer.objects.get(pk=ana.pk),
                                 "Hola, ¿dónde está mi pedido 1042?") == "es"
    assert message_language_note(Customer.objects.get(pk=ana.pk), "ok") == ""
    ana.refresh_from_db()
    assert (ana.language, ana.language_source) == ("es", LanguageSource.DETECTED)


def test_a_shoppers_request_outranks_what_their_next_messages_are_written_in():
    ana = customer()

    message_language_note(Customer.objects.get(pk=ana.pk), "in English please")
    message_language_note(Customer.objects.get(pk=ana.pk), "Hola, ¿dónde está mi pedido 1042?")

    ana.refresh_from_db()
    assert (ana.language, ana.language_source) == ("en", LanguageSource.SHOPPER)
    message_language_note(Customer.objects.get(pk=ana.pk), "auf Deutsch bitte")
    ana.refresh_from_db()
    assert ana.language == "de"


def test_a_language_the_shop_set_is_kept_whatever_the_customer_writes():
    ana = customer(language="pt", language_source=LanguageSource.SHOP)

    message_language_note(Customer.objects.get(pk=ana.pk),
                          "Where is my order? It should have arrived yesterday.")

    ana.refresh_from_db()
    assert (ana.language, ana.language_source) == ("pt", LanguageSource.SHOP)


def test_the_shop_sets_a_customers_language_in_the_admin_and_it_sticks(client):
    from django.contrib.auth.models import User

    ana = customer()
    client.force_login(User.objects.create_superuser("boss", password="pw-a-long-one-1"))
    url = f"/admin/core/customer/{ana.pk}/change/"
    form = {"name": "Ana", "email": "ana@example.com", "phone": "", "tags": "[]",
            "language": "nl", "language_source": "", "preferred_channel": "",
            "created_at_0": "2026-01-01", "created_at_1": "10:00:00"}
    for prefix in ("identities", "consents", "conversations"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})

    response = client.post(url, form)

    assert response.status_code == 302, response.content.decode()[:3000]
    ana.refresh_from_db()
    assert (ana.language, ana.language_source) == ("nl", LanguageSource.SHOP)


def test_each_message_that_arrives_updates_the_senders_language():
    message = services.message_receive(services.Inbound(
        channel="web", sender_id="session-de-01", external_id="de-1",
        text="Hallo, wo ist meine Bestellung? Ich warte schon seit einer Woche."))
    with captured():
        services.message_process(message.pk)
    message.refresh_from_db()

    assert message.language == "de"
    assert message.conversation.customer.language == "de"


@pytest.mark.parametrize(("text", "known", "expected"), [
    ("Sim, por favor.", "pt", "pt"),
    ("no dai lascia stare, la tengo", "it", "it"),
    ("Hola, ¿dónde está mi pedido?", "en", "es"),
    ("where is my order please", "es", "en"),
    ("Ich möchte meine Bestellung bitte stornieren, danke", "nl", "de"),
])
def test_a_short_message_that_reads_as_well_in_the_writers_language_keeps_it(
        text, known, expected):
    assert language_of(text, known=known) == expected


def test_the_shops_product_names_are_no_evidence_of_a_language():
    names = frozenset({"packable", "rain", "jacket"})
    text = "tem a packable rain jacket amarela no tamanho L?"

    assert language_of(text, known="pt", ignore=names) == "pt"
    assert language_of("is the packable rain jacket in stock?", ignore=names) == "en"


def test_a_product_added_to_the_catalogue_is_no_evidence_from_the_next_message_on():
    from commerce.models import Product
    from commerce.selectors import product_name_words

    Product.objects.create(name="Linen Shirt", slug="linen-shirt", category="apparel",
                           kind="shirt")
    assert "heavyweight" not in product_name_words()

    Product.objects.create(name="Heavyweight Hoodie", slug="heavyweight-hoodie",
                           category="apparel", kind="hoodie")

    assert {"heavyweight", "hoodie", "linen", "shirt"} <= product_name_words()
