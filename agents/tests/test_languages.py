"""The readers in Spanish, German, French, Italian, Portuguese and Dutch: yes and no at a
confirmation, refused actions, corrections, "the other one", both / all / except, cheaper
and a size up or down, colours and sizes in their native forms, stopping alerts, asking
for a person, thanks and bye, and order numbers and postcodes inside sentences. English
is read as before."""

from __future__ import annotations

import pytest

from agents.nlu import cues, lexicon
from agents.nlu.alerts import wants_no_alerts
from agents.nlu.entities import extract_entities
from agents.nlu.reading import makes_sense, read, shop_words_intent
from agents.nlu.returns import relative_size, target_size, wanted_resolution
from agents.nlu.words import said_words, says_value

ORDER_INTENTS = frozenset({"order_status", "delivery_problem", "return_request",
                           "exchange_request", "refund_status", "cancel_order",
                           "change_address", "payment_issue"})
CONFIRMING_CANCEL = {"pending": {"kind": "confirm", "action": {"kind": "cancel",
                                                                "order": "3801"}}}


def reading(text, memory=None):
    return read(text, memory or {}, order_intents=ORDER_INTENTS, is_code=lambda c: False)


# One row per language: a plain yes, a yes with glad words, a no, a yes that asks for
# something else.
CONFIRMATIONS = {
    "es": ("sí porfa", "ay qué bien, sí por favor", "no, mejor déjalo, me la quedo",
           "sí, pero mándalo a mi oficina"),
    "de": ("ja bitte", "oh wie nett, ja gerne", "nee doch nicht, lass mal",
           "ja, aber an meine andere Adresse"),
    "fr": ("oui svp", "ah super, oui merci", "non en fait laissez tomber",
           "oui mais plutôt à mon bureau"),
    "it": ("sì grazie", "perfetto, sì per favore", "no grazie, lascia stare",
           "sì ma cambia l'indirizzo"),
    "pt": ("sim, por favor", "ah que bom, sim obrigado", "não obrigado, deixa assim",
           "sim, mas mande para outro endereço"),
    "nl": ("ja graag", "top, ja graag", "nee dank je, laat maar",
           "ja, maar naar een ander adres"),
}


@pytest.mark.parametrize("language", sorted(CONFIRMATIONS))
def test_only_a_plain_yes_confirms_in_each_language(language):
    plain, glad, refusal, conditional = CONFIRMATIONS[language]
    assert cues.confirmation(plain, "cancel", "cancel_order") == "yes"
    assert cues.confirmation(glad, "cancel", "cancel_order") == "yes"
    assert cues.confirmation(refusal, "cancel", "cancel_order") == "no"
    assert cues.confirmation(conditional, "cancel", "cancel_order") == ""
    assert reading(plain, CONFIRMING_CANCEL).answer == "yes"
    assert reading(conditional, CONFIRMING_CANCEL).answer == ""


@pytest.mark.parametrize("text", ["sí", "ja", "oui", "sì", "sim", "jep", "Sí, es correcto",
                                  "ja genau, stimmt so", "oui c'est ça", "jep doe maar",
                                  "Sim, está correto", "Sì, è giusto", "ouep"])
def test_a_short_yes_is_a_yes_whatever_its_language(text):
    assert cues.yes_or_no(text) == "yes"
    assert cues.confirmation(text, "cancel", "cancel_order") == "yes"


@pytest.mark.parametrize("text", ["nee", "nein", "não", "non", "no grazie"])
def test_a_short_no_is_a_no_whatever_its_language(text):
    assert cues.yes_or_no(text) == "no"


@pytest.mark.parametrize("text", [
    "no, no lo canceles", "bitte nicht stornieren", "storniert sie nicht",
    "ne l'annulez pas", "non annullare l'ordine", "não cancele o pedido",
    "niet annuleren alsjeblieft",
])
def test_a_refused_cancellation_in_each_language(text):
    assert cues.negated_actions(text) == {"cancel_order"}
    assert cues.confirmation(text, "cancel", "cancel_order") == "no"


@pytest.mark.parametrize("text", [
    "por favor cancelad mi pedido", "bitte storniert meine Bestellung",
    "annulez ma commande svp", "annullate il mio ordine per favore",
    "cancelem a minha encomenda", "annuleer mijn bestelling alsjeblieft",
])
def test_asking_for_a_cancellation_is_not_a_refusal(text):
    assert cues.negated_actions(text) == set()


