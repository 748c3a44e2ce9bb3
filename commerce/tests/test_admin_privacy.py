"""Marketers work on the catalogue without seeing who the shoppers are."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from commerce.models import BackInStockSubscription, Product, Review, Variant
from conversations.inbox.roles import MARKETERS, roles_ensure
from core.models import Customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper_data() -> tuple[Review, BackInStockSubscription]:
    sophie = Customer.objects.create(name="Sophie Kettering", email="sophie1981@example.org",
                                     phone="+447700900777")
    product = Product.objects.create(name="Rain Jacket", slug="rain-jacket", kind="jacket")
    variant = Variant.objects.create(product=product, sku="RAIN-M", options={"size": "M"},
                                     price="80.00", stock=0)
    review = Review.objects.create(product=product, customer=sophie, rating=5,
                                   title="Kept me dry", body="Great on the fells.")
    alert = BackInStockSubscription.objects.create(customer=sophie, variant=variant,
                                                   channel="email")
    return review, alert


def client_for(group: str) -> Client:
    roles_ensure()
    user = User.objects.create_user(group.lower(), password="pw-a-long-one-1", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


PAGES = [
    ("admin:commerce_review_changelist", None),
    ("admin:commerce_review_change", "review"),
    ("admin:commerce_backinstocksubscription_changelist", None),
    ("admin:commerce_backinstocksubscription_change", "alert"),
]


def page(client: Client, name: str, which: str | None, data, **query: str) -> str:
    review, alert = data
    args = [] if which is None else [(review if which == "review" else alert).pk]
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200, name
    return response.content.decode()


@pytest.mark.parametrize(("name", "which"), PAGES)
def test_marketers_see_no_customer_names_or_contacts(shopper_data, name, which):
    html = page(client_for(MARKETERS), name, which, shopper_data)

    assert "Sophie" not in html
    assert "sophie1981" not in html
    assert "+447700900777" not in html


@pytest.mark.parametrize("name", ["admin:commerce_review_changelist",
                                  "admin:commerce_backinstocksubscription_changelist"])
def test_marketers_cannot_find_rows_by_a_customers_email(shopper_data, name):
    marketer = client_for(MARKETERS)

    found = page(marketer, name, None, shopper_data, q="sophie1981@example.org")

    assert "0 results" in found


@pytest.mark.parametrize(("name", "which"), PAGES)
def test_the_shops_admins_still_see_who_the_customer_is(shopper_data, name, which):
    admin = Client()
    admin.force_login(User.objects.create_superuser("boss", password="pw-a-long-one-1"))

    html = page(admin, name, which, shopper_data)

    assert "Sophie Kettering" in html
