"""Natural-language understanding for shopper messages: intent, language, entities.

Offline and deterministic: a small classifier trained from this package's own examples in
the shop's seven languages (``model.py``), regular expressions for entities
(``entities.py``) and a language detector (``language.py``). The intent names are the
public contract in ``shared/contracts/INTENTS.md``.

``understand`` and ``understand_many`` are safe to call from several threads; the model is
loaded (or trained and cached) once per process on first use, or up front by ``warm_up``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agents.nlu.entities import extract_entities
from agents.nlu.language import detect_language

INTENTS: tuple[str, ...] = (
    "greeting",
    "order_status",
    "delivery_problem",
    "return_request",
    "exchange_request",
    "refund_status",
    "cancel_order",
    "change_address",
    "product_question",
    "back_in_stock",
    "promo_question",
    "account",
    "payment_issue",
    "human_handoff",
    "complaint",
    "other",
)

__all__ = ["INTENTS", "Understanding", "understand", "understand_many", "warm_up"]


@dataclass(frozen=True)
class Understanding:
    intent: str
    confidence: float
    language: str
    entities: dict[str, str] = field(default_factory=dict)


def warm_up() -> None:
    """Load (or train and cache) the model now rather than on the first message."""
    # Lazy: the model brings torch; importing the package must not load it.
    from agents.nlu.model import get_model

    get_model()


def understand(text: str, language: str | None = None) -> Understanding:
    """The intent of `text`; `language` is the language it is known to be written in (the
    conversation's reading of it, which weighs what the writer wrote before and leaves the
    shop's product names out), else it is guessed from the text alone."""
    return understand_many([text], language)[0]


def understand_many(texts: list[str], language: str | None = None) -> list[Understanding]:
    """Classify a batch: the same answers as one at a time, with less overhead."""
    # Lazy: the model brings torch; importing the package must not load it.
    from agents.nlu.model import get_model

    results: list[Understanding | None] = [None] * len(texts)
    to_classify = [i for i, t in enumerate(texts) if t.strip()]
    for i, text in enumerate(texts):
        if not text.strip():
            # Nothing to understand: "other", with a confidence that makes the dialogue
            # layer ask what the shopper needs.
            results[i] = Understanding("other", 0.0, "en", {})
    if to_classify:
        model = get_model()
        languages = [language or detect_language(texts[i]) for i in to_classify]
        probs = model.predict_proba([texts[i] for i in to_classify], languages)
        classes = model.classes
        for row, i, language in zip(probs, to_classify, languages, strict=True):
            best = int(row.argmax())
            results[i] = Understanding(
                intent=classes[best],
                confidence=round(float(min(max(row[best], 0.0), 1.0)), 4),
                language=language,
                entities=extract_entities(texts[i]),
            )
    return [r for r in results if r is not None]