@pytest.mark.parametrize("text", [
    "perdón, quise decir el otro pedido", "ich meinte die andere Bestellung",
    "je voulais dire l'autre commande", "volevo dire l'altro ordine",
    "quis dizer o outro pedido", "ik bedoelde de andere bestelling",
])
def test_a_correction_points_at_the_other_order(text):
    r = reading(text)
    assert r.correction
    assert r.orders.relative == "other"


@pytest.mark.parametrize("text", ["en realidad quiero saber dónde está",
                                  "eigentlich wollte ich nur fragen, wo es ist",
                                  "en fait je voulais savoir où il est"])
def test_a_discourse_word_is_not_a_correction(text):
    assert not cues.corrects(text)


@pytest.mark.parametrize(("text", "left_out"), [
    ("cancelad todos los pedidos excepto el de las botas", "el de las botas"),
    ("storniert alle Bestellungen außer der Jacke", "der Jacke"),
    ("annulez toutes les commandes sauf le pull", "le pull"),
    ("annullate tutti gli ordini tranne la giacca", "la giacca"),
    ("cancelem todos os pedidos exceto o casaco", "o casaco"),
    ("annuleer alle bestellingen behalve de jas", "de jas"),
])
def test_sets_of_orders_less_the_ones_left_out(text, left_out):
    r = reading(text)
    assert r.orders.several
    assert r.orders.excluded.strip() == left_out
    assert r.items.everything


@pytest.mark.parametrize("text", ["los dos", "beide", "les deux", "entrambi", "os dois",
                                  "allebei"])
def test_both_means_every_order_in_view(text):
    assert cues.several_orders(text)
    assert cues.means_all(text)


@pytest.mark.parametrize(("text", "relative"), [
    ("el más barato", "cheaper"), ("die günstigere Variante", "cheaper"),
    ("la moins chère", "cheaper"), ("quello più economico", "cheaper"),
    ("o mais barato", "cheaper"), ("de goedkoopste", "cheaper"),
])
def test_the_cheaper_order(text, relative):
    assert reading(text).orders.relative == relative


@pytest.mark.parametrize(("text", "steps"), [
    ("quiero una talla más grande", 1), ("eine Nummer kleiner bitte", -1),
    ("la taille au-dessus", 1), ("una taglia più piccola", -1),
    ("um tamanho maior", 1), ("een maat kleiner", -1),
])
def test_a_size_up_or_down(text, steps):
    assert relative_size(text) == steps


@pytest.mark.parametrize(("text", "size"), [
    ("una M porfa", "M"), ("M bitte", "M"), ("du M svp", "M"),
    ("oye puedo cambiar la camiseta M por una L?", "L"),
    ("kann ich das T-Shirt in M gegen L tauschen?", "L"), ("Größe 38 bitte", "38"),
    ("taglia M per favore", "M"), ("tamanho G", ""), ("maat L graag", "L"),
])
def test_the_size_wanted(text, size):
    assert target_size(text) == size


@pytest.mark.parametrize(("text", "colour"), [
    ("la verde, talla M", "green"), ("den grünen in M", "green"),
    ("le noir en taille S", "black"), ("quello rosso", "red"),
    ("a azul marinho", "navy"), ("de zwarte graag", "black"),
    ("¿Puedo cambiar mi jersey azul marino por el verde?", "green"),
    ("Kann ich meinen navyblauen Pulli gegen den grünen tauschen?", "green"),
])
def test_a_colour_in_its_native_form_is_the_catalogue_colour(text, colour):
    assert extract_entities(text)["colour"] == colour
    assert says_value(text, colour)


def test_a_native_colour_is_said_as_the_catalogues_spelling():
    assert says_value("vale pues el crema", "cream")
    assert says_value("ok dann den schwarzen", "Black")
    assert not says_value("ok dann den schwarzen", "white")


@pytest.mark.parametrize(("text", "size"), [
    ("la verde, talla M", "M"), ("ist das Linen Shirt in M auf Lager?", "M"),
    ("la linen shirt est dispo en M ?", "M"), ("Größe 38 bitte", "38"),
    ("e no L, tem também?", "L"), ("und im S?", "S"), ("e nella M?", "M"),
])
def test_a_size_inside_a_sentence_is_an_entity(text, size):
    assert extract_entities(text)["size"] == size


