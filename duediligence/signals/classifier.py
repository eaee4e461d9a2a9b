"""The adverse-media text classifier: training, and classifying texts from the active model.

A scikit-learn ``Pipeline``: word (1–2-gram) and character (3–5-gram) TF-IDF features with
sublinear term frequency into a class-balanced multinomial logistic regression. Long articles are
also scored window by window (the title alone, then ~60-word windows led by the title); when the
most adverse window is confidently adverse its verdict is the article's, so one damning paragraph
in an article of thousands of words is not drowned out by boilerplate (see :func:`predict_proba`).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.pipeline import FeatureUnion, Pipeline

from duediligence.db.enums import ModelKind
from duediligence.modelstore import LoadedModel, load_active
from duediligence.signals.taxonomy import LABELS

log = logging.getLogger(__name__)

WINDOW_WORDS = 60
LONG_TEXT_WORDS = 200
TITLE_WORDS = 30


@dataclass(frozen=True)
class Classification:
    """The classifier's verdict on one text."""

    label: str
    probability: float
    probabilities: dict[str, float] = field(default_factory=dict)
    model_version: str = ""

    @property
    def adverse(self) -> bool:
        """True when the label is an offence category (not ``none``)."""
        return self.label != "none"


def build_pipeline(seed: int = 0) -> Pipeline:
    """The untrained classifier pipeline."""
    features = FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=40_000,
                    strip_accents="unicode",
                    lowercase=True,
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=3,
                    max_features=40_000,
                    lowercase=True,
                ),
            ),
        ]
    )
    model = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("model", model)])


def _windows(text: str) -> list[str]:
    """The title alone, then overlapping ~60-word windows of a long text, each led by the title."""
    words = text.split()
    if len(words) <= LONG_TEXT_WORDS:
        return []
    first_line = text.strip().split("\n", 1)[0]
    title = first_line if len(first_line.split()) <= TITLE_WORDS else ""
    body = text.strip()[len(title) :].split() if title else words
    step = WINDOW_WORDS // 2
    prefix = f"{title}. " if title else ""
    windows = [title] if title else []
    windows += [
        prefix + " ".join(body[i : i + WINDOW_WORDS])
        for i in range(0, max(1, len(body) - step), step)
    ]
    return windows


def predict_proba(pipeline: Pipeline, texts: list[str]) -> np.ndarray:
    """Class probabilities (columns in ``pipeline.classes_`` order), window-aware for long texts.

    A long text is also scored window by window. When its most adverse window (the one with the
    highest probability of any offence label) is labelled adverse and more confident than the
    whole text, that window's probabilities are the text's: one damning paragraph in an article
    of thousands of words is not drowned out by the rest.
    """
    probs = np.asarray(pipeline.predict_proba(texts))
    classes = list(pipeline.classes_)
    if "none" not in classes:
        return probs
    none_col = classes.index("none")
    adverse_cols = [j for j in range(len(classes)) if j != none_col]
    spans: list[tuple[int, int, int]] = []
    windows: list[str] = []
    for i, text in enumerate(texts):
        chunk = _windows(text)
        if chunk:
            spans.append((i, len(windows), len(windows) + len(chunk)))
            windows.extend(chunk)
    if not windows:
        return probs
    win = np.asarray(pipeline.predict_proba(windows))
    for i, start, end in spans:
        block = win[start:end]
        best_adverse = block[:, adverse_cols].max(axis=1)
        j = int(best_adverse.argmax())
        best = block[j]
        if int(best.argmax()) != none_col and best_adverse[j] > probs[i, adverse_cols].max():
            probs[i] = best
    return probs


def classify_with(loaded: LoadedModel, texts: list[str]) -> list[Classification]:
    """Classify ``texts`` with an already loaded model."""
    if not texts:
        return []
    pipeline: Pipeline = loaded.model
    probs = predict_proba(pipeline, [t or "" for t in texts])
    classes = [str(c) for c in pipeline.classes_]
    out = []
    for row in probs:
        best = int(np.argmax(row))
        out.append(
            Classification(
                label=classes[best],
                probability=float(row[best]),
                probabilities={c: round(float(p), 4) for c, p in zip(classes, row, strict=True)},
                model_version=loaded.version,
            )
        )
    return out


@functools.lru_cache(maxsize=4)
def _active(models_dir: str) -> LoadedModel:
    return load_active(Path(models_dir), ModelKind.SIGNALS)


def active_signals_model(models_dir: Path | None = None) -> LoadedModel:
    """The active, verified signals model from ``DD_MODELS_DIR`` (cached per process)."""
    if models_dir is None:
        from duediligence.config import get_settings

        models_dir = get_settings().models_dir
    return _active(str(Path(models_dir).resolve()))


def classify_texts(texts: list[str], *, models_dir: Path | None = None) -> list[Classification]:
    """Classify texts with the active model (no database needed)."""
    return classify_with(active_signals_model(models_dir), texts)


def evaluate(pipeline: Pipeline, texts: list[str], labels: list[str]) -> dict[str, Any]:
    """Macro-F1, adverse-vs-none F1 and per-label F1 of ``pipeline`` on labelled texts."""
    probs = predict_proba(pipeline, texts)
    classes = np.asarray(pipeline.classes_)
    pred = classes[probs.argmax(axis=1)]
    truth = np.asarray(labels)
    per_label = f1_score(truth, pred, labels=list(LABELS), average=None, zero_division=0)
    return {
        "n": len(texts),
        "macro_f1": float(
            f1_score(truth, pred, labels=list(LABELS), average="macro", zero_division=0)
        ),
        "adverse_f1": float(f1_score(truth != "none", pred != "none")),
        "accuracy": float((truth == pred).mean()),
        "per_label_f1": {lbl: round(float(v), 4) for lbl, v in zip(LABELS, per_label, strict=True)},
        "_pred": pred,
    }


def bootstrap_ci(
    truth: np.ndarray, pred: np.ndarray, *, adverse: bool, n: int = 300, seed: int = 0
) -> tuple[float, float]:
    """95% bootstrap interval of macro-F1 (or adverse-vs-none F1)."""
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(truth), len(truth))
        t, p = truth[idx], pred[idx]
        if adverse:
            scores.append(f1_score(t != "none", p != "none"))
        else:
            scores.append(f1_score(t, p, labels=list(LABELS), average="macro", zero_division=0))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


_SPACE = re.compile(r"\s+")


def signal_text(title: str, text: str | None) -> str:
    """The text we classify for a signal: its title and body."""
    return _SPACE.sub(" ", f"{title}. {text or ''}").strip()
