"""What a shopper chooses for a return, read from their words: the option they name and
don't turn down, however the refusal is phrased."""

from __future__ import annotations

import pytest

from agents.nlu.returns import quantity_back, wanted_resolution


@pytest.mark.parametrize(("text", "wanted"), [
    ("refund to my card please, not credit", "refund"),
    ("refnd to my card pls not store credit", "refund"),
    ("No thanks, I just want my money back rather than a swap or voucher", "refund"),
    ("No thanks, I don't want a different size or store credit, just a refund to my card.",
     "refund"),
    ("I want a refund. Not an exchange, not a voucher", "refund"),
    ("Honestly I'm happy to take store credit rather than a refund", "store_credit"),
    ("I'd like store credit, no refund needed", "store_credit"),
    ("I dont want a refund, can I swap it for a L", "exchange"),
    ("Actually, scratch that - rather than a refund can I swap them for a 34?", "exchange"),
    ("yes please", ""),
])
def test_the_choice_is_the_option_named_and_not_turned_down(text: str, wanted: str) -> None:
    assert wanted_resolution(text) == wanted


@pytest.mark.parametrize(("text", "count"), [
    ("I want to send 2 pairs back and keep one", 2),
    ("i want to retrun 2 pairs of the running shorts", 2),
    ("can I return one of them?", 1),
    ("I'd like to return the shorts, bought them 3 days ago", 0),
    ("send them back", 0),
    ("quiero devolver 2 de las camisetas y quedarme la otra", 2),
    ("ich will zwei von den Socken zurückschicken", 2),
    ("je voudrais retourner deux pulls sur trois", 2),
    ("ik wil 2 van de glazen retourneren", 2),
    ("tengo 30 días para devolverlo?", 0),
])
def test_how_many_go_back_is_read_only_when_said(text: str, count: int) -> None:
    assert quantity_back(text) == count