@pytest.mark.parametrize(("text", "resolution"), [
    ("reembolso a la tarjeta porfa, crédito no, y prefiero el dinero antes que un cambio",
     "refund"),
    ("Erstattung auf die Karte bitte, keine Gutschrift, und lieber das Geld als einen "
     "Umtausch", "refund"),
    ("remboursement sur ma carte svp, pas d'avoir, et je préfère l'argent plutôt qu'un "
     "échange", "refund"),
    ("crédito para la tienda porfa", "store_credit"), ("als Gutschrift bitte", "store_credit"),
    ("en avoir svp", "store_credit"), ("preferisco un buono", "store_credit"),
    ("quero o reembolso", "refund"), ("liever een tegoedbon", "store_credit"),
    ("reembolso no cartão, nada de crédito", "refund"), ("erstatung bitte", "refund"),
    ("rimborzo sulla carta", "refund"), ("rimborso no grazie, meglio il cambio", "exchange"),
])
def test_the_resolution_asked_for_and_the_ones_turned_down(text, resolution):
    assert wanted_resolution(text) == resolution


@pytest.mark.parametrize(("text", "number"), [
    ("dónde está mi pedido 1042?", "1042"), ("Bestellnummer 1042, bitte", "1042"),
    ("où est ma commande numéro 1042", "1042"), ("il mio ordine 1042 non è arrivato", "1042"),
    ("cadê a minha encomenda 1042", "1042"), ("waar blijft bestelling 1042", "1042"),
])
def test_an_order_number_inside_a_sentence(text, number):
    assert reading(text).entities["order_number"] == number


@pytest.mark.parametrize(("text", "postcode"), [
    ("mi código postal es 28013", "28013"), ("PLZ 10115", "10115"),
    ("code postal 75001", "75001"), ("Bestellung 7401 PLZ YO1 7HH", "YO1 7HH"),
])
def test_a_postcode_inside_a_sentence(text, postcode):
    assert reading(text).entities["postcode"] == postcode


@pytest.mark.parametrize("text", ["es el 1042, maya@example.com",
                                  "ist die 1042, mail maya@example.com",
                                  "c'est la 1042, maya@example.com"])
def test_an_order_number_and_email_alone_are_details_only(text):
    r = reading(text, {"pending": {"kind": "verify", "intent": "order_status"}})
    assert r.details_only
    assert r.entities["order_number"] == "1042"


@pytest.mark.parametrize("text", [
    "quiero hablar con una persona de verdad", "kann ich mit einem echten Menschen sprechen",
    "je veux parler à un humain", "voglio parlare con un operatore",
    "quero falar com uma pessoa", "ik wil een mens spreken",
])
def test_asking_for_a_person(text):
    assert reading(text).asks_for_person


@pytest.mark.parametrize("text", [
    "vuestra atención al cliente es lentísima", "euer Kundenservice ist echt lahm",
    "votre service client est vraiment lent",
])
def test_complaining_about_the_service_is_not_asking_for_a_person(text):
    assert not reading(text).asks_for_person


@pytest.mark.parametrize("text", ["quiero darme de baja de los avisos", "bitte abmelden",
                                  "je veux me désabonner", "disiscrivimi per favore",
                                  "quero me descadastrar", "afmelden graag"])
def test_stopping_alerts(text):
    assert wants_no_alerts(text)


@pytest.mark.parametrize("text", ["muchas gracias!", "danke dir!", "merci beaucoup",
                                  "grazie mille", "muito obrigado", "dank je wel",
                                  "eso es todo", "das wars", "c'est tout"])
def test_thanks_and_bye_sign_off(text):
    assert cues.signs_off(text)


@pytest.mark.parametrize("text", ["bom dia, cadê meu pedido?", "salut, où est ma commande ?"])
def test_a_greeting_that_is_also_a_goodbye_opens_the_conversation(text):
    assert not cues.signs_off(text)
    assert cues.greets(text)


