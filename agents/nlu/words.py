"""The words of a message as the rest of the bot compares them with the shop's data:
product names, option values, a numbered choice. Patterns stay here, in ``agents/nlu``."""

from __future__ import annotations

import re

from agents.nlu import lexicon

_WORD = re.compile(r"[a-z]{3,}")


def words(text: str) -> list[str]:
    """The words of three letters or more, lower-cased, in order."""
    return _WORD.findall(text.lower())


def stems(text: str) -> set[str]:
    """The words, with a plural "s" dropped: "boots" and "boot" are one word."""
    return {w.rstrip("s") for w in words(text)}


def said_words(text: str) -> list[str]:
    """The words of a shopper's message, as ``words``, and the English names of the kinds
    of product and colours it names in its own language ("la rebeca" also says
    "cardigan", "le vert" says "green"), so they meet the catalogue's names."""
    found = words(text)
    named = (*lexicon.products_named(text), *lexicon.colours_named(text))
    return found + [w for name in named for w in words(name) if w not in found]


def said_stems(text: str) -> set[str]:
    """``said_words`` with a plural "s" dropped, as ``stems``."""
    return {w.rstrip("s") for w in said_words(text)}


def says_value(text: str, value: str) -> bool:
    """Whether the text holds ``value`` as a whole token ("m" in "the m one", not in
    "medium"; "8.5" not inside "18.5"), or names that colour in its own language
    ("schwarz" says "black")."""
    if re.search(rf"(?<![\w.]){re.escape(value.lower())}(?![\w.])", text.lower()):
        return True
    return value.lower() in lexicon.colours_named(text)


def is_choice_number(text: str, n: int) -> bool:
    """The message is just the number of a listed choice ("2", "2.")."""
    return bool(re.fullmatch(rf"\s*{n}\.?\s*", text))


def without(text: str, value: str) -> str:
    """The text with every occurrence of ``value`` (any case) blanked out."""
    return re.sub(re.escape(value), " ", text, flags=re.I) if value else text


def has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)
