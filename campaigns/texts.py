"""What a back-in-stock alert says, per channel and language. The WhatsApp template
`back_in_stock` carries the same four parameters: first name, product, price, link."""

from __future__ import annotations

from dataclasses import dataclass

LANGUAGES = ("en", "es", "fr", "de")

GREETING = {
    "en": ("Good news, {name}: ", "Good news: "),
    "es": ("Buenas noticias, {name}: ", "Buenas noticias: "),
    "fr": ("Bonne nouvelle, {name} : ", "Bonne nouvelle : "),
    "de": ("Gute Nachricht, {name}: ", "Gute Nachricht: "),
}
ALERT = {
    "en": "{product} is back in stock, {price}. Only {stock} available for now: {link}",
    "es": "{product} vuelve a estar disponible, {price}. Solo quedan {stock} por ahora: {link}",
    "fr": "{product} est de nouveau en stock, {price}. Seulement {stock} disponibles pour "
          "l'instant : {link}",
    "de": "{product} ist wieder vorrätig, {price}. Nur {stock} Stück verfügbar: {link}",
}
STOP_CHAT = {
    "en": "Reply \"stop alerts\" to get no more of these.",
    "es": "Responde \"stop alerts\" para no recibir más avisos.",
    "fr": "Répondez « stop alerts » pour ne plus recevoir ces messages.",
    "de": "Antworten Sie \"stop alerts\", um keine weiteren zu erhalten.",
}
STOP_EMAIL = {
    "en": "You asked us to tell you when it was back. Unsubscribe from these alerts: {link}",
    "es": "Nos pediste avisarte cuando volviera. Darte de baja de estos avisos: {link}",
    "fr": "Vous nous avez demandé de vous prévenir. Se désabonner de ces alertes : {link}",
    "de": "Sie wollten benachrichtigt werden. Von diesen Hinweisen abmelden: {link}",
}
SUBJECT = {
    "en": "{product} is back in stock",
    "es": "{product} vuelve a estar disponible",
    "fr": "{product} est de nouveau en stock",
    "de": "{product} ist wieder vorrätig",
}
@dataclass(frozen=True)
class Alert:
    text: str
    subject: str
    params: list[str]


def alert(channel: str, language: str, *, first_name: str, product: str, price: str,
          stock: int, link: str, unsubscribe: str = "") -> Alert:
    lang = language if language in ALERT else "en"
    named, anonymous = GREETING[lang]
    greeting = named.format(name=first_name) if first_name else anonymous
    body = greeting + ALERT[lang].format(product=product, price=price, stock=stock, link=link)
    footer = STOP_EMAIL[lang].format(link=unsubscribe) if channel == "email" else STOP_CHAT[lang]
    return Alert(text=f"{body}\n\n{footer}", subject=SUBJECT[lang].format(product=product),
                 params=[first_name or "there", product, price, link])


CONSENT_WORDING = ("Tell me once by {channel} when {product} is back in stock. I can stop "
                   "these alerts at any time.")
