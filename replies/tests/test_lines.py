from __future__ import annotations

from decimal import Decimal

import pytest

from core.formatting import Money
from replies.render import Lines, Say, render_parts

pytestmark = pytest.mark.django_db


def test_lines_are_said_one_per_line_each_in_the_language_asked_for():
    lines = Lines(Say("bot.facts.item_line_each" if quantity > 1 else "bot.facts.item_line",
                      quantity=quantity, item=item, price=Money(Decimal(price), "EUR"))
                  for quantity, item, price in ((1, "Classic Tee (M)", "25.00"),
                                                (2, "Wool Socks", "8.50")))

    said = render_parts([Say("bot.facts.items_many", number="3001", count=3, lines=lines)], "de")

    assert said == ("Bestellung #3001 enthält 3 Artikel:\n"
                    "- 1 × Classic Tee (M), 25,00\u00a0€\n"
                    "- 2 × Wool Socks, je 8,50\u00a0€")


def test_lines_with_a_separator_of_their_own_are_said_as_one_paragraph():
    said = render_parts([Lines([Say("bot.facts.no_items", number="1"),
                                Say("bot.facts.no_items", number="2")], sep=" ")], "en")

    assert said == "Order #1 has no items. Order #2 has no items."
