from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from replies.messages import MESSAGES
from replies.models import ReplyText
from replies.render import Say, render

pytestmark = pytest.mark.django_db

CATALOGUE = "/admin/replies/replytext/"
EDIT = "/admin/replies/replytext/code.text/de/edit/"


@pytest.fixture
def owner() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("owner", password="pw-a-long-one-1"))
    return client


def test_the_catalogue_lists_every_key_with_its_text_per_language_and_its_facts(owner):
    page = owner.get(CATALOGUE).content.decode()

    for key in MESSAGES:
        assert f"<code>{key}</code>" in page
    assert "Ihr {shop}-Code lautet {code}." in page
    assert "<code>{minutes}</code> <small>(required)</small>" in page
    assert f'href="{EDIT}"' in page


def test_the_catalogue_can_be_searched(owner):
    page = owner.get(CATALOGUE, {"q": "herunterladen"}).content.decode()
    assert "<code>label.download</code>" in page
    assert "<code>code.text</code>" not in page


def test_the_owner_previews_a_new_wording_with_example_facts_before_saving_it(owner):
    page = owner.post(EDIT, {"action": "preview", "text": "Code: {code} ({minutes} Min.)"})

    assert '<div id="preview"' in page.content.decode()
    assert "Code: 482913 (15 Min.)" in page.content.decode()
    assert ReplyText.objects.count() == 0


def test_a_saved_wording_is_used_for_the_next_message_and_a_reset_restores_the_catalogues(
        owner):
    code = Say("code.text", shop="Northwind", code="111222", minutes=15, why="")

    response = owner.post(EDIT, {"action": "save", "text": "Code: {code} ({minutes} Min.)"})

    assert response.status_code == 302
    assert render(code, "de") == "Code: 111222 (15 Min.)"
    assert ReplyText.objects.get().updated_by == "owner"

    owner.post(EDIT, {"action": "reset"})
    assert render(code, "de").startswith("Ihr Northwind-Code lautet 111222.")


def test_a_wording_that_breaks_the_message_is_shown_with_its_problems_and_not_saved(owner):
    page = owner.post(EDIT, {"action": "save", "text": "Hallo {name}, hier: {code}"})

    html = page.content.decode()
    assert page.status_code == 200
    assert "Unknown fact: {name}." in html
    assert "The text must keep {minutes}." in html
    assert "Hallo {name}, hier: {code}</textarea>" in html  # what they typed is kept
    assert ReplyText.objects.count() == 0


def test_someone_who_may_only_look_cannot_change_the_wording():
    viewer = User.objects.create_user("viewer", password="pw-a-long-one-1", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_replytext"))
    client = Client()
    client.force_login(viewer)

    assert client.get(EDIT).status_code == 200
    assert client.post(EDIT, {"action": "save", "text": "{code} {minutes}"}).status_code == 403
    assert ReplyText.objects.count() == 0


def test_an_unknown_key_or_language_is_not_found(owner):
    assert owner.get("/admin/replies/replytext/order.teleported/de/edit/").status_code == 404
    assert owner.get("/admin/replies/replytext/code.text/ja/edit/").status_code == 404