@pytest.mark.parametrize(("text", "remedy"), [
    ("quiero el reembolso porfa", "refund"), ("dann bitte Geld zurück", "refund"),
    ("remboursez-moi svp", "refund"), ("me las podéis volver a mandar porfa?", "reship"),
    ("könnt ihr die einfach nochmal schicken bitte", "reship"),
    ("vous pouvez juste me les renvoyer svp", "reship"),
])
def test_refund_or_replacement_for_a_parcel_that_never_came(text, remedy):
    assert cues.remedy(text) == remedy


@pytest.mark.parametrize("text", ["sorry, where is my order?", "top of the range please",
                                  "I want it in the menu colour", "fine"])
def test_english_words_of_the_lists_leave_an_english_message_as_it_was(text):
    r = reading(text)
    assert not r.correction
    assert r.orders.relative == ""
    assert cues.yes_or_no("top") == ""


def test_a_mixed_message_is_read_by_both_languages_rules():
    r = reading("ok, pero no lo canceles please", CONFIRMING_CANCEL)
    assert r.answer == "no"
    assert "cancel_order" in r.negated


@pytest.mark.parametrize("text", [
    "¿Dónde está mi pedido 4410? Por cierto, ¿cuánto cuesta la gorra?",
    "Wo bleibt meine Bestellung 4410? Und was kostet eigentlich die Mütze?",
    "Où en est ma commande 4410 ? Au fait, combien coûte la casquette ?",
    "Dov'è il mio ordine 4410? E poi quanto costa il cappellino?",
    "Cadê o meu pedido 4410? Ah e quanto custa o boné?",
    "Waar blijft mijn bestelling 4410? En wat kost die pet eigenlijk?",
])
def test_a_price_question_added_to_a_status_question_forms_an_agenda(text):
    r = reading(text)
    assert r.intent == "order_status"
    assert [a["intent"] for a in r.agenda] == ["product_question"]


@pytest.mark.parametrize("text", [
    "ich wollte mal fragen, wann mein Paket ankommt", "quand est-ce que mon colis arrive",
    "vroeg me af wanneer mijn trui er is", "queria saber quando chega o meu casaco",
    "mi chaqueta tenía que llegar ayer", "non mi hanno ancora consegnato la felpa",
])
def test_arriving_and_delivering_are_shop_words_for_a_status_question(text):
    assert shop_words_intent(text) == "order_status"


@pytest.mark.parametrize(("text", "intent"), [
    ("welche Zahlungsarten gibt es bei euch", "payment_issue"),
    ("quais formas de pagamento vocês aceitam", "payment_issue"),
    ("kan ik de trui omwisselen voor een andere kleur", "exchange_request"),
    ("wat kost de regenjas", "product_question"),
])
def test_more_shop_words_in_the_six_languages(text, intent):
    assert shop_words_intent(text) == intent


def test_a_request_in_the_shoppers_own_words_makes_sense():
    assert makes_sense(["queria", "saber", "formas", "aceitam"], "pt")
    assert makes_sense(["wollte", "fragen", "ankommt"], "de")
    assert not makes_sense(["asdfgh", "qwrtzp", "jklmnb"], "pt")
    assert not makes_sense(["queria", "aceitam"], "")


@pytest.mark.parametrize(("text", "kinds"), [
    ("la rebeca, la lana pica mucho", ("cardigan",)),
    ("die Strickjacke bitte, die kratzt", ("cardigan",)),
    ("het vestje, de wol kriebelt", ("cardigan",)),
    ("o cachecol azul por favor", ("scarf",)),
    ("la sciarpa e i calzini", ("scarf", "socks")),
    ("c'est le pull bleu marine que je voudrais renvoyer", ("jumper", "sweater")),
    ("the vest please", ()),
])
def test_a_kind_of_product_in_its_native_word_is_the_catalogues(text, kinds):
    assert lexicon.products_named(text) == kinds


@pytest.mark.parametrize("text", [
    "ay qué majos, sí gracias", "oh wie lieb, ja danke", "ah c'est gentil, oui merci",
    "che carini, sì grazie", "que simpáticos, sim obrigada", "o wat lief, ja graag",
])
def test_a_yes_after_kind_words_confirms(text):
    assert cues.confirmation(text, "return", "return_request") == "yes"


