"""Accuracy of the intent classifier on a labelled JSON Lines file, or on each of the shop's
languages' held-out sets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.nlu import INTENTS
from agents.nlu.language import DEFAULT, LANGUAGES, detect_language
from agents.nlu.model import (
    DATA_DIR,
    LANGUAGES_DIR,
    combine,
    get_model,
    load_examples,
    tfidf_sure,
    tfidf_weights,
)
from agents.nlu.reading import LOW_CONFIDENCE

TEST_FILE = DATA_DIR / "test.jsonl"


def test_file(language: str) -> Path:
    """The held-out set of a language: English's own, the others' in ``languages/``."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; one of {', '.join(LANGUAGES)}")
    return TEST_FILE if language == DEFAULT else LANGUAGES_DIR / f"test.{language}.jsonl"


@dataclass
class IntentScore:
    support: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.support if self.support else 0.0


@dataclass
class Report:
    total: int
    correct: int
    per_intent: dict[str, IntentScore]
    confusions: list[tuple[str, str, int]]
    # Accuracy of each half of the ensemble alone, to show the combination earns its cost.
    views: dict[str, float]
    mean_confidence_correct: float
    mean_confidence_wrong: float
    # Right answers sure enough for the bot to act on (at or above LOW_CONFIDENCE; below,
    # it asks the shopper what they mean).
    confident_when_correct: float
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "correct": self.correct,
            "accuracy": round(self.accuracy, 4),
            "per_intent": {
                name: {"support": s.support, "correct": s.correct,
                       "accuracy": round(s.accuracy, 4)}
                for name, s in self.per_intent.items()
            },
            "confusions": [
                {"expected": gold, "predicted": pred, "count": n}
                for gold, pred, n in self.confusions
            ],
            "views": {k: round(v, 4) for k, v in self.views.items()},
            "mean_confidence_correct": round(self.mean_confidence_correct, 4),
            "mean_confidence_wrong": round(self.mean_confidence_wrong, 4),
            "confident_when_correct": round(self.confident_when_correct, 4),
            "mistakes": self.mistakes,
        }


def read_labelled(path: Path) -> list[dict[str, str]]:
    rows = load_examples(path)
    for n, row in enumerate(rows, start=1):
        if not isinstance(row.get("text"), str) or row.get("intent") not in INTENTS:
            raise ValueError(f"{path}: row {n} needs a string 'text' and a known 'intent'")
    return rows


def evaluate(rows: list[dict[str, str]]) -> Report:
    model = get_model()
    texts = [r["text"] for r in rows]
    gold = np.array([r["intent"] for r in rows])
    classes = np.array(model.classes)
    p_tfidf, p_emb = model.parts(texts)
    weights = tfidf_weights([detect_language(t) for t in texts])
    # What the bot answers with (the encoder's view only where TF-IDF is unsure), from the
    # views already computed; the views below are each half, and both for every message.
    probs = combine(p_tfidf, np.where(tfidf_sure(p_tfidf)[:, None], p_tfidf, p_emb), weights)
    pred = classes[probs.argmax(axis=1)]
    conf = probs.max(axis=1)
    hit = pred == gold

    per_intent = {}
    for name in INTENTS:
        mask = gold == name
        if mask.any():
            per_intent[name] = IntentScore(int(mask.sum()), int(hit[mask].sum()))
    confusions = Counter(
        (str(g), str(p)) for g, p in zip(gold, pred, strict=True) if g != p
    ).most_common()
    views = {
        "tfidf": float((classes[p_tfidf.argmax(axis=1)] == gold).mean()),
        "embeddings": float((classes[p_emb.argmax(axis=1)] == gold).mean()),
        "ensemble": float(
            (classes[combine(p_tfidf, p_emb, weights).argmax(axis=1)] == gold).mean()),
    }
    mistakes = [
        {"text": texts[i], "expected": str(gold[i]), "predicted": str(pred[i]),
         "confidence": round(float(conf[i]), 3)}
        for i in np.flatnonzero(~hit)
    ]
    return Report(
        total=len(rows),
        correct=int(hit.sum()),
        per_intent=per_intent,
        confusions=[(g, p, n) for (g, p), n in confusions],
        views=views,
        mean_confidence_correct=float(conf[hit].mean()) if hit.any() else 0.0,
        mean_confidence_wrong=float(conf[~hit].mean()) if (~hit).any() else 0.0,
        confident_when_correct=(
            float((conf[hit] >= LOW_CONFIDENCE).mean()) if hit.any() else 0.0),
        mistakes=mistakes,
    )


def evaluate_languages(languages: tuple[str, ...] = LANGUAGES) -> dict[str, Report]:
    """Each language's report on its own held-out set, in the order given."""
    return {lang: evaluate(read_labelled(test_file(lang))) for lang in languages}
