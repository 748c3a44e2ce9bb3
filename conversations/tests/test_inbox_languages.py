"""Languages in the agent inbox: each shopper message shows the language it is written in,
the conversation shows the shopper's language and who chose it, agents choose it for the
shopper, and canned responses in the shopper's language are offered first.

Messages go through the real pipeline (the bot reads them, or a person's conversation
does), so the languages shown are the ones the detector stored.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from channels_adapters.registry import captured
from conversations import services
from conversations.inbox import selectors
from conversations.inbox import services as inbox
from conversations.inbox.roles import AGENTS, MARKETERS, roles_ensure
from conversations.inbox.services import InboxRefused
from conversations.models import CannedResponse, Conversation, Handoff, InternalNote, Message
from core import clock
from core.models import Customer, LanguageSource

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SESSION = "langsession0123456789abcd"
SPANISH = "Hola, ¿hay alguien ahí? Necesito ayuda con mi pedido, por favor."
BADGE = re.compile(r'<span class="ib-lang( other)?" data-testid="message-language" '
                   r'title="([^"]+)">([A-Z]{2})</span>')


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with clock.frozen_at(NOW):
        yield


def _staff(username: str, group: str) -> User:
    roles_ensure()
    user = User.objects.create_user(username, password="pw-" + username, is_staff=True,
                                    first_name=username.title())
    user.groups.add(Group.objects.get(name=group))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def alice() -> User:
    return _staff("alice", AGENTS)


def say(text: str) -> Message:
    """The shopper writes on the site chat and the message is answered (by the bot, or
    left for the person handling the conversation)."""
    message = services.message_receive(services.Inbound(
        channel="web", sender_id=SESSION, text=text, external_id=uuid.uuid4().hex))
    assert message is not None
    with captured():
        services.message_process(message.pk)
    clock.advance(timedelta(seconds=30))
    message.refresh_from_db()
    return message


@pytest.fixture
def with_a_person() -> Conversation:
    """A site-chat shopper asked, in English, for a person, and is waiting for one."""
    say("I want to talk to a human")
    handoff = Handoff.objects.select_related("conversation__customer").get(
        conversation__customer__identities__external_id=SESSION)
    assert handoff.conversation.mode == Conversation.Mode.HUMAN
    return handoff.conversation


def customer_of(conversation: Conversation) -> Customer:
    return Customer.objects.get(pk=conversation.customer_id)


def page(client: Any, conversation: Conversation) -> str:
    response = client.get(reverse("inbox:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def speaks(html: str) -> str:
    """The header's word on the shopper's language, tags stripped."""
    found = re.search(r'<span class="ib-speaks" data-testid="language" title="([^"]+)">(.*?)'
                      r'</span></span>', html, re.S)
    assert found is not None
    return f"{re.sub(r'<[^>]+>', '', found.group(2))} [{found.group(1)}]"


def test_a_message_to_a_person_is_read_for_its_language_and_shown_with_it(
        client, with_a_person, alice):
    spanish = say(SPANISH)

    assert spanish.language == "es"
    assert (customer_of(with_a_person).language,
            customer_of(with_a_person).language_source) == ("es", LanguageSource.DETECTED)
    client.force_login(alice)
    html = page(client, with_a_person)
    assert BADGE.findall(html) == [(" other", "Written in English", "EN"),
                                   ("", "Written in Spanish", "ES")]
    assert speaks(html) == "Speaks Spanish (detected) [Detected from their messages]"
    queue = client.get(reverse("inbox:queue")).content.decode()
    assert '<span class="ib-lang" title="Speaks Spanish">ES</span>' in queue


def test_a_message_too_short_to_tell_shows_no_language(client, with_a_person, alice):
    short = say("hola?")

    assert short.language == ""
    client.force_login(alice)
    assert [title for _, title, _ in BADGE.findall(page(client, with_a_person))] == [
        "Written in English"]


def test_a_spanish_shoppers_canned_responses_in_spanish_come_first(
        client, with_a_person, alice):
    say(SPANISH)
    CannedResponse.objects.all().delete()
    for shortcut, title, language, text in [
            ("greeting", "Greeting", "en", "Hi, this is {agent_name}."),
            ("greeting", "Greeting", "de", "Hallo, hier ist {agent_name}."),
            ("greeting", "Greeting", "es", "Hola, soy {agent_name}."),
            ("anything-else", "Anything else?", "en", "Anything else I can help with?"),
            ("tracking", "Tracking update", "es", "Te paso el seguimiento en un momento.")]:
        CannedResponse.objects.create(shortcut=shortcut, title=title, language=language,
                                      text=text)
    conversation = Conversation.objects.select_related("customer").get(pk=with_a_person.pk)

    offered = selectors.canned_list(conversation, alice)

    assert offered.language == "es"
    assert [(c.shortcut, c.language, text) for c, text in offered.theirs] == [
        ("greeting", "es", "Hola, soy Alice."),
        ("tracking", "es", "Te paso el seguimiento en un momento.")]
    assert [(c.shortcut, c.language) for c, _ in offered.others] == [
        ("anything-else", "en"), ("greeting", "en"), ("greeting", "de")]
    client.force_login(alice)
    html = page(client, with_a_person)
    composer = html[html.index('<select id="canned"'):]
    composer = composer[:composer.index("</select>")]
    assert re.findall(r'<optgroup label="([^"]+)">', composer) == [
        "In Spanish, the shopper's language", "Other languages"]
    assert re.findall(r'<option value="([a-z.-]+)" data-text', composer) == [
        "greeting.es", "tracking.es", "anything-else.en", "greeting.en", "greeting.de"]


def test_a_language_an_agent_chooses_sticks_when_the_shopper_writes_in_another(
        client, with_a_person, alice):
    client.force_login(alice)

    response = client.post(reverse("inbox:language", args=[with_a_person.pk]),
                           {"language": "de"})

    assert response.status_code == 302
    customer = customer_of(with_a_person)
    assert (customer.language, customer.language_source) == ("de", LanguageSource.SHOP)
    assert list(InternalNote.objects.values_list("author__username", "text")) == [
        ("alice", "Answer in German from now on.")]
    spanish = say(SPANISH)
    assert spanish.language == "es"
    customer = customer_of(with_a_person)
    assert (customer.language, customer.language_source) == ("de", LanguageSource.SHOP)
    html = page(client, with_a_person)
    assert speaks(html) == "Speaks German (set by the shop) [Set by the shop]"
    assert BADGE.findall(html)[-1] == (" other", "Written in Spanish", "ES")
    assert '<option value="de" selected>German</option>' in html


def test_letting_the_shoppers_messages_decide_again_follows_the_next_one(
        client, with_a_person, alice):
    inbox.customer_language_choose(with_a_person, alice, "de")
    client.force_login(alice)

    client.post(reverse("inbox:language", args=[with_a_person.pk]), {"language": ""})
    say(SPANISH)

    customer = customer_of(with_a_person)
    assert (customer.language, customer.language_source) == ("es", LanguageSource.DETECTED)
    assert list(InternalNote.objects.order_by("pk").values_list("text", flat=True)) == [
        "Answer in German from now on.", "The language follows their messages again."]


def test_a_shoppers_own_request_is_shown_as_theirs(client, with_a_person, alice):
    say("in Spanish please")
    say("Thanks, and where is my parcel? It was due on Monday.")

    client.force_login(alice)
    assert speaks(page(client, with_a_person)) == (
        "Speaks Spanish (asked by the shopper) [Asked for by the customer]")


def test_choosing_the_language_it_already_has_writes_nothing(with_a_person, alice):
    assert inbox.customer_language_choose(with_a_person, alice, "fr") is True
    assert inbox.customer_language_choose(with_a_person, alice, "fr") is False
    assert InternalNote.objects.count() == 1


def test_only_the_shops_languages_can_be_chosen_and_only_by_those_who_act(
        client, with_a_person, alice):
    with pytest.raises(InboxRefused, match="Choose one of the shop's languages"):
        inbox.customer_language_choose(with_a_person, alice, "ru")
    client.force_login(_staff("mark", MARKETERS))

    response = client.post(reverse("inbox:language", args=[with_a_person.pk]),
                           {"language": "fr"})

    assert response.status_code == 403
    assert customer_of(with_a_person).language_source == LanguageSource.DETECTED