@pytest.mark.parametrize(("text", "resolution"), [
    ("reembolso no cartão por favor", "refund"),
    ("prefiro o dinheiro do que trocar", "refund"),
    ("crédito no, el reembolso", "refund"),
    ("piuttosto che un cambio, il rimborso", "refund"),
])
def test_a_refund_to_the_card_and_one_preferred_over_another(text, resolution):
    assert wanted_resolution(text) == resolution


def test_a_short_answer_linked_by_then_is_read_in_its_language():
    assert lexicon.language_in("ok então o azul") != "en"
    assert lexicon.colours_named("ok então o azul") == ("blue",)


@pytest.mark.parametrize("text", [
    "pedí la sudadera gris y me ha llegado una verde",
    "ich hab die graue bestellt und eine grüne geschickt bekommen",
    "esto no es mío, me habéis mandado lo que no era",
    "dit is niet van mij",
])
def test_a_wrong_item_told_as_a_story(text):
    assert cues.problem_kind(text) == "wrong_item"


@pytest.mark.parametrize("text", [
    "el seguimiento pone entregado pero no me ha llegado nada, pedido 4410",
    "laut Tracking zugestellt, aber hier ist nichts angekommen. Bestellung 4410",
    "le suivi dit livré mais je n'ai rien reçu, commande 4410",
    "risulta consegnato ma non ho ricevuto nulla, ordine 4410",
    "diz entregue mas não recebi nada, pedido 4410",
    "volgens de app bezorgd maar ik heb niets ontvangen, bestelling 4410",
])
def test_delivered_but_not_received_is_a_delivery_problem(text):
    assert reading(text).intent == "delivery_problem"
    assert cues.not_received(text)


@pytest.mark.parametrize(("text", "word"), [
    ("le vert, en taille M", "green"), ("de groene, maat M", "green"),
    ("la rebeca gris", "cardigan"),
])
def test_a_native_colour_or_kind_meets_the_catalogues_english_words(text, word):
    assert word in said_words(text)


@pytest.mark.parametrize("text", ["bonjour ! elle est où ma jupe ?",
                                  "hola, ¿dónde está mi falda?", "waar blijft mijn rok?"])
def test_where_a_thing_is_asks_about_an_order(text):
    assert reading(text).intent == "order_status"


@pytest.mark.parametrize("text", [
    "potete mandare il rimborso sulla carta nuova?", "dá pra mandar pro meu cartão novo?",
    "me lo podéis mandar a la tarjeta nueva?",
])
def test_a_refund_asked_to_a_new_card_named_after_its_noun(text):
    assert cues.refund_elsewhere(text)


@pytest.mark.parametrize("text", [
    "me lo podéis mandar a la nueva?", "könnt ihr es auf meine neue Karte buchen?",
    "vous pouvez le verser sur mon nouveau compte ?", "potete mandarlo sulla carta nuova?",
    "dá pra mandar pro meu cartão novo?", "kan het op mijn nieuwe kaart?",
])
def test_a_refund_asked_to_go_to_a_new_card_in_each_language(text):
    assert cues.refund_elsewhere(text)
    r = reading(text, {"last_intent": "refund_status"})
    assert (r.intent, r.confidence >= 0.7) == ("refund_status", True)


@pytest.mark.parametrize("text", ["qué formas de pago aceptáis?",
                                  "welche Zahlungsmöglichkeiten gibt es?",
                                  "quais formas de pagamento vcs aceitam?",
                                  "welke betaalmethodes accepteren jullie?"])
def test_a_question_in_words_of_its_own_language_is_not_taken_for_nonsense(text):
    r = reading(text)
    assert r.intent == "payment_issue"
    assert r.confidence >= 0.4


@pytest.mark.parametrize("text", ["asdfgh jkl", "qwertz uiopü", "sdfkjh sdkfjh"])
def test_keyboard_mash_is_still_nothing(text):
    assert reading(text).confidence == 0.0


@pytest.mark.parametrize("text", ["le suivi dit livré mercredi mais rien dans ma boîte",
                                  "risulta consegnato ieri sera ma non ho niente",
                                  "pone entregado el lunes pero aquí no hay nada"])
def test_delivered_but_not_here_is_a_delivery_problem_in_the_shop_words(text):
    from agents.nlu.reading import shop_words_intent

    assert shop_words_intent(text) == "delivery_problem"
