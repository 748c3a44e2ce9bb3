"""The shared sentence encoder: the traced, quantised model computes what the model itself
computes, and a long message keeps its end (where shoppers put the request)."""

from __future__ import annotations

import numpy as np
import torch

from core.encoder import get_encoder


def test_the_traced_model_gives_the_models_own_vectors_for_any_length_and_batch() -> None:
    encoder = get_encoder()
    texts = ["hi", "where is my order 1042?",
             "Hi, this is Dana, I bought boots for my son last week and they still have "
             "not arrived. Could you check where they are? " * 6]
    tokenizer = encoder._tokenizers["right"]
    batch = tokenizer(texts, padding=True, truncation=True, max_length=256,
                      return_tensors="pt")
    with torch.inference_mode():
        traced = encoder._model(batch["input_ids"], batch["attention_mask"])
        eager = encoder._eager(batch["input_ids"], batch["attention_mask"])

    assert traced.shape == eager.shape == (3, batch["input_ids"].shape[1], 384)
    assert torch.allclose(traced, eager, atol=1e-5)


def test_vectors_are_unit_length_and_in_input_order() -> None:
    vectors = get_encoder().encode(["a much longer message about a parcel", "hi"])
    alone = get_encoder().encode(["hi"])

    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[1], alone[0], atol=1e-5)


def test_a_long_message_is_cut_from_the_front_when_asked_to_keep_its_end() -> None:
    ask = " Anyway, can I get a refund for the boots?"
    story_a = "My son's birthday was on Saturday and the party went well. " * 20
    story_b = "We moved house in the spring and the garden needs work now. " * 20

    kept_end = get_encoder().encode([story_a + ask, story_b + ask], keep="end", max_tokens=10)
    kept_start = get_encoder().encode([story_a + ask, story_b + ask], max_tokens=10)

    assert np.allclose(kept_end[0], kept_end[1], atol=1e-6)
    assert not np.allclose(kept_start[0], kept_start[1], atol=1e-2)
